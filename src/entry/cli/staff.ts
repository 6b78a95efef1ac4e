// `staff add|list|disable`: the NCSC and WARP staff who sign in to the pages by magic link.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { cliPrincipal } from '../../domain/principal.js';
import {
  addStaff,
  disableStaff,
  listStaff,
  sendStaffInvitation,
  staffRoles,
} from '../../features/staff/members.js';
import { type CliCommand, parseWith, printList, UsageError } from './io.js';

export const staffUsage = `staff add <address> --role admin|warp [--warp ID] --name TEXT
staff list [--all] [--json]
staff disable <address>`;

const AddArgs = z
  .object({
    role: z.enum(staffRoles, { message: `--role must be one of ${staffRoles.join(', ')}` }),
    warp: z.string().min(1).optional(),
    name: z.string({ message: '--name is needed' }).trim().min(1, '--name is needed').max(200),
  })
  .strict();

export const staffCommand: CliCommand = async (ctx, args) => {
  const [verb, ...rest] = args;
  if (verb === 'add') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { role: { type: 'string' }, warp: { type: 'string' }, name: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError('staff add takes one address');
    const input = parseWith(AddArgs, values);
    const deps = await ctx.deps();
    const { staff, created } = await addStaff(
      deps,
      { principal: cliPrincipal },
      { address: positionals[0]!, name: input.name, role: input.role, warpId: input.warp },
    );
    const scope = staff.warp ? ` for WARP ${staff.warp}` : '';
    const invited = await sendStaffInvitation(deps, staff);
    ctx.io.out(
      `${created ? 'Added' : 'Enabled again'} ${staff.role} ${staff.address} "${staff.name}"${scope}. ` +
        (invited
          ? 'We have e-mailed them how to sign in (they ask for a link on the sign-in page); the running service sends it, or `advisory dispatch` when none is running.'
          : 'The invitation e-mail could not be queued: tell them to ask for a link on the sign-in page.'),
    );
    return 0;
  }
  if (verb === 'list') {
    const { values } = parseArgs({
      args: rest,
      options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
      strict: true,
    });
    const deps = await ctx.deps();
    const staff = await listStaff(deps, { includeDisabled: values.all });
    printList(ctx.io, staff, {
      json: values.json,
      empty: 'No staff members.',
      line: (s) => {
        const scope = s.warp ? `warp=${s.warp}` : '';
        const state = s.disabledAt ? `disabled ${s.disabledAt}` : `added ${s.createdAt}`;
        return `${s.address}  ${s.role.padEnd(5)}  ${scope.padEnd(16)}  ${s.name}  (${state})`;
      },
    });
    return 0;
  }
  if (verb === 'disable') {
    const [address, ...extra] = rest;
    if (!address || extra.length) throw new UsageError('staff disable takes one address');
    const deps = await ctx.deps();
    const staff = await disableStaff(deps, { principal: cliPrincipal }, address);
    ctx.io.out(`Disabled ${staff.address} at ${staff.disabledAt}; their sessions have ended.`);
    return 0;
  }
  throw new UsageError(`unknown staff command "${verb ?? ''}"`);
};
