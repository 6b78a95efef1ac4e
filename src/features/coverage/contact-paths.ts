// Independence of a council's contact paths (pure: the query is in contact-paths-query.ts). The NCSC must
// reach a council when its own systems are under attack and its mail may be down, so two mailboxes that
// depend on the same mail servers are ONE path, not two. Two confirmed mailboxes are one path when:
//   - their domains are the same;
//   - their MX sets share a host (or the alias a host points to);
//   - their MX sets share an address (different names, same machines);
//   - their MX hosts are run by the same provider (mail-provider.ts). A provider's outage, or a compromise
//     of a tenant the council shares between its domains, takes every mailbox it delivers at once: being on
//     different host names of one provider does not make the paths independent.
// The relation is closed transitively (union-find). A mailbox whose domain has no definite MX result yet
// (never checked, or only temporary failures) is a path of its own, flagged "not yet checked": we cannot
// tell what it shares. A confirmed mobile (SMS) depends on no mail server: it is a path of its own.
// A council is resilient when it has two or more paths known to be independent of each other.

import { listWords } from '../checks/findings.js';
import { type MailProvider, mailProviderOf } from './mail-provider.js';

/** The detail `checkMx` stores: a normal result, or an implicit MX (the domain's own addresses). */
export interface MxDetail {
  records?: Array<{ priority: number; exchange: string }>;
  hosts?: Array<{ host: string; addresses: string[]; cname: string | null }>;
  implicit?: boolean;
  addresses?: string[];
}

export interface PathMailbox {
  id: string;
  address: string;
  kind: string;
  /** The mailbox's domain, lower-case. */
  domain: string;
}

export interface PathMobile {
  id: string;
  label: string;
  /** The number as shown: "number ending 123" (the whole number is not needed to judge the path). */
  shown: string;
}

/** What the paths of one council are built from. */
export interface PathInputs {
  /** Confirmed mailboxes that do not bounce. */
  mailboxes: PathMailbox[];
  /** The latest definite MX result of each domain; absent (or null) when there is none yet. */
  mx: ReadonlyMap<string, MxDetail | null>;
  /** Confirmed mobiles that are not unreachable. */
  mobiles: PathMobile[];
}

export interface ContactPath {
  channel: 'email' | 'sms';
  mailboxes: PathMailbox[];
  mobile: PathMobile | null;
  /** The providers delivering the path's mail (none for SMS or a path not yet checked). */
  providers: Array<{ name: string; hosts: string[] }>;
  /** A mailbox in it has a domain whose mail servers we have not been able to check yet. */
  notYetChecked: boolean;
  /** Why its mailboxes are one path, in words ("delivered by Microsoft 365 (…)"); empty for one mailbox. */
  sharing: string[];
  /** What it is, in words: "cyber@kent.gov.uk and ooh@kent.gov.uk, delivered by Microsoft 365 (…)". */
  description: string;
}

export type PathFindingCode = 'no-path' | 'single-path' | 'no-independent-path' | 'not-yet-checked';

export interface PathFinding {
  code: PathFindingCode;
  /** `warning` when the council cannot be reached if one thing fails; `info` for the rest. */
  severity: 'warning' | 'info';
  message: string;
  /** What the council can do about it. */
  action: string;
}

export interface ContactPaths {
  paths: ContactPath[];
  /** The most paths known to be independent of each other. */
  independent: number;
  resilient: boolean;
  findings: PathFinding[];
}

export const addMobileOrProvider = 'add an out-of-hours mobile or a mailbox on another provider';

interface MailServers {
  hosts: string[];
  addresses: string[];
  providers: MailProvider[];
}

const ipLiteral = /^(\d{1,3}\.){3}\d{1,3}$|:/;

