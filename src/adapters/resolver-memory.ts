// An in-memory resolver over a zone map, for tests and local runs: a name missing from the map is
// NXDOMAIN, a type missing from a name is NODATA, a CNAME is followed for other types (as a recursive
// resolver does), and 'SERVFAIL' / 'TIMEOUT' / 'REFUSED' stand for temporary failures.
import {
  type DnsAnswer,
  found,
  type MxRecord,
  nodata,
  normaliseName,
  nxdomain,
  type Resolver,
  temporary,
} from '../ports/resolver.js';

export type DnsFailure = 'SERVFAIL' | 'TIMEOUT' | 'REFUSED';

export interface ZoneRecords {
  /** `"10 mx.example.gov.uk"`, `"0 ."` (null MX) or `{ priority, exchange }`. */
  MX?: Array<string | MxRecord> | DnsFailure;
  TXT?: string[] | DnsFailure;
  A?: string[] | DnsFailure;
  AAAA?: string[] | DnsFailure;
  CNAME?: string | DnsFailure;
}

export type Zones = Record<string, ZoneRecords | DnsFailure>;

const failures = new Set<string>(['SERVFAIL', 'TIMEOUT', 'REFUSED']);
const isFailure = (v: unknown): v is DnsFailure => typeof v === 'string' && failures.has(v);

function mx(record: string | MxRecord): MxRecord {
  if (typeof record !== 'string')
    return { priority: record.priority, exchange: normaliseName(record.exchange) };
  const [priority, exchange] = record.trim().split(/\s+/);
  return { priority: Number(priority), exchange: normaliseName(exchange ?? '') };
}

export function memoryResolver(initial: Zones = {}) {
  const zones = new Map<string, ZoneRecords | DnsFailure>();
  const queries: string[] = [];
  const set = (name: string, records: ZoneRecords | DnsFailure | undefined) => {
    if (records === undefined) zones.delete(normaliseName(name));
    else zones.set(normaliseName(name), records);
  };
  for (const [name, records] of Object.entries(initial)) set(name, records);

  function lookup<T>(
    rawName: string,
    type: Exclude<keyof ZoneRecords, 'CNAME'>,
    convert: (v: string | MxRecord) => T,
  ): DnsAnswer<T> {
    let name = normaliseName(rawName);
    queries.push(`${type} ${name}`);
    for (let hops = 0; hops < 8; hops++) {
      const entry = zones.get(name);
      if (entry === undefined) return nxdomain;
      if (isFailure(entry)) return temporary(entry);
      if (entry.CNAME !== undefined) {
        if (isFailure(entry.CNAME)) return temporary(entry.CNAME);
        name = normaliseName(entry.CNAME);
        continue;
      }
      const value = entry[type];
      if (isFailure(value)) return temporary(value);
      if (!value || value.length === 0) return nodata;
      return found((value as Array<string | MxRecord>).map(convert));
    }
    return temporary('CNAME loop');
  }

  const resolver: Resolver = {
    resolveMx: async (n) => lookup(n, 'MX', mx),
    resolveTxt: async (n) => lookup(n, 'TXT', (v) => String(v)),
    resolve4: async (n) => lookup(n, 'A', (v) => String(v)),
    resolve6: async (n) => lookup(n, 'AAAA', (v) => String(v)),
    resolveCname: async (n) => {
      const name = normaliseName(n);
      queries.push(`CNAME ${name}`);
      const entry = zones.get(name);
      if (entry === undefined) return nxdomain;
      if (isFailure(entry)) return temporary(entry);
      if (isFailure(entry.CNAME)) return temporary(entry.CNAME);
      return entry.CNAME ? found([normaliseName(entry.CNAME)]) : nodata;
    },
  };
  return Object.assign(resolver, {
    /** Every query asked, as "TYPE name". */
    queries,
    /** Replaces (or with undefined removes) a name's records. */
    set,
  });
}

export type MemoryResolver = ReturnType<typeof memoryResolver>;
