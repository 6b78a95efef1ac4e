// State changes as named transitions, the one way any aggregate (a mailbox, an advisory, a delivery) changes
// state. A transition names the states it may start from and the state it ends in; applying it is ONE atomic
// batch: the audit entry and any dependent writes, each written only if the row is still in a `from` state,
// then the guarded UPDATE … RETURNING. When no row changed (another request got there first, or the row is
// not in a `from` state) nothing at all was written and the caller gets a 409 `conflict` problem. Mail and
// other side effects are the caller's, after `apply` returns, from the row it returned: they only ever follow
// a change that really happened.
//
// Statement order inside the batch matters: every conditional write is evaluated while the row is still in
// its `from` state (before the UPDATE), and `after` statements (e.g. spending the link that was part of the
// guard) come last, each guarded by its own WHERE clause.
import { and, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { BatchItem, Db } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';

export interface Transition<State extends string> {
  /** The audit log's name for it, e.g. `mailbox.approve`. */
  action: string;
  /** The states it may start from. */
  from: readonly State[];
  /** The state it ends in; absent when it changes other columns and the state stays as it was. */
  to?: State;
  /** What it does, for the conflict message: "approve", "retire" ("This mailbox is retired: it cannot be approved"). */
  verb: string;
  /** A mark the service keeps (e.g. that operators were told), not a change to the record: `updatedAt` stays. */
  keepUpdatedAt?: true;
}

/** A table of named transitions, checked against the aggregate's states: `transitions<MailboxState>()({...})`. */
export function transitions<State extends string>() {
  return <Table extends Record<string, Transition<State>>>(table: Table): Table => table;
}

export interface AggregateSpec<Table extends SQLiteTable, State extends string, Names extends string> {
  table: Table;
  /** The noun used in the audit log's subject type and in messages: "mailbox", "advisory", "delivery". */
  subject: string;
  id: SQLiteColumn;
  state: SQLiteColumn;
  /** Set to the time of the change on every transition, when the table has such a column. */
  updatedAt?: keyof Table['$inferInsert'];
  transitions: Record<Names, Transition<State>>;
}

export interface ApplyOptions<Table extends SQLiteTable> {
  /** Column changes besides the state: values, or SQL such as `count + 1`. */
  set?: { [K in keyof Table['$inferInsert']]?: Table['$inferInsert'][K] | SQL };
  /** A further condition on the row (e.g. "not yet stale"); part of the guard. */
  when?: SQL;
  /** What the audit entry records; `after` gets the new state added. */
  audit?: { before?: unknown; after?: unknown };
  /** Writes that belong to the change, given the guard ("the row is still as required") to make them conditional. */
  with?: (stillApplies: SQL) => BatchItem[];
  /** Writes after the UPDATE, each safe on its own (guarded by its own WHERE). */
  after?: BatchItem[];
  /** The time of the change; the clock's now by default. */
  at?: Date;
}

type Row<Table extends SQLiteTable> = Table['$inferSelect'];

/** A transition that happened: the new row, and what the `with` statements returned (in order). */
export interface Applied<R> {
  row: R;
  with: unknown[];
}

/** The statements of one transition: conditional writes, the guarded UPDATE … RETURNING, then `after`. */
export interface TransitionStatements {
  before: BatchItem[];
  update: BatchItem;
  after: BatchItem[];
}

/** The statements of one transition in batch order; its UPDATE … RETURNING sits at `parts.before.length`. */
export function inBatchOrder(parts: TransitionStatements): BatchItem[] {
  return [...parts.before, parts.update, ...parts.after];
}

export interface Aggregate<Table extends SQLiteTable, State extends string, Names extends string> {
  readonly transitions: Record<Names, Transition<State>>;
  /** Throws the conflict problem when `row` is not in a state `name` may start from (check before side effects). */
  assertCan(row: { state?: unknown } & Record<string, unknown>, name: Names): void;
  /** Whether `name` may start from this state. */
  can(state: State, name: Names): boolean;
  /** `exists (…)`: the row is in a `from` state of `name` (and `when`); for other statements of the same batch. */
  stillApplies(id: string, name: Names, when?: SQL): SQL;
  /** Applies one transition to one row: the new row, or a 409 `conflict` when nothing changed. */
  apply(
    deps: Pick<Deps, 'db' | 'clock'>,
    actor: ActorContext,
    name: Names,
    id: string,
    options?: ApplyOptions<Table>,
  ): Promise<Row<Table>>;
  /** As `apply`, but null (nothing was written) instead of the conflict problem when no row changed. */
  attempt(
    deps: Pick<Deps, 'db' | 'clock'>,
    actor: ActorContext,
    name: Names,
    id: string,
    options?: ApplyOptions<Table>,
  ): Promise<Applied<Row<Table>> | null>;
  /**
   * One guarded UPDATE of every row matching `where` that is in a `from` state of `name`, without audit
   * entries: for the fan-out engine's own bulk moves (marking finished advisories sent).
   */
  applyMany(
    db: Db,
    name: Names,
    options: { where: SQL; set?: ApplyOptions<Table>['set']; at: Date },
  ): Promise<void>;
  /** The statements of `apply`, for a caller that must put several transitions into one batch. */
  statements(
    db: Db,
    actor: ActorContext,
    name: Names,
    id: string,
    options: ApplyOptions<Table> & { at: Date },
  ): TransitionStatements;
  /** The conflict problem for `name` on a row that is (now) in `state`. */
  conflict(name: Names, state: string | undefined): AppError;
  /** The conflict problem for `name` on the row as it is now: for a caller whose batch changed nothing. */
  conflictNow(db: Db, name: Names, id: string): Promise<AppError>;
}

/** A state as words: `awaiting-approval` → `awaiting approval`. */
const words = (state: string) => state.replaceAll('-', ' ');

export function defineAggregate<Table extends SQLiteTable, State extends string, Names extends string>(
  spec: AggregateSpec<Table, State, Names>,
): Aggregate<Table, State, Names> {
  const stateKey = Object.entries(getTableColumns(spec.table)).find(([, c]) => c === spec.state)?.[0];
  if (!stateKey) throw new Error(`${spec.subject}: the state column is not a column of the table`);

  const guard = (id: string, t: Transition<State>, when?: SQL): SQL =>
    and(eq(spec.id, id), inList(spec.state, t.from), when) as SQL;

  const conflict = (name: Names, state: string | undefined): AppError => {
    const t = spec.transitions[name];
    // No row, or a row still in a `from` state that failed the `when` condition: it changed meanwhile.
    const detail =
      state === undefined || t.from.includes(state as State)
        ? `This ${spec.subject} changed while you were working on it: it cannot be ${pastParticiple(t.verb)} now.`
        : `This ${spec.subject} is ${words(state)}, so it cannot be ${pastParticiple(t.verb)} (it must be ${t.from.map(words).join(' or ')}).`;
    return new AppError('conflict', detail, { extra: { state: state ?? null, transition: t.action } });
  };

  const changes = (t: Transition<State>, set: ApplyOptions<Table>['set'], at: Date) => {
    const all: Record<string, unknown> = { ...(set ?? {}) };
    if (t.to !== undefined) all[stateKey] = t.to;
    if (spec.updatedAt && !t.keepUpdatedAt) all[spec.updatedAt as string] = at;
    return all;
  };

  const conflictNow = async (db: Db, name: Names, id: string): Promise<AppError> => {
    const [current] = await db
      .select({ state: spec.state })
      .from(spec.table as SQLiteTable)
      .where(eq(spec.id, id))
      .limit(1);
    return conflict(name, current?.state as string | undefined);
  };

  const statements: Aggregate<Table, State, Names>['statements'] = (db, actor, name, id, options) => {
    const t = spec.transitions[name];
    const condition = guard(id, t, options.when);
    const stillApplies = sql`exists (select 1 from ${spec.table} where ${condition})`;
    const after =
      t.to === undefined ? options.audit?.after : { ...(asObject(options.audit?.after) ?? {}), state: t.to };
    const audit = auditEntryIf(db, actor, options.at, stillApplies, {
      action: t.action,
      subjectType: spec.subject,
      subjectId: id,
      before: options.audit?.before ?? null,
      after: after ?? null,
    });
    const update = db
      .update(spec.table)
      .set(changes(t, options.set, options.at) as never)
      .where(condition)
      .returning();
    return {
      before: [audit, ...(options.with?.(stillApplies) ?? [])],
      update: update as unknown as BatchItem,
      after: options.after ?? [],
    };
  };

  const attempt: Aggregate<Table, State, Names>['attempt'] = async (deps, actor, name, id, options = {}) => {
    const at = options.at ?? deps.clock.now();
    const parts = statements(deps.db, actor, name, id, { ...options, at });
    const items = inBatchOrder(parts);
    const results = await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
    const updated = results[parts.before.length] as unknown as Row<Table>[];
    const row = updated[0];
    // `before` is the audit entry, then the `with` statements.
    return row ? { row, with: results.slice(1, parts.before.length) } : null;
  };

  return {
    transitions: spec.transitions,
    can: (state, name) => spec.transitions[name].from.includes(state),
    assertCan(row, name) {
      const state = row[stateKey] as State;
      if (!spec.transitions[name].from.includes(state)) throw conflict(name, state);
    },
    stillApplies: (id, name, when) =>
      sql`exists (select 1 from ${spec.table} where ${guard(id, spec.transitions[name], when)})`,
    statements,
    conflict,
    conflictNow,
    attempt,
    async applyMany(db, name, options) {
      const t = spec.transitions[name];
      await db
        .update(spec.table)
        .set(changes(t, options.set, options.at) as never)
        .where(and(inList(spec.state, t.from), options.where));
    },
    async apply(deps, actor, name, id, options = {}) {
      const applied = await attempt(deps, actor, name, id, options);
      if (applied) return applied.row;
      throw await conflictNow(deps.db, name, id);
    },
  };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** "approve" → "approved", "retire" → "retired", "cancel" → "cancelled", "send" → "sent". */
function pastParticiple(verb: string): string {
  const irregular: Record<string, string> = { send: 'sent', cancel: 'cancelled', refuse: 'refused' };
  const words = verb.split(' ');
  const head = words[0] ?? verb;
  const done = irregular[head] ?? (head.endsWith('e') ? `${head}d` : `${head}ed`);
  return [done, ...words.slice(1)].join(' ');
}

/**
 * An audit entry written only when `condition` (an `exists (…)` on the changed row) holds, in the same batch
 * as the change: a lost race leaves no entry claiming a change.
 */
export function auditEntryIf(
  db: Db,
  actor: ActorContext,
  at: Date,
  condition: SQL,
  change: { action: string; subjectType: string; subjectId: string; before?: unknown; after?: unknown },
): BatchItem {
  const p = actor.principal;
  return db.run(sql`
    insert into audit_log (at, actor, actor_role, action, subject_type, subject_id, before, after, request_id, ip)
    select ${at.getTime()}, ${p.actor}, ${p.role}, ${change.action}, ${change.subjectType}, ${change.subjectId},
      ${JSON.stringify(change.before ?? null)}, ${JSON.stringify(change.after ?? null)}, ${actor.requestId ?? null},
      ${actor.ip ?? null}
    where ${condition}`);
}

/**
 * An INSERT of one row that happens only when `condition` holds (evaluated in the same batch): for writes that
 * belong to a transition, such as the confirmation link an approval issues.
 */
export function insertRowIf<Table extends SQLiteTable>(
  db: Db,
  table: Table,
  row: Table['$inferInsert'],
  condition: SQL,
): BatchItem {
  const columns = Object.values(getTableColumns(table)) as SQLiteColumn[];
  const keys = Object.keys(getTableColumns(table));
  const present = keys
    .map((key, i) => ({ key, column: columns[i] as SQLiteColumn }))
    .filter(({ key }) => (row as Record<string, unknown>)[key] !== undefined);
  const names = sql.join(
    present.map(({ column }) => sql.identifier(column.name)),
    sql`, `,
  );
  const values = sql.join(
    present.map(({ key, column }) => {
      const value = (row as Record<string, unknown>)[key];
      return value === null ? sql`null` : sql`${column.mapToDriverValue(value)}`;
    }),
    sql`, `,
  );
  return db.run(sql`insert into ${table} (${names}) select ${values} where ${condition}`);
}
