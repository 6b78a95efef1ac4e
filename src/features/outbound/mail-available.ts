// Refusing, up front, what needs mail when the service has no working mailer (degraded mode): the caller
// gets a clear problem (503) naming the settings to provide, and nothing is written.
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';

export function assertMailAvailable(deps: Pick<Deps, 'mailer'>): void {
  const problem = deps.mailer.unavailable;
  if (!problem) return;
  throw new AppError(
    'unavailable',
    `This needs e-mail, and the service cannot send e-mail yet: ${problem.reason}. Nothing was changed; try again once an administrator has set ${problem.missing.join(', ')}.`,
    { extra: { missing: problem.missing } },
  );
}
