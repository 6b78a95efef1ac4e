import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tlpLabels } from '../../src/domain/tlp.js';
import { buildCsafDocument } from '../../src/features/advisories/csaf-export.js';
import { validateCsaf } from '../csaf/validator.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedTrackingWorld } from './tracking-support.js';

// Checked by the BSI's validator (strict schema, mandatory and recommended tests): test/csaf/validator.ts.
// Above TLP:CLEAR a document has no public canonical URL, so recommended test 6.2.11 is its one warning.
const noCanonicalUrl = ['optionalTest_6_2_11 /document/references: missing canonical url'];
type Doc = Awaited<ReturnType<typeof buildCsafDocument>> & Record<string, unknown>;

const HOUR = 3600_000;
const t1 = new Date('2026-11-02T09:00:00Z');
const t2 = new Date('2026-11-03T14:30:00Z');

let t: TestApp;
let admin: string;
let root: Awaited<ReturnType<typeof insertAdvisory>>;
let update: Awaited<ReturnType<typeof insertAdvisory>>;

beforeEach(async () => {
  t = await makeTestApp({ now: '2026-11-30T09:00:00Z' });
  await seedTrackingWorld(t);
  admin = await t.tokenFor('admin');
  root = await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0020',
    title: 'Example VPN flaw',
    summary: 'Patch Example VPN now.',
    body: '## What to do\n\nApply the fix.',
    severity: 'critical',
    tlp: 'AMBER+STRICT',
    cves: ['CVE-2026-12345', 'CVE-2026-22222'],
    references: ['https://vendor.example/advisory'],
    releasedAt: t1,
  });
  update = await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0021',
    kind: 'update',
    parentId: root.id,
    threadId: root.id,
    title: 'Example VPN flaw: fix released',
    tlp: 'AMBER+STRICT',
    state: 'sending',
    releasedBy: 'token:one',
    releasedAt: new Date(t2.getTime() - 2 * HOUR),
    needsSecondApproval: true,
    approvedBy: 'token:two',
    approvedAt: t2,
  });
  // A later draft in the same thread is not part of anyone's history yet.
  await insertAdvisory(t.db, {
    kind: 'update',
    parentId: update.id,
    threadId: root.id,
    state: 'draft',
    releasedAt: null,
  });
  await insertDelivery(t.db, { advisoryId: root.id, authorityCode: 'CRF' });
  await insertDelivery(t.db, { advisoryId: update.id, authorityCode: 'CRF' });
});
afterEach(() => t.close());

async function csaf(id: string, token: string = admin) {
  return t.call('GET', `/api/v1/advisories/${id}/csaf`, { token });
}

