// msw at the HTTP edge: serves the shared reference files (register CSV, domain list) at fake https URLs,
// and can simulate an unreachable, slow or oversized source.
import { readFileSync } from 'node:fs';
import { delay, HttpResponse, http, type RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** A file in ../shared/data (beside the checkout), read where it lies (never copied into the project). */
export function sharedDataFile(name: string): Buffer {
  return readFileSync(new URL(`../../../shared/data/${name}`, import.meta.url));
}

export const registerCsv = () => sharedDataFile('uk_local_authorities_current.csv');
export const domainListJson = () => sharedDataFile('ukps_user_domains.json');

export const SOURCE_URL = 'https://register.example.test/uk_local_authorities_current.csv';
export const DOMAINS_URL = 'https://domains.example.test/user_domains.json';

/** Serves `body` at `url` (GET). */
export function serve(url: string, body: Uint8Array | string, contentType = 'text/csv') {
  return http.get(url, () => new HttpResponse(body, { headers: { 'content-type': contentType } }));
}

/** A network failure at `url` (connection refused, DNS failure …). */
export const unreachable = (url: string) => http.get(url, () => HttpResponse.error());

/** A source that never answers. */
export const neverAnswers = (url: string) =>
  http.get(url, async () => {
    await delay('infinite');
    return new HttpResponse('');
  });

/**
 * An endless body in 1 KiB chunks with no Content-Length: only a reader that enforces the size limit while
 * streaming ever finishes. `pulled()` says how many chunks were read.
 */
export function endlessBody(url: string) {
  let chunks = 0;
  const handler = http.get(url, () => {
    const line = new TextEncoder().encode(`${'x'.repeat(1023)}\n`);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunks++;
        controller.enqueue(line);
      },
    });
    return new HttpResponse(stream, { headers: { 'content-type': 'text/csv' } });
  });
  return { handler, pulled: () => chunks };
}

/** Starts msw for the calling test file; unhandled requests fail the test. */
export function useMsw(...handlers: RequestHandler[]) {
  const server = setupServer(...handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}
