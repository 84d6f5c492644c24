// Copyright 2026 the pysocket authors. MIT license.
// What a stream socket hands down to the objects built on it — the files of
// `makefile()` and the `readable`/`writable` streams — so that they use the
// socket's one reader and writer without reaching back into the socket.

import type { Deadline } from "../_common/deadline.ts";
import type { Reader } from "./reader.ts";

/** A stream socket, as the objects built on it see it. */
export interface StreamPort {
  /** The socket's reader; waits for a connect under way, throws `ENOTCONN`/`EBADF` otherwise. */
  reader(op: string): Reader | Promise<Reader>;
  /** The deadline of an operation starting now, by the socket's timeout. */
  deadline(): Deadline;
  /** Sends all of `data` (the socket's `sendall`). */
  sendall(data: Uint8Array): Promise<void>;
  /** Half-closes the connection (`shutdown(SHUT_WR)`). */
  shutdownWrite(): Promise<void>;
  /** Whether the socket is closed. */
  closed(): boolean;
}
