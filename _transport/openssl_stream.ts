// Copyright 2026 the pysocket authors. MIT license.
// TLS as a stream transport on OpenSSL's libssl (DESIGN §17, §20): the
// second engine an SSLSocket may run on (`PYSOCKET_TLS=openssl`), where FFI
// is (Deno with the `ffi` permission; Bun). It is openssl.ts's MemoryTls —
// the engine of wrap_bio() — driven over the socket's plain transport: the
// peer's bytes go into its read BIO as a caller's read asks for them, and
// what it writes goes out in order. So an SSLSocket does what CPython's
// does, where the runtime's node:tls cannot: the caller's cipher list,
// DHE, key logs, the Finished messages (tls-unique), session resumption
// with the caller's CAs, TLS 1.3 post-handshake authentication, and
// OpenSSL's own verification and errors.
//
// What both engines share is tls.ts's: the state over the plain transport
// (`Below`), a server's reading of the ClientHello before its engine
// starts (the SNI callback may be asynchronous; libssl's is not), the
// hand-back after unwrap(), and the mapping of the plain transport's
// errors. Reads are pulled: the plain transport is read only while a
// caller's read (or the handshake, or unwrap) needs bytes, so nothing is
// left pending for nobody.

import { SSLEOFError, SSLError, SSLWantReadError, SSLZeroReturnError } from "../errors.ts";
import { closedError, fromRuntimeError } from "../_common/runtime_errors.ts";
import { type BytePort, MemoryTls, WANT_READ } from "./openssl.ts";
import {
  type Below,
  type ClientHello,
  EngineOverPlain,
  Handback,
  newBelow,
  OverPlain,
  queueWrite,
  type TlsEngine,
  tlsFailure,
  type TlsSession,
  type TlsSettings,
} from "./tls.ts";
import type { StreamTransport } from "./types.ts";
import { testing } from "../_common/testing.ts";

/** The first read of the plain transport: a handshake flight whole. */
const READ_FIRST = 32 * 1024;
/** The most one read of the plain transport asks for (reads that come back full double the next). */
const READ_MAX = 256 * 1024;
/** The smallest read (a connection gone quiet: what its pending read holds). */
const READ_MIN = 4 * 1024;
/** The most plain text one call hands the engine to encrypt. */
const WRITE_MAX = 256 * 1024;

const EMPTY = new Uint8Array(0);

/** The most one `readChunk()` decrypts (a `recv(65536)`'s worth). */
const CHUNK_MAX = 64 * 1024;
/**
 * What `readChunk()` decrypts into, one for the process: the engine
 * decrypts synchronously and the bytes are copied out at once, so no
 * connection holds it while it waits.
 */
let chunkBuffer: Uint8Array = EMPTY;

/**
 * The one read buffer of the process that a connection gone quiet gave
 * back (free: the engine copies what is read into it at once), for the
 * next connection to get busy — itself, most often, after a pause: a burst
 * after each pause then costs no fresh buffer, and no idle connection
 * holds more than READ_MIN.
 */
let spare: Uint8Array = EMPTY;

/**
 * The engine's incoming buffer over the plain transport: the peer's bytes
 * read and not handed to the engine yet, and what gives back those it was
 * handed and did not take.
 */
class Incoming implements BytePort {
  bytes: Uint8Array = EMPTY;
  /** Gives back what the engine was handed and did not take (see `BytePort.lend`). */
  reclaim: (() => Uint8Array) | null = null;
  readonly #below: Below;

  constructor(below: Below) {
    this.#below = below;
  }

  take(): Uint8Array {
    const b = this.bytes;
    this.bytes = EMPTY;
    return b;
  }

  get ended(): boolean {
    return this.#below.ended;
  }

  push(): void {}

  lend(reclaim: () => Uint8Array): void {
    this.reclaim = reclaim;
  }
}

