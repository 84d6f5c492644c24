// Copyright 2026 the pysocket authors. MIT license.
// The request handlers of socketserver: BaseRequestHandler, and the stream
// and datagram handlers that give a request `rfile`/`wfile` file objects.

import * as C from "../constants.ts";
import { OSError, ValueError } from "../errors.ts";
import type { Address } from "../address.ts";
import type { StreamSocket } from "../tcp.ts";
import type { DatagramSocket } from "../udp.ts";
import type { SocketFile } from "../makefile.ts";
import { type BaseServer, classAttr } from "./base.ts";
import { type BytesLike, toBytes } from "../_common/bytes.ts";

/**
 * Python's `socketserver.BaseRequestHandler`: made once per request with
 * `request`, `client_address` and `server`; the server then calls
 * `setup()`, `handle()` and `finish()` (the last even when `handle()`
 * throws). Each may be `async`. Override `handle()` to serve the request.
 *
 * @typeParam R The request: a connected `StreamSocket` for stream servers,
 *   `[data, socket]` for datagram servers.
 * @typeParam S The server's type, for handlers that read its fields.
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 *
 * class Upper extends socketserver.BaseRequestHandler {
 *   override async handle() {
 *     const data = await this.request.recv(1024);
 *     await this.request.sendall(data.map((b) => b >= 97 && b <= 122 ? b - 32 : b));
 *   }
 * }
 * await using server = new socketserver.TCPServer(["127.0.0.1", 0], Upper);
 * ```
 */
export class BaseRequestHandler<R = StreamSocket, S = BaseServer<R>> {
  /** The request: a connection, or `[data, socket]` for a datagram server. */
  request: R;
  /** The client's address. */
  client_address: Address;
  /** The server that made this handler. */
  server: S;

  /**
   * Records the request; the server then calls `setup`, `handle`, `finish`.
   *
   * @param request The request.
   * @param client_address The client's address.
   * @param server The server.
   *
   * @example The server makes handlers; a test may make one itself
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const [a, b] = await socket.socketpair();
   * const handler = new socketserver.BaseRequestHandler(b, "", null);
   * console.log(handler.request === b, handler.client_address); // true ""
   * a.close();
   * b.close();
   * ```
   */
  constructor(request: R, client_address: Address, server: S) {
    this.request = request;
    this.client_address = client_address;
    this.server = server;
  }

  /**
   * Runs before `handle()`; does nothing here. Override it to prepare what
   * `handle()` uses.
   *
   * @returns Nothing, or a promise the server awaits.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * class Timed extends socketserver.BaseRequestHandler {
   *   started = 0;
   *   override setup() {
   *     this.started = performance.now();
   *   }
   * }
   * ```
   */
  setup(): void | Promise<void> {}

  /**
   * Serves the request; does nothing here. Override it: this is where the
   * handler talks to the client.
   *
   * @returns Nothing, or a promise the server awaits.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Echo extends socketserver.BaseRequestHandler {
   *   override async handle() {
   *     await this.request.sendall(await this.request.recv(1024));
   *   }
   * }
   * await using server = new socketserver.TCPServer(["127.0.0.1", 0], Echo);
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * await cli.sendall(new TextEncoder().encode("echo"));
   * await server.handle_request();
   * console.log(new TextDecoder().decode(await cli.recv(1024))); // "echo"
   * ```
   */
  handle(): void | Promise<void> {}

  /**
   * Runs after `handle()`, even if it threw; does nothing here. Override it
   * to release what `setup()` made.
   *
   * @returns Nothing, or a promise the server awaits.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * class Counted extends socketserver.BaseRequestHandler {
   *   static active = 0;
   *   override setup() {
   *     Counted.active++;
   *   }
   *   override finish() {
   *     Counted.active--;
   *   }
   * }
   * ```
   */
  finish(): void | Promise<void> {}
}

