// Copyright 2026 the pysocket authors. MIT license.
// node: built-ins, loaded when a socket first needs them (DESIGN §14, §18).
// Importing node:net, node:dgram or node:tls costs a Deno process time,
// memory and CPU on every event-loop turn, and even the first touch of
// Deno's `process` global costs it memory; a program on Deno's own API
// needs none of them. So nothing here runs at import: the first call of
// `nodeBuiltin()` touches `process` and loads the module synchronously
// (`process.getBuiltinModule`, in Deno, Node 20.16+ and Bun), which a
// synchronous call such as `bind()` or `setsockopt()` needs.

import type * as Buffer from "node:buffer";
import type * as Crypto from "node:crypto";
import type * as Dgram from "node:dgram";
import type * as Dns from "node:dns";
import type * as Fs from "node:fs";
import type * as Module from "node:module";
import type * as Net from "node:net";
import type * as Os from "node:os";
import type * as Path from "node:path";
import type * as Stream from "node:stream";
import type * as Tls from "node:tls";
import type * as WorkerThreads from "node:worker_threads";

/** The node: built-ins the package loads, by name. */
export interface NodeBuiltins {
  "node:buffer": typeof Buffer;
  "node:crypto": typeof Crypto;
  "node:dgram": typeof Dgram;
  "node:dns": typeof Dns;
  "node:fs": typeof Fs;
  "node:module": typeof Module;
  "node:net": typeof Net;
  "node:os": typeof Os;
  "node:path": typeof Path;
  "node:stream": typeof Stream;
  "node:tls": typeof Tls;
  "node:worker_threads": typeof WorkerThreads;
}

/** The part of `process` the package uses: its loader, its ticks, its standard input. */
export interface NodeProcess {
  getBuiltinModule?(name: string): unknown;
  nextTick(fn: (...args: unknown[]) => void, ...args: unknown[]): void;
  readonly stdin: import("node:stream").Readable & { ref?(): void; unref?(): void };
}

/**
 * The runtime's `process` (Node's, Bun's, Deno's compatibility one),
 * touched on the first call only.
 *
 * @throws {Error} Where the runtime has no `process.getBuiltinModule`
 *   (Node older than 20.16): the message names the version needed.
 */
export function nodeProcess(): NodeProcess {
  const process = (globalThis as { process?: NodeProcess }).process;
  if (typeof process?.getBuiltinModule !== "function") {
    throw new Error(
      "Cannot load node: built-ins: process.getBuiltinModule is missing (Node 20.16 or later, " +
        "Deno 2 or Bun is needed)",
    );
  }
  return process;
}

/**
 * The node: built-in `name`, loaded on the first call (the same module
 * object a static `import` of its default gives).
 *
 * @param name The built-in's name, with its `node:` prefix.
 * @returns The module.
 * @throws {Error} As {@linkcode nodeProcess}.
 */
export function nodeBuiltin<K extends keyof NodeBuiltins>(name: K): NodeBuiltins[K] {
  return nodeProcess().getBuiltinModule!(name) as NodeBuiltins[K];
}
