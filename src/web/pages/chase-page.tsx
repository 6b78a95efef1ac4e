// GET /dashboard/chase: the authorities with no confirmed primary mailbox, what is missing and since when
// (then, at a lower priority, those that did not answer their last drill, and on request those whose
// contact paths are a single path, with the reason in words),
// who to contact (the addresses they registered, their team and phone) and when they were last chased,
// filtered by state, nation, region and WARP, in pages, with "Send a reminder" and the CSV of the same rows.
// Staff only; scoped by the query.
import { ukDateTime } from '../../domain/uk-time.js';
import type { ChaseBucket, ChaseConcern, ChaseItem, ChaseList } from '../../features/coverage/chase.js';
import { chaseBuckets, chaseConcerns } from '../../features/coverage/chase.js';
import { isWritable } from '../../features/coverage/chase-contacts.js';
import { PhoneLink, SuccessBanner } from '../components/bits.js';
import { Button, PostForm } from '../components/button.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { LinkChoice } from '../components/link-choice.js';
import { Pagination, pageRange } from '../components/pagination.js';
import { Select } from '../components/select.js';
import { Table } from '../components/table.js';
import { StatusTag } from '../components/tag.js';

export const chaseTitle = 'Chase list';

const bucketFilterText: Record<ChaseBucket, string> = {
  none: 'No mailbox',
  pending: 'Pending',
  stale: 'Stale',
  unreachable: 'Unreachable',
};

const concernFilterText: Record<ChaseConcern, string> = {
  unresponsive: 'Did not answer the last drill',
  'single-path': 'Single path',
};

export interface ChaseFilters {
  bucket?: ChaseBucket;
  concern?: ChaseConcern;
  nation?: string;
  region?: string;
  warp?: string;
}

