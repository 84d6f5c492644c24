// Copyright 2026 the pysocket authors. MIT license.
/**
 * {@linkcode DatagramSocket}: UDP (AF_INET, AF_INET6) and AF_UNIX datagram
 * sockets over `Deno.listenDatagram`, with Python's `sendto`/`recvfrom`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * server.bind(["127.0.0.1", 0]);
 * using client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * await client.sendto(new TextEncoder().encode("hello"), server.getsockname());
 * const [data, address] = await server.recvfrom(1024);
 * await server.sendto(data, address);
 * console.log(new TextDecoder().decode((await client.recvfrom(1024))[0])); // "hello"
 * ```
 *
 * @module
 */

import * as C from "./constants.ts";
import { errno, OSError } from "./errors.ts";
import { type Address, fromDenoAddr, toTarget } from "./address.ts";
import { Socket } from "./_base.ts";
import type { OptionHandles } from "./options.ts";
import { definePoll } from "./_poll.ts";
import {
  type BytesLike,
  checkCount,
  checkFlags,
  reprAddress,
  Scratch,
  sizedView,
  toBytes,
} from "./_util.ts";
import {
  type DatagramAddr,
  datagramError,
  openDatagram,
  samePeer,
  Targets,
  wildcard,
} from "./_udp_addr.ts";
import { DatagramIO } from "./_udp_io.ts";

const RECV_FLAGS = C.MSG_PEEK | C.MSG_DONTWAIT;
const SEND_FLAGS = C.MSG_DONTWAIT | C.MSG_NOSIGNAL;
const noop = () => {};
/** The largest `recv(bufsize)`/`recvfrom(bufsize)` served from the socket's reused buffer. */
const SCRATCH_MAX = 64 * 1024;
/** What a receive resolves: the count (`recv`, `recv_into`), or `[count, address]`. */
const countOnly = (n: number): number => n;
const withSender = (n: number, from: Deno.Addr, family: number): [number, Address] => [
  n,
  fromDenoAddr(family, from),
];

/**
 * A datagram socket: UDP over IPv4 or IPv6, or an AF_UNIX `SOCK_DGRAM`
 * socket on a path. Made by `socket(family, SOCK_DGRAM)` or
 * `fromDatagramConn()`.
 *
 * `bind()`, then `recvfrom()`/`sendto()`; or `connect()` to fix the peer,
 * then `send()`/`recv()`. An unbound socket binds itself to its family's
 * wildcard address (AF_UNIX: an abstract address) on first use. No
 * datagram is lost or reordered by a timeout or a non-blocking call: a
 * receive that outlives its caller keeps its datagram for the next one.
 *
 * AF_UNIX limit: Deno refuses to send on an AF_UNIX datagram handle while a
 * receive is pending on it. Such a `sendto()` waits for the receive up to
 * the socket's timeout, raises `BlockingIOError` when non-blocking, and
 * otherwise raises `OSError` (`EBUSY`) saying so.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * s.bind(["127.0.0.1", 0]);
 * console.log((s.getsockname() as [string, number])[1] > 0); // true
 * ```
 */
export class DatagramSocket extends Socket {
  #io: DatagramIO | null = null;
  #targets: Targets;
  /** The last send waiting for a name lookup (or behind one), if any. */
  #sendTail: Promise<void> | null = null;
  #scratch: Scratch | null = null; // recv(bufsize)/recvfrom(bufsize)'s buffer, made on first use

