// Copyright 2026 the pysocket authors. MIT license.
// The transport seam: the small interface through which a socket talks to
// the network. Everything above it — the read buffer, deadlines, Python's
// semantics — is written once; each backend (deno.ts, the default; node.ts
// for what Deno.* cannot do) implements it, and tls.ts runs over either.
// What a backend can do is said by its capabilities (capabilities.ts),
// never by its name. Transports throw the package's OSError subclasses:
// each maps its runtime's errors once, with `fromRuntimeError` (Deno's
// permission errors pass through untouched); the engines above pass them on.

import type { Target } from "../address.ts";
import type { Capabilities } from "./capabilities.ts";

export type { Capabilities };

/** An address as a transport reports it: Deno's `Deno.Addr` shape (`tcp`/`udp` host and port, or a path). */
export type Addr = Deno.Addr;

/**
 * Where a datagram goes, in the form a datagram transport's `send()` takes
 * (an AF_UNIX name of bytes that are not UTF-8 in `raw`, for a descriptor).
 */
export type DatagramAddr = Deno.NetAddr | (Deno.UnixAddr & { raw?: Uint8Array });

/** One control message of `sendmsg()`/`recvmsg()`: `[cmsg_level, cmsg_type, cmsg_data]`. */
export type AncillaryItem = [level: number, type: number, data: Uint8Array];

/** What a descriptor's `recvmsg()` received. */
export interface ReceivedMessage {
  /** Bytes received into the buffers, in order. */
  nbytes: number;
  /** The control messages. */
  ancdata: AncillaryItem[];
  /** `msg_flags` (`MSG_TRUNC`, `MSG_CTRUNC`, `MSG_EOR`...). */
  flags: number;
  /** The sender (datagram sockets), or `null` where the kernel gave none. */
  address: Addr | null;
}

/**
 * A real descriptor (the FFI backend's transports have one, DESIGN §20):
 * what Python's socket API does with it beyond the seam's verbs.
 */
export interface Descriptor {
  /** The descriptor number. */
  readonly fd: number;
  /** Its address family and type, as the kernel has them. */
  readonly family: number;
  readonly type: number;
  /** `setsockopt()` with the option's bytes. */
  setsockopt(level: number, name: number, value: Uint8Array): void;
  /** `getsockopt()`: at most `size` bytes of the option. */
  getsockopt(level: number, name: number, size: number): Uint8Array;
  /**
   * `sendmsg()`: the buffers' bytes in order, with control messages, to `to`
   * or the peer. With `MSG_DONTWAIT` in `flags`, as `recvmsg()`: made at once, never waiting.
   */
  sendmsg(
    buffers: readonly Uint8Array[],
    ancdata: readonly AncillaryItem[],
    flags: number,
    to: Target | null,
  ): Promise<number>;
  /**
   * `recvmsg()` into the buffers, with room for `ancbufsize` bytes of control
   * messages. With `MSG_DONTWAIT` in `flags` it never waits: the call is made
   * at once (synchronously) and rejects with `EAGAIN` when nothing is there.
   */
  recvmsg(
    buffers: readonly Uint8Array[],
    ancbufsize: number,
    flags: number,
  ): Promise<ReceivedMessage>;
  /**
   * Resolves once the descriptor may be readable (or has failed): a wait
   * before a call with `MSG_DONTWAIT`, which consumes nothing. `signal`
   * withdraws the wait (it then rejects with the signal's reason), so that a
   * caller that gives up leaves nothing pending.
   */
  readable(signal?: AbortSignal): Promise<void>;
  /** Resolves once the descriptor may be writable; as `readable()`. */
  writable(signal?: AbortSignal): Promise<void>;
  /** A duplicate of the descriptor (close-on-exec). */
  dup(): number;
  /** Whether a child process inherits it (no `FD_CLOEXEC`); with `value`, sets it first. */
  inheritable(value?: boolean): boolean;
  /** Lets go of the descriptor without closing it (set blocking if asked); returns it. */
  release(blocking: boolean): number;
}

/**
 * What every transport the seam hands out has besides its own verbs:
 * whether a pending operation keeps the process alive (DESIGN §21), and
 * what `detach()` can hand out.
 */
export interface Refable {
  /** A pending read, accept or receive keeps the process alive (the default). */
  ref(): void;
  /** A pending read, accept or receive no longer keeps the process alive. */
  unref(): void;
  /** The socket's descriptor, where the backend has one (the FFI backend's). */
  readonly fd?: number;
  /** The descriptor's own calls, where the backend has one. */
  readonly descriptor?: Descriptor;
  /**
   * Whether, ref'd, it keeps the process alive with nothing pending (node's
   * handles; TLS, which reads its plain transport in the background): the
   * engines then hold it only while a caller awaits it.
   */
  readonly heldWhenIdle?: boolean;
}

