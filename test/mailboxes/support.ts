// Shared set-up for mailbox tests: the shared seed of councils (support/fixtures.ts) and link extraction.
import { expect } from 'vitest';
import type { OutgoingMessage } from '../../src/ports/mailer.js';
import type { TestApp } from '../support/app.js';

// The shared seed and registration body, under the names the mailbox tests import.
export { registration, seedCouncils } from '../support/fixtures.js';

/** The secret of the first confirmation or sign-in link in a message. */
export function linkIn(
  message: OutgoingMessage | undefined,
  kind: 'confirm' | 'sign-in' | 'handover' = 'confirm',
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
