// The whole fan-out through real SMTP: the real register (397 current councils), each with a confirmed
// primary mailbox (a few with a secondary too), an advisory to everyone made, released and approved over
// the API, drained by the engine through the SMTP adapter into an SMTP server that parses every message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorities } from '../../src/db/schema.js';
import { cliPrincipal } from '../../src/domain/principal.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { importRegister } from '../../src/features/authority-register/import-register.js';
import { importMailboxes } from '../../src/features/mailboxes/import-mailboxes.js';
import {
  acceptedPerRecipient,
  ackPathIn,
  createAdvisory,
  messagesTo,
  rcptPerAddress,
  releaseAndApprove,
  type SmtpTestApp,
  sharedData,
  smtpTestApp,
} from './support.js';

const BASE = 'http://cyber-contacts.test';
const SECONDARIES = ['CRF', 'BIR', 'EDH', 'ANN', 'CMD'];

let s: SmtpTestApp;
let councils: string[];
const primaries = new Map<string, string>(); // address → council
const secondaries = new Map<string, string>();

beforeAll(async () => {
  s = await smtpTestApp();
  const actor = { principal: cliPrincipal };
  const imported = await importRegister(s.t.deps, actor, {
    content: sharedData('uk_local_authorities_current.csv'),
    source: 'shared CSV',
  });
  expect(imported.current).toBe(397);
  const current = await s.t.db.query.authorities.findMany({
    where: (a, { eq }) => eq(a.current, true),
    columns: { code: true },
    orderBy: authorities.code,
  });
  councils = current.map((a) => a.code);
  const rows = ['authority,address,kind,team,phone'];
  for (const code of councils) {
    const address = `cyber@${code.toLowerCase()}.gov.uk`;
    primaries.set(address, code);
    rows.push(`${code},${address},primary,Cyber Security Team,029 2087 2000`);
  }
  for (const code of SECONDARIES) {
    const address = `soc@${code.toLowerCase()}.gov.uk`;
    secondaries.set(address, code);
    rows.push(`${code},${address},secondary,Security Operations,029 2087 2001`);
  }
  // The NCSC's own list, vouched for by an admin: confirmed at once (notices go to the in-memory mailer).
  const report = await importMailboxes(s.t.deps, actor, rows.join('\n'), {
    confirmedReason: 'NCSC contact list',
  });
  expect(report.counts, JSON.stringify(report.rows.filter((r) => r.outcome === 'rejected'))).toMatchObject({
    confirmed: 397 + SECONDARIES.length,
    rejected: 0,
  });
  s.useSmtp();
}, 120_000);

afterAll(() => s?.close());

