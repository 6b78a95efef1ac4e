// Server-rendered SVG charts: no script, no external file, only presentation attributes (the CSP allows no
// inline style). Each chart is one `role="img"` named by its <title> and described by its <desc>; the page
// puts the data table beside it. Colours are GOV.UK's, each at least 3:1 against white, and segments are
// separated by white gaps so they are told apart without colour; lines also differ in dash pattern.

import type { Child } from 'hono/jsx';
import { ukShortDay } from '../../domain/uk-time.js';
import { type Bucket, buckets } from '../../features/coverage/mailbox-state.js';
import type { BucketCounts } from '../../features/coverage/report.js';
import { statusColours, statusWords, type TagColour } from './tag.js';

/** GOV.UK's colours for the tag colours a bucket can have, each at least 3:1 against white. */
const solid: Partial<Record<TagColour, string>> = {
  green: '#00703c',
  purple: '#4c2c92',
  red: '#d4351c',
  blue: '#1d70b8',
  grey: '#505a5f',
};

/** A bucket's colour in a chart: the solid form of its tag's colour, so the tags match the charts. */
const bucketColour = (b: Bucket) => solid[statusColours[b]] ?? '#505a5f';
const font = 'GDS Transport, arial, sans-serif';
const ink = '#0b0c0c';
const grid = '#b1b4b6';

const pct = (n: number, of: number) => (of === 0 ? 0 : (n * 100) / of);
const oneDecimal = (x: number) => `${(Math.round(x * 10) / 10).toFixed(1)}%`;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface BarDatum {
  label: string;
  counts: BucketCounts;
}

/** What names and describes a chart (`id` prefixes the ids of its <title> and <desc>). */
interface ChartText {
  id: string;
  title: string;
  description: string;
}

/** The chart's SVG: an image named by its title and described by its description. */
function ChartFrame(p: ChartText & { width: number; height: number; children?: Child }) {
  return (
    <svg
      class="app-chart"
      role="img"
      aria-labelledby={`${p.id}-title ${p.id}-desc`}
      viewBox={`0 0 ${p.width} ${p.height}`}
      width={p.width}
      height={p.height}
      font-family={font}
      font-size="14"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={`${p.id}-title`}>{p.title}</title>
      <desc id={`${p.id}-desc`}>{p.description}</desc>
      {p.children}
    </svg>
  );
}

interface Tick {
  label: string;
  /** The grid line, [x1, y1, x2, y2]; none for a label alone. */
  line?: [number, number, number, number];
  /** Where the label stands, [x, y]. */
  at: [number, number];
  anchor: 'start' | 'middle' | 'end';
}

/** An axis: its grid lines and their labels, across (the bar chart's percentages) or up (the line chart's). */
function Gridlines({ ticks }: { ticks: Tick[] }) {
  return (
    <>
      {ticks.map(({ label, line, at, anchor }) => (
        <g>
          {line && (
            <line x1={line[0]} y1={line[1]} x2={line[2]} y2={line[3]} stroke={grid} stroke-width="1" />
          )}
          <text x={at[0]} y={at[1]} text-anchor={anchor} fill={ink}>
            {label}
          </text>
        </g>
      ))}
    </>
  );
}

/** The legend for the bucket colours, as HTML (the swatches are decoration). */
export function BucketLegend() {
  return (
    <ul class="app-chart-legend">
      {buckets.map((b) => (
        <li>
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <rect width="16" height="16" fill={bucketColour(b)} />
          </svg>{' '}
          {statusWords.bucket[b]}
        </li>
      ))}
    </ul>
  );
}

/**
 * A 100% stacked horizontal bar per group: the share of its authorities in each bucket, confirmed first,
 * with the percentage confirmed at the end of the bar.
 */
