// Runs the real CLI (`tsx src/cli.ts …`) as a child process against a temporary database file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temporary folder with a database URL in it; `cleanup()` removes it. */
export function tempDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'cyber-contacts-cli-'));
  return {
    dir,
    url: `file:${join(dir, 'test.db')}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `npx tsx src/cli.ts …args` from the repository root, with DATABASE_URL pointing at `databaseUrl`. */
export function runCli(
  args: string[],
  options: { databaseUrl: string; env?: Record<string, string> },
): Promise<CliResult> {
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['src/cli.ts', ...args], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: options.databaseUrl,
        OUTBOX_DIR: join(options.databaseUrl.replace(/^file:/, ''), '..', 'outbox'),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
