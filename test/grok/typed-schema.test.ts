import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { compileGrok } from "../../src/grok/index.js";
import { parseLogs } from "../../src/stages/parse.js";
import type { StreamDefinition } from "../../src/streams.js";
import { run } from "./helpers.js";

/**
 * Logstash's type suffix (`%{INT:n:int}`, `%{NUMBER:p:float}`) and the stream schema on top
 * of it (a column renaming a capture and giving it a dtype), through the parse stage.
 */
const stream: StreamDefinition = {
  name: "inventory",
  pattern:
    "%{TIMESTAMP_ISO8601:ts} id=%{WORD:event_id} type=%{WORD:type} user=%{WORD:user_id} n=%{INT:n:int} price=%{NUMBER:p:float}",
  columns: [
    { name: "timestamp", from: "ts", type: "timestamp" },
    { name: "event_id", type: "string" },
    { name: "event_type", from: "type", type: "string" },
    { name: "user_id", type: "string" },
    { name: "stock", from: "n", type: "int32" },
    { name: "unit_price", from: "p", type: "float64" },
  ],
};

const lines = (messages: string[]) =>
  pl
    .DataFrame({
      file: messages.map(() => "inventory_1.log"),
      line_number: messages.map((_, i) => i + 1),
      message: messages,
    })
    .lazy();

describe("type suffixes with the schema mapping on top", () => {
  it("the typed captures are what the pattern's suffixes say", () => {
    const g = compileGrok(stream.pattern);
    expect(g.fields.map((f) => [f.name, f.type])).toEqual([
      ["ts", "string"], ["event_id", "string"], ["type", "string"], ["user_id", "string"], ["n", "int"], ["p", "float"],
    ]);
    const out = g.apply(lines(["2024-01-02T03:04:05Z id=e1 type=restock user=u1 n=+42 price=1.5"]), "message").collectSync();
    expect([out.getColumn("n").dtype.variant, out.getColumn("p").dtype.variant]).toEqual(["Int64", "Float64"]);
    expect(run(g, ["2024-01-02T03:04:05Z id=e1 type=restock user=u1 n=-7 price=.25"])).toEqual([
      { ts: "2024-01-02T03:04:05Z", event_id: "e1", type: "restock", user_id: "u1", n: -7, p: 0.25 },
    ]);
  });

  it("parseLogs renames and re-types them: events, and the rejects that do not fit the column's dtype", () => {
    const { events, rejected } = parseLogs(
      stream,
      lines([
        "2024-01-02T03:04:05Z id=e1 type=restock user=u1 n=42 price=1.5",
        "2024-01-02T03:04:06Z id=e2 type=sale user=u2 n=-3 price=10",
        "2024-01-02T03:04:07Z id=e3 type=sale user=u3 n=99999999999 price=2.5",
        "2024-01-02T03:04:08Z id=e4 type=sale user=u4 n=x price=2.5",
      ]),
    );
    const e = events.collectSync();
    expect(e.columns).toEqual(["message", "timestamp", "event_id", "event_type", "user_id", "stock", "unit_price"]);
    expect([e.getColumn("stock").dtype.variant, e.getColumn("unit_price").dtype.variant]).toEqual(["Int32", "Float64"]);
    expect(e.select("event_id", "event_type", "stock", "unit_price").toRecords()).toEqual([
      { event_id: "e1", event_type: "restock", stock: 42, unit_price: 1.5 },
      { event_id: "e2", event_type: "sale", stock: -3, unit_price: 10 },
    ]);
    expect(rejected.collectSync().select("line_number", "reason").toRecords()).toEqual([
      { line_number: 3, reason: "stock '99999999999' is not a valid Int32" },
      { line_number: 4, reason: "line does not match the inventory pattern" },
    ]);
  });
});
