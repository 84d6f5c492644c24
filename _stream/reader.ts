// Copyright 2026 the pysocket authors. MIT license.
// The read side of a stream socket: one reader owns the transport's reads,
// the one read buffer, the read lock and the direct fast path. recv,
// recv_into, MSG_PEEK, MSG_WAITALL, makefile, readable and select all read
// through it, so none of them can lose or reorder a byte.
//
// Deno cannot cancel a pending read. So a read that may give up (a timeout,
// a non-blocking call, a peek, select) never reads into the caller's
// memory: it starts a *fill* into this buffer and waits for it until its
// deadline. A fill that outlives its caller keeps running and its bytes stay
// here for the next read. Only a blocking read with nothing buffered reads
// straight into the caller's buffer, because it cannot give up.
//
// The buffer grows geometrically (to the size a caller asks for at once) and
// compacts in place only when what was consumed pays for the copy, so
// reading N bytes copies O(N) bytes whatever size the transport's reads
// come back in. An empty buffer that grew large is let go.
//
// A file's `read(n)` of more than a few KiB (`readBytes`) makes the buffer
// the array it returns: the bytes already buffered move to its front once,
// every fill reads into its tail, and the array is handed over whole. So the
// bytes are read straight into the result, timed or not, and a read that
// gives up leaves them buffered there for the next one.

import {
  type Deadline,
  NONBLOCK,
  waitUntil,
  type WouldBlock,
  wouldBlock,
} from "../_common/deadline.ts";
import { Liveness } from "../_common/liveness.ts";
import { Lock } from "../_common/lock.ts";
import { testing } from "../_common/testing.ts";
import { ownCopy, type Scratch } from "../_common/bytes.ts";

/** What the reader reads from: the read side of a stream transport. */
export interface Source {
  /** Reads into `p`: resolves the count, or `null` at end of stream. */
  read(p: Uint8Array): Promise<number | null>;
  /** `read(p)` with its failure not mapped yet (`StreamTransport.readRaw`); with `mapError`. */
  readRaw?(p: Uint8Array): Promise<number | null>;
  /** The package's error for a failure of `readRaw`. */
  mapError?(e: unknown): unknown;
  /** The next bytes as an array of their own (`StreamTransport.readChunk`). */
  readChunk?(max: number): Promise<Uint8Array<ArrayBuffer> | null>;
  /** A pending read keeps the process alive (where the source can say). */
  ref?(): void;
  /** A pending read no longer keeps the process alive. */
  unref?(): void;
}

/**
 * Finds where a read ends in the buffered bytes `buf[start..end)`: how many
 * of them to take, or -1 when more bytes are needed. `from` is how many an
 * earlier call on the same read already looked at; `ended` says no more
 * bytes will come (then -1 takes everything left). Indexes rather than a
 * view, so that a line found costs no allocation.
 */
export type Scan = (
  buf: Uint8Array,
  start: number,
  end: number,
  from: number,
  ended: boolean,
) => number;

/** Where a read ends: a `Scan`, or a byte value that ends it (taken with it), as `"\n"` ends a line. */
export type Until = Scan | number;

/**
 * Turns the bytes a read takes, `buf[start..end)`, into its result: a copy,
 * a decoded string. `buf` may be written over once the call returns.
 */
export type Take<R> = (buf: Uint8Array, start: number, end: number) => R;

/**
 * A `Take` that hands out the bytes themselves, as a view into the buffer —
 * no copy, one small object — as `conn.readable`'s chunks are views into
 * the buffer each read filled. The reader never writes those bytes again:
 * once a view is out, the next fill goes to a fresh buffer (of at most 64
 * KiB and what is still unread, so a view kept keeps no more than that alive).
 */
export const view: Take<Uint8Array<ArrayBuffer>> = (buf, start, end) =>
  new Uint8Array(buf.buffer as ArrayBuffer, buf.byteOffset + start, end - start);

/**
 * Says which byte to drop if it comes first (-1: none), asked once the first
 * byte is there: text files use it for the `\n` that completes a `\r` they
 * already returned as a line end.
 */
