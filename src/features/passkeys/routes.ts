// The passkey ceremonies as JSON (the page script at /passkeys.js calls them; a browser is needed, since the
// challenge is bound to its cookie): register a passkey (staff, signed in), list one's own, and sign in with
// one (anyone). Renaming and removing are plain forms on the account page.
import { createRoute, z } from '@hono/zod-openapi';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { actorOf, requirePrincipal } from '../../actor.js';
import { browserMark, ensureBrowserMark } from '../../lib/browser-cookie.js';
import { createRouter, json, pick } from '../../openapi.js';
import { clientKey, enforceLimits } from '../abuse/rate-limit.js';
import { startSession } from '../auth/session-cookie.js';
import { listPasskeys, MAX_PASSKEY_NAME } from './manage-passkeys.js';
import { passkeySignInOptions, signInWithPasskey } from './passkey-sign-in.js';
import { passkeyRegistrationOptions, registerPasskey } from './register-passkey.js';

const session = [{ sessionCookie: [] }];

const Passkey = z
  .object({
    id: z.string().openapi({ description: 'The credential id (base64url)', example: 'dGVzdC1wYXNza2V5LWlk' }),
    name: z.string().openapi({ example: 'Work laptop' }),
    createdAt: z.string().openapi({ example: '2026-12-05T10:00:00.000Z' }),
    lastUsedAt: z.string().nullable().openapi({ example: null }),
    synced: z.boolean().openapi({ description: 'Synced between devices (a multi-device passkey)' }),
  })
  .openapi('Passkey');

const CreationOptions = z
  .looseObject({
    challenge: z.string(),
    rp: z.looseObject({ id: z.string().optional(), name: z.string() }),
    user: z.looseObject({ id: z.string(), name: z.string(), displayName: z.string() }),
  })
  .openapi('PasskeyCreationOptions', {
    description: 'PublicKeyCredentialCreationOptionsJSON, for SimpleWebAuthn’s startRegistration()',
  });

const RequestOptions = z
  .looseObject({ challenge: z.string(), rpId: z.string().optional() })
  .openapi('PasskeyRequestOptions', {
    description: 'PublicKeyCredentialRequestOptionsJSON, for SimpleWebAuthn’s startAuthentication()',
  });

const CredentialBase = {
  id: z.string().min(1).max(1500),
  rawId: z.string().min(1).max(1500),
  type: z.literal('public-key'),
  clientExtensionResults: z.looseObject({}).optional(),
  authenticatorAttachment: z.string().optional(),
};

const RegistrationResponse = z
  .looseObject({
    ...CredentialBase,
    response: z.looseObject({
      clientDataJSON: z.string().max(10_000),
      attestationObject: z.string().max(50_000),
      transports: z.array(z.string().max(20)).max(10).optional(),
    }),
  })
  .openapi('PasskeyRegistrationResponse', {
    description: 'RegistrationResponseJSON from startRegistration()',
  });

const NewPasskey = z
  .object({
    name: z.string().trim().min(1).max(MAX_PASSKEY_NAME).openapi({ example: 'Work laptop' }),
    response: RegistrationResponse,
  })
  .strict()
  .openapi('NewPasskey');

const AuthenticationResponse = z
  .looseObject({
    ...CredentialBase,
    response: z.looseObject({
      clientDataJSON: z.string().max(10_000),
      authenticatorData: z.string().max(10_000),
      signature: z.string().max(2_000),
      userHandle: z.string().max(200).optional(),
    }),
  })
  .openapi('PasskeyAuthenticationResponse', {
    description: 'AuthenticationResponseJSON from startAuthentication()',
  });

const SignedIn = z
  .object({ redirect: z.string().openapi({ example: '/dashboard' }) })
  .openapi('PasskeySignedIn');

