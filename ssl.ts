// Copyright 2026 the pysocket authors. MIT license.
/**
 * Python's `ssl` for pysocket's sockets: `create_default_context()`,
 * `SSLContext` and `wrap_socket()` on both sides of a connection, with
 * Python's errors raised by the handshake. An {@linkcode SSLSocket} is a
 * {@linkcode StreamSocket}: `recv`, `recv_into`, `sendall`, `makefile`,
 * timeouts, `select`, selectors and socketserver work on it as on any
 * socket, through the same read buffer.
 *
 * Also reachable as the `ssl` namespace of `@pysocket/socket`.
 *
 * @example A client, as Python's ssl documentation writes one
 * ```ts ignore
 * import * as socket from "@pysocket/socket";
 * import * as ssl from "@pysocket/socket/ssl";
 *
 * const hostname = "example.com";
 * const context = ssl.create_default_context();
 * using sock = await socket.create_connection([hostname, 443]);
 * using ssock = await context.wrap_socket(sock, { server_hostname: hostname });
 * console.log(ssock.version()); // "TLSv1.3"
 * ```
 *
 * @example A server wrapping each accepted connection
 * ```ts ignore
 * import * as socket from "@pysocket/socket";
 * import * as ssl from "@pysocket/socket/ssl";
 *
 * const context = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
 * context.load_cert_chain("cert.pem", "key.pem");
 * using srv = socket.create_server(["127.0.0.1", 8443]);
 * const [conn] = await srv.accept();
 * using tls = await context.wrap_socket(conn, { server_side: true });
 * await tls.sendall(await tls.recv(1024));
 * ```
 *
 * @module
 */

import { SOCK_STREAM } from "./constants.ts";
import {
  BlockingIOError,
  errno,
  OSError,
  SSL_ERROR,
  SSLCertVerificationError,
  SSLEOFError,
  SSLError,
  SSLSyscallError,
  SSLWantReadError,
  SSLWantWriteError,
  SSLZeroReturnError,
  ValueError,
} from "./errors.ts";
import { fromRuntimeError } from "./_common/runtime_errors.ts";
import { StreamSocket } from "./tcp.ts";
import { typeName } from "./_common/bytes.ts";
import { certificateNames } from "./_common/x509.ts";
import { filesIn, readTextFile } from "./_common/system.ts";
import { type Deadline, NONBLOCK, waitUntil } from "./_common/deadline.ts";
import { POLL, type Poll } from "./_common/readiness.ts";
import type { StreamTransport } from "./_transport/types.ts";
import {
  checkCertChain,
  rootCertificates,
  type TlsSession,
  type TlsSettings,
  TlsTransport,
} from "./_transport/tls.ts";

export {
  SSL_ERROR,
  SSLCertVerificationError,
  SSLEOFError,
  SSLError,
  SSLSyscallError,
  SSLWantReadError,
  SSLWantWriteError,
  SSLZeroReturnError,
};
/** Python's `ssl.CertificateError`: an alias of {@linkcode SSLCertVerificationError}. */
export { SSLCertVerificationError as CertificateError };

/** Python's `ssl.PROTOCOL_TLS`: a context for either side (deprecated in Python; prefer the two below). */
export const PROTOCOL_TLS = 2;
/** Python's `ssl.PROTOCOL_TLS_CLIENT`: a client context, checking the server's certificate and name. */
export const PROTOCOL_TLS_CLIENT = 16;
/** Python's `ssl.PROTOCOL_TLS_SERVER`: a server context. */
export const PROTOCOL_TLS_SERVER = 17;

/** `verify_mode`: no certificate is asked for or checked. */
export const CERT_NONE = 0;
/** `verify_mode`: a server asks for a client certificate and checks it when one is given. */
export const CERT_OPTIONAL = 1;
/** `verify_mode`: the peer must present a certificate that verifies. */
export const CERT_REQUIRED = 2;

/** Python's `ssl.OP_ALL`: OpenSSL's bug workarounds. */
export const OP_ALL = 0x80000050;
/** Python's `ssl.OP_NO_SSLv2` (0: SSL 2 is gone). */
export const OP_NO_SSLv2 = 0;
/** Python's `ssl.OP_NO_SSLv3`. */
export const OP_NO_SSLv3 = 0x2000000;
/** Python's `ssl.OP_NO_TLSv1` (TLS 1.0 is never offered here). */
export const OP_NO_TLSv1 = 0x4000000;
/** Python's `ssl.OP_NO_TLSv1_1` (TLS 1.1 is never offered here). */
export const OP_NO_TLSv1_1 = 0x10000000;
/** Python's `ssl.OP_NO_TLSv1_2`: honoured, as `minimum_version` TLS 1.3. */
export const OP_NO_TLSv1_2 = 0x8000000;
/** Python's `ssl.OP_NO_TLSv1_3`: honoured, as `maximum_version` TLS 1.2. */
export const OP_NO_TLSv1_3 = 0x20000000;
/** Python's `ssl.OP_NO_COMPRESSION` (TLS compression is never used here). */
export const OP_NO_COMPRESSION = 0x20000;
/** Python's `ssl.OP_NO_TICKET`. */
export const OP_NO_TICKET = 0x4000;
/** Python's `ssl.OP_CIPHER_SERVER_PREFERENCE`. */
export const OP_CIPHER_SERVER_PREFERENCE = 0x400000;
/** Python's `ssl.OP_ENABLE_MIDDLEBOX_COMPAT`. */
export const OP_ENABLE_MIDDLEBOX_COMPAT = 0x100000;

/** Python's `ssl.HAS_SNI`: server name indication is supported. */
export const HAS_SNI = true;
/** Python's `ssl.HAS_ALPN`: ALPN is supported. */
export const HAS_ALPN = true;
/** Python's `ssl.HAS_TLSv1_3`: TLS 1.3 is supported. */
export const HAS_TLSv1_3 = true;

