// A council's out-of-hours mobiles: added (a code is texted to it), confirmed by typing the code back,
// sent a new code, removed. The council manages its own; an admin may act for any council; a WARP operator
// sees its members' numbers masked and changes nothing. Every change goes through the transitions module;
// texting a code is limited per number and per caller, so nobody can use the service to flood a phone.
import { and, asc, eq, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { authorities, mobileNumbers, smsMessages } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { formatUkMobile, parseUkMobile, ukMobileExample } from '../../domain/mobile-number.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { enforceLimits, requesterLimits } from '../abuse/rate-limit.js';
import { auditEntry } from '../audit/record.js';
import { insertRowIf } from '../audit/transitions.js';
import { canSeeAuthority } from '../auth/scope.js';
import { assertSmsAvailable, smsInserts, smsRows, wakeSmsSender } from '../outbound/queue-sms.js';
import { cleanCode, codeMatches, hashCode, MAX_CODE_ATTEMPTS, newCode } from './confirmation-code.js';
import { mobileTransitions } from './transitions.js';
import { type MobileRow, type MobileView, toMobileView } from './view.js';

/** Live (pending or confirmed) numbers a council may have at once. */
export const MAX_MOBILES_PER_COUNCIL = 3;
/** Codes texted to one number in an hour, whoever asks. */
const CODES_PER_NUMBER_PER_HOUR = 3;

export interface NewMobile {
  number: string;
  label: string;
}

function assertMayManage(principal: Principal, authorityCode: string): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'council' && principal.authorityCode === authorityCode) return;
  throw new AppError(
    'forbidden',
    'Only the council itself (or an NCSC admin) manages its out-of-hours mobiles.',
  );
}

async function authorityName(deps: Deps, code: string): Promise<string> {
  const [row] = await deps.db
    .select({ name: authorities.name, current: authorities.current, shadow: authorities.shadow })
    .from(authorities)
    .where(eq(authorities.code, code));
  if (!row) throw new AppError('not_found', `There is no authority with code "${code}".`);
  if (!row.current && !row.shadow)
    throw new AppError('conflict', `${row.name} has ended: it cannot add contact numbers.`);
  return row.name;
}

/** The mobile, if the principal may see it at all (404 otherwise, so ids of other councils' numbers tell nothing). */
async function findVisible(deps: Deps, principal: Principal, id: string): Promise<MobileRow> {
  const row = await deps.db.query.mobileNumbers.findFirst({ where: eq(mobileNumbers.id, id) });
  if (!row || !(await canSeeAuthority(deps.db, principal, row.authorityCode)))
    throw new AppError('not_found', 'There is no such mobile number.');
  return row;
}

export async function listMobiles(
  deps: Deps,
  principal: Principal,
  authorityCode: string,
  options: { includeRetired?: boolean } = {},
): Promise<MobileView[]> {
  if (!(await canSeeAuthority(deps.db, principal, authorityCode)))
    throw new AppError('forbidden', 'You can only see the contact numbers of councils in your scope.');
  const rows = await deps.db
    .select()
    .from(mobileNumbers)
    .where(
      and(
        eq(mobileNumbers.authorityCode, authorityCode),
        options.includeRetired ? undefined : inList(mobileNumbers.state, ['pending', 'confirmed']),
      ),
    )
    .orderBy(asc(mobileNumbers.createdAt), asc(mobileNumbers.id));
  return rows.map((r) => toMobileView(r, principal));
}

/** The text that carries a code. */
function codeText(deps: Deps, council: string, code: string): string {
  return `${deps.config.SERVICE_NAME}: ${code} is your code to confirm this phone as ${council}'s out-of-hours cyber contact. It expires in ${deps.config.MOBILE_CODE_MINUTES} minutes. Not expecting it? Ignore this text.`;
}

async function limitCodes(deps: Deps, actor: ActorContext, number: string): Promise<void> {
  await enforceLimits(
    deps,
    [
      ...requesterLimits(deps, actor, 'mobile-code'),
      { key: `sms:number:${number}`, max: CODES_PER_NUMBER_PER_HOUR, windowSeconds: 3600 },
    ],
    'codes sent to this number',
  );
}

