// The genuineness check as the API and the page both call it: counted against the caller's rate limit
// first (per client address when not signed in: every answer is an oracle, so guessing Message-IDs or
// addresses costs one request each), then a raw message or a reference checked.
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { fromBytes } from '../../mail/dkim-canon.js';
import { readRawMessage } from '../../mail/raw-message.js';
import { enforceLimits, requesterLimits } from '../abuse/rate-limit.js';
import { checkMessage, type MessageCheck } from './check-message.js';
import { checkReference, type ReferenceCheck } from './check-reference.js';

/** The largest message checked (the service's own advisories are far smaller). */
export const MESSAGE_LIMIT_BYTES = 1024 * 1024;

export interface Requester {
  principal: Principal;
  ip: string;
}

async function count(deps: Deps, requester: Requester) {
  // Admins are not counted elsewhere; here everyone is, admins included, as the answers are the same.
  const limits = requesterLimits(deps, requester, 'genuine');
  await enforceLimits(
    deps,
    limits.length
      ? limits
      : [
          {
            key: `genuine:actor:${requester.principal.actor}`,
            max: deps.config.RATE_LIMIT_PER_AUTHORITY,
            windowSeconds: 3600,
          },
        ],
    'checks',
  );
}

/** Checks a received message given as its bytes. */
export async function checkReceivedMessage(
  deps: Deps,
  requester: Requester,
  bytes: Uint8Array,
): Promise<MessageCheck> {
  if (bytes.byteLength > MESSAGE_LIMIT_BYTES)
    throw new AppError(
      'payload_too_large',
      `The message is larger than ${MESSAGE_LIMIT_BYTES / 1024 / 1024} MB: ours are much smaller.`,
    );
  const message = readRawMessage(fromBytes(bytes));
  if (message.fields.length === 0 || !message.header('from'))
    throw new AppError(
      'bad_request',
      'This does not look like an e-mail message: give the whole message with its headers (in your mail program, "Save as" or "Show original").',
      {
        errors: [{ path: 'message', message: 'Give the whole e-mail message, with its headers' }],
      },
    );
  await count(deps, requester);
  return checkMessage(deps, message);
}

/** Checks an advisory reference. */
export async function checkReceivedReference(
  deps: Deps,
  requester: Requester,
  reference: string,
): Promise<ReferenceCheck> {
  await count(deps, requester);
  return checkReference(deps, reference);
}
