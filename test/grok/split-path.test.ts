import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGrok } from "../../src/grok/index.js";
import { expandPattern } from "../../src/grok/expand.js";
import { definitionLibrary } from "../../src/grok/library.js";
import { parseRegex } from "../../src/grok/regex/parse.js";
import { planVectorized } from "../../src/grok/vectorize/plan.js";
import { splitPlan } from "../../src/grok/vectorize/split-plan.js";
import { run, TUTORIAL } from "./helpers.js";
import { grokJs } from "./reference.js";

function planOf(pattern: string) {
  const expansion = expandPattern(pattern, definitionLibrary({}));
  const plan = planVectorized(parseRegex(expansion.text, expansion.fieldsAt).root);
  if (!plan.ok) throw new Error(plan.reason);
  return splitPlan(plan.tree);
}

describe("splitPlan: which patterns are cut at a separator", () => {
  it("takes the tutorial's three patterns, with the first field checked and the web agent taken from the tail", () => {
    expect(planOf(TUTORIAL.cart)).toMatchObject({
      separator: " ",
      lead: "",
      trail: "",
      prefixes: ["", "event_id=", "type=", "user_id=", "cart_id=", "action=", "product_id=", "quantity=", "price="],
      checkFirst: true, // TIMESTAMP_ISO8601 may hold a space ("2025-01-05 12:15:00Z")
      lastHoldsSeparator: false,
    });
    expect(planOf(TUTORIAL.purchase)?.fields).toEqual(["timestamp", "event_id", "type", "user_id", "cart_id", "order_id", "total", "currency", "payment_method"]);
    expect(planOf(TUTORIAL.web)).toMatchObject({ trail: '"', prefixes: ["", "event_id=", "type=", "user_id=", "path=", "referrer=", 'user_agent="'], lastHoldsSeparator: true });
  });

  it("takes plain separators, a lead and other separator characters", () => {
    expect(planOf("%{IPV4:client} %{WORD:method} %{NUMBER:bytes}")).toMatchObject({ separator: " ", prefixes: ["", "", ""], checkFirst: false });
    expect(planOf("id=%{INT:id} v=%{NUMBER:v}")).toMatchObject({ lead: "id=", prefixes: ["", "v="] });
    expect(planOf("%{HOSTNAME:h}:%{POSINT:port}")).toMatchObject({ separator: ":", prefixes: ["", ""] });
  });

  it("refuses shapes where the cut would not be exact", () => {
    expect(planOf("%{NOTSPACE:a}%{INT:b}")).toBeNull(); // fields side by side
    expect(planOf("%{INT:a}(?: x=%{INT:b})?")).toBeNull(); // an optional part
    expect(planOf("%{WORD:a} x %{WORD:b}")).toBeNull(); // two separators in one literal
    expect(planOf("%{WORD:a} x=%{DATA:b} y=%{WORD:c}")).toBeNull(); // a middle field that can hold the separator
    expect(planOf("%{DATA:a} b=%{WORD:b}")).toBeNull(); // a first field that can hold the separator and every key character
    expect(planOf("%{WORD:a} b=%{WORD:a}")).toBeNull(); // one name twice
    expect(planOf("%{INT:a} b=(?:%{INT:b}|%{NOTSPACE:c})")).toBeNull(); // alternatives
    expect(planOf("%{WORD:a}")).toBeNull(); // a single field has nothing to cut
  });
});

/** Lines near the edges of the split path: separators, keys and quotes inside values, prefixes, suffixes, non-ASCII. */
const PALETTE = [" ", "=", '"', "\x1f", "é", "😀", "\t", ":", "-", "x", "1", ".", "<", ">", ";", "\n"];

const mutation = (line: string) =>
  fc.oneof(
    fc.constant(line),
    fc.tuple(fc.nat(line.length), fc.constantFrom(...PALETTE)).map(([i, c]) => line.slice(0, i) + c + line.slice(i)),
    fc.nat(line.length).map((i) => line.slice(0, i) + line.slice(i + 1)),
    fc.tuple(fc.nat(line.length), fc.integer({ min: 1, max: 6 })).map(([i, n]) => line.slice(0, i) + line.slice(i, i + n).repeat(2) + line.slice(i + n)),
    fc.tuple(fc.constantFrom("", " ", "x", "="), fc.constantFrom("", " ", "x", '"', " k=v")).map(([a, b]) => a + line + b),
  );

