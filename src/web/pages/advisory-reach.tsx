// Who the audience on the form reaches, while it is being built: the count of councils and mailboxes, a
// warning when it reaches nobody or takes only part of a nation, and the councils it reaches. Drawn on the
// form after "Update count" (no JavaScript needed); app.js asks for this panel alone as the ticks change.
import type { AdvisoryPreview } from '../../features/advisories/preview-advisory.js';
import { WarningText } from '../components/bits.js';

export type AudienceReach = { preview: AdvisoryPreview; tlp: string } | { error: string } | undefined;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function AudienceReachPanel({ reach }: { reach: AudienceReach }) {
  if (!reach)
    return (
      <p class="govuk-body app-reach__empty">
        Choose who it is for, then update the count to see who it reaches.
      </p>
    );
  if ('error' in reach) return <p class="govuk-body app-reach__empty">{reach.error}</p>;
  const { preview: p, tlp } = reach;
  const mailboxWord = tlp === 'RED' ? 'confirmed primary mailbox' : 'confirmed mailbox';
  return (
    <>
      <h3 class="govuk-heading-s govuk-!-margin-bottom-2">Who it reaches</h3>
      <p class="govuk-body" data-reach="count">
        <strong>
          {plural(p.mailboxes, mailboxWord, `${mailboxWord}es`)} at{' '}
          {plural(p.reached.length, 'council', 'councils')}
        </strong>
        {p.withoutMailbox.length > 0 &&
          ` (${plural(p.withoutMailbox.length, 'council', 'councils')} in the audience ${p.withoutMailbox.length === 1 ? 'has' : 'have'} no ${mailboxWord})`}
        .
      </p>
      {p.testAudience && (
        <p class="govuk-body">
          Test mode: it goes only to the test audience “{p.testAudience.name}” (
          {plural(p.testAudience.addresses, 'address', 'addresses')}); these are the numbers of the real
          audience.
        </p>
      )}
      {p.councils === 0 ? (
        <WarningText>
          This selection reaches no council. Check the nations and council types you ticked.
        </WarningText>
      ) : p.mailboxes === 0 ? (
        <WarningText>No council in this selection has a {mailboxWord}: nobody would receive it.</WarningText>
      ) : null}
      {p.partNations.map((n) => (
        <WarningText>
          It reaches {n.councils} of the {n.of} councils in {n.nation}.
        </WarningText>
      ))}
      {p.endedNamed.map((e) => (
        <WarningText>
          {e.name} ({e.code}) has ended: its successors {e.successors.join(', ')} receive it instead.
        </WarningText>
      ))}
      {p.viaPredecessors.length > 0 && (
        <p class="govuk-body">
          {p.viaPredecessors.map((v) => `${v.name} (${v.code})`).join(', ')}{' '}
          {p.viaPredecessors.length === 1 ? 'is' : 'are'} reached through the mailboxes of the councils they
          replace, which have not yet said whether they serve them.
        </p>
      )}
      {p.needsSecondApproval && (
        <p class="govuk-body">
          {tlp === 'RED' ? 'It is TLP:RED' : 'It reaches more than one WARP'}: a second administrator must
          approve it before it is sent.
        </p>
      )}
      {p.reached.length > 0 && (
        <details class="govuk-details">
          <summary class="govuk-details__summary">
            <span class="govuk-details__summary-text">
              The {plural(p.reached.length, 'council', 'councils')} it reaches
            </span>
          </summary>
          <div class="govuk-details__text">
            <ul class="govuk-list app-columns">
              {p.reached.map((r) => (
                <li>
                  {r.name} ({r.code})
                </li>
              ))}
            </ul>
          </div>
        </details>
      )}
    </>
  );
}
