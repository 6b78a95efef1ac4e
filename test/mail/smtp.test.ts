// The SMTP adapter against a real SMTP server (smtp-server on loopback).
import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth';
import { afterEach, describe, expect, it } from 'vitest';
import { classifySmtpError, smtpMailer } from '../../src/adapters/mailer-smtp.js';
import { composeMessage } from '../../src/mail/compose.js';
import { mimeTemplate } from '../../src/mail/mime-message.js';
import { memoryLogger } from '../../src/ports/logger.js';
import { type Mailer, NOT_BUILT, type OutgoingMessage } from '../../src/ports/mailer.js';
import confirmationTemplate from '../../templates/confirmation.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { confirmation, mailConfig } from './fixtures.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function sink(options: Parameters<typeof startSmtpSink>[0] = {}) {
  const s = await startSmtpSink(options);
  cleanup.push(() => s.close());
  return s;
}

function mailerFor(
  s: Pick<SmtpSink, 'url'>,
  env: Record<string, string> = {},
  transport: Parameters<typeof smtpMailer>[2] = {},
): Mailer {
  const m = smtpMailer(mailConfig({ SMTP_URL: s.url, ...env }), memoryLogger('silent'), transport);
  cleanup.push(() => m.close());
  return m;
}

const config = mailConfig();
function message(to: string, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    ...composeMessage(config, confirmationTemplate, confirmation, to, {
      messageId: `t-${Math.random().toString(36).slice(2)}`,
    }),
    ...overrides,
  };
}

