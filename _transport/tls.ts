// Copyright 2026 the pysocket authors. MIT license.
// TLS as a stream transport: node:tls run over any other stream transport
// (the one a socket already has), on either side of the handshake. One TLS
// engine for every case Python's ssl covers — a client, a server wrapping
// each accepted connection, CERT_NONE, client certificates, the peer's
// certificate — where Deno.startTls serves the first only. The plain
// transport below keeps its own fast read into a buffer; above, reads copy
// from the decrypted records into the caller's buffer.
//
// Owning the plain transport lets this side do what the engines leave out
// or do differently per runtime: a server reads the ClientHello before its
// engine starts (server name, ALPN, offered ciphers: the SNI callback and
// Python's ALPN choice; plain HTTP is refused as OpenSSL refuses it); the
// verdict on a peer's certificate is the caller's (`judge`), reached after
// the engine finished; a TLS 1.2 server holds back its last flight until
// that verdict and sends an alert in its place when the client's
// certificate is refused; and an end of the plain transport that came
// before any close_notify is told apart from one that came after.

import type { Duplex } from "node:stream";
import type * as tls from "node:tls";
import { errno, OSError, SSL_ERROR, SSLEOFError, SSLError } from "../errors.ts";
import { closedError, fromRuntimeError } from "../_common/runtime_errors.ts";
import { nodeBuiltin } from "../_common/node_builtins.ts";
import { Inbox, type NodeReadable } from "./inbox.ts";
import type { Addr, StreamTransport } from "./types.ts";
import { ALERT } from "./alert.ts";
import type { ConnectionSettings, NativeContext } from "./openssl.ts";

/**
 * How much a read of the plain transport asks for after a small one (the
 * first asks for {@linkcode READ_HANDSHAKE}): what an idle connection's
 * read under way holds.
 */
const READ_FIRST = 2 * 1024;
/**
 * The most it asks for: reads that come back full double the next one, up
 * to this, so a bulk transfer crosses into node:tls in few large steps
 * while an idle connection's read under way holds a record's room.
 */
const READ_MAX = 256 * 1024;
/**
 * What the first read of the plain transport asks for: a handshake flight
 * whole (a server's certificates run to a few KiB). Read in two pieces, a
 * TLS 1.3 client answered it in two writes (ChangeCipherSpec after the
 * first, Finished after the second), the second held by Nagle's algorithm
 * until the server's delayed ACK: 40 ms per handshake. The reads after it
 * size themselves between {@linkcode READ_FIRST} and {@linkcode READ_MAX}.
 */
const READ_HANDSHAKE = 32 * 1024;
/** The largest ClientHello a server reads before its engine starts (bigger ones go to the engine unread). */
const HELLO_MAX = 64 * 1024;

export { ALERT };

/** What a server learns from the client's first message, before its engine starts. */
export interface ClientHello {
  /** The server name the client asked for (SNI), or `null`. */
  readonly serverName: string | null;
  /** The protocols the client offers through ALPN, or `null` when it offers none. */
  readonly alpn: readonly string[] | null;
  /** The cipher suites the client offers (their IANA numbers), in its order. */
  readonly ciphers: readonly number[];
}

/** What the handshake showed of the peer, for the caller's verdict. */
export interface PeerInfo {
  /** The peer's certificate chain (DER), its own first; empty when it sent none. */
  readonly chain: readonly Uint8Array[];
  /**
   * The engine's verdict on the chain: `null` when it verified, node:tls's
   * code when it did not, `undefined` when the engine gives none (then the
   * caller judges alone).
   */
  readonly engineError: string | null | undefined;
  /** The cipher suite agreed on (OpenSSL's name), or `null`. */
  readonly cipher: string | null;
  /** The protocol version agreed on. */
  readonly version: string | null;
}

/** What a TLS connection is made with (ssl.ts turns an SSLContext into this). */
export interface TlsSettings {
  /** The server's side of the handshake. */
  serverSide: boolean;
  /** The name sent as SNI (client; `null`: none). */
  serverName: string | null;
  /** 0: no certificate asked for or checked; 1: checked when given; 2: required and checked. */
  verify: 0 | 1 | 2;
  /** Trusted certificates (PEM); `undefined`: the runtime's own roots. */
  ca?: string[];
  /** This side's certificate chain (PEM). */
  cert?: string;
  /** This side's private key (PEM). */
  key?: string;
  /** The key's passphrase. */
  passphrase?: string;
  /** ALPN protocols to offer (client) or to run with (server: the one chosen), in order of preference. */
  alpn?: string[];
  /** The lowest protocol version: `"TLSv1.2"` or `"TLSv1.3"`. */
  minVersion?: tls.SecureVersion;
  /** The highest protocol version. */
  maxVersion?: tls.SecureVersion;
  /** An OpenSSL cipher list for the engine (TLS 1.2 and below). */
  ciphers?: string;
  /** A server prefers its own order of cipher suites. */
  honorCipherOrder?: boolean;
  /** Diffie-Hellman parameters (PEM), for DHE suites (servers). */
  dhparam?: string;
  /** The curves for ECDHE (`"prime256v1"`; OpenSSL's `:`-separated list). */
  ecdhCurve?: string;
  /** Certificate revocation lists (PEM) to check the peer against. */
  crl?: string[];
  /**
   * What a server's engine keeps across connections made with the same
   * settings (its secure context: session tickets' keys, the session
   * cache), so that clients can resume; a new object when settings change.
   */
  shared?: Record<string, unknown>;
  /** A session to resume (client): what `TlsSession.sessionData()` gave. */
  session?: Uint8Array;
  /** Receives each NSS key log line (without its newline) where the engine gives them. */
  keylog?: (line: Uint8Array) => void;
  /**
   * Whether a plain transport ending without close_notify reads as end of
   * stream (`true`, Python's default) or fails the read with SSLEOFError.
   */
  suppressRaggedEofs?: boolean;
  /**
   * The verdict on the peer once the handshake is done: the error to fail
   * it with, or `null` to go on. Without it, nothing is checked.
   */
  judge?: (peer: PeerInfo) => Error | null;
  /**
   * A server's settings for this client, given its hello (called before
   * the engine starts). Throwing fails the handshake; an error with an
   * {@linkcode ALERT} number sends that TLS alert first.
   */
  hello?: (hello: ClientHello) => TlsSettings | Promise<TlsSettings>;
  /**
   * libssl's context and connection settings, for the libssl engine
   * (`PYSOCKET_TLS=openssl`): then OpenSSL verifies the peer and picks the
   * ALPN protocol, and `judge` is not called. A server's comes from its
   * `hello` answer (the context the SNI callback chose).
   */
  native?: () => NativeSettings;
}

/** What libssl's engine runs a connection with. */
export interface NativeSettings {
  readonly context: NativeContext;
  readonly connection: ConnectionSettings;
}

/**
 * A TLS connection under an SSLSocket, whichever engine runs it: node:tls
 * ({@linkcode TlsTransport}) or OpenSSL's libssl (`openssl_stream.ts`).
 */
export type TlsConnection = OverPlain & StreamTransport & TlsEngine;

