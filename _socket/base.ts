// Copyright 2026 the pysocket authors. MIT license.
// The Socket base class: what StreamSocket and DatagramSocket share —
// family, type, timeout and blocking mode, options, closing, the inspect
// string, connect_ex, getsockname/getpeername, bind targets, how a call's
// error reaches its caller, the reused receive buffer — and the module-wide
// default timeout. (socket.ts re-exports it with the factory; it lives here
// so that tcp.ts and udp.ts can extend it without a cycle.)

import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  MSG_DONTWAIT,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_ACCEPTCONN,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  SOL_SOCKET,
} from "../constants.ts";
import { errno, OSError, ValueError } from "../errors.ts";
import { fromRuntimeError } from "../_common/runtime_errors.ts";
import {
  type Address,
  fromDenoAddr,
  isIPv4,
  isIPv6,
  reprAddress,
  type Target,
  toTarget,
} from "../address.ts";
import { type OptionHandles, type OptionValue, SocketOptions } from "../options.ts";
import type { Addr, AncillaryItem, Descriptor } from "../_transport/types.ts";
import {
  checkTimeout,
  type Deadline,
  deadlineFor,
  expired,
  NONBLOCK,
  type Want,
  whenExpired,
} from "../_common/deadline.ts";
import {
  type BytesLike,
  checkCount,
  checkInt,
  Scratch,
  toBytes,
  typeName,
} from "../_common/bytes.ts";
import { POLL, type Poll } from "../_common/readiness.ts";
import { needsDescriptor } from "../_transport/ffi_load.ts";
import { capabilities } from "../_transport/pick.ts";
import { resolveHost } from "../_common/resolve.ts";

let defaultTimeout: number | null = null;
let nextFd = 3;

/**
 * The default timeout, in seconds, of sockets made from now on (`null`: they
 * block). Python's `socket.getdefaulttimeout()`.
 *
 * @returns The default timeout.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.getdefaulttimeout()); // null
 * ```
 */
export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

/**
 * Sets the timeout, in seconds, of sockets made from now on (`null`: they
 * block; `0`: non-blocking). Python's `socket.setdefaulttimeout()`.
 *
 * @param timeout Seconds, or `null`.
 * @throws {TypeError} for a timeout that is not a number; {RangeError} for a negative or infinite one.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * socket.setdefaulttimeout(5);
 * using sock = socket.socket();
 * console.log(sock.gettimeout()); // 5
 * socket.setdefaulttimeout(null);
 * ```
 */
export function setdefaulttimeout(timeout: number | null): void {
  defaultTimeout = checkTimeout(timeout, "setdefaulttimeout");
}

const FAMILY_NAMES: Record<number, string> = {
  [AF_INET]: "AF_INET",
  [AF_INET6]: "AF_INET6",
  [AF_UNIX]: "AF_UNIX",
};
const TYPE_NAMES: Record<number, string> = {
  [SOCK_STREAM]: "SOCK_STREAM",
  [SOCK_DGRAM]: "SOCK_DGRAM",
  [SOCK_RAW]: "SOCK_RAW",
  [SOCK_SEQPACKET]: "SOCK_SEQPACKET",
};

/** Makes a socket over a descriptor: handed down by socket.ts, which has both socket classes. */
let adopter: ((fd: number, family: number, type: number, proto: number) => Socket) | null = null;

/** @ignore Hands this module the function that makes a socket of a descriptor (socket.ts's). */
export function handAdopter(
  fn: (fd: number, family: number, type: number, proto: number) => Socket,
): void {
  adopter = fn;
}

/** An option's value as the kernel takes it: an int as 4 bytes, or the packed bytes. */
function kernelValue(value: OptionValue): Uint8Array {
  if (typeof value === "number" || typeof value === "boolean") {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, Number(value), true);
    return b;
  }
  return toBytes(value as BytesLike);
}

/** One control message as `recvmsg()` returns it: `[cmsg_level, cmsg_type, cmsg_data]`. */
type Ancillary = [level: number, type: number, data: Uint8Array<ArrayBuffer>];

/** What `recvmsg()` resolves: the data, the control messages, `msg_flags` and the sender. */
type Message<T> = [data: T, ancdata: Ancillary[], msg_flags: number, address: Address | null];

/** `buffers` of `sendmsg()`/`recvmsg_into()`: any iterable of bytes-like objects, as views. */
function bufferList(buffers: unknown, op: string): Uint8Array[] {
  if (
    buffers === null || typeof buffers !== "object" ||
    typeof (buffers as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `Cannot ${op}: buffers must be an iterable of bytes-like objects, not '${typeName(buffers)}'`,
    );
  }
  return Array.from(buffers as Iterable<unknown>, (b) => toBytes(b));
}

