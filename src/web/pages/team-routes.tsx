// The team pages (admins only, by the policy table): /team, the invitation form, the role form, and the
// disable and enable buttons. Every change goes through the staff transitions; each form posts and redirects.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { describeActor } from '../../features/auth/people.js';
import { listWarps } from '../../features/authority-register/warps.js';
import { assertMailAvailable } from '../../features/outbound/mail-available.js';
import { addStaff, findStaff, sendStaffInvitation } from '../../features/staff/members.js';
import { listTeam, recentChanges } from '../../features/staff/team.js';
import {
  changeStaffRole,
  disableStaffMember,
  enableStaffMember,
  type StaffChange,
} from '../../features/staff/transitions.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult, resultOf } from '../flash.js';
import type { ChangeLine } from './recent-changes.js';
import { formFields, orPageError, renderPage, statusOf, summaryOf } from './render.js';
import {
  InvitePage,
  type InviteValues,
  inviteTitle,
  RolePage,
  roleTitle,
  roleWords,
  TeamPage,
  teamColumns,
  teamTitle,
} from './team.js';

const staffActions: Record<string, string> = {
  'staff.add': 'Invited',
  'staff.enable': 'Enabled',
  'staff.disable': 'Disabled',
  'staff.change-role': 'Changed the role of',
};

async function warpChoices(c: Context<AppEnv>) {
  const warps = await listWarps(c.var.deps, { limit: 1000, offset: 0 });
  return warps.items.map((w) => ({ id: w.id, name: w.name }));
}

async function teamChanges(c: Context<AppEnv>): Promise<ChangeLine[]> {
  const entries = await recentChanges(c.var.deps, 'staff');
  return Promise.all(
    entries.map(async (e) => ({
      at: e.at,
      who: await describeActor(c.var.deps, e.actor),
      what: staffActions[e.action] ?? e.action,
      subject: e.subjectId,
    })),
  );
}

const Done = z.object({ done: z.string().max(500) });

async function showTeam(c: Context<AppEnv>, error?: AppError) {
  const deps = c.var.deps;
  const warps = await warpChoices(c);
  const members = await listTeam(deps);
  const me = requirePrincipal(c).actor.replace(/^staff:/, '');
  return renderPage(
    c,
    { title: teamTitle, hasErrors: Boolean(error), status: error ? statusOf(error) : 200 },
    <TeamPage
      members={members}
      columns={teamColumns({ warps: new Map(warps.map((w) => [w.id, w.name])), csrf: csrfToken(c), me })}
      changes={await teamChanges(c)}
      done={error ? undefined : resultOf(c, Done)?.done}
      error={error?.message}
    />,
  );
}

/** The field errors of a refused change, by field (a problem of no field goes on `fallback`). */
function fieldErrorsOf(err: AppError, fallback: string): Record<string, string> {
  const listed = (err.errors ?? []) as Array<{ path: string; message: string }>;
  if (listed.length) return Object.fromEntries(listed.map((e) => [e.path, e.message]));
  return { [fallback]: err.message };
}

const keysWords = (change: StaffChange) =>
  change.keysRevoked
    ? ` ${change.keysRevoked} API key${change.keysRevoked === 1 ? '' : 's'} they owned revoked.`
    : '';

const shownErrors: AppError['code'][] = ['conflict', 'validation_failed', 'not_found'];

