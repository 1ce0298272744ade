import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnowflakeTestServer } from "../support/snowflake-server/index.js";
import { sessionize, sessionizeAsync } from "../support/cli.js";
import { TOKEN, USER, startServer } from "../sinks/helpers.js";

const FIXTURES = resolve("fixtures/logs");
const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-cli-"));

describe("sessionize run --snowflake and publish --snowflake", () => {
  let server: SnowflakeTestServer;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    server = await startServer();
    env = {
      SNOWFLAKE_ACCOUNT: server.account,
      SNOWFLAKE_USER: USER.toLowerCase(),
      SNOWFLAKE_PAT: TOKEN,
      SNOWFLAKE_DATABASE: server.database,
      SNOWFLAKE_SCHEMA: "PUBLIC",
      SNOWFLAKE_WAREHOUSE: "LOAD_WH",
      SNOWFLAKE_ROLE: "LOADER_ROLE",
      SNOWFLAKE_ACCESS_URL: server.url,
    };
  });
  afterAll(async () => server?.close());

  it("runs the DAG then replaces both tutorial tables, never printing the token", async () => {
    const store = join(tempDir(), "s");
    const result = await sessionizeAsync(["run", "--logs", FIXTURES, "--store", store, "--snowflake"], { env });
    expect(result.stderr + result.stdout).not.toContain(TOKEN);
    expect(result.status).toBe(0);
    const sessions = Number(/^sessions: (\d+)$/m.exec(result.stdout)![1]);
    expect(result.stdout).toMatch(new RegExp(`published aggregated_sessions → .*AGGREGATED_SESSIONS: ${sessions} rows \\(replace\\)`));
    expect((await server.sql('select count(*) from "AGGREGATED_SESSIONS"', "PUBLIC")).rows[0][0]).toBe(BigInt(sessions));
  });

  it("publishes chosen tables from the store", async () => {
    const store = join(tempDir(), "s");
    expect(sessionize(["run", "--logs", FIXTURES, "--store", store], { env }).status).toBe(0);
    const result = await sessionizeAsync(["publish", "--snowflake", "--store", store, "--tables", "new_cart_logs"], { env });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/published new_cart_logs → .*NEW_CART_LOGS: \d+ rows/);
    expect(await server.tableExists("NEW_CART_LOGS", "PUBLIC")).toBe(true);
  });

  it("names a missing setting and an unknown table in one line", async () => {
    const store = join(tempDir(), "s");
    sessionize(["run", "--logs", FIXTURES, "--store", store]);
    const noUser = await sessionizeAsync(["publish", "--snowflake", "--store", store], { env: { ...env, SNOWFLAKE_USER: "" } });
    expect(noUser.status).not.toBe(0);
    expect(noUser.stderr).toMatch(/^sessionize: .*SNOWFLAKE_USER/);
    const unknown = await sessionizeAsync(["publish", "--snowflake", "--store", store, "--tables", "nope"], { env });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/^sessionize: store .* has no table "nope"/);
  });

  it("a refused login (a wrong token): one line naming the failure, exit 1, no token in the output, the tables as they were", async () => {
    const store = join(tempDir(), "s");
    expect(sessionize(["run", "--logs", FIXTURES, "--store", store], { env }).status).toBe(0);
    await server.sql('DROP TABLE IF EXISTS "AGGREGATED_SESSIONS"', "PUBLIC");
    await server.sql('CREATE TABLE "AGGREGATED_SESSIONS" ("KEEP" VARCHAR)', "PUBLIC");
    await server.sql(`INSERT INTO "AGGREGATED_SESSIONS" VALUES ('previous')`, "PUBLIC");
    const wrong = "pat-wrong-0123456789abcdef";
    const result = await sessionizeAsync(["publish", "--snowflake", "--store", store], { env: { ...env, SNOWFLAKE_PAT: wrong } });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^sessionize: Publishing aggregated_sessions to Snowflake table .*AGGREGATED_SESSIONS failed after 1 attempt: Snowflake (login|authentication) failed.*\n$/);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    for (const secret of [wrong, TOKEN]) expect(result.stderr + result.stdout).not.toContain(secret);
    expect((await server.sql('SELECT "KEEP" FROM "AGGREGATED_SESSIONS"', "PUBLIC")).rows).toEqual([["previous"]]);
  });
});

describe("sessionize grok", () => {
  it("prints one NDJSON line per input line: captures with typed suffixes, or null", () => {
    const file = join(tempDir(), "lines.txt");
    writeFileSync(file, "55.3.244.1 GET /index.html 15824 0.043\r\nnot a request\n10.0.0.2 POST /api?x=1 7 1.5\n");
    const result = sessionize(["grok", "--pattern", "%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes:int} %{NUMBER:duration:float}", file]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
      { client: "55.3.244.1", method: "GET", request: "/index.html", bytes: 15824, duration: 0.043 },
      null,
      { client: "10.0.0.2", method: "POST", request: "/api?x=1", bytes: 7, duration: 1.5 },
    ]);
  });

  it("takes definitions from a Logstash-format file, and names an unknown pattern", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "patterns"), "# custom\nSKU [A-Z]{3}-\\d{4}\n");
    writeFileSync(join(dir, "lines.txt"), "item ABC-1234\nitem abc\n");
    const ok = sessionize(["grok", "--pattern", "item %{SKU:sku}", "--definitions", join(dir, "patterns"), join(dir, "lines.txt")]);
    expect(ok.stdout).toBe('{"sku":"ABC-1234"}\nnull\n');
    const bad = sessionize(["grok", "--pattern", "item %{NOPE:x}", join(dir, "lines.txt")]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/^sessionize: .*NOPE/);
  });
});
