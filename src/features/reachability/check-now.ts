// "Check now": an admin runs a mail domain's checks at once (from the API or an authority's page), for a
// domain the service knows (a registered mailbox's, or a council's), at most CHECKS_RATE_PER_HOUR times an
// hour per domain.
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { enforceLimits } from '../abuse/rate-limit.js';
import { isKnownDomain, runDomainChecks } from './run-checks.js';

export async function checkDomainNow(deps: Deps, actor: ActorContext, domain: string) {
  if (actor.principal.role !== 'admin')
    throw new AppError('forbidden', 'Only an admin can check a domain now.');
  if (!(await isKnownDomain(deps, domain)))
    throw new AppError(
      'not_found',
      `"${domain}" is neither a registered mailbox’s domain nor one of a council’s domains.`,
    );
  await enforceLimits(
    deps,
    [{ key: `checks:domain:${domain}`, max: deps.config.CHECKS_RATE_PER_HOUR, windowSeconds: 3600 }],
    `check runs for ${domain}`,
  );
  return runDomainChecks(deps, domain, actor);
}
