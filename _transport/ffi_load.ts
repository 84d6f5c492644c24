// Copyright 2026 the pysocket authors. MIT license.
// Where the FFI backend (ffi.ts, DESIGN §20) comes from: loaded when a
// socket first needs a descriptor, synchronously — `socket()`, `bind()` and
// `setsockopt()` are synchronous — through the runtime's `require()`, which
// takes the package's own module files and shares their instances with the
// ES module graph. A program that needs no descriptor, or runs without the
// `ffi` permission, never evaluates ffi.ts. From a remote module (a `jsr:`
// import) no synchronous load exists: there a process started with
// `PYSOCKET_BACKEND=ffi` loads it before its first line runs.

import { errno, OSError } from "../errors.ts";
import { nodeBuiltin } from "../_common/node_builtins.ts";
import { unavailable } from "./_ffi/libc.ts";

/** The FFI backend module. */
export type FfiModule = typeof import("./ffi.ts");

/** Whether the package's files are local (a `require()` can load one of them). */
const local = import.meta.url.startsWith("file:");

let why: string | null | undefined;

/** Why the backend cannot run here (no FFI, another platform, no `ffi` permission), or `null`. */
export function ffiUnavailable(): string | null {
  return why === undefined ? (why = unavailable()) : why;
}

/** `PYSOCKET_BACKEND` from the environment, where reading it is granted (never prompted). */
function backendVariable(): string | undefined {
  const d = (globalThis as { Deno?: typeof Deno }).Deno;
  if (d?.env === undefined) {
    return (globalThis as { process?: { env?: Record<string, string> } }).process?.env
      ?.PYSOCKET_BACKEND;
  }
  const q = d.permissions.querySync({ name: "env", variable: "PYSOCKET_BACKEND" });
  return q.state === "granted" ? d.env.get("PYSOCKET_BACKEND") : undefined;
}

/**
 * Whether every socket of the process is to be a descriptor: started with
 * `PYSOCKET_BACKEND=ffi` where the backend can run. (Set there but not
 * runnable: sockets keep their usual backends, and a call that needs a
 * descriptor says why.)
 */
export const everywhere: boolean = backendVariable() === "ffi" && ffiUnavailable() === null;

let loaded: FfiModule | null = everywhere && !local ? await import("./ffi.ts") : null;

/**
 * The FFI backend module, loaded on the first call.
 *
 * @param op What needs it, for the error.
 * @throws {OSError} `EOPNOTSUPP` where it cannot run, naming what is missing.
 */
export function ffiModule(op: string): FfiModule {
  if (loaded !== null) return loaded;
  const reason = ffiUnavailable() ??
    (local
      ? null
      : "from a remote module it loads only in a process started with PYSOCKET_BACKEND=ffi");
  if (reason !== null) {
    throw new OSError(errno.EOPNOTSUPP, undefined, {
      detail: `Cannot ${op}: a real descriptor is needed, and ${reason}`,
    });
  }
  const require = nodeBuiltin("node:module").createRequire(import.meta.url);
  return loaded = require("./ffi.ts") as FfiModule;
}

/**
 * The error of a call that needs a real descriptor on a socket that started
 * on another backend (DESIGN §20).
 */
export function needsDescriptor(op: string): OSError {
  return new OSError(errno.EOPNOTSUPP, undefined, {
    detail: `Cannot ${op}: the socket has no real descriptor; run the program with ` +
      `PYSOCKET_BACKEND=ffi and --allow-ffi for descriptors on every socket`,
  });
}
