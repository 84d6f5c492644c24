// Copyright 2026 the pysocket authors. MIT license.
/**
 * Python's `select.select()` for pysocket sockets: wait until some of many
 * sockets are ready to read or write, as Python tutorials do to serve many
 * clients without threads.
 *
 * A stream socket is readable when its buffer holds bytes or the end of
 * the stream, a listening socket when a connection is waiting, a datagram
 * socket when a datagram is queued; a socket is writable when a send would
 * not wait. Readiness never consumes anything: what made a socket ready is
 * returned by its next `recv`, `accept` or `recvfrom`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import { select } from "@pysocket/socket/select";
 *
 * using srv = socket.socket();
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 * using cli = await socket.create_connection(srv.getsockname() as [string, number]);
 * const [readable] = await select([srv], [], [], 5);
 * console.log(readable[0] === srv); // true
 * const [conn] = await srv.accept();
 * conn.close();
 * ```
 *
 * @module
 */

import { typeName } from "./_common/bytes.ts";
import { SocketFile } from "./makefile.ts";
import { stdinPort } from "./_stream/stdin.ts";
import { type Interest, Registry, watchOf } from "./_common/readiness.ts";
import { checkTimeout } from "./_common/deadline.ts";

export { ValueError } from "./errors.ts";

let input: SocketFile<string> | null = null;

/**
 * The process's standard input as a text file that `select()` and
 * selectors accept beside sockets — Python's `sys.stdin` in a chat client's
 * `select([sys.stdin, sock], [], [])`. It is readable when a line's worth
 * (or end of input) has arrived; `readline()` then returns it. What select
 * reports, the next read returns: no byte is lost between them. The same
 * object every call.
 *
 * @returns Standard input as a `SocketFile<string>` (mode `"r"`, UTF-8, `fileno()` 0).
 *
 * @example A chat client's loop
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import { select, stdin } from "@pysocket/socket/select";
 *
 * async function chat(address: socket.IPv4Address): Promise<void> {
 *   using sock = await socket.create_connection(address);
 *   const input = stdin();
 *   for (;;) {
 *     const [ready] = await select([input, sock], [], []);
 *     if (ready.includes(input)) {
 *       const line = await input.readline();
 *       if (line === "") return; // end of input
 *       await sock.sendall(new TextEncoder().encode(line));
 *     }
 *     if (ready.includes(sock)) {
 *       const data = await sock.recv(1024);
 *       if (data.length === 0) return; // the server closed
 *       console.log(new TextDecoder().decode(data));
 *     }
 *   }
 * }
 *
 * console.log(stdin().fileno(), stdin() === stdin()); // 0 true
 * // await chat(["127.0.0.1", 8080]);
 * ```
 */
export function stdin(): SocketFile<string> {
  return input ??= new SocketFile<string>(stdinPort(), "r");
}

/** Python's `select.error`: an alias of `OSError`. */
export { OSError as error } from "./errors.ts";

/** The members of an argument that must be iterable (Python: a sequence). */
function sequence<T>(value: Iterable<T>, name: string): T[] {
  const it = (value as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator];
  if (typeof value === "string" || typeof it !== "function") {
    throw new TypeError(`Cannot select: ${name} must be a sequence, not '${typeName(value)}'`);
  }
  return [...value];
}

/**
 * An object `select()` accepts: a pysocket socket, a file from `makefile()`
 * or {@linkcode stdin} (anything else raises `TypeError`).
 */
export interface FileDescriptorLike {
  /**
   * The socket's number; -1 once closed.
   *
   * @returns The number.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import type { FileDescriptorLike } from "@pysocket/socket/select";
   *
   * const sock: FileDescriptorLike = socket.socket();
   * console.log(sock.fileno() >= 3); // true
   * (sock as socket.Socket).close();
   * console.log(sock.fileno()); // -1
   * ```
   */
  fileno(): number;
}

