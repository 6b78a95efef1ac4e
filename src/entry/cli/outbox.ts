// `outbox list|show`: reads the .eml files the outbox mailer wrote (when SMTP_URL is not set).
// It needs only OUTBOX_DIR, so it reads the config itself and never opens the database.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';
import { z } from 'zod';
import { outboxFilePattern } from '../../adapters/mailer-outbox.js';
import { parseConfig } from '../../config.js';
import { defineCommand, usageOf, type VerbSpec } from './command.js';
import { type CliCommand, type CliContext, parseWith } from './io.js';

const ListArgs = z
  .object({
    to: z.string().trim().min(1, '--to must be an e-mail address').optional(),
    limit: z.coerce
      .number({ message: '--limit must be a whole number' })
      .int('--limit must be a whole number')
      .min(1, '--limit must be at least 1')
      .max(100_000)
      .default(20),
    json: z.boolean().optional(),
  })
  .strict();

const ShowArgs = z
  .object({
    target: z.union([
      z.string().regex(/^\d+$/, 'give a file name or an index from `outbox list`').transform(Number),
      z.string().regex(outboxFilePattern, 'give a file name or an index from `outbox list`'),
    ]),
    raw: z.boolean().optional(),
  })
  .strict();

export interface OutboxEntry {
  index: number;
  file: string;
  date: string | null;
  to: string;
  subject: string;
  messageId: string | null;
}

/** OUTBOX_DIR from the environment (the CLI passes process.env). */
function outboxDir(env: Record<string, string | undefined>): string {
  return resolve(parseConfig(env).OUTBOX_DIR);
}

/** The outbox's .eml files, newest first; [] when the folder does not exist. */
async function outboxFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => outboxFilePattern.test(n)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list
    .flatMap((a) => a.value)
    .map((a) => a.address ?? a.name)
    .filter(Boolean)
    .join(', ');
}

/** Parses only the header block: listing a large outbox stays cheap. */
async function readHeaders(path: string) {
  const buf = await readFile(path);
  const end = buf.indexOf('\r\n\r\n');
  const head = end >= 0 ? buf.subarray(0, end + 4) : buf;
  return simpleParser(head, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
}

function emptyOutboxLine(dir: string): string {
  return `The outbox is empty (${dir}). Messages appear here when SMTP_URL is not set.`;
}

type Env = Record<string, string | undefined>;

/** The verbs, reading their settings from `env`. */
const outboxVerbs = (env: Env): VerbSpec[] => [
  {
    verb: 'list',
    summary: 'the messages written to OUTBOX_DIR, newest first, numbered',
    options: {
      to: { type: 'string', value: 'ADDRESS' },
      limit: { type: 'string', value: 'N' },
      json: { type: 'boolean' },
    },
    run: (ctx, { values }) => listOutbox(ctx, env, parseWith(ListArgs, values)),
  },
  {
    verb: 'show',
    summary: 'one message, by its number in `outbox list` or its file name (--raw: as written)',
    args: [{ name: '<file-or-index>' }],
    options: { raw: { type: 'boolean' } },
    run: (ctx, { args, values }) =>
      showOutbox(ctx, env, parseWith(ShowArgs, { target: args[0], raw: values.raw })),
  },
];

export const outboxUsage = usageOf('outbox', outboxVerbs({}));

/** The command, reading its settings from `env`; `outboxCommand` reads process.env. */
export const outboxCommandFor = (env: Env): CliCommand => defineCommand('outbox', outboxVerbs(env)).run;

async function listOutbox(ctx: CliContext, env: Env, input: z.output<typeof ListArgs>): Promise<number> {
  {
    const dir = outboxDir(env);
    const files = await outboxFiles(dir);
    const wanted = input.to?.toLowerCase();
    const entries: OutboxEntry[] = [];
    for (const [i, file] of files.entries()) {
      if (entries.length >= input.limit) break;
      const mail = await readHeaders(join(dir, file));
      const to = addresses(mail.to);
      if (wanted && !to.toLowerCase().split(', ').includes(wanted)) continue;
      entries.push({
        index: i + 1,
        file,
        date: mail.date ? mail.date.toISOString() : null,
        to,
        subject: mail.subject ?? '',
        messageId: mail.messageId ?? null,
      });
    }
    if (input.json) {
      ctx.io.out(JSON.stringify(entries, null, 2));
      return 0;
    }
    if (files.length === 0) {
      ctx.io.out(emptyOutboxLine(dir));
      return 0;
    }
    if (entries.length === 0) {
      ctx.io.out(`No messages to ${input.to} in the outbox (${dir}).`);
      return 0;
    }
    for (const e of entries) {
      ctx.io.out(`${e.index}  ${e.date ?? '(no date)'}  ${e.to}  ${e.subject}  [${e.file}]`);
    }
    const more = files.length - (entries.at(-1)?.index ?? 0);
    if (!wanted && more > 0) ctx.io.err(`… and ${more} older (use --limit).`);
    return 0;
  }
}

async function showOutbox(ctx: CliContext, env: Env, input: z.output<typeof ShowArgs>): Promise<number> {
  {
    const dir = outboxDir(env);
    let file: string;
    if (typeof input.target === 'number') {
      const files = await outboxFiles(dir);
      if (files.length === 0) {
        ctx.io.out(emptyOutboxLine(dir));
        return 1;
      }
      const picked = files[input.target - 1];
      if (!picked) {
        ctx.io.err(`There is no message ${input.target}: the outbox holds ${files.length}.`);
        return 1;
      }
      file = picked;
    } else file = input.target;

    let source: Buffer;
    try {
      source = await readFile(join(dir, file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      ctx.io.err(`No message ${file} in the outbox (${dir}).`);
      return 1;
    }
    if (input.raw) {
      ctx.io.out(source.toString('utf8').replace(/\r\n/g, '\n').replace(/\n$/, ''));
      return 0;
    }
    const mail = await simpleParser(source, { skipTextLinks: true });
    const rows: Array<[string, string | undefined]> = [
      ['File', file],
      ['Date', mail.date?.toISOString()],
      ['From', mail.from?.text],
      ['To', mail.to ? addresses(mail.to) : undefined],
      ['Reply-To', mail.replyTo?.text],
      ['Subject', mail.subject],
      ['Message-ID', mail.messageId],
      ['Return-Path', headerString(mail.headers.get('return-path'))],
      ['In-Reply-To', mail.inReplyTo],
    ];
    const standard = new Set(['date', 'from', 'to', 'reply-to', 'subject', 'message-id', 'return-path']);
    const skip = new Set([
      ...standard,
      'in-reply-to',
      'mime-version',
      'content-type',
      'content-transfer-encoding',
    ]);
    for (const lineObj of mail.headerLines) {
      if (skip.has(lineObj.key)) continue;
      rows.push([
        lineObj.line.slice(0, lineObj.line.indexOf(':')),
        headerString(mail.headers.get(lineObj.key)),
      ]);
    }
    for (const [name, value] of rows) if (value) ctx.io.out(`${name}: ${value}`);
    ctx.io.out('');
    ctx.io.out((mail.text ?? '(no text part)').replace(/\n$/, ''));
    return 0;
  }
}

export const outboxCommand: CliCommand = (ctx, args) => outboxCommandFor(process.env)(ctx, args);

function headerString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(headerString).join(', ');
  if (typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}
