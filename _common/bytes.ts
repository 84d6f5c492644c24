// Copyright 2026 the pysocket authors. MIT license.
// Bytes and the other arguments of the calls that move bytes: bytes-like
// checks, counts, flags, `*_into` views, and the receive buffer that
// `recv(bufsize)` reuses.

import {
  MSG_CONFIRM,
  MSG_DONTROUTE,
  MSG_EOR,
  MSG_ERRQUEUE,
  MSG_MORE,
  MSG_OOB,
  MSG_TRUNC,
} from "../constants.ts";
import { errno, OSError } from "../errors.ts";

/** Bytes-like data, as Python's "bytes-like object": any typed array, `DataView` or `ArrayBuffer`. */
export type BytesLike = ArrayBufferView | ArrayBufferLike;

/** The name of a value's type, for error messages: "string", "number", "Array", "null"... */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return (value as object).constructor?.name ?? "object";
}

/**
 * Views bytes-like data (any `ArrayBufferView` or `ArrayBuffer`) as a
 * `Uint8Array` without copying; anything else is a `TypeError`, as `str` is
 * for Python's `send()`.
 */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`a bytes-like object is required, not '${typeName(data)}'`);
}

/**
 * Checks an integer argument Python passes to C as an `int` (`flags`, `how`,
 * a level, an option, a family…): an integer that fits in 32 bits.
 *
 * @throws {TypeError} for anything but an integer; {RangeError} outside a C int.
 */
export function checkInt(value: unknown, what: string, op: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`Cannot ${op}: ${what} must be an integer, not '${typeName(value)}'`);
  }
  if (value < -0x80000000 || value > 0x7fffffff) {
    throw new RangeError(`Cannot ${op}: ${what} must fit in a C int: current value is ${value}`);
  }
  return value;
}

/** The largest byte count one call takes (what a typed array may hold, and then some). */
const MAX_COUNT = 2 ** 31 - 1;

/** Checks a byte count argument (`bufsize`, `nbytes`): a non-negative integer a buffer can hold. */
export function checkCount(value: unknown, what: string, op: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`Cannot ${op}: ${what} must be an integer, not '${typeName(value)}'`);
  }
  if (value < 0 || value > MAX_COUNT) {
    throw new RangeError(
      `Cannot ${op}: ${what} must be 0-${MAX_COUNT}: current value is ${value}`,
    );
  }
  return value;
}

/**
 * Views `buffer` for a `*_into` call, cut to `nbytes` when given (0: all of it).
 *
 * @throws {TypeError} for non-bytes; {RangeError} when `nbytes` is negative or exceeds the buffer.
 */
export function sizedView(buffer: unknown, nbytes: number, op: string): Uint8Array {
  const p = toBytes(buffer);
  if (!nbytes) return p;
  checkCount(nbytes, "nbytes", op);
  if (nbytes > p.length) {
    throw new RangeError(
      `Cannot ${op}: nbytes must not exceed the buffer's ${p.length} bytes: current value is ${nbytes}`,
    );
  }
  return nbytes < p.length ? p.subarray(0, nbytes) : p;
}

/** The `n` bytes received into `buf`: a copy when that frees most of `buf`, else a view. */
export function received(buf: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const b = buf as Uint8Array<ArrayBuffer>;
  if (n === b.length) return b;
  return n < b.length >>> 1 ? b.slice(0, n) : b.subarray(0, n);
}

/** A copy of `src[start..end)` in an `ArrayBuffer` of its own. */
export function ownCopy(src: Uint8Array, start: number, end: number): Uint8Array<ArrayBuffer> {
  return src.slice(start, end) as Uint8Array<ArrayBuffer>;
}

/**
 * The receive buffer behind `recv(bufsize)`/`recvfrom(bufsize)`: one per
 * socket, made on first use, reused by one call at a time, so such a call
 * allocates only the bytes it returns (a concurrent call gets a buffer of
 * its own). Nothing writes into the buffer once the receive that was given
 * it has settled.
 *
 * A datagram socket's buffer is `bufsize` long (a datagram longer than the
 * buffer is cut). A stream socket's is *adaptive*: it starts small and
 * doubles (up to `max`) each time a read fills it, halving again after
 * reads that use an eighth of it — so a blocking `recv(65536)` waiting on
 * an idle connection holds a few KiB, and a busy one reads in big pieces.
 */
