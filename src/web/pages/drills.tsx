// The drill pages: the list, the "Schedule a drill" form and its check-your-answers page, a drill with its
// report tables, and the acknowledgement pages a council reaches from the e-mail or text.

import { ukDateTime } from '../../domain/uk-time.js';
import type { DrillView } from '../../features/drills/drill-view.js';
import type { DrillReport, GroupFigures } from '../../features/drills/report.js';
import type { DrillPreview } from '../../features/drills/schedule-drill.js';
import { Panel, SuccessBanner } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { DateInput } from '../components/date-input.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Radios } from '../components/radios.js';
import { SummaryList } from '../components/summary-list.js';
import { Table } from '../components/table.js';
import { Tag, type TagColour } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';

const stateColours: Record<string, TagColour> = {
  scheduled: 'blue',
  running: 'yellow',
  finished: 'green',
  cancelled: 'grey',
};

const stateText: Record<string, string> = {
  scheduled: 'Scheduled',
  running: 'Running',
  finished: 'Finished',
  cancelled: 'Cancelled',
};

export function DrillStateTag({ state }: { state: string }) {
  return <Tag colour={stateColours[state]}>{stateText[state] ?? state}</Tag>;
}

const channelText: Record<string, string> = { email: 'E-mail', sms: 'Text' };
const pathStatusText: Record<string, string> = {
  delivered: 'Delivered',
  sent: 'Sent, no receipt yet',
  failed: 'Failed',
  pending: 'Not sent yet',
};

const recurrenceText: Record<string, string> = {
  none: 'Once',
  monthly: 'Every month',
  quarterly: 'Every 3 months',
  'half-yearly': 'Every 6 months',
  yearly: 'Every year',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2 hours 5 minutes", "40 seconds"; "–" for none. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const minutes = Math.floor(s / 60);
  const hours = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (hours === 0) return `${m} minute${m === 1 ? '' : 's'}`;
  return `${hours} hour${hours === 1 ? '' : 's'}${m ? ` ${m} minute${m === 1 ? '' : 's'}` : ''}`;
}

// ---------- the list ----------

export const drillsTitle = 'Drills';

export function DrillListPage({
  drills,
  audiences,
}: {
  drills: DrillView[];
  audiences: Map<string, string>;
}) {
  return (
    <>
      <h1 class="govuk-heading-l">{drillsTitle}</h1>
      <p class="govuk-body">
        A drill sends a clearly marked exercise message to every confirmed mailbox and mobile of the councils
        in its audience and asks them to acknowledge it. Its report shows who was reached and how fast they
        answered.
      </p>
      <Button href="/drills/new">Schedule a drill</Button>
      <Table
        caption="Drills, newest first"
        stack
        columns={['Reference', 'State', 'Who', 'Starts', 'Window', 'Repeats']}
        rows={drills.map((d) => [
          <a class="govuk-link" href={`/drills/${d.id}`}>
            {d.reference}
          </a>,
          <DrillStateTag state={d.state} />,
          audiences.get(d.id) ?? '',
          ukDateTime(new Date(d.startedAt ?? d.scheduledFor)),
          `${d.windowHours} hours`,
          recurrenceText[d.recurrence] ?? d.recurrence,
        ])}
        empty="No drills yet."
      />
    </>
  );
}

// ---------- the form and its check page ----------

export interface DrillFormValues {
  who: string;
  audience: string;
  /** When it starts, UK time, as typed: all four empty means as soon as possible. */
  startDay: string;
  startMonth: string;
  startYear: string;
  startTime: string;
  windowHours: string;
  recurrence: string;
}

export const newDrillTitle = 'Schedule a drill';

export function DrillFormPage(p: {
  csrf: string;
  values: DrillFormValues;
  errors: SummaryError[];
  warp: string | null;
}) {
  const error = (field: string) => p.errors.find((e) => e.field === field)?.text;
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={p.errors} />
        <h1 class="govuk-heading-l">{newDrillTitle}</h1>
        <p class="govuk-body">
          Nothing is sent from this page: the next one shows who the drill will reach before you schedule it.
        </p>
        <PostForm action="/drills/check" csrf={p.csrf}>
          <Radios
            id="who"
            legend="Who is it for?"
            legendClass="govuk-fieldset__legend--m"
            value={p.values.who}
            error={error('who')}
            items={[
              {
                value: 'all',
                text: p.warp ? 'Every member council of your WARP' : 'Every council',
              },
              { value: 'some', text: 'Some councils (say which below)' },
            ]}
          />
          <TextInput
            id="audience"
            label="Which councils"
            hint="Only for “Some councils”: terms like nation:Wales, region:London, warp:wales, type:UA or council:CRF, separated by commas. Terms of one kind are alternatives; different kinds narrow each other."
            value={p.values.audience}
            error={error('audience')}
            spellcheck={false}
          />
          <DateInput
            id="start"
            legend="When does it start? (optional)"
            hint="UK time, for example 27 3 2027. Leave the date and time empty to start within a few minutes."
            values={{ day: p.values.startDay, month: p.values.startMonth, year: p.values.startYear }}
            error={error('start-day')}
          />
          <TextInput
            id="startTime"
            label="Time"
            hint="24-hour clock, for example 09:30"
            value={p.values.startTime}
            error={error('startTime')}
            inputmode="numeric"
            widthClass="govuk-input--width-5"
          />
          <TextInput
            id="windowHours"
            label="Hours councils have to acknowledge"
            value={p.values.windowHours}
            error={error('windowHours')}
            inputmode="numeric"
            widthClass="govuk-input--width-4"
          />
          <Radios
            id="recurrence"
            legend="Does it repeat?"
            value={p.values.recurrence}
            error={error('recurrence')}
            items={Object.entries(recurrenceText).map(([value, text]) => ({ value, text }))}
          />
          <Button>Continue</Button>
        </PostForm>
      </div>
    </div>
  );
}

