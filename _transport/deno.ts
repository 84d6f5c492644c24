// Copyright 2026 the pysocket authors. MIT license.
// The Deno backend of the transport seam: `Deno.connect`, `Deno.listen` and
// `Deno.listenDatagram` — the fast default. Each handle gets a thin
// wrapper that adds what the seam asks for and maps Deno's errors to the
// package's OSErrors, once, here: a blocking read stays Deno's own op and
// one reaction.

import { errno, OSError } from "../errors.ts";
import { type Target, textNameError } from "../address.ts";
import { closedError, fromRuntimeError } from "../_common/runtime_errors.ts";
import { DENO } from "./capabilities.ts";
import type {
  Addr,
  Backend,
  DatagramAddr,
  DatagramOptions,
  DatagramTransport,
  ListenerTransport,
  ListenOptions,
  StreamTransport,
} from "./types.ts";

/**
 * Whether Deno's `accept()` failed only because the connection it took was
 * reset before Deno could read its address: that connection is gone, the
 * listener is fine, and the next connection is the one to wait for.
 */
function peerGone(e: unknown): boolean {
  return e instanceof Deno.errors.NotConnected || e instanceof Deno.errors.ConnectionReset ||
    e instanceof Deno.errors.ConnectionAborted;
}

/**
 * Deno's error as the package's (its permission errors untouched); the
 * promise rejects with it. A read, receive or accept pending when its
 * handle is closed is cancelled by Deno (`Interrupted`): Python's fails
 * with EBADF, as every call after the close does.
 */
function raise(e: unknown): never {
  throw mapError(e);
}

/** Deno's error as the package's (see `raise`). */
function mapError(e: unknown): unknown {
  return e instanceof Deno.errors.Interrupted ? closedError(e) : fromRuntimeError(e);
}

/** A promise of a Deno call, its failure mapped. */
function mapped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call().catch(raise);
  } catch (e) {
    return Promise.reject(fromRuntimeError(e));
  }
}

/** A `Deno.Conn` as the seam's stream transport. */
class DenoStream implements StreamTransport {
  readonly handle: Deno.Conn;

  constructor(conn: Deno.Conn) {
    this.handle = conn;
  }

  get localAddr(): Addr {
    return this.handle.localAddr;
  }

  get remoteAddr(): Addr {
    return this.handle.remoteAddr;
  }

  read(p: Uint8Array): Promise<number | null> {
    try {
      return this.handle.read(p).catch(raise);
    } catch (e) {
      return Promise.reject(fromRuntimeError(e));
    }
  }

  write(p: Uint8Array): Promise<number> {
    try {
      return this.handle.write(p).catch(raise);
    } catch (e) {
      return Promise.reject(fromRuntimeError(e));
    }
  }

  readRaw(p: Uint8Array): Promise<number | null> {
    return this.handle.read(p);
  }

  writeRaw(p: Uint8Array): Promise<number> {
    return this.handle.write(p);
  }

  mapError(e: unknown): unknown {
    return mapError(e);
  }

  closeWrite(): Promise<void> {
    return mapped(() => this.handle.closeWrite());
  }

  close(): void {
    try {
      this.handle.close();
    } catch (e) {
      throw fromRuntimeError(e);
    }
  }

  setNoDelay(on?: boolean): void {
    (this.handle as Deno.TcpConn).setNoDelay?.(on);
  }

  setKeepAlive(on?: boolean): void {
    (this.handle as Deno.TcpConn).setKeepAlive?.(on);
  }

  ref(): void {
    this.handle.ref();
  }

  unref(): void {
    this.handle.unref();
  }
}

/** A `Deno.Listener` as the seam's listener. */
class DenoListener implements ListenerTransport {
  readonly handle: Deno.Listener;

  constructor(listener: Deno.Listener) {
    this.handle = listener;
  }

  get addr(): Addr {
    return this.handle.addr;
  }

  accept(): Promise<StreamTransport> {
    let got: Promise<Deno.Conn>;
    try {
      got = this.handle.accept();
    } catch (e) {
      return Promise.reject(fromRuntimeError(e));
    }
    return got.then(
      this.#onAccepted ??= (conn) => {
        this.#dropped = 0;
        return new DenoStream(conn);
      },
      this.#onAcceptError ??= (e) => {
        if (!peerGone(e) || this.#dropped++ >= 1000) raise(e);
        return this.accept(); // that connection is gone; the next one is the one to wait for
      },
    );
  }

  /** The handlers of an accept (made once per listener; no frame per accept). */
  #onAccepted: ((conn: Deno.Conn) => StreamTransport) | null = null;
  #onAcceptError: ((e: unknown) => Promise<StreamTransport>) | null = null;
  /** Connections gone before Deno could take them, in a row. */
  #dropped = 0;

  close(): void {
    try {
      this.handle.close();
    } catch (e) {
      throw fromRuntimeError(e);
    }
  }

  ref(): void {
    this.handle.ref();
  }

  unref(): void {
    this.handle.unref();
  }
}

type Membership = Deno.MulticastV4Membership | Deno.MulticastV6Membership;

// Groups joined for a moment on the loopback interface when TTL or loopback
// is set with no membership: Deno reaches those socket options only through
// a membership object. Administratively scoped, never routed.
const SCRATCH_V4 = "239.255.83.77";
const SCRATCH_V6 = "ff15::5953:4f43";

