import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { authorityDomains } from '../../src/db/schema.js';
import { cliPrincipal } from '../../src/domain/principal.js';
import { AppError } from '../../src/errors.js';
import {
  buildNameIndex,
  normaliseAuthorityName,
  organisationNameFromNotes,
} from '../../src/features/authority-register/import-domain-match.js';
import { importDomains } from '../../src/features/authority-register/import-domains.js';
import { importRegister } from '../../src/features/authority-register/import-register.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { domainListJson, registerCsv } from '../support/msw.js';
import { auditOf, registerSnapshot } from './import-helpers.js';

const actor = { principal: cliPrincipal };
let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp();
  await importRegister(t.deps, actor, { content: registerCsv(), source: 'register.csv' });
  return () => t.close();
});

const importList = (content: string | Uint8Array = domainListJson()) =>
  importDomains(t.deps, actor, { content, source: 'user_domains.json' });

async function domainsOf(code: string) {
  const rows = await t.db.select().from(authorityDomains).where(eq(authorityDomains.authorityCode, code));
  return rows.map((r) => r.domain).sort();
}

describe('authority domains import from the shared domain list', () => {
  it('a dry run says which domains it would add and writes nothing', async () => {
    const before = await registerSnapshot(t.db);
    const report = await importDomains(
      t.deps,
      actor,
      { content: domainListJson(), source: 'user_domains.json' },
      { dryRun: true },
    );
    expect(report.dryRun).toBe(true);
    expect(report.added.length).toBeGreaterThan(300);
    expect(report.added).toContainEqual({ domain: 'cardiff.gov.uk', code: 'CRF' });
    expect(await registerSnapshot(t.db)).toEqual(before);
  });

  it('matches at least 98% of the local-authority entries and lists the unmatched with their notes', async () => {
    const report = await importList();
    expect(report.counts.entries).toBe(398);
    expect(report.counts.matched).toBe(393);
    expect(report.matchRate).toBeGreaterThanOrEqual(0.98);
    expect(report.counts).toMatchObject({ added: 393, alreadyPresent: 0, unmatched: 5 });
    expect(report.counts.skipped).toBe(508 - 398);
    expect(report.unmatched.map((u) => u.domain).sort()).toEqual([
      'cumbria-ca.gov.uk',
      'lakedistrict.gov.uk',
      'london-fire.gov.uk',
      'queenelizabetholympicpark.co.uk',
      'tfl.gov.uk',
    ]);
    const tfl = report.unmatched.find((u) => u.domain === 'tfl.gov.uk');
    expect(tfl?.notes).toMatch(/^Transport for London/);
    expect(tfl?.reason).toContain('"Transport for London"');
    expect(await t.db.select().from(authorityDomains)).toHaveLength(393);
  });

  it('matches names across the two lists’ spelling differences', async () => {
    await importList();
    expect(await domainsOf('ABE')).toEqual(['aberdeencity.gov.uk']); // "Aberdeen City"
    expect(await domainsOf('WOT')).toEqual(['adur-worthing.gov.uk']); // shared domain, note names Worthing
    expect(await domainsOf('ADU')).toEqual(['adur.gov.uk']);
    expect(await domainsOf('CMD')).toEqual(['camden.gov.uk']); // "Camden London Borough Council"
    expect(await domainsOf('STR')).toEqual(['stratford.gov.uk']); // Stratford-upon-Avon vs -on-
    expect(await domainsOf('SHN')).toEqual(['sthelens.gov.uk']); // St Helens vs St. Helens
    expect(await domainsOf('YOR')).toEqual(['york.gov.uk']); // "York, City of"
    expect(await domainsOf('SHE')).toEqual(['folkestone-hythe.gov.uk']); // former name, an alt-name
    expect(await domainsOf('GLA')).toEqual(['london.gov.uk']); // prose notes
    expect(await domainsOf('CMA')).toEqual(['cumbria.gov.uk']); // a former authority, named as such
    expect(await domainsOf('GRE')).toEqual(['greenwich.gov.uk', 'royalgreenwich.gov.uk']);
    const row = await t.db.query.authorityDomains.findFirst({
      where: and(
        eq(authorityDomains.authorityCode, 'ABE'),
        eq(authorityDomains.domain, 'aberdeencity.gov.uk'),
      ),
    });
    expect(row?.source).toBe('import');
  });

  it('a second import adds nothing and reports the domains as already present', async () => {
    await importList();
    const before = await registerSnapshot(t.db);
    const again = await importList();
    expect(again.changed).toBe(false);
    expect(again.counts).toMatchObject({ matched: 393, added: 0, alreadyPresent: 393, unmatched: 5 });
    const after = await registerSnapshot(t.db);
    expect(after.domains).toEqual(before.domains);
    expect(after.audit).toHaveLength(before.audit.length + 1);
    expect(await auditOf(t.db, 'register.domains-import')).toHaveLength(2);
  });

  it('never removes or changes domains an admin added', async () => {
    await t.db.insert(authorityDomains).values([
      { authorityCode: 'ABE', domain: 'aberdeencity.gov.uk', source: 'admin', createdAt: t.clock.now() },
      {
        authorityCode: 'ABE',
        domain: 'aberdeen-security.example',
        source: 'admin',
        createdAt: t.clock.now(),
      },
    ]);
    const report = await importList();
    expect(report.counts).toMatchObject({ added: 392, alreadyPresent: 1 });
    const rows = await t.db.select().from(authorityDomains).where(eq(authorityDomains.authorityCode, 'ABE'));
    expect(rows.map((r) => [r.domain, r.source]).sort()).toEqual([
      ['aberdeen-security.example', 'admin'],
      ['aberdeencity.gov.uk', 'admin'],
    ]);
  });

  it('writes one audit entry with the counts', async () => {
    const report = await importList();
    const entries = await auditOf(t.db, 'register.domains-import');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      subjectType: 'register',
      subjectId: report.id,
      after: { source: 'user_domains.json', counts: report.counts },
    });
  });

  it('ignores wildcards and other organisation types, and reports unusable domains', async () => {
    const list = {
      version: 'test',
      domains: [
        {
          domain_pattern: '*.gov.uk',
          organisation_type_id: 'local_authority',
          notes: 'Local authority: Leeds',
        },
        { domain_pattern: 'nhs.net', organisation_type_id: 'nhs', notes: 'Local authority: Leeds' },
        {
          domain_pattern: 'leeds.gov.uk',
          organisation_type_id: 'local_authority',
          notes: 'Local authority: Leeds City',
        },
        {
          domain_pattern: 'bad domain',
          organisation_type_id: 'local_authority',
          notes: 'Local authority: Leeds',
        },
        { domain_pattern: 'nowhere.gov.uk', organisation_type_id: 'local_authority', notes: null },
      ],
    };
    const report = await importList(JSON.stringify(list));
    expect(report.counts).toEqual({
      entries: 3,
      matched: 1,
      added: 1,
      alreadyPresent: 0,
      unmatched: 2,
      skipped: 2,
    });
    expect(report.added).toEqual([{ domain: 'leeds.gov.uk', code: 'LDS' }]);
    expect(report.unmatched).toEqual([
      {
        domain: 'bad domain',
        notes: 'Local authority: Leeds',
        reason: expect.stringMatching(/^not a usable domain/),
      },
      { domain: 'nowhere.gov.uk', notes: null, reason: 'the notes name no organisation' },
    ]);
  });

  it('refuses a file that is not the domain list, changing nothing', async () => {
    const before = await registerSnapshot(t.db);
    const cases: Array<[string | Uint8Array, string]> = [
      [registerCsv(), 'bad_request'],
      ['{"domains": ', 'bad_request'],
      ['{"version": "1"}', 'validation_failed'],
      ['', 'validation_failed'],
      [
        JSON.stringify({ domains: [{ domain_pattern: 'x.gov.uk', organisation_type_id: 'nhs' }] }),
        'validation_failed',
      ],
    ];
    for (const [content, code] of cases) {
      const err = await importList(content).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(err, String(content).slice(0, 30)).toBeInstanceOf(AppError);
      expect(err?.code).toBe(code);
    }
    expect(await registerSnapshot(t.db)).toEqual(before);
  });

  it('refuses to run against an empty register', async () => {
    const empty = await makeTestApp();
    const err = await importDomains(empty.deps, actor, { content: domainListJson(), source: 'x' }).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(err?.code).toBe('conflict');
    expect(err?.message).toMatch(/register is empty/);
    empty.close();
  });
});

