// A mobile number as the API and pages show it: the number in full to the council and admins, masked to
// a WARP operator (who may know that a member has one, not what it is).
import { z } from '@hono/zod-openapi';
import type { mobileNumbers } from '../../db/schema.js';
import { formatUkMobile, maskUkMobile } from '../../domain/mobile-number.js';
import { mobileStates } from '../../domain/mobile-states.js';
import type { Principal } from '../../domain/principal.js';

export type MobileRow = typeof mobileNumbers.$inferSelect;

export const MobileSchema = z
  .object({
    id: z.string(),
    authorityCode: z.string(),
    number: z.string().openapi({ description: 'E.164; masked (`07••• •••123`) for WARP operators' }),
    display: z.string().openapi({ example: '07700 900123' }),
    label: z.string(),
    state: z.enum(mobileStates),
    createdAt: z.string(),
    confirmedAt: z.string().nullable(),
    retiredAt: z.string().nullable(),
    unreachableAt: z.string().nullable(),
    unreachableReason: z.string().nullable(),
  })
  .openapi('MobileNumber');

export type MobileView = z.infer<typeof MobileSchema>;

export function seesFullNumber(principal: Principal, authorityCode: string): boolean {
  return (
    principal.role === 'admin' || (principal.role === 'council' && principal.authorityCode === authorityCode)
  );
}

export function toMobileView(row: MobileRow, principal: Principal): MobileView {
  const full = seesFullNumber(principal, row.authorityCode);
  return {
    id: row.id,
    authorityCode: row.authorityCode,
    number: full ? row.number : maskUkMobile(row.number),
    display: full ? formatUkMobile(row.number) : maskUkMobile(row.number),
    label: row.label,
    state: row.state,
    createdAt: row.createdAt.toISOString(),
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    retiredAt: row.retiredAt?.toISOString() ?? null,
    unreachableAt: row.unreachableAt?.toISOString() ?? null,
    unreachableReason: row.unreachableReason,
  };
}