describe('smtpMailer', () => {
  it('delivers a message with its Message-ID, text and HTML parts, headers and envelope sender', async () => {
    const s = await sink();
    const mailer = mailerFor(s);
    const m = message('security@cardiff.gov.uk', {
      envelopeFrom: 'bounces+d-1@mail.cyber-contacts.test',
      headers: { 'List-Id': 'Advisories <advisories.cyber-contacts.test>', 'X-Delivery': 'd-1' },
    });
    const result = await mailer.send(m);
    expect(result).toMatchObject({ status: 'delivered', messageId: m.messageId, code: 250 });
    expect(result.reply).toMatch(/^250 Ok: queued as 1/);

    const got = await s.waitForFirst();
    expect(got.mailFrom).toBe('bounces+d-1@mail.cyber-contacts.test');
    expect(got.rcptTo).toEqual(['security@cardiff.gov.uk']);
    expect(got.parsed.messageId).toBe(m.messageId);
    expect(got.parsed.subject).toBe('Confirm the security mailbox for Cardiff Council');
    expect(got.parsed.from?.value).toEqual([
      { name: 'Council cyber contacts', address: 'no-reply@mail.cyber-contacts.test' },
    ]);
    expect(got.parsed.replyTo?.text).toBe('support@cyber-contacts.test');
    expect(got.parsed.text).toContain(confirmation.confirmUrl);
    expect(got.parsed.html).toContain(`href="${confirmation.confirmUrl}"`);
    expect(got.parsed.headers.get('x-delivery')).toBe('d-1');
    expect(got.raw.toString()).toMatch(/^List-Id: Advisories <advisories\.cyber-contacts\.test>\r$/im);
    expect(got.raw.toString()).toMatch(/Content-Type: multipart\/alternative/);
  });

  it("uses MAIL_FROM's address as the envelope sender when none is given", async () => {
    const s = await sink();
    const result = await mailerFor(s).send(message('a@council.test'));
    expect(result.status).toBe('delivered');
    const got = await s.waitForFirst();
    expect(got.mailFrom).toBe('no-reply@mail.cyber-contacts.test');
  });

  it('a 4xx reply is a temporary failure and keeps the reply; a 5xx is permanent', async () => {
    const s = await sink({
      reply: ({ stage, address }) =>
        stage === 'rcpt' && address === 'busy@council.test'
          ? { code: 452, message: '4.2.2 Mailbox full, try later' }
          : stage === 'rcpt' && address === 'gone@council.test'
            ? { code: 550, message: '5.1.1 No such user here' }
            : undefined,
    });
    const mailer = mailerFor(s);
    const busy = await mailer.send(message('busy@council.test'));
    expect(busy).toMatchObject({ status: 'temporary-failure', code: 452 });
    expect(busy.reply).toContain('452 4.2.2 Mailbox full, try later');
    const gone = await mailer.send(message('gone@council.test'));
    expect(gone).toMatchObject({ status: 'permanent-failure', code: 550 });
    expect(gone.reply).toContain('550 5.1.1 No such user here');
    const fine = await mailer.send(message('fine@council.test'));
    expect(fine.status).toBe('delivered');
    expect(s.messages.map((x) => x.rcptTo)).toEqual([['fine@council.test']]);
  });

  it("classifies replies at the end of DATA as the message's, and a refusal at MAIL FROM as ours", async () => {
    const s = await sink({
      reply: ({ stage, rcptTo, address }) => {
        if (stage === 'mail' && address === 'blocked@mail.cyber-contacts.test')
          return { code: 553, message: 'Sender refused' };
        if (stage === 'data' && rcptTo.includes('later@council.test'))
          return { code: 451, message: 'Local error' };
        if (stage === 'data' && rcptTo.includes('spam@council.test'))
          return { code: 554, message: 'Rejected as spam' };
        return undefined;
      },
    });
    const mailer = mailerFor(s);
    await expect(mailer.send(message('later@council.test'))).resolves.toMatchObject({
      status: 'temporary-failure',
      code: 451,
      reply: expect.stringContaining('Local error'),
    });
    await expect(mailer.send(message('spam@council.test'))).resolves.toMatchObject({
      status: 'permanent-failure',
      code: 554,
      reply: expect.stringContaining('Rejected as spam'),
    });
    await expect(
      mailer.send(message('x@council.test', { envelopeFrom: 'blocked@mail.cyber-contacts.test' })),
    ).resolves.toMatchObject({ status: 'technical-failure', code: 553, command: 'MAIL FROM' });
    expect(s.messages).toHaveLength(0);
  });

  it.each([
    [501, '5.1.7 Bad sender address syntax'],
    [451, '4.3.0 Sender check temporarily unavailable'],
  ])("a %i at MAIL FROM is a technical failure of ours, not the recipient's", async (code, text) => {
    const s = await sink({ reply: ({ stage }) => (stage === 'mail' ? { code, message: text } : undefined) });
    const result = await mailerFor(s).send(message('a@council.test'));
    expect(result).toMatchObject({ status: 'technical-failure', code, command: 'MAIL FROM' });
    expect(result.reply).toContain(text);
  });

  it('a server that refuses us at the greeting is a technical failure of ours', async () => {
    const s = await sink({
      reply: ({ stage }) =>
        stage === 'connect' ? { code: 554, message: 'No SMTP service here' } : undefined,
    });
    const result = await mailerFor(s).send(message('a@council.test'));
    expect(result.status).toBe('technical-failure');
    expect(result.command).toBe('CONN');
    expect(result.reply).toMatch(/554/);
  });

  it('a closed port is a temporary failure', async () => {
    const s = await startSmtpSink();
    const url = s.url;
    await s.close();
    const result = await mailerFor({ url }).send(message('a@council.test'));
    expect(result.status).toBe('temporary-failure');
    expect(result.code).toBeUndefined();
    expect(result.reply).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
  });

  it.each(['mail', 'rcpt', 'data'] as const)(
    'a connection dropped at %s is a temporary failure',
    async (at) => {
      const s = await sink({ drop: ({ stage }) => stage === at });
      const result = await mailerFor(s).send(message('a@council.test'));
      expect(result.status).toBe('temporary-failure');
      expect(result.code).toBeUndefined();
      expect(result.reply).toMatch(/ECONNECTION|ESOCKET|closed/i);
      expect(s.events.some((e) => e.stage === at)).toBe(true);
      expect(s.messages).toHaveLength(0);
    },
  );

  it('a server that does not greet in time is a temporary failure', async () => {
    const s = await sink({ delayMs: ({ stage }) => (stage === 'connect' ? 1000 : 0) });
    const result = await mailerFor(s, {}, { transport: { greetingTimeout: 50 } }).send(
      message('a@council.test'),
    );
    expect(result.status).toBe('temporary-failure');
    expect(result.reply).toMatch(/ETIMEDOUT|greeting/i);
  });

  it('sends over at most SMTP_POOL_CONNECTIONS connections', async () => {
    const s = await sink({ delayMs: ({ stage }) => (stage === 'data' ? 20 : 0) });
    const mailer = mailerFor(s, { SMTP_POOL_CONNECTIONS: '2' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => mailer.send(message(`m${i}@council.test`))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill('delivered'));
    expect(s.messages).toHaveLength(8);
    expect(s.stats.maxOpen).toBeLessThanOrEqual(2);
    expect(new Set(s.messages.map((x) => x.parsed.messageId)).size).toBe(8);
  });

  it('authenticates with the credentials in SMTP_URL', async () => {
    const s = await sink({ auth: { user: 'relay', pass: 'p@ss/word' } });
    const good = mailerFor({ url: `smtp://relay:${encodeURIComponent('p@ss/word')}@127.0.0.1:${s.port}` });
    expect((await good.send(message('a@council.test'))).status).toBe('delivered');
    const bad = mailerFor({ url: `smtp://relay:wrong@127.0.0.1:${s.port}` });
    const refused = await bad.send(message('b@council.test'));
    expect(refused.status).toBe('technical-failure'); // our set-up, not the recipient's fault
    expect(refused.reply).toContain('535');
    expect(refused.command).toMatch(/^AUTH/);
    expect(s.messages).toHaveLength(1);
  });

  it('signs with DKIM so that the received message verifies against the published key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const s = await sink();
    const mailer = mailerFor(s, {
      DKIM_DOMAIN: 'mail.cyber-contacts.test',
      DKIM_SELECTOR: 'cc2026',
      DKIM_PRIVATE_KEY: pem.trim().replace(/\n/g, '\\n'), // given on one line, as in an env file
    });
    const m = message('security@cardiff.gov.uk', { headers: { 'List-Id': '<advisories.test>' } });
    expect((await mailer.send(m)).status).toBe('delivered');
    const got = await s.waitForFirst();
    expect(got.raw.toString()).toMatch(/^DKIM-Signature: [\s\S]*?\bd=mail\.cyber-contacts\.test;/m);

    const lookups: string[] = [];
    const resolver = async (name: string, type: string) => {
      lookups.push(`${type} ${name}`);
      if (type === 'TXT' && name === 'cc2026._domainkey.mail.cyber-contacts.test')
        return [[`v=DKIM1; k=rsa; p=${p}`]];
      throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
    };
    const verified = await dkimVerify(got.raw, { resolver });
    expect(verified.results).toHaveLength(1);
    expect(verified.results[0]).toMatchObject({
      signingDomain: 'mail.cyber-contacts.test',
      selector: 'cc2026',
      status: { result: 'pass' },
    });
    expect(lookups).toContain('TXT cc2026._domainkey.mail.cyber-contacts.test');

    // and the signature really covers the content: a changed body fails
    const tampered = Buffer.from(got.raw.toString().replace('Cardiff Council', 'Cardiff Counci1'));
    const broken = await dkimVerify(tampered, { resolver });
    expect(broken.results[0]?.status.result).toBe('fail');
  });

  it('sends a message given ready-built (one fan-out template) as it is, signed with DKIM', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const s = await sink();
    const mailer = mailerFor(s, {
      DKIM_DOMAIN: 'mail.cyber-contacts.test',
      DKIM_SELECTOR: 'cc2026',
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const raw = mimeTemplate({
      from: 'Council cyber contacts <no-reply@mail.cyber-contacts.test>',
      subject: 'TLP:AMBER NCSC-2026-0042',
      text: 'Acknowledge: ACKSLOT',
      html: '<a href="ACKSLOT">Acknowledge</a>',
      slots: ['ACKSLOT'],
    }).fill({
      to: 'cyber@cardiff.gov.uk',
      messageId: '<delivery.d1@mail.cyber-contacts.test>',
      date: new Date(),
      text: ['https://cc.test/ack/d1'],
      html: ['https://cc.test/ack/d1'],
    });
    const m = message('cyber@cardiff.gov.uk', {
      raw,
      messageId: '<delivery.d1@mail.cyber-contacts.test>',
      envelopeFrom: 'bounces+d1@mail.cyber-contacts.test',
    });
    expect((await mailer.send(m)).status).toBe('delivered');
    const got = await s.waitForFirst();
    expect(got.mailFrom).toBe('bounces+d1@mail.cyber-contacts.test');
    const received = got.raw.toString();
    // exactly the bytes given, under our DKIM-Signature (and not the fields' message)
    expect(received.slice(received.indexOf('\r\nTo: ') + 2).replace(/\r\n$/, '')).toBe(
      raw.replace(/\r\n$/, ''),
    );
    expect(got.parsed.text).toBe('Acknowledge: https://cc.test/ack/d1');
    const resolver = async (name: string, type: string) => {
      if (type === 'TXT' && name === 'cc2026._domainkey.mail.cyber-contacts.test')
        return [[`v=DKIM1; k=rsa; p=${p}`]];
      throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
    };
    const verified = await dkimVerify(got.raw, { resolver });
    expect(verified.results.map((r) => r.status.result)).toEqual(['pass']);
  });

  it('refuses a bad DKIM key at start-up', () => {
    expect(() =>
      smtpMailer(
        mailConfig({
          SMTP_URL: 'smtp://127.0.0.1:1',
          DKIM_DOMAIN: 'x.test',
          DKIM_SELECTOR: 's',
          DKIM_PRIVATE_KEY: 'nope',
        }),
        memoryLogger('silent'),
      ),
    ).toThrow();
    const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() =>
      smtpMailer(
        mailConfig({
          SMTP_URL: 'smtp://127.0.0.1:1',
          DKIM_DOMAIN: 'x.test',
          DKIM_SELECTOR: 's',
          DKIM_PRIVATE_KEY: ed25519.toString(),
        }),
        memoryLogger('silent'),
      ),
    ).toThrow(/must be an RSA key/);
  });
});

