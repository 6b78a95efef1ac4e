// The database schema (SQLite dialect): runs on a libsql file, Turso and D1 alike.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { advisoryKinds, advisoryStates, deliveryStatuses, severities } from '../domain/advisory-states.js';
import { checkKinds, checkSeverities } from '../domain/check-results.js';
import { drillRecurrences, drillStates } from '../domain/drill-states.js';
import { mailboxKeySources, mailboxKeyStates } from '../domain/mailbox-key-states.js';
import { liveMailboxStates, mailboxKinds, mailboxStates } from '../domain/mailbox-states.js';
import { mobileStates, smsPurposes } from '../domain/mobile-states.js';
import { mailLanes, senderStates } from '../domain/outbound.js';
import { tlpLabels } from '../domain/tlp.js';
import { bounceClasses } from '../mail/bounce-class.js';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });

// ---------- the register ----------

export const warps = sqliteTable('warps', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** The nation/region a default WARP was drawn from; new authorities in it join it on import. */
  region: text('region'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
});

export const authorities = sqliteTable(
  'authorities',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    shortName: text('short_name').notNull(),
    gss: text('gss'),
    nation: text('nation').notNull(),
    region: text('region').notNull(),
    type: text('type').notNull(),
    typeName: text('type_name').notNull(),
    county: text('county'),
    startDate: text('start_date'),
    endDate: text('end_date'),
    replacedBy: text('replaced_by', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    current: integer('current', { mode: 'boolean' }).notNull(),
    /**
     * Created by a reorganisation and not yet vested (its start date is still to come): it can register
     * mailboxes and be named in audiences, counts in coverage as upcoming, and becomes current on its start
     * date (register-calendar.ts) without another import.
     */
    shadow: integer('shadow', { mode: 'boolean' }).notNull().default(false),
    altNames: text('alt_names'),
    warpId: text('warp_id').references(() => warps.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    index('authorities_nation_idx').on(t.nation, t.current),
    index('authorities_region_idx').on(t.region),
    index('authorities_type_idx').on(t.type),
    index('authorities_warp_idx').on(t.warpId),
  ],
);

export const authoritySuccessors = sqliteTable(
  'authority_successors',
  {
    code: text('code')
      .notNull()
      .references(() => authorities.code),
    successor: text('successor').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.code, t.successor] }),
    index('authority_successors_successor_idx').on(t.successor),
  ],
);

/**
 * A register import held for an admin's decision (it would end or leave out too many authorities, or the
 * file failed a sanity check): the file as it came, why it was held, and what it would change.
 */
export const registerImports = sqliteTable('register_imports', {
  id: text('id').primaryKey(),
  state: text('state', { enum: ['held', 'applied', 'refused'] }).notNull(),
  source: text('source').notNull(),
  content: text('content').notNull(),
  reasons: text('reasons', { mode: 'json' }).$type<string[]>().notNull(),
  summary: text('summary').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull(),
  decidedBy: text('decided_by'),
  decidedAt: at('decided_at'),
  updatedAt: at('updated_at').notNull(),
});

/**
 * A predecessor's confirmed mailbox offered to a successor (carry-forward.ts): until it is answered,
 * advisories to the successor also go to it; accepted, the address becomes a confirmed mailbox of the
 * successor; declined, it stops.
 */
