// Copyright 2026 the pysocket authors. MIT license.
// Where the modules that call C through FFI come from: the FFI backend
// (ffi.ts, DESIGN §20), loaded when a socket first needs a descriptor; the
// sans-I/O TLS engine (openssl.ts, DESIGN §17), loaded on the first
// `wrap_bio()`; and SSLSocket's libssl engine (openssl_stream.ts), loaded
// on the first `wrap_socket()` that runs on it (`libsslSelected()`: the
// default where FFI runs — Deno with the `ffi` permission, Bun). A call that can wait
// (`wrap_socket()`) loads with `import()`; the synchronous ones —
// `socket()`, `bind()`, `setsockopt()`, `wrap_bio()` — through the
// runtime's `require()`, which takes the package's own module files and
// shares their instances with the ES module graph (in Deno several times
// slower than an `import()`). A program that needs none of them, or runs
// without the `ffi` permission, never evaluates them. A process started
// with `PYSOCKET_BACKEND=ffi`, where every socket is a descriptor, loads
// ffi.ts with the package. Where no synchronous load exists — a remote
// module (a `jsr:` import), or the package as JavaScript (a bundle, an npm
// package: no .ts file to require) — the others are loaded before the
// program's first line runs, only where they can run: openssl.ts where FFI
// is there (Deno with the `ffi` permission; Bun, which asks for none), and
// openssl_stream.ts where SSLSockets run on it.

import { errno, OSError } from "../errors.ts";
import { nodeBuiltin } from "../_common/node_builtins.ts";
import { unavailable } from "./_ffi/libc.ts";
import { ffiRefusal } from "./_ffi/native.ts";
import { testing } from "../_common/testing.ts";

/** The FFI backend module. */
export type FfiModule = typeof import("./ffi.ts");
/** The sans-I/O TLS engine's module. */
export type OpensslModule = typeof import("./openssl.ts");
/** The libssl engine of SSLSocket's module. */
export type OpensslStreamModule = typeof import("./openssl_stream.ts");

/**
 * Whether the package's files are local TypeScript (a `require()` can load
 * one of them): not a remote module, nor a bundle of JavaScript.
 */
const local = import.meta.url.startsWith("file:") && import.meta.url.endsWith(".ts");

let why: string | null | undefined;

/** Why the backend cannot run here (no FFI, another platform, no `ffi` permission), or `null`. */
export function ffiUnavailable(): string | null {
  return why === undefined ? (why = unavailable()) : why;
}

/** A variable from the environment, where reading it is granted (never prompted). */
function variable(name: "PYSOCKET_BACKEND" | "PYSOCKET_TLS"): string | undefined {
  const d = (globalThis as { Deno?: typeof Deno }).Deno;
  if (d?.env === undefined) {
    return (globalThis as { process?: { env?: Record<string, string> } }).process?.env?.[name];
  }
  const q = d.permissions.querySync({ name: "env", variable: name });
  return q.state === "granted" ? d.env.get(name) : undefined;
}

/**
 * Whether every socket of the process is to be a descriptor: started with
 * `PYSOCKET_BACKEND=ffi` where the backend can run. (Set there but not
 * runnable: sockets keep their usual backends, and a call that needs a
 * descriptor says why.)
 */
export const everywhere: boolean = variable("PYSOCKET_BACKEND") === "ffi" &&
  ffiUnavailable() === null;

/**
 * `PYSOCKET_TLS` (read once): `openssl` puts every SSLSocket of the process
 * on libssl (an error where it cannot run), `node` on the runtime's
 * node:tls; unset, libssl where it is the better engine and can run.
 */
const tlsVariable = variable("PYSOCKET_TLS");

// Every socket of the process will be a descriptor: loaded with the package (an import()
// is several times faster than a require() of the package's TypeScript in Deno).
let loaded: FfiModule | null = everywhere ? await import("./ffi.ts") : null;

/** What the TLS engine needs, for its errors. */
const OPENSSL_NEEDS = "TLS over memory buffers (OpenSSL's libssl)";

let openssl: OpensslModule | null = !local && ffiRefusal(OPENSSL_NEEDS) === null
  ? await import("./openssl.ts")
  : null;

/**
 * The sans-I/O TLS engine's module, loaded on the first call.
 *
 * @param op What needs it, for the error.
 * @throws {OSError} `EOPNOTSUPP` where it cannot run (no FFI, no `ffi` permission), naming what is missing.
 */
