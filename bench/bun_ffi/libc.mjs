// Copyright 2026 the pysocket authors. MIT license.
// bench/bun_ffi: the C library's socket calls through bun:ffi (Linux x86_64).
import { dlopen, read } from "bun:ffi";

/** The calls the probe makes; lengths as u64, sizes of results as i64. */
export const libc = dlopen("libc.so.6", {
  socket: { args: ["i32", "i32", "i32"], returns: "i32" },
  connect: { args: ["i32", "ptr", "u32"], returns: "i32" },
  send: { args: ["i32", "ptr", "u64", "i32"], returns: "i64" },
  recv: { args: ["i32", "ptr", "u64", "i32"], returns: "i64" },
  close: { args: ["i32"], returns: "i32" },
  epoll_create1: { args: ["i32"], returns: "i32" },
  epoll_ctl: { args: ["i32", "i32", "i32", "ptr"], returns: "i32" },
  epoll_wait: { args: ["i32", "ptr", "i32", "i32"], returns: "i32" },
  __errno_location: { args: [], returns: "ptr" },
}).symbols;

const errnoAt = libc.__errno_location();

/** This thread's errno, read right after the call that set it. */
export const errno = () => read.i32(errnoAt, 0);
