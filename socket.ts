// Copyright 2026 the pysocket authors. MIT license.
/**
 * The `socket()` factory, the `Socket` base class, the module's default
 * timeout, and the functions that make ready-connected or listening
 * sockets: `create_connection`, `create_server`, `socketpair`, and
 * `fromConn`/`fromListener`/`fromDatagramConn` to wrap Deno handles.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * console.log(tcp instanceof socket.StreamSocket, udp instanceof socket.DatagramSocket); // true true
 * ```
 *
 * @module
 */

import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPV6_V6ONLY,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOCK_RDM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  SOL_SOCKET,
} from "./constants.ts";
import { errno, ExceptionGroup, OSError, ValueError } from "./errors.ts";
import { type Address, checkPort, type IPv4Address, type IPv6Address, isIPv6 } from "./address.ts";
import { getdefaulttimeout, handAdopter } from "./_socket/base.ts";
import { checkTimeout } from "./_common/deadline.ts";
import { resolveHost } from "./_common/resolve.ts";
import { makeTempDir, removeDir } from "./_common/system.ts";
import { checkInt, typeName } from "./_common/bytes.ts";
import { StreamSocket } from "./tcp.ts";
import { DatagramSocket } from "./udp.ts";
import { PacketSocket } from "./packet.ts";
import { ffiModule } from "./_transport/ffi_load.ts";

export { getdefaulttimeout, setdefaulttimeout, Socket } from "./_socket/base.ts";

handAdopter((fd, family, type, proto) => {
  try {
    return adopt(fd, family, type, proto);
  } catch (e) {
    ffiModule("dup").closeFd(fd);
    throw e;
  }
});

const TYPE_FLAGS = SOCK_NONBLOCK | SOCK_CLOEXEC;
const UNSUPPORTED_TYPES: Record<number, string> = {
  [SOCK_RDM]: "SOCK_RDM",
};

/**
 * Creates a socket, as Python's `socket.socket(family, type, proto)`:
 * a {@linkcode StreamSocket} for `SOCK_STREAM`, a {@linkcode DatagramSocket}
 * for `SOCK_DGRAM` (a {@linkcode PacketSocket} for `SOCK_SEQPACKET` and
 * `SOCK_RAW`, on a real descriptor). `type` may carry `SOCK_NONBLOCK` (the
 * socket starts non-blocking) and `SOCK_CLOEXEC`.
 *
 * @param family `AF_INET` (default), `AF_INET6` or `AF_UNIX`.
 * @param type `SOCK_STREAM` (default) or `SOCK_DGRAM`.
 * @param proto 0, or the protocol matching the type.
 * @returns The socket, not yet bound or connected.
 * @throws {OSError} for a family that cannot be opened (`EAFNOSUPPORT`), or a protocol that is not TCP's.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * console.log(s.type === socket.SOCK_STREAM); // true
 * ```
 */
export function socket(family?: number, type?: typeof SOCK_STREAM, proto?: number): StreamSocket;
/**
 * Creates a datagram socket: `socket(AF_INET, SOCK_DGRAM)` is a {@linkcode DatagramSocket}.
 *
 * @param family `AF_INET`, `AF_INET6` or `AF_UNIX`.
 * @param type `SOCK_DGRAM`.
 * @param proto 0 or `IPPROTO_UDP`.
 * @returns The socket, not yet bound.
 * @throws {OSError} for a family Deno cannot open, or a protocol that is not UDP's.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * console.log(s instanceof socket.DatagramSocket); // true
 * ```
 */
