// The dependencies createApp receives, and the Hono environment every route sees.
import type { MiddlewareHandler } from 'hono';
import type { GetConnInfo } from 'hono/conninfo';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { MailLane } from './domain/outbound.js';
import type { Principal } from './domain/principal.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { Mailer } from './ports/mailer.js';
import type { Random } from './ports/random.js';
import type { Resolver } from './ports/resolver.js';
import type { SmsSender } from './ports/sms.js';

export interface Deps {
  config: Config;
  db: Db;
  /**
   * Where bookkeeping is written (a token's last use, a session's last activity): on Node's file database a
   * second connection that never waits for another writer's lock (busy_timeout 0). Absent: `db`.
   */
  bookkeepingDb?: Db;
  clock: Clock;
  log: Logger;
  random: Random;
  mailer: Mailer;
  /** Text messages to councils' confirmed out-of-hours mobiles (GOV.UK Notify; a file outbox by default on Node). */
  sms: SmsSender;
  /** Outbound HTTP (register source, MTA-STS policies, security.txt); the global fetch unless a test passes another. */
  fetch: typeof fetch;
  /** DNS for the reachability checks: node:dns on Node, DNS-over-HTTPS on the edge, in memory in tests. */
  resolver: Resolver;
  /** The runtime's connection info (client address); absent in tests. */
  connInfo?: GetConnInfo;
  /** Serves GOV.UK Frontend's files under /assets (Node); the edge serves them as static assets. */
  assets?: MiddlewareHandler;
  /**
   * Hands a released advisory's fan-out to a queue (Workers: Cloudflare Queues), called after the release
   * commits. Absent on Node, whose dispatcher loop hears the release through `onRelease`.
   */
  dispatchQueue?: DispatchQueue;
  /**
   * Told when mail is queued: the Node dispatcher wakes, Workers send themselves a queue message, tests
   * drain the mail at once. Absent: the next scheduled drain sends it.
   */
  outbound?: { wake(lane: MailLane): void | Promise<void> };
  /** This process's memory, for /metrics (Node); absent where the runtime does not tell it. */
  memoryUsage?: () => ProcessMemory;
}

export interface ProcessMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external?: number;
}

export interface DispatchQueue {
  enqueue(advisoryId: string): Promise<void>;
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
