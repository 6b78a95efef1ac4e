// A tiny Worker for test/worker/notify.test.ts: the Notify SMS sender, mailer and receipt checks exactly as
// the service's Worker chooses and builds them (src/entry/worker-deps.ts), run in workerd. Bundled by
// wrangler as a deploy would bundle it (no nodejs_compat): a Node-only API anywhere in their imports fails
// the build or the request.
import { parseNotifyReceipt } from '../../src/adapters/notify-receipts.js';
import { parseConfig } from '../../src/config.js';
import { configRecord, type WorkerEnv, workerMailer, workerSms } from '../../src/entry/worker-deps.js';
import { jsonLogger } from '../../src/ports/logger.js';
import type { OutgoingMessage } from '../../src/ports/mailer.js';
import type { OutgoingSms } from '../../src/ports/sms.js';

export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const config = parseConfig(configRecord(env));
    const log = jsonLogger(config.LOG_LEVEL);
    const fetcher: typeof fetch = (input, init) => fetch(input, init);
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/sms') {
      const sms = workerSms(config, log, fetcher);
      const result = await sms.send((await request.json()) as OutgoingSms);
      return Response.json({ provider: sms.provider, unavailable: sms.unavailable ?? null, result });
    }
    if (request.method === 'GET' && url.pathname.startsWith('/sms/')) {
      const sms = workerSms(config, log, fetcher);
      return Response.json({ receipt: await sms.status?.(url.pathname.slice('/sms/'.length)) });
    }
    if (request.method === 'POST' && url.pathname === '/mail') {
      const mailer = workerMailer(config, log, fetcher);
      return Response.json({ result: await mailer.send((await request.json()) as OutgoingMessage) });
    }
    if (request.method === 'POST' && url.pathname === '/receipts') {
      return Response.json({ receipt: parseNotifyReceipt(await request.json()) });
    }
    return new Response('not here', { status: 404 });
  },
};