describe('an advisory to all 397 councils through a real SMTP server', () => {
  it('reaches every confirmed mailbox exactly once, labelled, acknowledgeable, and ends sent', async () => {
    const { t, sink } = s;
    expect(councils).toHaveLength(397);
    const author = await t.tokenFor('admin');
    const second = await t.tokenFor('admin');
    const { id, reference } = await createAdvisory(t.call, author, { audience: { all: true } });
    const approved = await releaseAndApprove(t.call, id, author, second);
    const expected = [...primaries.keys(), ...secondaries.keys()];
    expect(approved).toMatchObject({ state: 'sending', deliveries: expected.length });

    const stats = await drainDeliveries(t.deps, dispatchOptions(t.deps, { concurrency: 10 }));
    expect(stats).toMatchObject({
      claimed: expected.length,
      delivered: expected.length,
      failed: 0,
      retrying: 0,
    });

    // Exactly one message and one RCPT TO per mailbox, nothing to anyone else.
    expect(sink.messages).toHaveLength(expected.length);
    const accepted = acceptedPerRecipient(sink);
    const rcpts = rcptPerAddress(sink);
    expect([...accepted.keys()].sort()).toEqual([...expected].sort());
    expect([...rcpts.keys()].sort()).toEqual([...expected].sort());
    for (const address of expected) {
      expect(accepted.get(address), address).toBe(1);
      expect(rcpts.get(address), address).toBe(1);
    }

    const rows = await t.client.execute({
      sql: 'select id, address, status from deliveries where advisory_id = ?',
      args: [id],
    });
    const deliveryOf = new Map(rows.rows.map((r) => [String(r.address), String(r.id)]));
    expect(deliveryOf.size).toBe(expected.length);

    const messageIds = new Set<string>();
    for (const m of sink.messages) {
      const [to] = m.rcptTo;
      const { parsed } = m;
      expect(m.rcptTo).toHaveLength(1);
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : null).toBe(to);
      expect(parsed.subject).toMatch(/^\[TLP:AMBER\] /);
      expect(parsed.subject).toContain(reference);
      const text = parsed.text ?? '';
      expect(text.split(/\r?\n/)[0]).toBe('TLP:AMBER');
      expect(text).toContain('END OF TLP:AMBER CONTENT');
      expect(text).toMatch(new RegExp(`${BASE.replaceAll('.', '\\.')}/ack/`));
      expect(parsed.html).toContain('TLP:AMBER');
      expect(parsed.headers.get('x-tlp')).toBe('AMBER');
      // The Message-ID and the VERP envelope sender both name this recipient's delivery.
      const deliveryId = deliveryOf.get(to!);
      expect(parsed.messageId).toMatch(/^<delivery\.[0-9a-f]{26}@cyber-contacts\.test>$/);
      expect(parsed.messageId).toBe(`<delivery.${deliveryId}@cyber-contacts.test>`);
      expect(m.mailFrom).toMatch(
        new RegExp(`^bounces\\+${deliveryId}\\.[0-9a-f]{16}@cyber-contacts\\.test$`),
      );
      messageIds.add(parsed.messageId!);
    }
    expect(messageIds.size).toBe(expected.length);

    // The report: every council delivered, each row with the server's reply.
    const report = await (await t.call('GET', `/api/v1/advisories/${id}/report`, { token: author })).json();
    expect(report.summary).toMatchObject({
      deliveries: expected.length,
      councils: 397,
      councilsDelivered: 397,
      councilsAcknowledged: 0,
    });
    expect(report.summary.byStatus.delivered).toBe(expected.length);
    expect(new Set(report.items.map((i: { authority: string }) => i.authority))).toEqual(new Set(councils));
    for (const item of report.items) {
      expect(item).toMatchObject({ status: 'delivered', attempts: 1, acknowledgedAt: null });
      expect(item.reply).toMatch(/^250 Ok: queued as \d+/);
    }

    // Cardiff follows the acknowledgement link in the message it received.
    const [cardiff] = messagesTo(sink, 'cyber@crf.gov.uk');
    const ackPath = ackPathIn(cardiff!, BASE);
    const page = await t.app.request(ackPath, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const ack = await t.app.request(ackPath, { method: 'POST' });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({
      authority: 'CRF',
      advisory: reference,
      alreadyAcknowledged: false,
    });
    const after = await (await t.call('GET', `/api/v1/advisories/${id}/report`, { token: author })).json();
    expect(after.summary.councilsAcknowledged).toBe(1);
    const acked = after.items.filter((i: { acknowledgedAt: string | null }) => i.acknowledgedAt !== null);
    expect(acked).toEqual([
      expect.objectContaining({
        authority: 'CRF',
        mailbox: 'cyber@crf.gov.uk',
        acknowledgedAt: t.clock.now().toISOString(),
      }),
    ]);

    const advisory = await (await t.call('GET', `/api/v1/advisories/${id}`, { token: author })).json();
    expect(advisory.state).toBe('sent');
    // Nothing is left to send: a second drain sends nobody anything.
    expect((await drainDeliveries(t.deps, dispatchOptions(t.deps, { concurrency: 10 }))).claimed).toBe(0);
    expect(sink.messages).toHaveLength(expected.length);
  }, 120_000); // a safety net for a loaded machine; it takes a few seconds
});
