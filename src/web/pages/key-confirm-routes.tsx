// GET and POST /confirm-key/:token: the link sent to a mailbox, encrypted to the key just given for it.
// The secret in the link is the proof (only the key's holder could read it), so the forms carry no CSRF
// field (see the exemption in middleware/csrf.ts). GET changes nothing (link previews fetch it).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../deps.js';
import { confirmMailboxKey, inspectKeyLink } from '../../features/mailbox-keys/confirm-key.js';
import { groupedFingerprint } from '../../mail/recipient-key.js';
import { redirectWithResult, resultOf } from '../flash.js';
import { wantsHtml } from '../negotiate.js';
import { KeyConfirmedPage, KeyConfirmPage } from './key-confirm.js';
import { linkProblemStatus, showLinkProblem } from './link-problem.js';
import { renderPage } from './render.js';

const KeyConfirmResult = z.object({ address: z.string().max(320), fingerprint: z.string().max(60) });

export function keyConfirmPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/confirm-key/done', (c) => {
    const result = resultOf(c, KeyConfirmResult);
    if (!result) return showLinkProblem(c, { purpose: 'confirm', state: 'unknown' });
    return renderPage(c, { title: 'Encryption key confirmed' }, <KeyConfirmedPage {...result} />);
  });

  router.get('/confirm-key/:token', async (c) => {
    const token = c.req.param('token');
    const found = await inspectKeyLink(c.var.deps, token);
    if (found.state !== 'valid') return showLinkProblem(c, { purpose: 'confirm', state: found.state });
    const props = {
      token,
      address: found.address ?? '',
      fingerprint: groupedFingerprint(found.key.fingerprint),
    };
    return renderPage(
      c,
      { title: `Use this encryption key for ${props.address}` },
      <KeyConfirmPage {...props} />,
    );
  });

  router.post('/confirm-key/:token', async (c) => {
    const deps = c.var.deps;
    const token = c.req.param('token');
    const before = await inspectKeyLink(deps, token);
    const address = 'address' in before ? (before.address ?? '') : '';
    const found = await confirmMailboxKey(deps, token, c.var.clientIp);
    if (!wantsHtml(c)) {
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          state: found.state,
          key: found.key
            ? { id: found.key.id, state: found.key.state, fingerprint: found.key.fingerprint }
            : null,
        },
        found.state === 'valid' ? 200 : linkProblemStatus(found.state),
      );
    }
    if (found.state !== 'valid') return showLinkProblem(c, { purpose: 'confirm', state: found.state });
    return redirectWithResult(c, '/confirm-key/done', {
      address,
      fingerprint: groupedFingerprint(found.key.fingerprint),
    });
  });

  return router;
}
