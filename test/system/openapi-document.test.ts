// The OpenAPI document as served: every operation named (operationId) and secured as the access policy
// says (public routes `security: []`, the rest a token or session), every pattern a flag-free ECMA-262
// regex, every example and default valid against its schema, every 4xx a problem+json. The operations come
// from the document and the policy table, so a new route is checked without touching this file.

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { policy } from '../../src/features/auth/policy.js';
import { makeTestApp } from '../support/app.js';

type Json = Record<string, unknown>;
interface Operation {
  key: string;
  method: string;
  path: string;
  op: Json;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
let doc: Json;
let operations: Operation[];

beforeAll(async () => {
  const t = await makeTestApp();
  const res = await t.app.request('/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Json;
  operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({
      key: `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      method: m,
      path,
      op: item[m] as Json,
    })),
  );
  t.close();
});

/** Every place in the document, with its JSON pointer. */
function* walk(node: unknown, pointer = ''): Generator<[string, Json]> {
  if (!node || typeof node !== 'object') return;
  if (!Array.isArray(node)) yield [pointer, node as Json];
  for (const [k, v] of Object.entries(node)) {
    yield* walk(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
}

const uriFragment = (pointer: string) => pointer.split('/').map(encodeURIComponent).join('/');

describe('the OpenAPI document', () => {
  it('names every operation with a unique camelCase operationId and a summary', () => {
    expect(operations.length).toBeGreaterThan(50);
    const ids = operations.map((o) => o.op.operationId);
    for (const o of operations) {
      expect(o.op.operationId, o.key).toMatch(/^[a-z]+[A-Z][A-Za-z0-9]*$/);
      expect(o.op.summary, o.key).toEqual(expect.any(String));
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents every API route in the access policy, and nothing the policy lacks', () => {
    const documented = new Set(operations.map((o) => o.key));
    const apiRoutes = Object.keys(policy).filter((k) => k.split(' ')[1]?.startsWith('/api/'));
    expect(apiRoutes.filter((k) => !documented.has(k))).toEqual([]);
    expect(operations.filter((o) => !(o.key in policy)).map((o) => o.key)).toEqual([]);
  });

  it('marks exactly the public routes of the policy with `security: []`; the rest need a token or session', () => {
    const schemes = Object.keys(((doc.components as Json).securitySchemes ?? {}) as Json);
    expect(schemes.sort()).toEqual(['bearerAuth', 'sessionCookie']);
    expect(doc.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    for (const o of operations) {
      const security = (o.op.security ?? doc.security) as Array<Record<string, string[]>>;
      if (policy[o.key] === 'public') {
        expect(o.op.security, `${o.key} is public in policy.ts`).toEqual([]);
      } else {
        expect(security.length, `${o.key} is not public in policy.ts`).toBeGreaterThan(0);
        for (const requirement of security) {
          for (const name of Object.keys(requirement)) expect(schemes, o.key).toContain(name);
        }
      }
    }
    // The public routes the policy table names do appear (so the loop above saw them).
    const publicApi = operations.filter((o) => policy[o.key] === 'public').map((o) => o.op.operationId);
    expect(publicApi).toEqual(expect.arrayContaining(['registerMailbox', 'getCoverage', 'getHealth']));
  });

  it('answers every declared client error as problem+json', () => {
    for (const o of operations) {
      for (const [status, response] of Object.entries(o.op.responses as Json)) {
        if (!status.startsWith('4')) continue;
        const content = Object.keys(((response as Json).content ?? {}) as Json);
        expect(content, `${o.key} ${status}`).toEqual(['application/problem+json']);
      }
    }
  });

  it('has a licence, a contact, a server, and a description for every tag an operation uses', () => {
    const info = doc.info as Json;
    expect(info.license).toMatchObject({ name: expect.any(String), url: expect.stringMatching(/^https:/) });
    expect(info.contact).toMatchObject({ url: 'http://cyber-contacts.test/feedback' });
    expect(doc.servers).toEqual([{ url: 'http://cyber-contacts.test', description: expect.any(String) }]);
    const described = new Map((doc.tags as Json[]).map((t) => [t.name, t.description]));
    for (const o of operations) {
      for (const tag of (o.op.tags ?? []) as string[]) {
        expect(described.get(tag), `tag ${tag} of ${o.key}: add it to src/api-document.ts`).toEqual(
          expect.any(String),
        );
      }
    }
  });

  it('never documents a query or path parameter as nullable (a URL has no null)', () => {
    for (const o of operations) {
      for (const p of (o.op.parameters ?? []) as Json[]) {
        const type = (p.schema as Json | undefined)?.type;
        expect([type].flat(), `${o.key} ?${p.name}`).not.toContain('null');
      }
    }
  });

  it('keeps every named schema non-nullable (a property that may be null says so itself)', () => {
    // `Named.nullable()` in zod re-registers the shared schema as nullable, so every other use of it (a
    // list's items, say) would be documented as possibly null.
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    for (const [name, schema] of Object.entries(schemas)) {
      expect([schema.type].flat(), name).not.toContain('null');
    }
  });

  it('publishes every pattern as a regex without flags (ECMA-262, as JSON Schema reads it)', () => {
    const patterns = [...walk(doc)].filter(([, n]) => typeof n.pattern === 'string');
    expect(patterns.length).toBeGreaterThan(3);
    for (const [pointer, node] of patterns) {
      const pattern = node.pattern as string;
      // A RegExp's flags must not leak into the string (`…$/i` compiles, and matches nothing useful).
      expect(pattern, pointer).not.toMatch(/\/[dgimsuvy]+$/);
      expect(() => new RegExp(pattern), pointer).not.toThrow();
      expect(() => new RegExp(pattern, 'u'), pointer).not.toThrow();
    }
  });

  it('gives examples and defaults that are valid against their own schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'openapi');
    const validate = (pointer: string) => ajv.getSchema(`openapi#${uriFragment(pointer)}`);
    const invalid: string[] = [];
    let checked = 0;
    const check = (where: string, schemaPointer: string, value: unknown) => {
      const v = validate(schemaPointer);
      if (!v) throw new Error(`no schema at ${schemaPointer}`);
      checked++;
      if (!v(value)) invalid.push(`${where}: ${JSON.stringify(value)} ${ajv.errorsText(v.errors)}`);
    };
    for (const [pointer, node] of walk(doc)) {
      const isSchema = typeof node.type === 'string' || Array.isArray(node.type) || '$ref' in node;
      // A schema's own example and default.
      if (isSchema && pointer.includes('schema')) {
        if ('example' in node) check(`${pointer}/example`, pointer, node.example);
        if ('default' in node) check(`${pointer}/default`, pointer, node.default);
        for (const [i, e] of ((node.examples ?? []) as unknown[]).entries()) {
          check(`${pointer}/examples/${i}`, pointer, e);
        }
      }
      // A parameter's or media type's example, against the schema beside it.
      if (node.schema && typeof node.schema === 'object' && !isSchema) {
        if ('example' in node) check(`${pointer}/example`, `${pointer}/schema`, node.example);
        for (const [name, e] of Object.entries((node.examples ?? {}) as Record<string, Json>)) {
          if ('value' in e) check(`${pointer}/examples/${name}`, `${pointer}/schema`, e.value);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(invalid).toEqual([]);
  });

  it('accepts the documented phone examples, with and without an extension', () => {
    const schema = (
      ((doc.components as Json).schemas as Record<string, Json>).MailboxContact!.properties as Record<
        string,
        Json
      >
    ).phone!;
    const pattern = new RegExp(schema.pattern as string);
    for (const ok of ['029 2087 2000', '+44 29 2087 2000', '029 2087 2000 ext. 123', '01234 567890 X12']) {
      expect(pattern.test(ok), ok).toBe(true);
    }
    expect(pattern.test('029 2087 2000 call me')).toBe(false);
  });
});