/** `ancdata` of `sendmsg()`: `[level, type, data]` items, checked (data copied as it is read). */
function ancillaryList(ancdata: unknown, op: string): AncillaryItem[] {
  if (
    ancdata === null || typeof ancdata !== "object" ||
    typeof (ancdata as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `Cannot ${op}: ancdata must be an iterable of [level, type, data], not '${
        typeName(ancdata)
      }'`,
    );
  }
  return Array.from(ancdata as Iterable<unknown>, (item): AncillaryItem => {
    if (!Array.isArray(item) || item.length !== 3) {
      throw new TypeError(
        `Cannot ${op}: each ancillary item must be [level, type, data], not ${
          Array.isArray(item) ? `an array of ${item.length}` : `'${typeName(item)}'`
        }`,
      );
    }
    return [
      checkInt(item[0], "cmsg_level", op),
      checkInt(item[1], "cmsg_type", op),
      toBytes(item[2]),
    ];
  });
}

/** A buffer size of `recvmsg()`: a non-negative integer (Python's ValueError for a negative one). */
function bufferSize(value: unknown, what: string, op: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value < 0) {
    throw new ValueError(`Cannot ${op}: ${what} must be non-negative: current value is ${value}`);
  }
  return checkCount(value, what, op);
}

/**
 * The one slot through which a server marks a request's socket as a daemon's
 * (DESIGN §21): what its handler awaits keeps no finished program alive.
 */
export const DAEMON: unique symbol = Symbol("pysocket.daemon");

/**
 * What stream and datagram sockets share: family, type, protocol, the
 * timeout and blocking mode, options, `close()` and `using` support.
 * Made by {@linkcode socket}; not constructed directly.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * console.log(sock instanceof socket.Socket, sock.family === socket.AF_INET); // true true
 * ```
 */
export abstract class Socket {
  /** The address family: `AF_INET`, `AF_INET6` or `AF_UNIX`. */
  readonly family: number;
  /** The socket type: `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_SEQPACKET` or `SOCK_RAW`. */
  readonly type: number;
  /** The protocol number (0 unless given). */
  readonly proto: number;
  #timeout: number | null = defaultTimeout;
  #fd = nextFd++;
  #options: SocketOptions;
  #deferred: Promise<unknown> | null = null;
  #deferredError: unknown = null;

  /**
   * Sets up the shared state; called by the subclasses.
   *
   * @param family Address family.
   * @param type Socket type.
   * @param proto Protocol number.
   */
  protected constructor(family: number, type: number, proto: number) {
    this.family = family;
    this.type = type;
    this.proto = proto;
    this.#options = new SocketOptions(family, type);
  }

  /** The socket's timeout in seconds, `0.0` when non-blocking, `null` when blocking. */
  get timeout(): number | null {
    return this.#timeout;
  }

  /** Whether `close()` (or `detach()`) has been called. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /**
   * Sets the timeout of blocking operations: `null` blocks, `0` makes the
   * socket non-blocking, `t > 0` makes operations throw `TimeoutError` after
   * `t` seconds.
   *
   * @param value Seconds, or `null`.
   * @throws {TypeError} for a value that is not a number; {RangeError} for a
   *   negative or infinite one; {OSError} `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using sock = socket.socket();
   * sock.settimeout(2.5);
   * console.log(sock.gettimeout()); // 2.5
   * ```
   */
  settimeout(value: number | null): void {
    this._checkOpen("settimeout");
    this.#timeout = checkTimeout(value, "settimeout");
  }

  /**
   * The timeout in seconds (`null` when blocking).
   *
   * @returns The timeout.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using sock = socket.socket();
   * console.log(sock.gettimeout()); // null
   * ```
   */
  gettimeout(): number | null {
    return this.#timeout;
  }

  /**
   * `setblocking(false)` is `settimeout(0)`; `setblocking(true)` is `settimeout(null)`.
   *
   * @param flag Whether operations wait.
   * @throws {TypeError} for a flag that is not a boolean; {OSError} `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using sock = socket.socket();
   * sock.setblocking(false);
   * console.log(sock.getblocking(), sock.gettimeout()); // false 0
   * ```
   */
  setblocking(flag: boolean): void {
    if (typeof flag !== "boolean" && (typeof flag !== "number" || !Number.isInteger(flag))) {
      throw new TypeError(`Cannot setblocking: flag must be a boolean, not '${typeName(flag)}'`);
    }
    this._checkOpen("setblocking");
    this.#timeout = flag ? null : 0;
  }

