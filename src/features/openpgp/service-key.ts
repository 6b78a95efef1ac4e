// The service's OpenPGP key as the rest of the service sees it: loaded once per configuration (the first
// use reads and checks it: src/mail/openpgp-keys.ts), then
//   - the signer of advisory e-mails (`advisorySigner`): null while no key is set (advisories go out
//     unsigned, with a warning logged once) or once the key has expired;
//   - what /readyz says about signing (`signingReadiness`);
//   - what is published: the Web Key Directory and the key download (routes.ts), the fingerprint on the
//     public pages, the Encryption line of security.txt.
// Only advisory e-mails are signed (each delivery, and the test an author sends themselves): they are what
// councils act on and what a phisher imitates. Sign-in, confirmation and re-confirmation links and notices
// to staff stay unsigned: they answer something the reader just did or concern the service itself, carry
// nothing to act on outside it, and signing them would teach readers that any signed mail of ours is an
// advisory. (Text messages cannot be signed.)
// Later work (checking a received advisory, encrypting to councils) builds on `serviceKeyState`.
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { addressOf } from '../../mail/address.js';
import { loadOpenPgpKeys, OpenPgpKeyError, type OpenPgpKeys } from '../../mail/openpgp-keys.js';

export type ServiceKeyState =
  | { status: 'ready'; keys: OpenPgpKeys }
  | { status: 'missing' }
  | { status: 'unusable'; error: OpenPgpKeyError };

type KeyDeps = Pick<Deps, 'config' | 'clock' | 'log'>;

/** Where the armored public keys can be downloaded (also security.txt's Encryption line). */
export const PUBLIC_KEY_PATH = '/.well-known/openpgpkey/key.asc';

const states = new WeakMap<Config, Promise<ServiceKeyState>>();

/** The domain of the From address of advisories: the key's user ID must be there, and WKD serves it. */
export function signingDomain(config: Pick<Config, 'MAIL_FROM'>): string {
  const address = addressOf(config.MAIL_FROM) ?? config.MAIL_FROM;
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Whether a key is configured at all (no need to read it: security.txt and the pages' wording). */
export const signingConfigured = (config: Pick<Config, 'OPENPGP_PRIVATE_KEY'>) =>
  Boolean(config.OPENPGP_PRIVATE_KEY);

async function load(deps: KeyDeps): Promise<ServiceKeyState> {
  const { config } = deps;
  if (!config.OPENPGP_PRIVATE_KEY) {
    deps.log.warn(
      'advisories are sent unsigned: OPENPGP_PRIVATE_KEY is not set (see "Signed advisories" in the README)',
    );
    return { status: 'missing' };
  }
  try {
    const keys = await loadOpenPgpKeys({
      privateKey: config.OPENPGP_PRIVATE_KEY,
      passphrase: config.OPENPGP_PASSPHRASE,
      previousPublicKeys: config.OPENPGP_PREVIOUS_PUBLIC_KEYS,
      mailDomain: signingDomain(config),
      now: () => deps.clock.now(),
    });
    deps.log.info('advisories are signed with OpenPGP', {
      fingerprint: keys.fingerprint,
      addresses: keys.addresses,
      expiresAt: keys.expiresAt?.toISOString() ?? null,
      previousKeys: keys.previousFingerprints.length,
    });
    return { status: 'ready', keys };
  } catch (err) {
    if (err instanceof OpenPgpKeyError) return { status: 'unusable', error: err };
    throw err;
  }
}

/** The key's state for this configuration, loaded on first use and kept. */
export function serviceKeyState(deps: KeyDeps): Promise<ServiceKeyState> {
  let state = states.get(deps.config);
  if (!state) {
    state = load(deps);
    states.set(deps.config, state);
    state.catch(() => states.delete(deps.config));
  }
  return state;
}

/**
 * For start-up (Node's entry, a Worker isolate's first request): throws the key's problem, naming the
 * setting, so a service with a key that cannot sign does not start. A missing key is not an error.
 */
export async function assertServiceKeyUsable(deps: KeyDeps): Promise<void> {
  const state = await serviceKeyState(deps);
  if (state.status === 'unusable') throw state.error;
}

const expired = (keys: OpenPgpKeys, now: Date) => keys.expiresAt !== null && keys.expiresAt <= now;
const warnedExpired = new WeakSet<OpenPgpKeys>();

/**
 * The signer of advisory e-mails, or null: no key (they go unsigned), or a key that expired while the
 * service ran (unsigned too, with a warning once: /readyz says so). A key that could not be read throws:
 * Node refuses to start with one, so this only happens where there is no start-up (a Worker's queue).
 */
export async function advisorySigner(deps: KeyDeps): Promise<OpenPgpKeys | null> {
  // Notify sends its own template (subject and text): a signature would be made and thrown away.
  if (deps.config.MAIL_PROVIDER === 'notify') return null;
  const state = await serviceKeyState(deps);
  if (state.status === 'unusable') throw state.error;
  if (state.status === 'missing') return null;
  if (expired(state.keys, deps.clock.now())) {
    if (!warnedExpired.has(state.keys)) {
      warnedExpired.add(state.keys);
      deps.log.error('advisories are sent unsigned: the OpenPGP key has expired', {
        fingerprint: state.keys.fingerprint,
        expiredAt: state.keys.expiresAt?.toISOString(),
      });
    }
    return null;
  }
  return state.keys;
}

export interface SigningReadiness {
  ok: boolean;
  detail: string;
  missing?: string[];
}

/** What /readyz says about signing: whether advisories go out signed, and if not, which setting to fix. */
export async function signingReadiness(deps: KeyDeps): Promise<SigningReadiness> {
  const state = await serviceKeyState(deps);
  if (state.status === 'missing')
    return {
      ok: false,
      detail: 'advisories go out unsigned: OPENPGP_PRIVATE_KEY is not set',
      missing: ['OPENPGP_PRIVATE_KEY'],
    };
  if (state.status === 'unusable')
    return {
      ok: false,
      detail: `advisories cannot be signed: ${state.error.message}`,
      missing: [state.error.setting],
    };
  const { keys } = state;
  if (expired(keys, deps.clock.now()))
    return {
      ok: false,
      detail: `advisories go out unsigned: the OpenPGP key ${keys.fingerprint} expired on ${keys.expiresAt?.toISOString()} (set a new OPENPGP_PRIVATE_KEY)`,
      missing: ['OPENPGP_PRIVATE_KEY'],
    };
  // GOV.UK Notify sends its own template, not our MIME: a signature cannot travel with it.
  if (deps.config.MAIL_PROVIDER === 'notify')
    return {
      ok: false,
      detail:
        'advisories go out unsigned: GOV.UK Notify (MAIL_PROVIDER=notify) sends its own e-mail, which cannot carry an OpenPGP signature',
      missing: ['MAIL_PROVIDER'],
    };
  const until = keys.expiresAt ? ` until ${keys.expiresAt.toISOString().slice(0, 10)}` : '';
  return { ok: true, detail: `advisories are signed with OpenPGP key ${keys.fingerprint}${until}` };
}