describe('header injection', () => {
  const injections: Array<[string, Partial<OutgoingMessage>]> = [
    ['subject', { subject: 'Hello\r\nBcc: evil@example.com' }],
    ['subject (LF only)', { subject: 'Hello\nBcc: evil@example.com' }],
    ['extra header value', { headers: { 'X-Ref': 'x\r\nBcc: evil@example.com' } }],
    ['extra header name', { headers: { 'X-Ref: y\r\nBcc': 'evil@example.com' } }],
    ['extra Bcc header', { headers: { bcc: 'evil@example.com' } }],
    ['extra To header', { headers: { To: 'evil@example.com' } }],
    ['to', { to: 'a@council.test\r\nBcc: evil@example.com' }],
    ['to (a second address)', { to: 'a@council.test, evil@example.com' }],
    ['from', { from: 'A <a@x.test>\r\nBcc: evil@example.com' }],
    ['reply-to', { replyTo: 'a@x.test\nBcc: evil@example.com' }],
    ['message-id', { messageId: '<a@x.test>\r\nBcc: evil@example.com' }],
    ['envelope sender', { envelopeFrom: 'b@x.test>\r\nRCPT TO:<evil@example.com' }],
  ];

  it.each(injections)('%s: refused, and nothing reaches the server', async (_name, overrides) => {
    const s = await sink();
    const mailer = mailerFor(s);
    await expect(mailer.send(message('a@council.test', overrides))).rejects.toThrow(
      /line break|control character|not a valid header name|exactly one|cannot be given as an extra header/,
    );
    expect(s.stats.connections).toBe(0);
    expect(s.events).toHaveLength(0);
    // the mailer still works, and the only message the server ever saw is the clean one
    expect((await mailer.send(message('ok@council.test'))).status).toBe('delivered');
    await s.waitFor(1);
    expect(s.messages).toHaveLength(1);
    expect(s.events.filter((e) => e.stage === 'rcpt').map((e) => e.address)).toEqual(['ok@council.test']);
    expect(s.messages[0]?.parsed.bcc).toBeUndefined();
    expect(s.messages[0]?.raw.toString()).not.toContain('evil@example.com');
  });

  it('an authority name with CR/LF ends up as plain text in the subject, with no Bcc', async () => {
    const s = await sink();
    const m = composeMessage(
      config,
      confirmationTemplate,
      { ...confirmation, authorityName: 'Evil\r\nBcc: evil@example.com' },
      'a@council.test',
    );
    expect((await mailerFor(s).send(m)).status).toBe('delivered');
    const got = await s.waitForFirst();
    expect(got.rcptTo).toEqual(['a@council.test']);
    expect(got.parsed.bcc).toBeUndefined();
    expect(got.parsed.headers.has('bcc')).toBe(false);
    expect(got.parsed.subject).toBe('Confirm the security mailbox for Evil Bcc: evil@example.com');
  });
});

