// The advisory authoring API: compose, edit, read (within scope), preview the reach, write updates and
// cancellations, and manage test audiences. Releasing and sending live in the lead's release routes.
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, requirePrincipal } from '../../actor.js';
import { advisoryStates } from '../../domain/advisory-states.js';
import { tlpLabels } from '../../domain/tlp.js';
import { bearer, createRouter, json, listOf, PageQuery, pick } from '../../openapi.js';
import { createAdvisory } from './create-advisory.js';
import { editAdvisory } from './edit-advisory.js';
import { getAdvisory } from './get-advisory.js';
import { listAdvisories } from './list-advisories.js';
import { createAdvisoryVersion } from './new-version.js';
import { previewAdvisory, previewUnsaved } from './preview-advisory.js';
import {
  AdvisoryInput,
  AdvisoryPatch,
  AdvisoryPreviewInput,
  AdvisoryPreviewSchema,
  AdvisorySchema,
  AdvisoryVersionInput,
  TestAudienceInput,
  TestAudienceSchema,
  testAudienceNamePattern,
} from './schemas.js';
import { deleteTestAudience, getTestAudience, listTestAudiences, putTestAudience } from './test-audiences.js';

const tags = ['Advisories'];
const Id = z.object({ id: z.string().min(1).max(64) });
const Name = z.object({
  name: z
    .string()
    .regex(testAudienceNamePattern, 'A test audience name is lower-case letters, digits and hyphens')
    .openapi({ example: 'soc-team', description: 'A WARP operator’s are named `<warp id>.<name>`' }),
});
const jsonBody = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

export function advisoryAuthoringRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/advisories',
      operationId: 'createAdvisory',
      tags,
      summary: 'Compose an advisory: saved as a draft, nothing is sent',
      description:
        'Admins write NCSC advisories; a WARP operator writes for its WARP and may address only its members (403 otherwise). The reference is generated when not given. Audited as `advisory.create`.',
      security: bearer,
      request: { body: jsonBody(AdvisoryInput) },
      responses: { 201: json(AdvisorySchema, 'The draft'), ...pick(401, 403, 409, 413, 415, 422) },
    }),
    async (c) => c.json(await createAdvisory(c.var.deps, actorOf(c), c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/advisories',
      operationId: 'listAdvisories',
      tags,
      summary: 'List advisories within your scope, newest first',
      description:
        'Admins see all; a WARP operator its WARP’s; a council the released advisories sent to it (never drafts).',
      security: bearer,
      request: {
        query: PageQuery.extend({
          state: z.enum(advisoryStates).optional(),
          tlp: z.enum(tlpLabels).optional(),
          test: z.enum(['true', 'false']).optional(),
        }),
      },
      responses: { 200: json(listOf(AdvisorySchema, 'AdvisoryList'), 'Advisories'), ...pick(401, 403, 422) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const result = await listAdvisories(c.var.deps, requirePrincipal(c), {
        ...q,
        test: q.test === undefined ? undefined : q.test === 'true',
      });
      return c.json(result, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/advisories/preview',
      operationId: 'previewAdvisoryDraft',
      tags,
      summary: 'Preview the reach of an audience and TLP label that is not saved yet',
      security: bearer,
      request: { body: jsonBody(AdvisoryPreviewInput) },
      responses: { 200: json(AdvisoryPreviewSchema, 'What it would reach'), ...pick(401, 403, 415, 422) },
    }),
    async (c) => c.json(await previewUnsaved(c.var.deps, requirePrincipal(c), c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/advisories/{id}',
      operationId: 'getAdvisory',
      tags,
      summary: 'One advisory, with its body rendered as sanitised HTML',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(AdvisorySchema, 'The advisory'), ...pick(401, 403, 404) },
    }),
    async (c) => c.json(await getAdvisory(c.var.deps, requirePrincipal(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/advisories/{id}',
      operationId: 'updateAdvisory',
      tags,
      summary: 'Change a draft (its author, its WARP or an admin)',
      description: 'Only drafts change (409 otherwise). Audited as `advisory.edit`.',
      security: bearer,
      request: { params: Id, body: jsonBody(AdvisoryPatch) },
      responses: { 200: json(AdvisorySchema, 'The changed draft'), ...pick(401, 403, 404, 409, 415, 422) },
    }),
    async (c) =>
      c.json(await editAdvisory(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/advisories/{id}/preview',
      operationId: 'previewAdvisory',
      tags,
      summary: 'Who an advisory would reach: councils, mailboxes, WARPs, and councils with no mailbox',
      description:
        'Computed as the advisory’s sender (a WARP’s advisory reaches only its members). TLP:RED counts confirmed primary mailboxes only.',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(AdvisoryPreviewSchema, 'What it would reach'), ...pick(401, 403, 404) },
    }),
    async (c) => c.json(await previewAdvisory(c.var.deps, requirePrincipal(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/advisories/{id}/updates',
      operationId: 'createAdvisoryUpdate',
      tags,
      summary: 'Write an update or cancellation of a released advisory (a new draft in its thread)',
      description:
        'Fields left out are the original’s (TLP label, audience, severity, title…). Only for advisories being sent or sent.',
      security: bearer,
      request: { params: Id, body: jsonBody(AdvisoryVersionInput) },
      responses: { 201: json(AdvisorySchema, 'The new draft'), ...pick(401, 403, 404, 409, 415, 422) },
    }),
    async (c) =>
      c.json(
        await createAdvisoryVersion(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json')),
        201,
      ),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/test-audiences',
      operationId: 'listTestAudiences',
      tags,
      summary: 'Test audiences you can use',
      security: bearer,
      responses: {
        200: json(listOf(TestAudienceSchema, 'TestAudienceList'), 'Test audiences'),
        ...pick(401, 403),
      },
    }),
    async (c) => {
      const items = await listTestAudiences(c.var.deps, requirePrincipal(c));
      return c.json({ items, total: items.length, limit: items.length, offset: 0 }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/test-audiences/{name}',
      operationId: 'getTestAudience',
      tags,
      summary: 'One test audience',
      security: bearer,
      request: { params: Name },
      responses: { 200: json(TestAudienceSchema, 'The test audience'), ...pick(401, 403, 404, 422) },
    }),
    async (c) =>
      c.json(await getTestAudience(c.var.deps, requirePrincipal(c), c.req.valid('param').name), 200),
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/test-audiences/{name}',
      operationId: 'saveTestAudience',
      tags,
      summary: 'Create or replace a test audience',
      description: 'Every address is checked like a mailbox’s. Audited as `test-audience.put`.',
      security: bearer,
      request: { params: Name, body: jsonBody(TestAudienceInput) },
      responses: {
        200: json(TestAudienceSchema, 'Replaced'),
        201: json(TestAudienceSchema, 'Created'),
        ...pick(401, 403, 415, 422),
      },
    }),
    async (c) => {
      const result = await putTestAudience(
        c.var.deps,
        actorOf(c),
        c.req.valid('param').name,
        c.req.valid('json').addresses,
      );
      return result.created ? c.json(result.audience, 201) : c.json(result.audience, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/test-audiences/{name}',
      operationId: 'deleteTestAudience',
      tags,
      summary: 'Delete a test audience',
      description: 'Audited as `test-audience.delete`.',
      security: bearer,
      request: { params: Name },
      responses: { 204: { description: 'Deleted' }, ...pick(401, 403, 404, 422) },
    }),
    async (c) => {
      await deleteTestAudience(c.var.deps, actorOf(c), c.req.valid('param').name);
      return c.body(null, 204);
    },
  );

  return router;
}
