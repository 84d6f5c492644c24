// Copyright 2026 the pysocket authors. MIT license.
// The node backend of the transport seam: node:net and node:dgram. In Deno,
// for what Deno.* cannot do — connecting from a bound local address (bind()
// before connect(), create_connection's source_address), a reset close, a
// keepalive idle time; UDP without --unstable-net. On Node and Bun, for
// everything (pick.ts). Listeners in Deno stay on Deno.*: Deno's node:net
// binds a listener only after listen() returns, where Python's bind() has
// bound when it returns (getsockname() answers at once, EADDRINUSE is raised
// by bind()); Node's and Bun's bind at once (listenNow). node:dgram binds at
// once when its address lookup answers at once, which ours does (addresses
// here are IP literals).

import type * as dgram from "node:dgram";
import type * as net from "node:net";
import type { Target } from "../address.ts";
import { errno, OSError, oserror } from "../errors.ts";
import { closedError, fromRuntimeError } from "../_common/runtime_errors.ts";
import { nodeBuiltin, nodeProcess } from "../_common/node_builtins.ts";
import { Hold } from "../_common/deadline.ts";
import { NODE } from "./capabilities.ts";
import { Inbox } from "./inbox.ts";
import type {
  Addr,
  Backend,
  DatagramAddr,
  DatagramOptions,
  DatagramTransport,
  ListenerTransport,
  ListenOptions,
  LocalAddr,
  StreamTransport,
} from "./types.ts";

/** An address as the seam reports addresses: a TCP one, or a Unix path where `port` is -1. */
function addrOf(host: string, port: number): Addr {
  return port < 0 ? { transport: "unix", path: host } : { transport: "tcp", hostname: host, port };
}

/**
 * Whether a node:net write that leaves nothing buffered has handed every
 * byte to the kernel: Node's and Bun's do (they write at once when they
 * can, and count what they hold in `writableLength`). Deno's node:net
 * writes on a later turn, so there a write waits for its callback.
 */
const WRITTEN_AT_ONCE = typeof (globalThis as { Deno?: unknown }).Deno === "undefined";

/** A connected node:net socket as the seam's stream transport. */
class NodeStream implements StreamTransport {
  /** A ref'd node handle keeps the process alive even idle. */
  readonly heldWhenIdle = true;
  readonly #sock: net.Socket;
  readonly #inbox: Inbox;
  // The two ends' addresses, read once (node:net forgets them when the
  // socket closes) and kept as they came: host or path, port (-1: a path).
  readonly #local: string;
  readonly #localPort: number;
  readonly #remote: string;
  readonly #remotePort: number;

  /** `unix`: an AF_UNIX connection's two paths (a client's own end is unnamed: `""`). */
  constructor(sock: net.Socket, unix?: { local: string; remote: string }) {
    this.#sock = sock;
    this.#inbox = new Inbox(sock, fromRuntimeError);
    this.#local = unix ? unix.local : sock.localAddress ?? "";
    this.#localPort = unix ? -1 : sock.localPort ?? 0;
    this.#remote = unix ? unix.remote : sock.remoteAddress ?? "";
    this.#remotePort = unix ? -1 : sock.remotePort ?? 0;
  }

