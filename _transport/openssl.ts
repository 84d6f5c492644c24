// Copyright 2026 the pysocket authors. MIT license.
// The sans-I/O TLS engine (DESIGN §17): OpenSSL's libssl over two memory
// BIOs, driven synchronously, as CPython's SSLObject drives it. The caller
// owns the bytes between calls (ssl.MemoryBIO): each call hands the engine
// what the incoming buffer holds, runs one OpenSSL call, and moves what
// OpenSSL wrote to the outgoing buffer. Bytes the engine was handed and did
// not consume stay in its BIO until the buffer is looked at again, when it
// gives them back (`BytePort.lend`), so a record is copied once however
// many small reads take it apart. libssl opens on the first context built
// (`libssl()`), never at import. Every OpenSSL object is freed: those a call
// makes before it returns; a context when its SSLContext's settings change
// (at once: connections keep their own reference) or it is collected; a
// connection when it is collected (a FinalizationRegistry: Python's
// SSLObject has no close()). The engine module itself is loaded by
// ffi_load.ts on the first wrap_bio().

import {
  SSL_ERROR,
  SSLCertVerificationError,
  SSLEOFError,
  SSLError,
  SSLSyscallError,
  SSLWantReadError,
  SSLWantWriteError,
  SSLZeroReturnError,
} from "../errors.ts";
import { type Libssl, libssl } from "./_ffi/libssl.ts";
import { ALERT } from "./alert.ts";
import type { Callback, Pointer } from "./_ffi/native.ts";

/** A byte buffer the engine reads from or writes to: what ssl.MemoryBIO offers it. */
export interface BytePort {
  /** Takes every byte the buffer holds (not those it lent). */
  take(): Uint8Array;
  /** Whether the writer said no more bytes come (`write_eof()`). */
  readonly ended: boolean;
  /** Appends bytes (the engine's output). */
  push(bytes: Uint8Array): void;
  /**
   * Notes that the engine holds bytes taken from the head of the buffer:
   * `reclaim()` gives them back, and is called before the buffer is next looked at.
   */
  lend(reclaim: () => Uint8Array): void;
}

/** What an OpenSSL context (SSL_CTX) is built from: an SSLContext's settings. */
export interface ContextSettings {
  /** This side's certificate chain (PEM), key (PEM) and the key's passphrase. */
  cert?: string;
  key?: string;
  passphrase?: string;
  /** Trusted certificates (PEM). */
  trusted: readonly string[];
  /** Certificate revocation lists (PEM). */
  crls: readonly string[];
  /** Whether to trust OpenSSL's default locations too. */
  defaults: boolean;
  /** The TLS 1.2 cipher list (OpenSSL's names, `:`-separated). */
  ciphers: string;
  /** TLS 1.3 session tickets a server sends. */
  numTickets: number;
  /** A server's ALPN protocols, read when a client's hello comes. */
  serverAlpn: () => readonly string[] | undefined;
  /** The ECDH curve (`set_ecdh_curve()`), if set. */
  ecdhCurve?: string;
  /** Whether a server asks its connections about the name a client's hello names (SNI). */
  servername?: boolean;
  /** Diffie-Hellman parameters (PEM, `load_dh_params()`), if loaded. */
  dhParams?: string;
  /** Whether its connections may log their secrets (`ConnectionSettings.keylog`). */
  keylog?: boolean;
}

/** What one connection adds to its context's settings. */
export interface ConnectionSettings {
  serverSide: boolean;
  /** `CERT_NONE`, `CERT_OPTIONAL`, `CERT_REQUIRED`. */
  verifyMode: number;
  /** The name to check the peer's certificate against, or `null`. */
  checkHostname: string | null;
  /** The name sent as SNI, or `null`. */
  serverName: string | null;
  /** Whether a certificate's common name may match when it has no DNS names. */
  commonName: boolean;
  /** `X509_V_FLAG_*`. */
  verifyFlags: number;
  /** A client's ALPN offer. */
  alpn?: readonly string[];
  /** Protocol versions as OpenSSL numbers (0: the library's bound). */
  minVersion: number;
  maxVersion: number;
  /** `SSL_OP_*`. */
  options: number;
  /** A session to resume (its DER encoding). */
  session: Uint8Array | null;
  /** TLS 1.3 post-handshake authentication (`post_handshake_auth`). */
  postHandshakeAuth: boolean;
  /**
   * A server's answer to the name a client's hello names (`null`: none),
   * where its context asks (`ContextSettings.servername`): `null` to go on,
   * or the TLS alert to refuse with. What it throws refuses with
   * handshake_failure and becomes the `cause` of the handshake's error.
   */
  servername?: (name: string | null) => number | null;
  /**
   * Receives each NSS key log line (without its newline), where the
   * context logs (`ContextSettings.keylog`).
   */
  keylog?: (line: Uint8Array) => void;
}

const enc = new TextEncoder();
const cstr = (s: string) => enc.encode(`${s}\0`);

