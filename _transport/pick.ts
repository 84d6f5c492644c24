// Copyright 2026 the pysocket authors. MIT license.
// Which backend a socket uses. Deno.* is the default wherever it can do
// what the socket was asked; a socket moves to node:net only before its
// connection exists, when asked for what Deno cannot do.

import type { Backend } from "./types.ts";
import { deno } from "./deno.ts";
import { node } from "./node.ts";

/** What a socket about to connect asks of its backend. */
export interface Needs {
  /** To connect from a bound local address (`bind()` before `connect()`). */
  localAddress?: boolean;
  /** Options only node:net applies (`TCP_KEEPIDLE`, `SO_LINGER` with a zero linger). */
  nodeOptions?: boolean;
}

let preferred: Backend = deno;

/**
 * The backend for a socket about to create its handle: a connection, a
 * listener or a datagram socket. Listeners and datagram sockets are
 * Deno's (node.ts says why); a connection is node:net's when it needs it.
 */
export function pick(op: "connect" | "listen" | "datagram" = "connect", needs?: Needs): Backend {
  if (op !== "connect") return deno;
  return needs?.localAddress || needs?.nodeOptions ? node : preferred;
}

/**
 * Test-only: makes `name` the backend every connecting socket takes when it
 * needs nothing in particular, so one suite runs over both backends.
 */
export function preferBackend(name: "deno" | "node"): void {
  preferred = name === "node" ? node : deno;
}

/** Test-only: the name of the backend connecting sockets take by default. */
export function preferredBackend(): string {
  return preferred.name;
}
