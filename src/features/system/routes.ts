// Liveness and readiness.
import { createRoute, z } from '@hono/zod-openapi';
import { databaseReadiness } from '../../db/readiness.js';
import type { Deps } from '../../deps.js';
import { createRouter, json } from '../../openapi.js';
import { securityTxtReadiness } from '../checks/own-security-txt.js';
import { canEncrypt } from '../mailbox-keys/encrypt.js';
import { signingReadiness } from '../openpgp/service-key.js';

const Health = z
  .object({ status: z.enum(['ok', 'unavailable']), detail: z.string().optional() })
  .openapi('Health');

const Check = z.object({
  ok: z.boolean(),
  detail: z.string(),
  missing: z.array(z.string()).optional().openapi({ description: 'Settings to provide (names only).' }),
});

const Readiness = z
  .object({
    status: z.enum(['ok', 'degraded', 'unavailable']).openapi({
      description:
        'ok: everything works. degraded: the service answers, and refuses what needs what is missing (e-mail without mail settings, text messages without an SMS provider), or sends advisories unsigned (no OpenPGP key), or its security.txt lapses within 30 days or has lapsed (SECURITY_EXPIRES); 200 so it stays in rotation. unavailable: the database does not answer or is not migrated; 503.',
    }),
    detail: z.string(),
    checks: z.object({
      database: Check,
      mail: Check,
      sms: Check,
      signing: Check,
      securityTxt: Check,
      encryption: Check,
    }),
  })
  .openapi('Readiness');

export function systemRoutes(deps: Deps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      security: [],
      tags: ['Service'],
      summary: 'Liveness: the process answers',
      responses: { 200: json(Health, 'Alive') },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      security: [],
      tags: ['Service'],
      summary:
        'Readiness: the database answers and migrations are applied; whether e-mail and text messages can be sent, and advisories signed',
      responses: { 200: json(Readiness, 'Ready, or degraded'), 503: json(Readiness, 'Not ready') },
    }),
    async (c) => {
      const db = await databaseReadiness(deps.db);
      const problem = deps.mailer.unavailable;
      const mail = problem
        ? { ok: false, detail: `e-mail cannot be sent: ${problem.reason}`, missing: problem.missing }
        : { ok: true, detail: 'e-mail can be sent' };
      const noSms = deps.sms.unavailable;
      const sms = noSms
        ? {
            ok: false,
            detail: `text messages cannot be sent (out-of-hours mobiles, urgent heads-ups): ${noSms.reason}`,
            missing: noSms.missing,
          }
        : { ok: true, detail: `text messages go through ${deps.sms.provider}` };
      const signing = await signingReadiness(deps);
      const securityTxt = securityTxtReadiness(deps.config, deps.clock.now(), deps.log);
      // Encryption to councils' keys needs our own MIME: GOV.UK Notify sends its own template.
      const encryption = canEncrypt(deps)
        ? {
            ok: true,
            detail: 'TLP:AMBER and TLP:RED advisories are encrypted to mailboxes with a confirmed key',
          }
        : {
            ok: false,
            detail:
              'advisories cannot be encrypted: GOV.UK Notify (MAIL_PROVIDER=notify) sends its own e-mail; where a TLP:RED advisory requires encryption, every mailbox gets a heads-up instead',
            missing: ['MAIL_PROVIDER'],
          };
      const checks = { database: db, mail, sms, signing, securityTxt, encryption };
      if (!db.ok) return c.json({ status: 'unavailable' as const, detail: db.detail, checks }, 503);
      if (problem || noSms || !signing.ok || !securityTxt.ok)
        return c.json(
          {
            status: 'degraded' as const,
            detail: [
              problem && mail.detail,
              noSms && sms.detail,
              !signing.ok && signing.detail,
              !securityTxt.ok && securityTxt.detail,
            ]
              .filter(Boolean)
              .join('; '),
            checks,
          },
          200,
        );
      return c.json({ status: 'ok' as const, detail: db.detail, checks }, 200);
    },
  );
  return router;
}
