// Copyright 2026 the pysocket authors. MIT license.
// The node backend of the transport seam: node:net and node:dgram, for what
// Deno.* cannot do — connecting from a bound local address (bind() before
// connect(), create_connection's source_address), a reset close, a
// keepalive idle time; UDP without --unstable-net. Listeners stay on Deno.*:
// Deno's node:net binds a listener only after listen() returns, where
// Python's bind() has bound when it returns (getsockname() answers at once,
// EADDRINUSE is raised by bind()). node:dgram binds at once when its address
// lookup answers at once, which ours does (addresses here are IP literals).

import dgram from "node:dgram";
import * as net from "node:net";
import type { Target } from "../address.ts";
import { deno } from "./deno.ts";
import { Inbox } from "./inbox.ts";
import type {
  Addr,
  Backend,
  DatagramAddr,
  DatagramOptions,
  DatagramTransport,
  LocalAddr,
  StreamTransport,
} from "./types.ts";

/** A connected node:net socket's address as the seam reports addresses. */
function addrOf(sock: net.Socket, which: "local" | "remote"): Addr {
  const hostname = which === "local" ? sock.localAddress : sock.remoteAddress;
  const port = which === "local" ? sock.localPort : sock.remotePort;
  return { transport: "tcp", hostname: hostname ?? "", port: port ?? 0 };
}

/** A connected node:net socket as the seam's stream transport. */
class NodeStream implements StreamTransport {
  readonly #sock: net.Socket;
  readonly #inbox: Inbox;
  readonly localAddr: Addr;
  readonly remoteAddr: Addr;

  /** `path`: the AF_UNIX path connected to (the client's own end is unnamed). */
  constructor(sock: net.Socket, path?: string) {
    this.#sock = sock;
    this.#inbox = new Inbox(sock);
    // Read once: node:net forgets them when the socket closes.
    this.localAddr = path === undefined ? addrOf(sock, "local") : { transport: "unix", path: "" };
    this.remoteAddr = path === undefined ? addrOf(sock, "remote") : { transport: "unix", path };
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#inbox.read(p);
  }

  write(p: Uint8Array): Promise<number> {
    const error = this.#inbox.error;
    if (error !== null) return Promise.reject(error);
    if (this.#sock.destroyed || this.#sock.writableEnded) {
      return Promise.reject(
        Object.assign(new Error("This socket has been ended"), { code: "EPIPE" }),
      );
    }
    // The callback runs once node:net has written the bytes: the caller's
    // buffer is free again then, so it is not copied.
    return new Promise<number>((resolve, reject) => {
      this.#sock.write(p, (e) => e ? reject(e) : resolve(p.length));
    });
  }

  closeWrite(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const sock = this.#sock;
      if (sock.destroyed) {
        reject(Object.assign(new Error("This socket is closed"), { code: "ENOTCONN" }));
        return;
      }
      sock.end(() => resolve());
    });
  }

  close(): void {
    this.#sock.destroy();
  }

  reset(): void {
    this.#sock.resetAndDestroy();
  }

  setNoDelay(on?: boolean): void {
    this.#sock.setNoDelay(on);
  }

  setKeepAlive(on?: boolean, idleSeconds?: number): void {
    this.#sock.setKeepAlive(on, idleSeconds === undefined ? 0 : idleSeconds * 1000);
  }
}

/** node:dgram's address lookup for IP literals: answers at once, so bind() binds before it returns. */
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

/** A bound node:dgram socket as the seam's datagram transport. */
class NodeDatagram implements DatagramTransport {
  readonly handle: dgram.Socket;
  readonly exclusive = false;
  readonly addr: Addr;
  /** Datagrams not yet read (up to the receive buffer's size in bytes: beyond it they are dropped, as the kernel would). */
  #queue: Received[] = [];
  #head = 0;
  #queued = 0;
  #limit: number;
  #waiter: { p: Uint8Array; resolve: (r: Received) => void; reject: (e: unknown) => void } | null =
    null;
  #error: unknown = null;

