// The OpenAPI document exactly as the service serves it at /openapi.json, without a server: the app is built
// with inert dependencies (an empty in-memory database, a memory mailer, no network) and asked for the
// document. Used by `npm run check:openapi` (openapi-check.ts) and `npm run openapi:export`.
import { openLibsqlDatabase } from '../src/adapters/db-libsql.js';
import { memoryMailer } from '../src/adapters/mailer-memory.js';
import { memoryResolver } from '../src/adapters/resolver-memory.js';
import { memorySms } from '../src/adapters/sms-memory.js';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { fixedClock } from '../src/ports/clock.js';
import { memoryLogger } from '../src/ports/logger.js';
import { cryptoRandom } from '../src/ports/random.js';

/** The base URL the exported document names as its server; a deployment's document names its own. */
export const EXPORT_BASE_URL = 'https://cyber-contacts.example.gov.uk';

export async function servedOpenApiDocument(baseUrl = EXPORT_BASE_URL): Promise<Record<string, unknown>> {
  const database = await openLibsqlDatabase(':memory:');
  try {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const app = createApp({
      config: parseConfig({ PUBLIC_BASE_URL: baseUrl, LOG_LEVEL: 'silent' }),
      db: database.db,
      clock,
      log: memoryLogger('silent'),
      random: cryptoRandom(() => clock.now().getTime()),
      mailer: memoryMailer(),
      sms: memorySms(),
      fetch: () => Promise.reject(new Error('no network while exporting the OpenAPI document')),
      resolver: memoryResolver(),
    });
    const res = await app.request('/openapi.json');
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  } finally {
    database.close();
  }
}
