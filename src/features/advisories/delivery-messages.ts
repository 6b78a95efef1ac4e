// The messages of claimed deliveries: each advisory is prepared once per drain, each council's name read
// once, and a claimed batch's acknowledgement links signed together before its messages are built.
import { eq } from 'drizzle-orm';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { OutgoingMessage } from '../../ports/mailer.js';
import { authorityNames as authorityNamesOf } from '../authority-register/get-authority.js';
import type { ClaimedDelivery } from './claim.js';
import { type AdvisoryMessageBuilder, prepareAdvisoryMessages } from './message.js';

export interface DeliveryMessages {
  /** Readies newly claimed deliveries: their councils' names, and their links signed ahead. */
  prepare(claimed: readonly ClaimedDelivery[]): Promise<void>;
  build(delivery: ClaimedDelivery): Promise<OutgoingMessage>;
}

export function deliveryMessages(deps: Deps): DeliveryMessages {
  const builders = new Map<string, Promise<AdvisoryMessageBuilder | null>>();
  const authorityNames = new Map<string, string>();

  function builderFor(advisoryId: string) {
    const cached = builders.get(advisoryId);
    if (cached) return cached;
    const builder = deps.db.query.advisories
      .findFirst({ where: eq(advisories.id, advisoryId) })
      .then((a) => (a ? prepareAdvisoryMessages(deps, a) : null));
    builders.set(advisoryId, builder);
    return builder;
  }

  async function loadAuthorityNames(claimed: readonly ClaimedDelivery[]) {
    const missing = new Set<string>();
    for (const d of claimed)
      if (d.authorityCode && !authorityNames.has(d.authorityCode)) missing.add(d.authorityCode);
    for (const [code, name] of await authorityNamesOf(deps, missing)) authorityNames.set(code, name);
  }

  /** Signs a claimed batch's acknowledgement links together (see AdvisoryMessageBuilder.signAhead). */
  function signAhead(claimed: readonly ClaimedDelivery[]) {
    const byAdvisory = new Map<string, string[]>();
    for (const d of claimed) {
      const ids = byAdvisory.get(d.advisoryId);
      if (ids) ids.push(d.id);
      else byAdvisory.set(d.advisoryId, [d.id]);
    }
    for (const [advisoryId, ids] of byAdvisory)
      builderFor(advisoryId).then(
        (build) => build?.signAhead(ids),
        () => {}, // build() reports a builder that failed
      );
  }

  return {
    async prepare(claimed) {
      await loadAuthorityNames(claimed);
      signAhead(claimed);
    },
    async build(delivery) {
      const build = await builderFor(delivery.advisoryId);
      if (!build) throw new Error(`advisory ${delivery.advisoryId} not found`);
      const code = delivery.authorityCode;
      return build({ ...delivery, authorityName: code ? (authorityNames.get(code) ?? code) : null });
    },
  };
}
