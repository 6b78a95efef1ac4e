// Giving a mailbox an OpenPGP key (uploaded, or discovered by discover-key.ts): the key is read and judged
// (src/mail/recipient-key.ts), saved as `pending` (any other pending key of the mailbox is dropped in the
// same write), and a confirmation link goes to the mailbox ENCRYPTED TO THE NEW KEY: only someone who holds
// the secret key can follow it, and only a confirmed key is used. A change of key needs the same.
import { and, eq } from 'drizzle-orm';
import keyConfirmation from '../../../templates/key-confirmation.js';
import { inList } from '../../db/limits.js';
import { mailboxKeys } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { MailboxKeySource } from '../../domain/mailbox-key-states.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { hashSecret } from '../../lib/secrets.js';
import { composeMessage } from '../../mail/compose.js';
import { buildMimeMessage } from '../../mail/mime-message.js';
import { groupedFingerprint, RecipientKeyError, readRecipientKey } from '../../mail/recipient-key.js';
import { enforceLimits, requesterLimits } from '../abuse/rate-limit.js';
import { auditEntry } from '../audit/record.js';
import { requireAuthority } from '../authority-register/get-authority.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { queueMail } from '../outbound/queue-mail.js';
import { type DiscoverySource, discoverKey } from './discover-key.js';
import { mailEncryptor } from './encrypt.js';
import { toMailboxKeyView } from './view.js';
import { findVisibleMailbox, keyConfirmationTtl } from './visible-mailbox.js';

export interface KeyOrigin {
  source: MailboxKeySource;
  /** Where a discovered key was fetched from. */
  sourceUrl?: string | null;
}

/** Adds a key to a mailbox the actor can see; returns the pending key and whether its link was sent. */
export async function addMailboxKey(
  deps: Deps,
  actor: ActorContext,
  mailboxId: string,
  key: string | Uint8Array,
  origin: KeyOrigin,
) {
  assertMailAvailable(deps);
  const mailbox = await findVisibleMailbox(deps, actor.principal, mailboxId);
  if (mailbox.state !== 'confirmed')
    throw new AppError(
      'conflict',
      'Only a confirmed mailbox can be given an encryption key: confirm the mailbox first.',
    );
  const encryptor = await mailEncryptor(deps);
  if (!encryptor)
    throw new AppError(
      'conflict',
      'This service sends mail through GOV.UK Notify, which cannot carry encrypted e-mail: keys cannot be used.',
    );
  const now = deps.clock.now();
  let accepted: Awaited<ReturnType<typeof readRecipientKey>>;
  try {
    accepted = await readRecipientKey(key, mailbox.address, now);
  } catch (err) {
    if (err instanceof RecipientKeyError)
      throw new AppError('validation_failed', err.message, { extra: { field: 'key' } });
    throw err;
  }
  const current = await deps.db
    .select()
    .from(mailboxKeys)
    .where(and(eq(mailboxKeys.mailboxId, mailbox.id), inList(mailboxKeys.state, ['pending', 'confirmed'])));
  const confirmed = current.find((k) => k.state === 'confirmed');
  if (confirmed?.fingerprint === accepted.fingerprint)
    return { key: toMailboxKeyView(confirmed), confirmationSent: false, unchanged: true };
  await enforceLimits(deps, requesterLimits(deps, actor, 'mailbox-key'), 'encryption keys from you');

  const secret = deps.random.secret(32);
  const expiresAt = new Date(now.getTime() + keyConfirmationTtl(deps));
  const row = {
    id: deps.random.id(),
    mailboxId: mailbox.id,
    fingerprint: accepted.fingerprint,
    armoredKey: accepted.armored,
    source: origin.source,
    sourceUrl: origin.sourceUrl ?? null,
    state: 'pending' as const,
    expiresAt: accepted.expiresAt,
    revokedAt: null,
    problem: null,
    confirmTokenHash: await hashSecret(secret),
    confirmExpiresAt: expiresAt,
    createdBy: actor.principal.actor,
    createdAt: now,
    updatedAt: now,
    confirmedAt: null,
    lastCheckedAt: now,
  };
  const superseded = current.filter((k) => k.state === 'pending').map((k) => k.id);
  await deps.db.batch([
    // A newer key supersedes one still waiting for its confirmation: only the newest link works.
    deps.db
      .update(mailboxKeys)
      .set({ state: 'removed', confirmTokenHash: null, updatedAt: now })
      .where(and(eq(mailboxKeys.mailboxId, mailbox.id), eq(mailboxKeys.state, 'pending'))),
    deps.db.insert(mailboxKeys).values(row),
    auditEntry(deps.db, actor, now, {
      action: 'mailbox-key.add',
      subjectType: 'mailbox key',
      subjectId: row.id,
      after: {
        mailboxId: mailbox.id,
        fingerprint: row.fingerprint,
        source: row.source,
        sourceUrl: row.sourceUrl,
        state: 'pending',
        superseded,
        replaces: confirmed?.fingerprint ?? null,
      },
    }),
  ]);

  const authority = await requireAuthority(deps, mailbox.authorityCode);
  const message = composeMessage(
    deps.config,
    keyConfirmation,
    {
      serviceName: deps.config.SERVICE_NAME,
      authorityName: authority.name,
      address: mailbox.address,
      fingerprint: groupedFingerprint(row.fingerprint),
      confirmUrl: `${deps.config.PUBLIC_BASE_URL}/confirm-key/${secret}`,
      expiresAt,
    },
    mailbox.address,
    { messageId: `key-confirm.${row.id}` },
  );
  message.raw = await encryptor(
    buildMimeMessage(message, { from: deps.config.MAIL_FROM, date: now }),
    accepted.key,
    'Confirm your encryption key',
  );
  let confirmationSent = true;
  try {
    await queueMail(deps, message, { lane: 'urgent', purpose: 'key confirmation' });
  } catch (err) {
    deps.log.error('mail could not be queued', { what: 'key confirmation', to: message.to, err });
    confirmationSent = false;
  }
  return { key: toMailboxKeyView(row), confirmationSent, unchanged: false };
}

/** Finds the mailbox's key on its own domain (WKD or security.txt) and adds it like an upload. */
export async function discoverMailboxKey(
  deps: Deps,
  actor: ActorContext,
  mailboxId: string,
  source: DiscoverySource,
) {
  const mailbox = await findVisibleMailbox(deps, actor.principal, mailboxId);
  await enforceLimits(deps, requesterLimits(deps, actor, 'mailbox-key-discovery'), 'key look-ups from you');
  const found = await discoverKey(deps, mailbox.address, source);
  if (!found.found)
    throw new AppError('validation_failed', `No key was found for ${mailbox.address}: ${found.reason}.`, {
      extra: { field: 'source', tried: found.tried },
    });
  return addMailboxKey(deps, actor, mailboxId, found.key, { source, sourceUrl: found.url });
}
