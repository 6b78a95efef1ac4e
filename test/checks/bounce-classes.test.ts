// Bounces classified by whose fault they are (RFC 3463), and forged ones: a report changes a delivery only
// when the envelope recipient its relay reports is the delivery's own signed VERP address and one of its
// recipients is the delivery's address. Reports in the formats Postfix, Exim and Microsoft 365 produce.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveries, mailboxes } from '../../src/db/schema.js';
import { verpTag } from '../../src/features/advisories/signing-key.js';
import { type BounceClass, classifyBounce, enhancedCodeIn } from '../../src/mail/bounce-class.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAdvisory, insertAuthority, insertDelivery, insertMailbox } from '../support/fixtures.js';
import { fixture, signedFixture } from './support.js';

describe('whose fault a bounce is', () => {
  const cases: Array<[string, string | null, string | null, BounceClass]> = [
    ['failed', '5.1.1', 'smtp; 550 5.1.1 User unknown', 'mailbox'],
    ['failed', '5.1.2', null, 'mailbox'],
    ['failed', '5.1.10', 'smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound', 'mailbox'],
    ['failed', '5.2.1', 'smtp; 550 5.2.1 mailbox disabled', 'mailbox'],
    ['failed', '5.4.4', null, 'mailbox'],
    ['failed', '5.2.2', 'smtp; 552 5.2.2 mailbox full', 'soft'],
    ['failed', '4.4.7', 'smtp; 451 4.4.7 expired', 'soft'],
    ['delayed', '4.4.1', 'smtp; 421 try later', 'soft'],
    ['failed', '5.1.7', null, 'ours'],
    ['failed', '5.1.8', 'smtp; 553 5.1.8 Sender address rejected: Domain not found', 'ours'],
    ['failed', '5.3.4', 'smtp; 552 5.3.4 message too big', 'ours'],
    ['failed', '5.7.1', 'smtp; 550 5.7.1 Message rejected as spam', 'ours'],
    ['failed', '5.7.26', 'smtp; 550 5.7.26 unauthenticated mail (DMARC)', 'ours'],
    ['failed', '5.7.509', 'smtp;550 5.7.509 Access denied, sending domain does not pass DMARC', 'ours'],
    // Exim reports 5.0.0 and gives the real reason in the diagnostic.
    ['failed', '5.0.0', 'smtp; 550 5.1.1 <x@y>: Recipient address rejected', 'mailbox'],
    ['failed', '5.0.0', 'smtp; 550 permanent failure', 'unknown'],
    ['failed', null, 'smtp; 450 mailbox busy', 'soft'],
    ['delivered', '2.0.0', null, 'none'],
  ];
  it.each(cases)('%s %s (%s) is %s', (action, status, diagnosticCode, expected) => {
    expect(classifyBounce({ action, status, diagnosticCode })).toBe(expected);
  });

  it('finds the enhanced code inside a diagnostic, three-digit details included', () => {
    expect(enhancedCodeIn('smtp;550 5.7.509 Access denied')).toBe('5.7.509');
    expect(enhancedCodeIn('smtp; 550 no code here')).toBeNull();
  });
});

