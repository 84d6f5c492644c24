// Copyright 2026 the pysocket authors. MIT license.
// What a stream socket hands down to the objects built on it — the files of
// `makefile()` and the `readable`/`writable` streams — so that they use the
// socket's one reader and writer without reaching back into the socket.

import type { Deadline } from "../_common/deadline.ts";
import type { Reader } from "./reader.ts";

/** A stream socket, as the objects built on it see it. */
export interface StreamPort {
  /**
   * The socket's reader, asked for as each read starts; waits for a
   * connect under way, throws `ENOTCONN` (not connected) or `EBADF` (the
   * connection is gone).
   */
  reader(op: string): Reader | Promise<Reader>;
  /** The deadline of an operation starting now, by the socket's timeout. */
  deadline(): Deadline;
  /** The socket's timeout in seconds (`null`: blocking; `0`: non-blocking). */
  timeout(): number | null;
  /** Sends all of `data` (the socket's `sendall`), working while a file keeps the connection. */
  sendall(data: Uint8Array): Promise<void>;
  /** Sends some of `data` until `deadline` (the socket's `send`); resolves the count. */
  send(data: Uint8Array, deadline: Deadline): Promise<number>;
  /** Half-closes the connection (`shutdown(SHUT_WR)`). */
  shutdownWrite(): Promise<void>;
  /** Whether the connection is gone (the socket closed, and no file keeps it). */
  closed(): boolean;
  /** The socket's `fileno()` when the file was made (Python's file `name`). */
  readonly fileno: number;
  /** A file keeps the connection open until `release()`, even after the socket's `close()`. */
  retain(): void;
  /** The file is closed: the connection goes when the socket is closed and no file holds it. */
  release(): void;
}
