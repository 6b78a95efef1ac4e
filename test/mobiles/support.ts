// Councils with confirmed mailboxes and out-of-hours mobiles, for the second-channel tests.

import type { Db } from '../../src/db/client.js';
import { mobileNumbers } from '../../src/db/schema.js';
import { confirmed, FACTORY_TIME, insertMailbox } from '../support/fixtures.js';

let n = 0;

export async function insertMobile(
  db: Db,
  authorityCode: string,
  number: string,
  overrides: Partial<typeof mobileNumbers.$inferInsert> = {},
) {
  n += 1;
  const row = {
    id: `mobile${String(n).padStart(6, '0')}`,
    authorityCode,
    number,
    label: 'Out-of-hours duty officer',
    state: 'confirmed' as const,
    createdBy: 'test',
    createdAt: FACTORY_TIME,
    updatedAt: FACTORY_TIME,
    confirmedAt: FACTORY_TIME,
    ...overrides,
  };
  await db.insert(mobileNumbers).values(row);
  return row;
}

export async function insertConfirmedMailbox(db: Db, authorityCode: string, address: string) {
  return insertMailbox(db, { authorityCode, address, kind: 'primary', ...confirmed() });
}