export function socket(family: number, type: typeof SOCK_DGRAM, proto?: number): DatagramSocket;
/**
 * Creates an AF_UNIX `SOCK_SEQPACKET` socket or a `SOCK_RAW` socket: a
 * {@linkcode PacketSocket}, on a real descriptor (DESIGN §20: the ffi
 * permission, Linux x86_64). A raw socket needs `CAP_NET_RAW` (root).
 *
 * @param family `AF_UNIX` for `SOCK_SEQPACKET`; `AF_INET`/`AF_INET6` for `SOCK_RAW`.
 * @param type `SOCK_SEQPACKET` or `SOCK_RAW`.
 * @param proto 0, or the raw socket's protocol (`IPPROTO_ICMP`, `IPPROTO_ICMPV6`...).
 * @returns The socket, not yet bound or connected.
 * @throws {OSError} `EOPNOTSUPP` without the ffi permission (naming
 *   `--allow-ffi`); the kernel's error (`EPERM` for a raw socket without privilege).
 *
 * @example
 * ```ts ignore
 * // deno run -A seqpacket.ts
 * import * as socket from "@pysocket/socket";
 * using s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
 * console.log(s instanceof socket.PacketSocket); // true
 * ```
 */
export function socket(
  family: number,
  type: typeof SOCK_SEQPACKET | typeof SOCK_RAW,
  proto?: number,
): PacketSocket;
/**
 * Creates a socket of a type known only at run time.
 *
 * @param family Address family.
 * @param type `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_SEQPACKET` or `SOCK_RAW`,
 *   possibly with `SOCK_NONBLOCK`/`SOCK_CLOEXEC`.
 * @param proto Protocol number.
 * @returns A `StreamSocket`, a `DatagramSocket` or a `PacketSocket`.
 * @throws {OSError} for families and types that cannot be opened (`SOCK_RDM`,
 *   `SOCK_SEQPACKET` or `SOCK_RAW` without the ffi permission...).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK);
 * console.log(s.getblocking()); // false
 * ```
 */
export function socket(
  family?: number,
  type?: number,
  proto?: number,
): StreamSocket | DatagramSocket | PacketSocket;
/**
 * Adopts an existing descriptor, as Python's `socket.socket(fileno=fd)`: an
 * inherited listener (a `LISTEN_FDS`-style hand-over), a connection passed
 * over `SCM_RIGHTS`... Family, type and protocol are read from the
 * descriptor where not given (`undefined` or `null`, as Python's defaults).
 * The socket runs on the FFI backend (`--allow-ffi`) and owns the descriptor
 * from now on; it is made non-blocking (DESIGN §20).
 *
 * @param family `undefined`/`null` to read it from the descriptor.
 * @param type `undefined`/`null` to read it from the descriptor.
 * @param proto `undefined`/`null` to read it from the descriptor.
 * @param fileno The descriptor.
 * @returns A `StreamSocket` (connected or listening), a `DatagramSocket`,
 *   or a `PacketSocket` (`SOCK_SEQPACKET`, `SOCK_RAW`, a datagram pair's end).
 * @throws {OSError} `EOPNOTSUPP` without the ffi permission or off Linux
 *   x86_64; `ENOTSOCK`/`EBADF` for a descriptor that is no socket.
 *
 * @example
 * ```ts ignore
 * import * as socket from "@pysocket/socket";
 * // A listener handed over by the process's parent (systemd's LISTEN_FDS).
 * using srv = socket.socket(undefined, undefined, undefined, 3);
 * ```
 */
export function socket(
  family: number | null | undefined,
  type: number | null | undefined,
  proto: number | null | undefined,
  fileno: number,
): StreamSocket | DatagramSocket | PacketSocket;
export function socket(
  family?: number | null,
  type?: number | null,
  proto?: number | null,
  fileno?: number | null,
): StreamSocket | DatagramSocket | PacketSocket {
  if (fileno !== undefined && fileno !== null) return adopt(fileno, family, type, proto);
  family ??= AF_INET;
  type ??= SOCK_STREAM;
  proto ??= 0;
  checkInt(family, "family", "create socket");
  checkInt(type, "type", "create socket");
  checkInt(proto, "proto", "create socket");
  if (family !== AF_INET && family !== AF_INET6 && family !== AF_UNIX) {
    throw new OSError(errno.EAFNOSUPPORT, undefined, {
      detail: `Cannot create socket: Deno cannot open address family ${family}`,
    });
  }
  const base = type & ~TYPE_FLAGS;
  if (UNSUPPORTED_TYPES[base]) {
    throw new OSError(errno.ESOCKTNOSUPPORT, undefined, {
      detail: `Cannot create socket: Deno cannot open ${UNSUPPORTED_TYPES[base]} sockets`,
    });
  }
  if (base === SOCK_SEQPACKET || base === SOCK_RAW) {
    // Only a real descriptor is such a socket: the kernel says what it takes.
    const sock = PacketSocket._open(family, base, proto);
    if (type & SOCK_NONBLOCK) sock.setblocking(false);
    return sock;
  }
  const expected = base === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
  if (base !== SOCK_STREAM && base !== SOCK_DGRAM) {
    throw new OSError(errno.EINVAL, undefined, {
      detail: `Cannot create socket: unknown socket type ${type}`,
    });
  }
  if (proto !== 0 && (family === AF_UNIX || proto !== expected)) {
    throw new OSError(errno.EPROTONOSUPPORT, undefined, {
      detail: `Cannot create socket: protocol ${proto} does not go with this family and type`,
    });
  }
  const sock = base === SOCK_STREAM
    ? new StreamSocket(family, proto)
    : new DatagramSocket(family, proto);
  if (type & SOCK_NONBLOCK) sock.setblocking(false);
  return sock;
}