describe('bounces through the inbound endpoint', () => {
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
  const post = (body: string, headers: Record<string, string> = {}) =>
    t.call('POST', '/api/v1/inbound/bounces', {
      token: inbound,
      body,
      headers: { 'content-type': 'message/rfc822', ...headers },
    });
  const row = async (id: string) => (await t.db.select().from(mailboxes).where(eq(mailboxes.id, id)))[0];
  const delivery = async (id: string) =>
    (await t.db.select().from(deliveries).where(eq(deliveries.id, id)))[0];

  it('ignores a forged report: an unsigned or wrongly signed VERP address changes nothing', async () => {
    const mailbox = await seed('dlvpostfix0000000001', 'cyber@cardiff.gov.uk', 'CRF');
    // Knowing the delivery id (it is in the Message-ID) is all an outsider has.
    for (const [i, envelope] of [
      'bounces+dlvpostfix0000000001@cyber-contacts.test',
      'bounces+dlvpostfix0000000001.0123456789abcdef@cyber-contacts.test',
    ].entries()) {
      const forged = fixture('postfix-bounce.eml').replace('Message-Id: <2026', `Message-Id: <${i}2026`);
      const body = await (await post(forged, { 'x-envelope-to': envelope })).json();
      expect(body.matched).toBe(false);
      expect(body.recipients[0].effect).toBe('unmatched');
    }
    expect((await delivery('dlvpostfix0000000001'))?.status).toBe('delivered');
    expect((await row(mailbox.id))?.unreachableAt).toBeNull();
    expect(t.log.lines.some((l) => l.msg === 'hard bounce: mailbox marked unreachable')).toBe(false);
  });

  it('never flips a delivered message on a report about another address', async () => {
    const mailbox = await seed('dlvpostfix0000000001', 'security@cardiff.gov.uk', 'CRF');
    // Signed for this delivery, but its recipient (cyber@) is not the delivery's address (security@).
    const body = await (await post(await signedFixture(t.deps, 'postfix-bounce.eml'))).json();
    expect(body).toMatchObject({ matched: true });
    expect(body.recipients[0].effect).toBe('unmatched');
    expect((await delivery('dlvpostfix0000000001'))?.status).toBe('delivered');
    expect((await row(mailbox.id))?.unreachableAt).toBeNull();
  });

  it('Exim (5.0.0 with the real code in the diagnostic): the mailbox is unreachable', async () => {
    const mailbox = await seed('dlvexim00000000001', 'cyber@newport.gov.uk', 'NWP');
    const body = await (await post(await signedFixture(t.deps, 'exim-bounce.eml'))).json();
    expect(body.recipients[0]).toMatchObject({ status: '5.0.0', class: 'mailbox', effect: 'unreachable' });
    expect((await row(mailbox.id))?.unreachableAt).not.toBeNull();
    expect((await delivery('dlvexim00000000001'))?.status).toBe('permanent-failure');
  });

  it('Microsoft 365 refusing our mail on DMARC is a technical failure of ours, never the council’s', async () => {
    const mailbox = await seed('dlvm365dmarc00001', 'cyber@swansea.gov.uk', 'SWA');
    const body = await (await post(await signedFixture(t.deps, 'm365-dmarc-reject.eml'))).json();
    expect(body.recipients[0]).toMatchObject({ status: '5.7.509', class: 'ours', effect: 'ours' });
    expect((await delivery('dlvm365dmarc00001'))?.status).toBe('technical-failure');
    expect(await row(mailbox.id)).toMatchObject({ unreachableAt: null, softBounces: 0 });
    expect(t.log.lines.some((l) => l.level === 'error' && /our mail was refused/.test(String(l.msg)))).toBe(
      true,
    );
    const admin = await t.tokenFor('admin');
    const metrics = await (await t.call('GET', '/metrics', { token: admin })).text();
    expect(metrics).toContain('cc_bounces{class="ours"} 1');
  });

  it('a sender-side refusal (Postfix 5.1.8) is ours too', async () => {
    const mailbox = await seed('dlvpostfixsender001', 'cyber@cardiff.gov.uk', 'CRF');
    const body = await (await post(await signedFixture(t.deps, 'postfix-sender-rejected.eml'))).json();
    expect(body.recipients[0]).toMatchObject({ status: '5.1.8', class: 'ours', effect: 'ours' });
    expect((await row(mailbox.id))?.unreachableAt).toBeNull();
  });

  it('Microsoft 365 mailbox full is a soft bounce: the delivery a temporary failure, the mailbox not blamed', async () => {
    const mailbox = await seed('dlvm365full000001', 'cyber@swansea.gov.uk', 'SWA');
    const body = await (await post(await signedFixture(t.deps, 'm365-mailbox-full.eml'))).json();
    expect(body.recipients[0]).toMatchObject({ status: '5.2.2', class: 'soft', effect: 'soft-bounce' });
    expect((await delivery('dlvm365full000001'))?.status).toBe('temporary-failure');
    expect(await row(mailbox.id)).toMatchObject({ unreachableAt: null, softBounces: 1 });
  });

  it('uses the relay’s X-Envelope-To over the headers in the message', async () => {
    const mailbox = await seed('dlvexim00000000001', 'cyber@newport.gov.uk', 'NWP');
    const tag = await verpTag(t.deps, 'dlvexim00000000001');
    // The message's own headers name nothing signed; the relay says who it was for.
    const body = await (
      await post(fixture('exim-bounce.eml'), {
        'x-envelope-to': `bounces+dlvexim00000000001.${tag}@cyber-contacts.test`,
      })
    ).json();
    expect(body).toMatchObject({ matched: true, deliveryId: 'dlvexim00000000001' });
    expect((await row(mailbox.id))?.unreachableAt).not.toBeNull();
  });
});