const SSL_CTRL_SET_TLSEXT_HOSTNAME = 55;
const SSL_CTRL_SET_TLSEXT_SERVERNAME_CB = 53;
const TLSEXT_NAMETYPE_HOST_NAME = 0;
const SSL_TLSEXT_ERR_OK = 0;
const SSL_TLSEXT_ERR_ALERT_FATAL = 2;
const SSL_AD_HANDSHAKE_FAILURE = 40;
const SSL_CTRL_CHAIN_CERT = 89;
const SSL_CTRL_SET_GROUPS_LIST = 92;
const SSL_VERIFY_PEER = 1;
const SSL_VERIFY_FAIL_IF_NO_PEER_CERT = 2;
const SSL_VERIFY_POST_HANDSHAKE = 8;
const SSL_CTRL_SET_MIN_PROTO_VERSION = 123;
const SSL_CTRL_MODE = 33;
const SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = 0x2;
const SSL_MODE_AUTO_RETRY = 0x4;
const SSL_MODE_RELEASE_BUFFERS = 0x10;
const SSL_CTRL_SET_MAX_PROTO_VERSION = 124;
const BIO_CTRL_PENDING = 10;
/** `MemoryTls.readMany()`'s answer when no record is whole yet (the engine wants bytes). */
export const WANT_READ = -1;
const BIO_C_SET_BUF_MEM_EOF_RETURN = 130;
const SSL_RECEIVED_SHUTDOWN = 2;
const X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS = 0x4;
const X509_CHECK_FLAG_NEVER_CHECK_SUBJECT = 0x20;
const X509_V_ERR_HOSTNAME_MISMATCH = 62;
const X509_V_ERR_IP_ADDRESS_MISMATCH = 64;
const SSL_R_CERTIFICATE_VERIFY_FAILED = 134;
const SSL_R_UNEXPECTED_EOF_WHILE_READING = 294;
const ERR_LIB_SSL = 20;

/** OpenSSL's library numbers, as CPython names them in its errors. */
const LIBRARIES: Record<number, string> = {
  2: "SYS",
  4: "RSA",
  6: "EVP",
  9: "PEM",
  11: "X509",
  13: "ASN1",
  16: "EC",
  20: "SSL",
  35: "X509V3",
};

/** Numbers from calls that may return bigints (`long`, `size_t`). */
const num = (v: unknown): number => Number(v);

/** libssl, opened for `op`. */
function lib(op: string): Libssl {
  return libssl(op);
}

/**
 * Opens libssl now, for `op`.
 *
 * @throws {OSError} `EOPNOTSUPP` where it cannot be opened (no FFI, no
 *   permission, no OpenSSL 3 on the machine), saying why.
 */
export function openLibssl(op: string): void {
  lib(op);
}

/** OpenSSL's library and reason numbers of the errors made from its queue. */
const origins = new WeakMap<SSLError, { lib: number; reason: number }>();

/** The error OpenSSL's queue holds (its last entry), as Python's SSLError; the queue is cleared. */
function queuedError(L: Libssl, code: number, fallback: string): SSLError {
  let last = 0n;
  for (;;) {
    const e = BigInt(L.crypto.ERR_get_error() as bigint | number);
    if (e === 0n) break;
    last = e;
  }
  if (last === 0n) return new SSLError(code, fallback);
  const libNo = Number((last >> 23n) & 0xffn);
  const reasonNo = Number(last & 0x7fffffn);
  const text = L.memory.cString(L.crypto.ERR_reason_error_string(last));
  const library = LIBRARIES[libNo] ?? null;
  const reason = text ? text.toUpperCase().replace(/[ -]/g, "_") : `reason(${reasonNo})`;
  const message = `[${library ?? "SSL"}: ${reason}] ${text || "unknown error"}`;
  if (libNo === ERR_LIB_SSL && reasonNo === SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    return new SSLEOFError(SSL_ERROR.EOF, undefined, { library, reason });
  }
  const error = new SSLError(code, message, { library, reason });
  origins.set(error, { lib: libNo, reason: reasonNo });
  return error;
}

/** What a dry BIO gives: one empty array, made once (every call looks). */
const NOTHING = new Uint8Array(0);

/** Reads a memory BIO dry. */
function drain(L: Libssl, bio: Pointer): Uint8Array {
  const n = num(L.crypto.BIO_ctrl(bio, BIO_CTRL_PENDING, 0, null));
  if (n <= 0) return NOTHING;
  const out = new Uint8Array(n);
  const got = L.crypto.BIO_read(bio, out, n) as number;
  return got === n ? out : out.subarray(0, Math.max(got, 0));
}

/** The DER encoding of an X509* (the caller keeps it). */
function derOf(L: Libssl, x: Pointer): Uint8Array<ArrayBuffer> {
  const bio = L.crypto.BIO_new(L.crypto.BIO_s_mem());
  try {
    L.crypto.i2d_X509_bio(bio, x);
    return new Uint8Array(drain(L, bio));
  } finally {
    L.crypto.BIO_free(bio);
  }
}

/** Runs `use` on a read-only memory BIO over `text`, freeing it after. */
function withBio<T>(L: Libssl, text: string, use: (bio: Pointer) => T): T {
  const bytes = enc.encode(text);
  const bio = L.crypto.BIO_new_mem_buf(bytes, bytes.length);
  try {
    return use(bio);
  } finally {
    L.crypto.BIO_free(bio);
  }
}

/** The certificates of a PEM text, each as an X509* the caller owns. */
function readCerts(L: Libssl, pem: string): Pointer[] {
  return withBio(L, pem, (bio) => {
    const out: Pointer[] = [];
    for (;;) {
      const x = L.crypto.PEM_read_bio_X509(bio, null, null, null);
      if (L.memory.isNull(x)) break;
      out.push(x);
    }
    L.crypto.ERR_clear_error(); // the end of the text reads as "no start line"
    return out;
  });
}

