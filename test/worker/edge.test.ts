// The service on Cloudflare Workers, end to end in workerd (offline): the bundle wrangler would deploy, a
// local D1 migrated by wrangler from drizzle/, the fan-out queue, the cron triggers, and fakes of Amazon SES
// and DNS-over-HTTPS at the HTTP edge. One story, in order: import a register, register and confirm
// mailboxes by the links SES carried, release an advisory through the queue (one recipient throttled once),
// acknowledge it, then the scheduled checks, safety-net dispatch and coverage snapshot.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type Client, createClient, type InValue } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import { cronJobs } from '../../src/entry/worker.js';
import { wkdHash } from '../../src/mail/wkd.js';
import { validateCsaf } from '../csaf/validator.js';
import { gpgHome, pgpMimeParts } from '../pgp/support.js';
import { TEST_OPENPGP_FINGERPRINT } from '../support/openpgp-key.js';
import { libsqlHttpFake } from './libsql-fake.js';
import {
  applyMigrations,
  BASE_URL,
  buildWorker,
  eventually,
  insertAdminToken,
  type OutboundFakes,
  outboundFakes,
  queueSettings,
  startWorker,
  tempDir,
  type WorkerBuild,
  type WorkerUnderTest,
  wranglerConfig,
} from './support.js';

const COUNCILS = 120; // more than D1's 100 bound parameters when an advisory names them all
const code = (i: number) => `T${String(i).padStart(3, '0')}`;
const domainOf = (i: number) => `${code(i).toLowerCase()}.gov.uk`;
const mailbox = (i: number) => `cyber@${domainOf(i)}`;

function registerCsv(): string {
  const header = [
    'local-authority-code',
    'official-name',
    'nice-name',
    'gss-code',
    'nation',
    'region',
    'local-authority-type',
    'local-authority-type-name',
    'county-la',
    'start-date',
    'end-date',
    'replaced-by',
    'current-authority',
    'alt-names',
  ];
  const rows = Array.from({ length: COUNCILS }, (_, k) => {
    const i = k + 1;
    return [
      code(i),
      `Testshire ${String(i).padStart(3, '0')} District Council`,
      `Testshire ${String(i).padStart(3, '0')}`,
      `E07${String(i).padStart(6, '0')}`,
      'England',
      'South East',
      'NMD',
      'Non-metropolitan district',
      '',
      '2020-04-01',
      '',
      '',
      'True',
      '',
    ];
  });
  return `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`;
}

const pathOf = (url: string) => url.slice(BASE_URL.length);
function linkIn(text: string | undefined, kind: 'confirm' | 'ack'): string {
  const m = new RegExp(`${BASE_URL.replace(/[.]/g, '\\.')}/${kind}/[A-Za-z0-9_.-]+`).exec(text ?? '');
  if (!m) throw new Error(`no /${kind}/ link in the message`);
  return pathOf(m[0]);
}

let build: WorkerBuild;
let persist: ReturnType<typeof tempDir>;
let bundleDir: ReturnType<typeof tempDir>;
let fakes: OutboundFakes;
let worker: WorkerUnderTest;
let admin: string;
/** The advisory the end-to-end story releases (the bounce tests use its deliveries). */
const advisory: { id?: string; reference?: string } = {};

beforeAll(async () => {
  persist = tempDir('cc-d1-');
  bundleDir = tempDir('cc-bundle-');
  let migrations: string;
  [build, migrations] = await Promise.all([buildWorker(bundleDir.path), applyMigrations(persist.path)]);
  expect(migrations).toMatch(/0000_init\.sql/);
  fakes = outboundFakes();
  worker = await startWorker({
    build,
    persistDir: persist.path,
    fakes,
    bindings: {
      // Retries come quickly, and each queue invocation claims at most 2 deliveries, so the fan-out of three
      // needs the consumer to hand the rest on to a later message.
      DELIVERY_RETRY_BASE_SECONDS: '1',
      EDGE_DISPATCH_MAX_DELIVERIES: '2',
      ADMIN_NOTIFY_ADDRESSES: 'soc@ncsc.example',
    },
  });
  admin = await insertAdminToken((q, ...params) => worker.sql(q, ...params));
}, 180_000);

