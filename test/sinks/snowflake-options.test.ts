import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snowflakeOptionsFromEnv, SnowflakeSinkError, subscribeSnowflake, SNOWFLAKE_ENV } from "../../src/sinks/snowflake/index.js";
import type { SnowflakeTestServer } from "../support/snowflake-server/index.js";
import { aggregatedSessions, expectTableMatchesFrame, startServer, TOKEN, USER } from "./helpers.js";

const FULL_ENV = {
  SNOWFLAKE_ACCOUNT: "myorg-myaccount",
  SNOWFLAKE_USER: "loader",
  SNOWFLAKE_PAT: "pat-value",
  SNOWFLAKE_ROLE: "LOADER_ROLE",
  SNOWFLAKE_DATABASE: "ANALYTICS",
  SNOWFLAKE_SCHEMA: "PUBLIC",
  SNOWFLAKE_WAREHOUSE: "LOAD_WH",
};

function configError(fn: () => unknown): SnowflakeSinkError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SnowflakeSinkError);
    expect((e as SnowflakeSinkError).kind).toBe("config");
    return e as SnowflakeSinkError;
  }
  throw new Error("expected a configuration error");
}

describe("snowflakeOptionsFromEnv", () => {
  it("reads the tutorial's variables", () => {
    expect(snowflakeOptionsFromEnv({ ...FULL_ENV, SNOWFLAKE_ACCESS_URL: "https://x.privatelink.snowflakecomputing.com" })).toEqual({
      account: "myorg-myaccount",
      user: "loader",
      token: "pat-value",
      role: "LOADER_ROLE",
      database: "ANALYTICS",
      schema: "PUBLIC",
      warehouse: "LOAD_WH",
      accessUrl: "https://x.privatelink.snowflakecomputing.com",
      env: false,
    });
  });

  it("accepts a key pair instead of the token", () => {
    const { SNOWFLAKE_PAT: _, ...rest } = FULL_ENV;
    const options = snowflakeOptionsFromEnv({ ...rest, SNOWFLAKE_PRIVATE_KEY_PATH: "/keys/rsa_key.p8", SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: "pw" });
    expect(options).toMatchObject({ privateKeyPath: "/keys/rsa_key.p8", privateKeyPassphrase: "pw" });
    expect(options.token).toBeUndefined();
  });

  it.each(["SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER", "SNOWFLAKE_DATABASE", "SNOWFLAKE_SCHEMA", "SNOWFLAKE_WAREHOUSE"])("names a missing %s", (name) => {
    const env: Record<string, string> = { ...FULL_ENV };
    delete env[name];
    const err = configError(() => snowflakeOptionsFromEnv(env));
    expect(err.message).toContain(name);
    expect(err.message).toMatch(/^Snowflake settings missing: /);
    // only the missing one
    for (const other of Object.keys(FULL_ENV).filter((k) => k !== name)) expect(err.message).not.toContain(other + ")");
  });

  it("names the token or key pair when neither is set, and treats blank values as missing", () => {
    const err = configError(() => snowflakeOptionsFromEnv({ ...FULL_ENV, SNOWFLAKE_PAT: "  " }));
    expect(err.message).toBe(
      "Snowflake settings missing: token (SNOWFLAKE_PAT) or privateKeyPath (SNOWFLAKE_PRIVATE_KEY_PATH). Set the environment variables or pass them in the options.",
    );
  });

  it("names every missing variable at once", () => {
    const err = configError(() => snowflakeOptionsFromEnv({}));
    for (const name of ["SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER", "SNOWFLAKE_DATABASE", "SNOWFLAKE_SCHEMA", "SNOWFLAKE_WAREHOUSE", "SNOWFLAKE_PAT"]) {
      expect(err.message).toContain(name);
    }
    expect(SNOWFLAKE_ENV.accessUrl).toBe("SNOWFLAKE_ACCESS_URL");
  });
});

describe("subscribeSnowflake settings", () => {
  let server: SnowflakeTestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("takes what the options leave out from `env`, options first", async () => {
    const env = {
      SNOWFLAKE_ACCOUNT: server.account,
      SNOWFLAKE_USER: USER,
      SNOWFLAKE_PAT: TOKEN,
      SNOWFLAKE_DATABASE: server.database,
      SNOWFLAKE_SCHEMA: "WRONG_SCHEMA",
      SNOWFLAKE_WAREHOUSE: "WH",
      SNOWFLAKE_ACCESS_URL: server.url,
    };
    const frame = aggregatedSessions(3);
    const report = await subscribeSnowflake({ aggregated_sessions: frame }, { env, schema: "PUBLIC" });
    expect(report).toMatchObject({ account: server.account, database: "ANALYTICS", schema: "PUBLIC" });
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", frame, ["session"]);
  });

  it("fails before connecting when a setting is missing, naming it", async () => {
    const before = server.requests.length;
    const err = await subscribeSnowflake({ t: aggregatedSessions(1) }, { env: {}, account: "a", user: "u", token: "t", database: "d", schema: "s" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnowflakeSinkError);
    expect((err as Error).message).toMatch(/warehouse \(SNOWFLAKE_WAREHOUSE\)/);
    expect(server.requests.length).toBe(before);
  });

  it("rejects an access URL that is not one", async () => {
    const err = await subscribeSnowflake(
      { t: aggregatedSessions(1) },
      { env: false, account: "a", user: "u", token: "t", database: "d", schema: "s", warehouse: "w", accessUrl: "not a url" },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/SNOWFLAKE_ACCESS_URL/);
  });
});
