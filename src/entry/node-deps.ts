// Builds the service's dependencies on Node from an environment record: used by the server and the CLI.

import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { migrateDatabase, openLibsqlDatabase } from '../adapters/db-libsql.js';
import { resolvingFetch } from '../adapters/fetch-node.js';
import { nodeMailer } from '../adapters/mailer-node.js';
import { notifyRateLimit } from '../adapters/notify-client.js';
import { dohResolver } from '../adapters/resolver-doh.js';
import { nodeResolver } from '../adapters/resolver-node.js';
import { notifySms } from '../adapters/sms-notify.js';
import { outboxSms } from '../adapters/sms-outbox.js';
import { smsProvider, smsSetupProblem } from '../adapters/sms-setup.js';
import { unconfiguredSms } from '../adapters/sms-unconfigured.js';
import { type Config, parseConfig } from '../config.js';
import type { Deps } from '../deps.js';
import { systemClock } from '../ports/clock.js';
import { jsonLogger, type Logger } from '../ports/logger.js';
import { cryptoRandom } from '../ports/random.js';
import type { SmsSender } from '../ports/sms.js';
import { developmentSigningKey } from './node-development-key.js';

export interface NodeRuntime {
  deps: Deps;
  close(): Promise<void>;
}

export interface NodeRuntimeOptions {
  /** Where log lines go; the CLI sends them to stderr so stdout stays for results. */
  logWrite?: (line: string) => void;
  logLevel?: Config['LOG_LEVEL'];
}

export async function buildNodeRuntime(
  env: Record<string, string | undefined>,
  options: NodeRuntimeOptions = {},
): Promise<NodeRuntime> {
  const settings = parseConfig(env);
  const log: Logger = jsonLogger(options.logLevel ?? settings.LOG_LEVEL, options.logWrite);
  // On the embedded defaults (mail to the local outbox) advisories are signed with a development key.
  const developmentKey = await developmentSigningKey(settings, log);
  const config: Config = developmentKey ? { ...settings, OPENPGP_PRIVATE_KEY: developmentKey } : settings;
  const database = await openLibsqlDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN, {
    busyTimeoutMs: config.DATABASE_BUSY_TIMEOUT_MS,
  });
  await migrateDatabase(database.db);
  // Bookkeeping (a token's last use …) goes through a second connection that never waits for a write lock.
  const bookkeeping = isLocalFile(config.DATABASE_URL)
    ? await openLibsqlDatabase(config.DATABASE_URL, undefined, { busyTimeoutMs: 0 })
    : null;
  const clock = systemClock();
  // One Notify key, one rate limit: the SMS sender and a Notify mailer share it.
  const notifyLimit = notifyRateLimit(config.NOTIFY_RATE_PER_MINUTE, () => clock.now());
  const resolver =
    config.DNS_RESOLVER === 'doh'
      ? dohResolver({
          url: config.DOH_URL,
          fetch: globalThis.fetch.bind(globalThis),
          timeoutMs: config.DNS_TIMEOUT_MS,
          tries: config.DNS_TRIES,
        })
      : nodeResolver(config);
  const deps: Deps = {
    config,
    db: database.db,
    ...(bookkeeping ? { bookkeepingDb: bookkeeping.db } : {}),
    clock,
    log,
    random: cryptoRandom(),
    mailer: nodeMailer(config, log, { notifyRateLimit: notifyLimit }),
    sms: nodeSms(config, log, { fetch: globalThis.fetch.bind(globalThis), rateLimit: notifyLimit }),
    // Host names in fetches are looked up by the checks' own resolver (DNS_SERVERS, or DoH).
    fetch: resolvingFetch(resolver),
    resolver,
    connInfo: getConnInfo,
    assets: govukAssets(),
    memoryUsage: () => process.memoryUsage(),
  };
  return {
    deps,
    async close() {
      try {
        await deps.mailer.close();
      } finally {
        bookkeeping?.close();
        database.close();
      }
    },
  };
}

/** A libsql file on this machine (not :memory:, not a server), where other processes may hold the write lock. */
const isLocalFile = (url: string) => url.startsWith('file:') && !url.includes(':memory:');

/**
 * The Node SMS sender: GOV.UK Notify when SMS_PROVIDER=notify or NOTIFY_API_KEY is set (unless
 * SMS_PROVIDER=outbox), else the outbox folder (src/adapters/sms-setup.ts).
 */
export function nodeSms(
  config: Config,
  log: Logger,
  options: Parameters<typeof notifySms>[2] = {},
): SmsSender {
  const problem = smsSetupProblem(config, 'node');
  if (problem) return unconfiguredSms(problem, log);
  if (smsProvider(config, 'node') === 'notify') {
    log.info('texts go out through GOV.UK Notify', { template: config.NOTIFY_SMS_TEMPLATE_ID });
    return notifySms(config, log, options);
  }
  return outboxSms(config.SMS_OUTBOX_DIR, log);
}

/**
 * GOV.UK Frontend's CSS and JS under /assets, and its fonts and images under /assets/fonts|images; and
 * SimpleWebAuthn's browser bundle.
 */
function govukAssets(): MiddlewareHandler {
  const require = createRequire(import.meta.url);
  const dist = resolve(dirname(require.resolve('govuk-frontend/package.json')), 'dist/govuk');
  const root = relative(process.cwd(), dist) || '.';
  const files = serveStatic({ root, rewriteRequestPath: (p) => p.replace(/^\/assets/, '') });
  const media = serveStatic({
    root: `${root}/assets`,
    rewriteRequestPath: (p) => p.replace(/^\/assets/, ''),
  });
  // SimpleWebAuthn's browser bundle, at the path scripts/build-assets.mjs puts it for the Worker.
  const webauthnDir = resolve(dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle');
  const webauthn = serveStatic({
    root: relative(process.cwd(), webauthnDir) || '.',
    rewriteRequestPath: () => '/index.umd.min.js',
  });
  return async (c, next) => {
    if (c.req.path === '/assets/simplewebauthn-browser.umd.min.js') return webauthn(c, next);
    const handler = /^\/assets\/(fonts|images|manifest\.json)/.test(c.req.path) ? media : files;
    return handler(c, next);
  };
}
