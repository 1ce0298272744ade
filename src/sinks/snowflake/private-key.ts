/**
 * The check of key-pair settings done before any login: the key file is read
 * and the key decrypted once, so that a missing file or a wrong passphrase is a
 * clear, non-transient error naming the variable to fix, instead of a driver
 * login failure retried with back-off. Errors never hold the key or passphrase.
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { SnowflakeSinkError } from "./errors.js";

const PATH_VAR = "SNOWFLAKE_PRIVATE_KEY_PATH";
const KEY_VAR = "SNOWFLAKE_PRIVATE_KEY";
const PASSPHRASE_VAR = "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE";

/**
 * The key-pair part of the connection settings.
 *
 * @example
 * checkPrivateKey({ privateKeyPath: "/keys/rsa_key.p8" } satisfies PrivateKeySettings);
 */
export interface PrivateKeySettings {
  privateKeyPath?: string;
  privateKey?: string;
  privateKeyPassphrase?: string;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? "");
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES" || code === "EPERM"
          ? "cannot be read (permission denied)"
          : code === "EISDIR"
            ? "is a directory"
            : `cannot be read${code ? ` (${code})` : ""}`;
    throw new SnowflakeSinkError("config", `Snowflake private key file ${path} ${why}: check ${PATH_VAR}.`, { code: code || undefined });
  }
}

/** Whether a PEM text holds an encrypted key (PKCS#8 `ENCRYPTED PRIVATE KEY` or a legacy `Proc-Type: 4,ENCRYPTED` header). */
function isEncryptedPem(pem: string): boolean {
  return /-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
}

/**
 * Reads (when a path is set) and decrypts the private key of key-pair
 * authentication; does nothing when neither `privateKey` nor `privateKeyPath` is
 * set. Throws a {@link SnowflakeSinkError} that names the variable to fix: kind
 * `config` for a missing, unreadable or malformed key or a missing passphrase,
 * kind `auth` for a wrong passphrase; never transient, never holding the key or
 * the passphrase.
 *
 * @example
 * checkPrivateKey({ privateKeyPath: "/keys/rsa_key.p8", privateKeyPassphrase: process.env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE });
 * // throws "Snowflake private key file /keys/rsa_key.p8 does not exist: check SNOWFLAKE_PRIVATE_KEY_PATH." when it is not there
 */
export function checkPrivateKey(settings: PrivateKeySettings): void {
  const { privateKey, privateKeyPath, privateKeyPassphrase } = settings;
  if (privateKey === undefined && privateKeyPath === undefined) return;
  // the driver uses an in-code key before a path; check the one it will use
  const inCode = privateKey !== undefined;
  const pem = inCode ? privateKey : readKeyFile(privateKeyPath as string);
  const where = inCode ? `The Snowflake private key given in ${KEY_VAR} (privateKey)` : `The Snowflake private key file ${privateKeyPath}`;
  const keyVar = inCode ? KEY_VAR : PATH_VAR;
  const encrypted = isEncryptedPem(pem);
  if (encrypted && (privateKeyPassphrase === undefined || privateKeyPassphrase === "")) {
    throw new SnowflakeSinkError("config", `${where} is encrypted: set ${PASSPHRASE_VAR}.`);
  }
  try {
    createPrivateKey({ key: pem, format: "pem", ...(privateKeyPassphrase !== undefined ? { passphrase: privateKeyPassphrase } : {}) });
  } catch (e) {
    // only the OpenSSL code is kept: the message of a decoder error is not ours to pass on
    const code = typeof (e as { code?: unknown }).code === "string" ? ((e as { code: string }).code as string) : undefined;
    if (encrypted) {
      throw new SnowflakeSinkError("auth", `${where} could not be decrypted with the passphrase: check ${PASSPHRASE_VAR} (and ${keyVar}).`, { code });
    }
    throw new SnowflakeSinkError("config", `${where} is not a PEM private key (such as an rsa_key.p8 file): check ${keyVar}.`, { code });
  }
}
