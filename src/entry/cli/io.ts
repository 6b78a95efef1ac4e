// What CLI commands share: where output goes, argument validation with zod, and the runtime they act on.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { describeIssues } from '../../openapi.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /**
   * Rewrites one status line in place on a terminal (a progress bar). Elsewhere (a pipe, a log) nothing is
   * drawn: only the last state is written, once, when the command ends (`finish`).
   */
  progress(line: string): void;
  /** Ends a progress line: a newline on a terminal, the last state as one line elsewhere. */
  finish(): void;
  isTty: boolean;
}

export interface CliContext {
  io: CliIo;
  /** Opens the database and builds the deps (lazily, so `--help` needs no database). */
  deps(): Promise<Deps>;
}

export type CliCommand = (ctx: CliContext, args: string[]) => Promise<number>;

export class UsageError extends Error {}

/** Validates parsed arguments with a zod schema; a failure is a usage error with a readable reason. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(describeIssues(result.error.issues));
  return result.data;
}

export function nodeIo(): CliIo {
  const isTty = Boolean(process.stderr.isTTY);
  // Piped into a log that someone follows: CLI_PROGRESS=lines writes each progress step as a line.
  const asLines = !isTty && process.env.CLI_PROGRESS === 'lines';
  let last: string | null = null;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    progress: (line) => {
      last = line;
      if (isTty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (asLines && line) {
        process.stderr.write(`${line}\n`);
        last = null;
      }
    },
    finish: () => {
      if (last !== null && last !== '') process.stderr.write(isTty ? '\n' : `${last}\n`);
      last = null;
    },
    isTty,
  };
}

/** A readable one-line reason for any error a command raises. */
export function describeError(err: unknown): string {
  if (err instanceof AppError) {
    // Each reason once: a field error that only repeats the message adds nothing.
    const extra = (err.errors ?? []).filter((e) => e.message !== err.message);
    const fields = extra.length ? `\n${extra.map((e) => `  ${e.path}: ${e.message}`).join('\n')}` : '';
    return `${err.message}${fields}`;
  }
  if (err instanceof z.ZodError) return describeIssues(err.issues);
  return err instanceof Error ? err.message : String(err);
}

/** Prints a list as JSON (`--json`) or one line per item, with a line of its own when it is empty. */
export function printList<T>(
  io: CliIo,
  items: readonly T[],
  options: { json?: boolean; empty: string; line: (item: T) => string },
): void {
  if (options.json) {
    io.out(JSON.stringify(items, null, 2));
    return;
  }
  if (items.length === 0) io.out(options.empty);
  for (const item of items) io.out(options.line(item));
}
