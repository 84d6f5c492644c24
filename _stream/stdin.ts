// Copyright 2026 the pysocket authors. MIT license.
// Standard input as a file select() and selectors can watch (Python chat
// clients register sys.stdin beside their sockets): a read-only port over
// the process's stdin with its own reader, so that what select reports is
// what the next read returns, and no byte is lost.

import { OSError } from "../errors.ts";
import { errno } from "../errors.ts";
import { pick } from "../_transport/pick.ts";
import { Reader } from "./reader.ts";
import type { StreamPort } from "./port.ts";

/** A port for a file that reads the process's standard input (never written, never closed). */
export function stdinPort(): StreamPort {
  const reader = new Reader(pick().stdin());
  const refuse = () =>
    Promise.reject(
      new OSError(errno.EBADF, undefined, { detail: "Cannot write: standard input is read-only" }),
    );
  return {
    reader: () => reader,
    deadline: () => null,
    timeout: () => null,
    sendall: refuse,
    send: refuse,
    shutdownWrite: refuse,
    closed: () => false,
    fileno: 0,
    retain() {},
    release() {},
  };
}
