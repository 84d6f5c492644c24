// Copyright 2026 the pysocket authors. MIT license.
// The FFI backend of the transport seam (DESIGN §20): sockets as the C
// library makes them, each a real descriptor, for what neither Deno's API
// nor node:* can do — descriptors themselves (fileno, dup, adoption,
// SCM_RIGHTS), ancillary data, every kernel option, kernel UDP connect,
// SOCK_SEQPACKET. A descriptor stays O_NONBLOCK whatever the socket's
// timeout: each call is tried at once and, on EAGAIN, waits for readiness
// on the process's one poller (_ffi/poller.ts), so that the event loop is
// never blocked. This module is reached only by a synchronous lazy load
// (ffi_load.ts) when a socket first needs it; its evaluation is marked in
// `testing.ffiEvaluated` for the tests that check it is never evaluated
// otherwise.

import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IP_ADD_MEMBERSHIP,
  IP_DROP_MEMBERSHIP,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPV6_JOIN_GROUP,
  IPV6_LEAVE_GROUP,
  IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_LOOP,
  IPV6_UNICAST_HOPS,
  IPV6_V6ONLY,
  MSG_NOSIGNAL,
  SHUT_WR,
  SO_ACCEPTCONN,
  SO_DOMAIN,
  SO_ERROR,
  SO_KEEPALIVE,
  SO_LINGER,
  SO_PROTOCOL,
  SO_RCVBUF,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SO_SNDBUF,
  SO_TYPE,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  SOL_SOCKET,
  TCP_KEEPIDLE,
  TCP_NODELAY,
} from "../constants.ts";
import { errno as E, OSError } from "../errors.ts";
import { inet_pton, type Target } from "../address.ts";
import { closedError } from "../_common/runtime_errors.ts";
import { testing } from "../_common/testing.ts";
import { FFI } from "./capabilities.ts";
import { callError, type Libc, libc } from "./_ffi/libc.ts";
import { Poller, type Registration } from "./_ffi/poller.ts";
import { Sockaddr } from "./_ffi/sockaddr.ts";
import { AncillaryCodec } from "./_ffi/msghdr.ts";
import { deno } from "./deno.ts";
import { node } from "./node.ts";
import { ffiRuntime } from "./_ffi/native.ts";
import type {
  Addr,
  AncillaryItem,
  Backend,
  DatagramAddr,
  DatagramOptions,
  DatagramTransport,
  ListenerTransport,
  ListenOptions,
  LocalAddr,
  PacketTransport,
  ReceivedMessage,
  StreamTransport,
} from "./types.ts";

testing.ffiEvaluated = true;

const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const FD_CLOEXEC = 1;
const F_DUPFD_CLOEXEC = 1030;
const O_NONBLOCK = 0o4000;
const FLAGS = SOCK_NONBLOCK | SOCK_CLOEXEC;
const POLLIN = 0x001;
const POLLOUT = 0x004;

let opened: { lib: Libc; poller: Poller } | null = null;

/** The C library and the poller, made on first use. */
function system(): { lib: Libc; poller: Poller } {
  if (opened !== null) return opened;
  const lib = libc();
  opened = { lib, poller: new Poller(lib) };
  return opened;
}

/** The error of the last call, as the package's OSError subclass. */
function fail(lib: Libc, call: string): OSError {
  return callError(lib.errno(), call);
}

/**
 * One descriptor: its registration with the poller, its address room, and
 * the calls every kind of socket shares (options, names, close, hand-over).
 */
class Fd implements PacketTransport {
  readonly fd: number;
  readonly family: number;
  readonly type: number;
  readonly proto: number;
  readonly #lib: Libc;
  readonly #reg: Registration;
  /** Room for addresses read and written (getsockname, accept, recvfrom...). */
  readonly sa = new Sockaddr();
  readonly #optLen = new Uint32Array(1);
  #closed = false;

