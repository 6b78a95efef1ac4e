// The page components: one colour for every status a page shows, the TLP label in TLP 2.0's colours, and
// the markup of Table, SummaryList and Button. And the rule that pages use them: no page builds its own
// table, summary list, button or tag, or formats a date its own way.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { advisoryStates, deliveryStatuses } from '../../src/domain/advisory-states.js';
import { checkSeverities } from '../../src/domain/check-results.js';
import { mailboxStates } from '../../src/domain/mailbox-states.js';
import { tlpColours, tlpLabels } from '../../src/domain/tlp.js';
import { mailboxStatuses } from '../../src/features/checks/status.js';
import { buckets } from '../../src/features/coverage/mailbox-state.js';
import { Button, PostButton } from '../../src/web/components/button.js';
import { SummaryList } from '../../src/web/components/summary-list.js';
import { Table } from '../../src/web/components/table.js';
import {
  StatusTag,
  statusColours,
  statusWords,
  TlpTag,
  tlpClass,
  type Vocabulary,
} from '../../src/web/components/tag.js';
import { appCss } from '../../src/web/static.js';

const govukTagColours = [
  'grey',
  'green',
  'turquoise',
  'blue',
  'light-blue',
  'purple',
  'pink',
  'red',
  'orange',
  'yellow',
];

const vocabularies: Array<[Vocabulary, readonly string[]]> = [
  ['mailboxState', mailboxStates],
  ['mailboxStatus', mailboxStatuses],
  ['advisoryState', advisoryStates],
  ['deliveryStatus', deliveryStatuses],
  ['checkSeverity', checkSeverities],
  ['bucket', buckets],
];

const html = (node: unknown) => String(node);

describe('Tag', () => {
  it.each(vocabularies)('gives every %s a GOV.UK tag colour and words', (of, values) => {
    for (const value of values) {
      const colour = (statusColours as Record<string, string>)[value];
      expect(govukTagColours, `${of} ${value}`).toContain(colour);
      const words = (statusWords[of] as Record<string, string>)[value];
      expect(words, `${of} ${value}`).toBeTruthy();
      expect(html(<StatusTag of={of} value={value} />)).toBe(
        `<strong class="govuk-tag govuk-tag--${colour}">${words}</strong>`,
      );
    }
  });

  it('colours a word the same in every vocabulary, and the buckets as their charts do', () => {
    expect(html(<StatusTag of="mailboxState" value="confirmed" />)).toContain('govuk-tag--green');
    expect(html(<StatusTag of="bucket" value="confirmed" />)).toContain('govuk-tag--green');
    expect(html(<StatusTag of="mailboxStatus" value="stale" />)).toContain('govuk-tag--purple');
    expect(html(<StatusTag of="bucket" value="stale" />)).toContain('govuk-tag--purple');
    expect(html(<StatusTag of="mailboxStatus" value="confirmed" />)).toBe(
      '<strong class="govuk-tag govuk-tag--green">Reachable</strong>',
    );
  });

  it('shows a value no vocabulary knows as itself, without a colour', () => {
    expect(html(<StatusTag of="deliveryStatus" value="lost" />)).toBe(
      '<strong class="govuk-tag">lost</strong>',
    );
  });

  it('draws each TLP label in its TLP 2.0 colour on black, from domain/tlp.ts', () => {
    expect(html(<TlpTag tlp="AMBER+STRICT" />)).toBe(
      '<strong class="govuk-tag app-tlp app-tlp--amber-strict">TLP:AMBER+STRICT</strong>',
    );
    expect(appCss).toContain('.app-tlp.govuk-tag { background-color: #000;');
    for (const label of tlpLabels)
      expect(appCss).toContain(`.app-tlp.${tlpClass(label)} { color: ${tlpColours[label]}; }`);
  });
});

describe('Table', () => {
  const table = (
    <Table
      id="counts"
      scroll
      compact
      caption="Authorities by nation"
      columns={[
        { head: 'Nation' },
        { head: 'Authorities', numeric: true },
        { head: 'Note', cellClass: 'app-code' },
      ]}
      rows={[
        ['Wales', 22, 'all current'],
        ['Scotland', 32, <em>none</em>],
      ]}
      rowHeads
    />
  );

  it('renders caption, head cells, row heads and right-aligned numeric columns', () => {
    const out = html(table);
    expect(out).toContain(
      '<table class="govuk-table app-table--compact" id="counts"><caption class="govuk-table__caption govuk-table__caption--s" id="counts-caption">Authorities by nation</caption>',
    );
    expect(out).toContain(
      '<tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Nation</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">Authorities</th><th scope="col" class="govuk-table__header">Note</th></tr>',
    );
    expect(out).toContain(
      '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">Wales</th><td class="govuk-table__cell govuk-table__cell--numeric">22</td><td class="govuk-table__cell app-code">all current</td></tr>',
    );
    expect(out).toContain('<td class="govuk-table__cell app-code"><em>none</em></td>');
  });

  it('scrolls sideways in a focusable box named by its caption', () => {
    expect(html(table)).toMatch(
      /^<section class="app-table-scroll" tabindex="0" aria-labelledby="counts-caption"><table /,
    );
    const plain = html(<Table caption="c" columns={[{ head: 'a' }]} rows={[['1']]} />);
    expect(plain).toMatch(
      /^<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">c</,
    );
    expect(plain).toContain('<td class="govuk-table__cell">1</td>');
  });

  it('says so instead of drawing a table with no rows', () => {
    expect(html(<Table caption="c" columns={[{ head: 'a' }]} rows={[]} empty="Nothing yet." />)).toBe(
      '<p class="govuk-body">Nothing yet.</p>',
    );
  });
});