/**
 * Python's `socketserver.StreamRequestHandler`: `setup()` gives the
 * connection `rfile` (`makefile("rb", rbufsize)`) and `wfile`
 * (`makefile("wb", wbufsize)`; with the default `wbufsize` 0 every write is
 * sent at once), applies `timeout` and `disable_nagle_algorithm`;
 * `finish()` flushes and closes both files (the server closes the
 * connection). The settings are Python's class attributes: `static` fields
 * (`static override timeout = 5`), which each handler starts with; a
 * handler may change its own before `super.setup()` (`this.timeout = 5`).
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 *
 * class LineEcho extends socketserver.StreamRequestHandler {
 *   static override timeout = 10;
 *   override async handle() {
 *     for await (const line of this.rfile) await this.wfile.write(line);
 *   }
 * }
 * await using server = new socketserver.ThreadingTCPServer(["127.0.0.1", 0], LineEcho);
 * ```
 */
export class StreamRequestHandler<S = BaseServer<StreamSocket>>
  extends BaseRequestHandler<StreamSocket, S> {
  /** The read file's buffering (-1: default). */
  static rbufsize: number = -1;
  /** The write file's buffer size: 0 sends each write at once. */
  static wbufsize = 0;
  /** A timeout in seconds for the connection, or `null` to leave it as it is. */
  static timeout: number | null = null;
  /** Set `TCP_NODELAY` on the connection. */
  static disable_nagle_algorithm = false;

  /** The read file's buffering `setup()` uses (starts as the class's `static rbufsize`). */
  rbufsize: number = classAttr(this, "rbufsize");
  /** The write file's buffer size `setup()` uses (starts as the class's `static wbufsize`). */
  wbufsize: number = classAttr(this, "wbufsize");
  /** The connection's timeout `setup()` applies (starts as the class's `static timeout`). */
  timeout: number | null = classAttr(this, "timeout");
  /** Whether `setup()` sets `TCP_NODELAY` (starts as the class's `static disable_nagle_algorithm`). */
  disable_nagle_algorithm: boolean = classAttr(this, "disable_nagle_algorithm");
  /** The connection (the same as `request`). */
  connection!: StreamSocket;
  /** A binary file reading from the connection; made by `setup()`. */
  rfile!: SocketFile<Uint8Array<ArrayBuffer>>;
  /**
   * Writes to the connection; made by `setup()`: a buffered binary file, or
   * with `wbufsize` 0 a {@linkcode SocketWriter} (each write a `sendall`).
   */
  wfile!: SocketFile<Uint8Array<ArrayBuffer>> | SocketWriter;

  /**
   * Applies `timeout` and `disable_nagle_algorithm` to the connection and
   * makes `rfile` and `wfile`. An override must call `super.setup()`.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * class Session extends socketserver.StreamRequestHandler {
   *   lines = 0;
   *   override setup() {
   *     super.setup();
   *     this.lines = 0;
   *   }
   *   override async handle() {
   *     for await (const line of this.rfile) {
   *       this.lines++;
   *       await this.wfile.write(line);
   *     }
   *   }
   * }
   * ```
   */
  override setup(): void {
    this.connection = this.request;
    if (this.timeout !== null) this.connection.settimeout(this.timeout);
    if (this.disable_nagle_algorithm) {
      this.connection.setsockopt(C.IPPROTO_TCP, C.TCP_NODELAY, 1);
    }
    this.rfile = this.connection.makefile("rb", this.rbufsize);
    this.wfile = this.wbufsize === 0
      ? new SocketWriter(this.connection)
      : this.connection.makefile("wb", this.wbufsize);
  }

  /**
   * Flushes `wfile` (a connection the client has dropped is ignored) and
   * closes both files. An override must call `super.finish()`.
   *
   * @returns A promise that resolves when both files are closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * class Goodbye extends socketserver.StreamRequestHandler {
   *   override async handle() {
   *     await this.wfile.write(await this.rfile.readline());
   *   }
   *   override async finish() {
   *     await this.wfile.write(new TextEncoder().encode("bye\n"));
   *     await super.finish();
   *   }
   * }
   * ```
   */
  override async finish(): Promise<void> {
    if (!this.wfile.closed) {
      try {
        await this.wfile.flush();
      } catch (e) {
        if (!(e instanceof OSError)) throw e;
      }
    }
    try {
      await this.wfile.close();
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
    }
    await this.rfile.close();
  }
}

