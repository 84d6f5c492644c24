// Copyright 2026 the pysocket authors. MIT license.
/**
 * {@linkcode StreamSocket}: TCP over IPv4 and IPv6, and AF_UNIX stream
 * sockets, with Python's methods over `Deno.listen` and `Deno.connect`.
 *
 * @example An echo server and its client
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 * using cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * await cli.connect(srv.getsockname());
 * const [conn] = await srv.accept();
 * await cli.sendall(new TextEncoder().encode("hello"));
 * await conn.sendall(await conn.recv(1024));
 * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
 * conn.close();
 * ```
 *
 * @module
 */

import * as C from "./constants.ts";
import { errno, fromDenoError, OSError, TimeoutError } from "./errors.ts";
import { type Address, fromDenoAddr, type Target, toTarget } from "./address.ts";
import { Socket } from "./_base.ts";
import type { OptionHandles } from "./options.ts";
import { ReadBuffer } from "./_buffer.ts";
import { Writer } from "./_writer.ts";
import { Lock } from "./_lock.ts";
import { type Deadline, expired, msLeft, settledBy } from "./_wait.ts";
import { Acceptor, DEFAULT_BACKLOG, openListener } from "./_acceptor.ts";
import { dial, familyOf, RECV_FLAGS, recvFlagged, SEND_FLAGS } from "./_stream_util.ts";
import { definePoll } from "./_poll.ts";
import { type BinaryMode, type MakefileOptions, SocketFile, type TextMode } from "./makefile.ts";
import { sendfileImpl, type SendfileSource, socketReadable, socketWritable } from "./_stream_io.ts";
import {
  type BytesLike,
  checkCount,
  checkFlags,
  reprAddress,
  Scratch,
  sizedView,
  toBytes,
} from "./_util.ts";

/**
 * The largest `recv(bufsize)` served from the socket's reused buffer (the
 * tutorial sizes, 1024 to 16384); larger ones get a buffer of their own, so an
 * idle connection never holds more than this.
 */
const SCRATCH_MAX = 16 * 1024;

/** What makefile(), readable and sendfile need of a connected socket. */
export interface StreamInternals {
  buffer: ReadBuffer;
  readLock: Lock;
  writer: Writer;
  deadline: Deadline;
  fail(e: unknown, op: string): Error;
}

let internalsOf: (s: StreamSocket, op: string) => Promise<StreamInternals>;

/**
 * The shared read buffer, lock and writer of a connected stream socket (for
 * the modules that build on them); waits for a connect still under way.
 */
export function streamInternals(s: StreamSocket, op: string): Promise<StreamInternals> {
  return internalsOf(s, op);
}

let readLockOf: (s: StreamSocket) => Lock;

/** The read lock of a stream socket, so a read can queue for it in call order before any await. */
export function streamReadLock(s: StreamSocket): Lock {
  return readLockOf(s);
}

/**
 * A stream socket: TCP (AF_INET, AF_INET6) or AF_UNIX `SOCK_STREAM`. Made
 * by `socket()`, `accept()`, `create_connection()` or `fromConn()`.
 *
 * A server: `bind()`, `listen()`, then `accept()` (or `for await` over the
 * socket). A client: `connect()`. Then `send`/`sendall`/`recv`/`recv_into`,
 * `shutdown()` and `close()`. Every read goes through one buffer, so no
 * byte is lost or reordered by a timeout, a peek or a non-blocking call.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen(5);
 * console.log((srv.getsockname() as socket.IPv4Address)[1] > 0); // true
 * ```
 */
export class StreamSocket extends Socket {
  #listener: Deno.Listener | null = null;
  #acceptor: Acceptor | null = null; // made by listen()
  #backlog = DEFAULT_BACKLOG;
  #conn: Deno.Conn | null = null;
  #connecting: Promise<void> | null = null;
  #buffer: ReadBuffer | null = null;
  #writer: Writer | null = null;
  #readLock = new Lock();
  #scratch: Scratch | null = null; // recv(bufsize)'s buffer, made on first use
  #readable: ReadableStream<Uint8Array> | null = null;
  #writable: WritableStream<BytesLike> | null = null;

