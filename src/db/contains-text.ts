// A case-insensitive "contains" search on a text column (SQLite's LIKE folds ASCII case): what people type
// is matched literally, so `%`, `_` and the escape character find themselves.
import type { AnyColumn, SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';

export function containsText(column: AnyColumn | SQL, text: string): SQL {
  const pattern = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql`${column} like ${pattern} escape '\\'`;
}
