// The pure parts of registering a mailbox, alone: the row a new registration gets, and what registering
// an address that is already live does.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { anonymousPrincipal, cliPrincipal, mailboxHolder } from '../../src/domain/principal.js';
import { decideForExisting, newMailboxRow } from '../../src/features/mailboxes/register-mailbox.js';
import { fixedClock } from '../../src/ports/clock.js';

const now = new Date('2026-11-30T09:00:00Z');
const deps = {
  config: parseConfig({ PUBLIC_BASE_URL: 'http://cyber-contacts.test', RECONFIRM_DAYS: '180' }),
  clock: fixedClock(now),
  random: { id: () => 'mbx-new', secret: () => 'secret' },
};
const checked = {
  address: 'cyber@cardiff.gov.uk',
  looksPersonal: false,
  authority: { code: 'CRF' },
};
const input = { kind: 'primary' as const, team: 'Cyber', phone: '029 2087 2000' };
const actor = { principal: cliPrincipal };

describe('newMailboxRow', () => {
  it('is pending on the council’s own domain, waiting for approval on any other', () => {
    const anonymous = { principal: anonymousPrincipal('192.0.2.1') };
    const own = newMailboxRow(deps, anonymous, checked, input, { affiliated: true, vouched: false });
    expect(own).toMatchObject({
      id: 'mbx-new',
      state: 'pending',
      needsApproval: false,
      approvedAt: null,
      confirmedAt: null,
      reconfirmDueAt: null,
      createdBy: anonymous.principal.actor,
    });
    const foreign = newMailboxRow(deps, actor, checked, input, { affiliated: false, vouched: false });
    expect(foreign).toMatchObject({ state: 'awaiting-approval', needsApproval: true, approvedAt: null });
  });

  it('counts an admin’s own registration as approved, someone else’s not (replacing a primary needs consent)', () => {
    const byAdmin = newMailboxRow(deps, actor, checked, input, { affiliated: true, vouched: false });
    expect(byAdmin).toMatchObject({ state: 'pending', approvedAt: now, approvedBy: 'cli' });
    const council = { principal: mailboxHolder('mbx-secondary', 'CRF') };
    const byCouncil = newMailboxRow(deps, council, checked, input, { affiliated: true, vouched: false });
    expect(byCouncil).toMatchObject({ state: 'pending', approvedAt: null, approvedBy: null });
  });

  it('is approved and confirmed at once when an admin vouches, with its re-confirmation due', () => {
    const row = newMailboxRow(deps, actor, checked, input, {
      affiliated: false,
      vouched: true,
      replacesId: 'mbx-old',
    });
    expect(row).toMatchObject({
      state: 'confirmed',
      needsApproval: true,
      approvedAt: now,
      approvedBy: 'cli',
      confirmedAt: now,
      replacesId: 'mbx-old',
      reconfirmDueAt: new Date(now.getTime() + 180 * 86_400_000),
    });
  });
});

describe('decideForExisting', () => {
  const pending = { state: 'pending' as const, ...input };
  const signedIn = { anonymous: false, vouched: false, resend: true };

  it('resends a pending mailbox’s link, unless the import asks it not to', () => {
    expect(decideForExisting(pending, input, signedIn)).toBe('resend');
    expect(decideForExisting(pending, input, { ...signedIn, anonymous: true })).toBe('resend');
    expect(decideForExisting(pending, input, { ...signedIn, resend: false })).toBe('unchanged');
  });

  it('vouches for a mailbox still waiting; leaves a confirmed one as it is', () => {
    const vouching = { ...signedIn, vouched: true };
    expect(decideForExisting(pending, input, vouching)).toBe('vouch');
    expect(decideForExisting({ ...pending, state: 'awaiting-approval' }, input, vouching)).toBe('vouch');
    expect(decideForExisting({ ...pending, state: 'confirmed' }, { ...input, team: 'Other' }, vouching)).toBe(
      'unchanged',
    );
  });

  it('tells an anonymous caller nothing new, and refuses a signed-in caller’s different details', () => {
    const confirmed = { ...pending, state: 'confirmed' as const };
    expect(decideForExisting(confirmed, { ...input, team: 'Other' }, { ...signedIn, anonymous: true })).toBe(
      'conceal',
    );
    expect(decideForExisting(confirmed, input, signedIn)).toBe('unchanged');
    expect(decideForExisting(confirmed, { ...input, team: 'Other' }, signedIn)).toBe('conflict');
  });
});
