/**
 * Key-pair settings are checked before any login: a missing key file, a key that
 * is not one, an encrypted key without a passphrase or with the wrong one each
 * fail at once (no login, no retry) with an error naming the variable to fix,
 * and never showing the passphrase or the key.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { subscribeSnowflake, SnowflakeSinkError, type SnowflakeOptions } from "../../src/sinks/snowflake/index.js";
import type { SnowflakeTestServer } from "../support/snowflake-server/index.js";
import { aggregatedSessions, expectTableMatchesFrame, optionsFor, startServer } from "./helpers.js";

const PASSPHRASE = "keypair-passphrase-Wq7-secret";
const KEY_USER = "KEYLOADER";
const keys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE },
});
const keyLines = keys.privateKey.split("\n").filter((l) => l.length >= 40 && !l.startsWith("-----"));

let server: SnowflakeTestServer;
let dir: string;
let keyPath: string;
let notAKeyPath: string;
const previous = aggregatedSessions(4);

beforeAll(async () => {
  server = await startServer([{ name: KEY_USER, publicKeyPem: keys.publicKey }]);
  dir = mkdtempSync(join(tmpdir(), "sessionize-sf-key-"));
  keyPath = join(dir, "rsa_key.p8");
  notAKeyPath = join(dir, "rsa_key.pub");
  writeFileSync(keyPath, keys.privateKey);
  writeFileSync(notAKeyPath, keys.publicKey);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server.clearFaults();
  await server.sql('DROP TABLE IF EXISTS "AGGREGATED_SESSIONS"');
  await subscribeSnowflake({ aggregated_sessions: previous }, optionsFor(server));
});

const logins = () => server.requests.filter((r) => r.path.startsWith("/session/v1/login-request")).length;

function keyOptions(extra: SnowflakeOptions): SnowflakeOptions {
  const { token: _t, ...rest } = optionsFor(server);
  return { ...rest, user: KEY_USER, ...extra };
}

/** Publishes with `options`, expecting a key error before any login; returns it with everything printed into it. */
async function keyFailure(options: SnowflakeOptions): Promise<{ err: SnowflakeSinkError; text: string }> {
  const lines: string[] = [];
  const before = logins();
  const err = await subscribeSnowflake({ aggregated_sessions: aggregatedSessions(6, 20) }, { ...options, log: (l) => lines.push(l) }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SnowflakeSinkError);
  // one try, no retry: the key is found unusable before any login request
  expect(logins() - before).toBe(0);
  expect((err as SnowflakeSinkError).transient).toBe(false);
  expect((err as SnowflakeSinkError).attempts ?? 1).toBe(1);
  const text = [...lines, String(err), (err as Error).stack ?? "", inspect(err, { showHidden: true, depth: 8 }), JSON.stringify(err, Object.getOwnPropertyNames(err))].join("\n");
  expect(text).not.toContain(PASSPHRASE);
  expect(text).not.toContain(PASSPHRASE.slice(0, -3) + "bad");
  for (const line of keyLines) expect(text).not.toContain(line);
  await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", previous, ["session"]);
  return { err: err as SnowflakeSinkError, text };
}

describe("key-pair settings are checked before logging in", () => {
  it("a wrong passphrase: an auth error naming SNOWFLAKE_PRIVATE_KEY_PASSPHRASE, not retried", async () => {
    const { err } = await keyFailure(keyOptions({ privateKeyPath: keyPath, privateKeyPassphrase: PASSPHRASE.slice(0, -3) + "bad" }));
    expect(err.kind).toBe("auth");
    expect(err.message).toBe(
      `The Snowflake private key file ${keyPath} could not be decrypted with the passphrase: check SNOWFLAKE_PRIVATE_KEY_PASSPHRASE (and SNOWFLAKE_PRIVATE_KEY_PATH).`,
    );
    expect(err.message).not.toMatch(/bad decrypt/);
  });

  it("a missing key file: a config error naming SNOWFLAKE_PRIVATE_KEY_PATH, not a raw ENOENT", async () => {
    const missing = join(dir, "no_such_key.p8");
    const { err } = await keyFailure(keyOptions({ privateKeyPath: missing, privateKeyPassphrase: PASSPHRASE }));
    expect(err.kind).toBe("config");
    expect(err.message).toBe(`Snowflake private key file ${missing} does not exist: check SNOWFLAKE_PRIVATE_KEY_PATH.`);
    expect(err.code).toBe("ENOENT");
  });

  it("the same from the environment variables", async () => {
    const { privateKeyPath: _p, env: _e, user: _u, ...rest } = keyOptions({});
    const env = { SNOWFLAKE_USER: KEY_USER, SNOWFLAKE_PRIVATE_KEY_PATH: join(dir, "gone.p8"), SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE };
    const { err } = await keyFailure({ ...rest, env });
    expect(err.kind).toBe("config");
    expect(err.message).toMatch(/gone\.p8 does not exist: check SNOWFLAKE_PRIVATE_KEY_PATH\.$/);
  });

  it("an encrypted key without a passphrase: a config error asking for SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", async () => {
    const { err } = await keyFailure(keyOptions({ privateKeyPath: keyPath }));
    expect(err.kind).toBe("config");
    expect(err.message).toBe(`The Snowflake private key file ${keyPath} is encrypted: set SNOWFLAKE_PRIVATE_KEY_PASSPHRASE.`);
  });

  it("a file that holds no private key (a public key): a config error naming SNOWFLAKE_PRIVATE_KEY_PATH", async () => {
    const { err } = await keyFailure(keyOptions({ privateKeyPath: notAKeyPath }));
    expect(err.kind).toBe("config");
    expect(err.message).toBe(`The Snowflake private key file ${notAKeyPath} is not a PEM private key (such as an rsa_key.p8 file): check SNOWFLAKE_PRIVATE_KEY_PATH.`);
  });

  it("a directory instead of a key file", async () => {
    const { err } = await keyFailure(keyOptions({ privateKeyPath: dir, privateKeyPassphrase: PASSPHRASE }));
    expect(err.kind).toBe("config");
    expect(err.message).toBe(`Snowflake private key file ${dir} is a directory: check SNOWFLAKE_PRIVATE_KEY_PATH.`);
  });

  it("an in-code key with a wrong passphrase names SNOWFLAKE_PRIVATE_KEY and never shows the key", async () => {
    const { err } = await keyFailure(keyOptions({ privateKey: keys.privateKey, privateKeyPassphrase: "definitely-wrong-passphrase" }));
    expect(err.kind).toBe("auth");
    expect(err.message).toMatch(/^The Snowflake private key given in SNOWFLAKE_PRIVATE_KEY \(privateKey\) could not be decrypted .*SNOWFLAKE_PRIVATE_KEY_PASSPHRASE/);
  });

  it("the right passphrase passes the check and logs in with the key", async () => {
    const before = logins();
    const frame = aggregatedSessions(6, 20);
    const report = await subscribeSnowflake({ aggregated_sessions: frame }, keyOptions({ privateKeyPath: keyPath, privateKeyPassphrase: PASSPHRASE }));
    expect(report.tables[0]).toMatchObject({ rows: 6, attempts: 1 });
    expect(logins() - before).toBe(1);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", frame, ["session"]);
  });
});
