// Recording a bounce. A report is matched to a delivery ONLY by the envelope recipient the relay that
// received it reports (`bounces+<delivery id>.<tag>@<mail domain>`, the VERP address the advisory was sent
// from), and only when the tag is the service's own signature of that delivery id: knowing a delivery id
// (it is in every Message-ID and acknowledgement link) is not enough to forge one. Nothing inside the
// returned message (its Message-ID, To, or headers) is ever used for matching.
// What the report means is decided by whose fault it is (src/mail/bounce-class.ts), and it changes the
// delivery (and the mailbox) only when one of its recipients is the delivery's own address:
//   mailbox   the delivery fails for good and the mailbox is marked unreachable;
//   soft      a soft bounce is counted (and a delivery given up on is a temporary failure, as Notify says);
//   ours      our mail was refused: the delivery is a technical failure of ours, logged as an error and
//             counted with the failed sends (`send_failures`, cc_mail_send_failures_total); the council is
//             never blamed;
//   unknown   the delivery fails; the mailbox is not marked on one vague report (a vague report that is not
//             a failure counts a soft bounce).
// A report that matched no delivery says so ("no delivery matched; nothing changed"), in its answer and its log.
// Each change is a transition of its own aggregate, all in one write with the bounce row; the same report
// twice changes nothing the second time, even when both arrive at once.
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { bounces, deliveries, mailboxes, sendFailures } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { hashSecret } from '../../lib/secrets.js';
import { type BounceClass, classifyBounce, tellingCode } from '../../mail/bounce-class.js';
import { type DsnRecipient, parseDsn, smtpCodeOf } from '../../mail/dsn.js';
import { deliveryIdFromMessageId, mailDomain, parseVerpAddress } from '../../mail/message-ids.js';
import { type DeliveryTransition, deliveryTransitions } from '../advisories/delivery-transitions.js';
import { verpTagValid } from '../advisories/signing-key.js';
import { inBatchOrder } from '../audit/transitions.js';
import { mailboxTransitions } from '../mailboxes/transitions.js';

export const BOUNCE_REASON_PREFIX = 'bounce: ';

/** What a report did (not what it claimed): `unmatched` and `duplicate` changed nothing. */
export type BounceEffect =
  | 'unreachable'
  | 'failed'
  | 'soft-bounce'
  | 'ours'
  | 'recorded'
  | 'unmatched'
  | 'duplicate';

export interface BounceOutcome {
  matched: boolean;
  /** What the report changed, in words: `no delivery matched; nothing changed`, `mailbox marked unreachable` … */
  summary: string;
  deliveryId?: string;
  mailboxId?: string;
  recipients: Array<{
    recipient: string | null;
    action: string;
    status: string | null;
    class: BounceClass;
    effect: BounceEffect;
  }>;
}

type DeliveryRow = typeof deliveries.$inferSelect;

/** The delivery a validly signed VERP envelope recipient names, or null. */
async function deliveryOfEnvelope(deps: Deps, envelopeTo: string | null): Promise<DeliveryRow | null> {
  if (!envelopeTo) return null;
  const verp = parseVerpAddress(mailDomain(deps.config), envelopeTo);
  if (!verp || !(await verpTagValid(deps, verp.deliveryId, verp.tag))) return null;
  return (await deps.db.query.deliveries.findFirst({ where: eq(deliveries.id, verp.deliveryId) })) ?? null;
}

const names = (r: DsnRecipient, address: string) =>
  r.finalRecipient === address || r.originalRecipient === address;

export interface BounceSource {
  /** `http`, `cli`, `smtp` …: where the report came from. */
  source: string;
  /**
   * The envelope recipient the receiving relay reports (an `X-Envelope-To` request header, a CLI option);
   * when absent, the topmost X-Original-To or Delivered-To line the delivering MTA prepended.
   */
  envelopeTo?: string | null;
}

