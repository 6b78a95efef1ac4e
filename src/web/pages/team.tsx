// The team page (admins): every staff member with their role, WARP, last sign-in and state, what can be done
// to each (change role, disable, enable), the invitation form, and the recent changes to the team.
import type { Child } from 'hono/jsx';
import { ukDateTime } from '../../domain/uk-time.js';
import type { TeamMember } from '../../features/staff/team.js';
import { SuccessBanner } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Radios } from '../components/radios.js';
import { Select } from '../components/select.js';
import { Table } from '../components/table.js';
import { Tag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';
import { type ChangeLine, RecentChanges } from './recent-changes.js';

export const teamTitle = 'Team';
export const inviteTitle = 'Invite someone to the team';
export const roleTitle = 'Change role';

export interface WarpChoice {
  id: string;
  name: string;
}

const memberHref = (address: string, action: string) => `/team/${encodeURIComponent(address)}/${action}`;

/** The role in words: "NCSC administrator", "Operator of Wales WARP". */
export function roleWords(member: Pick<TeamMember, 'role' | 'warp'>, warps: Map<string, string>) {
  return member.role === 'admin'
    ? 'NCSC administrator'
    : `Operator of ${warps.get(member.warp ?? '') ?? member.warp ?? 'a WARP'}`;
}

/**
 * One column of the team table: its head and its cell for a member. The table is a list of these so that a
 * column (the passkeys count) can be added without touching the others.
 */
export interface TeamColumn {
  head: string;
  cell: (member: TeamMember) => Child;
}

export function teamColumns(options: { warps: Map<string, string>; csrf: string; me: string }): TeamColumn[] {
  const { warps, csrf, me } = options;
  return [
    {
      head: 'Name',
      cell: (m) => (
        <>
          {m.name}
          <br />
          <span class="govuk-hint govuk-!-margin-bottom-0 app-break-words">{m.address}</span>
        </>
      ),
    },
    { head: 'Role', cell: (m) => roleWords(m, warps) },
    { head: 'Last signed in', cell: (m) => (m.lastSignInAt ? ukDateTime(m.lastSignInAt) : 'Never') },
    {
      head: 'Passkeys',
      cell: (m) =>
        m.passkeys > 0 ? (
          String(m.passkeys)
        ) : m.role === 'admin' && !m.disabledAt ? (
          <Tag colour="orange">None yet</Tag>
        ) : (
          'None'
        ),
    },
    {
      head: 'State',
      cell: (m) => (m.disabledAt ? <Tag colour="grey">Disabled</Tag> : <Tag colour="green">Active</Tag>),
    },
    {
      head: 'Actions',
      cell: (m) =>
        m.disabledAt ? (
          <PostButton
            action={memberHref(m.address, 'enable')}
            csrf={csrf}
            variant="secondary"
            classes="govuk-!-margin-bottom-0"
          >
            Enable<span class="govuk-visually-hidden"> {m.address}</span>
          </PostButton>
        ) : (
          <>
            <p class="govuk-body govuk-!-margin-bottom-2">
              <a class="govuk-link" href={memberHref(m.address, 'role')}>
                Change role<span class="govuk-visually-hidden"> of {m.address}</span>
              </a>
            </p>
            <PostButton
              action={memberHref(m.address, 'disable')}
              csrf={csrf}
              variant="warning"
              classes="govuk-!-margin-bottom-0"
            >
              Disable<span class="govuk-visually-hidden"> {m.address}</span>
              {m.address === me ? <span class="govuk-visually-hidden"> (you)</span> : null}
            </PostButton>
          </>
        ),
    },
  ];
}

export function TeamPage(p: {
  members: TeamMember[];
  columns: TeamColumn[];
  changes: ChangeLine[];
  done?: string;
  error?: string;
}) {
  return (
    <>
      {p.done && <SuccessBanner>{p.done}</SuccessBanner>}
      <ErrorSummary errors={p.error ? [{ field: 'team', text: p.error }] : []} />
      <h1 class="govuk-heading-l">{teamTitle}</h1>
      <p class="govuk-body">
        NCSC administrators and WARP operators who sign in to this service. Disabling someone ends their
        sessions and revokes the API keys they own.
      </p>
      <Button href="/team/invite">Invite someone</Button>
      <div id="team">
        <Table
          id="team-members"
          stack
          caption={`${p.members.length} staff member${p.members.length === 1 ? '' : 's'}`}
          columns={p.columns.map((c) => c.head)}
          rows={p.members.map((m) => p.columns.map((c) => c.cell(m)))}
          empty="Nobody has been added yet."
        />
      </div>
      <RecentChanges changes={p.changes} auditHref="/audit?subjectType=staff" />
    </>
  );
}

export interface InviteValues {
  address: string;
  name: string;
  role: string;
  warp: string;
}

function RoleFields(p: {
  values: { role: string; warp: string };
  errors: Record<string, string>;
  warps: WarpChoice[];
}) {
  return (
    <>
      <Radios
        id="role"
        legend="Role"
        value={p.values.role}
        error={p.errors.role}
        items={[
          {
            value: 'admin',
            text: 'NCSC administrator',
            hint: 'Everything, including the team and approvals',
          },
          { value: 'warp', text: 'WARP operator', hint: 'Their WARP’s councils, advisories and drills' },
        ]}
      />
      <Select
        id="warp"
        label="WARP (for a WARP operator)"
        none="Choose a WARP"
        value={p.values.warp}
        error={p.errors.warp}
        options={p.warps.map((w) => ({ value: w.id, text: w.name }))}
      />
    </>
  );
}

export function InvitePage(p: {
  csrf: string;
  values: InviteValues;
  errors: Record<string, string>;
  summary: SummaryError[];
  warps: WarpChoice[];
}) {
  return (
    <>
      <a class="govuk-back-link" href="/team">
        Back to the team
      </a>
      <ErrorSummary errors={p.summary} />
      <h1 class="govuk-heading-l">{inviteTitle}</h1>
      <p class="govuk-body">
        We e-mail them to say they have been added and how to sign in: the sign-in page sends them a link.
      </p>
      <PostForm action="/team/invite" csrf={p.csrf}>
        <TextInput
          id="address"
          label="E-mail address"
          type="email"
          autocomplete="off"
          spellcheck={false}
          value={p.values.address}
          error={p.errors.address}
        />
        <TextInput id="name" label="Name" value={p.values.name} error={p.errors.name} />
        <RoleFields values={p.values} errors={p.errors} warps={p.warps} />
        <Button preventDoubleClick>Send invitation</Button>
      </PostForm>
    </>
  );
}

export function RolePage(p: {
  csrf: string;
  member: TeamMember;
  values: { role: string; warp: string };
  errors: Record<string, string>;
  summary: SummaryError[];
  warps: WarpChoice[];
  current: string;
}) {
  return (
    <>
      <a class="govuk-back-link" href="/team">
        Back to the team
      </a>
      <ErrorSummary errors={p.summary} />
      <span class="govuk-caption-l">
        {p.member.name} ({p.member.address})
      </span>
      <h1 class="govuk-heading-l">{roleTitle}</h1>
      <p class="govuk-body">
        Now: {p.current}. Changing it ends their sessions; API keys the new role could not make are revoked.
      </p>
      <PostForm action={memberHref(p.member.address, 'role')} csrf={p.csrf}>
        <RoleFields values={p.values} errors={p.errors} warps={p.warps} />
        <Button preventDoubleClick>Change role</Button>
      </PostForm>
    </>
  );
}
