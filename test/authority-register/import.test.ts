import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorities, authoritySuccessors, warps } from '../../src/db/schema.js';
import { cliPrincipal } from '../../src/domain/principal.js';
import { AppError } from '../../src/errors.js';
import { importRegister } from '../../src/features/authority-register/import-register.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { domainListJson, registerCsv } from '../support/msw.js';
import {
  auditOf,
  editedCsv,
  registerSnapshot,
  registerTable,
  registerText,
  toCsv,
} from './import-helpers.js';

const actor = { principal: cliPrincipal };
let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const run = (content: string | Uint8Array, source = 'test.csv') =>
  importRegister(t.deps, actor, { content, source });

async function refusal(content: string | Uint8Array) {
  const err = await run(content).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('register import: the shared CSV into an empty register', () => {
  it('adds 470 authorities, 397 current and 73 former', async () => {
    const report = await run(registerText());
    expect(report).toMatchObject({
      source: 'test.csv',
      changed: true,
      counts: { added: 470, updated: 0, ended: 0, unchanged: 0, rejected: 0 },
      rejected: [],
      current: 397,
      former: 73,
    });
    expect(report.id).toMatch(/^[0-9a-z]{26}$/);
    const rows = await t.db.select().from(authorities);
    expect(rows).toHaveLength(470);
    expect(rows.filter((r) => r.current)).toHaveLength(397);
  });

  it('keeps each kept column, and ended authorities point at their successors', async () => {
    await run(registerText());
    const cumbria = await t.db.query.authorities.findFirst({ where: eq(authorities.code, 'CMA') });
    expect(cumbria).toMatchObject({
      name: 'Cumbria County Council',
      shortName: 'Cumbria',
      gss: 'E10000006',
      nation: 'England',
      region: 'North West',
      type: 'CTY',
      typeName: 'County',
      endDate: '2023-04-01',
      replacedBy: ['CBD', 'WAF'],
      current: false,
    });
    const successors = await t.db
      .select({ successor: authoritySuccessors.successor })
      .from(authoritySuccessors)
      .where(eq(authoritySuccessors.code, 'CMA'));
    expect(successors.map((s) => s.successor).sort()).toEqual(['CBD', 'WAF']);
    expect(await t.db.select().from(authoritySuccessors)).toHaveLength(
      registerTable().rows.reduce((n, r) => n + (r[6] ? r[6].split(',').length : 0), 0),
    );

    const cardiff = await t.db.query.authorities.findFirst({ where: eq(authorities.code, 'CRF') });
    expect(cardiff).toMatchObject({
      name: 'City of Cardiff Council',
      shortName: 'Cardiff',
      gss: 'W06000015',
      current: true,
      endDate: null,
      replacedBy: [],
      warpId: 'wales',
    });
    expect(cardiff?.altNames).toContain('Caerdydd');
    const district = await t.db.query.authorities.findFirst({ where: eq(authorities.code, 'ALL') });
    expect(district?.county).toBe('CMA');
  });

  it('puts each new authority in its region’s default WARP, and creates the default WARPs', async () => {
    await run(registerText());
    const ids = (await t.db.select({ id: warps.id }).from(warps)).map((w) => w.id).sort();
    expect(ids).toContain('london');
    expect(ids).toContain('northern-ireland');
    expect(ids).toHaveLength(12);
    const byCode = new Map((await t.db.select().from(authorities)).map((a) => [a.code, a]));
    expect(byCode.get('BIR')?.warpId).toBe('west-midlands');
    expect(byCode.get('ABD')?.warpId).toBe('scotland');
    // A former authority with no region in the file joins no WARP.
    expect(byCode.get('POL')?.region).toBe('');
    expect(byCode.get('POL')?.warpId).toBeNull();
  });

  it('writes one audit entry for the whole import, with the counts', async () => {
    const report = await run(registerText());
    const entries = await auditOf(t.db, 'register.import');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'cli',
      subjectType: 'register',
      subjectId: report.id,
      after: { source: 'test.csv', counts: report.counts },
    });
  });
});

