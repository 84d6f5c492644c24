// Copyright 2026 the pysocket authors. MIT license.
/**
 * {@linkcode SocketFile}: the file object `StreamSocket.makefile()` returns.
 * It reads through the socket's own reader — there is no second buffer — so
 * `recv()`, `makefile()` and `readable` can be mixed without losing or
 * reordering a byte. It is built on what the socket hands it and never
 * reaches back into the socket.
 *
 * @example A line protocol
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using srv = socket.create_server(["127.0.0.1", 0]);
 * using cli = await socket.create_connection(srv.getsockname() as [string, number]);
 * const [conn] = await srv.accept();
 * const w = cli.makefile("w");
 * await w.write("hello\nworld\n");
 * await w.flush();
 * const r = conn.makefile("r");
 * console.log(await r.readline(), await r.readline()); // "hello\n" "world\n"
 * conn.close();
 * ```
 *
 * @module
 */

import { BlockingIOError, errno, OSError, ValueError } from "./errors.ts";
import { type BytesLike, ownCopy, received, toBytes, typeName } from "./_common/bytes.ts";
import {
  type Reader,
  type Scan,
  type Skip,
  type Take,
  type Until,
  view,
} from "./_stream/reader.ts";
import type { StreamPort } from "./_stream/port.ts";
import { POLL, type Poll } from "./_common/readiness.ts";

/**
 * A binary `read(size)` larger than this reads straight into the array it
 * returns, timed or not (the reader's `readBytes`); up to it, a timed read
 * fills the socket's buffer (reading ahead) and copies out, as CPython's
 * `BufferedReader` reads straight into the result only above its buffer size.
 */
const BUFFERED_MAX = 8192;
/** The most a text `read(size)` asks the buffer to make room for at once. */
const FILL_HINT_MAX = 1024 * 1024;
/** The largest size a read takes (what one array may hold). */
const MAX_SIZE = 2 ** 31 - 1;
/** The default write buffer size (Python's `io.DEFAULT_BUFFER_SIZE`). */
const DEFAULT_BUFFER_SIZE = 8192;
const LF = 0x0a;
const CR = 0x0d;

/** Modes that give bytes. */
export type BinaryMode = "rb" | "wb" | "rwb" | "wrb" | "br" | "bw" | "brw" | "bwr";
/** Modes that give strings. */
export type TextMode = "r" | "w" | "rw" | "wr";

/**
 * Text-mode settings, as Python's `makefile(..., encoding, errors, newline)`; a binary file
 * ignores them, as Python's does.
 */
export interface MakefileOptions {
  /** `"utf-8"` (default), `"latin-1"` or `"ascii"`. */
  encoding?: string | null;
  /** `"strict"` (default) throws on undecodable bytes; `"replace"` substitutes U+FFFD. */
  errors?: string | null;
  /**
   * `null` (default): lines end at `\n`, `\r\n` or `\r`, read back as `\n`;
   * `""`: the same endings, untranslated; `"\n"`, `"\r"`, `"\r\n"`: only that
   * ending, and `\n` is written as it.
   */
  newline?: string | null;
}

function normEncoding(enc: string | null | undefined): "utf-8" | "latin1" | "ascii" {
  const e = (enc ?? "utf-8").toLowerCase().replace(/_/g, "-");
  if (e === "utf-8" || e === "utf8") return "utf-8";
  if (["latin-1", "latin1", "iso-8859-1", "iso8859-1"].includes(e)) return "latin1";
  if (e === "ascii" || e === "us-ascii") return "ascii";
  throw new RangeError(`Cannot makefile: unknown encoding: ${enc}`);
}

