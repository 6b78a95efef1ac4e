// `advisory <verb>`: the advisory commands. `create` writes a draft from a file; the release and fan-out
// verbs (dispatch, release, approve, cancel, report) are wired in here by the release feature.
import { advisoryCreateCommand, advisoryCreateUsage } from './advisory-create.js';
import {
  advisoryApproveCommand,
  advisoryCancelCommand,
  advisoryDispatchCommand,
  advisoryReleaseCommand,
  advisoryReleaseUsage,
  advisoryReportCommand,
  advisoryReportUsage,
} from './advisory-release.js';
import { type CliCommand, UsageError } from './io.js';

export const advisoryUsage = `${advisoryCreateUsage}
${advisoryReleaseUsage}
${advisoryReportUsage}`;

/** Each verb gets the arguments after its name. */
const verbs: Record<string, CliCommand> = {
  create: advisoryCreateCommand,
  dispatch: advisoryDispatchCommand,
  release: advisoryReleaseCommand,
  approve: advisoryApproveCommand,
  cancel: advisoryCancelCommand,
  report: advisoryReportCommand,
};

export const advisoryCommand: CliCommand = async (ctx, args) => {
  const [verb, ...rest] = args;
  const run = verb && Object.hasOwn(verbs, verb) ? verbs[verb] : undefined;
  if (!run) throw new UsageError(`unknown advisory command "${verb ?? ''}"`);
  return run(ctx, rest);
};
