// Copyright 2026 the pysocket authors. MIT license.
// Which backend a socket uses. Deno.* is the default wherever it can do
// what the socket was asked; a socket moves to node:net or node:dgram only
// before its handle exists, when asked for what Deno cannot do.

import type { Backend } from "./types.ts";
import { deno } from "./deno.ts";
import { node } from "./node.ts";

/** What a socket about to connect asks of its backend. */
export interface Needs {
  /** To connect from a bound local address (`bind()` before `connect()`). */
  localAddress?: boolean;
  /** Options only node:net or node:dgram applies (`TCP_KEEPIDLE`, `SO_LINGER` with a zero linger; `SO_RCVBUF`, `SO_SNDBUF`, `IP_TTL`). */
  nodeOptions?: boolean;
}

let preferred: Backend = deno;

/**
 * The backend for a socket about to create its handle: a connection, a
 * listener or a datagram socket. Listeners are Deno's (node.ts says why); a
 * connection is node:net's when it needs it; a datagram socket is
 * node:dgram's when Deno's datagram API is not enabled.
 */
export function pick(op: "connect" | "listen" | "datagram" = "connect", needs?: Needs): Backend {
  if (op === "listen") return deno;
  // Datagrams: Deno's need --unstable-net; without it, node:dgram serves.
  if (op === "datagram") {
    return typeof Deno.listenDatagram === "function" && !needs?.nodeOptions ? preferred : node;
  }
  return needs?.localAddress || needs?.nodeOptions ? node : preferred;
}

/**
 * Test-only: makes `name` the backend every connecting and datagram socket
 * takes when it needs nothing in particular, so one suite runs over both
 * backends.
 */
export function preferBackend(name: "deno" | "node"): void {
  preferred = name === "node" ? node : deno;
}

/** Test-only: the name of the backend connecting sockets take by default. */
export function preferredBackend(): string {
  return preferred.name;
}