export async function recordBounce(
  deps: Deps,
  actor: ActorContext,
  raw: string,
  options: BounceSource,
): Promise<BounceOutcome> {
  if (!/^[\x21-\x39\x3b-\x7e]+:/m.test(raw.slice(0, 4096)))
    throw new AppError('bad_request', 'The body is not an e-mail message (no header fields were found).');
  const report = parseDsn(raw);
  const envelopeTo = options.envelopeTo ?? report.envelopeTo;
  const delivery = await deliveryOfEnvelope(deps, envelopeTo);
  const address = delivery?.address.toLowerCase() ?? null;
  const base = report.messageId ?? (await hashSecret(raw));
  const entries: DsnRecipient[] = report.recipients.length
    ? report.recipients
    : [
        {
          originalRecipient: null,
          finalRecipient: null,
          action: 'unknown',
          status: null,
          diagnosticCode: null,
          remoteMta: null,
        },
      ];
  const mailboxId = delivery && !delivery.mailboxId.startsWith('test:') ? delivery.mailboxId : null;
  const log = deps.log.child({ delivery: delivery?.id ?? null, mailbox: mailboxId });
  const outcome: BounceOutcome = {
    matched: Boolean(delivery),
    summary: '',
    ...(delivery ? { deliveryId: delivery.id, mailboxId: delivery.mailboxId } : {}),
    recipients: [],
  };

  for (const r of entries) {
    const recipient = r.finalRecipient ?? r.originalRecipient;
    const klass = classifyBounce(r);
    const id = (await hashSecret(`${base}|${recipient ?? ''}|${r.action}|${r.status ?? ''}`)).slice(0, 32);
    // Only a recipient that is the delivery's own address can change it.
    const concerned = delivery && address && names(r, address) ? delivery : null;
    const seen = await deps.db.query.bounces.findFirst({ where: eq(bounces.id, id), columns: { id: true } });
    const effect: BounceEffect = seen
      ? 'duplicate'
      : await writeBounce(deps, actor, {
          id,
          recipient,
          report: r,
          klass,
          delivery: concerned,
          mailboxId: concerned ? mailboxId : null,
          source: options.source,
        });
    outcome.recipients.push({ recipient, action: r.action, status: r.status, class: klass, effect });
    if (effect === 'unreachable')
      log.warn('hard bounce: mailbox marked unreachable', {
        recipient,
        status: r.status,
        diagnostic: diagnosticOf(r),
      });
    else if (effect === 'ours')
      log.error(
        'our mail was refused by the receiving system: a technical failure of ours, not the council’s',
        {
          recipient,
          status: r.status,
          diagnostic: diagnosticOf(r),
        },
      );
    else if (effect !== 'recorded' && effect !== 'duplicate' && effect !== 'unmatched')
      log.info('bounce recorded', { recipient, effect, status: r.status });
  }
  outcome.summary = summaryOf(outcome);
  if (!delivery)
    log.info('bounce matched no delivery: nothing changed', {
      envelopeTo: envelopeTo ?? null,
      signedVerp: Boolean(envelopeTo && parseVerpAddress(mailDomain(deps.config), envelopeTo)),
    });
  else if (outcome.recipients.every((r) => r.effect === 'unmatched'))
    log.info('bounce named none of the delivery’s addresses: nothing changed', {
      recipients: outcome.recipients.map((r) => r.recipient),
    });
  return outcome;
}

const effectWords: Record<BounceEffect, string | null> = {
  unreachable: 'delivery failed; mailbox marked unreachable',
  failed: 'delivery failed; mailbox not marked (the report does not say why)',
  'soft-bounce': 'soft bounce counted; mailbox not blamed',
  ours: 'our mail was refused: a technical failure of ours, not the council’s',
  recorded: null,
  unmatched: null,
  duplicate: null,
};

/** What a report did, in words; "nothing changed" unless one of its recipients changed something. */
function summaryOf(outcome: BounceOutcome): string {
  if (!outcome.matched) return 'no delivery matched; nothing changed';
  const done = [...new Set(outcome.recipients.map((r) => effectWords[r.effect]).filter(Boolean))];
  if (done.length) return done.join('; ');
  if (outcome.recipients.some((r) => r.effect === 'duplicate')) return 'seen before; nothing changed';
  if (outcome.recipients.every((r) => r.effect === 'unmatched'))
    return 'no recipient was the delivery’s address; nothing changed';
  return 'recorded; nothing changed';
}

/** The class of a mail provider's failure status (Notify's words): whose fault it is. */
const providerClass: Record<string, BounceClass> = {
  'permanent-failure': 'mailbox',
  'temporary-failure': 'soft',
  'technical-failure': 'ours',
};

