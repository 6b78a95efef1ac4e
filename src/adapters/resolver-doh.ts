// DNS-over-HTTPS through fetch, so it runs on Workers too: the JSON API (`application/dns-json`) that
// Cloudflare and Google serve at their RFC 8484 endpoints. RCODE 3 is a definite "no such name", RCODE 2
// (SERVFAIL), 5 (REFUSED), an HTTP error or a timeout is temporary and is retried up to `tries` times.
import {
  type DnsAnswer,
  found,
  nodata,
  normaliseName,
  nxdomain,
  type Resolver,
  temporary,
} from '../ports/resolver.js';

export interface DohOptions {
  url: string;
  fetch: typeof fetch;
  timeoutMs: number;
  tries: number;
  /** Pause before retry n (ms); a short backoff by default. */
  backoffMs?: (attempt: number) => number;
}

const types = { A: 1, CNAME: 5, MX: 15, TXT: 16, AAAA: 28 } as const;
type RrType = keyof typeof types;

interface DohJson {
  Status: number;
  Answer?: Array<{ name: string; type: number; data: string }>;
}

/** A TXT record's data as DoH JSON shows it: `"a" "b"` (Cloudflare) or the bare text (Google). */
export function txtData(data: string): string {
  const text = data.trim();
  if (!text.startsWith('"')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++;
      continue;
    }
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) {
        const digits = /^\d{3}/.exec(text.slice(i + 1));
        if (digits) {
          out += String.fromCharCode(Number(digits[0]));
          i += 4;
        } else {
          out += text[i + 1];
          i += 2;
        }
        continue;
      }
      out += text[i];
      i++;
    }
    i++;
  }
  return out;
}

export function dohResolver(options: DohOptions): Resolver {
  const backoff = options.backoffMs ?? ((n: number) => 100 * 2 ** (n - 1));

  async function once(name: string, type: RrType): Promise<DnsAnswer<string> | { retry: string }> {
    const url = new URL(options.url);
    url.searchParams.set('name', name);
    url.searchParams.set('type', type);
    let body: DohJson;
    try {
      const res = await options.fetch(url, {
        headers: { accept: 'application/dns-json' },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!res.ok) return { retry: `HTTP ${res.status}` };
      body = (await res.json()) as DohJson;
    } catch (err) {
      const e = err as Error;
      return { retry: e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : e.message };
    }
    if (typeof body?.Status !== 'number') return { retry: 'malformed answer' };
    if (body.Status === 3) return nxdomain;
    if (body.Status === 2) return { retry: 'SERVFAIL' };
    if (body.Status === 5) return temporary('REFUSED');
    if (body.Status !== 0) return temporary(`RCODE ${body.Status}`);
    const wanted = types[type];
    const records = (body.Answer ?? [])
      .filter((a) => a.type === wanted && (type !== 'CNAME' || normaliseName(a.name) === name))
      .map((a) => String(a.data));
    return records.length ? found(records) : nodata;
  }

  async function query(rawName: string, type: RrType): Promise<DnsAnswer<string>> {
    const name = normaliseName(rawName);
    let reason = 'no answer';
    for (let attempt = 1; attempt <= Math.max(1, options.tries); attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, backoff(attempt - 1)));
      const result = await once(name, type);
      if (!('retry' in result)) return result;
      reason = result.retry;
    }
    return temporary(reason);
  }

  const map = <T>(a: DnsAnswer<string>, f: (s: string) => T | null): DnsAnswer<T> => {
    if (a.status !== 'found') return a;
    const records = a.records.map(f).filter((r): r is T => r !== null);
    return records.length ? found(records) : nodata;
  };

  return {
    resolveMx: async (n) =>
      map(await query(n, 'MX'), (data) => {
        const [priority, exchange] = data.trim().split(/\s+/);
        if (priority === undefined || exchange === undefined || !/^\d+$/.test(priority)) return null;
        return { priority: Number(priority), exchange: normaliseName(exchange) };
      }),
    resolveTxt: async (n) => map(await query(n, 'TXT'), txtData),
    resolve4: async (n) => map(await query(n, 'A'), (d) => d.trim()),
    resolve6: async (n) => map(await query(n, 'AAAA'), (d) => d.trim()),
    resolveCname: async (n) => map(await query(n, 'CNAME'), normaliseName),
  };
}
