// A CLI command defined once: each verb's arguments and options (with their placeholders, descriptions and
// zod validation) make its usage line, its parsing (node's util.parseArgs, strict) and its validation, so
// none of the three is written by hand. A bad argument is a UsageError (exit 2) naming the option.
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { type CliCommand, type CliContext, UsageError } from './io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in the usage (string options), e.g. `ID`. */
  value?: string;
  /** Must be given. */
  required?: boolean;
  /** Validates (and may convert) a string option's value; its message is the usage error. */
  schema?: z.ZodType;
}

export interface ArgSpec {
  /** As the usage shows it, e.g. `<id>`. */
  name: string;
  required?: boolean;
  schema?: z.ZodType;
}

export interface VerbSpec {
  verb: string;
  args?: ArgSpec[];
  options?: Record<string, OptionSpec>;
  /** What it does, on the usage line. */
  summary: string;
  /** Lines under it in the usage (options explained, columns of a file). */
  notes?: string[];
  /** Option values as validated (strings converted by their schemas), and the arguments in order. */
  run(ctx: CliContext, input: { args: unknown[]; values: Record<string, unknown> }): Promise<number>;
}

const argText = (a: ArgSpec) => (a.required === false ? `[${a.name}]` : a.name);

function synopsis(command: string, v: VerbSpec): string {
  const args = (v.args ?? []).map(argText);
  const options = Object.entries(v.options ?? {}).map(([name, o]) => {
    const text = o.type === 'boolean' ? `--${name}` : `--${name} ${o.value ?? 'VALUE'}`;
    return o.required ? text : `[${text}]`;
  });
  return [command, v.verb, ...args, ...options].join(' ');
}

/** The usage of the verbs: a line each (synopsis, three spaces, summary), then their notes indented. */
export function usageOf(command: string, verbs: readonly VerbSpec[]): string {
  return verbs
    .flatMap((v) => [`${synopsis(command, v)}   ${v.summary}`, ...(v.notes ?? []).map((n) => `    ${n}`)])
    .join('\n');
}

function validated(schema: z.ZodType | undefined, value: unknown, what: string): unknown {
  if (!schema || value === undefined) return value;
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(result.error.issues[0]?.message ?? `${what} is not valid`);
  return result.data;
}

/** Parses and validates one verb's arguments, as its spec says. */
export function parseVerb(command: string, v: VerbSpec, argv: string[]) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(v.options ?? {}).map(([name, o]) => [name, { type: o.type }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // An unknown option, or a value missing after one: bad usage, said in node's words.
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const specs = v.args ?? [];
  const least = specs.filter((a) => a.required !== false).length;
  if (positionals.length < least || positionals.length > specs.length) {
    const wanted = specs.map(argText).join(' ');
    throw new UsageError(
      specs.length === 0 ? `${command} ${v.verb} takes no arguments` : `${command} ${v.verb} takes ${wanted}`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(v.options ?? {})) {
    const value = (values as Record<string, unknown>)[name];
    if (o.required && value === undefined) throw new UsageError(`--${name} is needed`);
    out[name] = validated(o.schema, value, `--${name}`);
  }
  const args = positionals.map((p, i) => validated(specs[i]?.schema, p, specs[i]?.name ?? 'the argument'));
  return { args, values: out };
}

/** A command of several verbs: its usage text, and the function that runs the verb asked for. */
export function defineCommand(
  command: string,
  verbs: readonly VerbSpec[],
): { usage: string; run: CliCommand } {
  return {
    usage: usageOf(command, verbs),
    run: async (ctx, argv) => {
      const [verb, ...rest] = argv;
      const spec = verbs.find((v) => v.verb === verb);
      if (!spec)
        throw new UsageError(
          verb
            ? `unknown ${command} command "${verb}"`
            : `give a ${command} command: ${verbs.map((v) => v.verb).join(', ')}`,
        );
      return spec.run(ctx, parseVerb(command, spec, rest));
    },
  };
}
