// The contact paths a drill tries, and the rows that try them. A council's paths are every confirmed
// mailbox (primary, secondary and out-of-hours alike: the TLP:RED rule is an advisory's, not a drill's) and
// every confirmed, reachable mobile (when SMS can be sent at all). Councils are taken in code order, whole,
// a slice at a time (`nextSlice`), so a drill to 4,000 councils is written in bounded batches and goes on
// where the last one stopped: the highest council code that has paths. Each path's id is derived from the
// drill and the mailbox or mobile, and its message row has the same id, so two schedulers writing the
// same slice write it once.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import drillTemplate from '../../../templates/drill.js';
import { inList } from '../../db/limits.js';
import {
  authorities,
  type drillPaths,
  mailboxes,
  mobileNumbers,
  type outboundMail,
} from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { composeMessage } from '../../mail/compose.js';
import { audienceCondition } from '../advisories/audience.js';
import { signedToken } from '../advisories/signing-key.js';
import { queuedRow } from '../outbound/queue-mail.js';
import { type SmsRow, smsRows } from '../outbound/queue-sms.js';
import { type DrillRow, drillSender } from './drill-view.js';

export const DRILL_ACK_PURPOSE = 'drill-ack';
/** The lane of drill e-mails: behind real advisories (a drill never delays an alert), ahead of bulk mail. */
export const DRILL_MAIL_LANE = 'notices' as const;

export interface PathTarget {
  authorityCode: string;
  authorityName: string;
  channel: 'email' | 'sms';
  /** The mailbox's or mobile's id. */
  targetId: string;
  /** The address or number. */
  target: string;
}

/** Whether texts can be sent at all: without a provider a drill goes by e-mail only. */
export const smsUsable = (deps: Pick<Deps, 'sms'>) => !deps.sms.unavailable;

const confirmedMailbox = sql`${mailboxes.state} = 'confirmed'`;
const confirmedMobile = sql`${mobileNumbers.state} = 'confirmed' and ${mobileNumbers.unreachableAt} is null`;

/**
 * The next councils of the audience (after `afterCode`) that have a path, whole, until `limit` paths
 * (at least one council); `more` when councils with paths remain after them.
 */
export async function nextSlice(
  deps: Deps,
  drill: Pick<DrillRow, 'audience' | 'warpId' | 'createdBy'>,
  afterCode: string | null,
  limit: number,
): Promise<{ targets: PathTarget[]; more: boolean }> {
  const withSms = smsUsable(deps);
  const mailboxCount = sql<number>`(select count(*) from ${mailboxes} where ${mailboxes.authorityCode} = ${authorities.code} and ${confirmedMailbox})`;
  const mobileCount = withSms
    ? sql<number>`(select count(*) from ${mobileNumbers} where ${mobileNumbers.authorityCode} = ${authorities.code} and ${confirmedMobile})`
    : sql<number>`0`;
  const councils = await deps.db
    .select({ code: authorities.code, name: authorities.name, mailboxes: mailboxCount, mobiles: mobileCount })
    .from(authorities)
    .where(
      and(
        audienceCondition(drill.audience, drillSender(drill)),
        afterCode === null ? undefined : gt(authorities.code, afterCode),
        sql`(${mailboxCount}) + (${mobileCount}) > 0`,
      ),
    )
    .orderBy(authorities.code)
    .limit(Math.max(1, limit) + 1);
  const chosen: typeof councils = [];
  let paths = 0;
  for (const c of councils) {
    const n = Number(c.mailboxes) + Number(c.mobiles);
    if (chosen.length > 0 && paths + n > limit) break;
    chosen.push(c);
    paths += n;
  }
  const more = chosen.length < councils.length;
  if (chosen.length === 0) return { targets: [], more: false };
  const codes = chosen.map((c) => c.code);
  const names = new Map(chosen.map((c) => [c.code, c.name]));
  const boxes = await deps.db
    .select({ id: mailboxes.id, code: mailboxes.authorityCode, address: mailboxes.address })
    .from(mailboxes)
    .where(and(inList(mailboxes.authorityCode, codes), confirmedMailbox))
    .orderBy(mailboxes.authorityCode, mailboxes.id);
  const mobiles = withSms
    ? await deps.db
        .select({ id: mobileNumbers.id, code: mobileNumbers.authorityCode, number: mobileNumbers.number })
        .from(mobileNumbers)
        .where(
          and(
            inList(mobileNumbers.authorityCode, codes),
            eq(mobileNumbers.state, 'confirmed'),
            isNull(mobileNumbers.unreachableAt),
          ),
        )
        .orderBy(mobileNumbers.authorityCode, mobileNumbers.id)
    : [];
  const targets: PathTarget[] = [
    ...boxes.map((b) => ({
      authorityCode: b.code,
      authorityName: names.get(b.code) ?? b.code,
      channel: 'email' as const,
      targetId: b.id,
      target: b.address,
    })),
    ...mobiles.map((m) => ({
      authorityCode: m.code,
      authorityName: names.get(m.code) ?? m.code,
      channel: 'sms' as const,
      targetId: m.id,
      target: m.number,
    })),
  ];
  return { targets, more };
}