/** Adds a number (pending) and texts it a code, in one atomic write with its audit entry. */
export async function addMobile(
  deps: Deps,
  actor: ActorContext,
  authorityCode: string,
  input: NewMobile,
): Promise<MobileView> {
  assertMayManage(actor.principal, authorityCode);
  assertSmsAvailable(deps);
  const number = parseUkMobile(input.number);
  if (!number)
    throw new AppError('validation_failed', `Enter a UK mobile number, like ${ukMobileExample}`, {
      errors: [{ path: 'number', message: `Enter a UK mobile number, like ${ukMobileExample}` }],
    });
  const council = await authorityName(deps, authorityCode);
  const live = await deps.db
    .select({ number: mobileNumbers.number })
    .from(mobileNumbers)
    .where(
      and(
        eq(mobileNumbers.authorityCode, authorityCode),
        inList(mobileNumbers.state, ['pending', 'confirmed']),
      ),
    );
  if (live.some((m) => m.number === number))
    throw new AppError('conflict', `${formatUkMobile(number)} is already one of ${council}'s numbers.`);
  if (live.length >= MAX_MOBILES_PER_COUNCIL)
    throw new AppError(
      'conflict',
      `${council} already has ${MAX_MOBILES_PER_COUNCIL} out-of-hours numbers: remove one before adding another.`,
    );
  await limitCodes(deps, actor, number);

  const now = deps.clock.now();
  const id = deps.random.id();
  const code = newCode();
  const row: MobileRow = {
    id,
    authorityCode,
    number,
    label: input.label,
    state: 'pending',
    codeHash: await hashCode(deps.random, id, code),
    codeExpiresAt: new Date(now.getTime() + deps.config.MOBILE_CODE_MINUTES * 60_000),
    codeAttempts: 0,
    codesSent: 1,
    createdBy: actor.principal.actor,
    createdAt: now,
    updatedAt: now,
    confirmedAt: null,
    retiredAt: null,
    retiredReason: null,
    unreachableAt: null,
    unreachableReason: null,
  };
  const sms = smsRows(deps, [
    { purpose: 'code', mobileId: id, authorityCode, toNumber: number, text: codeText(deps, council, code) },
  ]);
  try {
    await deps.db.batch([
      deps.db.insert(mobileNumbers).values(row),
      auditEntry(deps.db, actor, now, {
        action: 'mobile.add',
        subjectType: 'mobile number',
        subjectId: id,
        after: { authorityCode, number: formatUkMobile(number), label: input.label, state: 'pending' },
      }),
      ...smsInserts(deps, sms),
    ]);
  } catch (err) {
    if (/UNIQUE/i.test(String(err)))
      throw new AppError('conflict', `${formatUkMobile(number)} is already one of ${council}'s numbers.`);
    throw err;
  }
  await wakeSmsSender(deps);
  return toMobileView(row, actor.principal);
}

/** Texts a pending number a new code (the old one stops working; the tries start again). */
export async function sendNewCode(deps: Deps, actor: ActorContext, id: string): Promise<MobileView> {
  const row = await findVisible(deps, actor.principal, id);
  assertMayManage(actor.principal, row.authorityCode);
  mobileTransitions.assertCan(row, 'sendCode');
  assertSmsAvailable(deps);
  await limitCodes(deps, actor, row.number);
  const council = await authorityName(deps, row.authorityCode);
  const now = deps.clock.now();
  const code = newCode();
  const [text] = smsRows(deps, [
    {
      purpose: 'code',
      mobileId: id,
      authorityCode: row.authorityCode,
      toNumber: row.number,
      text: codeText(deps, council, code),
    },
  ]);
  // The text is written in the same guarded batch as the new code: a request that loses a race texts nothing.
  const updated = await mobileTransitions.apply(deps, actor, 'sendCode', id, {
    set: {
      codeHash: await hashCode(deps.random, id, code),
      codeExpiresAt: new Date(now.getTime() + deps.config.MOBILE_CODE_MINUTES * 60_000),
      codeAttempts: 0,
      codesSent: sql`${mobileNumbers.codesSent} + 1`,
    },
    when: eq(mobileNumbers.codesSent, row.codesSent),
    with: (stillApplies) => [insertRowIf(deps.db, smsMessages, text!, stillApplies)],
    audit: { after: { codesSent: row.codesSent + 1 } },
    at: now,
  });
  await wakeSmsSender(deps);
  return toMobileView(updated, actor.principal);
}

