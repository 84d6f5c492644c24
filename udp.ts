// Copyright 2026 the pysocket authors. MIT license.
/**
 * {@linkcode DatagramSocket}: UDP (AF_INET, AF_INET6) and AF_UNIX datagram
 * sockets, with Python's `sendto`/`recvfrom`. It holds Python's state; its
 * datagrams go through its channel (`_datagram/channel.ts`) and the backend
 * of the transport seam (`_transport/`).
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

import {
  AF_INET,
  IPPROTO_IPV6,
  IPV6_V6ONLY,
  MSG_DONTWAIT,
  MSG_NOSIGNAL,
  MSG_PEEK,
  SHUT_RD,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SOCK_DGRAM,
  SOL_SOCKET,
} from "./constants.ts";
import { errno, OSError, oserror, ValueError } from "./errors.ts";
import { fromRuntimeError } from "./_common/runtime_errors.ts";
import { type Address, familyOf, fromDenoAddr, reprAddress } from "./address.ts";
import { Socket } from "./_socket/base.ts";
import type { OptionHandles } from "./options.ts";
import {
  type BytesLike,
  checkCount,
  checkFlags,
  Scratch,
  sizedView,
  toBytes,
  typeName,
} from "./_common/bytes.ts";
import { POLL, type Poll } from "./_common/readiness.ts";
import { earlyDescriptor, pick } from "./_transport/pick.ts";
import { wrapDatagram } from "./_transport/deno.ts";
import type {
  Addr,
  Backend,
  DatagramAddr,
  DatagramTransport,
  Descriptor,
  PacketTransport,
} from "./_transport/types.ts";
import { Channel, type Shape } from "./_datagram/channel.ts";
import { Targets, wildcard } from "./_datagram/targets.ts";
import { Multicast } from "./_datagram/multicast.ts";

const RECV_FLAGS = MSG_PEEK | MSG_DONTWAIT;
const SEND_FLAGS = MSG_DONTWAIT | MSG_NOSIGNAL;
const noop = () => {};
/** The largest `recv(bufsize)`/`recvfrom(bufsize)` served from the socket's reused buffer. */
const SCRATCH_MAX = 64 * 1024;
/** No datagram is longer (UDP's 65,507; Linux's AF_UNIX default 212,992): a larger bufsize reads the same. */
const DATAGRAM_MAX = 256 * 1024;
/** What `recv`, `recv_into` resolve: the count. */
const countOnly: Shape<number> = (n) => n;

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
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * s.bind(["127.0.0.1", 0]);
 * console.log((s.getsockname() as [string, number])[1] > 0); // true
 * ```
 */
export class DatagramSocket extends Socket {
  #backend: Backend | null = null; // picked when the handle is made
  #channel: Channel | null = null;
  /** The descriptor made before bind() where every socket has one (pick.ts). */
  #fresh: PacketTransport | null = null;
  #targets: Targets;
  #multicast: Multicast | null = null; // made when a multicast option is first set
  /** `shutdown(SHUT_WR)` was called: sends fail with `EPIPE`. */
  #writeShut = false;
  /** The last send waiting for a name lookup (or behind one), if any. */
  #sendTail: Promise<void> | null = null;
  #scratch: Scratch | null = null; // recv(bufsize)/recvfrom(bufsize)'s buffer, made on first use
  /** What `recvfrom`, `recvfrom_into` resolve: the count and the sender (made on first use). */
  #withSender: Shape<[number, Address]> | null = null;
  #poll: Poll | null = null;

  /**
   * Makes a datagram socket, not yet bound. Use `socket(family, SOCK_DGRAM)`
   * rather than this constructor: it checks the family and protocol.
   *
   * @param family `AF_INET`, `AF_INET6` or `AF_UNIX`.
   * @param proto Protocol number (0 or `IPPROTO_UDP`).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = new socket.DatagramSocket(socket.AF_INET6);
   * console.log(s.type === socket.SOCK_DGRAM, s.getsockname()); // true ["::", 0, 0, 0]
   * ```
   */
  constructor(family: number = AF_INET, proto = 0) {
    super(family, SOCK_DGRAM, proto);
    this.#targets = new Targets(family);
  }

  /**
   * Wraps a Deno datagram handle (UDP or `unixpacket`) as a bound socket.
   *
   * @param conn The handle; the socket owns it from now on.
   * @returns The socket, of the handle's family.
   * @throws {TypeError} when `conn` is not a `Deno.DatagramConn`.
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
    if (!conn || typeof conn !== "object" || typeof conn.receive !== "function") {
      throw new TypeError(
        `Cannot fromDatagramConn: conn must be a Deno.DatagramConn, not '${typeName(conn)}'`,
      );
    }
    const s = new DatagramSocket(familyOf(conn.addr));
    s.#attach(wrapDatagram(conn));
    return s;
  }

  /** @ignore A bound socket over a datagram transport made elsewhere by `backend` (an adopted descriptor). */
  static _over(
    family: number,
    proto: number,
    backend: Backend,
    t: DatagramTransport,
  ): DatagramSocket {
    const s = new DatagramSocket(family, proto);
    s.#backend = backend;
    s.#attach(t);
    return s;
  }

  /** @ignore */
  protected _handles(): OptionHandles {
    return {
      conn: null,
      listening: false,
      bound: this.#channel !== null,
      multicast: () => this.#multicastOf(),
      kernelOptions: this.#backend?.caps.kernelOptions,
      datagram: this.#channel?.transport ?? null,
      descriptor: this._descriptor(),
    };
  }

  /** @ignore */
  protected _localAddr(): Addr | null {
    return this.#channel?.transport.addr ?? this.#fresh?.localAddr() ?? null;
  }

  /** @ignore */
  protected _peerAddr(): Addr | null {
    return this.#channel?.peer ?? null;
  }

  #multicastOf(): Multicast {
    if (this.#multicast === null) {
      this.#multicast = new Multicast((p) => this._defer(p));
      if (this.#channel) this.#multicast.attach(this.#channel.transport);
    }
    return this.#multicast;
  }

  #attach(t: DatagramTransport): Channel {
    this.#channel = new Channel(t);
    this.#multicast?.attach(t);
    this._options.applyTo(this._handles());
    return this.#channel;
  }

  #open(address: Address | null, op: string): Channel {
    const target = address === null ? wildcard(this.family) : this._bindTarget(address, op);
    const reuseAddress = this._options.flag(SOL_SOCKET, SO_REUSEADDR) ||
      this._options.flag(SOL_SOCKET, SO_REUSEPORT);
    let t: DatagramTransport;
    try {
      const backend = this.#backend ??= pick("datagram", {
        kernelOptions: this._options.needsKernel(),
        unix: target.transport === "unix",
        descriptors: target.transport === "unix" && target.raw !== undefined,
      });
      const fresh = this.#fresh ?? undefined;
      this.#fresh = null; // the transport's now (the socket's again if the bind fails)
      try {
        t = backend.listenDatagram(target, {
          reuseAddress,
          ipv6Only: this._options.flag(IPPROTO_IPV6, IPV6_V6ONLY),
          fresh,
        });
      } catch (e) {
        if (fresh && !fresh.closed) this.#fresh = fresh;
        throw e;
      }
    } catch (e) {
      throw fromRuntimeError(
        e,
        address === null ? `Cannot ${op}` : `Cannot ${op} to ${reprAddress(address)}`,
      );
    }
    return this.#attach(t);
  }

  /**
   * Runs `body` on the channel, made at once (bound to the wildcard address)
   * if there is none yet — synchronously unless an option call must finish
   * first, so that calls keep their order.
   */
  #withChannel<R>(op: string, body: (ch: Channel) => Promise<R>): Promise<R> {
    try {
      this._checkOpen(op);
      if (this._hasDeferred) {
        return this._flushDeferred(op).then(() => body(this.#channel ?? this.#open(null, op)));
      }
      return body(this.#channel ?? this.#open(null, op));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Binds the socket to a local address; port 0 lets the system choose
   * (see `getsockname()`). An AF_UNIX socket binds to a path (`""`: an
   * abstract address of the system's choosing).
   *
   * @param address `[host, port]`, `[host, port, flowinfo, scope_id]` or a path.
   * @throws {TypeError} for a malformed address; {RangeError} for a bad port.
   * @throws {OSError} e.g. `EADDRINUSE`; `EINVAL` if already bound; for an
   *   AF_UNIX socket, one naming `--unstable-net` when Deno's datagram API is
   *   not enabled (a UDP socket then binds through node:dgram).
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
    this._bindTarget(address, "bind");
    if (this.#channel) {
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
   * @returns Never: it throws.
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
   * @returns A promise that resolves once the peer is set.
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
    await this.#withChannel("connect", (ch) => {
      // A descriptor connects in the kernel too: its ICMP errors come back (ECONNREFUSED).
      ch.transport.connect?.(peer);
      ch.peer = peer;
      return Promise.resolve();
    });
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
   * @param address Where to: `[host, port]` or a path.
   * @returns The number of bytes sent.
   * @throws {TypeError} for a string or a malformed address; {RangeError} for a bad port.
   * @throws {OSError} e.g. `EMSGSIZE` for a datagram too large; {BlockingIOError}
   *   with `MSG_DONTWAIT` when it cannot be sent at once.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await s.sendto(new Uint8Array([1]), socket.MSG_DONTWAIT, ["127.0.0.1", 9]);
   * ```
   */
  sendto(data: BytesLike, flags: number, address: Address): Promise<number>;
  /**
   * Sends one datagram, as Python's `sendto(data[, flags], address)`;
   * resolves the number of bytes sent. Sends keep their call order, also
   * when a host name must be resolved first. (Its two overloads, listed on
   * the class page, are the ways to call it.)
   *
   * @param data Bytes: any `ArrayBufferView` or `ArrayBuffer`.
   * @param flagsOrAddress The address, or the flags when `address` follows.
   * @param address Where to, when flags are given.
   * @returns The number of bytes sent.
   * @throws {TypeError} for a string or a malformed address; {RangeError} for a bad port.
   * @throws {OSError} e.g. `EMSGSIZE` for a datagram too large; `EPIPE` after `shutdown(SHUT_WR)`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * await s.sendto(new Uint8Array([1]), s.getsockname());
   * await s.sendto(new Uint8Array([2, 3]), socket.MSG_DONTWAIT, s.getsockname());
   * console.log((await s.recvfrom(16))[0], (await s.recvfrom(16))[0]);
   * // Uint8Array(1) [ 1 ] Uint8Array(2) [ 2, 3 ]
   * ```
   */
  sendto(
    data: BytesLike,
    flagsOrAddress: number | Address,
    address?: Address,
  ): Promise<number> {
    let view: Uint8Array, to: DatagramAddr | null, flags = 0;
    try {
      view = toBytes(data);
      if (address === undefined) address = flagsOrAddress as Address;
      else flags = checkFlags(flagsOrAddress, SEND_FLAGS, "sendto");
      this._checkOpen("sendto");
      to = this.#targets.cached(address) ?? this.#targets.convert(address, "sendto");
      if (this.#writeShut) {
        throw oserror(errno.EPIPE, "Cannot sendto: socket is shut down for writing");
      }
    } catch (e) {
      return Promise.reject(e);
    }
    const ch = this.#channel;
    if (to !== null && this.#sendTail === null && ch !== null && !this._hasDeferred) {
      // The hot path: the datagram goes straight to the channel (one async call).
      return ch.send(view, to, this._deadline((flags & MSG_DONTWAIT) !== 0), "sendto");
    }
    if (to !== null && this.#sendTail === null) return this.#send(view, to, flags, "sendto");
    return this.#sendInTurn(view, address, to, flags, "sendto");
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
    if (flags !== 0) checkFlags(flags, SEND_FLAGS, "send");
    this._checkOpen("send");
    if (this.#writeShut) throw oserror(errno.EPIPE, "Cannot send: socket is shut down for writing");
    const peer = this.#channel?.peer;
    if (!peer) {
      throw new OSError(errno.EDESTADDRREQ, undefined, {
        detail: "Cannot send: socket is not connected; use sendto()",
      });
    }
    if (this.#sendTail === null) return await this.#send(view, peer, flags, "send");
    return await this.#sendInTurn(view, null, peer, flags, "send");
  }

  /**
   * Python's `sendall()` on a datagram socket: sends one datagram to the
   * connected peer (a datagram goes whole or not at all).
   *
   * @param data Bytes: any `ArrayBufferView` or `ArrayBuffer`.
   * @param flags `MSG_DONTWAIT` or `MSG_NOSIGNAL`.
   * @returns A promise that resolves once the datagram is sent.
   * @throws {OSError} `EDESTADDRREQ` when not connected; {TypeError} for a string.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await s.connect(["127.0.0.1", 9]);
   * await s.sendall(new Uint8Array(4));
   * ```
   */
  async sendall(data: BytesLike, flags = 0): Promise<void> {
    await this.send(data, flags);
  }

  #send(view: Uint8Array, to: DatagramAddr, flags: number, op: string): Promise<number> {
    const deadline = this._deadline((flags & MSG_DONTWAIT) !== 0);
    return this.#withChannel(op, (ch) => ch.send(view, to, deadline, op));
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
  async recvfrom(bufsize: number, flags = 0): Promise<[Uint8Array<ArrayBuffer>, Address]> {
    checkCount(bufsize, "bufsize", "recvfrom");
    if (flags !== 0) checkFlags(flags, RECV_FLAGS, "recvfrom");
    this._checkOpen("recvfrom");
    const scratch = this.#scratchOf();
    const buf = scratch.take(Math.min(bufsize, DATAGRAM_MAX));
    let got: [number, Address];
    try {
      got = await this.#recv(buf, flags, "recvfrom", this.#senderShape());
    } catch (e) {
      scratch.drop(buf);
      throw e;
    }
    return [scratch.release(buf, got[0]), got[1]];
  }

  #scratchOf(): Scratch {
    return this.#scratch ??= new Scratch(SCRATCH_MAX, SCRATCH_MAX);
  }

  #senderShape(): Shape<[number, Address]> {
    return this.#withSender ??= (n, from) => [n, fromDenoAddr(this.family, from)];
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
    let p: Uint8Array;
    try {
      p = sizedView(buffer, nbytes, "recvfrom_into");
      if (flags !== 0) checkFlags(flags, RECV_FLAGS, "recvfrom_into");
      this._checkOpen("recvfrom_into");
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#recv(p, flags, "recvfrom_into", this.#senderShape());
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
  recv(bufsize: number, flags = 0): Promise<Uint8Array<ArrayBuffer>> {
    try {
      checkCount(bufsize, "bufsize", "recv");
      if (flags !== 0) checkFlags(flags, RECV_FLAGS, "recv");
      this._checkOpen("recv");
    } catch (e) {
      return Promise.reject(e);
    }
    return this._recvScratch(this.#scratchOf(), Math.min(bufsize, DATAGRAM_MAX), flags, "recv");
  }

  /**
   * Receives one datagram into `buffer`; resolves the count.
   *
   * @param buffer Where to put the bytes.
   * @param nbytes The most bytes to take (0 or omitted: the buffer's size).
   * @param flags `MSG_PEEK`, `MSG_DONTWAIT`.
   * @returns The number of bytes stored.
   * @throws {RangeError} if `nbytes` is larger than the buffer; {TimeoutError|BlockingIOError} per the timeout.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * await s.sendto(new TextEncoder().encode("datagram"), s.getsockname());
   * const buf = new Uint8Array(1500);
   * const n = await s.recv_into(buf);
   * console.log(new TextDecoder().decode(buf.subarray(0, n))); // "datagram"
   * ```
   */
  recv_into(buffer: BytesLike, nbytes = 0, flags = 0): Promise<number> {
    let p: Uint8Array;
    try {
      p = sizedView(buffer, nbytes, "recv_into");
      if (flags !== 0) checkFlags(flags, RECV_FLAGS, "recv_into");
      this._checkOpen("recv_into");
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#recv(p, flags, "recv_into", countOnly);
  }

  /** @ignore Receives into `p`, arguments checked; resolves the count. */
  protected _recvInto(p: Uint8Array, flags: number, op: string): Promise<number> {
    return this.#recv(p, flags, op, countOnly);
  }

  /** Receives into `p`, arguments checked; resolves `shape(count, sender)`. */
  #recv<R>(p: Uint8Array, flags: number, op: string, shape: Shape<R>): Promise<R> {
    const ch = this.#channel;
    const deadline = this._deadline((flags & MSG_DONTWAIT) !== 0);
    const peek = (flags & MSG_PEEK) !== 0;
    if (ch !== null && !this._hasDeferred) return ch.receive(p, peek, deadline, op, shape);
    return this.#withChannel(op, (c) => c.receive(p, peek, deadline, op, shape));
  }

  /** @ignore The socket's readiness, for select, selectors and socketserver. */
  [POLL](): Poll {
    return this.#poll ??= {
      readable: () => this.closed || (this.#channel?.ready ?? false),
      writable: () => this.closed || (this.#channel?.writable ?? true),
      changed: (read, write) => {
        if (this.closed) return Promise.resolve();
        return this.#channel ? this.#channel.changed(read, write) : new Promise(noop);
      },
    };
  }

  /**
   * Python's `shutdown()` on a datagram socket, as Linux does it: only a
   * connected socket can be shut down (`ENOTCONN` otherwise); after
   * `SHUT_WR` (or `SHUT_RDWR`) sends fail with `BrokenPipeError`; `SHUT_RD`
   * changes nothing.
   *
   * @param how `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
   * @returns A promise that is already resolved (nothing to wait for).
   * @throws {OSError} `ENOTCONN` when not connected; `EINVAL` for a bad `how`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await s.connect(["127.0.0.1", 9]);
   * await s.shutdown(socket.SHUT_WR);
   * await s.send(new Uint8Array(1)).catch((e) => console.log(e.name)); // "BrokenPipeError"
   * ```
   */
  // deno-lint-ignore require-await
  async shutdown(how: number): Promise<void> {
    this._checkShutdown(how);
    if (!this.#channel?.peer) {
      throw new OSError(errno.ENOTCONN, undefined, {
        detail: "Cannot shutdown: socket is not connected",
      });
    }
    if (how !== SHUT_RD) this.#writeShut = true;
  }

  /**
   * Python's `sendfile()` on a datagram socket: refused, as Python refuses it.
   *
   * @param _file Not used.
   * @param _offset Not used.
   * @param _count Not used.
   * @returns Never: it rejects.
   * @throws {ValueError} always: only stream sockets send files.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * using file = await Deno.open("/dev/null");
   * await s.sendfile(file).catch((e) => console.log(e.name)); // "ValueError"
   * ```
   */
  sendfile(_file: unknown, _offset = 0, _count?: number | null): Promise<never> {
    return Promise.reject(
      new ValueError("Cannot sendfile: only SOCK_STREAM type sockets are supported"),
    );
  }

  /**
   * Closes the socket and its Deno handle; calling it again does nothing.
   * Pending receives fail with `OSError` `EBADF`; a datagram kept by a
   * timed-out receive is dropped.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * const pending = s.recvfrom(1024).catch((e) => e.errno);
   * s.close();
   * console.log(await pending, s.closed); // 9 true (EBADF)
   * ```
   */
  override close(): void {
    if (this.closed) return;
    super.close();
    this.#fresh?.close();
    this.#fresh = null;
    this.#channel?.transport.close();
    this.#channel?.drop();
  }

  /**
   * Leaves the socket closed without closing its handle, and returns the
   * handle: the runtime's own where the backend has one (a
   * `Deno.DatagramConn`), the descriptor number where the socket has one,
   * or `null` if it had no handle yet.
   *
   * @returns The `Deno.DatagramConn`, a descriptor, or `null`.
   * @throws {OSError} `EBUSY` when a receive is pending or a received
   *   datagram is kept; `EOPNOTSUPP` when the socket's backend has no handle
   *   to give (node:dgram, whose datagrams pass through the package).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * const dc = s.detach() as Deno.DatagramConn;
   * console.log(dc.addr.transport); // "udp"
   * dc.close();
   * ```
   */
  detach(): Deno.DatagramConn | number | null {
    this._checkOpen("detach");
    if (this.#channel?.busy) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: "Cannot detach: a receive is pending or a received datagram is kept",
      });
    }
    const t = this.#channel?.transport ?? null;
    const handle = t === null ? null : t.fd ?? t.handle;
    if (t !== null && (this.#backend?.caps.detachableDatagram === false || handle === undefined)) {
      throw new OSError(errno.EOPNOTSUPP, undefined, {
        detail: `Cannot detach: the socket runs on ${
          this.#backend?.caps.name ?? "a backend"
        }, which has no handle to give`,
      });
    }
    const blocking = this.gettimeout() === null;
    if (t === null && this.#fresh !== null) {
      const fd = this.#fresh.release(blocking);
      this.#fresh = null;
      super.close();
      return fd;
    }
    this.#channel = null;
    super.close();
    // A descriptor goes blocking if the socket was (Python's state for what takes it over).
    return t?.descriptor?.release(blocking) ?? handle as Deno.DatagramConn | number | null;
  }

  /** @ignore Refuses `recvmsg` while a receive is pending or a datagram kept: it would take another's. */
  protected override _messageCheck(op: string): void {
    if (op !== "sendmsg" && this.#channel?.busy) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: `Cannot ${op}: a receive is pending or a received datagram is kept`,
      });
    }
  }

  /** @ignore The datagram transport's descriptor. */
  protected override _descriptor(): Descriptor | null {
    if (this.#channel !== null) return this.#channel.transport.descriptor ?? null;
    if (this.#fresh !== null || this.closed) return this.#fresh;
    const early = earlyDescriptor(this.family, SOCK_DGRAM, this.proto);
    if (early === null) return null;
    this.#backend ??= early.backend;
    return this.#fresh = early.fresh;
  }

  /** @ignore The backend of the socket's handle (the inspect string names it). */
  protected override _backendName(): string | null {
    return this.#channel !== null || this.#fresh !== null
      ? this.#backend?.caps.shownAs ?? null
      : null;
  }
}
