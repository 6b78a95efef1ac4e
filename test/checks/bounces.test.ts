// Bounces end to end through POST /api/v1/inbound/bounces, with real-world DSN samples (Postfix, Exchange
// Online, Gmail): a permanent failure marks the delivery permanent-failure and the mailbox unreachable, a
// delay counts a soft bounce, and only an inbound token may post.

import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import { bounces, deliveries, mailboxes } from '../../src/db/schema.js';
import { verpTag } from '../../src/features/advisories/signing-key.js';
import { parseDsn } from '../../src/mail/dsn.js';
import { allParts, parseMime } from '../../src/mail/mime-parse.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAdvisory, insertAuthority, insertDelivery, insertMailbox } from '../support/fixtures.js';
import { fixture, signedFixture } from './support.js';

describe('the DSN parser', () => {
  it('reads the per-recipient fields of a Postfix bounce', () => {
    const dsn = parseDsn(fixture('postfix-bounce.eml'));
    expect(dsn.isDsn).toBe(true);
    // The envelope recipient the delivering MTA recorded: the topmost X-Original-To.
    expect(dsn.envelopeTo).toBe('bounces+dlvpostfix0000000001@cyber-contacts.test');
    expect(dsn.reportingMta).toBe('mail.cyber-contacts.test');
    expect(dsn.recipients).toEqual([
      {
        originalRecipient: 'cyber@cardiff.gov.uk',
        finalRecipient: 'cyber@cardiff.gov.uk',
        action: 'failed',
        status: '5.1.1',
        diagnosticCode:
          'smtp; 550 5.1.1 <cyber@cardiff.gov.uk>: Recipient address rejected: User unknown in virtual mailbox table',
        remoteMta: 'mx1.cardiff.gov.uk',
      },
    ]);
    expect(dsn.returned?.messageId).toBe('<delivery.dlvpostfix0000000001@cyber-contacts.test>');
  });

  it('reads Exchange (quoted-printable, text/rfc822-headers) and Gmail (nested multiparts) reports', () => {
    const exchange = parseDsn(fixture('exchange-ndr.eml'));
    expect(exchange.recipients[0]).toMatchObject({
      action: 'failed',
      status: '5.1.10',
      finalRecipient: 'cyber@camden.gov.uk',
    });
    expect(exchange.returned).toMatchObject({
      messageId: '<delivery.dlvexchange00000001@cyber-contacts.test>',
      to: ['cyber@camden.gov.uk'],
    });
    const gmail = parseDsn(fixture('gmail-bounce.eml'));
    expect(gmail.recipients[0]).toMatchObject({
      action: 'failed',
      status: '5.1.1',
      finalRecipient: 'security.team@gmail.com',
    });
    expect(gmail.recipients[0]!.diagnosticCode).toContain(
      '550 5.1.1  https://support.google.com/mail/?p=NoSuchUser',
    );
    const delayed = parseDsn(fixture('postfix-delayed.eml'));
    expect(delayed.recipients[0]).toMatchObject({ action: 'delayed', status: '4.4.1' });
  });

  it('agrees with mailparser (Node only) on every sample', async () => {
    // mailparser 3.14 folds the message/delivery-status part into the text body (it is not an attachment).
    for (const name of [
      'postfix-bounce.eml',
      'postfix-delayed.eml',
      'exchange-ndr.eml',
      'gmail-bounce.eml',
    ]) {
      const raw = fixture(name);
      const parsed = await simpleParser(raw);
      const ours = allParts(parseMime(raw)).find((p) => p.type === 'message/delivery-status');
      const dsn = parseDsn(raw);
      expect(dsn.subject, name).toBe(parsed.subject);
      expect(dsn.messageId, name).toBe(parsed.messageId);
      for (const field of ours!.body
        .split(/\r?\n/)
        .filter((l) => /^(Action|Status|Final-Recipient):/.test(l)))
        expect(parsed.text, `${name}: ${field}`).toContain(field);
      const returned = parsed.attachments.find((a) => a.contentType === 'message/rfc822');
      if (returned)
        expect(returned.content.toString('utf8'), name).toContain(`Message-ID: ${dsn.returned!.messageId}`);
    }
  });

  it('decodes a base64 delivery-status part and survives a report cut short', () => {
    const status = Buffer.from(
      'Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; a@example.org\r\nAction: failed\r\nStatus: 5.2.2\r\n',
    ).toString('base64');
    const raw = `Subject: x\r\nContent-Type: multipart/report; boundary=b\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n${status}\r\n--b\r\nContent-Type: text/plain\r\n\r\ncut`;
    expect(parseDsn(raw).recipients).toEqual([
      expect.objectContaining({ finalRecipient: 'a@example.org', action: 'failed', status: '5.2.2' }),
    ]);
  });
});

