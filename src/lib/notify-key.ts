// GOV.UK Notify API keys: `{key_name}-{service_id}-{secret}`, where the service id and the secret are the
// last 2×36 characters (two UUIDs), as Notify's own clients read them. Pure: used by the config check and
// by the Notify client. A key is a secret: no message here ever contains it, or any part of it.

/** A UUID as Notify writes them (service ids, secrets, notification and template ids). */
export const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NotifyApiKey {
  /** The name given to the key in Notify (may be empty). */
  keyName: string;
  /** The service id: the JWT's `iss`. */
  serviceId: string;
  /** The secret the JWT is signed with (HS256). */
  secret: string;
}

/** What is wrong with a Notify API key, in words that never repeat it; null when it has the right shape. */
export function notifyKeyProblem(key: string): string | null {
  const k = key.trim();
  if (k.length < 73) return 'is too short to be a GOV.UK Notify API key ({key_name}-{service_id}-{secret})';
  const serviceId = k.slice(-73, -37);
  const secret = k.slice(-36);
  if (k[k.length - 37] !== '-' || (k.length > 73 && k[k.length - 74] !== '-'))
    return 'is not a GOV.UK Notify API key: expected {key_name}-{service_id}-{secret}';
  if (!uuid.test(serviceId)) return 'is not a GOV.UK Notify API key: its service id is not a UUID';
  if (!uuid.test(secret)) return 'is not a GOV.UK Notify API key: its secret is not a UUID';
  return null;
}

/** The parts of a Notify API key; throws an error naming NOTIFY_API_KEY (never its value) if malformed. */
export function parseNotifyApiKey(key: string): NotifyApiKey {
  const problem = notifyKeyProblem(key);
  if (problem) throw new Error(`NOTIFY_API_KEY ${problem}.`);
  const k = key.trim();
  return {
    keyName: k.slice(0, Math.max(0, k.length - 74)),
    serviceId: k.slice(-73, -37),
    secret: k.slice(-36),
  };
}