/**
 * A file object over a stream socket, from `sock.makefile(mode)`. In binary
 * modes reads give `Uint8Array`s; in text modes, strings. Reads wait as the
 * socket's timeout says; end of stream gives an empty result. Writes are
 * buffered (unless `buffering` is 0) until `flush()` or `close()`.
 * Closing the file does not close the socket; closing the socket while a
 * file is open leaves it open until its last file is closed, as in Python.
 *
 * A binary file made with `buffering` 0 is Python's raw `SocketIO`: `read(n)`
 * and `readinto()` make one read (what has arrived, up to `n`), and on a
 * non-blocking socket they resolve `null` when nothing has, as `write()`
 * does when nothing can be sent (else it resolves the bytes sent).
 *
 * @typeParam T `Uint8Array` in binary modes, `string` in text modes.
 * @typeParam N `null` for an unbuffered binary file (what its reads and
 *   writes resolve on a non-blocking socket when they would wait), else `never`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = await socket.socketpair();
 * await a.sendall(new TextEncoder().encode("one\ntwo\n"));
 * a.close();
 * await using f = b.makefile("rb");
 * for await (const line of f) console.log(line.length); // 4, then 4
 * b.close();
 * ```
 */
export class SocketFile<
  T extends Uint8Array | string = Uint8Array | string,
  N extends null = never,