describe('POST /api/v1/inbound/bounces', () => {
  let t: TestApp;
  let inbound: string;
  beforeEach(async () => {
    t = await makeTestApp();
    inbound = await t.tokenFor('inbound');
    await insertAuthority(t.db, { code: 'CRF' });
    await insertAuthority(t.db, { code: 'CMD' });
  });

  async function seed(deliveryId: string, address: string, code: string) {
    const mailbox = await insertMailbox(t.db, { authorityCode: code, address });
    const advisory = await insertAdvisory(t.db);
    await insertDelivery(t.db, {
      id: deliveryId,
      advisoryId: advisory.id,
      mailboxId: mailbox.id,
      authorityCode: code,
      address,
    });
    return mailbox;
  }
  const post = (body: string, token = inbound, type = 'message/rfc822') =>
    t.call('POST', '/api/v1/inbound/bounces', { token, body, headers: { 'content-type': type } });
  const mailboxRow = async (id: string) =>
    (await t.db.select().from(mailboxes).where(eq(mailboxes.id, id)))[0]!;
  const deliveryRow = async (id: string) =>
    (await t.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;

  it('marks the delivery permanent-failure and the mailbox unreachable on a hard bounce (VERP)', async () => {
    const mailbox = await seed('dlvpostfix0000000001', 'cyber@cardiff.gov.uk', 'CRF');
    const res = await post(await signedFixture(t.deps, 'postfix-bounce.eml'));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      matched: true,
      summary: 'delivery failed; mailbox marked unreachable',
      deliveryId: 'dlvpostfix0000000001',
      mailboxId: mailbox.id,
      recipients: [
        {
          recipient: 'cyber@cardiff.gov.uk',
          action: 'failed',
          status: '5.1.1',
          class: 'mailbox',
          effect: 'unreachable',
        },
      ],
    });
    const delivery = await deliveryRow('dlvpostfix0000000001');
    expect(delivery).toMatchObject({ status: 'permanent-failure', lastCode: 550 });
    expect(delivery.lastReply).toContain('User unknown');
    const row = await mailboxRow(mailbox.id);
    expect(row.unreachableAt).not.toBeNull();
    expect(row.unreachableReason).toMatch(/^bounce: 5\.1\.1 smtp; 550 5\.1\.1/);
    const admin = await t.tokenFor('admin');
    const view = await (await t.call('GET', `/api/v1/mailboxes/${mailbox.id}`, { token: admin })).json();
    expect(view.status).toBe('unreachable');
    expect(view.history.map((h: { action: string }) => h.action)).toContain('mailbox.unreachable');
    expect(t.log.lines.some((l) => l.msg === 'hard bounce: mailbox marked unreachable')).toBe(true);
  });

  it('matches an Exchange report by the envelope recipient its relay reports, never by the returned headers', async () => {
    const mailbox = await seed('dlvexchange00000001', 'cyber@camden.gov.uk', 'CMD');
    // The returned message's Message-ID names the delivery, but that is inside the report: it proves nothing.
    const unsigned = await (await post(fixture('exchange-ndr.eml'), inbound, 'text/plain')).json();
    expect(unsigned).toMatchObject({ matched: false });
    expect((await mailboxRow(mailbox.id)).unreachableAt).toBeNull();
    const tag = await verpTag(t.deps, 'dlvexchange00000001');
    const res = await t.call('POST', '/api/v1/inbound/bounces', {
      token: inbound,
      body: fixture('exchange-ndr.eml').replace('Message-ID: <8f0a', 'Message-ID: <9f0a'),
      headers: {
        'content-type': 'text/plain',
        'x-envelope-to': `bounces+dlvexchange00000001.${tag}@cyber-contacts.test`,
      },
    });
    const body = await res.json();
    expect(body).toMatchObject({ matched: true, deliveryId: 'dlvexchange00000001' });
    expect(body.recipients[0]).toMatchObject({ status: '5.1.10', class: 'mailbox', effect: 'unreachable' });
    expect((await mailboxRow(mailbox.id)).unreachableReason).toContain('RESOLVER.ADR.RecipientNotFound');
  });

  it('matches a Gmail report by its Delivered-To VERP address', async () => {
    const mailbox = await seed('dlvgmail0000000001', 'security.team@gmail.com', 'CRF');
    const body = await (await post(await signedFixture(t.deps, 'gmail-bounce.eml'))).json();
    expect(body.recipients[0].effect).toBe('unreachable');
    expect((await mailboxRow(mailbox.id)).unreachableAt).not.toBeNull();
  });

  it('counts a delay as a soft bounce and leaves the delivery alone', async () => {
    const mailbox = await seed('dlvpostfix0000000002', 'cyber@cardiff.gov.uk', 'CRF');
    const body = await (await post(await signedFixture(t.deps, 'postfix-delayed.eml'))).json();
    expect(body.recipients[0]).toMatchObject({ action: 'delayed', status: '4.4.1', effect: 'soft-bounce' });
    const row = await mailboxRow(mailbox.id);
    expect(row).toMatchObject({ softBounces: 1, unreachableAt: null });
    expect(row.lastBounceAt).not.toBeNull();
    expect((await deliveryRow('dlvpostfix0000000002')).status).toBe('delivered');
  });

  it('changes nothing when the same report arrives twice', async () => {
    const mailbox = await seed('dlvpostfix0000000002', 'cyber@cardiff.gov.uk', 'CRF');
    const signed = await signedFixture(t.deps, 'postfix-delayed.eml');
    await post(signed);
    const again = await (await post(signed)).json();
    expect(again.recipients[0].effect).toBe('duplicate');
    expect((await mailboxRow(mailbox.id)).softBounces).toBe(1);
    expect(await t.db.select().from(bounces)).toHaveLength(1);
  });

  it('records a report for an unknown delivery with matched: false and touches nothing', async () => {
    const mailbox = await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
    const res = await post(await signedFixture(t.deps, 'postfix-bounce.eml'));
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.matched).toBe(false);
    // It says it changed nothing (it does not claim the mailbox was marked unreachable).
    expect(body.recipients[0]).toMatchObject({ class: 'mailbox', effect: 'unmatched' });
    expect(body).not.toHaveProperty('deliveryId');
    expect((await mailboxRow(mailbox.id)).unreachableAt).toBeNull();
    const [stored] = await t.db.select().from(bounces);
    expect(stored).toMatchObject({
      deliveryId: null,
      mailboxId: null,
      action: 'failed',
      status: '5.1.1',
      source: 'http',
    });
  });

  it('refuses other media types, empty and oversized bodies, and a body that is not a message', async () => {
    expect((await post(fixture('postfix-bounce.eml'), inbound, 'application/json')).status).toBe(415);
    expect((await post('', inbound)).status).toBe(400);
    expect((await post('just some words\nno headers here', inbound)).status).toBe(400);
    const small = await makeTestApp({ env: { INBOUND_LIMIT_BYTES: '1000' } });
    const token = await small.tokenFor('inbound');
    const big = await small.call('POST', '/api/v1/inbound/bounces', {
      token,
      body: fixture('postfix-bounce.eml'),
      headers: { 'content-type': 'message/rfc822' },
    });
    expect(big.status).toBe(413);
    await small.close();
  });

  it('accepts only an inbound token: anonymous 401, every other role 403', async () => {
    const raw = fixture('postfix-bounce.eml');
    const anonymous = await t.app.request('/api/v1/inbound/bounces', {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'message/rfc822' },
    });
    expect(anonymous.status).toBe(401);
    for (const role of ['admin', 'warp', 'council'] as const) {
      if (role === 'warp') {
        const { insertWarp } = await import('../support/fixtures.js');
        await insertWarp(t.db, { id: 'w1' });
      }
      const token = await t.tokenFor(
        role,
        role === 'warp' ? { warp: 'w1' } : role === 'council' ? { authority: 'CRF' } : {},
      );
      expect((await post(raw, token)).status, role).toBe(403);
    }
  });

  it('gives the inbound token nothing else', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/domains/cardiff.gov.uk/checks'],
      ['POST', '/api/v1/domains/cardiff.gov.uk/checks'],
      ['GET', '/api/v1/authorities/CRF/checks'],
      ['GET', '/api/v1/mailboxes'],
    ] as const)
      expect((await t.call(method, path, { token: inbound })).status, `${method} ${path}`).toBe(403);
  });
});
