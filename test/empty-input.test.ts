/**
 * Empty input (core issue, semantics point 9): every table is still written, with its full
 * schema and zero rows. The schema of each table is compared, name and dtype, with what the
 * stages declare and with the same table from a run over the fixtures, so that an empty
 * run can never drift from a real one.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { beforeAll, describe, expect, it } from "vitest";
import { polarsType, type ColumnSpec } from "../src/columns.js";
import { runPipeline, TABLES } from "../src/pipeline.js";
import { AGGREGATED_COLUMNS } from "../src/stages/aggregate.js";
import { parsedColumns, REJECTED_COLUMNS } from "../src/stages/parse.js";
import { timelineColumns } from "../src/stages/unify.js";
import { openStore } from "../src/store/index.js";
import { tutorialStreams } from "../src/streams.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-empty-"));

/** `[name, dtype]` of every column of a stored table. */
function schemaOf(store: string, table: string): [string, string][] {
  const frame = openStore(store).scan(table).collectSync();
  return frame.columns.map((c) => [c, String(frame.getColumn(c).dtype)]);
}
/** The declared columns as `[name, dtype]`, the dtype as a stored column reports it (pl.Utf8 reads back as String). */
const declared = (columns: readonly ColumnSpec[]): [string, string][] => columns.map((c) => [c.name, String(pl.Series(c.name, [], polarsType(c.type)).dtype)]);

describe.each([
  ["an empty logs directory", () => tempDir()],
  [
    "files that are empty or hold only blank lines",
    () => {
      const logs = tempDir();
      writeFileSync(join(logs, "cart_activity.log"), "");
      writeFileSync(join(logs, "purchase_activity.log"), "\n\n\r\n");
      writeFileSync(join(logs, "web_activity.log"), "   \n\t\n");
      return logs;
    },
  ],
])("%s", (_, makeLogs) => {
  const empty = join(tempDir(), "empty");
  const full = join(tempDir(), "full");
  beforeAll(async () => {
    expect(await runPipeline({ logs: makeLogs(), store: empty })).toMatchObject({ events: 0, sessions: 0, rejected: 0 });
    await runPipeline({ logs: "fixtures/logs", store: full });
  });

  const expected: [string, readonly ColumnSpec[] | undefined][] = [
    ...tutorialStreams.map((s): [string, readonly ColumnSpec[]] => [TABLES.parsed(s.name), parsedColumns(s)]),
    [TABLES.rejected, REJECTED_COLUMNS],
    [TABLES.batch, timelineColumns()],
    [TABLES.history, timelineColumns()],
    [TABLES.sessionized, undefined],
    [TABLES.aggregated, AGGREGATED_COLUMNS],
  ];

  it("writes all eight tables, each with zero rows", () => {
    expect(
      openStore(empty)
        .tables()
        .map((t) => [t.name, t.rows]),
    ).toEqual(expected.map(([name]) => [name, 0]).sort());
  });

  it.each(expected)("%s has the declared schema, the same as after a real run", (table, columns) => {
    const schema = schemaOf(empty, table);
    expect(schema).toEqual(schemaOf(full, table));
    if (columns) expect(schema).toEqual(declared(columns));
  });

  it("sessionized_logs is the timeline plus the session columns", () => {
    const names = schemaOf(empty, TABLES.sessionized).map(([n]) => n);
    expect(names.slice(0, timelineColumns().length)).toEqual(timelineColumns().map((c) => c.name));
    expect(names).toEqual(expect.arrayContaining(["session", "session_id"]));
  });
});
