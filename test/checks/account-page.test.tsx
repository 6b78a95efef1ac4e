// The council's account page shows each mailbox's reachability status and its reasons.
import { describe, expect, it } from 'vitest';
import { toMailboxView } from '../../src/features/mailboxes/view.js';
import { AccountPage } from '../../src/web/pages/account.js';
import { makeTestApp } from '../support/app.js';
import { insertAuthority, insertMailbox } from '../support/fixtures.js';

describe('the account page', () => {
  it('shows the reachability status, its reasons and the next re-confirmation', async () => {
    const t = await makeTestApp();
    await insertAuthority(t.db, { code: 'CRF' });
    const due = new Date('2027-05-29T09:00:00Z');
    const ok = await insertMailbox(t.db, { authorityCode: 'CRF', reconfirmDueAt: due });
    const bounced = await insertMailbox(t.db, {
      authorityCode: 'CRF',
      kind: 'secondary',
      address: 'soc@crf.gov.uk',
      unreachableAt: due,
      unreachableReason: 'bounce: 5.1.1 smtp; 550 5.1.1 User unknown',
    });
    const html = String(
      <AccountPage
        csrf="x"
        authorityName="Cardiff"
        authorityCode="CRF"
        advisories={[]}
        totals={new Map()}
        mailboxes={[toMailboxView(ok), toMailboxView(bounced)]}
        mobiles={[]}
        errors={[]}
      />,
    );
    expect(html).toContain('<strong class="govuk-tag govuk-tag--green">Reachable</strong>');
    expect(html).toContain('29 May 2027 at 10:00am');
    expect(html).toContain('<strong class="govuk-tag govuk-tag--red">Unreachable</strong>');
    expect(html).toContain('bounce: 5.1.1 smtp; 550 5.1.1 User unknown');
    await t.close();
  });
});
