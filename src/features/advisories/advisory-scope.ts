// Who may see and write which advisories: THE one scope check every representation of an advisory goes
// through (the API, the pages, the delivery report and its CSV, the progress, the CSAF export, the e-mail
// preview). For a caller and an advisory it decides three things:
//   - whether the advisory exists for them at all (otherwise the same 404 as for one that does not exist);
//   - which of its deliveries they may follow (their own council's, their WARP's members', or all);
//   - whether they may read its content (title, summary, body, CVEs, references), or only that it exists:
//     its reference, TLP label, severity, kind, state and dates.
// The rules:
//   admin            every advisory, every delivery, the content.
//   WARP operator    its own WARP's advisories whole; an NCSC advisory that reached at least one of its
//                    member councils, as far as those members' deliveries go, with the content unless it is
//                    TLP:AMBER+STRICT or TLP:RED (shared within the recipient's own organisation, or only
//                    with the recipients themselves: the WARP is neither).
//   council          a released advisory delivered to one of its mailboxes, its own deliveries only, with
//                    the content; TLP:RED content only to a session opened from a mailbox it was delivered to
//                    (not from a secondary mailbox it did not go to, and not to an API token, which is not a
//                    recipient).
//   anyone else      nothing.
// It also says who may change an advisory, and as whom an advisory reaches its audience.
import { and, eq, exists, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inList, inSubquery } from '../../db/limits.js';
import { advisories, authorities, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import type { TlpLabel } from '../../domain/tlp.js';
import { AppError } from '../../errors.js';
import { authorityScope } from '../auth/scope.js';
import type { AdvisoryRow } from './view.js';

/** What the caller may do with one advisory (see the rules above). */
export interface AdvisoryAccess {
  advisory: AdvisoryRow;
  /** May read the title, summary, body, CVEs and references. */
  content: boolean;
  /** The condition on `deliveries` the caller may see; undefined for all of the advisory's deliveries. */
  deliveries: SQL | undefined;
  /** Sees it as its author does (an admin, or an operator of the WARP that wrote it). */
  author: boolean;
}

/** TLP labels whose content a WARP operator may read in an NCSC advisory to its members. */
const warpMayRead: ReadonlySet<TlpLabel> = new Set(['CLEAR', 'GREEN', 'AMBER']);

const released = () => inList(advisories.state, ['sending', 'sent', 'cancelled']);

/** `deliveries` of the advisory row in the outer query that are not cancelled and match `condition`. */
function deliveredWhere(db: Db, condition: SQL | undefined) {
  return exists(
    db
      .select({ one: sql`1` })
      .from(deliveries)
      .where(and(eq(deliveries.advisoryId, advisories.id), ne(deliveries.status, 'cancelled'), condition)),
  );
}

/** The members of a WARP, as a subquery of authority codes. */
const membersOf = (db: Db, warpId: string) =>
  db.select({ code: authorities.code }).from(authorities).where(eq(authorities.warpId, warpId));

/**
 * A condition on `advisories` limiting it to what the principal may know exists (lists and single reads).
 * Content is decided per row by `contentVisible`.
 */
export function advisoryScope(db: Db, principal: Principal): SQL | undefined {
  if (principal.role === 'admin') return undefined;
  if (principal.role === 'warp') {
    const warpId = principal.warpId ?? '';
    return or(
      eq(advisories.warpId, warpId),
      and(
        sql`${advisories.warpId} is null`,
        released(),
        deliveredWhere(db, inSubquery(deliveries.authorityCode, membersOf(db, warpId))),
      ),
    );
  }
  if (principal.role === 'council')
    return and(released(), deliveredWhere(db, eq(deliveries.authorityCode, principal.authorityCode ?? '')));
  return sql`0 = 1`;
}

/** Whether the principal sees this advisory as its author does. */
export function isAuthorOf(principal: Principal, row: Pick<AdvisoryRow, 'warpId'>): boolean {
  if (principal.role === 'admin') return true;
  return principal.role === 'warp' && !!principal.warpId && principal.warpId === row.warpId;
}

/**
 * Whether the principal may read the content of these advisories (all already within its scope): a map
 * from advisory id. One query at most, for a council's TLP:RED rows.
 */
export async function contentVisible(
  deps: Pick<Deps, 'db'>,
  principal: Principal,
  rows: readonly AdvisoryRow[],
): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  const redForCouncil: string[] = [];
  for (const row of rows) {
    if (isAuthorOf(principal, row)) out.set(row.id, true);
    else if (principal.role === 'warp') out.set(row.id, warpMayRead.has(row.tlp));
    else if (principal.role === 'council') {
      if (row.tlp !== 'RED') out.set(row.id, true);
      else {
        out.set(row.id, false);
        if (principal.mailbox) redForCouncil.push(row.id);
      }
    } else out.set(row.id, false);
  }
  if (redForCouncil.length && principal.mailbox) {
    // TLP:RED: only a session opened from a mailbox it was delivered to.
    const received = await deps.db
      .select({ advisoryId: deliveries.advisoryId })
      .from(deliveries)
      .where(
        and(
          inList(deliveries.advisoryId, redForCouncil),
          eq(deliveries.mailboxId, principal.mailbox.id),
          eq(deliveries.authorityCode, principal.authorityCode ?? ''),
          ne(deliveries.status, 'cancelled'),
        ),
      );
    for (const r of received) out.set(r.advisoryId, true);
  }
  return out;
}

