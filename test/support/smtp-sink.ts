// A real SMTP server for tests (smtp-server on 127.0.0.1, a free port): records every accepted message
// parsed with mailparser, and can be told to answer chosen steps with 4xx/5xx replies, to drop the
// connection without a reply, or to answer slowly. Behaviour can be changed while it runs (`set`).
//
//   const sink = await startSmtpSink({ reply: ({ stage, address }) =>
//     stage === 'rcpt' && address === 'full@x.test' ? { code: 452, message: 'Mailbox full' } : undefined });
//   … send to sink.url …
//   await sink.waitFor(1); expect(sink.messages[0].parsed.subject).toBe('…');
//   await sink.close();

import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export type SinkStage = 'connect' | 'mail' | 'rcpt' | 'data';

export interface SinkEvent {
  stage: SinkStage;
  sessionId: string;
  /** MAIL FROM address at 'mail'; the RCPT TO address at 'rcpt'. */
  address?: string;
  /** The envelope so far (the sender from 'mail' on, the accepted recipients from 'rcpt' on). */
  mailFrom?: string;
  rcptTo: string[];
  /** At 'data': the raw message as received. */
  raw?: Buffer;
  /** How many times this stage has been reached for this address (rcpt/mail) or overall, from 1. */
  attempt: number;
}

export interface SinkReply {
  /** An SMTP reply code, 4xx (try again later) or 5xx (refused). */
  code: number;
  message?: string;
}

export interface SinkBehaviour {
  /** A reply that refuses this step (4xx/5xx); undefined accepts it. */
  reply?: (event: SinkEvent) => SinkReply | undefined;
  /** True to drop the connection at this step without replying (the socket is destroyed). */
  drop?: (event: SinkEvent) => boolean;
  /** Milliseconds to wait before answering this step (a slow server; at 'connect' it delays the greeting). */
  delayMs?: (event: SinkEvent) => number;
}

export interface SmtpSinkOptions extends SinkBehaviour {
  /** Require AUTH PLAIN/LOGIN with these credentials (over the plain connection: tests only). */
  auth?: { user: string; pass: string };
  /** The SIZE limit the server announces and enforces (552 when exceeded). */
  size?: number;
}

