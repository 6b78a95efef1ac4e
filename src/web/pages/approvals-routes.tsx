// GET /admin/approvals and its approve and refuse buttons (admins only, by the policy table).

import type { Context } from 'hono';
import { Hono } from 'hono';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { isFreeMailDomain } from '../../domain/free-mail.js';
import { AppError } from '../../errors.js';
import { listAdvisories } from '../../features/advisories/list-advisories.js';
import { wroteOrReleased } from '../../features/advisories/two-person.js';
import { describeActor } from '../../features/auth/people.js';
import {
  authorityNames,
  domainOwners,
  listAuthorityDomains,
} from '../../features/authority-register/get-authority.js';
import {
  approveHeldImport,
  listHeldImports,
  refuseHeldImport,
} from '../../features/authority-register/register-hold.js';
import { domainOf } from '../../features/checks/status.js';
import {
  confirmedPrimaries,
  listMailboxes,
  mailboxAddresses,
} from '../../features/mailboxes/list-mailboxes.js';
import { approveMailbox, refuseMailbox } from '../../features/mailboxes/review-mailbox.js';
import { csrfToken } from '../../middleware/csrf.js';
import type { SummaryError } from '../components/error-summary.js';
import {
  type AdvisoryWaiting,
  type ApprovalItem,
  ApprovalsPage,
  approvalsTitle,
  type HeldImport,
} from './approvals.js';
import { formFields, orPageError, renderPage, statusOf } from './render.js';

interface Outcome {
  done?: string;
  error?: AppError;
  id?: string;
  fieldErrors?: Record<string, string>;
  reasons?: Record<string, string>;
  status?: 422;
}

/** Advisories waiting for a second admin, with who released them. */
async function advisoriesWaiting(c: Context<AppEnv>): Promise<AdvisoryWaiting[]> {
  const deps = c.var.deps;
  const principal = requirePrincipal(c);
  const list = await listAdvisories(deps, principal, { state: 'awaiting-approval', limit: 100, offset: 0 });
  return Promise.all(
    list.items.map(async (a) => ({
      id: a.id,
      reference: a.reference,
      title: a.title,
      tlp: a.tlp,
      releasedBy: await describeActor(deps, a.releasedBy),
      releasedAt: a.releasedAt ? new Date(a.releasedAt) : null,
      mine: await wroteOrReleased(deps, principal.actor, a),
    })),
  );
}

/** Register imports held for an admin, with who held them. */
async function heldImportsWaiting(c: Context<AppEnv>): Promise<HeldImport[]> {
  const deps = c.var.deps;
  const held = (await listHeldImports(deps)).filter((h) => h.state === 'held');
  return Promise.all(
    held.map(async (h) => ({
      id: h.id,
      source: h.source,
      summary: h.summary,
      reasons: h.reasons,
      heldBy: await describeActor(deps, h.createdBy),
      heldAt: new Date(h.createdAt),
    })),
  );
}

async function showApprovals(c: Context<AppEnv>, outcome: Outcome = {}) {
  const deps = c.var.deps;
  const waiting = await advisoriesWaiting(c);
  const heldImports = await heldImportsWaiting(c);
  const list = await listMailboxes(deps, requirePrincipal(c), {
    state: ['awaiting-approval', 'awaiting-handover'],
    limit: 200,
    offset: 0,
  });
  const codes = [...new Set(list.items.map((m) => m.authority))];
  const names = await authorityNames(deps, codes);
  const domains = new Map<string, string[]>();
  for (const code of codes) domains.set(code, await listAuthorityDomains(deps, code));
  const replacing = await mailboxAddresses(
    deps,
    list.items.flatMap((m) => (m.state === 'awaiting-handover' && m.replaces ? [m.replaces] : [])),
  );
  const primaries = await confirmedPrimaries(deps, codes);
  const items: ApprovalItem[] = await Promise.all(
    list.items.map(async (mailbox) => {
      const domain = domainOf(mailbox.address);
      return {
        mailbox,
        authorityName: names.get(mailbox.authority) ?? mailbox.authority,
        domains: domains.get(mailbox.authority) ?? [],
        replacing: mailbox.replaces ? replacing.get(mailbox.replaces) : undefined,
        domainOwners: (await domainOwners(deps, domain)).filter((o) => o.code !== mailbox.authority),
        freeMail: isFreeMailDomain(domain),
        currentPrimary: mailbox.kind === 'primary' ? (primaries.get(mailbox.authority) ?? null) : null,
      };
    }),
  );
  const fieldErrors = outcome.fieldErrors ?? {};
  const errors: SummaryError[] = Object.entries(fieldErrors).map(([field, text]) => ({ field, text }));
  if (outcome.error) {
    const shown = outcome.id && items.some((i) => i.mailbox.id === outcome.id);
    errors.push({ field: shown ? `mailbox-${outcome.id}` : 'approvals', text: outcome.error.message });
  }
  return renderPage(
    c,
    {
      title: approvalsTitle,
      hasErrors: errors.length > 0,
      status: outcome.error ? statusOf(outcome.error) : (outcome.status ?? 200),
    },
    <ApprovalsPage
      csrf={csrfToken(c)}
      advisories={waiting}
      heldImports={heldImports}
      items={items}
      errors={errors}
      fieldErrors={fieldErrors}
      reasons={outcome.reasons ?? {}}
      done={outcome.done}
    />,
  );
}

