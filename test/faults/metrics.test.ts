// GET /metrics: the Prometheus text format, the database figures (deliveries by status, queue depth,
// advisories, mailboxes, latest checks), per-route HTTP counts and latency histograms with bounded labels,
// and process memory; for admins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainChecks } from '../../src/db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  FACTORY_TIME,
  insertAdvisory,
  insertAuthority,
  insertDelivery,
  insertMailbox,
} from '../support/fixtures.js';

let t: TestApp;
let admin: string;
const NOW = new Date('2026-11-30T09:00:00Z').getTime();

beforeAll(async () => {
  // Memory comes from the runtime through deps, as the Node entry passes it.
  t = await makeTestApp({ now: '2026-11-30T09:00:00Z', deps: { memoryUsage: () => process.memoryUsage() } });
  admin = await t.tokenFor('admin');
  await insertAuthority(t.db, { code: 'MET', name: 'Metric Council' });
  const box = (
    id: string,
    state: 'confirmed' | 'pending' | 'retired',
    kind: 'primary' | 'secondary',
    extra = {},
  ) =>
    insertMailbox(t.db, {
      id,
      authorityCode: 'MET',
      address: `${id}@metric.gov.uk`,
      kind,
      team: 'Security',
      state,
      ...extra,
    });
  await box('m1', 'confirmed', 'primary');
  await box('m2', 'confirmed', 'secondary', { staleAt: FACTORY_TIME });
  await box('m3', 'pending', 'secondary');
  await box('m4', 'retired', 'primary');
  await t.db.insert(domainChecks).values([
    {
      domain: 'metric.gov.uk',
      kind: 'mx',
      severity: 'critical',
      summary: 'old',
      checkedAt: new Date(NOW - 7200_000),
    },
    {
      domain: 'metric.gov.uk',
      kind: 'mx',
      severity: 'ok',
      summary: 'latest',
      checkedAt: new Date(NOW - 3600_000),
    },
    {
      domain: 'metric.gov.uk',
      kind: 'spf',
      severity: 'warning',
      summary: 'latest',
      checkedAt: new Date(NOW),
    },
  ]);
  const sending = await insertAdvisory(t.db, { state: 'sending' });
  await insertAdvisory(t.db, { state: 'draft' });
  await insertAdvisory(t.db, { state: 'draft' });
  for (let i = 0; i < 3; i++) await insertDelivery(t.db, { advisoryId: sending.id, status: 'delivered' });
  for (let i = 0; i < 4; i++)
    await insertDelivery(t.db, { advisoryId: sending.id, status: 'created', createdAt: NOW - 1000 });
  await insertDelivery(t.db, {
    advisoryId: sending.id,
    status: 'temporary-failure',
    nextAttemptAt: NOW + 60_000,
  });
  await insertDelivery(t.db, { advisoryId: sending.id, status: 'sending', leaseExpiresAt: NOW + 60_000 });
  await insertDelivery(t.db, { advisoryId: sending.id, status: 'sending', leaseExpiresAt: NOW - 1 });
});
afterAll(() => t.close());

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text format strictly enough that a malformed line fails the test. */
function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|histogram)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+]+|\+Inf|NaN)$/.exec(line);
    expect(m, `a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!;
    samples.push({ name: m![1]!, labels, value: Number(m![3]) });
  }
  return { samples, types };
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('GET /metrics', () => {
  it('is for admins only', async () => {
    expect((await t.call('GET', '/metrics')).status).toBe(401);
    const warpless = await t.tokenFor('council', { authority: 'MET' });
    expect((await t.call('GET', '/metrics', { token: warpless })).status).toBe(403);
  });

  it('reports the database state in the Prometheus text format', async () => {
    const res = await t.call('GET', '/metrics', { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { samples, types } = parse(await res.text());
    for (const s of samples) {
      const family = s.name.replace(/_(bucket|sum|count)$/, '');
      expect(types.has(s.name) || types.get(family) === 'histogram', `TYPE for ${s.name}`).toBe(true);
    }
    expect(value(samples, 'cc_deliveries', { status: 'delivered' })).toBe(3);
    expect(value(samples, 'cc_deliveries', { status: 'created' })).toBe(4);
    expect(value(samples, 'cc_deliveries', { status: 'sending' })).toBe(2);
    expect(value(samples, 'cc_deliveries', { status: 'permanent-failure' })).toBe(0);
    // Due now: 4 new ones and the one whose lease ran out; not the retry in a minute, not the live lease.
    expect(value(samples, 'cc_delivery_queue_due')).toBe(5);
    expect(value(samples, 'cc_delivery_queue_leased')).toBe(1);
    expect(value(samples, 'cc_delivery_queue_waiting')).toBe(1);
    expect(value(samples, 'cc_advisories', { state: 'draft' })).toBe(2);
    expect(value(samples, 'cc_advisories', { state: 'sending' })).toBe(1);
    expect(value(samples, 'cc_mailboxes', { state: 'confirmed', kind: 'primary' })).toBe(1);
    expect(value(samples, 'cc_mailboxes', { state: 'retired', kind: 'primary' })).toBe(1);
    expect(value(samples, 'cc_mailbox_status', { status: 'stale' })).toBe(1);
    expect(value(samples, 'cc_mailbox_status', { status: 'unverified' })).toBe(1);
    expect(value(samples, 'cc_mailbox_status', { status: 'confirmed' })).toBe(1);
    // The latest check of each kind only: mx is ok now (the critical one is older).
    expect(value(samples, 'cc_domain_checks_latest', { kind: 'mx', severity: 'ok' })).toBe(1);
    expect(value(samples, 'cc_domain_checks_latest', { kind: 'mx', severity: 'critical' })).toBe(0);
    expect(value(samples, 'cc_domain_checks_latest', { kind: 'spf', severity: 'warning' })).toBe(1);
    expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
  });

  it('counts requests per route pattern, method and status, with a latency histogram', async () => {
    for (let i = 0; i < 3; i++) await t.call('GET', `/api/v1/authorities/NOPE${i}`, { token: admin });
    for (let i = 0; i < 25; i++) await t.call('GET', `/no-such-page-${i}`);
    await t.call('GET', '/healthz');
    const { samples } = parse(await (await t.call('GET', '/metrics', { token: admin })).text());
    const route = { route: '/api/v1/authorities/:code', method: 'GET', status: '404' };
    expect(value(samples, 'cc_http_requests_total', route)).toBe(3);
    expect(value(samples, 'cc_http_request_duration_seconds_count', route)).toBe(3);
    expect(value(samples, 'cc_http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(3);
    const buckets = samples
      .filter(
        (s) =>
          s.name === 'cc_http_request_duration_seconds_bucket' &&
          s.labels.route === route.route &&
          s.labels.status === '404',
      )
      .map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b)); // cumulative
    expect(value(samples, 'cc_http_request_duration_seconds_sum', route)).toBeGreaterThan(0);
    // Paths that match no route share one label: callers cannot grow the number of series.
    expect(value(samples, 'cc_http_requests_total', { route: '(unmatched)', status: '404' })).toBe(25);
    expect(samples.filter((s) => s.labels.route?.startsWith('/no-such-page'))).toEqual([]);
    expect(value(samples, 'cc_http_requests_total', { route: '/healthz', status: '200' })).toBe(1);
    // Refusals are counted too (the earlier 401 and 403).
    expect(value(samples, 'cc_http_requests_total', { route: '/metrics', status: '401' })).toBe(1);
  });
});
