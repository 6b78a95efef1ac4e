// What the coverage pages share: the bar chart with the table beside it, the totals and the words that
// define each bucket. Counts only: nothing here takes a name or an address.

import type { DisclosedGroup } from '../../features/coverage/disclosure.js';
import type { Bucket } from '../../features/coverage/mailbox-state.js';
import type { CoverageGroup, Dimension } from '../../features/coverage/report.js';
import { BucketLegend, CoverageBarChart, PathsBarChart, PathsLegend } from '../components/charts.js';
import { SummaryList } from '../components/summary-list.js';
import { Table } from '../components/table.js';
import { statusWords } from '../components/tag.js';

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

/** A group as a page shows it: every figure (staff), or with its buckets withheld (public, small groups). */
export type ShownGroup = Omit<DisclosedGroup, 'suppressed'> & { suppressed?: boolean };
export interface ShownReport {
  total: ShownGroup;
  groups: ShownGroup[];
}

const WITHHELD = 'Withheld';
const fmt = (n: number | null) => (n === null ? WITHHELD : n.toLocaleString('en-GB'));
const pct = (n: number | null) => (n === null ? WITHHELD : `${n.toFixed(1)}%`);

/** The groups whose figures are shown (a chart draws only these). */
const shownOnly = (groups: ShownGroup[]): CoverageGroup[] =>
  groups.filter((g): g is CoverageGroup & ShownGroup => !g.suppressed && g.confirmed !== null);

const counts = [
  'Authorities',
  'Confirmed',
  '% confirmed',
  'Stale',
  'Unreachable',
  'Pending',
  'None',
  'Resilient',
  '% resilient',
  'Responsive',
  '% responsive',
];

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
  groups: ShownGroup[];
  total: ShownGroup;
}) {
  const row = (g: ShownGroup, label = g.label) => [
    label,
    fmt(g.authorities),
    fmt(g.confirmed),
    pct(g.percentConfirmed),
    fmt(g.stale),
    fmt(g.unreachable),
    fmt(g.pending),
    fmt(g.none),
    fmt(g.resilient),
    pct(g.percentResilient),
    fmt(g.responsive),
    pct(g.percentResponsive),
  ];
  return (
    <Table
      id={id}
      scroll
      compact
      caption={caption}
      columns={[groupHeading, ...counts.map((head) => ({ head, numeric: true }))]}
      rows={[...groups.map((g) => row(g)), ...(groups.length !== 1 ? [row(total, 'Total')] : [])]}
      rowHeads
    />
  );
}

/** A bar chart of the groups of a report, its legend, and the table of its numbers. */
export function CoverageFigure({
  id,
  report,
  heading,
  groupHeading,
  caption,
}: {
  /** The chart is `chart-<id>`, the table `table-<id>`. */
  id: string;
  report: ShownReport;
  /** The dimension, in a sentence: "region". */
  heading: string;
  groupHeading: string;
  caption: string;
}) {
  return (
    <>
      <figure class="app-figure">
        {/* A wide chart, and one for phones: the page's CSS shows the one that fits. */}
        {[false, true].map((narrow) => (
          <div class={narrow ? 'app-chart-narrow' : 'app-chart-wide'}>
            <CoverageBarChart
              id={`chart-${id}${narrow ? '-narrow' : ''}`}
              title={`Coverage by ${heading}`}
              description={barDescription(shownOnly(report.groups), heading)}
              data={shownOnly(report.groups).map((g) => ({ label: g.label, counts: g }))}
              narrow={narrow}
            />
          </div>
        ))}
        <figcaption>
          <BucketLegend />
        </figcaption>
      </figure>
      <figure class="app-figure">
        {[false, true].map((narrow) => (
          <div class={narrow ? 'app-chart-narrow' : 'app-chart-wide'}>
            <PathsBarChart
              id={`chart-${id}-paths${narrow ? '-narrow' : ''}`}
              title={`Resilient and responsive councils by ${heading}`}
              description={pathsDescription(shownOnly(report.groups), heading)}
              data={shownOnly(report.groups).map((g) => ({ label: g.label, counts: g }))}
              narrow={narrow}
            />
          </div>
        ))}
        <figcaption>
          <PathsLegend />
        </figcaption>
      </figure>
      <CoverageTable
        id={`table-${id}`}
        caption={caption}
        groupHeading={groupHeading}
        groups={report.groups}
        total={report.total}
      />
    </>
  );
}

/** The totals as a GOV.UK summary list: each bucket with its count and share. */
export function CoverageTotals({ total }: { total: ShownGroup }) {
  const items: Array<[Bucket, number | null, number | null]> = [
    ['confirmed', total.confirmed, total.percentConfirmed],
    ['stale', total.stale, total.percentStale],
    ['unreachable', total.unreachable, total.percentUnreachable],
    ['pending', total.pending, total.percentPending],
    ['none', total.none, total.percentNone],
  ];
  return (
    <SummaryList
      rows={[
        { key: 'Current authorities', value: fmt(total.authorities) },
        ...items.map(([bucket, n, share]) => ({
          key: statusWords.bucket[bucket],
          value: n === null ? WITHHELD : `${fmt(n)} (${pct(share)})`,
        })),
        {
          key: 'Resilient',
          value:
            total.resilient === null
              ? WITHHELD
              : `${fmt(total.resilient)} (${pct(total.percentResilient)}): two or more independent ways to reach them`,
        },
        {
          key: 'Responsive',
          value:
            total.responsive === null
              ? WITHHELD
              : `${fmt(total.responsive)} (${pct(total.percentResponsive)}): answered their last drill within 24 hours`,
        },
        ...(total.confirmedAtRisk === undefined
          ? []
          : [
              {
                key: 'Of the confirmed, at risk',
                value: `${fmt(total.confirmedAtRisk)} (weak mail set-up or repeated soft bounces; each authority’s page says why)`,
              },
            ]),
      ]}
    />
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
        <SummaryList
          rows={bucketDefinitions.map(([bucket, text]) => ({ key: statusWords.bucket[bucket], value: text }))}
        />
        <p class="govuk-body">Beside the buckets, and counted apart from them:</p>
        <SummaryList
          rows={[
            {
              key: 'Resilient',
              value:
                'The council has two or more independent confirmed contact paths: mailboxes whose mail does not go through the same servers or the same mail provider, or a confirmed out-of-hours mobile. Two mailboxes on one provider are one path.',
            },
            {
              key: 'Responsive',
              value:
                'At the last drill that included it, the council acknowledged on any path within 24 hours of the drill starting.',
            },
          ]}
        />
      </div>
    </details>
  );
}

/** The description a bar chart's <desc> carries: each group's share confirmed, in words. */
export function barDescription(groups: CoverageGroup[], heading: string): string {
  const parts = groups.map((g) => `${g.label}: ${pct(g.percentConfirmed)} confirmed of ${g.authorities}`);
  return `Percentage of current authorities in each bucket, by ${heading}. ${parts.join('; ')}. The table that follows gives every number.`;
}

/** The description the resilient and responsive chart's <desc> carries, in words. */
export function pathsDescription(groups: CoverageGroup[], heading: string): string {
  const parts = groups.map(
    (g) => `${g.label}: ${pct(g.percentResilient)} resilient, ${pct(g.percentResponsive)} responsive`,
  );
  return `Percentage of current authorities that are resilient and responsive, by ${heading}. ${parts.join('; ')}. The table that follows gives every number.`;
}
