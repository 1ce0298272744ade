import fc from "fast-check";
import { readFileSync, existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileGrok } from "../../src/grok/index.js";
import { run, TUTORIAL } from "./helpers.js";
import { grokJs } from "./reference.js";

/** Characters that sit on the edges the engine reasons about: digits, signs, dots, word / non-word, quotes, escapes. */
const PALETTE = [..."0123456789.+-_aZé²٣ \t\"'`\\/:[]()<>=?&%@#,;|*~x", "\x1f", "😀", "\u00a0", "\n"];

const mutation = (line: string) =>
  fc.oneof(
    fc.constant(line),
    fc.nat(line.length).map((i) => line.slice(0, i) + line.slice(i + 1)), // delete
    fc.tuple(fc.nat(line.length), fc.constantFrom(...PALETTE)).map(([i, c]) => line.slice(0, i) + c + line.slice(i)), // insert
    fc.tuple(fc.nat(line.length), fc.integer({ min: 1, max: 4 })).map(([i, n]) => line.slice(0, i) + line.slice(i, i + n).repeat(2) + line.slice(i + n)), // duplicate
    fc.nat(line.length).map((i) => line.slice(0, i)), // truncate
    fc.tuple(fc.constantFrom("", "x", "1", "-", " ", "é", "\\", "\""), fc.constantFrom("", "x", "1", ".", " ", "é", "\"")).map(([a, b]) => a + line + b), // around
  );

const lineArb = (samples: string[]) =>
  fc
    .constantFrom(...samples)
    .chain(mutation)
    .chain((l) => fc.oneof({ weight: 3, arbitrary: fc.constant(l) }, { weight: 2, arbitrary: mutation(l) }));

/** Compares the vectorized engine with grok-js on generated lines; returns the differences. */
function differences(pattern: string, lines: string[]) {
  const g = compileGrok(pattern);
  const sorted = (r: Record<string, unknown> | null) =>
    r === null ? null : Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)]).sort());
  const mine = run(g, lines).map(sorted);
  const ref = grokJs(pattern);
  return lines.flatMap((l, i) => {
    const theirs = sorted(ref(l));
    return JSON.stringify(mine[i]) === JSON.stringify(theirs) ? [] : [{ line: l, mine: mine[i], theirs }];
  });
}

const tutorialSamples = (stream: string) => {
  const file = `/work/shared/tutorial-logs/${stream}_activity.log`;
  if (existsSync(file)) return readFileSync(file, "utf8").split("\n").filter(Boolean).slice(0, 200);
  return [];
};

