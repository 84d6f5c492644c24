// Copyright 2026 the pysocket authors. MIT license.
// Small private helpers shared by the socket classes.

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