const contexts = new FinalizationRegistry<{ L: Libssl; ctx: Pointer }>(({ L, ctx }) =>
  L.ssl.SSL_CTX_free(ctx)
);
const connections = new FinalizationRegistry<
  { L: Libssl; ssl: Pointer; owner?: ServerSide; keylog?: (line: Uint8Array) => void }
>(
  ({ L, ssl, owner, keylog }) => {
    const at = L.memory.address(ssl);
    if (owner !== undefined && servers.get(at) === owner) servers.delete(at);
    if (keylog !== undefined && keylogs.get(at) === keylog) keylogs.delete(at);
    L.ssl.SSL_free(ssl);
  },
);

/** What a server's callbacks (ALPN, SNI) ask of the connection they run for. */
interface ServerSide {
  /** The server's ALPN protocols now. */
  protocols(): readonly string[] | undefined;
  /** The answer to the client's server name: `SSL_TLSEXT_ERR_*`, the alert in `*al`. */
  servername(name: string | null, alert: Int32Array): number;
}

/** The server connections whose callbacks may run, by SSL* address. */
const servers = new Map<bigint, ServerSide>();
/** The connections that log their secrets, by SSL* address. */
const keylogs = new Map<bigint, (line: Uint8Array) => void>();
let alpnCallback: Callback | null = null;
let servernameCallback: Callback | null = null;
let keylogCallback: Callback | null = null;

/** The one key log callback: the line to the connection's own receiver. */
function keylogLine(L: Libssl): Callback {
  return keylogCallback ??= L.memory.callback(
    ["pointer", "pointer"],
    "void",
    ((ssl: Pointer, line: Pointer) => {
      keylogs.get(L.memory.address(ssl))?.(enc.encode(L.memory.cString(line)));
    }) as (...args: never[]) => unknown,
  );
}

/** The one servername callback (SNI): the connection's own answer. */
function servernameSelect(L: Libssl): Callback {
  return servernameCallback ??= L.memory.callback(
    ["pointer", "pointer", "pointer"],
    "i32",
    ((ssl: Pointer, al: Pointer) => {
      const side = servers.get(L.memory.address(ssl));
      if (side === undefined) return SSL_TLSEXT_ERR_OK;
      const name = L.ssl.SSL_get_servername(ssl, TLSEXT_NAMETYPE_HOST_NAME);
      const at = L.memory.view(al, 4);
      return side.servername(
        L.memory.isNull(name) ? null : L.memory.cString(name),
        new Int32Array(at.buffer, at.byteOffset, 1),
      );
    }) as (...args: never[]) => unknown,
  );
}

/** The one ALPN selection callback: a server picks the first of its protocols the client offers. */
function alpnSelect(L: Libssl): Callback {
  return alpnCallback ??= L.memory.callback(
    ["pointer", "pointer", "pointer", "pointer", "u32", "pointer"],
    "i32",
    ((ssl: Pointer, out: Pointer, outlen: Pointer, inp: Pointer, inlen: number) => {
      const ours = servers.get(L.memory.address(ssl))?.protocols() ?? [];
      const offered = L.memory.view(inp, inlen);
      const theirs: [string, number][] = [];
      for (let at = 0; at < offered.length;) {
        const n = offered[at];
        theirs.push([new TextDecoder().decode(offered.subarray(at + 1, at + 1 + n)), at + 1]);
        at += 1 + n;
      }
      for (const p of ours) {
        const hit = theirs.find(([name]) => name === p);
        if (hit === undefined) continue;
        new DataView(L.memory.view(out, 8).buffer, 0, 8).setBigUint64(
          0,
          L.memory.address(inp) + BigInt(hit[1]),
          true,
        );
        L.memory.view(outlen, 1)[0] = enc.encode(p).length;
        return 0; // SSL_TLSEXT_ERR_OK
      }
      return 3; // SSL_TLSEXT_ERR_NOACK: go on without ALPN
    }) as (...args: never[]) => unknown,
  );
}

/**
 * What the callbacks reach of a server connection: through a weak
 * reference, so that the table of servers keeps no connection alive.
 */
function serverSideOf(tls: MemoryTls): ServerSide {
  const ref = new WeakRef(tls);
  return {
    protocols: () => ref.deref()?.serverProtocols(),
    servername: (name, alert) => ref.deref()?.answerServername(name, alert) ?? SSL_TLSEXT_ERR_OK,
  };
}

/**
 * An OpenSSL context (SSL_CTX) built from an SSLContext's settings; freed
 * by `free()` (connections made from it keep their own reference) or when
 * it is collected.
 */
export class NativeContext {
  readonly #L: Libssl;
  #ctx: Pointer;
  readonly #token = {};
  readonly serverAlpn: () => readonly string[] | undefined;

