// Copyright 2026 the pysocket authors. MIT license.
// What an SSLContext loads: this side's certificate chain and key, the
// certificates it trusts (a PEM file, a directory of them, or data), and
// Diffie-Hellman parameters — read at once, checked as Python checks them
// when they load, failing with CPython's errors.

import { SSLError, ValueError } from "../errors.ts";
import { fromRuntimeError } from "../_common/runtime_errors.ts";
import { typeName } from "../_common/bytes.ts";
import { filesIn, readTextFile } from "../_common/system.ts";
import { checkCertChain, checkPrivateKey } from "../_transport/tls.ts";
import { DER_cert_to_PEM_cert, derToPems, requirePem } from "./pem.ts";
import { decodeCertificate } from "./x509.ts";

/** A password for an encrypted key: text, bytes, or a function that returns one (Python's `password`). */
export type Password = string | Uint8Array | (() => string | Uint8Array);

/** The longest password OpenSSL takes (its PEM_BUFSIZE), in bytes. */
const PASSWORD_MAX = 1024;

/** CPython's errno for OpenSSL's "PEM lib" failures (ERR_PACK of the library and ERR_R_PEM_LIB). */
const PEM_LIB = 524297;

/** A certificate chain and its key, as `load_cert_chain()` keeps them. */
export interface CertChain {
  /** The certificate chain (PEM). */
  cert: string;
  /** The private key (PEM). */
  key: string;
  /** The key's passphrase. */
  passphrase: string | undefined;
}

/** A trusted certificate, as `load_verify_locations()` keeps it. */
export interface Trusted {
  /** Its PEM text. */
  pem: string;
  /** Its DER bytes. */
  der: Uint8Array<ArrayBuffer>;
}

/** What `load_verify_locations()` found: certificates, and revocation lists (PEM). */
export interface Found {
  /** Certificates read from a file or data. */
  certs: Trusted[];
  /**
   * Certificates of a directory: trusted, but not counted or listed
   * (OpenSSL reads a directory's only when a handshake looks one up).
   */
  lookup: Trusted[];
  /** Certificate revocation lists (PEM). */
  crls: string[];
}

/** The text of the file at `path` (`what` names the argument in errors). */
function readText(path: unknown, what: string, op: string): string {
  if (typeof path !== "string") {
    throw new TypeError(
      `expected str, bytes or os.PathLike object, not ${typeName(path)}`,
      { cause: new Error(`Cannot ${op}: ${what}`) },
    );
  }
  try {
    return readTextFile(path);
  } catch (e) {
    throw fromRuntimeError(e, `Cannot ${op}: ${path}`);
  }
}

