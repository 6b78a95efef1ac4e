// Each delivery's reason in plain English, read from its status and the server's reply (RFC 3463 codes
// first): whose side a failure is on follows the status, never the words of the reply.
import { describe, expect, it } from 'vitest';
import { deliveryReason } from '../../src/features/advisories/delivery-reason.js';

const reason = (
  status: Parameters<typeof deliveryReason>[0]['status'],
  reply: string | null,
  retrying = false,
) =>
  deliveryReason({
    status,
    code: reply && /^\d{3}/.test(reply) ? Number(reply.slice(0, 3)) : null,
    reply,
    retrying,
  });

describe('a delivery’s reason', () => {
  it.each([
    ['550 5.1.1 <a@b.gov.uk>: Recipient address rejected: User unknown', 'The mailbox does not exist'],
    ['550 No such user here', 'The mailbox does not exist'],
    ['550 5.1.2 Host unknown', 'The council’s e-mail domain does not exist'],
    ['552 5.2.2 Mailbox full', 'The mailbox is full'],
    ['550 5.2.1 Mailbox disabled', 'The mailbox is disabled'],
    ['552 5.3.4 Message too big', 'The message is too big for the council’s mail server'],
    [
      '550 5.7.1 Rejected by policy',
      'The council’s mail server refused it under its security policy (spam filter or sender checks)',
    ],
    ['domain example.gov.uk takes no mail (null MX)', 'The council’s e-mail domain does not accept e-mail'],
    ['554 Transaction failed', 'The council’s mail server refused it'],
  ])('refused for good with %j: %s', (reply, expected) => {
    expect(reason('permanent-failure', reply)).toBe(expected);
  });

  it('says whether a failure for now is still being tried, and whether the server was reached at all', () => {
    expect(reason('temporary-failure', '451 4.7.1 Greylisted, try again later', true)).toBe(
      'The council’s mail server is refusing mail for now (greylisting): we keep trying',
    );
    expect(reason('temporary-failure', '452 4.2.2 Over quota', false)).toBe(
      'The mailbox is full for now: we stopped trying',
    );
    expect(reason('temporary-failure', 'ETIMEDOUT: connection timed out', true)).toBe(
      'We could not reach the council’s mail server: we keep trying',
    );
  });

  it('puts a failure of our own on our side, whatever the reply says', () => {
    const ours = reason('technical-failure', '550 5.1.1 User unknown', true);
    expect(ours).toMatch(/^A fault on our side/);
    expect(ours).not.toContain('mailbox does not exist');
  });

  it('names the states that are not failures', () => {
    expect(reason('delivered', '250 2.0.0 Ok')).toBe('The council’s mail server accepted it');
    expect(reason('created', null)).toBe('Waiting to be sent');
    expect(reason('cancelled', null)).toBe('Not sent: the advisory was cancelled');
  });
});
