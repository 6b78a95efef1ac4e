// Usage text for people: each command's lines, its descriptions aligned in one column, and the lines of one
// subcommand when that is what was asked about (`token create --help`).

/** A usage line's synopsis and its description (three or more spaces apart), or the synopsis alone. */
function split(line: string): { synopsis: string; description: string } | { continuation: string } {
  if (/^\s/.test(line)) return { continuation: line.trim() };
  const m = /^(.*?\S)\s{3,}(\S.*)$/.exec(line);
  return m ? { synopsis: m[1]!, description: m[2]! } : { synopsis: line.trimEnd(), description: '' };
}

/**
 * Lines with their descriptions aligned in one column; when a synopsis is too long for that, each
 * description (and its continuations) goes on the lines under its synopsis instead, indented.
 */
export function alignUsage(text: string): string {
  const parts = text
    .split('\n')
    .filter((l) => l.trim())
    .map(split);
  const longest = Math.max(
    0,
    ...parts.map((p) => ('synopsis' in p && p.description ? p.synopsis.length : 0)),
  );
  if (longest > 56)
    return parts
      .map((p) => {
        if ('continuation' in p) return `      ${p.continuation}`;
        return p.description ? `  ${p.synopsis}\n      ${p.description}` : `  ${p.synopsis}`;
      })
      .join('\n');
  return parts
    .map((p) => {
      if ('continuation' in p) return `${' '.repeat(longest + 4)}${p.continuation}`;
      if (!p.description) return `  ${p.synopsis}`;
      return `  ${p.synopsis}${' '.repeat(longest - p.synopsis.length + 2)}${p.description}`;
    })
    .join('\n');
}

/** The usage lines of one subcommand (`token create`), with their continuations; all of them if none match. */
export function usageFor(text: string, command: string, sub: string | undefined): string {
  if (!sub || sub.startsWith('-')) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  let keep = false;
  for (const line of lines) {
    if (!/^\s/.test(line)) keep = line.startsWith(`${command} ${sub}`);
    if (keep) out.push(line);
  }
  return out.length ? out.join('\n') : text;
}
