// `staff add|list|disable|clear-passkeys`: the NCSC and WARP staff who sign in to the pages by magic link
// and passkey.
import { z } from 'zod';
import { cliPrincipal } from '../../domain/principal.js';
import { clearPasskeys } from '../../features/passkeys/manage-passkeys.js';
import {
  addStaff,
  listStaff,
  normaliseStaffAddress,
  sendStaffInvitation,
  staffRoles,
} from '../../features/staff/members.js';
import { disableStaff } from '../../features/staff/transitions.js';
import { defineCommand } from './command.js';
import { printList } from './io.js';

const staff = defineCommand('staff', [
  {
    verb: 'add',
    summary: 'add (or enable again) a staff member; they are e-mailed how to sign in',
    args: [{ name: '<address>' }],
    options: {
      role: {
        type: 'string',
        value: staffRoles.join('|'),
        required: true,
        schema: z.enum(staffRoles, { message: `--role must be one of ${staffRoles.join(', ')}` }),
      },
      warp: {
        type: 'string',
        value: 'ID',
        schema: z.string().min(1, '--warp needs a WARP id (see warps list)'),
      },
      name: {
        type: 'string',
        value: 'TEXT',
        required: true,
        schema: z.string().trim().min(1, '--name is needed').max(200),
      },
    },
    async run(ctx, { args, values }) {
      const deps = await ctx.deps();
      const { staff: added, created } = await addStaff(
        deps,
        { principal: cliPrincipal },
        {
          address: args[0] as string,
          name: values.name as string,
          role: values.role as (typeof staffRoles)[number],
          warpId: values.warp as string | undefined,
        },
      );
      const scope = added.warp ? ` for WARP ${added.warp}` : '';
      const invited = await sendStaffInvitation(deps, added);
      ctx.io.out(
        `${created ? 'Added' : 'Enabled again'} ${added.role} ${added.address} "${added.name}"${scope}. ` +
          (invited
            ? 'We have e-mailed them how to sign in (they ask for a link on the sign-in page); the running service sends it, or `advisory dispatch` when none is running.'
            : 'The invitation e-mail could not be queued: tell them to ask for a link on the sign-in page.'),
      );
      return 0;
    },
  },
  {
    verb: 'list',
    summary: 'staff members (--all: disabled ones too)',
    options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
    async run(ctx, { values }) {
      const deps = await ctx.deps();
      const members = await listStaff(deps, { includeDisabled: values.all === true });
      printList(ctx.io, members, {
        json: values.json === true,
        empty: 'No staff members.',
        line: (s) => {
          const scope = s.warp ? `warp=${s.warp}` : '';
          const state = s.disabledAt ? `disabled ${s.disabledAt}` : `added ${s.createdAt}`;
          return `${s.address}  ${s.role.padEnd(5)}  ${scope.padEnd(16)}  ${s.name}  (${state})`;
        },
      });
      return 0;
    },
  },
  {
    verb: 'disable',
    summary: 'disable a staff member and end their sessions',
    args: [{ name: '<address>' }],
    async run(ctx, { args }) {
      const deps = await ctx.deps();
      const off = await disableStaff(deps, { principal: cliPrincipal }, args[0] as string);
      ctx.io.out(`Disabled ${off.address} at ${off.disabledAt}; their sessions have ended.`);
      return 0;
    },
  },
  {
    verb: 'clear-passkeys',
    summary:
      'remove every passkey of a staff member (a lost authenticator) and end their sessions; audited. They sign in with a link next, and an admin registers a new passkey at once',
    args: [{ name: '<address>' }],
    async run(ctx, { args }) {
      const deps = await ctx.deps();
      const address = normaliseStaffAddress(args[0] as string);
      const { removed } = await clearPasskeys(deps, { principal: cliPrincipal }, address);
      ctx.io.out(
        `Removed ${removed} passkey${removed === 1 ? '' : 's'} of ${address}; their sessions have ended. They sign in with a link next${deps.config.ADMIN_PASSKEY_REQUIRED ? ' (an admin then registers a new passkey before anything else)' : ''}.`,
      );
      return 0;
    },
  },
]);

export const staffUsage = staff.usage;
export const staffCommand = staff.run;