/** What an SSLSocket asks of its TLS engine, besides a stream transport's verbs. */
export interface TlsEngine {
  /** Settles with the handshake (rejecting with the package's error). */
  readonly handshake: Promise<void>;
  /** Whether the handshake has started. */
  readonly begun: boolean;
  /** Starts the handshake (once). */
  begin(): Promise<unknown>;
  /** What the handshake settled (call after it resolved). */
  session(): TlsSession;
  /** How many decrypted bytes are waiting to be read. */
  readonly buffered: number;
  /** Shuts TLS down (close_notify both ways) and hands back the plain transport. */
  unwrap(): Promise<OverPlain & StreamTransport>;
  /**
   * A TLS 1.3 server asks the client for its certificate (sent with the
   * next write), where the engine can.
   */
  verifyClientPostHandshake?(): void;
}

/** What the handshake settled, for `version()`, `cipher()` and friends. */
export interface TlsSession {
  /** `"TLSv1.3"`, `"TLSv1.2"`… */
  readonly version: string | null;
  /** The cipher suite's OpenSSL name, its protocol version and its secret bits. */
  readonly cipher: [string, string, number] | null;
  /** The ALPN protocol agreed on, or `null`. */
  readonly alpn: string | null;
  /** Whether the peer's certificate was asked for, given and verified. */
  readonly authorized: boolean;
  /** The peer's certificate chain (DER), its own first; empty when it sent none. */
  readonly chain: readonly Uint8Array[];
  /** Whether the handshake resumed a session. */
  readonly sessionReused: boolean;
  /** What the client learnt of the server's hello (servers), or `null`. */
  readonly clientHello: ClientHello | null;
  /** The session as the engine hands it out for resumption, or `null` (none yet). */
  sessionData(): Uint8Array<ArrayBuffer> | null;
  /** This side's Finished message, or `null` where the engine gives none. */
  finished(): Uint8Array<ArrayBuffer> | null;
  /** The peer's Finished message, or `null` where the engine gives none. */
  peerFinished(): Uint8Array<ArrayBuffer> | null;
}

/** The state shared by the transport and the stream node:tls reads the plain one through. */
export interface Below {
  inner: StreamTransport;
  /** A read of the plain transport under way. */
  inflight: Promise<unknown> | null;
  /** The plain transport ended (its peer half-closed or reset). */
  ended: boolean;
  /** TLS is being shut down to hand the plain transport back: no FIN, no close. */
  unwrapping: boolean;
  /** Handed back: what the plain transport delivers now is the caller's, not TLS's. */
  detached: boolean;
  /** Bytes the last read brought after the hand-back (or `null` at end of stream). */
  rest: Uint8Array | null | undefined;
  /** Bytes read before the engine started (the ClientHello a server looked at): the engine's first. */
  preface: Uint8Array | null;
  /**
   * Bytes read while unwrapping and not given to the engine yet: it is given
   * one record at a time, a turn apart, so that what follows the peer's
   * close_notify (plain text) stays the plain transport's.
   */
  unhanded: Uint8Array | null;
  /** The engine was handed the plain transport's end before it saw a close_notify. */
  ragged: boolean;
  /** Outgoing writes held back: `null` while none are (see `serverFlightWatch`). */
  held: Uint8Array[] | null;
  /** What was held, on its way out once released: closing waits for it (an alert, say). */
  flushing: Promise<void> | null;
  /** Settles with the handshake: an engine that fails it closes the plain transport after. */
  settled: Promise<void>;
  /** The writes to the plain transport, in order, one after another. */
  writing: Promise<void>;
  /** Bytes queued for the plain transport and not written yet. */
  queued: number;
  /** Whether the reader above holds as much as it takes (then the plain transport is not read). */
  full: () => boolean;
  /** Restarts reading the plain transport once the reader above has room again. */
  resume: (() => void) | null;
  /** Sees what the peer sends, in the clear, until its records are encrypted (`null`: no more). */
  inbound: ((chunk: Uint8Array) => void) | null;
}

/** node:tls and what it runs with, loaded when the first engine starts or a certificate is checked. */
interface Modules {
  readonly tls: typeof tls;
  readonly Duplex: typeof Duplex;
  readonly Buffer: typeof import("node:buffer").Buffer;
  readonly crypto: typeof import("node:crypto");
}

let loaded: Modules | null = null;

/** The node: built-ins TLS runs on (loaded on the first call). */
function modules(): Modules {
  return loaded ??= {
    tls: nodeBuiltin("node:tls"),
    Duplex: nodeBuiltin("node:stream").Duplex,
    Buffer: nodeBuiltin("node:buffer").Buffer,
    crypto: nodeBuiltin("node:crypto"),
  };
}

/**
 * How many encrypted bytes may wait for the plain transport before a write
 * over TLS waits for them: an engine that takes writes faster than the
 * connection does (Bun's acknowledges them once encrypted) still meets the
 * peer's back-pressure.
 */
const QUEUE_MAX = 1 << 20;

/** Queues `p` after the writes before it. */
export function queueWrite(below: Below, p: Uint8Array): Promise<void> {
  below.queued += p.length;
  const done = below.writing.then(() => writeAll(below.inner, p)).finally(() =>
    below.queued -= p.length
  );
  below.writing = done.catch(() => {});
  return done;
}

/**
 * Takes the first whole TLS record (5-byte header and its length) off
 * `below.unhanded` — all of it when no whole record can be told apart (a
 * record still arriving).
 */
function firstRecord(below: Below): Uint8Array {
  const b = below.unhanded!;
  const end = b.length >= 5 ? 5 + ((b[3] << 8) | b[4]) : b.length;
  if (end >= b.length) {
    below.unhanded = null;
    return b;
  }
  below.unhanded = b.subarray(end);
  return b.subarray(0, end);
}

/**
 * The plain transport as the duplex stream node:tls runs over. `outgoing`
 * sees each chunk the engine sends before it goes (a server's watch on
 * its own handshake); `endedFirst` is asked, when the engine is handed the
 * plain transport's end, whether it saw TLS end before.
 */