  /**
   * Whether the socket is in blocking mode (its timeout is not 0).
   *
   * @returns `false` only for a non-blocking socket.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using sock = socket.socket();
   * console.log(sock.getblocking()); // true
   * ```
   */
  getblocking(): boolean {
    return this.#timeout !== 0;
  }

  /**
   * The socket's file descriptor where it has one (a socket on the FFI
   * backend: `PYSOCKET_BACKEND=ffi`, `socket(fileno=)`...), else a stable
   * number for it within the process (the runtimes' socket APIs expose no
   * descriptors); -1 once closed.
   *
   * @returns The descriptor or number.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const sock = socket.socket();
   * console.log(sock.fileno() >= 3); // true
   * sock.close();
   * console.log(sock.fileno()); // -1
   * ```
   */
  fileno(): number {
    return this.#fd < 0 ? -1 : this._descriptor()?.fd ?? this.#fd;
  }

  /**
   * A new socket over a duplicate of this socket's descriptor, as Python's
   * `sock.dup()`: both refer to the same kernel socket (closing one leaves
   * the other open). Only a socket with a real descriptor (the FFI backend's)
   * has one to duplicate.
   *
   * @returns The new socket, blocking, of the same family, type and protocol.
   * @throws {OSError} `EOPNOTSUPP` for a socket without a descriptor (its
   *   message names `PYSOCKET_BACKEND=ffi`); `EBADF` when closed.
   *
   * @example
   * ```ts ignore
   * // PYSOCKET_BACKEND=ffi deno run -A dup.ts
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using again = srv.dup();
   * console.log(again.fileno() !== srv.fileno()); // true
   * ```
   */
  dup(): Socket {
    this._checkOpen("dup");
    const d = this._descriptor();
    if (d === null || adopter === null) throw needsDescriptor("dup");
    const fd = d.dup();
    return adopter(fd, this.family, this.type, this.proto);
  }

  /**
   * Whether a child process inherits the socket's descriptor, as Python's
   * `sock.get_inheritable()`: `false` unless `set_inheritable(true)` was
   * called — descriptors are made close-on-exec (`FD_CLOEXEC`), as Python's
   * are since 3.4. A socket without a real descriptor (Deno's or node's)
   * is not inherited either: their runtimes make theirs close-on-exec.
   *
   * @returns `false` when the descriptor is closed on `exec`.
   * @throws {OSError} `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket();
   * console.log(s.get_inheritable()); // false
   * ```
   */
  get_inheritable(): boolean {
    this._checkOpen("get_inheritable");
    return this._descriptor()?.inheritable() ?? false;
  }

  /**
   * Makes the socket's descriptor inherited by child processes (clears
   * `FD_CLOEXEC`) or not, as Python's `sock.set_inheritable(inheritable)`.
   * Only a real descriptor (DESIGN §20) can be made inheritable.
   *
   * @param inheritable Whether a child process inherits it.
   * @throws {OSError} `EOPNOTSUPP` for `true` on a socket without a
   *   descriptor (its message names `PYSOCKET_BACKEND=ffi`); `EBADF` when closed.
   *
   * @example
   * ```ts ignore
   * // PYSOCKET_BACKEND=ffi deno run -A inherit.ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket();
   * s.set_inheritable(true);
   * console.log(s.get_inheritable()); // true
   * ```
   */
  set_inheritable(inheritable: boolean): void {
    if (typeof inheritable !== "boolean") {
      throw new TypeError(
        `Cannot set_inheritable: inheritable must be a boolean, not '${typeName(inheritable)}'`,
      );
    }
    this._checkOpen("set_inheritable");
    const d = this._descriptor();
    if (d === null) {
      if (inheritable) throw needsDescriptor("set_inheritable");
      return;
    }
    d.inheritable(inheritable);
  }

  /**
   * @ignore The socket's real descriptor (a transport of the FFI backend's),
   * or `null` while it has none.
   */
  protected _descriptor(): Descriptor | null {
    return null;
  }

  /**
   * Sets a socket option, as Python's `setsockopt(level, optname, value)`.
   * Each option is applied to the Deno handle (now, or when it is created),
   * stored and reported, or refused.
   *
   * @param level `SOL_SOCKET`, `IPPROTO_TCP`, `IPPROTO_IP`, `IPPROTO_IPV6`...
   * @param optname The option, e.g. `SO_REUSEADDR`.
   * @param value An integer (or boolean), or packed bytes.
   * @throws {OSError} `ENOPROTOOPT` for an option Deno does not expose; `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using sock = socket.socket();
   * sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
   * ```
   */
  setsockopt(level: number, optname: number, value: OptionValue): void {
    this._checkOpen("setsockopt");
    const d = this._descriptor();
    if (d === null) return this.#options.set(this._handles(), level, optname, value);
    // A descriptor: the kernel's own call, as Python's (and the value noted).
    checkInt(level, "level", "setsockopt");
    checkInt(optname, "optname", "setsockopt");
    d.setsockopt(level, optname, kernelValue(value));
    this.#options.record(level, optname, value);
  }

