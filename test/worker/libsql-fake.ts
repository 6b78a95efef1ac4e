// A stand-in for Turso at the HTTP edge: the Hrana-over-HTTP v2 pipeline (`POST /v2/pipeline`, JSON) that
// libsql's web client speaks, served from a local libsql file through the Node client. It answers 404 on the
// v3 version probes, so the client falls back to v2 (no cursor streams). One request at a time, each batch
// run to the end before the next starts: enough for the Worker's statements and atomic batches.
import type { Client, InValue, Transaction } from '@libsql/client';

type HranaValue =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };

interface Stmt {
  sql?: string;
  sql_id?: number;
  args?: HranaValue[];
  named_args?: Array<{ name: string; value: HranaValue }>;
  want_rows?: boolean;
}

type Cond =
  | { type: 'ok' | 'error'; step: number }
  | { type: 'not'; cond: Cond }
  | { type: 'and' | 'or'; conds: Cond[] }
  | { type: 'is_autocommit' };

function fromValue(v: HranaValue): InValue {
  switch (v.type) {
    case 'null':
      return null;
    case 'integer':
      return BigInt(v.value);
    case 'float':
      return v.value;
    case 'text':
      return v.value;
    case 'blob':
      return Buffer.from(v.base64, 'base64');
  }
}

function toValue(v: unknown): HranaValue {
  if (v === null || v === undefined) return { type: 'null' };
  if (typeof v === 'bigint') return { type: 'integer', value: v.toString() };
  if (typeof v === 'number') return { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'text', value: v };
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v))
    return { type: 'blob', base64: Buffer.from(v as ArrayBuffer).toString('base64') };
  return { type: 'text', value: String(v) };
}

/** `client` must use intMode "bigint", so integers and floats keep their SQLite types. */
export function libsqlHttpFake(client: Client, options: { origin: string; authToken: string }) {
  let queue: Promise<unknown> = Promise.resolve();
  let autocommit = true;
  let tx: Transaction | null = null;
  const emptyResult = { cols: [], rows: [], affected_row_count: 0, last_insert_rowid: null };
  const seen = { pipelines: 0, statements: 0, unauthorised: 0 };
  const stored = new Map<number, string>(); // store_sql: the client sends a repeated statement's text once

  async function execute(stmt: Stmt) {
    const sql = stmt.sql ?? (stmt.sql_id === undefined ? undefined : stored.get(stmt.sql_id));
    if (sql === undefined) throw new Error('a statement without SQL');
    seen.statements++;
    const args = stmt.named_args?.length
      ? Object.fromEntries(stmt.named_args.map((a) => [a.name.replace(/^[:@$]/, ''), fromValue(a.value)]))
      : (stmt.args ?? []).map(fromValue);
    // The Node client rolls back a transaction left open between calls, so BEGIN … COMMIT runs as one of its
    // transactions, and the statements in between through it.
    const [word, mode] = sql.trim().toUpperCase().split(/\s+/);
    if (word === 'BEGIN') {
      tx = await client.transaction(mode === 'IMMEDIATE' || mode === 'EXCLUSIVE' ? 'write' : 'deferred');
      autocommit = false;
      return emptyResult;
    }
    if ((word === 'COMMIT' || word === 'END' || word === 'ROLLBACK') && tx) {
      const ending = tx;
      tx = null;
      autocommit = true;
      if (word === 'ROLLBACK') await ending.rollback();
      else await ending.commit();
      return emptyResult;
    }
    const rs = await (tx ?? client).execute({ sql, args });
    return {
      cols: rs.columns.map((name, i) => ({ name, decltype: rs.columnTypes[i] || null })),
      rows: stmt.want_rows === false ? [] : rs.rows.map((row) => rs.columns.map((_, i) => toValue(row[i]))),
      affected_row_count: rs.rowsAffected,
      last_insert_rowid: rs.lastInsertRowid === undefined ? null : rs.lastInsertRowid.toString(),
    };
  }

  async function batch(steps: Array<{ condition?: Cond | null; stmt: Stmt }>) {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    const holds = (c: Cond | null | undefined): boolean => {
      if (!c) return true;
      switch (c.type) {
        case 'ok':
          return results[c.step] != null;
        case 'error':
          return errors[c.step] != null;
        case 'not':
          return !holds(c.cond);
        case 'and':
          return c.conds.every(holds);
        case 'or':
          return c.conds.some(holds);
        case 'is_autocommit':
          return autocommit;
      }
    };
    for (const step of steps) {
      if (!holds(step.condition)) {
        results.push(null);
        errors.push(null);
        continue;
      }
      try {
        results.push(await execute(step.stmt));
        errors.push(null);
      } catch (err) {
        results.push(null);
        errors.push({ message: (err as Error).message });
      }
    }
    return { step_results: results, step_errors: errors };
  }

  async function pipeline(body: { requests: Array<Record<string, unknown>> }) {
    seen.pipelines++;
    const results = [];
    for (const r of body.requests) {
      try {
        if (r.type === 'execute')
          results.push(ok({ type: 'execute', result: await execute(r.stmt as Stmt) }));
        else if (r.type === 'batch')
          results.push(ok({ type: 'batch', result: await batch((r.batch as { steps: [] }).steps) }));
        else if (r.type === 'close') results.push(ok({ type: 'close' }));
        else if (r.type === 'store_sql') {
          stored.set(Number(r.sql_id), String(r.sql));
          results.push(ok({ type: 'store_sql' }));
        } else if (r.type === 'close_sql') {
          stored.delete(Number(r.sql_id));
          results.push(ok({ type: 'close_sql' }));
        } else if (r.type === 'get_autocommit')
          results.push(ok({ type: 'get_autocommit', is_autocommit: autocommit }));
        else if (r.type === 'sequence') {
          await client.executeMultiple(String(r.sql));
          results.push(ok({ type: 'sequence' }));
        } else results.push({ type: 'error', error: { message: `unsupported request ${String(r.type)}` } });
      } catch (err) {
        results.push({ type: 'error', error: { message: (err as Error).message, code: 'SQLITE_ERROR' } });
      }
    }
    return { baton: null, base_url: null, results };
  }
  const ok = (response: unknown) => ({ type: 'ok', response });

  /** Answers a request for `origin`, or returns undefined when it is for somewhere else. */
  async function handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.origin !== options.origin) return undefined;
    if (request.headers.get('authorization') !== `Bearer ${options.authToken}`) {
      seen.unauthorised++;
      return new Response('unauthorised', { status: 401 });
    }
    if (request.method === 'POST' && url.pathname === '/v2/pipeline') {
      const body = (await request.json()) as { requests: Array<Record<string, unknown>> };
      const answer = queue.then(() => pipeline(body));
      queue = answer.catch(() => undefined);
      return Response.json(await answer);
    }
    if (request.method === 'GET' && url.pathname === '/v2') return new Response('ok');
    return new Response('not found', { status: 404 }); // the v3 probes: the client falls back to v2
  }

  return { handle, seen };
}
