// The DNS checks against the in-memory resolver: every MX, SPF, DMARC and TLS-RPT finding, and temporary
// failures that never count as "takes no mail".
import { describe, expect, it } from 'vitest';
import { memoryResolver, type Zones } from '../../src/adapters/resolver-memory.js';
import { checkDmarc, dmarcTreeWalk, parseDmarc } from '../../src/features/checks/dmarc.js';
import { findingCodes } from '../../src/features/checks/findings.js';
import { checkMx } from '../../src/features/checks/mx.js';
import { checkSpf, parseSpf } from '../../src/features/checks/spf.js';
import { checkTlsRpt } from '../../src/features/checks/tls-rpt.js';
import { goodZone } from './support.js';

const D = 'example.gov.uk';

describe('MX', () => {
  it('is ok when every MX host has an address', async () => {
    const mx = await checkMx(memoryResolver(goodZone(D)), D);
    expect(mx.result.severity).toBe('ok');
    expect(mx.hosts).toEqual([`mx1.${D}`, `mx2.${D}`]);
    expect(mx.takesNoMail).toBe(false);
    expect(mx.result.summary).toContain(`mx1.${D} and mx2.${D}`);
  });

  it('treats a null MX (MX 0 .) as taking no mail (RFC 7505)', async () => {
    const mx = await checkMx(memoryResolver({ [D]: { MX: ['0 .'], A: ['192.0.2.1'] } }), D);
    expect(mx.takesNoMail).toBe(true);
    expect(mx.result.severity).toBe('critical');
    expect(findingCodes(mx.result.detail)).toEqual(['null-mx']);
    expect(mx.result.summary).toContain('accepts no mail');
  });

  it('warns about a null MX beside real MX records, but mail still flows', async () => {
    const zone = { ...goodZone(D), [D]: { MX: ['0 .', `10 mx1.${D}`] } };
    const mx = await checkMx(memoryResolver(zone), D);
    expect(mx.takesNoMail).toBe(false);
    expect(findingCodes(mx.result.detail)).toContain('null-mx-mixed');
  });

  it('falls back to the implicit MX (RFC 5321 §5.1) when there is no MX but an address', async () => {
    const mx = await checkMx(memoryResolver({ [D]: { AAAA: ['2001:db8::1'] } }), D);
    expect(mx.takesNoMail).toBe(false);
    expect(mx.hosts).toEqual([D]);
    expect(mx.result.severity).toBe('warning');
    expect(findingCodes(mx.result.detail)).toEqual(['implicit-mx']);
    expect(mx.result.summary).toContain('2001:db8::1');
  });

  it('takes no mail when there is no MX and no address, or the domain does not exist', async () => {
    const nothing = await checkMx(memoryResolver({ [D]: { TXT: ['v=spf1 -all'] } }), D);
    expect(nothing.takesNoMail).toBe(true);
    expect(findingCodes(nothing.result.detail)).toEqual(['no-mail-host']);
    const missing = await checkMx(memoryResolver({}), D);
    expect(missing.takesNoMail).toBe(true);
    expect(findingCodes(missing.result.detail)).toEqual(['domain-not-found']);
  });

  it('finds an MX host that is an alias (CNAME)', async () => {
    const zone = {
      [D]: { MX: [`10 mail.${D}`] },
      [`mail.${D}`]: { CNAME: `real-mx.${D}` },
      [`real-mx.${D}`]: { A: ['192.0.2.30'] },
    };
    const mx = await checkMx(memoryResolver(zone), D);
    expect(mx.result.severity).toBe('warning');
    expect(findingCodes(mx.result.detail)).toEqual(['mx-cname']);
    expect(mx.result.summary).toContain(`Point the MX at real-mx.${D}`);
  });

  it('takes no mail when every exchange leads nowhere, and says which do not exist and which have no address', async () => {
    const none = await checkMx(
      memoryResolver({ [D]: { MX: [`10 gone.${D}`, `20 empty.${D}`] }, [`empty.${D}`]: { TXT: ['x'] } }),
      D,
    );
    expect(none.result.severity).toBe('critical');
    expect(findingCodes(none.result.detail)).toEqual(['mx-no-address']);
    expect(none.takesNoMail).toBe(true); // as for a null MX: nothing can be delivered
    expect(none.result.summary).toContain(`gone.${D} does not exist`);
    expect(none.result.summary).toContain(`empty.${D} has no address (neither A nor AAAA)`);

    const zone = { ...goodZone(D), [D]: { MX: [`10 mx1.${D}`, `20 gone.${D}`] } };
    const some = await checkMx(memoryResolver(zone), D);
    expect(some.result.severity).toBe('warning');
    expect(findingCodes(some.result.detail)).toEqual(['mx-some-no-address']);
    expect(some.takesNoMail).toBe(false);
  });

  it('follows an exchange that is an alias to its addresses: a warning, and mail still flows', async () => {
    const alias = await checkMx(
      memoryResolver({
        [D]: { MX: [`10 mail.${D}`] },
        [`mail.${D}`]: { CNAME: 'mx.provider.example' },
        'mx.provider.example': { A: ['192.0.2.25'] },
      }),
      D,
    );
    expect(alias.takesNoMail).toBe(false);
    expect(alias.result.severity).toBe('warning');
    expect(findingCodes(alias.result.detail)).toEqual(['mx-cname']);
    expect(alias.result.summary).toMatch(/alias \(CNAME\) for mx\.provider\.example; mail still reaches it/);

    const nowhere = await checkMx(
      memoryResolver({ [D]: { MX: [`10 mail.${D}`] }, [`mail.${D}`]: { CNAME: 'gone.provider.example' } }),
      D,
    );
    expect(nowhere.takesNoMail).toBe(true);
    expect(findingCodes(nowhere.result.detail)).toEqual(['mx-no-address', 'mx-cname']);
  });

  it('keeps an IP address as an exchange a finding, never proof that no mail is taken', async () => {
    const literal = await checkMx(memoryResolver({ [D]: { MX: ['10 192.0.2.25'] } }), D);
    expect(literal.takesNoMail).toBe(false);
    expect(findingCodes(literal.result.detail)).toContain('mx-ip-literal');
  });

  it('records SERVFAIL and timeouts as temporary, never as taking no mail', async () => {
    for (const failure of ['SERVFAIL', 'TIMEOUT', 'REFUSED'] as const) {
      const whole = await checkMx(memoryResolver({ [D]: failure }), D);
      expect(whole.result.severity).toBe('temporary');
      expect(whole.takesNoMail).toBe(false);
      expect(whole.result.summary).toContain('nothing has been marked unreachable');
    }
    const host = await checkMx(memoryResolver({ [D]: { MX: [`10 mx1.${D}`] }, [`mx1.${D}`]: 'TIMEOUT' }), D);
    expect(host.result.severity).toBe('temporary');
    const implicit = await checkMx(memoryResolver({ [D]: { MX: [], A: 'SERVFAIL' } }), D);
    expect(implicit.result.severity).toBe('temporary');
    expect(implicit.takesNoMail).toBe(false);
  });
});

