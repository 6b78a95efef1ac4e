// The API keys page: the keys the reader may manage (name, owner, role, scope, created, expires, last used,
// state) with a revoke button each, the form that makes one, and the page that shows a new key's secret,
// once.
import { ukDate, ukDateTime } from '../../domain/uk-time.js';
import { SuccessBanner, WarningText } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Radios } from '../components/radios.js';
import { Select } from '../components/select.js';
import { SummaryList } from '../components/summary-list.js';
import { Table } from '../components/table.js';
import { Tag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';
import { type ChangeLine, RecentChanges } from './recent-changes.js';

export const keysTitle = 'API keys';
export const newKeyTitle = 'Create an API key';
export const keyCreatedTitle = 'Your new API key';

export interface KeyLine {
  id: string;
  name: string;
  owner: string;
  role: string;
  /** "Wales WARP", "Cardiff Council (CRF)", "Everything". */
  scope: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  state: 'active' | 'expired' | 'revoked';
}

export const roleText: Record<string, string> = {
  admin: 'Admin',
  warp: 'WARP',
  council: 'Council',
  inbound: 'Inbound',
};

const stateTag = { active: 'green', expired: 'grey', revoked: 'red' } as const;
const stateText = { active: 'Active', expired: 'Expired', revoked: 'Revoked' } as const;

export function KeysPage(p: {
  keys: KeyLine[];
  csrf: string;
  changes: ChangeLine[];
  done?: string;
  error?: string;
}) {
  return (
    <>
      {p.done && <SuccessBanner>{p.done}</SuccessBanner>}
      <ErrorSummary errors={p.error ? [{ field: 'keys', text: p.error }] : []} />
      <h1 class="govuk-heading-l">{keysTitle}</h1>
      <p class="govuk-body">
        An API key lets a program use the service’s API as you, within the role and scope it was made with.
        Each key belongs to the person who made it, and expires within a year. Revoking a key ends every
        session opened with it.
      </p>
      <Button href="/api-keys/new">Create an API key</Button>
      <div id="keys">
        <Table
          id="api-keys"
          scroll
          caption={`${p.keys.length} key${p.keys.length === 1 ? '' : 's'}`}
          columns={['Name', 'Owner', 'Role', 'Scope', 'Created', 'Expires', 'Last used', 'State', 'Action']}
          rows={p.keys.map((k) => [
            k.name,
            k.owner,
            roleText[k.role] ?? k.role,
            k.scope,
            ukDate(k.createdAt),
            k.expiresAt ? ukDate(k.expiresAt) : 'Never',
            k.lastUsedAt ? ukDateTime(k.lastUsedAt) : 'Never',
            <Tag colour={stateTag[k.state]}>{stateText[k.state]}</Tag>,
            k.state === 'active' ? (
              <PostButton
                action={`/api-keys/${encodeURIComponent(k.id)}/revoke`}
                csrf={p.csrf}
                variant="warning"
                classes="govuk-!-margin-bottom-0"
              >
                Revoke<span class="govuk-visually-hidden"> {k.name}</span>
              </PostButton>
            ) : (
              ''
            ),
          ])}
          empty="There are no API keys you can manage yet."
        />
      </div>
      <RecentChanges changes={p.changes} />
    </>
  );
}

export interface KeyFormValues {
  name: string;
  role: string;
  warp: string;
  authority: string;
  expiry: string;
}

export function NewKeyPage(p: {
  csrf: string;
  values: KeyFormValues;
  errors: Record<string, string>;
  summary: SummaryError[];
  roles: string[];
  warps: Array<{ id: string; name: string }>;
  /** The scope a WARP operator's or council's key has, in words (they cannot choose another). */
  fixedScope?: string;
}) {
  const admin = p.roles.length > 1;
  return (
    <>
      <a class="govuk-back-link" href="/api-keys">
        Back to API keys
      </a>
      <ErrorSummary errors={p.summary} />
      <h1 class="govuk-heading-l">{newKeyTitle}</h1>
      <PostForm action="/api-keys/new" csrf={p.csrf}>
        <TextInput
          id="name"
          label="Name"
          hint="What uses it, so that you know it again: “Nightly coverage export”"
          value={p.values.name}
          error={p.errors.name}
          maxlength={200}
        />
        {admin ? (
          <>
            <Radios
              id="role"
              legend="Role"
              value={p.values.role}
              error={p.errors.role}
              items={[
                { value: 'admin', text: 'Admin', hint: 'Everything an NCSC administrator can do' },
                { value: 'warp', text: 'WARP', hint: 'One WARP’s councils, advisories and drills' },
                { value: 'council', text: 'Council', hint: 'One council’s own records' },
              ]}
            />
            <Select
              id="warp"
              label="WARP (for a WARP key)"
              none="Choose a WARP"
              value={p.values.warp}
              error={p.errors.warp}
              options={p.warps.map((w) => ({ value: w.id, text: w.name }))}
            />
            <TextInput
              id="authority"
              label="Council code (for a council key)"
              hint="The register code, such as CRF"
              value={p.values.authority}
              error={p.errors.authority}
              widthClass="govuk-input--width-5"
              spellcheck={false}
            />
          </>
        ) : (
          <>
            <input type="hidden" name="role" value={p.roles[0] ?? ''} />
            <SummaryList
              rows={[
                { key: 'Role', value: roleText[p.roles[0] ?? ''] ?? p.roles[0] },
                { key: 'Scope', value: p.fixedScope ?? '' },
              ]}
            />
          </>
        )}
        <Radios
          id="expiry"
          legend="Expires after"
          value={p.values.expiry}
          error={p.errors.expiry}
          items={[
            { value: '30', text: '30 days' },
            { value: '90', text: '90 days' },
            { value: '365', text: '1 year', hint: 'The longest a key may live' },
          ]}
        />
        <Button preventDoubleClick>Create key</Button>
      </PostForm>
    </>
  );
}

export function KeyCreatedPage(p: { name: string; secret: string; expiresAt: Date | null }) {
  return (
    <>
      <h1 class="govuk-heading-l">{keyCreatedTitle}</h1>
      <p class="govuk-body">
        “{p.name}” works until {p.expiresAt ? ukDateTime(p.expiresAt) : 'it is revoked'}. Send it as a bearer
        token: <code>Authorization: Bearer …</code>
      </p>
      <WarningText>Copy it now: it is shown only this once. We keep only a hash of it.</WarningText>
      <div class="govuk-inset-text">
        <code class="app-break-words" id="secret">
          {p.secret}
        </code>
      </div>
      <p class="govuk-body">
        <a class="govuk-link" href="/api-keys">
          Back to API keys
        </a>
      </p>
    </>
  );
}