function duplexOver(
  below: Below,
  outgoing: ((chunk: Uint8Array) => void) | null,
  endedFirst: () => boolean,
): Duplex {
  const { inner } = below;
  let size = READ_HANDSHAKE;
  const duplex = new (modules().Duplex)({
    read(n) {
      if (below.detached || below.inflight) return;
      // The peer's back-pressure: not a byte more is read while the reader
      // above is full (some engines read on while their socket is paused).
      if (below.full()) {
        below.resume = () => {
          below.resume = null;
          this._read(n);
        };
        return;
      }
      if (below.preface !== null) {
        const first = below.preface;
        below.preface = null;
        this.push(first);
        return;
      }
      if (below.unhanded !== null) {
        // Unwrapping: the next record a turn later, once the engine has
        // taken the last (it may have been the close_notify).
        setTimeout(() => {
          if (below.detached || below.unhanded === null) return;
          this.push(firstRecord(below));
        }, 0);
        return;
      }
      // A transport whose runtime pushes chunks (node:net) hands over the next
      // one as it is (the engine copies it in); else a read into memory of
      // its own, not zeroed (the read fills what is pushed), from no pool.
      const buf = inner.borrowChunk === undefined ? modules().Buffer.allocUnsafeSlow(size) : null;
      const got: Promise<Uint8Array | number | null> = buf === null
        ? inner.borrowChunk!()
        : inner.read(buf);
      below.inflight = got.then((read) => {
        below.inflight = null;
        let bytes: Uint8Array | null;
        if (typeof read !== "number") bytes = read;
        else {
          if (read === buf!.length) size = Math.min(size * 2, READ_MAX);
          // A read much shorter than asked halves the next; a small one (the
          // connection going quiet) goes back to the first size.
          else if (read < READ_FIRST) size = READ_FIRST;
          else if (read < buf!.length / 2) size = Math.max(READ_FIRST, size / 2);
          bytes = buf!.subarray(0, read);
        }
        if (bytes === null) below.ended = true;
        else below.inbound?.(bytes);
        if (below.detached) below.rest = bytes;
        else if (bytes !== null && below.unwrapping) {
          below.unhanded = bytes;
          this.push(firstRecord(below));
        } else this.push(bytes);
      }, (e) => {
        below.inflight = null;
        below.ended = true;
        if (!below.detached) this.destroy(e);
      });
    },
    write(chunk: Uint8Array, _encoding, done) {
      // The watch may start holding what follows this chunk, never this one.
      const holding = below.held !== null;
      outgoing?.(chunk);
      if (holding && below.held !== null) {
        below.held.push(new Uint8Array(chunk));
        done();
        return;
      }
      queueWrite(below, chunk).then(() => done(), done);
    },
    final(done) {
      if (below.unwrapping) done();
      else below.writing.then(() => inner.closeWrite()).then(() => done(), done);
    },
    destroy(e, done) {
      const close = () => {
        if (below.unwrapping) return;
        try {
          inner.close();
        } catch { /* closed already */ }
      };
      // An engine that gives up mid-handshake may tear down before it
      // says why: the connection closes once the handshake has failed and
      // the few bytes released then (an alert) are out.
      below.settled.then(() => below.flushing).finally(close);
      done(e);
    },
  });
  // Registered before the engine's own listener: it runs while the engine
  // has not yet been told, so what it sees is what came before the end.
  duplex.once("end", () => below.ragged = !endedFirst());
  return duplex;
}

async function writeAll(conn: StreamTransport, p: Uint8Array): Promise<void> {
  for (let off = 0; off < p.length;) off += await conn.write(p.subarray(off));
}

/** The secret bits of a cipher suite, from its name (Python's third `cipher()` item). */
function secretBits(name: string): number {
  if (/CHACHA20|AES_?256|AES256|ARIA256|CAMELLIA256/i.test(name)) return 256;
  if (/AES_?128|AES128|ARIA128|CAMELLIA128/i.test(name)) return 128;
  return 0;
}

/** What keeps a finished program alive, as the transports under TLS may offer it (DESIGN §21). */
interface Refable {
  ref?(): void;
  unref?(): void;
}

/**
 * What a transport over the plain one passes through to it (addresses, TCP
 * options, ref/unref) and how it lets go of it (`detach()`).
 */
export abstract class OverPlain {
  /** TLS reads its plain transport in the background: held only while a caller awaits. */
  readonly heldWhenIdle = true;
  protected readonly below: Below;

  constructor(below: Below) {
    this.below = below;
  }

  /** The plain transport under TLS: on Deno's backend, the `Deno.Conn` itself. */
  get plain(): StreamTransport {
    return this.below.inner;
  }

  get localAddr(): Addr {
    return this.below.inner.localAddr;
  }

  get remoteAddr(): Addr {
    return this.below.inner.remoteAddr;
  }

  setNoDelay(on?: boolean): void {
    this.below.inner.setNoDelay?.(on);
  }

  setKeepAlive(on?: boolean, idleSeconds?: number): void {
    this.below.inner.setKeepAlive?.(on, idleSeconds);
  }

  /** Lets a pending read keep the program alive (the plain transport's). */
  ref(): void {
    (this.below.inner as Refable).ref?.();
  }

  /** Lets the program end while a read is pending (the plain transport's). */
  unref(): void {
    (this.below.inner as Refable).unref?.();
  }

  /**
   * Throws unless the plain transport can be handed out as it is: no read
   * of it under way whose bytes would be nobody's, none kept from one.
   *
   * @throws {OSError} `EBUSY`.
   */
  checkDetach(): void {
    if (
      this.below.inflight !== null || (this.below.rest ?? null) !== null ||
      this.below.preface !== null
    ) {
      throw new OSError(errno.EBUSY, undefined, {
        detail:
          "Cannot detach: a read of the connection under TLS is pending or its bytes are kept",
      });
    }
  }

  /**
   * Lets go of the plain transport without closing it and returns it: TLS
   * is dropped, no close_notify sent (Python's `detach()`). Call
   * `checkDetach()` first.
   */
  abstract detach(): StreamTransport;
}

/**
 * A TLS engine over the plain transport (node:tls's, or libssl's): the
 * handshake it settles, started once by `begin()`, and a server's start,
 * which reads its client's hello first. `E` is what the start makes.
 */
export abstract class EngineOverPlain<E> extends OverPlain {
  /** Settles with the handshake (which starts with `begin()`). */
  readonly handshake: Promise<void>;
  /** Resolves or rejects {@linkcode EngineOverPlain.handshake}. */
  protected readonly settle: { resolve: () => void; reject: (e: unknown) => void };
  /** What a server learnt from its client's hello, once read. */
  protected hello: ClientHello | null = null;
  #starting: Promise<E> | null = null;

  constructor(below: Below) {
    super(below);
    let settle!: { resolve: () => void; reject: (e: unknown) => void };
    this.handshake = new Promise<void>((resolve, reject) => settle = { resolve, reject });
    this.settle = settle;
    this.handshake.catch(() => {}); // read and write report it too
    below.settled = this.handshake.then(() => {}, () => {});
  }

  /** Whether the handshake has started. */
  get begun(): boolean {
    return this.#starting !== null;
  }

  /** Starts the handshake (once); resolves the engine once it runs. */
  begin(): Promise<E> {
    return this.#starting ??= this.startEngine();
  }

  /** What `begin()` started, or `null` before. */
  protected get starting(): Promise<E> | null {
    return this.#starting;
  }

  /** Makes the engine and follows its handshake to `settle` (called once, by `begin()`). */
  protected abstract startEngine(): Promise<E>;

  /**
   * The settings the engine starts with: a client's as given; a server's
   * once it has read its client's hello and run what it asks for (the SNI
   * callback, the ALPN choice).
   */
  protected async startSettings(
    settings: TlsSettings,
    closed: () => boolean,
  ): Promise<TlsSettings> {
    if (!settings.serverSide) return settings;
    const started = await serverStart(this.below, settings, closed);
    this.hello = started.hello;
    return started.settings;
  }
}