afterAll(async () => {
  await worker?.dispose();
  persist?.remove();
  bundleDir?.remove();
});

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

// ---------- steps both databases go through ----------

async function importRegister(w: WorkerUnderTest, token: string) {
  const res = await w.fetch('/api/v1/register/imports', {
    method: 'POST',
    token,
    headers: { 'content-type': 'text/csv' },
    body: registerCsv(),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(await res.json()).toMatchObject({ counts: { added: COUNCILS, rejected: 0 }, current: COUNCILS });
  for (const i of [1, 2, 3]) {
    const added = await w.fetch(`/api/v1/authorities/${code(i)}/domains`, {
      ...json({ domain: domainOf(i) }),
      token,
    });
    expect(added.status, await added.clone().text()).toBe(201);
  }
}

/** Registers council i's mailbox, takes the confirmation SES carried, and follows its link. */
async function registerAndConfirm(w: WorkerUnderTest, f: OutboundFakes, i: number) {
  const res = await w.fetch(
    '/api/v1/mailboxes',
    json({
      authority: code(i),
      address: mailbox(i),
      kind: 'primary',
      team: 'Cyber Security Team',
      phone: '01632 960000',
    }),
  );
  expect(res.status, await res.clone().text()).toBe(202);
  expect(await res.json()).toMatchObject({ state: 'pending' });
  const [sent] = await eventually(`the confirmation to ${mailbox(i)}`, async () => {
    const got = f.accepted(mailbox(i));
    return got.length ? got : undefined;
  });
  const confirmed = await w.fetch(linkIn(sent!.parsed.text, 'confirm'), { method: 'POST' });
  expect(confirmed.status, await confirmed.clone().text()).toBe(200);
  // The "confirmed" notice follows through the outbound queue (a queue consumer sends it).
  await eventually(`the confirmed notice to ${mailbox(i)}`, async () =>
    f.accepted(mailbox(i)).some((m) => (m.parsed.subject ?? '').startsWith('Security mailbox confirmed')),
  );
  return sent!;
}

async function createAndRelease(w: WorkerUnderTest, token: string, fields: Record<string, unknown>) {
  const created = await w.fetch('/api/v1/advisories', {
    ...json({
      title: 'Actively exploited VPN vulnerability',
      summary: 'Patch the VPN appliance today.',
      body: 'Apply the **vendor fix** to every appliance — today.',
      severity: 'high',
      tlp: 'AMBER',
      cves: ['CVE-2026-12345'],
      references: ['https://www.ncsc.gov.uk/'],
      test: false,
      ...fields,
    }),
    token,
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const advisory = (await created.json()) as { id: string; reference: string };
  const released = await w.fetch(`/api/v1/advisories/${advisory.id}/release`, { method: 'POST', token });
  expect(released.status, await released.clone().text()).toBe(200);
  return { ...advisory, released: (await released.json()) as { state: string; deliveries: number } };
}

interface Report {
  advisory: { state: string };
  summary: { byStatus: Record<string, number>; councilsAcknowledged: number };
  items: Array<{ mailbox: string; status: string; attempts: number; reply: string | null }>;
}

async function reportWhen(w: WorkerUnderTest, token: string, id: string, done: (r: Report) => boolean) {
  return eventually(
    'the advisory report',
    async () => {
      const res = await w.fetch(`/api/v1/advisories/${id}/report`, { token });
      const body = (await res.json()) as Report;
      return done(body) ? body : undefined;
    },
    30_000,
  );
}

describe('the Worker bundle', { timeout: 60_000 }, () => {
  it('builds with wrangler offline, within the Workers size limit, and wrangler.toml runs every cron the code knows', () => {
    expect(build.output).toMatch(/--dry-run: exiting now/);
    expect(build.gzipBytes).toBeLessThan(3 * 1024 * 1024); // the Free plan's limit (compressed)
    expect(build.output).not.toMatch(/WARNING/);
    expect([...wranglerConfig().triggers.crons].sort()).toEqual(Object.keys(cronJobs).sort());
  });

  it('has staging and production environments with every setting, their own D1 and queues, and a dead-letter consumer each', () => {
    const config = wranglerConfig();
    const top = Object.keys(config.vars).sort();
    for (const name of ['staging', 'production']) {
      const env = config.env?.[name];
      expect(env, name).toBeDefined();
      // Wrangler does not inherit [vars] or bindings: each environment lists every setting of its own.
      expect(Object.keys(env!.vars ?? {}), name).toEqual(expect.arrayContaining(top));
      const db = env!.d1_databases?.find((d) => d.binding === 'DB');
      expect(db?.database_id, name).not.toBe(config.d1_databases[0]!.database_id);
      const producer = env!.queues?.producers.find((p) => p.binding === 'DELIVERY_QUEUE');
      expect(producer?.queue, name).toContain(name);
      const consumer = env!.queues?.consumers.find((c) => c.queue === producer?.queue);
      expect(consumer?.dead_letter_queue, name).toBe(`${producer?.queue}-dlq`);
      expect(
        env!.queues?.consumers.map((c) => c.queue),
        name,
      ).toContain(`${producer?.queue}-dlq`);
    }
    // The top level's own dead-letter queue has its consumer too (src/entry/worker.ts: names ending -dlq).
    expect(config.queues.consumers.map((c) => c.queue)).toContain(`${config.queues.producers[0]!.queue}-dlq`);
  });

  it('answers health and readiness (D1 migrated by wrangler) and serves GOV.UK Frontend as static assets', async () => {
    expect(await (await worker.fetch('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await worker.fetch('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok' });
    const css = await worker.fetch('/assets/govuk-frontend.min.css');
    expect(css.status).toBe(200);
    expect(await css.text()).toContain('/assets/fonts/');
    const font = await worker.fetch('/assets/fonts/bold-b542beb274-v2.woff2');
    expect([200, 404]).toContain(font.status); // the exact font name is GOV.UK Frontend's business
    const page = await worker.fetch('/', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/assets/govuk-frontend.min.css');
  });
});

describe('the service on Workers, end to end', { timeout: 60_000 }, () => {
  it('imports a register as an admin (text/csv) into D1', async () => {
    await importRegister(worker, admin);
    const [row] = await worker.sql<{ n: number }>('select count(*) as n from authorities');
    expect(row!.n).toBe(COUNCILS);
  });

  it('registers mailboxes; the confirmation goes through SES, and its link confirms', async () => {
    for (const i of [1, 2, 3]) {
      const sent = await registerAndConfirm(worker, fakes, i);
      // What SES was asked to send: signed with SigV4, a raw MIME message a real parser reads.
      expect(sent.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEFAKE00000\/\d{8}\/eu-west-2\/ses\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
      );
      expect(sent.from).toBe('no-reply@cyber-contacts.test');
      expect(sent.parsed.subject).toMatch(/^Confirm the security mailbox for Testshire/);
      expect(sent.parsed.messageId).toMatch(/^<confirm\..+@cyber-contacts\.test>$/);
      expect(sent.parsed.html).toContain('/confirm/');
    }
    const list = await worker.fetch(`/api/v1/authorities/${code(2)}/mailboxes?state=confirmed`, {
      token: admin,
    });
    expect((await list.json()).items).toEqual([
      expect.objectContaining({ address: mailbox(2), kind: 'primary', state: 'confirmed' }),
    ]);
  });

  it('releases an advisory to every council (over 100 codes): the queue fans it out through SES; a throttled recipient is retried', async () => {
    const before = fakes.ses.length;
    fakes.answerNext(mailbox(2), { status: 429, type: 'TooManyRequestsException' });
    const released = await createAndRelease(worker, admin, {
      audience: { authorities: Array.from({ length: COUNCILS }, (_, k) => code(k + 1)) },
    });
    Object.assign(advisory, released);
    expect(released.released).toMatchObject({ state: 'sending', deliveries: 3 });
    const report = await reportWhen(
      worker,
      admin,
      released.id,
      (r) => r.summary.byStatus.delivered === 3 && r.advisory.state === 'sent',
    );
    const item = (i: number) => report.items.find((r) => r.mailbox === mailbox(i))!;
    expect(item(1)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(item(2)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(item(1).reply).toMatch(/^200 accepted by SES: MessageId 0100fake\d+$/);

    const calls = fakes.ses.slice(before);
    expect(calls.filter((c) => c.to[0] === mailbox(2)).map((c) => c.answered)).toEqual([429, 200]);
    expect(calls.filter((c) => c.answered === 200)).toHaveLength(3);
    const sent = fakes.accepted(mailbox(1)).at(-1)!;
    expect(sent.parsed.subject).toContain('TLP:AMBER');
    expect(sent.parsed.text).toContain('vendor fix'); // quoted-printable, em dash and all
    expect(sent.parsed.text).toContain('every appliance — today.');
    expect(sent.parsed.html).toContain('<strong>vendor fix</strong>');
    expect(sent.parsed.headers.get('x-tlp')).toBe('AMBER');
    expect(sent.parsed.messageId).toMatch(/^<delivery\.[0-9a-z]+@cyber-contacts\.test>$/);
    // The VERP address goes to SES as the feedback (bounce) address, not as a header.
    expect(sent.feedbackTo).toMatch(/^bounces\+[0-9a-z]+\.[0-9a-f]{16}@cyber-contacts\.test$/);
    expect(sent.raw).not.toMatch(/^Return-Path:/im);
    expect(sent.raw).toMatch(/^Content-Type: multipart\/alternative; boundary="=_cc_[0-9a-f]+"\r$/m);
    // Signed in the Worker (PGP/MIME), and GnuPG verifies it against the key the Worker serves by WKD.
    expect(sent.raw).toMatch(/^Content-Type: multipart\/signed; boundary="[^"]+"; micalg=pgp-sha\d+;\r$/m);
    const wkd = await worker.fetch(`/.well-known/openpgpkey/hu/${await wkdHash('no-reply')}?l=no-reply`);
    expect(wkd.status).toBe(200);
    const gpg = gpgHome();
    try {
      gpg.importKeys(new Uint8Array(await wkd.arrayBuffer()));
      const parts = pgpMimeParts(sent.raw);
      const verified = gpg.verify(parts.signedPart, parts.signature);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stderr).toContain(`Good signature`);
      expect(verified.stderr.replace(/\s/g, '')).toContain(TEST_OPENPGP_FINGERPRINT);
    } finally {
      gpg.close();
    }
  });

  it('acknowledges by the link in the message', async () => {
    const link = linkIn(fakes.accepted(mailbox(1)).at(-1)!.parsed.text, 'ack');
    const res = await worker.fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Duty+SOC',
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ acknowledgedBy: 'Duty SOC', alreadyAcknowledged: false });
    const report = await (
      await worker.fetch(`/api/v1/advisories/${advisory.id}/report`, { token: admin })
    ).json();
    expect(report.summary.councilsAcknowledged).toBe(1);
  });

  it('"is this genuine?" runs in the Worker: the delivered copy is genuine, a changed one altered, a re-addressed one not sent by us', async () => {
    const sent = fakes.accepted(mailbox(1)).at(-1)!.raw;
    const check = async (raw: string) => {
      const res = await worker.fetch('/api/v1/genuine', {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822' },
        body: raw,
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return res.json();
    };
    // No DKIM_DOMAIN here (SES would sign with its own keys): the OpenPGP signature made in the Worker decides.
    expect(await check(sent)).toMatchObject({
      verdict: 'genuine',
      checks: { openpgp: 'pass', sentToAddress: true },
    });
    expect(await check(sent.replace('every appliance', 'every applianze'))).toMatchObject({
      verdict: 'altered',
      changed: 'body',
    });
    expect(await check(sent.replace(/^To: .*$/m, `To: ${mailbox(3)}`))).toMatchObject({
      verdict: 'not-sent-by-us',
    });
    const reference = await worker.fetch('/api/v1/genuine', json({ reference: advisory.reference }));
    expect(await reference.json()).toMatchObject({ verdict: 'issued', publicUrl: null });
  });

  it('a critical advisory texts the council’s confirmed out-of-hours mobile through Notify; the text’s link acknowledges', async () => {
    await worker.sql(
      `insert into mobile_numbers (id, authority_code, number, label, state, created_by, created_at, updated_at, confirmed_at)
       values ('edgemobile01', ?, '+447700900111', 'Duty phone', 'confirmed', 'test', 0, 0, 0)`,
      code(3),
    );
    const released = await createAndRelease(worker, admin, {
      severity: 'critical',
      audience: { authorities: [code(3)] },
    });
    const [text] = await eventually('the heads-up through Notify', async () => {
      const got = fakes.notify.calls.filter((c) => c.path === '/v2/notifications/sms' && c.answered === 201);
      return got.length ? got : undefined;
    });
    expect(text!.body?.phone_number).toBe('+447700900111');
    const message = String((text!.body!.personalisation as { message: string }).message);
    expect(message).toContain(released.reference);
    expect(message).not.toContain('Actively exploited');
    const link = /(\/s\/\S+)/.exec(message)![1]!;
    const ack = await worker.fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
    expect(ack.status, await ack.clone().text()).toBe(200);
    expect(await ack.json()).toMatchObject({ authority: code(3), alreadyAcknowledged: false });
  });

  it('the 15-minute cron checks the mailbox domains over DNS-over-HTTPS', async () => {
    fakes.zone(domainOf(1), { MX: ['10 mx.t001.gov.uk.'], TXT: ['"v=spf1 mx -all"'] });
    fakes.zone('mx.t001.gov.uk', { A: ['192.0.2.10'] });
    fakes.zone(`_dmarc.${domainOf(1)}`, { TXT: ['"v=DMARC1; p=reject; rua=mailto:dmarc@t001.gov.uk"'] });
    fakes.zone(domainOf(2), { MX: ['10 mx.t001.gov.uk.'] });
    fakes.zone(domainOf(3), { MX: ['0 .'] }); // RFC 7505: takes no mail
    expect(await worker.scheduled('*/15 * * * *')).toBe('ok');
    expect(fakes.dnsQueries).toEqual(
      expect.arrayContaining([`MX ${domainOf(1)}`, `TXT _dmarc.${domainOf(1)}`]),
    );
    const rows = await worker.sql<{ domain: string; kind: string; severity: string }>(
      'select domain, kind, severity from domain_checks order by domain, kind',
    );
    expect(new Set(rows.map((r) => r.domain))).toEqual(new Set([1, 2, 3].map(domainOf)));
    expect(rows.find((r) => r.domain === domainOf(1) && r.kind === 'mx')?.severity).toBe('ok');
    expect(rows.find((r) => r.domain === domainOf(1) && r.kind === 'dmarc')?.severity).toBe('ok');
    expect(rows.find((r) => r.domain === domainOf(3) && r.kind === 'mx')?.severity).not.toBe('ok');
  });

  it('the 5-minute cron sends what a consumer that died left leased (the dispatch safety net)', async () => {
    // A consumer took mailbox 3's delivery and died: the lease ran out, and no queue message is coming.
    await worker.sql(`update advisories set state = 'sending' where id = ?`, advisory.id);
    await worker.sql(
      `update deliveries set status = 'sending', lease_owner = 'dead-consumer', lease_expires_at = 0
       where advisory_id = ? and address = ?`,
      advisory.id,
      mailbox(3),
    );
    const before = fakes.accepted(mailbox(3)).length;
    expect(await worker.scheduled('*/5 * * * *')).toBe('ok');
    expect(fakes.accepted(mailbox(3))).toHaveLength(before + 1);
    const [row] = await worker.sql<{ status: string; attempts: number; state: string }>(
      `select d.status, d.attempts, a.state from deliveries d join advisories a on a.id = d.advisory_id
       where d.advisory_id = ? and d.address = ?`,
      advisory.id,
      mailbox(3),
    );
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, state: 'sent' });
  });

  it('the 6-hourly cron takes the coverage snapshot and sweeps re-confirmations', async () => {
    expect(await worker.scheduled('17 */6 * * *')).toBe('ok');
    const [row] = await worker.sql<{ n: number }>(
      `select count(*) as n from coverage_snapshots where dimension = 'total'`,
    );
    expect(row!.n).toBe(1);
    const history = await worker.fetch('/api/v1/coverage/history');
    expect(history.status).toBe(200);
    const { days } = (await history.json()) as { days: Array<{ total: { authorities: number } }> };
    expect(days.at(-1)?.total.authorities).toBe(COUNCILS);
  });

  it('a delivery that SES rejects is a permanent failure; nothing went to the dead-letter queue', async () => {
    fakes.answerNext(mailbox(1), { status: 400, type: 'MessageRejected' });
    const { id } = await createAndRelease(worker, admin, {
      title: 'Follow-up',
      tlp: 'CLEAR',
      audience: { authorities: [code(1)] },
    });
    const report = await reportWhen(worker, admin, id, (r) => r.items[0]?.status === 'permanent-failure');
    const item = report.items[0]!;
    expect(item.reply).toMatch(/^400 MessageRejected: fake MessageRejected/);
    expect(fakes.other.filter((u) => u.includes('ses.fake'))).toEqual([]);
  });

  it('publishes a TLP:CLEAR advisory as a CSAF document, hashed and signed in the Worker', async () => {
    const released = await createAndRelease(worker, admin, {
      tlp: 'CLEAR',
      audience: { authorities: [code(1)] },
    });
    const feed = await (await worker.fetch('/.well-known/csaf/clear/feed-tlp-clear.json')).json();
    const entry = feed.feed.entry.find((e: { id: string }) => e.id === released.reference);
    const url: string = entry.content.src;
    const path = url.slice(BASE_URL.length);
    const doc = await worker.fetch(path);
    expect(doc.status).toBe(200);
    const bytes = new Uint8Array(await doc.arrayBuffer());
    const findings = await validateCsaf(JSON.parse(new TextDecoder().decode(bytes)));
    expect([...findings.errors, ...findings.warnings]).toEqual([]);
    const sha256 = await (await worker.fetch(`${path}.sha256`)).text();
    expect(sha256.split('  ')[0]).toBe(createHash('sha256').update(bytes).digest('hex'));
    const gpg = gpgHome();
    try {
      gpg.importKeys(await (await worker.fetch('/.well-known/openpgpkey/key.asc')).text());
      const verified = gpg.verify(bytes, await (await worker.fetch(`${path}.asc`)).text());
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stderr.replace(/\s/g, '')).toContain(TEST_OPENPGP_FINGERPRINT);
    } finally {
      gpg.close();
    }
  });
});

describe('updates thread on the edge, though SES replaces the Message-ID', { timeout: 60_000 }, () => {
  it('an update names, in In-Reply-To and References, the Message-ID SES gave the original; ours rides in Original-Message-ID', async () => {
    const original = fakes.accepted(mailbox(1)).find((c) => c.parsed.headers.get('x-tlp') === 'AMBER')!;
    const [row] = await worker.sql<{ id: string; delivered_message_id: string }>(
      'select id, delivered_message_id from deliveries where advisory_id = ? and address = ?',
      advisory.id,
      mailbox(1),
    );
    expect(original.parsed.headers.get('original-message-id')).toBe(
      `<delivery.${row!.id}@cyber-contacts.test>`,
    );
    expect(row!.delivered_message_id).toMatch(/^<0100fake\d{4}@eu-west-2\.amazonses\.com>$/);

    const update = await worker.fetch(`/api/v1/advisories/${advisory.id}/updates`, {
      ...json({ kind: 'update', summary: 'A second fix is out.', body: 'Apply **both** fixes.' }),
      token: admin,
    });
    expect(update.status, await update.clone().text()).toBe(201);
    const { id } = (await update.json()) as { id: string };
    const released = await worker.fetch(`/api/v1/advisories/${id}/release`, { method: 'POST', token: admin });
    expect(released.status, await released.clone().text()).toBe(200);
    const sent = await eventually('the update to mailbox 1', async () =>
      fakes.accepted(mailbox(1)).find((c) => c.parsed.text?.includes('A second fix is out.')),
    );
    expect(sent.parsed.inReplyTo).toBe(row!.delivered_message_id);
    const references = [sent.parsed.references ?? []].flat();
    expect(references).toEqual(
      expect.arrayContaining([`<delivery.${row!.id}@cyber-contacts.test>`, row!.delivered_message_id]),
    );
  });
});

describe('the dead-letter queue: a message whose consumer keeps failing is recorded and the admins told', {
  timeout: 60_000,
}, () => {
  it('parks it after the retries wrangler.toml allows, audits it, e-mails the admins; the deliveries are untouched', async () => {
    const queue = await worker.mf.getQueueProducer<{ advisoryId: string }>('DELIVERY_QUEUE');
    // The consumer fails for real: the deliveries table is briefly not there.
    await worker.sql('alter table deliveries rename to deliveries_away');
    try {
      await queue.send({ advisoryId: advisory.id! });
      await eventually(
        'the parked message recorded',
        async () =>
          (
            await worker.sql<{ n: number }>(
              `select count(*) as n from audit_log where action = 'queue.dead-letter' and subject_id = ?`,
              advisory.id,
            )
          )[0]!.n === 1,
        30_000,
      );
    } finally {
      await worker.sql('alter table deliveries_away rename to deliveries');
    }
    const [entry] = await worker.sql<{ after: string }>(
      `select after from audit_log where action = 'queue.dead-letter' and subject_id = ?`,
      advisory.id,
    );
    const after = JSON.parse(entry!.after) as { queue: string; attempts: number };
    expect(after.queue).toBe(queueSettings().consumer.dead_letter_queue);
    expect(after.attempts).toBeGreaterThanOrEqual(1);
    // Other fan-out messages in flight meanwhile (a retry of an earlier advisory) may be parked too, each
    // with an alert of its own: the one about this advisory names it.
    const alert = await eventually('the alert to the admins', async () =>
      fakes
        .accepted('soc@ncsc.example')
        .find(
          (c) =>
            c.parsed.subject?.includes('gave up on') &&
            c.parsed.text?.includes(`send advisory ${advisory.reference}`),
        ),
    );
    expect(alert.parsed.text).toMatch(/\(\d+ attempts?\)/);
  });
});

/** A delivery status notification (RFC 3464) as a receiving MTA returns it to the VERP address. */
function dsn(to: string, recipient: string, status: string) {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.t002.gov.uk>',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <bounce.${Date.now()}@mx.t002.gov.uk>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.t002.gov.uk',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    `Status: ${status}`,
    `Diagnostic-Code: smtp; 550 ${status} User unknown`,
    '--b1--',
    '',
  ].join('\r\n');
}

describe("bounces by Cloudflare Email Routing: the Worker's email() handler", { timeout: 60_000 }, () => {
  const deliveryOf = (address: string) =>
    worker.sql<{ status: string; state: string }>(
      `select d.status, m.state from deliveries d join mailboxes m on m.id = d.mailbox_id
       where d.advisory_id = ? and d.address = ?`,
      advisory.id,
      address,
    );
  const verpOf = (address: string) =>
    fakes.accepted(address).find((c) => c.parsed.headers.get('x-tlp') === 'AMBER')!.feedbackTo!;
  const bounceCount = async () =>
    (await worker.sql<{ n: number }>('select count(*) as n from bounces'))[0]!.n;

  it('refuses mail to a VERP address whose signature is wrong, and to any other address; nothing changes', async () => {
    const verp = verpOf(mailbox(2));
    const forged = verp.replace(/\.[0-9a-f]{16}@/, '.0000000000000000@');
    const before = await bounceCount();
    const refused = await worker.email(
      'MAILER-DAEMON@mx.t002.gov.uk',
      forged,
      dsn(forged, mailbox(2), '5.1.1'),
    );
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/rejected/);
    const elsewhere = 'postmaster@cyber-contacts.test';
    expect((await worker.email('x@example.org', elsewhere, dsn(elsewhere, mailbox(2), '5.1.1'))).status).toBe(
      400,
    );
    expect(await bounceCount()).toBe(before);
    expect((await deliveryOf(mailbox(2)))[0]).toMatchObject({ status: 'delivered', state: 'confirmed' });
  });

  it('drops an automatic reply that is no delivery report', async () => {
    const verp = verpOf(mailbox(2));
    const reply = [
      `From: ${mailbox(2)}`,
      `To: ${verp}`,
      'Subject: Out of office',
      'Message-ID: <ooo.1@t002.gov.uk>',
      'Auto-Submitted: auto-replied',
      '',
      'I am away until Monday.',
      '',
    ].join('\r\n');
    const before = await bounceCount();
    expect((await worker.email(mailbox(2), verp, reply)).status).toBe(200);
    expect(await bounceCount()).toBe(before);
    expect((await deliveryOf(mailbox(2)))[0]).toMatchObject({ status: 'delivered', state: 'confirmed' });
  });

  it('records a delivery report at the signed VERP address: the delivery fails and the mailbox is unreachable', async () => {
    const verp = verpOf(mailbox(2));
    const res = await worker.email('MAILER-DAEMON@mx.t002.gov.uk', verp, dsn(verp, mailbox(2), '5.1.1'));
    expect(res.status, res.text).toBe(200);
    expect((await deliveryOf(mailbox(2)))[0]).toMatchObject({
      status: 'permanent-failure',
      state: 'confirmed',
    });
    const [m] = await worker.sql<{ unreachable_at: number | null }>(
      'select unreachable_at from mailboxes where address = ?',
      mailbox(2),
    );
    expect(m!.unreachable_at).not.toBeNull();
    const [audit] = await worker.sql<{ actor: string }>(
      `select actor from audit_log where actor like 'inbound:%' order by id desc limit 1`,
    );
    expect(audit?.actor).toBe('inbound:email-routing');
  });
});

describe('the service on Workers with Turso (libsql over HTTPS) instead of D1', { timeout: 60_000 }, () => {
  const TURSO = 'https://turso.fake';
  const TOKEN = 'turso-auth-token';
  let file: ReturnType<typeof tempDir>;
  let client: Client;
  let turso: ReturnType<typeof libsqlHttpFake>;
  let tursoFakes: OutboundFakes;
  let w: WorkerUnderTest;
  let tursoAdmin: string;

  beforeAll(async () => {
    // Turso's migrations are applied from Node (the Node entry migrates at start-up): here, the same migrator.
    file = tempDir('cc-turso-');
    const url = `file:${join(file.path, 'turso.db')}`;
    const node = await openLibsqlDatabase(url);
    await migrateDatabase(node.db);
    node.close();
    client = createClient({ url, intMode: 'bigint' });
    turso = libsqlHttpFake(client, { origin: TURSO, authToken: TOKEN });
    tursoFakes = outboundFakes();
    w = await startWorker({
      build,
      fakes: tursoFakes,
      outbound: turso.handle,
      bindings: {
        DATABASE_URL: 'libsql://turso.fake',
        DATABASE_AUTH_TOKEN: TOKEN,
        DELIVERY_RETRY_BASE_SECONDS: '1',
      },
    });
    tursoAdmin = await insertAdminToken((sql, ...args) => client.execute({ sql, args: args as InValue[] }));
  }, 60_000);

  afterAll(async () => {
    await w?.dispose();
    client?.close();
    file?.remove();
  });

  it('is ready (the drizzle migrations are all there) and runs the same story: import, confirm, fan-out', async () => {
    const ready = await w.fetch('/readyz');
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/migrations applied/),
    });
    await importRegister(w, tursoAdmin);
    await registerAndConfirm(w, tursoFakes, 1);
    tursoFakes.answerNext(mailbox(1), { status: 503, type: 'ServiceUnavailable' });
    const { id } = await createAndRelease(w, tursoAdmin, { audience: { warps: ['south-east'] } });
    const report = await reportWhen(w, tursoAdmin, id, (r) => r.advisory.state === 'sent');
    expect(report.items).toEqual([
      expect.objectContaining({ mailbox: mailbox(1), status: 'delivered', attempts: 2 }),
    ]);
    expect(turso.seen.pipelines).toBeGreaterThan(10);
    expect(turso.seen.unauthorised).toBe(0);
    const rows = await client.execute('select count(*) as n from authorities');
    expect(Number(rows.rows[0]!.n)).toBe(COUNCILS);
  });
});