  /**
   * Builds the context.
   *
   * @param s The settings.
   * @param op What builds it, for errors.
   * @throws {OSError} where libssl cannot be used; {SSLError} for
   *   settings OpenSSL refuses (a key that does not fit, a cipher list).
   */
  constructor(s: ContextSettings, op: string) {
    const L = this.#L = lib(op);
    this.serverAlpn = s.serverAlpn;
    const ctx = L.ssl.SSL_CTX_new(L.ssl.TLS_method());
    if (L.memory.isNull(ctx)) throw queuedError(L, SSL_ERROR.SSL, "SSL_CTX_new failed");
    this.#ctx = ctx;
    contexts.register(this, { L, ctx }, this.#token);
    try {
      this.#configure(s);
    } catch (e) {
      this.free();
      throw e;
    }
  }

  #configure(s: ContextSettings): void {
    const L = this.#L, ctx = this.#ctx;
    const fail = (what: string) => queuedError(L, SSL_ERROR.SSL, what);
    if (L.ssl.SSL_CTX_set_cipher_list(ctx, cstr(s.ciphers)) !== 1) {
      throw fail("No cipher can be selected.");
    }
    const sid = enc.encode("Python");
    L.ssl.SSL_CTX_set_session_id_context(ctx, sid, sid.length);
    L.ssl.SSL_CTX_set_num_tickets(ctx, s.numTickets);
    if (s.cert !== undefined) {
      const chain = readCerts(L, s.cert);
      if (chain.length === 0) {
        throw new SSLError(SSL_ERROR.SSL, "[SSL] PEM lib", { library: "SSL" });
      }
      const ok = L.ssl.SSL_CTX_use_certificate(ctx, chain[0]) === 1;
      L.crypto.X509_free(chain[0]);
      // SSL_CTX_add0_chain_cert takes the rest.
      for (const x of chain.slice(1)) L.ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 0, x);
      if (!ok) throw fail("[SSL] PEM lib");
      const pkey = withBio(
        L,
        s.key ?? s.cert,
        (bio) =>
          L.crypto.PEM_read_bio_PrivateKey(
            bio,
            null,
            null,
            s.passphrase === undefined ? null : cstr(s.passphrase),
          ),
      );
      if (L.memory.isNull(pkey)) throw fail("[SSL] PEM lib");
      const used = L.ssl.SSL_CTX_use_PrivateKey(ctx, pkey) === 1;
      L.crypto.EVP_PKEY_free(pkey);
      if (!used || L.ssl.SSL_CTX_check_private_key(ctx) !== 1) throw fail("[SSL] PEM lib");
    }
    const store = L.ssl.SSL_CTX_get_cert_store(ctx);
    for (const pem of s.trusted) {
      for (const x of readCerts(L, pem)) {
        L.crypto.X509_STORE_add_cert(store, x);
        L.crypto.X509_free(x);
      }
    }
    for (const pem of s.crls) {
      const crl = withBio(L, pem, (bio) => L.crypto.PEM_read_bio_X509_CRL(bio, null, null, null));
      if (L.memory.isNull(crl)) continue;
      L.crypto.X509_STORE_add_crl(store, crl);
      L.crypto.X509_CRL_free(crl);
    }
    if (s.defaults) L.ssl.SSL_CTX_set_default_verify_paths(ctx);
    if (s.dhParams !== undefined) {
      const params = withBio(L, s.dhParams, (bio) => L.crypto.PEM_read_bio_Parameters(bio, null));
      if (L.memory.isNull(params)) throw fail("[PEM: NO_START_LINE] no start line");
      if (L.ssl.SSL_CTX_set0_tmp_dh_pkey(ctx, params) !== 1) { // takes it on success
        L.crypto.EVP_PKEY_free(params);
        throw fail("[SSL] DH lib");
      }
    }
    if (s.ecdhCurve !== undefined) {
      L.ssl.SSL_CTX_ctrl_buffer(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, cstr(s.ecdhCurve));
    }
    L.crypto.ERR_clear_error();
    L.ssl.SSL_CTX_set_alpn_select_cb(ctx, alpnSelect(L).pointer, null);
    if (s.keylog) L.ssl.SSL_CTX_set_keylog_callback(ctx, keylogLine(L).pointer);
    if (s.servername) {
      L.ssl.SSL_CTX_callback_ctrl(
        ctx,
        SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
        servernameSelect(L).pointer,
      );
    }
  }

  /** @ignore The SSL_CTX, for the connections made from it. */
  get _pointer(): Pointer {
    return this.#ctx;
  }

  /** @ignore libssl. */
  get _lib(): Libssl {
    return this.#L;
  }

  /** Frees the context now (connections made from it keep theirs). */
  free(): void {
    if (this.#ctx === null) return;
    contexts.unregister(this.#token);
    this.#L.ssl.SSL_CTX_free(this.#ctx);
    this.#ctx = null;
  }
}

/** A cipher as CPython's `cipher()` gives it: name, protocol version, secret bits. */
export type CipherTuple = [string, string, number];

/**
 * One TLS connection over memory: OpenSSL's SSL with a memory BIO each way,
 * fed from and drained into the caller's buffers on every call.
 */
export class MemoryTls {
  readonly #L: Libssl;
  #ssl: Pointer;
  /** What the callbacks' tables hold for it, removed when it is freed. */
  readonly #owner: ServerSide | undefined;
  readonly #keylog: ((line: Uint8Array) => void) | undefined;
  readonly #rbio: Pointer;
  readonly #wbio: Pointer;
  readonly #incoming: BytePort;
  readonly #outgoing: BytePort;
  readonly #token = {};
  /** Where `SSL_read_ex`/`SSL_write_ex` write their count (a `size_t`), and its two halves. */
  readonly #count = new Uint8Array(8);
  readonly #countWords = new Uint32Array(this.#count.buffer);
  #eofSet = false;
  /** The host name checked, for a mismatch's message. */
  readonly #hostname: string;
  readonly #serverSide: boolean;
  /** Bytes fed to the read BIO that the incoming buffer has not taken back. */
  #lent = false;
  /** The context the connection runs with (a server's SNI answer may change it). */
  #context: NativeContext;
  /** A server's answer to the client's server name (`ConnectionSettings.servername`). */
  readonly #servername: ((name: string | null) => number | null) | undefined;
  /** What that answer threw, for the handshake's error. */
  #refusal: unknown = undefined;

  /**
   * Makes the connection.
   *
   * @param context The OpenSSL context.
   * @param c The connection's settings.
   * @param incoming Where the peer's bytes come from.
   * @param outgoing Where the bytes for the peer go.
   * @throws {SSLError} for settings OpenSSL refuses.
   */
  constructor(
    context: NativeContext,
    c: ConnectionSettings,
    incoming: BytePort,
    outgoing: BytePort,
  ) {
    const L = this.#L = context._lib;
    this.#incoming = incoming;
    this.#outgoing = outgoing;
    this.#hostname = c.checkHostname ?? "";
    this.#serverSide = c.serverSide;
    const ssl = L.ssl.SSL_new(context._pointer);
    if (L.memory.isNull(ssl)) throw queuedError(L, SSL_ERROR.SSL, "SSL_new failed");
    this.#ssl = ssl;
    this.#context = context;
    this.#servername = c.servername;
    const owner = this.#owner = c.serverSide ? serverSideOf(this) : undefined;
    this.#keylog = c.keylog;
    connections.register(this, { L, ssl, owner, keylog: c.keylog }, this.#token);
    if (c.keylog !== undefined) keylogs.set(L.memory.address(ssl), c.keylog);
    const mem = L.crypto.BIO_s_mem();
    this.#rbio = L.crypto.BIO_new(mem);
    this.#wbio = L.crypto.BIO_new(mem);
    L.ssl.SSL_set_bio(ssl, this.#rbio, this.#wbio); // the SSL owns (and frees) both
    // A retried write may come from another buffer, and an idle connection
    // gives its record buffers back (bench/memory's TLS row: 83.7 -> 66.6
    // KiB per held connection at 3,000).
    L.ssl.SSL_ctrl(
      ssl,
      SSL_CTRL_MODE,
      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_AUTO_RETRY | SSL_MODE_RELEASE_BUFFERS,
      null,
    );
    // An empty read BIO asks for more (-1, retry) until the incoming buffer ends.
    L.crypto.BIO_ctrl(this.#rbio, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, null);
    if (c.serverSide) {
      L.ssl.SSL_set_accept_state(ssl);
      servers.set(L.memory.address(ssl), owner!);
    } else L.ssl.SSL_set_connect_state(ssl);
    let verify = c.verifyMode === 2
      ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
      : c.verifyMode === 1
      ? SSL_VERIFY_PEER
      : 0;
    // As CPython: a server asks for the certificate after the handshake; a client offers it.
    if (c.postHandshakeAuth && c.serverSide && verify !== 0) verify |= SSL_VERIFY_POST_HANDSHAKE;
    if (c.postHandshakeAuth && !c.serverSide) L.ssl.SSL_set_post_handshake_auth(ssl, 1);
    L.ssl.SSL_set_verify(ssl, verify, null);
    L.ssl.SSL_clear_options(ssl, 0xffffffffn);
    L.ssl.SSL_set_options(ssl, BigInt(c.options >>> 0));
    L.ssl.SSL_ctrl(ssl, SSL_CTRL_SET_MIN_PROTO_VERSION, c.minVersion, null);
    L.ssl.SSL_ctrl(ssl, SSL_CTRL_SET_MAX_PROTO_VERSION, c.maxVersion, null);
    const param = L.ssl.SSL_get0_param(ssl);
    L.crypto.X509_VERIFY_PARAM_set_flags(param, BigInt(c.verifyFlags >>> 0));
    L.crypto.X509_VERIFY_PARAM_set_hostflags(
      param,
      X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
        (c.commonName ? 0 : X509_CHECK_FLAG_NEVER_CHECK_SUBJECT),
    );
    if (c.checkHostname !== null) {
      const host = c.checkHostname;
      const ok = isIPAddress(host)
        ? L.crypto.X509_VERIFY_PARAM_set1_ip_asc(param, cstr(host.replace(/^\[|\]$/g, "")))
        : L.crypto.X509_VERIFY_PARAM_set1_host(param, enc.encode(host), enc.encode(host).length);
      if (ok !== 1) throw queuedError(L, SSL_ERROR.SSL, `invalid hostname '${host}'`);
    }
    if (c.serverName !== null && !isIPAddress(c.serverName)) {
      L.ssl.SSL_ctrl_buffer(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, 0, cstr(c.serverName));
    }
    if (!c.serverSide && c.alpn !== undefined && c.alpn.length > 0) {
      const wire = alpnWire(c.alpn);
      L.ssl.SSL_set_alpn_protos(ssl, wire, wire.length);
    }
    if (c.session !== null) this.resume(c.session);
    L.crypto.ERR_clear_error();
  }

  /**
   * Frees the connection now (its SSL and both BIOs), where its owner knows
   * it is done with it (an SSLSocket's engine once closed); otherwise it is
   * freed when collected. Every call after raises.
   */
  free(): void {
    const ssl = this.#ssl;
    if (ssl === null) return;
    const L = this.#L;
    this.#ssl = null;
    connections.unregister(this.#token);
    const at = L.memory.address(ssl);
    if (this.#owner !== undefined && servers.get(at) === this.#owner) servers.delete(at);
    if (this.#keylog !== undefined && keylogs.get(at) === this.#keylog) keylogs.delete(at);
    L.ssl.SSL_free(ssl);
  }

  /** Whether `free()` was called. */
  get freed(): boolean {
    return this.#ssl === null;
  }

  /** The SSL, or an error once freed (a call after the owner let go: never a freed pointer). */
  #live(): Pointer {
    if (this.#ssl === null) {
      throw new SSLError(SSL_ERROR.SSL, "[SSL] the TLS connection was closed", { library: "SSL" });
    }
    return this.#ssl;
  }

  /** Sets the session to resume (its DER encoding); one OpenSSL cannot read is ignored. */
  resume(der: Uint8Array): void {
    this.#live();
    const L = this.#L;
    const copy = new Uint8Array(der);
    const pp = new Uint8Array(8);
    new DataView(pp.buffer).setBigUint64(0, L.memory.of(copy), true);
    const session = L.ssl.d2i_SSL_SESSION(null, pp, copy.length);
    if (L.memory.isNull(session)) {
      L.crypto.ERR_clear_error();
      return;
    }
    L.ssl.SSL_set_session(this.#ssl, session);
    L.ssl.SSL_SESSION_free(session);
  }

  /**
   * Runs the connection with another context from now on (a server's SNI
   * answer: its certificate and key), as `SSL_set_SSL_CTX`.
   */
  setContext(context: NativeContext): void {
    this.#live();
    this.#L.ssl.SSL_set_SSL_CTX(this.#ssl, context._pointer);
    this.#context = context;
  }

  /** A server's ALPN protocols: its context's, now. */
  serverProtocols(): readonly string[] | undefined {
    return this.#context.serverAlpn();
  }

  /** A server's answer to the client's server name: `SSL_TLSEXT_ERR_*`, an alert in `alert[0]`. */
  answerServername(name: string | null, alert: Int32Array): number {
    if (this.#servername === undefined) return SSL_TLSEXT_ERR_OK;
    let answer: number | null;
    try {
      answer = this.#servername(name);
    } catch (e) {
      this.#refusal = e;
      const alert = (e as { [ALERT]?: unknown } | null)?.[ALERT];
      answer = typeof alert === "number" ? alert : SSL_AD_HANDSHAKE_FAILURE;
    }
    if (answer === null) return SSL_TLSEXT_ERR_OK;
    alert[0] = answer;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }

  /** Hands the engine what the incoming buffer holds. */
  #feed(): void {
    const L = this.#L;
    const bytes = this.#incoming.take();
    if (bytes.length > 0) L.crypto.BIO_write(this.#rbio, bytes, bytes.length);
    if (this.#incoming.ended && !this.#eofSet) {
      this.#eofSet = true;
      L.crypto.BIO_ctrl(this.#rbio, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, null);
    }
  }

  /** Moves the engine's output out, and lends the incoming buffer what is left unread. */
  #settle(): void {
    const L = this.#L;
    const out = drain(L, this.#wbio);
    if (out.length > 0) this.#outgoing.push(out);
    if (!this.#lent && num(L.crypto.BIO_ctrl(this.#rbio, BIO_CTRL_PENDING, 0, null)) > 0) {
      this.#lent = true;
      this.#incoming.lend(() => {
        if (!this.#lent) return NOTHING;
        this.#lent = false;
        return drain(L, this.#rbio);
      });
    }
  }

  /**
   * Runs one OpenSSL call over the buffers; its result, or Python's error
   * for it (`wants`: a `WANT_READ` result is an answer, not an error).
   */
  #run(call: (ssl: Pointer) => number, wants = false): number {
    this.#live();
    const L = this.#L;
    L.crypto.ERR_clear_error();
    this.#feed();
    try {
      const ret = call(this.#ssl);
      if (ret > 0 || (ret === WANT_READ && wants)) return ret;
      throw this.#error(ret);
    } finally {
      this.#settle();
    }
  }

  /** Python's error for a failed call's result. */
  #error(ret: number): SSLError {
    const L = this.#L, ssl = this.#ssl;
    const code = L.ssl.SSL_get_error(ssl, ret) as number;
    switch (code) {
      case SSL_ERROR.WANT_READ:
        L.crypto.ERR_clear_error();
        return new SSLWantReadError(SSL_ERROR.WANT_READ);
      case SSL_ERROR.WANT_WRITE:
        L.crypto.ERR_clear_error();
        return new SSLWantWriteError(SSL_ERROR.WANT_WRITE);
      case SSL_ERROR.ZERO_RETURN:
        return new SSLZeroReturnError(SSL_ERROR.ZERO_RETURN);
      case SSL_ERROR.SYSCALL: {
        const e = queuedError(L, SSL_ERROR.SYSCALL, "");
        return e.message === ""
          ? new SSLEOFError(SSL_ERROR.EOF)
          : new SSLSyscallError(SSL_ERROR.SYSCALL, e.message, {
            library: e.library,
            reason: e.reason,
          });
      }
      default: {
        const e = queuedError(L, SSL_ERROR.SSL, "A failure in the SSL library occurred");
        if (this.#refusal !== undefined) {
          Object.defineProperty(e, "cause", { value: this.#refusal, configurable: true });
          this.#refusal = undefined;
        }
        const origin = origins.get(e);
        if (origin?.lib === ERR_LIB_SSL && origin.reason === SSL_R_CERTIFICATE_VERIFY_FAILED) {
          return this.#verifyError(e);
        }
        return e;
      }
    }
  }

  #verifyError(cause: SSLError): SSLCertVerificationError {
    const L = this.#L;
    const verifyCode = num(L.ssl.SSL_get_verify_result(this.#ssl));
    let message = L.memory.cString(L.crypto.X509_verify_cert_error_string(verifyCode));
    if (
      verifyCode === X509_V_ERR_HOSTNAME_MISMATCH || verifyCode === X509_V_ERR_IP_ADDRESS_MISMATCH
    ) {
      const kind = verifyCode === X509_V_ERR_HOSTNAME_MISMATCH ? "Hostname" : "IP address";
      message = `${kind} mismatch, certificate is not valid for '${this.#hostname}'.`;
    }
    return new SSLCertVerificationError(verifyCode, message, { cause });
  }

  /** Runs (or goes on with) the handshake. */
  handshake(): void {
    this.#run((ssl) => this.#L.ssl.SSL_do_handshake(ssl) as number);
  }

  /**
   * Reads plain text into `into` (up to its length): the count; 0 once the
   * peer closed TLS with close_notify.
   */
  read(into: Uint8Array): number {
    if (into.length === 0) return 0;
    try {
      return this.#run((ssl) => {
        const ok = this.#L.ssl.SSL_read_ex(ssl, into, into.length, this.#count) as number;
        return ok === 1 ? this.#counted() : 0;
      });
    } catch (e) {
      if (
        e instanceof SSLZeroReturnError &&
        (this.#L.ssl.SSL_get_shutdown(this.#ssl) as number) === SSL_RECEIVED_SHUTDOWN
      ) return 0;
      throw e;
    }
  }

  /**
   * Reads as much plain text as `into` takes of what the engine holds, the
   * records read already and those whole in its read BIO (one call, where
   * `read()` takes one record): the count; 0 once the peer closed TLS with
   * close_notify; `WANT_READ` (-1) when no record is whole yet — the
   * stream's every other read, so no error is made for it; otherwise
   * throws as `read()`.
   */
  readMany(into: Uint8Array): number {
    if (into.length === 0) return 0;
    const L = this.#L;
    try {
      return this.#run((ssl) => {
        let total = 0;
        for (;;) {
          const rest = total === 0 ? into : into.subarray(total);
          if (L.ssl.SSL_read_ex(ssl, rest, rest.length, this.#count) !== 1) {
            if (total === 0) {
              if ((L.ssl.SSL_get_error(ssl, 0) as number) !== SSL_ERROR.WANT_READ) return 0;
              L.crypto.ERR_clear_error();
              return WANT_READ;
            }
            // Nothing more whole: what was read is the answer; the next call meets the rest.
            L.crypto.ERR_clear_error();
            return total;
          }
          total += this.#counted();
          if (
            total === into.length ||
            ((L.ssl.SSL_pending(ssl) as number) === 0 &&
              num(L.crypto.BIO_ctrl(this.#rbio, BIO_CTRL_PENDING, 0, null)) < 5)
          ) return total;
        }
      }, true);
    } catch (e) {
      if (
        e instanceof SSLZeroReturnError &&
        (L.ssl.SSL_get_shutdown(this.#ssl) as number) === SSL_RECEIVED_SHUTDOWN
      ) return 0;
      throw e;
    }
  }

  #counted(): number {
    const words = this.#countWords; // little-endian, as every platform libssl runs on here
    return words[0] + words[1] * 0x1_0000_0000;
  }

  /** Writes plain text: the count written. */
  write(data: Uint8Array): number {
    if (data.length === 0) {
      return this.#run(() => 1) && 0;
    }
    return this.#run((ssl) => {
      const ok = this.#L.ssl.SSL_write_ex(ssl, data, data.length, this.#count) as number;
      return ok === 1 ? this.#counted() : 0;
    });
  }

  /** Sends close_notify and waits (SSLWantReadError) for the peer's, as CPython's shutdown. */
  shutdown(): void {
    let zeros = 0;
    this.#run((ssl) => {
      for (;;) {
        const ret = this.#L.ssl.SSL_shutdown(ssl) as number;
        if (ret > 0) return ret;
        if (ret === 0 && ++zeros <= 1) continue;
        return ret === 0 ? 1 : ret;
      }
    });
  }

  /**
   * Sends close_notify and no more (one `SSL_shutdown`): a half-close,
   * after which the peer's records are still read.
   */
  closeNotify(): void {
    this.#run((ssl) => {
      const ret = this.#L.ssl.SSL_shutdown(ssl) as number;
      return ret >= 0 ? 1 : ret;
    });
  }

  /** A TLS 1.3 server asks for the client's certificate (sent with the next write). */
  verifyClientPostHandshake(): void {
    this.#live();
    const L = this.#L;
    L.crypto.ERR_clear_error();
    if (L.ssl.SSL_verify_client_post_handshake(this.#ssl) !== 1) {
      throw queuedError(L, SSL_ERROR.SSL, "A failure in the SSL library occurred");
    }
  }

  /** Decrypted bytes ready to read. */
  pending(): number {
    this.#live();
    return this.#L.ssl.SSL_pending(this.#ssl) as number;
  }

  /** Whether the handshake is done. */
  done(): boolean {
    return this.#ssl !== null && this.#L.ssl.SSL_is_init_finished(this.#ssl) === 1;
  }

  /** The peer's certificate (DER), or `null`. */
  peerCertificate(): Uint8Array<ArrayBuffer> | null {
    this.#live();
    const L = this.#L;
    const x = L.ssl.SSL_get1_peer_certificate(this.#ssl);
    if (L.memory.isNull(x)) return null;
    try {
      return derOf(L, x);
    } finally {
      L.crypto.X509_free(x);
    }
  }

  /**
   * The peer's chain as OpenSSL verified it, up to the trusted certificate
   * (DER, the peer's first); `null` where nothing was verified.
   */
  verifiedChain(): Uint8Array<ArrayBuffer>[] | null {
    this.#live();
    const stack = this.#L.ssl.SSL_get0_verified_chain(this.#ssl);
    return this.#L.memory.isNull(stack) ? null : this.#ders(stack);
  }

  /** The peer's chain as it sent it (DER, its own certificate first; `[]` with none). */
  unverifiedChain(): Uint8Array<ArrayBuffer>[] {
    this.#live();
    const stack = this.#L.ssl.SSL_get_peer_cert_chain(this.#ssl);
    const sent = this.#L.memory.isNull(stack) ? [] : this.#ders(stack);
    // A server's stack leaves out the client's own certificate (OpenSSL's rule): put it first.
    const own = this.#serverSide ? this.peerCertificate() : null;
    return own === null ? sent : [own, ...sent];
  }

  /** The certificates of a STACK_OF(X509) OpenSSL owns, as DER. */
  #ders(stack: Pointer): Uint8Array<ArrayBuffer>[] {
    const L = this.#L;
    const n = L.crypto.OPENSSL_sk_num(stack) as number;
    const out: Uint8Array<ArrayBuffer>[] = [];
    for (let i = 0; i < n; i++) out.push(derOf(L, L.crypto.OPENSSL_sk_value(stack, i)));
    return out;
  }

  #cipherTuple(c: Pointer): CipherTuple {
    const L = this.#L;
    return [
      L.memory.cString(L.ssl.SSL_CIPHER_get_name(c)),
      L.memory.cString(L.ssl.SSL_CIPHER_get_version(c)),
      L.ssl.SSL_CIPHER_get_bits(c, null) as number,
    ];
  }

  /** The cipher in use, or `null`. */
  cipher(): CipherTuple | null {
    this.#live();
    const c = this.#L.ssl.SSL_get_current_cipher(this.#ssl);
    return this.#L.memory.isNull(c) ? null : this.#cipherTuple(c);
  }

  /** The ciphers a client offered (a server's view), or `null`. */
  sharedCiphers(): CipherTuple[] | null {
    this.#live();
    const L = this.#L;
    const list = L.ssl.SSL_get_client_ciphers(this.#ssl);
    if (L.memory.isNull(list)) return null;
    const out: CipherTuple[] = [];
    const n = L.crypto.OPENSSL_sk_num(list) as number;
    for (let i = 0; i < n; i++) out.push(this.#cipherTuple(L.crypto.OPENSSL_sk_value(list, i)));
    return out.length === 0 ? null : out;
  }

  /** The protocol version's name (`"TLSv1.3"`). */
  version(): string {
    this.#live();
    return this.#L.memory.cString(this.#L.ssl.SSL_get_version(this.#ssl));
  }

  /** The protocol ALPN agreed on, or `null`. */
  alpn(): string | null {
    this.#live();
    const L = this.#L;
    const data = new Uint8Array(8), len = new Uint8Array(4);
    L.ssl.SSL_get0_alpn_selected(this.#ssl, data, len);
    const n = new DataView(len.buffer).getUint32(0, true);
    const p = L.memory.pointerAt(data);
    if (n === 0 || L.memory.isNull(p)) return null;
    return new TextDecoder().decode(L.memory.view(p, n));
  }

  /** Whether the session was resumed. */
  sessionReused(): boolean {
    return this.#ssl !== null && this.#L.ssl.SSL_session_reused(this.#ssl) === 1;
  }

  /** This side's Finished message (`own`) or the peer's, or `null`. */
  finished(own: boolean): Uint8Array<ArrayBuffer> | null {
    this.#live();
    const buf = new Uint8Array(64);
    const get = own ? this.#L.ssl.SSL_get_finished : this.#L.ssl.SSL_get_peer_finished;
    const n = num(get(this.#ssl, buf, buf.length));
    return n === 0 ? null : buf.slice(0, Math.min(n, buf.length));
  }

  /** The session (its DER encoding), or `null`. */
  session(): Uint8Array | null {
    this.#live();
    const L = this.#L;
    const s = L.ssl.SSL_get1_session(this.#ssl);
    if (L.memory.isNull(s)) return null;
    try {
      const n = L.ssl.i2d_SSL_SESSION(s, null) as number;
      if (n <= 0) return null;
      const out = new Uint8Array(n);
      const pp = new Uint8Array(8);
      new DataView(pp.buffer).setBigUint64(0, L.memory.of(out), true);
      L.ssl.i2d_SSL_SESSION(s, pp);
      return out;
    } finally {
      L.ssl.SSL_SESSION_free(s);
    }
  }
}

/** ALPN's wire form: each name behind its length. */
function alpnWire(names: readonly string[]): Uint8Array {
  const parts = names.map((n) => enc.encode(n));
  const out = new Uint8Array(parts.reduce((a, p) => a + 1 + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out[at++] = p.length;
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Whether a host name is an IP address (OpenSSL then checks it as one, and sends no SNI). */
function isIPAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}
