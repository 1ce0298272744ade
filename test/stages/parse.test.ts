import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { linesFrame } from "../../src/io/read-lines.js";
import { parseLogs, parsedColumns } from "../../src/stages/parse.js";
import { cartStream, purchaseStream, webStream, type StreamDefinition } from "../../src/streams.js";
import { rows } from "../support/timeline.js";

const CART = "2025-01-05T12:15:00Z event_id=027fc634-ec60-4fa8-8c84-06157d5f5de5 type=cart user_id=5 cart_id=2535 action=add product_id=56 quantity=1 price=103.54";
const PURCHASE = "2025-01-05T12:25:40.5+02:00 event_id=fa83007c-0e5a-4531-a8b9-03d9e993bd81 type=purchase user_id=24 cart_id=5262 order_id=859782 total=298.9 currency=USD payment_method=apple_pay";
const WEB = '2025-01-05T12:09:00-0530 event_id=9ffd8c01-1cb4-4120-abc4-a32bca749cee type=web user_id=61 path=/products/99?ref=a&b=c referrer=/home user_agent="Mozilla/5.0 (X11; Linux)"';

const parse = (stream: StreamDefinition, text: string) => {
  const { events, rejected } = parseLogs(stream, linesFrame(`${stream.name}_activity.log`, text));
  return { events: events.collectSync(), rejected: rows(rejected) };
};

describe("parseLogs", () => {
  it("parses the tutorial's cart line into typed columns, keeping the raw message", () => {
    const { events, rejected } = parse(cartStream, CART + "\n");
    expect(rejected).toEqual([]);
    expect(events.columns).toEqual(parsedColumns(cartStream).map((c) => c.name));
    const [row] = rows(events);
    expect(row).toMatchObject({
      message: CART,
      event_id: "027fc634-ec60-4fa8-8c84-06157d5f5de5",
      event_type: "cart",
      user_id: "5",
      cart_id: "2535",
      cart_action: "add",
      product_id: 56,
      quantity: 1,
      price: 103.54,
    });
    expect((row.timestamp as Date).toISOString()).toBe("2025-01-05T12:15:00.000Z");
    const types = Object.fromEntries(events.columns.map((c) => [c, String(events.getColumn(c).dtype)]));
    expect(types).toMatchObject({ product_id: expect.stringContaining("Int32"), quantity: expect.stringContaining("Int32"), price: expect.stringContaining("Float64") });
    expect(types.timestamp).toMatch(/Datetime\(us, ?UTC\)/i);
  });

  it("parses purchases (total → total_amount) and web events (paths with query strings, quoted agents)", () => {
    const [purchase] = rows(parse(purchaseStream, PURCHASE).events);
    expect(purchase).toMatchObject({ order_id: "859782", total_amount: 298.9, currency: "USD", payment_method: "apple_pay", event_type: "purchase" });
    expect((purchase.timestamp as Date).toISOString()).toBe("2025-01-05T10:25:40.500Z");
    const [web] = rows(parse(webStream, WEB).events);
    expect(web).toMatchObject({ path: "/products/99?ref=a&b=c", referrer: "/home", user_agent: "Mozilla/5.0 (X11; Linux)", user_id: "61" });
    expect((web.timestamp as Date).toISOString()).toBe("2025-01-05T17:39:00.000Z");
  });

  it("matches anywhere in the line, as grok does", () => {
    const { events } = parse(cartStream, `[host-a] ${CART} trailing words`);
    expect(rows(events, ["message", "price"])).toEqual([{ message: `[host-a] ${CART} trailing words`, price: 103.54 }]);
  });

  it("rejects lines that do not match, impossible dates and out-of-range integers, with file, line and reason", () => {
    const text = [
      CART,
      "garbage line",
      CART.replace("2025-01-05", "2025-02-30"),
      "",
      CART.replace("product_id=56", "product_id=99999999999"),
      "   ",
      CART.replace("type=cart", "type=c@rt"),
    ].join("\r\n");
    const { events, rejected } = parse(cartStream, text);
    expect(events.height).toBe(1);
    expect(rejected).toEqual([
      { stream: "cart", file: "cart_activity.log", line_number: 2, message: "garbage line", reason: "line does not match the cart pattern" },
      {
        stream: "cart",
        file: "cart_activity.log",
        line_number: 3,
        message: CART.replace("2025-01-05", "2025-02-30"),
        reason: "timestamp '2025-02-30T12:15:00Z' is not a valid instant",
      },
      {
        stream: "cart",
        file: "cart_activity.log",
        line_number: 5,
        message: CART.replace("product_id=56", "product_id=99999999999"),
        reason: "product_id '99999999999' is not a valid Int32",
      },
      { stream: "cart", file: "cart_activity.log", line_number: 7, message: CART.replace("type=cart", "type=c@rt"), reason: "line does not match the cart pattern" },
    ]);
  });

  it("keeps the defect of a line that could not be decoded as its reason", () => {
    const lines = linesFrame("cart_activity.log", CART).withColumns(pl.lit("bytes are not valid UTF-8").alias("defect"));
    expect(rows(parseLogs(cartStream, lines).rejected, ["reason"])).toEqual([{ reason: "bytes are not valid UTF-8" }]);
  });

  it("gives empty tables with their schema for no lines", () => {
    const { events, rejected } = parse(webStream, "");
    expect(events.height).toBe(0);
    expect(events.columns).toEqual(parsedColumns(webStream).map((c) => c.name));
    expect(rejected).toEqual([]);
  });

  it("says which capture a column wants when the pattern lacks it", () => {
    const broken: StreamDefinition = { ...cartStream, columns: [...cartStream.columns, { name: "sku", type: "string" }] };
    expect(() => parseLogs(broken, linesFrame("x", CART))).toThrow('column "sku" takes capture "sku", which the pattern does not have');
  });

  it("names the columns a hand-made lines frame lacks, and takes one without `defect`", () => {
    const messages = pl.DataFrame({ message: [CART] }).lazy();
    expect(() => parseLogs(cartStream, messages)).toThrow("parseLogs(cart): the lines frame lacks columns file, line_number (it needs file, line_number, message");
    const noDefect = pl.DataFrame({ file: ["f.log", "f.log"], line_number: [1, 2], message: [CART, "garbage"] }).lazy();
    const { events, rejected } = parseLogs(cartStream, noDefect);
    expect(rows(events, ["event_id"])).toEqual([{ event_id: "027fc634-ec60-4fa8-8c84-06157d5f5de5" }]);
    expect(rows(rejected, ["file", "line_number", "reason"])).toEqual([{ file: "f.log", line_number: 2, reason: "line does not match the cart pattern" }]);
  });
});
