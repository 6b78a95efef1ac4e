// Who is calling: the role and scope every authorisation decision and scoped query is made from.
import type { MailboxKind } from './mailbox-states.js';

export const roles = ['admin', 'warp', 'council'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  /**
   * `token:<id>`, `session:<id>`, `cli`, `system` or `bootstrap` (the one-time bootstrap admin): what the
   * audit log records as the actor.
   */
  actor: string;
  label: string;
  role: Role | 'inbound' | 'anonymous';
  warpId: string | null;
  authorityCode: string | null;
  via: 'token' | 'session' | 'cli' | 'system' | 'anonymous' | 'link';
  /**
   * For a session: how it was opened (`passkey`, `link`, `token`; null for one older than passkeys). An
   * admin's session must be `passkey` while ADMIN_PASSKEY_REQUIRED is on (see features/passkeys/admin-rule.ts).
   */
  authMethod?: 'passkey' | 'link' | 'token' | null;
  /** For a session: the CSRF token its forms and JSON writes must carry. */
  csrfToken?: string;
  /**
   * The mailbox whose holder this is (a council session opened by a mailbox's sign-in link, or a link's
   * follower): what it may read depends on it (TLP:RED goes only to confirmed primary mailboxes).
   */
  mailbox?: { id: string; kind: MailboxKind } | null;
}

/** The principal the admin CLI acts as (the operator at the console holds the database itself). */
export const cliPrincipal: Principal = {
  actor: 'cli',
  label: 'command line',
  role: 'admin',
  warpId: null,
  authorityCode: null,
  via: 'cli',
};

export const systemPrincipal: Principal = {
  actor: 'system',
  label: 'the service',
  role: 'admin',
  warpId: null,
  authorityCode: null,
  via: 'system',
};

/** The actor of a staff member's sessions and of the keys they own: `staff:<address>`. */
export const staffActor = (address: string) => `staff:${address}`;

/** Someone not signed in (registering a mailbox, following a link): recorded by client address. */
export function anonymousPrincipal(ip: string): Principal {
  return {
    actor: `anonymous:${ip}`,
    label: 'not signed in',
    role: 'anonymous',
    warpId: null,
    authorityCode: null,
    via: 'anonymous',
  };
}

/** Whoever followed a mailbox's link: they proved they read that mailbox. */
export function mailboxHolder(mailboxId: string, authorityCode: string): Principal {
  return {
    actor: `mailbox:${mailboxId}`,
    label: 'mailbox holder',
    role: 'council',
    warpId: null,
    authorityCode,
    via: 'link',
  };
}

/** Whoever followed the link in a text to a council's out-of-hours mobile: they hold that phone. */
export function mobileHolder(smsId: string, authorityCode: string): Principal {
  return {
    actor: `sms:${smsId}`,
    label: 'out-of-hours mobile holder',
    role: 'council',
    warpId: null,
    authorityCode,
    via: 'link',
  };
}

/** Where a change came from: who, and through which request (the audit log records all three). */
export interface ActorContext {
  principal: Principal;
  requestId?: string;
  ip?: string;
}
