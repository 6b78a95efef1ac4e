// Councils with confirmed mailboxes, for the second-channel tests (mobiles come from insertMobile).
import type { Db } from '../../src/db/client.js';
import { confirmed, insertMailbox, insertMobile as insertMobileRow } from '../support/fixtures.js';

/** A mobile of a council with its number: confirmed unless `overrides` say otherwise. */
export function insertMobile(
  db: Db,
  authorityCode: string,
  number: string,
  overrides: Parameters<typeof insertMobileRow>[1] extends infer O ? Partial<O> : never = {},
) {
  return insertMobileRow(db, { authorityCode, number, ...overrides });
}

export async function insertConfirmedMailbox(db: Db, authorityCode: string, address: string) {
  return insertMailbox(db, { authorityCode, address, kind: 'primary', ...confirmed() });
}
