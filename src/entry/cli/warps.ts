// `warps list`: the WARPs and their ids (what `--warp` takes in `token create` and `staff add`).
import { listWarps } from '../../features/authority-register/warps.js';
import { defineCommand } from './command.js';
import { printList } from './io.js';

const warps = defineCommand('warps', [
  {
    verb: 'list',
    summary: 'each WARP’s id, name and number of current member councils',
    options: { json: { type: 'boolean' } },
    async run(ctx, { values }) {
      const deps = await ctx.deps();
      const items = (await listWarps(deps, { limit: 1000, offset: 0 })).items;
      const width = Math.max(2, ...items.map((w) => w.id.length));
      printList(ctx.io, items, {
        json: values.json === true,
        empty: 'No WARPs yet (the register import creates the default ones).',
        line: (w) => `${w.id.padEnd(width)}  ${w.name} (${w.currentMembers} current members)`,
      });
      return 0;
    },
  },
]);

export const warpsUsage = warps.usage;
export const warpsCommand = warps.run;