  get localAddr(): Addr {
    return addrOf(this.#local, this.#localPort);
  }

  get remoteAddr(): Addr {
    return addrOf(this.#remote, this.#remotePort);
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#inbox.read(p);
  }

  readChunk(max: number): Promise<Uint8Array<ArrayBuffer> | null> {
    return this.#inbox.readChunk(max);
  }

  borrowChunk(): Promise<Uint8Array | null> {
    return this.#inbox.borrowChunk();
  }

  write(p: Uint8Array): Promise<number> {
    const error = this.#inbox.error;
    if (error !== null) return Promise.reject(error);
    if (this.#sock.destroyed || this.#sock.writableEnded) {
      return Promise.reject(oserror(errno.EPIPE));
    }
    // The callback runs once node:net has written the bytes: the caller's
    // buffer is free again then, so it is not copied. A write close() cut
    // short fails as the reads do (EBADF).
    const sock = this.#sock;
    let settle: ((e?: Error | null) => void) | null = null;
    sock.write(p, (e) => settle?.(e));
    // Node's write() hands the bytes to the kernel at once when it can, and
    // then holds nothing (`writableLength` 0): the call is done. A write
    // that failed at once destroyed the socket: its callback says why.
    if (WRITTEN_AT_ONCE && sock.writableLength === 0 && !sock.destroyed) {
      return Promise.resolve(p.length);
    }
    return new Promise<number>((resolve, reject) => {
      settle = (e) => e ? reject(this.#inbox.error ?? fromRuntimeError(e)) : resolve(p.length);
    });
  }

  closeWrite(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const sock = this.#sock;
      if (sock.destroyed) return reject(oserror(errno.ENOTCONN));
      sock.end(() => resolve());
    });
  }

  ref(): void {
    this.#sock.ref();
  }

  unref(): void {
    this.#sock.unref();
  }

  close(): void {
    // A read pending now, and every call after, fails with EBADF, as Python's.
    this.#inbox.close();
    this.#sock.destroy();
  }

  reset(): void {
    this.#inbox.close();
    this.#sock.resetAndDestroy();
  }

  setNoDelay(on?: boolean): void {
    this.#sock.setNoDelay(on);
  }

  setKeepAlive(on?: boolean, idleSeconds?: number): void {
    this.#sock.setKeepAlive(on, idleSeconds === undefined ? 0 : idleSeconds * 1000);
  }
}

/**
 * Makes `server` listen before this returns, or throws the error that kept
 * it from listening (EADDRINUSE…). node:net binds inside
 * `listen()` once its address lookup has answered, and reports a failure on
 * the next tick: for an IP literal the lookup answers at once here, and the
 * failure is taken from the tick it was queued for.
 */
function listenNow(server: net.Server, options: net.ListenOptions): void {
  let failure: unknown = null;
  const process = nodeProcess();
  const dns = nodeBuiltin("node:dns");
  const { nextTick } = process;
  const { lookup } = dns;
  process.nextTick = ((fn: (...a: unknown[]) => void, ...args: unknown[]) => {
    if (args[0] === server && args[1] instanceof Error) failure ??= args[1];
    else nextTick(fn, ...args);
  }) as typeof nextTick;
  dns.lookup = literal as unknown as typeof dns.lookup;
  try {
    server.listen(options);
  } finally {
    process.nextTick = nextTick;
    dns.lookup = lookup;
  }
  if (failure !== null) throw failure;
  if (server.address() === null) {
    server.close();
    throw new OSError(errno.EOPNOTSUPP, undefined, {
      detail: "Cannot listen: this runtime's node:net does not bind before listen() returns",
    });
  }
}

/** Connections accepted by node:net and not yet taken by `accept()`. */
class NodeListener implements ListenerTransport {
  /** A ref'd node handle keeps the process alive even idle. */
  readonly heldWhenIdle = true;
  readonly handle: net.Server;
  readonly addr: Addr;
  #queue: net.Socket[] = [];
  #head = 0;
  #waiter: { resolve: (t: StreamTransport) => void; reject: (e: unknown) => void } | null = null;
  #failed: unknown = null;
  #closed = false;

