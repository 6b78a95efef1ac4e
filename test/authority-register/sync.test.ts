import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { authorities } from '../../src/db/schema.js';
import { cliPrincipal } from '../../src/domain/principal.js';
import { AppError } from '../../src/errors.js';
import { fetchSource } from '../../src/features/authority-register/import-fetch.js';
import {
  importRegisterFromUrl,
  syncRegister,
  syncRegisterIfEmpty,
} from '../../src/features/authority-register/import-sync.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  endlessBody,
  neverAnswers,
  registerCsv,
  SOURCE_URL,
  serve,
  unreachable,
  useMsw,
} from '../support/msw.js';
import { registerSnapshot, registerTable, toCsv } from './import-helpers.js';

const server = useMsw();
const actor = { principal: cliPrincipal };
const apps: TestApp[] = [];

async function app(env: Record<string, string> = {}) {
  const t = await makeTestApp({ env: { REGISTER_SOURCE_URL: SOURCE_URL, ...env } });
  apps.push(t);
  return t;
}
afterEach(() => {
  for (const t of apps.splice(0)) t.close();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(AppError);
      return e as AppError;
    },
  );

describe('syncRegister from REGISTER_SOURCE_URL', () => {
  it('loads the shared CSV served at the source URL', async () => {
    const t = await app();
    server.use(serve(SOURCE_URL, registerCsv()));
    const report = await syncRegister(t.deps, actor);
    expect(report).toMatchObject({ source: SOURCE_URL, counts: { added: 470 }, current: 397, former: 73 });
  });

  it('an unreachable source is upstream_failed with a readable reason, and changes nothing', async () => {
    const t = await app();
    server.use(serve(SOURCE_URL, toCsv(registerTable().header, registerTable().rows.slice(0, 5))));
    await syncRegister(t.deps, actor);
    const before = await registerSnapshot(t.db);
    server.use(unreachable(SOURCE_URL));
    const err = await failure(syncRegister(t.deps, actor));
    expect(err.code).toBe('upstream_failed');
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/^Could not reach https:\/\/register\.example\.test\/.+: .+\.$/);
    expect(await registerSnapshot(t.db)).toEqual(before);
  });

  it('a non-2xx answer is upstream_failed naming the status', async () => {
    const t = await app();
    server.use(
      http.get(SOURCE_URL, () => new HttpResponse('gone', { status: 404, statusText: 'Not Found' })),
    );
    const err = await failure(syncRegister(t.deps, actor));
    expect(err.code).toBe('upstream_failed');
    expect(err.message).toContain('answered 404 Not Found');
  });

  it('a source that never answers times out as upstream_failed', async () => {
    const t = await app({ FETCH_TIMEOUT_MS: '50' });
    server.use(neverAnswers(SOURCE_URL));
    const err = await failure(syncRegister(t.deps, actor));
    expect(err.code).toBe('upstream_failed');
    expect(err.message).toContain('did not answer in full within 0.05 s');
  });

  it('a response declared larger than IMPORT_LIMIT_BYTES is refused', async () => {
    const t = await app({ IMPORT_LIMIT_BYTES: '10000' });
    server.use(serve(SOURCE_URL, registerCsv()));
    const err = await failure(syncRegister(t.deps, actor));
    expect(err.code).toBe('payload_too_large');
    expect(await t.db.select().from(authorities)).toHaveLength(0);
  });

  it('a streamed body without a length stops being read as soon as it passes the limit', async () => {
    const t = await app({ IMPORT_LIMIT_BYTES: String(16 * 1024) });
    const endless = endlessBody(SOURCE_URL);
    server.use(endless.handler);
    const err = await failure(syncRegister(t.deps, actor));
    expect(err.code).toBe('payload_too_large');
    expect(endless.pulled()).toBeGreaterThan(16);
    expect(endless.pulled()).toBeLessThan(64);
    expect(await t.db.select().from(authorities)).toHaveLength(0);
  });

  it('refuses http URLs other than localhost, and URLs with credentials', async () => {
    const t = await app();
    for (const url of [
      'http://register.example.test/x.csv',
      'ftp://x.test/a.csv',
      'https://u:p@x.test/a.csv',
    ]) {
      const err = await failure(importRegisterFromUrl(t.deps, actor, url));
      expect(err.code, url).toBe('validation_failed');
    }
    server.use(serve('http://localhost:9/register.csv', registerCsv()));
    const local = await fetchSource(t.deps, 'http://localhost:9/register.csv');
    expect(local.length).toBe(registerCsv().length);
  });

  it('reports download progress in bytes', async () => {
    const t = await app();
    server.use(serve(SOURCE_URL, registerCsv()));
    const seen: Array<{ phase: string; done: number }> = [];
    await syncRegister(t.deps, actor, { onProgress: (p) => seen.push(p) });
    const downloads = seen.filter((p) => p.phase === 'downloading');
    expect(downloads.at(-1)?.done).toBe(registerCsv().length);
    expect(seen.map((p) => p.phase)).toEqual(expect.arrayContaining(['downloading', 'parsing', 'writing']));
  });
});

describe('syncRegisterIfEmpty (start-up)', () => {
  it('offline: logs exactly one warn line, does not throw, and the register stays empty', async () => {
    const t = await app();
    server.use(unreachable(SOURCE_URL));
    const result = await syncRegisterIfEmpty(t.deps);
    expect(result.status).toBe('failed');
    const warnings = t.log.lines.filter((l) => l.level === 'warn' || l.level === 'error');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 'warn',
      msg: expect.stringContaining('npm run cli -- register import <file>'),
      source: SOURCE_URL,
    });
    expect(String(warnings[0]?.msg)).toMatch(/^register is empty/);
    expect(await t.db.select().from(authorities)).toHaveLength(0);
  });

  it('loads the register when it is empty and the source answers', async () => {
    const t = await app();
    server.use(serve(SOURCE_URL, registerCsv()));
    const result = await syncRegisterIfEmpty(t.deps);
    expect(result).toMatchObject({ status: 'loaded', report: { counts: { added: 470 } } });
    expect(t.log.lines.some((l) => l.msg === 'register loaded from its source')).toBe(true);
  });

  it('does not fetch when the register already has entries, or when REGISTER_SYNC_ON_EMPTY is off', async () => {
    let requests = 0;
    server.use(
      http.get(SOURCE_URL, () => {
        requests++;
        return new HttpResponse(registerCsv());
      }),
    );
    const off = await app({ REGISTER_SYNC_ON_EMPTY: 'false' });
    expect(await syncRegisterIfEmpty(off.deps)).toEqual({ status: 'disabled' });
    const loaded = await app();
    await syncRegister(loaded.deps, actor);
    expect(requests).toBe(1);
    expect(await syncRegisterIfEmpty(loaded.deps)).toEqual({ status: 'not-empty' });
    expect(requests).toBe(1);
  });
});
