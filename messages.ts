// Copyright 2026 the pysocket authors. MIT license.
// Python's module-level functions of the message API (DESIGN §20):
// `send_fds`/`recv_fds`, written as CPython's Lib/socket.py writes them,
// against the socket's public `sendmsg`/`recvmsg`; and the `CMSG_LEN`/
// `CMSG_SPACE` macros, with Linux x86_64's layout (_transport/_ffi/msghdr.ts).

import { SCM_RIGHTS, SOL_SOCKET } from "./constants.ts";
import type { Address } from "./address.ts";
import type { BytesLike } from "./_common/bytes.ts";
import { typeName } from "./_common/bytes.ts";
import { ValueError } from "./errors.ts";
import type { Socket } from "./_socket/base.ts";
import { cmsgLen, cmsgSpace } from "./_transport/_ffi/msghdr.ts";

/** The largest result of the macros: CPython bounds them by a C `int` (its `socklen_t` limit). */
const SOCKLEN_MAX = 0x7fffffff;

/** Checks a macro's argument: an integer whose result fits (Python's OverflowError, a `RangeError`). */
function macroArgument(length: unknown, op: string, max: number): number {
  if (typeof length !== "number" || !Number.isInteger(length)) {
    throw new TypeError(`Cannot ${op}: length must be an integer, not '${typeName(length)}'`);
  }
  if (length < 0 || length > max) {
    throw new RangeError(`Cannot ${op}: length must be 0-${max}: current value is ${length}`);
  }
  return length;
}

/**
 * The length of a control message with `length` bytes of data, its header
 * included and no trailing padding: the `cmsg_len` of an ancillary item
 * (Python's `socket.CMSG_LEN()`; on Linux x86_64, `16 + length`).
 *
 * @param length The bytes of data.
 * @returns The control message's length.
 * @throws {TypeError} for a length that is not an integer; {RangeError} (Python's
 *   OverflowError) for a negative one, or one whose result would not fit.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.CMSG_LEN(4)); // 20
 * ```
 */
export function CMSG_LEN(length: number): number {
  return cmsgLen(macroArgument(length, "CMSG_LEN", SOCKLEN_MAX - cmsgLen(0)));
}

/**
 * The room a control message with `length` bytes of data takes in the
 * ancillary buffer, padding included: what to add up for `recvmsg()`'s
 * `ancbufsize` (Python's `socket.CMSG_SPACE()`).
 *
 * @param length The bytes of data.
 * @returns The bytes it takes.
 * @throws {TypeError} for a length that is not an integer; {RangeError} (Python's
 *   OverflowError) for a negative one, or one whose result would not fit.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.CMSG_SPACE(4), socket.CMSG_SPACE(1) + socket.CMSG_SPACE(8)); // 24 48
 * ```
 */
export function CMSG_SPACE(length: number): number {
  // CPython's bound: a length whose room is at most the limit less a one-byte message's.
  return cmsgSpace(macroArgument(length, "CMSG_SPACE", SOCKLEN_MAX - cmsgSpace(1)));
}

/**
 * Sends descriptors `fds` with the bytes of `buffers` over an AF_UNIX
 * socket (`SCM_RIGHTS`), as Python's `socket.send_fds()`. The socket needs a
 * real descriptor (DESIGN §20: run with `PYSOCKET_BACKEND=ffi`); the
 * descriptors stay open here (close them once the peer has them). Each
 * goes as this process has it: a socket's descriptor is non-blocking
 * (`O_NONBLOCK` belongs to the open file, shared by every copy), so a
 * CPython receiver calls `setblocking(True)` on the socket it makes of it.
 *
 * @param sock An AF_UNIX socket.
 * @param buffers Any iterable of bytes-like objects (at least one byte in all, for a stream socket).
 * @param fds The descriptor numbers (e.g. `conn.fileno()`).
 * @param flags `sendmsg()`'s flags.
 * @param address Where to, for a datagram socket that is not connected.
 * @returns The number of bytes sent.
 * @throws {OSError} as `sendmsg()`: `EOPNOTSUPP` for a socket without a
 *   descriptor, `EBADF` for a number that is no open descriptor.
 * @throws {TypeError} for descriptors that are not integers.
 *
 * @example Hand a listening socket to another process
 * ```ts ignore
 * // PYSOCKET_BACKEND=ffi deno run -A send_fds.ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = await socket.socketpair();
 * using srv = socket.create_server(["127.0.0.1", 0]);
 * await socket.send_fds(a, [new TextEncoder().encode("srv")], [srv.fileno()]);
 * const [, fds] = await socket.recv_fds(b, 16, 1);
 * using again = socket.socket(undefined, undefined, undefined, fds[0]);
 * console.log(again.getsockname()[1] === srv.getsockname()[1]); // true
 * ```
 */
