// What the checks read over HTTP, served by msw at the edge: MTA-STS policy files, councils' security.txt,
// and the DNS-over-HTTPS resolver's JSON answers.
import { delay, HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dohResolver, txtData } from '../../src/adapters/resolver-doh.js';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import { parseConfig } from '../../src/config.js';
import { findingCodes } from '../../src/features/checks/findings.js';
import { checkMtaSts, mxMatches, parseMtaStsPolicy } from '../../src/features/checks/mta-sts.js';
import { checkSecurityTxt, parseSecurityTxt } from '../../src/features/checks/security-txt.js';
import { fixedClock } from '../../src/ports/clock.js';
import { useMsw } from '../support/msw.js';
import { goodZone, policyFile, servePolicy, serveSecurityTxt } from './support.js';

const D = 'example.gov.uk';
const server = useMsw();
const config = parseConfig({ PUBLIC_BASE_URL: 'http://cyber-contacts.test', CHECKS_HTTP_TIMEOUT_MS: '300' });
const deps = {
  config,
  fetch: (...a: Parameters<typeof fetch>) => fetch(...a),
  clock: fixedClock('2026-11-30T09:00:00Z'),
};
const mxHosts = [`mx1.${D}`, `mx2.${D}`];
const mtaSts = (zone = goodZone(D)) => checkMtaSts(deps, memoryResolver(zone), D, mxHosts);

describe('MTA-STS', () => {
  it('is ok for an enforced policy that covers every MX host', async () => {
    server.use(servePolicy(D));
    const result = await mtaSts();
    expect(result.severity).toBe('ok');
    expect(result.detail).toMatchObject({
      id: '20261130T090000',
      policy: { version: 'STSv1', mode: 'enforce', maxAge: 604800 },
    });
  });

  it('reports testing mode, mode none, a short max_age and a wrong content type as information', async () => {
    server.use(
      http.get(`https://mta-sts.${D}/.well-known/mta-sts.txt`, () =>
        HttpResponse.text(policyFile(D, 'testing').replace('604800', '3600'), {
          headers: { 'content-type': 'text/html' },
        }),
      ),
    );
    const result = await mtaSts();
    expect(result.severity).toBe('info');
    expect(findingCodes(result.detail).sort()).toEqual([
      'mta-sts-content-type',
      'mta-sts-short-max-age',
      'mta-sts-testing',
    ]);
    server.use(servePolicy(D, policyFile(D, 'none', [])));
    expect(findingCodes((await mtaSts()).detail)).toEqual(['mta-sts-mode-none']);
  });

  it('is critical when an enforced policy leaves out an MX host (senders will refuse it)', async () => {
    server.use(servePolicy(D, policyFile(D, 'enforce', [`mx1.${D}`])));
    const result = await mtaSts();
    expect(result.severity).toBe('critical');
    expect(findingCodes(result.detail)).toContain('mta-sts-mx-mismatch');
    expect(result.summary).toContain(`mx2.${D}`);
  });

  it('finds a missing record, a missing or redirected policy file, and an invalid policy', async () => {
    const none = await mtaSts({ ...goodZone(D), [`_mta-sts.${D}`]: { TXT: [] } });
    expect(none.severity).toBe('info');
    expect(findingCodes(none.detail)).toEqual(['mta-sts-missing']);

    server.use(servePolicy(D, 'not here', 404));
    expect(findingCodes((await mtaSts()).detail)).toEqual(['mta-sts-policy-unavailable']);

    server.use(
      http.get(`https://mta-sts.${D}/.well-known/mta-sts.txt`, () =>
        HttpResponse.redirect(`https://elsewhere.example/.well-known/mta-sts.txt`, 302),
      ),
    );
    const redirected = await mtaSts();
    expect(findingCodes(redirected.detail)).toEqual(['mta-sts-policy-unavailable']);
    expect(redirected.summary).toContain('redirect');

    server.use(servePolicy(D, 'version: STSv2\nmode: sometimes\n'));
    const invalid = await mtaSts();
    expect(invalid.severity).toBe('warning');
    expect(findingCodes(invalid.detail)).toEqual(['mta-sts-policy-invalid']);
  });

  it('refuses a policy file over the size limit while it streams', async () => {
    server.use(
      http.get(`https://mta-sts.${D}/.well-known/mta-sts.txt`, () => {
        const chunk = new TextEncoder().encode(`mx: ${'x'.repeat(1019)}\n`);
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(c) {
            sent++;
            if (sent > 200) c.close();
            else c.enqueue(chunk);
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'text/plain' } });
      }),
    );
    const result = await mtaSts();
    expect(findingCodes(result.detail)).toEqual(['mta-sts-policy-unavailable']);
    expect(result.summary).toContain('larger than 64 KiB');
  });

  it('is temporary when the policy host times out, fails, or its TXT lookup fails', async () => {
    server.use(
      http.get(`https://mta-sts.${D}/.well-known/mta-sts.txt`, async () => {
        await delay('infinite');
        return HttpResponse.text('');
      }),
    );
    expect((await mtaSts()).severity).toBe('temporary');
    server.use(http.get(`https://mta-sts.${D}/.well-known/mta-sts.txt`, () => HttpResponse.error()));
    expect((await mtaSts()).severity).toBe('temporary');
    server.use(servePolicy(D, 'busy', 503));
    expect((await mtaSts()).severity).toBe('temporary');
    expect((await mtaSts({ ...goodZone(D), [`_mta-sts.${D}`]: 'SERVFAIL' })).severity).toBe('temporary');
  });

  it('parses policies and matches wildcard mx patterns as RFC 8461 says', () => {
    expect(parseMtaStsPolicy(policyFile(D))).toMatchObject({
      mode: 'enforce',
      mx: [`mx1.${D}`, `*.${D}`],
      problems: [],
    });
    expect(mxMatches(`*.${D}`, `mx9.${D}`)).toBe(true);
    expect(mxMatches(`*.${D}`, `a.b.${D}`)).toBe(false);
    expect(mxMatches(`*.${D}`, D)).toBe(false);
  });
});

