// Registering a mailbox, in parts that can each be tested alone: check the request (address, limits,
// council, scope); decide (the row of a new mailbox, or what to do about the live one already at that
// address); write it (one atomic batch, the partial unique index on live addresses guarding against a
// registration racing another); then tell people (confirmation, approval needed, confirmed, replaced).

import { and, eq } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { checkAddress, domainIsAffiliated } from '../../domain/mailbox-address.js';
import { liveMailboxStates } from '../../domain/mailbox-states.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { enforceLimits, mailQuotaAllows, requesterLimits } from '../abuse/rate-limit.js';
import { auditEntry } from '../audit/record.js';
import { canSeeAuthority } from '../auth/scope.js';
import type { AuthorityRow } from '../authority-register/authority-view.js';
import { listAuthorityDomains, requireAuthority } from '../authority-register/get-authority.js';
import { isConstraintViolation } from '../authority-register/warps.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { confirmationTtl, issueLink } from './links.js';
import { resendLink } from './manage-mailbox.js';
import { sendApprovalNeeded, sendConfirmation, sendConfirmed, sendReplaced } from './notify.js';
import { confirmedReachability } from './reachability.js';
import { confirmReplacing, replacementsOf } from './rotation.js';
import type { MailboxRegistrationInput } from './schemas.js';
import { type MailboxRow, type MailboxView, personalAddressWarning, toMailboxView } from './view.js';

export interface RegisterOptions {
  /** An admin vouches for the address: approved and confirmed at once, with this reason in the audit log. */
  vouchedReason?: string;
  /**
   * For an address vouched for: tell it (and any mailbox it replaces) that it is now confirmed (default
   * true; the CLI import's --quiet says false). A confirmation link is always sent when one is needed.
   */
  notifyVouched?: boolean;
  /** Skip the rate limits (the admin CLI import). */
  skipLimits?: boolean;
  /** Resend the confirmation when the address is already pending (default true; the import passes false). */
  resendPending?: boolean;
}

export interface RegistrationOutcome {
  mailbox: MailboxView | null;
  /** What the caller is told: `id` and `state`, the same shape whether or not the address was known. */
  id: string;
  state: MailboxRow['state'];
  outcome: 'created' | 'resent' | 'unchanged' | 'already-registered';
  warnings: string[];
  confirmationSent: boolean;
}

/** A registration that passed the checks. */
export interface CheckedRegistration {
  address: string;
  domain: string;
  looksPersonal: boolean;
  authority: AuthorityRow;
  anonymous: boolean;
  warnings: string[];
}

type Authority = Pick<AuthorityRow, 'code' | 'name'>;

export async function registerMailbox(
  deps: Deps,
  actor: ActorContext,
  input: MailboxRegistrationInput,
  options: RegisterOptions = {},
): Promise<RegistrationOutcome> {
  assertMailAvailable(deps);
  const checked = await checkRegistration(deps, actor, input, options);
  const live = await liveMailboxesOf(deps, checked.authority.code);
  const existing = live.find((m) => m.address === checked.address);
  if (existing) return registerExisting(deps, actor, existing, checked, input, options);

  const domains = await listAuthorityDomains(deps, checked.authority.code);
  const affiliated = domainIsAffiliated(checked.domain, domains);
  const vouched = Boolean(options.vouchedReason);
  // The confirmed mailbox of its kind it will replace once confirmed (at once, when vouched for).
  const sameKind = live.filter((m) => m.kind === input.kind && m.state === 'confirmed');
  const row = newMailboxRow(deps, actor, checked, input, {
    affiliated,
    vouched,
    replacesId: sameKind[0]?.id ?? null,
  });
  const replaced = vouched ? sameKind : [];
  let written: Written;
  try {
    written = await writeNewMailbox(deps, actor, row, { affiliated, domains, replaced, ...options });
  } catch (err) {
    if (!isConstraintViolation(err)) throw err;
    return registerRaced(deps, actor, checked, input, options);
  }
  const quiet = written.mailbox.state === 'confirmed' && options.notifyVouched === false;
  const confirmationSent = quiet
    ? false
    : await tellAboutNewMailbox(deps, checked.authority, written, domains);
  const { mailbox } = written;
  return {
    mailbox: toMailboxView(mailbox),
    id: mailbox.id,
    state: mailbox.state,
    outcome: 'created',
    warnings: checked.warnings,
    confirmationSent,
  };
}

