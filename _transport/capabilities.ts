// Copyright 2026 the pysocket authors. MIT license.
// What each backend of the transport seam can do, as plain data: a socket
// (tcp.ts, udp.ts, options.ts) asks these — never a backend's name — and
// pick.ts chooses by them. This module imports no runtime module (no
// node:*, no FFI library), so asking it loads no backend.

/** What one backend can do (DESIGN §16). A new backend describes itself here. */
export interface Capabilities {
  /** Its name, for messages. */
  readonly name: string;
  /** Its name in the socket's inspect string; `null` for the default (Deno's own API), which goes unsaid. */
  readonly shownAs: string | null;
  /** Its connections have a runtime handle that `detach()` can hand out. */
  readonly detachableStream: boolean;
  /** Its listeners have a runtime handle that `detach()` can hand out. */
  readonly detachableListener: boolean;
  /** Its datagram sockets have a runtime handle that `detach()` can hand out. */
  readonly detachableDatagram: boolean;
  /** Connects from a bound local address (`bind()` before `connect()`, `source_address`). */
  readonly bindBeforeConnect: boolean;
  /** Honours `IPV6_V6ONLY` on listeners. */
  readonly ipv6OnlyListeners: boolean;
  /**
   * Applies the kernel options Deno's API lacks: `SO_RCVBUF`/`SO_SNDBUF` and
   * `IP_TTL` on datagram sockets, `TCP_KEEPIDLE` and `SO_LINGER` with a zero
   * linger (a reset close) on connections, its listeners' included.
   */
  readonly kernelOptions: boolean;
  /** Has AF_UNIX datagram sockets. */
  readonly unixDatagrams: boolean;
  /** A listener is bound when `listen()` returns (getsockname() answers, EADDRINUSE is thrown there). */
  readonly listenBindsAtOnce: boolean;
  /**
   * Its sockets are real descriptors: `fileno()`, `dup()`, `sendmsg`/`recvmsg`,
   * every kernel option by number, the kernel's UDP `connect()` (DESIGN §20).
   */
  readonly descriptors: boolean;
}

/** `Deno.connect`/`listen`/`listenDatagram` (deno.ts). */
export const DENO: Capabilities = Object.freeze({
  name: "deno",
  shownAs: null,
  detachableStream: true,
  detachableListener: true,
  detachableDatagram: true,
  bindBeforeConnect: false,
  ipv6OnlyListeners: false,
  kernelOptions: false,
  unixDatagrams: true,
  listenBindsAtOnce: true,
  descriptors: false,
});

/**
 * node:net and node:dgram (node.ts). Its listeners bind at once on Node and
 * Bun; Deno's node:net binds only after `listen()` returns, so in Deno its
 * listeners are not used (pick.ts).
 */
export const NODE: Capabilities = Object.freeze({
  name: "node",
  shownAs: "node",
  // A node:net connection's bytes pass through the backend's inbox, and a
  // listener's connections and a node:dgram socket's datagrams through its
  // queues: a handle handed out would leave them behind.
  detachableStream: false,
  detachableListener: false,
  detachableDatagram: false,
  bindBeforeConnect: true,
  ipv6OnlyListeners: true,
  kernelOptions: true,
  unixDatagrams: false,
  listenBindsAtOnce: !("Deno" in globalThis),
  descriptors: false,
});

/** The C library through FFI (ffi.ts, DESIGN §20): real descriptors. */
export const FFI: Capabilities = Object.freeze({
  name: "ffi",
  shownAs: "ffi",
  // Its handle is the descriptor number itself.
  detachableStream: true,
  detachableListener: true,
  detachableDatagram: true,
  bindBeforeConnect: true,
  ipv6OnlyListeners: true,
  kernelOptions: true,
  unixDatagrams: true,
  listenBindsAtOnce: true,
  descriptors: true,
});
