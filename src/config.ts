// The service's configuration: one zod schema over a plain record (process.env or a Worker's env).
import { z } from 'zod';

export const DEFAULT_REGISTER_SOURCE_URL =
  'https://mysociety.github.io/uk_local_authority_names_and_codes/data/uk_la_past_current/latest/uk_local_authorities_current.csv';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z.string().min(1).default('file:./data/cyber-contacts.db'),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    REGISTER_SOURCE_URL: z.url({ protocol: /^https?$/ }).default(DEFAULT_REGISTER_SOURCE_URL),
    REGISTER_SYNC_ON_EMPTY: flag.default(true),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
    IMPORT_LIMIT_BYTES: positiveInt.default(20 * 1024 * 1024),
    FETCH_TIMEOUT_MS: positiveInt.default(30_000),
    SERVICE_NAME: z.string().min(1).default('Council cyber contacts'),
    TRUST_PROXY: flag.default(false),

    // mail
    MAIL_FROM: z.string().min(3).default('Council cyber contacts <no-reply@cyber-contacts.localhost>'),
    MAIL_REPLY_TO: z.string().optional(),
    OUTBOX_DIR: z.string().min(1).default('./data/outbox'),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    SMTP_POOL_CONNECTIONS: positiveInt.default(5),
    SMTP_RATE_PER_SECOND: z.coerce.number().nonnegative().default(0),
    DKIM_DOMAIN: z.string().optional(),
    DKIM_SELECTOR: z.string().optional(),
    DKIM_PRIVATE_KEY: z.string().optional(),
    /** The domain in generated Message-IDs and VERP addresses; the host of PUBLIC_BASE_URL when absent. */
    MAIL_DOMAIN: z.string().optional(),

    // mailboxes
    CONFIRMATION_TTL_HOURS: positiveInt.default(72),
    SIGN_IN_TTL_MINUTES: positiveInt.default(30),
    SESSION_TTL_HOURS: positiveInt.default(12),
    ADMIN_NOTIFY_ADDRESSES: z.string().default(''),

    // advisories and fan-out
    DISPATCH_CONCURRENCY: positiveInt.optional(),
    DISPATCH_BATCH_SIZE: positiveInt.default(200),
    DISPATCH_LEASE_SECONDS: positiveInt.default(300),
    DISPATCH_IDLE_POLL_MS: positiveInt.default(2000),
    DELIVERY_RETRY_BASE_SECONDS: positiveInt.default(30),
    DELIVERY_RETRY_MAX_SECONDS: positiveInt.default(1800),
    DELIVERY_DEADLINE_HOURS: z.coerce.number().positive().default(24),
    ACK_ESCALATION_HOURS: z.coerce.number().positive().default(24),
    ADVISORY_REFERENCE_PREFIX: z
      .string()
      .regex(/^[A-Z0-9-]{2,20}$/)
      .default('NCSC'),

    // abuse resistance: limits on everything that sends mail, per hour
    RATE_LIMIT_PER_IP: positiveInt.default(30),
    RATE_LIMIT_PER_AUTHORITY: positiveInt.default(20),
    RATE_LIMIT_PER_ADDRESS: positiveInt.default(5),
  })
  .transform((c) => ({
    ...c,
    PUBLIC_BASE_URL: (c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
  }));

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
