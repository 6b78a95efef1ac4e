// A private Postfix instance for a test file: Debian's real MTA (installed by scripts/test-deps.sh), with
// its own configuration, queue and log in a temporary folder, listening on a free loopback port and
// relaying everything to a host and port the test gives (the project's SMTP sink). It never touches the
// system's Postfix configuration and needs root (Postfix's master runs as root, its daemons as `postfix`).
//
//   const mta = await startPostfix({ relayTo: { host: '127.0.0.1', port: sink.port } });
//   … SMTP_URL = mta.url …
//   await mta.close();
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const POSTFIX = '/usr/sbin/postfix';

export interface PostfixOptions {
  /** Where every message is relayed (the test's SMTP sink). */
  relayTo: { host: string; port: number };
  /** A regular expression on the envelope sender that Postfix refuses at MAIL FROM (a relay not set up for us). */
  senderRejects?: string | null;
}

export interface PostfixInstance {
  port: number;
  url: string;
  /** Refuses (or, with null, accepts again) senders matching the pattern, restarting Postfix to apply it. */
  setSenderRejects(pattern: string | null): Promise<void>;
  /** True when nothing waits in Postfix's queues (everything relayed or bounced). */
  queueIsEmpty(): boolean;
  /** Postfix's own log. */
  log(): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function listening(port: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`Postfix did not listen on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const services = `
{smtpd} inet n - n - - smtpd
pickup     unix  n - n 60 1 pickup
cleanup    unix  n - n -  0 cleanup
qmgr       unix  n - n 300 1 qmgr
rewrite    unix  - - n -  - trivial-rewrite
bounce     unix  - - n -  0 bounce
defer      unix  - - n -  0 bounce
trace      unix  - - n -  0 bounce
verify     unix  - - n -  1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -  - proxymap
smtp       unix  - - n -  - smtp
relay      unix  - - n -  - smtp
showq      unix  n - n -  - showq
error      unix  - - n -  - error
retry      unix  - - n -  - error
discard    unix  - - n -  - discard
anvil      unix  - - n -  1 anvil
scache     unix  - - n -  1 scache
postlog    unix-dgram n - n - 1 postlogd
`;

export async function startPostfix(options: PostfixOptions): Promise<PostfixInstance> {
  if (!existsSync(POSTFIX))
    throw new Error('These tests need Postfix: run `bash scripts/test-deps.sh` (as root) to install it.');
  if (process.getuid?.() !== 0)
    throw new Error('A private Postfix instance needs root (its master runs as root).');
  const postfixUid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cc-postfix-'));
  chmodSync(dir, 0o755); // the daemons (user postfix) must reach the queue
  mkdirSync(join(dir, 'queue'));
  mkdirSync(join(dir, 'data'));
  chownSync(join(dir, 'data'), postfixUid, -1);
  const senderAccess = join(dir, 'sender_access');
  const writeSenderAccess = (pattern: string | null | undefined) =>
    writeFileSync(
      senderAccess,
      pattern ? `/${pattern}/ REJECT 5.7.1 Sender address rejected: not authorised to relay\n` : '',
    );
  writeSenderAccess(options.senderRejects);
  writeFileSync(
    join(dir, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      'command_directory = /usr/sbin',
      'daemon_directory = /usr/lib/postfix/sbin',
      'meta_directory = /etc/postfix',
      'shlib_directory = /usr/lib/postfix',
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'myhostname = mta.postfix-test.example',
      'mydomain = postfix-test.example',
      'mydestination =',
      'local_transport = error:local delivery is disabled',
      'alias_maps =',
      'alias_database =',
      'mynetworks = 127.0.0.0/8',
      `relayhost = [${options.relayTo.host}]:${options.relayTo.port}`,
      'smtpd_relay_restrictions = permit_mynetworks, reject',
      `smtpd_sender_restrictions = check_sender_access regexp:${senderAccess}`,
      'smtp_tls_security_level = none',
      'smtpd_tls_security_level = none',
      `maillog_file = ${dir}/postfix.log`,
      `maillog_file_prefixes = ${dir}`,
      // retries within a test's time, and enough parallel relaying for a fan-out
      'queue_run_delay = 1s',
      'minimal_backoff_time = 1s',
      'maximal_backoff_time = 2s',
      'default_destination_concurrency_limit = 20',
      'smtpd_client_connection_count_limit = 100',
      'biff = no',
      'smtputf8_enable = no',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'master.cf'), services.replace('{smtpd}', `127.0.0.1:${port}`));

  const logText = () =>
    existsSync(join(dir, 'postfix.log')) ? readFileSync(join(dir, 'postfix.log'), 'utf8') : '';
  const run = (command: string) => {
    try {
      execFileSync(POSTFIX, ['-c', dir, command], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(`postfix ${command} failed: ${(err as Error).message}\n${logText().slice(-2000)}`);
    }
  };
  run('start');
  await listening(port);

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    async setSenderRejects(pattern) {
      writeSenderAccess(pattern);
      run('stop');
      run('start');
      await listening(port);
    },
    queueIsEmpty() {
      const files = (sub: string): number => {
        const path = join(dir, 'queue', sub);
        if (!existsSync(path)) return 0;
        return readdirSync(path, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
      };
      return ['maildrop', 'incoming', 'active', 'deferred', 'hold'].every((q) => files(q) === 0);
    },
    log: logText,
    async close() {
      try {
        run('stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
