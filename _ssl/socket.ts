// Copyright 2026 the pysocket authors. MIT license.
// SSLContext and the SSLSocket it makes. They share a file because each
// names the other: wrap_socket() returns an SSLSocket, and an SSLSocket's
// `context` is its SSLContext (apart, their imports would form a cycle).
// What the context loads (files.ts), checks (options.ts), how a peer is
// judged (verify.ts), the cipher lists (ciphers.ts) and what a socket
// reports of the peer's certificate (x509.ts) live beside them.

import { SOCK_DGRAM, SOCK_STREAM } from "../constants.ts";
import {
  errno,
  NotImplementedError,
  OSError,
  SSL_ERROR,
  SSLError,
  SSLWantReadError,
  SSLWantWriteError,
  ValueError,
} from "../errors.ts";
import { StreamSocket } from "../tcp.ts";
import type { Address } from "../address.ts";
import { type BytesLike, toBytes, typeName } from "../_common/bytes.ts";
import {
  type Deadline,
  heldUntil,
  NONBLOCK,
  type Want,
  type WouldBlock,
} from "../_common/deadline.ts";
import { POLL, type Poll } from "../_common/readiness.ts";
import type { StreamTransport } from "../_transport/types.ts";
import {
  ALERT,
  type ClientHello,
  curveNames,
  type EngineSupport,
  engineSupport,
  LIBSSL_SUPPORT,
  type NativeSettings,
  type OverPlain,
  rootCertificates,
  type TlsConnection,
  type TlsSession,
  type TlsSettings,
  TlsTransport,
} from "../_transport/tls.ts";
import {
  ALERT_DESCRIPTION_HANDSHAKE_FAILURE,
  ALERT_DESCRIPTION_INTERNAL_ERROR,
  type ASN1Object,
  CERT_NONE,
  CERT_OPTIONAL,
  CERT_REQUIRED,
  CHANNEL_BINDING_TYPES,
  OP_ALL,
  OP_CIPHER_SERVER_PREFERENCE,
  OP_ENABLE_MIDDLEBOX_COMPAT,
  OP_NO_COMPRESSION,
  OP_NO_SSLv3,
  OP_NO_TLSv1_2,
  OP_NO_TLSv1_3,
  PROTOCOL_TLS,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  Purpose,
  TLSVersion,
  VERIFY_CRL_CHECK_LEAF,
  VERIFY_X509_TRUSTED_FIRST,
} from "./constants.ts";
import { type CipherInfo, cipherInfo, cipherList, DEFAULT_CIPHERS, tls13Names } from "./ciphers.ts";
import {
  caCertificates,
  dhParams,
  type Found,
  loadCertChain,
  type Password,
  type Trusted,
} from "./files.ts";
import { appendText, envVar, fileSize, isDirectory, isFile } from "./environ.ts";
import {
  type CheckedWrapOptions,
  checkInteger,
  checkVersion,
  checkWrapOptions,
  VERSION_NAMES,
  type WrapSocketOptions,
} from "./options.ts";
import { SESSION_KEY, SSLSession } from "./session.ts";
import { judge, verifiedChain } from "./verify.ts";
import { bioPort, MemoryBIO } from "./bio.ts";
import type {
  CipherTuple,
  ConnectionSettings,
  MemoryTls,
  NativeContext,
} from "../_transport/openssl.ts";
import {
  libsslSelected,
  loadLibsslEngine,
  opensslModule,
  opensslStreamModule,
} from "../_transport/ffi_load.ts";
import { decodeCertificate, type PeerCertificate } from "./x509.ts";

/** The token that lets the package make SSLSockets: Python's SSLSocket has no public constructor. */
const PRIVATE: unique symbol = Symbol("pysocket.SSLSocket");
/** The token that lets the package make SSLObjects: Python's SSLObject has no public constructor. */
const PRIVATE_OBJECT: unique symbol = Symbol("pysocket.SSLObject");

/**
 * What a servername callback is given and may return (Python's
 * `sni_callback`): the server's `SSLSocket`, or its `SSLObject` (whose
 * callback runs synchronously, within `do_handshake()`, and may not return
 * a Promise).
 */
export type ServernameCallback = (
  sslsocket: SSLSocket | SSLObject,
  server_name: string | null,
  sslcontext: SSLContext,
) => number | null | undefined | void | Promise<number | null | undefined | void>;

/** Python's `session_stats()` dict. */
export interface SessionStats {
  /** Sessions in the server's cache (as far as this side counts them). */
  number: number;
  /** Client handshakes started. */
  connect: number;
  /** Client handshakes that succeeded. */
  connect_good: number;
  /** Client renegotiations (never: renegotiation is not offered). */
  connect_renegotiate: number;
  /** Server handshakes started. */
  accept: number;
  /** Server handshakes that succeeded. */
  accept_good: number;
  /** Server renegotiations (never). */
  accept_renegotiate: number;
  /** Server handshakes that resumed a session. */
  hits: number;
  /** Server handshakes a client asked to resume and that did not. */
  misses: number;
  /** Sessions that timed out. */
  timeouts: number;
  /** Sessions the full cache turned away. */
  cache_full: number;
}

/** Python's `cert_store_stats()` dict. */
export interface CertStoreStats {
  /** Certificates loaded. */
  x509: number;
  /** Certificate revocation lists loaded. */
  crl: number;
  /** Certificates loaded that are CAs. */
  x509_ca: number;
}

