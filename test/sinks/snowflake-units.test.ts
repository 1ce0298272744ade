import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromDriverError, makeRedactor } from "../../src/sinks/snowflake/errors.js";
import { mergeSql, quoteIdent, swapSql } from "../../src/sinks/snowflake/sql.js";
import { ticksToDecimalSeconds } from "../../src/sinks/snowflake/types.js";
import { translateDdl, classify } from "../support/snowflake-server/translate.js";

describe("ticksToDecimalSeconds", () => {
  it("writes exact decimal seconds at the edges", () => {
    expect(ticksToDecimalSeconds("0", 6)).toBe("0.000000");
    expect(ticksToDecimalSeconds("1", 6)).toBe("0.000001");
    expect(ticksToDecimalSeconds("-1", 6)).toBe("-0.000001");
    expect(ticksToDecimalSeconds("90500001", 6)).toBe("90.500001");
    expect(ticksToDecimalSeconds("-90500", 3)).toBe("-90.500");
    expect(ticksToDecimalSeconds("9223372036854775807", 9)).toBe("9223372036.854775807");
  });

  it("agrees with BigInt arithmetic on random ticks", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(3, 6, 9), (ticks, scale) => {
        const text = ticksToDecimalSeconds(String(ticks), scale);
        const [whole, frac] = text.replace("-", "").split(".");
        const back = (BigInt(whole) * 10n ** BigInt(scale) + BigInt(frac)) * (text.startsWith("-") ? -1n : 1n);
        expect(back).toBe(ticks);
        expect(frac).toHaveLength(scale);
      }),
    );
  });
});

describe("makeRedactor", () => {
  it("removes a secret in plain, URL-encoded, JSON-escaped and base64 forms", () => {
    const secret = 'tok/en+"with"=chars';
    const redact = makeRedactor([secret]);
    const text = [secret, encodeURIComponent(secret), JSON.stringify(secret), Buffer.from(secret).toString("base64")].join(" | ");
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain(Buffer.from(secret).toString("base64"));
    expect(out).toContain("[redacted]");
  });
});

describe("fromDriverError", () => {
  const redact = makeRedactor(["s3cret-token"]);
  it.each([
    [{ name: "OperationFailedError", code: "390100", message: "Incorrect username or password was specified." }, "login", "auth", false],
    [{ name: "OperationFailedError", code: "390144", message: "JWT token is invalid." }, "login", "auth", false],
    [{ name: "OperationFailedError", code: "390111", message: "Session no longer exists." }, "statement", "connection", true],
    [{ name: "NetworkError", code: 401001, message: "connect ECONNREFUSED" }, "statement", "connection", true],
    [{ name: "RequestFailedError", code: 401002, message: "bad gateway", response: { statusCode: 502 } }, "statement", "connection", true],
    [{ name: "RequestFailedError", code: 401002, message: "forbidden", response: { statusCode: 403 } }, "statement", "connection", false],
    [{ name: "ClientError", code: 407002, sqlState: "08003", message: "Unable to perform operation using terminated connection." }, "statement", "connection", true],
    [{ name: "OperationFailedError", code: "002003", sqlState: "42S02", message: "Object does not exist" }, "statement", "sql", false],
    [{ name: "OperationFailedError", code: "000603", message: "SQL execution internal error" }, "statement", "sql", true],
    // at login only the network (and 5xx answers) are worth a retry; anything else fails the same way every time
    [{ name: "NetworkError", code: 401001, message: "connect ECONNREFUSED" }, "login", "connection", true],
    [{ name: "RequestFailedError", code: 401002, message: "service unavailable", response: { statusCode: 503 } }, "login", "connection", true],
    [{ name: "Error", code: "ERR_OSSL_BAD_DECRYPT", message: "error:1C800064:Provider routines::bad decrypt" }, "login", "connection", false],
    [{ name: "Error", code: "ENOENT", message: "ENOENT: no such file or directory, open '/keys/rsa_key.p8'" }, "login", "connection", false],
  ] as const)("%o during %s → %s (transient %s)", (err, during, kind, transient) => {
    const e = fromDriverError(err, redact, during);
    expect(e.kind).toBe(kind);
    expect(e.transient).toBe(transient);
  });

  it("never carries the driver's error object or a secret in its message", () => {
    const driverError = Object.assign(new Error("failed with password s3cret-token"), { name: "NetworkError", cause: { config: { password: "s3cret-token" } } });
    const e = fromDriverError(driverError, redact, "statement");
    expect(e.message).toBe("Could not reach Snowflake: failed with password [redacted]");
    expect((e as { cause?: unknown }).cause).toBeUndefined();
  });
});

describe("SQL text", () => {
  it("quotes identifiers and never inlines values", () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(swapSql("T", "T__SESSIONIZE_STAGE")).toBe('ALTER TABLE "T" SWAP WITH "T__SESSIONIZE_STAGE"');
    expect(mergeSql("T", "S", ["ID", "V"], ["ID"])).toBe(
      'MERGE INTO "T" USING "S" ON "T"."ID" = "S"."ID" WHEN MATCHED THEN UPDATE SET "V" = "S"."V" WHEN NOT MATCHED THEN INSERT ("ID", "V") VALUES ("S"."ID", "S"."V")',
    );
  });

  it("test server: translates Snowflake types only outside quotes", () => {
    expect(translateDdl('CREATE TABLE "FLOAT" ("NUMBER" NUMBER(38,0), "T" TIMESTAMP_NTZ(6), "F" FLOAT, "S" VARCHAR)')).toBe(
      'CREATE TABLE "FLOAT" ("NUMBER" DECIMAL(38,0), "T" TIMESTAMP, "F" DOUBLE, "S" VARCHAR)',
    );
    expect(classify('ALTER TABLE "A" SWAP WITH "B";')).toEqual({ kind: "swap", a: '"A"', b: '"B"' });
    expect(classify('INSERT INTO "A" ("X", "Y") VALUES (?, ?)')).toEqual({ kind: "insert-values", table: '"A"', columns: '"X", "Y"', placeholders: 2 });
  });
});
