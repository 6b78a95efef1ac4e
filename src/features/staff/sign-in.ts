// Staff sign-in by magic link: the same single-use, expiring, hashed link as a council's, sent by the same
// sign-in form (which gives the same answer whatever the address), to an enabled staff member only.
// The link lives in `staff_link_tokens`; following it (GET shows, POST signs in at /sign-in/:token, like a
// council's link) starts a session with the member's role and WARP.
import { and, eq, isNull } from 'drizzle-orm';
import magicLink from '../../../templates/magic-link.js';
import { staffLinkTokens, staffMembers, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { checkAddress } from '../../domain/mailbox-address.js';
import type { Principal } from '../../domain/principal.js';
import { constantTimeEqual, hashSecret } from '../../lib/secrets.js';
import { composeMessage } from '../../mail/compose.js';
import { countAttempt, mailQuotaAllows } from '../abuse/rate-limit.js';
import { auditEntry } from '../audit/record.js';
import { createSession } from '../auth/sessions.js';
import { type LinkState, sameBrowser } from '../mailboxes/links.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { queueMail } from '../outbound/queue-mail.js';
import { type StaffRow, staffActor } from './members.js';

/** How the member is named in the e-mail and the page: "Jane Smith (operator of Wales WARP)". */
export async function staffLabel(deps: Deps, row: Pick<StaffRow, 'name' | 'role' | 'warpId'>) {
  if (row.role === 'admin') return `${row.name} (NCSC administrator)`;
  const warp = row.warpId
    ? await deps.db.query.warps.findFirst({ where: eq(warps.id, row.warpId), columns: { name: true } })
    : undefined;
  return `${row.name} (operator of ${warp?.name ?? row.warpId ?? 'a WARP'})`;
}

function staffPrincipal(row: StaffRow, via: Principal['via']): Principal {
  return {
    actor: staffActor(row.address),
    label: row.name,
    role: row.role,
    warpId: row.warpId,
    authorityCode: null,
    via,
  };
}

/**
 * Sends a sign-in link when the address is an enabled staff member; otherwise does nothing. Says nothing
 * either way: the page's answer is the council one, and the work runs after it.
 */
export async function requestStaffSignInLink(
  deps: Deps,
  ip: string,
  addressInput: string,
  browser: string | null = null,
): Promise<{ sent: number }> {
  assertMailAvailable(deps);
  const checked = checkAddress(addressInput);
  if (!checked.ok) return { sent: 0 };
  // The requester first, whoever the address belongs to (the answer and the count are the same either way).
  const limit = await countAttempt(deps, [
    { key: `staff-sign-in:ip:${ip}`, max: deps.config.RATE_LIMIT_PER_IP, windowSeconds: 3600 },
  ]);
  if (!limit.allowed) {
    deps.log.warn('staff sign-in link not sent: too many requests from this client', {});
    return { sent: 0 };
  }
  const staff = await deps.db.query.staffMembers.findFirst({
    where: and(eq(staffMembers.address, checked.address), isNull(staffMembers.disabledAt)),
  });
  if (!staff) return { sent: 0 };
  // Mail actually sent to the address is limited; links already in the mailbox keep working.
  if (!(await mailQuotaAllows(deps, staff.address))) return { sent: 0 };
  const secret = deps.random.secret(32);
  const tokenHash = await hashSecret(secret);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.config.SIGN_IN_TTL_MINUTES * 60_000);
  const browserHash = browser ? await hashSecret(browser) : null;
  await deps.db
    .insert(staffLinkTokens)
    .values({ tokenHash, address: staff.address, createdAt: now, expiresAt, browserHash });
  const message = composeMessage(
    deps.config,
    magicLink,
    {
      serviceName: deps.config.SERVICE_NAME,
      authorityName: await staffLabel(deps, staff),
      signInUrl: `${deps.config.PUBLIC_BASE_URL}/sign-in/${secret}`,
      expiresAt,
    },
    staff.address,
    { messageId: `staff-sign-in.${tokenHash.slice(0, 24)}` },
  );
  try {
    await queueMail(deps, message, { lane: 'urgent', purpose: 'staff sign-in link' });
    return { sent: 1 };
  } catch (err) {
    deps.log.error('mail could not be queued', { what: 'staff sign-in link', err });
  }
  return { sent: 0 };
}

export interface StaffLinkView {
  state: LinkState;
  staff?: StaffRow;
  tokenHash?: string;
  /** Opened in the browser that asked for it (a staff link works nowhere else). */
  sameBrowser?: boolean;
}

/** Looks a staff link up without using it; a link of a disabled member is "unknown". */
export async function inspectStaffSignInLink(
  deps: Deps,
  secret: string,
  browser: string | null = null,
): Promise<StaffLinkView> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return { state: 'unknown' };
  const tokenHash = await hashSecret(secret);
  const row = await deps.db.query.staffLinkTokens.findFirst({
    where: eq(staffLinkTokens.tokenHash, tokenHash),
  });
  if (!row || !constantTimeEqual(row.tokenHash, tokenHash)) return { state: 'unknown' };
  const staff = await deps.db.query.staffMembers.findFirst({ where: eq(staffMembers.address, row.address) });
  if (!staff || staff.disabledAt) return { state: 'unknown' };
  const state: LinkState = row.usedAt ? 'used' : row.expiresAt <= deps.clock.now() ? 'expired' : 'valid';
  return { state, staff, tokenHash, sameBrowser: await sameBrowser(row.browserHash, browser) };
}

/**
 * Spends the link and starts a staff session; no session when the link is not (or no longer) valid, or is
 * opened in another browser than the one that asked for it (it stays unspent: the right browser may use it).
 */
export async function signInStaffWithLink(
  deps: Deps,
  secret: string,
  ip: string,
  browser: string | null = null,
) {
  const found = await inspectStaffSignInLink(deps, secret, browser);
  if (found.state !== 'valid' || !found.staff || !found.tokenHash)
    return { state: found.state, session: null, staff: found.staff ?? null };
  if (!found.sameBrowser) return { state: 'other-browser' as const, session: null, staff: found.staff };
  const staff = found.staff;
  const now = deps.clock.now();
  const [spent] = await deps.db.batch([
    deps.db
      .update(staffLinkTokens)
      .set({ usedAt: now })
      .where(and(eq(staffLinkTokens.tokenHash, found.tokenHash), isNull(staffLinkTokens.usedAt)))
      .returning({ usedAt: staffLinkTokens.usedAt }),
    auditEntry(deps.db, { principal: staffPrincipal(staff, 'link'), ip }, now, {
      action: 'session.sign-in',
      subjectType: 'staff',
      subjectId: staff.address,
      after: { role: staff.role, warp: staff.warpId },
    }),
  ]);
  if ((spent as unknown[]).length === 0) return { state: 'used' as const, session: null, staff };
  const session = await createSession(deps, {
    actor: staffActor(staff.address),
    role: staff.role,
    label: staff.name,
    warpId: staff.warpId,
    authMethod: 'link',
  });
  return { state: 'valid' as const, session, staff };
}
