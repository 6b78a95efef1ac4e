// Every state change of an out-of-hours mobile number, by name (see features/audit/transitions.ts):
// guarded, returning, audited once, 409 when another request changed it first.
import { mobileNumbers } from '../../db/schema.js';
import type { MobileState } from '../../domain/mobile-states.js';
import { defineAggregate, transitions } from '../audit/transitions.js';

export const mobileTransitionTable = transitions<MobileState>()({
  /** A new code is texted (guard: the sends counted as read). */
  sendCode: { action: 'mobile.code-sent', verb: 'send a code to', from: ['pending'] },
  /** A wrong code was typed (counted; locked after MAX_CODE_ATTEMPTS until a new code is sent). */
  wrongCode: { action: 'mobile.code-wrong', verb: 'check a code for', from: ['pending'] },
  /** The right code came back in time: it receives heads-ups, escalations and drills. */
  confirm: { action: 'mobile.confirm', verb: 'confirm', from: ['pending'], to: 'confirmed' },
  /** Removed by the council or an admin: never texted again. */
  retire: { action: 'mobile.retire', verb: 'remove', from: ['pending', 'confirmed'], to: 'retired' },
  /** The SMS provider said it cannot receive texts (guard: not already marked). */
  unreachable: { action: 'mobile.unreachable', verb: 'mark as unreachable', from: ['pending', 'confirmed'] },
});

export type MobileTransition = keyof typeof mobileTransitionTable;

export const mobileTransitions = defineAggregate({
  table: mobileNumbers,
  subject: 'mobile number',
  id: mobileNumbers.id,
  state: mobileNumbers.state,
  updatedAt: 'updatedAt',
  transitions: mobileTransitionTable,
});
