// Copyright 2026 the pysocket authors. MIT license.
// What a node stream (node:net's Socket, node:tls's TLSSocket) delivers in
// 'data' events, held until a socket's reader asks: each read copies into
// the caller's buffer from as many chunks as fit, and the stream is paused
// while too much waits (back-pressure to the peer), resumed once drained.

import { closedError } from "../_common/runtime_errors.ts";

/** Queued bytes beyond this pause the stream; below a quarter of it, it resumes. */
const QUEUE_MAX = 256 * 1024;

const EMPTY = new Uint8Array(0);

/**
 * The first `n` bytes of a pushed chunk as an array of its own: a plain
 * `Uint8Array` over the chunk's memory where the chunk is all of it and is
 * taken whole (node:net reads each chunk into memory of its own and hands it
 * over for good: nothing else sees it), else a copy (a node `Buffer`'s
 * `slice()` would be a view: the copy is made by hand).
 */
function ownBytes(chunk: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const buf = chunk.buffer;
  if (
    n === chunk.length && chunk.byteOffset === 0 && buf.byteLength === n &&
    buf instanceof ArrayBuffer && !buf.resizable
  ) return new Uint8Array(buf);
  const out = new Uint8Array(n);
  out.set(n === chunk.length ? chunk : chunk.subarray(0, n));
  return out;
}