  static {
    definePoll(DatagramSocket, (s) => ({
      get readable() {
        return s.closed || (s.#io?.readable ?? false);
      },
      get writable() {
        return s.closed || (s.#io?.writable ?? true);
      },
      changed(read: boolean, write: boolean): Promise<void> {
        if (s.closed) return Promise.resolve();
        return s.#io ? s.#io.changed(read, write) : new Promise(noop);
      },
    }));
  }

  /**
   * Use `socket(family, SOCK_DGRAM)` rather than this constructor.
   *
   * @param family `AF_INET`, `AF_INET6` or `AF_UNIX`.
   * @param proto Protocol number (0 or `IPPROTO_UDP`).
   */
  constructor(family: number = C.AF_INET, proto = 0) {
    super(family, C.SOCK_DGRAM, proto);
    this.#targets = new Targets(family);
  }

  /**
   * Wraps a Deno datagram handle (UDP or `unixpacket`) as a bound socket.
   *
   * @param conn The handle; the socket owns it from now on.
   * @returns The socket, of the handle's family.
   *
   * @example
   * ```ts
   * import { DatagramSocket } from "@pysocket/socket";
   * using s = DatagramSocket.fromDatagramConn(
   *   Deno.listenDatagram({ transport: "udp", hostname: "::1", port: 0 }),
   * );
   * console.log(s.getsockname()[0]); // "::1"
   * ```
   */
  static fromDatagramConn(conn: Deno.DatagramConn): DatagramSocket {
    const addr = conn.addr;
    const family = addr.transport === "unixpacket" || addr.transport === "unix"
      ? C.AF_UNIX
      : (addr as Deno.NetAddr).hostname.includes(":")
      ? C.AF_INET6
      : C.AF_INET;
    const s = new DatagramSocket(family);
    s.#io = new DatagramIO(conn);
    s._options.applyTo(s._handles());
    return s;
  }

  /** @ignore */
  protected _handles(): OptionHandles {
    return {
      conn: null,
      listening: false,
      datagram: this.#io?.conn ?? null,
      defer: (p) => this._defer(p),
    };
  }

  #open(address: Address | null, op: string): DatagramIO {
    const target = address === null ? wildcard(this.family) : toTarget(this.family, address, op);
    if (target.transport === "tcp" && target.hostname === "localhost") {
      target.hostname = this.family === C.AF_INET6 ? "::1" : "127.0.0.1";
    }
    const reuseAddress = this._options.flag(C.SOL_SOCKET, C.SO_REUSEADDR) ||
      this._options.flag(C.SOL_SOCKET, C.SO_REUSEPORT);
    const detail = address === null ? op : `${op} to ${reprAddress(address)}`;
    this.#io = new DatagramIO(openDatagram(target, { reuseAddress }, detail));
    this._options.applyTo(this._handles());
    return this.#io;
  }

  #fail(e: unknown, op: string): Error {
    if (this.closed) {
      return new OSError(errno.EBADF, undefined, {
        cause: e,
        detail: `Cannot ${op}: socket is closed`,
      });
    }
    return datagramError(e, `Cannot ${op}`);
  }