export function passkeyRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/passkeys',
      operationId: 'listPasskeys',
      tags: ['Access'],
      summary: 'List your own passkeys (staff, signed in)',
      security: session,
      responses: {
        200: json(z.object({ items: z.array(Passkey) }), 'Your passkeys in use'),
        ...pick(401, 403),
      },
    }),
    async (c) => c.json({ items: await listPasskeys(c.var.deps, requirePrincipal(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/passkeys/registration-options',
      operationId: 'startPasskeyRegistration',
      tags: ['Access'],
      summary: 'Start registering a passkey: the options for navigator.credentials.create() (staff)',
      description:
        'A new challenge, bound to this browser (its `cc_browser` cookie) and to you, for five minutes. Someone who already has a passkey must be signed in with one to add another (403 otherwise).',
      security: session,
      responses: { 200: json(CreationOptions, 'The creation options'), ...pick(401, 403, 409) },
    }),
    async (c) => {
      const options = await passkeyRegistrationOptions(c.var.deps, requirePrincipal(c), ensureBrowserMark(c));
      return c.json(options as unknown as z.infer<typeof CreationOptions>, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/passkeys',
      operationId: 'createPasskey',
      tags: ['Access'],
      summary: 'Register a passkey with the authenticator’s answer (staff)',
      description:
        'Checked by SimpleWebAuthn against the challenge this browser was given, the service’s origin and RP ID, with user verification required. Audited as `passkey.register`.',
      security: session,
      request: { body: { content: { 'application/json': { schema: NewPasskey } }, required: true } },
      responses: { 201: json(Passkey, 'Registered'), ...pick(401, 403, 409, 422) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await registerPasskey(c.var.deps, actorOf(c), browserMark(c), {
        name: body.name,
        response: body.response as unknown as RegistrationResponseJSON,
      });
      return c.json(created, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/sign-in/passkey/options',
      operationId: 'startPasskeySignIn',
      tags: ['Access'],
      summary: 'Start signing in with a passkey: the options for navigator.credentials.get()',
      description:
        'Discoverable credentials: no address is needed. The challenge is bound to this browser (its `cc_browser` cookie) for five minutes.',
      security: [],
      responses: { 200: json(RequestOptions, 'The request options'), ...pick(429) },
    }),
    async (c) => {
      const deps = c.var.deps;
      // Each call keeps a challenge for five minutes: limited per client (more loosely than sign-ins).
      await enforceLimits(
        deps,
        [
          {
            key: `passkey-options:ip:${clientKey(c.var.clientIp)}`,
            max: deps.config.RATE_LIMIT_PER_IP * 10,
            windowSeconds: 3600,
          },
        ],
        'passkey sign-ins started from your network',
      );
      const options = await passkeySignInOptions(deps, ensureBrowserMark(c));
      return c.json(options as unknown as z.infer<typeof RequestOptions>, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/sign-in/passkey',
      operationId: 'signInWithPasskey',
      tags: ['Access'],
      summary: 'Sign in with a passkey: opens a session (cookie) and says where to go',
      description:
        'Any session this browser had ends. Audited as `passkey.sign-in`. One 401 for every refusal (unknown or removed passkey, wrong challenge or browser, failed signature or user verification, a signature counter that went back).',
      security: [],
      request: {
        body: {
          content: {
            'application/json': { schema: z.object({ response: AuthenticationResponse }).strict() },
          },
          required: true,
        },
      },
      responses: { 200: json(SignedIn, 'Signed in'), ...pick(401, 422, 429) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const deps = c.var.deps;
      await enforceLimits(
        deps,
        [
          {
            key: `passkey-sign-in:ip:${clientKey(c.var.clientIp)}`,
            max: deps.config.RATE_LIMIT_PER_IP,
            windowSeconds: 3600,
          },
        ],
        'sign-in attempts from your network',
      );
      const { session: opened } = await signInWithPasskey(
        c.var.deps,
        c.var.clientIp,
        browserMark(c),
        body.response as unknown as AuthenticationResponseJSON,
      );
      await startSession(c, opened);
      return c.json({ redirect: '/dashboard' }, 200);
    },
  );

  return router;
}
