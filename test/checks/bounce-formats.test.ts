// Delivery reports in the formats Postfix, Exim and Microsoft 365 really produce, one of each class, posted
// to the bounce endpoint: what each changes depends on whose fault it is (src/mail/bounce-class.ts). The
// mailbox is marked only for an address or mailbox problem; a refusal of our own mail is our technical
// failure (counted with the failed sends); a report that matches no delivery changes nothing and says so.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveries, mailboxes } from '../../src/db/schema.js';
import { type BounceClass, classifyBounce } from '../../src/mail/bounce-class.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAdvisory, insertAuthority, insertDelivery, insertMailbox } from '../support/fixtures.js';
import { fixture, signedFixture } from './support.js';

describe('whose fault, from the code and the server’s words', () => {
  const cases: Array<[string | null, string | null, BounceClass]> = [
    // Microsoft 365's 5.4.1 is "no such recipient in the tenant"; RFC 3463's 5.4.1 (no answer) is transient.
    ['5.4.1', 'smtp;550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', 'mailbox'],
    ['5.4.1', 'smtp; 550 5.4.1 No answer from host', 'soft'],
    // 5.7.1: our mail (sender, spam, reputation) unless the words are about the recipient.
    ['5.7.1', 'smtp; 550 5.7.1 Delivery not authorized, message refused: sender not authorised', 'ours'],
    [
      '5.7.1',
      'smtp; 554 5.7.1 Service unavailable; Client host [198.51.100.10] blocked using zen.spamhaus.org',
      'ours',
    ],
    ['5.7.1', 'smtp; 550 5.7.1 Unfortunately, messages from [198.51.100.10] weren’t sent.', 'ours'],
    ['5.7.1', 'smtp; 550 5.7.1 RESOLVER.RST.AuthRequired; authentication required', 'mailbox'],
    ['5.7.1', 'smtp; 550 5.7.1 <cyber@x.gov.uk>: Recipient address rejected: Access denied', 'mailbox'],
    ['5.7.1', 'smtp; 554 5.7.1 <cyber@x.gov.uk>: Relay access denied', 'unknown'],
    ['5.7.133', 'smtp; 550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup', 'mailbox'],
    ['5.7.23', 'smtp; 550 5.7.23 SPF validation failed', 'ours'],
    ['5.7.26', 'smtp; 550 5.7.26 This mail has been blocked because the sender is unauthenticated', 'ours'],
    ['5.7.27', null, 'ours'],
    ['5.1.7', null, 'ours'],
    ['5.1.8', null, 'ours'],
    ['5.3.4', 'smtp; 552 5.3.4 Message size exceeds fixed limit', 'ours'],
    ['5.2.2', 'smtp; 552 5.2.2 Mailbox full', 'soft'],
    ['5.3.1', null, 'soft'],
    ['5.4.7', 'delivery attempts expired', 'soft'],
    ['5.2.1', null, 'mailbox'],
    ['5.1.10', null, 'mailbox'],
    ['5.7.17', null, 'mailbox'],
    // A generic code: the words decide, or nobody is blamed.
    ['5.5.0', 'smtp; 550 5.5.0 Requested action not taken: mailbox unavailable', 'mailbox'],
    ['5.0.0', 'smtp; 550 Unrouteable address', 'mailbox'],
    ['5.0.0', 'smtp; 552 Mailbox quota exceeded', 'soft'],
    ['5.0.0', 'smtp; 550 Sender verify failed', 'ours'],
    ['5.0.0', 'smtp; 554 Transaction failed', 'unknown'],
    // No enhanced code at all: the SMTP reply code, then the words.
    [null, 'smtp; 550 No such user here', 'mailbox'],
    [null, 'smtp; 421 Too many connections', 'soft'],
    [null, 'smtp; 554 rejected', 'unknown'],
  ];
  it.each(cases)('%s %s is %s', (status, diagnosticCode, expected) => {
    expect(classifyBounce({ action: 'failed', status, diagnosticCode })).toBe(expected);
  });
});