export function opensslModule(op: string): OpensslModule {
  if (openssl !== null) return openssl;
  const reason = ffiRefusal(OPENSSL_NEEDS);
  if (reason !== null) {
    throw new OSError(errno.EOPNOTSUPP, undefined, { detail: `Cannot ${op}: ${reason}` });
  }
  const require = nodeBuiltin("node:module").createRequire(import.meta.url);
  return openssl = require("./openssl.ts") as OpensslModule;
}

/**
 * Whether libssl is the engine SSLSockets run on unless told otherwise:
 * wherever FFI runs — Deno with the `ffi` permission, and Bun — since the
 * runtimes' node:tls cannot do all that Python's ssl does (Deno's, on
 * rustls: a cipher list, DHE, tls-unique, resumption with the caller's CAs,
 * a key log, post-handshake auth; Bun's, on BoringSSL: DHE, tls-unique over
 * TLS 1.3, post-handshake auth), and libssl is as fast or faster there.
 * (Node, which has no FFI, keeps its node:tls, built on OpenSSL.)
 */
const libsslByDefault = tlsVariable === "openssl" ||
  (tlsVariable !== "node" && ffiRefusal(OPENSSL_NEEDS) === null);

let libsslOpened: boolean | undefined;

/**
 * Whether SSLSockets run on libssl (`openssl_stream.ts`) rather than the
 * runtime's node:tls: in Deno where the `ffi` permission is granted, and
 * in Bun, where OpenSSL 3 opens (else node:tls), or everywhere with
 * `PYSOCKET_TLS=openssl` (then, where FFI cannot run, `wrap_socket` says
 * why: {@linkcode opensslStreamModule}); never with `PYSOCKET_TLS=node`.
 * A test may choose (`testing.tlsEngine`).
 */
export function libsslSelected(): boolean {
  if (testing.tlsEngine !== null) return testing.tlsEngine === "openssl";
  if (tlsVariable === "openssl") return true;
  if (!libsslByDefault) return false;
  if (libsslOpened === undefined) {
    try {
      opensslModule("wrap_socket").openLibssl("wrap_socket");
      libsslOpened = true;
    } catch {
      libsslOpened = false; // no OpenSSL 3 here: node:tls it is
    }
  }
  return libsslOpened;
}

/** Loaded before the first line where no synchronous load exists (a remote module, a bundle). */
let stream: OpensslStreamModule | null =
  !local && libsslByDefault && ffiRefusal(OPENSSL_NEEDS) === null
    ? await import("./openssl_stream.ts")
    : null;

/**
 * SSLSocket's libssl engine, loaded on the first call.
 *
 * @param op What needs it, for the error.
 * @throws {OSError} `EOPNOTSUPP` where it cannot run (no FFI, no `ffi` permission), naming what is missing.
 */
export function opensslStreamModule(op: string): OpensslStreamModule {
  if (stream !== null) return stream;
  opensslModule(`${op} (PYSOCKET_TLS=openssl)`);
  const require = nodeBuiltin("node:module").createRequire(import.meta.url);
  return stream = require("./openssl_stream.ts") as OpensslStreamModule;
}

/**
 * Loads SSLSocket's libssl engine with `import()` where it will run and
 * the caller can wait (`wrap_socket()` is asynchronous): in Deno a
 * `require()` of the package's TypeScript takes several times as long
 * (about 75 ms against 20 for these modules, libssl's opening included).
 *
 * @returns The load to wait for, or `null` where the engine is loaded
 *   already or will not run (so a caller need not yield).
 */
export function loadLibsslEngine(): Promise<void> | null {
  if (stream !== null || testing.tlsEngine === "node") return null;
  if (testing.tlsEngine === null && !libsslByDefault) return null;
  if (ffiRefusal(OPENSSL_NEEDS) !== null) return null;
  return import("./openssl_stream.ts").then(async (module) => {
    stream = module;
    openssl ??= await import("./openssl.ts");
  });
}

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
      : "from a remote module or a bundle it loads only in a process started with PYSOCKET_BACKEND=ffi");
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
      `PYSOCKET_BACKEND=ffi (in Deno, with --allow-ffi) for descriptors on every socket`,
  });
}