/**
 * The `wfile` of a stream handler with `wbufsize` 0 (Python's
 * `socketserver._SocketWriter`): each `write()` is a `sendall()` of the
 * whole buffer, so no byte is left unsent when the write returns.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import { socketserver } from "@pysocket/socket";
 *
 * const [a, b] = await socket.socketpair();
 * const w = new socketserver.SocketWriter(a);
 * console.log(await w.write(new TextEncoder().encode("hello\n"))); // 6
 * console.log(new TextDecoder().decode(await b.recv(1024))); // "hello\n"
 * a.close();
 * b.close();
 * ```
 */
export class SocketWriter {
  #sock: StreamSocket;
  #closed = false;

  /**
   * Made by `StreamRequestHandler.setup()` when `wbufsize` is 0.
   *
   * @param sock The connection.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const [a, b] = await socket.socketpair();
   * const w = new socketserver.SocketWriter(a);
   * console.log(w.closed, w.fileno() === a.fileno()); // false true
   * a.close();
   * b.close();
   * ```
   */
  constructor(sock: StreamSocket) {
    this.#sock = sock;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends all of `data`.
   *
   * @param data Bytes.
   * @returns The number of bytes (all of them).
   * @throws {ValueError} once closed; the `OSError`s of `sendall()`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const [a, b] = await socket.socketpair();
   * const w = new socketserver.SocketWriter(a);
   * console.log(await w.write(new Uint8Array(100_000))); // 100000
   * a.close();
   * b.close();
   * ```
   */
  async write(data: BytesLike): Promise<number> {
    if (this.#closed) throw new ValueError("Cannot write: I/O operation on closed file");
    const bytes = toBytes(data);
    await this.#sock.sendall(bytes);
    return bytes.length;
  }

  /**
   * Nothing to flush: each write was sent whole.
   *
   * @returns A resolved promise.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const [a, b] = await socket.socketpair();
   * const w = new socketserver.SocketWriter(a);
   * await w.write(new TextEncoder().encode("sent"));
   * await w.flush(); // nothing left to send
   * a.close();
   * b.close();
   * ```
   */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Closes the writer (the connection stays open).
   *
   * @returns A resolved promise.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const [a, b] = await socket.socketpair();
   * const w = new socketserver.SocketWriter(a);
   * await w.close();
   * console.log(w.closed, a.closed); // true false
   * a.close();
   * b.close();
   * ```
   */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /**
   * Whether it writes: it does.
   *
   * @returns `true`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const [a, b] = await socket.socketpair();
   * const w = new socketserver.SocketWriter(a);
   * console.log(w.writable()); // true
   * a.close();
   * b.close();
   * ```
   */
  writable(): boolean {
    return true;
  }

  /**
   * The connection's number.
   *
   * @returns `fileno()` of the connection.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const [a, b] = await socket.socketpair();
   * const w = new socketserver.SocketWriter(a);
   * console.log(w.fileno() === a.fileno()); // true
   * a.close();
   * b.close();
   * ```
   */
  fileno(): number {
    return this.#sock.fileno();
  }
}

/**
 * Python's `socketserver.DatagramRequestHandler`: `setup()` gives the
 * datagram as `rfile` (a {@linkcode BytesIO}) and an empty `wfile`;
 * `finish()` sends what was written to `wfile` back to the client as one
 * datagram (an empty one if nothing was written, as Python does).
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 *
 * class Upper extends socketserver.DatagramRequestHandler {
 *   override handle() {
 *     this.wfile.write(this.rfile.read().map((b) => b >= 97 && b <= 122 ? b - 32 : b));
 *   }
 * }
 * await using server = new socketserver.UDPServer(["127.0.0.1", 0], Upper);
 * ```
 */
export class DatagramRequestHandler<S = BaseServer<[Uint8Array, DatagramSocket]>>
  extends BaseRequestHandler<[data: Uint8Array, socket: DatagramSocket], S> {
  /** The datagram's bytes. */
  packet!: Uint8Array;
  /** The server socket the reply is sent from. */
  socket!: DatagramSocket;
  /** The datagram, to read from. */
  rfile!: BytesIO;
  /** The reply, written to; sent by `finish()`. */
  wfile!: BytesIO;

  /**
   * Makes `rfile` over the datagram and an empty `wfile`. An override must
   * call `super.setup()`.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * class Logged extends socketserver.DatagramRequestHandler {
   *   override setup() {
   *     super.setup();
   *     console.log(`${this.packet.length} bytes from`, this.client_address);
   *   }
   * }
   * ```
   */
  override setup(): void {
    [this.packet, this.socket] = this.request;
    this.rfile = new BytesIO(this.packet);
    this.wfile = new BytesIO();
  }

  /**
   * Sends `wfile`'s bytes to the client, from the server socket.
   *
   * @returns A promise that resolves when the reply is sent.
   * @throws {OSError} the errors of `sendto()`, e.g. `EMSGSIZE` for a reply too large.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Upper extends socketserver.DatagramRequestHandler {
   *   override handle() {
   *     this.wfile.write(new TextEncoder().encode("reply"));
   *   }
   * }
   * await using server = new socketserver.UDPServer(["127.0.0.1", 0], Upper);
   * using cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await cli.sendto(new TextEncoder().encode("request"), server.server_address);
   * await server.handle_request(); // handle(), then finish() sends the reply
   * console.log(new TextDecoder().decode((await cli.recvfrom(1024))[0])); // "reply"
   * ```
   */
  override async finish(): Promise<void> {
    await this.socket.sendto(this.wfile.getvalue(), this.client_address);
  }
}

/**
 * Python's `io.BytesIO`, as far as request handlers use it: an in-memory
 * binary file with `read`, `readline`, `readlines`, `write`, `getvalue`
 * and line iteration. Everything is synchronous (nothing waits).
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 *
 * const f = new socketserver.BytesIO(new TextEncoder().encode("a\nb\n"));
 * console.log(f.readline()); // Uint8Array [97, 10]
 * f.write(new Uint8Array([99]));
 * console.log(new TextDecoder().decode(f.getvalue())); // "a\nc\n" (written over "b", as Python's)
 * ```
 */
export class BytesIO {
  #buf: Uint8Array;
  #size: number;
  #pos = 0;
  #closed = false;

