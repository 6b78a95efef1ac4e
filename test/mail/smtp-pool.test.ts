// The SMTP connection pool behind the SMTP adapter, against a real SMTP server (smtp-server): it reuses
// connections, keeps one after a refused message, renews them after maxMessages, and sends a message
// once more only when a reused connection had died before a byte of it was sent.
import { afterEach, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../src/adapters/mailer-smtp.js';
import { composeMessage } from '../../src/mail/compose.js';
import { memoryLogger } from '../../src/ports/logger.js';
import type { Mailer, OutgoingMessage } from '../../src/ports/mailer.js';
import confirmationTemplate from '../../templates/confirmation.js';
import { type SmtpSinkOptions, startSmtpSink } from '../support/smtp-sink.js';
import { confirmation, mailConfig } from './fixtures.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setUp(options: SmtpSinkOptions = {}, transport: Record<string, unknown> = {}) {
  const sink = await startSmtpSink(options);
  cleanup.push(() => sink.close());
  const mailer = smtpMailer(
    mailConfig({ SMTP_URL: sink.url, SMTP_POOL_CONNECTIONS: '1' }),
    memoryLogger('silent'),
    {
      transport,
    },
  );
  cleanup.push(() => mailer.close());
  return { sink, mailer };
}

const config = mailConfig();
let n = 0;
function message(to: string, envelopeFrom = 'bounces@mail.cyber-contacts.test'): OutgoingMessage {
  return {
    ...composeMessage(config, confirmationTemplate, confirmation, to, { messageId: `pool-${++n}` }),
    envelopeFrom,
  };
}

const sendAll = async (mailer: Mailer, messages: OutgoingMessage[]) => {
  const results = [];
  for (const m of messages) results.push(await mailer.send(m));
  return results;
};

describe('the SMTP pool', () => {
  it('sends one message after another over one connection', async () => {
    const { sink, mailer } = await setUp();
    const results = await sendAll(mailer, [
      message('a@x.gov.uk'),
      message('b@x.gov.uk'),
      message('c@x.gov.uk'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(sink.stats.connections).toBe(1);
    expect(sink.messages.map((m) => m.rcptTo[0])).toEqual(['a@x.gov.uk', 'b@x.gov.uk', 'c@x.gov.uk']);
  });

  it('keeps the connection after a refused recipient (RSET), and the next message goes through', async () => {
    const { sink, mailer } = await setUp({
      reply: ({ stage, address }) =>
        stage === 'rcpt' && address === 'gone@x.gov.uk'
          ? { code: 550, message: '5.1.1 No such user' }
          : undefined,
    });
    const results = await sendAll(mailer, [
      message('a@x.gov.uk'),
      message('gone@x.gov.uk'),
      message('c@x.gov.uk'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['delivered', 'permanent-failure', 'delivered']);
    expect(sink.stats.connections).toBe(1);
  });

  it('opens a fresh connection after maxMessages', async () => {
    const { sink, mailer } = await setUp({}, { maxMessages: 2 });
    const results = await sendAll(
      mailer,
      ['a', 'b', 'c', 'd', 'e'].map((x) => message(`${x}@x.gov.uk`)),
    );
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    expect(sink.stats.connections).toBe(3);
  });

  it('sends once more on a fresh connection when a reused one had died before the message began', async () => {
    // the server drops the idle connection as the second message's MAIL FROM arrives (an idle timeout)
    const { sink, mailer } = await setUp({
      drop: ({ stage, address, attempt }) => stage === 'mail' && address === 'second@x.test' && attempt === 1,
    });
    const [first, second] = await sendAll(mailer, [
      message('a@x.gov.uk'),
      message('b@x.gov.uk', 'second@x.test'),
    ]);
    expect(first?.status).toBe('delivered');
    expect(second?.status).toBe('delivered');
    expect(sink.messages.map((m) => m.rcptTo[0])).toEqual(['a@x.gov.uk', 'b@x.gov.uk']);
    expect(sink.stats.connections).toBe(2);
  });

  it('never sends again a message whose body had begun: that is for the outbound engine to decide', async () => {
    const { sink, mailer } = await setUp({
      drop: ({ stage, rcptTo }) => stage === 'data' && rcptTo.includes('b@x.gov.uk'),
    });
    const [first, second] = await sendAll(mailer, [message('a@x.gov.uk'), message('b@x.gov.uk')]);
    expect(first?.status).toBe('delivered');
    expect(second?.status).toBe('temporary-failure');
    expect(sink.events.filter((e) => e.stage === 'data' && e.rcptTo.includes('b@x.gov.uk'))).toHaveLength(1);
    // and the pool goes on with a fresh connection
    expect((await mailer.send(message('c@x.gov.uk'))).status).toBe('delivered');
  });

  it('opens fresh connections after reconnect(): a fixed relay applies its new settings only to new ones', async () => {
    const { sink, mailer } = await setUp();
    expect((await mailer.send(message('a@x.gov.uk'))).status).toBe('delivered');
    mailer.reconnect?.();
    expect((await mailer.send(message('b@x.gov.uk'))).status).toBe('delivered');
    expect(sink.stats.connections).toBe(2);
  });
});