/** What someone not signed in is told, before anything is written: the same for a known address as a new one. */
export interface AnonymousAnswer {
  /** `pending` when the address is on one of the council's domains, else `awaiting-approval`. */
  state: 'pending' | 'awaiting-approval';
  warnings: string[];
}

/**
 * A registration from someone not signed in: checked now (the address, the requester's limit, the council),
 * answered at once, and written and mailed afterwards (`work`, which the caller runs in the background). The
 * answer, and how long it takes, is then the same whether or not the address was registered already, and
 * it never claims that mail was sent.
 */
export async function acceptAnonymousRegistration(
  deps: Deps,
  actor: ActorContext,
  input: MailboxRegistrationInput,
): Promise<{ answer: AnonymousAnswer; work: () => Promise<RegistrationOutcome> }> {
  assertMailAvailable(deps);
  const checked = await checkRegistration(deps, actor, input);
  const domains = await listAuthorityDomains(deps, checked.authority.code);
  const state = domainIsAffiliated(checked.domain, domains) ? 'pending' : 'awaiting-approval';
  return {
    answer: { state, warnings: checked.warnings },
    // Counted already: the work does not count the requester twice.
    work: () => registerMailbox(deps, actor, input, { skipLimits: true }),
  };
}

/** A valid address, within the rate limits, for a current council the caller may register for. */
export async function checkRegistration(
  deps: Deps,
  actor: ActorContext,
  input: MailboxRegistrationInput,
  options: Pick<RegisterOptions, 'skipLimits'> = {},
): Promise<CheckedRegistration> {
  const { principal } = actor;
  const checked = checkAddress(input.address);
  if (!checked.ok)
    throw new AppError('validation_failed', checked.reason, {
      errors: [{ path: 'address', message: checked.reason }],
    });
  // The requester is counted (anonymous: per client address; signed in: per caller; admins not at all).
  // Nothing here counts per council or per address, so nobody can lock a council out of registering;
  // mail to the address is limited where it is sent (notify.ts).
  if (!options.skipLimits)
    await enforceLimits(deps, requesterLimits(deps, actor, 'register'), 'registrations from you');
  const authority = await requireAuthority(deps, input.authority, { field: 'authority' });
  // A shadow authority (created by a reorganisation, not yet vested) registers its mailboxes before its day.
  if (!authority.current && !authority.shadow)
    throw new AppError(
      'validation_failed',
      `${authority.name} no longer exists; register with its successor.`,
      {
        errors: [{ path: 'authority', message: 'Choose a current council' }],
      },
    );
  const anonymous = principal.via === 'anonymous';
  if (!anonymous && !(await canSeeAuthority(deps.db, principal, authority.code)))
    throw new AppError('forbidden', 'You can only register mailboxes for your own council.');
  return {
    address: checked.address,
    domain: checked.domain,
    looksPersonal: checked.looksPersonal,
    authority,
    anonymous,
    warnings: checked.looksPersonal ? [personalAddressWarning] : [],
  };
}

async function liveMailboxesOf(deps: Deps, authorityCode: string): Promise<MailboxRow[]> {
  return deps.db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.authorityCode, authorityCode), inList(mailboxes.state, liveMailboxStates)));
}

/**
 * The row of a new registration: pending when the address is on one of the council's domains, awaiting an
 * admin's approval when it is not, confirmed at once when an admin vouches for it.
 */
export function newMailboxRow(
  deps: Pick<Deps, 'config' | 'clock' | 'random'>,
  actor: ActorContext,
  checked: Pick<CheckedRegistration, 'address' | 'looksPersonal'> & { authority: Pick<AuthorityRow, 'code'> },
  input: Pick<MailboxRegistrationInput, 'kind' | 'team' | 'phone'>,
  decision: { affiliated: boolean; vouched: boolean; replacesId?: string | null },
): MailboxRow {
  const now = deps.clock.now();
  const { affiliated, vouched } = decision;
  const by = actor.principal.actor;
  const approvedByRegistrant = vouched || (affiliated && actor.principal.role === 'admin');
  return {
    id: deps.random.id(),
    authorityCode: checked.authority.code,
    address: checked.address,
    kind: input.kind,
    team: input.team,
    phone: input.phone,
    state: vouched ? 'confirmed' : affiliated ? 'pending' : 'awaiting-approval',
    needsApproval: !affiliated,
    looksPersonal: checked.looksPersonal,
    replacesId: decision.replacesId ?? null,
    createdBy: by,
    createdAt: now,
    updatedAt: now,
    // An admin's own registration on the council's domain is approved by them (it needs no other consent
    // to replace a confirmed primary; see handover.ts); one off the council's domains still waits for review.
    approvedAt: approvedByRegistrant ? now : null,
    approvedBy: approvedByRegistrant ? by : null,
    retiredAt: null,
    retiredReason: null,
    handoverDueAt: null,
    lastBounceAt: null,
    // Never confirmed yet: the reachability columns as a confirmation would leave them, but not due.
    ...(vouched
      ? confirmedReachability(deps.config, now)
      : { ...confirmedReachability(deps.config, now), confirmedAt: null, reconfirmDueAt: null }),
  };
}

