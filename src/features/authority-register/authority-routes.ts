// The authorities API: list and read register authorities (any signed-in role); admins edit their domains.

import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../actor.js';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { bearer, createRouter, json, listOf, multiValueQuery, PageQuery, pick } from '../../openapi.js';
import { addAuthorityDomain, removeAuthorityDomain } from './authority-domains.js';
import { getAuthority } from './get-authority.js';
import { listAuthorities } from './list-authorities.js';

const AuthorityQuery = PageQuery.extend({
  nation: multiValueQuery(
    'Nation, exactly as in the register (England, Wales, Scotland, Northern Ireland).',
    'Wales',
  ),
  region: multiValueQuery(
    'Region, exactly as in the register (e.g. "London", "North West", "Wales").',
    'London',
  ),
  type: multiValueQuery('Register type code (e.g. UA, NMD, LBO, MD, CTY, WPA); any case.', 'UA,WPA'),
  warp: multiValueQuery('WARP id.', 'wales'),
  status: z.enum(['current', 'upcoming', 'former']).optional().openapi({
    description:
      'Current, upcoming (created by a reorganisation, vesting on its start date) or former authorities only (default: all).',
  }),
  q: z.string().max(100).optional().openapi({
    description:
      'Text search over code, name, short name and alternative names (case-insensitive for ASCII letters; % and _ match literally).',
    example: 'cardiff',
  }),
});

const CodeParam = z.object({
  code: authorityCodeSchema().openapi({
    description: 'Register code (local-authority-code), any case',
    example: 'CRF',
  }),
});

const WarpRef = z.object({ id: z.string(), name: z.string() }).openapi('WarpRef');

const Status = z.enum(['current', 'upcoming', 'former']);

const AuthorityLink = z
  .object({
    code: z.string(),
    name: z.string().nullable().openapi({ description: 'Null when the code is not in the register' }),
    status: Status.nullable(),
  })
  .openapi('AuthorityLink');

const AuthoritySummary = z
  .object({
    code: z.string().openapi({ example: 'CRF' }),
    name: z.string().openapi({ example: 'Cardiff Council' }),
    shortName: z.string().openapi({ example: 'Cardiff' }),
    gss: z.string().nullable().openapi({ example: 'W06000015' }),
    nation: z.string().openapi({ example: 'Wales' }),
    region: z.string().openapi({ example: 'Wales' }),
    type: z.string().openapi({ example: 'UA' }),
    typeName: z.string().openapi({ example: 'Unitary authority' }),
    county: z.string().nullable(),
    status: Status,
    startDate: z.string().nullable(),
    endDate: z.string().nullable(),
    warp: z.union([WarpRef, z.null()]), // not WarpRef.nullable(): that documents WarpRef itself as nullable
  })
  .openapi('AuthoritySummary', {
    description:
      'An authority as listed. List items leave out domains, successors and predecessors; read one authority for them.',
  });

const Authority = AuthoritySummary.extend({
  domains: z
    .array(z.string())
    .openapi({ description: 'E-mail domains, sorted', example: ['cardiff.gov.uk'] }),
  successors: z.array(AuthorityLink).openapi({ description: 'The authorities that replaced this one' }),
  predecessors: z.array(AuthorityLink).openapi({ description: 'The authorities this one replaced' }),
}).openapi('Authority');

const AuthorityDomains = z
  .object({ code: z.string(), domains: z.array(z.string()) })
  .openapi('AuthorityDomains');

const NewAuthorityDomain = z
  .object({
    domain: z.string().min(1).max(1000).openapi({
      description:
        'A mail domain. Trimmed, lower-cased, trailing dot removed, IDN converted to punycode; needs at least one dot; no wildcards.',
      example: 'cardiff.gov.uk',
    }),
  })
  .strict()
  .openapi('NewAuthorityDomain');

export function authorityRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/authorities',
      operationId: 'listAuthorities',
      tags: ['Authorities'],
      summary: 'List authorities, by name, with filters',
      description:
        'Filters combine with AND; the values of one filter combine with OR. List items leave out domains, successors and predecessors.',
      security: bearer,
      request: { query: AuthorityQuery },
      responses: {
        200: json(listOf(AuthoritySummary, 'AuthorityList'), 'A page of authorities'),
        ...pick(401, 403, 422),
      },
    }),
    async (c) => c.json(await listAuthorities(c.var.deps, c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/authorities/{code}',
      operationId: 'getAuthority',
      tags: ['Authorities'],
      summary: 'One authority, with its WARP, domains, successors and predecessors',
      security: bearer,
      request: { params: CodeParam },
      responses: { 200: json(Authority, 'The authority'), ...pick(401, 403, 404, 422) },
    }),
    async (c) => c.json(await getAuthority(c.var.deps, c.req.valid('param').code), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/authorities/{code}/domains',
      operationId: 'addAuthorityDomain',
      tags: ['Authorities'],
      summary: 'Add an e-mail domain to an authority (admin)',
      description:
        'Answers 201 with the updated list when the domain was added, or 200 with the unchanged list when the authority already had it (nothing is written then). Audited as `authority.domain-add`.',
      security: bearer,
      request: {
        params: CodeParam,
        body: { content: { 'application/json': { schema: NewAuthorityDomain } }, required: true },
      },
      responses: {
        201: json(AuthorityDomains, 'Added; the updated domain list'),
        200: json(AuthorityDomains, 'Already present; the unchanged domain list'),
        ...pick(401, 403, 404, 422),
      },
    }),
    async (c) => {
      const result = await addAuthorityDomain(c.var.deps, actorOf(c), {
        code: c.req.valid('param').code,
        domain: c.req.valid('json').domain,
      });
      const body = { code: result.code, domains: result.domains };
      return result.changed ? c.json(body, 201) : c.json(body, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/authorities/{code}/domains/{domain}',
      operationId: 'removeAuthorityDomain',
      tags: ['Authorities'],
      summary: 'Remove an e-mail domain from an authority (admin)',
      description: 'The domain is normalised as when added. Audited as `authority.domain-remove`.',
      security: bearer,
      request: {
        params: CodeParam.extend({
          domain: z.string().min(1).max(1000).openapi({ example: 'cardiff.gov.uk' }),
        }),
      },
      responses: {
        200: json(AuthorityDomains, 'Removed; the updated domain list'),
        ...pick(401, 403, 404, 422),
      },
    }),
    async (c) => {
      const { code, domain } = c.req.valid('param');
      const result = await removeAuthorityDomain(c.var.deps, actorOf(c), { code, domain });
      return c.json({ code: result.code, domains: result.domains }, 200);
    },
  );

  return router;
}
