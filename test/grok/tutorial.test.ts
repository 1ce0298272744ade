import { describe, expect, it } from "vitest";
import { compileGrok } from "../../src/grok/index.js";
import { run, TUTORIAL } from "./helpers.js";

describe("tutorial patterns (vectorized)", () => {
  it("take the vectorized engine", () => {
    for (const p of Object.values(TUTORIAL)) expect(compileGrok(p).engine).toBe("vectorized");
  });

  it("parse a cart line field by field", () => {
    const line =
      "2025-01-05T12:15:00Z event_id=027fc634-ec60-4fa8-8c84-06157d5f5de5 type=cart user_id=5 cart_id=2535 action=add product_id=56 quantity=1 price=103.54";
    expect(run(compileGrok(TUTORIAL.cart), [line])).toEqual([
      {
        timestamp: "2025-01-05T12:15:00Z",
        event_id: "027fc634-ec60-4fa8-8c84-06157d5f5de5",
        type: "cart",
        user_id: "5",
        cart_id: "2535",
        action: "add",
        product_id: "56",
        quantity: "1",
        price: "103.54",
      },
    ]);
  });

  it("parse a purchase line whose last field is a WORD at the end of the line", () => {
    const line =
      "2025-01-05T12:25:40+02:00 event_id=fa83007c-0e5a-4531-a8b9-03d9e993bd81 type=purchase user_id=u24 cart_id=5262 order_id=859782 total=-298.9 currency=USD payment_method=apple_pay";
    const [r] = run(compileGrok(TUTORIAL.purchase), [line]);
    expect(r).toMatchObject({ timestamp: "2025-01-05T12:25:40+02:00", user_id: "u24", total: "-298.9", payment_method: "apple_pay" });
  });

  it("parse a web line with a quoted user agent and query strings", () => {
    const line =
      '2025-01-05T12:09:00.123Z event_id=9ffd8c01-1cb4-4120-abc4-a32bca749cee type=web user_id=61 path=/p/1?x=2&y=3 referrer=/home user_agent="Mozilla/5.0 (X11; Linux)"';
    const [r] = run(compileGrok(TUTORIAL.web), [line]);
    expect(r).toMatchObject({ timestamp: "2025-01-05T12:09:00.123Z", path: "/p/1?x=2&y=3", referrer: "/home", user_agent: "Mozilla/5.0 (X11; Linux)" });
  });

  it("matches anywhere in the line, and rejects lines that do not match", () => {
    const g = compileGrok(TUTORIAL.cart);
    const line =
      "prefix 2025-01-05T12:15:00Z event_id=027fc634-ec60-4fa8-8c84-06157d5f5de5 type=cart user_id=5 cart_id=2535 action=add product_id=56 quantity=1 price=103.54 trailing";
    const [hit, miss] = run(g, [line, line.replace("quantity=1", "quantity=one")]);
    expect(hit?.price).toBe("103.54");
    expect(miss).toBeNull();
  });

  it("an empty capture is null (DATA between quotes)", () => {
    const line = '2025-01-05T12:09:00Z event_id=9ffd8c01-1cb4-4120-abc4-a32bca749cee type=web user_id=61 path=/ referrer=/home user_agent=""';
    expect(run(compileGrok(TUTORIAL.web), [line])[0]?.user_agent).toBeNull();
  });

  it("a WORD at the end of the pattern stops at a word boundary like oniguruma", () => {
    // payment_method=%{WORD} then "é": é is a word character for oniguruma, so \b fails after "card"
    // and no shorter \w+ ends at a boundary either: no match.
    const base =
      "2025-01-05T12:25:40Z event_id=fa83007c-0e5a-4531-a8b9-03d9e993bd81 type=purchase user_id=24 cart_id=5262 order_id=859782 total=298.9 currency=USD payment_method=card";
    const [plain, accent, dash] = run(compileGrok(TUTORIAL.purchase), [base, base + "é", base + "-x"]);
    expect(plain?.payment_method).toBe("card");
    expect(accent).toEqual({ ...plain, payment_method: "cardé" });
    expect(dash?.payment_method).toBe("card");
  });
});

describe("NUMBER's look-behind and atomic group", () => {
  it("%{NUMBER:n} items on 1.2.3 items does not match (as oniguruma)", () => {
    const g = compileGrok("%{NUMBER:n} items");
    expect(g.engine).toBe("vectorized");
    expect(run(g, ["1.2.3 items", "x 3 items", "-4.5 items", "a1 items", "+.5 items"])).toEqual([
      null,
      { n: "3" },
      { n: "-4.5" },
      { n: "1" },
      { n: "+.5" },
    ]);
  });

  it("n=%{NUMBER:a}0 on n=100 does not match: the atomic group keeps 100 (exact engine)", () => {
    const g = compileGrok("n=%{NUMBER:a}0");
    expect(g.engine).toBe("exact");
    expect(g.reason).toMatch(/atomic group/);
    expect(run(g, ["n=100", "n=1 0"])).toEqual([null, null]);
  });
});
