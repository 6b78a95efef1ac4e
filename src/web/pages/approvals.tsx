// Registrations on domains that are not the council's, for an administrator to approve or refuse.
import { ukDateTime } from '../../domain/uk-time.js';
import type { MailboxView } from '../../features/mailboxes/view.js';
import { kindText, SuccessBanner, WarningText } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { SummaryList } from '../components/summary-list.js';
import { Tag, TlpTag } from '../components/tag.js';
import { Textarea } from '../components/textarea.js';

export const approvalsTitle = 'Approvals';

/** An advisory waiting for a second admin, as the Approvals page lists it. */
export interface AdvisoryWaiting {
  id: string;
  reference: string;
  title: string;
  tlp: string;
  releasedBy: string;
  releasedAt: Date | null;
  /** The signed-in admin wrote or released it: someone else must approve it. */
  mine: boolean;
}

export interface ApprovalItem {
  mailbox: MailboxView;
  authorityName: string;
  domains: string[];
  /** For a new primary awaiting handover: the confirmed primary it would replace. */
  replacing?: string;
  /** Other authorities whose known domain the address is on. */
  domainOwners: Array<{ code: string; name: string }>;
  /** The domain is a free e-mail provider's. */
  freeMail: boolean;
  /** For a primary: the council's confirmed primary now (approving starts its replacement). */
  currentPrimary: string | null;
}

/** Whose domain the address is on, in words. */
function whoseDomain(item: ApprovalItem, domain: string): string {
  if (item.freeMail) return `${domain} is a free e-mail provider: anyone can open an address there.`;
  if (item.domains.includes(domain)) return `${domain} is one of ${item.authorityName}’s known domains.`;
  if (item.domainOwners.length)
    return `${domain} is not ${item.authorityName}’s: it is a domain of ${item.domainOwners.map((o) => `${o.name} (${o.code})`).join(', ')}.`;
  return `${domain} is not known as any council’s domain.`;
}

/** What pressing Approve does, in words. */
function whatApprovingDoes(item: ApprovalItem): string {
  const m = item.mailbox;
  if (m.state === 'awaiting-handover')
    return `Hands over now: ${m.address} becomes the primary mailbox and ${item.replacing ?? 'the current primary'} is retired.`;
  if (m.kind === 'primary' && item.currentPrimary)
    return `Sends the confirmation link. Once it is confirmed, ${item.currentPrimary} (the confirmed primary) is asked to agree to hand over to it.`;
  if (m.kind === 'primary')
    return 'Sends the confirmation link. Once it is confirmed, it is the council’s primary mailbox.';
  return 'Sends the confirmation link. Once it is confirmed, it receives advisories alongside the primary mailbox.';
}

/** A register import held for an admin (register-hold.ts), as the Approvals page lists it. */
export interface HeldImport {
  id: string;
  source: string;
  summary: string;
  reasons: string[];
  heldBy: string;
  heldAt: Date;
}

export interface ApprovalsProps {
  csrf: string;
  advisories: AdvisoryWaiting[];
  heldImports: HeldImport[];
  items: ApprovalItem[];
  errors: SummaryError[];
  /** Field errors by field id (the refuse reasons), and what was typed in them. */
  fieldErrors: Record<string, string>;
  reasons: Record<string, string>;
  done?: string;
}

function ApprovalCard({
  item,
  csrf,
  error,
  reason,
}: {
  item: ApprovalItem;
  csrf: string;
  error?: string;
  reason?: string;
}) {
  const { mailbox } = item;
  const domain = mailbox.address.slice(mailbox.address.lastIndexOf('@') + 1);
  return (
    <div class="govuk-summary-card" id={`mailbox-${mailbox.id}`}>
      <div class="govuk-summary-card__title-wrapper">
        <h3 class="govuk-summary-card__title">
          {item.authorityName} ({mailbox.authority})
        </h3>
      </div>
      <div class="govuk-summary-card__content">
        <SummaryList
          rows={[
            {
              key: 'Address',
              value: (
                <>
                  <span class="app-break-words">{mailbox.address}</span>
                  {mailbox.looksPersonal && (
                    <>
                      {' '}
                      <Tag colour="orange">Looks personal</Tag>
                    </>
                  )}
                  {item.freeMail && (
                    <>
                      {' '}
                      <Tag colour="red">Free e-mail</Tag>
                    </>
                  )}
                </>
              ),
            },
            { key: 'Whose domain', value: whoseDomain(item, domain) },
            { key: 'Approving', value: whatApprovingDoes(item) },
            mailbox.state === 'awaiting-handover' && {
              key: 'Would replace',
              value: (
                <>
                  <span class="app-break-words">{item.replacing ?? 'the current primary'}</span>{' '}
                  <Tag colour="orange">Asked to agree</Tag>
                </>
              ),
            },
            mailbox.state === 'awaiting-handover' &&
              mailbox.handoverDueAt !== null && {
                key: 'Takes over, unless refused, on',
                value: ukDateTime(mailbox.handoverDueAt),
              },
            { key: 'Domain', value: domain },
            {
              key: 'Council’s known domains',
              value: item.domains.length ? (
                <ul class="govuk-list">
                  {item.domains.map((d) => (
                    <li>{d}</li>
                  ))}
                </ul>
              ) : (
                'None known'
              ),
            },
            { key: 'Kind', value: kindText[mailbox.kind] ?? mailbox.kind },
            { key: 'Team', value: mailbox.team },
            { key: 'Phone', value: mailbox.phone },
            { key: 'Registered', value: ukDateTime(mailbox.createdAt) },
          ]}
          classes="govuk-!-margin-bottom-6"
        />
        {(mailbox.looksPersonal || item.freeMail) && (
          <WarningText>
            {item.freeMail
              ? 'A free e-mail address proves nothing about who reads it. Approve it only if the council has confirmed it to you another way.'
              : 'This address looks like a person’s, not a team’s: advisories must reach whoever is on duty, not one person.'}
          </WarningText>
        )}
        <PostButton action={`/admin/approvals/${mailbox.id}/approve`} csrf={csrf}>
          {mailbox.state === 'awaiting-handover' ? 'Hand over now' : 'Approve'}
          <span class="govuk-visually-hidden"> {mailbox.address}</span>
        </PostButton>
        <hr class="govuk-section-break govuk-section-break--m govuk-section-break--visible" />
        <PostForm action={`/admin/approvals/${mailbox.id}/refuse`} csrf={csrf}>
          <Textarea
            id={`reason-${mailbox.id}`}
            name="reason"
            label="Reason for refusing"
            hint="Recorded in the audit log"
            value={reason}
            error={error}
            rows={2}
          />
          <Button variant="warning">
            Refuse<span class="govuk-visually-hidden"> {mailbox.address}</span>
          </Button>
        </PostForm>
      </div>
    </div>
  );
}