describe('authority name matching', () => {
  it('normalises the ways the lists spell names', () => {
    expect(normaliseAuthorityName('Kingston upon Hull, City of')).toBe('kingston on hull');
    expect(normaliseAuthorityName('Brighton & Hove City Council')).toBe('brighton and hove');
    expect(normaliseAuthorityName('St. Helens Metropolitan Borough Council')).toBe('saint helens');
    expect(normaliseAuthorityName('Royal Borough of Greenwich')).toBe('greenwich');
    expect(normaliseAuthorityName('Camden London Borough Council')).toBe('camden');
    expect(normaliseAuthorityName('City of London')).toBe('london');
  });

  it('reads the organisation name from the notes', () => {
    expect(organisationNameFromNotes('Local authority: Aberdeen City')).toBe('Aberdeen City');
    expect(organisationNameFromNotes('Legacy local authority: Cumbria County Council (abolished 2023)')).toBe(
      'Cumbria County Council',
    );
    expect(organisationNameFromNotes('Greater London Authority (GLA), established by …')).toBe(
      'Greater London Authority',
    );
    expect(organisationNameFromNotes(null)).toBeNull();
  });

  it('prefers a current authority, then says when a name is ambiguous', () => {
    const index = buildNameIndex([
      { code: 'OLD', name: 'Durham City Council', shortName: 'Durham', altNames: null, current: false },
      {
        code: 'DUR',
        name: 'Durham County Council',
        shortName: 'County Durham',
        altNames: null,
        current: true,
      },
      { code: 'A1', name: 'Twin A', shortName: 'Twin', altNames: null, current: true },
      { code: 'A2', name: 'Twin B', shortName: 'Twin', altNames: null, current: true },
    ]);
    expect(index.match('Durham')).toEqual({ code: 'DUR', via: 'name' });
    expect(index.match('Twin')).toEqual({ code: null, reason: 'ambiguous', candidates: ['A1', 'A2'] });
    expect(index.match('Atlantis')).toEqual({ code: null, reason: 'no-match' });
  });
});