describe('SPF', () => {
  const spf = (records: string[] | 'SERVFAIL', more: Zones = {}) =>
    checkSpf(
      memoryResolver({
        [D]: records === 'SERVFAIL' ? 'SERVFAIL' : { TXT: records, A: ['192.0.2.80'], MX: [`10 mx1.${D}`] },
        'spf.provider.example': { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] },
        '_spf.example.net': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
        ...more,
      }),
      D,
    );
  it.each([
    [['v=spf1 mx -all'], 'ok', 'spf-fail-all'],
    [['v=spf1 include:spf.provider.example ~all'], 'info', 'spf-softfail-all'],
    [['v=spf1 mx ?all'], 'warning', 'spf-neutral-all'],
    [['v=spf1 +all'], 'critical', 'spf-pass-all'],
    [['v=spf1 all'], 'critical', 'spf-pass-all'],
    [['v=spf1 mx'], 'warning', 'spf-no-all'],
    [['v=spf1 redirect=_spf.example.net'], 'ok', 'spf-fail-all'], // the redirect's -all is the policy
    [['v=spf1 mx -all', 'v=spf1 include:x.example ~all'], 'warning', 'spf-multiple'],
    [['google-site-verification=abc'], 'warning', 'spf-missing'],
    [[], 'warning', 'spf-missing'],
  ] as const)('%j → %s (%s)', async (records, severity, code) => {
    const result = await spf([...records]);
    expect(result.severity).toBe(severity);
    expect(findingCodes(result.detail)).toEqual([code]);
  });

  it('is temporary when a lookup fails for now, here or in an include', async () => {
    expect((await spf('SERVFAIL')).severity).toBe('temporary');
    const inner = await spf(['v=spf1 include:flaky.example -all'], { 'flaky.example': 'SERVFAIL' });
    expect(inner.severity).toBe('temporary');
  });

  it('follows a redirect to the policy it ends in, and says so', async () => {
    const result = await spf(['v=spf1 redirect=_spf.example.net']);
    expect(result.detail).toMatchObject({ effective: '-', chain: [D, '_spf.example.net'], lookups: 1 });
    expect(result.summary).toContain('through its redirect to _spf.example.net');
  });

  it('gives a permanent error for a missing redirect target, a loop, too many lookups or void lookups', async () => {
    const cases: Array<[string[], Zones, RegExp]> = [
      [
        ['v=spf1 redirect=nowhere.example'],
        {},
        /redirects to nowhere\.example, which publishes no SPF record/,
      ],
      [
        ['v=spf1 include:loop.example -all'],
        { 'loop.example': { TXT: [`v=spf1 include:${D} -all`] } },
        /in a loop/,
      ],
      [
        ['v=spf1 include:a1.example -all'],
        Object.fromEntries(
          Array.from({ length: 11 }, (_, i) => [
            `a${i + 1}.example`,
            { TXT: [i < 10 ? `v=spf1 include:a${i + 2}.example -all` : 'v=spf1 -all'] },
          ]),
        ),
        /more than 10 DNS lookups/,
      ],
      [
        ['v=spf1 a:gone1.example a:gone2.example a:gone3.example -all'],
        {},
        /more than 2 of its DNS lookups find nothing/,
      ],
      [
        ['v=spf1 include:nospf.example -all'],
        { 'nospf.example': { TXT: ['hello'] } },
        /includes nospf\.example, which publishes no SPF record/,
      ],
    ];
    for (const [records, zones, why] of cases) {
      const result = await spf(records, zones);
      expect(findingCodes(result.detail), records[0]).toEqual(['spf-permerror']);
      expect(result.summary).toMatch(why);
      expect(result.summary).toContain('receivers ignore your SPF');
    }
  });

  it('counts the lookups of a record that stays within the limits', async () => {
    const result = await spf([`v=spf1 a mx include:spf.provider.example ip4:192.0.2.0/24 -all`]);
    expect(result.detail).toMatchObject({ lookups: 3, voidLookups: 0, effective: '-' });
  });

  it('parses the all qualifier and redirect', () => {
    expect(parseSpf('v=spf1 ip4:192.0.2.0/24 -ALL')).toMatchObject({ all: '-' });
    expect(parseSpf('V=SPF1 redirect=_spf.Example.net')).toMatchObject({
      all: null,
      redirect: '_spf.example.net',
    });
  });
});

