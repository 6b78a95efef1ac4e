// The person behind an actor, for rules that need two different people (the two-person rule of a release).
//   staff:<address>   that staff member.
//   token:<id>        a token with an owner (every key made on the API keys page or the API since owners are
//                     kept) is its owner's: two keys of one person, or a key and a session of the same
//                     person, are one person. A token without one (made at the command line, or before): a
//                     token created with a token, or with a session opened from a token (created_by
//                     `token:<id>`), belongs to the person of the token that created it; a token created at
//                     the command line (`cli`) or by the service stands for the one person it was made for,
//                     so it is that person's root. A token created by a staff member's session is theirs.
//   anything else     itself (`cli`: whoever holds the console).
// So one admin cannot be both people of the rule by minting a second admin token and approving with it.
import { eq } from 'drizzle-orm';
import { apiTokens, mailboxes, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';

/** Longer chains than this are refused as broken (they cannot arise through the service). */
const MAX_CHAIN = 32;

export async function personOf(deps: Pick<Deps, 'db'>, actor: string): Promise<string> {
  let current = actor;
  const seen = new Set<string>();
  for (let i = 0; i < MAX_CHAIN; i++) {
    if (!current.startsWith('token:') || seen.has(current)) return current;
    seen.add(current);
    const [token] = await deps.db
      .select({ createdBy: apiTokens.createdBy, owner: apiTokens.owner })
      .from(apiTokens)
      .where(eq(apiTokens.id, current.slice('token:'.length)))
      .limit(1);
    if (token?.owner && token.owner !== current) {
      current = token.owner;
      continue;
    }
    const parent = token?.createdBy;
    if (!parent || !(parent.startsWith('token:') || parent.startsWith('staff:'))) return current;
    current = parent;
  }
  return current;
}

/**
 * The owner a new key gets when `creator` makes it: the creator's person, or null when that is nobody in
 * particular (the command line, the service, the bootstrap admin), and the key is then its own person.
 */
export async function ownerFor(deps: Pick<Deps, 'db'>, creator: string): Promise<string | null> {
  const person = await personOf(deps, creator);
  return /^(staff|mailbox|token):/.test(person) ? person : null;
}

/** Whether two actors are the same person (see above). */
export async function samePerson(deps: Pick<Deps, 'db'>, a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  const [pa, pb] = await Promise.all([personOf(deps, a), personOf(deps, b)]);
  return pa === pb;
}

/**
 * An actor as people know it, for pages that say who did something: a staff member's name and address, an
 * API token's name, the command line, the service or the bootstrap admin.
 */
export async function describeActor(deps: Pick<Deps, 'db'>, actor: string | null): Promise<string> {
  if (!actor) return 'nobody';
  if (actor.startsWith('staff:')) {
    const address = actor.slice('staff:'.length);
    const [staff] = await deps.db
      .select({ name: staffMembers.name })
      .from(staffMembers)
      .where(eq(staffMembers.address, address))
      .limit(1);
    return staff ? `${staff.name} (${address})` : address;
  }
  if (actor.startsWith('token:')) {
    const [token] = await deps.db
      .select({ name: apiTokens.name })
      .from(apiTokens)
      .where(eq(apiTokens.id, actor.slice('token:'.length)))
      .limit(1);
    return token ? `API token “${token.name}”` : 'an API token';
  }
  if (actor.startsWith('mailbox:')) {
    const [mailbox] = await deps.db
      .select({ address: mailboxes.address })
      .from(mailboxes)
      .where(eq(mailboxes.id, actor.slice('mailbox:'.length)))
      .limit(1);
    return mailbox ? `the council mailbox ${mailbox.address}` : 'a council mailbox';
  }
  if (actor === 'cli') return 'the command line';
  if (actor === 'system') return 'the service';
  if (actor === 'bootstrap') return 'the bootstrap admin';
  return actor;
}
