// Every page route, as one router to mount at "/". Their access is declared in features/auth/policy.ts.
import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { accountPageRoutes } from './account-routes.js';
import { apiKeysPageRoutes } from './api-keys-routes.js';
import { approvalsPageRoutes } from './approvals-routes.js';
import { auditPageRoutes } from './audit-routes.js';
import { authorityPageRoutes } from './authority-routes.js';
import { confirmPageRoutes } from './confirm-routes.js';
import { coveragePageRoutes } from './coverage-routes.js';
import { drillPageRoutes } from './drill-routes.js';
import { genuinePageRoutes } from './genuine-routes.js';
import { handoverPageRoutes } from './handover-routes.js';
import { keyConfirmPageRoutes } from './key-confirm-routes.js';
import { mailboxKeyPageRoutes } from './mailbox-key-routes.js';
import { registerPageRoutes } from './mailbox-registration-routes.js';
import { offerPageRoutes } from './offer-routes.js';
import { passkeyPageRoutes } from './passkey-routes.js';
import { serviceInfoPages } from './service-info.js';
import { signInPageRoutes } from './sign-in-routes.js';
import { startRoutes } from './start.js';
import { teamPageRoutes } from './team-routes.js';

export function pageRoutes() {
  const router = new Hono<AppEnv>();
  router.route('/', startRoutes());
  router.route('/', registerPageRoutes());
  router.route('/', confirmPageRoutes());
  router.route('/', keyConfirmPageRoutes());
  router.route('/', handoverPageRoutes());
  router.route('/', offerPageRoutes());
  router.route('/', signInPageRoutes());
  router.route('/', accountPageRoutes());
  router.route('/', mailboxKeyPageRoutes());
  router.route('/', passkeyPageRoutes());
  router.route('/', approvalsPageRoutes());
  router.route('/', coveragePageRoutes());
  router.route('/', authorityPageRoutes());
  router.route('/', drillPageRoutes());
  router.route('/', teamPageRoutes());
  router.route('/', apiKeysPageRoutes());
  router.route('/', auditPageRoutes());
  router.route('/', serviceInfoPages());
  router.route('/', genuinePageRoutes());
  return router;
}
