// GET /coverage (public: counts only) and GET /dashboard (staff: by region, nation, WARP or type, with a
// chart over time from the daily snapshots and the way to the chase list).
import { ukCalendarDay } from '../../domain/uk-time.js';
import { type DisclosedReport, publicDimensions } from '../../features/coverage/disclosure.js';
import type { CoverageReport, Dimension } from '../../features/coverage/report.js';
import type { CoverageHistory } from '../../features/coverage/snapshot.js';
import { CoverageLineChart, LineLegend, type LineSeries, maxLineSeries } from '../components/charts.js';
import { LinkChoice } from '../components/link-choice.js';
import { Table } from '../components/table.js';
import { BucketDefinitions, CoverageFigure, CoverageTotals, dimensionText } from './coverage-bits.js';

export const publicCoverageTitle = 'Council cyber security mailboxes: coverage';
export const dashboardTitle = 'Coverage dashboard';

/** Councils created by a reorganisation and not yet vested: counted from their vesting day. */
export function Upcoming({ upcoming }: { upcoming: DisclosedReport['upcoming'] }) {
  if (!upcoming || upcoming.authorities === 0) return null;
  const n = upcoming.authorities;
  return (
    <p class="govuk-body" id="upcoming">
      {n === 1 ? '1 new council is' : `${n} new councils are`} being created by a reorganisation and counted
      from their vesting day.
      {upcoming.confirmed !== null && upcoming.offered !== null
        ? ` ${upcoming.confirmed} already ${upcoming.confirmed === 1 ? 'has' : 'have'} a confirmed primary mailbox; ${upcoming.offered} ${upcoming.offered === 1 ? 'is' : 'are'} reached meanwhile through the mailboxes of the councils they replace.`
        : ''}
    </p>
  );
}

export function PublicCoveragePage({ report }: { report: DisclosedReport }) {
  const { total } = report;
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-full">
        <h1 class="govuk-heading-l">{publicCoverageTitle}</h1>
        {total.confirmed !== null && total.percentConfirmed !== null && (
          <p class="govuk-body-l">
            {total.confirmed.toLocaleString('en-GB')} of the UK’s {total.authorities.toLocaleString('en-GB')}{' '}
            current local authorities ({total.percentConfirmed.toFixed(1)}%) have given the National Cyber
            Security Centre a dedicated cyber security mailbox that is confirmed and reachable.
          </p>
        )}
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half">
            <h2 class="govuk-heading-m">All of the UK</h2>
            <CoverageTotals total={total} />
          </div>
        </div>
        <Upcoming upcoming={report.upcoming} />
        <h2 class="govuk-heading-m">By nation</h2>
        <CoverageFigure
          id="nation"
          report={report}
          heading="nation"
          groupHeading="Nation"
          caption="Current authorities by nation and state of their primary mailbox"
        />
        <BucketDefinitions />
        <h2 class="govuk-heading-m">Download the numbers</h2>
        <ul class="govuk-list">
          {publicDimensions.map((by) => (
            <li>
              <a class="govuk-link" href={`/api/v1/coverage.csv?by=${by}`} download>
                Coverage by {dimensionText[by].heading} (CSV)
              </a>
            </li>
          ))}
          <li>
            <a class="govuk-link" href="/api/v1/coverage?by=nation">
              Coverage by nation (JSON)
            </a>
          </li>
          <li>
            <a class="govuk-link" href="/api/v1/coverage/history?by=nation">
              Coverage over time (JSON)
            </a>
          </li>
        </ul>
        <p class="govuk-body">
          Is your council missing?{' '}
          <a class="govuk-link" href="/register">
            Register your council’s mailbox
          </a>
          .
        </p>
      </div>
    </div>
  );
}

export interface DashboardProps {
  by: Dimension;
  report: CoverageReport;
  history: CoverageHistory;
  /** A WARP operator's own WARP: the dashboard shows its members only. */
  warpName?: string | null;
  chaseTotal: number;
}

function GroupChoice({ by }: { by: Dimension }) {
  return (
    <LinkChoice
      label="Group coverage by"
      intro="Group by:"
      links={(['region', 'nation', 'warp', 'type'] as const).map((d) => ({
        href: `/dashboard?by=${d}`,
        text: dimensionText[d].one,
        current: d === by,
      }))}
    />
  );
}

