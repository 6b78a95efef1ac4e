// Reading one advisory within the caller's scope; what the caller may not see is a 404.
import type { Deps } from '../../deps.js';
import type { Principal } from '../auth/principal.js';
import { findVisibleAdvisory } from './advisory-scope.js';
import { type AdvisoryView, toAdvisoryView } from './view.js';

export async function getAdvisory(deps: Deps, principal: Principal, id: string): Promise<AdvisoryView> {
  return toAdvisoryView(await findVisibleAdvisory(deps, principal, id));
}
