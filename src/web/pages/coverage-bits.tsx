// What the coverage pages share: the table beside every chart, the totals, the bucket tag and the words
// that define each bucket. Counts only: nothing here takes a name or an address.
import type { Bucket } from '../../features/coverage/mailbox-state.js';
import type { CoverageGroup, Dimension } from '../../features/coverage/report.js';
import { bucketStyle } from '../components/charts.js';

export const dimensionText: Record<Dimension, { one: string; heading: string }> = {
  nation: { one: 'Nation', heading: 'nation' },
  region: { one: 'Region', heading: 'region' },
  warp: { one: 'WARP', heading: 'WARP' },
  type: { one: 'Council type', heading: 'council type' },
};

export const bucketDefinitions: Array<[Bucket, string]> = [
  ['confirmed', 'The council’s primary mailbox is confirmed, and is neither stale nor unreachable.'],
  [
    'stale',
    'The primary mailbox was confirmed, but nobody has re-confirmed it in time, so it may no longer be read.',
  ],
  ['unreachable', 'Mail to the primary mailbox bounces, or its domain takes no mail.'],
  [
    'pending',
    'A primary mailbox is registered but not confirmed yet, or waits for us to approve its domain.',
  ],
  ['none', 'The council has no primary mailbox registered.'],
];

const tagClass: Record<Bucket, string> = {
  confirmed: 'govuk-tag--green',
  stale: 'govuk-tag--purple',
  unreachable: 'govuk-tag--red',
  pending: 'govuk-tag--blue',
  none: 'govuk-tag--grey',
};

export function BucketTag({ bucket }: { bucket: Bucket }) {
  return <strong class={`govuk-tag ${tagClass[bucket]}`}>{bucketStyle[bucket].text}</strong>;
}

const numeric = 'govuk-table__cell govuk-table__cell--numeric';
const numericHeader = 'govuk-table__header govuk-table__header--numeric';
const fmt = (n: number) => n.toLocaleString('en-GB');
const pct = (n: number) => `${n.toFixed(1)}%`;

/** The numbers behind a bar chart: one row per group and a total row. */
export function CoverageTable({
  id,
  caption,
  groupHeading,
  groups,
  total,
}: {
  id: string;
  caption: string;
  groupHeading: string;
  groups: CoverageGroup[];
  total: CoverageGroup;
}) {
  const row = (g: CoverageGroup, isTotal = false) => (
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">
        {isTotal ? 'Total' : g.label}
      </th>
      <td class={numeric}>{fmt(g.authorities)}</td>
      <td class={numeric}>{fmt(g.confirmed)}</td>
      <td class={numeric}>{pct(g.percentConfirmed)}</td>
      <td class={numeric}>{fmt(g.stale)}</td>
      <td class={numeric}>{fmt(g.unreachable)}</td>
      <td class={numeric}>{fmt(g.pending)}</td>
      <td class={numeric}>{fmt(g.none)}</td>
    </tr>
  );
  return (
    <section class="app-table-scroll" tabindex={0} aria-labelledby={`${id}-caption`}>
      <table class="govuk-table app-table--compact" id={id}>
        <caption class="govuk-table__caption govuk-table__caption--s" id={`${id}-caption`}>
          {caption}
        </caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">
              {groupHeading}
            </th>
            <th scope="col" class={numericHeader}>
              Authorities
            </th>
            <th scope="col" class={numericHeader}>
              Confirmed
            </th>
            <th scope="col" class={numericHeader}>
              % confirmed
            </th>
            <th scope="col" class={numericHeader}>
              Stale
            </th>
            <th scope="col" class={numericHeader}>
              Unreachable
            </th>
            <th scope="col" class={numericHeader}>
              Pending
            </th>
            <th scope="col" class={numericHeader}>
              None
            </th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {groups.map((g) => row(g))}
          {groups.length !== 1 && row(total, true)}
        </tbody>
      </table>
    </section>
  );
}

/** The totals as a GOV.UK summary list: each bucket with its count and share. */
export function CoverageTotals({ total }: { total: CoverageGroup }) {
  const items: Array<[Bucket, number, number]> = [
    ['confirmed', total.confirmed, total.percentConfirmed],
    ['stale', total.stale, total.percentStale],
    ['unreachable', total.unreachable, total.percentUnreachable],
    ['pending', total.pending, total.percentPending],
    ['none', total.none, total.percentNone],
  ];
  return (
    <dl class="govuk-summary-list">
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">Current authorities</dt>
        <dd class="govuk-summary-list__value">{fmt(total.authorities)}</dd>
      </div>
      {items.map(([bucket, n, share]) => (
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{bucketStyle[bucket].text}</dt>
          <dd class="govuk-summary-list__value">
            {fmt(n)} ({pct(share)})
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** What each bucket means, for the pages. */
export function BucketDefinitions() {
  return (
    <details class="govuk-details">
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">What the numbers mean</span>
      </summary>
      <div class="govuk-details__text">
        <p class="govuk-body">
          Every current local authority counts once, by the best state of its primary mailbox. Secondary and
          out-of-hours mailboxes do not change the count.
        </p>
        <dl class="govuk-summary-list">
          {bucketDefinitions.map(([bucket, text]) => (
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{bucketStyle[bucket].text}</dt>
              <dd class="govuk-summary-list__value">{text}</dd>
            </div>
          ))}
        </dl>
      </div>
    </details>
  );
}

/** The description a bar chart's <desc> carries: each group's share confirmed, in words. */
export function barDescription(groups: CoverageGroup[], heading: string): string {
  const parts = groups.map((g) => `${g.label}: ${pct(g.percentConfirmed)} confirmed of ${g.authorities}`);
  return `Percentage of current authorities in each bucket, by ${heading}. ${parts.join('; ')}. The table that follows gives every number.`;
}