export type Skip = () => number;

/** Byte accounting, for tests that check what reads cost without timing them. */
const stats = testing.reader;

/**
 * The first size of the buffer: what an idle connection's fill under way
 * holds (a select's prefetch, a timed read, a file's readline). Fills that
 * come back full double the next, so a busy stream reaches Python's
 * `io.DEFAULT_BUFFER_SIZE` (8 KiB) and beyond within a few reads.
 */
const FIRST_SIZE = 1024;
/** An emptied buffer larger than this is let go (an idle connection keeps no big buffer). */
const KEEP_MAX = 1024 * 1024;
/** While fills come back full, each asks for twice the room of the last, up to this. */
const FILL_MAX = 64 * 1024;
/**
 * A `readBytes(size)` up to this size reads into an array of `size` bytes;
 * a larger one into a resizable one that grows as bytes come (so a huge
 * size allocates only what arrives) and is made fixed-length at the end.
 */
const EXACT_MAX = 64 * 1024 * 1024;
/** The first size of a resizable `readBytes()` array (with room for what is buffered). */
const GROW_FIRST = 64 * 1024;
const EMPTY = new Uint8Array(0);
const RESOLVED = Promise.resolve();

/**
 * Whether what a handler of the transport's read was given is the read's
 * count (`null` at end of stream) rather than its failure: a read fulfils
 * with one and rejects with an error object, never a number or `null`. So
 * one handler serves both outcomes (`then(h, h)`): a reader holds one
 * function per kind of read, not two.
 */
function isCount(got: unknown): got is number | null {
  return typeof got === "number" || got === null;
}

export class Reader {
  readonly #src: Source;
  readonly #wouldBlock: WouldBlock;
  readonly #lock = new Lock();
  /** Held while a caller awaits a read; a fill left for the next read keeps nobody alive. */
  readonly live: Liveness;
  #buf: Uint8Array = EMPTY; // made by the first fill: a reader that only reads directly needs none
  #start = 0;
  #end = 0;
  #fill: Promise<void> | null = null;
  /** End of stream seen, or reading shut down. */
  #eof = false;
  /** A read failure, reported once the bytes before it have been read. */
  #error: unknown = null;
  /**
   * The handlers of the transport's reads, each for both outcomes (see
   * `isCount`) and made once per reader, on its first read of that kind:
   * a fill's (made with `#buf`), a direct read's, a direct receive's, a
   * chunk receive's.
   */
  #onFilled: ((got: unknown) => void) | null = null;
  #onDirect: ((got: unknown) => number) | null = null;
  #onReceived: ((got: unknown) => Uint8Array<ArrayBuffer>) | null = null;
  #onChunk: ((got: unknown) => Uint8Array<ArrayBuffer>) | null = null;
  /** The scratch buffer a direct receive reads into, and what of it, while one is under way. */
  #receiving: Scratch | null = null;
  #receiveInto: Uint8Array = EMPTY;
  /** Bytes before `#start` may be seen through views handed out (`view`): never write them again. */
  #shared = false;
  /** The room the last fill was given, and whether it came back full (then the next gets more). */
  #asked = 0;
  #full = false;
  /** The buffer is a resizable `readBytes()` array: its bytes are never handed out as views. */
  #resizable = false;

  /**
   * Errors reach callers as the transport threw them (the package's
   * OSErrors, mapped at its edge), and a deadline's as `expired()` makes them.
   *
   * @param src The transport to read from.
   * @param blocked What a non-blocking read that would block raises
   *   (`BlockingIOError`; a TLS socket's `SSLWantReadError`).
   * @param live The hold on the transport, shared with its writer.
   */
  constructor(src: Source, blocked: WouldBlock = wouldBlock, live: Liveness = new Liveness(src)) {
    this.#src = src;
    this.#wouldBlock = blocked;
    this.live = live;
  }

  // ---- the vocabulary shared with the acceptor and the datagram channel

