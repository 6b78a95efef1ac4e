// The CSAF 2.0 trusted provider, for TLP:CLEAR only: anonymous and cacheable (ETag, Last-Modified, 304s,
// CORS open so web tools such as Secvisogram can read them):
//   /.well-known/csaf/provider-metadata.json          who publishes, where, which keys sign
//   /.well-known/csaf/clear/feed-tlp-clear.json       the ROLIE feed
//   /.well-known/csaf/clear/index.txt, changes.csv    the folder's listings
//   /.well-known/csaf/clear/<yyyy>/<id>.json          a document at its canonical URL, with
//                                          .sha256, .sha512 and .asc (the signature, when a key is set)
// Anything else under the folder, and any document that is not public (above CLEAR, a test, not released,
// withdrawn), is a 404 for everyone, signed in or not. Documents above CLEAR are exported only through the
// authorised GET /api/v1/advisories/{id}/csaf, scoped like every other read.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../deps.js';
import { createRouter, json, pick } from '../../openapi.js';
import { csafJson } from '../advisories/csaf-json.js';
import { csafSigningKey, detachedSignature, digestHex, hashFile } from './integrity.js';
import {
  CHANGES_PATH,
  changesCsv,
  INDEX_PATH,
  indexTxt,
  lastUpdated,
  PROVIDER_METADATA_PATH,
  providerMetadata,
  ROLIE_FEED_PATH,
  rolieFeed,
} from './provider-files.js';
import { findPublicCsafDocument, listPublicCsafLineages } from './public-documents.js';

const CACHE = 'public, max-age=300';

/** The weak validator of some bytes: semantically the same (a signature remade later) keeps its ETag. */
const etagOf = async (text: string) => `W/"${(await digestHex(text, 'sha256')).slice(0, 32)}"`;

