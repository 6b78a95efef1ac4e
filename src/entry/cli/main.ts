// The admin CLI's commands (entered through src/cli.ts): `npm run cli -- <command>`. Exits 0 on success, 1 on a failed command, 2 on bad usage.

import { buildNodeRuntime, type NodeRuntime } from '../node-deps.js';
import { advisoryCommand, advisoryUsage } from './advisory.js';
import { registerCommand, registerUsage } from './authority-register.js';
import { checksCommand, checksUsage } from './checks.js';
import { dbCommand, dbUsage } from './db.js';
import { drillCommand, drillUsage } from './drill.js';
import { type CliCommand, type CliContext, describeError, nodeIo, UsageError } from './io.js';
import { mailCommand, mailUsage } from './mail.js';
import { mailboxesCommand, mailboxesUsage } from './mailboxes.js';
import { outboxCommand, outboxUsage } from './outbox.js';
import { staffCommand, staffUsage } from './staff.js';
import { tokenCommand, tokenUsage } from './token.js';
import { alignUsage, usageFor } from './usage.js';
import { warpsCommand, warpsUsage } from './warps.js';

const commands: Record<string, { run: CliCommand; usage: string }> = {
  token: { run: tokenCommand, usage: tokenUsage },
  outbox: { run: outboxCommand, usage: outboxUsage },
  mail: { run: mailCommand, usage: mailUsage },
  register: { run: registerCommand, usage: registerUsage },
  mailboxes: { run: mailboxesCommand, usage: mailboxesUsage },
  advisory: { run: advisoryCommand, usage: advisoryUsage },
  drill: { run: drillCommand, usage: drillUsage },
  checks: { run: checksCommand, usage: checksUsage },
  staff: { run: staffCommand, usage: staffUsage },
  db: { run: dbCommand, usage: dbUsage },
  warps: { run: warpsCommand, usage: warpsUsage },
};

function usage(): string {
  return `Usage: npm run cli -- <command> [--help]\n\n${Object.values(commands)
    .map((c) => alignUsage(c.usage))
    .join('\n\n')}`;
}

const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');

/** The database a command opens, for people: the URL without any password or token in it. */
function databaseLabel(url: string | undefined): string {
  const value = url || 'file:./data/cyber-contacts.db';
  if (value.startsWith('file:') || !value.includes(':')) return value;
  try {
    const parsed = new URL(value);
    if (parsed.password || parsed.username) {
      parsed.password = '';
      parsed.username = '';
    }
    parsed.search = '';
    return parsed.toString();
  } catch {
    return value;
  }
}

async function main(argv: string[]): Promise<number> {
  const io = nodeIo();
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || (name === 'help' && !args[0])) {
    io.out(usage());
    return name ? 0 : 2;
  }
  // `help token`, `token --help`, `token create --help`: that command's (or subcommand's) usage, exit 0.
  const asked = name === 'help' ? args[0]! : name;
  const command = commands[asked];
  if (!command) {
    io.err(
      `Unknown command "${asked}". The commands are: ${Object.keys(commands).join(', ')}.\n\n${usage()}`,
    );
    return 2;
  }
  if (name === 'help' || wantsHelp(args)) {
    const sub = name === 'help' ? args[1] : args[0];
    io.out(`Usage: npm run cli --\n${alignUsage(usageFor(command.usage, asked, sub))}`);
    return 0;
  }
  let runtime: NodeRuntime | undefined;
  const ctx: CliContext = {
    io,
    deps: async () => {
      if (!runtime) {
        runtime = await buildNodeRuntime(process.env, {
          logWrite: (line) => process.stderr.write(`${line}\n`),
          logLevel: 'warn',
        });
        // The CLI and the service must share DATABASE_URL: say which database this is.
        io.err(`Using database ${databaseLabel(process.env.DATABASE_URL)}`);
      }
      return runtime.deps;
    },
  };
  try {
    return await command.run(ctx, args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(
        `${(err as Error).message}\n\nUsage: npm run cli --\n${alignUsage(usageFor(command.usage, asked, args[0]))}`,
      );
      return 2;
    }
    io.err(`Error: ${describeError(err)}`);
    return 1;
  } finally {
    io.finish();
    await runtime?.close();
  }
}

// Piped into `head`: once the reader has gone, stop quietly (no stack trace for a closed pipe).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2));
