// WARPs as editable groups of authorities: list with member counts, read with members, create, rename, delete.
import { asc, count, eq, notExists, sql } from 'drizzle-orm';
import { authorities, warpOperators, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { type AuthorityStatus, statusOf } from './authority-view.js';
import { slugify } from './default-warps.js';

export const warpIdPattern = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export interface WarpSummary {
  id: string;
  name: string;
  /** The nation/region a default WARP was drawn from; null for WARPs made by hand. */
  region: string | null;
  currentMembers: number;
  totalMembers: number;
  createdAt: string;
  updatedAt: string;
}

export interface WarpDetail extends WarpSummary {
  members: WarpMember[];
}

type WarpRow = typeof warps.$inferSelect;

const toSummary = (row: WarpRow, currentMembers: number, totalMembers: number): WarpSummary => ({
  id: row.id,
  name: row.name,
  region: row.region,
  currentMembers,
  totalMembers,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** The WARP row, or undefined. */
export async function findWarp(deps: Deps, id: string): Promise<WarpRow | undefined> {
  const [row] = await deps.db.select().from(warps).where(eq(warps.id, id)).limit(1);
  return row;
}

/** As findWarp, but an unknown id is a 404. */
export async function requireWarp(deps: Deps, id: string): Promise<WarpRow> {
  const row = await findWarp(deps, id);
  if (!row) throw new AppError('not_found', `There is no WARP with id "${id}".`);
  return row;
}

export interface WarpMember {
  code: string;
  name: string;
  status: AuthorityStatus;
}

/** The members of a WARP (current and former), by name; an unknown WARP simply has none. */
export async function listWarpMembers(deps: Deps, warpId: string): Promise<WarpMember[]> {
  const rows = await deps.db
    .select({ code: authorities.code, name: authorities.name, current: authorities.current })
    .from(authorities)
    .where(eq(authorities.warpId, warpId))
    .orderBy(asc(authorities.name), asc(authorities.code));
  return rows.map((r) => ({ code: r.code, name: r.name, status: statusOf(r.current) }));
}

/** WARPs by name, each with its current and total member counts (one grouped query and one count). */
export async function listWarps(deps: Deps, page: { limit: number; offset: number }) {
  const [rows, [total]] = await Promise.all([
    deps.db
      .select({
        warp: warps,
        total: sql<number>`count(${authorities.code})`.mapWith(Number),
        current: sql<number>`coalesce(sum(${authorities.current}), 0)`.mapWith(Number),
      })
      .from(warps)
      .leftJoin(authorities, eq(authorities.warpId, warps.id))
      .groupBy(warps.id)
      .orderBy(asc(warps.name), asc(warps.id))
      .limit(page.limit)
      .offset(page.offset),
    deps.db.select({ n: count() }).from(warps),
  ]);
  return {
    items: rows.map((r) => toSummary(r.warp, r.current, r.total)),
    total: total?.n ?? 0,
    limit: page.limit,
    offset: page.offset,
  };
}

/** One WARP with its members (current and former), by name. */
export async function getWarp(deps: Deps, id: string): Promise<WarpDetail> {
  const [row, members] = await Promise.all([findWarp(deps, id), listWarpMembers(deps, id)]);
  if (!row) throw new AppError('not_found', `There is no WARP with id "${id}".`);
  const current = members.filter((m) => m.status === 'current').length;
  return { ...toSummary(row, current, members.length), members };
}

/** The id a new WARP gets when none is given: a slug of its name. */
export function warpIdFromName(name: string): string {
  return slugify(name)
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');
}

export async function createWarp(
  deps: Deps,
  actor: ActorContext,
  input: { id?: string; name: string },
): Promise<WarpSummary> {
  const id = input.id ?? warpIdFromName(input.name);
  if (!warpIdPattern.test(id))
    throw new AppError(
      'validation_failed',
      'The WARP needs an id: give one, or a name with letters or digits.',
      {
        errors: [{ path: 'id', message: 'A lower-case slug of letters, digits and hyphens is needed.' }],
      },
    );
  if (await findWarp(deps, id)) throw new AppError('conflict', `There is already a WARP with id "${id}".`);
  const now = deps.clock.now();
  const row: WarpRow = { id, name: input.name, region: null, createdAt: now, updatedAt: now };
  const view = toSummary(row, 0, 0);
  try {
    await deps.db.batch([
      deps.db.insert(warps).values(row),
      auditEntry(deps.db, actor, now, {
        action: 'warp.create',
        subjectType: 'warp',
        subjectId: id,
        after: { id, name: input.name },
      }),
    ]);
  } catch (err) {
    if (isConstraintViolation(err))
      throw new AppError('conflict', `There is already a WARP with id "${id}".`);
    throw err;
  }
  return view;
}

export async function renameWarp(
  deps: Deps,
  actor: ActorContext,
  id: string,
  input: { name: string },
): Promise<WarpDetail> {
  const row = await requireWarp(deps, id);
  if (row.name !== input.name) {
    const now = deps.clock.now();
    await deps.db.batch([
      deps.db.update(warps).set({ name: input.name, updatedAt: now }).where(eq(warps.id, id)),
      auditEntry(deps.db, actor, now, {
        action: 'warp.rename',
        subjectType: 'warp',
        subjectId: id,
        before: { name: row.name },
        after: { name: input.name },
      }),
    ]);
  }
  return getWarp(deps, id);
}

/** Deletes a WARP that has no members (current or former); one with members is a 409. */
export async function deleteWarp(deps: Deps, actor: ActorContext, id: string): Promise<void> {
  const row = await requireWarp(deps, id);
  const [members] = await deps.db.select({ n: count() }).from(authorities).where(eq(authorities.warpId, id));
  const n = members?.n ?? 0;
  if (n > 0)
    throw new AppError(
      'conflict',
      `WARP "${id}" still has ${n} member${n === 1 ? '' : 's'}; move them to another WARP first.`,
      { extra: { members: n } },
    );
  const now = deps.clock.now();
  const noMembers = notExists(
    deps.db.select({ one: sql`1` }).from(authorities).where(eq(authorities.warpId, id)),
  );
  await deps.db.batch([
    // Its operators' addresses go with it (same guard: nothing is removed while it has members).
    deps.db.delete(warpOperators).where(sql`${warpOperators.warpId} = ${id} and ${noMembers}`),
    // The guard repeats the check inside the write, so a member added meanwhile is never orphaned.
    deps.db
      .delete(warps)
      .where(
        sql`${warps.id} = ${id} and ${notExists(
          deps.db.select({ one: sql`1` }).from(authorities).where(eq(authorities.warpId, id)),
        )}`,
      ),
    auditEntry(deps.db, actor, now, {
      action: 'warp.delete',
      subjectType: 'warp',
      subjectId: id,
      before: { id: row.id, name: row.name, region: row.region },
    }),
  ]);
}

/** A unique/primary-key violation from libsql or D1, however drizzle wraps it. */
export function isConstraintViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) return true;
    if (typeof message === 'string' && /UNIQUE constraint failed|PRIMARY KEY/.test(message)) return true;
  }
  return false;
}
