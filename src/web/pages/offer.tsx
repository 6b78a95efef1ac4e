// The carried-forward offer's pages, for a council's mailbox when the council is being replaced: will this
// mailbox serve the successor council (yes or no), and the answer given.
import { Panel } from '../components/bits.js';
import { Button, PostForm } from '../components/button.js';
import { SummaryList } from '../components/summary-list.js';

export interface OfferPageProps {
  token: string;
  address: string;
  predecessorName: string;
  successorName: string;
}

export const offerTitle = (p: Pick<OfferPageProps, 'address' | 'successorName'>) =>
  `Will ${p.address} serve ${p.successorName}?`;

export function OfferPage(p: OfferPageProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l app-break-words">{offerTitle(p)}</h1>
        <p class="govuk-body">
          {p.predecessorName} is being replaced, and {p.successorName} takes over its area. Until you answer,
          security advisories for {p.successorName} are sent to this mailbox too.
        </p>
        <SummaryList
          rows={[
            { key: 'This mailbox', value: <span class="app-break-words">{p.address}</span> },
            { key: 'Council now', value: p.predecessorName },
            { key: 'New council', value: p.successorName },
          ]}
        />
        <PostForm action={`/offers/${p.token}`}>
          <input type="hidden" name="answer" value="accept" />
          <Button preventDoubleClick>Yes, it will serve {p.successorName}</Button>
        </PostForm>
        <PostForm action={`/offers/${p.token}`}>
          <input type="hidden" name="answer" value="decline" />
          <Button variant="secondary" preventDoubleClick>
            No, it will not
          </Button>
        </PostForm>
      </div>
    </div>
  );
}

export function OfferAnsweredPage(p: {
  state: 'accepted' | 'declined';
  address: string;
  successorName: string;
}) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        {p.state === 'accepted' ? (
          <>
            <Panel title="Mailbox carried forward">
              {p.address} is now a confirmed mailbox of {p.successorName}
            </Panel>
            <p class="govuk-body">It receives the new council’s security advisories from now on.</p>
          </>
        ) : (
          <>
            <Panel title="Answer recorded">
              {p.address} will not receive advisories for {p.successorName}
            </Panel>
            <p class="govuk-body">
              Register the mailbox that will serve {p.successorName} instead, so that its advisories reach
              someone.
            </p>
            <Button href="/register">Register a mailbox</Button>
          </>
        )}
      </div>
    </div>
  );
}

export function OfferLinkProblemPage() {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">This link does not work</h1>
        <p class="govuk-body">
          Check that you copied the whole link from the e-mail. If the council’s mailbox is already registered
          for the new council, there is nothing more to do.
        </p>
      </div>
    </div>
  );
}