function AdvisoriesWaiting({ advisories }: { advisories: AdvisoryWaiting[] }) {
  return (
    <section aria-labelledby="advisories-waiting" id="advisory-approvals">
      <h2 class="govuk-heading-m" id="advisories-waiting">
        Advisories waiting for a second admin
      </h2>
      {advisories.length === 0 ? (
        <p class="govuk-body">No advisory is waiting for a second admin.</p>
      ) : (
        advisories.map((a) => (
          <div class="govuk-summary-card" id={`advisory-${a.id}`}>
            <div class="govuk-summary-card__title-wrapper">
              <h3 class="govuk-summary-card__title app-break-words">
                {a.reference}: {a.title}
              </h3>
            </div>
            <div class="govuk-summary-card__content">
              <SummaryList
                rows={[
                  { key: 'TLP', value: <TlpTag tlp={a.tlp} /> },
                  { key: 'Released by', value: <span class="app-break-words">{a.releasedBy}</span> },
                  a.releasedAt && { key: 'Released', value: ukDateTime(a.releasedAt) },
                ]}
              />
              {a.mine ? (
                <p class="govuk-body">You released or wrote it: another administrator must approve it.</p>
              ) : (
                <Button href={`/advisories/${a.id}/approve`} classes="govuk-!-margin-bottom-0">
                  Check and approve<span class="govuk-visually-hidden"> {a.reference}</span>
                </Button>
              )}
            </div>
          </div>
        ))
      )}
    </section>
  );
}

function HeldImports({ imports, csrf }: { imports: HeldImport[]; csrf: string }) {
  if (imports.length === 0) return null;
  return (
    <section aria-labelledby="register-held" id="register-imports">
      <h2 class="govuk-heading-m" id="register-held">
        Register imports held for a decision
      </h2>
      <p class="govuk-body">
        These would change more of the register than an import may change by itself, or the file looked wrong.
        Nothing of them has been applied. Applying one imports the file against the register as it is now.
      </p>
      {imports.map((h) => (
        <div class="govuk-summary-card" id={`register-import-${h.id}`}>
          <div class="govuk-summary-card__title-wrapper">
            <h3 class="govuk-summary-card__title app-break-words">{h.summary}</h3>
          </div>
          <div class="govuk-summary-card__content">
            <SummaryList
              rows={[
                { key: 'From', value: <span class="app-break-words">{h.source}</span> },
                {
                  key: 'Why it was held',
                  value: (
                    <ul class="govuk-list govuk-list--bullet">
                      {h.reasons.map((r) => (
                        <li>{r}</li>
                      ))}
                    </ul>
                  ),
                },
                { key: 'Held', value: `${ukDateTime(h.heldAt)}, ${h.heldBy}` },
              ]}
            />
            <div class="govuk-button-group">
              <PostButton action={`/admin/approvals/register/${h.id}/approve`} csrf={csrf}>
                Apply it<span class="govuk-visually-hidden"> ({h.summary})</span>
              </PostButton>
              <PostButton action={`/admin/approvals/register/${h.id}/refuse`} csrf={csrf} variant="warning">
                Refuse it<span class="govuk-visually-hidden"> ({h.summary})</span>
              </PostButton>
            </div>
          </div>
        </div>
      ))}
    </section>
  );
}

export function ApprovalsPage({
  csrf,
  advisories,
  heldImports,
  items,
  errors,
  fieldErrors,
  reasons,
  done,
}: ApprovalsProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        {done && <SuccessBanner>{done}</SuccessBanner>}
        <h1 class="govuk-heading-l">{approvalsTitle}</h1>
        <AdvisoriesWaiting advisories={advisories} />
        <HeldImports imports={heldImports} csrf={csrf} />
        <h2 class="govuk-heading-m">Registrations waiting for approval</h2>
        <p class="govuk-body">
          Addresses not on one of their council’s known domains: nothing is sent to them until you approve
          them, and approving sends the confirmation link.
        </p>
        <p class="govuk-body">
          New primary mailboxes, confirmed by their link, that would replace a council’s confirmed primary:
          that primary has been asked to agree. Approving hands over now; if nobody refuses, the new address
          takes over at the time shown.
        </p>
        <div id="approvals">
          {items.length === 0 ? (
            <p class="govuk-body">There are no registrations waiting for approval.</p>
          ) : (
            items.map((item) => (
              <ApprovalCard
                item={item}
                csrf={csrf}
                error={fieldErrors[`reason-${item.mailbox.id}`]}
                reason={reasons[item.mailbox.id]}
              />
            ))
          )}
        </div>
      </div>
    </div>
  );
}