export const checkDrillTitle = 'Check the drill before you schedule it';

export function DrillCheckPage(p: {
  csrf: string;
  values: DrillFormValues;
  audienceText: string;
  startsText: string;
  preview: DrillPreview;
}) {
  const v = p.values;
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">{checkDrillTitle}</h1>
        <SummaryList
          rows={[
            { key: 'Who', value: p.audienceText },
            {
              key: 'Councils',
              value: `${p.preview.councilsWithPaths} of ${p.preview.councils} have a confirmed path`,
            },
            {
              key: 'Messages',
              value: `${p.preview.paths} (${plural(p.preview.mailboxes, 'e-mail')}, ${plural(p.preview.mobiles, 'text')})`,
            },
            { key: 'Starts', value: p.startsText },
            { key: 'Window', value: `${v.windowHours} hours` },
            { key: 'Repeats', value: recurrenceText[v.recurrence] ?? v.recurrence },
          ]}
        />
        {!p.preview.sms && (
          <p class="govuk-body">Texts cannot be sent at the moment: the drill goes by e-mail only.</p>
        )}
        {p.preview.withoutPath.length > 0 && (
          <details class="govuk-details">
            <summary class="govuk-details__summary">
              <span class="govuk-details__summary-text">
                {p.preview.withoutPath.length} councils have nothing confirmed and will not be reached
              </span>
            </summary>
            <div class="govuk-details__text">
              {p.preview.withoutPath.map((c) => `${c.name} (${c.code})`).join(', ')}
            </div>
          </details>
        )}
        <p class="govuk-body">
          Each message says plainly that it is an exercise, not a security advisory, and asks only for an
          acknowledgement.
        </p>
        <PostForm action="/drills/new" csrf={p.csrf}>
          {Object.entries(v).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <Button preventDoubleClick>Schedule the drill</Button>
        </PostForm>
        <p class="govuk-body">
          <a class="govuk-link" href="/drills/new">
            Start again
          </a>
        </p>
      </div>
    </div>
  );
}

// ---------- one drill and its report ----------

function FiguresTable({ id, caption, rows }: { id: string; caption: string; rows: GroupFigures[] }) {
  return (
    <Table
      id={id}
      scroll
      caption={caption}
      columns={[
        'Group',
        { head: 'Councils', numeric: true },
        { head: 'Reached', numeric: true },
        { head: 'Acknowledged', numeric: true },
        { head: 'Within the window', numeric: true },
        { head: 'Median time', numeric: true },
        { head: '90th percentile', numeric: true },
      ]}
      rowHeads
      rows={rows.map((g) => [
        g.label,
        g.councils,
        g.reached,
        g.acknowledged,
        g.acknowledgedInWindow,
        duration(g.medianSeconds),
        duration(g.p90Seconds),
      ])}
    />
  );
}

const pathStatusColour: Record<string, TagColour> = {
  delivered: 'green',
  sent: 'blue',
  failed: 'red',
  pending: 'grey',
};

