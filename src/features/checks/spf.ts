// The SPF check (RFC 7208), evaluated as a receiver would, not just read: exactly one `v=spf1` record,
// `include:` and `redirect=` followed, every DNS-querying term counted (at most 10 lookups, at most 2 that
// find nothing: beyond either, receivers give a permanent error and ignore SPF), loops and missing
// targets found, and the effective policy shown: how the record (or the one it redirects to) ends —
// `-all` (fail anything else), `~all` (soft fail), `?all` (neutral) or `+all` (anyone may send as the
// domain). A lookup that fails for now leaves the answer open (temporary).
import type { Resolver } from '../../ports/resolver.js';
import { type CheckResult, checkResult, type Finding, finding } from './findings.js';

export interface SpfRecord {
  record: string;
  /** The `all` mechanism's qualifier, or null when the record has none. */
  all: '+' | '-' | '~' | '?' | null;
  redirect: string | null;
}

export const isSpf = (txt: string) => /^v=spf1(\s|$)/i.test(txt.trim());

export function parseSpf(record: string): SpfRecord {
  const terms = record.trim().split(/\s+/).slice(1);
  let all: SpfRecord['all'] = null;
  let redirect: string | null = null;
  for (const term of terms) {
    const m = /^([+\-~?]?)all$/i.exec(term);
    if (m) all = (m[1] || '+') as SpfRecord['all'];
    const r = /^redirect=(.+)$/i.exec(term);
    if (r) redirect = r[1]!.toLowerCase();
  }
  return { record: record.trim(), all, redirect };
}

/** RFC 7208 §4.6.4: at most 10 terms that query DNS, and at most 2 of those finding nothing. */
export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;

class PermError extends Error {}
class TempError extends Error {}

interface Evaluation {
  lookups: number;
  voidLookups: number;
  /** The names whose records were read, in order (the domain, its includes and redirects). */
  chain: string[];
}

const hasMacro = (spec: string) => spec.includes('%');

/** The one SPF record at a name: permerror for none (when it must exist) or for several. */
async function recordAt(resolver: Resolver, name: string, why: string): Promise<string> {
  const txt = await resolver.resolveTxt(name);
  if (txt.status === 'temporary') throw new TempError(`the TXT records of ${name}: ${txt.reason}`);
  const records = txt.status === 'found' ? txt.records.filter(isSpf) : [];
  if (records.length === 0) throw new PermError(`${why} ${name}, which publishes no SPF record`);
  if (records.length > 1) throw new PermError(`${name} publishes ${records.length} SPF records`);
  return records[0]!;
}

/**
 * Evaluates one record as far as DNS goes, counting lookups; returns the effective `all` (through
 * redirect=, which applies only when the record has no `all`).
 */
async function evaluate(
  resolver: Resolver,
  name: string,
  record: string,
  state: Evaluation,
  seen: Set<string>,
): Promise<SpfRecord['all']> {
  const count = () => {
    state.lookups++;
    if (state.lookups > SPF_LOOKUP_LIMIT)
      throw new PermError(`evaluating it takes more than ${SPF_LOOKUP_LIMIT} DNS lookups`);
  };
  const voided = () => {
    state.voidLookups++;
    if (state.voidLookups > SPF_VOID_LIMIT)
      throw new PermError(`more than ${SPF_VOID_LIMIT} of its DNS lookups find nothing`);
  };
  const lookup = async (ask: () => ReturnType<Resolver['resolve4']>, what: string) => {
    const answer = await ask();
    if (answer.status === 'temporary') throw new TempError(`${what}: ${answer.reason}`);
    if (answer.status === 'none') voided();
  };
  const spf = parseSpf(record);
  for (const term of record.trim().split(/\s+/).slice(1)) {
    const t = term.replace(/^[+\-~?]/, '').toLowerCase();
    const [mechanism, spec] = t.includes(':')
      ? [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)]
      : [t.split('/')[0]!, ''];
    if (mechanism === 'include') {
      count();
      if (!spec) throw new PermError('an include: without a domain');
      if (hasMacro(spec)) continue; // evaluated per message; counted, not followed
      if (seen.has(spec)) throw new PermError(`it includes ${spec} in a loop`);
      const included = await recordAt(resolver, spec, 'it includes').catch((err) => {
        if (err instanceof PermError && /publishes no SPF record/.test(err.message)) voided();
        throw err;
      });
      state.chain.push(spec);
      await evaluate(resolver, spec, included, state, new Set([...seen, spec]));
    } else if (mechanism === 'a') {
      count();
      const target = spec.split('/')[0] || name;
      if (!hasMacro(target)) await lookup(() => resolver.resolve4(target), `the address of ${target}`);
    } else if (mechanism === 'mx') {
      count();
      const target = spec.split('/')[0] || name;
      if (!hasMacro(target)) {
        const mx = await resolver.resolveMx(target);
        if (mx.status === 'temporary') throw new TempError(`the MX of ${target}: ${mx.reason}`);
        if (mx.status === 'none') voided();
      }
    } else if (mechanism === 'ptr' || mechanism === 'exists') count();
  }
  if (spf.all || !spf.redirect) return spf.all;
  count();
  if (seen.has(spf.redirect)) throw new PermError(`it redirects to ${spf.redirect} in a loop`);
  if (hasMacro(spf.redirect)) return null;
  const target = await recordAt(resolver, spf.redirect, 'it redirects to');
  state.chain.push(spf.redirect);
  return evaluate(resolver, spf.redirect, target, state, new Set([...seen, spf.redirect]));
}