/** Makes a socket over descriptor `fd` (see the `fileno` overload of {@linkcode socket}). */
function adopt(
  fd: number,
  family?: number | null,
  type?: number | null,
  proto?: number | null,
): StreamSocket | DatagramSocket | PacketSocket {
  checkInt(fd, "fileno", "create socket");
  if (fd < 0) {
    throw new ValueError(
      `Cannot create socket: fileno must be a descriptor (>= 0): current value is ${fd}`,
    );
  }
  const ffi = ffiModule("create socket from a descriptor");
  const a = ffi.adopt(fd);
  family ??= a.family;
  proto ??= a.proto;
  const nonblocking = type !== undefined && type !== null && (type & SOCK_NONBLOCK) !== 0;
  const t = a.transport;
  if (t.kind === "packet") {
    const p = PacketSocket._over(family, a.type, proto, t.t);
    if (nonblocking) p.setblocking(false);
    return p;
  }
  const sock = t.kind === "datagram"
    ? DatagramSocket._over(family, proto, ffi.ffi, t.t)
    : StreamSocket._over(
      family,
      proto,
      ffi.ffi,
      t.kind === "stream"
        ? { conn: t.t }
        : t.kind === "listener"
        ? { listener: t.t }
        : t.kind === "bound"
        ? { bound: t.t }
        : { fresh: t.t },
    );
  if (nonblocking) sock.setblocking(false);
  return sock;
}

/**
 * Duplicates descriptor `fd` and makes a socket of the copy, as Python's
 * `socket.fromfd(fd, family, type, proto)`; `fd` stays open and the
 * caller's.
 *
 * @param fd The descriptor.
 * @param family Its address family.
 * @param type Its socket type.
 * @param proto Its protocol (0).
 * @returns The socket, on the FFI backend.
 * @throws {OSError} as the `fileno` overload of {@linkcode socket}.
 *
 * @example
 * ```ts ignore
 * import * as socket from "@pysocket/socket";
 * using s = socket.fromfd(3, socket.AF_INET, socket.SOCK_STREAM);
 * ```
 */
export function fromfd(
  fd: number,
  family: number,
  type: number,
  proto = 0,
): StreamSocket | DatagramSocket | PacketSocket {
  checkInt(fd, "fd", "fromfd");
  const copy = ffiModule("fromfd").dupFd(fd);
  try {
    return adopt(copy, family, type, proto);
  } catch (e) {
    ffiModule("fromfd").closeFd(copy);
    throw e;
  }
}

/**
 * Closes a bare descriptor, as Python's `socket.close(fd)` (what
 * `detach()` of a socket on the FFI backend hands out, say).
 *
 * @param fd The descriptor.
 * @throws {OSError} `EBADF` for a descriptor that is not open; `EOPNOTSUPP`
 *   where descriptors cannot be reached (no ffi permission, not Linux x86_64).
 *
 * @example
 * ```ts ignore
 * import * as socket from "@pysocket/socket";
 * const s = socket.socket(undefined, undefined, undefined, 3);
 * socket.close(s.detach() as number);
 * ```
 */