/** The lines of the chart over time: the total, and each group when there are few enough to read. */
export function historySeries(history: CoverageHistory): LineSeries[] {
  const total: LineSeries = {
    label: 'All',
    points: history.days.map((d) => ({ day: d.day, value: d.total.percentConfirmed })),
  };
  const labels = [...new Set(history.days.flatMap((d) => d.groups.map((g) => g.label)))];
  if (labels.length === 0 || labels.length > maxLineSeries - 1) return [total];
  return [
    total,
    ...labels.map((label) => ({
      label,
      points: history.days.flatMap((d) => {
        const g = d.groups.find((x) => x.label === label);
        return g ? [{ day: d.day, value: g.percentConfirmed }] : [];
      }),
    })),
  ];
}

function HistorySection({ history, by }: { history: CoverageHistory; by: Dimension }) {
  if (history.days.length === 0)
    return (
      <p class="govuk-body">
        There are no snapshots yet. The service takes one every day, so this chart starts tomorrow.
      </p>
    );
  const series = historySeries(history);
  const first = history.days[0]!;
  const last = history.days.at(-1)!;
  const grouped = series.length > 1;
  const description =
    `Percentage of current authorities with a confirmed primary mailbox, from ${ukCalendarDay(first.day)} to ${ukCalendarDay(last.day)}` +
    `${grouped ? `, in total and by ${dimensionText[by].heading}` : ' in total'}. ` +
    series
      .map((s) => `${s.label}: ${s.points[0]?.value.toFixed(1)}% to ${s.points.at(-1)?.value.toFixed(1)}%`)
      .join('; ') +
    '. The table that follows gives every day.';
  return (
    <>
      {history.days.length === 1 && (
        <p class="govuk-body">
          Only today’s figure so far: the service keeps one a day, so the line grows from tomorrow.
        </p>
      )}
      <figure class="app-figure">
        {[false, true].map((narrow) => (
          <div class={narrow ? 'app-chart-narrow' : 'app-chart-wide'}>
            <CoverageLineChart
              id={`chart-history${narrow ? '-narrow' : ''}`}
              title="Percentage confirmed over time"
              description={description}
              series={series}
              narrow={narrow}
            />
          </div>
        ))}
        <figcaption>
          <LineLegend labels={series.map((s) => s.label)} />
        </figcaption>
      </figure>
      <details class="govuk-details">
        <summary class="govuk-details__summary">
          <span class="govuk-details__summary-text">Show the numbers for each day</span>
        </summary>
        <div class="govuk-details__text">
          <Table
            id="table-history"
            scroll
            compact
            caption="Percentage confirmed by day"
            columns={['Day', ...series.map((s) => ({ head: s.label, numeric: true }))]}
            rows={[...history.days].reverse().map((d) => [
              d.live ? `${ukCalendarDay(d.day)} (now)` : ukCalendarDay(d.day),
              ...series.map((s) => {
                const p = s.points.find((x) => x.day === d.day);
                return p ? `${p.value.toFixed(1)}%` : '–';
              }),
            ])}
            rowHeads
          />
        </div>
      </details>
    </>
  );
}

export function DashboardPage({ by, report, history, warpName, chaseTotal }: DashboardProps) {
  const heading = dimensionText[by].heading;
  const csvQuery = new URLSearchParams({ by });
  for (const w of report.filters.warp ?? []) csvQuery.append('warp', w);
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-full">
        {warpName && <span class="govuk-caption-l">{warpName}</span>}
        <h1 class="govuk-heading-l">{dashboardTitle}</h1>
        <GroupChoice by={by} />
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half">
            <h2 class="govuk-heading-m">{warpName ? 'Your members' : 'All of the UK'}</h2>
            <CoverageTotals total={report.total} />
          </div>
          <div class="govuk-grid-column-one-half">
            <h2 class="govuk-heading-m">To chase</h2>
            <p class="govuk-body">
              {chaseTotal.toLocaleString('en-GB')} current{' '}
              {chaseTotal === 1 ? 'authority has' : 'authorities have'} no confirmed primary mailbox.
            </p>
            <p class="govuk-body">
              <a class="govuk-link" href="/dashboard/chase">
                See the chase list
              </a>
            </p>
          </div>
        </div>
        <h2 class="govuk-heading-m">Coverage by {heading}</h2>
        {report.groups.length === 0 ? (
          <p class="govuk-body">There are no current authorities to show.</p>
        ) : (
          <CoverageFigure
            id="groups"
            report={report}
            heading={heading}
            groupHeading={dimensionText[by].one}
            caption={`Current authorities by ${heading} and state of their primary mailbox`}
          />
        )}
        <p class="govuk-body">
          <a class="govuk-link" href={`/api/v1/coverage.csv?${csvQuery}`} download>
            Download coverage by {heading} (CSV)
          </a>
        </p>
        <BucketDefinitions />
        <h2 class="govuk-heading-m">Coverage over time</h2>
        <HistorySection history={history} by={by} />
      </div>
    </div>
  );
}
