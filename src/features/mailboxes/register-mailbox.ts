// Registering a mailbox: validate, apply the affiliation rule, write the mailbox (and its confirmation
// link) in one atomic write, then send the confirmation, or tell the admins it waits for approval.

import { and, eq } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { authorities, authorityDomains, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { checkAddress, domainIsAffiliated } from '../../domain/mailbox-address.js';
import { liveMailboxStates } from '../../domain/mailbox-states.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { enforceLimits } from '../abuse/rate-limit.js';
import { auditEntry } from '../audit/record.js';
import { canSeeAuthority } from '../auth/scope.js';
import { issueLink } from './links.js';
import { sendApprovalNeeded, sendConfirmation, sendConfirmed, sendReplaced } from './notify.js';
import { confirmedReachability } from './reachability.js';
import { confirmedOfKind, retireReplacedStatements } from './rotation.js';
import type { MailboxRegistrationInput } from './schemas.js';
import { type MailboxRow, personalAddressWarning, toMailboxView } from './view.js';

export interface RegisterOptions {
  /** An admin vouches for the address: approved and confirmed at once, with this reason in the audit log. */
  vouchedReason?: string;
  /** Skip the rate limits (the admin CLI import). */
  skipLimits?: boolean;
  /** Resend the confirmation when the address is already pending (default true; the import passes false). */
  resendPending?: boolean;
}

export interface RegistrationOutcome {
  mailbox: ReturnType<typeof toMailboxView> | null;
  /** What the caller is told: `id` and `state`, the same shape whether or not the address was known. */
  id: string;
  state: MailboxRow['state'];
  outcome: 'created' | 'resent' | 'unchanged' | 'already-registered';
  warnings: string[];
  confirmationSent: boolean;
}

export async function loadAuthority(deps: Deps, code: string) {
  const authority = await deps.db.query.authorities.findFirst({ where: eq(authorities.code, code) });
  if (!authority)
    throw new AppError('validation_failed', `There is no council with the code "${code}".`, {
      errors: [{ path: 'authority', message: 'Choose the council from the list' }],
    });
  return authority;
}

export async function authorityDomainList(deps: Deps, code: string): Promise<string[]> {
  const rows = await deps.db
    .select({ domain: authorityDomains.domain })
    .from(authorityDomains)
    .where(eq(authorityDomains.authorityCode, code));
  return rows.map((r) => r.domain).sort();
}

export async function registerMailbox(
  deps: Deps,
  actor: ActorContext,
  input: MailboxRegistrationInput,
  options: RegisterOptions = {},
): Promise<RegistrationOutcome> {
  const { principal } = actor;
  const anonymous = principal.via === 'anonymous';
  const checked = checkAddress(input.address);
  if (!checked.ok)
    throw new AppError('validation_failed', checked.reason, {
      errors: [{ path: 'address', message: checked.reason }],
    });
  const address = checked.address;

  if (!options.skipLimits) {
    const hour = 3600;
    await enforceLimits(
      deps,
      [
        {
          key: `register:ip:${actor.ip ?? 'unknown'}`,
          max: deps.config.RATE_LIMIT_PER_IP,
          windowSeconds: hour,
        },
        {
          key: `register:authority:${input.authority}`,
          max: deps.config.RATE_LIMIT_PER_AUTHORITY,
          windowSeconds: hour,
        },
        { key: `mail:address:${address}`, max: deps.config.RATE_LIMIT_PER_ADDRESS, windowSeconds: hour },
      ],
      'registrations',
    );
  }

  const authority = await loadAuthority(deps, input.authority);
  if (!authority.current)
    throw new AppError(
      'validation_failed',
      `${authority.name} no longer exists; register with its successor.`,
      {
        errors: [{ path: 'authority', message: 'Choose a current council' }],
      },
    );
  if (!anonymous && !(await canSeeAuthority(deps.db, principal, authority.code)))
    throw new AppError('forbidden', 'You can only register mailboxes for your own council.');

  const warnings = checked.looksPersonal ? [personalAddressWarning] : [];
  const now = deps.clock.now();

  const live = await deps.db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.authorityCode, authority.code), inList(mailboxes.state, liveMailboxStates)));
  const existing = live.find((m) => m.address === address);
  if (existing)
    return registerExisting(deps, actor, existing, authority, input, {
      anonymous,
      warnings,
      vouched: options.vouchedReason,
      resend: options.resendPending ?? true,
    });

  const domains = await authorityDomainList(deps, authority.code);
  const affiliated = domainIsAffiliated(checked.domain, domains);
  const vouched = options.vouchedReason;
  const replaced = live.filter((m) => m.kind === input.kind && m.state === 'confirmed');
  const row: MailboxRow = {
    id: deps.random.id(),
    authorityCode: authority.code,
    address,
    kind: input.kind,
    team: input.team,
    phone: input.phone,
    state: vouched ? 'confirmed' : affiliated ? 'pending' : 'awaiting-approval',
    needsApproval: !affiliated,
    looksPersonal: checked.looksPersonal,
    replacesId: replaced[0]?.id ?? null,
    createdBy: principal.actor,
    createdAt: now,
    updatedAt: now,
    approvedAt: vouched ? now : null,
    approvedBy: vouched ? principal.actor : null,
    confirmedAt: vouched ? now : null,
    retiredAt: null,
    retiredReason: null,
    reconfirmDueAt: null,
    remindersSent: 0,
    lastReminderAt: null,
    staleAt: null,
    unreachableAt: null,
    unreachableReason: null,
    softBounces: 0,
    lastBounceAt: null,
    ...(vouched ? confirmedReachability(deps.config, now) : {}),
  };
  const view = toMailboxView(row);
  const items: BatchItem[] = [
    deps.db.insert(mailboxes).values(row),
    auditEntry(deps.db, actor, now, {
      action: 'mailbox.register',
      subjectType: 'mailbox',
      subjectId: row.id,
      after: { ...view, affiliated, domains },
    }),
  ];
  const link =
    row.state === 'pending' ? await issueLink(deps, row.id, 'confirm', confirmationTtl(deps)) : null;
  if (link) items.push(link.insert);
  if (vouched) {
    items.push(
      auditEntry(deps.db, actor, now, {
        action: 'mailbox.approve',
        subjectType: 'mailbox',
        subjectId: row.id,
        after: { state: 'confirmed', reason: vouched },
      }),
      auditEntry(deps.db, actor, now, {
        action: 'mailbox.confirm',
        subjectType: 'mailbox',
        subjectId: row.id,
        after: { state: 'confirmed', vouchedBy: principal.actor, reason: vouched },
      }),
      ...retireReplacedStatements(deps, actor, row, replaced, now),
    );
  }
  await deps.db.batch(items as [BatchItem, ...BatchItem[]]);

  let confirmationSent = false;
  if (link) confirmationSent = await sendConfirmation(deps, row, authority, link);
  else if (row.state === 'awaiting-approval') await sendApprovalNeeded(deps, row, authority, domains);
  else if (vouched) {
    await sendConfirmed(deps, row, authority);
    for (const old of replaced) await sendReplaced(deps, old, row, authority);
  }
  return { mailbox: view, id: row.id, state: row.state, outcome: 'created', warnings, confirmationSent };
}