export function close(fd: number): void {
  checkInt(fd, "fd", "close");
  ffiModule("close a descriptor").closeFd(fd);
}

/**
 * Wraps a `Deno.Conn` (TCP, TLS or Unix) as a connected {@linkcode StreamSocket}.
 *
 * @param conn The connection; the socket owns it from now on.
 * @returns The socket.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * using sock = socket.fromConn(await Deno.connect(listener.addr as Deno.ConnectOptions));
 * console.log(sock.family === socket.AF_INET); // true
 * listener.close();
 * ```
 */
export function fromConn(conn: Deno.Conn): StreamSocket {
  return StreamSocket.fromConn(conn);
}

/**
 * Wraps a `Deno.Listener` (TCP, TLS or Unix) as a listening {@linkcode StreamSocket}.
 *
 * @param listener The listener; the socket owns it from now on.
 * @returns The socket.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using srv = socket.fromListener(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
 * console.log(srv.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)); // 1
 * ```
 */
export function fromListener(listener: Deno.Listener): StreamSocket {
  return StreamSocket.fromListener(listener);
}

/**
 * Wraps a `Deno.DatagramConn` (UDP or Unix datagram) as a bound {@linkcode DatagramSocket}.
 *
 * @param conn The datagram handle; the socket owns it from now on.
 * @returns The socket.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using s = socket.fromDatagramConn(
 *   Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 }),
 * );
 * console.log(s.type === socket.SOCK_DGRAM); // true
 * ```
 */
export function fromDatagramConn(conn: Deno.DatagramConn): DatagramSocket {
  return DatagramSocket.fromDatagramConn(conn);
}

/**
 * Connects to a TCP service, as Python's `socket.create_connection()`:
 * resolves `host` for both families and tries each address in turn until
 * one connects.
 *
 * @param address `[host, port]`.
 * @param timeout Seconds for each attempt and for the socket afterwards;
 *   omitted: the module default (`getdefaulttimeout()`).
 * @param source_address `[host, port]` to connect from (port 0: any), bound
 *   first as Python does; the connection then runs on the node backend.
 * @param options `all_errors`: raise every attempt's error together.
 * @returns The connected socket.
 * @throws {OSError} the last attempt's error when none connects; {gaierror} when the name does not resolve.
 * @throws {ExceptionGroup} of every attempt's error, with `all_errors`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using srv = socket.create_server(["127.0.0.1", 0]);
 * using cli = await socket.create_connection(["localhost", srv.getsockname()[1] as number], 5);
 * console.log(cli.gettimeout()); // 5
 * ```
 */
export async function create_connection(
  address: IPv4Address | IPv6Address,
  timeout?: number | null,
  source_address?: Address | null,
  options?: CreateConnectionOptions | null,
): Promise<StreamSocket> {
  const t = timeout === undefined
    ? getdefaulttimeout()
    : checkTimeout(timeout, "create_connection");
  if (!Array.isArray(address) || address.length < 2 || typeof address[0] !== "string") {
    throw new TypeError("Cannot create_connection: address must be a tuple (host, port)");
  }
  const port = checkPort(address[1], "create_connection");
  const hosts = await resolveHost(address[0] === "" ? "localhost" : address[0], 0);
  const errors: Error[] = [];
  for (const host of hosts) {
    const sock = socket(isIPv6(host) ? AF_INET6 : AF_INET, SOCK_STREAM);
    sock.settimeout(t);
    try {
      if (source_address !== undefined && source_address !== null) sock.bind(source_address);
      await sock.connect([host, port]);
      return sock;
    } catch (e) {
      sock.close();
      errors.push(e as Error);
    }
  }
  if (options?.all_errors) throw new ExceptionGroup("create_connection failed", errors);
  throw errors.at(-1);
}

/** Options of {@linkcode create_connection} (Python's keyword-only argument). */
export interface CreateConnectionOptions {
  /** Raise an {@linkcode ExceptionGroup} of every attempt's error, not the last one alone. */
  all_errors?: boolean;
}