  /** Whether a read would return at once: bytes buffered, end of stream, or an error. */
  get ready(): boolean {
    return this.#end > this.#start || this.#eof || this.#error !== null;
  }

  /** Whether a read is under way or bytes are buffered (the transport cannot be handed over). */
  get busy(): boolean {
    return this.#lock.held || this.#fill !== null || this.#end > this.#start;
  }

  /**
   * Starts a fill of the buffer unless one is under way; resolves when it
   * settles (never rejects). `hint` asks for room for that many bytes, so a
   * timed read of 64 KiB takes one fill rather than eight.
   */
  prefetch(hint = 0): Promise<void> {
    if (this.#fill !== null) return this.#fill;
    if (this.#eof || this.#error !== null) return RESOLVED;
    const grow = this.#full ? Math.min(this.#asked * 2, FILL_MAX) : 0;
    this.#makeRoom(Math.max(1, hint, grow));
    return this.#startFill();
  }

  /** Starts a fill of the room after the buffered bytes (there is some; no fill is under way). */
  #startFill(): Promise<void> {
    this.#onFilled ??= (got) => {
      this.#fill = null;
      if (!isCount(got)) this.#error = this.#failure(got);
      else if (got === null) this.#eof = true;
      else {
        this.#end += got;
        this.#full = got === this.#asked;
      }
    };
    this.#asked = this.#buf.length - this.#end;
    stats.fills++;
    // An empty buffer is read into as it is: a pending fill makes no view of it.
    const into = this.#end === 0 ? this.#buf : this.#buf.subarray(this.#end);
    return this.#fill = this.#read(into).then(this.#onFilled, this.#onFilled);
  }

