// "Admins need a passkey" (ADMIN_PASSKEY_REQUIRED, on by default): an admin's browser session not made with
// a passkey (an e-mailed link; a session older than passkeys) reaches only the account page — where an
// admin with no passkey registers one, and one with a passkey signs in with it — and what that page calls.
// Every other route answers 403 (a page: a redirect to the account page). API tokens are not sessions and
// are not affected; WARP operators may use passkeys but need not.
import type { Config } from '../../config.js';
import type { Principal } from '../../domain/principal.js';

export function passkeyStepPending(
  config: Pick<Config, 'ADMIN_PASSKEY_REQUIRED'>,
  principal: Principal | null,
) {
  return (
    config.ADMIN_PASSKEY_REQUIRED &&
    principal?.via === 'session' &&
    principal.role === 'admin' &&
    principal.authMethod !== 'passkey'
  );
}

/** The routes ("METHOD /path", as in policy.ts) an admin session may use before its passkey step. */
export const beforePasskeyStep = new Set([
  'GET /account',
  'GET /api/v1/me',
  'GET /api/v1/passkeys',
  'POST /api/v1/passkeys/registration-options',
  'POST /api/v1/passkeys',
  'POST /sign-out',
]);

export const PASSKEY_STEP_PAGE = '/account';