/**
 * A mail provider's receipt for a message it took (GOV.UK Notify's callback with MAIL_PROVIDER=notify: Notify
 * sends from its own address, so bounces come back this way, not to the VERP address). Matched by our
 * Message-ID, which went to Notify as the message's `reference` and which only Notify sees (the recipient
 * sees Notify's own), and only when the receipt's address is the delivery's; the caller is the provider,
 * authenticated by an inbound token. Whose fault it is follows Notify's status: an address Notify could not
 * deliver to is the mailbox's, an inbox full or blocking it is soft, Notify's own failure is ours.
 */
export async function recordProviderReceipt(
  deps: Deps,
  actor: ActorContext,
  receipt: { reference: string | null; to: string; providerStatus: string },
  source: string,
): Promise<BounceOutcome> {
  const klass = providerClass[receipt.providerStatus];
  const deliveryId = receipt.reference
    ? deliveryIdFromMessageId(mailDomain(deps.config), receipt.reference)
    : null;
  const delivery = deliveryId
    ? ((await deps.db.query.deliveries.findFirst({ where: eq(deliveries.id, deliveryId) })) ?? null)
    : null;
  const outcome: BounceOutcome = {
    matched: Boolean(delivery),
    summary: '',
    ...(delivery ? { deliveryId: delivery.id, mailboxId: delivery.mailboxId } : {}),
    recipients: [],
  };
  if (!klass) return { ...outcome, summary: summaryOf(outcome) };
  const recipient = receipt.to.toLowerCase();
  const report: DsnRecipient = {
    originalRecipient: null,
    finalRecipient: recipient,
    action: 'failed',
    status: null,
    diagnosticCode: `${source}; ${receipt.providerStatus}`,
    remoteMta: null,
  };
  const concerned = delivery && delivery.address.toLowerCase() === recipient ? delivery : null;
  const id = (
    await hashSecret(`${source}|${receipt.reference ?? ''}|${recipient}|${receipt.providerStatus}`)
  ).slice(0, 32);
  const seen = await deps.db.query.bounces.findFirst({ where: eq(bounces.id, id), columns: { id: true } });
  const mailboxId = concerned && !concerned.mailboxId.startsWith('test:') ? concerned.mailboxId : null;
  const effect: BounceEffect = seen
    ? 'duplicate'
    : await writeBounce(deps, actor, {
        id,
        recipient,
        report,
        klass,
        delivery: concerned,
        mailboxId,
        source,
      });
  outcome.recipients.push({ recipient, action: 'failed', status: null, class: klass, effect });
  outcome.summary = summaryOf(outcome);
  if (effect === 'ours')
    deps.log.error(
      'the mail provider failed to send our mail: a technical failure of ours, not the council’s',
      {
        status: receipt.providerStatus,
      },
    );
  return outcome;
}

const diagnosticOf = (r: DsnRecipient) => (r.diagnosticCode ?? '').slice(0, 1000) || null;

/** The delivery transition each class makes when a report says the message failed. */
const deliveryMove: Partial<Record<BounceClass, DeliveryTransition>> = {
  mailbox: 'bounce',
  unknown: 'bounce',
  soft: 'softBounce',
  ours: 'refused',
};

/** What the report does, given its class, whether it concerns a delivery, and its Action. */
function effectOf(klass: BounceClass, concerned: boolean, failed: boolean): BounceEffect {
  if (!concerned) return 'unmatched';
  if (klass === 'mailbox') return 'unreachable';
  if (klass === 'ours') return 'ours';
  if (klass === 'soft') return 'soft-bounce';
  if (klass === 'unknown') return failed ? 'failed' : 'soft-bounce';
  return 'recorded';
}

/**
 * Keeps one recipient's bounce and, in the same batch, what it means for the delivery and the mailbox.
 * Every write is conditional on the bounce not being recorded yet (the bounce row comes last), so the same
 * report twice changes nothing the second time, however close together: that one's effect is `duplicate`.
 */
