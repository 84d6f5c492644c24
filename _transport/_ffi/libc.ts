// Copyright 2026 the pysocket authors. MIT license.
// The C library as the FFI backend calls it (DESIGN §20): the socket calls,
// epoll and eventfd, declared once in Deno's form for the FFI door
// (native.ts: Deno's `Deno.dlopen`, Bun's `bun:ffi`); every result is an
// `i32` or a `u32` (a number on both) but `__errno_location`'s pointer
// (opaque, read through the door's memory). Opened on first use, where the `ffi` permission is granted, on Linux x86_64 only (the
// struct layouts of sockaddr.ts and poller.ts are checked there). `ssize_t`
// results are declared `i32`, so that they stay numbers: no call moves 2 GiB
// at once. errno is read through the pointer `__errno_location()` gives the
// main thread, with no allocation between the call and the read.

import { errno as E, OSError, oserror, strerror } from "../../errors.ts";
import { ffiRefusal, ffiRuntime, type Memory, openLibrary } from "./native.ts";

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  socketpair: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  accept4: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  recvfrom: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "buffer"],
    result: "i32",
  },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "i32" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  epoll_create1: { parameters: ["i32"], result: "i32" },
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32" },
  epoll_wait_pending: {
    name: "epoll_wait",
    parameters: ["i32", "buffer", "i32", "i32"],
    result: "i32",
    nonblocking: true,
  },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  if_nametoindex: { parameters: ["buffer"], result: "u32" },
  unlink: { parameters: ["buffer"], result: "i32" },
  poll: { parameters: ["buffer", "usize", "i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

type Bound = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
/** A parameter as the calls take it: lengths as numbers (Deno takes them), any view as a buffer. */
type Param<T> = T extends bigint ? number : BufferSource extends T ? ArrayBufferView | null : T;
type Loose<F> = F extends (...args: infer A) => infer R
  ? (...args: { [K in keyof A]: Param<A[K]> }) => R
  : never;
/** The C library's calls, as `Deno.dlopen` binds them. */
export type Calls = { [K in keyof Bound]: Loose<Bound[K]> };

/** The C library, opened: its calls and the calling thread's errno. */
export interface Libc {
  /** The calls. */
  readonly c: Calls;
  /** errno as the last call on the main thread left it. */
  errno(): number;
  /** Pointers and memory, as the runtime's FFI makes them. */
  readonly memory: Memory;
}

let opened: Libc | null = null;

/** Why the FFI backend cannot run here, or `null` where it can. */
export function unavailable(): string | null {
  const runtime = ffiRuntime();
  if (runtime === null) return "the descriptor backend needs Deno's or Bun's FFI (Node has none)";
  const { os, arch } = runtime === "deno" ? Deno.build : nodePlatform();
  if (os !== "linux" || arch !== "x86_64") {
    return `the descriptor backend's struct layouts are checked on Linux x86_64 only, not ${os} ${arch}`;
  }
  return ffiRefusal("the descriptor backend");
}

/** The platform as Deno names it, from Node's `process` (Bun's). */
function nodePlatform(): { os: string; arch: string } {
  const p = (globalThis as { process?: { platform: string; arch: string } }).process;
  return {
    os: p?.platform ?? "unknown",
    arch: p?.arch === "x64" ? "x86_64" : p?.arch ?? "unknown",
  };
}

/**
 * Opens the C library (once).
 *
 * @throws {OSError} `EOPNOTSUPP` naming what is missing where the backend cannot run.
 */
export function libc(): Libc {
  if (opened !== null) return opened;
  const why = unavailable();
  if (why !== null) {
    throw new OSError(E.EOPNOTSUPP, undefined, { detail: `Cannot use descriptors: ${why}` });
  }
  const lib = openLibrary("libc.so.6", SYMBOLS);
  // Deno takes numbers for `usize` and any view for `buffer`; its types say bigint and BufferSource.
  const c = lib.symbols as unknown as Calls;
  const at = lib.memory.view(c.__errno_location(), 4);
  const cell = new Int32Array(at.buffer, at.byteOffset, 1);
  opened = { c, errno: () => cell[0], memory: lib.memory };
  return opened;
}

/**
 * A failed C call as the package's OSError subclass for `code`; the cause
 * names the call (the socket's methods add what they were doing).
 */
export function callError(code: number, call: string): OSError {
  return oserror(code, undefined, new Error(`${call}() failed: ${strerror(code)} (errno ${code})`));
}
