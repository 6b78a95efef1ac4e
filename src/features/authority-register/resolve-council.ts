// Turns what someone typed in "Council" (a name, part of one, or a register code) into one current
// authority, a short list to choose from, or a message saying why neither.

import type { Deps } from '../../deps.js';
import { isAuthorityCode } from '../../domain/authority-code.js';
import { findAuthority } from './get-authority.js';
import { listAuthorities } from './list-authorities.js';

export interface CouncilChoice {
  code: string;
  name: string;
}

export type CouncilResolution =
  | { kind: 'one'; authority: CouncilChoice }
  | { kind: 'many'; choices: CouncilChoice[]; message: string }
  | { kind: 'none'; message: string };

const MAX_CHOICES = 10;

async function currentByCode(deps: Deps, code: string): Promise<CouncilChoice | null> {
  if (!isAuthorityCode(code)) return null;
  const row = await findAuthority(deps, code);
  return row?.current || row?.shadow ? { code: row.code, name: row.name } : null;
}

/** `chosen` is the code of a radio picked from an earlier list of matches; it wins over the text. */
export async function resolveCouncil(deps: Deps, text: string, chosen?: string): Promise<CouncilResolution> {
  if (chosen) {
    const picked = await currentByCode(deps, chosen);
    if (picked) return { kind: 'one', authority: picked };
  }
  const typed = text.trim();
  if (!typed) return { kind: 'none', message: 'Enter the name of your council, or its register code' };
  if (typed.length > 200)
    return { kind: 'none', message: 'The council name must be 200 characters or fewer' };
  const byCode = await currentByCode(deps, typed);
  if (byCode) return { kind: 'one', authority: byCode };

  const found = await listAuthorities(deps, { q: typed, status: 'current', limit: 50, offset: 0 });
  const lower = typed.toLowerCase();
  const exact = found.items.filter(
    (a) => a.name.toLowerCase() === lower || a.shortName.toLowerCase() === lower,
  );
  if (exact.length === 1) return { kind: 'one', authority: { code: exact[0]!.code, name: exact[0]!.name } };
  if (found.total === 1)
    return { kind: 'one', authority: { code: found.items[0]!.code, name: found.items[0]!.name } };
  if (found.total === 0)
    return {
      kind: 'none',
      message: `No current council matches “${typed}”. Check the spelling, or give its register code`,
    };
  if (found.total > MAX_CHOICES)
    return {
      kind: 'none',
      message: `${found.total} councils match “${typed}”. Enter more of the council’s name`,
    };
  return {
    kind: 'many',
    choices: found.items.map((a) => ({ code: a.code, name: a.name })),
    message: `More than one council matches “${typed}”. Choose your council`,
  };
}
