// A pool of SMTP connections that carries ready-made messages. Each connection is nodemailer's
// SMTPConnection (greeting, EHLO, STARTTLS, AUTH, timeouts, dot-stuffing, replies with their stage); the
// pool only hands each message, already built and signed, to a free connection. Nothing is composed,
// parsed or streamed through MIME layers on the way: that is where a general-purpose mailer spends most
// of its time when one message goes to thousands.
//
// - At most `maxConnections` connections; a new one is opened only for a message that has none.
// - A connection is closed after `maxMessages` messages, and when the server ends it.
// - A refusal of one message (`EENVELOPE`/`EMESSAGE`, not 421) keeps the connection (RSET).
// - A reused connection that the server had already closed (idle timeout) before a byte of the message
//   was sent: the message goes once more, over a fresh connection. Anything later is never resent here.
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface SmtpPoolOptions extends SMTPConnection.Options {
  auth?: SMTPConnection.Credentials;
  maxConnections: number;
  maxMessages: number;
}

export interface SmtpEnvelope {
  from: string;
  to: string[];
}

export interface SmtpPool {
  send(envelope: SmtpEnvelope, message: string): Promise<SMTPConnection.SentMessageInfo>;
  /** Connections open (or opening) now. */
  readonly open: number;
  /**
   * Closes the connections it has (those sending, once their message is done): the next messages go over
   * fresh ones. After a refusal of our own, a relay that was fixed applies its new settings only to new
   * connections (Postfix's reload).
   */
  recycle(): void;
  close(): void;
}

interface Job {
  envelope: SmtpEnvelope;
  message: string;
  resolve: (info: SMTPConnection.SentMessageInfo) => void;
  reject: (err: unknown) => void;
  retried: boolean;
}

interface Resource {
  conn: SMTPConnection;
  messages: number;
  busy: boolean;
  closed: boolean;
  /** Opened before the last recycle(): closed once its message is done. */
  generation: number;
}

type SmtpError = Error & { code?: string; responseCode?: number; command?: string };

const transient = (e: SmtpError) =>
  e.responseCode === 421 || e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'ETIMEDOUT';

export function smtpPool(options: SmtpPoolOptions): SmtpPool {
  const { maxConnections, maxMessages, auth, ...connectionOptions } = options;
  const queue: Job[] = [];
  const idle: Resource[] = [];
  let open = 0;
  let connecting = 0;
  let closed = false;
  let generation = 0;

  function drop(r: Resource) {
    if (r.closed) return;
    r.closed = true;
    open--;
    const at = idle.indexOf(r);
    if (at >= 0) idle.splice(at, 1);
    r.conn.close();
  }

  function connect(): Promise<Resource> {
    return new Promise((resolve, reject) => {
      const conn = new SMTPConnection({ ...connectionOptions, logger: false, debug: false });
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        conn.close();
        reject(err);
      };
      conn.on('error', fail);
      conn.once('end', () =>
        fail(
          Object.assign(new Error('Connection closed before it was ready'), {
            code: 'ECONNECTION',
            command: 'CONN',
          }),
        ),
      );
      conn.connect(() => {
        if (settled) return;
        const ready = () => {
          if (settled) return;
          settled = true;
          conn.removeAllListeners('error');
          conn.removeAllListeners('end');
          const r: Resource = { conn, messages: 0, busy: false, closed: false, generation };
          // While a message is on it, its send callback gets the failure; otherwise the connection goes.
          conn.on('error', () => {
            if (!r.busy) drop(r);
          });
          conn.once('end', () => {
            if (!r.busy) drop(r);
          });
          resolve(r);
        };
        if (auth && conn.allowsAuth) conn.login(auth, (err) => (err ? fail(err) : ready()));
        else ready();
      });
    });
  }

  function release(r: Resource) {
    r.busy = false;
    if (r.closed) return pump();
    if (r.messages >= maxMessages || closed || r.generation !== generation) {
      r.closed = true;
      open--;
      r.conn.quit();
    } else idle.push(r);
    pump();
  }

  function run(r: Resource, job: Job) {
    r.busy = true;
    const reused = r.messages > 0;
    // The connection asks for the message's bytes only once the server has taken the envelope and DATA:
    // until then, nothing of this message has reached the server.
    let bodyStarted = false;
    const body = {
      pipe(stream: NodeJS.WritableStream) {
        bodyStarted = true;
        stream.write(job.message);
        stream.end();
        return stream;
      },
    } as unknown as string;
    r.conn.send(job.envelope, body, (err, info) => {
      r.messages++;
      if (!err) {
        job.resolve(info);
        return release(r);
      }
      const e = err as SmtpError;
      if (reused && !job.retried && !bodyStarted && transient(e)) {
        // the server had closed this connection while it was idle: once more, on a fresh one
        job.retried = true;
        queue.unshift(job);
        r.busy = false;
        drop(r);
        return pump();
      }
      job.reject(err);
      if ((e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.responseCode !== 421 && !r.closed) {
        // this message was refused; the connection is fine once the session is reset
        r.conn.reset((resetErr) => {
          if (resetErr) {
            r.busy = false;
            drop(r);
            return pump();
          }
          release(r);
        });
        return;
      }
      r.busy = false;
      drop(r);
      pump();
    });
  }

  function pump() {
    while (queue.length > 0) {
      const r = idle.pop();
      if (r) {
        run(r, queue.shift()!);
        continue;
      }
      // A new connection only for messages that no connection being opened will take.
      if (open < maxConnections && queue.length > connecting && !closed) {
        open++;
        connecting++;
        connect().then(
          (fresh) => {
            connecting--;
            if (closed || fresh.generation !== generation) {
              fresh.closed = true;
              open--;
              fresh.conn.quit();
              return;
            }
            idle.push(fresh);
            pump();
          },
          (err) => {
            connecting--;
            open--;
            // the message that asked for this connection gets its failure (a refusal of ours, a dead relay)
            queue.shift()?.reject(err);
            pump();
          },
        );
        continue;
      }
      break;
    }
  }

  return {
    send(envelope, message) {
      if (closed) return Promise.reject(new Error('The SMTP pool is closed.'));
      return new Promise((resolve, reject) => {
        queue.push({ envelope, message, resolve, reject, retried: false });
        pump();
      });
    },
    get open() {
      return open;
    },
    recycle() {
      generation++;
      for (const r of idle.splice(0)) {
        r.closed = true;
        open--;
        r.conn.quit();
      }
    },
    close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('The SMTP pool is closed.'));
      for (const r of idle.splice(0)) {
        r.closed = true;
        open--;
        r.conn.quit();
      }
    },
  };
}