/** Options of {@linkcode create_server}. */
export interface CreateServerOptions {
  /** `AF_INET` (default) or `AF_INET6`. */
  family?: number;
  /** The `listen()` backlog; Python's default when omitted. */
  backlog?: number;
  /** Set `SO_REUSEPORT` before binding. */
  reuse_port?: boolean;
  /** Accept IPv4 and IPv6 on one AF_INET6 socket (Linux's default for `"::"`). */
  dualstack_ipv6?: boolean;
}

/**
 * Makes a listening TCP socket, as Python's `socket.create_server()`:
 * `SO_REUSEADDR` set, bound to `address`, listening.
 *
 * @param address `[host, port]` (`""` for all interfaces).
 * @param options Family, backlog, `reuse_port`, `dualstack_ipv6` (omitted
 *   or `null`: an AF_INET socket with Python's default backlog).
 * @returns The listening socket.
 * @throws {RangeError} when `dualstack_ipv6` is asked of a family other than AF_INET6.
 * @throws {OSError} when binding or listening fails, e.g. `EADDRINUSE` (the socket is closed first).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using srv = socket.create_server(["127.0.0.1", 0], { backlog: 16 });
 * console.log(srv.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)); // 1
 * ```
 */
export function create_server(
  address: IPv4Address | IPv6Address,
  options?: CreateServerOptions | null,
): StreamSocket {
  options ??= {};
  if (typeof options !== "object") {
    throw new TypeError(
      `Cannot create_server: options must be an object, not '${typeName(options)}'`,
    );
  }
  const family = options.family ?? AF_INET;
  if (options.dualstack_ipv6 && family !== AF_INET6) {
    throw new RangeError("Cannot create_server: dualstack_ipv6 requires the AF_INET6 family");
  }
  const sock = socket(family, SOCK_STREAM);
  try {
    sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    if (options.reuse_port) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    if (family === AF_INET6 && !options.dualstack_ipv6) {
      // As Python: IPv6 only where the system lets it be set (node:net's
      // listeners); Deno's take IPv4 too.
      try {
        sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 1);
      } catch (e) {
        if (!(e instanceof OSError)) throw e;
      }
    }
    sock.bind(address);
    options.backlog === undefined ? sock.listen() : sock.listen(options.backlog);
    return sock;
  } catch (e) {
    sock.close();
    throw e;
  }
}

/**
 * Makes a pair of connected stream sockets, as Python's
 * `socket.socketpair()`. Deno has no `socketpair` call, so the pair is made
 * by listening and connecting: on a Unix path in a fresh temporary directory
 * (removed at once) for `AF_UNIX` — Linux's default, as in Python — or on
 * the loopback address for `AF_INET`/`AF_INET6`.
 *
 * @param family `AF_UNIX` (default), `AF_INET` or `AF_INET6`.
 * @param type `SOCK_STREAM`.
 * @param proto 0.
 * @returns The two connected sockets.
 * @throws {OSError} `EAFNOSUPPORT` for another family.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * const [a, b] = await socket.socketpair();
 * await a.sendall(new TextEncoder().encode("ping"));
 * console.log(new TextDecoder().decode(await b.recv(4))); // "ping"
 * a.close();
 * b.close();
 * ```
 */
export function socketpair(
  family?: number,
  type?: typeof SOCK_STREAM,
  proto?: number,
): Promise<[StreamSocket, StreamSocket]>;
/**
 * Makes a pair of connected AF_UNIX `SOCK_SEQPACKET` or `SOCK_DGRAM`
 * sockets, as Python's `socket.socketpair(AF_UNIX, type)`: the kernel's
 * `socketpair()`, so they need a real descriptor (DESIGN §20: the ffi
 * permission, Linux x86_64). Each is a {@linkcode PacketSocket}: every
 * `send` one message, every `recv` one message.
 *
 * @param family `AF_UNIX`.
 * @param type `SOCK_SEQPACKET` or `SOCK_DGRAM` (with `SOCK_NONBLOCK`/`SOCK_CLOEXEC` if wanted).
 * @param proto 0.
 * @returns The two connected sockets.
 * @throws {OSError} `EOPNOTSUPP` without the ffi permission (naming
 *   `--allow-ffi`); the kernel's error for another family.
 *
 * @example
 * ```ts ignore
 * // deno run -A pair.ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
 * await a.send(new Uint8Array([1]));
 * console.log(await b.recv(8)); // Uint8Array(1) [ 1 ]
 * a.close();
 * b.close();
 * ```
 */
