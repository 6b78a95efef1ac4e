// Set-up for fan-out tests: councils in WARPs with confirmed mailboxes, and advisories made through the API.
import { expect } from 'vitest';
import { mailboxes } from '../../src/db/schema.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import type { TestApp } from '../support/app.js';
import { FACTORY_TIME, insertAuthority, insertWarp } from '../support/factories.js';

export interface Council {
  code: string;
  warp: string;
}

/** `perWarp` councils in each of the given WARPs, each with a confirmed primary and secondary mailbox. */
export async function seedFanOut(t: TestApp, warps = ['wales', 'london'], perWarp = 3) {
  const councils: Council[] = [];
  for (const warp of warps) {
    await insertWarp(t.db, { id: warp, name: `${warp} WARP`, region: warp });
    for (let i = 0; i < perWarp; i++) {
      const code = `${warp.slice(0, 2).toUpperCase()}${i}`;
      await insertAuthority(t.db, { code, name: `${warp} council ${i}`, region: warp, warpId: warp });
      councils.push({ code, warp });
      for (const kind of ['primary', 'secondary'] as const) {
        await t.db.insert(mailboxes).values({
          id: `${code}-${kind}`,
          authorityCode: code,
          address: `${kind}@${code.toLowerCase()}.gov.uk`,
          kind,
          team: 'Security',
          phone: '029 2087 2000',
          state: 'confirmed',
          needsApproval: false,
          looksPersonal: false,
          createdBy: 'test',
          createdAt: FACTORY_TIME,
          updatedAt: FACTORY_TIME,
          confirmedAt: FACTORY_TIME,
        });
      }
    }
  }
  return councils;
}

export const advisoryBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Actively exploited VPN vulnerability',
  summary: 'Patch the VPN appliance today.',
  body: 'Apply the **vendor fix**. See the advisory.',
  severity: 'high',
  tlp: 'AMBER',
  cves: ['CVE-2026-12345'],
  references: ['https://www.ncsc.gov.uk/'],
  audience: { all: true },
  test: false,
  ...overrides,
});

export async function createAdvisory(t: TestApp, token: string, overrides: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/api/v1/advisories', { token, body: advisoryBody(overrides) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; state: string; reference: string };
}

export async function drain(t: TestApp, overrides = {}) {
  return drainDeliveries(t.deps, dispatchOptions(t.deps, { concurrency: 4, ...overrides }));
}
