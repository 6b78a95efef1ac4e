// What the OpenAPI document says about the API as a whole: info (licence, contact), the server, the tags
// with their descriptions, the two ways to authenticate and the default that every operation needs one of
// them. Public operations say `security: []` on their route (test/system/openapi-document.test.ts checks
// that against the access policy).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from './config.js';
import type { AppEnv } from './deps.js';
import { bearer } from './openapi.js';

/** The document's tags, in the order the reference page lists them. Every tag an operation uses is here. */
export const apiTags = [
  { name: 'Service', description: 'Liveness, readiness and metrics of the service itself.' },
  {
    name: 'Register',
    description:
      'The register of local authorities: imports of the register CSV and of the public-sector domain list, and imports held for an admin’s decision.',
  },
  {
    name: 'Authorities',
    description: 'Local authorities (councils) in the register and their e-mail domains.',
  },
  {
    name: 'WARPs',
    description: 'Warning, Advice and Reporting Points: the groups of councils an operator looks after.',
  },
  { name: 'Access', description: 'Who the caller is, API tokens, staff accounts and the audit log.' },
  {
    name: 'Coverage',
    description:
      'How many councils have a confirmed, reachable cyber-security mailbox (public: counts only), and the chase list.',
  },
  {
    name: 'Mailboxes',
    description:
      'Councils’ dedicated cyber-security mailboxes: registration, confirmation, approval and retirement.',
  },
  { name: 'Mobiles', description: 'Councils’ out-of-hours mobile numbers for urgent text messages.' },
  {
    name: 'Reachability',
    description: 'Checks of councils’ mail domains (MX, SPF, DMARC, MTA-STS, TLS-RPT) and bounces.',
  },
  { name: 'Mail', description: 'The outbound mail queue.' },
  {
    name: 'Advisories',
    description: 'Security advisories: drafting, approval, release to councils, and tracking their delivery.',
  },
  { name: 'Feeds', description: 'Public feeds of released TLP:CLEAR advisories.' },
  { name: 'Drills', description: 'Reachability drills: a test message that councils acknowledge.' },
  {
    name: 'CSAF',
    description:
      'The CSAF 2.0 provider: provider metadata, the ROLIE feed and the TLP:CLEAR documents with their hashes and OpenPGP signatures.',
  },
  {
    name: 'Genuine',
    description: 'Checks whether a received e-mail or an advisory reference really came from this service.',
  },
];

export function registerSecuritySchemes(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token created with `npm run cli -- token create` or `POST /api/v1/tokens`.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'cc_session',
    description: 'A signed-in session (pages); unsafe methods also need the CSRF token.',
  });
}

export function apiDocumentConfig(config: Config) {
  return {
    openapi: '3.1.0',
    info: {
      title: `${config.SERVICE_NAME} API`,
      version: '1',
      description:
        'The register of UK local authorities and their dedicated cyber-security mailboxes. Errors are RFC 9457 problem details with a machine-readable `code`.',
      contact: {
        name: config.SERVICE_NAME,
        url: `${config.PUBLIC_BASE_URL}/feedback`,
        ...(config.SUPPORT_ADDRESS ? { email: config.SUPPORT_ADDRESS } : {}),
      },
      license: {
        name: 'Open Government Licence v3.0',
        url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
      },
    },
    servers: [{ url: config.PUBLIC_BASE_URL, description: 'This service' }],
    tags: apiTags,
    // Either a bearer API token or a signed-in session: the default for every operation.
    security: bearer,
  };
}