describe('register import: a second import', () => {
  it('of the same file changes nothing, says so, and leaves updatedAt where it was', async () => {
    await run(registerText());
    const before = await registerSnapshot(t.db);
    t.clock.advance(86_400_000);
    const again = await run(registerText());
    expect(again).toMatchObject({
      changed: false,
      counts: { added: 0, updated: 0, ended: 0, unchanged: 470, rejected: 0 },
      current: 397,
      former: 73,
    });
    const after = await registerSnapshot(t.db);
    expect(after.authorities).toEqual(before.authorities);
    expect(after.successors).toEqual(before.successors);
    expect(after.warps).toEqual(before.warps);
    // One audit entry per import, nothing else.
    expect(after.audit).toHaveLength(before.audit.length + 1);
    expect((await auditOf(t.db, 'register.import')).map((a) => a.subjectId)).toEqual([
      before.audit.at(-1)?.subjectId,
      again.id,
    ]);
  });

  it('reports a changed row as updated and touches only that row', async () => {
    await run(registerText());
    const before = await registerSnapshot(t.db);
    t.clock.advance(60_000);
    const report = await run(editedCsv({ BIR: { 'official-name': 'Birmingham City Council (renamed)' } }));
    expect(report.counts).toEqual({ added: 0, updated: 1, ended: 0, unchanged: 469, rejected: 0 });
    expect(report.changed).toBe(true);
    const after = await registerSnapshot(t.db);
    const changed = after.authorities.filter(
      (a, i) => JSON.stringify(a) !== JSON.stringify(before.authorities[i]),
    );
    expect(changed.map((a) => a.code)).toEqual(['BIR']);
    expect(changed[0]).toMatchObject({ name: 'Birmingham City Council (renamed)', updatedAt: t.clock.now() });
  });

  it('reports an authority that becomes former as ended, with its successors', async () => {
    await run(registerText());
    const report = await run(
      editedCsv({
        CRF: { 'current-authority': 'False', 'end-date': '2026-04-01', 'replaced-by': 'NWP,VGL' },
      }),
    );
    expect(report.counts).toMatchObject({ ended: 1, updated: 0, unchanged: 469 });
    expect(report).toMatchObject({ current: 396, former: 74 });
    const cardiff = await t.db.query.authorities.findFirst({ where: eq(authorities.code, 'CRF') });
    expect(cardiff).toMatchObject({ current: false, endDate: '2026-04-01', replacedBy: ['NWP', 'VGL'] });
    const successors = await t.db
      .select()
      .from(authoritySuccessors)
      .where(eq(authoritySuccessors.code, 'CRF'));
    expect(successors.map((s) => s.successor).sort()).toEqual(['NWP', 'VGL']);
  });

  it('keeps an authority whose end date is still to come current until then (the calendar ends it)', async () => {
    await run(registerText());
    const report = await run(
      editedCsv({
        CRF: { 'current-authority': 'False', 'end-date': '2027-04-01', 'replaced-by': 'NWP,VGL' },
      }),
    );
    expect(report.counts).toMatchObject({ ended: 0, updated: 1 });
    expect(report.diff.ending).toEqual([
      { code: 'CRF', name: 'City of Cardiff Council', endDate: '2027-04-01', successors: ['NWP', 'VGL'] },
    ]);
    expect(report).toMatchObject({ current: 397, former: 73 });
    const cardiff = await t.db.query.authorities.findFirst({ where: eq(authorities.code, 'CRF') });
    expect(cardiff).toMatchObject({ current: true, endDate: '2027-04-01', replacedBy: ['NWP', 'VGL'] });
  });

  it('replaces a changed successor list without leaving stale successors', async () => {
    await run(registerText());
    await run(editedCsv({ CMA: { 'replaced-by': 'CBD' } }));
    const successors = await t.db
      .select()
      .from(authoritySuccessors)
      .where(eq(authoritySuccessors.code, 'CMA'));
    expect(successors.map((s) => s.successor)).toEqual(['CBD']);
  });

  it('never moves an existing authority back to its default WARP (admins move members)', async () => {
    await run(registerText());
    await t.db.update(authorities).set({ warpId: 'london' }).where(eq(authorities.code, 'BIR'));
    await run(editedCsv({ BIR: { 'nice-name': 'Brum' } }));
    const bir = await t.db.query.authorities.findFirst({ where: eq(authorities.code, 'BIR') });
    expect(bir).toMatchObject({ shortName: 'Brum', warpId: 'london' });
  });

  it('never deletes an authority that is missing from the file', async () => {
    await run(registerText());
    const { header, rows } = registerTable();
    const report = await run(toCsv(header, rows.slice(0, 10)));
    expect(report.counts).toMatchObject({ unchanged: 10, added: 0 });
    expect(await t.db.select().from(authorities)).toHaveLength(470);
  });
});

