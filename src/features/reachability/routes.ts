// The reachability API: a domain's checks (read within scope, run now by an admin), an authority's checks
// and mailbox statuses, the inbound bounce endpoint (inbound tokens only) and the service's security.txt.

import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, like } from 'drizzle-orm';
import { actorOf, requirePrincipal } from '../../actor.js';
import { inList } from '../../db/limits.js';
import { mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { liveMailboxStates } from '../../domain/mailbox-states.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { bearer, createRouter, json, pick } from '../../openapi.js';
import { canSeeAuthority } from '../auth/scope.js';
import type { CheckResult } from '../checks/findings.js';
import {
  type CheckView,
  checkHistory,
  checkView,
  type LatestChecks,
  latestChecksFor,
} from '../checks/latest.js';
import { securityTxt } from '../checks/own-security-txt.js';
import {
  AuthorityChecksSchema,
  BounceOutcomeSchema,
  CheckRunSchema,
  DomainChecksSchema,
  DomainParam,
} from '../checks/schemas.js';
import { domainOf, mailboxStatusDetail } from '../checks/status.js';
import { applySmsReceipt } from '../mobiles/sms-receipts.js';
import { recordBounce, recordProviderReceipt } from './bounces.js';
import { checkDomainNow } from './check-now.js';

/** Admins see every domain; others a domain on which a council they can see has a live mailbox. */
async function canSeeDomain(deps: Deps, principal: Principal, domain: string): Promise<boolean> {
  if (principal.role === 'admin') return true;
  const rows = await deps.db
    .selectDistinct({ code: mailboxes.authorityCode, address: mailboxes.address })
    .from(mailboxes)
    .where(and(inList(mailboxes.state, liveMailboxStates), like(mailboxes.address, `%@${domain}`)));
  for (const code of new Set(rows.filter((r) => domainOf(r.address) === domain).map((r) => r.code)))
    if (await canSeeAuthority(deps.db, principal, code)) return true;
  return false;
}

const latestView = (latest: LatestChecks | undefined): Record<string, CheckView> =>
  Object.fromEntries(Object.entries(latest ?? {}).flatMap(([kind, c]) => (c ? [[kind, checkView(c)]] : [])));

const resultView = (r: CheckResult, checkedAt: string) => {
  const { findings, ...detail } = r.detail;
  return { kind: r.kind, severity: r.severity, summary: r.summary, findings, detail, checkedAt };
};

const inboundTypes = ['message/rfc822', 'text/plain'];

export function reachabilityRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/domains/{domain}/checks',
      operationId: 'listDomainChecks',
      tags: ['Reachability'],
      summary: 'A mail domain’s latest check of each kind (MX, SPF, DMARC, MTA-STS, TLS-RPT, security.txt)',
      description:
        'Staff, and a council with a mailbox on the domain. `?history=true` adds every stored result, newest first.',
      security: bearer,
      request: {
        params: DomainParam,
        query: z.object({
          history: z.enum(['true', 'false']).default('false'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: { 200: json(DomainChecksSchema, 'The checks'), ...pick(401, 403, 404, 422) },
    }),
    async (c) => {
      const deps = c.var.deps;
      const { domain } = c.req.valid('param');
      const query = c.req.valid('query');
      if (!(await canSeeDomain(deps, requirePrincipal(c), domain)))
        throw new AppError('not_found', `There is no mail domain "${domain}" that you can see.`);
      const latest = (await latestChecksFor(deps, [domain])).get(domain);
      const history =
        query.history === 'true' ? (await checkHistory(deps, domain, query.limit)).map(checkView) : undefined;
      return c.json({ domain, latest: latestView(latest), ...(history ? { history } : {}) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/domains/{domain}/checks',
      operationId: 'runDomainChecks',
      tags: ['Reachability'],
      summary: 'Check a mail domain now (admins; rate limited per domain)',
      security: bearer,
      request: { params: DomainParam },
      responses: { 200: json(CheckRunSchema, 'The results of this run'), ...pick(401, 403, 404, 422, 429) },
    }),
    async (c) => {
      const { domain } = c.req.valid('param');
      const run = await checkDomainNow(c.var.deps, actorOf(c), domain);
      return c.json({ ...run, results: run.results.map((r) => resultView(r, run.checkedAt)) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/authorities/{code}/checks',
      operationId: 'listAuthorityChecks',
      tags: ['Reachability'],
      summary: 'An authority’s mailboxes with their reachability status, and their domains’ latest checks',
      security: bearer,
      request: { params: z.object({ code: authorityCodeSchema() }) },
      responses: { 200: json(AuthorityChecksSchema, 'Statuses and checks'), ...pick(401, 403, 404, 422) },
    }),
    async (c) => {
      const deps = c.var.deps;
      const code = c.req.valid('param').code.toUpperCase();
      const authority = await deps.db.query.authorities.findFirst({
        where: (a, { eq }) => eq(a.code, code),
        columns: { code: true },
      });
      if (!authority) throw new AppError('not_found', `There is no authority with code "${code}".`);
      if (!(await canSeeAuthority(deps.db, requirePrincipal(c), code)))
        throw new AppError('forbidden', 'You can only see the checks of councils in your scope.');
      const rows = await deps.db
        .select()
        .from(mailboxes)
        .where(and(eq(mailboxes.authorityCode, code), inList(mailboxes.state, liveMailboxStates)));
      // Only an approved affiliation shows a domain's checks: a registration still waiting for an admin
      // (on a domain that is not the council's) must not reveal anything about that domain.
      const domains = [
        ...new Set(rows.filter((m) => m.state !== 'awaiting-approval').map((m) => domainOf(m.address))),
      ].sort();
      const latest = await latestChecksFor(deps, domains);
      const options = { softBounceThreshold: deps.config.SOFT_BOUNCE_THRESHOLD };
      return c.json(
        {
          authority: code,
          mailboxes: rows.map((m) => ({
            id: m.id,
            address: m.address,
            kind: m.kind,
            state: m.state,
            domain: domainOf(m.address),
            ...mailboxStatusDetail(m, latest.get(domainOf(m.address)), options),
          })),
          domains: domains.map((d) => ({ domain: d, latest: latestView(latest.get(d)) })),
        },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/inbound/bounces',
      operationId: 'receiveBounce',
      tags: ['Reachability'],
      summary: 'Report a bounce: the raw delivery status notification (RFC 3464) as message/rfc822',
      description:
        'For the mail system that receives bounces at the VERP address, with an `inbound` token (and only that). The report is matched to a delivery only by its envelope recipient, the signed VERP address `bounces+<delivery id>.<tag>@MAIL_DOMAIN`: send it in the `X-Envelope-To` header (a Postfix pipe passes its original_recipient), else the topmost X-Original-To/Delivered-To line the delivering MTA prepended is used; an unsigned or wrongly signed address matches nothing. Whose fault it is decides the effect (RFC 3463): an address or mailbox problem (5.1.1, 5.1.2, 5.2.1 …) fails the delivery and marks the mailbox unreachable; mailbox full and 4.x.x count a soft bounce; a refusal of our own mail (5.1.7, 5.1.8, 5.7.x about the sender, SPF, DMARC …) is a technical failure of ours; where the code is generic (5.0.0, 5.5.0, 5.7.1, Microsoft 365\u2019s 5.4.1) the server\u2019s words decide. Only a recipient that is the delivery\u2019s own address changes it. `summary` says in words what the report changed. A report that matches no delivery is still accepted (`matched: false`, effect `unmatched`, summary `no delivery matched; nothing changed`): nothing changes.',
      security: [{ bearerAuth: [] }],
      request: {
        body: {
          content: { 'message/rfc822': { schema: z.string() }, 'text/plain': { schema: z.string() } },
          required: true,
        },
      },
      responses: { 202: json(BounceOutcomeSchema, 'Recorded'), ...pick(400, 401, 403, 413, 415) },
    }),
    async (c) => {
      const deps = c.var.deps;
      const type = (c.req.header('content-type') ?? '').replace(/;.*$/s, '').trim().toLowerCase();
      if (!inboundTypes.includes(type))
        throw new AppError('unsupported_media_type', 'Send the bounce as message/rfc822 (or text/plain).');
      const bytes = await c.req.arrayBuffer();
      if (bytes.byteLength > deps.config.INBOUND_LIMIT_BYTES)
        throw new AppError('payload_too_large', 'The message is larger than this endpoint accepts.');
      if (bytes.byteLength === 0) throw new AppError('bad_request', 'The body is empty.');
      const raw = new TextDecoder('utf-8').decode(bytes);
      const envelopeTo = c.req.header('x-envelope-to')?.trim() || null;
      return c.json(await recordBounce(deps, actorOf(c), raw, { source: 'http', envelopeTo }), 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/notify/receipts',
      operationId: 'receiveNotifyReceipt',
      tags: ['Mobiles'],
      summary:
        'Delivery receipts from GOV.UK Notify (its callback): texts, and mail with MAIL_PROVIDER=notify',
      description:
        'In Notify, set this URL as the service’s delivery-receipt callback and an `inbound` API token (`token create --role inbound`) as its bearer token. A text’s receipt settles it (a number Notify calls invalid is marked unreachable); a receipt for a text we no longer wait on changes nothing. An e-mail’s failure is a bounce matched by our Message-ID (its `reference`) and the address: permanent-failure marks the mailbox unreachable, temporary-failure counts a soft bounce, technical-failure is ours.',
      security: [{ bearerAuth: [] }],
      request: {
        body: {
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
          required: true,
        },
      },
      responses: {
        200: json(z.object({ effect: z.string() }), 'Recorded (or nothing to change)'),
        ...pick(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const deps = c.var.deps;
      const read = deps.sms.readReceipt?.(c.req.valid('json'));
      if (!read)
        throw new AppError('conflict', `The SMS provider in use (${deps.sms.provider}) sends no receipts.`);
      if (read.kind === 'invalid')
        throw new AppError('bad_request', `Not a delivery receipt: ${read.reason}`);
      if (read.channel === 'email') {
        const outcome = await recordProviderReceipt(
          deps,
          actorOf(c),
          { reference: read.receipt.reference, to: read.to, providerStatus: read.receipt.providerStatus },
          'notify',
        );
        return c.json(
          { effect: outcome.recipients[0]?.effect ?? (outcome.matched ? 'recorded' : 'unmatched') },
          200,
        );
      }
      const effect = await applySmsReceipt(deps, read.receipt);
      return c.json({ effect }, 200);
    },
  );

  router.get('/.well-known/security.txt', (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.text(securityTxt(c.var.deps.config, c.var.deps.clock.now()));
  });

  return router;
}
