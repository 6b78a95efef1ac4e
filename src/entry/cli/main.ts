// The admin CLI's commands (entered through src/cli.ts): `npm run cli -- <command>`. Exits 0 on success, 1 on a failed command, 2 on bad usage.

import { buildNodeRuntime, type NodeRuntime } from '../node-deps.js';
import { advisoryCommand, advisoryUsage } from './advisory.js';
import { registerCommand, registerUsage } from './authority-register.js';
import { checksCommand, checksUsage } from './checks.js';
import { dbCommand, dbUsage } from './db.js';
import { type CliCommand, type CliContext, describeError, nodeIo, UsageError } from './io.js';
import { mailCommand, mailUsage } from './mail.js';
import { mailboxesCommand, mailboxesUsage } from './mailboxes.js';
import { outboxCommand, outboxUsage } from './outbox.js';
import { staffCommand, staffUsage } from './staff.js';
import { tokenCommand, tokenUsage } from './token.js';

const commands: Record<string, { run: CliCommand; usage: string }> = {
  token: { run: tokenCommand, usage: tokenUsage },
  outbox: { run: outboxCommand, usage: outboxUsage },
  mail: { run: mailCommand, usage: mailUsage },
  register: { run: registerCommand, usage: registerUsage },
  mailboxes: { run: mailboxesCommand, usage: mailboxesUsage },
  advisory: { run: advisoryCommand, usage: advisoryUsage },
  checks: { run: checksCommand, usage: checksUsage },
  staff: { run: staffCommand, usage: staffUsage },
  db: { run: dbCommand, usage: dbUsage },
};

function usage(): string {
  return `Usage: npm run cli -- <command>\n\n${Object.values(commands)
    .map((c) => c.usage)
    .join('\n')}`;
}

async function main(argv: string[]): Promise<number> {
  const io = nodeIo();
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  let runtime: NodeRuntime | undefined;
  const ctx: CliContext = {
    io,
    deps: async () => {
      runtime ??= await buildNodeRuntime(process.env, {
        logWrite: (line) => process.stderr.write(`${line}\n`),
        logLevel: 'warn',
      });
      return runtime.deps;
    },
  };
  try {
    return await command.run(ctx, args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\n\nUsage:\n${command.usage}`);
      return 2;
    }
    io.err(`Error: ${describeError(err)}`);
    return 1;
  } finally {
    await runtime?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