  /** Listens on `target` before it returns; throws node's error (EADDRINUSE…) when it cannot. */
  constructor(target: Target, { backlog, reusePort, ipv6Only }: ListenOptions) {
    // allowHalfOpen: a peer's FIN ends reading only (Python's half-close);
    // pauseOnConnect: no byte is read before accept() hands the connection out.
    const server = this.handle = nodeBuiltin("node:net").createServer({
      allowHalfOpen: true,
      pauseOnConnect: true,
    });
    listenNow(
      server,
      target.transport === "unix" ? { path: target.path, backlog } : {
        host: target.hostname,
        port: target.port,
        backlog,
        ipv6Only: ipv6Only === true,
        ...(reusePort ? { reusePort } : {}),
      },
    );
    const bound = server.address()!;
    this.addr = typeof bound === "string"
      ? { transport: "unix", path: bound }
      : { transport: "tcp", hostname: bound.address, port: bound.port };
    server.on("connection", (sock: net.Socket) => {
      const w = this.#waiter;
      if (w === null) return void this.#queue.push(sock);
      this.#waiter = null;
      w.resolve(this.#stream(sock));
    });
    // An accept that failed (EMFILE…): the accept() under way, or the next, raises it once.
    server.on("error", (error) => {
      const e = fromRuntimeError(error);
      const w = this.#waiter;
      this.#waiter = null;
      if (w) w.reject(e);
      else this.#failed = e;
    });
  }

  accept(): Promise<StreamTransport> {
    if (this.#head < this.#queue.length) {
      const sock = this.#queue[this.#head];
      this.#queue[this.#head++] = undefined as unknown as net.Socket;
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      }
      return Promise.resolve(this.#stream(sock));
    }
    if (this.#closed) return Promise.reject(closedError());
    const failed = this.#failed;
    if (failed !== null) {
      this.#failed = null;
      return Promise.reject(failed);
    }
    return new Promise((resolve, reject) => this.#waiter = { resolve, reject });
  }

  ref(): void {
    this.handle.ref();
  }

  unref(): void {
    this.handle.unref();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.handle.close();
    // Connections queued and never accepted go with the listener, as the kernel's backlog does.
    for (let i = this.#head; i < this.#queue.length; i++) this.#queue[i].destroy();
    this.#queue.length = 0;
    this.#head = 0;
    const w = this.#waiter;
    this.#waiter = null;
    w?.reject(closedError());
  }

  #stream(sock: net.Socket): StreamTransport {
    const path = this.addr.transport === "unix" ? this.addr.path : undefined;
    const stream = new NodeStream(
      sock,
      path === undefined ? undefined : { local: path, remote: "" },
    );
    sock.resume();
    return stream;
  }
}

/**
 * An address lookup for IP literals that answers at once, so that binding
 * happens before the call returns: node:dgram's `lookup` option, and
 * node:net's during `listenNow()`.
 */
function literal(
  host: string,
  options: unknown,
  callback?: (e: Error | null, address: unknown, family?: number) => void,
): void {
  const cb = (typeof options === "function" ? options : callback)!;
  const family = host.includes(":") ? 6 : 4;
  if ((options as { all?: boolean } | null)?.all) cb(null, [{ address: host, family }]);
  else cb(null, host, family);
}

/** A datagram received and not yet read. */
type Received = [Uint8Array, Addr];

/**
 * Deno's node:dgram unrefs only the receives it starts after `unref()`, not
 * the one under way, and starts the first at bind: there a socket is
 * unref'd before it binds, and held, while held, by a timer that never fires.
 */
const UNREF_AT_START = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/** A bound node:dgram socket as the seam's datagram transport. */
class NodeDatagram implements DatagramTransport {
  /** A ref'd node handle keeps the process alive even idle. */
  readonly heldWhenIdle = true;
  readonly handle: dgram.Socket;
  readonly exclusive = false;
  #addr: { transport: "udp"; hostname: string; port: number };
  /** Settles when the bind does, where it ends after the constructor returns (Bun). */
  #bound: Promise<void> | null = null;
  /** Datagrams not yet read (up to the receive buffer's size in bytes: beyond it they are dropped, as the kernel would). */
  #queue: Received[] = [];
  #head = 0;
  #queued = 0;
  #limit: number;
  #waiter: { p: Uint8Array; resolve: (r: Received) => void; reject: (e: unknown) => void } | null =
    null;
  #error: unknown = null;
  /** Where the socket is unref'd from the start (`UNREF_AT_START`): what holds the process while held. */
  #hold: Hold | null = null;

  /**
   * Binds to `target` before it returns; throws node's error (EADDRINUSE…)
   * when it cannot. Where node:dgram binds only a moment later (Bun's), the
   * first send or receive waits for the bind and reports its error.
   */
  constructor(
    target: { hostname: string; port: number },
    { reuseAddress, ipv6Only }: DatagramOptions,
  ) {
    const sock = this.handle = nodeBuiltin("node:dgram").createSocket({
      type: target.hostname.includes(":") ? "udp6" : "udp4",
      reuseAddr: reuseAddress,
      ipv6Only: ipv6Only === true,
      lookup: literal as unknown as dgram.SocketOptions["lookup"],
    });
    if (UNREF_AT_START) {
      sock.unref();
      this.ref();
    }
    let failed: unknown = null;
    let bound = false;
    const early = (e: unknown) => failed = e;
    const listening = () => bound = true;
    sock.once("error", early);
    sock.once("listening", listening);
    // exclusive: Bun's node:dgram shares the port (SO_REUSEPORT) unless told not to.
    sock.bind({ address: target.hostname, port: target.port, exclusive: !reuseAddress });
    sock.off("error", early);
    if (failed !== null) {
      this.#hold?.close();
      sock.close();
      throw fromRuntimeError(failed);
    }
    this.#addr = { transport: "udp", hostname: target.hostname, port: target.port };
    this.#limit = 0;
    if (bound || isBound(sock)) {
      sock.off("listening", listening);
      this.#ready();
    } else {
      this.#bound = new Promise<void>((resolve, reject) => {
        sock.off("listening", listening);
        sock.once("listening", () => {
          sock.off("error", failed);
          this.#bound = null;
          this.#ready();
          resolve();
        });
        const failed = (e: unknown) => reject(fromRuntimeError(e));
        sock.once("error", failed);
      });
      this.#bound.catch((e) => this.#error ??= e);
    }
    sock.on("message", (msg: Uint8Array, rinfo: dgram.RemoteInfo) => {
      const from: Addr = { transport: "udp", hostname: rinfo.address, port: rinfo.port };
      const w = this.#waiter;
      if (w !== null) {
        this.#waiter = null;
        return w.resolve(deliver(w.p, msg, from));
      }
      if (this.#queued + msg.length > this.#limit) return; // a full receive buffer drops it
      this.#queue.push([msg, from]);
      this.#queued += msg.length;
    });
    sock.on("error", (error) => {
      const e = fromRuntimeError(error);
      this.#error ??= e;
      const w = this.#waiter;
      this.#waiter = null;
      w?.reject(e);
    });
    sock.on("close", () => {
      const w = this.#waiter;
      this.#waiter = null;
      w?.reject(closedError());
    });
  }

  /** The bound address. Before a bind that ends later has ended, the one asked for (not port 0). */
  get addr(): Addr {
    if (this.#bound !== null && this.#addr.port === 0) {
      throw oserror(
        errno.EAGAIN,
        "Cannot getsockname: this runtime's node:dgram binds after bind() returns; " +
          "the port is known after the next await",
      );
    }
    return this.#addr;
  }

  /** What a bound socket is set to: broadcast on, as Deno's; the receive buffer's limit. */
  #ready(): void {
    const sock = this.handle;
    sock.setBroadcast(true); // as Deno's datagram sockets (SO_BROADCAST is always on)
    const { address, port } = sock.address();
    this.#addr = { transport: "udp", hostname: address, port };
    this.#limit = sock.getRecvBufferSize();
  }

  send(p: Uint8Array, to: DatagramAddr): Promise<number> {
    if (this.#bound !== null) return this.#bound.then(() => this.send(p, to));
    const { hostname, port } = to as Deno.NetAddr;
    // Linux refuses port 0 with EINVAL; node:dgram would throw its own RangeError.
    if (port === 0) return Promise.reject(oserror(errno.EINVAL));
    // The callback runs once the datagram is sent: `p` is free again then.
    return new Promise<number>((resolve, reject) => {
      try {
        this.handle.send(
          p,
          port,
          hostname,
          (e) => e ? reject(fromRuntimeError(e)) : resolve(p.length),
        );
      } catch (e) {
        reject(fromRuntimeError(e));
      }
    });
  }

  receive(p: Uint8Array): Promise<Received> {
    if (this.#bound !== null) return this.#bound.then(() => this.receive(p));
    if (this.#head < this.#queue.length) {
      const [msg, from] = this.#queue[this.#head];
      this.#queue[this.#head++] = undefined as unknown as Received;
      this.#queued -= msg.length;
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      }
      return Promise.resolve(deliver(p, msg, from));
    }
    if (this.#error !== null) return Promise.reject(this.#error);
    return new Promise<Received>((resolve, reject) => this.#waiter = { p, resolve, reject });
  }

  ref(): void {
    if (!UNREF_AT_START) this.handle.ref();
    else (this.#hold ??= new Hold()).hold();
  }

  unref(): void {
    if (!UNREF_AT_START) this.handle.unref();
    else this.#hold?.release();
  }

  /** Closes the socket; node:dgram lets go of the port a moment later (a timer turn). */
  close(): void {
    if (UNREF_AT_START) this.#hold?.close();
    else this.unref();
    try {
      this.handle.close();
    } catch { /* closed already */ }
  }

  joinGroup(group: string, iface: string | number): Promise<void> {
    return this.#settled(() => this.handle.addMembership(group, interfaceOf(iface)));
  }

  leaveGroup(group: string, iface: string | number): Promise<void> {
    return this.#settled(() => this.handle.dropMembership(group, interfaceOf(iface)));
  }

  setMulticastTTL(ttl: number): Promise<void> {
    return this.#settled(() => this.handle.setMulticastTTL(ttl));
  }

  setMulticastLoopback(on: boolean): Promise<void> {
    return this.#settled(() => this.handle.setMulticastLoopback(on));
  }

  setBufferSize(which: "recv" | "send", bytes: number): void {
    this.#once(() => {
      if (which === "recv") {
        this.handle.setRecvBufferSize(bytes);
        this.#limit = this.handle.getRecvBufferSize();
      } else this.handle.setSendBufferSize(bytes);
    });
  }

  getBufferSize(which: "recv" | "send"): number | undefined {
    if (this.#bound !== null) return undefined; // not bound yet (Bun): the kernel has no value
    return which === "recv" ? this.handle.getRecvBufferSize() : this.handle.getSendBufferSize();
  }

  setTTL(ttl: number): void {
    this.#once(() => this.handle.setTTL(ttl));
  }

  /**
   * Runs a synchronous node:dgram call once the socket is bound: at once, or
   * when a bind that ends later has (a failure then fails later calls).
   */
  #once(call: () => void): void {
    if (this.#bound === null) {
      try {
        return call();
      } catch (e) {
        throw fromRuntimeError(e);
      }
    }
    this.#bound.then(call).catch((e) => this.#error ??= fromRuntimeError(e));
  }

  /** A synchronous node:dgram call, made once the socket is bound, as the seam's promise. */
  #settled(call: () => unknown): Promise<void> {
    return this.#bound === null ? settled(call) : this.#bound.then(() => settled(call));
  }
}

/** Whether a node:dgram socket has bound (its address can be read). */
function isBound(sock: dgram.Socket): boolean {
  try {
    sock.address();
    return true;
  } catch {
    return false;
  }
}

/** A datagram copied into `p`, cut to its length, as Deno's `receive(p)` gives it. */
function deliver(p: Uint8Array, msg: Uint8Array, from: Addr): Received {
  const n = Math.min(p.length, msg.length);
  p.set(n === msg.length ? msg : msg.subarray(0, n));
  return [p.subarray(0, n), from];
}

/** node:dgram's interface for a membership: an IPv4 address, or `%index` for IPv6. */
function interfaceOf(iface: string | number): string {
  return typeof iface === "number" ? `::%${iface}` : iface;
}

/** A synchronous node:dgram call as the seam's promise. */
function settled(call: () => unknown): Promise<void> {
  try {
    call();
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(fromRuntimeError(e));
  }
}

/** The process's standard input, read once it is asked for (select's `stdin()`). */
let stdinInbox: Inbox | null = null;

/** The node backend: node:net and node:dgram. */
export const node: Backend = {
  caps: NODE,

  connect(target: Target, signal?: AbortSignal, local?: LocalAddr): Promise<StreamTransport> {
    return new Promise<StreamTransport>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // allowHalfOpen: a peer's FIN ends reading only (Python's half-close).
      const net = nodeBuiltin("node:net");
      const sock = target.transport === "unix"
        ? net.connect({ path: target.path, allowHalfOpen: true })
        : net.connect({
          allowHalfOpen: true,
          host: target.hostname,
          port: target.port,
          ...(local && "hostname" in local
            ? { localAddress: local.hostname, localPort: local.port }
            : {}),
        });
      const done = () => {
        sock.off("connect", connected);
        sock.off("error", failed);
        signal?.removeEventListener("abort", aborted);
      };
      const connected = () => {
        done();
        resolve(
          new NodeStream(
            sock,
            target.transport === "unix" ? { local: "", remote: target.path } : undefined,
          ),
        );
      };
      const failed = (e: unknown, aborting = false) => {
        done();
        sock.destroy();
        // An abort's reason (the deadline's) is the caller's, not node's.
        reject(aborting ? e : fromRuntimeError(e));
      };
      const aborted = () => failed(signal!.reason, true);
      sock.once("connect", connected);
      sock.once("error", failed);
      signal?.addEventListener("abort", aborted, { once: true });
    });
  },

  listen(target: Target, options: ListenOptions): ListenerTransport {
    try {
      return new NodeListener(target, options);
    } catch (e) {
      throw fromRuntimeError(e);
    }
  },

  listenDatagram(target: Target, options: DatagramOptions): DatagramTransport {
    // node:dgram has no AF_UNIX: those are Deno's alone (pick.ts).
    if (target.transport === "unix") {
      throw new OSError(errno.EAFNOSUPPORT, undefined, {
        detail: "Cannot bind: AF_UNIX datagram sockets need Deno (node:dgram has no AF_UNIX)",
      });
    }
    return new NodeDatagram(target, options);
  },

  stdin(): { read(p: Uint8Array): Promise<number | null> } {
    return stdinInbox ??= new Inbox(nodeProcess().stdin, fromRuntimeError);
  },
};
