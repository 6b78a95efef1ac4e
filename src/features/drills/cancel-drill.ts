// Calling a drill off before it starts (its author's WARP or an admin). A drill that already started runs
// to the end of its window: its messages are out.
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { assertMayChange, type DrillView, drillFor, toDrillView } from './drill-view.js';
import { drillTransitions } from './transitions.js';

export async function cancelDrill(deps: Deps, actor: ActorContext, id: string): Promise<DrillView> {
  const drill = await drillFor(deps, actor.principal, id);
  assertMayChange(actor.principal, drill);
  drillTransitions.assertCan(drill, 'cancel');
  const now = deps.clock.now();
  const row = await drillTransitions.apply(deps, actor, 'cancel', drill.id, {
    set: { cancelledBy: actor.principal.actor, cancelledAt: now },
    audit: { after: { reference: drill.reference } },
    at: now,
  });
  return toDrillView(row);
}
