// Copyright 2026 the pysocket authors. MIT license.
// Which backend a socket uses. In Deno, Deno.* is the default wherever it
// can do what the socket was asked; a socket moves to node:net or
// node:dgram only before its handle exists, when asked for what Deno cannot
// do. Where there is no Deno (Node, Bun), node:net and node:dgram are the
// only backend, and nothing touches the Deno global.

import type { Backend } from "./types.ts";
import { deno } from "./deno.ts";
import { node } from "./node.ts";

/** What a socket about to connect asks of its backend. */
export interface Needs {
  /** To connect from a bound local address (`bind()` before `connect()`). */
  localAddress?: boolean;
  /** Options only node:net or node:dgram applies (`TCP_KEEPIDLE`, `SO_LINGER` with a zero linger; `SO_RCVBUF`, `SO_SNDBUF`, `IP_TTL`). */
  nodeOptions?: boolean;
  /** An AF_UNIX datagram socket, which only Deno has (node:dgram has no AF_UNIX). */
  unix?: boolean;
}

/** Deno's network API, when the runtime is Deno. */
const denoNet = (globalThis as { Deno?: typeof Deno }).Deno;

/** The runtime's own network API is Deno's: the Deno backend is there. */
const inDeno = typeof denoNet?.connect === "function";

let preferred: Backend = inDeno ? deno : node;

/**
 * The backend for a socket about to create its handle: a connection, a
 * listener or a datagram socket. Outside Deno, the node backend. In Deno:
 * listeners are Deno's (node.ts says why); a connection is node:net's when
 * it needs it; a datagram socket is node:dgram's when Deno's datagram API
 * is not enabled, AF_UNIX ones always Deno's.
 */
export function pick(op: "connect" | "listen" | "datagram" = "connect", needs?: Needs): Backend {
  if (!inDeno) return node;
  if (op === "listen") return deno;
  if (op === "datagram") {
    if (needs?.unix) return deno;
    // Deno's need --unstable-net; without it, node:dgram serves.
    return typeof denoNet!.listenDatagram === "function" && !needs?.nodeOptions ? preferred : node;
  }
  return needs?.localAddress || needs?.nodeOptions ? node : preferred;
}

/**
 * Test-only: makes `name` the backend every connecting and datagram socket
 * takes when it needs nothing in particular, so one suite runs over both
 * backends.
 */
export function preferBackend(name: "deno" | "node"): void {
  preferred = name === "node" || !inDeno ? node : deno;
}

/** Test-only: the name of the backend connecting sockets take by default. */
export function preferredBackend(): string {
  return preferred.name;
}
