// Previewing and holding register imports: a dry run says what a file would change (added, ended with
// successors, renamed …) and writes nothing; an import that would end or leave out more than
// REGISTER_MAX_CHANGE_SHARE of the current authorities, drop a nation's count, loop its successors or name
// unknown ones is held for an admin (202, nothing changed) until one approves it (applied then, against
// the register as it is) or refuses it; two decisions at once: one wins, the other gets 409.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, authorities } from '../../src/db/schema.js';
import { cliPrincipal } from '../../src/domain/principal.js';
import { importRegister } from '../../src/features/authority-register/import-register.js';
import { browser } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  editedCsv,
  englishCouncilsEnded,
  kentReorganised,
  registerSnapshot,
  registerTable,
  registerText,
  toCsv,
} from './import-helpers.js';

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp();
  await importRegister(t.deps, { principal: cliPrincipal }, { content: registerText(), source: 'shared' });
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

const { header, rows } = registerTable();
const col = (name: string) => header.indexOf(name);

const kentReorganisedLater = () => kentReorganised('2028-04-01');

const manyEnded = englishCouncilsEnded;

const post = (csv: string, query = '') =>
  t.call('POST', `/api/v1/register/imports${query}`, {
    token: admin,
    body: csv,
    headers: { 'content-type': 'text/csv' },
  });

describe('a dry run', () => {
  it('shows a reorganisation as a diff (ended with successors, added) and writes nothing', async () => {
    const before = await registerSnapshot(t.db);
    const res = await post(kentReorganisedLater(), '?dryRun=true');
    expect(res.status, await res.clone().text()).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({
      dryRun: true,
      held: null,
      changed: true,
      counts: { added: 2, ended: 0 },
    });
    // Vesting day is to come: the councils end on it (current until then), the unitaries are upcoming.
    expect(report.diff.ended).toEqual([]);
    expect(report.diff.ending).toHaveLength(13);
    expect(report.diff.added.every((a: { shadow: boolean }) => a.shadow)).toBe(true);
    expect(report.diff.ending.find((e: { code: string }) => e.code === 'KEN')).toMatchObject({
      name: 'Kent County Council',
      successors: ['KEW', 'KEE'],
    });
    expect(report.diff.added.map((a: { code: string }) => a.code).sort()).toEqual(['KEE', 'KEW']);
    expect(await registerSnapshot(t.db)).toEqual(before);
  });

  it('names renames, re-typings and region moves', async () => {
    const res = await post(
      editedCsv({
        CRF: { 'official-name': 'Cardiff City Council' },
        KEN: { region: 'London' },
      }),
      '?dryRun=true',
    );
    const { diff } = await res.json();
    expect(diff.renamed).toEqual([
      { code: 'CRF', from: 'City of Cardiff Council', to: 'Cardiff City Council' },
    ]);
    expect(diff.movedRegion).toEqual([
      { code: 'KEN', name: 'Kent County Council', from: 'South East', to: 'London' },
    ]);
  });

  it('says when the import would be held', async () => {
    const res = await post(manyEnded(60), '?dryRun=true');
    const report = await res.json();
    expect(report.held).toEqual({
      id: null,
      reasons: [
        'It would end 60 of the 397 current authorities, more than 10%.',
        'England would go from 332 current authorities to 272.',
      ],
    });
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, 'register.import-held'))).toEqual([]);
  });
});