describe('SummaryList', () => {
  it('renders each row, leaves out the conditional ones that are not there', () => {
    const out = html(
      <SummaryList
        rows={[{ key: 'Nation', value: 'Wales' }, false, null, { key: 'Type', value: <b>Unitary</b> }]}
        classes="govuk-!-margin-top-6"
      />,
    );
    expect(out).toBe(
      '<dl class="govuk-summary-list govuk-!-margin-top-6">' +
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Nation</dt><dd class="govuk-summary-list__value">Wales</dd></div>' +
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Type</dt><dd class="govuk-summary-list__value"><b>Unitary</b></dd></div>' +
        '</dl>',
    );
  });

  it('gives a row its action link, and the rows without one the no-actions class', () => {
    const out = html(
      <SummaryList
        rows={[
          { key: 'Team', value: 'SOC', action: { href: '/team', text: 'Change', hidden: 'team' } },
          { key: 'Phone', value: '029' },
        ]}
      />,
    );
    expect(out).toContain(
      '<dd class="govuk-summary-list__actions"><a class="govuk-link" href="/team">Change<span class="govuk-visually-hidden"> team</span></a></dd>',
    );
    expect(out).toContain('<div class="govuk-summary-list__row govuk-summary-list__row--no-actions"><dt');
  });
});

describe('Button', () => {
  it('is a submit button, primary, secondary or warning', () => {
    expect(html(<Button>Save</Button>)).toBe(
      '<button type="submit" class="govuk-button" data-module="govuk-button">Save</button>',
    );
    expect(html(<Button variant="secondary">Filter</Button>)).toContain(
      'class="govuk-button govuk-button--secondary"',
    );
    expect(html(<Button variant="warning">Remove</Button>)).toContain(
      'class="govuk-button govuk-button--warning"',
    );
    expect(html(<Button preventDoubleClick>Send</Button>)).toContain('data-prevent-double-click="true"');
  });

  it('is a link with the button role, and the start button with its arrow', () => {
    expect(html(<Button href="/register">Register</Button>)).toBe(
      '<a href="/register" role="button" draggable="false" class="govuk-button" data-module="govuk-button">Register</a>',
    );
    const start = html(
      <Button href="/register" start>
        Start now
      </Button>,
    );
    expect(start).toContain('class="govuk-button govuk-button--start"');
    expect(start).toContain('<svg class="govuk-button__start-icon"');
  });

  it('posts a form of its own, with the CSRF field when given one', () => {
    const out = html(
      <PostButton action="/x" csrf="t0k">
        Go
      </PostButton>,
    );
    expect(out).toMatch(
      /^<form method="post" action="\/x" novalidate=""><input type="hidden" name="[^"]+" value="t0k"\/?><button/,
    );
    expect(html(<PostButton action="/confirm/abc">Confirm</PostButton>)).not.toContain('type="hidden"');
  });
});

describe('the pages use the components', () => {
  const root = join(import.meta.dirname, '../../src/web');
  const files = (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(root, f));
  const pages = files.filter((f) => !relative(root, f).startsWith('components'));
  const offending = (list: string[], pattern: RegExp) =>
    list.filter((f) => pattern.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));

  it('builds no table, summary list, button or tag by hand', () => {
    // A quoted tag is the Markdown body's class mapping (advisory-page.tsx), not markup of the page's own.
    expect(offending(pages, /(?<!['"`])<(table|dl)\b/)).toEqual([]);
    expect(offending(pages, /class="govuk-(button|tag)(?!-)\b/)).toEqual([]);
    expect(offending(pages, /<button[^>]*govuk-button/)).toEqual([]);
  });

  it('formats dates only through domain/uk-time.ts', () => {
    expect(offending(files, /Intl\.DateTimeFormat|toLocale(Date|Time)String|formatDateTime/)).toEqual([]);
  });
});