/** TLS's engine for a server over `duplex`: node:tls's socket with the settings' certificate. */
function serverEngine(duplex: Duplex, settings: TlsSettings): tls.TLSSocket {
  const { tls } = modules();
  const make = () =>
    tls.createSecureContext({
      cert: settings.cert,
      key: settings.key,
      passphrase: settings.passphrase,
      ca: settings.ca,
      crl: settings.crl,
      minVersion: settings.minVersion,
      maxVersion: settings.maxVersion,
      ciphers: settings.ciphers,
      honorCipherOrder: settings.honorCipherOrder,
      dhparam: settings.dhparam,
      ecdhCurve: settings.ecdhCurve,
      sessionIdContext: "pysocket",
    });
  // One secure context per certificate and settings: a client resumes a
  // session another connection made (its ticket's keys are the context's).
  const shared = settings.shared;
  const key = `${settings.cert?.length}:${settings.key?.length}:${settings.cert?.slice(-64)}`;
  const secureContext = shared === undefined
    ? make()
    : (shared[key] ??= make()) as tls.SecureContext;
  return new tls.TLSSocket(duplex as unknown as import("node:net").Socket, {
    isServer: true,
    secureContext,
    requestCert: settings.verify !== 0,
    // Only "no certificate at all" is the engine's to refuse (with its
    // alert); whether one given verifies is `judge`'s.
    rejectUnauthorized: settings.verify === 2,
    ALPNProtocols: settings.alpn?.length ? settings.alpn : undefined,
  });
}

/** TLS's engine for a client over `duplex`: SNI and ALPN; the verdict on the server is `judge`'s. */
function clientEngine(duplex: Duplex, settings: TlsSettings): tls.TLSSocket {
  const { tls, Buffer } = modules();
  return tls.connect({
    socket: duplex as unknown as import("node:net").Socket,
    servername: settings.serverName !== null && !isIP(settings.serverName)
      ? settings.serverName
      : undefined,
    ca: settings.ca,
    crl: settings.crl,
    cert: settings.cert,
    key: settings.key,
    passphrase: settings.passphrase,
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    ALPNProtocols: settings.alpn?.length ? settings.alpn : undefined,
    minVersion: settings.minVersion,
    maxVersion: settings.maxVersion,
    ciphers: settings.ciphers,
    ecdhCurve: settings.ecdhCurve,
    session: settings.session ? Buffer.from(settings.session) : undefined,
  });
}

/** node:tls's (or the plain transport's) error as the package's: SSLError, ConnectionResetError… */
export function tlsFailure(e: unknown, what: "read" | "write" | "handshake"): Error {
  return fromRuntimeError(
    e,
    what === "handshake" ? "Cannot complete the TLS handshake" : `Cannot ${what} over TLS`,
  );
}

/** Python's SSLEOFError for a peer that ended the connection where TLS does not allow it. */
export function eofError(cause?: unknown): SSLEOFError {
  return new SSLEOFError(SSL_ERROR.EOF, undefined, {
    cause,
    library: "SSL",
    reason: "UNEXPECTED_EOF_WHILE_READING",
  });
}

/** An SSLError as OpenSSL words `reason` (`"HTTP_REQUEST"` → "[SSL: HTTP_REQUEST] http request"). */
function sslError(reason: string, cause?: unknown, more = ""): SSLError {
  return new SSLError(
    SSL_ERROR.SSL,
    `[SSL: ${reason}] ${reason.toLowerCase().replaceAll("_", " ")}${more}`,
    { cause, library: "SSL", reason },
  );
}

/** A fatal TLS alert record, in the clear (before either side encrypts). */
function alertRecord(description: number): Uint8Array {
  return new Uint8Array([21, 3, 3, 0, 2, 2, description]);
}

/**
 * The TLS alert OpenSSL sends for a certificate verification error
 * (`X509_V_ERR_*`): unknown CA, expired, revoked, bad certificate…
 */
function alertFor(verifyCode: number | undefined): number {
  switch (verifyCode) {
    case 2:
    case 18:
    case 19:
    case 20:
    case 21:
    case 27: // issuer not found or not trusted
      return 48; // unknown_ca
    case 9:
    case 10:
    case 11:
    case 12:
      return 45; // certificate_expired
    case 23:
      return 44; // certificate_revoked
    case 4:
    case 6:
    case 7:
    case 8:
      return 51; // decrypt_error
    case 26:
      return 43; // unsupported_certificate
    case 28:
    case 24:
    case 25:
      return 42; // bad_certificate
    default:
      return 46; // certificate_unknown
  }
}

/** The peer's chain as node:tls details it: DER, the peer's own first. */
function chainOf(sock: tls.TLSSocket): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<unknown>();
  let cert = sock.getPeerCertificate?.(true) as tls.DetailedPeerCertificate | undefined;
  while (cert && cert.raw && !seen.has(cert) && out.length < 16) {
    seen.add(cert);
    out.push(new Uint8Array(cert.raw));
    const next = cert.issuerCertificate;
    if (next === cert || next?.raw?.equals?.(cert.raw)) break;
    cert = next;
  }
  return out;
}

/**
 * The engine's verdict on a client's certificate (node:tls's code, `null`
 * when it verified), or `undefined` where the engine gives none.
 */
function serverEngineVerdict(sock: tls.TLSSocket): string | null | undefined {
  const handle = (sock as unknown as { _handle?: { verifyError?: () => unknown } })._handle;
  if (typeof handle?.verifyError !== "function") return undefined;
  const code = handle.verifyError();
  return code ? String((code as { code?: unknown }).code ?? code) : null;
}

/** Whether the engine has seen its TLS stream end (a close_notify, or the end it was handed). */
function tlsEnded(sock: tls.TLSSocket | null): boolean {
  const state = (sock as unknown as { _readableState?: { ended?: boolean } } | null)
    ?._readableState;
  return state?.ended === true;
}

/** A started engine: node:tls's socket, what reads its records, and what it runs with. */
interface Engine {
  readonly sock: tls.TLSSocket;
  readonly inbox: Inbox;
  readonly settings: TlsSettings;
}

/**
 * A TLS connection over a plain stream transport. `handshake` settles when
 * the handshake does (rejecting with the package's error: an
 * {@linkcode SSLError}, a `ConnectionResetError`…); reads and writes made
 * before then wait for it. Every error it throws is the package's, mapped
 * here once.
 */
export class TlsTransport extends EngineOverPlain<Engine> implements StreamTransport, TlsEngine {
  readonly #settings: TlsSettings;
  #engine: Engine | null = null;
  #closed = false;
  /** The peer's certificate was asked for and verified. */
  #authorized = false;
  /** A fatal alert the peer sent before encrypting (its description), or `null`. */
  #alert: number | null = null;
  #sessionData: Uint8Array<ArrayBuffer> | null = null;
  /** Writes under way, failed at once by close(): the plain transport may never take them. */
  readonly #writes = new Set<(e: unknown) => void>();

