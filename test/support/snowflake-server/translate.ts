/**
 * The few Snowflake-isms the subscriber sends, rewritten for DuckDB.
 *
 * This is not a Snowflake SQL parser: it recognises the statement shapes that
 * `src/sinks/snowflake` produces (and a handful of obvious ones a test may
 * send by hand) and leaves everything else to DuckDB, whose dialect is close
 * enough for quoted identifiers, CREATE/DROP/INSERT/MERGE and transactions.
 *
 * @example
 * translateType("TIMESTAMP_NTZ(6)")            // "TIMESTAMP"
 * classify("ALTER TABLE \"A\" SWAP WITH \"B\"") // { kind: "swap", a: "\"A\"", b: "\"B\"" }
 */

/** What the server needs to know about a statement before running it. */
export type StatementShape =
  | { kind: "begin" | "commit" | "rollback" }
  | { kind: "swap"; a: string; b: string }
  | { kind: "insert-values"; table: string; columns: string; placeholders: number }
  | { kind: "sql"; verb: string };

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const QUALIFIED = String.raw`${IDENT}(?:\s*\.\s*${IDENT}){0,2}`;

const SWAP = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(${QUALIFIED})\s+SWAP\s+WITH\s+(${QUALIFIED})$`, "is");
const INSERT_VALUES = new RegExp(
  String.raw`^INSERT\s+INTO\s+(${QUALIFIED})\s*\(([^)]*)\)\s*VALUES\s*\(\s*(\?(?:\s*,\s*\?)*)\s*\)$`,
  "is",
);

/** Strips comments, surrounding blanks and one trailing semicolon. */
export function normalizeSql(sql: string): string {
  return sql
    .replace(/--[^\n]*\n?/g, "\n")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .trim()
    .replace(/;\s*$/, "")
    .trim();
}

/** Recognises the statement shapes that need special handling. */
export function classify(sql: string): StatementShape {
  const text = normalizeSql(sql);
  const head = text.split(/\s+/, 2).map((w) => w.toUpperCase());
  if (head[0] === "BEGIN" || (head[0] === "START" && head[1] === "TRANSACTION")) return { kind: "begin" };
  if (head[0] === "COMMIT") return { kind: "commit" };
  if (head[0] === "ROLLBACK") return { kind: "rollback" };
  const swap = SWAP.exec(text);
  if (swap) return { kind: "swap", a: swap[1], b: swap[2] };
  const insert = INSERT_VALUES.exec(text);
  if (insert) {
    return {
      kind: "insert-values",
      table: insert[1],
      columns: insert[2].trim(),
      placeholders: insert[3].split(",").length,
    };
  }
  return { kind: "sql", verb: (head[0] ?? "").toUpperCase() };
}

/** Snowflake column type → DuckDB column type. */
export function translateType(type: string): string {
  const t = type.trim().toUpperCase().replace(/\s+/g, " ");
  let m: RegExpExecArray | null;
  if ((m = /^(?:NUMBER|NUMERIC|DECIMAL)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t))) {
    return `DECIMAL(${m[1] ?? 38},${m[2] ?? 0})`;
  }
  if (/^(?:INT|INTEGER|BIGINT|SMALLINT|TINYINT|BYTEINT)$/.test(t)) return "DECIMAL(38,0)";
  if (/^(?:FLOAT|FLOAT4|FLOAT8|DOUBLE|DOUBLE PRECISION|REAL)$/.test(t)) return "DOUBLE";
  if ((m = /^(?:VARCHAR|STRING|TEXT|CHAR|CHARACTER|NVARCHAR)\s*(?:\(\s*\d+\s*\))?$/.exec(t))) return "VARCHAR";
  if (t === "BOOLEAN") return "BOOLEAN";
  if (t === "DATE") return "DATE";
  if ((m = /^(?:TIMESTAMP_NTZ|DATETIME|TIMESTAMP)\s*(?:\(\s*(\d)\s*\))?$/.exec(t))) {
    const scale = Number(m[1] ?? 9);
    return scale <= 3 ? "TIMESTAMP_MS" : scale <= 6 ? "TIMESTAMP" : "TIMESTAMP_NS";
  }
  throw new Error(`unsupported column type ${type}`);
}

/** DuckDB column type → the Snowflake type that maps to it (for read-back). */
export function snowflakeTypeOf(duckType: string): string {
  const t = duckType.toUpperCase();
  let m: RegExpExecArray | null;
  if ((m = /^DECIMAL\((\d+),(\d+)\)$/.exec(t))) return `NUMBER(${m[1]},${m[2]})`;
  if (/^(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t)) return "NUMBER(38,0)";
  if (t === "DOUBLE" || t === "FLOAT") return "FLOAT";
  if (t === "VARCHAR") return "VARCHAR";
  if (t === "BOOLEAN") return "BOOLEAN";
  if (t === "DATE") return "DATE";
  if (t === "TIMESTAMP_MS") return "TIMESTAMP_NTZ(3)";
  if (t === "TIMESTAMP" || t === "TIMESTAMP_US") return "TIMESTAMP_NTZ(6)";
  if (t === "TIMESTAMP_NS") return "TIMESTAMP_NTZ(9)";
  return t;
}

/**
 * Rewrites Snowflake type names (in CREATE TABLE column lists and CASTs),
 * outside string literals and quoted identifiers. Only the names DuckDB lacks
 * or reads differently are touched (FLOAT is a 4-byte REAL in DuckDB).
 */
export function translateDdl(sql: string): string {
  return mapOutsideQuotes(sql, (chunk) =>
    chunk.replace(
      /\b(NUMBER|NUMERIC|TIMESTAMP_NTZ|DATETIME|FLOAT4|FLOAT8|FLOAT|STRING|TEXT)\b(\s*\(\s*\d+\s*(?:,\s*\d+\s*)?\))?/gi,
      (whole) => translateType(whole),
    ),
  );
}

/** Applies `fn` to the parts of `sql` that are not inside '…' or "…". */
function mapOutsideQuotes(sql: string, fn: (chunk: string) => string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const next = sql.slice(i).search(/['"]/);
    if (next < 0) {
      out += fn(sql.slice(i));
      break;
    }
    out += fn(sql.slice(i, i + next));
    const quote = sql[i + next];
    let j = i + next + 1;
    for (;;) {
      if (j >= sql.length) break;
      if (sql[j] === quote) {
        if (sql[j + 1] === quote) {
          j += 2;
          continue;
        }
        break;
      }
      j++;
    }
    out += sql.slice(i + next, j + 1);
    i = j + 1;
  }
  return out;
}

/** The Snowflake statement type id the driver uses to count updated rows. */
export function statementTypeId(verb: string): number {
  switch (verb) {
    case "SELECT":
    case "WITH":
    case "SHOW":
    case "DESCRIBE":
      return 0x1000;
    case "INSERT":
      return 0x3100;
    case "UPDATE":
      return 0x3200;
    case "DELETE":
      return 0x3300;
    case "MERGE":
      return 0x3400;
    case "BEGIN":
    case "COMMIT":
    case "ROLLBACK":
      return 0x5000;
    default:
      return 0x6000;
  }
}