/**
 * A connected byte stream. The Deno backend's is a thin wrapper around a
 * `Deno.Conn`: a blocking read or write is Deno's own op and one reaction.
 */
export interface StreamTransport extends Refable {
  /** Reads into `p`: resolves the count, or `null` at end of stream. Cannot be cancelled. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes some of `p` (at least one byte); resolves the count. */
  write(p: Uint8Array): Promise<number>;
  /**
   * `read(p)` as the runtime's own promise, its failure (thrown or
   * rejected) not mapped yet: for a caller whose failure handler passes it
   * through `mapError` — one promise fewer per read on the hot paths. A
   * transport has all three of `readRaw`, `writeRaw` and `mapError`, or none.
   */
  readRaw?(p: Uint8Array): Promise<number | null>;
  /** `write(p)` as the runtime's own promise, as `readRaw`. */
  writeRaw?(p: Uint8Array): Promise<number>;
  /** The package's error for a failure of `readRaw` or `writeRaw` (the mapping `read`/`write` apply). */
  mapError?(e: unknown): unknown;
  /**
   * Where the runtime pushes bytes in chunks of its own (node:net): the
   * next bytes, up to `max` (> 0), as an array of their own, `null` at end
   * of stream — a read waiting on an idle connection then holds no buffer.
   */
  readChunk?(max: number): Promise<Uint8Array<ArrayBuffer> | null>;
  /**
   * Where the runtime pushes bytes in chunks of its own: the next chunk as
   * it was pushed, not copied, `null` at end of stream — for a caller that
   * reads it at once and keeps it unchanged (a TLS engine over the
   * connection, which copies it into the engine's own memory).
   */
  borrowChunk?(): Promise<Uint8Array | null>;
  /** Half-closes: the peer reads end of stream (`SHUT_WR`). */
  closeWrite(): Promise<void>;
  /** Closes the connection; pending reads and writes fail. */
  close(): void;
  /** The local address. */
  readonly localAddr: Addr;
  /** The peer's address. */
  readonly remoteAddr: Addr;
  /** `TCP_NODELAY` (TCP only). */
  setNoDelay?(on?: boolean): void;
  /** `SO_KEEPALIVE` (TCP only), and `TCP_KEEPIDLE` in seconds where the backend can. */
  setKeepAlive?(on?: boolean, idleSeconds?: number): void;
  /** Closes with a reset (RST) rather than a FIN: `SO_LINGER` on with a zero linger. */
  reset?(): void;
  /**
   * The runtime's own handle, what `detach()` returns (a `Deno.Conn`);
   * `undefined` where the backend has none to give.
   */
  readonly handle?: unknown;
  /** The transport this one runs over (a TLS transport's plain connection), if any. */
  readonly plain?: StreamTransport;
}

/**
 * A local address to connect from (`bind()` before `connect()`): a host and
 * port, or an AF_UNIX name (only a descriptor takes one; a path that the
 * socket's own `bind()` held is taken over).
 */
export type LocalAddr =
  | { hostname: string; port: number }
  | { path: string; raw?: Uint8Array };

/** A listening socket. */
export interface ListenerTransport extends Refable {
  /**
   * The next connection. Connections reset before they could be accepted
   * are passed over (they are gone; the listener is fine). Cannot be cancelled.
   */
  accept(): Promise<StreamTransport>;
  /** Closes the listener; a pending accept fails. */
  close(): void;
  /** The bound address. */
  readonly addr: Addr;
  /** The runtime's own handle (what `detach()` returns). */
  readonly handle: unknown;
  /**
   * Starts listening, for a listener that is bound only (the FFI backend's
   * over a descriptor made before `bind()`: the kernel's `listen()` comes
   * with the socket's); others listen from the start and lack it, or ignore it.
   */
  start?(backlog: number): void;
  /**
   * Hands back the descriptor of a listener that is bound only, for
   * `connect()` to connect from its address (the listener is the caller's
   * no more); `null` once it listens.
   */
  takeBound?(): PacketTransport | null;
}