describe('a change that looks wrong is held for an admin', () => {
  it('holds an import ending over a tenth of the councils (202, nothing changed), then applies it on approval', async () => {
    const before = await registerSnapshot(t.db);
    const res = await post(manyEnded(60));
    expect(res.status).toBe(202);
    const report = await res.json();
    expect(report.held.id).toEqual(expect.any(String));
    const after = await registerSnapshot(t.db);
    expect(after.authorities).toEqual(before.authorities);
    expect(after.audit.at(-1)).toMatchObject({ action: 'register.import-held', subjectId: report.held.id });

    const list = await (await t.call('GET', '/api/v1/register/held-imports', { token: admin })).json();
    expect(list.items[0]).toMatchObject({ id: report.held.id, state: 'held', summary: '60 ended' });

    const approved = await t.call('POST', `/api/v1/register/held-imports/${report.held.id}/approve`, {
      token: admin,
    });
    expect(approved.status, await approved.clone().text()).toBe(200);
    expect(await approved.json()).toMatchObject({ held: null, counts: { ended: 60 }, current: 337 });
    const again = await t.call('POST', `/api/v1/register/held-imports/${report.held.id}/approve`, {
      token: admin,
    });
    expect(again.status).toBe(409);
    const actions = (await t.db.select().from(auditLog)).map((a) => a.action);
    expect(actions.filter((a) => a === 'register.import-approved')).toHaveLength(1);
    expect(actions.filter((a) => a === 'register.import')).toHaveLength(2); // the first load, and this one
  });

  it('applies nothing of a refused import', async () => {
    const { held } = await (await post(manyEnded(60))).json();
    const refused = await t.call('POST', `/api/v1/register/held-imports/${held.id}/refuse`, { token: admin });
    expect(await refused.json()).toMatchObject({ state: 'refused' });
    const [row] = await t.db.select().from(authorities).where(eq(authorities.current, false));
    expect(row?.endDate ?? null).not.toBe('2026-03-31');
    expect(
      (await t.call('POST', `/api/v1/register/held-imports/${held.id}/approve`, { token: admin })).status,
    ).toBe(409);
  });

  it('two admins approving at once: one applies it, the other gets 409', async () => {
    const { held } = await (await post(manyEnded(60))).json();
    const second = await t.tokenFor('admin');
    const answers = await Promise.all(
      [admin, second].map((token) =>
        t.call('POST', `/api/v1/register/held-imports/${held.id}/approve`, { token }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const approvals = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'register.import-approved'));
    expect(approvals).toHaveLength(1);
  });

  it('holds a truncated file, one that drops a nation, loops successors or names unknown ones', async () => {
    const truncated = toCsv(header, rows.slice(0, 150));
    const noNI = toCsv(
      header,
      rows.filter((r) => r[col('nation')] !== 'Northern Ireland'),
    );
    const loop = editedCsv({
      CRF: { 'current-authority': 'False', 'replaced-by': 'NWP' },
      NWP: { 'current-authority': 'False', 'replaced-by': 'CRF' },
    });
    const unknown = editedCsv({ CRF: { 'current-authority': 'False', 'replaced-by': 'ZZZ' } });
    const reasons = async (csv: string) => {
      const res = await post(csv);
      expect(res.status).toBe(202);
      return ((await res.json()).held.reasons as string[]).join(' ');
    };
    expect(await reasons(truncated)).toMatch(/missing from the file .*truncated/);
    expect(await reasons(noNI)).toMatch(/Northern Ireland would go from 11 current authorities to 0/);
    expect(await reasons(loop)).toMatch(/successor links loop: (CRF → NWP → CRF|NWP → CRF → NWP)/);
    expect(await reasons(unknown)).toMatch(/Successors named .*: ZZZ/);
  });

  it('a reorganisation within the share is applied at once', async () => {
    const res = await post(kentReorganisedLater());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ held: null, counts: { added: 2, ended: 0 } });
  });

  it('only an admin may see or decide held imports', async () => {
    const { held } = await (await post(manyEnded(60))).json();
    const warp = await t.tokenFor('warp', { warp: 'wales' }).catch(() => null);
    const council = await t.tokenFor('council', { authority: 'CRF' });
    for (const token of [council, ...(warp ? [warp] : [])]) {
      expect((await t.call('GET', '/api/v1/register/held-imports', { token })).status).toBe(403);
      expect(
        (await t.call('POST', `/api/v1/register/held-imports/${held.id}/approve`, { token })).status,
      ).toBe(403);
    }
    expect((await t.call('GET', '/api/v1/register/held-imports')).status).toBe(401);
  });
});

describe('the Approvals page', () => {
  it('lists a held import with why, and applies or refuses it', async () => {
    const first = (await (await post(manyEnded(60))).json()).held.id as string;
    const admin = browser(t);
    await admin.signInAs(t.deps, { role: 'admin' });
    const page = await admin.get('/admin/approvals');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Register imports held for a decision');
    expect(page.html).toContain('It would end 60 of the 397 current authorities, more than 10%.');
    expect(page.html).toContain(`/admin/approvals/register/${first}/approve`);
    const applied = await admin.send(`/admin/approvals/register/${first}/approve`);
    expect(applied.redirectedTo).toBe('/admin/approvals?done=register-applied');
    expect(applied.html).toContain('The held register import has been applied.');
    expect(applied.html).not.toContain('Register imports held for a decision');
    expect(await t.db.select().from(authorities).where(eq(authorities.current, true))).toHaveLength(337);

    const second = (await (await post(manyEnded(120))).json()).held.id as string;
    await admin.get('/admin/approvals');
    const refused = await admin.send(`/admin/approvals/register/${second}/refuse`);
    expect(refused.html).toContain('nothing of it was applied');
    expect(await t.db.select().from(authorities).where(eq(authorities.current, true))).toHaveLength(337);
    // Deciding again: the page says why not.
    const again = await admin.send(`/admin/approvals/register/${second}/approve`);
    expect(again.status).toBe(409);
    expect(again.html).toContain('govuk-error-summary');
  });

  it('a WARP operator’s session cannot see or decide them', async () => {
    const held = (await (await post(manyEnded(60))).json()).held.id as string;
    const operator = browser(t);
    await operator.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    expect((await operator.get('/admin/approvals')).status).toBe(403);
    await operator.get('/advisories');
    expect((await operator.submit(`/admin/approvals/register/${held}/approve`)).status).toBe(403);
  });
});