/** The passphrase a `password` argument gives, checked as CPython checks it. */
function passphraseOf(password: Password | null | undefined): string | undefined {
  if (password == null) return undefined;
  if (
    typeof password !== "function" && typeof password !== "string" &&
    !(password instanceof Uint8Array)
  ) {
    throw new TypeError("password should be a string or callable");
  }
  const p = typeof password === "function" ? password() : password;
  if (typeof p !== "string" && !(p instanceof Uint8Array)) {
    throw new TypeError("password callback must return a string");
  }
  const bytes = typeof p === "string" ? new TextEncoder().encode(p) : p;
  if (bytes.length > PASSWORD_MAX) {
    throw new ValueError(`password cannot be longer than ${PASSWORD_MAX} bytes`);
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Reads and checks `load_cert_chain()`'s files: a certificate that parses,
 * a key that decrypts with the password, and the one matching the other.
 *
 * @throws {TypeError} for a path or password of the wrong type;
 *   {ValueError} for a password over 1024 bytes; {FileNotFoundError};
 *   {SSLError} for a chain and key that do not load.
 */
export function loadCertChain(
  certfile: string,
  keyfile: string | null | undefined,
  password: Password | null | undefined,
): CertChain {
  const op = "load_cert_chain";
  const cert = readText(certfile, "certfile", op);
  const key = keyfile == null ? cert : readText(keyfile, "keyfile", op);
  const passphrase = passphraseOf(password);
  try {
    checkCertChain(cert, key, passphrase);
  } catch (e) {
    if ((e as { code?: unknown }).code === "KEY_VALUES_MISMATCH") {
      throw new SSLError(116, "[X509: KEY_VALUES_MISMATCH] key values mismatch", {
        cause: e,
        library: "X509",
        reason: "KEY_VALUES_MISMATCH",
      });
    }
    throw new SSLError(PEM_LIB, "[SSL] PEM lib", { cause: e, library: "SSL" });
  }
  return { cert, key, passphrase };
}

/** The DER bytes of a PEM block's base64, or `null` when it does not decode. */
function base64Der(body: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(body.replace(/\s+/g, ""));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** Whether `der` parses as a certificate. */
function parses(der: Uint8Array): boolean {
  try {
    decodeCertificate(der);
    return true;
  } catch {
    return false;
  }
}

/**
 * The certificates and CRLs of PEM text, each checked: `bad` makes the
 * error for a block that does not parse.
 */
function pemBlocks(text: string, bad: (cause: unknown) => SSLError): Found {
  const found: Found = { certs: [], lookup: [], crls: [] };
  const block = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(block)) {
    if (m[1] === "X509 CRL") {
      found.crls.push(m[0]);
      continue;
    }
    if (m[1].endsWith("PRIVATE KEY")) {
      // Read and passed over, as OpenSSL's reader of such files does; one
      // that does not parse fails the file.
      if (!/ENCRYPTED/.test(m[0]) && !checkPrivateKey(m[0])) throw bad(new Error("bad key"));
      continue;
    }
    if (!/^(X509 |TRUSTED )?CERTIFICATE$/.test(m[1])) continue;
    const der = base64Der(m[2]);
    if (der === null || !parses(der)) {
      throw bad(new Error(`not a certificate: ${m[0].slice(0, 40)}…`));
    }
    found.certs.push({ pem: DER_cert_to_PEM_cert(der), der });
  }
  return found;
}

/** The certificates of the files in directory `capath` (files that are not certificates are passed over). */
function certificatesInDirectory(capath: unknown, op: string): Found {
  if (typeof capath !== "string") {
    throw new TypeError(`expected str, bytes or os.PathLike object, not ${typeName(capath)}`);
  }
  let names: string[];
  try {
    names = filesIn(capath);
  } catch (e) {
    throw fromRuntimeError(e, `Cannot ${op}: ${capath}`);
  }
  const found: Found = { certs: [], lookup: [], crls: [] };
  for (const name of names) {
    try {
      const more = pemBlocks(readTextFile(`${capath}/${name}`), (c) => c as SSLError);
      found.lookup.push(...more.certs);
      found.crls.push(...more.crls);
    } catch { /* not a certificate file: OpenSSL's lookup passes it over too */ }
  }
  return found;
}

/**
 * What `load_verify_locations()` trusts: from a PEM file, a directory of
 * PEM files, and data (PEM text, or DER bytes one certificate after
 * another), each certificate checked.
 *
 * @throws {TypeError} when all three are omitted or one has the wrong type;
 *   {FileNotFoundError}; {SSLError} for what holds no certificate or one
 *   that does not parse, in CPython's words.
 */
export function caCertificates(
  cafile: string | null | undefined,
  capath: string | null | undefined,
  cadata: string | Uint8Array | null | undefined,
): Found {
  const op = "load_verify_locations";
  if (cafile == null && capath == null && cadata == null) {
    throw new TypeError("cafile, capath and cadata cannot be all omitted");
  }
  const found: Found = { certs: [], lookup: [], crls: [] };
  const add = (more: Found) => {
    found.certs.push(...more.certs);
    found.lookup.push(...more.lookup);
    found.crls.push(...more.crls);
  };
  if (cafile != null) {
    const text = requirePem(readText(cafile, "cafile", op), op);
    add(pemBlocks(
      text,
      (cause) => new SSLError(PEM_LIB, "[X509] PEM lib", { cause, library: "X509" }),
    ));
  }
  if (capath != null) add(certificatesInDirectory(capath, op));
  if (typeof cadata === "string") {
    const more = pemBlocks(
      cadata,
      (cause) => new SSLError(524301, "[PEM] ASN1 lib", { cause, library: "PEM" }),
    );
    if (more.certs.length === 0) {
      throw new SSLError(0, "no start line: cadata does not contain a certificate");
    }
    add(more);
  } else if (cadata instanceof Uint8Array) {
    let pems: string[];
    try {
      pems = derToPems(cadata, op);
    } catch (e) {
      throw new SSLError(0, "not enough data: cadata does not contain a certificate", { cause: e });
    }
    add(
      pemBlocks(
        pems.join(""),
        (cause) =>
          new SSLError(0, "not enough data: cadata does not contain a certificate", { cause }),
      ),
    );
  } else if (cadata != null) {
    throw new TypeError(
      `cadata should be an ASCII string or a bytes-like object, not ${typeName(cadata)}`,
    );
  }
  return found;
}

/**
 * Reads Diffie-Hellman parameters (PEM) for `load_dh_params()`.
 *
 * @throws {TypeError}; {FileNotFoundError}; {SSLError} "[PEM: NO_START_LINE]" for a file without them.
 */
export function dhParams(path: unknown): string {
  const op = "load_dh_params";
  const text = readText(path, "path", op);
  const m = /-----BEGIN (X9.42 )?DH PARAMETERS-----([\s\S]*?)-----END \1?DH PARAMETERS-----/.exec(
    text,
  );
  if (m === null || base64Der(m[2]) === null) {
    throw new SSLError(108, "[PEM: NO_START_LINE] no start line", {
      library: "PEM",
      reason: "NO_START_LINE",
    });
  }
  return m[0];
}
