// Copyright 2026 the pysocket authors. MIT license.
// Which backend a socket uses. Deno.* is the default wherever it can do
// what the socket was asked; a socket moves elsewhere (node:net, node:dgram,
// node:tls) only before its handle exists, when asked for what Deno cannot
// do. Today there is one backend.

import type { Backend } from "./types.ts";
import { deno } from "./deno.ts";

/** The backend for a socket about to create its handle. */
export function pick(): Backend {
  return deno;
}
