// Bounces received by Node's own SMTP listener (INBOUND_SMTP_PORT), sent by a real SMTP client (nodemailer)
// over loopback: a delivery report to a delivery's signed VERP address is recorded as POST
// /api/v1/inbound/bounces records it; an unsigned or wrongly signed VERP address, or any other address, is
// refused at RCPT TO and changes nothing; an automatic reply is accepted and dropped; an oversized message
// is refused; and when our database fails the answer is a temporary 451, so the sender tries again. A raw
// dialogue checks what the client library hides (the EHLO answer, reply texts, SIZE, the recipient limit).
import { connect } from 'node:net';
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, bounces, deliveries, mailboxes } from '../../src/db/schema.js';
import { type InboundSmtp, startInboundSmtp } from '../../src/entry/node-inbound-smtp.js';
import { verpTag } from '../../src/features/advisories/signing-key.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAdvisory, insertAuthority, insertDelivery, insertMailbox } from '../support/fixtures.js';
import { signedFixture } from './support.js';

const DELIVERY = 'dlvpostfix0000000001';
let t: TestApp;
let listener: InboundSmtp;
let mailboxId: string;

beforeEach(async () => {
  t = await makeTestApp({ env: { INBOUND_LIMIT_BYTES: '20000' } });
  await insertAuthority(t.db, { code: 'CRF' });
  const mailbox = await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
  mailboxId = mailbox.id;
  const advisory = await insertAdvisory(t.db);
  await insertDelivery(t.db, {
    id: DELIVERY,
    advisoryId: advisory.id,
    mailboxId: mailbox.id,
    authorityCode: 'CRF',
    address: 'cyber@cardiff.gov.uk',
    status: 'delivered',
  });
  listener = await startInboundSmtp(t.deps, 0, '127.0.0.1');
});
afterEach(async () => {
  await listener.close();
  t.close();
});

/** Sends `raw` to `to` with a real SMTP client; resolves to the server's answer, or rejects with its refusal. */
async function send(to: string, raw: string) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.address.port,
    secure: false,
    ignoreTLS: true,
  });
  try {
    return await transport.sendMail({ envelope: { from: 'MAILER-DAEMON@mx1.cardiff.gov.uk', to }, raw });
  } finally {
    transport.close();
  }
}

/**
 * A raw SMTP dialogue, for what a library client hides: `say(line)` sends one command (or nothing, for the
 * greeting) and resolves to the server's whole reply, multi-line replies joined with \n.
 */
async function dialogue() {
  const socket = connect(listener.address.port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffered = '';
  let waiting: (() => void) | null = null;
  socket.on('data', (text: string) => {
    buffered += text;
    waiting?.();
  });
  const reply = async () => {
    for (;;) {
      const end = /^\d{3} .*\r\n/m.exec(buffered);
      if (end) {
        const whole = buffered.slice(0, end.index + end[0].length);
        buffered = buffered.slice(whole.length);
        return whole.trimEnd().replaceAll('\r\n', '\n');
      }
      await new Promise<void>((resolve) => {
        waiting = resolve;
      });
    }
  };
  return {
    say: (line?: string) => {
      if (line !== undefined) socket.write(`${line}\r\n`);
      return reply();
    },
    /** Sends a message body after DATA's 354 (dot-stuffed, ended by the lone dot) and resolves to the answer. */
    data: (raw: string) => {
      socket.write(`${raw.replace(/^\./gm, '..').replace(/\r?\n/g, '\r\n')}\r\n.\r\n`);
      return reply();
    },
    close: () => socket.destroy(),
  };
}

const verp = async (id = DELIVERY) => `bounces+${id}.${await verpTag(t.deps, id)}@cyber-contacts.test`;
const delivery = async () => (await t.db.select().from(deliveries).where(eq(deliveries.id, DELIVERY)))[0]!;
const mailbox = async () => (await t.db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)))[0]!;
const bounceCount = async () => (await t.db.select().from(bounces)).length;

