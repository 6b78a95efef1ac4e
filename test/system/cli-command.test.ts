// One definition per CLI verb makes its usage line, its parsing and its validation: what each refuses, and
// that the usage says what the parser accepts.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseVerb, usageOf, type VerbSpec } from '../../src/entry/cli/command.js';
import { UsageError } from '../../src/entry/cli/io.js';

const verb: VerbSpec = {
  verb: 'create',
  summary: 'make one',
  args: [{ name: '<name>' }, { name: 'note', required: false }],
  options: {
    role: {
      type: 'string',
      value: 'admin|warp',
      required: true,
      schema: z.enum(['admin', 'warp'], { message: '--role must be admin or warp' }),
    },
    limit: { type: 'string', value: 'N', schema: z.coerce.number().int('--limit must be a whole number') },
    json: { type: 'boolean' },
  },
  notes: ['a note under it'],
  run: async () => 0,
};

describe('a CLI verb defined once', () => {
  it('writes its usage from its definition', () => {
    expect(usageOf('thing', [verb])).toBe(
      'thing create <name> [note] --role admin|warp [--limit N] [--json]   make one\n    a note under it',
    );
  });

  it('parses, converts and validates as the definition says', () => {
    expect(parseVerb('thing', verb, ['a', '--role', 'warp', '--limit', '7', '--json'])).toEqual({
      args: ['a'],
      values: { role: 'warp', limit: 7, json: true },
    });
    const refused = (argv: string[]) => {
      try {
        parseVerb('thing', verb, argv);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refused(['a'])).toBe('--role is needed');
    expect(refused(['a', '--role', 'boss'])).toBe('--role must be admin or warp');
    expect(refused(['a', '--role', 'admin', '--limit', 'x'])).toMatch(
      /--limit must be a whole number|expected number/,
    );
    expect(refused(['--role', 'admin'])).toBe('thing create takes <name> [note]');
    expect(refused(['a', 'b', 'c', '--role', 'admin'])).toBe('thing create takes <name> [note]');
    expect(refused(['a', '--role', 'admin', '--nope'])).toMatch(/Unknown option '--nope'/);
  });
});
