// Fetching an import source (the register CSV, the domain list) over https through deps.fetch, with a
// timeout and the size limit enforced while the body streams in.
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { type OnProgress, tooLarge } from './import-text.js';

const loopback = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The URL, if it may be fetched: https anywhere, http only on this machine (tests, local mirrors). */
export function checkSourceUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('validation_failed', `"${raw}" is not a URL.`, {
      errors: [{ path: 'url', message: 'Not a URL' }],
    });
  }
  if (url.username || url.password)
    throw new AppError('validation_failed', 'The source URL must not contain a user name or password.', {
      errors: [{ path: 'url', message: 'Credentials are not accepted in the URL' }],
    });
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && loopback.has(url.hostname)) return url;
  throw new AppError(
    'validation_failed',
    `Only https URLs can be imported (http only for localhost): ${raw}`,
    {
      errors: [{ path: 'url', message: 'Must be an https URL' }],
    },
  );
}

export interface FetchSourceOptions {
  signal?: AbortSignal;
  onProgress?: OnProgress;
  /** The Accept header (e.g. "text/csv"). */
  accept?: string;
}

/**
 * The body of `raw` as bytes. An unreachable source, a timeout or a non-2xx answer is `upstream_failed`;
 * a body over IMPORT_LIMIT_BYTES is `payload_too_large` (reading stops as soon as it crosses the limit).
 */
export async function fetchSource(deps: Deps, raw: string, options: FetchSourceOptions = {}) {
  const url = checkSourceUrl(raw);
  const limit = deps.config.IMPORT_LIMIT_BYTES;
  const timeoutMs = deps.config.FETCH_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const where = url.href;
  const failure = (err: unknown): AppError => {
    if (err instanceof AppError) return err;
    if (timeout.aborted)
      return new AppError(
        'upstream_failed',
        `${where} did not answer in full within ${timeoutMs / 1000} s.`,
        {
          cause: err,
        },
      );
    if (options.signal?.aborted)
      return new AppError('upstream_failed', `Fetching ${where} was cancelled.`, { cause: err });
    return new AppError('upstream_failed', `Could not reach ${where}: ${networkReason(err)}.`, {
      cause: err,
    });
  };

  let response: Response;
  try {
    response = await deps.fetch(url.href, {
      signal,
      redirect: 'follow',
      headers: { accept: options.accept ?? '*/*', 'user-agent': 'cyber-contacts register import' },
    });
  } catch (err) {
    throw failure(err);
  }
  if (response.url && response.url !== url.href && !isAllowedUrl(response.url)) {
    discard(response.body);
    throw new AppError('upstream_failed', `${where} redirected to ${response.url}, which is not https.`);
  }
  if (!response.ok) {
    discard(response.body);
    throw new AppError(
      'upstream_failed',
      `${where} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    discard(response.body);
    throw tooLarge(`${where} sends ${declared} bytes`, limit);
  }
  const total = Number.isFinite(declared) ? declared : undefined;
  if (!response.body) return new Uint8Array(0);

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        discard(reader);
        throw tooLarge(`${where} sent more than ${limit} bytes`, limit);
      }
      chunks.push(value);
      options.onProgress?.({ phase: 'downloading', done: size, total, unit: 'bytes' });
    }
  } catch (err) {
    throw failure(err);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Stops reading a body we will not use; not awaited, as a cancelled source need not acknowledge it. */
function discard(body: { cancel(): Promise<void> } | null) {
  body?.cancel().catch(() => {});
}

function isAllowedUrl(raw: string): boolean {
  try {
    checkSourceUrl(raw);
    return true;
  } catch {
    return false;
  }
}

/** A readable reason from a fetch failure (Node wraps the socket error in `cause`). */
function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail && detail !== err.message ? `${err.message} (${detail})` : err.message;
}
