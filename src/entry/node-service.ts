// The Node service (started by node.ts): env → deps → HTTP server (and the inbound SMTP listener, when
// configured); background work; graceful shutdown.
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import { assertSecurityExpiresValid } from '../features/checks/own-security-txt.js';
import { assertServiceKeyUsable } from '../features/openpgp/service-key.js';
import { settleBackground } from '../lib/background.js';
import { startBackgroundWork } from './node-background.js';
import { buildNodeRuntime } from './node-deps.js';
import { startInboundSmtp } from './node-inbound-smtp.js';

const runtime = await buildNodeRuntime(process.env).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
const { deps } = runtime;
// A signing key that cannot sign stops the start (naming the setting); a missing one is a warning. So does
// a security.txt Expires more than a year ahead (RFC 9116).
await Promise.resolve()
  .then(() => assertSecurityExpiresValid(deps.config, deps.clock.now()))
  .then(() => assertServiceKeyUsable(deps))
  .catch((err: Error) => {
    console.error(`Invalid configuration:\n  ${err.message}`);
    process.exit(1);
  });
const app = createApp(deps);
const background = startBackgroundWork(deps);

// Bounces by SMTP, when INBOUND_SMTP_PORT is set (no relay in between; see node-inbound-smtp.ts).
const inbound =
  deps.config.INBOUND_SMTP_PORT === undefined
    ? null
    : await startInboundSmtp(deps, deps.config.INBOUND_SMTP_PORT, deps.config.INBOUND_SMTP_HOST).catch(
        (err: Error) => {
          console.error(`The inbound SMTP listener could not start: ${err.message}`);
          process.exit(1);
        },
      );

const server = serve({ fetch: app.fetch, port: deps.config.PORT, hostname: deps.config.HOST }, (info) => {
  deps.log.info('listening', {
    url: `http://${info.address}:${info.port}`,
    publicBaseUrl: deps.config.PUBLIC_BASE_URL,
  });
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  deps.log.info('shutting down', { signal });
  // The dispatcher waits SHUTDOWN_GRACE_SECONDS for sends in flight, then gives their leases back; this is
  // the backstop if anything else hangs.
  const force = setTimeout(() => process.exit(1), (deps.config.SHUTDOWN_GRACE_SECONDS + 5) * 1000);
  force.unref();
  server.close();
  await inbound?.close();
  await background.stop();
  await settleBackground(deps.db);
  await runtime.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
