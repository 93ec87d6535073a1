/**
 * Multi-row INSERT for the hot write paths (the audit row of every match request, match
 * events), bypassing the query builder: its SQL text is built once per (dialect, table, row
 * count) and the values are bound. Why: Kysely walks and compiles ten value nodes a row on
 * every call, which was most of the cost of writing a batch of match records, and each batch
 * ran on the event loop that also answers requests.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './database.js';
import type { StoreDialect } from './open-store.js';

/** Rows per statement; at most 10 columns × 100 rows keeps well under both dialects' limits. */
const ROWS_PER_STATEMENT = 100;

const texts = new Map<string, string>();

function insertText(
  dialect: StoreDialect,
  table: string,
  columns: readonly string[],
  rows: number,
): string {
  const key = `${dialect}\u0000${table}\u0000${columns.join(',')}\u0000${rows}`;
  let text = texts.get(key);
  if (text === undefined) {
    let n = 0;
    const mark = () => (dialect === 'postgres' ? `$${++n}` : '?');
    const tuple = () => `(${columns.map(mark).join(', ')})`;
    const names = columns.map((c) => `"${c}"`).join(', ');
    text = `insert into "${table}" (${names}) values ${Array.from({ length: rows }, tuple).join(', ')}`;
    texts.set(key, text);
  }
  return text;
}

/** Inserts `rows` (objects with every one of `columns`) into `table`, 100 per statement. */
export async function insertRows<R extends object>(
  db: Pick<Kysely<Database>, 'executeQuery'>,
  dialect: StoreDialect,
  table: string,
  columns: readonly (keyof R & string)[],
  rows: readonly R[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const values = chunk.flatMap((r) => columns.map((c) => r[c] as unknown));
    await db.executeQuery(
      CompiledQuery.raw(insertText(dialect, table, columns, chunk.length), values),
    );
  }
}
