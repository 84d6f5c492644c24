// Copyright 2026 the pysocket authors. MIT license.
// SSLContext and the SSLSocket it makes. They share a file because each
// names the other: wrap_socket() returns an SSLSocket, and an SSLSocket's
// `context` is its SSLContext (apart, their imports would form a cycle).
// What the context loads (files.ts), checks (options.ts) and what a socket
// reports of the peer's certificate (x509.ts) live beside them.

import { SOCK_STREAM } from "../constants.ts";
import {
  errno,
  OSError,
  SSL_ERROR,
  SSLError,
  SSLWantReadError,
  SSLWantWriteError,
  ValueError,
} from "../errors.ts";
import { StreamSocket } from "../tcp.ts";
import { typeName } from "../_common/bytes.ts";
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
  type OverPlain,
  rootCertificates,
  type TlsSession,
  type TlsSettings,
  TlsTransport,
} from "../_transport/tls.ts";
import {
  type ASN1Object,
  CERT_NONE,
  CERT_OPTIONAL,
  CERT_REQUIRED,
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
} from "./constants.ts";
import { caCertificates, loadCertChain, type Password } from "./files.ts";
import {
  checkVersion,
  checkWrapOptions,
  VERSION_NAMES,
  type WrapSocketOptions,
} from "./options.ts";
import { type PeerCertificate, peerCertificate } from "./x509.ts";

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
    const { cert, key, passphrase } = loadCertChain(certfile, keyfile, password);
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
    this.#ca.push(...caCertificates(cafile, capath, cadata));
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
    const opts = checkWrapOptions(this.#checkHostname, options ?? {}, "wrap_socket");
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
  /** What holds the plain connection: the TLS transport, or after `unwrap()` its hand-back. */
  #over: OverPlain | null = null;
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
    this.#over = tls;
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
    return new SSLSocket(this.#context, {
      server_side: true,
      server_hostname: null,
      do_handshake_on_connect: this.#handshakeOnConnect,
      suppress_ragged_eofs: true,
    }, this.family);
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
      await heldUntil(tls.handshake, deadline, "do_handshake");
    } catch (e) {
      throw this._fail(e, "do_handshake");
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
    return peerCertificate(cert);
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