describe('real delivery reports of each class, posted to the bounce endpoint', () => {
  let t: TestApp;
  let inbound: string;
  beforeEach(async () => {
    t = await makeTestApp();
    inbound = await t.tokenFor('inbound');
    for (const code of ['CRF', 'NWP', 'SWA']) await insertAuthority(t.db, { code });
  });
  afterEach(() => t.close());

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
  const post = async (body: string, headers: Record<string, string> = {}) => {
    const res = await t.call('POST', '/api/v1/inbound/bounces', {
      token: inbound,
      body,
      headers: { 'content-type': 'message/rfc822', ...headers },
    });
    expect(res.status).toBe(202);
    return res.json();
  };
  const mailbox = async (id: string) => (await t.db.select().from(mailboxes).where(eq(mailboxes.id, id)))[0];
  const delivery = async (id: string) =>
    (await t.db.select().from(deliveries).where(eq(deliveries.id, id)))[0];

  const reports: Array<{
    file: string;
    delivery: string;
    address: string;
    code: string;
    class: BounceClass;
    effect: string;
    deliveryStatus: string;
    unreachable: boolean;
    softBounces: number;
  }> = [
    // Postfix
    {
      file: 'postfix-bounce.eml',
      delivery: 'dlvpostfix0000000001',
      address: 'cyber@cardiff.gov.uk',
      code: 'CRF',
      class: 'mailbox',
      effect: 'unreachable',
      deliveryStatus: 'permanent-failure',
      unreachable: true,
      softBounces: 0,
    },
    {
      file: 'postfix-delayed.eml',
      delivery: 'dlvpostfix0000000002',
      address: 'cyber@cardiff.gov.uk',
      code: 'CRF',
      class: 'soft',
      effect: 'soft-bounce',
      deliveryStatus: 'delivered',
      unreachable: false,
      softBounces: 1,
    },
    {
      file: 'postfix-sender-rejected.eml',
      delivery: 'dlvpostfixsender001',
      address: 'cyber@cardiff.gov.uk',
      code: 'CRF',
      class: 'ours',
      effect: 'ours',
      deliveryStatus: 'technical-failure',
      unreachable: false,
      softBounces: 0,
    },
    {
      file: 'postfix-vague.eml',
      delivery: 'dlvpostfixvague0001',
      address: 'cyber@cardiff.gov.uk',
      code: 'CRF',
      class: 'unknown',
      effect: 'failed',
      deliveryStatus: 'permanent-failure',
      unreachable: false,
      softBounces: 0,
    },
    // Exim (Status 5.0.0 whatever the remote said; the code is in the diagnostic)
    {
      file: 'exim-bounce.eml',
      delivery: 'dlvexim00000000001',
      address: 'cyber@newport.gov.uk',
      code: 'NWP',
      class: 'mailbox',
      effect: 'unreachable',
      deliveryStatus: 'permanent-failure',
      unreachable: true,
      softBounces: 0,
    },
    {
      file: 'exim-mailbox-full.eml',
      delivery: 'dlveximfull0000001',
      address: 'cyber@newport.gov.uk',
      code: 'NWP',
      class: 'soft',
      effect: 'soft-bounce',
      deliveryStatus: 'temporary-failure',
      unreachable: false,
      softBounces: 1,
    },
    {
      file: 'exim-spf-reject.eml',
      delivery: 'dlveximspf00000001',
      address: 'cyber@newport.gov.uk',
      code: 'NWP',
      class: 'ours',
      effect: 'ours',
      deliveryStatus: 'technical-failure',
      unreachable: false,
      softBounces: 0,
    },
    // Microsoft 365
    {
      file: 'm365-access-denied.eml',
      delivery: 'dlvm365denied00001',
      address: 'cyber@swansea.gov.uk',
      code: 'SWA',
      class: 'mailbox',
      effect: 'unreachable',
      deliveryStatus: 'permanent-failure',
      unreachable: true,
      softBounces: 0,
    },
    {
      file: 'm365-mailbox-full.eml',
      delivery: 'dlvm365full000001',
      address: 'cyber@swansea.gov.uk',
      code: 'SWA',
      class: 'soft',
      effect: 'soft-bounce',
      deliveryStatus: 'temporary-failure',
      unreachable: false,
      softBounces: 1,
    },
    {
      file: 'm365-dmarc-reject.eml',
      delivery: 'dlvm365dmarc00001',
      address: 'cyber@swansea.gov.uk',
      code: 'SWA',
      class: 'ours',
      effect: 'ours',
      deliveryStatus: 'technical-failure',
      unreachable: false,
      softBounces: 0,
    },
  ];

  it.each(reports)('$file is $class: $effect', async (r) => {
    const box = await seed(r.delivery, r.address, r.code);
    const body = await post(await signedFixture(t.deps, r.file));
    expect(body).toMatchObject({ matched: true, deliveryId: r.delivery });
    expect(body.recipients).toHaveLength(1);
    expect(body.recipients[0]).toMatchObject({ recipient: r.address, class: r.class, effect: r.effect });
    expect((await delivery(r.delivery))?.status).toBe(r.deliveryStatus);
    const after = await mailbox(box.id);
    expect(after?.unreachableAt !== null).toBe(r.unreachable);
    expect(after?.softBounces).toBe(r.softBounces);
    if (r.unreachable) expect(body.summary).toBe('delivery failed; mailbox marked unreachable');
    else expect(body.summary).not.toMatch(/unreachable/);
  });

  it('a refusal of our mail is counted with our failed sends and alerts, and never touches the mailbox', async () => {
    const box = await seed('dlveximspf00000001', 'cyber@newport.gov.uk', 'NWP');
    const body = await post(await signedFixture(t.deps, 'exim-spf-reject.eml'));
    expect(body.summary).toBe('our mail was refused: a technical failure of ours, not the council’s');
    expect((await delivery('dlveximspf00000001'))?.lastFailure).toBe('bounce: our mail refused 5.7.23');
    expect(t.log.lines.some((l) => l.level === 'error' && /our mail was refused/.test(String(l.msg)))).toBe(
      true,
    );
    const admin = await t.tokenFor('admin');
    const metrics = await (await t.call('GET', '/metrics', { token: admin })).text();
    expect(metrics).toContain(
      'cc_mail_send_failures_total{kind="bounce: our mail refused 5.7.23",status="technical-failure"} 1',
    );
    expect(metrics).toContain('cc_bounces{class="ours"} 1');
    expect(await mailbox(box.id)).toMatchObject({ unreachableAt: null, softBounces: 0 });
  });

  it('a report that matches no delivery changes nothing and says so, in its answer and its log', async () => {
    const box = await seed('dlvpostfix0000000001', 'cyber@cardiff.gov.uk', 'CRF');
    // The unsigned address, as an outsider who knows the delivery id would send it.
    const body = await post(fixture('postfix-bounce.eml'));
    expect(body).toMatchObject({ matched: false, summary: 'no delivery matched; nothing changed' });
    expect(body.recipients[0]).toMatchObject({ class: 'mailbox', effect: 'unmatched' });
    expect((await delivery('dlvpostfix0000000001'))?.status).toBe('delivered');
    expect((await mailbox(box.id))?.unreachableAt).toBeNull();
    const said = t.log.lines.map((l) => String(l.msg));
    expect(said).toContain('bounce matched no delivery: nothing changed');
    expect(said.some((m) => /unreachable/.test(m))).toBe(false);
  });

  it('a report about another address than the delivery’s says nothing changed', async () => {
    await seed('dlvpostfix0000000001', 'security@cardiff.gov.uk', 'CRF');
    const body = await post(await signedFixture(t.deps, 'postfix-bounce.eml'));
    expect(body).toMatchObject({
      matched: true,
      summary: 'no recipient was the delivery’s address; nothing changed',
    });
  });

  it('the same report twice changes nothing the second time, and says so', async () => {
    await seed('dlvm365denied00001', 'cyber@swansea.gov.uk', 'SWA');
    const raw = await signedFixture(t.deps, 'm365-access-denied.eml');
    await post(raw);
    expect((await post(raw)).summary).toBe('seen before; nothing changed');
  });
});
