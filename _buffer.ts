// Copyright 2026 the pysocket authors. MIT license.
// The one read buffer behind every read path of a stream socket: recv,
// recv_into, MSG_PEEK, MSG_WAITALL, makefile, readable and select.
//
// Deno cannot cancel a pending `conn.read()`. So a read that may give up (a
// timeout, a non-blocking call, a peek) never reads into the caller's memory:
// it starts a *fill* into this buffer and waits for it until its deadline.
// A fill that outlives its caller keeps running and its bytes stay here for
// the next read. Only a blocking read with nothing buffered reads straight
// into the caller's buffer, because it cannot give up.

import { type Deadline, expired, settledBy } from "./_wait.ts";

/** What the buffer reads from: a `Deno.Conn`, or anything with its `read()`. */
export interface Reader {
  read(p: Uint8Array): Promise<number | null>;
}

const FIRST_SIZE = 16 * 1024;
const MAX_HINT = 256 * 1024;
const EMPTY = new Uint8Array(0);

export class ReadBuffer {
  #reader: Reader;
  #buf: Uint8Array = EMPTY; // allocated by the first fill: a socket read only directly needs none
  #start = 0;
  #end = 0;
  #fill: Promise<void> | null = null;
  #eof = false;
  #error: unknown = null;
  #onData: ((n: number | null) => void) | null = null; // made by the first fill, as #buf
  #onError: ((e: unknown) => void) | null = null;

  constructor(reader: Reader) {
    this.#reader = reader;
  }

  /** How many bytes are buffered. */
  get size(): number {
    return this.#end - this.#start;
  }

  /** Whether a read would return at once: bytes buffered, end of stream, or an error. */
  get ready(): boolean {
    return this.#end > this.#start || this.#eof || this.#error !== null;
  }

  /** Whether the stream has ended (or failed) and the buffer is empty. */
  get done(): boolean {
    return this.#end === this.#start && (this.#eof || this.#error !== null);
  }

  /** Whether no more bytes will come (end of stream or an error), buffered ones aside. */
  get ended(): boolean {
    return this.#eof || this.#error !== null;
  }

  /** Whether a fill is under way. */
  get filling(): boolean {
    return this.#fill !== null;
  }

  /** The buffered bytes, valid until the next fill or consume. */
  view(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  /** Drops `n` buffered bytes from the front. */
  consume(n: number): void {
    this.#start += n;
    if (this.#start === this.#end && this.#fill === null) this.#start = this.#end = 0;
  }

  /** Copies up to `p.length` buffered bytes into `p`, consuming them; returns the count. */
  take(p: Uint8Array): number {
    const n = Math.min(p.length, this.#end - this.#start);
    p.set(this.#buf.subarray(this.#start, this.#start + n));
    this.consume(n);
    return n;
  }

  /** Removes and returns up to `max` buffered bytes as a new array. */
  takeBytes(max: number): Uint8Array {
    const n = Math.min(max, this.#end - this.#start);
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.consume(n);
    return out;
  }

  /** Marks the end of reading (`SHUT_RD`): what is buffered stays readable. */
  endReading(): void {
    this.#eof = true;
  }

  /**
   * Throws the read error that ended the stream, once, when nothing is left
   * in the buffer before it; after that the stream reads as ended.
   */
  throwError(): void {
    if (this.#error === null || this.#end > this.#start) return;
    const e = this.#error;
    this.#error = null;
    this.#eof = true;
    throw e;
  }

  /**
   * Starts a fill if none is under way; the promise never rejects. `hint`
   * asks for room for that many bytes (up to 256 KiB), so that a timed read
   * of 64 KiB takes one fill rather than four; the buffer keeps that size.
   */
  startFill(hint = 0): Promise<void> {
    if (this.#fill) return this.#fill;
    if (this.#eof || this.#error !== null) return Promise.resolve();
    const room = this.#buf.length - this.#end;
    const need = Math.max(1, Math.min(hint, MAX_HINT));
    if (room < need) {
      const used = this.#end - this.#start;
      if (this.#start > 0 && used <= this.#buf.length >> 1 && this.#buf.length - used >= need) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const size = Math.max(FIRST_SIZE, used + need, room === 0 ? this.#buf.length * 2 : 0);
        const bigger = new Uint8Array(size);
        bigger.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = bigger;
      }
      this.#start = 0;
      this.#end = used;
    }
    this.#onData ??= (n) => {
      this.#fill = null;
      if (n === null) this.#eof = true;
      else this.#end += n;
    };
    this.#onError ??= (e) => {
      this.#fill = null;
      this.#error = e;
    };
    this.#fill = this.#reader.read(this.#buf.subarray(this.#end)).then(this.#onData, this.#onError);
    return this.#fill;
  }

  /**
   * Waits for more bytes (or the end of the stream) until `deadline`;
   * `hint` as for `startFill()`.
   *
   * @throws {BlockingIOError|TimeoutError} when the deadline passes first;
   * the fill goes on and its bytes stay for the next read.
   */
  async more(deadline: Deadline, op: string, hint = 0): Promise<void> {
    const fill = this.startFill(hint);
    if (deadline === null) await fill;
    else if (!await settledBy(fill, deadline)) throw expired(deadline, op);
  }

  /**
   * Reads straight into `p`: only when nothing is buffered, no fill is under
   * way and the caller waits without a deadline. Resolves 0 at end of stream.
   */
  async readDirect(p: Uint8Array): Promise<number> {
    const n = await this.#reader.read(p);
    if (n === null) {
      this.#eof = true;
      return 0;
    }
    return n;
  }

  /** Whether a direct read is allowed now (see `readDirect`). */
  get direct(): boolean {
    return this.#end === this.#start && this.#fill === null && !this.#eof &&
      this.#error === null;
  }
}
