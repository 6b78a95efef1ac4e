// Hostile input, property-based (fast-check, fixed seeds so a failure replays): every JSON endpoint (from
// the app's own /openapi.json: each operation with an application/json request body) and every HTML form
// (each POST page route) gets wrong types, missing and extra fields, huge and 10,000-deep bodies, invalid
// UTF-8, control characters, CR/LF, look-alike Unicode, SQL and HTML fragments, and oversized uploads.
// Every answer is a 4xx problem+json (API) or a page (HTML), NEVER a 5xx, and a refused request leaves the
// main tables exactly as they were. Advisory content with HTML and Markdown tricks comes out inert in the
// e-mail, on the pages and in the feed.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAdvisoryMessages } from '../../src/features/advisories/message.js';
import { policy } from '../../src/features/auth/policy.js';
import { settleBackground } from '../../src/lib/background.js';
import { CSRF_COOKIE, CSRF_FIELD } from '../../src/middleware/csrf.js';
import { insertAdvisory, insertSession } from '../support/fixtures.js';
import {
  DEEP,
  deepArray,
  deepObject,
  hostileString,
  hostileStrings,
  mutate,
  mutation,
  unsafeHtml,
} from './hostile.js';
import { apiBodies, appRoutes, fill, formBodies, isPage, type Route } from './requests.js';
import {
  buildWorld,
  OWN,
  openWorld,
  type PrincipalName,
  removeWorld,
  rowCounts,
  type World,
  type WorldApp,
} from './world.js';

const SEED = 20261130;
const RUNS = Number(process.env.HOSTILE_RUNS ?? 30);

const env = {
  // Room for hundreds of registrations from one test client; the limits have their own tests.
  RATE_LIMIT_PER_IP: '1000000',
  RATE_LIMIT_PER_AUTHORITY: '1000000',
  RATE_LIMIT_PER_ADDRESS: '1000000',
  BODY_LIMIT_BYTES: String(256 * 1024),
  IMPORT_LIMIT_BYTES: String(1024 * 1024),
};

/** Routes that fetch from elsewhere (offline here: the fetch answers 404), where 502 is the honest answer. */
const upstream = new Set([
  'POST /api/v1/register/imports',
  'POST /api/v1/register/domain-imports',
  'POST /api/v1/register/sync',
]);

