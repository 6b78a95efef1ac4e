// The admin CLI entry (`npm run cli -- <command>`): the heap policy first (`advisory dispatch` and
// `checks sweep` are fan-outs too; see entry/node-heap.ts), then the commands (entry/cli/main.ts).
import { limitHeapGrowth } from './entry/node-heap.js';

limitHeapGrowth();
await import('./entry/cli/main.js');