export class Scratch {
  #buf: Uint8Array | null = null;
  #lent: Uint8Array | null = null;
  #size: number;
  readonly #min: number;
  readonly #max: number;

  /**
   * @param min The size a stream buffer starts at and never shrinks below;
   *   for a datagram buffer, pass `min === max`.
   * @param max The largest size served from the reused buffer.
   */
  constructor(min: number, max: number) {
    this.#size = this.#min = min;
    this.#max = max;
  }

  /**
   * Up to `bufsize` bytes to receive into (all of them when `exact`: a
   * `MSG_WAITALL` or `MSG_PEEK` read); give them back to `release()` or `drop()`.
   */
  take(bufsize: number, exact = false): Uint8Array {
    const size = exact || this.#min === this.#max ? bufsize : Math.min(bufsize, this.#size);
    if (this.#lent !== null || size > this.#max || size === 0) return new Uint8Array(size);
    let b = this.#buf;
    if (b === null || b.length < size) b = this.#buf = new Uint8Array(size);
    return this.#lent = b.length === size ? b : b.subarray(0, size);
  }

  /** The `n` bytes received into `p` (from `take()`), as their own array; frees `p`. */
  release(p: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
    if (p !== this.#lent) return received(p, n);
    this.#lent = null;
    const out = p.slice(0, n) as Uint8Array<ArrayBuffer>;
    if (this.#min !== this.#max && p.length <= this.#size) this.#adapt(p.length, n);
    return out;
  }

  /** Frees `p` (from `take()`) after a receive that failed. */
  drop(p: Uint8Array): void {
    if (p === this.#lent) this.#lent = null;
  }

  /**
   * Resolves the bytes that `got` receives into `buf` (from `take()`) as an
   * array of their own, and frees `buf`. For the reused buffer that costs
   * one promise reaction with handlers made once per buffer (no frame, no
   * closure per call), so a receive waiting on an idle connection holds
   * almost nothing.
   */
  settle(buf: Uint8Array, got: Promise<number>): Promise<Uint8Array<ArrayBuffer>> {
    if (buf !== this.#lent) return got.then((n) => received(buf, n));
    this.#onFailed ??= (e) => {
      this.#lent = null;
      throw e;
    };
    return got.then(this.#onReceived ??= (n) => this.release(this.#lent!, n), this.#onFailed);
  }

  #onReceived: ((n: number) => Uint8Array<ArrayBuffer>) | null = null;
  #onFailed: ((e: unknown) => never) | null = null;

  #adapt(asked: number, got: number): void {
    if (got === asked && asked === this.#size && this.#size < this.#max) {
      this.#size = Math.min(this.#max, this.#size * 2);
    } else if (got <= this.#size >>> 3 && this.#size > this.#min) {
      this.#size = Math.max(this.#min, this.#size >>> 1);
      if (this.#buf !== null && this.#buf.length > this.#size * 2) this.#buf = null;
    }
  }
}

const FLAG_NAMES: [number, string][] = [
  [MSG_OOB, "MSG_OOB"],
  [MSG_DONTROUTE, "MSG_DONTROUTE"],
  [MSG_TRUNC, "MSG_TRUNC"],
  [MSG_EOR, "MSG_EOR"],
  [MSG_CONFIRM, "MSG_CONFIRM"],
  [MSG_ERRQUEUE, "MSG_ERRQUEUE"],
  [MSG_MORE, "MSG_MORE"],
];

/**
 * Checks a call's `flags`: an integer with no bit outside `allowed`.
 *
 * @throws {TypeError} for a non-integer; {RangeError} outside a C int;
 * {OSError} `EOPNOTSUPP` naming the flags Deno cannot do.
 */
export function checkFlags(flags: unknown, allowed: number, op: string): number {
  checkInt(flags, "flags", op);
  const extra = (flags as number) & ~allowed;
  if (extra === 0) return flags as number;
  const names = FLAG_NAMES.filter(([bit]) => extra & bit).map(([, n]) => n);
  throw new OSError(errno.EOPNOTSUPP, undefined, {
    detail: `Cannot ${op}: Deno does not support ${names.join(" | ") || `flags ${flags}`}`,
  });
}
