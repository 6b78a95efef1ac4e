// Signed-in browser sessions for tests, opened the way people open them: from a real source (an API token
// of the role and scope), so a session's checks against its source apply in tests as in production.
import type { Deps } from '../../src/deps.js';
import { cliPrincipal, type Role } from '../../src/domain/principal.js';
import { createSession } from '../../src/features/auth/sessions.js';
import { createToken } from '../../src/features/auth/tokens.js';

export interface SessionFor {
  role: Role;
  label?: string;
  authorityCode?: string;
  warpId?: string;
}

/** A session opened with a new API token of this role and scope (as `/sign-in/token` does). */
export async function openSession(deps: Deps, who: SessionFor) {
  const label = who.label ?? `test ${who.role}`;
  const token = await createToken(
    deps,
    { principal: cliPrincipal },
    { role: who.role, name: label, warpId: who.warpId, authorityCode: who.authorityCode },
  );
  const session = await createSession(deps, {
    actor: `token:${token.id}`,
    role: who.role,
    label,
    authorityCode: who.authorityCode ?? null,
    warpId: who.warpId ?? null,
  });
  return { ...session, tokenId: token.id, token: token.token };
}