/** The address is already live for this council: resend, leave as is, or (anonymous) say nothing new. */
async function registerExisting(
  deps: Deps,
  actor: ActorContext,
  existing: MailboxRow,
  authority: { code: string; name: string },
  input: MailboxRegistrationInput,
  ctx: { anonymous: boolean; warnings: string[]; vouched?: string; resend: boolean },
): Promise<RegistrationOutcome> {
  const same = existing.kind === input.kind && existing.team === input.team && existing.phone === input.phone;
  if (existing.state === 'pending' && existing.kind === input.kind && !ctx.vouched && ctx.resend) {
    const link = await issueLink(deps, existing.id, 'confirm', confirmationTtl(deps));
    const now = deps.clock.now();
    await deps.db.batch([
      link.insert,
      auditEntry(deps.db, actor, now, {
        action: 'mailbox.confirmation-resend',
        subjectType: 'mailbox',
        subjectId: existing.id,
      }),
    ]);
    const confirmationSent = await sendConfirmation(deps, existing, authority, link);
    return {
      mailbox: ctx.anonymous ? null : toMailboxView(existing),
      id: existing.id,
      state: existing.state,
      outcome: 'resent',
      warnings: ctx.warnings,
      confirmationSent,
    };
  }
  if (ctx.vouched && (existing.state === 'pending' || existing.state === 'awaiting-approval')) {
    return vouchForExisting(deps, actor, existing, authority, ctx.vouched, ctx.warnings);
  }
  if (ctx.anonymous) {
    // Do not reveal that the address is already registered: answer as a new request would, change nothing.
    deps.log.info('registration of an already-registered address ignored', { mailboxId: existing.id });
    return {
      mailbox: null,
      id: deps.random.id(),
      state:
        existing.needsApproval && existing.state === 'awaiting-approval' ? 'awaiting-approval' : 'pending',
      outcome: 'already-registered',
      warnings: ctx.warnings,
      confirmationSent: false,
    };
  }
  if (same || ctx.vouched) {
    return {
      mailbox: toMailboxView(existing),
      id: existing.id,
      state: existing.state,
      outcome: 'unchanged',
      warnings: ctx.warnings,
      confirmationSent: false,
    };
  }
  throw new AppError(
    'conflict',
    `${existing.address} is already registered for ${authority.name} as its ${existing.kind} mailbox (${existing.state}).`,
  );
}