/** The hosts, addresses and providers of a stored MX result. */
export function mailServersOf(domain: string, mx: MxDetail): MailServers {
  const hosts = new Set<string>();
  const addresses = new Set<string>(mx.implicit ? (mx.addresses ?? []) : []);
  if (mx.implicit) hosts.add(domain);
  for (const r of mx.records ?? []) {
    const exchange = r.exchange.toLowerCase().replace(/\.$/, '');
    if (!exchange) continue;
    if (ipLiteral.test(exchange)) addresses.add(exchange);
    else hosts.add(exchange);
  }
  for (const h of mx.hosts ?? []) {
    hosts.add(h.host.toLowerCase());
    if (h.cname) hosts.add(h.cname.toLowerCase().replace(/\.$/, ''));
    for (const a of h.addresses) addresses.add(a);
  }
  const providers = new Map<string, MailProvider>();
  for (const h of hosts) {
    const p = mailProviderOf(h);
    if (!providers.has(p.key)) providers.set(p.key, p);
  }
  return { hosts: [...hosts].sort(), addresses: [...addresses].sort(), providers: [...providers.values()] };
}

/** Union-find over indices. */
function disjointSets(n: number) {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  return { find, union };
}

const hostsOfProvider = (servers: MailServers[], key: string) =>
  [...new Set(servers.flatMap((s) => s.hosts.filter((h) => mailProviderOf(h).key === key)))].sort();

/** What the mailboxes of one path share, in words, strongest reason first. */
function sharingWords(members: PathMailbox[], servers: Array<MailServers | null>): string[] {
  if (members.length < 2) return [];
  const words: string[] = [];
  const domains = new Set(members.map((m) => m.domain));
  if (domains.size < members.length) {
    const repeated = [...domains].filter((d) => members.filter((m) => m.domain === d).length > 1);
    words.push(`on the same domain (${listWords(repeated)})`);
  }
  const checked = servers.filter((s): s is MailServers => s !== null);
  const shared = <T>(lists: T[][]): T[] =>
    [...new Set(lists.flat())].filter((x) => lists.filter((l) => l.includes(x)).length > 1);
  const providerKeys = shared(checked.map((s) => s.providers.map((p) => p.key)));
  for (const key of providerKeys) {
    const name = checked.flatMap((s) => s.providers).find((p) => p.key === key)?.name ?? key;
    words.push(`delivered by ${name} (${listWords(hostsOfProvider(checked, key))})`);
  }
  if (providerKeys.length === 0) {
    const hosts = shared(checked.map((s) => s.hosts));
    if (hosts.length) words.push(`delivered by the same mail server (${listWords(hosts)})`);
    const addresses = shared(checked.map((s) => s.addresses));
    if (addresses.length && hosts.length === 0)
      words.push(`delivered to the same mail server address (${listWords(addresses)})`);
  }
  return words;
}

function describeMailPath(path: Omit<ContactPath, 'description'>): string {
  const who = listWords(path.mailboxes.map((m) => m.address));
  if (path.notYetChecked && path.providers.length === 0) return `${who} (mail servers not yet checked)`;
  const by = path.providers.map((p) => `${p.name} (${listWords(p.hosts)})`);
  return by.length ? `${who}, delivered by ${listWords(by)}` : who;
}

const maskedNumber = (m: PathMobile) => `${m.label} (${m.shown})`;