export const mailboxOffers = sqliteTable(
  'mailbox_offers',
  {
    id: text('id').primaryKey(),
    mailboxId: text('mailbox_id')
      .notNull()
      .references(() => mailboxes.id),
    predecessorCode: text('predecessor_code').notNull(),
    successorCode: text('successor_code').notNull(),
    state: text('state', { enum: ['offered', 'accepted', 'declined'] }).notNull(),
    /** When the mailbox was e-mailed the question (carry-forward.ts); null until then. */
    askedAt: at('asked_at'),
    /** The successor's mailbox an acceptance made. */
    acceptedAs: text('accepted_as'),
    answeredBy: text('answered_by'),
    createdAt: at('created_at').notNull(),
    answeredAt: at('answered_at'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('mailbox_offers_pair_idx').on(t.mailboxId, t.successorCode),
    index('mailbox_offers_successor_idx').on(t.successorCode, t.state),
  ],
);

export const authorityDomains = sqliteTable(
  'authority_domains',
  {
    authorityCode: text('authority_code')
      .notNull()
      .references(() => authorities.code),
    domain: text('domain').notNull(),
    source: text('source').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityCode, t.domain] }),
    index('authority_domains_domain_idx').on(t.domain),
  ],
);

// ---------- access control and audit ----------

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'warp', 'council', 'inbound'] }).notNull(),
    warpId: text('warp_id'),
    authorityCode: text('authority_code'),
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    /**
     * The person the key belongs to (`staff:<address>`, `mailbox:<id>`, or `token:<id>` of a key made at the
     * command line), so that the two-person rule tells people apart; null for a key made at the command line
     * (and for keys made before owners were kept): it is then its own person, or its maker's (people.ts).
     */
    owner: text('owner'),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at'),
    lastUsedAt: at('last_used_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_idx').on(t.tokenHash), index('api_tokens_owner_idx').on(t.owner)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: at('at').notNull(),
    actor: text('actor').notNull(),
    actorRole: text('actor_role').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    requestId: text('request_id'),
    ip: text('ip'),
  },
  (t) => [index('audit_log_subject_idx').on(t.subjectType, t.subjectId), index('audit_log_at_idx').on(t.at)],
);

// ---------- mailboxes, confirmation and sessions ----------

