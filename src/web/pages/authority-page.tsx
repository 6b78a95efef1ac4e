// GET /authorities/:code: one authority for staff (and for the council itself): its register entry and
// coverage, its mailboxes with their state and reachability, the latest checks of its mail domains, and the
// advisories delivered to it with when it acknowledged them (each linked to the advisory's page for staff).
import type { Child } from 'hono/jsx';
import { checkKinds } from '../../domain/check-results.js';
import type { AuthorityProfile } from '../../features/coverage/authority-profile.js';
import { formatDateTime, kindText, StateTag } from '../components/bits.js';
import { Reachability } from '../components/reachability.js';
import { BucketTag } from './coverage-bits.js';

function Row({ label, children }: { label: string; children?: Child }) {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{label}</dt>
      <dd class="govuk-summary-list__value">{children}</dd>
    </div>
  );
}

const checkKindText: Record<string, string> = {
  mx: 'Mail servers (MX)',
  spf: 'SPF',
  dmarc: 'DMARC',
  'mta-sts': 'MTA-STS',
  'tls-rpt': 'TLS reporting',
  'security-txt': 'security.txt',
};

const severityTag: Record<string, [string, string]> = {
  ok: ['govuk-tag--green', 'OK'],
  info: ['govuk-tag--blue', 'Information'],
  warning: ['govuk-tag--yellow', 'Warning'],
  critical: ['govuk-tag--red', 'Critical'],
  temporary: ['govuk-tag--grey', 'Try again later'],
};

function SeverityTag({ severity }: { severity: string }) {
  const [cls, text] = severityTag[severity] ?? ['govuk-tag--grey', severity];
  return <strong class={`govuk-tag ${cls}`}>{text}</strong>;
}

