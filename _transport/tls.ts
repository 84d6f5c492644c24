// Copyright 2026 the pysocket authors. MIT license.
// TLS as a stream transport: node:tls run over any other stream transport
// (the one a socket already has), on either side of the handshake. One TLS
// engine for every case Python's ssl covers — a client, a server wrapping
// each accepted connection, CERT_NONE, client certificates, the peer's
// certificate — where Deno.startTls serves the first only. The plain
// transport below keeps its own fast read into a buffer; above, reads copy
// from the decrypted records into the caller's buffer.

import type { Duplex } from "node:stream";
import type * as tls from "node:tls";
import { errno, OSError, SSLEOFError } from "../errors.ts";
import { closedError, fromRuntimeError } from "../_common/runtime_errors.ts";
import { nodeBuiltin } from "../_common/node_builtins.ts";
import { Inbox, type NodeReadable } from "./inbox.ts";
import type { Addr, StreamTransport } from "./types.ts";

/**
 * How much a read of the plain transport asks for at first, and after a
 * small one: what an idle connection's read under way holds.
 */
const READ_FIRST = 2 * 1024;
/**
 * The most it asks for: reads that come back full double the next one, up
 * to this, so a bulk transfer crosses into node:tls in few large steps
 * while an idle connection's read under way holds a record's room.
 */
const READ_MAX = 256 * 1024;

/** What a TLS connection is made with (ssl.ts turns an SSLContext into this). */
export interface TlsSettings {
  /** The server's side of the handshake. */
  serverSide: boolean;
  /** The name sent as SNI and checked against the certificate (client; `null`: none). */
  serverName: string | null;
  /** Whether the peer's certificate must name `serverName` (client). */
  checkHostname: boolean;
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
  /** ALPN protocols to offer or accept, in order of preference. */
  alpn?: string[];
  /** The lowest protocol version: `"TLSv1.2"` or `"TLSv1.3"`. */
  minVersion?: tls.SecureVersion;
  /** The highest protocol version. */
  maxVersion?: tls.SecureVersion;
  /** An OpenSSL cipher list. */
  ciphers?: string;
}

/** What the handshake settled, for `version()`, `cipher()` and friends. */
export interface TlsSession {
  /** `"TLSv1.3"`, `"TLSv1.2"`… */
  readonly version: string | null;
  /** The cipher suite's name, its protocol version and its secret bits. */
  readonly cipher: [string, string, number] | null;
  /** The ALPN protocol agreed on, or `null`. */
  readonly alpn: string | null;
  /** Whether the peer's certificate was verified. */
  readonly authorized: boolean;
  /** The peer's certificate as node:tls details it (empty when it sent none). */
  peerCertificate(): tls.DetailedPeerCertificate | null;
}