function notFound(id: string): AppError {
  return new AppError('not_found', `There is no advisory with id "${id}" that you can see.`);
}

/** The caller's access to one advisory; the same 404 as for one that does not exist when it has none. */
export async function accessTo(deps: Deps, principal: Principal, id: string): Promise<AdvisoryAccess> {
  const [row] = await deps.db
    .select()
    .from(advisories)
    .where(and(eq(advisories.id, id), advisoryScope(deps.db, principal)))
    .limit(1);
  if (!row) throw notFound(id);
  const author = isAuthorOf(principal, row);
  const content = (await contentVisible(deps, principal, [row])).get(row.id) ?? false;
  return {
    advisory: row,
    content,
    author,
    deliveries: author ? undefined : authorityScope(deps.db, principal, deliveries.authorityCode),
  };
}

/** The advisory for a caller who must be able to read its content (CSAF, e-mail preview); else 404. */
export async function readableAdvisory(deps: Deps, principal: Principal, id: string): Promise<AdvisoryRow> {
  const access = await accessTo(deps, principal, id);
  if (!access.content) throw notFound(id);
  return access.advisory;
}

/** The advisory for its author (an admin, or its WARP's operators): to edit, release, preview; else 404. */
export async function findOwnAdvisory(deps: Deps, principal: Principal, id: string): Promise<AdvisoryRow> {
  const access = await accessTo(deps, principal, id);
  if (!access.author) throw notFound(id);
  return access.advisory;
}

/** Only NCSC staff (admins) and WARP operators write advisories. */
export function assertAuthor(principal: Principal): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'warp' && principal.warpId) return;
  throw new AppError('forbidden', 'Only NCSC staff and WARP operators write advisories.');
}

/**
 * Whether the principal may change this advisory: an admin, its author, or another operator of the WARP
 * that wrote it (a WARP's sessions and tokens change; the WARP is the author that stays).
 */
export function assertMayChange(principal: Principal, row: AdvisoryRow): void {
  if (principal.role === 'admin' || principal.actor === row.createdBy) return;
  if (principal.role === 'warp' && principal.warpId && principal.warpId === row.warpId) return;
  throw new AppError('forbidden', 'Only the author of an advisory, or an administrator, can change it.');
}

/** The principal an advisory reaches its audience as: its WARP's operator (members only), or the NCSC. */
export function senderOf(row: Pick<AdvisoryRow, 'warpId' | 'createdBy'>): Principal {
  return row.warpId
    ? {
        actor: row.createdBy,
        label: `WARP ${row.warpId}`,
        role: 'warp',
        warpId: row.warpId,
        authorityCode: null,
        via: 'system',
      }
    : {
        actor: row.createdBy,
        label: 'NCSC',
        role: 'admin',
        warpId: null,
        authorityCode: null,
        via: 'system',
      };
}
