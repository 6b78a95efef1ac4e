import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tlpLabels } from '../../src/domain/tlp.js';
import { buildCsafDocument } from '../../src/features/advisories/csaf-export.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedTrackingWorld } from './tracking-support.js';

// The parts of the CSAF 2.0 JSON schema (csaf_json_schema.json) this export uses, with their enums and
// patterns, plus the informational-advisory profile's rules (6.1.27.1–6.1.27.3).
const dateTime = z.iso.datetime({ offset: true });
const version = z.string().regex(/^(0|[1-9][0-9]*)$/);
const CsafInformational = z
  .object({
    document: z
      .object({
        category: z.literal('csaf_informational_advisory'),
        csaf_version: z.literal('2.0'),
        lang: z.string().regex(/^[a-zA-Z]{2,3}(-.+)?$/),
        title: z.string().min(1),
        publisher: z.object({
          category: z.enum(['coordinator', 'discoverer', 'other', 'translator', 'user', 'vendor']),
          name: z.string().min(1),
          namespace: z.url(),
        }),
        distribution: z.object({
          text: z.string().min(1),
          tlp: z.object({ label: z.enum(['RED', 'AMBER', 'GREEN', 'WHITE']), url: z.url() }),
        }),
        aggregate_severity: z.object({ text: z.string().min(1) }),
        notes: z
          .array(
            z.object({
              category: z.enum([
                'description',
                'details',
                'faq',
                'general',
                'legal_disclaimer',
                'other',
                'summary',
              ]),
              text: z.string().min(1),
              title: z.string().min(1),
            }),
          )
          .min(1)
          .refine((notes) =>
            notes.some((n) => ['description', 'details', 'general', 'summary'].includes(n.category)),
          ),
        references: z
          .array(
            z.object({ category: z.enum(['external', 'self']), summary: z.string().min(1), url: z.url() }),
          )
          .min(1)
          .refine((refs) => refs.some((r) => r.category === 'external')),
        tracking: z.object({
          id: z.string().regex(/^[\S](.*[\S])?$/),
          aliases: z.array(z.string().min(1)).min(1).optional(),
          status: z.enum(['draft', 'final', 'interim']),
          version,
          initial_release_date: dateTime,
          current_release_date: dateTime,
          revision_history: z
            .array(z.object({ date: dateTime, number: version, summary: z.string().min(1) }))
            .min(1),
        }),
      })
      .strict(),
  })
  .strict(); // no product_tree, and no vulnerabilities (forbidden in this profile)

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
  it('has every required field, the informational profile’s notes and references, and no vulnerabilities', async () => {
    const res = await csaf(root.id);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as z.infer<typeof CsafInformational>;
    expect(CsafInformational.safeParse(doc).error).toBeUndefined();
    const d = doc.document;
    expect(d.category).toBe('csaf_informational_advisory');
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
      { category: 'general', title: 'CVE identifiers', text: 'CVE-2026-12345, CVE-2026-22222' },
    ]);
    expect(d.references).toEqual([
      { category: 'external', summary: 'Reference', url: 'https://vendor.example/advisory' },
      {
        category: 'external',
        summary: 'The CVE record of CVE-2026-12345',
        url: 'https://www.cve.org/CVERecord?id=CVE-2026-12345',
      },
      {
        category: 'external',
        summary: 'The CVE record of CVE-2026-22222',
        url: 'https://www.cve.org/CVERecord?id=CVE-2026-22222',
      },
    ]);
    expect(d.tracking).toEqual({
      id: 'NCSC-2026-0020',
      status: 'final',
      version: '1',
      initial_release_date: t1.toISOString(),
      current_release_date: t1.toISOString(),
      revision_history: [{ date: t1.toISOString(), number: '1', summary: 'Initial version.' }],
    });
    expect(doc).not.toHaveProperty('vulnerabilities');
    expect(doc).not.toHaveProperty('product_tree');
  });

  it('tracks an update as the next version of its thread, interim while it is still being sent', async () => {
    const doc = (await (await csaf(update.id)).json()) as z.infer<typeof CsafInformational>;
    expect(CsafInformational.safeParse(doc).error).toBeUndefined();
    expect(doc.document.tracking).toEqual({
      id: 'NCSC-2026-0021',
      aliases: ['NCSC-2026-0020'],
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

  it('maps TLP 2.0 to the TLP 1.0 labels CSAF 2.0 allows, and always has an external reference', () => {
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
      expect(CsafInformational.safeParse(doc).error, tlp).toBeUndefined();
      expect(doc.document.distribution.tlp.label, tlp).toBe(expected[tlp]);
      expect(doc.document.distribution.text.startsWith(`TLP:${tlp} `), tlp).toBe(true);
      expect(doc.document.references.filter((r) => r.category === 'external')).toEqual([
        {
          category: 'external',
          summary: 'Council cyber contacts, which issued this advisory',
          url: 'http://cyber-contacts.test/',
        },
      ]);
      if (tlp === 'CLEAR')
        expect(doc.document.references).toContainEqual({
          category: 'self',
          summary: 'This advisory on the web',
          url: 'http://cyber-contacts.test/advisories/public/NCSC-2026-0020',
        });
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