  static {
    readLockOf = (s) => s.#readLock;
    internalsOf = async (s, op) => {
      s._checkOpen(op);
      const conn = s.#conn ?? await s.#waitConnected(op);
      void conn;
      return {
        buffer: s.#buffer!,
        readLock: s.#readLock,
        writer: s.#writer!,
        deadline: s._deadline(),
        fail: (e, o) => s.#fail(e, o),
      };
    };
    definePoll(StreamSocket, (s) => ({
      get readable() {
        if (s.#acceptor) return s.#acceptor.ready || s.closed;
        return s.#buffer?.ready ?? (s.closed || s.#connecting === null);
      },
      get writable() {
        if (s.#acceptor || s.#connecting) return s.closed;
        return s.#writer?.ready ?? true;
      },
      changed(read: boolean, write: boolean): Promise<void> {
        const waits: Promise<unknown>[] = [];
        if (s.closed) return Promise.resolve();
        if (s.#connecting) waits.push(s.#connecting);
        else if (read && s.#acceptor) {
          waits.push(s.#acceptor.background());
        } else if (read && s.#buffer) waits.push(s.#buffer.startFill());
        const w = s.#writer;
        if (write && w && !w.ready) {
          // A send is finishing in the background, or another task's send
          // holds the writer: wait for the one, then queue behind the other
          // (writing nothing), so that a select loop never spins.
          const empty = new Uint8Array(0);
          waits.push(
            w.drained().then(() => w.ready ? undefined : w.writeAll(empty, null, "select")),
          );
        }
        const noop = () => {};
        return waits.length ? Promise.race(waits).then(noop, noop) : new Promise(noop);
      },
    }));
  }

  /**
   * Use `socket(family, SOCK_STREAM)` rather than this constructor.
   *
   * @param family `AF_INET`, `AF_INET6` or `AF_UNIX`.
   * @param proto Protocol number (0).
   * @param conn An existing Deno connection to wrap.
   */
  constructor(family: number = C.AF_INET, proto = 0, conn?: Deno.Conn) {
    super(family, C.SOCK_STREAM, proto);
    if (conn) this.#attach(conn);
  }

  /**
   * Wraps an existing `Deno.Conn` (TCP, TLS or Unix), e.g. from
   * `Deno.startTls()`.
   *
   * @param conn The connection; the socket owns it from now on.
   * @returns A connected `StreamSocket`.
   *
   * @example
   * ```ts
   * import { StreamSocket } from "@pysocket/socket";
   *
   * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const conn = await Deno.connect(listener.addr as Deno.ConnectOptions);
   * using sock = StreamSocket.fromConn(conn);
   * console.log(sock.getpeername()); // ["127.0.0.1", <port>]
   * listener.close();
   * ```
   */
  static fromConn(conn: Deno.Conn): StreamSocket {
    return new StreamSocket(familyOf(conn.localAddr), 0, conn);
  }

  /**
   * Wraps an existing `Deno.Listener` (TCP, TLS or Unix) as a listening socket.
   *
   * @param listener The listener; the socket owns it from now on.
   * @returns A listening `StreamSocket`.
   *
   * @example
   * ```ts
   * import { StreamSocket } from "@pysocket/socket";
   *
   * using srv = StreamSocket.fromListener(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
   * console.log(srv.getsockname()[0]); // "127.0.0.1"
   * ```
   */
  static fromListener(listener: Deno.Listener): StreamSocket {
    const s = new StreamSocket(familyOf(listener.addr));
    s.#listener = listener;
    s.#acceptor = new Acceptor(listener);
    return s;
  }

  #attach(conn: Deno.Conn): void {
    this.#conn = conn;
    this.#buffer = new ReadBuffer(conn);
    this.#writer = new Writer(conn);
    this._options.applyTo(this._handles());
  }

  /** @ignore */
  protected _handles(): OptionHandles {
    return { conn: this.#conn, listening: this.#acceptor !== null, bound: this.#listener !== null };
  }

  #fail(e: unknown, op: string): Error {
    if (this.closed) {
      return new OSError(errno.EBADF, undefined, {
        cause: e,
        detail: `Cannot ${op}: socket is closed`,
      });
    }
    return fromDenoError(e, `Cannot ${op}`);
  }

  /**
   * Binds the socket to a local address. For TCP and AF_UNIX this creates
   * the Deno listener at once (Deno binds and listens in one call), so
   * `getsockname()` reports the port the system chose for port 0.
   *
   * @param address `[host, port]`, `[host, port, flowinfo, scope_id]` or a path.
   * @throws {TypeError} for a malformed address; {RangeError} for a bad port.
   * @throws {OSError} e.g. `EADDRINUSE`, or `EINVAL` if already bound.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket();
   * s.bind(["127.0.0.1", 0]);
   * console.log(s.getsockname()[0]); // "127.0.0.1"
   * ```
   */
  bind(address: Address): void {
    this._checkOpen("bind");
    const target = toTarget(this.family, address, "bind");
    if (this.#listener || this.#conn || this.#connecting) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: "Cannot bind: socket is already bound",
      });
    }
    if (target.transport === "tcp" && target.hostname === "localhost") {
      target.hostname = this.family === C.AF_INET6 ? "::1" : "127.0.0.1";
    }
    this.#listener = this.#listen(target, this.#backlog, `Cannot bind to ${reprAddress(address)}`);
  }

  #listen(target: Target, backlog: number, detail: string): Deno.Listener {
    return openListener(target, backlog, this._options.flag(C.SOL_SOCKET, C.SO_REUSEPORT), detail);
  }

  /**
   * Starts accepting connections. An unbound socket binds to the wildcard
   * address and a free port first, as Linux does.
   *
   * @param backlog The queue length for connections not yet accepted
   *   (Deno's `tcpBacklog`); Python's default is 128.
   * @throws {OSError} when the socket is connected or closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket();
   * s.bind(["127.0.0.1", 0]);
   * s.listen(5);
   * ```
   */
  listen(backlog: number = DEFAULT_BACKLOG): void {
    this._checkOpen("listen");
    if (this.#conn || this.#connecting) {
      throw new OSError(errno.EINVAL, undefined, { detail: "Cannot listen: socket is connected" });
    }
    backlog = Math.max(0, Math.min(Math.trunc(backlog), C.SOMAXCONN));
    if (!this.#listener) {
      if (this.family === C.AF_UNIX) {
        throw new OSError(errno.EINVAL, undefined, {
          detail: "Cannot listen: bind an AF_UNIX socket to a path first",
        });
      }
      this.#backlog = backlog;
      this.bind([this.family === C.AF_INET6 ? "::" : "0.0.0.0", 0]);
    } else if (
      backlog !== this.#backlog && this.#listener.addr.transport === "tcp" && !this.#acceptor
    ) {
      // Deno takes the backlog when it creates the listener: make it again on the same port.
      const addr = this.#listener.addr as Deno.NetAddr;
      this.#listener.close();
      this.#listener = null;
      this.#listener = this.#listen(
        { transport: "tcp", hostname: addr.hostname, port: addr.port },
        backlog,
        "Cannot listen",
      );
    }
    this.#backlog = backlog;
    this.#acceptor ??= new Acceptor(this.#listener!);
  }

