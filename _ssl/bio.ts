// Copyright 2026 the pysocket authors. MIT license.
// Python's ssl.MemoryBIO: a byte buffer between the network and a TLS
// object made by `SSLContext.wrap_bio()`. Plain JavaScript: making one
// loads nothing. The TLS engine reaches it through `bioPort()` (a token
// only this package holds), and may hold bytes taken from its head until
// the buffer is next looked at (`lend`), when they come back first.

import { SSLError } from "../errors.ts";
import { toBytes } from "../_common/bytes.ts";
import type { BytePort } from "../_transport/openssl.ts";

const PORT: unique symbol = Symbol("pysocket.MemoryBIO.port");

/**
 * Python's `ssl.MemoryBIO`: bytes in order, written at one end and read
 * at the other; with `write_eof()` the writer says no more come. An
 * {@linkcode SSLObject} reads the peer's bytes from one and writes its own
 * to another.
 *
 * @example
 * ```ts
 * import * as ssl from "@pysocket/socket/ssl";
 * const bio = new ssl.MemoryBIO();
 * bio.write(new TextEncoder().encode("foo"));
 * bio.write_eof();
 * console.log(bio.pending, bio.read(2), bio.eof, bio.read(), bio.eof); // 3 Uint8Array(2) [ 102, 111 ] false Uint8Array(1) [ 111 ] true
 * ```
 */
export class MemoryBIO {
  #chunks: Uint8Array[] = [];
  /** Where the first chunk's unread bytes start. */
  #head = 0;
  #size = 0;
  #ended = false;
  #reclaim: (() => Uint8Array) | null = null;

  /** Takes back the bytes a TLS object holds, ahead of the rest. */
  #recall(): void {
    const reclaim = this.#reclaim;
    if (reclaim === null) return;
    this.#reclaim = null;
    const back = reclaim();
    if (back.length === 0) return;
    if (this.#head > 0) {
      this.#chunks[0] = this.#chunks[0].subarray(this.#head);
      this.#head = 0;
    }
    this.#chunks.unshift(back);
    this.#size += back.length;
  }

  /**
   * The number of bytes the buffer holds.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const bio = new ssl.MemoryBIO();
   * bio.write(new Uint8Array(3));
   * console.log(bio.pending); // 3
   * ```
   */
  get pending(): number {
    this.#recall();
    return this.#size;
  }

  /**
   * Whether the buffer is empty and `write_eof()` was called: no byte will come.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const bio = new ssl.MemoryBIO();
   * bio.write_eof();
   * console.log(bio.eof); // true
   * ```
   */
  get eof(): boolean {
    return this.#ended && this.pending === 0;
  }

  /**
   * Reads up to `n` bytes (all, when `n` is negative or omitted).
   *
   * @param n How many bytes at most.
   * @returns The bytes (empty when none are there).
   * @throws {TypeError} for what is not an integer.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const bio = new ssl.MemoryBIO();
   * bio.write(new Uint8Array([1, 2, 3]));
   * console.log(bio.read(2), bio.read()); // Uint8Array(2) [ 1, 2 ] Uint8Array(1) [ 3 ]
   * ```
   */
  read(n?: number): Uint8Array<ArrayBuffer> {
    n ??= -1;
    if (typeof n !== "number" || !Number.isInteger(n)) {
      throw new TypeError(`'${typeof n}' object cannot be interpreted as an integer`);
    }
    this.#recall();
    const want = n < 0 || n > this.#size ? this.#size : n;
    const out = new Uint8Array(want);
    let at = 0;
    while (at < want) {
      const chunk = this.#chunks[0];
      const take = Math.min(chunk.length - this.#head, want - at);
      out.set(chunk.subarray(this.#head, this.#head + take), at);
      at += take;
      this.#head += take;
      if (this.#head === chunk.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
    }
    this.#size -= want;
    return out;
  }

  /**
   * Appends bytes (copied).
   *
   * @param data Any bytes-like object.
   * @returns The number of bytes written.
   * @throws {TypeError} for what is not bytes-like; {SSLError} after `write_eof()`.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * console.log(new ssl.MemoryBIO().write(new Uint8Array(5))); // 5
   * ```
   */
  write(data: ArrayBufferView | ArrayBuffer): number {
    const bytes = toBytes(data);
    if (this.#ended) throw new SSLError(null, "cannot write() after write_eof()");
    if (bytes.length > 0) this.#append(bytes.slice());
    return bytes.length;
  }

  #append(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#size += bytes.length;
  }

  /**
   * Says no more bytes come: once what the buffer holds is read, `eof` is
   * true, and a TLS object reading from it sees the end of the stream.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * const bio = new ssl.MemoryBIO();
   * bio.write_eof();
   * console.log(bio.eof); // true
   * ```
   */
  write_eof(): void {
    this.#ended = true;
  }

  /** Every byte held, the lent ones left where they are. */
  #takeAll(): Uint8Array {
    const reclaim = this.#reclaim;
    this.#reclaim = null;
    const out = this.read(-1);
    this.#reclaim = reclaim;
    return out;
  }

  #port?: BytePort;

  /** @ignore The engine's side of the buffer. */
  get [PORT](): BytePort {
    // deno-lint-ignore no-this-alias
    const bio = this;
    return this.#port ??= {
      take: () => bio.#takeAll(),
      get ended(): boolean {
        return bio.#ended;
      },
      push: (bytes) => bio.#append(bytes),
      lend: (reclaim) => {
        bio.#reclaim = reclaim;
      },
    };
  }
}

/** The engine's side of a MemoryBIO. */
export function bioPort(bio: MemoryBIO): BytePort {
  return bio[PORT];
}