interface Written {
  mailbox: MailboxRow;
  link: Awaited<ReturnType<typeof issueLink>> | null;
  replaced: MailboxRow[];
}

/**
 * Writes a new mailbox in one batch: the row, its audit entries, its confirmation link when pending, and,
 * when vouched for, the retirement of the confirmed mailboxes of its kind. Throws the database's constraint
 * error when the same address became live meanwhile (another registration won the race).
 */
async function writeNewMailbox(
  deps: Deps,
  actor: ActorContext,
  row: MailboxRow,
  ctx: { affiliated: boolean; domains: string[]; replaced: MailboxRow[]; vouchedReason?: string },
): Promise<Written> {
  const at = row.createdAt;
  const items: BatchItem[] = [
    deps.db.insert(mailboxes).values(row).returning(),
    auditEntry(deps.db, actor, at, {
      action: 'mailbox.register',
      subjectType: 'mailbox',
      subjectId: row.id,
      after: { ...toMailboxView(row), affiliated: ctx.affiliated, domains: ctx.domains },
    }),
  ];
  const link =
    row.state === 'pending' ? await issueLink(deps, row.id, 'confirm', confirmationTtl(deps)) : null;
  if (link) items.push(link.insert);
  const reason = ctx.vouchedReason;
  if (row.state === 'confirmed' && reason) {
    const vouchedBy = actor.principal.actor;
    for (const action of ['mailbox.approve', 'mailbox.confirm'])
      items.push(
        auditEntry(deps.db, actor, at, {
          action,
          subjectType: 'mailbox',
          subjectId: row.id,
          after: { state: 'confirmed', reason, ...(action === 'mailbox.confirm' ? { vouchedBy } : {}) },
        }),
      );
  }
  // No further guard: the insert is in the same batch, so they are retired only if it happens.
  const replacements = replacementsOf(deps, actor, row, ctx.replaced, at);
  const offset = items.length;
  items.push(...replacements.items);
  const results = await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
  const [mailbox] = results[0] as [MailboxRow];
  return { mailbox, link, replaced: replacements.replaced(results, offset) };
}

/** Mail about a new mailbox, from the row written: the confirmation, the admins' review, or the rotation. */
async function tellAboutNewMailbox(
  deps: Deps,
  authority: Authority,
  { mailbox, link, replaced }: Written,
  domains: string[],
): Promise<boolean> {
  // Over the address's hourly quota of mail, the link waits: a resend later sends a fresh one.
  if (link)
    return (await mailQuotaAllows(deps, mailbox.address)) && sendConfirmation(deps, mailbox, authority, link);
  if (mailbox.state === 'awaiting-approval') await sendApprovalNeeded(deps, mailbox, authority, domains);
  else if (mailbox.state === 'confirmed') {
    await sendConfirmed(deps, mailbox, authority);
    for (const old of replaced) await sendReplaced(deps, old, mailbox, authority);
  }
  return false;
}

/**
 * Another registration of the same address was written first: answer as for an address already live,
 * without a second confirmation e-mail. A 409 when it is live no longer (refused or retired meanwhile).
 */
async function registerRaced(
  deps: Deps,
  actor: ActorContext,
  checked: CheckedRegistration,
  input: MailboxRegistrationInput,
  options: RegisterOptions,
): Promise<RegistrationOutcome> {
  const live = await liveMailboxesOf(deps, checked.authority.code);
  const existing = live.find((m) => m.address === checked.address);
  if (!existing)
    throw new AppError(
      'conflict',
      `${checked.address} was registered by someone else at the same moment; try again.`,
    );
  return registerExisting(deps, actor, existing, checked, input, { ...options, resendPending: false });
}