  /**
   * Waits for a connection and resolves `[conn, address]`. A timed-out or
   * non-blocking `accept()` loses nothing: a connection that arrives later
   * is returned by the next call.
   *
   * @returns The connected socket and the peer's address.
   * @throws {TimeoutError|BlockingIOError} per the timeout; {OSError} `EINVAL` if not listening.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using cli = await socket.create_connection(srv.getsockname() as [string, number]);
   * const [conn, addr] = await srv.accept();
   * console.log(addr[0]); // "127.0.0.1"
   * conn.close();
   * ```
   */
  async accept(): Promise<[StreamSocket, Address]> {
    this._checkOpen("accept");
    const acceptor = this.#acceptor;
    if (!acceptor) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: "Cannot accept: socket is not listening",
      });
    }
    const deadline = this._deadline();
    if (!this.#readLock.tryAcquire()) await this.#lockWithin(deadline, "accept");
    try {
      const conn = await acceptor.accept(deadline, "accept");
      const sock = new StreamSocket(this.family, this.proto);
      this._options.copyTo(sock._options);
      sock.#attach(conn);
      return [sock, fromDenoAddr(this.family, conn.remoteAddr)];
    } catch (e) {
      throw this.#fail(e, "accept");
    } finally {
      this.#readLock.release();
    }
  }

  async #lockWithin(deadline: Deadline, op: string): Promise<void> {
    if (deadline === null) return await this.#readLock.acquire();
    if (!await this.#readLock.acquireWithin(msLeft(deadline))) throw expired(deadline, op);
  }

  /**
   * A listening socket is an async iterable of `[conn, address]`; the loop
   * ends when the socket is closed.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 8080]);
   * for await (const [conn] of srv) conn.close();
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<[StreamSocket, Address]> {
    while (!this.closed) {
      try {
        yield await this.accept();
      } catch (e) {
        if (this.closed && e instanceof OSError && e.errno === errno.EBADF) return;
        throw e;
      }
    }
  }

  /**
   * Connects to a remote address; host names are resolved by the operating
   * system's resolver for the socket's family. With a timeout the attempt
   * is abandoned (through `Deno.connect`'s `signal`) after that many
   * seconds; a non-blocking socket starts connecting and throws
   * `BlockingIOError` (`EINPROGRESS`).
   *
   * @param address `[host, port]`, `[host, port, flowinfo, scope_id]` or a path.
   * @throws {ConnectionRefusedError} and the other `OSError`s of a failed connect.
   * @throws {TimeoutError} when the timeout passes.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using cli = socket.socket();
   * await cli.connect(srv.getsockname());
   * console.log(cli.getpeername()[1] === srv.getsockname()[1]); // true
   * ```
   */
  async connect(address: Address): Promise<void> {
    this._checkOpen("connect");
    const target = toTarget(this.family, address, "connect");
    if (this.#conn) {
      throw new OSError(errno.EISCONN, undefined, { detail: "Cannot connect: already connected" });
    }
    if (this.#connecting) {
      throw new OSError(errno.EALREADY, undefined, {
        detail: "Cannot connect: a connect is under way",
      });
    }
    if (this.#listener) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: this.#acceptor
          ? "Cannot connect: socket is listening"
          : "Cannot connect: Deno cannot connect from a bound local address",
      });
    }
    const err = this._options.takeError();
    if (err) {
      throw new OSError(err, undefined, { detail: "Cannot connect: earlier connect failed" });
    }
    const deadline = this._deadline();
    const attempt = this.#open(target, deadline);
    if (deadline === null) return await attempt;
    this.#connecting = attempt.then(
      () => {
        this.#connecting = null;
      },
      (e) => {
        this.#connecting = null;
        if (e instanceof OSError && e.errno !== null) this._options.setError(e.errno);
      },
    );
    if (deadline !== -1) return await attempt;
    throw new OSError(errno.EINPROGRESS, undefined, {
      detail: "Cannot connect: connecting in the background",
    });
  }

  async #open(target: Target, deadline: Deadline): Promise<void> {
    try {
      const conn = await dial(target, this.family, deadline);
      if (this.closed) {
        conn.close();
        throw new OSError(errno.EBADF, undefined, { detail: "Cannot connect: socket is closed" });
      }
      this.#attach(conn);
    } catch (e) {
      throw e instanceof TimeoutError ? e : this.#fail(e, "connect");
    }
  }

  async #waitConnected(op: string): Promise<Deno.Conn> {
    if (this.#connecting) {
      const deadline = this._deadline();
      if (deadline === null) await this.#connecting;
      else if (!await settledBy(this.#connecting, deadline)) throw expired(deadline, op);
      if (this.#conn) return this.#conn;
    }
    this._checkOpen(op);
    throw new OSError(errno.ENOTCONN, undefined, {
      detail: `Cannot ${op}: socket is not connected`,
    });
  }

  /**
   * Like `connect()`, but resolves an errno number instead of throwing for
   * network failures: 0 on success, e.g. `errno.ECONNREFUSED` (111) when
   * refused, `errno.EAGAIN` on timeout, `errno.EINPROGRESS` when non-blocking.
   *
   * @param address The remote address.
   * @returns 0 or an errno number.
   * @throws {TypeError|RangeError} for a malformed address; {gaierror} when a name does not resolve.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket();
   * console.log(await s.connect_ex(["127.0.0.1", 1])); // 111
   * ```
   */
  async connect_ex(address: Address): Promise<number> {
    try {
      await this.connect(address);
      return 0;
    } catch (e) {
      if (!(e instanceof OSError) || e.name === "gaierror") throw e;
      return e.errno ?? errno.EAGAIN;
    }
  }

  /**
   * Sends data; resolves how many bytes were written, which may be fewer
   * than given. See `sendall()` to send everything.
   *
   * @param data Bytes: any `ArrayBufferView` or `ArrayBuffer`.
   * @param flags `MSG_DONTWAIT` or `MSG_NOSIGNAL`; others raise `OSError`.
   * @returns The number of bytes sent.
   * @throws {TypeError} for a string; {BrokenPipeError} and other `OSError`s.
   *
   * @example
   * ```ts ignore
   * const n = await sock.send(new TextEncoder().encode("hi"));
   * ```
   */
  async send(data: BytesLike, flags = 0): Promise<number> {
    const view = toBytes(data);
    if (flags) checkFlags(flags, SEND_FLAGS, "send");
    this._checkOpen("send");
    const writer = this.#writer ?? (await this.#waitConnected("send"), this.#writer!);
    try {
      return await writer.writeSome(view, this._deadline((flags & C.MSG_DONTWAIT) !== 0), "send");
    } catch (e) {
      throw this.#fail(e, "send");
    }
  }

  /**
   * Sends all of `data`, or throws. Concurrent `sendall()`s on one socket
   * never interleave their bytes. With a timeout, it applies to the whole call.
   *
   * @param data Bytes: any `ArrayBufferView` or `ArrayBuffer`.
   * @param flags `MSG_DONTWAIT` or `MSG_NOSIGNAL`.
   * @throws {TypeError} for a string; {BrokenPipeError}, {TimeoutError} and other `OSError`s.
   *
   * @example
   * ```ts ignore
   * await sock.sendall(new TextEncoder().encode("hello\n"));
   * ```
   */
  sendall(data: BytesLike, flags = 0): Promise<void> {
    let view: Uint8Array;
    try {
      view = toBytes(data);
      if (flags) checkFlags(flags, SEND_FLAGS, "sendall");
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#sendall(view, flags);
  }

  async #sendall(view: Uint8Array, flags: number): Promise<void> {
    this._checkOpen("sendall");
    const conn = this.#conn;
    const writer = this.#writer ?? (await this.#waitConnected("sendall"), this.#writer!);
    const deadline = this._deadline((flags & C.MSG_DONTWAIT) !== 0);
    try {
      if (deadline === null && conn !== null && writer.tryDirect()) {
        // The hot path: blocking and nothing queued: the caller's bytes go straight to Deno.
        try {
          for (let off = 0; off < view.length;) {
            off += await conn.write(off === 0 ? view : view.subarray(off));
          }
        } finally {
          writer.release();
        }
      } else {
        await writer.writeAll(view, deadline, "sendall");
      }
    } catch (e) {
      throw this.#fail(e, "sendall");
    }
  }

  /**
   * Receives up to `bufsize` bytes: 1..bufsize bytes, or an empty array at
   * end of stream.
   *
   * @param bufsize The most bytes to return.
   * @param flags `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`; others raise `OSError`.
   * @returns The bytes.
   * @throws {TimeoutError|BlockingIOError} per the timeout (nothing is consumed).
   *
   * @example
   * ```ts ignore
   * const data = await conn.recv(1024);
   * if (data.length === 0) console.log("peer closed");
   * ```
   */
  async recv(bufsize: number, flags = 0): Promise<Uint8Array> {
    checkCount(bufsize, "bufsize", "recv");
    const scratch = this.#scratch ??= new Scratch(SCRATCH_MAX);
    const buf = scratch.take(bufsize);
    let n: number;
    try {
      n = await this.#recvInto(buf, flags, "recv");
    } catch (e) {
      scratch.drop(buf);
      throw e;
    }
    return scratch.release(buf, n);
  }

  /**
   * Receives into `buffer` and resolves the count (0 at end of stream).
   * With no timeout and nothing buffered it reads straight into `buffer`.
   *
   * @param buffer Where to put the bytes (any `ArrayBufferView` or `ArrayBuffer`).
   * @param nbytes The most bytes to read (0 or omitted: the buffer's size).
   * @param flags `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`.
   * @returns The number of bytes received.
   * @throws {RangeError} if `nbytes` is larger than the buffer.
   *
   * @example
   * ```ts ignore
   * const buf = new Uint8Array(65536);
   * const n = await conn.recv_into(buf);
   * ```
   */
  recv_into(buffer: BytesLike, nbytes = 0, flags = 0): Promise<number> {
    let p: Uint8Array;
    try {
      p = sizedView(buffer, nbytes, "recv_into");
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#recvInto(p, flags, "recv_into");
  }

  async #recvInto(p: Uint8Array, flags: number, op: string): Promise<number> {
    if (flags) checkFlags(flags, RECV_FLAGS, op);
    this._checkOpen(op);
    const conn = this.#conn;
    if (
      flags === 0 && conn !== null && p.length !== 0 && this.timeout === null &&
      this.#buffer!.direct && this.#readLock.tryAcquire()
    ) {
      // The hot path: blocking, nothing buffered, no fill under way, no other
      // reader: read straight into the caller's buffer (no timer, no copy).
      try {
        const n = await conn.read(p);
        if (n !== null) return n;
        this.#buffer!.endReading();
        return 0;
      } catch (e) {
        throw this.#fail(e, op);
      } finally {
        this.#readLock.release();
      }
    }
    const buffer = this.#buffer ?? (await this.#waitConnected(op), this.#buffer!);
    const deadline = this._deadline((flags & C.MSG_DONTWAIT) !== 0);
    if (!this.#readLock.tryAcquire()) await this.#lockWithin(deadline, op);
    try {
      if (p.length === 0) return 0;
      if (flags & (C.MSG_PEEK | C.MSG_WAITALL)) {
        return await recvFlagged(buffer, p, flags, deadline, op);
      }
      if (buffer.size) return buffer.take(p);
      if (deadline === null && buffer.direct) return await buffer.readDirect(p);
      while (!buffer.size) {
        buffer.throwError();
        if (buffer.done) return 0;
        await buffer.more(deadline, op, p.length);
      }
      return buffer.take(p);
    } catch (e) {
      throw this.#fail(e, op);
    } finally {
      this.#readLock.release();
    }
  }

  /**
   * Shuts down one or both halves of the connection. `SHUT_WR` half-closes:
   * the peer reads end of stream and may still send. `SHUT_RD` makes later
   * reads return end of stream once what is buffered has been read.
   *
   * @param how `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
   * @throws {OSError} `ENOTCONN` when not connected; `EINVAL` for a bad `how`.
   *
   * @example
   * ```ts ignore
   * await sock.sendall(request);
   * await sock.shutdown(socket.SHUT_WR);
   * const reply = await sock.recv(4096);
   * ```
   */
  async shutdown(how: number): Promise<void> {
    this._checkOpen("shutdown");
    if (how !== C.SHUT_RD && how !== C.SHUT_WR && how !== C.SHUT_RDWR) {
      throw new OSError(errno.EINVAL, undefined, {
        detail:
          `Cannot shutdown: how must be SHUT_RD, SHUT_WR or SHUT_RDWR: current value is ${how}`,
      });
    }
    const conn = this.#conn ?? await this.#waitConnected("shutdown");
    if (how !== C.SHUT_WR) this.#buffer!.endReading();
    if (how === C.SHUT_RD) return;
    try {
      await this.#writer!.drained();
      await conn.closeWrite();
    } catch (e) {
      if (e instanceof Deno.errors.NotConnected) return;
      throw this.#fail(e, "shutdown");
    }
  }

  /**
   * A file object over the socket (Python's `makefile`), sharing the
   * socket's read buffer: binary modes (`"rb"`, `"wb"`, `"rwb"`) read and
   * write `Uint8Array`s, text modes (`"r"`, `"w"`, `"rw"`) strings.
   *
   * @param mode Any of `r`, `w`, `b`; default `"r"`.
   * @param buffering Write buffer size; 0 sends each write at once.
   * @param options Text mode's `encoding`, `errors`, `newline`.
   * @returns The file; closing it leaves the socket open.
   * @throws {RangeError} for an invalid mode, encoding or newline.
   *
   * @example
   * ```ts ignore
   * const rfile = conn.makefile("rb");
   * const line = await rfile.readline();
   * ```
   */
  makefile(mode: BinaryMode, buffering?: number | null): SocketFile<Uint8Array>;
  /**
   * A text file object over the socket (see the binary overload).
   *
   * @param mode `"r"`, `"w"` or `"rw"`.
   * @param buffering Write buffer size; 0 sends each write at once.
   * @param options `encoding` (utf-8, latin-1, ascii), `errors`, `newline`.
   * @returns The file.
   *
   * @example
   * ```ts ignore
   * for await (const line of conn.makefile("r")) console.log(line.trimEnd());
   * ```
   */
  makefile(
    mode?: TextMode,
    buffering?: number | null,
    options?: MakefileOptions,
  ): SocketFile<string>;
  makefile(
    mode: string = "r",
    buffering?: number | null,
    options?: MakefileOptions,
  ): SocketFile<Uint8Array> | SocketFile<string> {
    this._checkOpen("makefile");
    return new SocketFile<Uint8Array>(this, mode, buffering, options);
  }

  /**
   * A byte stream of what the socket receives (BYOB readers supported),
   * read through the socket's buffer: cancelling it or releasing its reader
   * leaves unread bytes for `recv()`. It does not close the socket.
   *
   * @example
   * ```ts ignore
   * for await (const chunk of conn.readable) console.log(chunk.length);
   * ```
   */
  get readable(): ReadableStream<Uint8Array> {
    return this.#readable ??= socketReadable(this);
  }

  /**
   * A stream whose writes are `sendall()`s; closing it half-closes the
   * connection (`SHUT_WR`), so `readable.pipeTo(other.writable)` ends the
   * other side's input.
   *
   * @example
   * ```ts ignore
   * await a.readable.pipeTo(b.writable);
   * ```
   */
  get writable(): WritableStream<BytesLike> {
    return this.#writable ??= socketWritable(this);
  }

  /**
   * Sends a file's bytes (Python's `sendfile`), from `offset`, `count` of
   * them or up to its end; the file position ends after the last byte sent.
   *
   * @param file A `Deno.FsFile` opened for reading.
   * @param offset Where to start.
   * @param count How many bytes; omitted or 0: to the end.
   * @returns The number of bytes sent.
   * @throws {TypeError} when `file` is not a file; {RangeError} for a bad offset or count.
   *
   * @example
   * ```ts ignore
   * using file = await Deno.open("data.bin");
   * const sent = await conn.sendfile(file, 0, 1024);
   * ```
   */
  sendfile(file: SendfileSource, offset = 0, count?: number | null): Promise<number> {
    this._checkOpen("sendfile");
    return sendfileImpl(this, file, offset, count);
  }

  /**
   * The socket's own address. An unbound socket reports the wildcard
   * address with port 0 (`""` for AF_UNIX).
   *
   * @returns The local address.
   * @throws {OSError} `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket();
   * console.log(s.getsockname()); // ["0.0.0.0", 0]
   * ```
   */
  getsockname(): Address {
    this._checkOpen("getsockname");
    const addr = this.#conn?.localAddr ?? this.#listener?.addr;
    if (addr) return fromDenoAddr(this.family, addr);
    if (this.family === C.AF_UNIX) return "";
    return this.family === C.AF_INET6 ? ["::", 0, 0, 0] : ["0.0.0.0", 0];
  }

  /**
   * The connected peer's address.
   *
   * @returns The remote address.
   * @throws {OSError} `ENOTCONN` when not connected; `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket();
   * try {
   *   s.getpeername();
   * } catch (e) {
   *   console.log((e as socket.OSError).errno === socket.errno.ENOTCONN); // true
   * }
   * ```
   */
  getpeername(): Address {
    this._checkOpen("getpeername");
    if (!this.#conn) {
      throw new OSError(errno.ENOTCONN, undefined, {
        detail: "Cannot getpeername: socket is not connected",
      });
    }
    return fromDenoAddr(this.family, this.#conn.remoteAddr);
  }

  /**
   * Closes the socket and its Deno handles; calling it again does nothing.
   * Pending reads and accepts fail with `OSError` `EBADF`. Bytes already
   * accepted by a timed-out `send` are still written before the connection
   * closes.
   */
  override close(): void {
    if (this.closed) return;
    super.close();
    if (this.#acceptor) this.#acceptor.close();
    else this.#listener?.close();
    this.#listener = null;
    this.#acceptor = null;
    const conn = this.#conn;
    if (conn) {
      const writer = this.#writer!;
      if (writer.ready) conn.close();
      else writer.drained().then(() => conn.close());
    }
  }

  /**
   * Leaves the socket closed without closing its Deno handle, and returns
   * the handle: a `Deno.Conn`, a `Deno.Listener`, or `null` if it had none
   * (or was already closed).
   * Python's `detach()` returns the file descriptor; this is how a socket
   * is handed to `Deno.startTls()`.
   *
   * @returns The Deno handle.
   * @throws {OSError} when bytes are buffered that the handle would not return.
   *
   * @example
   * ```ts ignore
   * const tls = socket.fromConn(await Deno.startTls(sock.detach() as Deno.TcpConn, { hostname }));
   * ```
   */
  detach(): Deno.Conn | Deno.Listener | null {
    if (this.closed) return null; // Python's detach() of a closed socket returns -1
    if (this.#acceptor?.busy) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: "Cannot detach: a connection accepted in the background is pending or kept",
      });
    }
    if (this.#buffer && (this.#buffer.size || this.#buffer.filling)) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: "Cannot detach: bytes read from the connection are still buffered",
      });
    }
    const handle = this.#conn ?? this.#listener;
    this.#conn = null;
    this.#listener = null;
    super.close();
    return handle;
  }
}