  /**
   * Makes a file holding a copy of `initial`, positioned at its start.
   *
   * @param initial The starting bytes; omitted: none.
   * @throws {TypeError} for a string.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const f = new socketserver.BytesIO(new Uint8Array([1, 2, 3]));
   * console.log(f.read()); // Uint8Array(3) [ 1, 2, 3 ]
   * ```
   */
  constructor(initial?: BytesLike) {
    this.#buf = toBytes(initial === undefined ? new Uint8Array(0) : initial).slice();
    this.#size = this.#buf.length;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  #check(op: string): void {
    if (this.#closed) throw new RangeError(`Cannot ${op}: I/O operation on closed file`);
  }

  /**
   * Reads up to `size` bytes (all that is left when negative or omitted).
   *
   * @param size How many bytes at most.
   * @returns The bytes; empty at the end.
   * @throws {RangeError} once closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const f = new socketserver.BytesIO(new TextEncoder().encode("abcdef"));
   * console.log(f.read(2), f.read()); // Uint8Array(2) [ 97, 98 ] Uint8Array(4) [ 99, 100, 101, 102 ]
   * ```
   */
  read(size?: number): Uint8Array<ArrayBuffer> {
    if (size === undefined) size = -1;
    this.#check("read");
    const end = size < 0 ? this.#size : Math.min(this.#size, this.#pos + size);
    const out = this.#buf.slice(this.#pos, Math.max(this.#pos, end));
    this.#pos = Math.max(this.#pos, end);
    return out;
  }

  /**
   * Reads one line, through its `\n`, or up to `limit` bytes.
   *
   * @param limit The most bytes to return (omitted or negative: no limit).
   * @returns The line; empty at the end.
   * @throws {RangeError} once closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const f = new socketserver.BytesIO(new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n"));
   * console.log(new TextDecoder().decode(f.readline())); // "GET / HTTP/1.0\r\n"
   * console.log(f.readline(1)); // Uint8Array(1) [ 13 ]
   * ```
   */
  readline(limit?: number): Uint8Array<ArrayBuffer> {
    if (limit === undefined) limit = -1;
    this.#check("readline");
    let end = this.#buf.subarray(0, this.#size).indexOf(0x0a, this.#pos);
    end = end < 0 ? this.#size : end + 1;
    if (limit >= 0) end = Math.min(end, this.#pos + limit);
    return this.read(Math.max(0, end - this.#pos));
  }

  /**
   * Reads all remaining lines.
   *
   * @returns The lines.
   * @throws {RangeError} once closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const f = new socketserver.BytesIO(new TextEncoder().encode("a\nb\nc"));
   * console.log(f.readlines().length); // 3
   * ```
   */
  readlines(): Uint8Array<ArrayBuffer>[] {
    const lines: Uint8Array<ArrayBuffer>[] = [];
    for (let line = this.readline(); line.length; line = this.readline()) lines.push(line);
    return lines;
  }

  /**
   * Writes bytes at the current position.
   *
   * @param data Bytes-like data.
   * @returns The number of bytes written.
   * @throws {TypeError} for a string; {RangeError} once closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const f = new socketserver.BytesIO();
   * console.log(f.write(new TextEncoder().encode("reply")), f.getvalue().length); // 5 5
   * ```
   */
  write(data: BytesLike): number {
    this.#check("write");
    const bytes = toBytes(data);
    const end = this.#pos + bytes.length;
    if (end > this.#buf.length) {
      const grown = new Uint8Array(Math.max(end, this.#buf.length * 2));
      grown.set(this.#buf.subarray(0, this.#size));
      this.#buf = grown;
    }
    this.#buf.set(bytes, this.#pos);
    this.#pos = end;
    this.#size = Math.max(this.#size, end);
    return bytes.length;
  }

  /**
   * All the bytes the file holds, wherever the position is.
   *
   * @returns A copy of the contents.
   * @throws {RangeError} once closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const f = new socketserver.BytesIO(new Uint8Array([1, 2]));
   * f.read();
   * f.write(new Uint8Array([3]));
   * console.log(f.getvalue()); // Uint8Array(3) [ 1, 2, 3 ]
   * ```
   */
  getvalue(): Uint8Array<ArrayBuffer> {
    this.#check("getvalue");
    return this.#buf.slice(0, this.#size);
  }

  /**
   * Does nothing: the bytes are already in memory.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const f = new socketserver.BytesIO();
   * f.write(new Uint8Array([1]));
   * f.flush();
   * ```
   */
  flush(): void {}

  /**
   * Closes the file; later reads and writes throw `RangeError`.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const f = new socketserver.BytesIO();
   * f.close();
   * console.log(f.closed); // true
   * ```
   */
  close(): void {
    this.#closed = true;
  }

  /**
   * Iterates over the remaining lines, as `readline()` reads them.
   *
   * @returns An iterator of lines.
   * @throws {RangeError} once closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const f = new socketserver.BytesIO(new TextEncoder().encode("a\nb\n"));
   * for (const line of f) console.log(line.length); // 2, then 2
   * ```
   */
  *[Symbol.iterator](): IterableIterator<Uint8Array> {
    for (let line = this.readline(); line.length; line = this.readline()) yield line;
  }
}