/** The part of a node readable stream an inbox listens to and steers. */
export interface NodeReadable {
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (e: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** A node stream's bytes, read into callers' buffers in order, none lost. */
export class Inbox {
  /** Chunks not yet read, from `#head` on; `#queued` bytes in all. */
  #queue: Uint8Array[] = [];
  #head = 0;
  #queued = 0;
  #paused = false;
  #ended = false;
  #error: unknown = null;
  /** Closed by its owner: reads fail with EBADF, made when one meets it. */
  #closed = false;
  #wake: (() => void) | null = null;
  /**
   * A read waiting for bytes: chunks are copied straight into its buffer
   * (`n` bytes so far). Gathering, it is answered once its buffer is full or
   * at the end of the chunks the stream gives in one go.
   */
  #reader: {
    /**
     * The read's buffer; `null` for `readChunk()`, which takes up to `n`
     * bytes of the next chunk, or for `borrowChunk()` (`n` 0), which takes it whole.
     */
    p: Uint8Array | null;
    n: number;
    resolve: (got: number | Uint8Array | null) => void;
    reject: (e: unknown) => void;
  } | null = null;
  /** Answers the waiting read with what it has: the microtask a gathering read is answered in. */
  #answer: (() => void) | null = null; // made by the first gathering read
  readonly #stream: NodeReadable;
  readonly #map: (e: unknown) => unknown;
  readonly #gather: boolean;

  /**
   * @param stream The node stream to read.
   * @param map What a stream error becomes (the backend's mapping to the package's OSError).
   * @param gather Whether a waiting read takes every chunk the stream gives
   *   in one go (a TLS engine's records, decrypted from one read of the
   *   connection), up to its size, rather than the first alone.
   */
  constructor(stream: NodeReadable, map: (e: unknown) => unknown = (e) => e, gather = false) {
    this.#stream = stream;
    this.#map = map;
    this.#gather = gather;
    // One listener for the four events, told apart by what each passes: a
    // chunk ('data'), nothing or a flag ('end', 'close'), an error object
    // ('error'). A held connection keeps one function, not three.
    const onEvent = (got?: Uint8Array | boolean | Error) => {
      if (got instanceof Uint8Array) this.#push(got);
      else if (got === undefined || typeof got === "boolean") this.#end();
      else this.fail(got);
    };
    stream.on("data", onEvent);
    stream.on("end", onEvent);
    stream.on("close", onEvent);
    stream.on("error", onEvent);
  }

  /** A chunk the stream pushed: to the waiting read, as much as it takes; the rest queued. */
  #push(chunk: Uint8Array): void {
    const stream = this.#stream;
    const r = this.#reader;
    // Nothing is queued while a read waits: this chunk's first bytes are its.
    if (r !== null && r.p === null && r.n === 0) {
      // borrowChunk(): the chunk as it is.
      this.#reader = null;
      r.resolve(chunk);
      return this.#wakeUp();
    } else if (r !== null && r.p === null) {
      // readChunk(): as much of this chunk as the read takes, as an array of its own.
      this.#reader = null;
      const n = Math.min(r.n, chunk.length);
      r.resolve(ownBytes(chunk, n));
      if (n === chunk.length) return this.#wakeUp();
      chunk = chunk.subarray(n);
    } else if (r !== null) {
      const p = r.p!;
      const n = Math.min(p.length - r.n, chunk.length);
      p.set(n === chunk.length ? chunk : chunk.subarray(0, n), r.n);
      if (r.n === 0 && this.#gather && r.n + n < p.length) {
        queueMicrotask(
          this.#answer ??= () => {
            const r = this.#reader;
            if (r === null || r.p === null || r.n === 0) return;
            this.#reader = null;
            r.resolve(r.n);
          },
        );
      }
      r.n += n;
      if (!this.#gather || r.n === p.length) {
        this.#reader = null;
        r.resolve(r.n);
      }
      if (n === chunk.length) return this.#wakeUp();
      chunk = chunk.subarray(n);
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > QUEUE_MAX && !this.#paused) {
      this.#paused = true;
      stream.pause();
    }
    this.#wakeUp();
  }

  /** How many bytes wait to be read. */
  get buffered(): number {
    return this.#queued;
  }

  /** The stream ended (end of stream or closed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The error the stream failed with, or `null`. */
  get error(): unknown {
    return this.#failure();
  }

  /** The error reads fail with: the stream's, or EBADF once its owner closed it. */
  #failure(): unknown {
    if (this.#error === null && this.#closed) this.#error = closedError();
    return this.#error;
  }

  /**
   * The owner closed the stream: a read waiting now, and every read after,
   * fails with EBADF, as Python's (the error is made only when a read meets
   * it: closing an idle connection costs no error object).
   */
  close(): void {
    this.#closed = true;
    if (this.#reader !== null) this.fail(closedError());
    else this.#wakeUp();
  }

  /** Fails later reads with `e`, mapped (the first error stays); a read that has bytes gets them first. */
  fail(e: unknown): void {
    this.#error ??= this.#map(e);
    const r = this.#reader;
    this.#reader = null;
    if (r !== null && r.p !== null && r.n > 0) r.resolve(r.n);
    else r?.reject(this.#error);
    this.#wakeUp();
  }

  /** Resolves when something arrives, the stream ends or fails. */
  changed(): Promise<void> {
    return new Promise<void>((resolve) => this.#wake = resolve);
  }

  /**
   * Reads into `p`: what is queued at once, else the next bytes to come;
   * `null` at end of stream. Queued bytes are read before an error is.
   */
  read(p: Uint8Array): Promise<number | null> {
    const n = this.#take(p);
    if (n > 0 || p.length === 0) return Promise.resolve(n);
    const failure = this.#failure();
    if (failure !== null) return Promise.reject(failure);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve, reject) =>
      this.#reader = { p, n: 0, resolve: resolve as (got: unknown) => void, reject }
    );
  }

  /**
   * The next bytes, up to `max` (> 0), as an array of their own: what is
   * queued at once, else as much of the next chunk as fits, copied out as
   * it arrives (a read waiting on an idle stream holds no buffer); `null`
   * at end of stream. Queued bytes are read before an error is.
   */
  readChunk(max: number): Promise<Uint8Array<ArrayBuffer> | null> {
    if (this.#queued > 0) {
      const out = new Uint8Array(Math.min(max, this.#queued));
      this.#take(out);
      return Promise.resolve(out);
    }
    const failure = this.#failure();
    if (failure !== null) return Promise.reject(failure);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve, reject) =>
      this.#reader = { p: null, n: max, resolve: resolve as (got: unknown) => void, reject }
    );
  }

  /**
   * The next bytes as the stream pushed them, not copied: the first chunk
   * queued at once, else the next to arrive; `null` at end of stream. For a
   * caller that reads them at once and keeps them unchanged (a TLS engine
   * copies them into its own memory): one copy fewer than `read()`, and
   * no buffer held while waiting. Queued bytes are read before an error is.
   */
  borrowChunk(): Promise<Uint8Array | null> {
    if (this.#queued > 0) {
      const chunk = this.#queue[this.#head];
      this.#queue[this.#head++] = EMPTY;
      this.#consumed(chunk.length);
      return Promise.resolve(chunk);
    }
    const failure = this.#failure();
    if (failure !== null) return Promise.reject(failure);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve, reject) =>
      this.#reader = { p: null, n: 0, resolve: resolve as (got: unknown) => void, reject }
    );
  }

  #end(): void {
    this.#ended = true;
    const r = this.#reader;
    this.#reader = null;
    r?.resolve(r.p !== null && r.n > 0 ? r.n : null);
    this.#wakeUp();
  }

  #wakeUp(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  /** Copies queued bytes into `p`, as many as fit, from as many chunks as it takes. */
  #take(p: Uint8Array): number {
    const queue = this.#queue;
    let n = 0;
    while (n < p.length && this.#head < queue.length) {
      const chunk = queue[this.#head];
      const k = Math.min(p.length - n, chunk.length);
      p.set(k === chunk.length ? chunk : chunk.subarray(0, k), n);
      n += k;
      if (k === chunk.length) queue[this.#head++] = EMPTY;
      else queue[this.#head] = chunk.subarray(k);
    }
    this.#consumed(n);
    return n;
  }

  /** `n` bytes left the queue: the queue is reset once empty, the stream resumed once drained. */
  #consumed(n: number): void {
    const queue = this.#queue;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    }
    this.#queued -= n;
    if (this.#paused && this.#queued < QUEUE_MAX / 4) {
      this.#paused = false;
      this.#stream.resume();
    }
  }
}