function notModified(c: Context<AppEnv>, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch !== undefined) {
    const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(etag.replace(/^W\//, ''));
  }
  const since = Date.parse(c.req.header('if-modified-since') ?? '');
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** A public file: cache headers, conditional requests (304), open CORS. */
async function publicFile(
  c: Context<AppEnv>,
  body: string,
  contentType: string,
  lastModified: Date,
  etagSource: string = body,
) {
  const etag = await etagOf(etagSource);
  c.header('Cache-Control', CACHE);
  c.header('ETag', etag);
  c.header('Last-Modified', lastModified.toUTCString());
  c.header('Access-Control-Allow-Origin', '*');
  if (notModified(c, etag, lastModified)) return c.body(null, 304);
  return c.body(body, 200, { 'Content-Type': contentType });
}

const DocumentPath = z.object({
  year: z.string().max(8).openapi({ description: 'Year of the initial release', example: '2026' }),
  file: z.string().max(300).openapi({
    description:
      'The file name from the tracking id (CSAF §5.1), ending `.json`, or that followed by `.sha256`, `.sha512` or `.asc`',
    example: 'ncsc-2026-0001.json',
  }),
});

const ProviderMetadataSchema = z
  .object({
    canonical_url: z.string(),
    role: z.enum(['csaf_provider', 'csaf_trusted_provider']),
    metadata_version: z.literal('2.0'),
  })
  .passthrough()
  .openapi('CsafProviderMetadata', { description: 'CSAF 2.0 provider metadata (provider_json_schema.json)' });

const RolieFeedSchema = z
  .object({ feed: z.object({ id: z.string(), entry: z.array(z.object({ id: z.string() }).passthrough()) }) })
  .passthrough()
  .openapi('CsafRolieFeed', { description: 'A ROLIE feed (RFC 8322, JSON) of CSAF documents' });

const text = (description: string, type = 'text/plain') => ({
  description,
  content: { [type]: { schema: z.string() } },
});

const suffixes = ['.sha256', '.sha512', '.asc'] as const;

export function csafProviderRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: PROVIDER_METADATA_PATH,
      operationId: 'getCsafProviderMetadata',
      tags: ['CSAF'],
      summary: 'CSAF 2.0 provider metadata: the publisher, the ROLIE feed and the signing key',
      description:
        'Role `csaf_trusted_provider` when the service has an OpenPGP key (every document is signed), else `csaf_provider`. Anonymous; ETag and Last-Modified.',
      security: [],
      responses: {
        200: json(ProviderMetadataSchema, 'The provider metadata'),
        304: { description: 'Unchanged' },
      },
    }),
    async (c) => {
      const lineages = await listPublicCsafLineages(c.var.deps);
      const keys = await csafSigningKey(c.var.deps);
      const body = csafJson(providerMetadata(c.var.deps.config, lineages, keys));
      return publicFile(c, body, 'application/json', lastUpdated(lineages));
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: ROLIE_FEED_PATH,
      operationId: 'getCsafFeed',
      tags: ['CSAF'],
      summary: 'Every TLP:CLEAR CSAF document, as a ROLIE feed',
      security: [],
      responses: { 200: json(RolieFeedSchema, 'The ROLIE feed'), 304: { description: 'Unchanged' } },
    }),
    async (c) => {
      const lineages = await listPublicCsafLineages(c.var.deps);
      const signed = (await csafSigningKey(c.var.deps)) !== null;
      const body = csafJson(rolieFeed(c.var.deps.config, lineages, signed));
      return publicFile(c, body, 'application/json', lastUpdated(lineages));
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: INDEX_PATH,
      operationId: 'listCsafDocuments',
      tags: ['CSAF'],
      summary: 'The TLP:CLEAR folder’s index.txt: each document’s path, one a line',
      security: [],
      responses: { 200: text('The paths'), 304: { description: 'Unchanged' } },
    }),
    async (c) => {
      const lineages = await listPublicCsafLineages(c.var.deps);
      return publicFile(c, indexTxt(lineages), 'text/plain; charset=utf-8', lastUpdated(lineages));
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: CHANGES_PATH,
      operationId: 'listCsafChanges',
      tags: ['CSAF'],
      summary: 'The TLP:CLEAR folder’s changes.csv: each document’s path and current release date',
      security: [],
      responses: {
        200: text('Path and date, most recent first', 'text/csv'),
        304: { description: 'Unchanged' },
      },
    }),
    async (c) => {
      const lineages = await listPublicCsafLineages(c.var.deps);
      return publicFile(c, changesCsv(lineages), 'text/csv; charset=utf-8', lastUpdated(lineages));
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/csaf/clear/{year}/{file}',
      operationId: 'getCsafDocument',
      tags: ['CSAF'],
      summary: 'A TLP:CLEAR CSAF document at its canonical URL, or its .sha256, .sha512 or .asc file',
      description:
        'The latest revision of the advisory’s lineage. Hash files are `<hex>  <file name>`; `.asc` is a detached OpenPGP signature by the key at /.well-known/openpgpkey/key.asc (404 when the service has no key). 404 for anything not public.',
      security: [],
      request: { params: DocumentPath },
      responses: {
        200: {
          description: 'The document, a hash file or the signature',
          content: {
            'application/json': { schema: z.object({}).passthrough() },
            'text/plain': { schema: z.string() },
            'application/pgp-signature': { schema: z.string() },
          },
        },
        304: { description: 'Unchanged' },
        ...pick(404),
      },
    }),
    async (c) => {
      const { year, file } = c.req.valid('param');
      const suffix = suffixes.find((s) => file.endsWith(s));
      const fileName = suffix ? file.slice(0, -suffix.length) : file;
      // Only names the file-name rule can make: nothing else is ever looked up.
      if (!/^\d{4}$/.test(year) || !/^[+\-a-z0-9_]+\.json$/.test(fileName)) return c.notFound();
      const found = await findPublicCsafDocument(c.var.deps, `${year}/${fileName}`);
      if (!found) return c.notFound();
      const { json: body, lineage } = found;
      if (!suffix) return publicFile(c, body, 'application/json', lineage.lastModified);
      if (suffix === '.asc') {
        const keys = await csafSigningKey(c.var.deps);
        if (!keys) return c.notFound();
        const signature = await detachedSignature(keys, body);
        return publicFile(
          c,
          signature,
          'application/pgp-signature',
          lineage.lastModified,
          body + keys.fingerprint,
        );
      }
      const hash = suffix === '.sha256' ? 'sha256' : 'sha512';
      return publicFile(
        c,
        await hashFile(body, fileName, hash),
        'text/plain; charset=utf-8',
        lineage.lastModified,
      );
    },
  );

  return router;
}