  /**
   * Reads a socket option as an integer: the value in force (set by
   * `setsockopt()`, or the default), or what the socket reports
   * (`SO_TYPE`, `SO_ERROR`, `SO_ACCEPTCONN`...).
   *
   * @param level The option level: `SOL_SOCKET`, `IPPROTO_TCP`...
   * @param optname The option.
   * @returns The value.
   * @throws {OSError} `ENOPROTOOPT` for an option Deno does not expose; `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using sock = socket.socket();
   * console.log(sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)); // 1 (SOCK_STREAM)
   * ```
   */
  getsockopt(level: number, optname: number): number;
  /**
   * Reads a socket option as `buflen` packed bytes (a little-endian int first).
   *
   * @param level The option level.
   * @param optname The option.
   * @param buflen How many bytes to return.
   * @returns The packed value.
   * @throws {OSError} `ENOPROTOOPT` for an option Deno does not expose; `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using sock = socket.socket();
   * console.log(sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 4)); // Uint8Array [1, 0, 0, 0]
   * ```
   */
  getsockopt(level: number, optname: number, buflen: number): Uint8Array<ArrayBuffer>;
  /**
   * Reads a socket option, as Python's `getsockopt(level, optname[, buflen])`:
   * an integer, or `buflen` packed bytes when `buflen` is given. (Its two
   * overloads, listed on the class page, give the precise result type.)
   *
   * @param level The option level: `SOL_SOCKET`, `IPPROTO_TCP`...
   * @param optname The option.
   * @param buflen When given, the result is `buflen` bytes.
   * @returns The value, an integer or bytes.
   * @throws {OSError} `ENOPROTOOPT` for an option Deno does not expose; `EBADF` when closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using sock = socket.socket();
   * sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
   * console.log(sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)); // 1
   * console.log(sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 4)); // Uint8Array(4) [ 1, 0, 0, 0 ]
   * ```
   */
  getsockopt(level: number, optname: number, buflen?: number): number | Uint8Array<ArrayBuffer> {
    this._checkOpen("getsockopt");
    const d = this._descriptor();
    // SO_ACCEPTCONN: listening is the package's state (bind() made the listener, listen() accepts).
    if (d === null || (level === SOL_SOCKET && optname === SO_ACCEPTCONN)) {
      return this.#options.get(this._handles(), level, optname, buflen);
    }
    checkInt(level, "level", "getsockopt");
    checkInt(optname, "optname", "getsockopt");
    if (buflen === undefined || buflen === 0) {
      const b = d.getsockopt(level, optname, 4);
      return b.length < 4 ? (b[0] ?? 0) : new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
    }
    // As CPython: the bytes the kernel wrote, for a buflen of 1 to 1024 (0: the integer).
    checkInt(buflen, "buflen", "getsockopt");
    if (buflen < 0 || buflen > 1024) {
      throw new OSError(errno.EINVAL, "getsockopt buflen out of range", {
        detail: `Cannot getsockopt: buflen must be 0-1024: current value is ${buflen}`,
      });
    }
    return d.getsockopt(level, optname, buflen) as Uint8Array<ArrayBuffer>;
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
    const addr = this._localAddr();
    if (addr) return fromDenoAddr(this.family, addr);
    if (this.family === AF_UNIX) return "";
    return this.family === AF_INET6 ? ["::", 0, 0, 0] : ["0.0.0.0", 0];
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
    const addr = this._peerAddr();
    if (addr) return fromDenoAddr(this.family, addr);
    throw new OSError(errno.ENOTCONN, undefined, {
      detail: "Cannot getpeername: socket is not connected",
    });
  }

