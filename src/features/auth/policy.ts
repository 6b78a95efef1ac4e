// Who may call which route: one declared table, deny by default. The key is "METHOD /path" as the route
// is registered. A route missing from this table answers 403 to everyone (and the policy test fails).
import type { Role } from '../../domain/principal.js';

export type Access = 'public' | readonly (Role | 'inbound')[];

const anyone = 'public' as const;
const signedIn = ['admin', 'warp', 'council'] as const;
const admin = ['admin'] as const;
const staff = ['admin', 'warp'] as const;

export const policy: Record<string, Access> = {
  // service
  'GET /healthz': anyone,
  'GET /readyz': anyone,
  'GET /openapi.json': anyone,
  'GET /docs': anyone,
  'GET /assets/*': anyone,
  'GET /app.js': anyone,
  'GET /app.css': anyone,
  'GET /api/v1/me': signedIn,
  'GET /metrics': admin, // Prometheus text; a scraper uses an admin API token

  // register
  'POST /api/v1/register/imports': admin,
  'POST /api/v1/register/sync': admin,
  'POST /api/v1/register/domain-imports': admin,
  'GET /api/v1/register/held-imports': admin,
  'POST /api/v1/register/held-imports/:id/approve': admin,
  'POST /api/v1/register/held-imports/:id/refuse': admin,
  'GET /api/v1/authorities': signedIn,
  'GET /api/v1/authorities/:code': signedIn,
  'POST /api/v1/authorities/:code/domains': admin,
  'DELETE /api/v1/authorities/:code/domains/:domain': admin,
  'GET /api/v1/warps': signedIn,
  'GET /api/v1/warps/:id': signedIn,
  'POST /api/v1/warps': admin,
  'PATCH /api/v1/warps/:id': admin,
  'DELETE /api/v1/warps/:id': admin,
  'POST /api/v1/warps/:id/members': admin,

  // mailboxes
  'POST /api/v1/mailboxes': anyone,
  'GET /api/v1/mailboxes': signedIn,
  'GET /api/v1/mailboxes/:id': signedIn,
  'GET /api/v1/authorities/:code/mailboxes': signedIn,
  'POST /api/v1/mailboxes/:id/approve': admin,
  'POST /api/v1/mailboxes/:id/refuse': admin,
  'POST /api/v1/mailboxes/:id/resend': signedIn,
  'DELETE /api/v1/mailboxes/:id': signedIn,
  'PATCH /api/v1/mailboxes/:id': signedIn,

  // out-of-hours mobiles (src/features/mobiles): the council manages its own (admins any); WARP operators
  // see members' numbers masked; Notify's receipts come with an inbound token as their bearer token
  'GET /api/v1/authorities/:code/mobiles': signedIn,
  'POST /api/v1/authorities/:code/mobiles': ['admin', 'council'],
  'GET /api/v1/mobiles/:id': signedIn,
  'POST /api/v1/mobiles/:id/confirm': ['admin', 'council'],
  'POST /api/v1/mobiles/:id/code': ['admin', 'council'],
  'DELETE /api/v1/mobiles/:id': ['admin', 'council'],
  'POST /api/v1/notify/receipts': ['inbound'],

  // reachability (src/features/checks): domain checks, statuses, bounces, the service's security.txt
  'GET /api/v1/domains/:domain/checks': signedIn, // scoped in the handler: a council sees its own domains
  'POST /api/v1/domains/:domain/checks': admin,
  'GET /api/v1/authorities/:code/checks': signedIn,
  'POST /api/v1/inbound/bounces': ['inbound'],
  'GET /.well-known/security.txt': anyone,

  // the service's OpenPGP keys (src/features/openpgp): the Web Key Directory (direct and advanced methods) and
  // the armored download, for anyone checking an advisory's signature
  'GET /.well-known/openpgpkey/policy': anyone,
  'GET /.well-known/openpgpkey/hu/:hash': anyone,
  'GET /.well-known/openpgpkey/:domain/policy': anyone,
  'GET /.well-known/openpgpkey/:domain/hu/:hash': anyone,
  'GET /.well-known/openpgpkey/key.asc': anyone,

  // "is this genuine?" (src/features/genuine): anyone checks a received e-mail or an advisory reference;
  // limited per client address, answers nothing beyond the verdict
  'POST /api/v1/genuine': anyone,
  'GET /genuine': anyone,
  'POST /genuine': anyone,
  'GET /genuine/result': anyone,

  // advisories: release control
  'POST /api/v1/advisories/:id/release': ['admin', 'warp'],
  'POST /api/v1/advisories/:id/approve': admin,
  'POST /api/v1/advisories/:id/cancel': ['admin', 'warp'],

  // advisories: authoring (reads are scoped in the query; councils see only what was sent to them)
  'POST /api/v1/advisories': staff,
  'GET /api/v1/advisories': signedIn,
  'POST /api/v1/advisories/preview': staff,
  'GET /api/v1/advisories/:id': signedIn,
  'PATCH /api/v1/advisories/:id': staff,
  'GET /api/v1/advisories/:id/preview': staff,
  'POST /api/v1/advisories/:id/updates': staff,
  // advisories: tracking (report, progress, CSAF are scoped in the query; escalation and operators are admin's)
  'GET /api/v1/advisories/:id/report': signedIn,
  'GET /api/v1/advisories/:id/report.csv': signedIn,
  'GET /api/v1/advisories/:id/progress': signedIn,
  'GET /api/v1/advisories/:id/deliveries': signedIn,
  'GET /api/v1/advisories/:id/email': staff,
  'POST /api/v1/advisories/:id/test': staff,
  'GET /api/v1/advisories/:id/csaf': ['admin', 'warp'],
  'POST /api/v1/advisories/:id/escalate': admin,
  'GET /api/v1/warps/:id/operators': admin,
  'PUT /api/v1/warps/:id/operators': admin,
  'GET /feeds/advisories.atom': anyone,
  'GET /feeds/advisories.json': anyone,
  // the CSAF 2.0 trusted provider (src/features/csaf): TLP:CLEAR documents only, so anyone; anything not
  // public is a 404 whoever asks (documents above CLEAR: the authorised /api/v1/advisories/:id/csaf)
  'GET /.well-known/csaf/provider-metadata.json': anyone,
  'GET /.well-known/csaf/clear/feed-tlp-clear.json': anyone,
  'GET /.well-known/csaf/clear/index.txt': anyone,
  'GET /.well-known/csaf/clear/changes.csv': anyone,
  'GET /.well-known/csaf/clear/:year/:file': anyone,

  'GET /api/v1/test-audiences': staff,
  'GET /api/v1/test-audiences/:name': staff,
  'PUT /api/v1/test-audiences/:name': staff,
  'DELETE /api/v1/test-audiences/:name': staff,

  // reachability drills (src/features/drills): staff only, a WARP operator its own WARP's drills (scoped in
  // the query); councils see nothing of drills but their own acknowledgement page, through its signed link
  'POST /api/v1/drills': staff,
  'GET /api/v1/drills': staff,
  'GET /api/v1/drills/:id': staff,
  'POST /api/v1/drills/:id/start': staff,
  'POST /api/v1/drills/:id/cancel': staff,
  'GET /api/v1/drills/:id/report': staff,
  'GET /api/v1/drills/:id/report.csv': staff,

  // access control and audit
  'GET /api/v1/tokens': admin,
  'POST /api/v1/tokens': admin,
  'DELETE /api/v1/tokens/:id': admin,
  'GET /api/v1/audit': signedIn,
  'GET /api/v1/mail': admin,
  'POST /api/v1/mail/resume': admin,
  'GET /api/v1/staff': admin,
  'POST /api/v1/staff': admin,
  'DELETE /api/v1/staff/:address': admin,

  // coverage (src/features/coverage): counts are public; the chase list names councils, so it is
  // signed-in only and scoped in the query (WARP: its members; council: its own row)
  'GET /api/v1/coverage': anyone,
  'GET /api/v1/coverage.csv': anyone,
  'GET /api/v1/coverage/history': anyone,
  'POST /api/v1/coverage/snapshots': admin,
  'GET /api/v1/coverage/chase': signedIn,
  'GET /api/v1/coverage/chase.csv': signedIn,
  'GET /api/v1/authorities/:code/contact-paths': signedIn, // scoped in the handler, as the authority's page

  // pages (src/web/pages)
  'GET /': anyone,
  'GET /register': anyone,
  'POST /register': anyone,
  'GET /register/done': anyone,
  'GET /confirm/:token': anyone,
  'POST /confirm/:token': anyone,
  'GET /confirm/done': anyone,
  'GET /handover/:token': anyone,
  'POST /handover/:token': anyone,
  'GET /handover/done': anyone,
  'GET /offers/done': anyone,
  'GET /offers/:token': anyone,
  'POST /offers/:token': anyone,
  'GET /sign-in': anyone,
  'POST /sign-in': anyone,
  'GET /sign-in/sent': anyone,
  'POST /sign-in/token': anyone,
  'GET /sign-in/:token': anyone,
  'POST /sign-in/:token': anyone,
  'POST /sign-out': signedIn,
  'GET /account': signedIn,
  'POST /account/mailboxes/:id/resend': ['council'],
  'GET /account/mobiles/new': ['council'],
  'POST /account/mobiles': ['council'],
  'GET /account/mobiles/:id/code': ['council'],
  'POST /account/mobiles/:id/code': ['council'],
  'POST /account/mobiles/:id/resend': ['council'],
  'GET /account/mobiles/:id/remove': ['council'],
  'POST /account/mobiles/:id/remove': ['council'],
  'GET /account/mailboxes/:id/contact': ['council'],
  'POST /account/mailboxes/:id/contact': ['council'],
  'GET /account/advisories/:id': ['council'],
  'POST /account/advisories/:id/acknowledge': ['council'],
  'GET /account/mailboxes/:id/retire': ['council'],
  'POST /account/mailboxes/:id/retire': ['council'],
  'GET /coverage': anyone,
  'GET /dashboard': staff,
  'GET /dashboard/chase': staff,
  'POST /dashboard/chase/:code/remind': staff,
  'POST /api/v1/coverage/chase/:code/remind': staff,
  'GET /authorities/:code': signedIn, // scoped in the handler: staff their scope, a council its own
  'POST /authorities/:code/mailboxes/:id/resend': staff,
  'GET /authorities/:code/mailboxes/:id/retire': staff,
  'POST /authorities/:code/mailboxes/:id/retire': staff,
  'POST /authorities/:code/checks': admin,
  'POST /authorities/:code/domains': admin,
  'GET /admin/approvals': admin,
  'POST /admin/approvals/:id/approve': admin,
  'POST /admin/approvals/:id/refuse': admin,
  'POST /admin/approvals/register/:id/approve': admin,
  'POST /admin/approvals/register/:id/refuse': admin,
  'GET /advisories': staff,
  'GET /advisories/new': staff,
  'POST /advisories/new': staff,
  'GET /advisories/:id': staff,
  'GET /advisories/:id/edit': staff,
  'POST /advisories/:id/edit': staff,
  'GET /advisories/:id/progress-panel': staff,
  'GET /advisories/:id/email': staff,
  'GET /advisories/:id/email.html': staff,
  'POST /advisories/:id/send-test': staff,
  'GET /advisories/:id/release': staff,
  'GET /advisories/:id/approve': admin,
  'GET /advisories/:id/cancel': staff,
  'POST /advisories/:id/release': staff,
  'POST /advisories/:id/approve': admin,
  'POST /advisories/:id/cancel': staff,
  'POST /advisories/:id/resume-sending': admin,
  'GET /advisories/public/:reference': anyone,
  'GET /accessibility': anyone,
  'GET /privacy': anyone,
  'GET /cookies': anyone,
  'GET /feedback': anyone,
  'GET /ack/:token': anyone,
  'POST /ack/:token': anyone,
  // the link in a text to an out-of-hours mobile about an urgent advisory (signed; no content above CLEAR)
  'GET /s/:token': anyone,
  'POST /s/:token': anyone,
  'GET /drills': staff,
  'GET /drills/new': staff,
  'POST /drills/new': staff,
  'POST /drills/check': staff,
  'GET /drills/:id': staff,
  'POST /drills/:id/start': staff,
  'POST /drills/:id/cancel': staff,
  'GET /drills/ack/:token': anyone,
  'POST /drills/ack/:token': anyone,
  'GET /d/:token': anyone,
  'POST /d/:token': anyone,

  // the team, API keys and the audit log (src/web/pages/team-routes.tsx, api-keys-routes.tsx, audit-routes.tsx):
  // the team and the audit log are admins'; API keys: admins any key, a WARP operator their own keys of their
  // WARP, a council its own authority's keys (scoped in the query)
  'GET /team': admin,
  'GET /team/invite': admin,
  'POST /team/invite': admin,
  'GET /team/:address/role': admin,
  'POST /team/:address/role': admin,
  'POST /team/:address/disable': admin,
  'POST /team/:address/enable': admin,
  'PATCH /api/v1/staff/:address': admin,
  'POST /api/v1/staff/:address/enable': admin,
  'GET /api-keys': signedIn,
  'GET /api-keys/new': signedIn,
  'POST /api-keys/new': signedIn,
  'POST /api-keys/:id/revoke': signedIn,
  'GET /audit': admin,
  'GET /audit.csv': admin,
  // mailbox OpenPGP keys (src/features/mailbox-keys): whoever can see the mailbox, scoped in the query;
  // the confirmation link (sent encrypted to the key) is its own proof
  'GET /api/v1/mailboxes/:id/keys': signedIn,
  'POST /api/v1/mailboxes/:id/key': signedIn,
  'POST /api/v1/mailboxes/:id/key/discover': signedIn,
  'DELETE /api/v1/mailboxes/:id/keys/:keyId': signedIn,
  'GET /confirm-key/done': anyone,
  'GET /confirm-key/:token': anyone,
  'POST /confirm-key/:token': anyone,
  'GET /account/mailboxes/:id/key': ['council'],
  'POST /account/mailboxes/:id/key': ['council'],
  'POST /account/mailboxes/:id/key/discover': ['council'],
  'POST /account/mailboxes/:id/keys/:keyId/remove': ['council'],
  // passkeys (src/features/passkeys): staff register and manage their own (scoped to the session's person in
  // the query); anyone may try to sign in with one. An admin session not yet made with a passkey reaches
  // only some of these (features/passkeys/admin-rule.ts).
  'GET /api/v1/passkeys': staff,
  'POST /api/v1/passkeys/registration-options': staff,
  'POST /api/v1/passkeys': staff,
  'POST /api/v1/sign-in/passkey/options': anyone,
  'POST /api/v1/sign-in/passkey': anyone,
  'GET /passkeys.js': anyone,
  'GET /account/passkeys/:id/rename': staff,
  'POST /account/passkeys/:id/rename': staff,
  'GET /account/passkeys/:id/remove': staff,
  'POST /account/passkeys/:id/remove': staff,
};

export function accessFor(method: string, path: string): Access | undefined {
  return policy[`${method === 'HEAD' ? 'GET' : method} ${path}`];
}