  /**
   * TLS over `inner`. The handshake starts at once, or with `begin()` (or
   * the first read or write) when `deferred` — Python's
   * `do_handshake_on_connect=False`.
   */
  constructor(inner: StreamTransport, settings: TlsSettings, deferred = false) {
    super(newBelow(inner));
    this.#settings = settings;
    this.below.inbound = clearAlerts((alert) => this.#alert ??= alert, this.below);
    this.below.settled.then(() => this.below.inbound = null);
    if (!deferred) this.begin();
  }

  protected startEngine(): Promise<Engine> {
    const starting = this.#start();
    starting.catch((e) => this.settle.reject(e));
    return starting;
  }

  async #start(): Promise<Engine> {
    const settings = await this.startSettings(this.#settings, () => this.#closed);
    return this.#engine = this.#run(settings);
  }

  /** Makes the engine over the plain transport and watches its handshake. */
  #run(settings: TlsSettings): Engine {
    let sock: tls.TLSSocket | null = null;
    const watch = settings.serverSide ? serverFlightWatch(this.below) : null;
    const duplex = duplexOver(this.below, watch, () => tlsEnded(sock));
    try {
      sock = settings.serverSide ? serverEngine(duplex, settings) : clientEngine(duplex, settings);
    } catch (e) {
      duplex.destroy();
      if ((e as { code?: unknown }).code === "ERR_SSL_NO_CIPHER_MATCH") {
        throw sslError(
          "NO_CIPHER_MATCH",
          e,
          `: ${engineSupport().name} has none of the cipher suites the list allows`,
        );
      }
      throw tlsFailure(e, "handshake");
    }
    if (settings.keylog !== undefined) {
      const keylog = settings.keylog;
      sock.on("keylog", (line: Uint8Array) => {
        const end = line.length && line[line.length - 1] === 10 ? line.length - 1 : line.length;
        keylog(new Uint8Array(line.subarray(0, end)));
      });
    }
    sock.on("session", (data: Uint8Array) => this.#sessionData = new Uint8Array(data));
    const inbox = new Inbox(this.#readable(sock, settings), undefined, true);
    const below = this.below;
    below.full = () => sock!.isPaused();
    sock.on("resume", () => below.resume?.());
    const engine = { sock, inbox, settings };
    this.#watchHandshake(engine, watch);
    return engine;
  }

  /**
   * `sock` as the inbox reads it: errors already the package's (mapped
   * once, here at the edge), and an end that came without close_notify an
   * SSLEOFError when ragged ends are not suppressed.
   */
  #readable(sock: tls.TLSSocket, settings: TlsSettings): NodeReadable {
    const below = this.below;
    let fail: ((e: unknown) => void) | null = null;
    const ending = (listener: () => void) => () => {
      if (below.ragged && settings.suppressRaggedEofs === false && fail !== null) fail(eofError());
      else listener();
    };
    return {
      on(event: string, listener: (arg?: unknown) => void) {
        if (event === "error") {
          fail = listener;
          return sock.on("error", (e) => listener(tlsFailure(e, "read")));
        }
        if (event === "end" || event === "close") return sock.on(event, ending(listener));
        return sock.on(event, listener);
      },
      pause: () => sock.pause(),
      resume: () => sock.resume(),
    } as NodeReadable;
  }

  /** Settles `handshake` with the engine's outcome and the caller's verdict. */
  #watchHandshake(engine: Engine, watch: FlightWatch | null): void {
    const { sock, inbox, settings } = engine;
    const serverSide = settings.serverSide;
    const fail = (e: unknown) => {
      const err = this.#handshakeFailure(e);
      // What the engine wrote since (its alert) goes out; an engine that
      // refused a client's certificate and wrote nothing: the alert
      // OpenSSL's server sends.
      const code = (err as { verify_code?: number }).verify_code;
      const wrote = (this.below.held?.length ?? 0) > 0;
      watch?.release(wrote || code === undefined, alertFor(code));
      this.settle.reject(err);
    };
    // node:tls ends a server's stream without an error when the client
    // hangs up mid-handshake: that is Python's SSLEOFError too.
    const hungUp = () => fail(new Error("The peer closed the connection during the handshake"));
    sock.once(serverSide ? "secure" : "secureConnect", () => {
      sock.off("error", fail);
      sock.off("end", hungUp);
      const chain = chainOf(sock);
      let refused: Error | null = null;
      {
        const engineError = serverSide
          ? (chain.length ? serverEngineVerdict(sock) : null)
          : (sock.authorized ? null : String(sock.authorizationError ?? "CERT_REJECTED"));
        const c = sock.getCipher?.();
        refused = settings.judge?.({
          chain,
          engineError,
          cipher: c?.name ?? null,
          version: sock.getProtocol?.() ?? null,
        }) ?? null;
      }
      if (refused !== null) {
        inbox.fail(refused);
        this.settle.reject(refused);
        // A TLS 1.2 server's last flight was held back: the alert goes in
        // its place, so the client's handshake fails as with OpenSSL's.
        const code = (refused as { verify_code?: number }).verify_code;
        const alert = (refused as { [ALERT]?: number })[ALERT] ?? alertFor(code);
        const sent = watch?.release(false, alert) ?? Promise.resolve();
        sent.finally(() => sock.destroy());
        return;
      }
      watch?.release(true);
      this.#authorized = settings.verify !== 0 && chain.length > 0;
      this.settle.resolve();
    });
    sock.once("error", fail);
    sock.once("end", hungUp);
  }

