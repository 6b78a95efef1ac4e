// The bytes of an imported file → its text: size limit, empty file, binary or non-UTF-8 content are
// refused here, before any parsing, so a broken file never reaches the register.
import { AppError } from '../../errors.js';

export type ImportPhase = 'reading' | 'downloading' | 'parsing' | 'matching' | 'writing';

/** Progress of a long import, for the CLI's status line. `total` is absent when it is not known. */
export interface ImportProgress {
  phase: ImportPhase;
  done: number;
  total?: number;
  unit: 'bytes' | 'rows' | 'statements';
}

export type OnProgress = (progress: ImportProgress) => void;

/** What an import reads: the file's text or bytes, and where it came from (a path, a URL, "upload"). */
export interface ImportInput {
  content: string | Uint8Array;
  source: string;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function tooLarge(size: number | string, limit: number): AppError {
  const what = typeof size === 'number' ? `The file is ${formatBytes(size)}` : size;
  return new AppError(
    'payload_too_large',
    `${what}; imports are limited to ${formatBytes(limit)} (IMPORT_LIMIT_BYTES).`,
  );
}

/**
 * The file's text. Refuses (leaving the register untouched) a file over `limit` bytes, an empty one, and
 * one that is not UTF-8 text (a PNG, a zip, a spreadsheet saved as .xlsx …). A UTF-8 BOM is dropped.
 */
export function decodeImportText(content: string | Uint8Array, limit: number, expected: string): string {
  let text: string;
  if (typeof content === 'string') {
    const size = new TextEncoder().encode(content).length;
    if (size > limit) throw tooLarge(size, limit);
    text = content.replace(/^\uFEFF/, '');
  } else {
    if (content.length > limit) throw tooLarge(content.length, limit);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
    } catch {
      throw new AppError(
        'bad_request',
        `The file is not ${expected}: it is not UTF-8 text (is it a spreadsheet, an image or a zip?).`,
      );
    }
  }
  if (text.trim() === '') throw new AppError('validation_failed', `The file is empty: expected ${expected}.`);
  if (text.includes('\u0000'))
    throw new AppError('bad_request', `The file is not ${expected}: it contains binary data.`);
  return text;
}

/** A short description of what the start of a text looks like, when it is clearly not what was wanted. */
export function sniffTextKind(text: string): 'json' | 'html' | 'other' {
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return 'json';
  if (start.startsWith('<')) return 'html';
  return 'other';
}
