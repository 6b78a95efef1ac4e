// The outbox mailer writes real .eml files; the CLI reads them back (as a child process).
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeMailer } from '../../src/adapters/mailer-node.js';
import { outboxFilePattern, outboxMailer } from '../../src/adapters/mailer-outbox.js';
import { type CliContext, UsageError } from '../../src/entry/cli/io.js';
import { outboxCommandFor } from '../../src/entry/cli/outbox.js';
import { composeMessage } from '../../src/mail/compose.js';
import { memoryLogger } from '../../src/ports/logger.js';
import confirmationTemplate from '../../templates/confirmation.js';
import magicLinkTemplate from '../../templates/magic-link.js';
import { confirmation, magicLink, mailConfig } from './fixtures.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const { SMTP_URL: _unused, ...env } = process.env;

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'outbox-test-'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function cli(outbox: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(tsx, ['src/cli.ts', 'outbox', ...args], {
      cwd: root,
      env: { ...env, OUTBOX_DIR: outbox, DATABASE_URL: 'file:/nonexistent/never-opened.db' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('outboxMailer', () => {
  it('writes a parseable .eml with headers and both parts, creating the folder', async () => {
    const dir = join(base, 'new', 'outbox');
    const config = mailConfig({ OUTBOX_DIR: dir });
    const at = new Date('2026-11-30T09:00:00.123Z');
    const mailer = outboxMailer(config, memoryLogger('silent'), { now: () => at });
    const m = composeMessage(config, confirmationTemplate, confirmation, 'security@cardiff.gov.uk', {
      messageId: 'confirm-1',
      headers: { 'X-Mailbox-Id': 'mb-1' },
      envelopeFrom: 'bounces+mb-1@cyber-contacts.test',
    });
    const result = await mailer.send(m);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const [file] = files as [string];
    expect(file).toMatch(outboxFilePattern);
    expect(file.startsWith('2026-11-30T09-00-00.123Z-')).toBe(true);
    expect(result).toEqual({
      status: 'delivered',
      messageId: '<confirm-1@cyber-contacts.example.gov.uk>',
      reply: `250 written to outbox ${file}`,
      code: 250,
    });

    const raw = await readFile(join(dir, file));
    expect(raw.toString()).toMatch(/\r\n\r\n/); // CRLF line ends, as RFC 5322 has them
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<confirm-1@cyber-contacts.example.gov.uk>');
    expect(parsed.date?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(parsed.from?.value).toEqual([
      { name: 'Council cyber contacts', address: 'no-reply@mail.cyber-contacts.test' },
    ]);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value[0]?.address).toBe(
      'security@cardiff.gov.uk',
    );
    expect(parsed.replyTo?.value[0]?.address).toBe('support@cyber-contacts.test');
    expect(parsed.subject).toBe('Confirm the security mailbox for Cardiff Council');
    expect(parsed.headers.get('x-mailbox-id')).toBe('mb-1');
    expect(parsed.headers.get('return-path')).toMatchObject({
      value: [{ address: 'bounces+mb-1@cyber-contacts.test' }],
    });
    expect(parsed.text).toContain(confirmation.confirmUrl);
    expect(parsed.html).toContain(`href="${confirmation.confirmUrl}"`);
    expect(parsed.html).toContain('<html lang="en">');
  });

  it('gives messages written at the same moment unique names, and leaves no temp files', async () => {
    const dir = join(base, 'same-time');
    const config = mailConfig({ OUTBOX_DIR: dir });
    const mailer = outboxMailer(config, memoryLogger('silent'), {
      now: () => new Date('2026-11-30T09:00:00Z'),
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        mailer.send(composeMessage(config, magicLinkTemplate, magicLink, `u${i}@council.test`)),
      ),
    );
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    const files = await readdir(dir);
    expect(files).toHaveLength(5);
    expect(files.every((f) => outboxFilePattern.test(f))).toBe(true);
  });

  it('refuses header injection and writes nothing', async () => {
    const dir = join(base, 'injection');
    const config = mailConfig({ OUTBOX_DIR: dir });
    const mailer = outboxMailer(config, memoryLogger('silent'));
    const m = composeMessage(config, magicLinkTemplate, magicLink, 'a@council.test');
    await expect(mailer.send({ ...m, subject: 'Hi\r\nBcc: evil@example.com' })).rejects.toThrow(/line break/);
    await expect(mailer.send({ ...m, headers: { 'X-A': 'b\nBcc: evil@example.com' } })).rejects.toThrow(
      /line break/,
    );
    await expect(mailer.send({ ...m, to: 'a@council.test, evil@example.com' })).rejects.toThrow(
      /exactly one/,
    );
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a folder that cannot be written is a technical failure with the reason kept', async () => {
    const blocker = join(base, 'a-file');
    await writeFile(blocker, 'not a folder');
    const config = mailConfig({ OUTBOX_DIR: join(blocker, 'outbox') });
    const result = await outboxMailer(config, memoryLogger('silent')).send(
      composeMessage(config, magicLinkTemplate, magicLink, 'a@council.test'),
    );
    expect(result.status).toBe('technical-failure');
    expect(result.reply).toMatch(/^outbox write failed: .*(ENOTDIR|EEXIST|ENOENT)/);
  });
});

describe('nodeMailer', () => {
  it('chooses the outbox without SMTP_URL and SMTP with it, and says which', async () => {
    const log = memoryLogger('debug');
    const outbox = nodeMailer(mailConfig({ OUTBOX_DIR: join(base, 'chosen') }), log);
    expect(log.lines.at(-1)).toMatchObject({ level: 'info', outbox: join(base, 'chosen') });
    await outbox.close();
    const smtp = nodeMailer(
      mailConfig({ SMTP_URL: 'smtp://user:secret@127.0.0.1:2525?ignoreTLS=true' }),
      log,
    );
    expect(log.lines.at(-1)).toMatchObject({ level: 'info', smtp: 'smtp://127.0.0.1:2525' });
    expect(JSON.stringify(log.lines)).not.toContain('secret');
    await smtp.close();
  });
});

describe('outbox CLI', () => {
  let dir: string;
  const names: string[] = [];

  beforeAll(async () => {
    dir = join(base, 'cli');
    const config = mailConfig({ OUTBOX_DIR: dir });
    let t = Date.parse('2026-11-30T09:00:00Z');
    const mailer = outboxMailer(config, memoryLogger('silent'), { now: () => new Date(t) });
    const send = async (to: string, id: string, template: 'confirmation' | 'magic') => {
      t += 60_000;
      const m =
        template === 'confirmation'
          ? composeMessage(config, confirmationTemplate, confirmation, to, { messageId: id })
          : composeMessage(config, magicLinkTemplate, magicLink, to, { messageId: id });
      const r = await mailer.send(m);
      names.push(r.reply.replace('250 written to outbox ', ''));
    };
    await send('security@cardiff.gov.uk', 'first', 'confirmation');
    await send('other@council.test', 'second', 'magic');
    await send('security@cardiff.gov.uk', 'third', 'magic');
  });

  /** The command in this process, with captured output (same code as the child process runs). */
  async function inProcess(outbox: string, ...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const ctx: CliContext = {
      io: {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        progress: () => {},
        finish: () => {},
        isTty: false,
      },
      deps: () => Promise.reject(new Error('the outbox command must not open the database')),
    };
    const code = await outboxCommandFor({ OUTBOX_DIR: outbox })(ctx, args);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  it('runs as `npm run cli -- outbox …`: list, show, an empty outbox and bad usage', async () => {
    const [missing, all, shown, badLimit] = await Promise.all([
      cli(join(base, 'no-such-outbox'), 'list'),
      cli(dir, 'list'),
      cli(dir, 'show', '3'),
      cli(dir, 'list', '--limit', 'lots'),
    ]);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toMatch(/^The outbox is empty \(.*no-such-outbox\)\./);

    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^1 {2}2026-11-30T09:03:00\.000Z {2}security@cardiff\.gov\.uk {2}Sign in to/);
    expect(lines[0]).toContain(`[${names[2]}]`);
    expect(lines[2]).toMatch(/^3 .*Confirm the security mailbox for Cardiff Council/);

    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Subject: Confirm the security mailbox for Cardiff Council');
    expect(shown.stdout).toContain('Message-ID: <first@cyber-contacts.example.gov.uk>');
    expect(shown.stdout).toContain('To: security@cardiff.gov.uk');
    expect(shown.stdout).toContain(confirmation.confirmUrl);
    expect(shown.stdout).not.toContain('<p');

    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('outbox list [--to ADDRESS]');
  });

  it('filters by recipient, limits, and prints JSON', async () => {
    const json = await inProcess(dir, 'list', '--to', 'SECURITY@cardiff.gov.uk', '--json');
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(entries.map((e) => e.messageId)).toEqual([
      '<third@cyber-contacts.example.gov.uk>',
      '<first@cyber-contacts.example.gov.uk>',
    ]);
    expect(entries[1]).toMatchObject({
      index: 3,
      file: names[0],
      to: 'security@cardiff.gov.uk',
      date: '2026-11-30T09:01:00.000Z',
      subject: 'Confirm the security mailbox for Cardiff Council',
    });

    const limited = await inProcess(dir, 'list', '--limit', '1');
    expect(limited.stdout.split('\n')).toHaveLength(1);
    expect(limited.stderr).toContain('2 older');

    const nobody = await inProcess(dir, 'list', '--to', 'nobody@council.test');
    expect(nobody.stdout).toMatch(/^No messages to nobody@council\.test in the outbox/);
    expect(JSON.parse((await inProcess(join(base, 'nothing-here'), 'list', '--json')).stdout)).toEqual([]);
  });

  it('shows a message by file name, raw', async () => {
    const raw = await inProcess(dir, 'show', names[1] as string, '--raw');
    expect(raw.code).toBe(0);
    expect(raw.stdout).toMatch(/^Message-ID: <second@cyber-contacts\.example\.gov\.uk>$/m);
    expect(raw.stdout).toMatch(/Content-Type: multipart\/alternative/);
  });

  it('refuses bad arguments and reports unknown messages', async () => {
    await expect(inProcess(dir, 'show', '../../etc/passwd')).rejects.toBeInstanceOf(UsageError);
    await expect(inProcess(dir, 'show')).rejects.toBeInstanceOf(UsageError);
    await expect(inProcess(dir, 'list', '--limit', '0')).rejects.toThrow(/at least 1/);
    await expect(inProcess(dir, 'burn')).rejects.toBeInstanceOf(UsageError);
    const unknown = await inProcess(dir, 'show', '9');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('the outbox holds 3');
    const noFile = await inProcess(dir, 'show', '2020-01-01T00-00-00.000Z-00000000.eml');
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toMatch(/^No message 2020-01-01T00-00-00\.000Z-00000000\.eml in the outbox/);
  });
});
