// One advisory e-mail per delivery. The advisory is rendered once; each delivery then only fills in its
// acknowledgement link and recipient, so a fan-out of thousands spends its time sending, not templating.
// Message-ID and VERP envelope sender derive from the delivery id: a resend is the same message.
// With the service's OpenPGP key set, each message is signed (PGP/MIME, src/mail/pgp-mime.ts): one
// signature per delivery, since each copy's signed text holds its own acknowledgement link and recipient
// (about 0.2 ms of CPU a message, bench/README.md; the link is what a forger would swap, so it is signed).
// TLP:AMBER and TLP:RED copies to a mailbox with a confirmed OpenPGP key are signed and encrypted to that
// key instead (PGP/MIME, src/mail/pgp-encrypted.ts), under a neutral Subject. A TLP:RED advisory an admin
// required to be encrypted reaches a mailbox without a key (or any mailbox when mail cannot be encrypted:
// GOV.UK Notify) only as a heads-up: reference, TLP label and a sign-in link, never its content.

import { and, eq } from 'drizzle-orm';
import advisoryTemplate, { type AdvisoryData } from '../../../templates/advisory.js';
import headsUpTemplate from '../../../templates/advisory-heads-up.js';
import { escapeHtml, kindLabel } from '../../../templates/template.js';
import { inList } from '../../db/limits.js';
import { type advisories, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { composeMessage } from '../../mail/compose.js';
import { deliveryMessageId, mailDomain, threadMessageId, verpAddress } from '../../mail/message-ids.js';
import { buildMimeMessage, mimeTemplate } from '../../mail/mime-message.js';
import { signMessage } from '../../mail/pgp-mime.js';
import type { OutgoingMessage } from '../../ports/mailer.js';
import { mailEncryptor } from '../mailbox-keys/encrypt.js';
import { recipientKeys } from '../mailbox-keys/recipient-keys.js';
import { advisorySigner } from '../openpgp/service-key.js';
import { renderMarkdown } from './markdown.js';
import { signedToken, verpTag } from './signing-key.js';

type AdvisoryRow = typeof advisories.$inferSelect;

export interface DeliveryForMessage {
  id: string;
  mailboxId: string;
  address: string;
  mailboxKind: string;
  authorityName: string | null;
}

// Placeholders that survive rendering unchanged (a URL the link helper accepts; plain letters).
const ACK = 'https://ack-placeholder.invalid/ACK5c1f';
const WHO = 'RECIPIENTPLACEHOLDER5c1f';

export function ackUrl(deps: Pick<Deps, 'config'>, token: string): string {
  return `${deps.config.PUBLIC_BASE_URL}/ack/${token}`;
}

/** The public "Is this genuine?" page, named in every advisory e-mail's footer. */
export const genuineUrl = (deps: Pick<Deps, 'config'>) => `${deps.config.PUBLIC_BASE_URL}/genuine`;

/** Builds each delivery's message of one advisory. */
export interface AdvisoryMessageBuilder {
  (delivery: DeliveryForMessage): Promise<OutgoingMessage>;
  /**
   * Starts signing these deliveries' acknowledgement links now, all together; building their messages
   * then takes the signatures ready. Web Crypto hands every signature to a worker thread: a burst of them
   * costs less than half as much per signature as one at a time between sends.
   */
  signAhead(deliveryIds: readonly string[]): void;
}

/** What the advisory template renders for an advisory (the acknowledgement link and recipient as given). */
export function advisoryMailData(
  deps: Pick<Deps, 'config'>,
  advisory: AdvisoryRow,
  originalReference: string | null,
  each: { ackUrl: string; recipientLabel: string; test?: boolean },
): AdvisoryData {
  return {
    serviceName: deps.config.SERVICE_NAME,
    reference: advisory.reference,
    kind: advisory.kind,
    originalReference,
    title: advisory.title,
    summary: advisory.summary,
    bodyText: advisory.body,
    bodyHtml: renderMarkdown(advisory.body),
    severity: advisory.severity,
    tlp: advisory.tlp,
    cves: advisory.cves,
    references: advisory.references,
    test: each.test ?? advisory.test,
    ackUrl: each.ackUrl,
    recipientLabel: each.recipientLabel,
    genuineUrl: genuineUrl(deps),
  };
}

/** Prepares an advisory for sending: returns the function building each delivery's message. */
export async function prepareAdvisoryMessages(
  deps: Deps,
  advisory: AdvisoryRow,
): Promise<AdvisoryMessageBuilder> {
  let originalReference: string | null = null;
  // mailbox → the delivery of the message this one follows, and the Message-ID its recipient saw
  const earlier = new Map<string, { id: string; seenAs: string | null }>();
  const parentId = advisory.parentId;
  if (parentId) {
    const parent = await deps.db.query.advisories.findFirst({
      where: (a, { eq }) => eq(a.id, parentId),
      columns: { reference: true },
    });
    originalReference = parent?.reference ?? null;
    const rows = await deps.db
      .select({ id: deliveries.id, mailboxId: deliveries.mailboxId, seenAs: deliveries.deliveredMessageId })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.advisoryId, parentId),
          inList(deliveries.status, ['delivered', 'sending', 'temporary-failure', 'technical-failure']),
        ),
      );
    for (const r of rows) earlier.set(r.mailboxId, { id: r.id, seenAs: r.seenAs });
  }
  const data = advisoryMailData(deps, advisory, originalReference, { ackUrl: ACK, recipientLabel: WHO });
  // Rendered once with placeholders the escaping leaves alone, and cut at them once: each message is then
  // a few concatenations, not a search of both bodies for every placeholder.
  const base = composeMessage(deps.config, advisoryTemplate, data, 'placeholder@invalid.example', {
    messageId: `advisory.${advisory.id}`,
  });
  const textPieces = cutAtPlaceholders(base.text);
  const htmlPieces = base.html === undefined ? undefined : cutAtPlaceholders(base.html);
  const domain = mailDomain(deps.config); // parsed once, not twice per message
  const thread = threadMessageId(domain, advisory.threadId);
  const sharedHeaders: Record<string, string> = {
    'X-Advisory-Reference': advisory.reference,
    'X-TLP': advisory.tlp,
    'Auto-Submitted': 'auto-generated',
  };
  // The whole MIME message, encoded once: each copy fills in To, Date, Message-ID, threading headers and
  // the lines that hold the acknowledgement link and the recipient's name (see mime-message.ts).
  const mime = mimeTemplate({
    from: base.from ?? deps.config.MAIL_FROM,
    replyTo: base.replyTo,
    subject: base.subject,
    text: base.text,
    html: base.html,
    headers: sharedHeaders,
    slots: [ACK, WHO],
  });
  // Null without a key (advisories then go unsigned: /readyz says so).
  const signer = await advisorySigner(deps);
  const protection = await encryptionPlan(deps, advisory);

  const signing = new Map<string, Promise<Signatures>>();
  const signaturesOf = async (id: string): Promise<Signatures> => {
    const [ack, verp] = await Promise.all([signedToken(deps, 'ack', id), verpTag(deps, id)]);
    return { ack, verp };
  };

  const build = async (delivery: DeliveryForMessage): Promise<OutgoingMessage> => {
    const ahead = signing.get(delivery.id);
    if (ahead) signing.delete(delivery.id);
    const signed = await (ahead ?? signaturesOf(delivery.id));
    const url = ackUrl(deps, signed.ack);
    const who = delivery.authorityName
      ? `the ${kindLabel(delivery.mailboxKind)} security mailbox of ${delivery.authorityName}`
      : `${delivery.address} (test audience)`;
    const own: Record<string, string> = {};
    if (advisory.parentId) {
      const previous = earlier.get(delivery.mailboxId);
      const references = [thread];
      if (previous) {
        // Ours, and the one the provider gave it (SES replaces ours): the recipient has the latter.
        const ours = deliveryMessageId(domain, previous.id);
        own['In-Reply-To'] = previous.seenAs ?? ours;
        references.push(ours);
        if (previous.seenAs && previous.seenAs !== ours) references.push(previous.seenAs);
      }
      own.References = references.join(' ');
    }
    const messageId = deliveryMessageId(domain, delivery.id);
    const envelopeFrom = verpAddress(domain, delivery.id, signed.verp);
    const key = protection.keys ? await protection.keys.keyOf(delivery.mailboxId) : null;
    if (protection.headsUpOnly && !(key && protection.encryptor)) {
      // Required to be encrypted, and it cannot be for this mailbox: a heads-up without the content.
      const headsUp = composeMessage(
        deps.config,
        headsUpTemplate,
        {
          serviceName: deps.config.SERVICE_NAME,
          reference: advisory.reference,
          tlp: advisory.tlp,
          readUrl: `${deps.config.PUBLIC_BASE_URL}/account/advisories/${advisory.id}`,
          recipientLabel: who,
          genuineUrl: genuineUrl(deps),
        },
        delivery.address,
        { messageId },
      );
      const headers = { ...sharedHeaders, ...own };
      const headsUpRaw = buildMimeMessage(
        { ...headsUp, headers },
        { from: deps.config.MAIL_FROM, date: deps.clock.now() },
      );
      return {
        ...headsUp,
        envelopeFrom,
        headers,
        raw: signer ? await signMessage(headsUpRaw, signer) : headsUpRaw,
      };
    }
    const htmlValues = [escapeHtml(url), escapeHtml(who)];
    const raw = mime.fill({
      to: delivery.address,
      messageId,
      date: deps.clock.now(),
      headers: own,
      text: [url, who],
      html: htmlValues,
    });
    const message: OutgoingMessage = {
      ...base,
      to: delivery.address,
      text: fillPlaceholders(textPieces, url, who),
      html: htmlPieces && fillPlaceholders(htmlPieces, htmlValues[0]!, htmlValues[1]!),
      messageId,
      envelopeFrom,
      headers: { ...sharedHeaders, ...own },
      raw: signer ? await signMessage(raw, signer) : raw,
    };
    if (key && protection.encryptor) {
      // Signed and encrypted to the mailbox's key; nothing of the content outside the encryption.
      const subject = encryptedSubject(advisory);
      return {
        ...message,
        subject,
        text: ENCRYPTED_NOTE,
        html: undefined,
        raw: await protection.encryptor(raw, key, subject),
      };
    }
    return message;
  };
  return Object.assign(build, {
    signAhead(deliveryIds: readonly string[]) {
      for (const id of deliveryIds) {
        if (signing.has(id)) continue;
        const signed = signaturesOf(id);
        signed.catch(() => {}); // a failure surfaces when the message is built
        signing.set(id, signed);
      }
    },
  });
}

