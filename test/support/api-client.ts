// The API as a typed client, for tests: openapi-fetch over the types generated from /openapi.json
// (api-types.ts, `npm run openapi:types`), calling the test app in process. Paths, parameters, bodies and
// answers are checked by tsc against the document, so a renamed route or a changed body fails the type
// check before a test runs. Tests that send invalid input on purpose keep `t.call` / `app.request`.
import createClient from 'openapi-fetch';
import type { Deps } from '../../src/deps.js';
import { settleBackground } from '../../src/lib/background.js';
import type { components, operations, paths } from './api-types.js';

export type { operations, paths } from './api-types.js';
export type Schemas = components['schemas'];
/** The JSON body an operation takes, by operationId. */
export type RequestBody<Op extends keyof operations> = operations[Op] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export interface ApiHost {
  app: { request(input: Request): Response | Promise<Response> };
  deps: Pick<Deps, 'db'>;
}

/**
 * A client calling the test app, with a bearer token when given. Each call returns once the work the
 * request left running in the background is done (as `t.call` does).
 */
export function apiClient(host: ApiHost, token?: string) {
  return createClient<paths>({
    baseUrl: 'http://cyber-contacts.test',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    fetch: async (request) => {
      const res = await host.app.request(request);
      await settleBackground(host.deps.db);
      return res;
    },
  });
}

export type ApiClient = ReturnType<typeof apiClient>;