  /** The handle, made at once (bound to the wildcard address) if there is none yet. */
  async #ready(op: string): Promise<DatagramIO> {
    this._checkOpen(op);
    if (this._hasDeferred) await this._flushDeferred(op);
    return this.#io ?? this.#open(null, op);
  }

  /**
   * Binds the socket to a local address; port 0 lets the system choose
   * (see `getsockname()`). An AF_UNIX socket binds to a path (`""`: an
   * abstract address of the system's choosing).
   *
   * @param address `[host, port]`, `[host, port, flowinfo, scope_id]` or a path.
   * @throws {TypeError} for a malformed address; {RangeError} for a bad port.
   * @throws {OSError} e.g. `EADDRINUSE`; `EINVAL` if already bound; one naming
   *   `--unstable-net` when Deno's datagram API is not enabled.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * ```
   */
  bind(address: Address): void {
    this._checkOpen("bind");
    toTarget(this.family, address, "bind");
    if (this.#io) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: "Cannot bind: socket is already bound",
      });
    }
    this.#open(address, "bind");
  }

  /**
   * Datagram sockets do not listen.
   *
   * @param _backlog Ignored.
   * @throws {OSError} always, `EOPNOTSUPP`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * try {
   *   s.listen();
   * } catch (e) {
   *   console.log((e as socket.OSError).errno === socket.errno.EOPNOTSUPP); // true
   * }
   * ```
   */
  listen(_backlog?: number): never {
    this._checkOpen("listen");
    throw new OSError(errno.EOPNOTSUPP, undefined, {
      detail: "Cannot listen: a SOCK_DGRAM socket does not accept connections",
    });
  }

  /**
   * Datagram sockets do not accept connections.
   *
   * @returns Never: it rejects.
   * @throws {OSError} always, `EOPNOTSUPP`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await s.accept().catch((e) => console.log(e.errno)); // 95
   * ```
   */
  // deno-lint-ignore require-await
  async accept(): Promise<never> {
    this._checkOpen("accept");
    throw new OSError(errno.EOPNOTSUPP, undefined, {
      detail: "Cannot accept: a SOCK_DGRAM socket does not accept connections",
    });
  }

  /**
   * Fixes the peer: `send()`/`recv()` then use it, and datagrams from other
   * addresses are dropped, as the kernel does. An unbound socket binds to
   * the wildcard address first. Host names are resolved by the OS resolver.
   *
   * @param address The peer.
   * @throws {TypeError|RangeError} for a malformed address; {gaierror} when the name does not resolve.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await s.connect(["127.0.0.1", 9]);
   * console.log(s.getpeername()); // ["127.0.0.1", 9]
   * ```
   */
  async connect(address: Address): Promise<void> {
    this._checkOpen("connect");
    const peer = await this.#targets.resolve(address, "connect");
    (await this.#ready("connect")).peer = peer;
  }

  /**
   * Like `connect()`, but resolves an errno number instead of throwing an `OSError`.
   *
   * @param address The peer.
   * @returns 0, or the errno number of the failure.
   * @throws {TypeError|RangeError} for a malformed address; {gaierror} when the name does not resolve.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * console.log(await s.connect_ex(["127.0.0.1", 9])); // 0
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
   * Sends one datagram to `address`; resolves the number of bytes sent.
   * Python's `sendto(data, address)`; also `sendto(data, flags, address)`.
   *
   * @param data Bytes: any `ArrayBufferView` or `ArrayBuffer`.
   * @param address Where to: `[host, port]` (`"<broadcast>"` is 255.255.255.255) or a path.
   * @returns The number of bytes sent.
   * @throws {TypeError} for a string or a malformed address; {RangeError} for a bad port.
   * @throws {OSError} e.g. `EMSGSIZE` for a datagram too large.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * console.log(await s.sendto(new Uint8Array([1, 2, 3]), ["127.0.0.1", 9])); // 3
   * ```
   */
  sendto(data: BytesLike, address: Address): Promise<number>;
  /**
   * Sends one datagram to `address` with flags.
   *
   * @param data Bytes.
   * @param flags `MSG_DONTWAIT` or `MSG_NOSIGNAL`; others raise `OSError`.
   * @param address Where to.
   * @returns The number of bytes sent.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await s.sendto(new Uint8Array([1]), socket.MSG_DONTWAIT, ["127.0.0.1", 9]);
   * ```
   */
  sendto(data: BytesLike, flags: number, address: Address): Promise<number>;
  async sendto(
    data: BytesLike,
    flagsOrAddress: number | Address,
    address?: Address,
  ): Promise<number> {
    const view = toBytes(data);
    let flags = 0;
    if (address === undefined) address = flagsOrAddress as Address;
    else {
      flags = flagsOrAddress as number;
      checkFlags(flags, SEND_FLAGS, "sendto");
    }
    this._checkOpen("sendto");
    const to = this.#targets.cached(address) ?? this.#targets.convert(address, "sendto");
    const io = this.#io;
    if (to !== null && this.#sendTail === null && io?.sendsDirect && !this._hasDeferred) {
      // The hot path: a UDP send never waits, so the datagram goes straight to Deno.
      try {
        return await io.conn.send(view, to);
      } catch (e) {
        throw this.#fail(e, "sendto");
      }
    }
    if (to !== null && this.#sendTail === null) return await this.#send(view, to, flags, "sendto");
    return await this.#sendInTurn(view, address, to, flags, "sendto");
  }

  /** A send that must wait (a name to resolve, or such a send before it): keeps call order. */
  #sendInTurn(
    view: Uint8Array,
    address: Address | null,
    to: DatagramAddr | null,
    flags: number,
    op: string,
  ): Promise<number> {
    const prev = this.#sendTail;
    const p = (async () => {
      if (prev) await prev;
      const dest = to ?? await this.#targets.resolve(address, op);
      return await this.#send(view, dest, flags, op);
    })();
    const tail = p.then(noop, noop);
    this.#sendTail = tail;
    tail.then(() => {
      if (this.#sendTail === tail) this.#sendTail = null;
    });
    return p;
  }

  /**
   * Sends one datagram to the connected peer.
   *
   * @param data Bytes: any `ArrayBufferView` or `ArrayBuffer`.
   * @param flags `MSG_DONTWAIT` or `MSG_NOSIGNAL`.
   * @returns The number of bytes sent.
   * @throws {OSError} `EDESTADDRREQ` when not connected; {TypeError} for a string.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await s.connect(["127.0.0.1", 9]);
   * console.log(await s.send(new Uint8Array(4))); // 4
   * ```
   */
  async send(data: BytesLike, flags = 0): Promise<number> {
    const view = toBytes(data);
    if (flags) checkFlags(flags, SEND_FLAGS, "send");
    this._checkOpen("send");
    const peer = this.#io?.peer;
    if (!peer) {
      throw new OSError(errno.EDESTADDRREQ, undefined, {
        detail: "Cannot send: socket is not connected; use sendto()",
      });
    }
    if (this.#sendTail === null) return await this.#send(view, peer, flags, "send");
    return await this.#sendInTurn(view, null, peer, flags, "send");
  }

  async #send(view: Uint8Array, to: DatagramAddr, flags: number, op: string): Promise<number> {
    if (this._hasDeferred) await this._flushDeferred(op);
    const io = this.#io ?? this.#open(null, op);
    try {
      return await io.send(view, to, this._deadline((flags & C.MSG_DONTWAIT) !== 0), op);
    } catch (e) {
      throw this.#fail(e, op);
    }
  }

  /**
   * Receives one datagram: resolves `[data, address]`. A datagram larger
   * than `bufsize` is truncated, the rest discarded (as Linux does).
   *
   * @param bufsize The most bytes to return.
   * @param flags `MSG_PEEK` (leave the datagram queued), `MSG_DONTWAIT`.
   * @returns The data and the sender's address.
   * @throws {TimeoutError|BlockingIOError} per the timeout (no datagram is lost).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * await s.sendto(new TextEncoder().encode("ping"), s.getsockname());
   * const [data, addr] = await s.recvfrom(1024);
   * console.log(data.length, addr[0]); // 4 "127.0.0.1"
   * ```
   */
  async recvfrom(bufsize: number, flags = 0): Promise<[Uint8Array, Address]> {
    checkCount(bufsize, "bufsize", "recvfrom");
    const scratch = this.#scratch ??= new Scratch(SCRATCH_MAX);
    const buf = scratch.take(bufsize);
    let got: [number, Address];
    try {
      got = await this.#recv(buf, flags, "recvfrom", withSender);
    } catch (e) {
      scratch.drop(buf);
      throw e;
    }
    return [scratch.release(buf, got[0]), got[1]];
  }

  /**
   * Receives one datagram into `buffer`: resolves `[count, address]`. With
   * no timeout and nothing pending it receives straight into `buffer`.
   *
   * @param buffer Where to put the bytes (any `ArrayBufferView` or `ArrayBuffer`).
   * @param nbytes The most bytes to take (0 or omitted: the buffer's size).
   * @param flags `MSG_PEEK`, `MSG_DONTWAIT`.
   * @returns The number of bytes stored and the sender's address.
   * @throws {RangeError} if `nbytes` is larger than the buffer; {TimeoutError|BlockingIOError} per the timeout.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * await s.sendto(new Uint8Array(10), s.getsockname());
   * const buf = new Uint8Array(4);
   * console.log((await s.recvfrom_into(buf))[0]); // 4 (truncated)
   * ```
   */
  recvfrom_into(buffer: BytesLike, nbytes = 0, flags = 0): Promise<[number, Address]> {
    try {
      return this.#recv(
        sizedView(buffer, nbytes, "recvfrom_into"),
        flags,
        "recvfrom_into",
        withSender,
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives one datagram's data (from the connected peer, or anyone when
   * not connected).
   *
   * @param bufsize The most bytes to return.
   * @param flags `MSG_PEEK`, `MSG_DONTWAIT`.
   * @returns The data.
   * @throws {TimeoutError|BlockingIOError} per the timeout.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * await s.connect(s.getsockname());
   * await s.send(new Uint8Array([7]));
   * console.log(await s.recv(16)); // Uint8Array(1) [ 7 ]
   * ```
   */
  async recv(bufsize: number, flags = 0): Promise<Uint8Array> {
    checkCount(bufsize, "bufsize", "recv");
    const scratch = this.#scratch ??= new Scratch(SCRATCH_MAX);
    const buf = scratch.take(bufsize);
    let n: number;
    try {
      n = await this.#recv(buf, flags, "recv", countOnly);
    } catch (e) {
      scratch.drop(buf);
      throw e;
    }
    return scratch.release(buf, n);
  }

  /**
   * Receives one datagram into `buffer`; resolves the count.
   *
   * @param buffer Where to put the bytes.
   * @param nbytes The most bytes to take (0 or omitted: the buffer's size).
   * @param flags `MSG_PEEK`, `MSG_DONTWAIT`.
   * @returns The number of bytes stored.
   * @throws {RangeError} if `nbytes` is larger than the buffer.
   *
   * @example
   * ```ts ignore
   * const buf = new Uint8Array(1500);
   * const n = await sock.recv_into(buf);
   * ```
   */
  recv_into(buffer: BytesLike, nbytes = 0, flags = 0): Promise<number> {
    try {
      return this.#recv(sizedView(buffer, nbytes, "recv_into"), flags, "recv_into", countOnly);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Receives into `p`; resolves `shape(count, sender, family)` (`countOnly` or `withSender`). */
  async #recv<R>(
    p: Uint8Array,
    flags: number,
    op: string,
    shape: (n: number, from: Deno.Addr, family: number) => R,
  ): Promise<R> {
    if (flags) checkFlags(flags, RECV_FLAGS, op);
    const io = this.#io ?? await this.#ready(op);
    if (this._hasDeferred) await this._flushDeferred(op);
    this._checkOpen(op);
    const rx = flags === 0 && this.timeout === null ? io.startDirect(p) : null;
    if (rx !== null) {
      // The hot path: blocking, nothing kept or pending: straight into p.
      let got: [Uint8Array, Deno.Addr];
      try {
        got = await rx;
      } catch (e) {
        throw this.#fail(e, op);
      } finally {
        io.endDirect();
      }
      if (io.peer === null || samePeer(io.peer, got[1])) {
        return shape(got[0].length, got[1], this.family);
      } // else: from another sender, dropped as a connected socket does; receive again
    }
    const deadline = this._deadline((flags & C.MSG_DONTWAIT) !== 0);
    try {
      const [n, from] = await io.receive(p, (flags & C.MSG_PEEK) !== 0, deadline, op);
      return shape(n, from, this.family);
    } catch (e) {
      throw this.#fail(e, op);
    }
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
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * console.log(s.getsockname()); // ["0.0.0.0", 0]
   * ```
   */
  getsockname(): Address {
    this._checkOpen("getsockname");
    if (this.#io) return fromDenoAddr(this.family, this.#io.conn.addr);
    if (this.family === C.AF_UNIX) return "";
    return this.family === C.AF_INET6 ? ["::", 0, 0, 0] : ["0.0.0.0", 0];
  }

  /**
   * The peer fixed by `connect()`.
   *
   * @returns The peer's address.
   * @throws {OSError} `ENOTCONN` when not connected; `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await s.connect(["127.0.0.1", 9]);
   * console.log(s.getpeername()); // ["127.0.0.1", 9]
   * ```
   */
  getpeername(): Address {
    this._checkOpen("getpeername");
    const peer = this.#io?.peer;
    if (!peer) {
      throw new OSError(errno.ENOTCONN, undefined, {
        detail: "Cannot getpeername: socket is not connected",
      });
    }
    return fromDenoAddr(this.family, peer);
  }

  /**
   * Closes the socket and its Deno handle; calling it again does nothing.
   * Pending receives fail with `OSError` `EBADF`; a datagram kept by a
   * timed-out receive is dropped.
   */
  override close(): void {
    if (this.closed) return;
    super.close();
    this.#io?.conn.close();
    this.#io?.drop();
  }

  /**
   * Leaves the socket closed without closing its Deno handle, and returns
   * the handle (or `null` if it had none).
   *
   * @returns The `Deno.DatagramConn`.
   * @throws {OSError} `EBUSY` when a receive is pending or a received datagram is kept.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * const dc = s.detach()!;
   * console.log(dc.addr.transport); // "udp"
   * dc.close();
   * ```
   */
  detach(): Deno.DatagramConn | null {
    this._checkOpen("detach");
    if (this.#io?.busy) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: "Cannot detach: a receive is pending or a received datagram is kept",
      });
    }
    const conn = this.#io?.conn ?? null;
    this.#io = null;
    super.close();
    return conn;
  }
}
