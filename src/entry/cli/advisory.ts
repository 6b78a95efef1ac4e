// `advisory <verb>`: the advisory commands: a draft from a file, release control, one drain of the
// fan-out queue with a progress bar, and the delivery report.
import { createVerb } from './advisory-create.js';
import { approveVerb, cancelVerb, dispatchVerb, releaseVerb, reportVerb } from './advisory-release.js';
import { defineCommand } from './command.js';

const advisory = defineCommand('advisory', [
  createVerb,
  releaseVerb,
  approveVerb,
  cancelVerb,
  dispatchVerb,
  reportVerb,
]);

export const advisoryUsage = advisory.usage;
export const advisoryCommand = advisory.run;