/** Python's `ssl.TLSVersion`: the values of `minimum_version` and `maximum_version`. */
export const TLSVersion = {
  /** The lowest version supported (here TLS 1.2). */
  MINIMUM_SUPPORTED: -2,
  /** The highest version supported (here TLS 1.3). */
  MAXIMUM_SUPPORTED: -1,
  /** SSL 3 (not supported). */
  SSLv3: 768,
  /** TLS 1.0 (not supported). */
  TLSv1: 769,
  /** TLS 1.1 (not supported). */
  TLSv1_1: 770,
  /** TLS 1.2. */
  TLSv1_2: 771,
  /** TLS 1.3. */
  TLSv1_3: 772,
} as const;

/** What a {@linkcode Purpose} is: an X.509 extended key usage, as Python's `_ASN1Object`. */
export interface ASN1Object {
  /** OpenSSL's number for it. */
  readonly nid: number;
  /** Its short name (`"serverAuth"`). */
  readonly shortname: string;
  /** Its long name. */
  readonly longname: string;
  /** Its object identifier. */
  readonly oid: string;
}

/** Python's `ssl.Purpose`: what a default context is for. */
export const Purpose: {
  /** Authenticating servers: a client's context. */
  readonly SERVER_AUTH: ASN1Object;
  /** Authenticating clients: a server's context. */
  readonly CLIENT_AUTH: ASN1Object;
} = {
  SERVER_AUTH: Object.freeze({
    nid: 129,
    shortname: "serverAuth",
    longname: "TLS Web Server Authentication",
    oid: "1.3.6.1.5.5.7.3.1",
  }),
  CLIENT_AUTH: Object.freeze({
    nid: 130,
    shortname: "clientAuth",
    longname: "TLS Web Client Authentication",
    oid: "1.3.6.1.5.5.7.3.2",
  }),
};

/** A password for an encrypted key: text, bytes, or a function that returns one (Python's `password`). */
export type Password = string | Uint8Array | (() => string | Uint8Array);

/** The options of {@linkcode SSLContext.wrap_socket}, as Python's keyword arguments. */
export interface WrapSocketOptions {
  /** The server's side of the handshake (default `false`). */
  server_side?: boolean;
  /** The name to send as SNI and to check the certificate against (clients). */
  server_hostname?: string | null;
  /** Run the handshake on connect/accept/wrap (default `true`); else on `do_handshake()`. */
  do_handshake_on_connect?: boolean;
  /**
   * A peer that closes without close_notify is end of stream (default
   * `true`). `false` is refused: node:tls does not tell the two apart.
   */
  suppress_ragged_eofs?: boolean;
}

/** The names of a certificate's subject or issuer: Python's tuple of RDNs, each a tuple of pairs. */
export type DistinguishedName = ReadonlyArray<ReadonlyArray<readonly [string, string]>>;

/** Python's dict from `getpeercert()`. */
export interface PeerCertificate {
  /** Who the certificate is for: `[[["commonName", "example.com"]], …]`. */
  subject?: DistinguishedName;
  /** Who signed it. */
  issuer?: DistinguishedName;
  /** The X.509 version (3). */
  version?: number;
  /** The serial number, in upper-case hexadecimal. */
  serialNumber?: string;
  /** Valid from, as `"Nov 27 18:47:35 2026 GMT"`. */
  notBefore?: string;
  /** Valid until, in the same form. */
  notAfter?: string;
  /** The subject's other names: `[["DNS", "example.com"], ["IP Address", "127.0.0.1"]]`. */
  subjectAltName?: ReadonlyArray<readonly [string, string]>;
  /** OCSP responders. */
  OCSP?: readonly string[];
  /** Where the issuer's certificate can be fetched. */
  caIssuers?: readonly string[];
}

const VERSION_NAMES: Record<number, "TLSv1.2" | "TLSv1.3"> = { 771: "TLSv1.2", 772: "TLSv1.3" };

function pem(text: string, op: string): string {
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) {
    throw new SSLError(
      SSL_ERROR.SSL,
      "[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found",
      {
        library: "X509",
        reason: "NO_CERTIFICATE_OR_CRL_FOUND",
        cause: new Error(`Cannot ${op}: no PEM block`),
      },
    );
  }
  return text;
}

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

