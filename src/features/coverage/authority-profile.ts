// One authority as staff (or the council itself) see it on /authorities/:code: the register entry, its
// coverage bucket, its mailboxes with their reachability status and the latest checks of their domains
// (issue 5's status and checks), its contact paths and whether they are independent (contact-paths.ts) with
// how it answered its last drill, and the advisories delivered to it with when it acknowledged them.
// Outside the caller's scope it is "not found", exactly like a code that does not exist.

import { and, desc, eq, sql } from 'drizzle-orm';
import { advisories, deliveries, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { normaliseAuthorityCode } from '../../domain/authority-code.js';
import { isLiveMailboxState } from '../../domain/mailbox-states.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { sumWhen, viewCondition } from '../advisories/delivery-views.js';
import { canSeeAuthority } from '../auth/scope.js';
import { type AuthorityDetail, getAuthority } from '../authority-register/get-authority.js';
import { type LatestChecks, latestChecksFor } from '../checks/latest.js';
import { domainOf, type MailboxStatus, mailboxStatusDetail } from '../checks/status.js';
import type { ContactPaths } from './contact-paths.js';
import { contactPathsOf } from './contact-paths-query.js';
import { type LastDrill, lastDrillsOf } from './drill-response.js';
import { authorityBucket, type Bucket } from './mailbox-state.js';

export interface ProfileMailbox {
  id: string;
  address: string;
  kind: string;
  team: string;
  phone: string | null;
  state: string;
  status: MailboxStatus;
  reasons: string[];
  createdAt: Date;
  confirmedAt: Date | null;
  reconfirmDueAt: Date | null;
  staleAt: Date | null;
  unreachableAt: Date | null;
}

export interface ProfileAdvisory {
  id: string;
  reference: string;
  title: string;
  tlp: string;
  /** When the first of this council's copies was delivered. */
  firstDeliveredAt: Date | null;
  deliveries: number;
  delivered: number;
  /** Refused for good, or out of attempts. */
  failed: number;
  /** Not sent yet, or failed for now with another attempt due. */
  trying: number;
  acknowledgedAt: Date | null;
}

export interface AuthorityProfile {
  authority: AuthorityDetail;
  bucket: Bucket | null;
  mailboxes: ProfileMailbox[];
  /** Mailboxes retired or refused over time (not listed). */
  removedMailboxes: number;
  checks: Array<{ domain: string; checks: LatestChecks }>;
  /** Its contact paths and whether two or more are independent. */
  contactPaths: ContactPaths;
  /** Its last finished drill, if it has been in one. */
  lastDrill: LastDrill | null;
  advisories: ProfileAdvisory[];
}

const ADVISORY_LIMIT = 50;

export async function authorityProfile(
  deps: Deps,
  principal: Principal,
  codeInput: string,
): Promise<AuthorityProfile> {
  const code = normaliseAuthorityCode(codeInput);
  if (!(await canSeeAuthority(deps.db, principal, code)))
    throw new AppError('not_found', `There is no authority with code "${codeInput}" that you can see.`);
  const { db } = deps;
  const [authority, rows, sent] = await Promise.all([
    getAuthority(deps, code),
    db
      .select()
      .from(mailboxes)
      .where(eq(mailboxes.authorityCode, code))
      .orderBy(mailboxes.kind, mailboxes.createdAt),
    db
      .select({
        id: advisories.id,
        reference: advisories.reference,
        title: advisories.title,
        tlp: advisories.tlp,
        firstDeliveredAt: sql<number | null>`min(${deliveries.deliveredAt})`,
        deliveries: sql<number>`count(*)`.mapWith(Number),
        delivered: sumWhen(viewCondition.delivered).mapWith(Number),
        failed: sumWhen(viewCondition.failed).mapWith(Number),
        trying: sumWhen(viewCondition.trying).mapWith(Number),
        acknowledgedAt: sql<number | null>`min(${deliveries.acknowledgedAt})`,
      })
      .from(deliveries)
      .innerJoin(advisories, eq(advisories.id, deliveries.advisoryId))
      .where(and(eq(deliveries.authorityCode, code), eq(advisories.test, false)))
      .groupBy(advisories.id)
      .orderBy(desc(advisories.createdAt))
      .limit(ADVISORY_LIMIT),
  ]);
  const live = rows.filter((r) => isLiveMailboxState(r.state));
  // The council's own domains, and those of mailboxes an admin approved: a registration still waiting for
  // approval (on a domain that is not the council's) reveals nothing about that domain.
  const approved = live.filter((m) => m.state !== 'awaiting-approval');
  const domains = [...new Set([...authority.domains, ...approved.map((m) => domainOf(m.address))])].sort();
  const [latest, paths, drills] = await Promise.all([
    latestChecksFor(deps, domains),
    contactPathsOf(deps, [code]),
    lastDrillsOf(deps, [code]),
  ]);
  return {
    authority,
    bucket: authority.status === 'current' ? authorityBucket(rows) : null,
    mailboxes: live.map((m) => {
      const { status, reasons } = mailboxStatusDetail(m, latest.get(domainOf(m.address)) ?? {});
      return {
        id: m.id,
        address: m.address,
        kind: m.kind,
        team: m.team,
        phone: m.phone,
        state: m.state,
        status,
        reasons,
        createdAt: m.createdAt,
        confirmedAt: m.confirmedAt,
        reconfirmDueAt: m.reconfirmDueAt,
        staleAt: m.staleAt,
        unreachableAt: m.unreachableAt,
      };
    }),
    removedMailboxes: rows.length - live.length,
    checks: domains.map((domain) => ({ domain, checks: latest.get(domain) ?? {} })),
    contactPaths: paths.get(code)!,
    lastDrill: drills.get(code) ?? null,
    advisories: sent.map((a) => ({
      ...a,
      acknowledgedAt: a.acknowledgedAt === null ? null : new Date(Number(a.acknowledgedAt)),
      firstDeliveredAt: a.firstDeliveredAt === null ? null : new Date(Number(a.firstDeliveredAt)),
    })),
  };
}