  /** Binds to `target` before it returns; throws node's error (EADDRINUSE…) when it cannot. */
  constructor(target: { hostname: string; port: number }, { reuseAddress }: DatagramOptions) {
    const sock = this.handle = dgram.createSocket({
      type: target.hostname.includes(":") ? "udp6" : "udp4",
      reuseAddr: reuseAddress,
      lookup: literal as unknown as dgram.SocketOptions["lookup"],
    });
    let failed: unknown = null;
    const early = (e: unknown) => failed = e;
    sock.once("error", early);
    sock.bind({ address: target.hostname, port: target.port });
    sock.off("error", early);
    if (failed !== null) {
      sock.close();
      throw failed;
    }
    sock.setBroadcast(true); // as Deno's datagram sockets (SO_BROADCAST is always on)
    const { address, port } = sock.address();
    this.addr = { transport: "udp", hostname: address, port };
    this.#limit = sock.getRecvBufferSize();
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
    sock.on("error", (e) => {
      this.#error ??= e;
      const w = this.#waiter;
      this.#waiter = null;
      w?.reject(e);
    });
    sock.on("close", () => {
      const w = this.#waiter;
      this.#waiter = null;
      w?.reject(Object.assign(new Error("The socket was closed"), { code: "EBADF" }));
    });
  }

  send(p: Uint8Array, to: DatagramAddr): Promise<number> {
    const { hostname, port } = to as Deno.NetAddr;
    // Linux refuses port 0 with EINVAL; node:dgram would throw its own RangeError.
    if (port === 0) return Promise.reject(Object.assign(new Error("port 0"), { code: "EINVAL" }));
    // The callback runs once the datagram is sent: `p` is free again then.
    return new Promise<number>((resolve, reject) => {
      this.handle.send(p, port, hostname, (e) => e ? reject(e) : resolve(p.length));
    });
  }

  receive(p: Uint8Array): Promise<Received> {
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

  /** Closes the socket; node:dgram lets go of the port a moment later (a timer turn). */
  close(): void {
    try {
      this.handle.close();
    } catch { /* closed already */ }
  }

  joinGroup(group: string, iface: string | number): Promise<void> {
    return settled(() => this.handle.addMembership(group, interfaceOf(iface)));
  }

  leaveGroup(group: string, iface: string | number): Promise<void> {
    return settled(() => this.handle.dropMembership(group, interfaceOf(iface)));
  }

  setMulticastTTL(ttl: number): Promise<void> {
    return settled(() => this.handle.setMulticastTTL(ttl));
  }

  setMulticastLoopback(on: boolean): Promise<void> {
    return settled(() => this.handle.setMulticastLoopback(on));
  }

  setBufferSize(which: "recv" | "send", bytes: number): void {
    if (which === "recv") {
      this.handle.setRecvBufferSize(bytes);
      this.#limit = this.handle.getRecvBufferSize();
    } else this.handle.setSendBufferSize(bytes);
  }

  getBufferSize(which: "recv" | "send"): number {
    return which === "recv" ? this.handle.getRecvBufferSize() : this.handle.getSendBufferSize();
  }

  setTTL(ttl: number): void {
    this.handle.setTTL(ttl);
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
    return Promise.reject(e);
  }
}

/** The node backend: node:net's connect (from a local address too), node:dgram; Deno's listeners. */
export const node: Backend = {
  name: "node",

  connect(target: Target, signal?: AbortSignal, local?: LocalAddr): Promise<StreamTransport> {
    return new Promise<StreamTransport>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sock = target.transport === "unix" ? net.connect({ path: target.path }) : net.connect({
        host: target.hostname,
        port: target.port,
        ...(local ? { localAddress: local.hostname, localPort: local.port } : {}),
      });
      const done = () => {
        sock.off("connect", connected);
        sock.off("error", failed);
        signal?.removeEventListener("abort", aborted);
      };
      const connected = () => {
        done();
        resolve(new NodeStream(sock, target.transport === "unix" ? target.path : undefined));
      };
      const failed = (e: unknown) => {
        done();
        sock.destroy();
        reject(e);
      };
      const aborted = () => failed(signal!.reason);
      sock.once("connect", connected);
      sock.once("error", failed);
      signal?.addEventListener("abort", aborted, { once: true });
    });
  },

  listen: deno.listen,

  listenDatagram(target: Target, options: DatagramOptions): DatagramTransport {
    // node:dgram has no AF_UNIX: those stay Deno's (and need --unstable-net).
    if (target.transport === "unix") return deno.listenDatagram(target, options);
    return new NodeDatagram(target, options);
  },

  stdin: deno.stdin,
};
