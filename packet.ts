// Copyright 2026 the pysocket authors. MIT license.
/**
 * `PacketSocket`: the sockets whose every call is the kernel's, one message
 * each — AF_UNIX `SOCK_SEQPACKET` (connection-oriented, message boundaries
 * kept), `SOCK_RAW` (`IPPROTO_ICMP`...), and the ends of a datagram
 * `socketpair()`. Python has one socket class; here a stream socket's read
 * buffer would merge messages and a datagram socket has no `listen()`, so
 * these sockets have a class of their own with Python's whole method set:
 * `bind`, `listen`, `accept`, `connect`, `send`, `sendall`, `sendto`,
 * `recv`, `recvfrom` (and their `_into` forms), `sendmsg`/`recvmsg`,
 * `shutdown`. Each `recv` takes one whole message (a short buffer truncates
 * it, and `recvmsg` reports `MSG_TRUNC`). They need a real descriptor
 * (DESIGN §20): the ffi permission, on Linux x86_64.
 *
 * @example
 * ```ts ignore
 * // deno run -A seqpacket.ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
 * await a.send(new Uint8Array([1, 2, 3]));
 * await a.send(new Uint8Array([4]));
 * console.log(await b.recv(16), await b.recv(16)); // Uint8Array(3) [ 1, 2, 3 ] Uint8Array(1) [ 4 ]
 * a.close();
 * b.close();
 * ```
 *
 * @module
 */

import { SO_ACCEPTCONN, SOL_SOCKET } from "./constants.ts";
import { errno, OSError } from "./errors.ts";
import { type Address, fromDenoAddr, reprAddress } from "./address.ts";
import { Socket } from "./_socket/base.ts";
import { type BytesLike, checkInt, toBytes } from "./_common/bytes.ts";
import { fromRuntimeError } from "./_common/runtime_errors.ts";
import { POLL, type Poll } from "./_common/readiness.ts";
import { Liveness } from "./_common/liveness.ts";
import { DEFAULT_BACKLOG } from "./_stream/acceptor.ts";
import type { Want } from "./_common/deadline.ts";
import { ffiModule } from "./_transport/ffi_load.ts";
import type { OptionHandles } from "./options.ts";
import type { Addr, Descriptor, PacketTransport } from "./_transport/types.ts";

const noop = () => {};

/**
 * An AF_UNIX `SOCK_SEQPACKET` socket, a `SOCK_RAW` socket, or one end of a
 * datagram `socketpair()`: every call goes to the kernel at once, one
 * message each, on a real descriptor (DESIGN §20). Made by
 * `socket(AF_UNIX, SOCK_SEQPACKET)`, `socket(AF_INET, SOCK_RAW, proto)` and
 * `socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_DGRAM)`.
 *
 * Inherited from {@linkcode Socket}, and documented there:
 *
 * - timeouts: {@linkcode Socket.prototype.settimeout | settimeout()},
 *   {@linkcode Socket.prototype.gettimeout | gettimeout()},
 *   {@linkcode Socket.prototype.setblocking | setblocking()},
 *   {@linkcode Socket.prototype.getblocking | getblocking()},
 *   {@linkcode Socket.prototype.timeout | timeout};
 * - options: {@linkcode Socket.prototype.setsockopt | setsockopt()},
 *   {@linkcode Socket.prototype.getsockopt | getsockopt()};
 * - addresses: {@linkcode Socket.prototype.getsockname | getsockname()},
 *   {@linkcode Socket.prototype.getpeername | getpeername()},
 *   {@linkcode Socket.prototype.connect_ex | connect_ex()};
 * - state: {@linkcode Socket.prototype.family | family},
 *   {@linkcode Socket.prototype.type | type},
 *   {@linkcode Socket.prototype.proto | proto},
 *   {@linkcode Socket.prototype.closed | closed},
 *   {@linkcode Socket.prototype.fileno | fileno()};
 * - real descriptors (the FFI backend, DESIGN §20): {@linkcode Socket.prototype.dup | dup()},
 *   {@linkcode Socket.prototype.get_inheritable | get_inheritable()},
 *   {@linkcode Socket.prototype.set_inheritable | set_inheritable()},
 *   {@linkcode Socket.prototype.sendmsg | sendmsg()},
 *   {@linkcode Socket.prototype.recvmsg | recvmsg()},
 *   {@linkcode Socket.prototype.recvmsg_into | recvmsg_into()};
 * - `using` and inspection:
 *   {@linkcode Socket.prototype.[Symbol.dispose] | [Symbol.dispose]()},
 *   {@linkcode Socket.prototype.[Symbol.asyncDispose] | [Symbol.asyncDispose]()},
 *   {@linkcode Socket.prototype.[Symbol.for("Deno.customInspect")] | [Symbol.for("Deno.customInspect")]()}
 *   and, for Node and Bun,
 *   {@linkcode Socket.prototype.[Symbol.for("nodejs.util.inspect.custom")] | [Symbol.for("nodejs.util.inspect.custom")]()}
 *   (Python's repr).
 *
 * @example
 * ```ts ignore
 * // deno run -A seqpacket_server.ts
 * import * as socket from "@pysocket/socket";
 * using srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
 * srv.bind("\0pysocket-example");
 * srv.listen();
 * using cli = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
 * await cli.connect("\0pysocket-example");
 * const [conn] = await srv.accept();
 * await cli.sendall(new TextEncoder().encode("one message"));
 * console.log(new TextDecoder().decode(await conn.recv(3))); // "one" (the rest is dropped)
 * conn.close();
 * ```
 */