export function CoverageBarChart({
  data,
  narrow,
  ...text
}: ChartText & { data: BarDatum[]; narrow?: boolean }) {
  if (narrow) return <NarrowBarChart data={data} {...text} />;
  const width = 760;
  const labelWidth = 210;
  const valueWidth = 90;
  const barWidth = width - labelWidth - valueWidth - 10;
  const rowHeight = 30;
  const barHeight = 20;
  const top = 28;
  const axis = 26;
  const height = top + data.length * rowHeight + axis;
  const x0 = labelWidth;
  return (
    <ChartFrame {...text} width={width} height={height}>
      {/* What the number at the end of each bar is. */}
      <text x={x0 + barWidth + 8} y={16} fill={ink} font-weight="700">
        % confirmed
      </text>
      <Gridlines
        ticks={[0, 25, 50, 75, 100].map((tick) => {
          const x = x0 + (barWidth * tick) / 100;
          return {
            label: `${tick}%`,
            line: [x, top - 4, x, top + data.length * rowHeight],
            at: [x, height - 8],
            anchor: 'middle',
          };
        })}
      />
      {data.map((d, i) => {
        const y = top + i * rowHeight + (rowHeight - barHeight) / 2;
        return (
          <g>
            <text x={labelWidth - 10} y={y + barHeight / 2 + 5} text-anchor="end" fill={ink}>
              {clip(d.label, 26)}
            </text>
            <BarSegments counts={d.counts} x0={x0} y={y} width={barWidth} height={barHeight} />
            <text x={x0 + barWidth + 8} y={y + barHeight / 2 + 5} fill={ink} font-weight="700">
              {oneDecimal(pct(d.counts.confirmed, d.counts.authorities))}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** One group's 100% bar: a segment per bucket, confirmed first, with white gaps between them. */
function BarSegments(p: { counts: BucketCounts; x0: number; y: number; width: number; height: number }) {
  let offset = 0;
  return (
    <>
      {buckets.map((b) => {
        const w = (p.width * pct(p.counts[b], p.counts.authorities)) / 100;
        const x = p.x0 + offset;
        offset += w;
        return w > 0 ? (
          <rect x={x} y={p.y} width={Math.max(w - 1, 0.5)} height={p.height} fill={bucketColour(b)} />
        ) : null;
      })}
    </>
  );
}

/** The bar chart for a phone: each group's name and "12.5% confirmed" on a line of their own, then its bar. */
function NarrowBarChart({ data, ...text }: ChartText & { data: BarDatum[] }) {
  const width = 340;
  const rowHeight = 50;
  const barHeight = 16;
  const height = data.length * rowHeight + 6;
  return (
    <ChartFrame {...text} width={width} height={height}>
      {data.map((d, i) => {
        const y = i * rowHeight + 18;
        return (
          <g>
            <text x={0} y={y} fill={ink}>
              {clip(d.label, 28)}
            </text>
            <text x={width} y={y} text-anchor="end" fill={ink} font-weight="700">
              {`${oneDecimal(pct(d.counts.confirmed, d.counts.authorities))} confirmed`}
            </text>
            <BarSegments counts={d.counts} x0={0} y={y + 8} width={width} height={barHeight} />
          </g>
        );
      })}
    </ChartFrame>
  );
}

export interface LineSeries {
  label: string;
  /** Values (0–100) by day (YYYY-MM-DD), oldest first. */
  points: Array<{ day: string; value: number }>;
}

const seriesStyles = [
  { colour: '#0b0c0c', dash: undefined, width: 3 },
  { colour: '#1d70b8', dash: '8 4', width: 2 },
  { colour: '#00703c', dash: '2 3', width: 2 },
  { colour: '#d4351c', dash: '10 3 2 3', width: 2 },
  { colour: '#4c2c92', dash: '5 5', width: 2 },
  { colour: '#6f4e37', dash: '1 4', width: 2 },
];

export const maxLineSeries = seriesStyles.length;

/**
 * One line per series (at most six, each with its own dash pattern), labelled at its end; the scale runs from
 * 0% to the smallest of 2, 4, 8, 20, 40, 60, 80 or 100% that holds every value (quarters stay round).
 */
export function CoverageLineChart({
  series,
  narrow,
  ...text
}: ChartText & { series: LineSeries[]; narrow?: boolean }) {
  // On a phone: narrower, and the end labels give the value only (the legend names the lines).
  const width = narrow ? 340 : 760;
  const height = narrow ? 240 : 320;
  const left = 50;
  const right = narrow ? 56 : 190;
  const top = 15;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const xOf = (day: string) =>
    days.length <= 1 ? left + plotW / 2 : left + (plotW * (dayIndex.get(day) ?? 0)) / (days.length - 1);
  const shown = series.slice(0, maxLineSeries);
  // The scale: the smallest of these that holds every value, so that low coverage is not a flat line.
  const highest = Math.max(0, ...shown.flatMap((s) => s.points.map((p) => p.value)));
  const yMax = [2, 4, 8, 20, 40, 60, 80, 100].find((m) => highest <= m) ?? 100;
  const yOf = (v: number) => top + plotH - (plotH * Math.min(Math.max(v, 0), yMax)) / yMax;
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  // End labels, pushed apart so that they never overlap, and kept inside the chart.
  const gap = 16;
  const ends = shown.map((s, i) => ({ i, y: yOf(s.points.at(-1)?.value ?? 0) })).sort((a, b) => a.y - b.y);
  for (let k = 1; k < ends.length; k++) ends[k]!.y = Math.max(ends[k]!.y, ends[k - 1]!.y + gap);
  const lowest = top + plotH;
  for (let k = ends.length - 1; k >= 0; k--)
    ends[k]!.y = Math.min(ends[k]!.y, k === ends.length - 1 ? lowest : ends[k + 1]!.y - gap);
  const labelY = new Map(ends.map((e) => [e.i, e.y]));
  const xTicks =
    days.length <= 1
      ? days
      : [...new Set([days[0]!, days[Math.floor((days.length - 1) / 2)]!, days.at(-1)!])];
  const anchor = (day: string) =>
    days.length <= 1 ? 'middle' : day === days[0] ? 'start' : day === days.at(-1) ? 'end' : 'middle';
  return (
    <ChartFrame {...text} width={width} height={height}>
      <Gridlines
        ticks={yTicks.map((tick) => ({
          label: `${Number.isInteger(tick) ? tick : tick.toFixed(1)}%`,
          line: [left, yOf(tick), left + plotW, yOf(tick)],
          at: [left - 8, yOf(tick) + 5],
          anchor: 'end',
        }))}
      />
      <Gridlines
        ticks={xTicks.map((day) => ({
          label: ukShortDay(day),
          at: [xOf(day), height - 12],
          anchor: anchor(day),
        }))}
      />
      {shown.map((s, i) => {
        const style = seriesStyles[i]!;
        const path = s.points.map(
          (p, k) => `${k === 0 ? 'M' : 'L'}${xOf(p.day).toFixed(1)},${yOf(p.value).toFixed(1)}`,
        );
        const last = s.points.at(-1);
        return (
          <g>
            {s.points.length > 1 && (
              <path
                d={path.join(' ')}
                fill="none"
                stroke={style.colour}
                stroke-width={style.width}
                stroke-dasharray={style.dash}
              />
            )}
            {s.points.length <= 31 &&
              s.points.map((p) => <circle cx={xOf(p.day)} cy={yOf(p.value)} r="3" fill={style.colour} />)}
            {last && (
              <text x={left + plotW + 10} y={(labelY.get(i) ?? 0) + 5} fill={ink}>
                {narrow ? oneDecimal(last.value) : `${clip(s.label, 18)} ${oneDecimal(last.value)}`}
              </text>
            )}
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** The dash pattern legend for line series, as HTML. */
export function LineLegend({ labels }: { labels: string[] }) {
  return (
    <ul class="app-chart-legend">
      {labels.slice(0, maxLineSeries).map((label, i) => {
        const style = seriesStyles[i]!;
        return (
          <li>
            <svg width="32" height="12" viewBox="0 0 32 12" aria-hidden="true" focusable="false">
              <line
                x1="0"
                x2="32"
                y1="6"
                y2="6"
                stroke={style.colour}
                stroke-width={style.width}
                stroke-dasharray={style.dash}
              />
            </svg>{' '}
            {label}
          </li>
        );
      })}
    </ul>
  );
}

/** The two measures of "always reachable" beside the buckets, each drawn in its own colour and pattern. */
const pathMeasures = [
  { field: 'resilient', label: 'Resilient', colour: '#1d70b8', dash: undefined },
  { field: 'responsive', label: 'Responsive', colour: '#00703c', dash: '4 2' },
] as const;

export interface PathsDatum {
  label: string;
  counts: Pick<BucketCounts, 'authorities' | 'resilient' | 'responsive'>;
}

/**
 * Per group, two bars: the share of its councils that are resilient (two or more independent contact
 * paths) and responsive (answered their last drill within 24 hours), each labelled with its value.
 */
export function PathsBarChart({
  data,
  narrow,
  ...text
}: ChartText & { data: PathsDatum[]; narrow?: boolean }) {
  const width = narrow ? 340 : 760;
  const labelWidth = narrow ? 0 : 210;
  const valueWidth = 60;
  const barWidth = width - labelWidth - valueWidth - 10;
  const barHeight = 12;
  const rowHeight = narrow ? 52 : 38;
  const top = 10;
  const axis = 26;
  const height = top + data.length * rowHeight + axis;
  return (
    <ChartFrame {...text} width={width} height={height}>
      <Gridlines
        ticks={[0, 25, 50, 75, 100].map((tick) => {
          const x = labelWidth + (barWidth * tick) / 100;
          return {
            label: `${tick}%`,
            line: [x, top - 4, x, top + data.length * rowHeight],
            at: [x, height - 8],
            anchor: 'middle',
          };
        })}
      />
      {data.map((d, i) => {
        const y0 = top + i * rowHeight + (narrow ? 16 : 4);
        return (
          <g>
            <text
              x={narrow ? 0 : labelWidth - 10}
              y={narrow ? y0 - 4 : y0 + barHeight + 2}
              text-anchor={narrow ? 'start' : 'end'}
              fill={ink}
            >
              {clip(d.label, narrow ? 40 : 26)}
            </text>
            {pathMeasures.map((m, k) => {
              const share = pct(d.counts[m.field], d.counts.authorities);
              const y = y0 + k * (barHeight + 3);
              return (
                <g>
                  <rect
                    x={labelWidth}
                    y={y}
                    width={Math.max((barWidth * share) / 100, 0.5)}
                    height={barHeight}
                    fill={m.colour}
                    stroke={m.colour}
                    stroke-dasharray={m.dash}
                  />
                  <text x={labelWidth + barWidth + 6} y={y + barHeight - 1} fill={ink} font-size="12">
                    {oneDecimal(share)}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** The legend for the resilient and responsive bars, as HTML (the swatches are decoration). */
export function PathsLegend() {
  return (
    <ul class="app-chart-legend">
      {pathMeasures.map((m) => (
        <li>
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <rect width="16" height="16" fill={m.colour} />
          </svg>{' '}
          {m.label}
        </li>
      ))}
    </ul>
  );
}