  constructor(fd: number, family: number, type: number, proto = 0) {
    const { lib, poller } = system();
    this.#lib = lib;
    this.fd = fd;
    this.family = family;
    this.type = type;
    this.proto = proto;
    this.#reg = poller.register(fd);
  }

  get lib(): Libc {
    return this.#lib;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Throws EBADF once closed (a descriptor number may be another socket's by then). */
  check(): void {
    if (this.#closed) throw closedError();
  }

  readable(signal?: AbortSignal): Promise<void> {
    return this.#reg.readable(signal);
  }

  writable(signal?: AbortSignal): Promise<void> {
    return this.#reg.writable(signal);
  }

  ref(): void {
    this.#reg.ref(true);
  }

  unref(): void {
    this.#reg.ref(false);
  }

  setsockopt(level: number, name: number, value: Uint8Array): void {
    this.check();
    if (this.#lib.c.setsockopt(this.fd, level, name, value, value.length) < 0) {
      throw fail(this.#lib, "setsockopt");
    }
  }

  getsockopt(level: number, name: number, size: number): Uint8Array<ArrayBuffer> {
    this.check();
    const out = new Uint8Array(Math.max(size, 1));
    this.#optLen[0] = out.length;
    if (this.#lib.c.getsockopt(this.fd, level, name, out, this.#optLen) < 0) {
      throw fail(this.#lib, "getsockopt");
    }
    return out.slice(0, Math.min(this.#optLen[0], size));
  }

  /** An integer option (a shorter value, such as a byte-sized IP option, read as it is). */
  getInt(level: number, name: number): number {
    const b = this.getsockopt(level, name, 4);
    return b.length < 4 ? (b[0] ?? 0) : new DataView(b.buffer).getInt32(0, true);
  }

  /** Sets an integer option. */
  setInt(level: number, name: number, value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, value, true);
    this.setsockopt(level, name, b);
  }

  localAddr(): Addr {
    this.check();
    if (this.#lib.c.getsockname(this.fd, this.sa.bytes, this.sa.reset().len) < 0) {
      throw fail(this.#lib, "getsockname");
    }
    return this.sa.read(this.type === SOCK_STREAM);
  }

  remoteAddr(): Addr {
    this.check();
    if (this.#lib.c.getpeername(this.fd, this.sa.bytes, this.sa.reset().len) < 0) {
      throw fail(this.#lib, "getpeername");
    }
    return this.sa.read(this.type === SOCK_STREAM);
  }

  dup(): number {
    this.check();
    const fd = this.#lib.c.fcntl(this.fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) throw fail(this.#lib, "dup");
    return fd;
  }

  inheritable(value?: boolean): boolean {
    this.check();
    const c = this.#lib.c;
    const fl = c.fcntl(this.fd, F_GETFD, 0);
    if (fl < 0) throw fail(this.#lib, "fcntl");
    if (value !== undefined) {
      const want = value ? fl & ~FD_CLOEXEC : fl | FD_CLOEXEC;
      if (want !== fl && c.fcntl(this.fd, F_SETFD, want) < 0) throw fail(this.#lib, "fcntl");
      return value;
    }
    return (fl & FD_CLOEXEC) === 0;
  }

  /** The kernel's `bind()`. */
  bind(target: Target | LocalAddr): void {
    this.check();
    bindTo(this, target);
  }

  /** The kernel's `listen()`. */
  listen(backlog: number): void {
    this.check();
    if (this.#lib.c.listen(this.fd, backlog) < 0) throw fail(this.#lib, "listen");
  }

  /** One `accept4()`, made at once: the new descriptor, or an `EAGAIN` OSError. */
  accept(): Fd {
    for (;;) {
      this.check();
      const fd = this.#lib.c.accept4(this.fd, null, null, FLAGS);
      if (fd >= 0) return new Fd(fd, this.family, this.type, this.proto);
      const e = this.#lib.errno();
      if (e !== E.EINTR && e !== E.ECONNABORTED) throw callError(e, "accept");
    }
  }

  /**
   * One `connect()`, made at once: `EAGAIN` (an AF_UNIX backlog that is
   * full) and `EINPROGRESS` come back as OSErrors, for the caller to wait.
   */
  connect(target: Target): void {
    for (;;) {
      this.check();
      const len = this.writeTarget(target);
      if (this.#lib.c.connect(this.fd, this.sa.bytes, len) === 0) return;
      const e = this.#lib.errno();
      if (e !== E.EINTR) throw callError(e, "connect");
    }
  }

  readyNow(want: "read" | "write"): boolean {
    this.check();
    const pfd = this.#pollfd;
    const v = new DataView(pfd.buffer);
    v.setInt32(0, this.fd, true);
    v.setInt16(4, want === "read" ? POLLIN : POLLOUT, true);
    v.setInt16(6, 0, true);
    if (this.#lib.c.poll(pfd, 1, 0) < 0) throw fail(this.#lib, "poll");
    return v.getInt16(6, true) !== 0;
  }

  readonly #pollfd = new Uint8Array(8);

  /** The kernel's `shutdown()`. */
  shutdown(how: number): void {
    this.check();
    if (this.#lib.c.shutdown(this.fd, how) < 0) throw fail(this.#lib, "shutdown");
  }

  /** Closes the descriptor; pending waits fail with EBADF. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reg.forget();
    this.#lib.c.close(this.fd);
  }

  release(blocking: boolean): number {
    this.check();
    this.#closed = true;
    this.#reg.forget();
    if (blocking) setBlocking(this.#lib, this.fd, true);
    return this.fd;
  }

  sendmsg(
    buffers: readonly Uint8Array[],
    ancdata: readonly AncillaryItem[],
    flags: number,
    to: Target | null,
  ): Promise<number> {
    return this.#messages().send(this, buffers, ancdata, flags, to);
  }

  recvmsg(
    buffers: readonly Uint8Array[],
    ancbufsize: number,
    flags: number,
  ): Promise<ReceivedMessage> {
    return this.#messages().receive(this, buffers, ancbufsize, flags);
  }

  readName(): Addr {
    return this.sa.read(this.type === SOCK_STREAM);
  }

  #codec: AncillaryCodec | null = null;

  #messages(): AncillaryCodec {
    return this.#codec ??= new AncillaryCodec(this.#lib);
  }

  /** Writes `target` into the address room; returns its length. */
  writeTarget(target: Target | LocalAddr): number {
    if ("path" in target) return this.sa.writeUnix(target.raw ?? target.path);
    return this.sa.writeIP(this.family, target.hostname, target.port);
  }
}

function setBlocking(lib: Libc, fd: number, blocking: boolean): void {
  const fl = lib.c.fcntl(fd, F_GETFL, 0);
  if (fl < 0) throw fail(lib, "fcntl");
  const want = blocking ? fl & ~O_NONBLOCK : fl | O_NONBLOCK;
  if (want !== fl && lib.c.fcntl(fd, F_SETFL, want) < 0) throw fail(lib, "fcntl");
}

/** A connected stream descriptor as the seam's stream transport. */
class FfiStream implements StreamTransport {
  readonly descriptor: Fd;
  readonly heldWhenIdle = false;
  /** The addresses, read once (as Deno's connections have them). */
  readonly localAddr: Addr;
  readonly remoteAddr: Addr;

  /** @throws {OSError} `ENOTCONN` when the connection is already gone (reset). */
  constructor(d: Fd) {
    this.descriptor = d;
    this.remoteAddr = d.remoteAddr();
    this.localAddr = d.localAddr();
  }

  get fd(): number {
    return this.descriptor.fd;
  }

  async read(p: Uint8Array): Promise<number | null> {
    const d = this.descriptor;
    const c = d.lib.c;
    for (;;) {
      d.check();
      const n = c.recv(d.fd, p, p.length, 0);
      if (n > 0) return n;
      if (n === 0) return p.length === 0 ? 0 : null;
      const e = d.lib.errno();
      if (e === E.EAGAIN) await d.readable();
      else if (e !== E.EINTR) throw callError(e, "recv");
    }
  }

  async write(p: Uint8Array): Promise<number> {
    const d = this.descriptor;
    const c = d.lib.c;
    for (;;) {
      d.check();
      const n = c.send(d.fd, p, p.length, MSG_NOSIGNAL);
      if (n >= 0) return n;
      const e = d.lib.errno();
      if (e === E.EAGAIN) await d.writable();
      else if (e !== E.EINTR) throw callError(e, "send");
    }
  }

  closeWrite(): Promise<void> {
    const d = this.descriptor;
    try {
      d.check();
      if (d.lib.c.shutdown(d.fd, SHUT_WR) < 0) throw fail(d.lib, "shutdown");
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  close(): void {
    this.descriptor.close();
  }

  reset(): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setInt32(0, 1, true); // l_onoff 1, l_linger 0
    this.descriptor.setsockopt(SOL_SOCKET, SO_LINGER, b);
    this.descriptor.close();
  }

  setNoDelay(on = true): void {
    this.descriptor.setInt(IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
  }

  setKeepAlive(on = true, idleSeconds?: number): void {
    this.descriptor.setInt(SOL_SOCKET, SO_KEEPALIVE, on ? 1 : 0);
    if (on && idleSeconds !== undefined && idleSeconds > 0) {
      this.descriptor.setInt(IPPROTO_TCP, TCP_KEEPIDLE, Math.floor(idleSeconds));
    }
  }

  ref(): void {
    this.descriptor.ref();
  }

  unref(): void {
    this.descriptor.unref();
  }
}

/** A listening descriptor as the seam's listener. */
class FfiListener implements ListenerTransport {
  readonly descriptor: Fd;
  readonly heldWhenIdle = false;
  /** Bound only: the kernel's listen() waits for the socket's (a descriptor made before bind()). */
  #bound: boolean;

  constructor(d: Fd, boundOnly = false) {
    this.descriptor = d;
    this.#bound = boundOnly;
  }

  start(backlog: number): void {
    if (!this.#bound) return;
    this.descriptor.listen(backlog);
    this.#bound = false;
  }

  takeBound(): PacketTransport | null {
    if (!this.#bound || this.descriptor.closed) return null;
    this.#bound = false;
    return this.descriptor;
  }

  get fd(): number {
    return this.descriptor.fd;
  }

  get handle(): undefined {
    return undefined;
  }

  get addr(): Addr {
    return this.descriptor.localAddr();
  }

  async accept(): Promise<StreamTransport> {
    const d = this.descriptor;
    const c = d.lib.c;
    for (;;) {
      d.check();
      const fd = c.accept4(d.fd, null, null, FLAGS);
      if (fd >= 0) {
        const conn = new Fd(fd, d.family, SOCK_STREAM);
        try {
          return new FfiStream(conn);
        } catch {
          conn.close(); // reset before it was accepted: gone, pass it over
          continue;
        }
      }
      const e = d.lib.errno();
      if (e === E.EAGAIN) await d.readable();
      else if (e !== E.EINTR && e !== E.ECONNABORTED) throw callError(e, "accept");
    }
  }

  close(): void {
    this.descriptor.close();
  }

  ref(): void {
    this.descriptor.ref();
  }

  unref(): void {
    this.descriptor.unref();
  }
}

/** A datagram descriptor (UDP, AF_UNIX SOCK_DGRAM) as the seam's datagram transport. */
class FfiDatagram implements DatagramTransport {
  readonly descriptor: Fd;
  readonly exclusive = false;
  readonly heldWhenIdle = false;
  /** The room the destination of `send()` is written into, and whom it holds. */
  readonly #to = new Sockaddr();
  #toKey: DatagramAddr | null = null;
  #toLen = 0;

  constructor(d: Fd) {
    this.descriptor = d;
  }

  get fd(): number {
    return this.descriptor.fd;
  }

  get handle(): undefined {
    return undefined;
  }

  get addr(): Addr {
    return this.descriptor.localAddr();
  }

  async send(p: Uint8Array, to: DatagramAddr): Promise<number> {
    const d = this.descriptor;
    const c = d.lib.c;
    if (to !== this.#toKey) {
      this.#toLen = "path" in to
        ? this.#to.writeUnix(to.raw ?? to.path)
        : this.#to.writeIP(d.family, to.hostname, to.port);
      this.#toKey = to;
    }
    for (;;) {
      d.check();
      const n = c.sendto(d.fd, p, p.length, MSG_NOSIGNAL, this.#to.bytes, this.#toLen);
      if (n >= 0) return n;
      const e = d.lib.errno();
      if (e === E.EAGAIN) await d.writable();
      else if (e !== E.EINTR) throw callError(e, "sendto");
    }
  }

  async receive(p: Uint8Array): Promise<[Uint8Array, Addr]> {
    const d = this.descriptor;
    const c = d.lib.c;
    const sa = d.sa;
    for (;;) {
      d.check();
      const n = c.recvfrom(d.fd, p, p.length, 0, sa.bytes, sa.reset().len);
      if (n >= 0) return [p.subarray(0, n), sa.read(false)];
      const e = d.lib.errno();
      if (e === E.EAGAIN) await d.readable();
      else if (e !== E.EINTR) throw callError(e, "recvfrom");
    }
  }

  /** Kernel `connect()`: the peer is fixed and its ICMP errors come back (ECONNREFUSED). */
  connect(to: DatagramAddr | null): void {
    const d = this.descriptor;
    d.check();
    let len: number;
    if (to === null) {
      d.sa.bytes.fill(0, 0, 16); // AF_UNSPEC: dissolves the association
      len = 16;
    } else {
      len = "path" in to
        ? d.sa.writeUnix(to.raw ?? to.path)
        : d.sa.writeIP(d.family, to.hostname, to.port);
    }
    if (d.lib.c.connect(d.fd, d.sa.bytes, len) < 0) throw fail(d.lib, "connect");
  }

  close(): void {
    this.descriptor.close();
  }

  ref(): void {
    this.descriptor.ref();
  }

  unref(): void {
    this.descriptor.unref();
  }

  joinGroup(group: string, iface: string | number): Promise<void> {
    return this.#membership(true, group, iface);
  }

  leaveGroup(group: string, iface: string | number): Promise<void> {
    return this.#membership(false, group, iface);
  }

  #membership(join: boolean, group: string, iface: string | number): Promise<void> {
    try {
      const d = this.descriptor;
      if (typeof iface === "number") {
        const b = new Uint8Array(20);
        b.set(inet_pton(AF_INET6, group));
        new DataView(b.buffer).setUint32(16, iface, true);
        d.setsockopt(IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, b);
      } else {
        const b = new Uint8Array(8);
        b.set(inet_pton(AF_INET, group));
        b.set(inet_pton(AF_INET, iface), 4);
        d.setsockopt(IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, b);
      }
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  setMulticastTTL(ttl: number): Promise<void> {
    return this.#option(IPPROTO_IP, IP_MULTICAST_TTL, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl);
  }

  setMulticastLoopback(on: boolean): Promise<void> {
    return this.#option(
      IPPROTO_IP,
      IP_MULTICAST_LOOP,
      IPPROTO_IPV6,
      IPV6_MULTICAST_LOOP,
      on ? 1 : 0,
    );
  }

  #option(l4: number, n4: number, l6: number, n6: number, value: number): Promise<void> {
    try {
      const v6 = this.descriptor.family === AF_INET6;
      this.descriptor.setInt(v6 ? l6 : l4, v6 ? n6 : n4, value);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  setBufferSize(which: "recv" | "send", bytes: number): void {
    this.descriptor.setInt(SOL_SOCKET, which === "recv" ? SO_RCVBUF : SO_SNDBUF, bytes);
  }

  getBufferSize(which: "recv" | "send"): number {
    return this.descriptor.getInt(SOL_SOCKET, which === "recv" ? SO_RCVBUF : SO_SNDBUF);
  }

  setTTL(ttl: number): void {
    const v6 = this.descriptor.family === AF_INET6;
    this.descriptor.setInt(v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL, ttl);
  }
}

/** A new non-blocking descriptor of `family` and `type`. */
function open(family: number, type: number, proto = 0): Fd {
  const { lib } = system();
  const fd = lib.c.socket(family, type | FLAGS, proto);
  if (fd < 0) throw fail(lib, "socket");
  try {
    return new Fd(fd, family, type, proto);
  } catch (e) {
    lib.c.close(fd);
    throw e;
  }
}

/** The family of a target. */
function familyOf(target: Target | LocalAddr): number {
  if ("path" in target) return AF_UNIX;
  return target.hostname.includes(":") ? AF_INET6 : AF_INET;
}

/** Whether `target` is the wildcard address with port 0, or an empty AF_UNIX name (autobind). */
function anyName(target: Target): boolean {
  if (target.transport === "unix") return target.path === "" && target.raw === undefined;
  return target.port === 0 && (target.hostname === "0.0.0.0" || target.hostname === "::");
}

/** Whether `d` has a name (bound, by a call or by the kernel). */
function named(d: Fd): boolean {
  const a = d.localAddr();
  return "port" in a ? a.port !== 0 : a.path !== "";
}

/** Binds `d` to `target`. */
function bindTo(d: Fd, target: Target | LocalAddr): void {
  const len = d.writeTarget(target);
  if (d.lib.c.bind(d.fd, d.sa.bytes, len) < 0) throw fail(d.lib, "bind");
}

/**
 * Frees an AF_UNIX path that the socket's own `bind()` held (its listener
 * is closed; the file stays until removed), so that `d` can bind it again.
 * An abstract name has no file.
 */
function takeOver(d: Fd, local: { path: string; raw?: Uint8Array }): void {
  const name = local.raw ?? new TextEncoder().encode(local.path);
  if (name.length === 0 || name[0] === 0) return;
  const z = new Uint8Array(name.length + 1);
  z.set(name);
  d.lib.c.unlink(z); // gone already: bind() says what is wrong, if anything
}

/** Connects `d` to `target`, waiting for the handshake; `signal` abandons it. */
async function connectTo(d: Fd, target: Target, signal?: AbortSignal): Promise<void> {
  for (let attempt = 0;; attempt++) {
    // Written for each attempt: the address room is shared with getsockname() and the like.
    const len = d.writeTarget(target);
    if (d.lib.c.connect(d.fd, d.sa.bytes, len) === 0) return;
    const e = d.lib.errno();
    if (e === E.EINTR) continue;
    // AF_UNIX: EAGAIN is a full backlog (try again when writable); TCP: in progress.
    if (e !== E.EINPROGRESS && !(e === E.EAGAIN && target.transport === "unix" && attempt < 100)) {
      throw callError(e, "connect");
    }
    const abort = () => d.close();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      await d.writable();
    } catch (err) {
      throw signal?.aborted ? signal.reason : err;
    } finally {
      signal?.removeEventListener("abort", abort);
    }
    if (e === E.EINPROGRESS) {
      const err = d.getInt(SOL_SOCKET, SO_ERROR);
      if (err !== 0) throw callError(err, "connect");
      return;
    }
  }
}

/** The FFI backend. */
export const ffi: Backend = {
  caps: FFI,

  async connect(
    target: Target,
    signal?: AbortSignal,
    local?: LocalAddr,
    fresh?: PacketTransport,
  ): Promise<StreamTransport> {
    const d = fresh instanceof Fd ? fresh : open(familyOf(target), SOCK_STREAM);
    try {
      if (local && "path" in local) takeOver(d, local);
      if (local) bindTo(d, local);
      await connectTo(d, target, signal);
      return new FfiStream(d);
    } catch (e) {
      d.close();
      throw e;
    }
  },

  listen(
    target: Target,
    { reusePort, ipv6Only, fresh }: ListenOptions,
  ): ListenerTransport {
    const d = fresh instanceof Fd ? fresh : open(familyOf(target), SOCK_STREAM);
    const family = d.family;
    try {
      if (family !== AF_UNIX) d.setInt(SOL_SOCKET, SO_REUSEADDR, 1);
      if (reusePort) d.setInt(SOL_SOCKET, SO_REUSEPORT, 1);
      if (family === AF_INET6 && ipv6Only !== undefined) {
        d.setInt(IPPROTO_IPV6, IPV6_V6ONLY, ipv6Only ? 1 : 0);
      }
      bindTo(d, target);
      // Bound only: the kernel's listen() comes with the socket's, with its
      // backlog, as Python's (until then a connection to it is refused).
      return new FfiListener(d, true);
    } catch (e) {
      if (d !== fresh) d.close(); // the socket's own stays the socket's (as a failed bind leaves it)
      throw e;
    }
  },

  listenDatagram(
    target: Target,
    { reuseAddress, ipv6Only, fresh }: DatagramOptions,
  ): DatagramTransport {
    const d = fresh instanceof Fd ? fresh : open(familyOf(target), SOCK_DGRAM);
    const family = d.family;
    try {
      if (reuseAddress) d.setInt(SOL_SOCKET, SO_REUSEADDR, 1);
      if (family === AF_INET6 && ipv6Only !== undefined) {
        d.setInt(IPPROTO_IPV6, IPV6_V6ONLY, ipv6Only ? 1 : 0);
      }
      // A descriptor the kernel bound already (its first sendmsg) keeps the
      // name it chose when the wildcard is asked for: what the kernel does.
      if (!(d === fresh && anyName(target) && named(d))) bindTo(d, target);
      return new FfiDatagram(d);
    } catch (e) {
      if (d !== fresh) d.close(); // the socket's own stays the socket's (as a failed bind leaves it)
      throw e;
    }
  },

  stdin(): { read(p: Uint8Array): Promise<number | null> } {
    return (ffiRuntime() === "deno" ? deno : node).stdin();
  },
};

/**
 * A new descriptor, not bound, not connected: a packet socket's
 * (`SOCK_SEQPACKET`, `SOCK_RAW`), or one made before a stream or datagram
 * socket binds or connects (a process with descriptors everywhere: the
 * backend's `listen`/`connect`/`listenDatagram` then take it as `fresh`).
 *
 * @throws {OSError} the kernel's error (`EPERM` for a raw socket without
 *   `CAP_NET_RAW`, `ESOCKTNOSUPPORT`...).
 */
export function openDescriptor(family: number, type: number, proto: number): PacketTransport {
  return open(family, type, proto);
}

/**
 * A connected pair of descriptors (`socketpair()`), each non-blocking and
 * close-on-exec.
 *
 * @throws {OSError} the kernel's error (`EOPNOTSUPP` for a family without pairs).
 */
export function packetPair(
  family: number,
  type: number,
  proto: number,
): [PacketTransport, PacketTransport] {
  const { lib } = system();
  const fds = new Int32Array(2);
  if (lib.c.socketpair(family, type | FLAGS, proto, fds) < 0) throw fail(lib, "socketpair");
  const a = new Fd(fds[0], family, type, proto);
  return [a, new Fd(fds[1], family, type, proto)];
}

/** What a descriptor handed in (`socket(fileno=…)`, `fromfd`) is: read from the kernel. */
export interface Adopted {
  family: number;
  type: number;
  proto: number;
  /**
   * The transport, by what the descriptor is doing: a stream socket
   * listening, connected, bound only (it listens or connects from its name
   * when asked), or fresh (neither bound nor connected); a datagram socket;
   * a packet socket.
   */
  transport:
    | { kind: "listener"; t: ListenerTransport }
    | { kind: "stream"; t: StreamTransport }
    | { kind: "bound"; t: ListenerTransport }
    | { kind: "fresh"; t: PacketTransport }
    | { kind: "datagram"; t: DatagramTransport }
    | { kind: "packet"; t: PacketTransport };
}

/**
 * Adopts descriptor `fd`, reading its family, type and protocol from the
 * kernel: it is made non-blocking and the transport owns it from now on.
 * On failure the descriptor is left as it was, open, the caller's.
 *
 * @throws {OSError} `ENOTSOCK` for a descriptor that is not a socket;
 *   `EBADF` for none; `EOPNOTSUPP` for a type the backend has no transport for.
 */
export function adopt(fd: number): Adopted {
  const { lib } = system();
  const probe = new Uint8Array(4);
  const len = new Uint32Array(1);
  const int = (name: number): number => {
    len[0] = 4;
    if (lib.c.getsockopt(fd, SOL_SOCKET, name, probe, len) < 0) throw fail(lib, "getsockopt");
    return new DataView(probe.buffer).getInt32(0, true);
  };
  const family = int(SO_DOMAIN);
  const type = int(SO_TYPE);
  const proto = int(SO_PROTOCOL);
  const listening = type === SOCK_STREAM && int(SO_ACCEPTCONN) !== 0;
  const sa = new Sockaddr();
  const connected = type === SOCK_STREAM && !listening &&
    lib.c.getpeername(fd, sa.bytes, sa.reset().len) === 0;
  const refuse = (what: string) =>
    new OSError(E.EOPNOTSUPP, undefined, {
      detail: `Cannot adopt descriptor ${fd}: ${what}`,
    });
  // A datagram socket connected to an unnamed peer (a socketpair's end)
  // sends only to it: a packet socket's send, which names no address.
  const packet = type === SOCK_SEQPACKET || type === SOCK_RAW ||
    (type === SOCK_DGRAM && family === AF_UNIX &&
      lib.c.getpeername(fd, sa.bytes, sa.reset().len) === 0 && sa.len[0] <= 2);
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && !packet) {
    throw refuse(`socket type ${type} is not handled yet`);
  }
  setBlocking(lib, fd, false);
  const d = new Fd(fd, family, type, proto);
  if (packet) return { family, type, proto, transport: { kind: "packet", t: d } };
  if (type === SOCK_STREAM && !listening && !connected) {
    // Neither: a socket made and maybe bound, to be listened on or connected later.
    const named = lib.c.getsockname(fd, sa.bytes, sa.reset().len) === 0 && hasName(sa, family);
    const transport = named
      ? { kind: "bound" as const, t: new FfiListener(d, true) }
      : { kind: "fresh" as const, t: d };
    return { family, type, proto, transport };
  }
  if (type === SOCK_DGRAM) {
    return { family, type, proto, transport: { kind: "datagram", t: new FfiDatagram(d) } };
  }
  if (listening) {
    return { family, type, proto, transport: { kind: "listener", t: new FfiListener(d) } };
  }
  try {
    return { family, type, proto, transport: { kind: "stream", t: new FfiStream(d) } };
  } catch (e) {
    d.release(false); // gone between the check and now: the caller's still
    throw e;
  }
}

/** Whether the address `getsockname()` wrote names something: a port, or an AF_UNIX name. */
function hasName(sa: Sockaddr, family: number): boolean {
  if (family === AF_UNIX) return sa.len[0] > 2; // sun_family alone: unnamed
  return ((sa.bytes[2] << 8) | sa.bytes[3]) !== 0; // sin_port / sin6_port
}

/** Duplicates `fd` (close-on-exec, as Python's `os.dup`); returns the new descriptor. */
export function dupFd(fd: number): number {
  const { lib } = system();
  const n = lib.c.fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (n < 0) throw fail(lib, "dup");
  return n;
}

/** Closes a bare descriptor number (Python's `socket.close(fd)`). */
export function closeFd(fd: number): void {
  const { lib } = system();
  if (lib.c.close(fd) < 0) throw fail(lib, "close");
}
