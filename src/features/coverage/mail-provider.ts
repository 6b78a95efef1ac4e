// Who runs a mail server, from its MX host name: the big hosted providers by the names they give their
// customers' MX hosts, anyone else by the registrable domain of the host (the organisation that runs it).
// Two mailboxes delivered by the same provider are one contact path, not two (see contact-paths.ts).

export interface MailProvider {
  /** Compared to decide "same provider": `microsoft-365`, `google`, … or a registrable domain. */
  key: string;
  /** What people read: "Microsoft 365", or the registrable domain. */
  name: string;
  /** Microsoft 365's tenant label (`kent-gov-uk` in kent-gov-uk.mail.protection.outlook.com), for the words. */
  tenant?: string;
}

/** Hosted providers, by the ends of their customers' MX host names. */
const hosted: Array<{ key: string; name: string; ends: string[] }> = [
  { key: 'microsoft-365', name: 'Microsoft 365', ends: ['.mail.protection.outlook.com', '.outlook.com'] },
  { key: 'google', name: 'Google', ends: ['.google.com', '.googlemail.com'] },
  { key: 'mimecast', name: 'Mimecast', ends: ['.mimecast.com', '.mimecast.co.uk'] },
  { key: 'proofpoint', name: 'Proofpoint', ends: ['.pphosted.com', '.ppe-hosted.com'] },
  { key: 'broadcom', name: 'Broadcom (Symantec)', ends: ['.messagelabs.com', '.symanteccloud.com'] },
];

/** Second-level labels under a country code under which names are registered (gov.uk, co.uk …). */
const secondLevel = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'gov',
  'ltd',
  'me',
  'mod',
  'net',
  'nhs',
  'org',
  'plc',
  'police',
  'sch',
]);

/** kent.gov.uk for mx1.kent.gov.uk; example.com for mx.eu.example.com: the last two labels, or three. */
export function registrableDomain(host: string): string {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.').filter(Boolean);
  const tld = labels.at(-1) ?? '';
  const sld = labels.at(-2) ?? '';
  const take = tld.length === 2 && secondLevel.has(sld) ? 3 : 2;
  return labels.slice(-take).join('.');
}

/** The provider of one MX host. */
export function mailProviderOf(hostName: string): MailProvider {
  const host = hostName.toLowerCase().replace(/\.$/, '');
  for (const p of hosted) {
    const end = p.ends.find((e) => host === e.replace(/^\./, '') || host.endsWith(e));
    if (!end) continue;
    const provider: MailProvider = { key: p.key, name: p.name };
    if (p.key === 'microsoft-365' && host.endsWith('.mail.protection.outlook.com'))
      provider.tenant = host.slice(0, -'.mail.protection.outlook.com'.length);
    return provider;
  }
  const domain = registrableDomain(host);
  return { key: domain, name: domain };
}