export function chaseHref(f: ChaseFilters, offset = 0, base = '/dashboard/chase'): string {
  const q = new URLSearchParams();
  for (const key of ['bucket', 'concern', 'nation', 'region', 'warp'] as const)
    if (f[key]) q.set(key, f[key]!);
  if (offset > 0) q.set('offset', String(offset));
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

/** Addresses a reminder goes to: registered, not waiting for approval, not bouncing. */
const reachable = (i: ChaseItem) => i.contacts.some((m) => isWritable(m.state));

/** A successor's inherited mailboxes, in words (a reorganisation). */
function Offers({ item }: { item: ChaseItem }) {
  const { offered, accepted, declined } = item.offers;
  if (offered + accepted + declined === 0) return null;
  return (
    <p class="govuk-body-s app-outcome__detail">
      Mailboxes of the councils it replaces: {offered} asked (receiving its advisories meanwhile), {accepted}{' '}
      carried forward, {declined} declined.
    </p>
  );
}

function Contacts({ item }: { item: ChaseItem }) {
  if (item.contacts.length === 0)
    return (
      <>
        <span class="app-outcome__detail">No address registered</span>
        <Offers item={item} />
      </>
    );
  return (
    <>
      <ul class="govuk-list govuk-body-s">
        {item.contacts.map((m) => (
          <li>
            <span class="app-break-words">{m.address}</span>{' '}
            <span class="app-outcome__detail">
              {m.team}
              {m.phone ? (
                <>
                  {' · '}
                  <PhoneLink phone={m.phone} />
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      <Offers item={item} />
    </>
  );
}

/** What is missing, then its lower-priority concerns in words. */
function ChaseReasons({ item }: { item: ChaseItem }) {
  const extra = item.missing === null ? item.concerns.slice(1) : item.concerns;
  return (
    <>
      {item.reason}
      {extra.map((c) => (
        <span class="app-outcome__detail">{c.reason}</span>
      ))}
    </>
  );
}

export interface ChasePageProps {
  list: ChaseList;
  filters: ChaseFilters;
  choices: { nations: string[]; regions: string[]; warps: Array<{ id: string; name: string }> };
  warpName?: string | null;
  csrf: string;
  done?: string;
  errors?: SummaryError[];
}

export function ChasePage({ list, filters, choices, warpName, csrf, done, errors = [] }: ChasePageProps) {
  const { items, total, limit, offset } = list;
  const states: Array<[Pick<ChaseFilters, 'bucket' | 'concern'>, string]> = [
    [{}, 'All'],
    ...chaseBuckets.map((b): [ChaseFilters, string] => [{ bucket: b }, bucketFilterText[b]]),
    ...chaseConcerns.map((c): [ChaseFilters, string] => [{ concern: c }, concernFilterText[c]]),
  ];
  const here = chaseHref(filters, offset);
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-full">
        <ErrorSummary errors={errors} />
        {done && <SuccessBanner>{done}</SuccessBanner>}
        {warpName && <span class="govuk-caption-l">{warpName}</span>}
        <h1 class="govuk-heading-l">{chaseTitle}</h1>
        <p class="govuk-body">
          Current authorities with no confirmed primary mailbox: what is missing and since when, and who to
          contact. Chase them to register or confirm a mailbox.
        </p>
        <p class="govuk-body">
          After them, at a lower priority: councils that did not answer their last drill within 24 hours.
          Choose “Single path” to see councils that can be reached only one way (their mailboxes share mail
          servers or a mail provider, and they have no confirmed out-of-hours mobile).
        </p>
        <LinkChoice
          label="Show"
          links={states.map(([show, text]) => ({
            href: chaseHref({ ...filters, bucket: show.bucket, concern: show.concern }),
            text,
            current: show.bucket === filters.bucket && show.concern === filters.concern,
          }))}
        />
        <form method="get" action="/dashboard/chase" novalidate class="app-filters">
          {filters.bucket && <input type="hidden" name="bucket" value={filters.bucket} />}
          {filters.concern && <input type="hidden" name="concern" value={filters.concern} />}
          <Select
            id="nation"
            label="Nation"
            none="Any"
            value={filters.nation}
            options={choices.nations.map((n) => ({ value: n, text: n }))}
            groupClass="govuk-!-display-inline-block govuk-!-margin-right-4"
          />
          <Select
            id="region"
            label="Region"
            none="Any"
            value={filters.region}
            options={choices.regions.map((r) => ({ value: r, text: r }))}
            groupClass="govuk-!-display-inline-block govuk-!-margin-right-4"
          />
          {choices.warps.length > 1 && (
            <Select
              id="warp"
              label="WARP"
              none="Any"
              value={filters.warp}
              options={choices.warps.map((w) => ({ value: w.id, text: w.name }))}
              groupClass="govuk-!-display-inline-block govuk-!-margin-right-4"
            />
          )}
          <Button variant="secondary">Filter</Button>
        </form>
        <p class="govuk-body">
          {total === 0 ? 'Nobody to show.' : `Showing ${pageRange({ offset, shown: items.length, total })}.`}{' '}
          <a class="govuk-link" href={chaseHref(filters, 0, '/api/v1/coverage/chase.csv')} download>
            Download these as CSV
          </a>
        </p>
        {items.length > 0 && (
          <Table
            id="chase-list"
            caption="Authorities to chase"
            hiddenCaption
            stack
            compact
            columns={['Authority', 'State', 'What is missing', 'Who to contact', 'Last chased', 'Reminder']}
            rows={items.map((i) => [
              <>
                <a class="govuk-link" href={`/authorities/${i.code}`}>
                  {i.name}
                </a>
                <span class="app-outcome__detail">
                  {i.code} · {i.region}
                  {i.warp ? ` · ${i.warp.name}` : ''}
                </span>
              </>,
              <StatusTag of="bucket" value={i.bucket} />,
              <ChaseReasons item={i} />,
              <Contacts item={i} />,
              i.lastChasedAt ? ukDateTime(i.lastChasedAt) : 'Never',
              reachable(i) ? (
                <PostForm action={`/dashboard/chase/${i.code}/remind`} csrf={csrf}>
                  <input type="hidden" name="back" value={here} />
                  <button type="submit" class="app-link-button">
                    Send a reminder<span class="govuk-visually-hidden"> to {i.name}</span>
                  </button>
                </PostForm>
              ) : (
                <span class="app-outcome__detail">No address to write to</span>
              ),
            ])}
          />
        )}
        <Pagination
          total={total}
          limit={limit}
          offset={offset}
          label="Pages of the chase list"
          href={(o) => chaseHref(filters, o)}
        />
      </div>
    </div>
  );
}