describe('security.txt of a council', () => {
  const registered = [`cyber@${D}`];
  const valid = (contact: string) =>
    `# Our security contact\nContact: ${contact}\nExpires: 2027-06-30T00:00:00Z\nPreferred-Languages: en\n`;

  it('is ok when it lists the registered mailbox', async () => {
    server.use(serveSecurityTxt(D, valid(`mailto:CYBER@${D}`)));
    const result = await checkSecurityTxt(deps, D, registered);
    expect(result.severity).toBe('ok');
    expect(result.detail).toMatchObject({ listsRegisteredMailbox: true });
    // Which mailbox it is, is never said: another council with a mailbox on this domain reads this too.
    expect(result.summary).not.toContain(`cyber@${D}`);
  });

  it('says so, as information only, when it lists another contact, has expired, or is missing', async () => {
    server.use(serveSecurityTxt(D, valid('https://example.gov.uk/report')));
    const other = await checkSecurityTxt(deps, D, registered);
    expect(other.severity).toBe('info');
    expect(findingCodes(other.detail)).toEqual(['security-txt-other-contact']);
    expect(other.summary).toContain('but no security mailbox registered with this service');
    expect(JSON.stringify(other)).not.toContain(`cyber@${D}`);

    server.use(serveSecurityTxt(D, valid(`mailto:cyber@${D}`).replace('2027-06-30', '2025-01-01')));
    expect(findingCodes((await checkSecurityTxt(deps, D, registered)).detail)).toContain(
      'security-txt-expired',
    );

    // RFC 9116 asks for an Expires less than a year ahead: one further ahead is said, as information.
    server.use(serveSecurityTxt(D, valid(`mailto:cyber@${D}`).replace('2027-06-30', '2028-06-30')));
    const far = await checkSecurityTxt(deps, D, registered);
    expect(findingCodes(far.detail)).toEqual(['security-txt-expires-far', 'security-txt-lists-mailbox']);
    expect(far.summary).toContain('more than a year ahead');

    server.use(serveSecurityTxt(D, null));
    const missing = await checkSecurityTxt(deps, D, registered);
    expect(missing.severity).toBe('info');
    expect(findingCodes(missing.detail)).toEqual(['security-txt-missing']);
  });

  it('follows an https redirect but not one to http', async () => {
    server.use(
      http.get(`https://${D}/.well-known/security.txt`, () =>
        HttpResponse.redirect(`https://www.${D}/.well-known/security.txt`, 301),
      ),
      serveSecurityTxt(`www.${D}`, valid(`mailto:cyber@${D}`)),
    );
    expect((await checkSecurityTxt(deps, D, registered)).severity).toBe('ok');
    server.use(
      http.get(`https://${D}/.well-known/security.txt`, () =>
        HttpResponse.redirect(`http://${D}/security.txt`, 301),
      ),
    );
    expect(findingCodes((await checkSecurityTxt(deps, D, registered)).detail)).toEqual([
      'security-txt-missing',
    ]);
  });

  it('parses a PGP clear-signed file', () => {
    const signed = [
      '-----BEGIN PGP SIGNED MESSAGE-----',
      'Hash: SHA256',
      '',
      `Contact: mailto:cyber@${D}`,
      '- Expires: 2027-01-01T00:00:00Z',
      '-----BEGIN PGP SIGNATURE-----',
      'Contact: mailto:not-this@example.org',
      '-----END PGP SIGNATURE-----',
    ].join('\n');
    expect(parseSecurityTxt(signed)).toMatchObject({ contacts: [`mailto:cyber@${D}`] });
    expect(parseSecurityTxt(signed).expires?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('the DNS-over-HTTPS resolver (JSON API)', () => {
  const DOH = 'https://doh.example.test/dns-query';
  const answers: Record<string, unknown> = {
    'example.gov.uk MX': {
      Status: 0,
      Answer: [{ name: 'example.gov.uk.', type: 15, data: '10 mx1.example.gov.uk.' }],
    },
    'example.gov.uk TXT': {
      Status: 0,
      Answer: [
        { name: 'example.gov.uk.', type: 16, data: '"v=spf1 ip4:192.0.2.0/24 " "-all"' },
        { name: 'example.gov.uk.', type: 16, data: 'google-site-verification=abc' },
      ],
    },
    'example.gov.uk A': { Status: 0, Answer: [] },
    'nx.example.gov.uk A': { Status: 3 },
    'alias.example.gov.uk A': {
      Status: 0,
      Answer: [
        { name: 'alias.example.gov.uk.', type: 5, data: 'real.example.gov.uk.' },
        { name: 'real.example.gov.uk.', type: 1, data: '192.0.2.9' },
      ],
    },
    'alias.example.gov.uk CNAME': {
      Status: 0,
      Answer: [{ name: 'alias.example.gov.uk.', type: 5, data: 'real.example.gov.uk.' }],
    },
    'null.example.gov.uk MX': {
      Status: 0,
      Answer: [{ name: 'null.example.gov.uk.', type: 15, data: '0 .' }],
    },
    'broken.example.gov.uk MX': { Status: 2 },
    'refused.example.gov.uk MX': { Status: 5 },
  };
  let asked: string[] = [];
  beforeAll(() => {
    asked = [];
  });
  const handler = http.get(DOH, ({ request }) => {
    const url = new URL(request.url);
    expect(request.headers.get('accept')).toBe('application/dns-json');
    const key = `${url.searchParams.get('name')} ${url.searchParams.get('type')}`;
    asked.push(key);
    if (key === 'slow.example.gov.uk MX') return delay('infinite').then(() => HttpResponse.json({}));
    if (key === 'http500.example.gov.uk MX') return new HttpResponse('oops', { status: 500 });
    return HttpResponse.json(answers[key] ?? { Status: 3 }, {
      headers: { 'content-type': 'application/dns-json' },
    });
  });
  const doh = () =>
    dohResolver({ url: DOH, fetch: (...a) => fetch(...a), timeoutMs: 200, tries: 2, backoffMs: () => 1 });
  afterAll(() => server.resetHandlers());

  it('answers found, NXDOMAIN and NODATA, and joins TXT strings', async () => {
    server.use(handler);
    const r = doh();
    expect(await r.resolveMx('example.gov.uk.')).toEqual({
      status: 'found',
      records: [{ priority: 10, exchange: 'mx1.example.gov.uk' }],
    });
    expect(await r.resolveTxt('example.gov.uk')).toEqual({
      status: 'found',
      records: ['v=spf1 ip4:192.0.2.0/24 -all', 'google-site-verification=abc'],
    });
    expect(await r.resolve4('example.gov.uk')).toEqual({ status: 'none', reason: 'nodata' });
    expect(await r.resolve4('nx.example.gov.uk')).toEqual({ status: 'none', reason: 'nxdomain' });
    expect(await r.resolve4('alias.example.gov.uk')).toEqual({ status: 'found', records: ['192.0.2.9'] });
    expect(await r.resolveCname('alias.example.gov.uk')).toEqual({
      status: 'found',
      records: ['real.example.gov.uk'],
    });
    expect(await r.resolveMx('null.example.gov.uk')).toEqual({
      status: 'found',
      records: [{ priority: 0, exchange: '' }],
    });
  });

  it('maps RCODE 2 (SERVFAIL, after retrying), RCODE 5, HTTP errors and timeouts to temporary', async () => {
    server.use(handler);
    const r = doh();
    asked = [];
    expect(await r.resolveMx('broken.example.gov.uk')).toEqual({ status: 'temporary', reason: 'SERVFAIL' });
    expect(asked.filter((k) => k === 'broken.example.gov.uk MX')).toHaveLength(2);
    expect(await r.resolveMx('refused.example.gov.uk')).toEqual({ status: 'temporary', reason: 'REFUSED' });
    expect(await r.resolveMx('http500.example.gov.uk')).toEqual({ status: 'temporary', reason: 'HTTP 500' });
    expect(await r.resolveMx('slow.example.gov.uk')).toEqual({ status: 'temporary', reason: 'timeout' });
  });

  it('reads TXT data quoted (Cloudflare) or bare (Google), with escapes', () => {
    expect(txtData('"v=DMARC1; p=reject; " "rua=mailto:d@example.gov.uk"')).toBe(
      'v=DMARC1; p=reject; rua=mailto:d@example.gov.uk',
    );
    expect(txtData('"say \\"hi\\" \\059"')).toBe('say "hi" ;');
    expect(txtData('v=spf1 -all')).toBe('v=spf1 -all');
  });
});
