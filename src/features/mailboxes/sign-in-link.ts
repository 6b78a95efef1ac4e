// Council sign-in by magic link: a link is sent only to confirmed mailboxes, and the answer is the same
// whether or not the address is registered. Following it starts a session scoped to that council.
import { and, eq } from 'drizzle-orm';
import { authorities, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { checkAddress } from '../../domain/mailbox-address.js';
import { mailboxHolder } from '../../domain/principal.js';
import { countAttempt, mailQuotaAllows } from '../abuse/rate-limit.js';
import { auditEntryIf } from '../audit/transitions.js';
import { createSession } from '../auth/sessions.js';
import { findAuthority } from '../authority-register/get-authority.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { inspectLink, issueLink, linkIsUnspent, sameBrowser, spendLink } from './links.js';
import { sendSignInLink } from './notify.js';

export const signInRequestedMessage =
  'If that address is a confirmed mailbox, we have sent it a sign-in link. The link works once and expires soon.';

/** Sends sign-in links to the confirmed mailboxes with this address; says nothing about whether any exist. */
export async function requestSignInLink(
  deps: Deps,
  ip: string,
  addressInput: string,
  browser: string | null = null,
): Promise<{ sent: number }> {
  assertMailAvailable(deps);
  const checked = checkAddress(addressInput);
  if (!checked.ok) return { sent: 0 };
  // The requester is counted, not the address: requests for a council's address from elsewhere never
  // stop its own links (the mail actually sent to the address is limited where it is sent).
  const limit = await countAttempt(deps, [
    { key: `sign-in:ip:${ip}`, max: deps.config.RATE_LIMIT_PER_IP, windowSeconds: 3600 },
  ]);
  if (!limit.allowed) {
    deps.log.warn('sign-in link not sent: too many requests from this client', {});
    return { sent: 0 };
  }
  const found = await deps.db
    .select({ mailbox: mailboxes, authorityName: authorities.name })
    .from(mailboxes)
    .innerJoin(authorities, eq(authorities.code, mailboxes.authorityCode))
    .where(and(eq(mailboxes.address, checked.address), eq(mailboxes.state, 'confirmed')));
  let sent = 0;
  for (const { mailbox, authorityName } of found) {
    // Over the address's hourly quota of mail: no new link (the ones already sent still work).
    if (!(await mailQuotaAllows(deps, mailbox.address))) continue;
    const link = await issueLink(
      deps,
      mailbox.id,
      'sign-in',
      deps.config.SIGN_IN_TTL_MINUTES * 60_000,
      browser,
    );
    await link.insert;
    if (await sendSignInLink(deps, mailbox, { code: mailbox.authorityCode, name: authorityName }, link))
      sent++;
  }
  return { sent };
}

/**
 * Looks a council's sign-in link up without using it. `sameBrowser` is false when it is opened in another
 * browser than the one that asked for it: a council's link then needs a confirmation (see SECURITY.md).
 */
export async function inspectSignInLink(deps: Deps, secret: string, browser: string | null = null) {
  const found = await inspectLink(deps, secret, ['sign-in']);
  if (!found.link) return { state: 'unknown' as const };
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, found.link.mailboxId) });
  if (!mailbox) return { state: 'unknown' as const };
  const authority = await findAuthority(deps, mailbox.authorityCode);
  const state = found.state === 'valid' && mailbox.state !== 'confirmed' ? ('unknown' as const) : found.state;
  return {
    state,
    mailbox,
    authorityName: authority?.name ?? mailbox.authorityCode,
    tokenHash: found.link.tokenHash,
    sameBrowser: await sameBrowser(found.link.browserHash, browser),
  };
}

/**
 * Spends the link and starts a council session; null when the link is not (or no longer) valid, or when it
 * is opened in another browser than the one that asked and the person has not confirmed they mean to.
 */
export async function signInWithLink(
  deps: Deps,
  secret: string,
  ip: string,
  browser: string | null = null,
  otherBrowserConfirmed = false,
) {
  const found = await inspectSignInLink(deps, secret, browser);
  if (found.state !== 'valid' || !found.mailbox) return { state: found.state, session: null };
  if (!found.sameBrowser && !otherBrowserConfirmed)
    return { state: 'other-browser' as const, session: null, authorityName: found.authorityName };
  const now = deps.clock.now();
  const [, spent] = await deps.db.batch([
    // Recorded only by the request that spends the link (two at once: one sign-in, one entry).
    auditEntryIf(
      deps.db,
      { principal: mailboxHolder(found.mailbox.id, found.mailbox.authorityCode), ip },
      now,
      linkIsUnspent(found.tokenHash, now),
      {
        action: 'session.sign-in',
        subjectType: 'authority',
        subjectId: found.mailbox.authorityCode,
        after: { mailbox: found.mailbox.id, sameBrowser: found.sameBrowser },
      },
    ),
    spendLink(deps, found.tokenHash, now).returning(),
  ]);
  if ((spent as unknown[]).length === 0) return { state: 'used' as const, session: null };
  const session = await createSession(deps, {
    actor: `mailbox:${found.mailbox.id}`,
    role: 'council',
    label: `${found.authorityName} (${found.mailbox.address})`,
    authorityCode: found.mailbox.authorityCode,
    mailboxId: found.mailbox.id,
    authMethod: 'link',
  });
  return { state: 'valid' as const, session, authorityName: found.authorityName };
}