/** A `Deno.DatagramConn` as the seam's datagram transport, with multicast through Deno's memberships. */
class DenoDatagram implements DatagramTransport {
  readonly handle: Deno.DatagramConn;
  readonly exclusive: boolean;
  #members: Map<string, Membership> | null = null;

  constructor(dc: Deno.DatagramConn) {
    this.handle = dc;
    this.exclusive = dc.addr.transport === "unixpacket";
  }

  get addr(): Addr {
    return this.handle.addr;
  }

  send(p: Uint8Array, to: DatagramAddr): Promise<number> {
    try {
      if ("raw" in to && to.raw) throw textNameError("sendto");
      return this.handle.send(p, to).catch(raise);
    } catch (e) {
      return Promise.reject(fromRuntimeError(e));
    }
  }

  receive(p: Uint8Array): Promise<[Uint8Array, Addr]> {
    try {
      return this.handle.receive(p).catch(raise);
    } catch (e) {
      return Promise.reject(fromRuntimeError(e));
    }
  }

  close(): void {
    try {
      this.handle.close();
    } catch (e) {
      throw fromRuntimeError(e);
    }
  }

  ref(): void {
    (this.handle as Deno.DatagramConn & { ref(): void }).ref();
  }

  unref(): void {
    (this.handle as Deno.DatagramConn & { unref(): void }).unref();
  }

  joinGroup(group: string, iface: string | number): Promise<void> {
    return mapped(async () => {
      const m = typeof iface === "number"
        ? await this.handle.joinMulticastV6(group, iface)
        : await this.handle.joinMulticastV4(group, iface);
      (this.#members ??= new Map()).set(`${group}|${iface}`, m);
    });
  }

  leaveGroup(group: string, iface: string | number): Promise<void> {
    return mapped(async () => {
      const key = `${group}|${iface}`;
      const m = this.#members?.get(key);
      this.#members?.delete(key);
      await m?.leave();
    });
  }

  setMulticastTTL(ttl: number): Promise<void> {
    return mapped(() => this.#withMember((m) => (m as Deno.MulticastV4Membership).setTTL(ttl)));
  }

  setMulticastLoopback(on: boolean): Promise<void> {
    return mapped(() => this.#withMember((m) => m.setLoopback(on)));
  }

  /** Runs `fn` on some membership; joins a scratch group on loopback for the moment if none. */
  async #withMember(fn: (m: Membership) => Promise<void>): Promise<void> {
    for (const m of this.#members?.values() ?? []) return await fn(m);
    const v6 = (this.handle.addr as Deno.NetAddr).hostname.includes(":");
    const m = v6
      ? await this.handle.joinMulticastV6(SCRATCH_V6, 1)
      : await this.handle.joinMulticastV4(SCRATCH_V4, "127.0.0.1");
    try {
      await fn(m);
    } finally {
      await m.leave();
    }
  }
}

/** The error of a datagram call made without `--unstable-net`. */
function unstableError(): OSError {
  return new OSError(errno.EOPNOTSUPP, undefined, {
    detail: "Deno's datagram sockets need the --unstable-net flag " +
      `(or "unstable": ["net"] in deno.json)`,
  });
}

/** Wraps a `Deno.Conn` the user hands over (`fromConn`). */
export function wrapConn(conn: Deno.Conn): StreamTransport {
  return new DenoStream(conn);
}

/** Wraps a `Deno.Listener` the user hands over (`fromListener`). */
export function wrapListener(listener: Deno.Listener): ListenerTransport {
  return new DenoListener(listener);
}

/** Wraps a `Deno.DatagramConn` the user hands over (`fromDatagramConn`). */
export function wrapDatagram(dc: Deno.DatagramConn): DatagramTransport {
  return new DenoDatagram(dc);
}

/** The Deno backend. */
export const deno: Backend = {
  caps: DENO,

  async connect(target: Target, signal?: AbortSignal): Promise<StreamTransport> {
    try {
      return new DenoStream(
        target.transport === "unix"
          ? await Deno.connect(target) // immediate: nothing to abort
          : await Deno.connect({ hostname: target.hostname, port: target.port, signal }),
      );
    } catch (e) {
      // An abort's reason (the deadline's) is the caller's, not Deno's.
      throw signal?.aborted ? e : fromRuntimeError(e);
    }
  },

  listen(target: Target, { backlog, reusePort }: ListenOptions): ListenerTransport {
    try {
      if (target.transport === "unix") return new DenoListener(Deno.listen(target));
      return new DenoListener(Deno.listen({
        hostname: target.hostname,
        port: target.port,
        tcpBacklog: backlog,
        ...(reusePort ? { reusePort } : {}),
      }));
    } catch (e) {
      throw fromRuntimeError(e);
    }
  },

  listenDatagram(target: Target, { reuseAddress }: DatagramOptions): DatagramTransport {
    if (typeof Deno.listenDatagram !== "function") throw unstableError();
    try {
      if (target.transport === "unix") {
        return new DenoDatagram(
          Deno.listenDatagram({ transport: "unixpacket", path: target.path }),
        );
      }
      return new DenoDatagram(Deno.listenDatagram({
        transport: "udp",
        hostname: target.hostname,
        port: target.port,
        ...(reuseAddress ? { reuseAddress: true } : {}),
      }));
    } catch (e) {
      throw fromRuntimeError(e);
    }
  },

  stdin(): { read(p: Uint8Array): Promise<number | null> } {
    return { read: (p) => Deno.stdin.read(p).catch(raise) };
  },
};
