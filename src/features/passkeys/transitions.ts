// Every change to a passkey after it is registered, by name (see features/audit/transitions.ts): guarded,
// returning, audited once, 409 when another request changed it first.
import { passkeys } from '../../db/schema.js';
import { defineAggregate, transitions } from '../audit/transitions.js';

export type PasskeyState = 'active' | 'removed';

export const passkeyTransitionTable = transitions<PasskeyState>()({
  /** Its owner gave it another name. */
  rename: { action: 'passkey.rename', verb: 'rename', from: ['active'] },
  /** It signed someone in (guard: the stored counter is still the one the signature was checked against). */
  use: { action: 'passkey.sign-in', verb: 'use', from: ['active'], keepUpdatedAt: true },
  /** Removed by its owner, or cleared at the command line: it never signs in again. */
  remove: { action: 'passkey.remove', verb: 'remove', from: ['active'], to: 'removed' },
});

export const passkeyTransitions = defineAggregate({
  table: passkeys,
  subject: 'passkey',
  id: passkeys.id,
  state: passkeys.state,
  transitions: passkeyTransitionTable,
});
