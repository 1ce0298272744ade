/**
 * Login checks of the test server: password (or a programmatic access token
 * sent as the password, as the tutorial does), `PROGRAMMATIC_ACCESS_TOKEN`,
 * and key-pair JWT (`SNOWFLAKE_JWT`, RS256, issuer carrying the SHA-256
 * fingerprint of the registered public key).
 *
 * @example
 * checkLogin(users, "TESTACCOUNT", body.data) // => { ok: true, user } | { ok: false, code, message }
 */
import { createHash, createPublicKey, verify } from "node:crypto";

/** A user the test server accepts. */
export interface TestUser {
  /** Login name, compared case-insensitively. */
  name: string;
  /** Password or programmatic access token. */
  password?: string;
  /** PEM public key for key-pair login. */
  publicKeyPem?: string;
}

/** Outcome of a login check. */
export type LoginCheck = { ok: true; user: TestUser } | { ok: false; code: string; message: string };

const BAD_PASSWORD: LoginCheck = { ok: false, code: "390100", message: "Incorrect username or password was specified." };
const BAD_JWT: LoginCheck = { ok: false, code: "390144", message: "JWT token is invalid." };

/** The fingerprint Snowflake shows as RSA_PUBLIC_KEY_FP: SHA256 of the DER SPKI, base64. */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return "SHA256:" + createHash("sha256").update(der).digest("base64");
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

function checkJwt(token: string, account: string, user: TestUser): boolean {
  if (!user.publicKeyPem) return false;
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  const header = decodeSegment(parts[0]);
  const payload = decodeSegment(parts[1]);
  if (!header || !payload || header.alg !== "RS256") return false;
  const signed = verify(
    "RSA-SHA256",
    Buffer.from(`${parts[0]}.${parts[1]}`),
    createPublicKey(user.publicKeyPem),
    Buffer.from(parts[2], "base64url"),
  );
  if (!signed) return false;
  const subject = `${account.toUpperCase()}.${user.name.toUpperCase()}`;
  if (payload.sub !== subject) return false;
  if (payload.iss !== `${subject}.${publicKeyFingerprint(user.publicKeyPem)}`) return false;
  // snowflake-sdk sends iat/exp in milliseconds; the JWT standard says seconds: accept both.
  const exp = Number(payload.exp);
  const expMs = exp > 1e12 ? exp : exp * 1000;
  return Number.isFinite(expMs) && expMs > Date.now();
}

/** Checks the `data` object of a login-request body against the known users. */
export function checkLogin(users: TestUser[], account: string, data: Record<string, unknown>): LoginCheck {
  const accountName = String(data.ACCOUNT_NAME ?? "");
  if (accountName.toUpperCase() !== account.toUpperCase()) return BAD_PASSWORD;
  const loginName = String(data.LOGIN_NAME ?? "").toUpperCase();
  const user = users.find((u) => u.name.toUpperCase() === loginName);
  const authenticator = String(data.AUTHENTICATOR ?? "SNOWFLAKE").toUpperCase();
  if (authenticator === "SNOWFLAKE_JWT") {
    return user && checkJwt(String(data.TOKEN ?? ""), account, user) ? { ok: true, user } : BAD_JWT;
  }
  const secret = authenticator === "PROGRAMMATIC_ACCESS_TOKEN" ? data.TOKEN : data.PASSWORD;
  if (!user || user.password === undefined || typeof secret !== "string" || secret !== user.password) return BAD_PASSWORD;
  return { ok: true, user };
}
