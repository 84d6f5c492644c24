// Copyright 2026 the pysocket authors. MIT license.
// The node backend of the transport seam: node:net, for what Deno.* cannot
// do — today, connecting from a bound local address (bind() before
// connect(), create_connection's source_address). Listeners and datagram
// sockets stay on Deno.*: Deno's node:net and node:dgram bind only after the
// call returns, where Python's bind() has bound (getsockname() answers at
// once, EADDRINUSE is raised by bind()).

import * as net from "node:net";
import type { Target } from "../address.ts";
import { deno } from "./deno.ts";
import { Inbox } from "./inbox.ts";
import type { Addr, Backend, LocalAddr, StreamTransport } from "./types.ts";

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

/** The node backend: node:net's connect (from a local address too); Deno's listeners and datagrams. */
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
  listenDatagram: deno.listenDatagram,
  stdin: deno.stdin,
};
