// Copyright 2026 the pysocket authors. MIT license.
// sendfile(): a file's bytes, read in large pieces and sent with the
// socket's sendall, from an offset, a count of them or up to the end.

import { typeName } from "../_common/bytes.ts";
import { ValueError } from "../errors.ts";

/** What `sendfile()` reads from: a `Deno.FsFile`, or anything with its `read`/`seek`. */
export interface SendfileSource {
  /**
   * Reads into `p` from the file position, as `Deno.FsFile.read()`.
   *
   * @param p Where to put the bytes.
   * @returns The number of bytes read, or `null` at end of file.
   *
   * @example An in-memory source
   * ```ts
   * import * as socket from "@pysocket/socket";
   *
   * class Memory implements socket.SendfileSource {
   *   #pos = 0;
   *   constructor(readonly bytes: Uint8Array) {}
   *   read(p: Uint8Array): Promise<number | null> {
   *     if (this.#pos >= this.bytes.length) return Promise.resolve(null);
   *     const n = Math.min(p.length, this.bytes.length - this.#pos);
   *     p.set(this.bytes.subarray(this.#pos, this.#pos + n));
   *     this.#pos += n;
   *     return Promise.resolve(n);
   *   }
   *   seek(offset: number | bigint, whence: Deno.SeekMode): Promise<number> {
   *     const base = whence === Deno.SeekMode.Start ? 0 : this.#pos;
   *     this.#pos = base + Number(offset);
   *     return Promise.resolve(this.#pos);
   *   }
   * }
   * const [a, b] = await socket.socketpair();
   * console.log(await a.sendfile(new Memory(new Uint8Array([1, 2, 3])))); // 3
   * console.log(await b.recv(1024)); // Uint8Array(3) [ 1, 2, 3 ]
   * a.close();
   * b.close();
   * ```
   */
  read(p: Uint8Array): Promise<number | null>;
  /**
   * Moves the file position, as `Deno.FsFile.seek()`: `sendfile()` seeks to
   * its `offset` (`Deno.SeekMode.Start`), then reads on from there.
   *
   * @param offset The position, relative to `whence`.
   * @param whence `Deno.SeekMode.Start`, `Current` or `End`.
   * @returns The new position from the start of the file.
   *
   * @example
   * ```ts
   * import type * as socket from "@pysocket/socket";
   *
   * using file = await Deno.open(Deno.execPath());
   * const source: socket.SendfileSource = file;
   * console.log(await source.seek(4, Deno.SeekMode.Start)); // 4
   * ```
   */
  seek(offset: number | bigint, whence: Deno.SeekMode): Promise<number>;
}

const PIECE = 256 * 1024;

/**
 * Checks `sendfile()`'s arguments as Python does, before a byte is sent.
 *
 * @throws {TypeError} for a file that is not one, or a count or offset that is not an integer.
 * @throws {ValueError} for a negative offset or a count that is not positive.
 */
export function checkSendfile(file: unknown, offset: unknown, count: unknown): void {
  const f = file as Partial<SendfileSource> | null;
  if (!f || typeof f.read !== "function" || typeof f.seek !== "function") {
    throw new TypeError(
      `Cannot sendfile: file must be a Deno.FsFile opened for reading, not '${typeName(file)}'`,
    );
  }
  if (typeof offset !== "number" || !Number.isInteger(offset)) {
    throw new TypeError(
      `Cannot sendfile: offset must be an integer, not '${typeName(offset)}'`,
    );
  }
  if (offset > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`Cannot sendfile: offset is too large: current value is ${offset}`);
  }
  if (offset < 0) {
    throw new ValueError(
      `Cannot sendfile: offset must be non-negative: current value is ${offset}`,
    );
  }
  if (count === null || count === undefined) return;
  if (typeof count !== "number" || !Number.isInteger(count)) {
    throw new TypeError(`Cannot sendfile: count must be an integer, not '${typeName(count)}'`);
  }
  if (count > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`Cannot sendfile: count is too large: current value is ${count}`);
  }
  if (count <= 0) {
    throw new ValueError(
      `Cannot sendfile: count must be a positive integer: current value is ${count}`,
    );
  }
}

/** Sends `count` bytes (all: null, undefined) of `file` from `offset`; resolves the bytes sent. */
export async function sendfile(
  file: SendfileSource,
  offset: number,
  count: number | null | undefined,
  sendall: (p: Uint8Array) => Promise<void>,
): Promise<number> {
  await file.seek(offset, 0 as Deno.SeekMode);
  const limit = count ? count : Infinity;
  const buf = new Uint8Array(Math.min(PIECE, limit));
  let sent = 0;
  while (sent < limit) {
    const want = Math.min(buf.length, limit - sent);
    const n = await file.read(want === buf.length ? buf : buf.subarray(0, want));
    if (n === null || n === 0) break;
    await sendall(buf.subarray(0, n));
    sent += n;
  }
  return sent;
}