  /**
   * The transport's read of `p`: its runtime's own promise where it hands
   * one out (then every failure handler of a read passes what it gets
   * through `#failure`), so a read costs one promise of ours fewer.
   */
  #read(p: Uint8Array): Promise<number | null> {
    const src = this.#src;
    try {
      return src.readRaw === undefined ? src.read(p) : src.readRaw(p);
    } catch (e) {
      return Promise.reject(e); // mapped with the rest, by the failure handler
    }
  }

  /** A direct read or receive is over: the next caller's turn; `ended`: at end of stream, or failed. */
  #directOver(ended: boolean): void {
    this.#lock.release();
    this.live.leave();
    if (ended) this.#eof = true; // a stream that failed reads as ended after the failure
  }

  /** A read's failure as the package's error (see `#read`). */
  #failure(e: unknown): unknown {
    return this.#src.mapError === undefined ? e : this.#src.mapError(e);
  }

  /**
   * `prefetch()` for a caller that does not read (select, selectors): the
   * fill it starts keeps the process alive only while a read awaits it.
   */
  watch(): Promise<void> {
    const fill = this.prefetch();
    this.#stray();
    return fill;
  }

  /**
   * Waits for the next fill as a read does — the transport held while it
   * waits — without taking the lock (a `readable` stream's pull). Never rejects.
   */
  async arrival(): Promise<void> {
    this.live.enter();
    try {
      await this.prefetch();
    } finally {
      this.#letGo();
    }
  }

  /** A fill under way is nobody's (yet): it keeps no finished program alive. */
  #stray(): void {
    if (this.#fill !== null) this.live.stray();
  }

  /** The read `live.enter()` began is over: a fill it leaves under way is nobody's. */
  #letGo(): void {
    this.#stray();
    this.live.leave();
  }

  /** How many bytes are buffered. */
  get size(): number {
    return this.#end - this.#start;
  }

  // ---- verbs

  /**
   * Reads 1..`p.length` bytes into `p` (0 at end of stream): Python's
   * `recv_into`. Blocking with nothing buffered, it reads straight into `p`.
   *
   * @throws {TimeoutError|BlockingIOError} when `deadline` passes (nothing is consumed).
   */
  read(p: Uint8Array, deadline: Deadline, op: string): Promise<number> {
    if (deadline === null && this.#direct() && this.#lock.tryAcquire()) {
      // The hot path: blocking, nothing buffered, no fill under way, no other
      // reader: straight into the caller's buffer (no timer, no copy), with
      // one promise reaction on the transport's read and nothing else — a
      // read waiting on an idle connection holds no frame of ours.
      this.live.enter();
      const done = this.#onDirect ??= this.#directDone();
      return this.#read(p).then(done, done);
    }
    return this.#readBuffered(p, deadline, op);
  }

  /** The handler of a direct read (made once per reader, on its first direct read). */
  #directDone(): (got: unknown) => number {
    return (got) => {
      const ok = isCount(got);
      this.#directOver(!ok || got === null);
      if (!ok) throw this.#failure(got);
      return got ?? 0;
    };
  }

  /**
   * `receive()` where the transport pushes its bytes in chunks
   * (`readChunk`): blocking, nothing buffered and no other reader, the next
   * bytes as the transport copies them out, with no buffer of the caller's
   * held while waiting; `null` where those conditions do not hold (then
   * `receive()` it is).
   */
  receiveChunk(bufsize: number, deadline: Deadline): Promise<Uint8Array<ArrayBuffer>> | null {
    const src = this.#src;
    if (
      src.readChunk === undefined || deadline !== null || !this.#direct() ||
      !this.#lock.tryAcquire()
    ) return null;
    this.live.enter();
    let got: Promise<Uint8Array<ArrayBuffer> | null>;
    try {
      got = src.readChunk(bufsize);
    } catch (e) {
      got = Promise.reject(e);
    }
    const done = this.#onChunk ??= this.#chunkDone();
    return got.then(done, done);
  }

  /**
   * The handler of a chunk receive, for both outcomes (made once per
   * reader, on its first): the chunk's bytes, `null` at end of stream, or
   * the failure (an error object).
   */
  #chunkDone(): (got: unknown) => Uint8Array<ArrayBuffer> {
    return (got) => {
      const ok = got === null || got instanceof Uint8Array;
      this.#directOver(!ok || got === null);
      if (!ok) throw got; // the transport's own, mapped at its edge
      return (got ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>;
    };
  }

  /**
   * Receives up to `bufsize` bytes (`bufsize` > 0) as an array of their own,
   * empty at end of stream: Python's `recv`. It reads into `scratch`'s
   * reused buffer and copies out only what came; blocking with nothing
   * buffered, with one promise reaction on the transport's read, as
   * `read()`, so a receive waiting on an idle connection holds no frame or
   * promise of ours.
   *
   * @throws {TimeoutError|BlockingIOError} when `deadline` passes (nothing is consumed).
   */
  receive(
    scratch: Scratch,
    bufsize: number,
    deadline: Deadline,
    op: string,
  ): Promise<Uint8Array<ArrayBuffer>> {
    const buf = scratch.take(bufsize);
    if (deadline === null && this.#direct() && this.#lock.tryAcquire()) {
      this.live.enter();
      this.#receiving = scratch;
      this.#receiveInto = buf;
      const done = this.#onReceived ??= this.#receivedDone();
      return this.#read(buf).then(done, done);
    }
    return scratch.settle(buf, this.#readBuffered(buf, deadline, op));
  }

  /** The handler of a direct receive (made once per reader, on its first). */
  #receivedDone(): (got: unknown) => Uint8Array<ArrayBuffer> {
    return (got) => {
      const scratch = this.#receiving!, buf = this.#receiveInto;
      this.#receiving = null;
      this.#receiveInto = EMPTY;
      if (!isCount(got)) {
        scratch.drop(buf);
        this.#directOver(true);
        throw this.#failure(got);
      }
      this.#directOver(got === null);
      return scratch.release(buf, got ?? 0);
    };
  }

  async #readBuffered(p: Uint8Array, deadline: Deadline, op: string): Promise<number> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire(deadline, op, "read", this.#wouldBlock);
    this.live.enter();
    try {
      if (p.length === 0) return 0;
      while (this.#end === this.#start) {
        this.#throwError();
        if (this.#eof) return 0;
        if (deadline === null && this.#fill === null) return await this.#readDirect(p);
        await waitUntil(this.prefetch(p.length), deadline, op, "read", this.#wouldBlock);
      }
      return this.#take(p);
    } finally {
      this.#lock.release();
      this.#letGo();
    }
  }

  /**
   * Copies buffered bytes into `p` without consuming them (`MSG_PEEK`):
   * waits for one byte, or for all of `p` when `all` (`MSG_WAITALL`), or
   * for the end of the stream.
   *
   * @throws {TimeoutError|BlockingIOError} when `deadline` passes.
   */
  async peek(p: Uint8Array, all: boolean, deadline: Deadline, op: string): Promise<number> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire(deadline, op, "read", this.#wouldBlock);
    this.live.enter();
    try {
      const want = all ? p.length : Math.min(1, p.length);
      while (this.size < want && !this.#eof && this.#error === null) {
        await waitUntil(this.prefetch(want - this.size), deadline, op, "read", this.#wouldBlock);
      }
      this.#throwError();
      const n = Math.min(p.length, this.size);
      p.set(this.#buf.subarray(this.#start, this.#start + n));
      stats.copied += n;
      return n;
    } finally {
      this.#lock.release();
      this.#letGo();
    }
  }

  /**
   * Fills all of `p` unless the stream ends first (`MSG_WAITALL`); resolves
   * the count. If the stream fails after some bytes, those bytes are
   * returned and the next read raises the failure, so no byte is lost.
   * Blocking, it reads straight into `p` once the buffer is empty; with a
   * deadline it takes nothing unless all of `p` (or the end) arrives in time.
   *
   * @throws {TimeoutError|BlockingIOError} when `deadline` passes (nothing is consumed).
   */
  async readExactly(p: Uint8Array, deadline: Deadline, op: string): Promise<number> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire(deadline, op, "read", this.#wouldBlock);
    this.live.enter();
    try {
      if (deadline !== null) {
        while (this.size < p.length && !this.#eof && this.#error === null) {
          await waitUntil(
            this.prefetch(p.length - this.size),
            deadline,
            op,
            "read",
            this.#wouldBlock,
          );
        }
        if (this.size === 0) this.#throwError();
        return this.#take(p);
      }
      let got = this.#take(p);
      try {
        while (got < p.length) {
          if (this.#end === this.#start) {
            this.#throwError();
            if (this.#eof) break;
          }
          const n = this.#fill === null && this.#end === this.#start
            ? await this.#readDirect(p.subarray(got))
            : (await this.prefetch(), this.#take(p.subarray(got)));
          if (n === 0 && this.#eof && this.#end === this.#start) break;
          got += n;
        }
      } catch (e) {
        if (got === 0) throw e;
        this.#error = e; // the bytes first; the failure at the next read
      }
      return got;
    } finally {
      this.#lock.release();
      this.#letGo();
    }
  }

  /**
   * Reads `size` bytes, fewer only at end of stream, into an array of their
   * own: a file's `read(size)`. The buffer becomes that array — the bytes
   * already buffered move to its front, each fill reads into its tail — and
   * is handed over, so nothing else is copied: an array of `size` bytes up
   * to 64 MiB, above that a resizable one grown (geometrically) as bytes
   * come and made fixed-length at the end. If the stream fails after some
   * bytes, those bytes are returned and the next read raises the failure.
   *
   * @throws {TimeoutError|BlockingIOError} when `deadline` passes (nothing
   *   is consumed: what arrived stays buffered, in that array, for the next read).
   */
  async readBytes(size: number, deadline: Deadline, op: string): Promise<Uint8Array<ArrayBuffer>> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire(deadline, op, "read", this.#wouldBlock);
    this.live.enter();
    try {
      while (this.#end - this.#start < size && !this.#eof && this.#error === null) {
        // A fill under way (select's, a read that gave up) reads into the buffer as it is.
        if (this.#fill === null) {
          this.#shape(size);
          this.#startFill();
        }
        await waitUntil(this.#fill!, deadline, op, "read", this.#wouldBlock);
      }
      const n = Math.min(size, this.#end - this.#start);
      if (n === 0) {
        this.#throwError();
        return new Uint8Array(0);
      }
      return this.#handOver(n);
    } finally {
      this.#lock.release();
      this.#letGo();
    }
  }

  /**
   * Reads until `until` finds the end of what to take (a line, a count of
   * characters), or the stream ends; resolves `take` of those bytes (of no
   * bytes at end of stream). `want` is how many bytes the caller expects at
   * least, so the buffer grows to it at once; `skip` as for {@linkcode Skip}.
   *
   * @throws {TimeoutError|BlockingIOError} when `deadline` passes (nothing is consumed).
   */
  async readUntil<R>(
    until: Until,
    take: Take<R>,
    deadline: Deadline,
    op: string,
    want = 0,
    skip: Skip | null = null,
  ): Promise<R> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire(deadline, op, "read", this.#wouldBlock);
    this.live.enter();
    try {
      if (skip !== null) {
        while (this.#end === this.#start && !this.#eof && this.#error === null) {
          await waitUntil(this.prefetch(want), deadline, op, "read", this.#wouldBlock);
        }
        this.#skipFirst(skip());
      }
      for (let from = 0;;) {
        const ended = this.#eof || this.#error !== null;
        const size = this.#end - this.#start;
        const n = this.#scan(until, from, ended);
        if (n >= 0) return this.#takeWith(take, n);
        if (ended) {
          if (size === 0) this.#throwError();
          return this.#takeWith(take, size);
        }
        from = size;
        await waitUntil(this.prefetch(want - size), deadline, op, "read", this.#wouldBlock);
      }
    } finally {
      this.#lock.release();
      this.#letGo();
    }
  }

  /**
   * Takes what `until` finds in the bytes already buffered, at once, when no
   * other read is in progress (so call order holds), and returns `take` of
   * it; `undefined` when the caller must wait (`readUntil`). `skip` as for
   * {@linkcode Skip}.
   */
  tryTake<R>(until: Until, take: Take<R>, _op: string, skip: Skip | null = null): R | undefined {
    // Synchronous: when nobody holds the lock, nobody can take it before this returns.
    if (this.#lock.held) return undefined;
    const ended = this.#eof || this.#error !== null;
    if (skip !== null) {
      if (this.#end === this.#start && !ended) return undefined;
      this.#skipFirst(skip());
    }
    let n = this.#scan(until, 0, ended);
    if (n < 0) {
      if (!ended) return undefined;
      n = this.#end - this.#start;
      if (n === 0) this.#throwError();
    }
    return this.#takeWith(take, n);
  }

  /**
   * `tryTake(byte, view)` in one step, for a binary file's `readline()`: the
   * buffered bytes up to and including the first `byte`, as a view into the
   * buffer, when no other read is in progress; `undefined` when there is no
   * such byte yet (or another read holds the lock, or the buffer is a
   * resizable `readBytes()` array): then the caller reads with `readUntil`.
   * One call and one allocation per line, so that lines read at once cost
   * little even before the JIT has compiled them.
   */
  tryLine(byte: number): Uint8Array<ArrayBuffer> | undefined {
    if (this.#lock.held || this.#resizable) return undefined;
    const start = this.#start;
    const i = this.#buf.indexOf(byte, start);
    if (i < 0 || i >= this.#end) return undefined;
    // The buffer starts its ArrayBuffer: every buffer the reader makes is an array of its own.
    const line = new Uint8Array(this.#buf.buffer as ArrayBuffer, start, i + 1 - start);
    this.#shared = true;
    if (i + 1 < this.#end) this.#start = i + 1;
    else this.#consume(i + 1 - start);
    return line;
  }

  /**
   * Up to `max` buffered bytes as an array of their own, consumed, when some
   * are buffered and no other read is in progress (a `recv(bufsize)` after
   * select said readable): one copy, and no receive buffer of the caller's.
   * `undefined` when nothing is buffered (or another read holds the lock).
   */
  takeSome(max: number): Uint8Array<ArrayBuffer> | undefined {
    if (this.#lock.held || this.#end === this.#start) return undefined;
    return this.#takeWith(ownCopy, Math.min(max, this.#end - this.#start));
  }

  /**
   * Copies buffered bytes into `p` at once, when no other read is in
   * progress: the count, 0 at end of stream, or -1 when nothing is buffered
   * yet (or another read holds the lock).
   */
  tryRead(p: Uint8Array, _op: string): number {
    if (!this.#lock.tryAcquire()) return -1;
    try {
      if (this.#end === this.#start) {
        this.#throwError();
        return this.#eof ? 0 : -1;
      }
      return this.#take(p);
    } finally {
      this.#lock.release();
    }
  }

  /** Resolves once no read holds the lock (reads queued now have had their turn). */
  idle(): Promise<void> {
    return this.#lock.idle();
  }

  /**
   * `SHUT_RD`: later reads return what the peer had sent by now (what the
   * kernel holds, which one turn of the event loop brings in), then end of
   * stream.
   */
  async shutdownRead(): Promise<void> {
    if (this.#eof || this.#error !== null) return;
    const arrived = this.#fill ?? this.prefetch();
    await waitUntil(arrived, NONBLOCK, "shutdown").catch(() => {});
    this.#eof = true;
    this.#stray(); // a fill still under way is nobody's now
  }

  // ---- the buffer

  /** Whether a read may go straight to the transport: nothing buffered, pending or ended. */
  #direct(): boolean {
    return this.#end === this.#start && this.#fill === null && !this.#eof &&
      this.#error === null;
  }

  /** Reads straight into `p`; 0 at end of stream. A failure ends the stream after it is thrown. */
  async #readDirect(p: Uint8Array): Promise<number> {
    let n: number | null;
    try {
      n = await this.#src.read(p);
    } catch (e) {
      this.#eof = true;
      throw e;
    }
    if (n !== null) return n;
    this.#eof = true;
    return 0;
  }

  /**
   * Throws the failure that ended the stream, once, when nothing is left in
   * the buffer before it; after that the stream reads as ended (as Linux
   * reports a reset once, then end of stream).
   */
  #throwError(): void {
    if (this.#error === null || this.#end > this.#start) return;
    const e = this.#error;
    this.#error = null;
    this.#eof = true;
    throw e;
  }

  /** Makes room for `need` more bytes after the buffered ones (no fill is under way). */
  #makeRoom(need: number): void {
    const cap = this.#buf.length;
    if (cap - this.#end >= need) return;
    const used = this.#end - this.#start;
    if (!this.#shared && this.#start >= used && cap - used >= need) {
      // Compact in place: at most as many bytes as were consumed since the last move.
      this.#buf.copyWithin(0, this.#start, this.#end);
    } else {
      // A fresh buffer: twice the size (geometric growth), or, when views of
      // this one are out, just what the unread bytes and this fill need.
      const size = Math.max(FIRST_SIZE, this.#shared ? 0 : cap * 2, used + need);
      const bigger = new Uint8Array(size);
      if (used) bigger.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = bigger;
      this.#shared = false;
      this.#resizable = false;
    }
    stats.copied += used;
    this.#start = 0;
    this.#end = used;
  }

  /**
   * Makes the buffer the array a `readBytes(size)` returns, its unread bytes
   * at the front and room after them (no fill is under way): kept when it
   * already is one (a read that gave up left it), a resizable one grown
   * when full.
   */
  #shape(size: number): void {
    const buf = this.#buf;
    const ab = buf.buffer as ArrayBuffer;
    const used = this.#end - this.#start;
    const front = this.#start === 0 && !this.#shared;
    let out: Uint8Array;
    if (size <= EXACT_MAX) {
      if (front && !ab.resizable && ab.byteLength === size) return;
      out = new Uint8Array(size);
    } else {
      if (front && this.#resizable && ab.maxByteLength === size) {
        if (this.#end < buf.length) return;
        // Full: twice the room, in place.
        ab.resize(Math.min(size, buf.length * 2));
        this.#buf = new Uint8Array(ab, 0, ab.byteLength);
        return;
      }
      const grown = new ArrayBuffer(Math.min(size, Math.max(GROW_FIRST, used * 2)), {
        maxByteLength: size,
      });
      out = new Uint8Array(grown, 0, grown.byteLength);
    }
    if (used) out.set(buf.subarray(this.#start, this.#end));
    stats.copied += used;
    this.#buf = out;
    this.#start = 0;
    this.#end = used;
    this.#shared = false;
    this.#resizable = size > EXACT_MAX;
  }

  /**
   * The first `n` buffered bytes in an array of their own, consumed: the
   * buffer itself when it is that array (`#shape`; a resizable one made
   * fixed-length), else a copy.
   */
  #handOver(n: number): Uint8Array<ArrayBuffer> {
    const buf = this.#buf;
    if (this.#start !== 0 || this.#shared || this.#end !== n || this.#fill !== null) {
      return this.#takeWith(ownCopy, n);
    }
    const ab = buf.buffer as ArrayBuffer;
    let out: Uint8Array<ArrayBuffer>;
    if (this.#resizable) {
      // A copy: transferToFixedLength() copies too (a resizable buffer's memory cannot
      // become a fixed one in V8 or JSC), into zeroed memory, and is slower than slice().
      out = new Uint8Array(ab.slice(0, n));
      stats.copied += n;
    } else if (n === buf.length || n >= buf.length >>> 1) {
      out = new Uint8Array(ab, 0, n); // the array itself (at end of stream: the part filled)
    } else {
      return this.#takeWith(ownCopy, n); // the stream ended early: just the bytes that came
    }
    this.#buf = EMPTY;
    this.#start = this.#end = 0;
    this.#resizable = false;
    return out;
  }

  /** How many buffered bytes the read `until` ends after, looking from the `from`th; -1: more needed. */
  #scan(until: Until, from: number, ended: boolean): number {
    const start = this.#start;
    if (typeof until !== "number") return until(this.#buf, start, this.#end, from, ended);
    const i = this.#buf.indexOf(until, start + from);
    return i >= 0 && i < this.#end ? i + 1 - start : -1;
  }

  /** Drops the first buffered byte if it is `b`. */
  #skipFirst(b: number): void {
    if (b >= 0 && this.#end > this.#start && this.#buf[this.#start] === b) this.#consume(1);
  }

  /** Drops `n` buffered bytes from the front. */
  #consume(n: number): void {
    this.#start += n;
    if (this.#start === this.#end && this.#fill === null) {
      this.#start = this.#end = 0;
      if (this.#shared || this.#buf.length > KEEP_MAX) {
        // Views of it are out (or it grew large): the next fill takes a fresh buffer.
        this.#buf = EMPTY;
        this.#shared = false;
        this.#resizable = false;
      }
    }
  }

  /** Copies up to `p.length` buffered bytes into `p`, consuming them; returns the count. */
  #take(p: Uint8Array): number {
    const n = Math.min(p.length, this.#end - this.#start);
    if (n === 0) return 0;
    p.set(this.#buf.subarray(this.#start, this.#start + n));
    stats.copied += n;
    this.#consume(n);
    return n;
  }

  /** Hands the first `n` buffered bytes to `take`, then consumes them. */
  #takeWith<R>(take: Take<R>, n: number): R {
    // A resizable buffer's bytes go out as copies: a caller's bytes are fixed-length.
    if (this.#resizable && take === view) take = ownCopy as Take<R>;
    const out = take(this.#buf, this.#start, this.#start + n);
    if (take === view) this.#shared = true;
    else stats.copied += n;
    this.#consume(n);
    return out;
  }
}
