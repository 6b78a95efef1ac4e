// Shared set-up for the tracking tests (acknowledgement, escalation, report, feeds, CSAF): two WARPs with
// operators, their member councils and one council in no WARP, and the acknowledgement link of a delivery.
import type { Deps } from '../../src/deps.js';
import { signedToken } from '../../src/features/advisories/signing-key.js';
import type { TestApp } from '../support/app.js';
import { insertAuthority, insertWarp, insertWarpOperators } from '../support/fixtures.js';

export async function seedTrackingWorld(t: TestApp) {
  await insertWarp(t.db, { id: 'wales', name: 'Wales WARP', region: 'Wales' });
  await insertWarp(t.db, { id: 'london', name: 'London WARP', region: 'London' });
  const common = { nation: 'Wales', region: 'Wales', type: 'UA', typeName: 'Unitary authority' };
  await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council', warpId: 'wales', ...common });
  await insertAuthority(t.db, { code: 'NWP', name: 'Newport City Council', warpId: 'wales', ...common });
  await insertAuthority(t.db, { code: 'SWA', name: 'Swansea Council', warpId: 'wales', ...common });
  await insertAuthority(t.db, {
    code: 'CMD',
    name: 'London Borough of Camden',
    nation: 'England',
    region: 'London',
    type: 'LBO',
    typeName: 'London borough',
    warpId: 'london',
  });
  await insertAuthority(t.db, { code: 'ORF', name: 'Orphan District Council', warpId: null });
  await insertWarpOperators(t.db, 'wales', ['ops@wales-warp.gov.uk']);
  await insertWarpOperators(t.db, 'london', ['ops@london-warp.gov.uk']);
}

/** The acknowledgement link's path for a delivery, as the advisory e-mail carries it. */
export async function ackPath(deps: Deps, deliveryId: string): Promise<string> {
  return `/ack/${await signedToken(deps, 'ack', deliveryId)}`;
}