describe('register import: rejected rows', () => {
  it('reports invalid rows with their CSV line numbers and applies the rest', async () => {
    const { header, rows } = registerTable();
    const some = rows.slice(0, 6).map((r) => [...r]);
    const col = (n: string) => header.indexOf(n);
    some[1]![col('nation')] = 'Atlantis'; // line 3
    some[3]![col('end-date')] = '31/03/2023'; // line 5
    some[4]![col('local-authority-code')] = some[0]![col('local-authority-code')]!; // line 6: duplicate
    const report = await run(toCsv(header, some));
    expect(report.counts).toEqual({ added: 3, updated: 0, ended: 0, unchanged: 0, rejected: 3 });
    expect(report.rejected).toEqual([
      { line: 3, code: rows[1]![0], reason: expect.stringContaining('nation') },
      { line: 5, code: rows[3]![0], reason: expect.stringContaining('end-date must be a date') },
      { line: 6, code: rows[0]![0], reason: expect.stringContaining('first seen on line 2') },
    ]);
    expect(await t.db.select().from(authorities)).toHaveLength(3);
  });

  it('rejects a row with the wrong number of fields', async () => {
    const text = registerText().split('\n');
    text[2] = `${text[2]},extra`;
    const report = await run(text.join('\n'));
    expect(report.counts).toMatchObject({ added: 469, rejected: 1 });
    expect(report.rejected[0]).toMatchObject({ line: 3, reason: expect.stringContaining('fields') });
  });
});

describe('register import: a file that is not the register is refused and changes nothing', () => {
  const png = new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
  ]);
  const cases: Array<[string, () => string | Uint8Array, string, RegExp]> = [
    [
      'missing required columns',
      () => registerText().replace('local-authority-code,official-name', 'code,official-name'),
      'validation_failed',
      /lacks the column local-authority-code/,
    ],
    ['a PNG image', () => png, 'bad_request', /not UTF-8 text/],
    ['JSON', () => domainListJson(), 'bad_request', /looks like JSON/],
    ['an empty file', () => '', 'validation_failed', /empty/],
    ['only blank lines', () => '\n\n  \n', 'validation_failed', /empty/],
    ['a header and no rows', () => `${registerText().split('\n')[0]}\n`, 'validation_failed', /no rows/],
    ['unclosed quotes', () => `${registerText()}"ABC,broken\n`, 'bad_request', /Quote Not Closed/i],
    [
      'no valid row at all',
      () => {
        const { header, rows } = registerTable();
        const i = header.indexOf('current-authority');
        return toCsv(
          header,
          rows.map((r) => r.map((v, j) => (j === i ? 'Maybe' : v))),
        );
      },
      'validation_failed',
      /None of the 470 rows/,
    ],
  ];

  /** A small register to start from: enough to see that nothing moves. */
  const someRows = () => {
    const { header, rows } = registerTable();
    return toCsv(header, rows.slice(0, 20));
  };

  it.each(cases)('%s', async (_name, content, code, message) => {
    await run(someRows());
    const before = await registerSnapshot(t.db);
    const err = await refusal(content());
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(await registerSnapshot(t.db)).toEqual(before);
  });

  it('a file larger than IMPORT_LIMIT_BYTES', async () => {
    await run(someRows());
    const before = await registerSnapshot(t.db);
    const small = await importRegister(
      { ...t.deps, config: { ...t.deps.config, IMPORT_LIMIT_BYTES: 10_000 } },
      actor,
      {
        content: registerCsv(),
        source: 'big.csv',
      },
    ).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(small?.code).toBe('payload_too_large');
    expect(small?.message).toMatch(/limited to 9\.8 KiB/);
    expect(await registerSnapshot(t.db)).toEqual(before);
  });

  it('into an empty register, leaves it empty', async () => {
    await refusal(png);
    expect(await t.db.select().from(authorities)).toHaveLength(0);
    expect(await t.db.select().from(warps)).toHaveLength(0);
  });
});
