// `warps list`: the WARPs and their ids (what `--warp` takes in `token create` and `staff add`).
import { parseArgs } from 'node:util';
import { listWarps } from '../../features/authority-register/warps.js';
import { type CliCommand, printList, UsageError } from './io.js';

export const warpsUsage = `warps list [--json]   each WARP's id, name and number of current member councils`;

export const warpsCommand: CliCommand = async (ctx, args) => {
  const [verb, ...rest] = args;
  if (verb !== 'list') throw new UsageError(`unknown warps command "${verb ?? ''}"`);
  const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true });
  const deps = await ctx.deps();
  const warps = (await listWarps(deps, { limit: 1000, offset: 0 })).items;
  const width = Math.max(2, ...warps.map((w) => w.id.length));
  printList(ctx.io, warps, {
    json: values.json,
    empty: 'No WARPs yet (the register import creates the default ones).',
    line: (w) => `${w.id.padEnd(width)}  ${w.name} (${w.currentMembers} current members)`,
  });
  return 0;
};