describe('the CSAF 2.0 export', () => {
  it('is valid, puts CVE ids in vulnerabilities, and names the lineage by its first reference', async () => {
    const res = await csaf(root.id);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    const findings = await validateCsaf(doc);
    expect(findings.errors).toEqual([]);
    expect(findings.warnings).toEqual(noCanonicalUrl);
    const d = doc.document;
    expect(d.category).toBe('council_security_advisory');
    expect(d.csaf_version).toBe('2.0');
    expect(d.title).toBe('Example VPN flaw');
    expect(d.publisher).toEqual({
      category: 'coordinator',
      name: 'Council cyber contacts',
      namespace: 'http://cyber-contacts.test',
    });
    expect(d.distribution.tlp.label).toBe('AMBER');
    expect(d.distribution.text).toMatch(/^TLP:AMBER\+STRICT /);
    expect(d.notes).toEqual([
      { category: 'summary', title: 'Summary', text: 'Patch Example VPN now.' },
      { category: 'description', title: 'Details', text: '## What to do\n\nApply the fix.' },
    ]);
    expect(d.references).toEqual([
      { category: 'external', summary: 'Reference', url: 'https://vendor.example/advisory' },
    ]);
    expect(doc.vulnerabilities?.map((v) => [v.cve, v.references[0]?.url])).toEqual([
      ['CVE-2026-12345', 'https://www.cve.org/CVERecord?id=CVE-2026-12345'],
      ['CVE-2026-22222', 'https://www.cve.org/CVERecord?id=CVE-2026-22222'],
    ]);
    expect(d.tracking).toEqual({
      id: 'NCSC-2026-0020',
      status: 'final',
      version: '1',
      initial_release_date: t1.toISOString(),
      current_release_date: t1.toISOString(),
      revision_history: [{ date: t1.toISOString(), number: '1', summary: 'Initial version.' }],
    });
    expect(doc).not.toHaveProperty('product_tree');
  });

  it('tracks an update as the next revision of the same document, interim while it is still being sent', async () => {
    const doc = (await (await csaf(update.id)).json()) as Doc;
    const findings = await validateCsaf(doc);
    expect(findings.errors).toEqual([]);
    expect(findings.warnings).toEqual(noCanonicalUrl);
    expect(doc.document.tracking).toEqual({
      id: 'NCSC-2026-0020',
      aliases: ['NCSC-2026-0021'],
      status: 'interim',
      version: '2',
      initial_release_date: t1.toISOString(),
      current_release_date: t2.toISOString(),
      revision_history: [
        { date: t1.toISOString(), number: '1', summary: 'Initial version.' },
        {
          date: t2.toISOString(),
          number: '2',
          summary: 'Update: NCSC-2026-0021: Example VPN flaw: fix released',
        },
      ],
    });
  });

  it('maps TLP 2.0 to the TLP 1.0 labels CSAF 2.0 allows; only CLEAR names a canonical URL', async () => {
    const expected = {
      CLEAR: 'WHITE',
      GREEN: 'GREEN',
      AMBER: 'AMBER',
      'AMBER+STRICT': 'AMBER',
      RED: 'RED',
    } as const;
    for (const tlp of tlpLabels) {
      const advisory = { ...root, tlp, cves: [], references: [] };
      const doc = buildCsafDocument(t.deps.config, advisory, [advisory]);
      expect(doc.document.category, tlp).toBe('csaf_informational_advisory');
      expect((await validateCsaf(doc)).errors, tlp).toEqual([]);
      expect(doc.document.distribution.tlp.label, tlp).toBe(expected[tlp]);
      expect(doc.document.distribution.text.startsWith(`TLP:${tlp} `), tlp).toBe(true);
      if (tlp === 'CLEAR')
        expect(doc.document.references).toEqual([
          {
            category: 'self',
            summary: 'This document (canonical URL)',
            url: 'http://cyber-contacts.test/.well-known/csaf/clear/2026/ncsc-2026-0020.json',
          },
          {
            category: 'external',
            summary: 'This advisory on the web',
            url: 'http://cyber-contacts.test/advisories/public/NCSC-2026-0020',
          },
        ]);
      else
        expect(doc.document.references).toEqual([
          {
            category: 'external',
            summary: 'Council cyber contacts, which issued this advisory',
            url: 'http://cyber-contacts.test/',
          },
        ]);
    }
  });

  it('is for admins and WARP operators within scope; 409 before the advisory has gone out', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const london = await t.tokenFor('warp', { warp: 'london' });
    const council = await t.tokenFor('council', { authority: 'CRF' });
    // An NCSC advisory to a Wales member: its WARP follows it, but TLP:AMBER+STRICT content stays within
    // the council (the WARP is not a recipient); a TLP:AMBER one it may read.
    expect((await csaf(root.id, wales)).status).toBe(404);
    const amber = await insertAdvisory(t.db, { tlp: 'AMBER', releasedAt: t1 });
    await insertDelivery(t.db, { advisoryId: amber.id, authorityCode: 'CRF' });
    expect((await csaf(amber.id, wales)).status).toBe(200);
    expect((await csaf(amber.id, london)).status).toBe(404);
    expect((await csaf(root.id, admin)).status).toBe(200);
    expect((await csaf(root.id, london)).status).toBe(404);
    expect((await csaf(root.id, council)).status).toBe(403);
    expect((await t.call('GET', `/api/v1/advisories/${root.id}/csaf`)).status).toBe(401);

    const draft = await insertAdvisory(t.db, { state: 'draft', releasedAt: null });
    expect((await csaf(draft.id)).status).toBe(409);
    const waiting = await insertAdvisory(t.db, { state: 'awaiting-approval', needsSecondApproval: true });
    expect((await csaf(waiting.id)).status).toBe(409);
  });
});
