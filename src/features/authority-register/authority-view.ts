// The authority object the API answers with, built from a register row and its WARP.
import type { authorities } from '../../db/schema.js';

/** current; upcoming (a shadow: created by a reorganisation, vesting on its start date); former. */
export type AuthorityStatus = 'current' | 'upcoming' | 'former';

/** The columns a list item or a single authority is built from. */
export const authorityColumns = (t: typeof authorities) => ({
  code: t.code,
  name: t.name,
  shortName: t.shortName,
  gss: t.gss,
  nation: t.nation,
  region: t.region,
  type: t.type,
  typeName: t.typeName,
  county: t.county,
  current: t.current,
  shadow: t.shadow,
  startDate: t.startDate,
  endDate: t.endDate,
  warpId: t.warpId,
});

export interface AuthorityRow {
  code: string;
  name: string;
  shortName: string;
  gss: string | null;
  nation: string;
  region: string;
  type: string;
  typeName: string;
  county: string | null;
  current: boolean;
  shadow: boolean;
  startDate: string | null;
  endDate: string | null;
  warpId: string | null;
}

export interface AuthoritySummary {
  code: string;
  name: string;
  shortName: string;
  gss: string | null;
  nation: string;
  region: string;
  type: string;
  typeName: string;
  county: string | null;
  status: AuthorityStatus;
  startDate: string | null;
  endDate: string | null;
  warp: { id: string; name: string } | null;
}

export const statusOf = (current: boolean, shadow = false): AuthorityStatus =>
  current ? 'current' : shadow ? 'upcoming' : 'former';

export function toAuthoritySummary(row: AuthorityRow, warpName: string | null): AuthoritySummary {
  return {
    code: row.code,
    name: row.name,
    shortName: row.shortName,
    gss: row.gss,
    nation: row.nation,
    region: row.region,
    type: row.type,
    typeName: row.typeName,
    county: row.county,
    status: statusOf(row.current, row.shadow),
    startDate: row.startDate,
    endDate: row.endDate,
    warp: row.warpId && warpName !== null ? { id: row.warpId, name: warpName } : null,
  };
}