export function teamPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/team', (c) => showTeam(c));

  const showInvite = async (c: Context<AppEnv>, values: InviteValues, errors: Record<string, string> = {}) =>
    renderPage(
      c,
      {
        title: inviteTitle,
        hasErrors: Object.keys(errors).length > 0,
        status: Object.keys(errors).length ? 422 : 200,
      },
      <InvitePage
        csrf={csrfToken(c)}
        values={values}
        errors={errors}
        summary={summaryOf(errors, ['address', 'name', 'role', 'warp'])}
        warps={await warpChoices(c)}
      />,
    );

  router.get('/team/invite', (c) => showInvite(c, { address: '', name: '', role: '', warp: '' }));

  router.post('/team/invite', async (c) => {
    const field = await formFields(c);
    const values = {
      address: field('address').trim(),
      name: field('name').trim(),
      role: field('role'),
      warp: field('warp'),
    };
    const errors: Record<string, string> = {};
    if (!values.address) errors.address = 'Enter their e-mail address';
    else if (values.address.length > 254)
      errors.address = 'The e-mail address must be 254 characters or fewer';
    if (!values.name) errors.name = 'Enter their name';
    else if (values.name.length > 200) errors.name = 'The name must be 200 characters or fewer';
    if (values.role !== 'admin' && values.role !== 'warp') errors.role = 'Choose their role';
    else if (values.role === 'warp' && !values.warp) errors.warp = 'Choose the WARP they operate';
    if (Object.keys(errors).length) return showInvite(c, values, errors);
    // Adding someone means telling them how to sign in: not while mail cannot be sent.
    assertMailAvailable(c.var.deps);
    const added = await orPageError(
      shownErrors,
      addStaff(c.var.deps, actorOf(c), {
        address: values.address,
        name: values.name,
        role: values.role as 'admin' | 'warp',
        warpId: values.role === 'warp' ? values.warp : null,
      }),
    );
    if (added instanceof AppError) return showInvite(c, values, fieldErrorsOf(added, 'address'));
    const sent = await sendStaffInvitation(c.var.deps, added.staff);
    const done = sent
      ? `${added.staff.address} ${added.created ? 'was added' : 'was enabled again'}. We have e-mailed them how to sign in.`
      : `${added.staff.address} was added, but the invitation could not be sent: they can ask for a link on the sign-in page.`;
    return redirectWithResult(c, '/team', { done });
  });

  const showRole = async (
    c: Context<AppEnv>,
    values: { role: string; warp: string },
    errors: Record<string, string> = {},
  ) => {
    const address = c.req.param('address') ?? '';
    const member = (await listTeam(c.var.deps)).find((m) => m.address === address && !m.disabledAt);
    if (!member) throw new AppError('not_found', 'There is no such enabled staff member.');
    const warps = await warpChoices(c);
    return renderPage(
      c,
      {
        title: roleTitle,
        hasErrors: Object.keys(errors).length > 0,
        status: Object.keys(errors).length ? 422 : 200,
      },
      <RolePage
        csrf={csrfToken(c)}
        member={member}
        values={values}
        errors={errors}
        summary={summaryOf(errors, ['role', 'warp'])}
        warps={warps}
        current={roleWords(member, new Map(warps.map((w) => [w.id, w.name])))}
      />,
    );
  };

  router.get('/team/:address/role', async (c) => {
    const row = await findStaff(c.var.deps, c.req.param('address'));
    return showRole(c, { role: row?.role ?? '', warp: row?.warpId ?? '' });
  });

  router.post('/team/:address/role', async (c) => {
    const field = await formFields(c);
    const values = { role: field('role'), warp: field('warp') };
    if (values.role !== 'admin' && values.role !== 'warp')
      return showRole(c, values, { role: 'Choose their role' });
    if (values.role === 'warp' && !values.warp)
      return showRole(c, values, { warp: 'Choose the WARP they operate' });
    const address = c.req.param('address');
    const changed = await orPageError(
      shownErrors,
      changeStaffRole(c.var.deps, actorOf(c), address, {
        role: values.role,
        warpId: values.role === 'warp' ? values.warp : null,
      }),
    );
    if (changed instanceof AppError) {
      if (changed.code === 'validation_failed') return showRole(c, values, fieldErrorsOf(changed, 'role'));
      return showTeam(c, changed);
    }
    return redirectWithResult(c, '/team', {
      done: `${address}’s role was changed; their sessions have ended.${keysWords(changed)}`,
    });
  });

  router.post('/team/:address/disable', async (c) => {
    const address = c.req.param('address');
    const changed = await orPageError(shownErrors, disableStaffMember(c.var.deps, actorOf(c), address));
    if (changed instanceof AppError) return showTeam(c, changed);
    return redirectWithResult(c, '/team', {
      done: `${address} was disabled and their sessions ended.${keysWords(changed)}`,
    });
  });

  router.post('/team/:address/enable', async (c) => {
    const address = c.req.param('address');
    const changed = await orPageError(shownErrors, enableStaffMember(c.var.deps, actorOf(c), address));
    if (changed instanceof AppError) return showTeam(c, changed);
    return redirectWithResult(c, '/team', { done: `${address} was enabled again. They can sign in.` });
  });

  return router;
}
