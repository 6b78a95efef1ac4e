// Registering a passkey (the WebAuthn "create" ceremony, checked by SimpleWebAuthn): the options name the
// person and the passkeys they have (so one authenticator is not registered twice) and ask for a
// discoverable credential with user verification; the answer is checked against the challenge this browser
// was given for this person, the service's origin and RP ID, and kept with an audit entry in one write.
// A person who already has a passkey adds another only from a session made with one: someone who got
// into their mailbox must not add a passkey of their own.
import {
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { and, eq, isNull } from 'drizzle-orm';
import { passkeys, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { base64url } from '../../ports/random.js';
import { auditEntry } from '../audit/record.js';
import { CHALLENGE_TTL_MS, challengeOf, issueChallenge, spendChallenge } from './challenges.js';
import {
  activePasskeys,
  checkPasskeyName,
  type PasskeyRow,
  requireStaffAddress,
  toPasskeyView,
} from './manage-passkeys.js';
import { relyingParty } from './relying-party.js';

/** The staff member registering, enabled, and allowed to add a passkey from this session. */
async function registrant(deps: Deps, principal: Principal) {
  const address = requireStaffAddress(principal);
  const staff = await deps.db.query.staffMembers.findFirst({
    where: and(eq(staffMembers.address, address), isNull(staffMembers.disabledAt)),
  });
  if (!staff) throw new AppError('forbidden', 'Only an enabled staff member can register a passkey.');
  const existing = await activePasskeys(deps, address);
  if (existing.length > 0 && principal.authMethod !== 'passkey')
    throw new AppError(
      'forbidden',
      'You already have a passkey: sign in with it first, then add another one.',
    );
  return { staff, existing };
}

/** The options for the browser's navigator.credentials.create(), with a new challenge bound to this browser. */
export async function passkeyRegistrationOptions(deps: Deps, principal: Principal, browser: string) {
  const { staff, existing } = await registrant(deps, principal);
  const rp = relyingParty(deps.config);
  const challenge = await issueChallenge(deps, 'register', browser, staff.address);
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: staff.address,
    userDisplayName: staff.name,
    // The user handle: stable per person, and not their address.
    userID: new Uint8Array(new TextEncoder().encode(await userHandle(staff.address))),
    // As bytes: the options then carry the challenge as the same base64url text (given as a string,
    // SimpleWebAuthn would encode its characters instead).
    challenge: fromBase64url(challenge),
    timeout: CHALLENGE_TTL_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: transportsOf(p) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

/** A WebAuthn user handle for a staff member: a hash of the address, so the authenticator never holds it. */
async function userHandle(address: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`staff:${address}`));
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

type Transport = NonNullable<
  Parameters<typeof generateRegistrationOptions>[0]['excludeCredentials']
>[number]['transports'];

export function transportsOf(row: Pick<PasskeyRow, 'transports'>): Transport {
  return row.transports as Transport;
}

const refused = (why: string) =>
  new AppError('validation_failed', `The passkey could not be registered: ${why}. Try again.`, {
    errors: [{ path: 'response', message: why }],
  });

/** Checks the authenticator's answer and keeps the passkey (audited as `passkey.register`). */
export async function registerPasskey(
  deps: Deps,
  actor: ActorContext,
  browser: string | null,
  input: { name: string; response: RegistrationResponseJSON },
) {
  const name = checkPasskeyName(input.name);
  const { staff } = await registrant(deps, actor.principal);
  const challenge = challengeOf(input.response.response?.clientDataJSON ?? '');
  const spent = challenge ? await spendChallenge(deps, challenge, 'register', browser) : null;
  if (!challenge || !spent || spent.staffAddress !== staff.address)
    throw refused('it answers no registration this browser started in the last few minutes');
  const rp = relyingParty(deps.config);
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
  } catch (err) {
    deps.log.info('passkey registration refused', { err });
    throw refused('the authenticator’s answer did not check out');
  }
  if (!verification.verified) throw refused('the authenticator’s answer did not check out');
  const info = verification.registrationInfo;
  const taken = await deps.db.query.passkeys.findFirst({ where: eq(passkeys.id, info.credential.id) });
  if (taken) throw new AppError('conflict', 'This passkey is registered already.');
  const now = deps.clock.now();
  const row: PasskeyRow = {
    id: info.credential.id,
    staffAddress: staff.address,
    publicKey: base64url(info.credential.publicKey),
    counter: info.credential.counter,
    transports: (input.response.response.transports ?? info.credential.transports ?? []) as string[],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    name,
    state: 'active',
    createdAt: now,
    lastUsedAt: null,
    removedAt: null,
  };
  await deps.db.batch([
    deps.db.insert(passkeys).values(row),
    auditEntry(deps.db, actor, now, {
      action: 'passkey.register',
      subjectType: 'passkey',
      subjectId: row.id,
      after: { staff: staff.address, name, synced: row.deviceType === 'multiDevice' },
    }),
  ]);
  return toPasskeyView(row);
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const padded = text.replaceAll('-', '+').replaceAll('_', '/');
  const raw = atob(padded + '='.repeat((4 - (padded.length % 4)) % 4));
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}
