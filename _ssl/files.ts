// Copyright 2026 the pysocket authors. MIT license.
// What an SSLContext loads: this side's certificate chain and key, and the
// certificates it trusts (a PEM file, a directory of them, or data), read at
// once, checked as Python checks them when they load.

import { SSL_ERROR, SSLError } from "../errors.ts";
import { fromRuntimeError } from "../_common/runtime_errors.ts";
import { typeName } from "../_common/bytes.ts";
import { filesIn, readTextFile } from "../_common/system.ts";
import { checkCertChain } from "../_transport/tls.ts";
import { certificatesIn, derToPems, requirePem } from "./pem.ts";

/** A password for an encrypted key: text, bytes, or a function that returns one (Python's `password`). */
export type Password = string | Uint8Array | (() => string | Uint8Array);

/** A certificate chain and its key, as `load_cert_chain()` keeps them. */
export interface CertChain {
  /** The certificate chain (PEM). */
  cert: string;
  /** The private key (PEM). */
  key: string;
  /** The key's passphrase. */
  passphrase: string | undefined;
}

/** The text of the file at `path` (`what` names the argument in errors). */
function readText(path: unknown, what: string, op: string): string {
  if (typeof path !== "string") {
    throw new TypeError(`Cannot ${op}: ${what} must be a path string, not '${typeName(path)}'`);
  }
  try {
    return readTextFile(path);
  } catch (e) {
    throw fromRuntimeError(e, `Cannot ${op}: ${path}`);
  }
}

/** The passphrase a `password` argument gives. */
function passphraseOf(password: Password | null | undefined, op: string): string | undefined {
  if (password == null) return undefined;
  const p = typeof password === "function" ? password() : password;
  if (typeof p === "string") return p;
  if (p instanceof Uint8Array) return new TextDecoder().decode(p);
  throw new TypeError(
    `Cannot ${op}: password should be a string or bytes, not '${typeName(p)}'`,
  );
}

/**
 * Reads and checks `load_cert_chain()`'s files: a certificate that parses,
 * a key that decrypts with the password, and the one matching the other.
 *
 * @throws {TypeError} for a path or password of the wrong type;
 *   {FileNotFoundError}; {SSLError} for a chain and key that do not load.
 */
export function loadCertChain(
  certfile: string,
  keyfile: string | null | undefined,
  password: Password | null | undefined,
): CertChain {
  const op = "load_cert_chain";
  const cert = readText(certfile, "certfile", op);
  const key = keyfile == null ? cert : readText(keyfile, "keyfile", op);
  const passphrase = passphraseOf(password, op);
  try {
    checkCertChain(cert, key, passphrase);
  } catch (e) {
    if ((e as { code?: unknown }).code === "KEY_VALUES_MISMATCH") {
      throw new SSLError(SSL_ERROR.SSL, "[X509: KEY_VALUES_MISMATCH] key values mismatch", {
        cause: e,
        library: "X509",
        reason: "KEY_VALUES_MISMATCH",
      });
    }
    throw new SSLError(SSL_ERROR.SSL, "[SSL] PEM lib", {
      cause: e,
      library: "SSL",
      reason: "PEM_LIB",
    });
  }
  return { cert, key, passphrase };
}

/** The PEM certificates of the files in directory `capath` (files that are not text are passed over). */
function certificatesInDirectory(capath: unknown, op: string): string[] {
  if (typeof capath !== "string") {
    throw new TypeError(`Cannot ${op}: capath must be a path string, not '${typeName(capath)}'`);
  }
  let names: string[];
  try {
    names = filesIn(capath);
  } catch (e) {
    throw fromRuntimeError(e, `Cannot ${op}: ${capath}`);
  }
  const found: string[] = [];
  for (const name of names) {
    try {
      found.push(...certificatesIn(readTextFile(`${capath}/${name}`)));
    } catch { /* not a text file: not a certificate */ }
  }
  return found;
}

/**
 * The certificates `load_verify_locations()` trusts, as PEM texts: from a
 * PEM file, a directory of PEM files, and data (PEM text, or DER bytes one
 * certificate after another).
 *
 * @throws {TypeError} when all three are omitted or one has the wrong type;
 *   {FileNotFoundError}; {SSLError} for data without a certificate.
 */
export function caCertificates(
  cafile: string | null | undefined,
  capath: string | null | undefined,
  cadata: string | Uint8Array | null | undefined,
): string[] {
  const op = "load_verify_locations";
  if (cafile == null && capath == null && cadata == null) {
    throw new TypeError("cafile, capath and cadata cannot be all omitted");
  }
  const found: string[] = [];
  if (cafile != null) {
    found.push(...certificatesIn(requirePem(readText(cafile, "cafile", op), op)));
  }
  if (capath != null) found.push(...certificatesInDirectory(capath, op));
  if (typeof cadata === "string") found.push(...certificatesIn(requirePem(cadata, op)));
  else if (cadata instanceof Uint8Array) found.push(...derToPems(cadata, op));
  else if (cadata != null) {
    throw new TypeError(
      `Cannot ${op}: cadata should be a string or bytes, not '${typeName(cadata)}'`,
    );
  }
  return found;
}