const CASES: Record<string, { pattern: string; samples: string[] }> = {
  web: {
    pattern: TUTORIAL.web,
    samples: [
      '2025-01-05T12:09:00Z event_id=9ffd8c01-1cb4-4120-abc4-a32bca749cee type=web user_id=61 path=/ referrer=/home user_agent="Mozilla/5.0 (X11; Linux) x=1"',
      '2025-01-05 12:09:00Z event_id=9ffd8c01-1cb4-4120-abc4-a32bca749cee type=web user_id=61 path=/a?b=c referrer=/ user_agent=""',
      '2025-01-05T12:09:00Z event_id=9ffd8c01-1cb4-4120-abc4-a32bca749cee type=web user_id=61 path=/ referrer=/ user_agent="a" b"',
    ],
  },
  cart: {
    pattern: TUTORIAL.cart,
    samples: [
      "2025-01-05T12:15:00Z event_id=027fc634-ec60-4fa8-8c84-06157d5f5de5 type=cart user_id=5 cart_id=2535 action=add product_id=56 quantity=1 price=103.54",
      "2025-01-05 12:15:00+02:00 event_id=027fc634-ec60-4fa8-8c84-06157d5f5de5 type=cart user_id=5 cart_id=2535 action=add product_id=56 quantity=1 price=1.5.4",
    ],
  },
  lead_and_trail: { pattern: "<%{WORD:a}> k=%{DATA:b};", samples: ["<x> k=y;", "<x> k=>;", "<> k=;", "<x> k=a>b;c;", "<x> k=;;"] },
  lazy_last: { pattern: "%{WORD:a} %{DATA:b}", samples: ["abc def", "abc ", "a  b"] },
  greedy_last: { pattern: "%{TIMESTAMP_ISO8601:ts} msg=%{GREEDYDATA:msg}", samples: ["2025-01-05T12:15:00Z msg=a b c", "2025-01-05 12:15:00 msg=msg=x"] },
  keys_only: { pattern: "id=%{INT:id} v=%{NUMBER:v}", samples: ["id=1 v=2.5", "id=-1 v=.5", "id=1 v=2 v=3", "xid=1 v=2"] },
  colon: { pattern: "%{HOSTNAME:h}:%{POSINT:port}", samples: ["example.com:80", "a:1:2", "x.:08", ""] },
};

function differences(pattern: string, lines: string[]) {
  const sorted = (r: Record<string, unknown> | null) =>
    r === null ? null : Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)]).sort());
  const mine = run(compileGrok(pattern), lines).map(sorted);
  const ref = grokJs(pattern);
  return lines.flatMap((l, i) => (JSON.stringify(mine[i]) === JSON.stringify(sorted(ref(l))) ? [] : [{ line: l, mine: mine[i], theirs: sorted(ref(l)) }]));
}

describe("split path: the same captures as grok-js", () => {
  for (const [name, { pattern, samples }] of Object.entries(CASES)) {
    it(name, () => {
      expect(planOf(pattern)).not.toBeNull(); // the path under test is the one taken
      expect(differences(pattern, samples)).toEqual([]);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...samples).chain(mutation).chain(mutation), { minLength: 20, maxLength: 60 }), (lines) => {
          expect(differences(pattern, lines)).toEqual([]);
        }),
        { numRuns: 30, seed: 20261204 },
      );
    });
  }

  it("cuts the tutorial's lines exactly as the regex path does", () => {
    const line = '2025-01-05T12:09:00Z event_id=9ffd8c01-1cb4-4120-abc4-a32bca749cee type=web user_id=61 path=/p?q=1 referrer=/home user_agent="Mozilla/5.0 (X11; Linux x86_64)"';
    expect(run(compileGrok(TUTORIAL.web), [line])[0]).toEqual({
      timestamp: "2025-01-05T12:09:00Z",
      event_id: "9ffd8c01-1cb4-4120-abc4-a32bca749cee",
      type: "web",
      user_id: "61",
      path: "/p?q=1",
      referrer: "/home",
      user_agent: "Mozilla/5.0 (X11; Linux x86_64)",
    });
  });
});