/**
 * Waits until some of the given sockets are ready, like Python's
 * `select.select()`, and resolves `[readable, writable, exceptional]`: the
 * members of `rlist` that are ready to read, of `wlist` that are ready to
 * write, and of `xlist` that have an exceptional condition (never: Deno
 * has no out-of-band data, so that list is always empty), each in the
 * order given. A socket may appear in several lists (or twice in one, as
 * in Python). All three lists are empty when the timeout passes first.
 *
 * - Readable: a stream socket holds bytes or the end of its stream (or a
 *   read error), a listening socket has a connection waiting, a datagram
 *   socket has a datagram queued. The next `recv`/`accept`/`recvfrom`
 *   returns exactly that: select never consumes anything, and nothing is
 *   lost when it times out.
 * - Writable: a send would not wait (a connect under way has finished,
 *   and an earlier send is not still being written in the background).
 *
 * Sockets may be in any blocking mode. A socket closed while select waits
 * is reported in the lists it was given in (so the caller's next call on
 * it raises `OSError` `EBADF`).
 *
 * @param rlist Sockets to wait for until they are readable.
 * @param wlist Sockets to wait for until they are writable.
 * @param xlist Sockets to check for exceptional conditions (checked, never reported).
 * @param timeout Seconds to wait at most; `null` or omitted waits as long as
 * it takes; `0` polls (giving the event loop one turn, so that data already
 * arrived is seen).
 * @returns The ready sockets of each list.
 * @throws {TypeError} for an element without a `fileno()` method, one not
 * made by pysocket (Deno has no file descriptors to watch), or a timeout
 * that is not a number.
 * @throws {OSError} `EBADF` for a closed socket. (Python raises `ValueError`
 * for the file descriptor -1 of a closed socket object and `OSError`
 * `EBADF` for a closed descriptor; pysocket always raises the latter.)
 * @throws {ValueError} for a negative timeout.
 *
 * @example A client waiting for its reply or a timeout
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import { select } from "@pysocket/socket/select";
 *
 * using srv = socket.socket();
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 * using cli = await socket.create_connection(srv.getsockname() as [string, number]);
 * cli.setblocking(false);
 *
 * let [r, w] = await select([cli], [cli], [], 0);
 * console.log(r.length, w.length); // 0 1
 *
 * const [conn] = await srv.accept();
 * await conn.sendall(new TextEncoder().encode("hi"));
 * [r] = await select([cli], [], [], 5);
 * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hi"
 * conn.close();
 * ```
 */
export async function select<
  R extends FileDescriptorLike,
  W extends FileDescriptorLike,
  X extends FileDescriptorLike,
>(
  rlist: Iterable<R>,
  wlist: Iterable<W>,
  xlist: Iterable<X>,
  timeout?: number | null,
): Promise<[R[], W[], X[]]> {
  const rs = sequence(rlist, "rlist"), ws = sequence(wlist, "wlist"), xs = sequence(xlist, "xlist");
  const seconds = checkTimeout(timeout, "select");
  const interests = new Map<object, Interest>();
  const add = (obj: unknown, read: boolean, write: boolean) => {
    watchOf(obj, "select");
    const known = interests.get(obj as object);
    if (known) {
      known.read ||= read;
      known.write ||= write;
    } else interests.set(obj as object, { sock: obj as object, read, write });
  };
  for (const s of rs) add(s, true, false);
  for (const s of ws) add(s, false, true);
  for (const s of xs) add(s, false, false);
  // A registry for this call only: each socket listened on once while it waits.
  const registry = new Registry<object>();
  for (const interest of interests.values()) {
    if (interest.read || interest.write) registry.add(interest.sock, interest);
  }
  let found: [R[], W[], X[]] | null;
  try {
    found = await registry.wait(seconds, () => {
      const readable = new Set<object>(), writable = new Set<object>();
      registry.collect((sock, now) => {
        if (now.readable) readable.add(sock);
        if (now.writable) writable.add(sock);
      });
      if (readable.size === 0 && writable.size === 0) return null;
      return [rs.filter((s) => readable.has(s)), ws.filter((s) => writable.has(s)), []];
    });
  } finally {
    registry.clear();
  }
  return found ?? [[], [], []];
}
