// Node's inbound SMTP listener (INBOUND_SMTP_PORT): receives bounces for the VERP addresses directly, with
// no relay in between, under the same rules as the Worker's email() handler and POST
// /api/v1/inbound/bounces (src/features/reachability/inbound-mail.ts):
//   - RCPT TO: only a VERP address of ours whose tag is the service's signature of the delivery; anything
//     else is refused with 550 5.1.1 before the message is sent (no relaying, no hint why);
//   - SIZE is advertised as INBOUND_LIMIT_BYTES, and a larger message is refused with 552 5.3.4;
//   - no AUTH, no STARTTLS (a bounce may quote the advisory it returns: where that must not travel in
//     clear, an MTA with TLS and POST /api/v1/inbound/bounces instead); at most INBOUND_SMTP_MAX_CLIENTS
//     connections, a few recipients a message;
//   - after DATA: each recipient's report is recorded, and the answer is 250; when recording fails for a
//     reason of ours (the database) the answer is 451 4.3.0, so the sending MTA tries again later.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Deps } from '../deps.js';
import { acceptsRecipient, receiveInboundMail } from '../features/reachability/inbound-mail.js';

/** Recipients one message may have: a bounce names one VERP address. */
const MAX_RECIPIENTS = 5;

const smtpError = (responseCode: number, message: string) =>
  Object.assign(new Error(message), { responseCode });

export interface InboundSmtp {
  /** Where it listens (the port is the real one when 0 was asked for). */
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startInboundSmtp(deps: Deps, port: number, host: string): Promise<InboundSmtp> {
  const log = deps.log.child({ inbound: 'smtp' });
  const server = new SMTPServer({
    banner: `${deps.config.SERVICE_NAME}: bounces only`,
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    hideSTARTTLS: true,
    logger: false,
    size: deps.config.INBOUND_LIMIT_BYTES,
    // The accepted recipients are the session's envelope (smtp-server keeps it, without repeats, and
    // answers 452 past this many).
    maxRecipients: MAX_RECIPIENTS,
    maxClients: deps.config.INBOUND_SMTP_MAX_CLIENTS,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onRcptTo(address, session, callback) {
      acceptsRecipient(deps, address.address).then(
        (verdict) => {
          if (verdict.ok) return callback();
          log.info('inbound SMTP: recipient refused (not a signed VERP address)', {
            recipient: address.address.slice(0, 200),
            client: session.remoteAddress,
          });
          callback(smtpError(550, '5.1.1 No such address here'));
        },
        (err: unknown) => {
          log.error('inbound SMTP: could not check a recipient', { err });
          callback(smtpError(451, '4.3.0 Try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      // Kept only up to the limit: a sender that did not declare SIZE is read to the end and then refused,
      // without holding the excess in memory.
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, '5.3.4 Message too big'));
        const raw = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((r) => r.address);
        (async () => {
          for (const recipient of to) await receiveInboundMail(deps, 'smtp', recipient, raw);
        })().then(
          () => callback(null, '2.0.0 Received'),
          (err: unknown) => {
            log.error('inbound SMTP: could not record a message; the sender will try again', { err });
            callback(smtpError(451, '4.3.0 Try again later'));
          },
        );
      });
    },
  });
  server.on('error', (err) => log.error('inbound SMTP listener error', { err }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;
  log.info('receiving bounces by SMTP', { host: address.address, port: address.port });
  return {
    address,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
