// GET /authorities/:code: one authority for staff (and for the council itself): its register entry and
// coverage, its mailboxes with their state and reachability, its contact paths, the latest checks of its mail domains, and the
// advisories delivered to it with when it acknowledged them (each linked to the advisory's page for staff).

import { checkKinds } from '../../domain/check-results.js';
import { ukCalendarDay, ukDateTime } from '../../domain/uk-time.js';
import type { AuthorityProfile } from '../../features/coverage/authority-profile.js';
import type { MailboxKeyView } from '../../features/mailbox-keys/view.js';
import type { OfferView } from '../../features/reorganisation/carry-forward.js';
import { kindText, PhoneLink, SuccessBanner } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { ContactPathsSummary } from '../components/contact-paths.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Reachability } from '../components/reachability.js';
import { SummaryList } from '../components/summary-list.js';
import { Table } from '../components/table.js';
import { StatusTag, Tag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';

type Profile = AuthorityProfile;
type Mailbox = Profile['mailboxes'][number];
type DomainChecks = Profile['checks'][number];

const checkKindText: Record<string, string> = {
  mx: 'Mail servers (MX)',
  spf: 'SPF',
  dmarc: 'DMARC',
  'mta-sts': 'MTA-STS',
  'tls-rpt': 'TLS reporting',
  'security-txt': 'security.txt',
};

function RegisterEntry({ profile }: { profile: Profile }) {
  const { authority: a } = profile;
  return (
    <SummaryList
      rows={[
        {
          key: 'Coverage',
          value: profile.bucket ? (
            <StatusTag of="bucket" value={profile.bucket} />
          ) : a.status === 'upcoming' ? (
            'Not counted yet: an upcoming authority'
          ) : (
            'Not counted: a former authority'
          ),
        },
        { key: 'Nation', value: a.nation },
        { key: 'Region', value: a.region },
        { key: 'Type', value: a.typeName },
        { key: 'WARP', value: a.warp?.name ?? 'None' },
        {
          key: 'In the register',
          value:
            a.status === 'current'
              ? a.endDate
                ? `Current until ${ukCalendarDay(a.endDate)}`
                : 'Current'
              : a.status === 'upcoming'
                ? `Upcoming: vests on ${a.startDate ? ukCalendarDay(a.startDate) : 'its start date'}`
                : `Former (ended ${a.endDate ? ukCalendarDay(a.endDate) : ''})`,
        },
        {
          key: 'Mail domains',
          value:
            a.domains.length === 0 ? (
              'None known'
            ) : (
              <ul class="govuk-list">
                {a.domains.map((d) => (
                  <li class="app-break-words">{d}</li>
                ))}
              </ul>
            ),
        },
      ]}
    />
  );
}

/** When a mailbox was registered, confirmed, is due, went stale or unreachable: the dates it has. */
function MailboxDates({ m }: { m: Mailbox }) {
  const dates: Array<[string, Date | string | null | undefined]> = [
    ['Registered', m.createdAt],
    ['Confirmed', m.confirmedAt],
    ['Re-confirm by', m.reconfirmDueAt],
    ['Stale since', m.staleAt],
    ['Unreachable since', m.unreachableAt],
  ];
  return (
    <ul class="govuk-list govuk-body-s">
      {dates.map(([what, when]) => when && <li>{`${what} ${ukDateTime(when)}`}</li>)}
    </ul>
  );
}

/** What the signed-in person may do on the page (staff), and its CSRF token. */
export interface AuthorityActions {
  csrf: string;
  /** Resend a confirmation, remove a mailbox (staff within their scope). */
  mailboxes: boolean;
  /** Check a domain now, add a domain (admins). */
  admin: boolean;
}

function MailboxContact({ m, keys }: { m: Mailbox; keys?: MailboxKeyView[] }) {
  return (
    <>
      <span class="app-recipient__name app-break-words">{m.address}</span>
      {keys?.map((k) => (
        <span class="app-outcome__detail app-break-words">
          {k.state === 'confirmed' ? 'Encryption key' : 'New key, not confirmed yet'}:{' '}
          <code>{k.fingerprintGrouped}</code>
          {k.problem && <Tag colour="red">{k.problem}</Tag>}
        </span>
      ))}
      <span class="app-outcome__detail">{m.team}</span>
      {m.phone && (
        <span class="app-outcome__detail">
          <PhoneLink phone={m.phone} />
        </span>
      )}
    </>
  );
}

function MailboxActions({ m, code, actions }: { m: Mailbox; code: string; actions: AuthorityActions }) {
  const base = `/authorities/${code}/mailboxes/${m.id}`;
  const removable = actions.admin || !(m.state === 'confirmed' && m.kind === 'primary');
  return (
    <ul class="govuk-list govuk-body-s">
      {m.state === 'pending' && (
        <li>
          <PostForm action={`${base}/resend`} csrf={actions.csrf}>
            <button type="submit" class="app-link-button">
              Send the confirmation again<span class="govuk-visually-hidden"> to {m.address}</span>
            </button>
          </PostForm>
        </li>
      )}
      {removable && (
        <li>
          <a class="govuk-link app-link--destructive" href={`${base}/retire`}>
            Remove<span class="govuk-visually-hidden"> {m.address}</span>
          </a>
        </li>
      )}
    </ul>
  );
}

function Mailboxes({
  profile,
  actions,
  keys,
}: {
  profile: Profile;
  actions?: AuthorityActions;
  keys?: Map<string, MailboxKeyView[]>;
}) {
  const removed = profile.removedMailboxes;
  const code = profile.authority.code;
  return (
    <>
      <h2 class="govuk-heading-m" id="mailboxes">
        Mailboxes
      </h2>
      <Table
        id="mailbox-table"
        stack
        compact
        caption="Registered mailboxes, who answers them, and whether they are reachable"
        columns={[
          { head: 'Mailbox and contact', cellClass: 'app-col-wide' },
          'Kind',
          'State',
          'Reachability',
          { head: 'Dates', cellClass: 'govuk-body-s' },
          ...(actions?.mailboxes ? ['Actions'] : []),
        ]}
        rows={profile.mailboxes.map((m) => [
          <MailboxContact m={m} keys={keys?.get(m.id)} />,
          kindText[m.kind] ?? m.kind,
          <StatusTag of="mailboxState" value={m.state} />,
          <Reachability status={m.status} reasons={m.reasons} />,
          <MailboxDates m={m} />,
          ...(actions?.mailboxes ? [<MailboxActions m={m} code={code} actions={actions} />] : []),
        ])}
        empty="This authority has no mailbox registered."
      />
      {removed > 0 && (
        <p class="govuk-body-s">
          {removed} earlier {removed === 1 ? 'mailbox was' : 'mailboxes were'} removed, replaced or refused.
        </p>
      )}
    </>
  );
}

/** What to do about a finding that is not OK, by check. */
const whatToFix: Record<string, string> = {
  mx: 'Publish MX records pointing at mail servers that accept mail for the domain, or mail cannot reach you.',
  spf: 'Publish one SPF record listing every server that sends your mail, ending in -all.',
  dmarc:
    'Publish a DMARC record at _dmarc.<domain> with p=quarantine or p=reject, and a rua address for reports.',
  'mta-sts': 'Publish an MTA-STS policy in enforce mode, so mail to you is always encrypted.',
  'tls-rpt': 'Publish a TLS-RPT record at _smtp._tls.<domain>, so you hear when encrypted delivery fails.',
  'security-txt': 'Publish /.well-known/security.txt with a Contact and an Expires date in the future.',
};

function DomainCheckTable({ checks, index }: { checks: DomainChecks; index: number }) {
  return (
    <Table
      id={`checks-${index + 1}`}
      scroll
      compact
      caption={`Latest checks of ${checks.domain}`}
      captionClass="app-break-words"
      columns={['Check', 'Result', 'What we found', 'What to do', 'Checked']}
      rows={checkKinds.flatMap((kind) => {
        const check = checks.checks[kind];
        if (!check) return [];
        return [
          [
            checkKindText[kind] ?? kind,
            <StatusTag of="checkSeverity" value={check.severity} />,
            check.summary,
            check.severity === 'warning' || check.severity === 'critical' ? (whatToFix[kind] ?? '') : '',
            ukDateTime(check.checkedAt),
          ],
        ];
      })}
      rowHeads
    />
  );
}

function DomainChecks({ profile, actions }: { profile: Profile; actions?: AuthorityActions }) {
  const checked = profile.checks.filter((c) => Object.keys(c.checks).length > 0);
  return (
    <>
      <h2 class="govuk-heading-m" id="checks">
        Mail domain checks
      </h2>
      {actions?.admin && profile.checks.length > 0 && (
        <PostButton
          action={`/authorities/${profile.authority.code}/checks`}
          csrf={actions.csrf}
          variant="secondary"
          preventDoubleClick
        >
          Check {profile.checks.length === 1 ? 'its domain' : `its ${profile.checks.length} domains`} now
        </PostButton>
      )}
      {checked.length === 0 ? (
        <p class="govuk-body">
          None of this authority’s mail domains has been checked yet. The service checks them on a schedule.
        </p>
      ) : (
        checked.map((c, i) => <DomainCheckTable checks={c} index={i} />)
      )}
    </>
  );
}

function AdvisoriesReceived({ profile, linkAdvisories }: { profile: Profile; linkAdvisories: boolean }) {
  return (
    <>
      <h2 class="govuk-heading-m" id="advisories">
        Advisories received
      </h2>
      <Table
        id="advisory-table"
        scroll
        compact
        caption="Advisories sent to this authority’s mailboxes, newest first"
        columns={['Advisory', 'First delivered', 'Deliveries', 'Acknowledged']}
        rows={profile.advisories.map((adv) => [
          <>
            {linkAdvisories ? (
              <a class="govuk-link" href={`/advisories/${adv.id}`}>
                {adv.reference}
              </a>
            ) : (
              adv.reference
            )}{' '}
            (TLP:{adv.tlp})<br />
            {adv.title}
          </>,
          adv.firstDeliveredAt ? ukDateTime(adv.firstDeliveredAt) : 'Not delivered yet',
          <>
            {adv.delivered} of {adv.deliveries} {adv.deliveries === 1 ? 'mailbox' : 'mailboxes'} delivered
            {adv.failed > 0 && `, ${adv.failed} failed`}
            {adv.trying > 0 && `, ${adv.trying} still trying`}
          </>,
          adv.acknowledgedAt ? ukDateTime(adv.acknowledgedAt) : <Tag colour="grey">Not yet</Tag>,
        ])}
        empty="No advisory has been sent to this authority."
      />
    </>
  );
}

function AddDomain({
  code,
  csrf,
  error,
  value,
}: {
  code: string;
  csrf: string;
  error?: string;
  value?: string;
}) {
  return (
    <details class="govuk-details" open={!!error}>
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">Add a mail domain</span>
      </summary>
      <div class="govuk-details__text">
        <PostForm action={`/authorities/${code}/domains`} csrf={csrf}>
          <TextInput
            id="domain"
            label="Domain"
            hint="A domain the council’s mail comes from, like cardiff.gov.uk. Registrations on it need no approval."
            value={value}
            error={error}
            spellcheck={false}
            widthClass="govuk-!-width-two-thirds"
          />
          <Button variant="secondary">Add the domain</Button>
        </PostForm>
      </div>
    </details>
  );
}

const offerWords: Record<OfferView['state'], { text: string; colour: 'blue' | 'green' | 'grey' }> = {
  offered: { text: 'Asked: receives its advisories meanwhile', colour: 'blue' },
  accepted: { text: 'Carried forward', colour: 'green' },
  declined: { text: 'Declined', colour: 'grey' },
};

/** A successor's inherited contacts: the predecessors' mailboxes offered to it, and their answers. */
function CarriedForward({ offers }: { offers: OfferView[] }) {
  if (offers.length === 0) return null;
  return (
    <section aria-labelledby="carried-forward">
      <h2 class="govuk-heading-m" id="carried-forward">
        Mailboxes offered by its predecessors
      </h2>
      <p class="govuk-body">
        Each confirmed mailbox of the councils it replaces is asked whether it will serve this council. Until
        it answers, advisories to this council reach it too.
      </p>
      <Table
        caption="Mailboxes offered by its predecessors"
        hiddenCaption
        stack
        columns={['Mailbox', 'From', 'Answer']}
        rows={offers.map((o) => [
          <span class="app-break-words">{o.address}</span>,
          o.predecessorName,
          <Tag colour={offerWords[o.state].colour}>{offerWords[o.state].text}</Tag>,
        ])}
      />
    </section>
  );
}

export function AuthorityPage({
  profile,
  linkAdvisories,
  actions,
  done,
  errors = [],
  typedDomain,
  offers = [],
  keys,
}: {
  offers?: OfferView[];
  /** The mailboxes' OpenPGP keys: their fingerprints, and what the checks found. */
  keys?: Map<string, MailboxKeyView[]>;
  profile: Profile;
  /** Staff can open an advisory's page; a council cannot. */
  linkAdvisories: boolean;
  actions?: AuthorityActions;
  /** What an action just did. */
  done?: string;
  errors?: SummaryError[];
  typedDomain?: string;
}) {
  const domainError = errors.find((e) => e.field === 'domain')?.text;
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-full">
        <ErrorSummary errors={errors} />
        {done && <SuccessBanner>{done}</SuccessBanner>}
        <span class="govuk-caption-l">Authority {profile.authority.code}</span>
        <h1 class="govuk-heading-l">{profile.authority.name}</h1>
        <RegisterEntry profile={profile} />
        {actions?.admin && (
          <AddDomain
            code={profile.authority.code}
            csrf={actions.csrf}
            error={domainError}
            value={typedDomain}
          />
        )}
        <Mailboxes profile={profile} actions={actions} keys={keys} />
        <ContactPathsSummary paths={profile.contactPaths} lastDrill={profile.lastDrill} />
        <CarriedForward offers={offers} />
        <DomainChecks profile={profile} actions={actions} />
        <AdvisoriesReceived profile={profile} linkAdvisories={linkAdvisories} />
      </div>
    </div>
  );
}