let world: World;
let w: WorldApp;
let routes: Route[];
let jsonOps: Route[];
let bodyOps: Array<Route & { types: string[] }>;
beforeAll(async () => {
  world = await buildWorld();
  w = await openWorld(world, env);
  routes = appRoutes(w.app);
  const doc = (await (await w.app.request('/openapi.json')).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
  };
  bodyOps = [];
  for (const [p, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) {
      const types = Object.keys(op.requestBody?.content ?? {});
      if (!types.length) continue;
      const path = p.replace(/\{([^}]+)\}/g, ':$1');
      bodyOps.push({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}`, types });
    }
  jsonOps = bodyOps.filter((o) => o.types.includes('application/json'));
}, 60_000);
afterAll(async () => {
  await w?.close();
  removeWorld(world);
});

/** Who calls: someone the policy lets in, so that the body, not the door, is what gets tested. */
function callerFor(route: Route): PrincipalName {
  const access = policy[route.key];
  if (access === undefined) throw new Error(`${route.key} has no policy entry`);
  if (access === 'public') return 'anonymous';
  for (const [who, role] of [
    ['admin', 'admin'],
    ['inbound', 'inbound'],
    ['council-own', 'council'],
    ['warp-member', 'warp'],
  ] as const)
    if ((access as readonly string[]).includes(role)) return who;
  throw new Error(`no caller for ${route.key}`);
}

function apiHeaders(route: Route, type: string | null): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = world.credentials[callerFor(route)].token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (type) headers['content-type'] = type;
  return headers;
}

interface Outcome {
  status: number;
  text: string;
}

/**
 * Sends one request and checks the answer: no 5xx; an API refusal is problem+json whose status matches;
 * a page answer is HTML; a refused request changed none of the main tables.
 */
async function send(route: Route, init: RequestInit, what: string): Promise<Outcome> {
  const before = await rowCounts(w.client);
  const res = await w.app.request(fill(route, world), init);
  const text = await res.text();
  await settleBackground(w.deps.db);
  const where = `${route.key} with ${what}: ${res.status} ${text.slice(0, 300)}`;
  if (!(res.status === 502 && upstream.has(route.key))) expect(res.status, where).toBeLessThan(500);
  if (res.status >= 400) {
    if (isPage(route.path)) {
      expect(res.headers.get('content-type'), where).toMatch(/^text\/html/);
    } else {
      expect(res.headers.get('content-type'), where).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(text) as { status: number; code: string; detail: string; type: string };
      expect(problem.status, where).toBe(res.status);
      expect(typeof problem.code, where).toBe('string');
      expect(typeof problem.detail, where).toBe('string');
    }
    expect(await rowCounts(w.client), `${where}: a refused request wrote`).toEqual(before);
  }
  return { status: res.status, text };
}

const sampleFor = (route: Route): unknown => {
  const spec = apiBodies[route.key];
  return spec && 'json' in spec ? spec.json : {};
};

describe('hostile JSON bodies', () => {
  it('finds the JSON endpoints in the OpenAPI document', () => {
    expect(jsonOps.length).toBeGreaterThanOrEqual(15);
    for (const op of jsonOps) expect(policy[op.key], op.key).toBeDefined();
  });

  it('any JSON value as the body: a 4xx problem or a real answer, never a 5xx', async () => {
    for (const route of jsonOps) {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
          await send(
            route,
            {
              method: route.method,
              headers: apiHeaders(route, 'application/json'),
              body: JSON.stringify(value),
            },
            `JSON ${JSON.stringify(value).slice(0, 80)}`,
          );
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }
  }, 120_000);

  it('a valid body with fields dropped, added or replaced by hostile values', async () => {
    for (const route of jsonOps) {
      const sample = sampleFor(route);
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
          const body = mutate(sample, mutations);
          await send(
            route,
            { method: route.method, headers: apiHeaders(route, 'application/json'), body },
            `mutations ${JSON.stringify(mutations).slice(0, 160)}`,
          );
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }
  }, 120_000);

  it('bytes that are not JSON, or not UTF-8, under a JSON content type', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom(
        new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"a":"\xff\xfe"}
        new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // a BOM, then {}
        new Uint8Array([0xc0, 0xaf]), // an overlong "/"
        new Uint8Array([0xed, 0xa0, 0x80]), // a UTF-8 encoded surrogate
        new TextEncoder().encode('{"title": "unterminated'),
        new TextEncoder().encode('{"a":1,}'),
        new TextEncoder().encode("{'a': 1}"),
        new TextEncoder().encode(''),
        new TextEncoder().encode('null'),
        new TextEncoder().encode('"just a string"'),
        new TextEncoder().encode(`{"a":"\\ud800"}`),
        new TextEncoder().encode(`{"a":1}${'\u0000'.repeat(10)}`),
      ),
    );
    for (const route of jsonOps) {
      await fc.assert(
        fc.asyncProperty(bytes, async (b) => {
          await send(
            route,
            { method: route.method, headers: apiHeaders(route, 'application/json'), body: b },
            `bytes ${Buffer.from(b).toString('hex').slice(0, 80)}`,
          );
        }),
        { seed: SEED, numRuns: Math.ceil(RUNS / 2) },
      );
    }
  }, 120_000);

  it('10,000-deep arrays and objects', async () => {
    for (const route of jsonOps)
      for (const [name, body] of [
        ['deep array', deepArray(10_000)],
        ['deep object', deepObject(10_000)],
        [
          'deep field',
          JSON.stringify({ ...(sampleFor(route) as object), title: DEEP }).replace(
            `"${DEEP}"`,
            deepArray(10_000),
          ),
        ],
      ] as const) {
        const { status } = await send(
          route,
          { method: route.method, headers: apiHeaders(route, 'application/json'), body },
          name,
        );
        expect(status, `${route.key} ${name}`).toBeGreaterThanOrEqual(400);
      }
  }, 60_000);

  it('a wrong or missing content type is refused as such', async () => {
    for (const route of jsonOps)
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', null]) {
        const { status } = await send(
          route,
          { method: route.method, headers: apiHeaders(route, type), body: JSON.stringify(sampleFor(route)) },
          `content type ${type}`,
        );
        // Either refused, or (routes whose body is optional) answered without reading it.
        // 403: a form type is a browser's, so the CSRF check asks it for the form's token first.
        expect([400, 403, 404, 409, 413, 415, 422, 200, 201, 202, 204], `${route.key} ${type}`).toContain(
          status,
        );
      }
  }, 60_000);
});

describe('oversized bodies', () => {
  const stream = (size: number) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const chunk = new Uint8Array(64 * 1024).fill(0x20);
        for (let sent = 0; sent < size; sent += chunk.length)
          controller.enqueue(chunk.subarray(0, Math.min(chunk.length, size - sent)));
        controller.close();
      },
    });

  it('over BODY_LIMIT_BYTES on every endpoint with a body, with and without a length: 413 problem', async () => {
    const limit = w.deps.config.BODY_LIMIT_BYTES;
    for (const route of bodyOps) {
      if (
        route.key === 'POST /api/v1/register/imports' ||
        route.key === 'POST /api/v1/register/domain-imports'
      )
        continue;
      if (route.key === 'POST /api/v1/inbound/bounces') continue; // INBOUND_LIMIT_BYTES, below
      const type = route.types[0]!;
      const big = `{"title":"${'x'.repeat(limit)}"}`;
      const a = await send(
        route,
        { method: route.method, headers: apiHeaders(route, type), body: big },
        'an oversized body',
      );
      expect(a.status, route.key).toBe(413);
      const b = await send(
        route,
        {
          method: route.method,
          headers: apiHeaders(route, type),
          body: stream(limit + 1),
          duplex: 'half',
        } as RequestInit,
        'an oversized stream',
      );
      expect(b.status, route.key).toBe(413);
    }
  });

  it('over IMPORT_LIMIT_BYTES on the import endpoints, over INBOUND_LIMIT_BYTES on bounces: 413', async () => {
    const cases: Array<[string, string, number]> = [
      ['POST /api/v1/register/imports', 'text/csv', w.deps.config.IMPORT_LIMIT_BYTES + 1],
      ['POST /api/v1/register/domain-imports', 'application/json', w.deps.config.IMPORT_LIMIT_BYTES + 1],
      [
        'POST /api/v1/inbound/bounces',
        'message/rfc822',
        Math.max(w.deps.config.INBOUND_LIMIT_BYTES, w.deps.config.BODY_LIMIT_BYTES) + 1,
      ],
    ];
    for (const [key, type, size] of cases) {
      const route = routes.find((r) => r.key === key)!;
      const r = await send(
        route,
        {
          method: route.method,
          headers: apiHeaders(route, type),
          body: stream(size),
          duplex: 'half',
        } as RequestInit,
        `${size} bytes`,
      );
      expect(r.status, key).toBe(413);
    }
    // And just under the import limit, a CSV is read (and refused for its content, not its size).
    const route = routes.find((r) => r.key === 'POST /api/v1/register/imports')!;
    const under = await send(
      route,
      {
        method: 'POST',
        headers: apiHeaders(route, 'text/csv'),
        body: stream(w.deps.config.IMPORT_LIMIT_BYTES - 1),
        duplex: 'half',
      } as RequestInit,
      'a CSV just under the limit',
    );
    expect(under.status).not.toBe(413);
  });

  it('an oversized page form gets the error page, not a 5xx', async () => {
    const route = routes.find((r) => r.key === 'POST /register')!;
    const body = new URLSearchParams({
      [CSRF_FIELD]: 'hostile-double-submit-000001',
      team: 'x'.repeat(w.deps.config.BODY_LIMIT_BYTES),
    });
    const r = await send(
      route,
      {
        method: 'POST',
        headers: {
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `${CSRF_COOKIE}=hostile-double-submit-000001`,
        },
        body: body.toString(),
      },
      'an oversized form',
    );
    expect(r.status).toBe(413);
    expect(r.text).toContain('<html');
  });
});

describe('hostile page forms', () => {
  const pageForms = () => routes.filter((r) => r.method === 'POST' && isPage(r.path));

  /** A caller's cookies and CSRF field for a page form (a new session for sign-out, which ends its own). */
  async function formCaller(route: Route) {
    const who = callerFor(route);
    if (who === 'anonymous') {
      const csrf = 'hostile-double-submit-000001';
      return { cookie: `${CSRF_COOKIE}=${csrf}`, csrf };
    }
    if (route.key === 'POST /sign-out') {
      const s = await insertSession(
        w.deps.db,
        { role: 'admin', label: 'sign-out test' },
        { now: w.deps.clock.now() },
      );
      return { cookie: s.cookie, csrf: s.csrf };
    }
    const session = world.credentials[who].session!;
    return { cookie: `cc_session=${session.secret}`, csrf: session.csrf };
  }

  it('hostile values in every field (known and unknown) of every form', async () => {
    const forms = pageForms();
    expect(forms.length).toBeGreaterThanOrEqual(15);
    for (const route of forms) {
      const known = Object.keys(formBodies[route.key] ?? {});
      const fields = fc.dictionary(
        known.length
          ? fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: 10 }))
          : fc.string({ maxLength: 10 }),
        hostileString,
        { maxKeys: 6 },
      );
      await fc.assert(
        fc.asyncProperty(fields, fc.boolean(), async (values, keepSample) => {
          const caller = await formCaller(route);
          const form = new URLSearchParams({ ...(keepSample ? formBodies[route.key] : {}) });
          for (const [k, v] of Object.entries(values)) form.append(k, v);
          form.set(CSRF_FIELD, caller.csrf);
          const r = await send(
            route,
            {
              method: 'POST',
              headers: {
                accept: 'text/html',
                'content-type': 'application/x-www-form-urlencoded',
                cookie: caller.cookie,
              },
              body: form.toString(),
            },
            `form ${JSON.stringify(values).slice(0, 160)}`,
          );
          // What was sent comes back escaped, never as markup.
          for (const v of Object.values(values))
            if (/[<"]/.test(v) && v.length > 3)
              expect(r.text.includes(v), `${route.key} reflected ${v}`).toBe(false);
          expect(unsafeHtml(r.text, { layout: true }), route.key).toEqual([]);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }
  }, 120_000);

  it('broken encodings: bad percent escapes, invalid UTF-8, a bare multipart', async () => {
    const raw = fc.constantFrom(
      'address=%zz%E0%A4%',
      'council=%ff%fe%fd&address=%C0%AF',
      'team=%ED%A0%80',
      'a=1&a=2&a=3&&&==&%=%',
      `address=${'%41'.repeat(5000)}`,
      'x'.repeat(5000),
    );
    for (const route of pageForms()) {
      await fc.assert(
        fc.asyncProperty(raw, async (text) => {
          const caller = await formCaller(route);
          await send(
            route,
            {
              method: 'POST',
              headers: {
                accept: 'text/html',
                'content-type': 'application/x-www-form-urlencoded',
                cookie: caller.cookie,
              },
              body: `${text}&${CSRF_FIELD}=${encodeURIComponent(caller.csrf)}`,
            },
            `raw form ${text.slice(0, 60)}`,
          );
        }),
        { seed: SEED, numRuns: 6 },
      );
      const caller = await formCaller(route);
      await send(
        route,
        {
          method: 'POST',
          headers: {
            accept: 'text/html',
            'content-type': 'multipart/form-data; boundary=zzz',
            cookie: caller.cookie,
          },
          body: '--zzz\r\nContent-Disposition: form-data; name="address"\r\n\r\nunterminated',
        },
        'a broken multipart body',
      );
    }
  }, 60_000);
});

describe('advisory content with HTML and Markdown tricks', () => {
  const fragments = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<IMG SRC="javascript:alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click](&#106;avascript:alert(1))',
    '[click](java\tscript:alert(1))',
    '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[vb](vbscript:msgbox(1))',
    '![x](javascript:alert(1))',
    '![x](https://example.com/x.png" onerror="alert(1))',
    '<https://example.com/"onmouseover="alert(1)>',
    '<mailto:a@b.c?"><script>alert(1)</script>>',
    '<javascript:alert(1)>',
    'https://example.com/"><script>alert(1)</script>',
    '[a](https://example.com "title\\" onmouseover=\\"alert(1)")',
    '<div onclick="alert(1)">raw block</div>',
    '<!-- <script>alert(1)</script> -->',
    '<style>body{background:url(javascript:alert(1))}</style>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg><script>alert(1)</script></svg>',
    '```html\n<script>alert(1)</script>\n```',
    '    <script>indented code</script>',
    '> <img src=x onerror=alert(1)>',
    '* [x](javascript:alert(1))',
    '<details open ontoggle=alert(1)>',
    '&lt;script&gt;already escaped&lt;/script&gt;',
    '&#60;script&#62;alert(1)&#60;/script&#62;',
    '[ref]: javascript:alert(1)\n\n[ref]',
    'text with "quotes" and \'apostrophes\' & ampersands',
  ];
  const markdown = fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...fragments) },
        { weight: 1, arbitrary: hostileString },
      ),
      {
        minLength: 1,
        maxLength: 5,
      },
    )
    .map((parts) => parts.join('\n\n'))
    .filter((s) => s.trim().length > 0);
  const line = fc.constantFrom(
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE advisories; --",
    'Plain & simple <b>bold</b>',
    '[x](javascript:alert(1))',
  );

  const atomElements = [
    'feed',
    'id',
    'title',
    'subtitle',
    'updated',
    'published',
    'link',
    'author',
    'name',
    'uri',
    'email',
    'entry',
    'category',
    'summary',
    'content',
    'rights',
  ];

  it('is inert in the e-mail, on the staff page, on the public page and in the feeds', async () => {
    const adminSession = world.credentials.admin.session!;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(markdown, line, line, async (body, title, summary) => {
        n += 1;
        const reference = `HOSTILE-2026-${String(n).padStart(4, '0')}`;
        const advisory = await insertAdvisory(w.deps.db, {
          reference,
          title,
          summary,
          body,
          tlp: 'CLEAR',
          state: 'sent',
          cves: ['CVE-2026-12345'],
          references: ['https://example.com/"onmouseover="alert(1)'],
        });
        // The e-mail, as the fan-out builds it.
        const build = await prepareAdvisoryMessages(w.deps, advisory);
        const message = await build({
          id: `dlv${n}aaaaaaaaaaaaaa`,
          mailboxId: 'mbx-hostile',
          address: `soc@${OWN.toLowerCase()}.gov.uk`,
          mailboxKind: 'primary',
          authorityName: 'Ownshire <Council> & "Friends"',
        });
        expect(unsafeHtml(message.html ?? ''), `e-mail for ${JSON.stringify(body)}`).toEqual([]);
        expect(message.subject).not.toMatch(/[\r\n]/);
        // The staff page and the public page.
        const staff = await w.app.request(`/advisories/${advisory.id}`, {
          headers: { accept: 'text/html', cookie: `cc_session=${adminSession.secret}` },
        });
        expect(staff.status).toBe(200);
        expect(
          unsafeHtml(await staff.text(), { layout: true }),
          `staff page for ${JSON.stringify(body)}`,
        ).toEqual([]);
        const pub = await w.app.request(`/advisories/public/${reference}`, {
          headers: { accept: 'text/html' },
        });
        expect(pub.status).toBe(200);
        const pubHtml = await pub.text();
        expect(unsafeHtml(pubHtml, { layout: true }), `public page for ${JSON.stringify(body)}`).toEqual([]);
        expect(pubHtml).not.toContain('<script>alert');
        // The Atom feed: only Atom's own elements, and the HTML it carries (escaped inside the XML) is, once
        // a feed reader unescapes it, as inert as the page's.
        const atom = await (await w.app.request('/feeds/advisories.atom')).text();
        const elements = new Set([...atom.matchAll(/<\/?([a-zA-Z][\w:-]*)/g)].map((m) => m[1]!));
        for (const e of elements) expect(atomElements, `<${e}> in the feed`).toContain(e);
        for (const m of atom.matchAll(/<content type="html">([^<]*)<\/content>/g)) {
          const html = m[1]!
            .replaceAll('&lt;', '<')
            .replaceAll('&gt;', '>')
            .replaceAll('&quot;', '"')
            .replaceAll('&amp;', '&');
          expect(unsafeHtml(html), `feed entry for ${JSON.stringify(body)}`).toEqual([]);
        }
      }),
      { seed: SEED, numRuns: RUNS + 10 },
    );
  }, 120_000);

  it('the checker itself catches what it looks for', () => {
    expect(unsafeHtml('<p>fine <a href="https://x.example">x</a></p>')).toEqual([]);
    expect(unsafeHtml('<img src=x onerror=alert(1)>')).not.toEqual([]);
    expect(unsafeHtml('<a href="jav&#x61;script:alert(1)">x</a>')).not.toEqual([]);
    expect(unsafeHtml('<a href="java\tscript:alert(1)">x</a>')).not.toEqual([]);
    expect(unsafeHtml('<script>alert(1)</script>')).not.toEqual([]);
    expect(unsafeHtml('<script type="module" src="/app.js"></script>', { layout: true })).toEqual([]);
    expect(unsafeHtml('<div style="background:url(javascript:x)">')).not.toEqual([]);
    expect(hostileStrings.length).toBeGreaterThan(20);
  });
});
