// Refusing, up front, what needs mail when the service has no working mailer (degraded mode): the caller
// gets a clear problem (503) naming the settings to provide, and nothing is written.
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';

/** Why what needs mail is refused now, in words for the caller; null when mail can be sent. */
export function mailUnavailableMessage(deps: Pick<Deps, 'mailer'>): string | null {
  const problem = deps.mailer.unavailable;
  if (!problem) return null;
  return `This needs e-mail, and the service cannot send e-mail yet: ${problem.reason}. Nothing was changed; try again once an administrator has set ${problem.missing.join(', ')}.`;
}

/**
 * The same for someone using the public pages (registering, asking for a sign-in link): what it means for
 * them, without the service's settings, which are for its administrators (/readyz, the API's problem).
 */
export const MAIL_UNAVAILABLE_ON_PAGES =
  'We cannot send e-mail at the moment, so we cannot do this now. Nothing was changed. Please try again later.';

export function assertMailAvailable(deps: Pick<Deps, 'mailer'>): void {
  const message = mailUnavailableMessage(deps);
  if (message)
    throw new AppError('unavailable', message, { extra: { missing: deps.mailer.unavailable?.missing } });
}