/** A path's id: the same for the same drill and mailbox or mobile, so a repeated write is skipped. */
export async function pathId(drillId: string, channel: string, targetId: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(`drill-path:${drillId}:${channel}:${targetId}`),
  );
  return [...new Uint8Array(digest).slice(0, 13)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The links of a path: the e-mail's, and the short one for a text; both open the same page. */
export async function ackLinks(deps: Deps, id: string) {
  const token = await signedToken(deps, DRILL_ACK_PURPOSE, id);
  const base = deps.config.PUBLIC_BASE_URL;
  return { token, email: `${base}/drills/ack/${token}`, sms: `${base}/d/${token}` };
}

export function drillSmsText(reference: string, link: string): string {
  return `EXERCISE, not an alert: NCSC reachability drill ${reference}. Please acknowledge: ${link}`;
}

export function drillRunBy(deps: Deps, drill: Pick<DrillRow, 'warpId'>, warpName?: string | null): string {
  return drill.warpId ? (warpName ?? `WARP ${drill.warpId}`) : deps.config.SERVICE_NAME;
}

export interface SliceRows {
  paths: Array<typeof drillPaths.$inferInsert>;
  mail: Array<typeof outboundMail.$inferInsert>;
  sms: SmsRow[];
}

/** The path rows of a slice and the messages that carry them (each message's id is its path's). */
export async function sliceRows(
  deps: Deps,
  drill: Pick<DrillRow, 'id' | 'reference' | 'warpId'>,
  closesAt: Date,
  targets: readonly PathTarget[],
  runBy: string,
): Promise<SliceRows> {
  const now = deps.clock.now().getTime();
  const out: SliceRows = { paths: [], mail: [], sms: [] };
  const texts: Array<Parameters<typeof smsRows>[1][number] & { id: string }> = [];
  for (const t of targets) {
    const id = await pathId(drill.id, t.channel, t.targetId);
    const links = await ackLinks(deps, id);
    out.paths.push({
      id,
      drillId: drill.id,
      authorityCode: t.authorityCode,
      channel: t.channel,
      mailboxId: t.channel === 'email' ? t.targetId : null,
      mobileId: t.channel === 'sms' ? t.targetId : null,
      target: t.target,
      messageId: id,
      createdAt: now,
    });
    if (t.channel === 'email') {
      const message = composeMessage(
        deps.config,
        drillTemplate,
        {
          serviceName: deps.config.SERVICE_NAME,
          reference: drill.reference,
          councilName: t.authorityName,
          ackUrl: links.email,
          closesAt,
          runBy,
        },
        t.target,
        {
          messageId: `drill.${id}`,
          headers: {
            'X-Drill': drill.reference,
            'X-TLP': 'CLEAR',
            'Auto-Submitted': 'auto-generated',
          },
        },
      );
      out.mail.push({ ...queuedRow(deps, message, { lane: DRILL_MAIL_LANE, purpose: 'drill' }), id });
    } else {
      texts.push({
        id,
        purpose: 'drill',
        mobileId: t.targetId,
        authorityCode: t.authorityCode,
        toNumber: t.target,
        drillId: drill.id,
        text: drillSmsText(drill.reference, links.sms),
      });
    }
  }
  if (texts.length) {
    const rows = smsRows(deps, texts);
    out.sms = rows.map((row, i) => ({ ...row, id: texts[i]!.id }));
  }
  return out;
}
