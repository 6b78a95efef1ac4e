// Counters the engine run wraps around its dependencies (not inside the engine): how long each kind of
// database statement holds the event loop (libsql runs SQL synchronously on the calling thread), and how
// the mailer is used (sends, time in flight, most sends in flight at once).
import type { Client, InStatement } from '@libsql/client';
import type { Mailer } from '../../src/ports/mailer.js';
import { now } from './timing.js';

export interface OpCounter {
  /** Calls of the client (execute or batch) whose (first) statement is of this kind. */
  calls: number;
  /** Statements prepared (libsql prepares every statement anew). */
  statements: number;
  /** Time preparing and running them held the thread (libsql runs SQL synchronously), ms. */
  syncMs: number;
  /** The CPU time within that; the rest is waiting for the disk (fsync at commit), ms. */
  cpuMs: number;
}

export interface MailerCounter {
  sends: number;
  /** Sum over sends of their time from call to outcome, ms (sends overlap, so this exceeds wall time). */
  inFlightMs: number;
  /** Time spent in the send call before it went async (validation, nodemailer's synchronous set-up), ms. */
  syncMs: number;
  maxInFlight: number;
}

/** Names a statement by what the engine uses it for. */
export function classify(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim().toLowerCase();
  if (s.startsWith("update deliveries set status = 'sending'")) return 'claim (update … returning)';
  if (
    s.includes('deliveries') &&
    s.includes("'sending'") &&
    s.startsWith('update') &&
    s.includes('delivered')
  )
    return 'outcome writes';
  if (s.startsWith('update "deliveries" set "status"')) return 'outcome writes';
  if (s.startsWith("update advisories set state = 'sent'")) return 'complete advisories';
  if (s.startsWith('update deliveries set next_attempt_at = null')) return 'expire overdue';
  if (s.includes('from "authorities"')) return 'authority names';
  if (s.startsWith('insert into deliveries')) return 'create deliveries';
  if (s === 'begin' || s.startsWith('begin ') || s === 'commit' || s === 'rollback') return 'begin/commit';
  return 'other';
}

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Times every statement at the libsql binding, where @libsql/client runs SQL synchronously on the calling
 * thread: preparing it (no statement cache: every call prepares again) and running it. Patches the
 * prototypes of the `libsql` package for this process.
 */
export async function instrumentLibsql() {
  const ops = new Map<string, OpCounter>();
  const add = (kind: string, ms: number, cpu: NodeJS.CpuUsage, statement: boolean) => {
    const c = ops.get(kind) ?? { calls: 0, statements: 0, syncMs: 0, cpuMs: 0 };
    if (statement) c.statements++;
    c.syncMs += ms;
    c.cpuMs += (cpu.user + cpu.system) / 1000;
    ops.set(kind, c);
  };
  const { default: Database } = (await import('libsql')) as unknown as {
    default: { prototype: Record<string, Fn> };
  };
  const kinds = new WeakMap<object, string>();
  let statementProto: Record<string, Fn> | null = null;
  const prepare = Database.prototype.prepare!;
  Database.prototype.prepare = function (this: unknown, ...args: unknown[]) {
    const t = now();
    const cpu = process.cpuUsage();
    const stmt = prepare.apply(this, args) as Record<string, unknown>;
    const kind = classify(String(args[0]));
    add(kind, now() - t, process.cpuUsage(cpu), true);
    kinds.set(stmt, kind);
    if (!statementProto) {
      statementProto = Object.getPrototypeOf(stmt) as Record<string, Fn>;
      for (const method of ['run', 'all', 'get']) {
        const original = statementProto[method]!;
        statementProto[method] = function (this: unknown, ...a: unknown[]) {
          const t0 = now();
          const cpu = process.cpuUsage();
          try {
            return original.apply(this, a);
          } finally {
            add(kinds.get(this as object) ?? 'other', now() - t0, process.cpuUsage(cpu), false);
          }
        };
      }
    }
    return stmt;
  };
  return {
    ops,
    reset: () => ops.clear(),
  };
}

/** Counts the client's calls (execute, batch) by kind. */
export function countClientCalls(client: Client, ops: Map<string, OpCounter>) {
  const count = (stmt: InStatement) => {
    const kind = classify(typeof stmt === 'string' ? stmt : stmt.sql);
    const c = ops.get(kind) ?? { calls: 0, statements: 0, syncMs: 0, cpuMs: 0 };
    c.calls++;
    ops.set(kind, c);
  };
  const execute = client.execute.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const batch = client.batch.bind(client) as (...args: unknown[]) => Promise<unknown>;
  Object.assign(client, {
    execute(...args: unknown[]) {
      count(args[0] as InStatement);
      return execute(...args);
    },
    batch(...args: unknown[]) {
      const stmts = args[0] as InStatement[];
      if (stmts[0]) count(stmts[0]);
      return batch(...args);
    },
  });
}

export function instrumentMailer(mailer: Mailer): { mailer: Mailer; counter: MailerCounter } {
  const counter: MailerCounter = { sends: 0, inFlightMs: 0, syncMs: 0, maxInFlight: 0 };
  let inFlight = 0;
  return {
    counter,
    mailer: {
      async close() {
        await mailer.close();
      },
      send(message) {
        counter.sends++;
        inFlight++;
        counter.maxInFlight = Math.max(counter.maxInFlight, inFlight);
        const t = now();
        const p = mailer.send(message);
        counter.syncMs += now() - t;
        return p.finally(() => {
          inFlight--;
          counter.inFlightMs += now() - t;
        });
      },
    },
  };
}
