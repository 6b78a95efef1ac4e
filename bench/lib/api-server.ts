// The API bench's server (a process of its own, so its memory and CPU are its own): the real service's app
// built from the environment exactly as `npm start` builds it (buildNodeRuntime + createApp), served by
// @hono/node-server on loopback, with ONE bench-only addition in front: a parent Hono app that answers
// GET /bench/bare itself (no middleware at all: the comparison point) and hands every other request to the
// service's own fetch. No background work runs (no dispatcher, no schedule): the bench measures requests.
//
// Prints one line `listening <url> <pid>` on stdout; stops on SIGTERM or when its parent goes away.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import { buildNodeRuntime } from '../../src/entry/node-deps.js';

const runtime = await buildNodeRuntime(process.env);
const app = createApp(runtime.deps);

const root = new Hono();
root.get('/bench/bare', (c) => c.text('ok'));
// c.env carries the Node request (the client address for rate limits and the audit log).
root.all('*', (c) => app.fetch(c.req.raw, c.env));

const server = serve(
  { fetch: root.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' },
  (info) => {
    process.stdout.write(`listening http://127.0.0.1:${info.port} ${process.pid}\n`);
  },
);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  server.close();
  await runtime.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// A bench that died must not leave its server behind.
const orphanCheck = setInterval(() => {
  if (process.ppid === 1) void stop();
}, 1000);
orphanCheck.unref();