const CASES: Record<string, { pattern: string; samples: string[] }> = {
  cart: {
    pattern: TUTORIAL.cart,
    samples: [
      "2025-01-05T12:15:00Z event_id=027fc634-ec60-4fa8-8c84-06157d5f5de5 type=cart user_id=5 cart_id=2535 action=add product_id=56 quantity=1 price=103.54",
      "2025-01-05 12:15:00.5+02:00 event_id=027FC634-EC60-4FA8-8C84-06157D5F5DE5 type=cart user_id=u_5 cart_id=x action=remove product_id=-56 quantity=+1 price=.54",
      ...tutorialSamples("cart").slice(0, 20),
    ],
  },
  purchase: {
    pattern: TUTORIAL.purchase,
    samples: [
      "2025-01-05T12:25:40Z event_id=fa83007c-0e5a-4531-a8b9-03d9e993bd81 type=purchase user_id=24 cart_id=5262 order_id=859782 total=298.9 currency=USD payment_method=apple_pay",
      ...tutorialSamples("purchase").slice(0, 20),
    ],
  },
  web: {
    pattern: TUTORIAL.web,
    samples: [
      '2025-01-05T12:09:00Z event_id=9ffd8c01-1cb4-4120-abc4-a32bca749cee type=web user_id=61 path=/ referrer=/home user_agent="Mozilla/5.0"',
      '2025-01-05T12:09:00Z event_id=9ffd8c01-1cb4-4120-abc4-a32bca749cee type=web user_id=61 path=/a/b?c=d&e=[f] referrer=/x?y user_agent="a \\"quoted\\" agent"',
      ...tutorialSamples("web").slice(0, 20),
    ],
  },
  COMMONAPACHELOG: {
    pattern: "%{COMMONAPACHELOG}",
    samples: [
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      'www.example.com - - [01/Jan/2024:00:00:01 +0000] "POST /a?b=c HTTP/1.1" 404 -',
      '::1 user-1 - [31/Dec/1999:23:59:60 +0100] "weird request line" 500 12',
    ],
  },
  COMBINEDAPACHELOG: {
    pattern: "%{COMBINEDAPACHELOG}",
    samples: [
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
      '10.1.2.3 - - [01/Jan/2024:00:00:01 +0000] "GET / HTTP/1.1" 304 - "-" "curl/8.0 \\"x\\""',
      "host - - [01/Jan/2024:00:00:01 +0000] \"GET / HTTP/1.1\" 200 5 '' `agent`",
    ],
  },
  SYSLOGLINE: {
    pattern: "%{SYSLOGLINE}",
    samples: [
      "Jan  5 12:15:00 host1 sshd[123]: Accepted password for root",
      "2025-01-05T12:15:00Z 10.0.0.1 cron: job done",
      "Dec 31 23:59:59 <4.2> my-host.example.org kernel: oops",
      "Feb 29 01:02:03 fe80::1 prog/x[7]: hi",
    ],
  },
  logstash: {
    pattern: "%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes} %{NUMBER:duration}",
    samples: ["55.3.244.1 GET /index.html 15824 0.043", "2001:db8::1 POST /a?b=1 0 -1.5", "1.2.3.4 x / 1 2"],
  },
  own_edges: {
    pattern: "%{WORD:w}",
    samples: ["hello", "a-b", "é²", "__", "  x  "],
  },
  own_ipv4: { pattern: "%{IPV4:ip}", samples: ["1.2.3.4", "11.2.3.44", "a1.2.3.4b", "256.1.1.1", "1.2.3.4.5"] },
  own_number: { pattern: "%{NUMBER:n}", samples: ["1.2.3", "-.5", "+-1", "x1.5.", "12a"] },
  own_qs: { pattern: "%{QS:q}", samples: ['"a\\"b"', "'x'", '\\"no"', '"unterminated \\\\\\', "``", '"a" "b"'] },
  own_hostname: { pattern: "%{HOSTNAME:h}:%{POSINT:port}", samples: ["example.com:80", "a-.b:1", "x.:08", "é.com:9"] },
  own_time: { pattern: "%{TIME:t}", samples: ["12:34:56", "1:02:03.5", "x12:34:567", "<12:00:00"] },
  own_uri: { pattern: "%{URI:u}", samples: ["http://user:pw@host:8080/p?q=1", "ftp://h", "a+b://x/y"] },
  own_hex: { pattern: "%{BASE16FLOAT:f} %{BASE16NUM:n}", samples: ["0x1A.f 0xff", "1.5 -12", "g1 1"] },
  own_unixpath: { pattern: "%{UNIXPATH:p}", samples: ["/usr/bin", "/a\\ b/c", "x/y"] },
};

describe("differential: vectorized engine vs grok-js", () => {
  for (const [name, { pattern, samples }] of Object.entries(CASES)) {
    it(`${name} (${compileGrok(pattern).engine})`, () => {
      expect(differences(pattern, samples)).toEqual([]);
      fc.assert(
        fc.property(fc.array(lineArb(samples), { minLength: 20, maxLength: 60 }), (lines) => {
          expect(differences(pattern, lines)).toEqual([]);
        }),
        { numRuns: 25, seed: 20250105 },
      );
    });
  }
});