/** The state shared by the transport and the stream node:tls reads the plain one through. */
interface Below {
  inner: StreamTransport;
  /** A read of the plain transport under way. */
  inflight: Promise<void> | null;
  /** The plain transport ended (its peer half-closed or reset). */
  ended: boolean;
  /** TLS is being shut down to hand the plain transport back: no FIN, no close. */
  unwrapping: boolean;
  /** Handed back: what the plain transport delivers now is the caller's, not TLS's. */
  detached: boolean;
  /** Bytes the last read brought after the hand-back (or `null` at end of stream). */
  rest: Uint8Array | null | undefined;
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

/** The plain transport as the duplex stream node:tls runs over. */
function duplexOver(below: Below): Duplex {
  const { inner } = below;
  let size = READ_FIRST;
  return new (modules().Duplex)({
    read() {
      if (below.detached || below.inflight) return;
      const buf = new Uint8Array(size);
      below.inflight = inner.read(buf).then((n) => {
        below.inflight = null;
        if (n === null) below.ended = true;
        else if (n === buf.length) size = Math.min(size * 2, READ_MAX);
        // A read much shorter than asked halves the next; a small one (the
        // connection going quiet) goes back to the first size.
        else if (n < READ_FIRST) size = READ_FIRST;
        else if (n < buf.length / 2) size = Math.max(READ_FIRST, size / 2);
        if (below.detached) below.rest = n === null ? null : buf.subarray(0, n);
        else this.push(n === null ? null : buf.subarray(0, n));
      }, (e) => {
        below.inflight = null;
        below.ended = true;
        if (!below.detached) this.destroy(e);
      });
    },
    write(chunk: Uint8Array, _encoding, done) {
      writeAll(inner, chunk).then(() => done(), done);
    },
    final(done) {
      if (below.unwrapping) done();
      else inner.closeWrite().then(() => done(), done);
    },
    destroy(e, done) {
      if (!below.unwrapping) {
        try {
          inner.close();
        } catch { /* closed already */ }
      }
      done(e);
    },
  });
}

async function writeAll(conn: StreamTransport, p: Uint8Array): Promise<void> {
  for (let off = 0; off < p.length;) off += await conn.write(p.subarray(off));
}

/** The secret bits of a cipher suite, from its name (Python's third `cipher()` item). */
function secretBits(name: string): number {
  if (/CHACHA20|AES_?256|AES256/i.test(name)) return 256;
  if (/AES_?128|AES128/i.test(name)) return 128;
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
    if (this.below.inflight !== null || (this.below.rest ?? null) !== null) {
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

/** TLS's engine for a server over `duplex`: node:tls's socket with the settings' certificate. */
function serverEngine(duplex: Duplex, settings: TlsSettings): tls.TLSSocket {
  const { tls } = modules();
  return new tls.TLSSocket(duplex as unknown as import("node:net").Socket, {
    isServer: true,
    secureContext: tls.createSecureContext({
      cert: settings.cert,
      key: settings.key,
      passphrase: settings.passphrase,
      ca: settings.ca,
      minVersion: settings.minVersion,
      maxVersion: settings.maxVersion,
      ciphers: settings.ciphers,
    }),
    requestCert: settings.verify !== 0,
    rejectUnauthorized: settings.verify === 2,
    ALPNProtocols: settings.alpn,
  });
}

/** TLS's engine for a client over `duplex`: SNI, verification and the name check as the settings say. */
function clientEngine(duplex: Duplex, settings: TlsSettings): tls.TLSSocket {
  const { tls } = modules();
  return tls.connect({
    socket: duplex as unknown as import("node:net").Socket,
    servername: settings.serverName !== null && !isIP(settings.serverName)
      ? settings.serverName
      : undefined,
    ca: settings.ca,
    cert: settings.cert,
    key: settings.key,
    passphrase: settings.passphrase,
    rejectUnauthorized: settings.verify !== 0,
    checkServerIdentity: (host, cert) =>
      settings.checkHostname
        ? tls.checkServerIdentity(settings.serverName ?? host, cert)
        : undefined,
    ALPNProtocols: settings.alpn,
    minVersion: settings.minVersion,
    maxVersion: settings.maxVersion,
    ciphers: settings.ciphers,
  });
}

/** `sock` as the inbox reads it, its errors already the package's: mapped once, here at the edge. */
function mappedErrors(sock: tls.TLSSocket): NodeReadable {
  return {
    on(event: string, listener: (arg?: unknown) => void) {
      if (event !== "error") return sock.on(event, listener);
      return sock.on("error", (e) => listener(tlsFailure(e, "read")));
    },
    pause: () => sock.pause(),
    resume: () => sock.resume(),
  } as NodeReadable;
}

/** node:tls's (or the plain transport's) error as the package's: SSLError, ConnectionResetError… */
function tlsFailure(e: unknown, what: "read" | "write" | "handshake"): Error {
  return fromRuntimeError(
    e,
    what === "handshake" ? "Cannot complete the TLS handshake" : `Cannot ${what} over TLS`,
  );
}

/** The client's verdict on a server's certificate: its node:tls code, or `null` when it stands. */
function serverVerdict(sock: tls.TLSSocket, settings: TlsSettings): string | null {
  // node:tls completes a server's handshake whatever the client's
  // certificate, and leaves the verdict in verifyError(), which only a
  // tls.Server reads: a TLSSocket of our own must read it. A certificate
  // given must verify (CERT_OPTIONAL and CERT_REQUIRED).
  if (settings.verify === 0) return null;
  return verifyErrorOf(sock, Boolean(sock.getPeerCertificate()?.raw));
}

/**
 * A TLS connection over a plain stream transport. `handshake` settles when
 * the handshake does (rejecting with the package's error: an
 * {@linkcode SSLError}, a `ConnectionResetError`…); reads and writes made
 * before then wait for it. Every error it throws is the package's, mapped
 * here once.
 */
export class TlsTransport extends OverPlain implements StreamTransport {
  /** Settles with the handshake (which starts with `begin()`). */
  readonly handshake: Promise<void>;
  readonly #settings: TlsSettings;
  #settle!: { resolve: () => void; reject: (e: unknown) => void };
  #started: { sock: tls.TLSSocket; inbox: Inbox } | null = null;
  #closed = false;
  /** The peer's certificate was asked for and verified. */
  #authorized = false;

  /**
   * TLS over `inner`. The handshake starts at once, or with `begin()` (or
   * the first read or write) when `deferred` — Python's
   * `do_handshake_on_connect=False`.
   */
  constructor(inner: StreamTransport, settings: TlsSettings, deferred = false) {
    super({
      inner,
      inflight: null,
      ended: false,
      unwrapping: false,
      detached: false,
      rest: undefined,
    });
    this.#settings = settings;
    this.handshake = new Promise<void>((resolve, reject) => this.#settle = { resolve, reject });
    this.handshake.catch(() => {}); // read and write report it too
    if (!deferred) this.begin();
  }

  /** Whether the handshake has started. */
  get begun(): boolean {
    return this.#started !== null;
  }

  /** Starts the handshake (once); the TLS socket and its inbox. */
  begin(): { sock: tls.TLSSocket; inbox: Inbox } {
    if (this.#started !== null) return this.#started;
    const settings = this.#settings;
    const duplex = duplexOver(this.below);
    const sock = settings.serverSide
      ? serverEngine(duplex, settings)
      : clientEngine(duplex, settings);
    const inbox = new Inbox(mappedErrors(sock));
    this.#started = { sock, inbox };
    this.#watchHandshake(sock, inbox);
    return this.#started;
  }

  /** Settles `handshake` with the engine's outcome. */
  #watchHandshake(sock: tls.TLSSocket, inbox: Inbox): void {
    const serverSide = this.#settings.serverSide;
    const fail = (e: unknown) => this.#settle.reject(this.#handshakeFailure(e));
    // node:tls ends a server's stream without an error when the client
    // hangs up mid-handshake: that is Python's SSLEOFError too.
    const hungUp = () => fail(new Error("The peer closed the connection during the handshake"));
    sock.once(serverSide ? "secure" : "secureConnect", () => {
      sock.off("error", fail);
      sock.off("end", hungUp);
      const refused = serverSide ? serverVerdict(sock, this.#settings) : null;
      if (refused !== null) {
        const err = tlsFailure(Object.assign(new Error(refused), { code: refused }), "handshake");
        inbox.fail(err);
        this.#settle.reject(err);
        return;
      }
      this.#authorized = serverSide
        ? this.#settings.verify !== 0 && Boolean(sock.getPeerCertificate()?.raw)
        : sock.authorized === true;
      this.#settle.resolve();
    });
    sock.once("error", fail);
    sock.once("end", hungUp);
  }

  /** A failed handshake's error: the peer hanging up is Python's "EOF occurred in violation of protocol". */
  #handshakeFailure(e: unknown): Error {
    if (this.below.ended && !(e as { code?: string })?.code?.startsWith?.("ERR_")) {
      return new SSLEOFError(8, undefined, {
        cause: e,
        library: "SSL",
        reason: "UNEXPECTED_EOF_WHILE_READING",
      });
    }
    return tlsFailure(e, "handshake");
  }

  /** What the handshake settled (call after it resolved). */
  session(): TlsSession {
    const { sock } = this.begin();
    const c = sock.getCipher?.();
    return {
      version: sock.getProtocol?.() ?? null,
      // OpenSSL's name, as Python's cipher() gives it ("ECDHE-ECDSA-AES256-GCM-SHA384").
      cipher: c ? [c.name, c.version, secretBits(c.name)] : null,
      alpn: typeof sock.alpnProtocol === "string" ? sock.alpnProtocol : null,
      authorized: this.#authorized,
      peerCertificate: () => {
        const cert = sock.getPeerCertificate(true);
        return cert && cert.raw ? cert : null;
      },
    };
  }

  /** How many decrypted bytes are waiting to be read. */
  get buffered(): number {
    return this.#started?.inbox.buffered ?? 0;
  }

  read(p: Uint8Array): Promise<number | null> {
    return (this.#started ?? this.begin()).inbox.read(p);
  }

  write(p: Uint8Array): Promise<number> {
    const { sock, inbox } = this.#started ?? this.begin();
    if (inbox.error !== null) return Promise.reject(inbox.error);
    const n = p.length;
    return new Promise<number>((resolve, reject) => {
      // A copy: node:tls may hold the chunk until it is encrypted.
      // A write close() cut short fails as the reads do (EBADF).
      sock.write(
        modules().Buffer.from(p),
        (e) => e ? reject(this.#closed ? closedError(e) : tlsFailure(e, "write")) : resolve(n),
      );
    });
  }

  /** Sends close_notify, then half-closes the plain transport. */
  closeWrite(): Promise<void> {
    const { sock } = this.#started ?? this.begin();
    return new Promise<void>((resolve) => sock.end(resolve));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // A read pending now, and every call after, fails with EBADF, as Python's.
    this.#started?.inbox.close();
    this.#started?.sock.destroy();
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
    const { sock, inbox } = this.#started ?? this.begin();
    await new Promise<void>((resolve) => sock.end(resolve));
    while (!inbox.ended && inbox.error === null) await inbox.changed();
    if (inbox.error !== null) throw inbox.error;
    below.detached = true;
    this.#closed = true;
    sock.destroy();
    return new Handback(below);
  }

  detach(): StreamTransport {
    const below = this.below;
    below.unwrapping = true;
    below.detached = true;
    this.#closed = true;
    this.#started?.sock.destroy();
    return below.inner;
  }
}

/** The plain transport after TLS: first what a read under way brought, then its own reads. */
class Handback extends OverPlain implements StreamTransport {
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

/**
 * Why the client's certificate did not verify (node:tls's code), or `null`
 * when it did or none was given. Without node:tls's verifyError() a
 * certificate given cannot be judged: it is refused.
 */
function verifyErrorOf(sock: tls.TLSSocket, given: boolean): string | null {
  const handle = (sock as unknown as { _handle?: { verifyError?: () => unknown } })._handle;
  if (typeof handle?.verifyError !== "function") return given ? "CERT_REJECTED" : null;
  const code = handle.verifyError();
  return code ? String((code as { code?: unknown }).code ?? code) : null;
}

function isIP(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(":");
}

/** The runtime's own trusted root certificates (PEM), as `load_default_certs()` adds them. */
export function rootCertificates(): readonly string[] {
  return modules().tls.rootCertificates;
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
