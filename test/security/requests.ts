// Requests the security suites send: the app's own route table, path parameters filled from the world
// (OWN's things), request bodies aimed at OWN, and a caller's credentials (pages: session + CSRF field;
// API: bearer token).
import { CSRF_COOKIE, CSRF_FIELD } from '../../src/middleware/csrf.js';
import { MARK, OTH, OWN, OWN_DOMAIN, type PrincipalName, WM, type World, type WorldApp } from './world.js';

export interface Route {
  method: string;
  path: string;
  key: string;
}

/** The app's own route table (as the existing policy test reads it). */
export function appRoutes(app: WorldApp['app']): Route[] {
  const seen = new Map<string, Route>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    const method = r.method === 'HEAD' ? 'GET' : r.method;
    const key = `${method} ${r.path}`;
    if (!seen.has(key)) seen.set(key, { method, path: r.path, key });
  }
  return [...seen.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Machine endpoints outside /api/ (no HTML answers), and downloads (`.csv`: negotiate.ts answers them as API). */
export const machinePaths =
  /^\/(api|feeds|\.well-known|assets)\/|^\/(openapi\.json|healthz|readyz|app\.js|app\.css|metrics)$|\.csv$/;
export const isPage = (path: string) => !machinePaths.test(path);

/** Fills a route's parameters from the world: OWN's things, by parameter name and path prefix. */
export function fill(route: Route, w: World): string {
  const id = (path: string): string => {
    if (
      path.startsWith('/api/v1/mailboxes/') ||
      path.startsWith('/account/mailboxes/') ||
      path.startsWith('/authorities/:code/mailboxes/')
    )
      return w.ids.pending;
    if (path.startsWith('/admin/approvals/')) return w.ids.held;
    if (path.startsWith('/api/v1/warps/')) return WM;
    if (path.startsWith('/api/v1/tokens/') || path.startsWith('/api-keys/')) return w.ids.spareToken;
    if (path.startsWith('/api/v1/mobiles/') || path.startsWith('/account/mobiles/')) return w.ids.mobile;
    // No import is held in the world: an admin gets 404, everyone else 401/403 first.
    if (path.startsWith('/api/v1/register/held-imports/')) return 'no-such-held-import';
    // No drill is in the world: staff get 404 (their scope is the query's), everyone else 401/403 first.
    if (path.startsWith('/api/v1/drills/') || path.startsWith('/drills/')) return 'no-such-drill';
    // The draft suits the verbs that change an advisory before it goes; the sent one everything else.
    if (
      /^\/(api\/v1\/)?advisories\/:id\/(release|approve)$/.test(path) ||
      route.key === 'PATCH /api/v1/advisories/:id'
    )
      return w.ids.draft;
    if (
      path.startsWith('/api/v1/advisories/') ||
      path.startsWith('/advisories/') ||
      path.startsWith('/account/advisories/')
    )
      return w.ids.sent;
    // No passkey is in the world (its staff sign in with tokens): every caller is refused or gets 404.
    if (path.startsWith('/account/passkeys/')) return 'no-such-passkey';
    throw new Error(`no fixture for :id in ${route.key}`);
  };
  return route.path.replace(/:([A-Za-z]+)|\*/g, (m, name: string | undefined) => {
    if (m === '*') return 'govuk-frontend.min.css';
    switch (name) {
      case 'code':
        return OWN;
      case 'domain':
        return OWN_DOMAIN;
      case 'id':
        return id(route.path);
      case 'address':
        return encodeURIComponent(w.ids.staff);
      case 'name':
        return w.ids.testAudience;
      case 'reference':
        return w.ids.sentReference;
      case 'year':
        return '2026';
      case 'file': // the canonical CSAF file name of the advisory OWN was sent (not CLEAR: a 404 for all)
        return `${w.ids.sentReference.toLowerCase()}.json`;
      case 'keyId':
        return 'no-such-key'; // a mailbox's OpenPGP key: the world has none, so an allowed caller gets 404
      case 'hash':
        return 'iy9q119eutrkn8s1mk4r39qejnbu3n5q'; // a WKD name (the draft's example): the world publishes no key
      case 'token':
        if (route.path.startsWith('/confirm/')) return w.ids.confirmToken;
        if (route.path.startsWith('/handover/')) return w.ids.handoverToken;
        if (route.path.startsWith('/ack/')) return w.ids.ackToken;
        return 'not-a-real-sign-in-link-0000000000';
      default:
        throw new Error(`no fixture for :${name} in ${route.key}`);
    }
  });
}

export const advisoryBody = {
  title: 'Matrix advisory',
  summary: 'Patch the appliance today.',
  body: 'Apply the fix.',
  severity: 'high',
  tlp: 'AMBER',
  cves: [],
  references: [],
  audience: { authorities: [OWN] },
  test: false,
};

export type Body = { json: unknown } | { type: string; text: string };

/** Request bodies aimed at OWN, so that scope (not validation) decides. Others send `{}`. */
export const apiBodies: Record<string, Body> = {
  'POST /api/v1/register/imports': { type: 'text/csv', text: 'local-authority-code,official-name\n' },
  'POST /api/v1/register/domain-imports': { json: [] },
  'POST /api/v1/authorities/:code/domains': { json: { domain: `new.${OWN_DOMAIN}` } },
  'POST /api/v1/authorities/:code/mobiles': { json: { number: '07700 900888', label: 'Matrix' } },
  'POST /api/v1/mobiles/:id/confirm': { json: { code: '000000' } },
  'POST /api/v1/warps': { json: { name: 'Brand new WARP' } },
  'PATCH /api/v1/warps/:id': { json: { name: 'Renamed WARP' } },
  'POST /api/v1/warps/:id/members': { json: { authorities: [OTH] } },
  'PUT /api/v1/warps/:id/operators': { json: { operators: [{ address: 'ops@ownshire.gov.uk' }] } },
  'POST /api/v1/tokens': { json: { role: 'admin', name: 'made by the matrix' } },
  'POST /api/v1/staff': { json: { address: 'new-staff@ncsc.gov.uk', name: 'New staff', role: 'admin' } },
  'PATCH /api/v1/staff/:address': { json: { role: 'admin' } },
  'POST /api/v1/mailboxes': {
    json: {
      authority: OWN,
      address: `new-soc@${OWN_DOMAIN}`,
      kind: 'secondary',
      team: 'New team',
      phone: '029 2087 2000',
    },
  },
  'POST /api/v1/mailboxes/:id/refuse': { json: { reason: 'Not a council address' } },
  'POST /api/v1/inbound/bounces': {
    type: 'message/rfc822',
    text: 'From: MAILER-DAEMON@example.net\r\nTo: bounces@cyber-contacts.test\r\nSubject: Undelivered\r\n\r\nNothing useful.\r\n',
  },
  'POST /api/v1/advisories': { json: advisoryBody },
  'POST /api/v1/genuine': { json: { reference: 'NCSC-2026-0001' } },
  'POST /api/v1/advisories/preview': { json: { audience: { authorities: [OWN] }, tlp: 'AMBER' } },
  'PATCH /api/v1/advisories/:id': { json: { summary: 'A changed summary.' } },
  'POST /api/v1/advisories/:id/updates': {
    json: { kind: 'update', summary: 'An update.', body: 'More detail.' },
  },
  'POST /api/v1/advisories/:id/cancel': { json: { reason: 'Sent in error' } },
  'PUT /api/v1/test-audiences/:name': { json: { addresses: [MARK.desk] } },
};

export const formBodies: Record<string, Record<string, string>> = {
  'POST /register': {
    council: 'Ownshire Council',
    address: `new-soc@${OWN_DOMAIN}`,
    kind: 'secondary',
    team: 'New team',
    phone: '029 2087 2000',
  },
  'POST /sign-in': { address: `someone@${OWN_DOMAIN}` },
  'POST /genuine': { check: 'reference', reference: 'NCSC-2026-0001' },
  'POST /sign-in/token': { token: 'cct_not-a-real-token-000000000000000000000' },
  'POST /admin/approvals/:id/refuse': { reason: 'Not a council address' },
  'POST /advisories/new': {
    title: 'Matrix advisory',
    summary: 'Patch the appliance today.',
    body: 'Apply the fix.',
    severity: 'high',
    tlp: 'AMBER',
    authorities: OWN,
  },
  'POST /advisories/:id/cancel': { reason: 'Sent in error' },
  'POST /ack/:token': { name: 'Duty officer' },
  'POST /handover/:token': { answer: 'refuse' },
};

export function buildRequest(
  route: Route,
  who: PrincipalName,
  w: World,
): { path: string; init: RequestInit } {
  const path = fill(route, w);
  const page = isPage(route.path);
  const creds = w.credentials[who];
  const headers: Record<string, string> = {
    accept: page
      ? 'text/html,application/xhtml+xml'
      : route.path === '/metrics'
        ? 'text/plain'
        : 'application/json',
  };
  const cookies: string[] = [];
  // Pages are used with a session, the API with a token; a caller with only one kind uses that.
  if (creds.token && (!page || !creds.session)) headers.authorization = `Bearer ${creds.token}`;
  else if (creds.session) cookies.push(`cc_session=${creds.session.secret}`);
  let body: string | undefined;
  if (route.method !== 'GET') {
    if (page) {
      // The form's CSRF field: the session's token, or the double-submit cookie before sign-in.
      const csrf =
        creds.session && who !== 'expired-session' ? creds.session.csrf : 'matrix-double-submit-token-0001';
      if (!creds.session || who === 'expired-session') cookies.push(`${CSRF_COOKIE}=${csrf}`);
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ ...(formBodies[route.key] ?? {}), [CSRF_FIELD]: csrf }).toString();
    } else {
      const spec = apiBodies[route.key] ?? { json: {} };
      if ('json' in spec) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(spec.json);
      } else {
        headers['content-type'] = spec.type;
        body = spec.text;
      }
    }
  }
  if (cookies.length) headers.cookie = cookies.join('; ');
  return { path, init: { method: route.method, headers, body } };
}