export class PacketSocket extends Socket {
  readonly #t: PacketTransport;
  /** Held while a caller awaits the descriptor; what select() starts keeps nobody alive (§21). */
  readonly #live: Liveness;
  #poll: Poll | null = null;
  /** Readiness waits select() started that are still pending. */
  #watching = 0;

  /**
   * @ignore Makes the socket over `t`; use `socket()` or `socketpair()`.
   */
  protected constructor(family: number, type: number, proto: number, t: PacketTransport) {
    super(family, type, proto);
    this.#t = t;
    this.#live = new Liveness(t);
  }

  /** @ignore A new socket of `family`, `type` and `proto`, on a fresh descriptor. */
  static _open(family: number, type: number, proto: number): PacketSocket {
    const ffi = ffiModule("create socket");
    try {
      return new PacketSocket(family, type, proto, ffi.openDescriptor(family, type, proto));
    } catch (e) {
      throw fromRuntimeError(e, "Cannot create socket");
    }
  }

  /** @ignore A socket over a descriptor made elsewhere (a pair's end, an adopted one). */
  static _over(family: number, type: number, proto: number, t: PacketTransport): PacketSocket {
    return new PacketSocket(family, type, proto, t);
  }

  /**
   * Binds the socket to a local address: a path or an abstract name for
   * AF_UNIX (bytes of any value), `[host, port]` for a raw socket.
   *
   * @param address The address.
   * @throws {OSError} the kernel's error (`EADDRINUSE`, `EINVAL` when bound already).
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * s.bind(new Uint8Array([0, 0xff, 0x01]));
   * console.log(s.getsockname()); // Uint8Array(3) [ 0, 255, 1 ]
   * ```
   */
  bind(address: Address): void {
    this._checkOpen("bind");
    const target = this._bindTarget(address, "bind");
    try {
      this.#t.bind(target);
    } catch (e) {
      throw fromRuntimeError(e, `Cannot bind to ${reprAddress(address)}`);
    }
  }

  /**
   * Starts accepting connections (`SOCK_SEQPACKET`), as the kernel's `listen()`.
   *
   * @param backlog The queue length; omitted: Python's default, `min(SOMAXCONN, 128)`.
   * @throws {OSError} the kernel's error (`EINVAL` for an unbound socket,
   *   `EOPNOTSUPP` for a type that does not listen).
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * s.bind("\0pysocket-listen");
   * s.listen(5);
   * ```
   */
  listen(backlog?: number): void {
    if (backlog === undefined) backlog = DEFAULT_BACKLOG;
    checkInt(backlog, "backlog", "listen");
    this._checkOpen("listen");
    try {
      this.#t.listen(Math.max(0, backlog));
    } catch (e) {
      throw this._fail(e, "listen");
    }
  }

