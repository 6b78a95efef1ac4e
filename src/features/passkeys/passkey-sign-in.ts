// Signing in with a passkey (the WebAuthn "get" ceremony, checked by SimpleWebAuthn). Discoverable
// credentials: the options name no one, the authenticator offers the person's passkey, and its answer says
// which passkey it is. The answer is checked against the challenge this browser was given, the service's
// origin and RP ID, user verification, the passkey's public key and its signature counter (a counter that
// goes back means a cloned authenticator: refused); then the passkey is marked used (guarded by the counter
// it was checked against, audited) and a session is opened as `passkey`.
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import { and, eq, isNull } from 'drizzle-orm';
import { passkeys, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { createSession } from '../auth/sessions.js';
import { ensureEcdsaSignatureSchema } from './asn1-fix.js';
import { CHALLENGE_TTL_MS, challengeOf, issueChallenge, spendChallenge } from './challenges.js';
import { fromBase64url, transportsOf } from './register-passkey.js';
import { relyingParty } from './relying-party.js';
import { passkeyTransitions } from './transitions.js';

/** The options for the browser's navigator.credentials.get(), with a new challenge bound to this browser. */
export async function passkeySignInOptions(deps: Deps, browser: string) {
  const rp = relyingParty(deps.config);
  const challenge = await issueChallenge(deps, 'authenticate', browser, null);
  return generateAuthenticationOptions({
    rpID: rp.id,
    // As bytes: the options then carry the challenge as the same base64url text (given as a string,
    // SimpleWebAuthn would encode its characters instead).
    challenge: fromBase64url(challenge),
    timeout: CHALLENGE_TTL_MS,
    userVerification: 'required',
  });
}

/** One answer for every refusal: which part failed is logged, not told. */
const refused = () =>
  new AppError(
    'unauthenticated',
    'That passkey could not sign you in. Try again, or ask for a sign-in link.',
  );

/** Checks the answer and opens a staff session made with a passkey; throws 401 when anything does not check out. */
export async function signInWithPasskey(
  deps: Deps,
  ip: string,
  browser: string | null,
  response: AuthenticationResponseJSON,
) {
  const challenge = challengeOf(response.response?.clientDataJSON ?? '');
  const spent = challenge ? await spendChallenge(deps, challenge, 'authenticate', browser) : null;
  if (!challenge || !spent) {
    deps.log.info('passkey sign-in refused: no such challenge for this browser', {});
    throw refused();
  }
  const found = await deps.db
    .select({ passkey: passkeys, staff: staffMembers })
    .from(passkeys)
    .innerJoin(staffMembers, eq(staffMembers.address, passkeys.staffAddress))
    .where(and(eq(passkeys.id, response.id), eq(passkeys.state, 'active'), isNull(staffMembers.disabledAt)))
    .limit(1);
  const match = found[0];
  if (!match) {
    deps.log.info('passkey sign-in refused: unknown, removed or disabled', {});
    throw refused();
  }
  const { passkey, staff } = match;
  const rp = relyingParty(deps.config);
  ensureEcdsaSignatureSchema();
  let newCounter: number;
  try {
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: passkey.id,
        publicKey: fromBase64url(passkey.publicKey),
        counter: passkey.counter,
        transports: transportsOf(passkey),
      },
    });
    if (!verification.verified) throw new Error('not verified');
    newCounter = verification.authenticationInfo.newCounter;
  } catch (err) {
    deps.log.warn('passkey sign-in refused: the answer did not check out', { passkey: passkey.id, err });
    throw refused();
  }
  const principal: Principal = {
    actor: `staff:${staff.address}`,
    label: staff.name,
    role: staff.role,
    warpId: staff.warpId,
    authorityCode: null,
    via: 'session',
    authMethod: 'passkey',
  };
  const now = deps.clock.now();
  const used = await passkeyTransitions.attempt(deps, { principal, ip }, 'use', passkey.id, {
    set: { counter: newCounter, lastUsedAt: now },
    when: eq(passkeys.counter, passkey.counter),
    audit: { after: { staff: staff.address, role: staff.role, warp: staff.warpId } },
  });
  if (!used) {
    deps.log.warn('passkey sign-in refused: the passkey changed meanwhile', { passkey: passkey.id });
    throw refused();
  }
  const session = await createSession(deps, {
    actor: principal.actor,
    role: staff.role,
    label: staff.name,
    warpId: staff.warpId,
    authMethod: 'passkey',
  });
  return { session, staff };
}
