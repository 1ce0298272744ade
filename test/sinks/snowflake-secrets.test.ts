/**
 * Secrets never appear in output, logs (ours or the driver's, even at TRACE),
 * errors, thrown objects or reports. Everything is captured and searched for
 * the token, the key passphrase and the private key; the server's own request
 * log proves the secrets were really sent (so the search would find a leak).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscribeSnowflake, type SnowflakeOptions } from "../../src/sinks/snowflake/index.js";
import type { SnowflakeTestServer } from "../support/snowflake-server/index.js";
import { aggregatedSessions, expectTableMatchesFrame, optionsFor, startServer, TOKEN } from "./helpers.js";

const PASSPHRASE = "passphrase-Kx93-never-print";
const KEY_USER = "KEYLOADER";
const keys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE },
});
const otherKeys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

let server: SnowflakeTestServer;
let dir: string;
let keyPath: string;
let otherKeyPath: string;
/** A 127.0.0.1 URL where nothing listens. */
let deadUrl: string;

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  server = await startServer([{ name: KEY_USER, publicKeyPem: keys.publicKey }]);
  dir = mkdtempSync(join(tmpdir(), "sessionize-sf-"));
  keyPath = join(dir, "rsa_key.p8");
  otherKeyPath = join(dir, "other_key.p8");
  writeFileSync(keyPath, keys.privateKey);
  writeFileSync(otherKeyPath, otherKeys.privateKey);
  deadUrl = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Key lines long enough to be unmistakable. */
const keyLines = (pem: string) => pem.split("\n").filter((l) => l.length >= 40 && !l.startsWith("-----"));

/** Runs `fn` with stdout, stderr and console captured; returns everything written plus what `fn` returned or threw. */
async function captured(fn: (log: (line: string) => void) => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  const grab = (chunk: unknown) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return true;
  };
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const origConsole = methods.map((m) => console[m]);
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  for (const m of methods) console[m] = (...args: unknown[]) => void chunks.push(args.map((a) => inspect(a, { depth: 8 })).join(" "));
  const lines: string[] = [];
  let outcome: unknown;
  try {
    outcome = await fn((line) => lines.push(line));
  } catch (e) {
    outcome = e;
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
    methods.forEach((m, i) => (console[m] = origConsole[i] as never));
  }
  const parts = [...chunks, ...lines, inspect(outcome, { depth: 12, showHidden: true, getters: true })];
  if (outcome instanceof Error) {
    parts.push(String(outcome), outcome.stack ?? "", JSON.stringify(outcome, Object.getOwnPropertyNames(outcome)));
    let cause: unknown = (outcome as { cause?: unknown }).cause;
    while (cause) {
      parts.push(inspect(cause, { depth: 12, showHidden: true }));
      cause = (cause as { cause?: unknown }).cause;
    }
  } else {
    parts.push(JSON.stringify(outcome, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
  }
  // the run must have produced something to search: at least the progress lines or the error
  expect(parts.join("").length).toBeGreaterThan(0);
  return parts.join("\n");
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(encodeURIComponent(TOKEN));
  expect(text).not.toContain(PASSPHRASE);
  for (const line of keyLines(keys.privateKey)) expect(text).not.toContain(line);
}

function loginBodies(): string {
  return JSON.stringify(server.requests.filter((r) => r.path.startsWith("/session/v1/login-request")).map((r) => r.body));
}

describe("secrets stay out of every output", () => {
  it("the token is really sent to the server (so the searches below would find a leak)", async () => {
    await subscribeSnowflake({ aggregated_sessions: aggregatedSessions(2) }, optionsFor(server));
    expect(loginBodies()).toContain(TOKEN);
  });

  const cases: [string, () => SnowflakeOptions][] = [
    ["a successful publish, driver log at TRACE", () => optionsFor(server, { driverLogLevel: "TRACE" })],
    ["a refused login", () => optionsFor(server, { driverLogLevel: "TRACE", token: TOKEN + "-but-wrong" })],
    ["an unreachable server after retries", () => optionsFor(server, { driverLogLevel: "TRACE", accessUrl: deadUrl, retries: 1 })],
    ["an SQL error mid-load", () => optionsFor(server, { driverLogLevel: "TRACE", batchRows: 2 })],
    ["key-pair login with a passphrase", () => keyPairOptions(keyPath, PASSPHRASE)],
    ["key-pair login with a wrong passphrase", () => keyPairOptions(keyPath, PASSPHRASE.slice(0, -3) + "bad")],
    ["key-pair login with a key the server does not know", () => keyPairOptions(otherKeyPath, undefined)],
  ];

  function keyPairOptions(path: string, passphrase: string | undefined): SnowflakeOptions {
    const { token: _t, ...rest } = optionsFor(server, { driverLogLevel: "TRACE" });
    return { ...rest, user: KEY_USER, privateKeyPath: path, ...(passphrase ? { privateKeyPassphrase: passphrase } : {}) };
  }

  it.each(cases)("%s", async (name, makeOptions) => {
    server.clearFaults();
    if (name === "an SQL error mid-load") server.addFault({ match: (q) => q.kind === "insert", skip: 1, action: { type: "sql-error", message: `bad value near ${"x"}` } });
    const cwdLog = join(process.cwd(), "snowflake.log");
    const hadLog = existsSync(cwdLog);
    const text = await captured((log) => subscribeSnowflake({ aggregated_sessions: aggregatedSessions(5) }, { ...makeOptions(), log }));
    expectNoSecrets(text);
    // the driver's default log file is not written
    if (!hadLog) expect(existsSync(cwdLog)).toBe(false);
    server.clearFaults();
  });

  it("key-pair authentication loads the table (JWT checked against the registered public key)", async () => {
    const { token: _t, ...rest } = optionsFor(server);
    const frame = aggregatedSessions(6);
    const report = await subscribeSnowflake({ aggregated_sessions: frame }, { ...rest, user: KEY_USER, privateKeyPath: keyPath, privateKeyPassphrase: PASSPHRASE });
    expect(report.tables[0].rows).toBe(6);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", frame, ["session"]);
    const jwtLogin = server.requests.filter((r) => r.path.startsWith("/session/v1/login-request")).at(-1)?.body as { data: Record<string, unknown> };
    expect(jwtLogin.data.AUTHENTICATOR).toBe("SNOWFLAKE_JWT");
    expect(jwtLogin.data.PASSWORD).toBeUndefined();
  });

  it("a key the server does not know is a clear auth error", async () => {
    const { token: _t, ...rest } = optionsFor(server);
    const err = await subscribeSnowflake({ aggregated_sessions: aggregatedSessions(1) }, { ...rest, user: KEY_USER, privateKeyPath: otherKeyPath }).catch((e: unknown) => e);
    expect((err as { kind?: string }).kind).toBe("auth");
    expect((err as Error).message).toMatch(/JWT token is invalid.*key-pair authentication.*SNOWFLAKE_PRIVATE_KEY_PATH/);
  });
});
