/**
 * The SQL the subscriber sends. Identifiers are always quoted; values are never
 * part of the text (they travel as bind variables, `?`).
 *
 * @example
 * quoteIdent('my "table"')              // "\"my \"\"table\"\"\""
 * insertSql("T", ["A", "B"])             // 'INSERT INTO "T" ("A", "B") VALUES (?, ?)'
 */
import type { ColumnPlan } from "./types.js";

/** A quoted Snowflake identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function createTableSql(table: string, columns: readonly Pick<ColumnPlan, "name" | "type">[]): string {
  return `CREATE TABLE ${quoteIdent(table)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ")})`;
}

export function dropTableSql(table: string): string {
  return `DROP TABLE IF EXISTS ${quoteIdent(table)}`;
}

export function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
}

/** Whether a table exists in the session's current database and schema (one bind: the name). */
export const TABLE_EXISTS_SQL =
  'SELECT COUNT(*) AS "N" FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_CATALOG = CURRENT_DATABASE() AND TABLE_SCHEMA = CURRENT_SCHEMA() AND TABLE_NAME = ?';

export function countSql(table: string): string {
  return `SELECT COUNT(*) AS "N" FROM ${quoteIdent(table)}`;
}

export function swapSql(target: string, staging: string): string {
  return `ALTER TABLE ${quoteIdent(target)} SWAP WITH ${quoteIdent(staging)}`;
}

export function renameSql(from: string, to: string): string {
  return `ALTER TABLE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`;
}

export function appendSql(target: string, staging: string, columns: readonly string[]): string {
  const cols = columns.map(quoteIdent).join(", ");
  return `INSERT INTO ${quoteIdent(target)} (${cols}) SELECT ${cols} FROM ${quoteIdent(staging)}`;
}

/**
 * Upsert from the staging table on `keys`: matching rows take the new values,
 * the others are inserted.
 */
export function mergeSql(target: string, staging: string, columns: readonly string[], keys: readonly string[]): string {
  const t = quoteIdent(target);
  const s = quoteIdent(staging);
  const on = keys.map((k) => `${t}.${quoteIdent(k)} = ${s}.${quoteIdent(k)}`).join(" AND ");
  const updates = columns.filter((c) => !keys.includes(c));
  const set = updates.map((c) => `${quoteIdent(c)} = ${s}.${quoteIdent(c)}`).join(", ");
  const insertCols = columns.map(quoteIdent).join(", ");
  const insertVals = columns.map((c) => `${s}.${quoteIdent(c)}`).join(", ");
  const matched = updates.length > 0 ? ` WHEN MATCHED THEN UPDATE SET ${set}` : "";
  return `MERGE INTO ${t} USING ${s} ON ${on}${matched} WHEN NOT MATCHED THEN INSERT (${insertCols}) VALUES (${insertVals})`;
}
