// Shared set-up for mailbox tests: two councils with domains, in two WARPs, and link extraction.
import { expect } from 'vitest';
import type { OutgoingMessage } from '../../src/ports/mailer.js';
import type { TestApp } from '../support/app.js';
import { insertAuthority, insertDomains, insertWarp } from '../support/factories.js';

export async function seedCouncils(t: TestApp) {
  const wales = await insertWarp(t.db, { id: 'wales', name: 'Wales WARP', region: 'Wales' });
  const london = await insertWarp(t.db, { id: 'london', name: 'London WARP', region: 'London' });
  const cardiff = await insertAuthority(t.db, {
    code: 'CRF',
    name: 'Cardiff Council',
    nation: 'Wales',
    region: 'Wales',
    type: 'WPA',
    warpId: wales.id,
  });
  const camden = await insertAuthority(t.db, {
    code: 'CMD',
    name: 'London Borough of Camden',
    nation: 'England',
    region: 'London',
    type: 'LBO',
    warpId: london.id,
  });
  const former = await insertAuthority(t.db, {
    code: 'OLD',
    name: 'Former Council',
    current: false,
    warpId: wales.id,
  });
  await insertDomains(t.db, 'CRF', ['cardiff.gov.uk']);
  await insertDomains(t.db, 'CMD', ['camden.gov.uk']);
  return { wales, london, cardiff, camden, former };
}

export const registration = (overrides: Record<string, unknown> = {}) => ({
  authority: 'CRF',
  address: 'cyber@cardiff.gov.uk',
  kind: 'primary',
  team: 'Cyber Security Team',
  phone: '029 2087 2000',
  ...overrides,
});

/** The secret of the first confirmation or sign-in link in a message. */
export function linkIn(
  message: OutgoingMessage | undefined,
  kind: 'confirm' | 'sign-in' = 'confirm',
): string {
  expect(message, 'a message was sent').toBeDefined();
  const match = new RegExp(`http://cyber-contacts\\.test/${kind}/([A-Za-z0-9_-]+)`).exec(message!.text);
  expect(match, `a /${kind}/ link in the message`).not.toBeNull();
  return match![1]!;
}

export async function confirmedPrimaries(t: TestApp, code: string) {
  const admin = await t.tokenFor('admin');
  const res = await t.call('GET', `/api/v1/authorities/${code}/mailboxes?state=confirmed`, { token: admin });
  const body = (await res.json()) as { items: Array<{ address: string; kind: string }> };
  return body.items.filter((m) => m.kind === 'primary').map((m) => m.address);
}