/** An admin vouches for a registration still waiting: approved and confirmed now, replacing the old one. */
async function vouchForExisting(
  deps: Deps,
  actor: ActorContext,
  existing: MailboxRow,
  authority: { code: string; name: string },
  reason: string,
  warnings: string[],
): Promise<RegistrationOutcome> {
  const now = deps.clock.now();
  const replaced = (await confirmedOfKind(
    deps,
    existing.authorityCode,
    existing.kind,
    existing.id,
  )) as MailboxRow[];
  const reachability = confirmedReachability(deps.config, now);
  const confirmed: MailboxRow = {
    ...existing,
    state: 'confirmed',
    approvedAt: existing.approvedAt ?? now,
    approvedBy: existing.approvedBy ?? actor.principal.actor,
    ...reachability,
    updatedAt: now,
  };
  await deps.db.batch([
    deps.db
      .update(mailboxes)
      .set({
        state: 'confirmed',
        approvedAt: confirmed.approvedAt,
        approvedBy: confirmed.approvedBy,
        ...reachability,
        updatedAt: now,
      })
      .where(and(eq(mailboxes.id, existing.id), eq(mailboxes.state, existing.state))),
    auditEntry(deps.db, actor, now, {
      action: 'mailbox.confirm',
      subjectType: 'mailbox',
      subjectId: existing.id,
      before: { state: existing.state },
      after: { state: 'confirmed', vouchedBy: actor.principal.actor, reason },
    }),
    ...retireReplacedStatements(deps, actor, confirmed, replaced, now),
  ]);
  await sendConfirmed(deps, confirmed, authority);
  for (const old of replaced) await sendReplaced(deps, old, confirmed, authority);
  return {
    mailbox: toMailboxView(confirmed),
    id: existing.id,
    state: 'confirmed',
    outcome: 'created',
    warnings,
    confirmationSent: false,
  };
}

export function confirmationTtl(deps: Deps): number {
  return deps.config.CONFIRMATION_TTL_HOURS * 3600_000;
}