export interface SinkMessage {
  /** Accepted messages are numbered from 1 in arrival order. */
  seq: number;
  sessionId: string;
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SmtpSink {
  url: string;
  port: number;
  /** Every accepted message, in arrival order. */
  messages: SinkMessage[];
  /** Every step the server saw (including refused and dropped ones), in order. */
  events: SinkEvent[];
  /** Connections opened so far, and the most that were open at once. */
  stats: { connections: number; open: number; maxOpen: number };
  /** Resolves with the messages once at least `n` were accepted; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<SinkMessage[]>;
  /** The first message, once it has arrived. */
  waitForFirst(timeoutMs?: number): Promise<SinkMessage>;
  /**
   * Resolves once no connection is open and no message is being answered: after a client is killed, each
   * message whose last byte had reached the server is in `messages` by then (or was refused).
   */
  settled(timeoutMs?: number): Promise<void>;
  /** Replaces some of the behaviour hooks while the sink runs. */
  set(behaviour: SinkBehaviour): void;
  /** Forgets the messages, events and attempt counts (not the behaviour). */
  reset(): void;
  /** Closes every connection and stops the server. */
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const behaviour: SinkBehaviour = { reply: options.reply, drop: options.drop, delayMs: options.delayMs };
  const messages: SinkMessage[] = [];
  const events: SinkEvent[] = [];
  const attempts = new Map<string, number>();
  const stats = { connections: 0, open: 0, maxOpen: 0 };
  // Messages received whole and not yet answered.
  let answering = 0;
  const waiters = new Set<() => void>();
  const envelopes = new Map<string, { mailFrom?: string; rcptTo: string[] }>();

  const envelopeOf = (session: SMTPServerSession) => {
    let env = envelopes.get(session.id);
    if (!env) {
      env = { rcptTo: [] };
      envelopes.set(session.id, env);
    }
    return env;
  };

  function event(stage: SinkStage, session: SMTPServerSession, address?: string, raw?: Buffer): SinkEvent {
    const key = `${stage}:${address ?? ''}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const env = envelopeOf(session);
    const e: SinkEvent = {
      stage,
      sessionId: session.id,
      address,
      mailFrom: env.mailFrom,
      rcptTo: [...env.rcptTo],
      raw,
      attempt,
    };
    events.push(e);
    return e;
  }

  function dropSession(sessionId: string) {
    for (const connection of server.connections) {
      if (connection.id === sessionId) connection._socket.destroy();
    }
  }

  /** Runs the hooks for one step: waits, then drops, refuses or accepts. */
  function answer(e: SinkEvent, callback: (err?: Error | null, message?: string) => void, ok?: string) {
    const delay = behaviour.delayMs?.(e) ?? 0;
    const go = () => {
      if (behaviour.drop?.(e)) return dropSession(e.sessionId);
      const reply = behaviour.reply?.(e);
      if (reply) {
        const err = Object.assign(
          new Error(reply.message ?? (reply.code < 500 ? 'Try again later' : 'Refused')),
          {
            responseCode: reply.code,
          },
        );
        return callback(err);
      }
      if (ok === undefined) callback();
      else callback(null, ok);
    };
    if (delay > 0) setTimeout(go, delay);
    else go();
  }

  const server = new SMTPServer({
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    size: options.size,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass)
        return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onConnect(session, callback) {
      stats.connections++;
      stats.open++;
      stats.maxOpen = Math.max(stats.maxOpen, stats.open);
      answer(event('connect', session), callback);
    },
    onClose(session) {
      stats.open--;
      envelopes.delete(session.id);
    },
    onMailFrom(address, session, callback) {
      envelopes.set(session.id, { mailFrom: address.address, rcptTo: [] });
      answer(event('mail', session, address.address), callback);
    },
    onRcptTo(address, session, callback) {
      const e = event('rcpt', session, address.address);
      answer(e, (err) => {
        if (!err) envelopeOf(session).rcptTo.push(address.address);
        callback(err);
      });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (stream.sizeExceeded) {
          return callback(Object.assign(new Error('Message too big'), { responseCode: 552 }));
        }
        const e = event('data', session, undefined, raw);
        const env = envelopeOf(session);
        answering++;
        const reply = (err: Error | null, text?: string) => {
          answering--;
          callback(err, text);
        };
        answer(
          e,
          (err, text) => {
            if (err) return reply(err);
            simpleParser(raw).then(
              (parsed) => {
                const message: SinkMessage = {
                  seq: messages.length + 1,
                  sessionId: session.id,
                  mailFrom: env.mailFrom ?? '',
                  rcptTo: [...env.rcptTo],
                  raw,
                  parsed,
                };
                messages.push(message);
                for (const w of [...waiters]) w();
                reply(null, `${text ?? 'Ok'}: queued as ${message.seq}`);
              },
              (parseErr: Error) => reply(Object.assign(parseErr, { responseCode: 554 })),
            );
          },
          'Ok',
        );
      });
    },
  });
  server.on('error', () => {}); // a dropped client socket is not the sink's failure

  await new Promise<void>((resolveListen, rejectListen) => {
    server.server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.server.address() as AddressInfo).port;

  function waitFor(n: number, timeoutMs = 10_000): Promise<SinkMessage[]> {
    if (messages.length >= n) return Promise.resolve(messages);
    return new Promise((resolveWait, rejectWait) => {
      const check = () => {
        if (messages.length < n) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolveWait(messages);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        rejectWait(new Error(`smtp sink: ${messages.length} of ${n} messages after ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
    });
  }

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    events,
    stats,
    waitFor,
    async waitForFirst(timeoutMs = 10_000) {
      const [first] = await waitFor(1, timeoutMs);
      if (!first) throw new Error('smtp sink: no message');
      return first;
    },
    async settled(timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (stats.open > 0 || answering > 0) {
        if (Date.now() > until) throw new Error(`smtp sink: still ${stats.open} connection(s) open`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    set(next) {
      Object.assign(behaviour, next);
    },
    reset() {
      messages.length = 0;
      events.length = 0;
      attempts.clear();
    },
    close() {
      return new Promise<void>((resolveClose) => {
        for (const connection of server.connections) connection._socket.destroy();
        server.close(() => resolveClose());
      });
    },
  };
}