  /** A failed handshake's error: the peer hanging up is Python's "EOF occurred in violation of protocol". */
  #handshakeFailure(e: unknown): Error {
    if (this.#closed) return closedError(e);
    // A fatal alert the peer sent in the clear: OpenSSL's words for it,
    // whatever the engine made of it.
    if (this.#alert !== null && ALERTS[this.#alert] !== undefined) {
      return sslError(ALERTS[this.#alert], e);
    }
    if (this.below.ended && !(e as { code?: string })?.code?.startsWith?.("ERR_")) {
      return eofError(e);
    }
    return tlsFailure(e, "handshake");
  }

  /** What the handshake settled (call after it resolved). */
  session(): TlsSession {
    const engine = this.#engine!;
    const { sock } = engine;
    const c = sock.getCipher?.();
    const handle = sock as unknown as {
      getFinished?: () => Uint8Array | undefined;
      getPeerFinished?: () => Uint8Array | undefined;
      getSession?: () => Uint8Array | undefined;
      isSessionReused?: () => boolean;
    };
    const bytes = (b: Uint8Array | undefined | null) => b?.length ? new Uint8Array(b) : null;
    return {
      version: sock.getProtocol?.() ?? null,
      // OpenSSL's name, as Python's cipher() gives it ("ECDHE-ECDSA-AES256-GCM-SHA384").
      cipher: c ? [c.name, c.version, secretBits(c.name)] : null,
      alpn: typeof sock.alpnProtocol === "string" ? sock.alpnProtocol : null,
      authorized: this.#authorized,
      chain: chainOf(sock),
      sessionReused: Boolean(handle.isSessionReused?.()),
      clientHello: this.hello,
      sessionData: () => this.#sessionData ?? bytes(handle.getSession?.()),
      finished: () => bytes(handle.getFinished?.()),
      peerFinished: () => bytes(handle.getPeerFinished?.()),
    };
  }

  /** How many decrypted bytes are waiting to be read. */
  get buffered(): number {
    return this.#engine?.inbox.buffered ?? 0;
  }

  read(p: Uint8Array): Promise<number | null> {
    const engine = this.#engine;
    if (engine !== null) return engine.inbox.read(p);
    return this.begin().then(({ inbox }) => inbox.read(p));
  }

  async write(p: Uint8Array): Promise<number> {
    const { sock, inbox } = this.#engine ?? await this.begin();
    if (this.#closed) throw closedError();
    if (inbox.error !== null) throw inbox.error;
    const n = p.length;
    if (n === 0) {
      await this.handshake;
      return 0;
    }
    return new Promise<number>((resolve, reject) => {
      const cancel = (e: unknown) => {
        this.#writes.delete(cancel);
        reject(e);
      };
      this.#writes.add(cancel);
      // A copy: node:tls may hold the chunk until it is encrypted.
      sock.write(modules().Buffer.from(p), (e) => {
        if (!this.#writes.has(cancel)) return; // failed by close() already
        if (!e && this.below.queued > QUEUE_MAX) {
          // Done once what waits for the connection is down to its share.
          const waited = this.below.writing;
          waited.then(() => this.#writes.delete(cancel) && resolve(n));
          return;
        }
        this.#writes.delete(cancel);
        if (!e) return resolve(n);
        // A write close() cut short fails as the reads do (EBADF); one the
        // engine refused because the connection is gone is the error that
        // took it (an SSLError, a reset), or a broken pipe.
        if (this.#closed) reject(closedError(e));
        else if (inbox.error !== null) reject(inbox.error);
        else if ((e as { code?: unknown }).code === "ERR_STREAM_DESTROYED") {
          reject(fromRuntimeError(Object.assign(new Error(e.message), { code: "EPIPE" })));
        } else reject(tlsFailure(e, "write"));
      });
    });
  }

  /**
   * Sends close_notify, then half-closes the plain transport. Settles when
   * that is done, or when the engine is torn down first (the peer reset the
   * connection while the alert was on its way): `end()`'s callback is not
   * called then, and a caller awaiting it would wait for ever.
   */
  async closeWrite(): Promise<void> {
    const { sock } = this.#engine ?? await this.begin();
    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        sock.off("close", settle);
        const e = (sock as { errored?: unknown }).errored;
        if (e) reject(tlsFailure(e as Error, "write"));
        else resolve();
      };
      sock.once("close", settle);
      if (sock.destroyed) return settle();
      sock.end(settle);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // A read pending now, and every call after, fails with EBADF, as Python's.
    this.#engine?.inbox.close();
    for (const cancel of [...this.#writes]) cancel(closedError());
    this.#engine?.sock.destroy();
    if (!this.below.unwrapping) {
      try {
        this.below.inner.close();
      } catch { /* closed already */ }
    }
  }

  /**
   * Shuts TLS down (close_notify both ways) and hands back the plain
   * transport, still open; bytes the peer sent after its close_notify are
   * the plain transport's first.
   */
  async unwrap(): Promise<OverPlain & StreamTransport> {
    const below = this.below;
    below.unwrapping = true;
    const { sock, inbox } = this.#engine ?? await this.begin();
    await new Promise<void>((resolve) => sock.end(resolve));
    while (!inbox.ended && inbox.error === null) await inbox.changed();
    if (inbox.error !== null) throw inbox.error;
    below.detached = true;
    // Read and not given to the engine: after its close_notify, so the plain transport's.
    if (below.unhanded !== null) {
      below.rest = below.unhanded;
      below.unhanded = null;
    }
    this.#closed = true;
    sock.destroy();
    return new Handback(below);
  }

  detach(): StreamTransport {
    const below = this.below;
    below.unwrapping = true;
    below.detached = true;
    this.#closed = true;
    this.#engine?.sock.destroy();
    return below.inner;
  }
}

/** The plain transport after TLS: first what a read under way brought, then its own reads. */
export class Handback extends OverPlain implements StreamTransport {
  async read(p: Uint8Array): Promise<number | null> {
    const below = this.below;
    if (below.inflight) await below.inflight;
    const rest = below.rest;
    if (rest === undefined) return below.inner.read(p);
    if (rest === null) return null;
    const n = Math.min(p.length, rest.length);
    p.set(rest.subarray(0, n));
    below.rest = n < rest.length ? rest.subarray(n) : undefined;
    return n;
  }

  write(p: Uint8Array): Promise<number> {
    return this.below.inner.write(p);
  }

  closeWrite(): Promise<void> {
    return this.below.inner.closeWrite();
  }

  close(): void {
    this.below.inner.close();
  }

  detach(): StreamTransport {
    return this.below.inner;
  }
}

/** OpenSSL's reason names of the TLS alerts a peer may send, by description. */
const ALERTS: Record<number, string> = {
  10: "SSLV3_ALERT_UNEXPECTED_MESSAGE",
  20: "SSLV3_ALERT_BAD_RECORD_MAC",
  22: "TLSV1_ALERT_RECORD_OVERFLOW",
  30: "SSLV3_ALERT_DECOMPRESSION_FAILURE",
  40: "SSLV3_ALERT_HANDSHAKE_FAILURE",
  42: "SSLV3_ALERT_BAD_CERTIFICATE",
  43: "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
  44: "SSLV3_ALERT_CERTIFICATE_REVOKED",
  45: "SSLV3_ALERT_CERTIFICATE_EXPIRED",
  46: "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
  47: "SSLV3_ALERT_ILLEGAL_PARAMETER",
  48: "TLSV1_ALERT_UNKNOWN_CA",
  49: "TLSV1_ALERT_ACCESS_DENIED",
  50: "TLSV1_ALERT_DECODE_ERROR",
  51: "TLSV1_ALERT_DECRYPT_ERROR",
  70: "TLSV1_ALERT_PROTOCOL_VERSION",
  71: "TLSV1_ALERT_INSUFFICIENT_SECURITY",
  80: "TLSV1_ALERT_INTERNAL_ERROR",
  86: "TLSV1_ALERT_INAPPROPRIATE_FALLBACK",
  90: "TLSV1_ALERT_USER_CANCELLED",
  100: "TLSV1_ALERT_NO_RENEGOTIATION",
  109: "TLSV13_ALERT_MISSING_EXTENSION",
  110: "TLSV1_ALERT_UNSUPPORTED_EXTENSION",
  111: "TLSV1_ALERT_CERTIFICATE_UNOBTAINABLE",
  112: "TLSV1_ALERT_UNRECOGNIZED_NAME",
  113: "TLSV1_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE",
  114: "TLSV1_ALERT_BAD_CERTIFICATE_HASH_VALUE",
  115: "TLSV1_ALERT_UNKNOWN_PSK_IDENTITY",
  116: "TLSV13_ALERT_CERTIFICATE_REQUIRED",
  120: "TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
};

/**
 * Watches the peer's records while they are in the clear (before its
 * ChangeCipherSpec, or any encrypted record): a fatal alert there is
 * handed to `seen` — the engines name some alerts differently from
 * OpenSSL, and Deno's names many as a handshake failure.
 */
function clearAlerts(
  seen: (description: number) => void,
  below: Below,
): (chunk: Uint8Array) => void {
  let pending = new Uint8Array(0);
  return (chunk) => {
    const all = new Uint8Array(pending.length + chunk.length);
    all.set(pending);
    all.set(chunk, pending.length);
    let at = 0;
    while (at + 5 <= all.length) {
      const type = all[at], len = all[at + 3] << 8 | all[at + 4];
      if (type === 20 || type === 23) { // encrypted from here on
        below.inbound = null;
        return;
      }
      if (at + 5 + len > all.length) break;
      if (type === 21 && len === 2 && all[at + 5] === 2) seen(all[at + 6]);
      at += 5 + len;
    }
    pending = all.slice(at);
  };
}

/** A server's watch on its own handshake flights (see `serverFlightWatch`). */
interface FlightWatch {
  (chunk: Uint8Array): void;
  /** The verdict is in: send what was held (`ok`), or the alert in its place; settles once sent. */
  release(ok: boolean, alert?: number): Promise<void>;
}

/**
 * Watches what a server sends, in the clear, until its handshake is
 * encrypted: in TLS 1.2, once its first flight (ending with
 * ServerHelloDone) is out, what follows — its ChangeCipherSpec and
 * Finished — is held until the verdict on the client (its certificate,
 * the suite agreed on), as OpenSSL's server decides before it finishes.
 * TLS 1.3 servers finish first in any engine; nothing is held.
 */
function serverFlightWatch(below: Below): FlightWatch {
  let scanning = true;
  let pending = new Uint8Array(0);
  const watch = ((chunk: Uint8Array) => {
    if (!scanning) return;
    const all = new Uint8Array(pending.length + chunk.length);
    all.set(pending);
    all.set(chunk, pending.length);
    let at = 0;
    while (scanning && at + 5 <= all.length) {
      const type = all[at], len = all[at + 3] << 8 | all[at + 4];
      if (at + 5 + len > all.length) break;
      const body = all.subarray(at + 5, at + 5 + len);
      at += 5 + len;
      if (type !== 22) { // a ChangeCipherSpec or anything else: encrypted from here on
        scanning = false;
        break;
      }
      for (let m = 0; m + 4 <= body.length;) {
        const mtype = body[m], mlen = body[m + 1] << 16 | body[m + 2] << 8 | body[m + 3];
        if (mtype === 2 && serverHelloIsTls13(body.subarray(m + 4, m + 4 + mlen))) {
          scanning = false;
          break;
        }
        if (mtype === 14) { // ServerHelloDone: the next flight waits for the verdict
          scanning = false;
          below.held = [];
          break;
        }
        m += 4 + mlen;
      }
    }
    pending = scanning ? all.slice(at) : new Uint8Array(0);
  }) as FlightWatch;
  watch.release = (ok, alert) => {
    scanning = false;
    const held = below.held;
    below.held = null;
    if (held === null) return Promise.resolve();
    const out = ok ? held : alert === undefined ? [] : [alertRecord(alert)];
    return below.flushing = Promise.all(out.map((p) => queueWrite(below, p))).then(
      () => {},
      () => {},
    );
  };
  return watch;
}

/** Whether a ServerHello's body chooses TLS 1.3 (its supported_versions extension). */
function serverHelloIsTls13(body: Uint8Array): boolean {
  try {
    let at = 2 + 32;
    at += 1 + body[at]; // session id
    at += 2 + 1; // cipher suite, compression
    const end = Math.min(body.length, at + 2 + (body[at] << 8 | body[at + 1]));
    for (at += 2; at + 4 <= end;) {
      const type = body[at] << 8 | body[at + 1], len = body[at + 2] << 8 | body[at + 3];
      if (type === 43 && len === 2) return body[at + 4] === 3 && body[at + 5] === 4;
      at += 4 + len;
    }
  } catch { /* cut short: not TLS 1.3 as far as this side can tell */ }
  return false;
}

/** The shared state over `inner`, before any engine runs. */
export function newBelow(inner: StreamTransport): Below {
  return {
    inner,
    inflight: null,
    ended: false,
    unwrapping: false,
    detached: false,
    rest: undefined,
    preface: null,
    unhanded: null,
    ragged: false,
    held: null,
    flushing: null,
    settled: Promise.resolve(),
    writing: Promise.resolve(),
    queued: 0,
    full: () => false,
    resume: null,
    inbound: null,
  };
}

/** Closes the plain transport after a failure before the engine ran (once what is queued is out). */
export function abortPlain(below: Below): void {
  const inner = below.inner;
  below.writing.then(() => {
    try {
      inner.close();
    } catch { /* closed already */ }
  });
}

/**
 * A server's first step, whatever its engine: reads the client's hello
 * (its bytes kept in `below.preface`, the engine's first), then asks
 * `settings.hello` (the SNI callback, which may be asynchronous, and the
 * ALPN choice) what to run with. An error it throws with an
 * {@linkcode ALERT} sends that alert first; the plain transport is closed
 * after any failure.
 */
async function serverStart(
  below: Below,
  settings: TlsSettings,
  closed: () => boolean,
): Promise<{ hello: ClientHello | null; settings: TlsSettings }> {
  const hello = await readHello(below, closed);
  if (hello !== null && settings.hello !== undefined) {
    try {
      settings = await settings.hello(hello);
    } catch (e) {
      const alert = (e as { [ALERT]?: unknown })[ALERT];
      if (typeof alert === "number" && !closed()) {
        await queueWrite(below, alertRecord(alert)).catch(() => {});
      }
      abortPlain(below);
      throw e;
    }
  }
  if (closed()) throw closedError();
  return { hello, settings };
}

/** Reads the client's hello from the plain transport, keeping its bytes for the engine. */
async function readHello(below: Below, closed: () => boolean): Promise<ClientHello | null> {
  let got = new Uint8Array(0);
  for (;;) {
    const verdict = helloIn(got);
    if (verdict !== "more") {
      below.preface = got.length ? got : null;
      if (verdict instanceof Error) {
        abortPlain(below);
        throw verdict;
      }
      return verdict;
    }
    const buf = new Uint8Array(READ_FIRST * 8);
    const read = below.inner.read(buf);
    below.inflight = read;
    let n: number | null;
    try {
      n = await read;
    } catch (e) {
      throw closed() ? closedError(e) : tlsFailure(e, "handshake");
    } finally {
      below.inflight = null;
    }
    if (closed()) throw closedError();
    if (n === null) {
      below.ended = true;
      abortPlain(below);
      throw eofError(new Error("The peer closed the connection before its hello"));
    }
    const next = new Uint8Array(got.length + n);
    next.set(got);
    next.set(buf.subarray(0, n), got.length);
    got = next;
  }
}

/** What the first bytes from a client hold, as OpenSSL's server reads them. */
const HTTP_METHODS = ["GET ", "POST ", "HEAD ", "PUT "];

/**
 * The client's hello in `got` (the plain transport's first bytes):
 * `"more"` while it is not all there, the hello, `null` when the engine
 * is to read it itself (too big, or a record that does not parse as one),
 * or the error OpenSSL's server raises for what is not TLS at all.
 */
function helloIn(got: Uint8Array): ClientHello | null | Error | "more" {
  if (got.length < 5) {
    // Enough to tell plain HTTP from TLS may already be here.
    return got.length && got[0] !== 22 && plainText(got) ? notTls(got) : "more";
  }
  if (got[0] !== 22 || got[1] !== 3) return notTls(got);
  // The handshake message may span records: gather their fragments.
  const fragments: Uint8Array[] = [];
  let have = 0, at = 0;
  while (at + 5 <= got.length) {
    if (got[at] !== 22) return null;
    const len = got[at + 3] << 8 | got[at + 4];
    if (at + 5 + len > got.length) break;
    fragments.push(got.subarray(at + 5, at + 5 + len));
    have += len;
    at += 5 + len;
    if (have >= 4) {
      const joined = join(fragments, have);
      const need = 4 + (joined[1] << 16 | joined[2] << 8 | joined[3]);
      if (joined[0] !== 1) return null;
      if (have >= need) return parseClientHello(joined.subarray(4, need));
    }
  }
  return got.length > HELLO_MAX ? null : "more";
}

function join(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Whether `got` could be the start of a text protocol (what OpenSSL checks for HTTP). */
function plainText(got: Uint8Array): boolean {
  return got.every((b) => b >= 0x20 && b < 0x7f);
}

/** OpenSSL's error for a first record that is not TLS: plain HTTP, a proxy's CONNECT, or another version. */
function notTls(got: Uint8Array): Error | "more" | null {
  const start = new TextDecoder("latin1").decode(got.subarray(0, 8));
  for (const m of HTTP_METHODS) {
    if (start.startsWith(m)) return sslError("HTTP_REQUEST");
    if (m.startsWith(start)) return "more";
  }
  if (start.startsWith("CONNE")) return sslError("HTTPS_PROXY_REQUEST");
  if ("CONNE".startsWith(start)) return "more";
  if (got.length < 3) return "more";
  // SSL 2's hello (a length with the top bit, then 1): the engine's to refuse.
  if (got[0] & 0x80 && got[2] === 1) return null;
  if (got[1] !== 3) return sslError("WRONG_VERSION_NUMBER");
  return null;
}

/** A ClientHello's body: what a server decides on before its engine starts. */
function parseClientHello(body: Uint8Array): ClientHello | null {
  try {
    let at = 2 + 32;
    at += 1 + body[at]; // session id
    const cipherLen = body[at] << 8 | body[at + 1];
    const ciphers: number[] = [];
    for (let i = at + 2; i + 1 < at + 2 + cipherLen; i += 2) {
      ciphers.push(body[i] << 8 | body[i + 1]);
    }
    at += 2 + cipherLen;
    at += 1 + body[at]; // compression methods
    let serverName: string | null = null;
    let alpn: string[] | null = null;
    if (at + 2 <= body.length) {
      const end = Math.min(body.length, at + 2 + (body[at] << 8 | body[at + 1]));
      for (at += 2; at + 4 <= end;) {
        const type = body[at] << 8 | body[at + 1], len = body[at + 2] << 8 | body[at + 3];
        const ext = body.subarray(at + 4, at + 4 + len);
        at += 4 + len;
        if (type === 0 && ext.length >= 5 && ext[2] === 0) { // server_name: host_name
          const n = ext[3] << 8 | ext[4];
          serverName = new TextDecoder("latin1").decode(ext.subarray(5, 5 + n));
        } else if (type === 16 && ext.length >= 2) { // application_layer_protocol_negotiation
          alpn = [];
          for (let i = 2; i < ext.length;) {
            const n = ext[i];
            alpn.push(new TextDecoder().decode(ext.subarray(i + 1, i + 1 + n)));
            i += 1 + n;
          }
        }
      }
    }
    return { serverName, alpn, ciphers: ciphers.filter((c) => (c & 0x0f0f) !== 0x0a0a) };
  } catch {
    return null;
  }
}

function isIP(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(":");
}

/** The runtime's own trusted root certificates (PEM), as `load_default_certs()` adds them. */
export function rootCertificates(): readonly string[] {
  return modules().tls.rootCertificates;
}

/** node:crypto's X509Certificate, for the checks made outside a handshake. */
export function x509Certificate(): typeof import("node:crypto").X509Certificate {
  return modules().crypto.X509Certificate;
}

/**
 * What this runtime's TLS engine does of what Python's ssl asks, where
 * engines differ: whether it takes a cipher list (Deno's node:tls, built
 * on rustls, offers its own suites whatever it is given), whether it gives
 * NSS key log lines (`'keylog'`), and whether it takes Diffie-Hellman
 * parameters and curve names. Asked without starting an engine.
 */
export interface EngineSupport {
  readonly cipherList: boolean;
  readonly keylog: boolean;
  readonly dhParams: boolean;
  readonly ecdhCurve: boolean;
  /** Whether it gives the handshake's Finished messages (for `tls-unique`). */
  readonly finished: boolean;
  /** Whether a client resumes a session it is given (Deno's resumes none with its own CAs). */
  readonly resumption: boolean;
  /** The engine's own name, for errors that say what it lacks. */
  readonly name: string;
}

let support: EngineSupport | null = null;

/** What libssl's engine supports (`PYSOCKET_TLS=openssl`): all of it, as CPython's. */
export const LIBSSL_SUPPORT: EngineSupport = {
  cipherList: true,
  keylog: true,
  dhParams: true,
  ecdhCurve: true,
  finished: true,
  resumption: true,
  name: "OpenSSL's libssl",
};

/** What this runtime's node:tls supports (see {@linkcode EngineSupport}). */
export function engineSupport(): EngineSupport {
  if (support !== null) return support;
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined) {
    return support = {
      cipherList: false,
      keylog: false,
      dhParams: false,
      ecdhCurve: false,
      finished: false,
      resumption: false,
      name: "Deno's node:tls (rustls)",
    };
  }
  if (g.Bun !== undefined) {
    return support = {
      cipherList: true,
      keylog: true,
      dhParams: false,
      ecdhCurve: true,
      finished: true,
      resumption: true,
      name: "Bun's node:tls (BoringSSL)",
    };
  }
  return support = {
    cipherList: true,
    keylog: true,
    dhParams: true,
    ecdhCurve: true,
    finished: true,
    resumption: true,
    name: "Node's node:tls (OpenSSL)",
  };
}

/** Whether a PEM private key parses (an unencrypted one). */
export function checkPrivateKey(pem: string): boolean {
  try {
    modules().crypto.createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** The curve names the engine knows (`set_ecdh_curve()`), lower-cased. */
export function curveNames(): Set<string> {
  return new Set([...modules().crypto.getCurves(), "x25519", "x448"].map((c) => c.toLowerCase()));
}

/**
 * Checks a certificate chain and key the way a handshake will use them, so
 * a bad file fails when it is loaded (as Python's `load_cert_chain` does):
 * a certificate that parses, a key that decrypts, and the one matching the
 * other (node:tls checks none of it until the handshake). Throws
 * node:crypto's error, or one whose `code` is `"KEY_VALUES_MISMATCH"`.
 */
export function checkCertChain(cert: string, key: string, passphrase?: string): void {
  const { tls, crypto: { X509Certificate, createPrivateKey } } = modules();
  tls.createSecureContext({ cert, key, passphrase });
  const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(cert);
  const pkey = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]+?-----END \1PRIVATE KEY-----/.exec(key);
  if (leaf === null) throw new Error("no certificate in PEM");
  if (pkey === null) throw new Error("no private key in PEM");
  const x509 = new X509Certificate(leaf[0]);
  if (!x509.checkPrivateKey(createPrivateKey({ key: pkey[0], passphrase }))) {
    throw Object.assign(new Error("key values mismatch"), { code: "KEY_VALUES_MISMATCH" });
  }
}
