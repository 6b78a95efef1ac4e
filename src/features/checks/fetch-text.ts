// A small, careful HTTP GET for the checks (MTA-STS policies, security.txt): https only, a timeout, a size
// limit enforced while the body streams in, and redirects handled by the caller's rule.
import type { Deps } from '../../deps.js';

export type FetchTextResult =
  | { kind: 'ok'; url: string; status: number; contentType: string; text: string; bytes: Uint8Array }
  | { kind: 'redirect'; url: string; status: number; location: string | null }
  | { kind: 'http-error'; url: string; status: number }
  | { kind: 'too-large'; url: string; limit: number }
  | { kind: 'network'; url: string; reason: string };

export interface FetchTextOptions {
  timeoutMs: number;
  maxBytes: number;
  /** How many https → https redirects to follow (0: report the redirect). */
  maxRedirects?: number;
  /** Which redirect targets may be followed (default: any https URL). */
  followable?: (url: URL) => boolean;
}

/** Stops reading a body we will not use; not awaited, as a cancelled source need not acknowledge it. */
function discard(body: ReadableStream<Uint8Array> | null) {
  body?.cancel().catch(() => undefined);
}

async function readLimited(body: ReadableStream<Uint8Array> | null, maxBytes: number) {
  if (!body) return { ok: true as const, text: '', bytes: new Uint8Array() };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => undefined); // not awaited: a cancelled source need not acknowledge it
      return { ok: false as const };
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return {
    ok: true as const,
    text: new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(all),
    // The body as received, for binary answers (a Web Key Directory's keys).
    bytes: all,
  };
}

/** The real cause of a failed fetch, in words (fetch itself only says "fetch failed"). */
export function whyFetchFailed(err: unknown): string {
  let e = err as { message?: string; code?: string; cause?: unknown; hostname?: string } | undefined;
  // the innermost cause that says something
  for (let depth = 0; e?.cause && depth < 5; depth++) e = e.cause as typeof e;
  const code = e?.code ?? '';
  const message = e?.message ?? String(err);
  if (code === 'ENOTFOUND') return `no such host${e?.hostname ? ` (${e.hostname})` : ''}`;
  if (code === 'EAI_AGAIN') return 'the host name could not be looked up just now';
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'the host cannot be reached';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'connecting timed out';
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(code) || /certificate|TLS|SSL/i.test(message))
    return `TLS failed: ${message}`;
  return code ? `${code}: ${message}` : message;
}

export async function fetchText(
  deps: Pick<Deps, 'fetch'>,
  start: string,
  options: FetchTextOptions,
): Promise<FetchTextResult> {
  let url = start;
  const signal = AbortSignal.timeout(options.timeoutMs);
  for (let hop = 0; ; hop++) {
    if (!url.startsWith('https://')) return { kind: 'network', url, reason: 'not an https URL' };
    let res: Response;
    try {
      res = await deps.fetch(url, {
        redirect: 'manual',
        signal,
        headers: { accept: 'text/plain', 'user-agent': 'cyber-contacts reachability check' },
      });
    } catch (err) {
      const reason = signal.aborted ? `no answer within ${options.timeoutMs / 1000} s` : whyFetchFailed(err);
      return { kind: 'network', url, reason } satisfies FetchTextResult;
    }
    if (res.status >= 300 && res.status < 400) {
      discard(res.body);
      const location = res.headers.get('location');
      const next = location ? new URL(location, url).href : null;
      const allowed = next !== null && (options.followable?.(new URL(next)) ?? true);
      if (next?.startsWith('https://') && allowed && hop < (options.maxRedirects ?? 0)) {
        url = next;
        continue;
      }
      return { kind: 'redirect', url, status: res.status, location: next } satisfies FetchTextResult;
    }
    if (!res.ok) {
      discard(res.body);
      return { kind: 'http-error', url, status: res.status } satisfies FetchTextResult;
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > options.maxBytes) {
      discard(res.body);
      return { kind: 'too-large', url, limit: options.maxBytes } satisfies FetchTextResult;
    }
    try {
      const body = await readLimited(res.body, options.maxBytes);
      if (!body.ok) return { kind: 'too-large', url, limit: options.maxBytes } satisfies FetchTextResult;
      return {
        kind: 'ok',
        url,
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        text: body.text,
        bytes: body.bytes,
      } satisfies FetchTextResult;
    } catch (err) {
      return { kind: 'network', url, reason: (err as Error).message } satisfies FetchTextResult;
    }
  }
}
