// The dependencies createApp receives, and the Hono environment every route sees.
import type { MiddlewareHandler } from 'hono';
import type { GetConnInfo } from 'hono/conninfo';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { Principal } from './features/auth/principal.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { Mailer } from './ports/mailer.js';
import type { Random } from './ports/random.js';

export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  random: Random;
  mailer: Mailer;
  /** Outbound HTTP (register source); the global fetch unless a test passes another. */
  fetch: typeof fetch;
  /** The runtime's connection info (client address); absent in tests. */
  connInfo?: GetConnInfo;
  /** Serves GOV.UK Frontend's files under /assets (Node); the edge serves them as static assets. */
  assets?: MiddlewareHandler;
}

export interface AppEnv {
  Variables: {
    deps: Deps;
    log: Logger;
    requestId: string;
    principal: Principal | null;
    clientIp: string;
  };
}