export function send_fds(
  sock: Socket,
  buffers: Iterable<BytesLike>,
  fds: Iterable<number>,
  flags: number = 0,
  address?: Address | null,
): Promise<number> {
  let data: Int32Array;
  try {
    data = Int32Array.from(fds, (fd) => {
      if (typeof fd !== "number" || !Number.isInteger(fd)) {
        throw new TypeError(`Cannot send_fds: fds must be integers, not '${typeName(fd)}'`);
      }
      if (fd < 0 || fd > 0x7fffffff) {
        throw new ValueError(
          `Cannot send_fds: a descriptor must be 0 or more: current value is ${fd}`,
        );
      }
      return fd;
    });
  } catch (e) {
    return Promise.reject(e);
  }
  return sock.sendmsg(buffers, [[SOL_SOCKET, SCM_RIGHTS, data]], flags, address);
}

/**
 * Receives up to `bufsize` bytes and up to `maxfds` descriptors sent with
 * them (`SCM_RIGHTS`), as Python's `socket.recv_fds()`. The descriptors are
 * this process's now: adopt one with `socket(undefined, undefined,
 * undefined, fd)`, or close it with `socket.close(fd)`. (Python's version
 * ignores `flags`; this one passes them to `recvmsg()`.)
 *
 * @param sock An AF_UNIX socket with a real descriptor.
 * @param bufsize The most bytes of data to receive.
 * @param maxfds The most descriptors to receive (more are closed by the kernel, with `MSG_CTRUNC`).
 * @param flags `recvmsg()`'s flags (`MSG_CMSG_CLOEXEC`...).
 * @returns `[data, fds, msg_flags, address]`.
 * @throws {ValueError} for a negative `bufsize` or `maxfds`.
 * @throws {OSError} as `recvmsg()`.
 * @throws {TimeoutError|BlockingIOError} per the socket's timeout.
 *
 * @example Receive a descriptor and use it
 * ```ts ignore
 * // PYSOCKET_BACKEND=ffi deno run -A recv_fds.ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = await socket.socketpair();
 * const [c, d] = await socket.socketpair();
 * await socket.send_fds(a, [new Uint8Array([1])], [c.fileno()]);
 * const [data, fds] = await socket.recv_fds(b, 1, 4);
 * using mine = socket.socket(undefined, undefined, undefined, fds[0]);
 * await mine.sendall(new Uint8Array([42]));
 * console.log(data, await d.recv(1)); // Uint8Array(1) [ 1 ] Uint8Array(1) [ 42 ]
 * ```
 */
export async function recv_fds(
  sock: Socket,
  bufsize: number,
  maxfds: number,
  flags: number = 0,
): Promise<
  [data: Uint8Array<ArrayBuffer>, fds: number[], msg_flags: number, address: Address | null]
> {
  if (typeof maxfds === "number" && Number.isInteger(maxfds) && maxfds < 0) {
    throw new ValueError(
      `Cannot recv_fds: maxfds must be non-negative: current value is ${maxfds}`,
    );
  }
  const room = CMSG_LEN(macroArgument(maxfds, "recv_fds", (SOCKLEN_MAX - cmsgLen(0)) >> 2) * 4);
  const [data, ancdata, msgFlags, address] = await sock.recvmsg(bufsize, room, flags);
  const fds: number[] = [];
  for (const [level, type, bytes] of ancdata) {
    if (level !== SOL_SOCKET || type !== SCM_RIGHTS) continue;
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + 4 <= bytes.length; at += 4) fds.push(v.getInt32(at, true));
  }
  return [data, fds, msgFlags, address];
}
