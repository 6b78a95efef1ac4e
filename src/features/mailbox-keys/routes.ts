// The mailbox key API: a mailbox's OpenPGP keys, read, uploaded, discovered on its domain, removed. For
// whoever can see the mailbox (its council, its WARP's operators, admins); anyone else gets a 404.
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, requirePrincipal } from '../../actor.js';
import { bearer, createRouter, json, pick } from '../../openapi.js';
import { addMailboxKey, discoverMailboxKey } from './add-key.js';
import { listMailboxKeys, removeMailboxKey } from './manage-keys.js';
import { KeyAdded, KeyDiscovery, KeyUpload, MailboxKeySchema } from './schemas.js';

const Id = z.object({ id: z.string().min(1).max(64) });
const KeyId = z.object({ id: z.string().min(1).max(64), keyId: z.string().min(1).max(64) });

export function mailboxKeyRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/mailboxes/{id}/keys',
      operationId: 'listMailboxKeys',
      tags: ['Mailboxes'],
      summary: 'A mailbox’s OpenPGP keys (pending and confirmed), with their fingerprints',
      security: bearer,
      request: { params: Id },
      responses: {
        200: json(z.object({ items: z.array(MailboxKeySchema) }), 'The keys'),
        ...pick(401, 403, 404),
      },
    }),
    async (c) =>
      c.json({ items: await listMailboxKeys(c.var.deps, requirePrincipal(c), c.req.valid('param').id) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/mailboxes/{id}/key',
      operationId: 'uploadMailboxKey',
      tags: ['Mailboxes'],
      summary: 'Give a confirmed mailbox an OpenPGP public key; a link encrypted to it confirms it (202)',
      description:
        'The key must be a public key with a user ID for the mailbox address and a subkey that can encrypt, neither expired nor revoked, at most 64 KB. It is pending until the link sent to the mailbox, encrypted to that key, is followed; then TLP:AMBER and TLP:RED advisories to the mailbox are encrypted to it.',
      security: bearer,
      request: {
        params: Id,
        body: { content: { 'application/json': { schema: KeyUpload } }, required: true },
      },
      responses: {
        202: json(KeyAdded, 'Key pending confirmation'),
        ...pick(401, 403, 404, 409, 413, 415, 422, 429),
      },
    }),
    async (c) => {
      const added = await addMailboxKey(
        c.var.deps,
        actorOf(c),
        c.req.valid('param').id,
        c.req.valid('json').key,
        {
          source: 'upload',
        },
      );
      return c.json(added, 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/mailboxes/{id}/key/discover',
      operationId: 'discoverMailboxKey',
      tags: ['Mailboxes'],
      summary: 'Find a mailbox’s OpenPGP key on its own domain (WKD or security.txt) and confirm it (202)',
      security: bearer,
      request: {
        params: Id,
        body: { content: { 'application/json': { schema: KeyDiscovery } }, required: true },
      },
      responses: {
        202: json(KeyAdded, 'Key found, pending confirmation'),
        ...pick(401, 403, 404, 409, 415, 422, 429),
      },
    }),
    async (c) => {
      const added = await discoverMailboxKey(
        c.var.deps,
        actorOf(c),
        c.req.valid('param').id,
        c.req.valid('json').source,
      );
      return c.json(added, 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/mailboxes/{id}/keys/{keyId}',
      operationId: 'removeMailboxKey',
      tags: ['Mailboxes'],
      summary: 'Remove a mailbox’s OpenPGP key: advisories to it are no longer encrypted',
      security: bearer,
      request: { params: KeyId },
      responses: { 200: json(MailboxKeySchema, 'Removed'), ...pick(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, keyId } = c.req.valid('param');
      return c.json(await removeMailboxKey(c.var.deps, actorOf(c), id, keyId), 200);
    },
  );

  return router;
}