/** What an approval or refusal did, said on the page it redirects to. */
const doneWords: Record<string, (address: string) => string> = {
  'handed-over': (a) => `${a} is now the council’s primary mailbox. We have told both addresses.`,
  approved: (a) => `Approved ${a}. We have sent it a confirmation link.`,
  unsent: (a) =>
    `Approved ${a}, but the confirmation link could not be sent. The council can ask for it again.`,
  refused: (a) => `Refused ${a}. Nothing will be sent to it.`,
};

const registerDoneWords: Record<string, string> = {
  'register-applied': 'The held register import has been applied.',
  'register-refused': 'The held register import has been refused: nothing of it was applied.',
};

const shownErrors: AppError['code'][] = ['not_found', 'conflict', 'validation_failed'];

export function approvalsPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/admin/approvals', async (c) => {
    const done = c.req.query('done') ?? '';
    if (done in registerDoneWords) return showApprovals(c, { done: registerDoneWords[done] });
    const id = c.req.query('mailbox') ?? '';
    const address = id ? (await mailboxAddresses(c.var.deps, [id])).get(id) : undefined;
    const words = address ? doneWords[done] : undefined;
    return showApprovals(c, { done: words?.(address!) });
  });

  router.post('/admin/approvals/register/:id/approve', async (c) => {
    const applied = await orPageError(
      shownErrors,
      approveHeldImport(c.var.deps, actorOf(c), c.req.param('id')),
    );
    if (applied instanceof AppError) return showApprovals(c, { error: applied });
    return c.redirect('/admin/approvals?done=register-applied', 303);
  });

  router.post('/admin/approvals/register/:id/refuse', async (c) => {
    const refused = await orPageError(
      shownErrors,
      refuseHeldImport(c.var.deps, actorOf(c), c.req.param('id')),
    );
    if (refused instanceof AppError) return showApprovals(c, { error: refused });
    return c.redirect('/admin/approvals?done=register-refused', 303);
  });

  router.post('/admin/approvals/:id/approve', async (c) => {
    const id = c.req.param('id');
    const approved = await orPageError(shownErrors, approveMailbox(c.var.deps, actorOf(c), id));
    if (approved instanceof AppError) return showApprovals(c, { error: approved, id });
    // Post/redirect/get: refreshing the page that follows approves nothing again.
    const done =
      approved.mailbox.state === 'confirmed'
        ? 'handed-over'
        : approved.confirmationSent
          ? 'approved'
          : 'unsent';
    return c.redirect(`/admin/approvals?done=${done}&mailbox=${encodeURIComponent(id)}`, 303);
  });

  router.post('/admin/approvals/:id/refuse', async (c) => {
    const id = c.req.param('id');
    const reason = (await formFields(c))('reason').trim();
    const field = `reason-${id}`;
    if (!reason)
      return showApprovals(c, {
        fieldErrors: { [field]: 'Enter the reason for refusing this registration' },
        status: 422,
      });
    if (reason.length > 500)
      return showApprovals(c, {
        fieldErrors: { [field]: 'The reason must be 500 characters or fewer' },
        reasons: { [id]: reason },
        status: 422,
      });
    const refused = await orPageError(shownErrors, refuseMailbox(c.var.deps, actorOf(c), id, reason));
    if (refused instanceof AppError)
      return showApprovals(c, { error: refused, id, reasons: { [id]: reason } });
    return c.redirect(`/admin/approvals?done=refused&mailbox=${encodeURIComponent(id)}`, 303);
  });

  return router;
}