/** The engine's outgoing buffer: what it writes goes to the plain transport at once, in order. */
class Outgoing implements BytePort {
  readonly ended = false;
  /** The last write of the engine's output to the plain transport. */
  sent: Promise<void> = Promise.resolve();
  /** Why a write of the engine's output failed (a reset, a broken pipe), or `null`. */
  error: unknown = null;
  readonly #below: Below;
  #onError: ((e: unknown) => void) | null = null; // made by the first write

  constructor(below: Below) {
    this.#below = below;
  }

  take(): Uint8Array {
    return EMPTY;
  }

  push(bytes: Uint8Array): void {
    const sent = this.sent = queueWrite(this.#below, bytes);
    sent.catch(this.#onError ??= (e) => this.error ??= e);
  }

  lend(): void {}
}

/**
 * What a libssl connection's handshake settled. The peer's chain and the
 * session are read when asked (a TLS 1.3 client's certificate may come
 * after the handshake, a session ticket with a read); once the connection
 * is closed and its engine freed, there is nothing.
 */
class LibsslSession implements TlsSession {
  readonly version: string | null;
  readonly cipher: [string, string, number] | null;
  readonly alpn: string | null;
  readonly sessionReused: boolean;
  readonly clientHello: ClientHello | null;
  readonly #tls: MemoryTls;
  readonly #verify: 0 | 1 | 2;

  constructor(tls: MemoryTls, verify: 0 | 1 | 2, hello: ClientHello | null) {
    const live = !tls.freed;
    this.version = live ? tls.version() : null;
    this.cipher = live ? tls.cipher() : null;
    this.alpn = live ? tls.alpn() : null;
    this.sessionReused = live && tls.sessionReused();
    this.clientHello = hello;
    this.#tls = tls;
    this.#verify = verify;
  }

  get chain(): readonly Uint8Array[] {
    return this.#tls.freed ? [] : this.#tls.unverifiedChain();
  }

  get authorized(): boolean {
    return this.#verify !== 0 && !this.#tls.freed && this.#tls.peerCertificate() !== null;
  }

  sessionData(): Uint8Array<ArrayBuffer> | null {
    return this.#tls.freed ? null : this.#tls.session() as Uint8Array<ArrayBuffer> | null;
  }

  finished(): Uint8Array<ArrayBuffer> | null {
    return this.#tls.freed ? null : this.#tls.finished(true);
  }

  peerFinished(): Uint8Array<ArrayBuffer> | null {
    return this.#tls.freed ? null : this.#tls.finished(false);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * A TLS connection over a plain stream transport, run by OpenSSL's libssl.
 * `handshake` settles when the handshake does (rejecting with Python's
 * error, as OpenSSL words it); reads and writes made before then wait for
 * it.
 */
export class OpensslTransport extends EngineOverPlain<MemoryTls>
  implements StreamTransport, TlsEngine {
  /** The connection's settings, until its engine is made (nothing after needs them). */
  #settings: TlsSettings | null;
  readonly #suppressRaggedEofs: boolean;
  #tls: MemoryTls | null = null;
  /** The handshake succeeded. */
  #ready = false;
  #closed = false;
  /** The peer's close_notify, or (ragged ends suppressed) the plain transport's end, was read. */
  #eof = false;
  /** What failed the connection for good: every read and write after throws it. */
  #failed: Error | null = null;
  #verify: 0 | 1 | 2 = 0;
  /** The peer's bytes read and not yet handed to the engine; the engine's output, sent. */
  readonly #incoming: Incoming;
  readonly #outgoing: Outgoing;
  #size = READ_FIRST;
  /** The size of the reads before the connection went quiet (a read under READ_MIN), or 0. */
  #before = 0;
  /**
   * The buffer reads of more than READ_MIN go into (its front, for a smaller
   * size): the engine copies what it is handed at once, so one buffer serves
   * while the connection is busy; it becomes the process's spare when the
   * connection goes quiet.
   */
  #big: Uint8Array = EMPTY;
  /** The buffer of a quiet connection's reads (READ_MIN bytes). */
  #small: Uint8Array = EMPTY;
  /** close_notify was sent. */
  #shut = false;

  /**
   * TLS over `inner` with libssl. The handshake starts at once, or with
   * `begin()` (or the first read or write) when `deferred` — Python's
   * `do_handshake_on_connect=False`.
   *
   * @param inner The plain transport.
   * @param settings The connection's settings; `native` is required.
   * @param deferred Whether the handshake waits for `begin()`.
   */
  constructor(inner: StreamTransport, settings: TlsSettings, deferred = false) {
    super(newBelow(inner));
    this.#settings = settings;
    this.#suppressRaggedEofs = settings.suppressRaggedEofs !== false;
    this.#incoming = new Incoming(this.below);
    this.#outgoing = new Outgoing(this.below);
    if (!deferred) this.begin();
  }

  protected startEngine(): Promise<MemoryTls> {
    const starting = this.#start();
    starting.then((tls) => this.#drive(tls)).then(
      () => {
        this.#ready = true;
        this.settle.resolve();
      },
      (e) => {
        this.#failed ??= e;
        // The engine's alert goes out, then the connection closes (as OpenSSL's peer sees it).
        if (!this.#closed && !this.below.unwrapping) this.#closePlain();
        this.settle.reject(e);
      },
    );
    return starting;
  }

  async #start(): Promise<MemoryTls> {
    const settings = await this.startSettings(this.#settings!, () => this.#closed);
    this.#settings = null;
    const native = settings.native!();
    this.#verify = settings.verify;
    const below = this.below;
    // The hello a server read is the engine's first.
    if (below.preface !== null) {
      this.#incoming.bytes = below.preface;
      below.preface = null;
    }
    return this.#tls = new MemoryTls(
      native.context,
      native.connection,
      this.#incoming,
      this.#outgoing,
    );
  }

  /** Runs the handshake to its end, reading the plain transport while the engine wants bytes. */
  async #drive(tls: MemoryTls): Promise<void> {
    for (;;) {
      try {
        tls.handshake();
        return;
      } catch (e) {
        if (!(e instanceof SSLWantReadError)) throw this.#mapped(e, "handshake");
      }
      await this.#fill("handshake");
    }
  }

  /** Waits until the engine's output so far is written; throws why it was not. */
  async #flushed(): Promise<void> {
    try {
      await this.#outgoing.sent;
    } catch { /* reported below */ }
    if (this.#outgoing.error !== null) throw this.#writeFailure(this.#outgoing.error);
  }

  #writeFailure(e: unknown): Error {
    if (this.#closed) return closedError(e);
    if (this.#failed !== null) return this.#failed;
    return tlsFailure(e, "write");
  }

  /**
   * Reads the plain transport once into what the engine takes next: the
   * chunk the runtime pushed, as it is, where it pushes chunks (node:net:
   * the engine copies it in), else a read into a buffer of this side's.
   */
  async #fill(what: "read" | "handshake"): Promise<void> {
    const below = this.below;
    if (this.#closed) throw closedError();
    if (below.inflight !== null) {
      await below.inflight.catch(() => {});
      return;
    }
    if (below.ended) return;
    const inner = below.inner;
    const buf = inner.borrowChunk === undefined ? this.#buffer() : null;
    const read: Promise<Uint8Array | number | null> = buf === null
      ? inner.borrowChunk!()
      : inner.read(buf);
    below.inflight = read;
    let got: Uint8Array | number | null;
    try {
      got = await read;
    } catch (e) {
      below.ended = true;
      throw this.#closed ? closedError(e) : tlsFailure(e, what);
    } finally {
      below.inflight = null;
    }
    if (this.#closed && !below.unwrapping) throw closedError();
    if (got === null) {
      below.ended = true;
      return;
    }
    const incoming = this.#incoming;
    incoming.bytes = concat(incoming.bytes, typeof got === "number" ? this.#sized(buf!, got) : got);
  }

  /** The buffer the next read of the plain transport goes into, as big as its size now. */
  #buffer(): Uint8Array {
    const size = this.#size;
    // The last read's bytes, not handed to the engine yet, stay where they are.
    if (this.#incoming.bytes.length > 0) return new Uint8Array(size);
    if (size === READ_MIN) {
      // Quiet: a pending read holds 4 KiB, not what a burst grew; that goes to the spare.
      if (this.#big.length > spare.length) spare = this.#big;
      this.#big = EMPTY;
      return this.#small.length > 0 ? this.#small : (this.#small = new Uint8Array(READ_MIN));
    }
    if (this.#big.length < size) {
      if (spare.length >= size) {
        this.#big = spare;
        spare = EMPTY;
      } else {
        this.#big = new Uint8Array(size);
        testing.libsslReadBuffers++;
      }
    }
    return this.#big.length === size ? this.#big : this.#big.subarray(0, size);
  }

  /** The `n` bytes a read put in `buf`; sizes the next read by how full this one came back. */
  #sized(buf: Uint8Array, n: number): Uint8Array {
    const size = buf.length;
    if (n === size) {
      // Busy again after a quiet read: back to the size before it at once.
      this.#size = Math.min(Math.max(size * 2, this.#before), READ_MAX);
      this.#before = 0;
    } else if (n < READ_MIN) {
      if (size > READ_MIN) this.#before = size;
      this.#size = READ_MIN;
    } else if (n < size / 2) this.#size = Math.max(READ_MIN, size / 2);
    return buf.subarray(0, n);
  }

  /** An engine error as the caller sees it: a ragged end as Python's SSLEOFError. */
  #mapped(e: unknown, what: "read" | "handshake"): Error {
    if (this.#closed) return closedError(e);
    if (e instanceof SSLError) return e;
    return what === "handshake"
      ? fromRuntimeError(e, "Cannot complete the TLS handshake")
      : tlsFailure(e, what);
  }

  /** Closes the plain transport once what the engine wrote (an alert) is out. */
  #closePlain(): void {
    const inner = this.below.inner;
    this.below.writing.then(() => {
      try {
        inner.close();
      } catch { /* closed already */ }
    });
  }

  /** What the handshake settled (call after it resolved; see `LibsslSession`). */
  session(): TlsSession {
    return new LibsslSession(this.#tls!, this.#verify, this.hello);
  }

  /** How many decrypted bytes are waiting to be read. */
  get buffered(): number {
    return this.#tls !== null && this.#ready && !this.#closed ? this.#tls.pending() : 0;
  }

  /** A TLS 1.3 server asks the client for its certificate (sent with the next write). */
  verifyClientPostHandshake(): void {
    if (this.#closed) throw closedError();
    this.#tls!.verifyClientPostHandshake();
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#decrypted(p, false) as Promise<number | null>;
  }

  /**
   * Up to `max` (> 0) decrypted bytes as an array of their own, made once
   * they are decrypted: a read waiting on a quiet connection holds no
   * buffer of the caller's (the engine decrypts into the process's one
   * buffer for this, copied out at once).
   */
  readChunk(max: number): Promise<Uint8Array<ArrayBuffer> | null> {
    const size = Math.min(max, CHUNK_MAX);
    if (chunkBuffer.length < size) chunkBuffer = new Uint8Array(CHUNK_MAX);
    const into = chunkBuffer.length === size ? chunkBuffer : chunkBuffer.subarray(0, size);
    return this.#decrypted(into, true) as Promise<Uint8Array<ArrayBuffer> | null>;
  }

  /**
   * Decrypts into `p`, reading the plain transport while the engine wants
   * bytes: the count (0 for no room), or with `copy` the bytes as an array
   * of their own, copied out at once (nothing else runs between the two);
   * `null` at the end: the peer's close_notify, or a ragged end where those
   * are suppressed.
   */
  async #decrypted(p: Uint8Array, copy: boolean): Promise<number | Uint8Array | null> {
    const tls = this.#tls ?? await this.begin();
    if (!this.#ready) await this.handshake;
    for (;;) {
      if (this.#closed) throw closedError();
      if (this.#failed !== null) throw this.#failed;
      if (this.#eof) return null;
      if (p.length === 0) return 0;
      try {
        const n = tls.readMany(p);
        if (n > 0) return copy ? p.slice(0, n) : n;
        if (n === WANT_READ) {
          await this.#fill("read");
          continue;
        }
        this.#eof = true; // close_notify
        return null;
      } catch (e) {
        if (e instanceof SSLWantReadError) {
          await this.#fill("read");
          continue;
        }
        // close_notify after this side sent its own (OpenSSL's "zero return").
        if (e instanceof SSLZeroReturnError) {
          this.#eof = true;
          return null;
        }
        if (e instanceof SSLEOFError && this.#suppressRaggedEofs) {
          this.#eof = true;
          return null;
        }
        throw this.#failed = this.#mapped(e, "read");
      }
    }
  }

  async write(p: Uint8Array): Promise<number> {
    const tls = this.#tls ?? await this.begin();
    if (!this.#ready) await this.handshake;
    if (this.#closed) throw closedError();
    if (this.#outgoing.error !== null) throw this.#writeFailure(this.#outgoing.error);
    if (this.#failed !== null && !(this.#failed instanceof SSLEOFError)) throw this.#failed;
    if (p.length === 0) return 0;
    const n = tls.write(p.length > WRITE_MAX ? p.subarray(0, WRITE_MAX) : p);
    // Done once the connection took it, as a plain socket's send (a close() after loses nothing).
    await this.#flushed();
    return n;
  }

  /** Sends close_notify (once), then half-closes the plain transport. */
  async closeWrite(): Promise<void> {
    const tls = this.#tls ?? await this.begin();
    await this.handshake;
    if (this.#closed) throw closedError();
    if (!this.#shut) {
      this.#shut = true;
      try {
        tls.closeNotify();
      } catch (e) {
        throw this.#mapped(e, "read");
      }
    }
    await this.#flushed();
    await this.below.inner.closeWrite();
  }

  /** `SSL_shutdown`: sends close_notify (once); true once the peer's came too. */
  #shutdown(tls: MemoryTls): boolean {
    try {
      tls.shutdown();
      this.#shut = true;
      return true;
    } catch (e) {
      this.#shut = true;
      if (e instanceof SSLWantReadError) return false;
      // The peer hung up without its close_notify: a ragged end, as a read takes it.
      if (e instanceof SSLEOFError && this.#suppressRaggedEofs) return true;
      throw this.#mapped(e, "read");
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.below.unwrapping) {
      try {
        this.below.inner.close();
      } catch { /* closed already */ }
    }
    this.#free();
  }

  /**
   * Frees libssl's connection once nothing of this side's may still call
   * it: at once when no call awaits the plain transport, else when that
   * read settles (every call checks that the transport is closed first).
   */
  #free(): void {
    const tls = this.#tls;
    if (tls === null) {
      // Not started yet, or starting: freed once it is made.
      this.starting?.then((t) => t.free(), () => {});
      return;
    }
    const pending = this.below.inflight;
    if (pending === null) tls.free();
    else pending.then(() => tls.free(), () => tls.free());
  }

  /**
   * Shuts TLS down (close_notify both ways) and hands back the plain
   * transport, still open; bytes the peer sent after its close_notify are
   * the plain transport's first.
   */
  async unwrap(): Promise<OverPlain & StreamTransport> {
    const below = this.below;
    const tls = this.#tls ?? await this.begin();
    await this.handshake;
    below.unwrapping = true;
    while (!this.#shutdown(tls)) await this.#fill("read");
    await this.#flushed();
    // What the engine was handed after the peer's close_notify, then what it was not handed.
    const incoming = this.#incoming;
    const rest = concat(incoming.reclaim?.() ?? EMPTY, incoming.bytes);
    incoming.reclaim = null;
    incoming.bytes = EMPTY;
    below.rest = rest.length > 0 ? rest : below.ended ? null : undefined;
    below.detached = true;
    this.#closed = true;
    this.#free();
    return new Handback(below);
  }

  detach(): StreamTransport {
    const below = this.below;
    below.unwrapping = true;
    below.detached = true;
    this.#closed = true;
    this.#free();
    return below.inner;
  }
}