async function writeBounce(
  deps: Deps,
  actor: ActorContext,
  bounce: {
    id: string;
    recipient: string | null;
    report: DsnRecipient;
    klass: BounceClass;
    delivery: DeliveryRow | null;
    mailboxId: string | null;
    source: string;
  },
): Promise<BounceEffect> {
  const { id, report: r, klass, delivery, mailboxId } = bounce;
  const failed = r.action.toLowerCase() === 'failed';
  const effect = effectOf(klass, Boolean(delivery), failed);
  const now = deps.clock.now();
  const fresh = sql`not exists (select 1 from ${bounces} where ${bounces.id} = ${id})`;
  const diagnostic = diagnosticOf(r);
  const items: BatchItem[] = [];
  const move = deliveryMove[klass];
  if (delivery && failed && move)
    items.push(
      ...inBatchOrder(
        deliveryTransitions.statements(deps.db, actor, move, delivery.id, {
          set: {
            lastReply: diagnostic ?? `${r.action} ${r.status ?? ''}`.trim(),
            lastCode: smtpCodeOf(r.diagnosticCode),
            ...(klass === 'ours' ? { lastFailure: oursKind(r) } : {}),
            failedAt: now.getTime(),
            nextAttemptAt: null,
            leaseOwner: null,
            leaseExpiresAt: null,
          },
          when: fresh,
          audit: {
            before: { status: delivery.status },
            after: { dsnStatus: r.status, class: klass, diagnostic },
          },
          at: now,
        }),
      ),
    );
  if (delivery && mailboxId && klass === 'mailbox') {
    const reason = `${BOUNCE_REASON_PREFIX}${[r.status, diagnostic].filter(Boolean).join(' ')}`.slice(0, 500);
    items.push(
      // Already unreachable: only the time of the latest bounce changes.
      deps.db
        .update(mailboxes)
        .set({ lastBounceAt: now })
        .where(and(eq(mailboxes.id, mailboxId), isNotNull(mailboxes.unreachableAt), fresh)),
      ...inBatchOrder(
        mailboxTransitions.statements(deps.db, actor, 'unreachable', mailboxId, {
          set: { unreachableAt: now, unreachableReason: reason, lastBounceAt: now },
          when: and(isNull(mailboxes.unreachableAt), fresh),
          audit: { after: { reason, deliveryId: delivery.id } },
          at: now,
        }),
      ),
    );
  } else if (delivery && mailboxId && effect === 'soft-bounce') {
    items.push(
      ...inBatchOrder(
        mailboxTransitions.statements(deps.db, actor, 'softBounce', mailboxId, {
          set: { softBounces: sql`${mailboxes.softBounces} + 1`, lastBounceAt: now },
          when: fresh,
          audit: { after: { dsnStatus: r.status, deliveryId: delivery.id } },
          at: now,
        }),
      ),
    );
  }
  items.push(
    deps.db
      .insert(bounces)
      .values({
        id,
        receivedAt: now,
        deliveryId: delivery?.id ?? null,
        mailboxId,
        recipient: bounce.recipient,
        action: r.action,
        status: r.status,
        diagnostic,
        class: klass,
        source: bounce.source,
      })
      .onConflictDoNothing()
      .returning({ id: bounces.id }),
  );
  const results = await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
  const kept = results.at(-1) as unknown[];
  if (kept.length === 0) return 'duplicate';
  if (effect === 'ours') await countOursFailure(deps, r, diagnostic);
  return effect;
}

/** The kind a refusal of our mail is counted under: `bounce: our mail refused 5.7.26` (the telling code). */
const oursKind = (r: DsnRecipient) => `bounce: our mail refused ${tellingCode(r) ?? ''}`.trim();

/**
 * A refusal of our mail is one of our failed sends: counted in `send_failures` (cc_mail_send_failures_total
 * on /metrics, beside the failures the sender saw at once), as the outbound engine counts its own.
 */
async function countOursFailure(deps: Deps, r: DsnRecipient, diagnostic: string | null): Promise<void> {
  const now = deps.clock.now();
  const reply = (diagnostic ?? `${r.action} ${r.status ?? ''}`).slice(0, 500);
  try {
    await deps.db
      .insert(sendFailures)
      .values({
        kind: oursKind(r),
        status: 'technical-failure',
        count: 1,
        firstAt: now,
        lastAt: now,
        lastReply: reply,
      })
      .onConflictDoUpdate({
        target: [sendFailures.kind, sendFailures.status],
        set: { count: sql`${sendFailures.count} + 1`, lastAt: now, lastReply: reply },
      });
  } catch (err) {
    // The count is for dashboards: the bounce and its effect are written already, and stand.
    deps.log.error('could not count a refusal of our mail', { err });
  }
}