const allFinding = (domain: string, all: SpfRecord['all'], via: string): Finding => {
  switch (all) {
    case '-':
      return finding(
        'spf-fail-all',
        'ok',
        `${domain} publishes SPF ending in -all${via}: mail from other servers fails.`,
      );
    case '~':
      return finding(
        'spf-softfail-all',
        'info',
        `${domain} publishes SPF ending in ~all${via} (soft fail): mail from servers it does not list is marked but usually still delivered. Move to -all once you are sure the list is complete.`,
      );
    case '?':
      return finding(
        'spf-neutral-all',
        'warning',
        `${domain} publishes SPF ending in ?all${via} (neutral): it says nothing about servers it does not list, so it gives no protection. End it in -all.`,
      );
    case '+':
      return finding(
        'spf-pass-all',
        'critical',
        `${domain} publishes SPF ending in +all${via}: any server in the world may send mail as your domain. Replace +all with -all now.`,
      );
    default:
      return finding(
        'spf-no-all',
        'warning',
        `${domain} publishes SPF without an “all” at the end${via}, which receivers read as ?all (neutral): no protection for servers it does not list. End it in -all.`,
      );
  }
};

export async function checkSpf(resolver: Resolver, domain: string): Promise<CheckResult> {
  const later = (reason: string) =>
    checkResult(
      'spf',
      [
        finding(
          'dns-temporary',
          'temporary',
          `We could not evaluate the SPF record of ${domain} just now (${reason}). We will try again.`,
        ),
      ],
      { error: reason },
    );
  const txt = await resolver.resolveTxt(domain);
  if (txt.status === 'temporary') return later(txt.reason);
  const records = txt.status === 'found' ? txt.records.filter(isSpf) : [];
  if (records.length === 0)
    return checkResult('spf', [
      finding(
        'spf-missing',
        'warning',
        `${domain} publishes no SPF record, so receivers cannot tell which servers may send mail in its name. Publish one TXT record listing your mail services and ending in -all, e.g. “v=spf1 include:… -all”.`,
      ),
    ]);
  if (records.length > 1)
    return checkResult(
      'spf',
      [
        finding(
          'spf-multiple',
          'warning',
          `${domain} publishes ${records.length} SPF records. RFC 7208 allows only one, so receivers treat SPF as an error and ignore it. Merge them into a single record.`,
        ),
      ],
      { records },
    );
  const spf = parseSpf(records[0]!);
  const state: Evaluation = { lookups: 0, voidLookups: 0, chain: [domain] };
  const detail = (extra: Record<string, unknown>) => ({
    record: spf.record,
    redirect: spf.redirect,
    lookups: state.lookups,
    voidLookups: state.voidLookups,
    chain: state.chain,
    ...extra,
  });
  try {
    const all = await evaluate(resolver, domain, spf.record, state, new Set([domain]));
    const via =
      !spf.all && spf.redirect ? ` (through its redirect to ${state.chain.slice(1).join(' → ')})` : '';
    return checkResult('spf', [allFinding(domain, all, via)], detail({ all, effective: all }));
  } catch (err) {
    if (err instanceof TempError) return later(err.message);
    if (!(err instanceof PermError)) throw err;
    return checkResult(
      'spf',
      [
        finding(
          'spf-permerror',
          'warning',
          `The SPF record of ${domain} cannot be evaluated: ${err.message}. RFC 7208 makes that a permanent error, so receivers ignore your SPF. Fix the record.`,
        ),
      ],
      detail({ all: spf.all, effective: null, error: err.message }),
    );
  }
}
