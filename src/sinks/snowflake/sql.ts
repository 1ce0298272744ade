/**
 * The SQL the subscriber sends. Identifiers are always quoted; values are never
 * part of the text (they travel as bind variables, `?`).
 *
 * @example
 * quoteIdent('my "table"')              // "\"my \"\"table\"\"\""
 * insertSql("T", ["A", "B"])             // 'INSERT INTO "T" ("A", "B") VALUES (?, ?)'
 */
import type { ColumnPlan } from "./types.js";

/**
 * A quoted Snowflake identifier (inner quotes doubled).
 *
 * @example
 * quoteIdent('my "t"'); // "\"my \"\"t\"\"\""
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * `CREATE TABLE` with the planned Snowflake types.
 *
 * @example
 * createTableSql("S", [{ name: "N", type: "NUMBER(38,0)" }]); // 'CREATE TABLE "S" ("N" NUMBER(38,0))'
 */
export function createTableSql(table: string, columns: readonly Pick<ColumnPlan, "name" | "type">[]): string {
  return `CREATE TABLE ${quoteIdent(table)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ")})`;
}

/**
 * `DROP TABLE IF EXISTS`.
 *
 * @example
 * dropTableSql("S"); // 'DROP TABLE IF EXISTS "S"'
 */
export function dropTableSql(table: string): string {
  return `DROP TABLE IF EXISTS ${quoteIdent(table)}`;
}

/**
 * A multi-row insert with one `?` per column (the rows travel as array binds).
 *
 * @example
 * insertSql("T", ["A", "B"]); // 'INSERT INTO "T" ("A", "B") VALUES (?, ?)'
 */
export function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
}

/**
 * Whether a table exists in the session's current database and schema (one bind: the name).
 *
 * @example
 * const [{ N }] = await session.run(TABLE_EXISTS_SQL, ["AGGREGATED_SESSIONS"]);
 */
export const TABLE_EXISTS_SQL =
  'SELECT COUNT(*) AS "N" FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_CATALOG = CURRENT_DATABASE() AND TABLE_SCHEMA = CURRENT_SCHEMA() AND TABLE_NAME = ?';

/**
 * The row count of a table, as column `N`.
 *
 * @example
 * countSql("T"); // 'SELECT COUNT(*) AS "N" FROM "T"'
 */
export function countSql(table: string): string {
  return `SELECT COUNT(*) AS "N" FROM ${quoteIdent(table)}`;
}

/**
 * Exchanges two tables atomically (the replace mode's last step).
 *
 * @example
 * swapSql("T", "T__STAGE"); // 'ALTER TABLE "T" SWAP WITH "T__STAGE"'
 */
export function swapSql(target: string, staging: string): string {
  return `ALTER TABLE ${quoteIdent(target)} SWAP WITH ${quoteIdent(staging)}`;
}

/**
 * Renames a table (a staging table becomes a target that did not exist yet).
 *
 * @example
 * renameSql("T__STAGE", "T"); // 'ALTER TABLE "T__STAGE" RENAME TO "T"'
 */
export function renameSql(from: string, to: string): string {
  return `ALTER TABLE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`;
}

/**
 * Copies every staging row into the target (the append mode).
 *
 * @example
 * appendSql("T", "S", ["A"]); // 'INSERT INTO "T" ("A") SELECT "A" FROM "S"'
 */
export function appendSql(target: string, staging: string, columns: readonly string[]): string {
  const cols = columns.map(quoteIdent).join(", ");
  return `INSERT INTO ${quoteIdent(target)} (${cols}) SELECT ${cols} FROM ${quoteIdent(staging)}`;
}

/**
 * Upsert from the staging table on `keys`: matching rows take the new values,
 * the others are inserted.
 *
 * @example
 * mergeSql("T", "S", ["ID", "V"], ["ID"]);
 * // 'MERGE INTO "T" USING "S" ON "T"."ID" = "S"."ID" WHEN MATCHED THEN UPDATE SET "V" = "S"."V" WHEN NOT MATCHED THEN INSERT ("ID", "V") VALUES ("S"."ID", "S"."V")'
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
