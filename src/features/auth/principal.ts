// Who is calling: the role and scope every authorisation decision and scoped query is made from.
export const roles = ['admin', 'warp', 'council'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  /** `token:<id>`, `session:<id>`, `cli` or `system`: what the audit log records as the actor. */
  actor: string;
  label: string;
  role: Role | 'inbound';
  warpId: string | null;
  authorityCode: string | null;
  via: 'token' | 'session' | 'cli' | 'system';
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
