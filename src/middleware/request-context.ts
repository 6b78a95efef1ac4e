// Per-request context: a request id (kept from X-Request-Id when well-formed), a child logger, the
// client address, and one structured log line per request.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Deps } from '../deps.js';

const goodRequestId = /^[A-Za-z0-9._:-]{8,100}$/;

export function requestContext(deps: Deps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && goodRequestId.test(incoming) ? incoming : deps.random.id();
    const log = deps.log.child({ requestId });
    c.set('deps', deps);
    c.set('requestId', requestId);
    c.set('log', log);
    c.set('principal', null);
    c.set('clientIp', clientIp(c, deps));
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const fields = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      actor: c.get('principal')?.actor,
    };
    if (status >= 500) log.error('request', fields);
    else log.info('request', fields);
  });
}

function clientIp(c: Context<AppEnv>, deps: Deps): string {
  if (deps.config.TRUST_PROXY) {
    const forwarded =
      c.req.header('cf-connecting-ip') ?? c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim(); // the entry our proxy appended
    if (forwarded) return forwarded;
  }
  try {
    return deps.connInfo?.(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
