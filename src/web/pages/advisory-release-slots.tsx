// What the advisory page shows about releasing and sending: the next step (release, or approve for a second
// admin, each through its check page), editing, a test to yourself, the e-mail preview and a copy; the
// progress of a send with its deliveries (advisory-progress.tsx); and cancelling, placed last.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { ukDateTime } from '../../domain/uk-time.js';
import { type DeliveryView, deliveryViews, listDeliveries } from '../../features/advisories/delivery-list.js';
import { advisoryProgress } from '../../features/advisories/report-progress.js';
import { wroteOrReleased } from '../../features/advisories/two-person.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { describeActor } from '../../features/auth/people.js';
import { csrfToken } from '../../middleware/csrf.js';
import { Button, PostForm } from '../components/button.js';
import { ProgressPanel } from './advisory-progress.js';

const PAGE_SIZE = 50;

interface ActionsProps {
  advisory: AdvisoryView;
  principal: Principal;
  csrf: string;
  /** The signed-in admin wrote or released it (so cannot approve it). */
  mine: boolean;
  releasedBy: string | null;
}

function ReleaseActions({ advisory, principal, csrf, mine, releasedBy }: ActionsProps) {
  const base = `/advisories/${advisory.id}`;
  const waiting = advisory.state === 'awaiting-approval';
  return (
    <>
      {waiting && (
        <div class="govuk-inset-text" id="approval-status">
          <p class="govuk-body">
            <strong>Waiting for a second admin.</strong> Released by {releasedBy ?? 'someone'}
            {advisory.releasedAt ? ` at ${ukDateTime(advisory.releasedAt)}` : ''}.
          </p>
          <p class="govuk-body govuk-!-margin-bottom-0">
            {mine || principal.role !== 'admin'
              ? 'The other administrators have been e-mailed a link to check and approve it. Nothing is sent until one of them does.'
              : 'You can approve it: check what it sends first.'}
          </p>
        </div>
      )}
      <div class="govuk-button-group">
        {advisory.state === 'draft' && (
          <Button href={`${base}/release`}>{advisory.test ? 'Send to the test audience' : 'Release'}</Button>
        )}
        {advisory.state === 'draft' && (
          <Button href={`${base}/edit`} variant="secondary">
            Edit this draft
          </Button>
        )}
        {waiting && principal.role === 'admin' && !mine && (
          <Button href={`${base}/approve`}>Check and approve</Button>
        )}
      </div>
      <ul class="govuk-list app-inline-list" id="advisory-tools">
        <li>
          <a class="govuk-link" href={`${base}/email`}>
            Preview the e-mail
          </a>
        </li>
        <li>
          <PostForm action={`${base}/send-test`} csrf={csrf}>
            <button type="submit" class="app-link-button">
              Send a test to me
            </button>
          </PostForm>
        </li>
        <li>
          <a class="govuk-link" href={`/advisories/new?from=${advisory.id}`}>
            Copy to a new advisory
          </a>
        </li>
      </ul>
    </>
  );
}

/** The last thing on the page: cancelling, which cannot be undone (through its check page). */
function CancelLink({ advisory }: { advisory: AdvisoryView }) {
  return (
    <p class="govuk-body govuk-!-margin-top-8" id="advisory-cancel">
      <a class="govuk-link app-link--destructive" href={`/advisories/${advisory.id}/cancel`}>
        Cancel this advisory
      </a>
    </p>
  );
}

/** The view, search and page of the deliveries the page's address asks for. */
export function deliveriesQuery(c: Context<AppEnv>) {
  const asked = c.req.query('view');
  const view: DeliveryView = deliveryViews.includes(asked as DeliveryView) ? (asked as DeliveryView) : 'all';
  const search = (c.req.query('q') ?? '').slice(0, 200);
  const offset = Math.max(0, Math.floor(Number(c.req.query('offset')) || 0));
  return { view, search, offset, limit: PAGE_SIZE };
}

/** The progress panel of a send (also served alone, for the page to refresh itself). */
export async function progressSlot(c: Context<AppEnv>, advisory: AdvisoryView) {
  const principal = requirePrincipal(c);
  const [progress, list] = await Promise.all([
    advisoryProgress(c.var.deps, principal, advisory.id),
    listDeliveries(c.var.deps, principal, advisory.id, deliveriesQuery(c)),
  ]);
  // A draft cancelled before release has nothing to follow.
  if (progress.total === 0 && advisory.state === 'cancelled') return undefined;
  const resumeCsrf = principal.role === 'admin' ? csrfToken(c) : undefined;
  return <ProgressPanel advisory={advisory} progress={progress} list={list} resumeCsrf={resumeCsrf} />;
}

/** The slots the advisory page draws for release control, progress and cancelling. */
export async function releaseSlots(c: Context<AppEnv>, advisory: AdvisoryView, author = true) {
  const principal = requirePrincipal(c);
  const deps = c.var.deps;
  const canAct = author && (principal.role === 'admin' || principal.role === 'warp');
  let actions: Child | undefined;
  if (canAct) {
    const mine = await wroteOrReleased(deps, principal.actor, advisory);
    const releasedBy = advisory.releasedBy ? await describeActor(deps, advisory.releasedBy) : null;
    actions = (
      <ReleaseActions
        advisory={advisory}
        principal={principal}
        csrf={csrfToken(c)}
        mine={mine}
        releasedBy={releasedBy}
      />
    );
  }
  const cancel =
    canAct && ['draft', 'awaiting-approval', 'sending'].includes(advisory.state) ? (
      <CancelLink advisory={advisory} />
    ) : undefined;
  if (advisory.state === 'draft' || advisory.state === 'awaiting-approval') return { actions, cancel };
  return { actions, cancel, progress: await progressSlot(c, advisory) };
}
