// The actor context of a request: who is acting, through which request, from where.
import type { Context } from 'hono';
import type { AppEnv } from './deps.js';
import type { ActorContext, Principal } from './domain/principal.js';
import { AppError } from './errors.js';

export function requirePrincipal(c: Context<AppEnv>): Principal {
  const principal = c.var.principal;
  if (!principal) throw new AppError('unauthenticated', 'Sign in, or send an API token.');
  return principal;
}

export function actorOf(c: Context<AppEnv>): ActorContext {
  return { principal: requirePrincipal(c), requestId: c.var.requestId, ip: c.var.clientIp };
}