describe('classifySmtpError', () => {
  const make = (props: Record<string, unknown>) =>
    Object.assign(new Error(String(props.message ?? 'x')), props);

  it('maps codes and faults to statuses, keeping the reply', () => {
    expect(
      classifySmtpError(
        make({ code: 'EENVELOPE', responseCode: 421, response: '421 busy', command: 'RCPT TO' }),
      ),
    ).toEqual({
      status: 'temporary-failure',
      code: 421,
      reply: '421 busy',
      command: 'RCPT TO',
      failure: 'SMTP RCPT TO 421',
    });
    expect(
      classifySmtpError(
        make({ code: 'EENVELOPE', responseCode: 550, response: '550 no', command: 'RCPT TO' }),
      ),
    ).toMatchObject({ status: 'permanent-failure', command: 'RCPT TO' });
    // about our sending, whatever the code
    for (const command of ['CONN', 'EHLO', 'HELO', 'STARTTLS', 'AUTH PLAIN', 'MAIL FROM'])
      for (const responseCode of [421, 530, 550, 554])
        expect(
          classifySmtpError(
            make({ code: 'EPROTOCOL', responseCode, response: `${responseCode} no`, command }),
          ),
        ).toMatchObject({ status: 'technical-failure', command });
    expect(
      classifySmtpError(make({ code: 'EENVELOPE', message: 'Invalid sender "x"', command: 'API' })).status,
    ).toBe('technical-failure');
    // Postfix refuses a sender at RCPT TO (smtpd_delay_reject); a relay that will not relay for us likewise
    for (const response of [
      '554 5.7.1 <bounces+abc@mail.example>: Sender address rejected: not authorised',
      '554 5.7.1 <cyber@council.gov.uk>: Relay access denied',
      '550 relay not permitted',
    ])
      expect(
        classifySmtpError(
          make({
            code: 'EENVELOPE',
            responseCode: Number(response.slice(0, 3)),
            response,
            command: 'RCPT TO',
          }),
        ),
      ).toMatchObject({ status: 'technical-failure', command: 'RCPT TO' });
    // …but the same words quoted from a recipient's own server are about that recipient
    const quoted =
      '450 4.1.1 <cyber@council.gov.uk>: Recipient address rejected: unverified address: host mx.council.gov.uk[192.0.2.1] said: 550 5.7.1 Sender address rejected (in reply to RCPT TO command)';
    expect(
      classifySmtpError(make({ code: 'EENVELOPE', responseCode: 450, response: quoted, command: 'RCPT TO' }))
        .status,
    ).toBe('temporary-failure');
    expect(
      classifySmtpError(make({ code: 'EMESSAGE', responseCode: 552, response: '552 too big' })).status,
    ).toBe('permanent-failure');
    expect(
      classifySmtpError(make({ code: 'EPROTOCOL', responseCode: 503, response: '503 bad sequence' })).status,
    ).toBe('temporary-failure');
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED']) {
      expect(classifySmtpError(make({ code, message: 'gone' }))).toEqual({
        status: 'temporary-failure',
        reply: `${code}: gone`,
        failure: `SMTP connection ${code}`,
      });
    }
    expect(classifySmtpError(make({ code: 'ESOCKET', originalCode: 'ECONNRESET' })).status).toBe(
      'temporary-failure',
    );
    expect(
      classifySmtpError(make({ code: 'EENVELOPE', message: 'No recipients defined', command: 'API' })),
    ).toMatchObject({ status: 'technical-failure', command: NOT_BUILT });
    expect(
      classifySmtpError(make({ code: 'EAUTH', responseCode: 535, response: '535 bad creds' })),
    ).toMatchObject({
      status: 'technical-failure',
      reply: '535 bad creds',
    });
    expect(classifySmtpError(new TypeError('cannot build'))).toMatchObject({
      status: 'technical-failure',
      command: NOT_BUILT,
    });
  });
});