export type ExistingAction = 'resend' | 'vouch' | 'conceal' | 'unchanged' | 'conflict';

/**
 * What registering an address that is already live for the council does: resend a pending mailbox's link,
 * vouch for one still waiting, say nothing new to an anonymous caller (so as not to reveal that it is
 * registered), leave it as it is, or refuse a registration that differs from it.
 */
export function decideForExisting(
  existing: Pick<MailboxRow, 'state' | 'kind' | 'team' | 'phone'>,
  input: Pick<MailboxRegistrationInput, 'kind' | 'team' | 'phone'>,
  ctx: { anonymous: boolean; vouched: boolean; resend: boolean },
): ExistingAction {
  if (existing.state === 'pending' && existing.kind === input.kind && !ctx.vouched && ctx.resend)
    return 'resend';
  if (ctx.vouched && (existing.state === 'pending' || existing.state === 'awaiting-approval')) return 'vouch';
  if (ctx.anonymous) return 'conceal';
  const same = existing.kind === input.kind && existing.team === input.team && existing.phone === input.phone;
  return same || ctx.vouched ? 'unchanged' : 'conflict';
}

async function registerExisting(
  deps: Deps,
  actor: ActorContext,
  existing: MailboxRow,
  checked: CheckedRegistration,
  input: MailboxRegistrationInput,
  options: RegisterOptions,
): Promise<RegistrationOutcome> {
  const { anonymous, warnings, authority } = checked;
  const action = decideForExisting(existing, input, {
    anonymous,
    vouched: Boolean(options.vouchedReason),
    resend: options.resendPending ?? true,
  });
  const answer = (
    mailbox: MailboxRow,
    outcome: RegistrationOutcome['outcome'],
    confirmationSent = false,
  ) => ({
    mailbox: anonymous ? null : toMailboxView(mailbox),
    id: mailbox.id,
    state: mailbox.state,
    outcome,
    warnings,
    confirmationSent,
  });
  switch (action) {
    case 'resend': {
      try {
        const resent = await resendLink(deps, actor, existing, authority);
        return answer(resent.mailbox, 'resent', resent.confirmationSent);
      } catch (err) {
        // It stopped being pending meanwhile; an anonymous caller still learns nothing from the answer.
        if (anonymous && err instanceof AppError && err.code === 'conflict')
          return concealed(deps, existing, warnings);
        throw err;
      }
    }
    case 'vouch': {
      const vouched = await vouchForExisting(deps, actor, existing, authority, options.vouchedReason ?? '');
      return answer(vouched, 'created');
    }
    case 'conceal':
      return concealed(deps, existing, warnings);
    case 'unchanged':
      return answer(existing, 'unchanged');
    case 'conflict':
      throw new AppError(
        'conflict',
        `${existing.address} is already registered for ${authority.name} as its ${existing.kind} mailbox (${existing.state}).`,
      );
  }
}

/** The answer a new registration would get, for an anonymous caller registering a known address. */
function concealed(deps: Deps, existing: MailboxRow, warnings: string[]): RegistrationOutcome {
  deps.log.info('registration of an already-registered address ignored', { mailboxId: existing.id });
  return {
    mailbox: null,
    id: deps.random.id(),
    state: existing.needsApproval && existing.state === 'awaiting-approval' ? 'awaiting-approval' : 'pending',
    outcome: 'already-registered',
    warnings,
    confirmationSent: false,
  };
}

/** An admin vouches for a registration still waiting: approved and confirmed now, replacing the old one. */
async function vouchForExisting(
  deps: Deps,
  actor: ActorContext,
  existing: MailboxRow,
  authority: Authority,
  reason: string,
): Promise<MailboxRow> {
  const at = deps.clock.now();
  const { mailbox, replaced } = await confirmReplacing(deps, actor, 'vouch', existing, {
    set: {
      approvedAt: existing.approvedAt ?? at,
      approvedBy: existing.approvedBy ?? actor.principal.actor,
      ...confirmedReachability(deps.config, at),
    },
    // As read: the approval columns above come from this state.
    when: eq(mailboxes.state, existing.state),
    audit: { before: { state: existing.state }, after: { vouchedBy: actor.principal.actor, reason } },
    at,
  });
  await sendConfirmed(deps, mailbox, authority);
  for (const old of replaced) await sendReplaced(deps, old, mailbox, authority);
  return mailbox;
}