  /**
   * Waits for a connection and resolves `[conn, address]` (the peer's name,
   * `""` for an unnamed one). A timed-out or non-blocking `accept()` takes
   * nothing.
   *
   * @returns The connected socket and the peer's address.
   * @throws {TimeoutError|BlockingIOError} per the timeout; {OSError} `EINVAL` when not listening.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * using srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * srv.bind("\0pysocket-accept");
   * srv.listen();
   * using cli = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * await cli.connect("\0pysocket-accept");
   * const [conn, addr] = await srv.accept();
   * console.log(addr); // ""
   * conn.close();
   * ```
   */
  async accept(): Promise<[PacketSocket, Address]> {
    this._checkOpen("accept");
    const t = this.#t;
    const fd = await this._whenReady(t, "read", false, "accept", () => {
      try {
        return Promise.resolve(t.accept());
      } catch (e) {
        return Promise.reject(e);
      }
    });
    const sock = new PacketSocket(this.family, this.type, this.proto, fd);
    let address: Address;
    try {
      address = fromDenoAddr(this.family, fd.remoteAddr());
    } catch {
      address = "";
    }
    return [sock, address];
  }

  /**
   * Connects to `address`, as the kernel's `connect()`: a `SOCK_SEQPACKET`
   * socket opens a connection (waiting while the listener's queue is full,
   * per the timeout); a raw or datagram socket fixes its peer.
   *
   * @param address The peer's address.
   * @returns A promise that resolves once connected.
   * @throws {ConnectionRefusedError} and the kernel's other errors;
   *   {TimeoutError|BlockingIOError} per the timeout.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * await s.connect("\0nobody-listens").catch((e) => console.log(e.name)); // "ConnectionRefusedError"
   * ```
   */
  async connect(address: Address): Promise<void> {
    this._checkOpen("connect");
    const target = this._bindTarget(address, "connect");
    const t = this.#t;
    await this._whenReady(t, "write", false, "connect", () => {
      try {
        t.connect(target);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    });
  }

  /**
   * Sends one message to the peer; resolves the bytes sent (all of them: a
   * message is sent whole or not at all).
   *
   * @param data Bytes: any `ArrayBufferView` or `ArrayBuffer`.
   * @param flags The kernel's (`MSG_DONTWAIT`, `MSG_EOR`...).
   * @returns The number of bytes sent.
   * @throws {OSError} the kernel's error (`EMSGSIZE`, `EPIPE` once the peer is gone...).
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * console.log(await a.send(new Uint8Array(3))); // 3
   * a.close();
   * b.close();
   * ```
   */
  send(data: BytesLike, flags = 0): Promise<number> {
    try {
      return this.sendmsg([toBytes(data)], [], flags);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends all of `data` as one message, as Python's `sendall()`.
   *
   * @param data Bytes.
   * @param flags The kernel's.
   * @returns A promise that resolves once sent.
   * @throws {OSError} as `send()`.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * await a.sendall(new Uint8Array([1, 2]));
   * console.log(await b.recv(8)); // Uint8Array(2) [ 1, 2 ]
   * a.close();
   * b.close();
   * ```
   */
  async sendall(data: BytesLike, flags = 0): Promise<void> {
    let view = toBytes(data);
    do {
      const n = await this.send(view, flags);
      view = view.subarray(n);
    } while (view.length > 0);
  }

  /**
   * Sends one message to `address`: Python's `sendto(data, address)`; also
   * `sendto(data, flags, address)`.
   *
   * @param data Bytes.
   * @param flagsOrAddress The address, or the flags when `address` follows.
   * @param address Where to, when flags are given.
   * @returns The number of bytes sent.
   * @throws {OSError} the kernel's error (`EISCONN` on a connected `SOCK_SEQPACKET` socket...).
   *
   * @example
   * ```ts ignore
   * // As root (CAP_NET_RAW): an ICMP echo request, its checksum filled in.
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
   * await s.sendto(new Uint8Array([8, 0, 0xf7, 0xff, 0, 0, 0, 0]), ["127.0.0.1", 0]);
   * ```
   */
  sendto(data: BytesLike, flagsOrAddress: number | Address, address?: Address): Promise<number> {
    try {
      const flags = address === undefined ? 0 : flagsOrAddress as number;
      const to = address === undefined ? flagsOrAddress as Address : address;
      return this.sendmsg([toBytes(data)], [], flags, to);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives one message, up to `bufsize` bytes of it (the rest is dropped,
   * as the kernel drops it). An empty result is an empty message or the end
   * of the connection.
   *
   * @param bufsize The most bytes to return.
   * @param flags The kernel's (`MSG_PEEK`, `MSG_DONTWAIT`...).
   * @returns The bytes.
   * @throws {TimeoutError|BlockingIOError} per the timeout (nothing is taken then).
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * await a.send(new Uint8Array([1, 2, 3]));
   * console.log(await b.recv(2)); // Uint8Array(2) [ 1, 2 ]
   * a.close();
   * b.close();
   * ```
   */
  async recv(bufsize: number, flags = 0): Promise<Uint8Array<ArrayBuffer>> {
    return (await this.recvmsg(bufsize, 0, flags))[0];
  }

  /**
   * Receives one message into `buffer` (at most `nbytes` bytes, 0: all of it).
   *
   * @param buffer A writable bytes-like object.
   * @param nbytes The most bytes to take; 0: the buffer's length.
   * @param flags The kernel's.
   * @returns The number of bytes received.
   * @throws {TimeoutError|BlockingIOError} per the timeout.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * await a.send(new Uint8Array([7]));
   * const buf = new Uint8Array(4);
   * console.log(await b.recv_into(buf), buf); // 1 Uint8Array(4) [ 7, 0, 0, 0 ]
   * a.close();
   * b.close();
   * ```
   */
  async recv_into(buffer: BytesLike, nbytes = 0, flags = 0): Promise<number> {
    return (await this.recvfrom_into(buffer, nbytes, flags))[0];
  }

  /**
   * Receives one message and its sender: `[data, address]`, the address
   * `null` where the kernel names none (a connected `SOCK_SEQPACKET` peer),
   * `[ip, 0]` on a raw IPv4 socket (whose data starts with the IP header).
   *
   * @param bufsize The most bytes to return.
   * @param flags The kernel's.
   * @returns `[data, address]`.
   * @throws {TimeoutError|BlockingIOError} per the timeout.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
   * await a.send(new Uint8Array([5]));
   * console.log(await b.recvfrom(8)); // [ Uint8Array(1) [ 5 ], null ]
   * a.close();
   * b.close();
   * ```
   */
  async recvfrom(bufsize: number, flags = 0): Promise<[Uint8Array<ArrayBuffer>, Address | null]> {
    const [data, , , address] = await this.recvmsg(bufsize, 0, flags);
    return [data, address];
  }

  /**
   * Receives one message into `buffer`, and its sender: `[nbytes, address]`.
   *
   * @param buffer A writable bytes-like object.
   * @param nbytes The most bytes to take; 0: the buffer's length.
   * @param flags The kernel's.
   * @returns `[nbytes, address]`.
   * @throws {ValueError} for `nbytes` larger than the buffer.
   * @throws {TimeoutError|BlockingIOError} per the timeout.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
   * await a.send(new Uint8Array([5]));
   * console.log(await b.recvfrom_into(new Uint8Array(4))); // [ 1, null ]
   * a.close();
   * b.close();
   * ```
   */
  async recvfrom_into(
    buffer: BytesLike,
    nbytes = 0,
    flags = 0,
  ): Promise<[number, Address | null]> {
    const view = toBytes(buffer);
    checkInt(nbytes, "nbytes", "recv_into");
    if (nbytes < 0 || nbytes > view.length) {
      throw new RangeError(
        `Cannot recv_into: nbytes must be 0-${view.length}: current value is ${nbytes}`,
      );
    }
    const [n, , , address] = await this.recvmsg_into(
      [nbytes === 0 ? view : view.subarray(0, nbytes)],
      0,
      flags,
    );
    return [n, address];
  }

  /**
   * Shuts down one or both halves, as the kernel's `shutdown()`: the peer
   * then reads the end (an empty message).
   *
   * @param how `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
   * @returns A promise that is already resolved.
   * @throws {OSError} `ENOTCONN` when not connected; `EINVAL` for a bad `how`.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * await a.shutdown(socket.SHUT_WR);
   * console.log(await b.recv(8)); // Uint8Array(0) []
   * a.close();
   * b.close();
   * ```
   */
  shutdown(how: number): Promise<void> {
    try {
      this._checkShutdown(how);
      this.#t.shutdown(how);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(this._fail(e, "shutdown"));
    }
  }

  /**
   * Closes the socket and its descriptor; calling it again does nothing.
   * Pending calls fail with `OSError` `EBADF`.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * const s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * s.close();
   * console.log(s.fileno()); // -1
   * ```
   */
  override close(): void {
    if (this.closed) return;
    super.close();
    this.#t.close();
  }

  /**
   * Leaves the socket closed without closing its descriptor, and returns
   * the descriptor (set blocking if the socket was blocking with no
   * timeout, as Python has it).
   *
   * @returns The descriptor number.
   * @throws {OSError} `EBADF` when closed.
   *
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * const s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
   * socket.close(s.detach());
   * ```
   */
  detach(): number {
    this._checkOpen("detach");
    const fd = this.#t.release(this.gettimeout() === null);
    super.close();
    return fd;
  }

  /** @ignore The socket's readiness, for select, selectors and socketserver. */
  [POLL](): Poll {
    const t = this.#t;
    const now = (want: "read" | "write") => {
      try {
        return this.closed || t.readyNow(want);
      } catch {
        return true; // failed: a call would say how, at once
      }
    };
    return this.#poll ??= {
      readable: () => now("read"),
      writable: () => now("write"),
      changed: (read, write) => {
        if (this.closed) return Promise.resolve();
        if (!read && !write) return new Promise(noop);
        // The first wait to end withdraws the other (nothing is left pending for nobody).
        const ctl = new AbortController();
        const waits: Promise<void>[] = [];
        if (read) waits.push(t.readable(ctl.signal));
        if (write) waits.push(t.writable(ctl.signal));
        this.#watching++;
        this.#live.stray(); // select() holds the process while it waits, not these
        return Promise.race(waits).then(noop, noop).finally(() => {
          this.#watching--;
          ctl.abort();
        });
      },
    };
  }

  /** @ignore Every call a caller awaits holds the descriptor (DESIGN §21). */
  protected override async _whenReady<T>(
    d: Descriptor,
    want: Want,
    dontwait: boolean,
    op: string,
    call: () => Promise<T>,
  ): Promise<T> {
    this.#live.enter();
    try {
      return await super._whenReady(d, want, dontwait, op, call);
    } finally {
      this.#live.leave();
      if (this.#watching > 0) this.#live.stray(); // what select() started is still pending
    }
  }

  /** @ignore */
  protected override get _kernelConnected(): boolean {
    return true;
  }

  /** @ignore */
  protected _handles(): OptionHandles {
    let listening = false;
    try {
      // The kernel's word: an adopted descriptor may be listening already.
      listening = this.#t.getsockopt(SOL_SOCKET, SO_ACCEPTCONN, 4)[0] !== 0;
    } catch { /* closed: the option call says so */ }
    return {
      conn: null,
      listening,
      bound: true,
      kernelOptions: true,
      descriptor: this.#t,
    };
  }

  /** @ignore */
  protected _localAddr(): Addr | null {
    return this.#t.localAddr();
  }

  /** @ignore */
  protected _peerAddr(): Addr | null {
    try {
      return this.#t.remoteAddr();
    } catch (e) {
      if (e instanceof OSError && e.errno === errno.ENOTCONN) return null;
      throw e;
    }
  }

  /** @ignore */
  protected _recvInto(p: Uint8Array, flags: number, _op: string): Promise<number> {
    return this.recvfrom_into(p, 0, flags).then(([n]) => n);
  }

  /** @ignore */
  protected override _descriptor(): Descriptor | null {
    return this.closed ? null : this.#t;
  }

  /** @ignore */
  protected override _backendName(): string | null {
    return "ffi";
  }
}