describe('the inbound SMTP listener', () => {
  it('records a delivery report at the signed VERP address: the delivery fails and the mailbox is unreachable', async () => {
    const info = await send(await verp(), await signedFixture(t.deps, 'postfix-bounce.eml'));
    expect(info.response).toMatch(/^250 /);
    expect(await delivery()).toMatchObject({ status: 'permanent-failure', lastCode: 550 });
    expect((await mailbox()).unreachableAt).not.toBeNull();
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.actor, 'inbound:smtp'));
    expect(audit.map((a) => a.action)).toContain('mailbox.unreachable');
    // The log names the recipient, never the message (the returned advisory is inside it).
    expect(t.log.lines.find((l) => l.msg === 'bounce received')).toMatchObject({ inbound: 'smtp' });
    expect(JSON.stringify(t.log.lines)).not.toContain('This is the mail system');
  });

  it('refuses a wrongly signed VERP address and any other address at RCPT TO; nothing changes', async () => {
    const raw = await signedFixture(t.deps, 'postfix-bounce.eml');
    for (const to of [
      `bounces+${DELIVERY}.0000000000000000@cyber-contacts.test`,
      `bounces+${DELIVERY}@cyber-contacts.test`,
      'postmaster@cyber-contacts.test',
      'cyber@cardiff.gov.uk',
    ])
      await expect(send(to, raw), to).rejects.toMatchObject({ responseCode: 550 });
    expect(await bounceCount()).toBe(0);
    expect(await delivery()).toMatchObject({ status: 'delivered' });
    expect((await mailbox()).unreachableAt).toBeNull();
    // Each refusal is logged with its recipient.
    const refusals = t.log.lines.filter((l) => String(l.msg).includes('recipient refused'));
    expect(refusals.map((l) => l.recipient)).toContain('postmaster@cyber-contacts.test');
  });

  it('accepts and drops an automatic reply that is no delivery report', async () => {
    const reply = [
      'From: cyber@cardiff.gov.uk',
      `To: ${await verp()}`,
      'Subject: Automatic reply: out of office',
      'Auto-Submitted: auto-replied',
      'Message-ID: <ooo.1@cardiff.gov.uk>',
      '',
      'I am away until Monday.',
      '',
    ].join('\r\n');
    expect((await send(await verp(), reply)).response).toMatch(/^250 /);
    expect(await bounceCount()).toBe(0);
    expect(await delivery()).toMatchObject({ status: 'delivered' });
  });

  it('refuses a message larger than INBOUND_LIMIT_BYTES with 552; nothing changes', async () => {
    const big = `${await signedFixture(t.deps, 'postfix-bounce.eml')}\r\n${'x'.repeat(30_000)}\r\n`;
    await expect(send(await verp(), big)).rejects.toMatchObject({ responseCode: 552 });
    expect(await bounceCount()).toBe(0);
    expect(await delivery()).toMatchObject({ status: 'delivered' });
    expect((await mailbox()).unreachableAt).toBeNull();
  });

  it('speaks for itself at the protocol level: its name, SIZE, no AUTH or STARTTLS, 550 without a reason, 552, 452', async () => {
    const smtp = await dialogue();
    try {
      expect(await smtp.say()).toMatch(/^220 .*Council cyber contacts: bounces only/);
      const ehlo = await smtp.say('EHLO mx1.cardiff.gov.uk');
      expect(ehlo).toMatch(/^250[- ]SIZE 20000$/m);
      expect(ehlo).not.toMatch(/AUTH|STARTTLS/);
      // A declared size over the limit is refused at MAIL FROM.
      expect(await smtp.say('MAIL FROM:<MAILER-DAEMON@mx1.cardiff.gov.uk> SIZE=20001')).toMatch(/^552 /);
      expect(await smtp.say('MAIL FROM:<>')).toMatch(/^250 /);
      // Refused recipients learn nothing of why (unknown delivery, bad signature, another domain).
      for (const to of [
        'bounces+dlvunknown00000000001.0000000000000000@cyber-contacts.test',
        `bounces+${DELIVERY}.0000000000000000@cyber-contacts.test`,
        'abuse@example.org',
      ])
        expect(await smtp.say(`RCPT TO:<${to}>`), to).toBe('550 5.1.1 No such address here');
      expect(await smtp.say(`RCPT TO:<${await verp()}>`)).toMatch(/^250 /);
      // The same address again is one recipient; four other accepted ones reach the limit, a sixth is refused.
      expect(await smtp.say(`RCPT TO:<${(await verp()).toUpperCase()}>`)).toMatch(/^250 /);
      for (const id of [
        'dlvother0000000000001',
        'dlvother0000000000002',
        'dlvother0000000000003',
        'dlvother0000000000004',
      ])
        expect(await smtp.say(`RCPT TO:<${await verp(id)}>`)).toMatch(/^250 /);
      expect(await smtp.say(`RCPT TO:<${await verp('dlvother0000000000005')}>`)).toMatch(/^452 /);
      // Undeclared and over the limit: read to the end, then refused.
      expect(await smtp.say('DATA')).toMatch(/^354 /);
      const big = `${await signedFixture(t.deps, 'postfix-bounce.eml')}\r\n${'x'.repeat(30_000)}`;
      expect(await smtp.data(big)).toBe('552 5.3.4 Message too big');
      // The connection goes on: the same report within the limit is recorded.
      expect(await smtp.say('MAIL FROM:<>')).toMatch(/^250 /);
      expect(await smtp.say(`RCPT TO:<${await verp()}>`)).toMatch(/^250 /);
      expect(await smtp.say('DATA')).toMatch(/^354 /);
      expect(await smtp.data(await signedFixture(t.deps, 'postfix-bounce.eml'))).toMatch(/^250 /);
      expect(await smtp.say('QUIT')).toMatch(/^221 /);
    } finally {
      smtp.close();
    }
    expect(await bounceCount()).toBe(1);
    expect(await delivery()).toMatchObject({ status: 'permanent-failure' });
  });

  it('answers 451 when our database fails while recording, so the sender tries again', async () => {
    const raw = await signedFixture(t.deps, 'postfix-bounce.eml');
    const to = await verp(); // signed while the database works
    await t.client.execute('alter table bounces rename to bounces_away');
    try {
      await expect(send(to, raw)).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      await t.client.execute('alter table bounces_away rename to bounces');
    }
    expect(await delivery()).toMatchObject({ status: 'delivered' });
    // Tried again once the database works: recorded.
    expect((await send(to, raw)).response).toMatch(/^250 /);
    expect(await delivery()).toMatchObject({ status: 'permanent-failure' });
  });
});
