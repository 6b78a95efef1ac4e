// Test audiences: named lists of addresses a test advisory goes to instead of its real audience.
// A WARP operator's are named `<warp id>.<name>` and only they (and admins) see, change or use them.
// A test audience holds only people the sender could reach anyway: staff (NCSC staff members for an
// admin; the WARP's own staff and operator addresses for a WARP operator) and confirmed mailboxes within
// the sender's scope. A test is never a way to send an advisory to an outside address.
import { and, asc, eq, isNull, like } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { authorities, mailboxes, staffMembers, testAudiences, warpOperators } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { checkAddress } from '../../domain/mailbox-address.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError, type FieldError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { testAudienceNamePattern } from './schemas.js';

export type TestAudienceRow = typeof testAudiences.$inferSelect;

function toTestAudienceView(row: TestAudienceRow) {
  return {
    name: row.name,
    addresses: row.addresses,
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type TestAudienceView = ReturnType<typeof toTestAudienceView>;

/** Whether the principal may see, change and send to the test audience with this name. */
function mayUseTestAudience(principal: Principal, name: string): boolean {
  if (principal.role === 'admin') return true;
  return principal.role === 'warp' && !!principal.warpId && name.startsWith(`${principal.warpId}.`);
}

function assertName(principal: Principal, name: string): void {
  if (!testAudienceNamePattern.test(name))
    throw new AppError(
      'validation_failed',
      'A test audience name is lower-case letters, digits and hyphens.',
      {
        errors: [{ path: 'name', message: 'Use lower-case letters, digits and hyphens, like soc-team' }],
      },
    );
  if (!mayUseTestAudience(principal, name)) {
    const hint =
      principal.role === 'warp'
        ? ` A WARP operator’s test audiences are named "${principal.warpId}.<name>".`
        : '';
    throw new AppError('forbidden', `You cannot use the test audience "${name}".${hint}`);
  }
}

async function findTestAudience(deps: Deps, name: string) {
  return deps.db.query.testAudiences.findFirst({ where: eq(testAudiences.name, name) });
}

export async function listTestAudiences(deps: Deps, principal: Principal): Promise<TestAudienceView[]> {
  if (principal.role !== 'admin' && !(principal.role === 'warp' && principal.warpId)) return [];
  const rows = await deps.db
    .select()
    .from(testAudiences)
    .where(principal.role === 'admin' ? undefined : like(testAudiences.name, `${principal.warpId}.%`))
    .orderBy(asc(testAudiences.name));
  return rows.filter((r) => mayUseTestAudience(principal, r.name)).map(toTestAudienceView);
}

export async function getTestAudience(
  deps: Deps,
  principal: Principal,
  name: string,
): Promise<TestAudienceView> {
  const row = mayUseTestAudience(principal, name) ? await findTestAudience(deps, name) : undefined;
  if (!row) throw new AppError('not_found', `There is no test audience "${name}" that you can use.`);
  return toTestAudienceView(row);
}

/**
 * The test audience an advisory in test mode is sent to, if the principal may use it; a validation
 * error on `path` otherwise (the author picks another).
 */
export async function requireUsableTestAudience(
  deps: Deps,
  principal: Principal,
  name: string,
  path = 'testAudience',
): Promise<TestAudienceRow> {
  const row = mayUseTestAudience(principal, name) ? await findTestAudience(deps, name) : undefined;
  if (!row)
    throw new AppError('validation_failed', `There is no test audience "${name}" that you can use.`, {
      errors: [{ path, message: `There is no test audience called "${name}" that you can use` }],
    });
  return row;
}

/**
 * The addresses of `addresses` that `principal` may put in a test audience: staff members (not disabled;
 * a WARP operator only its own WARP's), WARP operator addresses (a WARP operator only its own WARP's), and
 * confirmed mailboxes within its scope.
 */
export async function testAddressesAllowed(
  deps: Pick<Deps, 'db'>,
  principal: Principal,
  addresses: readonly string[],
): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const warpOnly = principal.role === 'admin' ? undefined : (principal.warpId ?? '');
  if (warpOnly === undefined && principal.role !== 'admin') return new Set();
  const [staff, operators, confirmed] = await Promise.all([
    deps.db
      .select({ address: staffMembers.address })
      .from(staffMembers)
      .where(
        and(
          inList(staffMembers.address, addresses),
          isNull(staffMembers.disabledAt),
          warpOnly === undefined ? undefined : eq(staffMembers.warpId, warpOnly),
        ),
      ),
    deps.db
      .select({ address: warpOperators.address })
      .from(warpOperators)
      .where(
        and(
          inList(warpOperators.address, addresses),
          warpOnly === undefined ? undefined : eq(warpOperators.warpId, warpOnly),
        ),
      ),
    deps.db
      .select({ address: mailboxes.address })
      .from(mailboxes)
      .innerJoin(authorities, eq(authorities.code, mailboxes.authorityCode))
      .where(
        and(
          inList(mailboxes.address, addresses),
          eq(mailboxes.state, 'confirmed'),
          warpOnly === undefined ? undefined : eq(authorities.warpId, warpOnly),
        ),
      ),
  ]);
  return new Set([...staff, ...operators, ...confirmed].map((r) => r.address));
}

/** Refuses the addresses the principal may not test with, each with its position. */
async function assertTestAddressesAllowed(deps: Deps, principal: Principal, addresses: string[]) {
  const allowed = await testAddressesAllowed(deps, principal, addresses);
  const errors: FieldError[] = addresses.flatMap((a, i) =>
    allowed.has(a)
      ? []
      : [
          {
            path: `addresses.${i}`,
            message:
              principal.role === 'admin'
                ? `${a} is not a staff member's address or a confirmed mailbox`
                : `${a} is not a staff or operator address of your WARP, or a confirmed mailbox of one of its members`,
          },
        ],
  );
  if (errors.length)
    throw new AppError(
      'validation_failed',
      'A test audience holds only staff addresses and confirmed mailboxes you could send to anyway.',
      { errors },
    );
}

/** Checks and normalises the addresses; every bad one is reported with its position. */
function checkTestAddresses(addresses: string[]): string[] {
  const errors: FieldError[] = [];
  const good: string[] = [];
  addresses.forEach((a, i) => {
    const checked = checkAddress(a);
    if (checked.ok) good.push(checked.address);
    else errors.push({ path: `addresses.${i}`, message: checked.reason });
  });
  if (errors.length)
    throw new AppError(
      'validation_failed',
      `${errors.length} address${errors.length === 1 ? ' is' : 'es are'} not valid.`,
      { errors },
    );
  return [...new Set(good)];
}

/** Creates or replaces a test audience; `created` says which. */
export async function putTestAudience(deps: Deps, actor: ActorContext, name: string, addresses: string[]) {
  assertName(actor.principal, name);
  const list = checkTestAddresses(addresses);
  await assertTestAddressesAllowed(deps, actor.principal, list);
  const before = await findTestAudience(deps, name);
  const now = deps.clock.now();
  const row: TestAudienceRow = { name, addresses: list, createdBy: actor.principal.actor, updatedAt: now };
  await deps.db.batch([
    deps.db
      .insert(testAudiences)
      .values(row)
      .onConflictDoUpdate({
        target: testAudiences.name,
        set: { addresses: list, createdBy: row.createdBy, updatedAt: now },
      }),
    auditEntry(deps.db, actor, now, {
      action: 'test-audience.put',
      subjectType: 'test-audience',
      subjectId: name,
      before: before ? { addresses: before.addresses } : null,
      after: { addresses: list },
    }),
  ]);
  return { audience: toTestAudienceView(row), created: !before };
}

export async function deleteTestAudience(deps: Deps, actor: ActorContext, name: string): Promise<void> {
  assertName(actor.principal, name);
  const row = await findTestAudience(deps, name);
  if (!row) throw new AppError('not_found', `There is no test audience "${name}" that you can use.`);
  const now = deps.clock.now();
  await deps.db.batch([
    deps.db.delete(testAudiences).where(eq(testAudiences.name, name)),
    auditEntry(deps.db, actor, now, {
      action: 'test-audience.delete',
      subjectType: 'test-audience',
      subjectId: name,
      before: { addresses: row.addresses },
    }),
  ]);
}

/** Test mode needs a named test audience, and only test mode has one (checked after merging a change). */
export function assertTestMode(test: boolean, testAudience: string | null | undefined): void {
  if (test && !testAudience)
    throw new AppError(
      'validation_failed',
      'Choose the test audience: test mode sends to a named test audience only.',
      {
        errors: [
          {
            path: 'testAudience',
            message: 'Choose the test audience: test mode sends to a named test audience only',
          },
        ],
      },
    );
  if (!test && testAudience)
    throw new AppError('validation_failed', 'Only a test advisory goes to a test audience.', {
      errors: [{ path: 'test', message: 'Only a test advisory goes to a test audience: set test to true' }],
    });
}
