/**
 * Raw statements (the multi-step CTEs of the hot path) return rows as the driver gives them:
 * snake_case names, bigints and timestamps as text. This decodes one into the table's typed row
 * with the table's own column mappers, so raw and query-builder reads agree.
 */
import { getTableColumns, type InferSelectModel, type Table } from 'drizzle-orm';

export function decodeRow<T extends Table>(table: T, raw: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    if (value === undefined) throw new Error(`raw row lacks column ${column.name}`);
    row[key] = value === null ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}