/** A council's contact paths, how many are independent, and what to do about it. */
export function contactPaths(input: PathInputs): ContactPaths {
  const boxes = [...input.mailboxes].sort(
    (a, b) => kindOrder(a.kind) - kindOrder(b.kind) || a.address.localeCompare(b.address),
  );
  const servers = boxes.map((m) => {
    const mx = input.mx.get(m.domain);
    return mx ? mailServersOf(m.domain, mx) : null;
  });
  const sets = disjointSets(boxes.length);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++)
      if (samePath(boxes[i]!, servers[i]!, boxes[j]!, servers[j]!)) sets.union(i, j);

  const groups = new Map<number, number[]>();
  boxes.forEach((_, i) => {
    const root = sets.find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  const mailPaths: ContactPath[] = [...groups.values()].map((members) => {
    const ms = members.map((i) => boxes[i]!);
    const ss = members.map((i) => servers[i] ?? null);
    const checked = ss.filter((s): s is MailServers => s !== null);
    const providerKeys = [...new Set(checked.flatMap((s) => s.providers.map((p) => p.key)))];
    const path: Omit<ContactPath, 'description'> = {
      channel: 'email',
      mailboxes: ms,
      mobile: null,
      providers: providerKeys.map((key) => ({
        name: checked.flatMap((s) => s.providers).find((p) => p.key === key)?.name ?? key,
        hosts: hostsOfProvider(checked, key),
      })),
      notYetChecked: ss.some((s) => s === null),
      sharing: sharingWords(ms, ss),
    };
    return { ...path, description: describeMailPath(path) };
  });
  const smsPaths: ContactPath[] = input.mobiles.map((mobile) => ({
    channel: 'sms',
    mailboxes: [],
    mobile,
    providers: [],
    notYetChecked: false,
    sharing: [],
    description: `Text message to ${maskedNumber(mobile)}: does not depend on your mail`,
  }));
  const paths = [...mailPaths, ...smsPaths];

  // An SMS path is independent of everything else. Checked mail paths are independent of each other; a
  // path not yet checked is independent only of the SMS paths (it may share what the others use).
  const checkedMail = mailPaths.filter((p) => !p.notYetChecked).length;
  const uncheckedMail = mailPaths.length - checkedMail;
  const independent = smsPaths.length + (checkedMail > 0 ? checkedMail : uncheckedMail > 0 ? 1 : 0);
  const resilient = independent >= 2;
  return { paths, independent, resilient, findings: findingsOf(mailPaths, smsPaths, resilient) };
}

function kindOrder(kind: string): number {
  return kind === 'primary' ? 0 : kind === 'secondary' ? 1 : 2;
}

function samePath(a: PathMailbox, sa: MailServers | null, b: PathMailbox, sb: MailServers | null): boolean {
  if (a.domain === b.domain) return true;
  if (!sa || !sb) return false;
  if (sa.hosts.some((h) => sb.hosts.includes(h))) return true;
  if (sa.addresses.some((x) => sb.addresses.includes(x))) return true;
  return sa.providers.some((p) => sb.providers.some((q) => q.key === p.key));
}

function findingsOf(mail: ContactPath[], sms: ContactPath[], resilient: boolean): PathFinding[] {
  const findings: PathFinding[] = [];
  const unchecked = [
    ...new Set(mail.filter((p) => p.notYetChecked).flatMap((p) => p.mailboxes.map((m) => m.domain))),
  ];
  if (mail.length + sms.length === 0)
    findings.push({
      code: 'no-path',
      severity: 'warning',
      message: 'no confirmed path: the council has no confirmed mailbox and no confirmed mobile',
      action:
        'register and confirm a mailbox, then add an out-of-hours mobile or a mailbox on another provider',
    });
  else if (!resilient) {
    const only = mail.length === 1 && sms.length === 0 ? mail[0]! : null;
    if (only && only.mailboxes.length > 1 && only.sharing.length > 0) {
      const n = only.mailboxes.length;
      findings.push({
        code: 'single-path',
        severity: 'warning',
        message: `single path: ${n === 2 ? 'both' : `all ${n}`} mailboxes are ${listWords(only.sharing)}`,
        action: addMobileOrProvider,
      });
    } else if (unchecked.length === 0 || mail.length + sms.length < 2)
      findings.push({
        code: 'no-independent-path',
        severity: 'warning',
        message: `no independent path: ${addMobileOrProvider}`,
        action: addMobileOrProvider,
      });
  }
  if (unchecked.length)
    findings.push({
      code: 'not-yet-checked',
      severity: 'info',
      message: `not yet checked: we have not yet been able to check the mail servers of ${listWords(unchecked)}, so we cannot tell whether ${unchecked.length === 1 ? 'it shares' : 'they share'} them with your other paths`,
      action: 'nothing: we check mail domains every day',
    });
  return findings;
}
