// One advisory e-mail per delivery. The advisory is rendered once; each delivery then only fills in its
// acknowledgement link and recipient, so a fan-out of thousands spends its time sending, not templating.
// Message-ID and VERP envelope sender derive from the delivery id: a resend is the same message.
import { and, eq, inArray } from 'drizzle-orm';
import advisoryTemplate, { type AdvisoryData } from '../../../templates/advisory.js';
import { escapeHtml, kindLabel } from '../../../templates/template.js';
import { type advisories, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { OutgoingMessage } from '../../ports/mailer.js';
import { composeMessage, mailDomain } from '../mail/compose.js';
import { renderMarkdown } from './markdown.js';
import { signedToken } from './signing-key.js';

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

export function deliveryMessageId(deps: Pick<Deps, 'config'>, deliveryId: string): string {
  return `<delivery.${deliveryId}@${mailDomain(deps.config)}>`;
}

export function threadMessageId(deps: Pick<Deps, 'config'>, threadId: string): string {
  return `<advisory.${threadId}@${mailDomain(deps.config)}>`;
}

/** The VERP envelope sender: bounces come back to an address that names the delivery. */
export function verpAddress(deps: Pick<Deps, 'config'>, deliveryId: string): string {
  return `bounces+${deliveryId}@${mailDomain(deps.config)}`;
}

export function ackUrl(deps: Pick<Deps, 'config'>, token: string): string {
  return `${deps.config.PUBLIC_BASE_URL}/ack/${token}`;
}

/** Prepares an advisory for sending: returns a function building each delivery's message. */
export async function prepareAdvisoryMessages(deps: Deps, advisory: AdvisoryRow) {
  let originalReference: string | null = null;
  const earlier = new Map<string, string>(); // mailbox → the delivery of the message this one follows
  if (advisory.parentId) {
    const parent = await deps.db.query.advisories.findFirst({
      where: (a, { eq }) => eq(a.id, advisory.parentId!),
      columns: { reference: true },
    });
    originalReference = parent?.reference ?? null;
    const rows = await deps.db
      .select({ id: deliveries.id, mailboxId: deliveries.mailboxId })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.advisoryId, advisory.parentId),
          inArray(deliveries.status, ['delivered', 'sending', 'temporary-failure', 'technical-failure']),
        ),
      );
    for (const r of rows) earlier.set(r.mailboxId, r.id);
  }
  const data: AdvisoryData = {
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
    test: advisory.test,
    ackUrl: ACK,
    recipientLabel: WHO,
  };
  // Rendered once with placeholders the escaping leaves alone.
  const base = composeMessage(deps.config, advisoryTemplate, data, 'placeholder@invalid.example', {
    messageId: `advisory.${advisory.id}`,
  });
  const thread = threadMessageId(deps, advisory.threadId);

  return async (delivery: DeliveryForMessage): Promise<OutgoingMessage> => {
    const url = ackUrl(deps, await signedToken(deps, 'ack', delivery.id));
    const who = delivery.authorityName
      ? `the ${kindLabel(delivery.mailboxKind)} security mailbox of ${delivery.authorityName}`
      : `${delivery.address} (test audience)`;
    const headers: Record<string, string> = {
      'X-Advisory-Reference': advisory.reference,
      'X-TLP': advisory.tlp,
      'Auto-Submitted': 'auto-generated',
    };
    if (advisory.parentId) {
      const previous = earlier.get(delivery.mailboxId);
      const references = [thread];
      if (previous) {
        headers['In-Reply-To'] = deliveryMessageId(deps, previous);
        references.push(deliveryMessageId(deps, previous));
      }
      headers.References = references.join(' ');
    }
    return {
      ...base,
      to: delivery.address,
      text: base.text.replaceAll(ACK, url).replaceAll(WHO, who),
      html: base.html?.replaceAll(ACK, escapeHtml(url)).replaceAll(WHO, escapeHtml(who)),
      messageId: deliveryMessageId(deps, delivery.id),
      envelopeFrom: verpAddress(deps, delivery.id),
      headers,
    };
  };
}
