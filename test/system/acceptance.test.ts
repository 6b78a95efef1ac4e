// The foundation as its users meet it: the real register loaded, read with tokens of each role, and the
// service started the way `npm start` starts it.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/domain/principal.js';
import { policy } from '../../src/features/auth/policy.js';
import { importRegister } from '../../src/features/authority-register/import-register.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { repoRoot, tempDatabase } from '../support/cli.js';

const registerCsv = readFileSync(
  new URL('../../../shared/data/uk_local_authorities_current.csv', import.meta.url),
);

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
  await importRegister(t.deps, { principal: cliPrincipal }, { content: registerCsv, source: 'shared CSV' });
});
afterAll(() => t.close());

describe('the register through the API', () => {
  it('lists the 22 current Welsh councils for an admin token, and 401 problem+json without one', async () => {
    const admin = await t.tokenFor('admin');
    const res = await t.call('GET', '/api/v1/authorities?nation=Wales&status=current&limit=500', {
      token: admin,
    });
    const body = await res.json();
    expect(body.total).toBe(22);
    expect(body.items).toHaveLength(22);
    expect(
      body.items.every(
        (a: { nation: string; status: string }) => a.nation === 'Wales' && a.status === 'current',
      ),
    ).toBe(true);
    const anonymous = await t.call('GET', '/api/v1/authorities?nation=Wales&status=current');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect((await anonymous.json()).code).toBe('unauthenticated');
  });

  it('counts 397 current councils by nation as the official register does', async () => {
    const admin = await t.tokenFor('admin');
    const counts: Record<string, number> = {};
    for (const nation of ['England', 'Scotland', 'Wales', 'Northern Ireland']) {
      const res = await t.call(
        'GET',
        `/api/v1/authorities?nation=${encodeURIComponent(nation)}&status=current&limit=1`,
        {
          token: admin,
        },
      );
      counts[nation] = (await res.json()).total;
    }
    expect(counts).toEqual({ England: 332, Scotland: 32, Wales: 22, 'Northern Ireland': 11 });
    const former = await (
      await t.call('GET', '/api/v1/authorities?status=former&limit=1', { token: admin })
    ).json();
    expect(former.total).toBe(73);
  });

  it('shows successors and predecessors, so reorganisations carry contacts forward', async () => {
    const council = await t.tokenFor('council', { authority: 'CBD' });
    const cumbria = await (await t.call('GET', '/api/v1/authorities/CMA', { token: council })).json();
    expect(cumbria.status).toBe('former');
    expect(cumbria.successors.map((s: { code: string }) => s.code).sort()).toEqual(['CBD', 'WAF']);
    const cumberland = await (await t.call('GET', '/api/v1/authorities/cbd', { token: council })).json();
    expect(cumberland.predecessors.map((p: { code: string }) => p.code)).toContain('CMA');
  });

  it('lets a council token write nothing outside its own mailboxes', async () => {
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const writes = Object.entries(policy).filter(
      ([key, access]) =>
        /^(POST|PUT|PATCH|DELETE) \/api\//.test(key) && access !== 'public' && !access.includes('council'),
    );
    expect(writes.length).toBeGreaterThan(10);
    for (const [key] of writes) {
      const [method, path] = key.split(' ') as [string, string];
      const res = await t.call(method, path.replace(/:[a-z]+/gi, 'CRF'), { token: council, body: {} });
      expect(res.status, key).toBe(403);
    }
  });
});

describe('npm start on an empty database', () => {
  let child: ChildProcess | undefined;
  const db = tempDatabase();
  afterAll(() => {
    child?.kill('SIGTERM');
    db.cleanup();
  });

  it('starts, answers /readyz 200, and logs one line when the register source cannot be reached', async () => {
    child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['src/entry/node.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        DATABASE_URL: db.url,
        OUTBOX_DIR: join(db.dir, 'outbox'),
        REGISTER_SOURCE_URL: 'http://127.0.0.1:9/unreachable.csv',
        INBOUND_SMTP_PORT: '0',
        INBOUND_SMTP_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line; output:\n${output}`)), 25_000);
      child!.stdout!.setEncoding('utf8').on('data', (d: string) => {
        output += d;
        const m = /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    // The failed start-up sync logs one clear line and the service keeps running.
    for (let i = 0; i < 50 && !output.includes('register is empty'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(output.match(/register is empty/g)).toHaveLength(1);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // INBOUND_SMTP_PORT set: the bounce listener answers SMTP too.
    const port = Number(/"msg":"receiving bounces by SMTP"[^\n]*"port":(\d+)/.exec(output)?.[1]);
    expect(port).toBeGreaterThan(0);
    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.setEncoding('utf8').once('data', (line: string) => {
        socket.end('QUIT\r\n');
        resolve(line);
      });
      socket.once('error', reject);
    });
    expect(greeting).toMatch(/^220 .*bounces only/);
  });
});