  /**
   * Connects to a remote address: {@linkcode StreamSocket.prototype.connect}
   * opens a connection, {@linkcode DatagramSocket.prototype.connect} fixes
   * the peer.
   *
   * @param address The remote address.
   * @returns A promise that resolves once connected.
   * @throws {OSError} when the connection fails, e.g. `ConnectionRefusedError`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using sock: socket.Socket = socket.socket();
   * await sock.connect(srv.getsockname());
   * console.log(sock.getpeername()[1] === srv.getsockname()[1]); // true
   * ```
   */
  abstract connect(address: Address): Promise<void>;

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
   * Closes the socket and its Deno handles. Calling it again does nothing.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const sock = socket.socket();
   * sock.close();
   * sock.close();
   * ```
   */
  close(): void {
    this.#fd = -1;
  }

  /**
   * Closes the socket, as `close()`: what `using sock = socket.socket()`
   * calls at the end of the block.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * let outer: socket.Socket;
   * {
   *   using sock = socket.socket();
   *   outer = sock;
   * }
   * console.log(outer.closed); // true
   * ```
   */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Closes the socket, as `close()`: what `await using sock = socket.socket()`
   * calls at the end of the block.
   *
   * @returns A promise that is already resolved.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * let outer: socket.Socket;
   * {
   *   await using sock = socket.socket();
   *   outer = sock;
   * }
   * console.log(outer.closed); // true
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /**
   * Python's repr of the socket, which `Deno.inspect()` and `console.log()`
   * show: its number, family, type and protocol, and the local and remote
   * addresses it has; then `backend=node` for a connection made through
   * node:net (`bind()` before `connect()`).
   *
   * @returns `<socket.socket fd=3, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=...>`.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using sock = socket.socket();
   * sock.bind(["127.0.0.1", 0]);
   * console.log(Deno.inspect(sock));
   * // <socket.socket fd=3, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', 43021)>
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.#repr();
  }

  /** Python's repr of this object. */
  #repr(): string {
    const head = `<socket.socket${this.closed ? " [closed]" : ""} fd=${this.fileno()}, family=${
      FAMILY_NAMES[this.family] ?? this.family
    }, type=${TYPE_NAMES[this.type] ?? this.type}, proto=${this.proto}`;
    if (this.closed) return head + ">";
    const parts = [head];
    // As Python: an unnamed AF_UNIX end is left out, and a path is printed bare.
    const show = (a: Address) => typeof a === "string" ? a : reprAddress(a);
    try {
      const laddr = this.getsockname();
      if (laddr !== "") parts.push(`laddr=${show(laddr)}`);
    } catch { /* unbound */ }
    try {
      const raddr = this.getpeername();
      if (raddr !== "") parts.push(`raddr=${show(raddr)}`);
    } catch { /* not connected */ }
    // The default backend goes unsaid (its name is null); another is named.
    const backend = this._backendName();
    if (backend !== null) parts.push(`backend=${backend}`);
    return parts.join(", ") + ">";
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
   * using sock = socket.socket();
   * console.log(inspect(sock).startsWith("<socket.socket")); // true
   * ```
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.#repr();
  }

  /**
   * Sends the bytes of `buffers`, in order, as one message with the control
   * messages of `ancdata`, as Python's `sock.sendmsg()`: to `address` (a
   * datagram socket that is not connected), or to the peer. Needs a real
   * descriptor (DESIGN §20: a socket on the FFI backend). A datagram socket
   * not yet bound is bound to the wildcard address first, as the kernel does.
   *
   * @param buffers Any iterable of bytes-like objects (typed arrays, `DataView`s, `ArrayBuffer`s).
   * @param ancdata Control messages, each `[cmsg_level, cmsg_type, cmsg_data]`
   *   (e.g. `[SOL_SOCKET, SCM_RIGHTS, new Int32Array(fds)]`).
   * @param flags `MSG_DONTWAIT`, `MSG_EOR`, `MSG_OOB`... (the kernel's).
   * @param address Where to, for a datagram socket that is not connected.
   * @returns The number of bytes sent (on a stream socket, maybe fewer than given).
   * @throws {OSError} `EOPNOTSUPP` for a socket without a descriptor (its
   *   message names `PYSOCKET_BACKEND=ffi`); `EBUSY` on a stream socket while
   *   a send of its own is still being written; the kernel's errors
   *   (`EMSGSIZE`, `EDESTADDRREQ`...); `EBADF` when closed.
   * @throws {TypeError} for buffers or ancillary items of the wrong type.
   * @throws {TimeoutError|BlockingIOError} per the timeout (nothing was sent then).
   *
   * @example Send a datagram with no control message
   * ```ts ignore
   * // PYSOCKET_BACKEND=ffi deno run -A sendmsg.ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * const n = await s.sendmsg([new Uint8Array([1, 2]), new Uint8Array([3])], [], 0, s.getsockname());
   * console.log(n); // 3
   * ```
   */
  async sendmsg(
    buffers: Iterable<BytesLike>,
    ancdata?: Iterable<readonly [level: number, type: number, data: BytesLike]>,
    flags: number = 0,
    address?: Address | null,
  ): Promise<number> {
    const op = "sendmsg";
    const views = bufferList(buffers, op);
    const items = ancdata === undefined ? [] : ancillaryList(ancdata, op);
    checkInt(flags, "flags", op);
    this._checkOpen(op);
    let to: Target | null = null;
    if (address !== undefined && address !== null) {
      to = this._bindTarget(address, op);
      if (to.transport === "tcp" && !isIPv4(to.hostname) && !isIPv6(to.hostname)) {
        to.hostname = (await resolveHost(to.hostname, this.family))[0];
      }
    }
    const d = this.#messageDescriptor(op);
    if (to === null && this.type !== SOCK_STREAM && !this._kernelConnected) {
      // A datagram socket connected by the package (not the kernel) sends to its peer.
      const peer = this._peerAddr();
      if (peer !== null) {
        const { hostname, port } = peer as Deno.NetAddr;
        to = "path" in peer
          ? { transport: "unix", path: peer.path }
          : { transport: "tcp", hostname, port };
      }
    }
    return this._whenReady(d, "write", (flags & MSG_DONTWAIT) !== 0, op, () => {
      this._messageCheck(op);
      return d.sendmsg(views, items, flags | MSG_DONTWAIT, to);
    });
  }

  /**
   * Receives one message, as Python's `sock.recvmsg()`: up to `bufsize` bytes
   * of data and up to `ancbufsize` bytes of control messages. Needs a real
   * descriptor (DESIGN §20). The address is the sender's where the kernel
   * gives one (a datagram socket's sender, a named AF_UNIX peer), else `null`
   * (Python's `None`: a TCP connection, an unnamed AF_UNIX peer).
   *
   * @param bufsize The most bytes of data to receive.
   * @param ancbufsize The room for control messages, in bytes (`CMSG_SPACE()` of each expected).
   * @param flags `MSG_PEEK`, `MSG_DONTWAIT`, `MSG_WAITALL`, `MSG_CMSG_CLOEXEC`...
   * @returns `[data, ancdata, msg_flags, address]`: `ancdata` as `[cmsg_level,
   *   cmsg_type, cmsg_data]` items; `msg_flags` with `MSG_TRUNC` when the
   *   datagram was longer than `bufsize`, `MSG_CTRUNC` when control messages
   *   did not fit.
   * @throws {ValueError} for a negative `bufsize` or `ancbufsize`.
   * @throws {OSError} `EOPNOTSUPP` for a socket without a descriptor; `EBUSY`
   *   on a stream socket while bytes are buffered in the socket or a read is
   *   pending (they would be passed over); `EBADF` when closed.
   * @throws {TimeoutError|BlockingIOError} per the timeout (no message is consumed then).
   *
   * @example Receive a datagram and its sender
   * ```ts ignore
   * // PYSOCKET_BACKEND=ffi deno run -A recvmsg.ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * await s.sendto(new Uint8Array([7, 8, 9]), s.getsockname());
   * const [data, ancdata, flags, address] = await s.recvmsg(2);
   * console.log(data, ancdata, flags === socket.MSG_TRUNC, address); // Uint8Array(2) [ 7, 8 ] [] true [ "127.0.0.1", … ]
   * ```
   */
  async recvmsg(
    bufsize: number,
    ancbufsize: number = 0,
    flags: number = 0,
  ): Promise<
    [
      data: Uint8Array<ArrayBuffer>,
      ancdata: [level: number, type: number, data: Uint8Array<ArrayBuffer>][],
      msg_flags: number,
      address: Address | null,
    ]
  > {
    const op = "recvmsg";
    bufferSize(bufsize, "bufsize", op);
    const buf = new Uint8Array(bufsize);
    const [n, ancdata, msgFlags, address] = await this.#receive([buf], ancbufsize, flags, op);
    return [n === bufsize ? buf : buf.slice(0, n), ancdata, msgFlags, address];
  }

  /**
   * Receives one message into `buffers`, as Python's `sock.recvmsg_into()`:
   * filling each in turn. As {@linkcode Socket.prototype.recvmsg} otherwise.
   *
   * @param buffers Any iterable of writable bytes-like objects (typed arrays, `DataView`s...).
   * @param ancbufsize The room for control messages, in bytes.
   * @param flags As `recvmsg()`'s.
   * @returns `[nbytes, ancdata, msg_flags, address]`.
   * @throws {TypeError} for buffers of the wrong type; {ValueError} for a negative `ancbufsize`.
   * @throws {OSError} as `recvmsg()`.
   * @throws {TimeoutError|BlockingIOError} per the timeout (no message is consumed then).
   *
   * @example Scatter a datagram over two buffers
   * ```ts ignore
   * // PYSOCKET_BACKEND=ffi deno run -A recvmsg_into.ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * await s.sendto(new Uint8Array([1, 2, 3]), s.getsockname());
   * const head = new Uint8Array(1), rest = new Uint8Array(4);
   * const [n] = await s.recvmsg_into([head, rest]);
   * console.log(n, head, rest); // 3 Uint8Array(1) [ 1 ] Uint8Array(4) [ 2, 3, 0, 0 ]
   * ```
   */
  recvmsg_into(
    buffers: Iterable<BytesLike>,
    ancbufsize: number = 0,
    flags: number = 0,
  ): Promise<
    [
      nbytes: number,
      ancdata: [level: number, type: number, data: Uint8Array<ArrayBuffer>][],
      msg_flags: number,
      address: Address | null,
    ]
  > {
    try {
      return this.#receive(bufferList(buffers, "recvmsg_into"), ancbufsize, flags, "recvmsg_into");
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * @ignore The name of the backend the socket's handle came from, as the
   * inspect string shows it: `null` before it has one, or for the default
   * backend (Deno's own API), which goes unsaid.
   */
  protected _backendName(): string | null {
    return null;
  }

  /** @ignore The readiness of the socket, for select, selectors and socketserver. */
  abstract [POLL](): Poll;

  /**
   * @ignore Makes the socket a daemon's: a call awaiting it no longer keeps
   * the process alive (a request of a server with `daemon_threads`, whose
   * handler is Python's daemon thread). Only sockets that read can say so.
   */
  [DAEMON](): void {}

  /** @ignore Whether a connect() is the kernel's, so that a send to the peer names no address. */
  protected get _kernelConnected(): boolean {
    return false;
  }

  /** @ignore The option state, for subclasses. */
  protected get _options(): SocketOptions {
    return this.#options;
  }

  /** @ignore The local address of the socket's handle, or null when it has none. */
  protected abstract _localAddr(): Addr | null;

  /** @ignore The connected peer's address, or null when not connected. */
  protected abstract _peerAddr(): Addr | null;

  /**
   * @ignore Checks a bind address and turns it into a transport target
   * (`"localhost"` is the loopback address of the socket's family).
   */
  protected _bindTarget(address: unknown, op: string): Target {
    const target = toTarget(this.family, address, op);
    if (target.transport === "tcp" && target.hostname === "localhost") {
      target.hostname = this.family === AF_INET6 ? "::1" : "127.0.0.1";
    }
    return target;
  }

  /**
   * @ignore What a failed call throws: `EBADF` once the socket is closed
   * (with the failure as `cause`), else the failure as Python's `OSError`.
   */
  protected _fail(e: unknown, op: string): Error {
    if (this.closed) {
      return new OSError(errno.EBADF, undefined, {
        cause: e,
        detail: `Cannot ${op}: socket is closed`,
      });
    }
    return fromRuntimeError(e, `Cannot ${op}`);
  }

  /** @ignore `recv_into` after its arguments are checked: receives into `p`, resolves the count. */
  protected abstract _recvInto(p: Uint8Array, flags: number, op: string): Promise<number>;

  /**
   * @ignore `recv(bufsize)`: receives into the socket's reused buffer through
   * `_recvInto` and returns only the bytes received, as an array of their
   * own. With `flags` the buffer is all of `bufsize`.
   */
  protected _recvScratch(
    scratch: Scratch,
    bufsize: number,
    flags: number,
    op: string,
  ): Promise<Uint8Array<ArrayBuffer>> {
    const buf = scratch.take(bufsize, flags !== 0);
    return scratch.settle(buf, this._recvInto(buf, flags, op));
  }

  /**
   * @ignore Runs an option call Deno makes async (multicast membership, TTL,
   * loopback) in the background: the next awaited operation waits for it
   * through `_flushDeferred()`, and its failure reaches that operation.
   */
  protected _defer(p: Promise<unknown>): void {
    const settled = p.then(() => {}, (e) => {
      this.#deferredError ??= e;
    });
    const all = this.#deferred ? Promise.all([this.#deferred, settled]) : settled;
    this.#deferred = all;
    all.then(() => {
      if (this.#deferred === all) this.#deferred = null;
    });
  }

  /** @ignore Whether option calls are still running or one has failed unreported. */
  protected get _hasDeferred(): boolean {
    return this.#deferred !== null || this.#deferredError !== null;
  }

  /** @ignore Waits for background option calls; throws the first that failed. */
  protected async _flushDeferred(op: string): Promise<void> {
    if (this.#deferred) await this.#deferred;
    if (this.#deferredError === null) return;
    const e = this.#deferredError;
    this.#deferredError = null;
    throw fromRuntimeError(e, `Cannot ${op}: an earlier setsockopt failed`);
  }

  /** @ignore What options act on; subclasses say what they have. */
  protected abstract _handles(): OptionHandles;

  /** @ignore The deadline of an operation starting now, by timeout and `MSG_DONTWAIT`. */
  protected _deadline(dontwait = false): Deadline {
    return dontwait ? NONBLOCK : deadlineFor(this.#timeout);
  }

  /**
   * @ignore Refuses a message call that would reorder bytes (a stream
   * socket's buffered bytes, a pending read or send): the socket class
   * that has them says so; the default refuses nothing.
   *
   * @throws {OSError} `EBUSY` when the call must not go to the descriptor now.
   */
  protected _messageCheck(_op: string): void {}

  /** The descriptor for a message call: a datagram socket on the FFI backend is bound first. */
  #messageDescriptor(op: string): Descriptor {
    this._messageCheck(op);
    let d = this._descriptor();
    if (
      d === null && this.type !== SOCK_STREAM && this.family !== AF_UNIX &&
      capabilities("datagram").descriptors
    ) {
      // As the kernel binds a UDP socket on its first send: what udp.ts does for sendto.
      (this as unknown as { bind(a: Address): void }).bind(["", 0]);
      d = this._descriptor();
    }
    if (d === null) throw needsDescriptor(op);
    return d;
  }

  /** `recvmsg()`/`recvmsg_into()` after the buffers are made: resolves `[nbytes, ancdata, flags, address]`. */
  async #receive(
    buffers: Uint8Array[],
    ancbufsize: number,
    flags: number,
    op: string,
  ): Promise<Message<number>> {
    bufferSize(ancbufsize, "ancbufsize", op);
    checkInt(flags, "flags", op);
    this._checkOpen(op);
    const d = this.#messageDescriptor(op);
    const got = await this._whenReady(d, "read", (flags & MSG_DONTWAIT) !== 0, op, () => {
      this._messageCheck(op);
      return d.recvmsg(buffers, ancbufsize, flags | MSG_DONTWAIT);
    });
    return [
      got.nbytes,
      got.ancdata as Ancillary[],
      got.flags,
      got.address === null ? null : fromDenoAddr(this.family, got.address),
    ];
  }

  /**
   * @ignore Runs `call` (a descriptor call made at once with `MSG_DONTWAIT`)
   * until it does not find the descriptor busy, waiting for readiness in
   * between under the socket's deadline: a call that times out has made no
   * syscall since its last EAGAIN, so it has consumed (or sent) nothing.
   */
  protected async _whenReady<T>(
    d: Descriptor,
    want: Want,
    dontwait: boolean,
    op: string,
    call: () => Promise<T>,
  ): Promise<T> {
    const deadline: Deadline = this._deadline(dontwait);
    for (;;) {
      try {
        return await call();
      } catch (e) {
        if (!(e instanceof OSError) || e.errno !== errno.EAGAIN) throw this._fail(e, op);
      }
      if (deadline === NONBLOCK) throw expired(deadline, op, want);
      await this.#ready(d, want, deadline, op);
    }
  }

  /**
   * Waits until `d` may be ready `want`'s way, or until `deadline` passes: the
   * wait is then withdrawn (nothing of it stays pending) and it throws.
   *
   * @throws {TimeoutError} when the deadline passes first; {OSError} `EBADF` once closed.
   */
  async #ready(d: Descriptor, want: Want, deadline: Deadline, op: string): Promise<void> {
    const ctl = deadline === null ? null : new AbortController();
    const timedOut = deadline === null ? null : expired(deadline, op, want);
    const cancel = whenExpired(deadline, () => ctl!.abort(timedOut));
    try {
      await (want === "read" ? d.readable(ctl?.signal) : d.writable(ctl?.signal));
    } catch (e) {
      throw e === timedOut ? e : this._fail(e, op);
    } finally {
      cancel();
    }
  }

  /**
   * @ignore Throws `OSError` `EBADF` if the socket is closed.
   */
  protected _checkOpen(op: string): void {
    if (this.#fd < 0) {
      throw new OSError(errno.EBADF, undefined, { detail: `Cannot ${op}: socket is closed` });
    }
  }

  /**
   * @ignore `shutdown()`'s checks: `how` an int among `SHUT_RD`, `SHUT_WR`,
   * `SHUT_RDWR` (else `EINVAL`), and the socket open.
   */
  protected _checkShutdown(how: number): void {
    checkInt(how, "how", "shutdown");
    this._checkOpen("shutdown");
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) {
      throw new OSError(errno.EINVAL, undefined, {
        detail:
          `Cannot shutdown: how must be SHUT_RD, SHUT_WR or SHUT_RDWR: current value is ${how}`,
      });
    }
  }
}