/** The TLP labels whose copies are encrypted to mailboxes with a confirmed key. */
export const ENCRYPTED_TLPS: readonly string[] = ['AMBER', 'AMBER+STRICT', 'RED'];

/** What an encrypted copy's plain fields say (the bytes sent are the encrypted `raw`). */
const ENCRYPTED_NOTE = 'This advisory is encrypted to your mailbox’s OpenPGP key.';

/** The Subject of an encrypted copy: the reference and the label, nothing of the content. */
export const encryptedSubject = (advisory: Pick<AdvisoryRow, 'reference' | 'tlp'>) =>
  `${advisory.reference}: encrypted advisory (TLP:${advisory.tlp})`;

/** Whether encryption is required of an advisory: admins set it on TLP:RED only. */
export const requiresEncryption = (advisory: Pick<AdvisoryRow, 'tlp' | 'requireEncryption'>) =>
  advisory.tlp === 'RED' && advisory.requireEncryption;

/** How an advisory's copies are protected: the keys to encrypt to, and whether keyless mailboxes get a heads-up. */
async function encryptionPlan(deps: Deps, advisory: AdvisoryRow) {
  if (!ENCRYPTED_TLPS.includes(advisory.tlp)) return { keys: null, encryptor: null, headsUpOnly: false };
  const keys = await recipientKeys(deps);
  const encryptor = await mailEncryptor(deps);
  return { keys, encryptor, headsUpOnly: requiresEncryption(advisory) };
}

/** A delivery's acknowledgement token and VERP tag, signed together ahead of sending. */
interface Signatures {
  ack: string;
  verp: string;
}

/** A rendered body as text pieces and slots: 0 where the acknowledgement link goes, 1 where the recipient does. */
type Pieces = Array<string | 0 | 1>;

function cutAtPlaceholders(body: string): Pieces {
  const pieces: Pieces = [];
  body.split(ACK).forEach((part, i) => {
    if (i > 0) pieces.push(0);
    part.split(WHO).forEach((text, j) => {
      if (j > 0) pieces.push(1);
      pieces.push(text);
    });
  });
  return pieces;
}

function fillPlaceholders(pieces: Pieces, ack: string, who: string): string {
  let body = '';
  for (const piece of pieces) body += piece === 0 ? ack : piece === 1 ? who : piece;
  return body;
}
