// Who the passkeys are for (the WebAuthn relying party): the host and origin of PUBLIC_BASE_URL, so a
// passkey made here answers only here, whatever Host header a request carries.
import type { Config } from '../../config.js';

export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

export function relyingParty(config: Pick<Config, 'PUBLIC_BASE_URL' | 'SERVICE_NAME'>): RelyingParty {
  const url = new URL(config.PUBLIC_BASE_URL);
  return { id: url.hostname, origin: url.origin, name: config.SERVICE_NAME };
}