/**
 * Python's `ssl.SSLContext`: the settings TLS connections are made with —
 * the protocol side, what is verified and against which certificates, this
 * side's certificate and key, ALPN, cipher suites, SNI — and
 * `wrap_socket()`, which makes them.
 *
 * TLS runs on the runtime's node:tls: TLS 1.2 and 1.3.
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
  #minimum: number = TLSVersion.MINIMUM_SUPPORTED;
  #maximum: number = TLSVersion.MAXIMUM_SUPPORTED;
  #options = OP_ALL | OP_NO_SSLv3 | OP_NO_COMPRESSION | OP_CIPHER_SERVER_PREFERENCE |
    OP_ENABLE_MIDDLEBOX_COMPAT;
  #verifyFlags = VERIFY_X509_TRUSTED_FIRST;
  #commonName = true;
  #postHandshakeAuth = false;
  #numTickets = 2;
  #trusted: Trusted[] = [];
  /** Trusted certificates of directories: used, not counted (see `Found.lookup`). */
  #lookup: Trusted[] = [];
  #crls: string[] = [];
  #trustedPems: string[] | null = null;
  #defaults = false;
  #cert?: string;
  #key?: string;
  #passphrase?: string;
  #alpn?: string[];
  #ciphers = cipherList(DEFAULT_CIPHERS);
  #dhparam?: string;
  #ecdhCurve?: string;
  #keylog: string | null = null;
  #sni: ServernameCallback | null = null;
  /** What a server's engine reuses across connections (its session tickets' keys), per settings. */
  #shared: Record<string, unknown> = {};
  /** libssl's context for wrap_bio(), and what it was built from. */
  #native: {
    shared: object;
    tickets: number;
    servername: boolean;
    keylog: boolean;
    ctx: NativeContext;
  } | null = null;
  #sslobjectClass: typeof SSLObject = SSLObject;
  readonly #stats: SessionStats = {
    number: 0,
    connect: 0,
    connect_good: 0,
    connect_renegotiate: 0,
    accept: 0,
    accept_good: 0,
    accept_renegotiate: 0,
    hits: 0,
    misses: 0,
    timeouts: 0,
    cache_full: 0,
  };

  /**
   * Makes a context for one side, with Python's defaults: a client context
   * checks the server's certificate (`CERT_REQUIRED`) and name
   * (`check_hostname`); a server context asks for no client certificate.
   * Neither trusts any certificate until `load_verify_locations()` or
   * `load_default_certs()` (which {@linkcode create_default_context} calls).
   *
   * @param protocol `PROTOCOL_TLS_CLIENT`, `PROTOCOL_TLS_SERVER` or `PROTOCOL_TLS` (`PROTOCOL_SSLv23`).
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

  /** Notes a change of what a server's engine is made with. */
  #changed(): void {
    this.#shared = {};
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
   * Whether a server certificate without DNS names may match
   * `server_hostname` by its common name (Python's default: `true`).
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * ctx.hostname_checks_common_name = false;
   * console.log(ctx.hostname_checks_common_name); // false
   * ```
   */
  get hostname_checks_common_name(): boolean {
    return this.#commonName;
  }

  /**
   * Sets `hostname_checks_common_name`.
   *
   * @param on Whether the common name counts.
   */
  set hostname_checks_common_name(on: boolean) {
    this.#commonName = Boolean(on);
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
   * @throws {TypeError} for what is not an integer; {ValueError} for
   *   another value, or `CERT_NONE` while `check_hostname` is on.
   */
  set verify_mode(mode: number) {
    const m = checkInteger(mode, "verify_mode");
    if (m !== CERT_NONE && m !== CERT_OPTIONAL && m !== CERT_REQUIRED) {
      throw new ValueError("invalid value for verify_mode");
    }
    if (m === CERT_NONE && this.#checkHostname) {
      throw new ValueError("Cannot set verify_mode to CERT_NONE when check_hostname is enabled.");
    }
    this.#verifyMode = m;
    this.#changed();
  }

  /**
   * Python's `verify_flags` (`VERIFY_*` bits): kept as set.
   * `VERIFY_CRL_CHECK_LEAF` and `VERIFY_CRL_CHECK_CHAIN` check the peer
   * against the revocation lists `load_verify_locations()` loaded.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * console.log(ctx.verify_flags === ssl.VERIFY_X509_TRUSTED_FIRST); // true
   * ```
   */
  get verify_flags(): number {
    return this.#verifyFlags;
  }

  /**
   * Sets `verify_flags`.
   *
   * @param flags The `VERIFY_*` bits.
   * @throws {TypeError} for what is not an integer.
   */
  set verify_flags(flags: number) {
    if (typeof flags !== "number" || !Number.isInteger(flags)) {
      throw new TypeError(`argument must be int, not ${typeName(flags)}`);
    }
    this.#verifyFlags = flags >>> 0;
    this.#changed();
  }

  /**
   * The lowest protocol version the context negotiates ({@linkcode TLSVersion}),
   * as set (`MINIMUM_SUPPORTED` reads back as itself; TLS 1.2 is the lowest spoken).
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
   * @throws {TypeError} for what is not an integer; {ValueError} for a value that is no TLSVersion.
   */
  set minimum_version(version: number) {
    this.#minimum = checkVersion(version, "minimum_version");
    this.#changed();
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
   * @throws {ValueError} below TLS 1.2, which node:tls does not speak here.
   */
  set maximum_version(version: number) {
    const v = checkVersion(version, "maximum_version");
    if (v !== TLSVersion.MAXIMUM_SUPPORTED && v < TLSVersion.TLSv1_2) {
      throw new ValueError(
        `Cannot set maximum_version: TLS 1.2 and 1.3 only are supported: current value is ${v}`,
      );
    }
    this.#maximum = v;
    this.#changed();
  }

  /**
   * Python's `options` bits (`OP_*`). `OP_NO_TLSv1_2` and `OP_NO_TLSv1_3`
   * narrow the versions, `OP_CIPHER_SERVER_PREFERENCE` makes a server
   * choose by its own order; the others are kept for what they say.
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
    this.#changed();
  }

  /**
   * Python's `security_level`: OpenSSL's security level the cipher list
   * set (`@SECLEVEL=`, 2 by default, as CPython's).
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(ssl.create_default_context().security_level); // 2
   * ```
   */
  get security_level(): number {
    return this.#ciphers.secLevel ?? 2;
  }

  /**
   * Python's `post_handshake_auth`: whether a TLS 1.3 client offers
   * post-handshake authentication, and a server may ask for it. Kept as
   * set; no runtime's node:tls performs it (see
   * {@linkcode SSLSocket.verify_client_post_handshake}).
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * ctx.post_handshake_auth = true;
   * console.log(ctx.post_handshake_auth); // true
   * ```
   */
  get post_handshake_auth(): boolean {
    return this.#postHandshakeAuth;
  }

  /**
   * Sets `post_handshake_auth`.
   *
   * @param on Whether post-handshake authentication is offered.
   */
  set post_handshake_auth(on: boolean) {
    this.#postHandshakeAuth = Boolean(on);
  }

  /**
   * Python's `num_tickets`: how many TLS 1.3 session tickets a server
   * sends (2 by default). Kept as set; the engine sends its own number.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).num_tickets); // 2
   * ```
   */
  get num_tickets(): number {
    return this.#numTickets;
  }

  /**
   * Sets `num_tickets`.
   *
   * @param n The number of tickets.
   * @throws {TypeError} for what is not an integer; {ValueError} for a
   *   negative number, or on a client context.
   */
  set num_tickets(n: number) {
    const v = checkInteger(n, "num_tickets");
    if (v < 0) throw new ValueError("value must be non-negative");
    if (this.#protocol !== PROTOCOL_TLS_SERVER) {
      throw new ValueError("SSLContext is not a server context.");
    }
    this.#numTickets = v;
  }

  /**
   * Python's `keylog_filename`: the file TLS secrets are appended to, in
   * NSS key log format (for Wireshark), or `null`. Setting it makes the
   * file (with CPython's header line when new).
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(ssl.create_default_context().keylog_filename); // null (unless SSLKEYLOGFILE is set)
   * ```
   */
  get keylog_filename(): string | null {
    return this.#keylog;
  }

  /**
   * Sets `keylog_filename`.
   *
   * @param path The file, or `null` to stop.
   * @throws {TypeError} for what is not a path; {OSError} when the file
   *   cannot be opened for appending; {NotImplementedError} where the
   *   runtime's TLS engine gives no key log (Deno).
   */
  set keylog_filename(path: string | null) {
    if (path === null || path === undefined) {
      this.#keylog = null;
      return;
    }
    if (typeof path !== "string") {
      throw new TypeError(`expected str, bytes or os.PathLike object, not ${typeName(path)}`);
    }
    const engine = tlsSupport();
    if (!engine.keylog) {
      throw new NotImplementedError(
        `keylog_filename is not supported: ${engine.name} gives no TLS key log`,
      );
    }
    appendText(
      path,
      fileSize(path) === 0 ? "# TLS secrets log file, generated by OpenSSL / Python\n" : "",
    );
    this.#keylog = path;
  }

  /**
   * Python's `sni_callback`: called on the server's side with the server
   * name a client asks for (SNI) before the handshake goes on, as
   * `callback(sslsocket, server_name, sslcontext)`; it may set
   * `sslsocket.context` to another context (whose certificate is then
   * used), return `null`, or return an `ALERT_DESCRIPTION_*` number to
   * refuse the client with that alert. It may return a Promise.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
   * ctx.sni_callback = (sock, name) => console.log("client asked for", name);
   * ```
   */
  get sni_callback(): ServernameCallback | null {
    return this.#sni;
  }

  /**
   * Sets `sni_callback`.
   *
   * @param callback The callback, or `null`.
   * @throws {TypeError} for what is not callable; {ValueError} on a client context.
   */
  set sni_callback(callback: ServernameCallback | null) {
    if (this.#protocol === PROTOCOL_TLS_CLIENT) {
      throw new ValueError("sni_callback cannot be set on TLS_CLIENT context");
    }
    if (callback !== null && callback !== undefined && typeof callback !== "function") {
      throw new TypeError("not a callable object");
    }
    this.#sni = callback ?? null;
  }

  /**
   * Python's `set_servername_callback()`: sets {@linkcode SSLContext.sni_callback}.
   *
   * @param callback The callback, or `null`.
   * @throws {TypeError} for what is not callable.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
   * ctx.set_servername_callback(null);
   * ```
   */
  set_servername_callback(callback: ServernameCallback | null): void {
    this.sni_callback = callback;
  }

  /**
   * Loads this side's certificate chain and private key from PEM files
   * (read at once; `--allow-read`).
   *
   * @param certfile The certificate chain (it may hold the key too).
   * @param keyfile The private key, when not in `certfile`.
   * @param password The key's passphrase, or a function that returns it (up to 1024 bytes).
   * @throws {FileNotFoundError} for a missing file; {ValueError} for a
   *   password over 1024 bytes; {SSLError} for a certificate and key that do not load.
   *
   * @example
   * ```ts ignore
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
   * ctx.load_cert_chain("cert.pem", "key.pem");
   * ```
   */
  load_cert_chain(certfile: string, keyfile?: string | null, password?: Password | null): void {
    const { cert, key, passphrase } = loadCertChain(certfile, keyfile, password);
    this.#cert = cert;
    this.#key = key;
    this.#passphrase = passphrase;
    this.#changed();
  }

  /**
   * Adds trusted certificates (and certificate revocation lists): from a
   * PEM file, a directory of PEM files, or data (PEM text, or DER bytes one
   * certificate after another). A certificate loaded twice counts once.
   *
   * @param cafile A PEM file of certificates.
   * @param capath A directory of PEM files.
   * @param cadata PEM text or DER bytes.
   * @throws {TypeError} when all three are omitted; {FileNotFoundError};
   *   {SSLError} for what holds no certificate or a malformed one ("PEM lib").
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
    this.#trust(caCertificates(cafile, capath, cadata));
  }

  #trust(found: Found): void {
    for (const [list, more] of [[this.#trusted, found.certs], [this.#lookup, found.lookup]]) {
      const have = new Set(list.map((t) => t.pem));
      for (const t of more) {
        if (have.has(t.pem)) continue;
        have.add(t.pem);
        list.push(t);
      }
    }
    this.#crls.push(...found.crls);
    this.#trustedPems = null;
    this.#changed();
  }

  /**
   * Trusts the default certificates: the files `SSL_CERT_FILE` and
   * `SSL_CERT_DIR` name when set (as OpenSSL reads them), else the
   * runtime's own root certificates (Mozilla's, as node:tls ships them).
   * `create_default_context()` calls it.
   *
   * @param purpose `Purpose.SERVER_AUTH` (default) or `Purpose.CLIENT_AUTH`.
   * @throws {TypeError} for what is not a Purpose.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
   * ctx.load_default_certs();
   * ```
   */
  load_default_certs(purpose: ASN1Object = Purpose.SERVER_AUTH): void {
    if (purpose !== Purpose.SERVER_AUTH && purpose !== Purpose.CLIENT_AUTH) {
      throw new TypeError(String(purpose));
    }
    this.set_default_verify_paths();
  }

  /**
   * Python's `set_default_verify_paths()`: trusts what `SSL_CERT_FILE` and
   * `SSL_CERT_DIR` name, else the runtime's root certificates.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).set_default_verify_paths();
   * ```
   */
  set_default_verify_paths(): void {
    const file = envVar("SSL_CERT_FILE"), dir = envVar("SSL_CERT_DIR");
    if (file && isFile(file)) this.#trust(caCertificates(file, null, null));
    if (dir && isDirectory(dir)) this.#trust(caCertificates(null, dir, null));
    if (!file && !dir) this.#defaults = true;
    this.#trustedPems = null;
    this.#changed();
  }

  /**
   * The certificates loaded as trusted that are CAs: as dicts (Python's
   * `getpeercert()` form), or DER bytes with `binary_form`. The runtime's
   * own roots are not listed (CPython lists none it has not read yet either).
   *
   * @param binary_form Whether to return DER bytes.
   * @returns The certificates.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ca_certs()); // []
   * ```
   */
  get_ca_certs(binary_form?: false): PeerCertificate[];
  /**
   * The CA certificates loaded, as DER bytes.
   *
   * @param binary_form `true`.
   * @returns The certificates' DER bytes.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ca_certs(true)); // []
   * ```
   */
  get_ca_certs(binary_form: true): Uint8Array<ArrayBuffer>[];
  /**
   * The CA certificates loaded: dicts, or DER bytes with `binary_form`.
   *
   * @param binary_form Whether to return DER bytes.
   * @returns The certificates.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ca_certs(false).length); // 0
   * ```
   */
  get_ca_certs(binary_form = false): PeerCertificate[] | Uint8Array<ArrayBuffer>[] {
    const cas = this.#trusted.filter((t) => isCA(t.der));
    return binary_form
      ? cas.map((t) => new Uint8Array(t.der))
      : cas.map((t) => decodeCertificate(t.der));
  }

  /**
   * Python's `cert_store_stats()`: how many certificates, CAs among them,
   * and revocation lists were loaded.
   *
   * @returns The counts.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).cert_store_stats()); // { x509: 0, crl: 0, x509_ca: 0 }
   * ```
   */
  cert_store_stats(): CertStoreStats {
    return {
      x509: this.#trusted.length,
      crl: this.#crls.length,
      x509_ca: this.#trusted.filter((t) => isCA(t.der)).length,
    };
  }

  /**
   * Python's `session_stats()`: the handshakes made with this context,
   * as far as this side counts them.
   *
   * @returns The counters.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(ssl.create_default_context().session_stats().connect); // 0
   * ```
   */
  session_stats(): SessionStats {
    return { ...this.#stats };
  }

  /** @ignore Counts a handshake of a connection made with this context. */
  _count(serverSide: boolean, outcome: "start" | "good" | "hit" | "miss"): void {
    const s = this.#stats;
    if (outcome === "start") serverSide ? s.accept++ : s.connect++;
    else if (outcome === "good") serverSide ? s.accept_good++ : s.connect_good++;
    else if (outcome === "hit") s.hits++;
    else s.misses++;
  }

  /**
   * The protocols to offer (client) or accept (server) through ALPN, in
   * order of preference. A server picks, as CPython's, the first of its
   * own the client offers; with none in common the connection goes on
   * without ALPN.
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
   * The cipher suites to allow for TLS 1.2, as an OpenSSL cipher list
   * (OpenSSL 3.0's language and suites, as CPython's; TLS 1.3's suites are
   * always on). Where the runtime's TLS engine offers its own suites
   * whatever it is given (Deno's), a connection that agrees on a suite the
   * list excludes fails with an SSLError saying so.
   *
   * @param ciphers The list, e.g. `"ECDHE+AESGCM"`.
   * @throws {TypeError} for anything but a string; {SSLError} "No cipher
   *   can be selected." for a list that selects none.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * ctx.set_ciphers("ECDHE+AESGCM");
   * console.log(ctx.get_ciphers().some((c) => c.name === "ECDHE-RSA-AES128-GCM-SHA256")); // true
   * ```
   */
  set_ciphers(ciphers: string): void {
    if (typeof ciphers !== "string") {
      throw new TypeError(`Cannot set_ciphers: must be a string, not '${typeName(ciphers)}'`);
    }
    this.#ciphers = cipherList(ciphers);
    this.#changed();
  }

  /**
   * Python's `get_ciphers()`: the enabled cipher suites in order of
   * preference, TLS 1.3's first, as dicts.
   *
   * @returns The suites.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(ssl.create_default_context().get_ciphers()[0].name); // "TLS_AES_256_GCM_SHA384"
   * ```
   */
  get_ciphers(): CipherInfo[] {
    return [...tls13Names(), ...this.#ciphers.names].map((n) => cipherInfo(n)!);
  }

  /**
   * Python's `load_dh_params()`: Diffie-Hellman parameters for a server's
   * DHE suites (TLS 1.2), from a PEM file. Where the runtime's TLS engine
   * has no DHE suites (Deno's, Bun's), they are kept and unused.
   *
   * @param path The PEM file.
   * @throws {TypeError}; {FileNotFoundError}; {SSLError} for a file without parameters.
   *
   * @example
   * ```ts ignore
   * ctx.load_dh_params("dhparams.pem");
   * ```
   */
  load_dh_params(path: string): void {
    this.#dhparam = dhParams(path);
    this.#changed();
  }

  /**
   * Python's `set_ecdh_curve()`: the curve for ECDHE key exchange.
   *
   * @param curve_name The curve's OpenSSL name (`"prime256v1"`, `"secp384r1"`…), text or bytes.
   * @throws {TypeError} for what is neither; {ValueError} for an unknown curve.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * ssl.create_default_context().set_ecdh_curve("prime256v1");
   * ```
   */
  set_ecdh_curve(curve_name: string | Uint8Array): void {
    const name = curve_name instanceof Uint8Array
      ? new TextDecoder().decode(curve_name)
      : curve_name;
    if (typeof name !== "string") {
      throw new TypeError(`expected str, bytes or os.PathLike object, not ${typeName(curve_name)}`);
    }
    if (!curveNames().has(name.toLowerCase())) {
      throw new ValueError(`unknown elliptic curve name '${name}'`);
    }
    this.#ecdhCurve = name;
    this.#changed();
  }

  /**
   * Wraps a stream socket for TLS. A connected socket runs its handshake
   * now (unless `do_handshake_on_connect` is false), so verification
   * errors are raised here; an unconnected one does it in `connect()`; a
   * listening one in each `accept()`. The socket given is detached:
   * from now on use the `SSLSocket` returned.
   *
   * @param sock A `SOCK_STREAM` socket.
   * @param options `server_side`, `server_hostname`, `do_handshake_on_connect`, `suppress_ragged_eofs`, `session`.
   * @returns The TLS socket.
   * @throws {ValueError} for options that contradict (a client without
   *   `server_hostname` while `check_hostname` is on, a server with one, a
   *   handshake on connect of a non-blocking socket); {NotImplementedError}
   *   for a datagram socket; {TypeError} for what is not a socket;
   *   {SSLError} for a side the context's protocol cannot take, and from
   *   the handshake ({SSLCertVerificationError}…); {TimeoutError} when it
   *   outlives the timeout; {OSError} `EOPNOTSUPP` in a process started
   *   with `PYSOCKET_TLS=openssl` where libssl cannot be loaded through FFI.
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
  async wrap_socket(
    sock: StreamSocket,
    options?: WrapSocketOptions<SSLSession>,
  ): Promise<SSLSocket> {
    const type = (sock as { type?: unknown } | null)?.type;
    if (type === SOCK_DGRAM || (typeof type === "number" && !(sock instanceof StreamSocket))) {
      throw new NotImplementedError("only stream sockets are supported");
    }
    if (!(sock instanceof StreamSocket) || sock.type !== SOCK_STREAM) {
      throw new TypeError(
        `Cannot wrap_socket: sock must be a stream socket, not '${typeName(sock)}'`,
      );
    }
    const opts = checkWrapOptions(this.#checkHostname, options ?? {}, "wrap_socket");
    const loading = loadLibsslEngine(); // an import() where it will run, faster than require()
    if (loading !== null) await loading;
    // PYSOCKET_TLS=openssl where FFI cannot run: said here, before the socket is taken over.
    if (libsslSelected()) opensslStreamModule("wrap_socket");
    let connected = true;
    try {
      sock.getpeername();
    } catch {
      connected = false;
    }
    if (connected) this._checkSide(opts.server_side);
    if (connected && opts.do_handshake_on_connect && sock.gettimeout() === 0) {
      throw new ValueError(
        "do_handshake_on_connect should not be specified for non-blocking sockets",
      );
    }
    const ssock = new SSLSocket(PRIVATE, this, opts, sock);
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

  /**
   * Python's `wrap_bio()`: a TLS connection over two {@linkcode MemoryBIO}s
   * instead of a socket — the program moves the bytes between them and the
   * network. The {@linkcode SSLObject} it returns is synchronous, as
   * Python's: its calls raise {@linkcode SSLWantReadError} when they need
   * bytes from the peer first. Its engine is OpenSSL's libssl through FFI
   * (opened on the first call): Deno with the `ffi` permission, and Bun.
   *
   * @param incoming The buffer the peer's bytes are written to.
   * @param outgoing The buffer the bytes for the peer are read from.
   * @param options `server_side`, `server_hostname`, `session`.
   * @returns The TLS object, an instance of `sslobject_class`.
   * @throws {TypeError} for buffers that are not MemoryBIOs, a host name
   *   with a NUL; {ValueError} for options that contradict (as
   *   `wrap_socket()`); {SSLError} for a side the context's protocol cannot
   *   take; {OSError} `EOPNOTSUPP` where libssl cannot be used (Node; Deno
   *   without `--allow-ffi`), naming what is missing.
   *
   * @example
   * ```ts ignore
   * import * as ssl from "@pysocket/socket/ssl";
   * const ctx = ssl.create_default_context();
   * const incoming = new ssl.MemoryBIO(), outgoing = new ssl.MemoryBIO();
   * const tls = ctx.wrap_bio(incoming, outgoing, { server_hostname: "example.com" });
   * try {
   *   tls.do_handshake();
   * } catch (e) {
   *   console.log(e instanceof ssl.SSLWantReadError, outgoing.pending > 0); // true true: send the ClientHello
   * }
   * ```
   */
  wrap_bio(
    incoming: MemoryBIO,
    outgoing: MemoryBIO,
    options?: {
      server_side?: boolean;
      server_hostname?: string | null;
      session?: SSLSession | null;
    },
  ): SSLObject {
    for (const bio of [incoming, outgoing]) {
      if (!(bio instanceof MemoryBIO)) {
        throw new TypeError(`Cannot wrap_bio: expected a MemoryBIO, not '${typeName(bio)}'`);
      }
    }
    const host = options?.server_hostname;
    if (typeof host === "string" && host.includes("\0")) {
      throw new TypeError("Cannot wrap_bio: server_hostname must not contain a NUL character");
    }
    const opts = checkWrapOptions(this.#checkHostname, options ?? {}, "wrap_bio");
    if (opts.session !== null && !(opts.session instanceof SSLSession)) {
      throw new TypeError("Value is not a SSLSession.");
    }
    this._checkSide(opts.server_side);
    const native = this.#openssl();
    const serverSide = opts.server_side;
    let made: SSLObject | null = null;
    const tls = new (opensslModule("wrap_bio").MemoryTls)(
      native,
      {
        ...this.#connection(
          serverSide,
          !serverSide && this.#checkHostname ? opts.server_hostname : null,
          opts.server_hostname,
          opts.session,
        ),
        servername: serverSide ? (name) => this.#answerServername(made!, name) : undefined,
      },
      bioPort(incoming),
      bioPort(outgoing),
    );
    made = new this.#sslobjectClass(PRIVATE_OBJECT, this, tls, opts.server_hostname, serverSide);
    return made;
  }

  /**
   * An SSLObject server's answer to its client's server name, from
   * `sni_callback` (run synchronously, within the handshake): `null` to go
   * on, or the alert to refuse with. What is not a number or nothing (a
   * Promise too) refuses with internal_error, a TypeError as the cause.
   */
  #answerServername(obj: SSLObject, name: string | null): number | null {
    const callback = this.#sni;
    if (callback === null) return null;
    const answer = callback(obj, name, this);
    if (answer === null || answer === undefined) return null;
    if (typeof answer === "number") return answer;
    if (answer instanceof Promise) answer.catch(() => {}); // nobody can await it here
    throw Object.assign(
      new TypeError(
        "servername callback must return None or an integer " +
          "(an SSLObject's runs within do_handshake(), synchronously)",
      ),
      { [ALERT]: ALERT_DESCRIPTION_INTERNAL_ERROR },
    );
  }

  /** @ignore libssl's context with this context's settings (an SSLObject switching to it). */
  _openssl(): NativeContext {
    return this.#openssl();
  }

  /** Appends a connection's key log lines to `keylog_filename`, if set. */
  #keylogWriter(): ((line: Uint8Array) => void) | undefined {
    const path = this.#keylog;
    if (path === null) return undefined;
    return (line) => appendText(path, `${new TextDecoder().decode(line)}\n`);
  }

  /** What one libssl connection (an SSLObject, or an SSLSocket on libssl) takes from this context. */
  #connection(
    serverSide: boolean,
    checkHostname: string | null,
    serverName: string | null,
    session: SSLSession | null,
  ): ConnectionSettings {
    return {
      serverSide,
      verifyMode: this.#verifyMode,
      checkHostname,
      serverName,
      commonName: this.#commonName,
      verifyFlags: this.#verifyFlags,
      alpn: this.#alpn,
      minVersion: this.#minimum < 0 ? 0 : this.#minimum,
      maxVersion: this.#maximum < 0 ? 0 : this.#maximum,
      options: this.#options,
      session: session?._data ?? null,
      postHandshakeAuth: this.#postHandshakeAuth,
      keylog: this.#keylogWriter(),
    };
  }

  /** libssl's context with this context's settings, built on the first call and after a change. */
  #openssl(op = "wrap_bio"): NativeContext {
    const n = this.#native;
    const servername = this.#sni !== null;
    const keylog = this.#keylog !== null;
    if (
      n !== null && n.shared === this.#shared && n.tickets === this.#numTickets &&
      n.servername === servername && n.keylog === keylog
    ) return n.ctx;
    const ctx = new (opensslModule("wrap_bio").NativeContext)({
      cert: this.#cert,
      key: this.#key,
      passphrase: this.#passphrase,
      trusted: [...this.#trusted, ...this.#lookup].map((t) => t.pem),
      crls: this.#crls,
      defaults: this.#defaults,
      ciphers: this.#ciphers.names.join(":"),
      numTickets: this.#numTickets,
      serverAlpn: () => this.#alpn,
      ecdhCurve: this.#ecdhCurve,
      servername,
      dhParams: this.#dhparam,
      keylog,
    }, op);
    n?.ctx.free(); // its connections keep their reference
    this.#native = { shared: this.#shared, tickets: this.#numTickets, servername, keylog, ctx };
    return ctx;
  }

  /**
   * The class `wrap_bio()` makes its TLS objects of: {@linkcode SSLObject}
   * or a subclass (Python's `sslobject_class`).
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(ssl.create_default_context().sslobject_class === ssl.SSLObject); // true
   * ```
   */
  get sslobject_class(): typeof SSLObject {
    return this.#sslobjectClass;
  }

  /**
   * Sets `sslobject_class`.
   *
   * @param cls {@linkcode SSLObject} or a subclass.
   * @throws {TypeError} for anything else.
   */
  set sslobject_class(cls: typeof SSLObject) {
    if (typeof cls !== "function" || !(cls === SSLObject || cls.prototype instanceof SSLObject)) {
      throw new TypeError("sslobject_class must be SSLObject or a subclass of it");
    }
    this.#sslobjectClass = cls;
  }

  /**
   * @ignore Refuses a side this context's protocol cannot take, with
   * CPython's error, as the TLS object for it would be made.
   */
  _checkSide(serverSide: boolean): void {
    if (!serverSide && this.#protocol === PROTOCOL_TLS_SERVER) {
      throw new SSLError(0, "Cannot create a client socket with a PROTOCOL_TLS_SERVER context");
    }
    if (serverSide && this.#protocol === PROTOCOL_TLS_CLIENT) {
      throw new SSLError(0, "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context");
    }
  }

  /** @ignore The trusted certificates (PEM): the loaded ones, and the defaults when asked for. */
  _trustedList(): string[] {
    const loaded = [...this.#trusted, ...this.#lookup].map((t) => t.pem);
    return this.#trustedPems ??= this.#defaults ? [...rootCertificates(), ...loaded] : loaded;
  }

  /** The protocol versions to run with, as node:tls names them. */
  #versions(): { min: "TLSv1.2" | "TLSv1.3"; max: "TLSv1.2" | "TLSv1.3" } {
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
    return { min: VERSION_NAMES[min], max: VERSION_NAMES[max] };
  }

  /** @ignore The settings of a TLS connection made with this context for `sock`. */
  _settings(sock: SSLSocket, opts: CheckedWrapOptions<SSLSession>): TlsSettings {
    const serverSide = opts.server_side;
    this._checkSide(serverSide);
    const { min, max } = this.#versions();
    const engine = tlsSupport();
    const ca = this._trustedList();
    const policy = {
      serverSide,
      verify: this.#verifyMode as 0 | 1 | 2,
      hostname: !serverSide && this.#checkHostname ? opts.server_hostname : null,
      commonName: this.#commonName,
      trusted: () => ca,
      crls: this.#verifyFlags & VERIFY_CRL_CHECK_LEAF ? [...this.#crls] : null,
      allowed: engine.cipherList ? null : new Set(this.#ciphers.names),
    };
    const settings: TlsSettings = {
      serverSide,
      serverName: opts.server_hostname,
      verify: this.#verifyMode as 0 | 1 | 2,
      ca,
      cert: this.#cert,
      key: this.#key,
      passphrase: this.#passphrase,
      alpn: this.#alpn,
      minVersion: min,
      maxVersion: max,
      ciphers: engine.cipherList ? this.#ciphers.names.join(":") : undefined,
      honorCipherOrder: (this.#options & OP_CIPHER_SERVER_PREFERENCE) !== 0,
      dhparam: engine.dhParams ? this.#dhparam : undefined,
      ecdhCurve: engine.ecdhCurve ? this.#ecdhCurve : undefined,
      session: opts.session?._data,
      keylog: this.#keylogWriter(),
      suppressRaggedEofs: opts.suppress_ragged_eofs,
      judge: judge(policy),
      shared: serverSide ? this.#shared : undefined,
    };
    if (libsslSelected()) {
      opensslStreamModule("wrap_socket"); // where it cannot run, say why now
      const connection = this.#connection(
        serverSide,
        policy.hostname,
        opts.server_hostname,
        opts.session,
      );
      settings.native = () => ({ context: this.#openssl("wrap_socket"), connection });
    }
    if (serverSide) settings.hello = (hello) => sock._hello(hello, settings);
    return settings;
  }

  /** @ignore A server's settings once its client's hello is in (ALPN chosen), from this context. */
  _forHello(base: TlsSettings, hello: ClientHello): TlsSettings {
    const ours = this.#alpn ?? [];
    const chosen = hello.alpn === null ? undefined : ours.find((p) => hello.alpn!.includes(p));
    return {
      ...base,
      cert: this.#cert,
      key: this.#key,
      passphrase: this.#passphrase,
      alpn: chosen === undefined ? [] : [chosen],
      shared: this.#shared,
      // libssl's: this context's certificate, the connection's own settings.
      native: base.native && ((): NativeSettings => ({
        context: this.#openssl("wrap_socket"),
        connection: base.native!().connection,
      })),
    };
  }

  /** @ignore The enabled suites' names (TLS 1.2 and below). */
  _cipherNames(): readonly string[] {
    return this.#ciphers.names;
  }
}

/** What SSLSockets' TLS engine supports here: libssl's where selected, else node:tls's. */
function tlsSupport(): EngineSupport {
  return libsslSelected() ? LIBSSL_SUPPORT : engineSupport();
}

/** Whether a certificate (DER) is a CA's: its basicConstraints say so, as OpenSSL's X509_check_ca. */
function isCA(der: Uint8Array): boolean {
  // basicConstraints (2.5.29.19) with cA TRUE: the OID, then the value's
  // SEQUENCE { BOOLEAN TRUE }, as DER writes them.
  const oid = [0x06, 0x03, 0x55, 0x1d, 0x13];
  for (let i = 0; i + oid.length < der.length; i++) {
    if (oid.every((b, k) => der[i + k] === b)) {
      let at = i + oid.length;
      if (der[at] === 0x01) at += 3; // critical
      // OCTET STRING { SEQUENCE { BOOLEAN } }
      return der[at] === 0x04 && der[at + 2] === 0x30 && der[at + 4] === 0x01 &&
        der[at + 6] !== 0x00 && der[at + 3] > 0;
    }
  }
  return false;
}

/**
 * Python's `ssl.create_default_context()`: a context with the defaults
 * Python recommends. For `Purpose.SERVER_AUTH` (a client's) it checks the
 * server's certificate and name against the given certificates, or the
 * default ones when none are given; for `Purpose.CLIENT_AUTH` (a
 * server's) it asks for no client certificate. `SSLKEYLOGFILE` in the
 * environment sets `keylog_filename`, where the engine gives a key log.
 *
 * @param purpose `Purpose.SERVER_AUTH` (default) or `Purpose.CLIENT_AUTH`.
 * @param options Certificates to trust instead of the defaults: `cafile`, `capath`, `cadata`.
 * @returns The context.
 * @throws {TypeError} for what is not a Purpose; {FileNotFoundError|SSLError} as `load_verify_locations()` does.
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
  const keylog = envVar("SSLKEYLOGFILE");
  if (keylog && tlsSupport().keylog) context.keylog_filename = keylog;
  return context;
}

/**
 * The error a call on a non-blocking TLS socket raises when it would block
 * going `want`'s way (the reader's "read", the writer's "write"): what the
 * TLS engine wants next, Python's SSLWantReadError or SSLWantWriteError.
 * Connect and accept raise BlockingIOError as on a plain socket.
 */
export const wantError: WouldBlock = (want: Want): SSLWantReadError | SSLWantWriteError =>
  want === "read"
    ? new SSLWantReadError(SSL_ERROR.WANT_READ)
    : new SSLWantWriteError(SSL_ERROR.WANT_WRITE);

/** An alert for the client, and the server's error: what a refusing SNI callback makes. */
function refusal(alert: number, error: Error): Error {
  return Object.assign(error, { [ALERT]: alert });
}

/**
 * Python's `ssl.SSLSocket`: a {@linkcode StreamSocket} speaking TLS. Made
 * by {@linkcode SSLContext.wrap_socket} (or by `accept()` on a wrapped
 * listening socket); there is no public constructor, as in Python. Every
 * socket method works on it; on a non-blocking one a read that would wait
 * raises {@linkcode SSLWantReadError} and a write {@linkcode SSLWantWriteError},
 * as in Python. A peer that closes TLS, with close_notify or without,
 * reads as end of stream (without: SSLEOFError when the socket was made
 * with `suppress_ragged_eofs: false`).
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
  #context: SSLContext;
  /** The context the socket was made with (the SNI callback's `sslcontext`). */
  readonly #initial: SSLContext;

  /**
   * Refuses, as CPython's: a second socket over the same connection would
   * pass TLS by.
   *
   * @returns Never.
   * @throws {NotImplementedError} always.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as ssl from "@pysocket/socket/ssl";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * const cli = await socket.create_connection(srv.getsockname() as [string, number]);
   * using tls = await ssl.create_default_context().wrap_socket(cli, {
   *   server_hostname: "localhost",
   *   do_handshake_on_connect: false,
   * });
   * try {
   *   tls.dup();
   * } catch (e) {
   *   console.log(e instanceof socket.NotImplementedError); // true
   * }
   * ```
   */
  override dup(): never {
    throw new NotImplementedError(`Can't dup() ${this.constructor.name} instances`);
  }

  /** @ignore As CPython's: an SSL socket has no message calls (they would pass TLS by). */
  protected override _messageCheck(op: string): void {
    throw new NotImplementedError(`${op} not allowed on instances of SSLSocket`);
  }
  readonly #opts: CheckedWrapOptions<SSLSession>;
  #tls: TlsConnection | null = null;
  /** What holds the plain connection: the TLS transport, or after `unwrap()` its hand-back. */
  #over: OverPlain | null = null;
  #session: TlsSession | null = null;
  #settled = false;
  /** The caller has seen the handshake end (do_handshake() returned, or a read waited after it). */
  #acknowledged = true;
  #poll: Poll | null = null;
  /** The session to resume, as set before connecting. */
  #resume: SSLSession | null;

  /**
   * Not for use: SSLSockets come from {@linkcode SSLContext.wrap_socket} or
   * `accept()`, as in Python.
   *
   * @param key The package's token.
   * @param context The context the connection is made with.
   * @param options The checked `wrap_socket` options.
   * @param sock The socket to take over, or a family for a new one.
   * @throws {TypeError} always, called from outside the package.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * try {
   *   new (ssl.SSLSocket as unknown as new () => unknown)();
   * } catch (e) {
   *   console.log((e as Error).message);
   *   // "SSLSocket does not have a public constructor. Instances are returned by SSLContext.wrap_socket()."
   * }
   * ```
   */
  constructor(
    key: typeof PRIVATE,
    context: SSLContext,
    options: CheckedWrapOptions<SSLSession>,
    sock: StreamSocket | number,
  ) {
    if (key !== PRIVATE) {
      throw new TypeError(
        "SSLSocket does not have a public constructor. Instances are returned by SSLContext.wrap_socket().",
      );
    }
    super(typeof sock === "number" ? sock : sock.family, typeof sock === "number" ? 0 : sock.proto);
    this.#context = this.#initial = context;
    this.#opts = options;
    this.#resume = options.session;
    this.#acknowledged = options.do_handshake_on_connect;
    if (typeof sock !== "number") {
      const conn = StreamSocket._handOver(sock, this, "wrap_socket");
      if (conn !== null) this._attach(this.#start(conn), "wrap_socket");
    }
  }

  /** Starts TLS over a plain connection; the handshake runs from now on, or from do_handshake(). */
  #start(conn: StreamTransport): TlsConnection {
    let settings: TlsSettings;
    try {
      if (this.#resume !== null && this.#resume._context !== this.#context) {
        throw new ValueError("Session refers to a different SSLContext.");
      }
      settings = this.#context._settings(this, { ...this.#opts, session: this.#resume });
    } catch (e) {
      conn.close();
      throw e;
    }
    const handshakeOnConnect = this.#opts.do_handshake_on_connect;
    // do_handshake_on_connect=False: nothing is sent before do_handshake()
    // (or the first read or write), as in Python.
    const tls: TlsConnection = this.#tls = settings.native !== undefined
      ? new (opensslStreamModule("wrap_socket").OpensslTransport)(
        conn,
        settings,
        !handshakeOnConnect,
      )
      : new TlsTransport(conn, settings, !handshakeOnConnect);
    this.#over = tls;
    this.#settled = false;
    this.#acknowledged = handshakeOnConnect;
    this.#session = null;
    const serverSide = this.#opts.server_side;
    const context = this.#context;
    context._count(serverSide, "start");
    tls.handshake.then(() => {
      this.#settled = true;
      if (this.#tls !== tls) return;
      const session = this.#session = tls.session();
      context._count(serverSide, "good");
      if (serverSide && session.sessionReused) context._count(true, "hit");
    }, () => this.#settled = true);
    return tls;
  }

  /** @ignore A server's settings for its client's hello: the SNI callback, then the ALPN choice. */
  async _hello(hello: ClientHello, base: TlsSettings): Promise<TlsSettings> {
    const callback = this.#context.sni_callback;
    if (callback !== null) {
      let answer: unknown;
      try {
        answer = await callback(this, hello.serverName, this.#initial);
      } catch (e) {
        throw refusal(
          ALERT_DESCRIPTION_HANDSHAKE_FAILURE,
          new SSLError(SSL_ERROR.SSL, "[SSL: CALLBACK_FAILED] callback failed", {
            cause: e,
            library: "SSL",
            reason: "CALLBACK_FAILED",
          }),
        );
      }
      if (answer !== null && answer !== undefined) {
        if (typeof answer !== "number") {
          throw refusal(
            ALERT_DESCRIPTION_INTERNAL_ERROR,
            new SSLError(SSL_ERROR.SSL, "[SSL: CALLBACK_FAILED] callback failed", {
              cause: new TypeError("servername callback must return None or an integer"),
              library: "SSL",
              reason: "CALLBACK_FAILED",
            }),
          );
        }
        throw refusal(
          answer,
          new SSLError(SSL_ERROR.SSL, "[SSL: CALLBACK_FAILED] callback failed", {
            library: "SSL",
            reason: "CALLBACK_FAILED",
          }),
        );
      }
    }
    return this.#context._forHello(base, hello);
  }

  /** @ignore A connection made by connect() or accept(): TLS over it, the handshake awaited. */
  protected override async _established(
    conn: StreamTransport,
    deadline: Deadline,
    op: string,
  ): Promise<StreamTransport> {
    const tls = this.#start(conn);
    if (this.#opts.do_handshake_on_connect && deadline !== NONBLOCK) {
      try {
        await heldUntil(tls.handshake, deadline, op);
      } catch (e) {
        tls.close();
        throw this._fail(e, op);
      }
    }
    return tls;
  }

  /** @ignore An accepted connection becomes a server-side TLS socket. */
  protected override _acceptedSocket(): StreamSocket {
    this.#context._checkSide(true);
    return new SSLSocket(PRIVATE, this.#context, {
      server_side: true,
      server_hostname: null,
      do_handshake_on_connect: this.#opts.do_handshake_on_connect,
      suppress_ragged_eofs: this.#opts.suppress_ragged_eofs,
      session: null,
    }, this.family);
  }

  /**
   * Connects, then runs the handshake (unless `do_handshake_on_connect` is
   * false). A client socket of a `PROTOCOL_TLS_SERVER` context is refused
   * before connecting, as in Python.
   *
   * @param address Where to connect.
   * @returns A promise that resolves once connected (and the handshake done).
   * @throws {SSLError} for a side the context cannot take, and from the
   *   handshake; the {OSError}s `connect()` raises.
   *
   * @example
   * ```ts ignore
   * const tls = await ctx.wrap_socket(socket.socket(), { server_hostname: "example.com" });
   * await tls.connect(["example.com", 443]);
   * ```
   */
  override connect(address: Address): Promise<void> {
    try {
      this.#context._checkSide(this.#opts.server_side);
    } catch (e) {
      return Promise.reject(e);
    }
    return super.connect(address);
  }

  /**
   * @ignore What a non-blocking read or write that would block raises, handed
   * down to the reader and the writer: Python's SSLWantReadError or
   * SSLWantWriteError. Only makes the error; changes no state.
   */
  protected override get _wouldBlock(): WouldBlock {
    return wantError;
  }

  /**
   * @ignore A read made after the handshake ended — recv, or a file's or
   * stream's read: the caller has seen it end, so readiness is the
   * connection's from now on.
   */
  protected override _reading(): void {
    if (this.#settled) this.#acknowledged = true;
  }

  /**
   * The context the socket uses. A server's SNI callback may set it to
   * another context, whose certificate the handshake then uses.
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
   * Sets `context` (Python's SNI use: from a server's SNI callback).
   *
   * @param ctx The context to use.
   * @throws {TypeError} for what is not an SSLContext.
   */
  set context(ctx: SSLContext) {
    if (!(ctx instanceof SSLContext)) {
      throw new TypeError(`The value must be a SSLContext, not ${typeName(ctx)}`);
    }
    this.#context = ctx;
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
    return this.#opts.server_side;
  }

  /**
   * The name the server's certificate is checked against (clients),
   * IDNA-encoded as sent, or `null`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as ssl from "@pysocket/socket/ssl";
   * using tls = await ssl.create_default_context().wrap_socket(socket.socket(), { server_hostname: "könig.example" });
   * console.log(tls.server_hostname); // "xn--knig-5qa.example"
   * ```
   */
  get server_hostname(): string | null {
    return this.#opts.server_hostname;
  }

  /**
   * The TLS session (clients): after the handshake, what the server gave
   * (in TLS 1.3 its ticket comes with the first read); `null` before.
   *
   * @example
   * ```ts ignore
   * const session = tls.session;
   * ```
   */
  get session(): SSLSession | null {
    if (this.closed) return null;
    const data = this.#session?.sessionData() ?? null;
    if (data === null) return this.#settled ? null : this.#resume;
    return new SSLSession(SESSION_KEY, data, this.#context);
  }

  /**
   * Sets the session to resume: before connecting (clients).
   *
   * @param session An earlier socket's session (of the same context).
   * @throws {TypeError} for what is not an SSLSession; {ValueError} on a
   *   server socket, after the handshake, or for another context's session.
   */
  set session(session: SSLSession | null) {
    if (session !== null && !(session instanceof SSLSession)) {
      throw new TypeError("Value is not a SSLSession.");
    }
    if (this.#opts.server_side) {
      throw new ValueError("Cannot set session for server-side SSLSocket.");
    }
    if (this.#tls !== null && this.#tls.begun) {
      throw new ValueError("Cannot set session after handshake.");
    }
    if (session !== null && session._context !== this.#context) {
      throw new ValueError("Session refers to a different SSLContext.");
    }
    this.#resume = session;
  }

  /**
   * Whether the handshake resumed a session; `null` before it.
   *
   * @example
   * ```ts ignore
   * console.log(tls.session_reused); // false
   * ```
   */
  get session_reused(): boolean | null {
    return this.#session?.sessionReused ?? null;
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
      await heldUntil(tls.handshake, deadline, "do_handshake");
    } catch (e) {
      throw this._fail(e, "do_handshake");
    }
    this.#acknowledged = true;
  }

  /** The session, once the handshake is done and while the socket is open; `null` otherwise. */
  #done(): TlsSession | null {
    return this.closed ? null : this.#session;
  }

  /**
   * Receives up to `bufsize` bytes (1024 by default, as Python's
   * `SSLSocket.recv`); an empty array at end of stream.
   *
   * @param bufsize The most bytes to receive.
   * @param flags `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`.
   * @returns The bytes received.
   * @throws {SSLWantReadError} on a non-blocking socket with nothing to read;
   *   {SSLEOFError} at a ragged end when `suppress_ragged_eofs` is false; the {OSError}s `recv()` raises.
   *
   * @example
   * ```ts ignore
   * const data = await tls.recv();
   * ```
   */
  override recv(bufsize = 1024, flags = 0): Promise<Uint8Array<ArrayBuffer>> {
    return super.recv(bufsize, flags);
  }

  /**
   * Python's `SSLSocket.read()`: reads up to `len` bytes of decrypted data
   * (1024 by default); into `buffer` when given, resolving the count.
   *
   * @param len The most bytes to read.
   * @returns The bytes read (empty at end of stream).
   * @throws {ValueError} on a closed or unwrapped socket; as `recv()` otherwise.
   *
   * @example
   * ```ts ignore
   * const data = await tls.read(1024);
   * ```
   */
  read(len?: number): Promise<Uint8Array<ArrayBuffer>>;
  /**
   * Reads into `buffer`, up to `len` bytes (its size when `len` is omitted or larger).
   *
   * @param len The most bytes to read.
   * @param buffer Where to put them.
   * @returns The count read (0 at end of stream).
   * @throws {ValueError} on a closed or unwrapped socket; as `recv_into()` otherwise.
   *
   * @example
   * ```ts ignore
   * const buf = new Uint8Array(4096);
   * const n = await tls.read(buf.length, buf);
   * ```
   */
  read(len: number, buffer: BytesLike): Promise<number>;
  /**
   * Reads decrypted data: bytes, or a count into `buffer`.
   *
   * @param len The most bytes to read.
   * @param buffer Where to put them, or omitted.
   * @returns The bytes, or the count.
   * @throws {ValueError} on a closed or unwrapped socket.
   *
   * @example
   * ```ts ignore
   * console.log(await tls.read());
   * ```
   */
  read(len = 1024, buffer?: BytesLike): Promise<Uint8Array<ArrayBuffer> | number> {
    if (this.closed || this.#tls === null) {
      return Promise.reject(new ValueError("Read on closed or unwrapped SSL socket."));
    }
    if (buffer === undefined) return this.recv(len);
    const view = toBytes(buffer);
    return this.recv_into(view, Math.min(len > 0 ? len : view.length, view.length));
  }

  /**
   * Python's `SSLSocket.write()`: sends all of `data` over TLS; resolves its length.
   *
   * @param data The bytes.
   * @returns The count written (all of it).
   * @throws {ValueError} on a closed or unwrapped socket; as `sendall()` otherwise.
   *
   * @example
   * ```ts ignore
   * console.log(await tls.write(new TextEncoder().encode("hello"))); // 5
   * ```
   */
  async write(data: BytesLike): Promise<number> {
    if (this.closed || this.#tls === null) {
      throw new ValueError("Write on closed or unwrapped SSL socket.");
    }
    const view = toBytes(data);
    await this.sendall(view);
    return view.length;
  }

  /**
   * The peer's certificate. As a dict (Python's: `subject`, `issuer`,
   * `version`, `serialNumber`, `notBefore`, `notAfter`, `subjectAltName`,
   * `OCSP`, `caIssuers`, `crlDistributionPoints`) when it was verified,
   * `{}` when it was not (`CERT_NONE`), `null` when the peer sent none.
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
    const cert = session.chain[0];
    if (cert === undefined) return null;
    if (binary_form) return new Uint8Array(cert);
    if (!session.authorized) return {};
    return decodeCertificate(cert);
  }

  /**
   * The protocol version agreed on (`"TLSv1.3"`), or `null` before the
   * handshake and after `close()`.
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
   * The cipher suite: `[name, protocol version, secret bits]` (OpenSSL's
   * name and the suite's version, as CPython), or `null` before the handshake.
   *
   * @returns The cipher, or `null`.
   *
   * @example
   * ```ts ignore
   * console.log(tls.cipher()); // ["TLS_AES_256_GCM_SHA384", "TLSv1.3", 256]
   * ```
   */
  cipher(): [string, string, number] | null {
    const c = this.#done()?.cipher ?? null;
    if (c === null) return null;
    const info = cipherInfo(c[0]);
    return info === null ? c : [info.name, info.protocol, info.strength_bits];
  }

  /**
   * Python's `shared_ciphers()` (servers): the suites the client offered
   * that this side has enabled, as `[name, version, bits]`; `null` on a
   * client or before the handshake.
   *
   * @returns The suites, or `null`.
   *
   * @example
   * ```ts ignore
   * console.log(conn.shared_ciphers()?.[0]); // ["TLS_AES_256_GCM_SHA384", "TLSv1.3", 256]
   * ```
   */
  shared_ciphers(): [string, string, number][] | null {
    const hello = this.#done()?.clientHello ?? null;
    if (hello === null) return null;
    const offered = new Set(hello.ciphers);
    const out: [string, string, number][] = [];
    for (const name of [...tls13Names(), ...this.#context._cipherNames()]) {
      const info = cipherInfo(name)!;
      if (offered.has(info.id & 0xffff)) out.push([info.name, info.protocol, info.strength_bits]);
    }
    return out;
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
    return this.#done()?.alpn || null;
  }

  /**
   * Python's `get_channel_binding()`: the `"tls-unique"` channel binding
   * (RFC 5929) — the first Finished message of the handshake — or `null`
   * before the handshake.
   *
   * @param cb_type `"tls-unique"` (the only type, as in CPython).
   * @returns The binding bytes, or `null`.
   * @throws {ValueError} for another type; {NotImplementedError} where the
   *   runtime's TLS engine does not give the Finished messages (Deno's; Bun's in TLS 1.3).
   *
   * @example
   * ```ts ignore
   * console.log(tls.get_channel_binding("tls-unique")?.length); // 12 (TLS 1.2)
   * ```
   */
  get_channel_binding(cb_type = "tls-unique"): Uint8Array<ArrayBuffer> | null {
    if (!CHANNEL_BINDING_TYPES.includes(cb_type)) {
      throw new ValueError(`Unsupported channel binding type ${cb_type}`);
    }
    const session = this.#done();
    if (session === null) return null;
    const engine = tlsSupport();
    // The first Finished: the client's in a full handshake, the server's in a resumed one.
    const own = session.sessionReused !== !this.#opts.server_side;
    const finished = engine.finished ? (own ? session.finished() : session.peerFinished()) : null;
    if (finished === null) {
      throw new NotImplementedError(
        `get_channel_binding("tls-unique") is not supported: ${engine.name} does not give the handshake's Finished messages${
          engine.finished ? ` of ${session.version}` : ""
        }`,
      );
    }
    return finished;
  }

  /**
   * Python's `verify_client_post_handshake()` (TLS 1.3 servers): asks the
   * client for a certificate after the handshake; the request goes with
   * the next write, and the certificate is checked when a read takes it in.
   * Only the libssl engine (`PYSOCKET_TLS=openssl`) performs TLS 1.3
   * post-handshake authentication; no runtime's node:tls does.
   *
   * @returns A promise that resolves once the request is made.
   * @throws {ValueError} on a client socket or before the handshake;
   *   {SSLError} as OpenSSL refuses (not TLS 1.3, a client that offered no
   *   post-handshake authentication); {NotImplementedError} on node:tls.
   *
   * @example
   * ```ts ignore
   * await conn.verify_client_post_handshake();
   * await conn.sendall(new TextEncoder().encode("send your certificate\n"));
   * await conn.recv(1024); // the client's certificate is checked here
   * ```
   */
  verify_client_post_handshake(): Promise<void> {
    try {
      if (!this.#opts.server_side) {
        throw new ValueError("Cannot verify client post-handshake on a client socket.");
      }
      const tls = this.#tls;
      if (tls?.verifyClientPostHandshake === undefined) {
        throw new NotImplementedError(
          `verify_client_post_handshake() is not supported: ${tlsSupport().name} has no TLS 1.3 post-handshake authentication`,
        );
      }
      if (this.#session === null) throw new ValueError("handshake not done yet");
      tls.verifyClientPostHandshake();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Python's `get_verified_chain()`: the peer's certificate chain as
   * verified, up to the trusted certificate (DER bytes, the peer's first);
   * the chain as sent when nothing was verified; `null` before the handshake.
   *
   * @returns The chain.
   *
   * @example
   * ```ts ignore
   * console.log(tls.get_verified_chain()?.length); // 2: the server's and its CA's
   * ```
   */
  get_verified_chain(): Uint8Array<ArrayBuffer>[] | null {
    const session = this.#done();
    if (session === null) return null;
    const sent = session.chain.map((c) => new Uint8Array(c));
    if (!session.authorized || sent.length === 0) return sent;
    return verifiedChain(session.chain, this.#context._trustedList()) ?? sent;
  }

  /**
   * The peer's certificate chain, unverified (DER bytes, its own first),
   * as the engine reports it (an engine may complete it with the issuers
   * it trusts); `null` before the handshake.
   *
   * @returns The chain.
   *
   * @example
   * ```ts ignore
   * console.log(tls.get_unverified_chain()?.length); // 1
   * ```
   */
  get_unverified_chain(): Uint8Array<ArrayBuffer>[] | null {
    return this.#done()?.chain.map((c) => new Uint8Array(c)) ?? null;
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
    let plain: OverPlain & StreamTransport;
    try {
      plain = await heldUntil(tls.unwrap(), this._deadline(), "unwrap");
    } catch (e) {
      throw this._fail(e, "unwrap");
    }
    this.#tls = null;
    this.#session = null;
    this.#over = plain;
    this._attach(plain, "unwrap");
    return this;
  }

  /**
   * Leaves the socket closed and returns the plain connection under TLS,
   * open, as the runtime's handle (on Deno's backend the `Deno.Conn`): TLS
   * is dropped without a close_notify, as Python's `detach()` drops its SSL
   * object and returns the descriptor. After `unwrap()` the connection
   * carries plain text; before, the peer still speaks TLS on it.
   *
   * @returns The plain connection's handle, or `null` when the socket is closed.
   * @throws {OSError} `EBUSY` when a read or send is under way, or a read of
   *   the connection under TLS is (its bytes would be nobody's);
   *   `EOPNOTSUPP` when the connection runs on node:net.
   *
   * @example Back to plain text, then the connection to Deno
   * ```ts ignore
   * const plain = await tls.unwrap();
   * const conn = plain.detach() as Deno.TcpConn;
   * await conn.write(new TextEncoder().encode("plain text\n"));
   * ```
   */
  override detach(): Deno.Conn | Deno.Listener | number | null {
    const over = this.#over;
    if (over === null || this.closed) return super.detach();
    over.checkDetach();
    const handle = super.detach(); // the plain connection's handle: this socket is closed now
    over.detach(); // TLS lets go of the plain transport without closing it
    this.#tls = null;
    this.#session = null;
    this.#over = null;
    return handle;
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

/**
 * Python's `ssl.SSLObject`: a TLS connection over memory, made by
 * {@linkcode SSLContext.wrap_bio}; there is no public constructor, as in
 * Python. Each call works on what the incoming {@linkcode MemoryBIO}
 * holds and leaves what is to be sent in the outgoing one, synchronously:
 * one that needs bytes from the peer first raises
 * {@linkcode SSLWantReadError} — move bytes, then call again.
 *
 * @example A client and a server in one process
 * ```ts ignore
 * import * as ssl from "@pysocket/socket/ssl";
 * const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
 * server.load_cert_chain("keycert.pem");
 * const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
 * client.load_verify_locations("ca.pem");
 * const [cIn, cOut, sIn, sOut] = [0, 1, 2, 3].map(() => new ssl.MemoryBIO());
 * const c = client.wrap_bio(cIn, cOut, { server_hostname: "localhost" });
 * const s = server.wrap_bio(sIn, sOut, { server_side: true });
 * for (let done = false; !done;) {
 *   done = true;
 *   for (const [obj, out, peerIn] of [[c, cOut, sIn], [s, sOut, cIn]] as const) {
 *     try {
 *       obj.do_handshake();
 *     } catch (e) {
 *       if (!(e instanceof ssl.SSLWantReadError)) throw e;
 *       done = false;
 *     }
 *     peerIn.write(out.read());
 *   }
 * }
 * console.log(c.version(), s.cipher());
 * ```
 */
export class SSLObject {
  #context: SSLContext;
  readonly #tls: MemoryTls;
  readonly #hostname: string | null;
  readonly #serverSide: boolean;

  /**
   * Not for use: `SSLContext.wrap_bio()` makes SSLObjects.
   *
   * @param key The package's token.
   * @param context The context.
   * @param tls The engine's connection.
   * @param hostname `server_hostname`.
   * @param serverSide `server_side`.
   * @throws {TypeError} always, called from outside the package.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * try {
   *   new (ssl.SSLObject as unknown as new () => unknown)();
   * } catch (e) {
   *   console.log((e as Error).message); // "SSLObject does not have a public constructor. Instances are returned by SSLContext.wrap_bio()."
   * }
   * ```
   */
  constructor(
    key: typeof PRIVATE_OBJECT,
    context: SSLContext,
    tls: MemoryTls,
    hostname: string | null,
    serverSide: boolean,
  ) {
    if (key !== PRIVATE_OBJECT) {
      throw new TypeError(
        "SSLObject does not have a public constructor. Instances are returned by SSLContext.wrap_bio().",
      );
    }
    this.#context = context;
    this.#tls = tls;
    this.#hostname = hostname;
    this.#serverSide = serverSide;
  }

  /**
   * The context the object was made with.
   *
   * @example
   * ```ts ignore
   * console.log(obj.context === ctx); // true
   * ```
   */
  get context(): SSLContext {
    return this.#context;
  }

  /**
   * Sets the context the connection runs with from now on: in a server's
   * `sni_callback`, the one whose certificate answers the name the client
   * asked for (as Python's).
   *
   * @param ctx The context to use.
   * @throws {TypeError} for what is not an SSLContext.
   */
  set context(ctx: SSLContext) {
    if (!(ctx instanceof SSLContext)) {
      throw new TypeError(`The value must be a SSLContext, not ${typeName(ctx)}`);
    }
    this.#tls.setContext(ctx._openssl());
    this.#context = ctx;
  }

  /**
   * Whether this is the server's side.
   *
   * @example
   * ```ts ignore
   * console.log(obj.server_side); // false
   * ```
   */
  get server_side(): boolean {
    return this.#serverSide;
  }

  /**
   * The server's host name a client was made with (IDNA-encoded), or `null`.
   *
   * @example
   * ```ts ignore
   * console.log(obj.server_hostname); // "localhost"
   * ```
   */
  get server_hostname(): string | null {
    return this.#hostname;
  }

  /**
   * The TLS session, to resume in another connection (a client's), or `null`.
   *
   * @example
   * ```ts ignore
   * const again = ctx.wrap_bio(inc, out, { server_hostname: "localhost", session: obj.session });
   * ```
   */
  get session(): SSLSession | null {
    const der = this.#tls.session();
    return der === null ? null : new SSLSession(SESSION_KEY, der, this.#context);
  }

  /**
   * Sets the session to resume: a client's, before its handshake.
   *
   * @param session A session from a connection made with the same context.
   * @throws {TypeError} for what is not a session; {ValueError} on a
   *   server, after the handshake, or for another context's session.
   */
  set session(session: SSLSession | null) {
    if (!(session instanceof SSLSession)) throw new TypeError("Value is not a SSLSession.");
    if (session._context !== this.#context) {
      throw new ValueError("Session refers to a different SSLContext.");
    }
    if (this.#serverSide) throw new ValueError("Cannot set session for server-side SSLSocket.");
    if (this.#tls.done()) throw new ValueError("Cannot set session after handshake.");
    this.#tls.resume(session._data);
  }

  /**
   * Whether the handshake resumed a session.
   *
   * @example
   * ```ts ignore
   * console.log(obj.session_reused); // false
   * ```
   */
  get session_reused(): boolean {
    return this.#tls.sessionReused();
  }

  /**
   * Runs the handshake as far as the bytes at hand allow.
   *
   * @throws {SSLWantReadError} when it needs the peer's bytes;
   *   {SSLCertVerificationError} (`verify_code`, `verify_message`) for a
   *   certificate that does not verify; {SSLError} for the rest, with
   *   OpenSSL's `library` and `reason`.
   *
   * @example
   * ```ts ignore
   * try {
   *   obj.do_handshake();
   * } catch (e) {
   *   if (!(e instanceof ssl.SSLWantReadError)) throw e;
   * }
   * ```
   */
  do_handshake(): void {
    this.#tls.handshake();
  }

  /**
   * Reads plain text: up to `len` bytes, or into `buffer`.
   *
   * @param len How many bytes at most (1024).
   * @returns The bytes; empty once the peer closed TLS with close_notify.
   * @throws {SSLWantReadError} when no record is complete yet; {SSLEOFError}
   *   when the incoming buffer ended without close_notify; {ValueError} for
   *   a negative `len`.
   *
   * @example
   * ```ts ignore
   * console.log(new TextDecoder().decode(obj.read()));
   * ```
   */
  read(len?: number): Uint8Array<ArrayBuffer>;
  /**
   * Reads plain text into `buffer`: up to `len` bytes (its length when
   * `len` is 0 or larger than it).
   *
   * @param len How many bytes at most.
   * @param buffer Where to put them.
   * @returns The count.
   * @throws {SSLWantReadError}; {SSLEOFError}; {TypeError} for a buffer that is not bytes-like.
   *
   * @example
   * ```ts ignore
   * const buf = new Uint8Array(4096);
   * const n = obj.read(buf.length, buf);
   * ```
   */
  read(len: number, buffer: BytesLike): number;
  /**
   * Reads plain text.
   *
   * @param len How many bytes at most.
   * @param buffer Where to put them, if given.
   * @returns The bytes, or the count with a buffer.
   * @throws {SSLWantReadError}; {SSLEOFError}; {ValueError}; {TypeError}.
   *
   * @example
   * ```ts ignore
   * console.log(obj.read(1024));
   * ```
   */
  read(len = 1024, buffer?: BytesLike): Uint8Array<ArrayBuffer> | number {
    const n = checkInteger(len, "read");
    if (buffer !== undefined && buffer !== null) {
      const view = toBytes(buffer);
      return this.#tls.read(view.subarray(0, n <= 0 || n > view.length ? view.length : n));
    }
    if (n < 0) throw new ValueError("size should not be negative");
    const into = new Uint8Array(n);
    const got = this.#tls.read(into);
    return got === n ? into : into.slice(0, got);
  }

  /**
   * Writes plain text: encrypts it into the outgoing buffer.
   *
   * @param data Any bytes-like object.
   * @returns The number of bytes written (all of them).
   * @throws {TypeError} for what is not bytes-like; {SSLWantReadError}
   *   during a handshake that needs the peer's bytes; {SSLError} after unwrap().
   *
   * @example
   * ```ts ignore
   * obj.write(new TextEncoder().encode("hello"));
   * ```
   */
  write(data: BytesLike): number {
    return this.#tls.write(toBytes(data));
  }

  /**
   * Python's `unwrap()`: sends close_notify, and completes once the
   * peer's close_notify is read.
   *
   * @throws {SSLWantReadError} until the peer's close_notify is in the incoming buffer.
   *
   * @example
   * ```ts ignore
   * try {
   *   obj.unwrap();
   * } catch (e) {
   *   if (!(e instanceof ssl.SSLWantReadError)) throw e;
   * }
   * ```
   */
  unwrap(): void {
    this.#tls.shutdown();
  }

  /**
   * Decrypted bytes ready for `read()` without more input.
   *
   * @returns The count.
   *
   * @example
   * ```ts ignore
   * console.log(obj.pending()); // 0
   * ```
   */
  pending(): number {
    return this.#tls.pending();
  }

  /**
   * The peer's certificate, as fields; `{}` when it was not verified
   * (`CERT_NONE`); `null` when the peer sent none.
   *
   * @param binary_form `false`.
   * @returns The certificate.
   * @throws {ValueError} before the handshake is done.
   *
   * @example
   * ```ts ignore
   * console.log(obj.getpeercert()?.subject);
   * ```
   */
  getpeercert(binary_form?: false): PeerCertificate | null;
  /**
   * The peer's certificate as DER bytes, whether verified or not.
   *
   * @param binary_form `true`.
   * @returns The DER bytes, or `null`.
   * @throws {ValueError} before the handshake is done.
   *
   * @example
   * ```ts ignore
   * console.log(obj.getpeercert(true)?.length);
   * ```
   */
  getpeercert(binary_form: true): Uint8Array<ArrayBuffer> | null;
  /**
   * The peer's certificate: fields or DER bytes.
   *
   * @param binary_form Whether to return DER bytes.
   * @returns The certificate, `{}` or `null`.
   * @throws {ValueError} before the handshake is done.
   *
   * @example
   * ```ts ignore
   * console.log(obj.getpeercert(false));
   * ```
   */
  getpeercert(binary_form = false): PeerCertificate | Uint8Array<ArrayBuffer> | null {
    if (!this.#tls.done()) throw new ValueError("handshake not done yet");
    const der = this.#tls.peerCertificate();
    if (der === null) return null;
    if (binary_form) return der;
    if (this.#context.verify_mode === CERT_NONE) return {};
    return decodeCertificate(der);
  }

  /**
   * Python's `get_verified_chain()`: the peer's certificate chain as
   * OpenSSL verified it, up to the trusted certificate (DER bytes, the
   * peer's first); the chain as sent when nothing was verified; `null`
   * before the handshake.
   *
   * @returns The chain.
   *
   * @example
   * ```ts ignore
   * console.log(obj.get_verified_chain()?.length); // 2: the server's and its CA's
   * ```
   */
  get_verified_chain(): Uint8Array<ArrayBuffer>[] | null {
    if (!this.#tls.done()) return null;
    return this.#tls.verifiedChain() ?? this.#tls.unverifiedChain();
  }

  /**
   * Python's `get_unverified_chain()`: the peer's certificate chain as it
   * sent it (DER bytes, its own first); `null` before the handshake.
   *
   * @returns The chain.
   *
   * @example
   * ```ts ignore
   * console.log(obj.get_unverified_chain()?.length); // 1
   * ```
   */
  get_unverified_chain(): Uint8Array<ArrayBuffer>[] | null {
    return this.#tls.done() ? this.#tls.unverifiedChain() : null;
  }

  /**
   * The cipher suite: `[name, protocol version, secret bits]`, or `null` before the handshake.
   *
   * @returns The cipher, or `null`.
   *
   * @example
   * ```ts ignore
   * console.log(obj.cipher()); // ["TLS_AES_256_GCM_SHA384", "TLSv1.3", 256]
   * ```
   */
  cipher(): CipherTuple | null {
    return this.#tls.cipher();
  }

  /**
   * The cipher suites the client offered that the server has (a server's
   * view), or `null` on a client and before the handshake.
   *
   * @returns The suites, or `null`.
   *
   * @example
   * ```ts ignore
   * console.log(server.shared_ciphers()?.length);
   * ```
   */
  shared_ciphers(): CipherTuple[] | null {
    return this.#tls.sharedCiphers();
  }

  /**
   * The protocol version (`"TLSv1.3"`), or `null` before the handshake is done.
   *
   * @returns The version, or `null`.
   *
   * @example
   * ```ts ignore
   * console.log(obj.version()); // "TLSv1.3"
   * ```
   */
  version(): string | null {
    return this.#tls.done() ? this.#tls.version() : null;
  }

  /**
   * The protocol ALPN agreed on, or `null`.
   *
   * @returns The protocol, or `null`.
   *
   * @example
   * ```ts ignore
   * console.log(obj.selected_alpn_protocol()); // "h2"
   * ```
   */
  selected_alpn_protocol(): string | null {
    return this.#tls.done() ? this.#tls.alpn() : null;
  }

  /**
   * The channel binding data: for `"tls-unique"`, the handshake's first
   * Finished message; `null` before the handshake.
   *
   * @param cb_type `"tls-unique"`.
   * @returns The bytes, or `null`.
   * @throws {ValueError} for another type.
   *
   * @example
   * ```ts ignore
   * console.log(obj.get_channel_binding("tls-unique")?.length);
   * ```
   */
  get_channel_binding(cb_type = "tls-unique"): Uint8Array<ArrayBuffer> | null {
    if (!CHANNEL_BINDING_TYPES.includes(cb_type)) {
      throw new ValueError(`'${cb_type}' channel binding type not implemented`);
    }
    // The first Finished: the client's in a full handshake, the server's in a resumed one.
    return this.#tls.finished(this.#tls.sessionReused() !== !this.#serverSide);
  }

  /**
   * Python's `verify_client_post_handshake()` (a TLS 1.3 server whose
   * context and client's have `post_handshake_auth`): asks the client for
   * its certificate; the request goes with the next `write()`, and the
   * certificate is judged when a `read()` takes it in.
   *
   * @throws {SSLError} where OpenSSL cannot ask: a client (`NOT_SERVER`),
   *   TLS 1.2, a client that offered no post-handshake authentication.
   *
   * @example
   * ```ts ignore
   * server.verify_client_post_handshake();
   * server.write(new TextEncoder().encode("certificate, please"));
   * ```
   */
  verify_client_post_handshake(): void {
    this.#tls.verifyClientPostHandshake();
  }

  /**
   * The compression in use: always `null` (TLS compression is off, as in CPython's builds).
   *
   * @returns `null`.
   *
   * @example
   * ```ts ignore
   * console.log(obj.compression()); // null
   * ```
   */
  compression(): null {
    return null;
  }
}
