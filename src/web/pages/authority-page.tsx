// GET /authorities/:code: one authority for staff (and for the council itself): its register entry and
// coverage, its mailboxes with their state and reachability, the latest checks of its mail domains, and the
// advisories delivered to it with when it acknowledged them (each linked to the advisory's page for staff).
import { checkKinds } from '../../domain/check-results.js';
import { ukDateTime } from '../../domain/uk-time.js';
import type { AuthorityProfile } from '../../features/coverage/authority-profile.js';
import { kindText } from '../components/bits.js';
import { Reachability } from '../components/reachability.js';
import { SummaryList } from '../components/summary-list.js';
import { Table } from '../components/table.js';
import { StatusTag, Tag } from '../components/tag.js';

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
          value: a.status === 'current' ? 'Current' : `Former (ended ${a.endDate ?? ''})`,
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

function Mailboxes({ profile }: { profile: Profile }) {
  const removed = profile.removedMailboxes;
  return (
    <>
      <h2 class="govuk-heading-m" id="mailboxes">
        Mailboxes
      </h2>
      <Table
        id="mailbox-table"
        scroll
        compact
        caption="Registered mailboxes and whether they are reachable"
        columns={['Address', 'Kind', 'State', 'Reachability', { head: 'Dates', cellClass: 'govuk-body-s' }]}
        rows={profile.mailboxes.map((m) => [
          <>
            {m.address}
            <br />
            <span class="govuk-body-s">{m.team}</span>
          </>,
          kindText[m.kind] ?? m.kind,
          <StatusTag of="mailboxState" value={m.state} />,
          <Reachability status={m.status} reasons={m.reasons} />,
          <MailboxDates m={m} />,
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

function DomainCheckTable({ checks, index }: { checks: DomainChecks; index: number }) {
  return (
    <Table
      id={`checks-${index + 1}`}
      scroll
      compact
      caption={`Latest checks of ${checks.domain}`}
      captionClass="app-break-words"
      columns={['Check', 'Result', 'What we found', 'Checked']}
      rows={checkKinds.flatMap((kind) => {
        const check = checks.checks[kind];
        if (!check) return [];
        return [
          [
            checkKindText[kind] ?? kind,
            <StatusTag of="checkSeverity" value={check.severity} />,
            check.summary,
            ukDateTime(check.checkedAt),
          ],
        ];
      })}
      rowHeads
    />
  );
}

function DomainChecks({ profile }: { profile: Profile }) {
  const checked = profile.checks.filter((c) => Object.keys(c.checks).length > 0);
  return (
    <>
      <h2 class="govuk-heading-m" id="checks">
        Mail domain checks
      </h2>
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
        columns={['Advisory', 'Sent', 'Delivered', 'Acknowledged']}
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
          adv.sentAt ? ukDateTime(adv.sentAt) : 'Not yet',
          <>
            {adv.delivered} of {adv.deliveries} mailbox{adv.deliveries === 1 ? '' : 'es'}
            {adv.failed > 0 && `, ${adv.failed} failed`}
          </>,
          adv.acknowledgedAt ? ukDateTime(adv.acknowledgedAt) : <Tag colour="grey">Not yet</Tag>,
        ])}
        empty="No advisory has been sent to this authority."
      />
    </>
  );
}

export function AuthorityPage({
  profile,
  linkAdvisories,
}: {
  profile: Profile;
  /** Staff can open an advisory's page; a council cannot. */
  linkAdvisories: boolean;
}) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-full">
        <span class="govuk-caption-l">Authority {profile.authority.code}</span>
        <h1 class="govuk-heading-l">{profile.authority.name}</h1>
        <RegisterEntry profile={profile} />
        <Mailboxes profile={profile} />
        <DomainChecks profile={profile} />
        <AdvisoriesReceived profile={profile} linkAdvisories={linkAdvisories} />
      </div>
    </div>
  );
}