/** The PEM certificates in `text`, each as its own string. */
function certificatesIn(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Python's `ssl.DER_cert_to_PEM_cert()`: a DER certificate as PEM text.
 *
 * @param der The certificate's DER bytes (as `getpeercert(true)` gives them).
 * @returns The PEM text.
 *
 * @example
 * ```ts
 * import { DER_cert_to_PEM_cert, PEM_cert_to_DER_cert } from "@pysocket/socket/ssl";
 * const pem = DER_cert_to_PEM_cert(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
 * console.log(pem.startsWith("-----BEGIN CERTIFICATE-----"), PEM_cert_to_DER_cert(pem).length); // true 5
 * ```
 */
export function DER_cert_to_PEM_cert(der: Uint8Array): string {
  let binary = "";
  for (const b of der) binary += String.fromCharCode(b);
  const b64 = btoa(binary).replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/**
 * Python's `ssl.PEM_cert_to_DER_cert()`: a PEM certificate's DER bytes.
 *
 * @param pemText One PEM certificate.
 * @returns Its DER bytes.
 * @throws {ValueError} when `pemText` is not a PEM certificate.
 *
 * @example
 * ```ts
 * import { DER_cert_to_PEM_cert, PEM_cert_to_DER_cert } from "@pysocket/socket/ssl";
 * const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
 * console.log(PEM_cert_to_DER_cert(DER_cert_to_PEM_cert(der))); // Uint8Array(5) [ 48, 3, 2, 1, 1 ]
 * ```
 */
export function PEM_cert_to_DER_cert(pemText: string): Uint8Array<ArrayBuffer> {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pemText);
  if (m === null) {
    throw new ValueError("Invalid PEM encoding; must start with -----BEGIN CERTIFICATE-----");
  }
  const binary = atob(m[1].replace(/\s+/g, ""));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** DER certificates, one after another (Python's `cadata` as bytes), as PEM texts. */
function derToPems(der: Uint8Array, op: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < der.length;) {
    // SEQUENCE, then its length (short or long form).
    if (der[i] !== 0x30) {
      throw new SSLError(SSL_ERROR.SSL, `[ASN1] not a DER certificate`, { library: "ASN1" });
    }
    let len = der[i + 1], head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + der[i + 2 + k];
      head += n;
    }
    const end = i + head + len;
    if (end > der.length) {
      throw new SSLError(SSL_ERROR.SSL, `[ASN1] truncated DER certificate`, {
        library: "ASN1",
        cause: new Error(`Cannot ${op}`),
      });
    }
    out.push(DER_cert_to_PEM_cert(der.subarray(i, end)));
    i = end;
  }
  return out;
}

function altNames(text: string | undefined): (readonly [string, string])[] {
  if (!text) return [];
  return text.split(/,\s*/).map((entry) => {
    const i = entry.indexOf(":");
    return [entry.slice(0, i), entry.slice(i + 1)] as const;
  });
}

/**
 * Python's `ssl.SSLContext`: the settings TLS connections are made with —
 * the protocol side, what is verified and against which certificates, this
 * side's certificate and key, ALPN — and `wrap_socket()`, which makes
 * them.
 *
 * TLS runs on node:tls (built into Deno): TLS 1.2 and 1.3.
 *
 * @example
 * ```ts
 * import * as ssl from "@pysocket/socket/ssl";
 * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
 * console.log(ctx.check_hostname, ctx.verify_mode === ssl.CERT_REQUIRED); // true true
 * ```
 */
export class SSLContext {
  readonly #protocol: number;
  #checkHostname: boolean;
  #verifyMode: number;
  #minimum: number = TLSVersion.TLSv1_2;
  #maximum: number = TLSVersion.MAXIMUM_SUPPORTED;
  #options = OP_ALL | OP_NO_SSLv3 | OP_NO_COMPRESSION | OP_CIPHER_SERVER_PREFERENCE |
    OP_ENABLE_MIDDLEBOX_COMPAT;
  #ca: string[] = [];
  #defaults = false;
  #cert?: string;
  #key?: string;
  #passphrase?: string;
  #alpn?: string[];
  #ciphers?: string;

  /**
   * Makes a context for one side, with Python's defaults: a client context
   * checks the server's certificate (`CERT_REQUIRED`) and name
   * (`check_hostname`); a server context asks for no client certificate.
   * Neither trusts any certificate until `load_verify_locations()` or
   * `load_default_certs()` (which {@linkcode create_default_context} calls).
   *
   * @param protocol `PROTOCOL_TLS_CLIENT`, `PROTOCOL_TLS_SERVER` or `PROTOCOL_TLS`.
   * @throws {ValueError} for another protocol.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
   * console.log(ctx.verify_mode === ssl.CERT_NONE, ctx.check_hostname); // true false
   * ```
   */
  constructor(protocol: number = PROTOCOL_TLS) {
    if (
      protocol !== PROTOCOL_TLS && protocol !== PROTOCOL_TLS_CLIENT &&
      protocol !== PROTOCOL_TLS_SERVER
    ) {
      throw new ValueError(
        `Cannot make SSLContext: protocol must be PROTOCOL_TLS, PROTOCOL_TLS_CLIENT or PROTOCOL_TLS_SERVER: current value is ${protocol}`,
      );
    }
    this.#protocol = protocol;
    this.#checkHostname = protocol === PROTOCOL_TLS_CLIENT;
    this.#verifyMode = protocol === PROTOCOL_TLS_CLIENT ? CERT_REQUIRED : CERT_NONE;
  }

  /**
   * The protocol the context was made with.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(ssl.create_default_context().protocol === ssl.PROTOCOL_TLS_CLIENT); // true
   * ```
   */
  get protocol(): number {
    return this.#protocol;
  }

  /**
   * Whether a client checks that the server's certificate names
   * `server_hostname`. Turning it on makes `verify_mode` `CERT_REQUIRED`
   * when it was `CERT_NONE`, as in Python.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * ctx.check_hostname = false;
   * ctx.verify_mode = ssl.CERT_NONE; // allowed once check_hostname is off
   * console.log(ctx.check_hostname); // false
   * ```
   */
  get check_hostname(): boolean {
    return this.#checkHostname;
  }

  /**
   * Sets `check_hostname`.
   *
   * @param on Whether to check the server's name.
   */
  set check_hostname(on: boolean) {
    this.#checkHostname = Boolean(on);
    if (this.#checkHostname && this.#verifyMode === CERT_NONE) this.#verifyMode = CERT_REQUIRED;
  }

  /**
   * What is verified of the peer's certificate: `CERT_NONE`,
   * `CERT_OPTIONAL` or `CERT_REQUIRED`.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
   * ctx.verify_mode = ssl.CERT_REQUIRED; // ask clients for a certificate
   * console.log(ctx.verify_mode); // 2
   * ```
   */
  get verify_mode(): number {
    return this.#verifyMode;
  }

  /**
   * Sets `verify_mode`.
   *
   * @param mode `CERT_NONE`, `CERT_OPTIONAL` or `CERT_REQUIRED`.
   * @throws {ValueError} for another value, or `CERT_NONE` while `check_hostname` is on.
   */
  set verify_mode(mode: number) {
    if (mode !== CERT_NONE && mode !== CERT_OPTIONAL && mode !== CERT_REQUIRED) {
      throw new ValueError(
        `Cannot set verify_mode: must be CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED: current value is ${mode}`,
      );
    }
    if (mode === CERT_NONE && this.#checkHostname) {
      throw new ValueError("Cannot set verify_mode to CERT_NONE when check_hostname is enabled.");
    }
    this.#verifyMode = mode;
  }

  /**
   * The lowest protocol version the context negotiates ({@linkcode TLSVersion}).
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * ctx.minimum_version = ssl.TLSVersion.TLSv1_3;
   * console.log(ctx.minimum_version); // 772
   * ```
   */
  get minimum_version(): number {
    return this.#minimum;
  }

  /**
   * Sets `minimum_version`.
   *
   * @param version A {@linkcode TLSVersion} value.
   * @throws {ValueError} for a version that is not one, or above TLS 1.3.
   */
  set minimum_version(version: number) {
    this.#minimum = checkVersion(version, "minimum_version");
  }

  /**
   * The highest protocol version the context negotiates ({@linkcode TLSVersion}).
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * ctx.maximum_version = ssl.TLSVersion.TLSv1_2;
   * console.log(ctx.maximum_version); // 771
   * ```
   */
  get maximum_version(): number {
    return this.#maximum;
  }

  /**
   * Sets `maximum_version`.
   *
   * @param version A {@linkcode TLSVersion} value.
   * @throws {ValueError} below TLS 1.2, which node:tls does not speak.
   */
  set maximum_version(version: number) {
    const v = checkVersion(version, "maximum_version");
    if (v !== TLSVersion.MAXIMUM_SUPPORTED && v < TLSVersion.TLSv1_2) {
      throw new ValueError(
        `Cannot set maximum_version: TLS 1.2 and 1.3 only are supported: current value is ${v}`,
      );
    }
    this.#maximum = v;
  }

  /**
   * Python's `options` bits (`OP_*`). `OP_NO_TLSv1_2` and `OP_NO_TLSv1_3`
   * narrow the versions; the others are kept for what they say.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * ctx.options |= ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1;
   * console.log((ctx.options & ssl.OP_NO_TLSv1) !== 0); // true
   * ```
   */
  get options(): number {
    return this.#options;
  }

  /**
   * Sets `options`.
   *
   * @param value The `OP_*` bits.
   * @throws {TypeError} for anything but an integer.
   */
  set options(value: number) {
    if (!Number.isInteger(value)) {
      throw new TypeError(`Cannot set options: must be an integer, not '${typeName(value)}'`);
    }
    this.#options = value >>> 0;
  }

  /**
   * Loads this side's certificate chain and private key from PEM files
   * (read at once; `--allow-read`).
   *
   * @param certfile The certificate chain (it may hold the key too).
   * @param keyfile The private key, when not in `certfile`.
   * @param password The key's passphrase, or a function that returns it.
   * @throws {FileNotFoundError} for a missing file; {SSLError} for a certificate and key that do not load.
   *
   * @example
   * ```ts ignore
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
   * ctx.load_cert_chain("cert.pem", "key.pem");
   * ```
   */
  load_cert_chain(certfile: string, keyfile?: string | null, password?: Password | null): void {
    const cert = readText(certfile, "certfile", "load_cert_chain");
    const key = keyfile == null ? cert : readText(keyfile, "keyfile", "load_cert_chain");
    let passphrase: string | undefined;
    if (password != null) {
      const p = typeof password === "function" ? password() : password;
      if (typeof p === "string") passphrase = p;
      else if (p instanceof Uint8Array) passphrase = new TextDecoder().decode(p);
      else {throw new TypeError(
          `Cannot load_cert_chain: password should be a string or bytes, not '${typeName(p)}'`,
        );}
    }
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
    this.#cert = cert;
    this.#key = key;
    this.#passphrase = passphrase;
  }

  /**
   * Adds trusted certificates: from a PEM file, a directory of PEM files,
   * or data (PEM text, or DER bytes one certificate after another).
   *
   * @param cafile A PEM file of certificates.
   * @param capath A directory of PEM files.
   * @param cadata PEM text or DER bytes.
   * @throws {TypeError} when all three are omitted; {FileNotFoundError}; {SSLError} for data without a certificate.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * try {
   *   ctx.load_verify_locations(null, null, "not a certificate");
   * } catch (e) {
   *   console.log(e instanceof ssl.SSLError); // true
   * }
   * ```
   */
  load_verify_locations(
    cafile?: string | null,
    capath?: string | null,
    cadata?: string | Uint8Array | null,
  ): void {
    const op = "load_verify_locations";
    if (cafile == null && capath == null && cadata == null) {
      throw new TypeError("cafile, capath and cadata cannot be all omitted");
    }
    const found: string[] = [];
    if (cafile != null) found.push(...certificatesIn(pem(readText(cafile, "cafile", op), op)));
    if (capath != null) {
      if (typeof capath !== "string") {
        throw new TypeError(
          `Cannot ${op}: capath must be a path string, not '${typeName(capath)}'`,
        );
      }
      let names: string[];
      try {
        names = filesIn(capath);
      } catch (e) {
        throw fromRuntimeError(e, `Cannot ${op}: ${capath}`);
      }
      for (const name of names) {
        try {
          found.push(...certificatesIn(readTextFile(`${capath}/${name}`)));
        } catch { /* not a text file: not a certificate */ }
      }
    }
    if (typeof cadata === "string") found.push(...certificatesIn(pem(cadata, op)));
    else if (cadata instanceof Uint8Array) found.push(...derToPems(cadata, op));
    else if (cadata != null) {
      throw new TypeError(
        `Cannot ${op}: cadata should be a string or bytes, not '${typeName(cadata)}'`,
      );
    }
    this.#ca.push(...found);
  }

  /**
   * Trusts the runtime's own root certificates (Mozilla's, as node:tls
   * ships them), besides any loaded. `create_default_context()` calls it.
   *
   * @param _purpose `Purpose.SERVER_AUTH` (default) or `Purpose.CLIENT_AUTH`.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
   * ctx.load_default_certs();
   * ```
   */
  load_default_certs(_purpose: ASN1Object = Purpose.SERVER_AUTH): void {
    this.#defaults = true;
  }

  /**
   * Python's `set_default_verify_paths()`: here the same as
   * `load_default_certs()`.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).set_default_verify_paths();
   * ```
   */
  set_default_verify_paths(): void {
    this.#defaults = true;
  }

  /**
   * The protocols to offer (client) or accept (server) through ALPN, in
   * order of preference.
   *
   * @param protocols Protocol names, 1 to 255 bytes each.
   * @throws {SSLError} for an empty or too long name, as Python's.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * ctx.set_alpn_protocols(["h2", "http/1.1"]);
   * ```
   */
  set_alpn_protocols(protocols: Iterable<string>): void {
    const list = [...protocols];
    for (const p of list) {
      const n = typeof p === "string" ? new TextEncoder().encode(p).length : -1;
      if (n < 1 || n > 255) throw new SSLError(null, "ALPN protocols must be 1 to 255 in length");
    }
    this.#alpn = list;
  }

  /**
   * The cipher suites to allow, as an OpenSSL cipher list (TLS 1.2 suites;
   * TLS 1.3's are always on).
   *
   * @param ciphers The list, e.g. `"ECDHE+AESGCM"`.
   * @throws {TypeError} for anything but a string.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * ssl.create_default_context().set_ciphers("ECDHE+AESGCM");
   * ```
   */
  set_ciphers(ciphers: string): void {
    if (typeof ciphers !== "string") {
      throw new TypeError(`Cannot set_ciphers: must be a string, not '${typeName(ciphers)}'`);
    }
    this.#ciphers = ciphers;
  }

  /**
   * Wraps a stream socket for TLS. A connected socket runs its handshake
   * now (unless `do_handshake_on_connect` is false), so verification
   * errors are raised here; an unconnected one does it in `connect()`; a
   * listening one in each `accept()`. The socket given is detached:
   * from now on use the `SSLSocket` returned.
   *
   * @param sock A `SOCK_STREAM` socket.
   * @param options `server_side`, `server_hostname`, `do_handshake_on_connect`, `suppress_ragged_eofs`.
   * @returns The TLS socket.
   * @throws {ValueError} for options that contradict (a client without
   *   `server_hostname` while `check_hostname` is on, a server with one, a
   *   handshake on connect of a non-blocking socket); {TypeError} for
   *   what is not a stream socket; {SSLCertVerificationError} and the other
   *   {SSLError}s from the handshake; {TimeoutError} when it outlives the timeout.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * using sock = await socket.create_connection(["example.com", 443]);
   * using tls = await ctx.wrap_socket(sock, { server_hostname: "example.com" });
   * console.log(tls.version());
   * ```
   */
  async wrap_socket(sock: StreamSocket, options?: WrapSocketOptions): Promise<SSLSocket> {
    if (!(sock instanceof StreamSocket) || sock.type !== SOCK_STREAM) {
      if (sock && typeof sock === "object" && "type" in sock) {
        throw new TypeError("Cannot wrap_socket: only stream sockets are supported");
      }
      throw new TypeError(
        `Cannot wrap_socket: sock must be a stream socket, not '${typeName(sock)}'`,
      );
    }
    const opts = checkWrapOptions(this, options ?? {}, "wrap_socket");
    let connected = true;
    try {
      sock.getpeername();
    } catch {
      connected = false;
    }
    if (connected && opts.do_handshake_on_connect && sock.gettimeout() === 0) {
      throw new ValueError(
        "do_handshake_on_connect should not be specified for non-blocking sockets",
      );
    }
    const ssock = new SSLSocket(this, opts, sock);
    if (connected && opts.do_handshake_on_connect) {
      try {
        await ssock.do_handshake();
      } catch (e) {
        ssock.close();
        throw e;
      }
    }
    return ssock;
  }

  /** @ignore The settings of a TLS connection made with this context. */
  _settings(serverSide: boolean, serverHostname: string | null): TlsSettings {
    const ca = this.#defaults ? [...rootCertificates(), ...this.#ca] : [...this.#ca];
    let min = this.#minimum < TLSVersion.TLSv1_2 ? TLSVersion.TLSv1_2 : this.#minimum;
    let max = this.#maximum === TLSVersion.MAXIMUM_SUPPORTED ? TLSVersion.TLSv1_3 : this.#maximum;
    if (this.#options & OP_NO_TLSv1_2 && min < TLSVersion.TLSv1_3) min = TLSVersion.TLSv1_3;
    if (this.#options & OP_NO_TLSv1_3 && max > TLSVersion.TLSv1_2) max = TLSVersion.TLSv1_2;
    if (min > max) {
      throw new SSLError(SSL_ERROR.SSL, "[SSL: NO_PROTOCOLS_AVAILABLE] no protocols available", {
        library: "SSL",
        reason: "NO_PROTOCOLS_AVAILABLE",
      });
    }
    return {
      serverSide,
      serverName: serverHostname,
      checkHostname: this.#checkHostname,
      verify: this.#verifyMode as 0 | 1 | 2,
      ca,
      cert: this.#cert,
      key: this.#key,
      passphrase: this.#passphrase,
      alpn: this.#alpn,
      minVersion: VERSION_NAMES[min],
      maxVersion: VERSION_NAMES[max],
      ciphers: this.#ciphers,
    };
  }
}

function checkVersion(version: unknown, op: string): number {
  const known = Object.values(TLSVersion) as number[];
  if (typeof version !== "number" || !known.includes(version)) {
    throw new ValueError(
      `Cannot set ${op}: must be a TLSVersion value: current value is ${String(version)}`,
    );
  }
  if (version === TLSVersion.MINIMUM_SUPPORTED) return TLSVersion.TLSv1_2;
  return version;
}

/** The wrap options, checked as Python checks them, with Python's defaults. */
function checkWrapOptions(
  context: SSLContext,
  options: WrapSocketOptions,
  op: string,
): Required<WrapSocketOptions> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${op}: options must be an object, not '${typeName(options)}'`);
  }
  const serverSide = Boolean(options.server_side);
  const hostname = options.server_hostname ?? null;
  if (hostname !== null && typeof hostname !== "string") {
    throw new TypeError(
      `Cannot ${op}: server_hostname must be a string, not '${typeName(hostname)}'`,
    );
  }
  if (serverSide && hostname !== null) {
    throw new ValueError("server_hostname can only be specified in client mode");
  }
  if (!serverSide && context.check_hostname && hostname === null) {
    throw new ValueError("check_hostname requires server_hostname");
  }
  if (hostname === "" || hostname?.startsWith(".")) {
    throw new ValueError(
      `Cannot ${op}: server_hostname cannot be an empty string or start with a leading dot.`,
    );
  }
  if (options.suppress_ragged_eofs === false) {
    throw new ValueError(
      `Cannot ${op}: suppress_ragged_eofs=false is not supported: node:tls does not tell a close_notify from a connection closed without one`,
    );
  }
  return {
    server_side: serverSide,
    server_hostname: hostname,
    do_handshake_on_connect: options.do_handshake_on_connect ?? true,
    suppress_ragged_eofs: true,
  };
}

/**
 * Python's `ssl.create_default_context()`: a context with the defaults
 * Python recommends. For `Purpose.SERVER_AUTH` (a client's) it checks the
 * server's certificate and name against the given certificates, or the
 * runtime's roots when none are given; for `Purpose.CLIENT_AUTH` (a
 * server's) it asks for no client certificate.
 *
 * @param purpose `Purpose.SERVER_AUTH` (default) or `Purpose.CLIENT_AUTH`.
 * @param options Certificates to trust instead of the roots: `cafile`, `capath`, `cadata`.
 * @returns The context.
 * @throws {FileNotFoundError|SSLError} as `load_verify_locations()` does.
 *
 * @example
 * ```ts
 * import * as ssl from "@pysocket/socket/ssl";
 * const ctx = ssl.create_default_context();
 * console.log(ctx.protocol === ssl.PROTOCOL_TLS_CLIENT, ctx.check_hostname); // true true
 * ```
 */
export function create_default_context(
  purpose: ASN1Object = Purpose.SERVER_AUTH,
  options?: { cafile?: string | null; capath?: string | null; cadata?: string | Uint8Array | null },
): SSLContext {
  if (purpose !== Purpose.SERVER_AUTH && purpose !== Purpose.CLIENT_AUTH) {
    throw new TypeError(
      `Cannot create_default_context: purpose must be a Purpose, not '${typeName(purpose)}'`,
    );
  }
  const context = new SSLContext(
    purpose === Purpose.SERVER_AUTH ? PROTOCOL_TLS_CLIENT : PROTOCOL_TLS_SERVER,
  );
  const { cafile, capath, cadata } = options ?? {};
  if (cafile != null || capath != null || cadata != null) {
    context.load_verify_locations(cafile, capath, cadata);
  } else if (context.verify_mode !== CERT_NONE) {
    context.load_default_certs(purpose);
  }
  return context;
}

const WRITE_OPS = /send|write|flush/;

/**
 * Python's `ssl.SSLSocket`: a {@linkcode StreamSocket} speaking TLS. Made
 * by {@linkcode SSLContext.wrap_socket} (there is no public constructor in
 * Python; here the constructor is for `wrap_socket` and `accept`). Every
 * socket method works on it; on a non-blocking one a read that would wait
 * raises {@linkcode SSLWantReadError} and a write {@linkcode SSLWantWriteError},
 * as in Python. A peer that closes TLS, with close_notify or without,
 * reads as end of stream.
 *
 * `shutdown(SHUT_WR)` sends close_notify before half-closing (Python drops
 * TLS there and half-closes the TCP connection); `close()` sends none, as
 * Python's.
 *
 * @example
 * ```ts ignore
 * import * as socket from "@pysocket/socket";
 * import * as ssl from "@pysocket/socket/ssl";
 * const ctx = ssl.create_default_context();
 * using tls = await ctx.wrap_socket(await socket.create_connection(["example.com", 443]), {
 *   server_hostname: "example.com",
 * });
 * console.log(tls.version(), tls.cipher(), tls.getpeercert()?.subject);
 * ```
 */
export class SSLSocket extends StreamSocket {
  readonly #context: SSLContext;
  readonly #serverSide: boolean;
  readonly #serverHostname: string | null;
  readonly #handshakeOnConnect: boolean;
  #tls: TlsTransport | null = null;
  #session: TlsSession | null = null;
  #settled = false;
  /** The caller has seen the handshake end (do_handshake() returned, or a read waited after it). */
  #acknowledged = true;
  #poll: Poll | null = null;

  /**
   * Use {@linkcode SSLContext.wrap_socket}. Takes over `sock` (it is left
   * detached) or, without one, makes a socket of `family` for `connect()`
   * or `accept()`.
   *
   * @param context The context the connection is made with.
   * @param options The checked `wrap_socket` options.
   * @param sock The socket to take over, or a family for a new one.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * using tls = await ctx.wrap_socket(socket.socket(), { server_hostname: "localhost" });
   * console.log(tls instanceof ssl.SSLSocket, tls.server_hostname); // true "localhost"
   * ```
   */
  constructor(
    context: SSLContext,
    options: Required<WrapSocketOptions>,
    sock: StreamSocket | number,
  ) {
    super(typeof sock === "number" ? sock : sock.family, typeof sock === "number" ? 0 : sock.proto);
    this.#context = context;
    this.#serverSide = options.server_side;
    this.#serverHostname = options.server_hostname;
    this.#handshakeOnConnect = options.do_handshake_on_connect;
    if (typeof sock !== "number") {
      const conn = StreamSocket._handOver(sock, this, "wrap_socket");
      if (conn !== null) this._attach(this.#start(conn), "wrap_socket");
    }
  }

  /** Starts TLS over a plain connection; the handshake runs from now on, or from do_handshake(). */
  #start(conn: StreamTransport): TlsTransport {
    let settings: TlsSettings;
    try {
      settings = this.#context._settings(this.#serverSide, this.#serverHostname);
    } catch (e) {
      conn.close();
      throw e;
    }
    // do_handshake_on_connect=False: nothing is sent before do_handshake()
    // (or the first read or write), as in Python.
    const tls = this.#tls = new TlsTransport(conn, settings, !this.#handshakeOnConnect);
    this.#settled = false;
    this.#acknowledged = this.#handshakeOnConnect;
    this.#session = null;
    tls.handshake.then(() => {
      this.#settled = true;
      if (this.#tls === tls) this.#session = tls.session();
    }, () => this.#settled = true);
    return tls;
  }

  /** @ignore A connection made by connect() or accept(): TLS over it, the handshake awaited. */
  protected override async _established(
    conn: StreamTransport,
    deadline: Deadline,
    op: string,
  ): Promise<StreamTransport> {
    const tls = this.#start(conn);
    if (this.#handshakeOnConnect && deadline !== NONBLOCK) {
      try {
        await waitUntil(tls.handshake, deadline, op);
      } catch (e) {
        tls.close();
        throw this._ioError(e, op);
      }
    }
    return tls;
  }

  /** @ignore An accepted connection becomes a server-side TLS socket. */
  protected override _acceptedSocket(): StreamSocket {
    return new SSLSocket(this.#context, {
      server_side: true,
      server_hostname: null,
      do_handshake_on_connect: this.#handshakeOnConnect,
      suppress_ragged_eofs: true,
    }, this.family);
  }

  /** @ignore Python's errors of a TLS socket: a call that would wait is SSLWantRead/WriteError. */
  protected override _ioError(e: unknown, op: string): Error {
    const err = super._ioError(e, op);
    if (err instanceof BlockingIOError && !(err instanceof SSLError)) {
      if (this.#settled) this.#acknowledged = true;
      return WRITE_OPS.test(op)
        ? new SSLWantWriteError(SSL_ERROR.WANT_WRITE)
        : new SSLWantReadError(SSL_ERROR.WANT_READ);
    }
    return err;
  }

  /**
   * The context the socket was made with.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * using tls = await ctx.wrap_socket(socket.socket(), { server_hostname: "localhost" });
   * console.log(tls.context === ctx); // true
   * ```
   */
  get context(): SSLContext {
    return this.#context;
  }

  /**
   * Whether this is the server's side.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as ssl from "@pysocket/socket/ssl";
   * using tls = await ssl.create_default_context().wrap_socket(socket.socket(), { server_hostname: "localhost" });
   * console.log(tls.server_side); // false
   * ```
   */
  get server_side(): boolean {
    return this.#serverSide;
  }

  /**
   * The name the server's certificate is checked against (clients), or `null`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as ssl from "@pysocket/socket/ssl";
   * using tls = await ssl.create_default_context().wrap_socket(socket.socket(), { server_hostname: "localhost" });
   * console.log(tls.server_hostname); // "localhost"
   * ```
   */
  get server_hostname(): string | null {
    return this.#serverHostname;
  }

  /**
   * Runs the handshake, or waits for the one under way, until the socket's
   * timeout. On a non-blocking socket it raises {@linkcode SSLWantReadError}
   * until the handshake is done (wait for the socket to be readable and
   * call again).
   *
   * @returns A promise that resolves once the handshake is done.
   * @throws {SSLCertVerificationError|SSLError} when it fails; {TimeoutError}; {OSError} `ENOTCONN` before connecting.
   *
   * @example
   * ```ts ignore
   * const tls = await ctx.wrap_socket(sock, { server_hostname: host, do_handshake_on_connect: false });
   * await tls.do_handshake();
   * ```
   */
  async do_handshake(): Promise<void> {
    this._checkOpen("do_handshake");
    const tls = this.#tls;
    if (tls === null) {
      throw new OSError(errno.ENOTCONN, undefined, {
        detail: "Cannot do_handshake: socket is not connected",
      });
    }
    tls.begin();
    const deadline = this._deadline();
    // Non-blocking, as Python: a handshake not done yet wants to read, now
    // (select() then reports the socket when it is done).
    if (deadline === NONBLOCK && !this.#settled) throw new SSLWantReadError(SSL_ERROR.WANT_READ);
    try {
      await waitUntil(tls.handshake, deadline, "do_handshake");
    } catch (e) {
      throw this._ioError(e, "do_handshake");
    }
    this.#acknowledged = true;
  }

  /** The session, once the handshake is done; `null` before (and after `unwrap()`). */
  #done(): TlsSession | null {
    return this.#session;
  }

  /**
   * The peer's certificate. As a dict (Python's: `subject`, `issuer`,
   * `version`, `serialNumber`, `notBefore`, `notAfter`, `subjectAltName`…)
   * when it was verified, `{}` when it was not (`CERT_NONE`), `null` when
   * the peer sent none.
   *
   * @param binary_form `false` (default).
   * @returns The certificate's fields, `{}`, or `null`.
   * @throws {ValueError} before the handshake is done; {OSError} `ENOTCONN` before connecting.
   *
   * @example
   * ```ts ignore
   * const cert = tls.getpeercert();
   * console.log(cert?.subject); // [[["commonName", "example.com"]]]
   * ```
   */
  getpeercert(binary_form?: false): PeerCertificate | null;
  /**
   * The peer's certificate as DER bytes, whether verified or not.
   *
   * @param binary_form `true`.
   * @returns The DER bytes, or `null` when the peer sent none.
   * @throws {ValueError} before the handshake is done; {OSError} `ENOTCONN` before connecting.
   *
   * @example
   * ```ts ignore
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(ssl.DER_cert_to_PEM_cert(tls.getpeercert(true)!));
   * ```
   */
  getpeercert(binary_form: true): Uint8Array<ArrayBuffer> | null;
  /**
   * The peer's certificate: fields (`binary_form` false) or DER bytes (true).
   *
   * @param binary_form Whether to return DER bytes.
   * @returns The certificate, `{}` or `null`, as the overloads say.
   * @throws {ValueError} before the handshake is done; {OSError} `ENOTCONN` before connecting.
   *
   * @example
   * ```ts ignore
   * console.log(tls.getpeercert(false), tls.getpeercert(true)?.length);
   * ```
   */
  getpeercert(binary_form = false): PeerCertificate | Uint8Array<ArrayBuffer> | null {
    this._checkOpen("getpeercert");
    if (this.#tls === null) {
      throw new OSError(errno.ENOTCONN, undefined, {
        detail: "Cannot getpeercert: socket is not connected",
      });
    }
    const session = this.#done();
    if (session === null) throw new ValueError("handshake not done yet");
    const cert = session.peerCertificate();
    if (cert === null) return null;
    if (binary_form) return new Uint8Array(cert.raw);
    if (!session.authorized) return {};
    const { version, issuer, subject } = certificateNames(cert.raw);
    const out: PeerCertificate = {
      subject,
      issuer,
      version,
      serialNumber: cert.serialNumber?.toUpperCase(),
      notBefore: cert.valid_from,
      notAfter: cert.valid_to,
    };
    const san = altNames(cert.subjectaltname);
    if (san.length) out.subjectAltName = san;
    const info = cert.infoAccess as Record<string, string[]> | undefined;
    if (info?.["OCSP - URI"]) out.OCSP = info["OCSP - URI"];
    if (info?.["CA Issuers - URI"]) out.caIssuers = info["CA Issuers - URI"];
    return out;
  }

  /**
   * The protocol version agreed on (`"TLSv1.3"`), or `null` before the handshake.
   *
   * @returns The version, or `null`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as ssl from "@pysocket/socket/ssl";
   * using tls = await ssl.create_default_context().wrap_socket(socket.socket(), { server_hostname: "localhost" });
   * console.log(tls.version()); // null: not connected yet
   * ```
   */
  version(): string | null {
    return this.#done()?.version ?? null;
  }

  /**
   * The cipher suite: `[name, protocol version, secret bits]`, or `null`
   * before the handshake.
   *
   * @returns The cipher, or `null`.
   *
   * @example
   * ```ts ignore
   * console.log(tls.cipher()); // ["TLS_AES_256_GCM_SHA384", "TLSv1.3", 256]
   * ```
   */
  cipher(): [string, string, number] | null {
    return this.#done()?.cipher ?? null;
  }

  /**
   * The protocol agreed on through ALPN, or `null`.
   *
   * @returns The protocol name, or `null`.
   *
   * @example
   * ```ts ignore
   * ctx.set_alpn_protocols(["h2", "http/1.1"]);
   * console.log(tls.selected_alpn_protocol()); // "h2"
   * ```
   */
  selected_alpn_protocol(): string | null {
    return this.#done()?.alpn ?? null;
  }

  /**
   * Python's `compression()`: TLS compression is never used, so `null`.
   *
   * @returns `null`.
   *
   * @example
   * ```ts ignore
   * console.log(tls.compression()); // null
   * ```
   */
  compression(): null {
    return null;
  }

  /**
   * How many decrypted bytes wait in the TLS layer, not yet read.
   *
   * @returns The count.
   *
   * @example
   * ```ts ignore
   * console.log(tls.pending()); // 0
   * ```
   */
  pending(): number {
    return this.#tls?.buffered ?? 0;
  }

  /**
   * Shuts TLS down — sends close_notify and waits for the peer's, until the
   * socket's timeout — and goes on as a plain socket over the same
   * connection (STARTTLS's way back). Returns this socket.
   *
   * @returns The socket, now plain.
   * @throws {ValueError} when the socket has no TLS layer; {OSError} `EBUSY` while a read or send is under way.
   *
   * @example
   * ```ts ignore
   * const plain = await tls.unwrap();
   * await plain.sendall(new TextEncoder().encode("back to plain text\n"));
   * ```
   */
  async unwrap(): Promise<StreamSocket> {
    this._checkOpen("unwrap");
    const tls = this.#tls;
    if (tls === null) throw new ValueError("No SSL wrapper around the socket");
    let plain: StreamTransport;
    try {
      plain = await waitUntil(tls.unwrap(), this._deadline(), "unwrap");
    } catch (e) {
      throw this._ioError(e, "unwrap");
    }
    this.#tls = null;
    this.#session = null;
    this._attach(plain, "unwrap");
    return this;
  }

  /**
   * @ignore While a handshake started without do_handshake_on_connect runs,
   * readiness is the handshake's: ready once do_handshake() would not wait.
   */
  override [POLL](): Poll {
    const plain = super[POLL]();
    // Before do_handshake() starts it, readiness is the plain connection's.
    const handshaking = () => this.#tls !== null && this.#tls.begun && !this.#acknowledged;
    return this.#poll ??= {
      readable: () => handshaking() ? this.#settled : plain.readable(),
      writable: () => handshaking() ? this.#settled : plain.writable(),
      changed: (read, write) =>
        handshaking() ? this.#tls!.handshake.then(() => {}, () => {}) : plain.changed(read, write),
    };
  }

  /**
   * Closes the socket and its connection, a handshake under way too; sends
   * no close_notify (as Python's `close()`).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as ssl from "@pysocket/socket/ssl";
   * const tls = await ssl.create_default_context().wrap_socket(socket.socket(), { server_hostname: "localhost" });
   * tls.close();
   * console.log(tls.fileno()); // -1
   * ```
   */
  override close(): void {
    const tls = this.#tls;
    super.close();
    if (tls !== null && !this.#settled) tls.close();
  }
}
