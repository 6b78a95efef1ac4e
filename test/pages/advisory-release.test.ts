import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticateToken } from '../../src/features/auth/tokens.js';
import { pauseSending, senderState } from '../../src/features/outbound/sender-state.js';
import { createAdvisory, drain, seedFanOut } from '../advisories/fanout-support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { browser } from './form-client.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await seedFanOut(t);
});
afterEach(() => t.close());

async function adminBrowser(actor: string) {
  const b = browser(t);
  await b.signInAs(t.deps, { role: 'admin', label: actor });
  return b;
}

describe('releasing an advisory from its page', () => {
  it('releases through its check page, waits for a second admin who is told, then shows progress and the report', async () => {
    const author = await t.tokenFor('admin');
    const { id } = await createAdvisory(t, author);
    const first = browser(t);
    // The first admin is signed in as the author's token, so the page knows them as the author.
    await first.signInAs(t.deps, { role: 'admin', actor: (await authenticateToken(t.deps, author))!.actor });
    await first.get('/dashboard');

    // Release is a link to the check page, which says exactly what will happen; only its button acts.
    const page = await first.get(`/advisories/${id}`);
    expect(page.html).toContain(`href="/advisories/${id}/release"`);
    expect(page.html).not.toContain(`action="/advisories/${id}/release"`);
    const check = await first.get(`/advisories/${id}/release`);
    expect(check.status).toBe(200);
    expect(check.html).toContain('Check before you release');
    expect(check.html).toMatch(
      /Release ‘[^’]+’ \(TLP:AMBER, high\) for a second administrator to approve\. Once they approve it, it is sent to 12 mailboxes at 6 councils\./,
    );
    expect(check.html).toContain(`action="/advisories/${id}/release"`);
    const released = await first.submit(`/advisories/${id}/release`);
    expect(released.status).toBe(303);
    const waiting = await first.get(released.location!);
    expect(waiting.html).toContain('Waiting for a second admin: the other administrators have been e-mailed');
    expect(waiting.html).toContain('Released by');
    expect(waiting.html).not.toContain(`/advisories/${id}/approve"`);
    // The staff admin was e-mailed a link to the approval check page.
    const notice = t.mailer.to('tester@ncsc.example').at(-1);
    expect(notice?.subject).toMatch(/^Waiting for your approval/);
    expect(notice?.text).toContain(`/advisories/${id}/approve`);
    // The author can neither open the approval check page nor post it.
    const ownCheck = await first.get(`/advisories/${id}/approve`);
    expect(ownCheck.status).toBe(403);
    expect(ownCheck.html).toContain('a second administrator must approve it');
    const self = await first.submit(`/advisories/${id}/approve`);
    expect(self.status).toBe(403);
    expect(self.html).toContain('A second admin must approve this');

    const second = await adminBrowser('second admin');
    // The menu shows one approval waiting; the Approvals page links to the check page.
    const approvals = await second.get('/admin/approvals');
    expect(approvals.html).toMatch(
      /Approvals<span class="app-nav-count"> 1<span class="govuk-visually-hidden"> waiting/,
    );
    expect(approvals.html).toContain(`href="/advisories/${id}/approve"`);
    const approveCheck = await second.get(`/advisories/${id}/approve`);
    expect(approveCheck.html).toContain('Check before you approve and send');
    expect(approveCheck.html).toMatch(/Send ‘[^’]+’ \(TLP:AMBER, high\) to 12 mailboxes at 6 councils\./);
    expect(approveCheck.html).toContain('Released by');
    const approved = await second.submit(`/advisories/${id}/approve`);
    expect(approved.status).toBe(303);
    await drain(t);
    const progress = await second.get(`/advisories/${id}`);
    expect(progress.html).toContain('12 of 12 deliveries finished (100%)');
    expect(progress.html).toContain(`/api/v1/advisories/${id}/report.csv`);
    expect(progress.html).toContain('primary@wa0.gov.uk');
    // Nothing waits any more.
    expect((await second.get('/admin/approvals')).html).not.toContain('app-nav-count');
  });

  it('cancels through its check page; the form needs its CSRF token; councils cannot', async () => {
    const admin = await t.tokenFor('admin');
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    const b = await adminBrowser('admin');
    const page = await b.get(`/advisories/${id}`);
    // Cancelling is a link at the end of the page, to a page that asks first.
    expect(page.html).toContain(`href="/advisories/${id}/cancel"`);
    expect(page.html.indexOf(`/advisories/${id}/cancel"`)).toBeGreaterThan(
      page.html.indexOf('Who it reaches'),
    );
    const ask = await b.get(`/advisories/${id}/cancel`);
    expect(ask.html).toContain('Are you sure you want to cancel this advisory?');
    expect(ask.html).toMatch(
      /Cancel the draft ‘[^’]+’ \(TLP:AMBER, high\)\. It can no longer be edited or released\./,
    );
    expect(ask.html).toContain('govuk-button--warning');
    const forged = await b.post(`/advisories/${id}/cancel`, { reason: 'x' });
    expect(forged.status).toBe(403);
    const cancelled = await b.submit(`/advisories/${id}/cancel`, { reason: 'sent in error' });
    expect(cancelled.status).toBe(303);
    const after = await b.get(cancelled.location!);
    expect(after.html).toContain('Cancelled: nothing more will be sent.');
    // A draft cancelled before release has no progress to show.
    expect(after.html).not.toContain('deliveries finished');
    // Asking again says why not.
    expect((await b.get(`/advisories/${id}/cancel`)).status).toBe(409);
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'WA0' });
    expect((await council.get(`/advisories/${id}`)).status).toBe(403);
    expect((await council.get(`/advisories/${id}/cancel`)).status).toBe(403);
  });

  it('shows a pause of sending on the advisory, and lets an admin (only) resume it from there', async () => {
    const admin = await t.tokenFor('admin');
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    const released = await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    expect(released.status).toBe(200);
    await pauseSending(t.deps, {
      reason: 'our mail server refused to send at MAIL FROM: 501 5.1.7 Bad sender',
      command: 'MAIL FROM',
    });

    const warp = browser(t);
    await warp.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    const seen = await warp.get(`/advisories/${id}`);
    expect(seen.html).toContain('Sending is paused: our mail server is refusing our mail');
    expect(seen.html).not.toContain('resume-sending');
    await warp.get(`/advisories/${id}`);
    expect((await warp.submit(`/advisories/${id}/resume-sending`)).status).toBe(403);

    const b = await adminBrowser('admin');
    const page = await b.get(`/advisories/${id}`);
    expect(page.html).toContain('501 5.1.7 Bad sender');
    expect(page.html).toContain(`action="/advisories/${id}/resume-sending"`);
    expect((await b.post(`/advisories/${id}/resume-sending`, {})).status).toBe(403); // no CSRF token
    const resumed = await b.submit(`/advisories/${id}/resume-sending`);
    expect(resumed.status).toBe(303);
    const after = await b.get(resumed.location!);
    expect(after.html).toContain('Sending resumed');
    expect(after.html).not.toContain('Sending is paused');
    expect((await senderState(t.deps)).state).toBe('sending');
    // Resuming what is not paused is a conflict, shown on the page.
    expect((await b.submit(`/advisories/${id}/resume-sending`)).status).toBe(409);
  });
});