> {
  /** The mode given to `makefile()`. */
  readonly mode: string;
  /** Python's `name`: the socket's `fileno()` when the file was made. */
  readonly name: number;
  #port: StreamPort;
  /** Binary and unbuffered (`buffering` 0): Python's raw `SocketIO`. */
  #raw: boolean;
  #binary: boolean;
  #reading: boolean;
  #writing: boolean;
  #bufsize: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #closed = false;
  #encoding: "utf-8" | "latin1" | "ascii";
  #decoder: TextDecoder | null = null;
  #encoder = new TextEncoder();
  #newline: string | null;
  /** Text mode, newline=None: the last line ended at a `\r` with nothing after it yet. */
  #skipLF = false;
  /** Drops the `\n` that completes such a `\r` (asked by the reader once a byte is there). */
  readonly #skip: Skip | null;
  /** The socket's reader, once a read has fetched it (readline's fast path). */
  #reader: Reader | null = null;
  #poll: Poll | null = null;
  /** Turns the bytes of a line into the result (binary: a view, as stream chunks are; text: decoded). */
  readonly #line: Take<T>;
  /** Turns the bytes of a `read()` into the result (binary: an array of its own; text: decoded). */
  readonly #chunk: Take<T>;
  /** `readline()`'s scan when there is no limit: one for all calls. */
  readonly #scanLine: Until;

  /**
   * Use `sock.makefile(mode)` rather than this constructor.
   *
   * @ignore
   * @param port What the socket hands its files.
   * @param mode Any of `r`, `w`, `b`.
   * @param buffering Write buffer size: omitted or negative for 8192, 0 for none.
   * @param options Text-mode encoding, errors and newline (a binary file ignores them).
   * @throws {RangeError} for an invalid mode, or a text file's invalid encoding or newline.
   */
  constructor(
    port: StreamPort,
    mode: string,
    buffering?: number | null,
    options?: MakefileOptions | null,
  ) {
    if (
      typeof mode !== "string" || ![...mode].every((c) => "rwb".includes(c)) || mode.length === 0 ||
      new Set(mode).size !== mode.length
    ) {
      throw new RangeError(
        `Cannot makefile: invalid mode ${JSON.stringify(mode)} (only r, w, b allowed)`,
      );
    }
    if (buffering !== undefined && buffering !== null && !Number.isInteger(buffering)) {
      throw new TypeError(
        `Cannot makefile: buffering must be an integer, not '${typeName(buffering)}'`,
      );
    }
    options ??= {};
    if (typeof options !== "object") {
      throw new TypeError(`Cannot makefile: options must be an object, not '${typeName(options)}'`);
    }
    this.mode = mode;
    this.name = port.fileno;
    this.#port = port;
    this.#binary = mode.includes("b");
    this.#raw = this.#binary && buffering === 0;
    this.#reading = mode.includes("r") || !mode.includes("w");
    this.#writing = mode.includes("w");
    this.#bufsize = buffering === undefined || buffering === null || buffering < 0
      ? DEFAULT_BUFFER_SIZE
      : buffering;
    // As Python's socket.makefile(): encoding, errors and newline are for the
    // text layer only; a binary file ignores them, whatever they are.
    if (this.#binary) options = {};
    const nl = options.newline ?? null;
    if (nl !== null && !["", "\n", "\r", "\r\n"].includes(nl)) {
      throw new RangeError(`Cannot makefile: illegal newline value: ${JSON.stringify(nl)}`);
    }
    this.#newline = nl;
    this.#encoding = normEncoding(options.encoding);
    if (!this.#binary) {
      const fatal = (options.errors ?? "strict") === "strict";
      this.#decoder = new TextDecoder(this.#encoding === "utf-8" ? "utf-8" : "latin1", { fatal });
    }
    const decode: Take<T> = (buf, start, end) => this.#decode(buf.subarray(start, end)) as T;
    this.#line = this.#binary ? view as Take<T> : decode;
    this.#chunk = this.#binary ? ownCopy as Take<T> : decode;
    // Lines that end at "\n" need no scan of ours: the reader finds the byte.
    this.#scanLine = this.#binary || nl === "\n" ? LF : (buf, start, end, from, ended) => {
      const view = buf.subarray(start, end);
      const n = this.#lineEnd(view, Math.max(0, from - 1), ended);
      if (n >= 0) this.#noteCR(view, n);
      return n;
    };
    this.#skip = !this.#binary && nl === null
      ? () => {
        if (!this.#skipLF) return -1;
        this.#skipLF = false;
        return LF;
      }
      : null;
    port.retain();
  }

  /** Whether `close()` has been called (or the connection is gone). */
  get closed(): boolean {
    return this.#closed || this.#port.closed();
  }

  #check(op: string, reading: boolean): void {
    if (this.#closed) throw new ValueError(`Cannot ${op}: I/O operation on closed file`);
    if (reading ? !this.#reading : !this.#writing) {
      throw new OSError(errno.EBADF, undefined, {
        detail: `Cannot ${op}: file not open for ${reading ? "reading" : "writing"}`,
      });
    }
  }

  #decode(bytes: Uint8Array): string {
    if (this.#encoding === "ascii" && bytes.some((b) => b > 0x7f)) {
      throw new RangeError("Cannot read: 'ascii' codec can't decode a byte above 0x7f");
    }
    const text = this.#decoder!.decode(bytes);
    return this.#newline === null ? text.replace(/\r\n?/g, "\n") : text;
  }

  /** Text mode, newline=None: a read that ends at a `\r` with nothing after it yet skips a `\n` next. */
  #noteCR(view: Uint8Array, end: number): void {
    if (this.#skip !== null && end === view.length && view[end - 1] === CR) this.#skipLF = true;
  }

  /**
   * Runs `body` on the socket's reader — at once when the socket is
   * connected, so that the read joins the reader's queue in call order;
   * after the connect under way otherwise. Asked of the port at each read,
   * which tells the socket a read starts (a TLS socket's handshake is seen).
   */
  #withReader<R>(op: string, body: (reader: Reader) => Promise<R>): Promise<R> {
    const r = this.#port.reader(op);
    if (r instanceof Promise) {
      return r.then((reader) => body(this.#reader = reader));
    }
    return body(this.#reader = r);
  }

  /**
   * Reads up to `size` bytes (binary) or characters (text), waiting until
   * that many have arrived or the stream ends; all of it when `size` is
   * omitted, `null` or negative.
   *
   * An unbuffered binary file (`buffering` 0) given a `size` makes one read
   * instead (what has arrived, up to `size`), and resolves `null` on a
   * non-blocking socket when nothing has.
   *
   * A binary read of more than 8 KiB reads straight into the array it
   * returns; above 64 MiB (up to 2**31-1) that array grows as bytes come, so
   * a huge `size` allocates only what arrives.
   *
   * @param size How much to read; omitted, `null` or negative: up to end of stream.
   * @returns The data; empty at end of stream.
   * @throws {TypeError} for a size that is not an integer.
   * @throws {TimeoutError} per the socket's timeout (the bytes stay buffered).
   * @throws {ValueError} once the file is closed; {OSError} `EBADF` for a file not open for reading.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("0123456789abcdef rest"));
   * a.close();
   * const f = b.makefile("rb");
   * console.log((await f.read(16)).length); // 16
   * console.log(new TextDecoder().decode(await f.read())); // " rest"
   * await f.close();
   * b.close();
   * ```
   */
  read(size?: number | null): Promise<T | N> {
    try {
      this.#check("read", true);
      const n = sizeOf(size, "read");
      if (this.#raw && n >= 0) {
        return this.#withReader("read", (reader) => this.#readOnce(reader, n, "read"));
      }
      return this.#withReader("read", (reader) => this.#read(reader, n));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * One read of up to `size` bytes (what has arrived, or the first to
   * come): an unbuffered file's `read()`, any file's `read1()`. On a
   * non-blocking socket an unbuffered file resolves `null` when nothing has
   * arrived.
   */
  async #readOnce(reader: Reader, size: number, op: string): Promise<T | N> {
    if (size === 0) return new Uint8Array(0) as T;
    const out = new Uint8Array(size);
    try {
      return received(out, await reader.read(out, this.#port.deadline(), op)) as T;
    } catch (e) {
      if (this.#wouldBlock(e)) return null as N;
      throw e;
    }
  }

  /** Whether `e` is an unbuffered file's "would block" on a non-blocking socket (resolved as `null`). */
  #wouldBlock(e: unknown): boolean {
    return this.#raw && e instanceof BlockingIOError && this.#port.timeout() === 0;
  }

  /**
   * Reads into `buffer` (binary files): Python's `readinto()`. A buffered
   * file fills it unless the stream ends first; an unbuffered one makes one
   * read (and resolves `null` on a non-blocking socket when nothing has
   * arrived).
   *
   * @param buffer Where to put the bytes (any `ArrayBufferView` or `ArrayBuffer`).
   * @returns The number of bytes read; 0 at end of stream.
   * @throws {TypeError} for a text file or a buffer that is not bytes-like.
   * @throws {ValueError} once the file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new Uint8Array(20));
   * const f = b.makefile("rb");
   * const header = new Uint8Array(16);
   * console.log(await f.readinto(header)); // 16
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  readinto(buffer: BytesLike): Promise<number | N> {
    try {
      this.#check("readinto", true);
      if (!this.#binary) throw new TypeError("Cannot readinto: the file is not binary");
      const p = toBytes(buffer);
      return this.#withReader("readinto", async (reader) => {
        const deadline = this.#port.deadline();
        try {
          return this.#raw
            ? await reader.read(p, deadline, "readinto")
            : await reader.readExactly(p, deadline, "readinto");
        } catch (e) {
          if (this.#wouldBlock(e)) return null as N;
          throw e;
        }
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Reads up to `size` bytes with at most one read from the socket: the
   * bytes already buffered, or what one read brings (binary files; Python's
   * `read1()`).
   *
   * @param size The most bytes to return; omitted, `null` or negative: a buffer's worth (8192).
   * @returns The bytes; empty at end of stream.
   * @throws {TypeError} for a text file.
   * @throws {ValueError} once the file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("what has arrived"));
   * const f = b.makefile("rb");
   * console.log((await f.read1(4096)).length); // 16 (it does not wait for 4096)
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  read1(size?: number | null): Promise<T | N> {
    try {
      this.#check("read1", true);
      if (!this.#binary) throw new TypeError("Cannot read1: the file is not binary");
      const n = sizeOf(size, "read1");
      return this.#withReader(
        "read1",
        (reader) => this.#readOnce(reader, n < 0 ? DEFAULT_BUFFER_SIZE : n, "read1"),
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The bytes that a read would return next, without consuming them: what
   * is buffered, or what one read brings (binary files; Python's `peek()`).
   * It may return more or fewer bytes than asked.
   *
   * @param size How many bytes are wanted at least (0 or omitted: any).
   * @returns The bytes; empty at end of stream.
   * @throws {TypeError} for a text file.
   * @throws {ValueError} once the file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("GET /"));
   * const f = b.makefile("rb");
   * console.log((await f.peek(1))[0] === 71); // true ("G", still unread)
   * console.log(new TextDecoder().decode(await f.read(5))); // "GET /"
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  peek(size = 0): Promise<T> {
    try {
      this.#check("peek", true);
      if (!this.#binary) throw new TypeError("Cannot peek: the file is not binary");
      const n = sizeOf(size, "peek");
      return this.#withReader("peek", async (reader) => {
        const out = new Uint8Array(Math.max(n, reader.size, DEFAULT_BUFFER_SIZE));
        return received(out, await reader.peek(out, false, this.#port.deadline(), "peek")) as T;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The socket's number: Python's `fileno()` of a socket file.
   *
   * @returns The number given as `name`.
   * @throws {ValueError} once the file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * const f = b.makefile("rb");
   * console.log(f.fileno() === b.fileno()); // true
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  fileno(): number {
    if (this.#closed) throw new ValueError("Cannot fileno: I/O operation on closed file");
    return this.name;
  }

  /**
   * Whether the file was opened for reading.
   *
   * @returns `true` for modes with `r`.
   * @throws {ValueError} once the file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * const f = b.makefile("wb");
   * console.log(f.readable(), f.writable()); // false true
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  readable(): boolean {
    if (this.#closed) throw new ValueError("Cannot readable: I/O operation on closed file");
    return this.#reading;
  }

  /**
   * Whether the file was opened for writing.
   *
   * @returns `true` for modes with `w`.
   * @throws {ValueError} once the file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * const f = b.makefile("rb");
   * console.log(f.writable(), f.readable()); // false true
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  writable(): boolean {
    if (this.#closed) throw new ValueError("Cannot writable: I/O operation on closed file");
    return this.#writing;
  }

  /**
   * A socket file cannot seek.
   *
   * @returns `false`.
   * @throws {ValueError} once the file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * const f = b.makefile("rb");
   * console.log(f.seekable()); // false
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  seekable(): boolean {
    if (this.#closed) throw new ValueError("Cannot seekable: I/O operation on closed file");
    return false;
  }

  async #read(reader: Reader, size: number): Promise<T | N> {
    if (size === 0) return (this.#binary ? new Uint8Array(0) : "") as T;
    const deadline = this.#port.deadline();
    if (this.#binary && size > BUFFERED_MAX) {
      // Into the result, grown as bytes come above 64 MiB: a huge size allocates only what arrives.
      return await reader.readBytes(size, deadline, "read") as T;
    }
    if (this.#binary && size >= 0) {
      // Blocking, this reads straight into the result once the buffer is empty.
      const out = new Uint8Array(size);
      return received(out, await reader.readExactly(out, deadline, "read")) as T;
    }
    if (size < 0) {
      return await reader.readUntil(toEnd, this.#chunk, deadline, "read", 0, this.#skip);
    }
    const utf8 = !this.#binary && this.#encoding === "utf-8";
    const scan: Scan = (buf, start, end) => {
      const view = buf.subarray(start, end);
      const n = utf8 ? utf8Bytes(view, size) : Math.min(size, view.length);
      if ((utf8 ? countChars(view, n) : n) < size) return -1;
      this.#noteCR(view, n);
      return n;
    };
    // The buffer grows (geometrically) as bytes come: a large size allocates only what arrives.
    const want = Math.min(size, FILL_HINT_MAX);
    return await reader.readUntil(scan, this.#chunk, deadline, "read", want, this.#skip);
  }

  /**
   * Reads one line, up to and including its end (`\n`; in text mode as
   * `newline` says), or at most `limit` bytes (characters in text mode).
   *
   * @param limit The most bytes (in text mode: characters) to return; omitted, `null` or negative: no limit.
   * @returns The line; empty at end of stream.
   * @throws {TypeError} for a limit that is not an integer.
   * @throws {TimeoutError} per the socket's timeout (the bytes stay buffered).
   * @throws {ValueError} once the file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("HTTP/1.0 200 OK\r\nServer: x\r\n"));
   * const f = b.makefile("r");
   * console.log(JSON.stringify(await f.readline())); // "HTTP/1.0 200 OK\n" (newline null: \r\n read as \n)
   * console.log(JSON.stringify(await f.readline(3))); // "Ser"
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  readline(limit?: number | null): Promise<T> {
    const reader = this.#reader;
    if (reader !== null && this.#binary && limit == null && this.#reading && !this.#closed) {
      // The fastest path: a binary line already buffered, one call into the reader.
      const line = reader.tryLine(LF);
      if (line !== undefined) return Promise.resolve(line as T);
    }
    try {
      this.#check("readline", true);
      const max = sizeOf(limit, "readline");
      if (max < 0 && this.#reader !== null) {
        // The fast path: a line already buffered, taken at once when nobody else is reading.
        const line = this.#reader.tryTake(this.#scanLine, this.#line, "readline", this.#skip);
        if (line !== undefined) return Promise.resolve(line);
      }
      return this.#withReader("readline", (reader) => this.#readline(reader, max));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async #readline(reader: Reader, limit: number): Promise<T> {
    const scan: Until = limit < 0 ? this.#scanLine : (buf, start, stop, from, ended) => {
      const view = buf.subarray(start, stop);
      const end = this.#lineEnd(view, Math.max(0, from - 1), ended);
      const cap = this.#limitEnd(view, limit);
      if (end >= 0 && (cap < 0 || end <= cap)) {
        this.#noteCR(view, end);
        return end;
      }
      return cap;
    };
    return await reader.readUntil(
      scan,
      this.#line,
      this.#port.deadline(),
      "readline",
      0,
      this.#skip,
    );
  }

  /**
   * The byte length of the first `limit` units of `view`: characters in
   * UTF-8 text mode (as Python's text files count), bytes otherwise; -1 when
   * `view` holds fewer.
   */
  #limitEnd(view: Uint8Array, limit: number): number {
    if (this.#binary || this.#encoding !== "utf-8") return view.length >= limit ? limit : -1;
    const n = utf8Bytes(view, limit);
    return countChars(view, n) >= limit ? n : -1;
  }

  /** The index just past the first line end in `view` at or after `from`, or -1. */
  #lineEnd(view: Uint8Array, from: number, done: boolean): number {
    const nl = this.#binary ? "\n" : this.#newline;
    if (nl === "\n") {
      const i = view.indexOf(LF, from);
      return i < 0 ? -1 : i + 1;
    }
    for (let i = from; i < view.length; i++) {
      const c = view[i];
      if (nl === "\r\n") {
        if (c === CR && view[i + 1] === LF) return i + 2;
      } else if (nl === "\r") {
        if (c === CR) return i + 1;
      } else if (c === LF) return i + 1;
      else if (c === CR) {
        if (i + 1 < view.length) return view[i + 1] === LF ? i + 2 : i + 1;
        // A "\r" at the end: a line end either way. In newline=null mode the
        // "\n" that may follow is skipped by the next read; with "" wait for it.
        return nl === null || done ? i + 1 : -1;
      }
    }
    return -1;
  }

  /**
   * Reads lines until end of stream (or until `hint` bytes have been read).
   *
   * @param hint Stop once this many bytes (in text mode: characters) have
   *   been read; omitted, 0 or negative: no limit.
   * @returns The lines.
   * @throws {ValueError} once the file is closed; {TimeoutError} per the socket's timeout.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("a\nb\nc"));
   * a.close();
   * const f = b.makefile("r");
   * console.log(await f.readlines()); // [ "a\n", "b\n", "c" ]
   * await f.close();
   * b.close();
   * ```
   */
  async readlines(hint?: number): Promise<T[]> {
    const lines: T[] = [];
    let total = 0;
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return lines;
      lines.push(line);
      total += line.length;
      if (hint !== undefined && hint > 0 && total >= hint) return lines;
    }
  }

  /**
   * Writes bytes (binary) or a string (text); buffered until `flush()` when
   * the file has a buffer. An unbuffered binary file (`buffering` 0) makes
   * one send instead and resolves how many bytes it took, or `null` on a
   * non-blocking socket when it could send none.
   *
   * @param data What to write.
   * @returns How many bytes (binary) or characters (text) were taken.
   * @throws {TypeError} for a string in binary mode or bytes in text mode.
   * @throws {ValueError} once the file is closed; {OSError} `EBADF` for a file not open for writing.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * const w = a.makefile("wb");
   * console.log(await w.write(new TextEncoder().encode("hi\n"))); // 3
   * await w.flush();
   * console.log(await b.recv(1024)); // Uint8Array(3) [ 104, 105, 10 ]
   * await w.close();
   * a.close();
   * b.close();
   * ```
   */
  async write(data: T extends string ? string : BytesLike): Promise<number | N> {
    this.#check("write", false);
    let bytes: Uint8Array;
    if (this.#binary) bytes = toBytes(data);
    else {
      if (typeof data !== "string") {
        throw new TypeError(`write() argument must be str, not '${typeName(data)}'`);
      }
      const nl = this.#newline;
      bytes = this.#encode(nl === "\r\n" || nl === "\r" ? data.replace(/\n/g, nl) : data);
    }
    const size = this.#binary ? bytes.length : (data as string).length;
    const timeout = this.#port.timeout();
    if (this.#raw && timeout !== null) {
      // Python's SocketIO.write: one send, its count (or null when nothing
      // could be sent now): so a caller retries with the rest, and no byte goes twice.
      try {
        return await this.#port.send(bytes, this.#port.deadline());
      } catch (e) {
        if (this.#wouldBlock(e)) return null as N;
        throw e;
      }
    }
    if (this.#bufsize === 0 || bytes.length >= this.#bufsize) {
      await this.flush();
      await this.#port.sendall(bytes);
      return size;
    }
    this.#pending.push(this.#binary ? bytes.slice() : bytes);
    this.#pendingBytes += bytes.length;
    if (this.#pendingBytes >= this.#bufsize) await this.flush();
    return size;
  }

  #encode(text: string): Uint8Array {
    if (this.#encoding === "utf-8") return this.#encoder.encode(text);
    const out = new Uint8Array(text.length);
    const max = this.#encoding === "ascii" ? 0x7f : 0xff;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > max) {
        throw new RangeError(
          `Cannot write: '${this.#encoding}' codec can't encode character at position ${i}`,
        );
      }
      out[i] = c;
    }
    return out;
  }

  /**
   * Sends what the write buffer holds (with `sendall()`). A closed file has
   * nothing to flush.
   *
   * @returns A promise that resolves once the buffered bytes are sent.
   * @throws {OSError} the errors of `sendall()`, e.g. `BrokenPipeError`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * const w = a.makefile("w");
   * await w.write("buffered");
   * await w.flush();
   * console.log(new TextDecoder().decode(await b.recv(1024))); // "buffered"
   * await w.close();
   * a.close();
   * b.close();
   * ```
   */
  async flush(): Promise<void> {
    if (this.#closed || this.#pendingBytes === 0) return;
    const chunks = this.#pending;
    const total = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (chunks.length === 1) return await this.#port.sendall(chunks[0]);
    const all = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      all.set(c, off);
      off += c.length;
    }
    await this.#port.sendall(all);
  }

  /**
   * Flushes and closes the file; the socket stays open. Calling it again
   * does nothing. If the socket's `close()` was called while the file was
   * open, closing its last file closes the socket.
   *
   * @returns A promise that resolves once the file is flushed and closed.
   * @throws {OSError} the errors of the flush (the file is closed all the same).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * const f = a.makefile("w");
   * await f.write("bye");
   * await f.close();
   * console.log(f.closed, a.closed); // true false
   * console.log(new TextDecoder().decode(await b.recv(1024))); // "bye"
   * a.close();
   * b.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      if (!this.#port.closed()) await this.flush();
    } finally {
      this.#closed = true;
      this.#port.release();
    }
  }

  /**
   * Closes the file, as `close()`: what `await using f = sock.makefile("rb")`
   * calls at the end of the block.
   *
   * @returns A promise that resolves once the file is flushed and closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * {
   *   await using w = a.makefile("w");
   *   await w.write("flushed at the end of the block");
   * }
   * console.log(new TextDecoder().decode(await b.recv(1024))); // "flushed at the end of the block"
   * a.close();
   * b.close();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Iterates over lines, as `readline()` reads them, until end of stream.
   *
   * @returns An async generator of lines.
   * @throws {TimeoutError} per the socket's timeout; {ValueError} once the file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("x\ny\n"));
   * a.close();
   * const lines = [];
   * for await (const line of b.makefile("r")) lines.push(line);
   * console.log(lines); // [ "x\n", "y\n" ]
   * b.close();
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * @ignore The file's readiness, for select and selectors: its socket's
   * (readable when a read would return at once; writable while open).
   */
  [POLL](): Poll {
    return this.#poll ??= {
      readable: () => this.#closed || (this.#reader?.ready ?? false),
      writable: () => true,
      changed: (read) => {
        if (this.#closed || !read) return new Promise(() => {});
        try {
          const r = this.#reader ?? this.#port.reader("select");
          return r instanceof Promise
            ? r.then((reader) => (this.#reader = reader).watch(), () => {})
            : (this.#reader = r).watch();
        } catch {
          return Promise.resolve(); // not connected: reading would raise at once
        }
      },
    };
  }

  /**
   * Python's repr of a socket file, which `Deno.inspect()` and
   * `console.log()` show.
   *
   * @returns `<socket.SocketFile mode='rb'>`, with ` closed` once closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * const f = b.makefile("rb");
   * console.log(Deno.inspect(f)); // <socket.SocketFile mode='rb'>
   * await f.close();
   * console.log(Deno.inspect(f)); // <socket.SocketFile mode='rb' closed>
   * a.close();
   * b.close();
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.#repr();
  }

  /** Python's repr of this object. */
  #repr(): string {
    return `<socket.SocketFile mode='${this.mode}'${this.closed ? " closed" : ""}>`;
  }
  /**
   * The same string for Node's and Bun's `util.inspect()` and `console.log()`.
   *
   * @returns Python's repr, as `[Symbol.for("Deno.customInspect")]()` gives it.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { inspect } from "node:util";
   * const [a, b] = await socket.socketpair();
   * const f = a.makefile("rb");
   * console.log(inspect(f)); // <socket.SocketFile mode='rb'>
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.#repr();
  }
}

/** Reads to the end of the stream. */
const toEnd: Scan = (_buf, start, end, _from, ended) => ended ? end - start : -1;

/** A `read()`/`readline()` size: an integer, or `null`/negative for "all". */
function sizeOf(size: unknown, op: string): number {
  if (size === null || size === undefined) return -1;
  if (typeof size !== "number" || !Number.isInteger(size)) {
    throw new TypeError(
      `Cannot ${op}: size must be an integer or null, not '${typeName(size)}'`,
    );
  }
  if (size > MAX_SIZE) {
    throw new RangeError(
      `Cannot ${op}: size must be at most ${MAX_SIZE}: current value is ${size}`,
    );
  }
  return size;
}

/** The number of UTF-8 characters that start in `view[0..n)`. */
function countChars(view: Uint8Array, n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if ((view[i] & 0xc0) !== 0x80) count++;
  return count;
}

/**
 * The byte length of the first `chars` whole UTF-8 characters in `view`, or
 * the length of the whole characters it holds when it has fewer.
 */
function utf8Bytes(view: Uint8Array, chars: number): number {
  let seen = 0;
  let i = 0;
  for (; i < view.length; i++) {
    if ((view[i] & 0xc0) !== 0x80) {
      if (seen === chars) return i;
      seen++;
    }
  }
  // The last character may be incomplete: end before its lead byte.
  let j = view.length;
  while (j > 0 && (view[j - 1] & 0xc0) === 0x80) j--;
  if (j > 0) {
    const lead = view[j - 1];
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (view.length - (j - 1) < need) return j - 1;
  }
  return i;
}