export function socketpair(
  family: number,
  type: typeof SOCK_SEQPACKET | typeof SOCK_DGRAM,
  proto?: number,
): Promise<[PacketSocket, PacketSocket]>;
/**
 * Makes a pair of connected sockets of a type known only at run time.
 *
 * @param family `AF_UNIX`, `AF_INET` or `AF_INET6`.
 * @param type `SOCK_STREAM`, `SOCK_SEQPACKET` or `SOCK_DGRAM`.
 * @param proto 0.
 * @returns The two connected sockets.
 * @throws {OSError} as the other forms.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM as number);
 * a.close();
 * b.close();
 * ```
 */
export function socketpair(
  family?: number,
  type?: number,
  proto?: number,
): Promise<[StreamSocket, StreamSocket] | [PacketSocket, PacketSocket]>;
export async function socketpair(
  family: number = AF_UNIX,
  type: number = SOCK_STREAM,
  proto = 0,
): Promise<[StreamSocket, StreamSocket] | [PacketSocket, PacketSocket]> {
  checkInt(family, "family", "socketpair");
  checkInt(type, "type", "socketpair");
  checkInt(proto, "proto", "socketpair");
  if (family !== AF_UNIX && family !== AF_INET && family !== AF_INET6) {
    throw new OSError(errno.EAFNOSUPPORT, undefined, {
      detail: `Cannot socketpair: Deno cannot open address family ${family}`,
    });
  }
  const base = type & ~TYPE_FLAGS;
  if (base === SOCK_SEQPACKET || base === SOCK_DGRAM) {
    // The kernel's socketpair(): only a real descriptor makes one.
    const [a, b] = ffiModule("socketpair").packetPair(family, base, proto);
    const pair: [PacketSocket, PacketSocket] = [
      PacketSocket._over(family, base, proto, a),
      PacketSocket._over(family, base, proto, b),
    ];
    if (type & SOCK_NONBLOCK) pair.forEach((s) => s.setblocking(false));
    return pair;
  }
  if (base !== SOCK_STREAM) {
    throw new OSError(errno.EOPNOTSUPP, undefined, {
      detail: `Cannot socketpair: socket type ${type} cannot be paired`,
    });
  }
  if (proto !== 0 && (family === AF_UNIX || proto !== IPPROTO_TCP)) {
    throw new OSError(errno.EPROTONOSUPPORT, undefined, {
      detail: `Cannot socketpair: protocol ${proto} does not go with this family and type`,
    });
  }
  // Deno has no socketpair(): listen on a fresh Unix path (or the loopback
  // address) and connect, as CPython's own fallback socketpair() does.
  let dir: string | null = null;
  const listener = new StreamSocket(family);
  try {
    if (family === AF_UNIX) {
      dir = makeTempDir("pysocket-pair-");
      listener.bind(`${dir}/s`);
    } else {
      listener.bind([family === AF_INET ? "127.0.0.1" : "::1", 0]);
    }
    listener.listen(1);
    const client = new StreamSocket(family);
    try {
      await client.connect(listener.getsockname());
      const [server] = await listener.accept();
      if (family !== AF_UNIX && server.getpeername()[1] !== client.getsockname()[1]) {
        // Another local process connected first: do not hand it out as our peer.
        server.close();
        throw new OSError(errno.ECONNABORTED, undefined, {
          detail: "Cannot socketpair: an unexpected connection arrived first",
        });
      }
      const pair: [StreamSocket, StreamSocket] = [server, client];
      if (type & SOCK_NONBLOCK) pair.forEach((s) => s.setblocking(false));
      return pair;
    } catch (e) {
      client.close();
      throw e;
    }
  } finally {
    listener.close();
    if (dir) removeDir(dir);
  }
}