describe('DMARC', () => {
  const dmarc = (record: string | string[] | 'SERVFAIL' | null, extra = {}) =>
    checkDmarc(
      memoryResolver({
        ...(record === null
          ? {}
          : { [`_dmarc.${D}`]: record === 'SERVFAIL' ? 'SERVFAIL' : { TXT: [record].flat() } }),
        ...extra,
      }),
      D,
    );

  it('says in plain English that p=none blocks nothing', async () => {
    const result = await dmarc('v=DMARC1; p=none; rua=mailto:dmarc@example.gov.uk');
    expect(result.severity).toBe('warning');
    expect(result.summary).toBe(
      `Your domain ${D} publishes DMARC with p=none: spoofed mail is not blocked. Move to quarantine or reject.`,
    );
  });

  it.each([
    ['v=DMARC1; p=reject; rua=mailto:d@example.gov.uk', 'ok', ['dmarc-reject']],
    ['v=DMARC1; p=quarantine; rua=mailto:d@example.gov.uk', 'ok', ['dmarc-quarantine']],
    [
      'v=DMARC1; p=quarantine; pct=25; rua=mailto:d@example.gov.uk',
      'info',
      ['dmarc-pct', 'dmarc-quarantine'],
    ],
    ['v=DMARC1; p=reject', 'info', ['dmarc-no-rua', 'dmarc-reject']],
    ['v=DMARC1; p=bogus; rua=mailto:d@example.gov.uk', 'warning', ['dmarc-invalid']],
    ['v=DMARC1; rua=mailto:d@example.gov.uk', 'warning', ['dmarc-none']],
  ] as const)('%s → %s', async (record, severity, codes) => {
    const result = await dmarc(record);
    expect(result.severity).toBe(severity);
    expect(findingCodes(result.detail).sort()).toEqual([...codes].sort());
  });

  it('finds a missing record, several records, and a temporary failure', async () => {
    expect(findingCodes((await dmarc(null)).detail)).toEqual(['dmarc-missing']);
    expect(findingCodes((await dmarc(['v=DMARC1; p=reject', 'v=DMARC1; p=none'])).detail)).toEqual([
      'dmarc-multiple',
    ]);
    expect((await dmarc('SERVFAIL')).severity).toBe('temporary');
  });

  it('falls back to the organisational domain for a subdomain, using its sp=', async () => {
    const sub = `it.${D}`;
    const result = await checkDmarc(
      memoryResolver({
        [`_dmarc.${D}`]: { TXT: ['v=DMARC1; p=reject; sp=none; rua=mailto:d@example.gov.uk'] },
      }),
      sub,
    );
    expect(findingCodes(result.detail)).toEqual(['dmarc-none']);
    expect(result.detail).toMatchObject({ at: D, inherited: true });
    expect(dmarcTreeWalk('it.cardiff.gov.uk')).toEqual(['it.cardiff.gov.uk', 'cardiff.gov.uk', 'gov.uk']);
    expect(dmarcTreeWalk('mail.example.com')).toEqual(['mail.example.com', 'example.com']);
    expect(dmarcTreeWalk('cardiff.gov.uk')).toEqual(['cardiff.gov.uk', 'gov.uk']);
    // more than 8 labels: the domain, then its last 7 and up, 8 names at most
    expect(dmarcTreeWalk('a.b.c.d.e.f.g.h.i.example.gov.uk')).toEqual([
      'a.b.c.d.e.f.g.h.i.example.gov.uk',
      'f.g.h.i.example.gov.uk',
      'g.h.i.example.gov.uk',
      'h.i.example.gov.uk',
      'i.example.gov.uk',
      'example.gov.uk',
      'gov.uk',
    ]);
  });

  it('walks up the tree as DMARCbis does: two levels up, a missing record is a definite none, a failure is not', async () => {
    const deep = `cyber.it.${D}`;
    const resolver = memoryResolver({
      [`_dmarc.${D}`]: { TXT: ['v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.gov.uk'] },
    });
    const found = await checkDmarc(resolver, deep);
    expect(found.detail).toMatchObject({ at: D, inherited: true, policy: 'quarantine' });
    expect(resolver.queries.filter((q) => q.startsWith('TXT _dmarc.'))).toEqual([
      `TXT _dmarc.${deep}`,
      `TXT _dmarc.it.${D}`,
      `TXT _dmarc.${D}`,
    ]);
    const missing = await checkDmarc(memoryResolver({}), deep);
    expect(missing.severity).toBe('warning');
    expect(findingCodes(missing.detail)).toEqual(['dmarc-missing']);
    const failing = await checkDmarc(memoryResolver({ [`_dmarc.it.${D}`]: 'SERVFAIL' }), deep);
    expect(failing.severity).toBe('temporary');
  });

  it('parses tags case-insensitively and keeps the rua URIs', () => {
    expect(parseDmarc('v=DMARC1;P=Reject; pct=50 ; rua=mailto:a@x.example,mailto:b@y.example')).toMatchObject(
      {
        policy: 'reject',
        pct: 50,
        rua: ['mailto:a@x.example', 'mailto:b@y.example'],
      },
    );
  });
});

describe('TLS-RPT', () => {
  const tls = (zone: Parameters<typeof memoryResolver>[0]) => checkTlsRpt(memoryResolver(zone), D);
  it('is ok with a rua, info when missing, warning when invalid or doubled, temporary on SERVFAIL', async () => {
    expect((await tls(goodZone(D))).severity).toBe('ok');
    expect(findingCodes((await tls({})).detail)).toEqual(['tls-rpt-missing']);
    expect((await tls({})).severity).toBe('info');
    const invalid = await tls({ [`_smtp._tls.${D}`]: { TXT: ['v=TLSRPTv1; rua=ftp://x'] } });
    expect(findingCodes(invalid.detail)).toEqual(['tls-rpt-invalid']);
    const twice = await tls({
      [`_smtp._tls.${D}`]: { TXT: ['v=TLSRPTv1; rua=mailto:a@b.example', 'v=TLSRPTv1;'] },
    });
    expect(findingCodes(twice.detail)).toEqual(['tls-rpt-multiple']);
    expect((await tls({ [`_smtp._tls.${D}`]: 'TIMEOUT' })).severity).toBe('temporary');
  });
});