export function AuthorityPage({
  profile,
  linkAdvisories,
}: {
  profile: AuthorityProfile;
  /** Staff can open an advisory's page; a council cannot. */
  linkAdvisories: boolean;
}) {
  const { authority: a } = profile;
  const anyChecks = profile.checks.some((c) => Object.keys(c.checks).length > 0);
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-full">
        <span class="govuk-caption-l">Authority {a.code}</span>
        <h1 class="govuk-heading-l">{a.name}</h1>
        <dl class="govuk-summary-list">
          <Row label="Coverage">
            {profile.bucket ? <BucketTag bucket={profile.bucket} /> : 'Not counted: a former authority'}
          </Row>
          <Row label="Nation">{a.nation}</Row>
          <Row label="Region">{a.region}</Row>
          <Row label="Type">{a.typeName}</Row>
          <Row label="WARP">{a.warp?.name ?? 'None'}</Row>
          <Row label="In the register">
            {a.status === 'current' ? 'Current' : `Former (ended ${a.endDate ?? ''})`}
          </Row>
          <Row label="Mail domains">
            {a.domains.length === 0 ? (
              'None known'
            ) : (
              <ul class="govuk-list">
                {a.domains.map((d) => (
                  <li class="app-break-words">{d}</li>
                ))}
              </ul>
            )}
          </Row>
        </dl>

        <h2 class="govuk-heading-m" id="mailboxes">
          Mailboxes
        </h2>
        {profile.mailboxes.length === 0 ? (
          <p class="govuk-body">This authority has no mailbox registered.</p>
        ) : (
          <table class="govuk-table app-table--compact">
            <caption class="govuk-table__caption govuk-table__caption--s">
              Registered mailboxes and whether they are reachable
            </caption>
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  Address
                </th>
                <th scope="col" class="govuk-table__header">
                  Kind
                </th>
                <th scope="col" class="govuk-table__header">
                  State
                </th>
                <th scope="col" class="govuk-table__header">
                  Reachability
                </th>
                <th scope="col" class="govuk-table__header">
                  Dates
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {profile.mailboxes.map((m) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell app-break-words">
                    {m.address}
                    <br />
                    <span class="govuk-body-s">{m.team}</span>
                  </td>
                  <td class="govuk-table__cell">{kindText[m.kind] ?? m.kind}</td>
                  <td class="govuk-table__cell">
                    <StateTag state={m.state} />
                  </td>
                  <td class="govuk-table__cell">
                    <Reachability status={m.status} reasons={m.reasons} />
                  </td>
                  <td class="govuk-table__cell govuk-body-s">
                    <ul class="govuk-list govuk-body-s">
                      <li>Registered {formatDateTime(m.createdAt)}</li>
                      {m.confirmedAt && <li>Confirmed {formatDateTime(m.confirmedAt)}</li>}
                      {m.reconfirmDueAt && <li>Re-confirm by {formatDateTime(m.reconfirmDueAt)}</li>}
                      {m.staleAt && <li>Stale since {formatDateTime(m.staleAt)}</li>}
                      {m.unreachableAt && <li>Unreachable since {formatDateTime(m.unreachableAt)}</li>}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {profile.removedMailboxes > 0 && (
          <p class="govuk-body-s">
            {profile.removedMailboxes} earlier{' '}
            {profile.removedMailboxes === 1 ? 'mailbox was' : 'mailboxes were'} removed, replaced or refused.
          </p>
        )}

        <h2 class="govuk-heading-m" id="checks">
          Mail domain checks
        </h2>
        {!anyChecks ? (
          <p class="govuk-body">
            None of this authority’s mail domains has been checked yet. The service checks them on a schedule.
          </p>
        ) : (
          profile.checks
            .filter((c) => Object.keys(c.checks).length > 0)
            .map((c) => (
              <table class="govuk-table app-table--compact">
                <caption class="govuk-table__caption govuk-table__caption--s app-break-words">
                  Latest checks of {c.domain}
                </caption>
                <thead class="govuk-table__head">
                  <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">
                      Check
                    </th>
                    <th scope="col" class="govuk-table__header">
                      Result
                    </th>
                    <th scope="col" class="govuk-table__header">
                      What we found
                    </th>
                    <th scope="col" class="govuk-table__header">
                      Checked
                    </th>
                  </tr>
                </thead>
                <tbody class="govuk-table__body">
                  {checkKinds.flatMap((kind) => {
                    const check = c.checks[kind];
                    if (!check) return [];
                    return [
                      <tr class="govuk-table__row">
                        <th scope="row" class="govuk-table__header">
                          {checkKindText[kind] ?? kind}
                        </th>
                        <td class="govuk-table__cell">
                          <SeverityTag severity={check.severity} />
                        </td>
                        <td class="govuk-table__cell">{check.summary}</td>
                        <td class="govuk-table__cell">{formatDateTime(check.checkedAt)}</td>
                      </tr>,
                    ];
                  })}
                </tbody>
              </table>
            ))
        )}

        <h2 class="govuk-heading-m" id="advisories">
          Advisories received
        </h2>
        {profile.advisories.length === 0 ? (
          <p class="govuk-body">No advisory has been sent to this authority.</p>
        ) : (
          <table class="govuk-table app-table--compact">
            <caption class="govuk-table__caption govuk-table__caption--s">
              Advisories sent to this authority’s mailboxes, newest first
            </caption>
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  Advisory
                </th>
                <th scope="col" class="govuk-table__header">
                  Sent
                </th>
                <th scope="col" class="govuk-table__header">
                  Delivered
                </th>
                <th scope="col" class="govuk-table__header">
                  Acknowledged
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {profile.advisories.map((adv) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell app-break-words">
                    {linkAdvisories ? (
                      <a class="govuk-link" href={`/advisories/${adv.id}`}>
                        {adv.reference}
                      </a>
                    ) : (
                      adv.reference
                    )}{' '}
                    (TLP:{adv.tlp})<br />
                    {adv.title}
                  </td>
                  <td class="govuk-table__cell">{adv.sentAt ? formatDateTime(adv.sentAt) : 'Not yet'}</td>
                  <td class="govuk-table__cell">
                    {adv.delivered} of {adv.deliveries} mailbox{adv.deliveries === 1 ? '' : 'es'}
                    {adv.failed > 0 && `, ${adv.failed} failed`}
                  </td>
                  <td class="govuk-table__cell">
                    {adv.acknowledgedAt ? (
                      formatDateTime(adv.acknowledgedAt)
                    ) : (
                      <strong class="govuk-tag govuk-tag--grey">Not yet</strong>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