export const mailboxes = sqliteTable(
  'mailboxes',
  {
    id: text('id').primaryKey(),
    authorityCode: text('authority_code')
      .notNull()
      .references(() => authorities.code),
    address: text('address').notNull(),
    kind: text('kind', { enum: mailboxKinds }).notNull(),
    team: text('team').notNull(),
    phone: text('phone').notNull(),
    state: text('state', { enum: mailboxStates }).notNull(),
    /** Set when the domain is not one of the authority's: an admin must approve before anything is sent. */
    needsApproval: integer('needs_approval', { mode: 'boolean' }).notNull(),
    looksPersonal: integer('looks_personal', { mode: 'boolean' }).notNull(),
    replacesId: text('replaces_id'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    approvedAt: at('approved_at'),
    approvedBy: text('approved_by'),
    confirmedAt: at('confirmed_at'),
    retiredAt: at('retired_at'),
    retiredReason: text('retired_reason'),
    /** For a new primary awaiting the current primary's consent: when it takes over if nobody refuses. */
    handoverDueAt: at('handover_due_at'),
    // Reachability (kept up to date by re-confirmation sweeps, bounces and checks).
    /** When the mailbox must next prove it is read; set on each confirmation. */
    reconfirmDueAt: at('reconfirm_due_at'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    lastReminderAt: at('last_reminder_at'),
    /** Re-confirmation overdue past the grace period; cleared by confirming. */
    staleAt: at('stale_at'),
    /** A hard bounce, or the domain takes no mail; cleared by confirming. */
    unreachableAt: at('unreachable_at'),
    unreachableReason: text('unreachable_reason'),
    softBounces: integer('soft_bounces').notNull().default(0),
    lastBounceAt: at('last_bounce_at'),
  },
  (t) => [
    index('mailboxes_authority_idx').on(t.authorityCode, t.state),
    index('mailboxes_address_idx').on(t.address),
    uniqueIndex('mailboxes_live_address_idx')
      .on(t.authorityCode, t.address)
      .where(sql.raw(`state in (${liveMailboxStates.map((s) => `'${s}'`).join(', ')})`)),
  ],
);

export const linkTokens = sqliteTable(
  'link_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** `handover`: sent to a council's confirmed primary, about the mailbox (`mailbox_id`) that would replace it. */
    purpose: text('purpose', { enum: ['confirm', 'sign-in', 'reconfirm', 'handover'] }).notNull(),
    mailboxId: text('mailbox_id')
      .notNull()
      .references(() => mailboxes.id),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    /** A sign-in link: the hash of the `cc_link` cookie of the browser that asked for it (see SECURITY.md). */
    browserHash: text('browser_hash'),
  },
  (t) => [index('link_tokens_mailbox_idx').on(t.mailboxId, t.purpose)],
);

export const sessions = sqliteTable('sessions', {
  idHash: text('id_hash').primaryKey(),
  /** Who signed in: the token (`token:<id>`) or mailbox (`mailbox:<id>`) the session was started with. */
  actor: text('actor').notNull(),
  role: text('role', { enum: ['admin', 'warp', 'council'] }).notNull(),
  authorityCode: text('authority_code'),
  warpId: text('warp_id'),
  mailboxId: text('mailbox_id'),
  label: text('label').notNull(),
  csrfToken: text('csrf_token').notNull(),
  createdAt: at('created_at').notNull(),
  expiresAt: at('expires_at').notNull(),
  lastSeenAt: at('last_seen_at').notNull(),
  revokedAt: at('revoked_at'),
  /**
   * How the session was opened (`passkey`, `link`, `token`); an admin's link session becomes `passkey` after
   * the passkey step. Null for sessions older than passkeys (treated as not made with a passkey).
   */
  authMethod: text('auth_method', { enum: ['passkey', 'link', 'token'] }),
});

export const rateLimitHits = sqliteTable(
  'rate_limit_hits',
  {
    key: text('key').notNull(),
    windowStart: integer('window_start').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

// ---------- advisories and fan-out ----------

export interface Audience {
  all?: boolean;
  nations?: string[];
  regions?: string[];
  warps?: string[];
  types?: string[];
  authorities?: string[];
}

export const advisories = sqliteTable(
  'advisories',
  {
    id: text('id').primaryKey(),
    reference: text('reference').notNull(),
    kind: text('kind', { enum: advisoryKinds }).notNull(),
    /** The advisory this one updates or cancels; the thread's root is `threadId`. */
    parentId: text('parent_id'),
    threadId: text('thread_id').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    body: text('body').notNull(),
    severity: text('severity', { enum: severities }).notNull(),
    tlp: text('tlp', { enum: tlpLabels }).notNull(),
    cves: text('cves', { mode: 'json' }).$type<string[]>().notNull(),
    references: text('references', { mode: 'json' }).$type<string[]>().notNull(),
    audience: text('audience', { mode: 'json' }).$type<Audience>().notNull(),
    test: integer('test', { mode: 'boolean' }).notNull(),
    testAudience: text('test_audience'),
    state: text('state', { enum: advisoryStates }).notNull(),
    /** The WARP a WARP operator wrote it for (their members only); null for NCSC advisories. */
    warpId: text('warp_id'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    releasedBy: text('released_by'),
    releasedAt: at('released_at'),
    approvedBy: text('approved_by'),
    approvedAt: at('approved_at'),
    sentAt: at('sent_at'),
    cancelledBy: text('cancelled_by'),
    cancelledAt: at('cancelled_at'),
    /** Set when the release needed a second admin (more than one WARP, or TLP:RED). */
    needsSecondApproval: integer('needs_second_approval', { mode: 'boolean' }).notNull().default(false),
    /** When its WARPs were last told of unacknowledged councils (each delivery keeps its own mark). */
    escalatedAt: at('escalated_at'),
    /**
     * An admin marked it urgent: like a critical one, it texts a heads-up to the audience's confirmed
     * out-of-hours mobiles as it goes out.
     */
    urgent: integer('urgent', { mode: 'boolean' }).notNull().default(false),
    /**
     * When unacknowledged councils' mobiles were last texted (the escalation's first step, before the WARP;
     * each delivery keeps its own mark).
     */
    smsEscalatedAt: at('sms_escalated_at'),
    /**
     * An admin required encryption (TLP:RED only): mailboxes without a confirmed OpenPGP key get a heads-up
     * with a sign-in link instead of the content.
     */
    requireEncryption: integer('require_encryption', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('advisories_reference_idx').on(t.reference),
    index('advisories_state_idx').on(t.state),
    index('advisories_thread_idx').on(t.threadId),
  ],
);

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    advisoryId: text('advisory_id')
      .notNull()
      .references(() => advisories.id),
    /** The mailbox delivered to; `test:<address>` for a test-audience delivery. */
    mailboxId: text('mailbox_id').notNull(),
    authorityCode: text('authority_code'),
    address: text('address').notNull(),
    mailboxKind: text('mailbox_kind').notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When a retryable delivery may be tried again; null once its status is final. */
    nextAttemptAt: integer('next_attempt_at'),
    deadlineAt: integer('deadline_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    lastReply: text('last_reply'),
    lastCode: integer('last_code'),
    /** The Message-ID the recipient saw, when the provider put its own (Amazon SES does); ours otherwise. */
    deliveredMessageId: text('delivered_message_id'),
    /** The kind of the last failure (`SES AccessDeniedException` …; SendResult.failure), cleared once delivered. */
    lastFailure: text('last_failure'),
    createdAt: integer('created_at').notNull(),
    firstAttemptAt: integer('first_attempt_at'),
    deliveredAt: integer('delivered_at'),
    failedAt: integer('failed_at'),
    acknowledgedAt: integer('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    /** Times its lease ran out while it was being sent (a worker stopped): it may have been sent twice. */
    resends: integer('resends').notNull().default(0),
    /**
     * The successor this copy went to a predecessor's mailbox for (the mailbox is offered to it and has not
     * answered yet): the report groups it under that council.
     */
    onBehalfOf: text('on_behalf_of'),
    /**
     * When its council's WARP was told it acknowledged nothing: each delivery escalates on its own clock
     * (ACK_ESCALATION_HOURS after it was delivered), once for its council (every copy of the council is marked).
     */
    escalatedAt: integer('escalated_at'),
    /** When its council's out-of-hours mobiles were texted that it acknowledged nothing (urgent advisories). */
    smsEscalatedAt: integer('sms_escalated_at'),
  },
  (t) => [
    uniqueIndex('deliveries_advisory_mailbox_idx').on(t.advisoryId, t.mailboxId),
    index('deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('deliveries_lease_idx').on(t.status, t.leaseExpiresAt),
    index('deliveries_advisory_idx').on(t.advisoryId, t.status),
    index('deliveries_authority_idx').on(t.authorityCode),
    // "Is this genuine?" finds a copy by the Message-ID a provider gave it (features/genuine/sent-record.ts).
    index('deliveries_delivered_message_idx').on(t.deliveredMessageId),
  ],
);

/**
 * The outbound queue's e-mails other than advisory deliveries (links, notices, escalations, bulk
 * re-confirmations): the composed message waits here until it is sent, then its body is cleared (it may
 * hold a link's secret). Claimed with a lease like a delivery, in lane order.
 */
export const outboundMail = sqliteTable(
  'outbound_mail',
  {
    id: text('id').primaryKey(),
    lane: text('lane', { enum: mailLanes }).notNull(),
    /** What it is, in words, for logs and metrics: `confirmation`, `sign-in link` … */
    purpose: text('purpose').notNull(),
    toAddress: text('to_address').notNull(),
    messageId: text('message_id').notNull(),
    /** The message (JSON of the mailer port's OutgoingMessage); null once it is final. */
    message: text('message'),
    status: text('status', { enum: deliveryStatuses }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Times its lease ran out while it was being sent (a worker stopped): it may have been sent twice. */
    resends: integer('resends').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    deadlineAt: integer('deadline_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    lastReply: text('last_reply'),
    lastCode: integer('last_code'),
    /** The Message-ID the recipient saw, when the provider put its own (Amazon SES does); ours otherwise. */
    deliveredMessageId: text('delivered_message_id'),
    /** The kind of the last failure (`SES AccessDeniedException` …; SendResult.failure), cleared once delivered. */
    lastFailure: text('last_failure'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
    failedAt: integer('failed_at'),
  },
  (t) => [
    index('outbound_mail_due_idx').on(t.status, t.lane, t.nextAttemptAt),
    index('outbound_mail_lease_idx').on(t.status, t.leaseExpiresAt),
    // "Is this genuine?" finds a message (an author's test of an advisory …) by its Message-ID.
    index('outbound_mail_message_id_idx').on(t.messageId),
  ],
);

/**
 * The sender (our SMTP relay or mail API) as the queue sees it: one row. Paused when a failure of our own
 * (connection, authentication, MAIL FROM, or one error for most recipients) shows that sending would only
 * fail; probed now and then, and resumed when a probe goes through or an admin says so.
 */
export const mailSender = sqliteTable('mail_sender', {
  id: text('id').primaryKey(),
  state: text('state', { enum: senderStates }).notNull(),
  pausedAt: at('paused_at'),
  reason: text('reason'),
  /** The SMTP stage that failed (`MAIL FROM`, `CONN` …), when known. */
  command: text('command'),
  nextProbeAt: at('next_probe_at'),
  probes: integer('probes').notNull().default(0),
  updatedAt: at('updated_at').notNull(),
});

/**
 * The DNS resolver the checks use, as the last check run found it: one row. `failing` when the run's
 * control names did not resolve, or when an implausible share of domains failed the same way: that run's
 * answers were not believed (every domain temporary), and /metrics and the log say so.
 */
/**
 * Failed sends counted by kind and status, for ever (the /metrics counter): written once per drain per
 * kind, so a provider that refuses everything is seen on a dashboard, not only in each delivery's reply.
 */
export const sendFailures = sqliteTable(
  'send_failures',
  {
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    count: integer('count').notNull(),
    firstAt: at('first_at').notNull(),
    lastAt: at('last_at').notNull(),
    lastReply: text('last_reply').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.status] })],
);

export const dnsResolver = sqliteTable('dns_resolver', {
  id: text('id').primaryKey(),
  failing: integer('failing', { mode: 'boolean' }).notNull(),
  reason: text('reason'),
  /** When it started failing (null while it works). */
  failingSince: at('failing_since'),
  checkedAt: at('checked_at').notNull(),
});

export const testAudiences = sqliteTable('test_audiences', {
  name: text('name').primaryKey(),
  addresses: text('addresses', { mode: 'json' }).$type<string[]>().notNull(),
  createdBy: text('created_by').notNull(),
  updatedAt: at('updated_at').notNull(),
});

export const warpOperators = sqliteTable(
  'warp_operators',
  {
    warpId: text('warp_id')
      .notNull()
      .references(() => warps.id),
    address: text('address').notNull(),
    name: text('name'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.warpId, t.address] })],
);

/** Service-wide secrets made on first use (e.g. the key that signs acknowledgement links). */
export const serviceSecrets = sqliteTable('service_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: at('created_at').notNull(),
});

// ---------- reachability and mail-security checks ----------

/** One result of one check of one domain; every run is kept, so history is a query. */
export const domainChecks = sqliteTable(
  'domain_checks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    domain: text('domain').notNull(),
    kind: text('kind', { enum: checkKinds }).notNull(),
    severity: text('severity', { enum: checkSeverities }).notNull(),
    /** A plain-English explanation a council officer can act on. */
    summary: text('summary').notNull(),
    detail: text('detail', { mode: 'json' }),
    checkedAt: at('checked_at').notNull(),
  },
  (t) => [index('domain_checks_domain_idx').on(t.domain, t.kind, t.checkedAt)],
);

export const bounces = sqliteTable(
  'bounces',
  {
    id: text('id').primaryKey(),
    receivedAt: at('received_at').notNull(),
    deliveryId: text('delivery_id'),
    mailboxId: text('mailbox_id'),
    recipient: text('recipient'),
    /** `failed` (permanent), `delayed`, `delivered`, `relayed`, `expanded` (RFC 3464 Action), or `unknown`. */
    action: text('action').notNull(),
    status: text('status'),
    diagnostic: text('diagnostic'),
    /** Whose fault (src/mail/bounce-class.ts): mailbox, soft, ours, unknown or none. */
    class: text('class', { enum: bounceClasses }).notNull().default('unknown'),
    source: text('source').notNull(),
  },
  (t) => [
    index('bounces_mailbox_idx').on(t.mailboxId, t.receivedAt),
    index('bounces_delivery_idx').on(t.deliveryId),
  ],
);

// ---------- coverage ----------

/** A daily snapshot of coverage: one row per (day, grouping, group), idempotent per day. */
export const coverageSnapshots = sqliteTable(
  'coverage_snapshots',
  {
    day: text('day').notNull(),
    dimension: text('dimension').notNull(),
    key: text('key').notNull(),
    counts: text('counts', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    takenAt: at('taken_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.dimension, t.key] })],
);

// ---------- staff ----------

/** NCSC staff and WARP operators who sign in to the pages by magic link (tokens work without this). */
export const staffMembers = sqliteTable('staff_members', {
  address: text('address').primaryKey(),
  name: text('name').notNull(),
  role: text('role', { enum: ['admin', 'warp'] }).notNull(),
  warpId: text('warp_id').references(() => warps.id),
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull(),
  disabledAt: at('disabled_at'),
});

/**
 * Single-use sign-in links for staff members, the sibling of `link_tokens` (whose `mailbox_id` is a required
 * reference to a mailbox): the secret goes in the e-mail, only its hash is kept, each link expires.
 */
export const staffLinkTokens = sqliteTable(
  'staff_link_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    address: text('address')
      .notNull()
      .references(() => staffMembers.address),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    /** The hash of the `cc_link` cookie of the browser that asked for the link: only that browser may use it. */
    browserHash: text('browser_hash'),
  },
  (t) => [index('staff_link_tokens_address_idx').on(t.address)],
);

/**
 * A staff member's passkeys (WebAuthn credentials): the public key and signature counter SimpleWebAuthn
 * verifies against, the name the person gave it, and when it was last used. Removing one keeps the row
 * (`removed_at`) so the audit log's subject stays known; a removed passkey never signs in again.
 */
export const passkeys = sqliteTable(
  'passkeys',
  {
    /** The credential id, base64url, as the authenticator made it. */
    id: text('id').primaryKey(),
    staffAddress: text('staff_address')
      .notNull()
      .references(() => staffMembers.address),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull(),
    /** The transports the browser reported (`internal`, `usb`, `hybrid`…), as JSON. */
    transports: text('transports', { mode: 'json' }).$type<string[]>().notNull(),
    deviceType: text('device_type', { enum: ['singleDevice', 'multiDevice'] }).notNull(),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull(),
    name: text('name').notNull(),
    /** `active` signs in; `removed` never again. */
    state: text('state', { enum: ['active', 'removed'] }).notNull(),
    createdAt: at('created_at').notNull(),
    lastUsedAt: at('last_used_at'),
    removedAt: at('removed_at'),
  },
  (t) => [index('passkeys_staff_idx').on(t.staffAddress)],
);

/**
 * WebAuthn challenges the service handed out: only the hash is kept, each is single use, expires in minutes,
 * and is bound to the browser that asked (the hash of its `cc_webauthn` cookie) and to what it is for.
 */
export const webauthnChallenges = sqliteTable(
  'webauthn_challenges',
  {
    challengeHash: text('challenge_hash').primaryKey(),
    purpose: text('purpose', { enum: ['register', 'authenticate'] }).notNull(),
    browserHash: text('browser_hash').notNull(),
    /** Registration: whose passkey it will be; authentication: null (any person's passkey may answer). */
    staffAddress: text('staff_address'),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
  },
  (t) => [index('webauthn_challenges_expiry_idx').on(t.expiresAt)],
);

// ---------- the second channel: out-of-hours mobiles, SMS and drills ----------

/**
 * A council's out-of-hours mobile number (E.164), the contact path that does not depend on the council's
 * own mail. `pending` until the code texted to it is typed back; only a confirmed number gets heads-ups.
 */
export const mobileNumbers = sqliteTable(
  'mobile_numbers',
  {
    id: text('id').primaryKey(),
    authorityCode: text('authority_code')
      .notNull()
      .references(() => authorities.code),
    number: text('number').notNull(),
    /** Whose phone it is, in the council's words ("Out-of-hours duty officer"): a role, not a person. */
    label: text('label').notNull(),
    state: text('state', { enum: mobileStates }).notNull(),
    /** The keyed hash of the code last texted to it; null once confirmed. */
    codeHash: text('code_hash'),
    codeExpiresAt: at('code_expires_at'),
    /** Wrong codes typed since the last one was sent (locked at MAX_CODE_ATTEMPTS). */
    codeAttempts: integer('code_attempts').notNull().default(0),
    codesSent: integer('codes_sent').notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    confirmedAt: at('confirmed_at'),
    retiredAt: at('retired_at'),
    retiredReason: text('retired_reason'),
    /** The SMS provider said the number cannot receive texts (permanent failure); cleared by confirming. */
    unreachableAt: at('unreachable_at'),
    unreachableReason: text('unreachable_reason'),
  },
  (t) => [
    index('mobile_numbers_authority_idx').on(t.authorityCode, t.state),
    uniqueIndex('mobile_numbers_live_idx')
      .on(t.authorityCode, t.number)
      .where(sql.raw(`state in ('pending', 'confirmed')`)),
  ],
);

/**
 * Every text the service sends (codes, heads-ups, escalations, drills): claimed with a lease and sent like
 * the outbound mail, then followed by the provider's receipts. The text is cleared once final (it may hold
 * a code or a link's secret).
 */
export const smsMessages = sqliteTable(
  'sms_messages',
  {
    id: text('id').primaryKey(),
    purpose: text('purpose', { enum: smsPurposes }).notNull(),
    mobileId: text('mobile_id')
      .notNull()
      .references(() => mobileNumbers.id),
    authorityCode: text('authority_code').notNull(),
    toNumber: text('to_number').notNull(),
    advisoryId: text('advisory_id'),
    drillId: text('drill_id'),
    text: text('text'),
    status: text('status', { enum: deliveryStatuses }).notNull(),
    /** The provider's id (Notify's notification id) once it took the message. */
    providerId: text('provider_id'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    deadlineAt: integer('deadline_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    lastReply: text('last_reply'),
    lastFailure: text('last_failure'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    deliveredAt: integer('delivered_at'),
    failedAt: integer('failed_at'),
  },
  (t) => [
    index('sms_messages_due_idx').on(t.status, t.nextAttemptAt),
    index('sms_messages_provider_idx').on(t.providerId),
    index('sms_messages_advisory_idx').on(t.advisoryId, t.authorityCode),
    index('sms_messages_drill_idx').on(t.drillId),
    uniqueIndex('sms_messages_once_idx')
      .on(t.purpose, t.advisoryId, t.mobileId)
      .where(sql.raw(`advisory_id is not null`)),
  ],
);

/**
 * A reachability drill: a marked exercise message to every confirmed path (mailboxes and mobiles) of the
 * councils in an audience, asking each to acknowledge; its report measures who was reached and how soon
 * they answered. A recurring drill schedules its next one when it starts.
 */
export const drills = sqliteTable(
  'drills',
  {
    id: text('id').primaryKey(),
    reference: text('reference').notNull(),
    audience: text('audience', { mode: 'json' }).$type<Audience>().notNull(),
    /** The WARP an operator ran it for (their members only); null for an NCSC drill. */
    warpId: text('warp_id'),
    state: text('state', { enum: drillStates }).notNull(),
    scheduledFor: at('scheduled_for').notNull(),
    /** Hours the councils have to acknowledge; the report's "responsive" means within this. */
    windowHours: integer('window_hours').notNull().default(24),
    recurrence: text('recurrence', { enum: drillRecurrences }).notNull().default('none'),
    /** The drill this one repeats (a recurring series), if any. */
    previousId: text('previous_id'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    startedAt: at('started_at'),
    closesAt: at('closes_at'),
    finishedAt: at('finished_at'),
    cancelledBy: text('cancelled_by'),
    cancelledAt: at('cancelled_at'),
  },
  (t) => [
    uniqueIndex('drills_reference_idx').on(t.reference),
    index('drills_state_idx').on(t.state, t.scheduledFor),
  ],
);

/** One contact path a drill tried: a confirmed mailbox (by e-mail) or a confirmed mobile (by SMS). */
export const drillPaths = sqliteTable(
  'drill_paths',
  {
    id: text('id').primaryKey(),
    drillId: text('drill_id')
      .notNull()
      .references(() => drills.id),
    authorityCode: text('authority_code').notNull(),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    mailboxId: text('mailbox_id'),
    mobileId: text('mobile_id'),
    /** The address or number it went to. */
    target: text('target').notNull(),
    /** The outbound_mail row (e-mail) or sms_messages row (SMS) that carried it. */
    messageId: text('message_id'),
    acknowledgedAt: integer('acknowledged_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('drill_paths_drill_idx').on(t.drillId, t.authorityCode),
    index('drill_paths_authority_idx').on(t.authorityCode),
  ],
);

/**
 * A mailbox's OpenPGP public key: advisories marked TLP:AMBER or TLP:RED to the mailbox are encrypted to
 * its confirmed key. A new key is `pending` until the link sent to the mailbox, encrypted to that key, is
 * followed (which proves the mailbox can decrypt). See src/features/mailbox-keys/.
 */
export const mailboxKeys = sqliteTable(
  'mailbox_keys',
  {
    id: text('id').primaryKey(),
    mailboxId: text('mailbox_id')
      .notNull()
      .references(() => mailboxes.id),
    /** 40 hex digits, upper case. */
    fingerprint: text('fingerprint').notNull(),
    armoredKey: text('armored_key').notNull(),
    source: text('source', { enum: mailboxKeySources }).notNull(),
    /** Where a discovered key was fetched from (re-fetched by the checks); null for an upload. */
    sourceUrl: text('source_url'),
    state: text('state', { enum: mailboxKeyStates }).notNull(),
    /** When the key (its encryption subkey) expires; null when it does not. */
    expiresAt: at('expires_at'),
    revokedAt: at('revoked_at'),
    /** What the last check found wrong (expired, expiring, revoked, gone from its source); null when fine. */
    problem: text('problem'),
    /** The confirmation link (SHA-256 of its token) while pending. */
    confirmTokenHash: text('confirm_token_hash'),
    confirmExpiresAt: at('confirm_expires_at'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    confirmedAt: at('confirmed_at'),
    lastCheckedAt: at('last_checked_at'),
  },
  (t) => [
    index('mailbox_keys_mailbox_idx').on(t.mailboxId, t.state),
    uniqueIndex('mailbox_keys_token_idx').on(t.confirmTokenHash),
  ],
);
