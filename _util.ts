// Copyright 2026 the pysocket authors. MIT license.
// Small private helpers shared by the socket classes.

import {
  MSG_CONFIRM,
  MSG_DONTROUTE,
  MSG_EOR,
  MSG_ERRQUEUE,
  MSG_MORE,
  MSG_OOB,
  MSG_TRUNC,
} from "./constants.ts";
import { errno, OSError } from "./errors.ts";

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

/** Checks a byte count argument (`bufsize`, `nbytes`): a non-negative integer. */
export function checkCount(value: unknown, what: string, op: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`Cannot ${op}: ${what} must be an integer, not '${typeName(value)}'`);
  }
  if (value < 0) {
    throw new RangeError(`Cannot ${op}: ${what} must be non-negative: current value is ${value}`);
  }
  return value;
}

/** Python's repr of an address: `('127.0.0.1', 8080)` or `'/tmp/s'`. */
export function reprAddress(addr: string | readonly (string | number)[]): string {
  if (typeof addr === "string") return `'${addr}'`;
  return `(${addr.map((v) => typeof v === "string" ? `'${v}'` : String(v)).join(", ")})`;
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
export function received(buf: Uint8Array, n: number): Uint8Array {
  if (n === buf.length) return buf;
  return n < buf.length >>> 1 ? buf.slice(0, n) : buf.subarray(0, n);
}

/**
 * The receive buffer behind `recv(bufsize)`/`recvfrom(bufsize)`: one per
 * socket, made on first use, reused by one call at a time, so such a call
 * allocates only the bytes it returns (a concurrent call, or a `bufsize`
 * over `max`, gets a buffer of its own). Nothing writes into the buffer
 * once the receive that was given it has settled.
 */
export class Scratch {
  #buf: Uint8Array | null = null;
  #lent: Uint8Array | null = null;
  readonly #max: number;

  /** @param max The largest `size` served from the reused buffer. */
  constructor(max: number) {
    this.#max = max;
  }

  /** `size` bytes to receive into; give them back to `release()` or `drop()`. */
  take(size: number): Uint8Array {
    if (this.#lent !== null || size > this.#max || size === 0) return new Uint8Array(size);
    let b = this.#buf;
    if (b === null || b.length < size) b = this.#buf = new Uint8Array(size);
    return this.#lent = b.length === size ? b : b.subarray(0, size);
  }

  /** The `n` bytes received into `p` (from `take()`), as their own array; frees `p`. */
  release(p: Uint8Array, n: number): Uint8Array {
    if (p !== this.#lent) return received(p, n);
    this.#lent = null;
    return p.slice(0, n);
  }

  /** Frees `p` (from `take()`) after a receive that failed. */
  drop(p: Uint8Array): void {
    if (p === this.#lent) this.#lent = null;
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
 * @throws {TypeError} for a non-integer; {OSError} `EOPNOTSUPP` naming the flags Deno cannot do.
 */
export function checkFlags(flags: unknown, allowed: number, op: string): void {
  if (typeof flags !== "number" || !Number.isInteger(flags)) {
    throw new TypeError(`Cannot ${op}: flags must be an integer, not '${typeName(flags)}'`);
  }
  const extra = flags & ~allowed;
  if (extra === 0) return;
  const names = FLAG_NAMES.filter(([bit]) => extra & bit).map(([, n]) => n);
  throw new OSError(errno.EOPNOTSUPP, undefined, {
    detail: `Cannot ${op}: Deno does not support ${names.join(" | ") || `flags ${extra}`}`,
  });
}
