// The service's configuration: one zod schema over a plain record (process.env or a Worker's env).
import { z } from 'zod';
import { notifyKeyProblem } from './lib/notify-key.js';

export const DEFAULT_REGISTER_SOURCE_URL =
  'https://mysociety.github.io/uk_local_authority_names_and_codes/data/uk_la_past_current/latest/uk_local_authorities_current.csv';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

/** A SHA-256 in hex (64 characters, either case), kept in lower case; empty is the same as unset. */
const sha256Hex = (message: string) =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || /^[0-9a-f]{64}$/i.test(v), message)
    .transform((v) => (v === '' ? undefined : v.toLowerCase()));

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z.string().min(1).default('file:./data/cyber-contacts.db'),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    /** A file database: how long a write waits for another connection's lock before answering 503. */
    DATABASE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    REGISTER_SOURCE_URL: z.url({ protocol: /^https?$/ }).default(DEFAULT_REGISTER_SOURCE_URL),
    REGISTER_SYNC_ON_EMPTY: flag.default(true),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
    IMPORT_LIMIT_BYTES: positiveInt.default(20 * 1024 * 1024),
    /**
     * A register import that would end, or leave out, more than this share of the current authorities (or
     * drop a nation's count by more) is held for an admin's approval instead of being applied.
     */
    REGISTER_MAX_CHANGE_SHARE: z.coerce.number().min(0).max(1).default(0.1),
    FETCH_TIMEOUT_MS: positiveInt.default(30_000),
    SERVICE_NAME: z.string().min(1).default('Council cyber contacts'),
    /** The GOV.UK crown and wordmark in the header: only where policy allows the service on GOV.UK. */
    GOVUK_BRANDING: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Where people send feedback and questions (shown on /feedback, the privacy notice and the accessibility statement). */
    SUPPORT_ADDRESS: z.string().email().optional(),
    TRUST_PROXY: flag.default(false),

    // mail
    /** The From header and the envelope sender of mail other than advisories; `no-reply@<mail domain>` by default. */
    MAIL_FROM: z.string().min(3).optional(),
    MAIL_REPLY_TO: z.string().optional(),
    OUTBOX_DIR: z.string().min(1).default('./data/outbox'),
    /** Where the embedded SMS sender writes each text (Node, when no SMS provider is configured). */
    SMS_OUTBOX_DIR: z.string().min(1).default('./data/sms-outbox'),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    SMTP_POOL_CONNECTIONS: positiveInt.default(5),
    SMTP_RATE_PER_SECOND: z.coerce.number().nonnegative().default(0),
    DKIM_DOMAIN: z.string().optional(),
    DKIM_SELECTOR: z.string().optional(),
    DKIM_PRIVATE_KEY: z.string().optional(),
    /** The domain in generated Message-IDs and VERP addresses; the host of PUBLIC_BASE_URL when absent. */
    MAIL_DOMAIN: z.string().optional(),
    /**
     * Real mail refuses to start when MAIL_FROM's domain is not the mail domain (nor a domain or subdomain
     * of it): receivers check that the From agrees with the envelope sender (DMARC alignment). `true` says
     * the From is at another domain on purpose (DKIM-signed for that domain, DKIM_DOMAIN).
     */
    MAIL_FROM_OTHER_DOMAIN: flag.default(false),
    /**
     * The OpenPGP secret key that signs every advisory e-mail (PGP/MIME, RFC 3156), armored (a secret: never in
     * wrangler.toml). Its user ID must be an address at MAIL_FROM's domain. Unset: advisories go out unsigned
     * and /readyz says so (degraded). A key that cannot sign is refused at start-up (src/mail/openpgp-keys.ts).
     */
    OPENPGP_PRIVATE_KEY: z.string().trim().min(1).optional(),
    /** The passphrase of OPENPGP_PRIVATE_KEY, when it has one (a secret). */
    OPENPGP_PASSPHRASE: z.string().min(1).optional(),
    /**
     * After a key rotation: the armored public keys of the retired signing keys, one block after another. They
     * stay published (Web Key Directory, the key download) so that advisories signed with them still verify.
     */
    OPENPGP_PREVIOUS_PUBLIC_KEYS: z.string().trim().min(1).optional(),

    // mailboxes
    CONFIRMATION_TTL_HOURS: positiveInt.default(72),
    /** How long a sign-in link (council or staff) works: 10 minutes (ASVS 2.7.2); at most an hour. */
    SIGN_IN_TTL_MINUTES: positiveInt.max(60).default(10),
    /**
     * Admins must use a passkey: an admin's link session is held at the passkey step (or at enrolment, for
     * an admin with none yet) until a passkey answers. API tokens are not affected.
     */
    ADMIN_PASSKEY_REQUIRED: flag.default(true),
    SESSION_TTL_HOURS: positiveInt.default(12),
    /**
     * The SHA-256 (hex) of a one-time bootstrap token (`npm run cli -- token bootstrap` makes one): while no
     * admin exists (no admin API token that is neither revoked nor expired, no enabled admin staff member),
     * a bearer token with this hash acts as an admin (actor `bootstrap`, every request audited), so the first
     * admin is created without SQL. Once an admin exists it is refused like an unknown token: remove it.
     */
    BOOTSTRAP_ADMIN_TOKEN_SHA256: sha256Hex(
      'must be the SHA-256 of the bootstrap token, 64 hex characters (not the token itself): `npm run cli -- token bootstrap` prints both',
    ).optional(),
    ADMIN_NOTIFY_ADDRESSES: z.string().default(''),

    // advisories and fan-out
    DISPATCH_CONCURRENCY: positiveInt.optional(),
    DISPATCH_BATCH_SIZE: positiveInt.default(200),
    /**
     * How long a worker's claim on a message lasts; its heartbeat renews it every third of that, so a dead
     * worker's claims are taken over within this time.
     */
    DISPATCH_LEASE_SECONDS: positiveInt.default(30),
    /** Bulk mail (re-confirmation links and reminders) is spread out: at most this many a minute. */
    BULK_MAIL_PER_MINUTE: positiveInt.default(120),
    DISPATCH_IDLE_POLL_MS: positiveInt.default(2000),
    /** On SIGTERM: how long sends in flight may take before their leases are given back and the process exits. */
    SHUTDOWN_GRACE_SECONDS: positiveInt.default(10),
    DELIVERY_RETRY_BASE_SECONDS: positiveInt.default(30),
    DELIVERY_RETRY_MAX_SECONDS: positiveInt.default(1800),
    DELIVERY_DEADLINE_HOURS: z.coerce.number().positive().default(24),
    ACK_ESCALATION_HOURS: z.coerce.number().positive().default(24),
    /**
     * For a critical or urgent advisory: hours between texting an unacknowledged council's out-of-hours
     * mobiles and telling its WARP (the second path is tried first).
     */
    SMS_ESCALATION_GRACE_HOURS: z.coerce.number().min(0).default(1),
    /** Minutes a code texted to a new out-of-hours mobile stays valid. */
    MOBILE_CODE_MINUTES: positiveInt.max(60).default(10),
    ADVISORY_REFERENCE_PREFIX: z
      .string()
      .regex(/^[A-Z0-9-]{2,20}$/)
      .default('NCSC'),

    // reachability: DNS and mail-security checks, re-confirmation, bounces, security.txt
    /** `node` (node:dns, the servers below) or `doh` (DNS-over-HTTPS at DOH_URL, as on the edge). */
    DNS_RESOLVER: z.enum(['node', 'doh']).default('node'),
    /** Comma-separated DNS servers for the Node resolver, e.g. `127.0.0.1:5353`; the system's when absent. */
    DNS_SERVERS: z.string().optional(),
    DNS_TIMEOUT_MS: positiveInt.default(5000),
    DNS_TRIES: positiveInt.max(10).default(2),
    DOH_URL: z.url({ protocol: /^https?$/ }).default('https://cloudflare-dns.com/dns-query'),
    /** How often each mailbox domain is checked; the schedule spreads the domains across the interval. */
    CHECKS_INTERVAL_HOURS: z.coerce.number().positive().default(24),
    /** At most this many domains per scheduled run (the run repeats every few minutes). */
    CHECKS_PER_RUN: positiveInt.default(50),
    /**
     * Mailboxes one re-confirmation sweep takes a step for at most (unlimited when absent); the rest wait
     * for the next run. The Worker sets it (each mailbox costs a few D1 queries) and continues at once.
     */
    RECONFIRM_PER_RUN: positiveInt.optional(),
    CHECKS_HTTP_TIMEOUT_MS: positiveInt.default(10_000),
    /** On-demand check runs (POST /api/v1/domains/{domain}/checks) per domain per hour. */
    CHECKS_RATE_PER_HOUR: positiveInt.default(10),
    /** Domains checked at once in a sweep. */
    CHECKS_CONCURRENCY: positiveInt.max(64).default(8),
    /** How long one domain's checks may take in a sweep before they count as temporary (ms). */
    CHECKS_DOMAIN_BUDGET_MS: positiveInt.default(20_000),
    /**
     * Names that must resolve before a run's answers are believed (comma-separated), besides the mail
     * domain: a resolver that says "no such domain" of these is broken, and the run counts as temporary.
     */
    DNS_CONTROL_NAMES: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((x) => x.trim().toLowerCase().replace(/\.$/, ''))
          .filter(Boolean),
      ),
    /** A mailbox becomes unreachable only when two runs at least this far apart say so (minutes). */
    UNREACHABLE_CONFIRM_MINUTES: positiveInt.default(60),
    /** At most this share of the live mailboxes may become unreachable in one run (at least 5). */
    UNREACHABLE_MAX_SHARE: z.coerce.number().gt(0).max(1).default(0.1),
    RECONFIRM_DAYS: positiveInt.default(180),
    /** Days after the re-confirmation link went out when reminders go, e.g. "7,14". */
    RECONFIRM_REMINDER_DAYS: z
      .string()
      .regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, 'a comma-separated list of whole days, e.g. 7,14')
      .default('7,14')
      .transform((v) =>
        [
          ...new Set(
            v
              .split(',')
              .map((d) => d.trim())
              .filter(Boolean)
              .map(Number),
          ),
        ]
          .filter((d) => d > 0)
          .sort((a, b) => a - b),
      ),
    /** Days after the re-confirmation link went out when an unconfirmed mailbox becomes stale. */
    RECONFIRM_GRACE_DAYS: positiveInt.default(30),
    RECONFIRM_SWEEP_HOURS: z.coerce.number().positive().default(6),
    /** Delayed-delivery reports (soft bounces) at which a mailbox counts as at risk. */
    SOFT_BOUNCE_THRESHOLD: positiveInt.default(3),
    INBOUND_LIMIT_BYTES: positiveInt.default(1024 * 1024),
    /**
     * Node only: a port to receive bounces on by SMTP (src/entry/node-inbound-smtp.ts): mail for the signed VERP
     * addresses (bounces+…@MAIL_DOMAIN) is recorded as POST /api/v1/inbound/bounces records it; any other
     * recipient is refused. No listener when absent. Point MAIL_DOMAIN's MX at this host (port 25).
     */
    INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    INBOUND_SMTP_HOST: z.string().min(1).default('0.0.0.0'),
    /** Connections the inbound SMTP listener serves at once; more are refused (421) until one ends. */
    INBOUND_SMTP_MAX_CLIENTS: positiveInt.default(20),
    /**
     * How long the council's confirmed primary has to refuse its replacement (a new primary confirmed by its
     * own link) before the replacement takes over; the primary's consent or an admin's ends it sooner.
     */
    HANDOVER_WINDOW_HOURS: z.coerce.number().positive().default(72),
    /** Public coverage withholds the figures of any group of fewer councils than this (so none is singled out). */
    PUBLIC_COVERAGE_MIN_GROUP: positiveInt.default(5),
    /** security.txt (RFC 9116): Contact lines (comma-separated URIs); `mailto:security@<mail domain>` when absent. */
    SECURITY_CONTACT: z.string().optional(),
    /** security.txt Expires (ISO 8601); a year from now when absent. */
    SECURITY_EXPIRES: z.iso.datetime({ offset: true }).optional(),
    SECURITY_POLICY_URL: z.url({ protocol: /^https?$/ }).optional(),

    // abuse resistance: limits on everything that sends mail, per hour
    RATE_LIMIT_PER_IP: positiveInt.default(30),
    RATE_LIMIT_PER_AUTHORITY: positiveInt.default(20),
    RATE_LIMIT_PER_ADDRESS: positiveInt.default(5),

    // the edge (Cloudflare Workers): mail through Amazon SES's HTTP API, fan-out through a queue
    /**
     * The mail adapter. Workers: `ses` (the default there) or `notify` (GOV.UK Notify's email API). Node
     * picks `smtp` when SMTP_URL is set and the `outbox` folder otherwise.
     */
    MAIL_PROVIDER: z.enum(['smtp', 'outbox', 'ses', 'notify']).optional(),
    /** The SES region, e.g. `eu-west-2` (London). */
    SES_REGION: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-2')
      .optional(),
    SES_ACCESS_KEY_ID: z.string().min(1).optional(),
    SES_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** Only for temporary credentials (STS). */
    SES_SESSION_TOKEN: z.string().min(1).optional(),
    /** The SES API's base URL; `https://email.<SES_REGION>.amazonaws.com` when absent (tests point it at a fake). */
    SES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    /** An SES configuration set (event publishing: bounces and complaints to SNS or EventBridge). */
    SES_CONFIGURATION_SET: z.string().min(1).optional(),
    SES_TIMEOUT_MS: positiveInt.default(15_000),

    // GOV.UK Notify: SMS heads-ups to confirmed out-of-hours mobiles, and optionally mail (MAIL_PROVIDER=notify)
    /**
     * A Notify API key, `{key_name}-{service_id}-{secret}` (a secret: never in wrangler.toml). A live key
     * sends to anyone; a team key only to the service's team; a test key sends nothing.
     */
    NOTIFY_API_KEY: z.string().trim().min(1).optional(),
    /** Notify's API; tests point it at a fake. */
    NOTIFY_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.notifications.service.gov.uk'),
    /** The text message template whose whole body is `((message))`. */
    NOTIFY_SMS_TEMPLATE_ID: z.uuid().optional(),
    /** The email template (MAIL_PROVIDER=notify) whose subject is `((subject))` and body `((body))`. */
    NOTIFY_EMAIL_TEMPLATE_ID: z.uuid().optional(),
    /** A reply-to address set up in Notify (its id); the service's default reply-to when absent. */
    NOTIFY_EMAIL_REPLY_TO_ID: z.uuid().optional(),
    NOTIFY_TIMEOUT_MS: positiveInt.default(15_000),
    /**
     * The Notify service's rate limit (3,000 requests a minute per key type unless Notify raised it): we keep
     * under it ourselves, in a burst and over any 60 seconds, instead of collecting 429s.
     */
    NOTIFY_RATE_PER_MINUTE: positiveInt.default(3000),
    /** The SMS sender: `notify`, or `outbox` (Node: files in SMS_OUTBOX_DIR); notify when NOTIFY_API_KEY is set. */
    SMS_PROVIDER: z.enum(['notify', 'outbox']).optional(),

    // the edge again: how much one invocation sends
    /** Wall time one queue or cron invocation spends sending before it hands the rest on (Workers). */
    EDGE_DISPATCH_SECONDS: positiveInt.default(60),
    /** Deliveries one queue or cron invocation claims at most (each send is a subrequest; Workers allow 1000). */
    EDGE_DISPATCH_MAX_DELIVERIES: positiveInt.max(900).default(300),
  })
  .transform((c) => {
    const PUBLIC_BASE_URL = (c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
    const domain = c.MAIL_DOMAIN?.trim() || new URL(PUBLIC_BASE_URL).hostname.replace(/^\[|\]$/g, '');
    return {
      ...c,
      PUBLIC_BASE_URL,
      MAIL_FROM: c.MAIL_FROM ?? `${c.SERVICE_NAME} <no-reply@${domain}>`,
    };
  })
  .superRefine((c, ctx) => {
    const keyProblem = c.NOTIFY_API_KEY ? notifyKeyProblem(c.NOTIFY_API_KEY) : null;
    if (keyProblem) ctx.addIssue({ code: 'custom', path: ['NOTIFY_API_KEY'], message: keyProblem });
    // Real mail needs real domains: a relay refuses an envelope sender at an IP address or localhost
    // (Postfix: 501 5.1.7), and every message would fail. Refused here, at start-up, with the fix.
    const realMail =
      Boolean(c.SMTP_URL) ||
      c.MAIL_PROVIDER === 'smtp' ||
      c.MAIL_PROVIDER === 'ses' ||
      c.MAIL_PROVIDER === 'notify';
    if (!realMail) return;
    const domain = c.MAIL_DOMAIN?.trim() || new URL(c.PUBLIC_BASE_URL).hostname.replace(/^\[|\]$/g, '');
    const problem = mailDomainProblem(domain);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: [c.MAIL_DOMAIN ? 'MAIL_DOMAIN' : 'PUBLIC_BASE_URL'],
        message: `the mail domain "${domain}" ${problem}, so no mail server would accept our envelope sender (bounces+…@${domain}). Set MAIL_DOMAIN to the domain you send mail from.`,
      });
    const fromDomain = /@([^>\s]+)>?\s*$/.exec(c.MAIL_FROM)?.[1] ?? '';
    const fromProblem = mailDomainProblem(fromDomain);
    if (fromProblem)
      ctx.addIssue({
        code: 'custom',
        path: ['MAIL_FROM'],
        message: `the address's domain "${fromDomain}" ${fromProblem}: give MAIL_FROM an address at the domain you send mail from.`,
      });
    // Notify sends from its own address: MAIL_FROM is not the From there.
    if (problem || fromProblem || c.MAIL_PROVIDER === 'notify' || c.MAIL_FROM_OTHER_DOMAIN) return;
    if (!domainsAlign(fromDomain, domain))
      ctx.addIssue({
        code: 'custom',
        path: ['MAIL_FROM'],
        message: `the From address is at "${fromDomain}" but the mail domain (MAIL_DOMAIN${c.MAIL_DOMAIN ? '' : ', from PUBLIC_BASE_URL'}) is "${domain}": the envelope sender bounces+…@${domain} and the Message-IDs would not agree with the From, and receivers checking DMARC refuse such mail as ours. Give MAIL_FROM an address at ${domain} (or leave it unset), or set MAIL_DOMAIN=${fromDomain}; if the From is at another domain on purpose (DKIM-signed for it), set MAIL_FROM_OTHER_DOMAIN=true.`,
      });
  });

/**
 * True when a From domain agrees with the mail domain: the same, or one a subdomain of the other (DMARC's
 * relaxed alignment, e.g. From at example.gov.uk and bounces at mail.example.gov.uk).
 */
export function domainsAlign(fromDomain: string, mailDomain: string): boolean {
  const a = fromDomain.toLowerCase().replace(/\.$/, '');
  const b = mailDomain.toLowerCase().replace(/\.$/, '');
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/** Why a domain cannot stand in an envelope sender, or null when it can. */
export function mailDomainProblem(domain: string): string | null {
  const d = domain.toLowerCase().replace(/\.$/, '');
  if (!d) return 'is empty';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(d) || d.includes(':')) return 'is an IP address';
  if (d === 'localhost' || d.endsWith('.localhost')) return 'is localhost';
  if (!d.includes('.')) return 'has no dot (not a domain on the internet)';
  return null;
}

export type Config = z.output<typeof configSchema>;

/** Parses a plain record into the config, or throws an error that lists every bad setting. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
