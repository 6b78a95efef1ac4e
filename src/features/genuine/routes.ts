// POST /api/v1/genuine: anyone checks whether an e-mail claiming to be ours is genuine (the raw message,
// as message/rfc822), or whether we issued an advisory with a reference (JSON). Rate limited per client
// address; nothing is revealed beyond the answer (check-message.ts, check-reference.ts).
import { createRoute, z } from '@hono/zod-openapi';
import { anonymousPrincipal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { createRouter, describeIssues, fieldErrors, pick } from '../../openapi.js';
import { checkReceivedMessage, checkReceivedReference, MESSAGE_LIMIT_BYTES } from './check.js';
import { MessageAnswer, ReferenceAnswer, ReferenceQuestion } from './schemas.js';

const messageTypes = ['message/rfc822', 'text/plain', 'application/octet-stream'];

export function genuineRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/genuine',
      operationId: 'checkGenuine',
      tags: ['Genuine'],
      summary:
        'Check whether an e-mail is genuinely from this service, or whether an advisory reference was issued',
      description: `Open to anyone, no token needed (limited per client address, like registration). Send a received e-mail whole, as \`message/rfc822\` (the .eml file, or "Show original" in a mail program; up to ${MESSAGE_LIMIT_BYTES / 1024 / 1024} MB): we check our DKIM signature, our OpenPGP signature (PGP/MIME) and whether we sent that Message-ID to the address it is addressed to, and answer \`genuine\`, \`altered\` (and whether the body or the headers changed), \`not-sent-by-us\` or \`cannot-check\`. Nothing else is revealed: not the council, not other recipients, not whether the Message-ID was sent to anyone else. Or send JSON \`{"reference": "NCSC-2026-0042"}\`: we say whether we issued an advisory with that reference and when, with a link to it only when it is TLP:CLEAR.`,
      security: [],
      request: {
        body: {
          content: {
            'message/rfc822': { schema: z.string().openapi({ format: 'binary' }) },
            'application/json': { schema: ReferenceQuestion },
          },
          // Not `required`: the JSON schema is then checked only for JSON bodies, not for a message.
          required: false,
        },
      },
      responses: {
        200: {
          description: 'The answer',
          content: { 'application/json': { schema: z.union([MessageAnswer, ReferenceAnswer]) } },
        },
        ...pick(400, 413, 415, 422, 429),
      },
    }),
    // biome-ignore lint/suspicious/noExplicitAny: the answer is one of two schemas, chosen by the body's type
    async (c): Promise<any> => {
      const deps = c.var.deps;
      const requester = {
        principal: c.var.principal ?? anonymousPrincipal(c.var.clientIp),
        ip: c.var.clientIp,
      };
      const type = (c.req.header('content-type') ?? '').replace(/;.*$/s, '').trim().toLowerCase();
      if (type === 'application/json') {
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          throw new AppError('bad_request', 'The body is not valid JSON.');
        }
        const parsed = ReferenceQuestion.safeParse(body);
        if (!parsed.success)
          throw new AppError('validation_failed', describeIssues(parsed.error.issues), {
            errors: fieldErrors(parsed.error.issues),
          });
        return c.json(await checkReceivedReference(deps, requester, parsed.data.reference), 200);
      }
      if (!messageTypes.includes(type))
        throw new AppError(
          'unsupported_media_type',
          'Send the e-mail as message/rfc822, or a reference as application/json.',
        );
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.byteLength === 0)
        throw new AppError('bad_request', 'The body is empty: send the whole e-mail.');
      return c.json(await checkReceivedMessage(deps, requester, bytes), 200);
    },
  );

  return router;
}