export type ConfirmOutcome = { state: 'confirmed'; mobile: MobileView };

/** Checks a typed code: the number is confirmed, or the problem says what to do (wrong, expired, locked). */
export async function confirmMobile(
  deps: Deps,
  actor: ActorContext,
  id: string,
  typed: string,
): Promise<ConfirmOutcome> {
  const row = await findVisible(deps, actor.principal, id);
  assertMayManage(actor.principal, row.authorityCode);
  mobileTransitions.assertCan(row, 'confirm');
  const code = cleanCode(typed);
  const fieldError = (message: string, code: 'validation_failed' | 'conflict' = 'validation_failed') =>
    new AppError(code, message, { errors: [{ path: 'code', message }] });
  if (!code) throw fieldError('Enter the 6-digit code from the text message');
  const now = deps.clock.now();
  if (row.codeAttempts >= MAX_CODE_ATTEMPTS)
    throw fieldError('Too many wrong codes: send a new code and use that one', 'conflict');
  if (!row.codeHash || !row.codeExpiresAt || row.codeExpiresAt.getTime() <= now.getTime())
    throw fieldError('The code has expired: send a new code', 'conflict');
  if (!(await codeMatches(row.codeHash, id, code))) {
    const counted = await mobileTransitions.attempt(deps, actor, 'wrongCode', id, {
      set: { codeAttempts: sql`${mobileNumbers.codeAttempts} + 1` },
      when: eq(mobileNumbers.codeAttempts, row.codeAttempts),
      audit: { after: { codeAttempts: row.codeAttempts + 1 } },
      at: now,
    });
    const left = MAX_CODE_ATTEMPTS - (counted?.row.codeAttempts ?? MAX_CODE_ATTEMPTS);
    throw fieldError(
      left > 0
        ? `That code is not right: check the text message and try again (${left} ${left === 1 ? 'try' : 'tries'} left)`
        : 'That code is not right, and that was the last try: send a new code',
    );
  }
  const confirmed = await mobileTransitions.apply(deps, actor, 'confirm', id, {
    set: {
      confirmedAt: now,
      codeHash: null,
      codeExpiresAt: null,
      unreachableAt: null,
      unreachableReason: null,
    },
    when: and(eq(mobileNumbers.codeHash, row.codeHash), eq(mobileNumbers.codeAttempts, row.codeAttempts)),
    audit: { after: { number: formatUkMobile(row.number) } },
    at: now,
  });
  return { state: 'confirmed', mobile: toMobileView(confirmed, actor.principal) };
}

export async function retireMobile(
  deps: Deps,
  actor: ActorContext,
  id: string,
  reason = 'removed by the council',
): Promise<MobileView> {
  const row = await findVisible(deps, actor.principal, id);
  assertMayManage(actor.principal, row.authorityCode);
  mobileTransitions.assertCan(row, 'retire');
  const now = deps.clock.now();
  const retired = await mobileTransitions.apply(deps, actor, 'retire', id, {
    set: { retiredAt: now, retiredReason: reason.slice(0, 200), codeHash: null, codeExpiresAt: null },
    audit: { before: { state: row.state }, after: { reason } },
    at: now,
  });
  return toMobileView(retired, actor.principal);
}

export async function getMobile(deps: Deps, principal: Principal, id: string): Promise<MobileView> {
  return toMobileView(await findVisible(deps, principal, id), principal);
}