/** A bound datagram socket (UDP, or AF_UNIX `SOCK_DGRAM`). */
export interface DatagramTransport extends Refable {
  /** Sends one datagram; resolves the bytes sent. */
  send(p: Uint8Array, to: DatagramAddr): Promise<number>;
  /** Receives one datagram into `p` (cut to its length): the bytes and the sender. Cannot be cancelled. */
  receive(p: Uint8Array): Promise<[Uint8Array, Addr]>;
  /** Closes the socket; a pending receive fails. */
  close(): void;
  /**
   * The kernel's `connect()` (`null`: `AF_UNSPEC`, dissolving it), where the
   * backend has it: the peer is fixed and its ICMP errors come back.
   */
  connect?(to: DatagramAddr | null): void;
  /** The bound address. */
  readonly addr: Addr;
  /** Whether a send fails while a receive is pending on the handle (Deno's AF_UNIX datagram handles). */
  readonly exclusive: boolean;
  /** Joins a multicast group on an interface (IPv4: its address; IPv6: its index). */
  joinGroup(group: string, iface: string | number): Promise<void>;
  /** Leaves a group joined with `joinGroup()`. */
  leaveGroup(group: string, iface: string | number): Promise<void>;
  /** `IP_MULTICAST_TTL`. */
  setMulticastTTL(ttl: number): Promise<void>;
  /** `IP_MULTICAST_LOOP` / `IPV6_MULTICAST_LOOP`. */
  setMulticastLoopback(on: boolean): Promise<void>;
  /**
   * `SO_RCVBUF`/`SO_SNDBUF` (what is asked; the kernel doubles it) and
   * `IP_TTL`/`IPV6_UNICAST_HOPS`, where the backend has them (node:dgram).
   */
  setBufferSize?(which: "recv" | "send", bytes: number): void;
  /** The buffer size in force, as the kernel reports it (`undefined` while a bind is still under way). */
  getBufferSize?(which: "recv" | "send"): number | undefined;
  /** The unicast TTL (hop limit) of datagrams sent. */
  setTTL?(ttl: number): void;
  /** The runtime's own handle (what `detach()` returns). */
  readonly handle: unknown;
}

/**
 * A descriptor whose every call is the kernel's, one message each: an
 * AF_UNIX `SOCK_SEQPACKET` socket, a `SOCK_RAW` socket, one end of a
 * datagram `socketpair()` (the FFI backend's, DESIGN §20). Calls that would
 * wait throw `EAGAIN`: the socket waits for readiness and tries again.
 */
export interface PacketTransport extends Descriptor, Refable {
  readonly fd: number;
  /** Whether it was closed (or handed on). */
  readonly closed: boolean;
  /** The protocol, as the socket was made with. */
  readonly proto: number;
  /** The bound address (`getsockname()`). */
  localAddr(): Addr;
  /** The peer's address (`getpeername()`); throws `ENOTCONN`. */
  remoteAddr(): Addr;
  /** The kernel's `bind()`. */
  bind(to: Target): void;
  /** The kernel's `listen()`. */
  listen(backlog: number): void;
  /** One `accept()`, at once. */
  accept(): PacketTransport;
  /** One `connect()`, at once. */
  connect(to: Target): void;
  /** The kernel's `shutdown()`. */
  shutdown(how: number): void;
  /** Closes the descriptor; pending waits fail with `EBADF`. */
  close(): void;
  /** Whether a read (`"read"`) or a send (`"write"`) would not wait now (`poll()` with no timeout). */
  readyNow(want: "read" | "write"): boolean;
}

/** What `listen()` is given besides the address. */
export interface ListenOptions {
  /** The queue length of connections not yet accepted. */
  backlog: number;
  /** `SO_REUSEPORT`. */
  reusePort: boolean;
  /** `IPV6_V6ONLY`: an IPv6 listener that takes no IPv4 connection (node:net, FFI). */
  ipv6Only?: boolean;
  /**
   * The descriptor the socket already has, to bind (the FFI backend's, made
   * before `bind()`); left open, the socket's, if binding fails.
   */
  fresh?: PacketTransport;
}

/** What a datagram socket is created with besides the address. */
export interface DatagramOptions {
  /** `SO_REUSEADDR` (or `SO_REUSEPORT`). */
  reuseAddress: boolean;
  /** `IPV6_V6ONLY`: an IPv6 socket that takes no IPv4 datagram (node:dgram only). */
  ipv6Only?: boolean;
  /**
   * The descriptor the socket already has, to bind (the FFI backend's, made
   * before `bind()`); left open, the socket's, if binding fails.
   */
  fresh?: PacketTransport;
}

/** One way of reaching the network: makes the transports above. */
export interface Backend {
  /** What it can do, and its name (for the inspect string only). */
  readonly caps: Capabilities;
  /**
   * Connects to `target` (an IP literal and port, or a path); `signal`
   * abandons the attempt. `local`: the address to connect from (a backend
   * that cannot throws). `fresh`: the descriptor the socket already has
   * (the FFI backend's, made before `connect()`), to connect.
   */
  connect(
    target: Target,
    signal?: AbortSignal,
    local?: LocalAddr,
    fresh?: PacketTransport,
  ): Promise<StreamTransport>;
  /** Binds and listens on `target` at once. */
  listen(target: Target, options: ListenOptions): ListenerTransport;
  /** Binds a datagram socket to `target` (`path: ""`: an abstract address of the system's choosing). */
  listenDatagram(target: Target, options: DatagramOptions): DatagramTransport;
  /** The process's standard input, as bytes to read (what select's `stdin()` reads). */
  stdin(): { read(p: Uint8Array): Promise<number | null> };
}