export function DrillPage(p: {
  csrf: string;
  report: DrillReport;
  audienceText: string;
  mayChange: boolean;
  done?: string;
}) {
  const d = p.report.drill;
  const r = p.report;
  return (
    <>
      {p.done && <SuccessBanner>{p.done}</SuccessBanner>}
      <span class="govuk-caption-l">Reachability drill</span>
      <h1 class="govuk-heading-l">{d.reference}</h1>
      <SummaryList
        rows={[
          { key: 'State', value: <DrillStateTag state={d.state} /> },
          { key: 'Who', value: p.audienceText },
          { key: 'Starts', value: ukDateTime(new Date(d.scheduledFor)) },
          d.startedAt !== null && { key: 'Started', value: ukDateTime(new Date(d.startedAt)) },
          d.closesAt !== null && { key: 'Window closes', value: ukDateTime(new Date(d.closesAt)) },
          { key: 'Window', value: `${d.windowHours} hours` },
          { key: 'Repeats', value: recurrenceText[d.recurrence] ?? d.recurrence },
          d.cancelledAt !== null && { key: 'Cancelled', value: ukDateTime(new Date(d.cancelledAt)) },
        ]}
      />
      {d.state === 'scheduled' && p.mayChange && (
        <div class="govuk-button-group">
          <PostButton action={`/drills/${d.id}/start`} csrf={p.csrf} preventDoubleClick>
            Start it now
          </PostButton>
          <PostButton action={`/drills/${d.id}/cancel`} csrf={p.csrf} variant="warning" preventDoubleClick>
            Cancel this drill
          </PostButton>
        </div>
      )}
      {d.state !== 'scheduled' && d.state !== 'cancelled' && (
        <>
          <h2 class="govuk-heading-m">{r.final ? 'Report' : 'Report so far'}</h2>
          <p class="govuk-body">
            <a class="govuk-link" href={`/api/v1/drills/${d.id}/report.csv`} download>
              Download the report (CSV)
            </a>
          </p>
          <FiguresTable id="figures-total" caption="All councils" rows={[r.total]} />
          <FiguresTable id="figures-nation" caption="By nation" rows={r.groups.nation} />
          <FiguresTable id="figures-region" caption="By region" rows={r.groups.region} />
          <FiguresTable id="figures-warp" caption="By WARP" rows={r.groups.warp} />
          <FiguresTable id="figures-type" caption="By council type" rows={r.groups.type} />
          <Table
            caption={`Councils that never answered (${r.neverAnswered.length})`}
            columns={['Council', 'Reached']}
            rows={r.neverAnswered.map((c) => [`${c.name} (${c.code})`, c.reached ? 'Yes' : 'No'])}
            empty="Every council acknowledged."
          />
          <Table
            caption={`Paths that failed (${r.failedPaths.length})`}
            columns={['Council', 'Channel', 'To', 'Why']}
            rows={r.failedPaths.map((f) => [
              `${f.name} (${f.code})`,
              channelText[f.channel] ?? f.channel,
              f.target,
              f.failure ?? '',
            ])}
            empty="No path failed."
          />
          <Table
            caption="Every council"
            id="drill-councils"
            scroll
            columns={['Council', 'Paths', 'Reached', 'Acknowledged', 'Time to acknowledge']}
            rows={r.councils.map((c) => [
              `${c.name} (${c.code})`,
              <ul class="govuk-list">
                {c.paths.map((path) => (
                  <li>
                    {channelText[path.channel] ?? path.channel} {path.target}{' '}
                    <Tag colour={pathStatusColour[path.status]}>
                      {pathStatusText[path.status] ?? path.status}
                    </Tag>
                    {path.failure ? ` ${path.failure}` : ''}
                  </li>
                ))}
              </ul>,
              c.reached ? 'Yes' : 'No',
              c.acknowledgedAt ? `${ukDateTime(new Date(c.acknowledgedAt))}${c.late ? ' (late)' : ''}` : 'No',
              duration(c.secondsToAcknowledge),
            ])}
          />
        </>
      )}
    </>
  );
}

// ---------- acknowledging ----------

export interface DrillAckProps {
  reference: string;
  council: string;
}

export const drillAckTitle = (p: DrillAckProps) => `Acknowledge drill ${p.reference} for ${p.council}`;

export function DrillAckPage(p: DrillAckProps & { action: string }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <p class="govuk-body">
          <Tag colour="yellow">Exercise</Tag>
        </p>
        <h1 class="govuk-heading-l app-break-words">{drillAckTitle(p)}</h1>
        <p class="govuk-body">
          This is an exercise, not a security advisory. We are checking that we can reach your council when it
          matters: press the button to tell us your team received the message.
        </p>
        <PostForm action={p.action}>
          <Button preventDoubleClick>Acknowledge</Button>
        </PostForm>
      </div>
    </div>
  );
}

export const drillAckedTitle = (already: boolean) =>
  already ? 'Drill already acknowledged' : 'Drill acknowledged';

export function DrillAckedPage(p: DrillAckProps & { already: boolean; acknowledgedAt: Date; late: boolean }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <Panel title={drillAckedTitle(p.already)}>
          {p.reference} for {p.council}
        </Panel>
        <p class="govuk-body">
          Thank you. {p.already ? 'It was acknowledged' : 'We recorded your acknowledgement'} on{' '}
          {ukDateTime(p.acknowledgedAt)}
          {p.late ? ', after the drill’s window had closed' : ''}.
        </p>
        <p class="govuk-body">This was an exercise, not a security advisory: there is nothing else to do.</p>
      </div>
    </div>
  );
}

export const drillLinkNotValidTitle = 'This link is not valid';

export function DrillLinkNotValid() {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">{drillLinkNotValidTitle}</h1>
        <p class="govuk-body">
          Check that you copied the whole link from the message, with nothing added to it. If it still does
          not work, tell your WARP or the NCSC that the exercise message reached you.
        </p>
      </div>
    </div>
  );
}
