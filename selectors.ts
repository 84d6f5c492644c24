// Copyright 2026 the pysocket authors. MIT license.
/**
 * Python's `selectors` module for pysocket sockets: register sockets with
 * the events to watch and data of your own, then wait for whichever is
 * ready. The classic way to serve many clients without threads.
 *
 * @example An echo server that serves any number of clients in one task
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import * as selectors from "@pysocket/socket/selectors";
 *
 * using sel = new selectors.DefaultSelector<socket.StreamSocket, "listener" | "client">();
 * using srv = socket.socket();
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 * srv.setblocking(false);
 * sel.register(srv, selectors.EVENT_READ, "listener");
 *
 * using cli = await socket.create_connection(srv.getsockname() as [string, number]);
 * await cli.sendall(new TextEncoder().encode("ping"));
 *
 * for (let turn = 0; turn < 10; turn++) {
 *   for (const [key] of await sel.select(5)) {
 *     if (key.data === "listener") {
 *       const [conn] = await srv.accept();
 *       conn.setblocking(false);
 *       sel.register(conn, selectors.EVENT_READ, "client");
 *     } else {
 *       const data = await key.fileobj.recv(1024);
 *       if (data.length) await key.fileobj.sendall(data);
 *       else {
 *         sel.unregister(key.fileobj);
 *         key.fileobj.close();
 *       }
 *     }
 *   }
 *   if (turn === 1) {
 *     console.log(new TextDecoder().decode(await cli.recv(1024))); // "ping"
 *     cli.close();
 *   }
 *   if (sel.get_map().size === 1 && turn > 1) break;
 * }
 * ```
 *
 * @module
 */

import { errno, KeyError, OSError, RuntimeError, ValueError } from "./errors.ts";
import { typeName } from "./_common/bytes.ts";
import { isClosed, Registry, watchOf } from "./_common/readiness.ts";
import { checkTimeout } from "./_common/deadline.ts";
import type { StreamSocket } from "./tcp.ts";

export { KeyError, RuntimeError, ValueError } from "./errors.ts";
/** The default type of registered sockets (re-exported for the type parameters). */
export type { StreamSocket } from "./tcp.ts";

/** Wait until the socket is readable: Python's `selectors.EVENT_READ`. */
export const EVENT_READ = 1;
/** Wait until the socket is writable: Python's `selectors.EVENT_WRITE`. */
export const EVENT_WRITE = 2;

/**
 * What a selector watches: a pysocket socket, a file from `makefile()` or
 * `stdin()` of `@pysocket/socket/select` (anything else raises `TypeError`).
 */
export interface FileObject {
  /**
   * The socket's number; -1 once closed. A selector keys its registrations by it.
   *
   * @returns The number.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
   *
   * using sel = new DefaultSelector();
   * using sock = socket.socket();
   * const key = sel.register(sock, EVENT_READ);
   * console.log(key.fd === sock.fileno()); // true
   * ```
   */
  fileno(): number;
}

/**
 * A registration: the socket, its number, the events watched and the data
 * given with it. Python's `selectors.SelectorKey` (a named tuple there;
 * immutable here too).
 *
 * @typeParam F The type of the registered sockets.
 * @typeParam D The type of the data kept with them.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
 *
 * using sel = new DefaultSelector();
 * using sock = socket.socket();
 * const key = sel.register(sock, EVENT_READ, "mine");
 * console.log(key.fileobj === sock, key.fd === sock.fileno(), key.events, key.data);
 * // true true 1 "mine"
 * ```
 */
export class SelectorKey<F extends FileObject = StreamSocket, D = unknown> {
  /** The registered socket. */
  readonly fileobj: F;
  /** Its number (`fileno()`) when it was registered. */
  readonly fd: number;
  /** The events watched: `EVENT_READ`, `EVENT_WRITE` or both. */
  readonly events: number;
  /** The data given at registration (`undefined` if none). */
  readonly data: D;

  /**
   * Made by `register()` and `modify()`; frozen once made.
   *
   * @param fileobj The socket.
   * @param fd Its number.
   * @param events The events watched.
   * @param data The caller's data.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { EVENT_READ, SelectorKey } from "@pysocket/socket/selectors";
   *
   * using sock = socket.socket();
   * const key = new SelectorKey(sock, sock.fileno(), EVENT_READ, "data");
   * console.log(Object.isFrozen(key), key.data); // true "data"
   * ```
   */
  constructor(fileobj: F, fd: number, events: number, data: D) {
    this.fileobj = fileobj;
    this.fd = fd;
    this.events = events;
    this.data = data;
    Object.freeze(this);
  }
}

function checkEvents(events: unknown): number {
  if (
    typeof events !== "number" || !Number.isInteger(events) || events === 0 ||
    (events & ~(EVENT_READ | EVENT_WRITE)) !== 0
  ) {
    throw new ValueError(
      `Invalid events: ${typeof events === "number" ? events : `'${typeName(events)}'`}`,
    );
  }
  return events;
}

function nameOf(obj: unknown): string {
  const fd = (obj as FileObject | null)?.fileno;
  const shown = typeof fd === "function" ? `socket (FD ${(obj as FileObject).fileno()})` : "";
  return shown || (typeof obj === "number" ? `FD ${obj}` : `'${typeName(obj)}'`);
}

/**
 * What `get_map()` returns: a read-only map from socket number to key whose
 * `get()` and `has()` also take the registered object, as Python's mapping does.
 *
 * @typeParam F The type of the registered sockets.
 * @typeParam D The type of the data kept with them.
 */
export interface SelectorMap<F extends FileObject, D>
  extends ReadonlyMap<number, SelectorKey<F, D>> {
  /**
   * The key of a socket, by its number or the socket itself.
   *
   * @param fd The socket's registered number, or the socket.
   * @returns Its key, or `undefined` if it is not registered.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
   *
   * using sel = new DefaultSelector();
   * using sock = socket.socket();
   * sel.register(sock, EVENT_READ);
   * const map = sel.get_map();
   * console.log(map.get(sock) === map.get(sock.fileno()), map.get(-1)); // true undefined
   * ```
   */
  get(fd: number | F): SelectorKey<F, D> | undefined;
  /**
   * Whether a socket (by number or itself) is registered.
   *
   * @param fd The socket's registered number, or the socket.
   * @returns `true` if it is registered.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
   *
   * using sel = new DefaultSelector();
   * using sock = socket.socket();
   * sel.register(sock, EVENT_READ);
   * console.log(sel.get_map().has(sock), sel.get_map().has(-1)); // true false
   * ```
   */
  has(fd: number | F): boolean;
}

/**
 * A read-only, live view of a selector's registrations: socket number → key,
 * looked up by the number or by the registered object itself, as Python's.
 */
class SelectorMapping<F extends FileObject, D> implements SelectorMap<F, D> {
  #keys: Map<number, SelectorKey<F, D>>;
  constructor(keys: Map<number, SelectorKey<F, D>>) {
    this.#keys = keys;
  }
  get size(): number {
    return this.#keys.size;
  }
  get(fd: number | F): SelectorKey<F, D> | undefined {
    if (typeof fd === "number") return this.#keys.get(fd);
    for (const key of this.#keys.values()) if (key.fileobj === fd) return key;
    return undefined;
  }
  has(fd: number | F): boolean {
    return this.get(fd) !== undefined;
  }
  forEach(
    fn: (key: SelectorKey<F, D>, fd: number, map: ReadonlyMap<number, SelectorKey<F, D>>) => void,
    thisArg?: unknown,
  ): void {
    for (const [fd, key] of this.#keys) fn.call(thisArg, key, fd, this);
  }
  entries(): MapIterator<[number, SelectorKey<F, D>]> {
    return this.#keys.entries();
  }
  keys(): MapIterator<number> {
    return this.#keys.keys();
  }
  values(): MapIterator<SelectorKey<F, D>> {
    return this.#keys.values();
  }
  [Symbol.iterator](): MapIterator<[number, SelectorKey<F, D>]> {
    return this.#keys.entries();
  }
}

/**
 * Watches registered sockets for readiness: Python's
 * `selectors.DefaultSelector`. (Python picks epoll, kqueue or select by
 * platform; pysocket has one implementation, also exported as
 * {@linkcode SelectSelector}.)
 *
 * Readiness is that of {@linkcode [select].select | select()}: it never
 * consumes anything, so the next `recv`/`accept`/`recvfrom` on a socket
 * returns what made it ready. Register sockets in any blocking mode;
 * tutorials use `setblocking(false)` so that a read never waits.
 *
 * @typeParam F The type of the registered sockets (default `StreamSocket`).
 * @typeParam D The type of the data kept with them.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import * as selectors from "@pysocket/socket/selectors";
 *
 * using sel = new selectors.DefaultSelector();
 * using srv = socket.socket();
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 * sel.register(srv, selectors.EVENT_READ);
 * console.log((await sel.select(0)).length); // 0
 * using cli = await socket.create_connection(srv.getsockname() as [string, number]);
 * const [[key, events]] = await sel.select(5);
 * console.log(key.fileobj === srv, events === selectors.EVENT_READ); // true true
 * const [conn] = await srv.accept();
 * conn.close();
 * ```
 */
export class DefaultSelector<F extends FileObject = StreamSocket, D = unknown> {
  #keys = new Map<number, SelectorKey<F, D>>();
  #registry = new Registry<number>();
  #map = new SelectorMapping(this.#keys);
  #closed = false;
  /** Aborted by `close()`, to wake the calls of `select()` under way (made by the first wait). */
  #closing: AbortController | null = null;

  #checkOpen(op: string): void {
    if (this.#closed) throw new RuntimeError(`Cannot ${op}: Selector is closed`);
  }

  /** The key of `fileobj`: found by number, or (once closed, fd -1) by identity. */
  #lookup(fileobj: F | number, op: string): SelectorKey<F, D> {
    if (typeof fileobj === "number") {
      const key = this.#keys.get(fileobj);
      if (key) return key;
    } else {
      const fd = typeof fileobj?.fileno === "function" ? fileobj.fileno() : -1;
      const key = this.#keys.get(fd);
      if (key && key.fileobj === fileobj) return key;
      for (const k of this.#keys.values()) if (k.fileobj === fileobj) return k;
    }
    throw new KeyError(`Cannot ${op}: ${nameOf(fileobj)} is not registered`);
  }

  /**
   * Starts watching `fileobj` for `events`, keeping `data` with it.
   *
   * @param fileobj A pysocket socket, open.
   * @param events `EVENT_READ`, `EVENT_WRITE` or `EVENT_READ | EVENT_WRITE`.
   * @param data Anything, handed back with each ready event (e.g. a handler).
   * @returns The new key.
   * @throws {ValueError} for a bad event mask or a closed socket (fd -1, as Python).
   * @throws {KeyError} if the socket is already registered.
   * @throws {TypeError} for an object that is not a pysocket socket.
   * @throws {RuntimeError} once the selector is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ, KeyError } from "@pysocket/socket/selectors";
   *
   * using sel = new DefaultSelector();
   * using sock = socket.socket();
   * sel.register(sock, EVENT_READ);
   * try {
   *   sel.register(sock, EVENT_READ);
   * } catch (e) {
   *   console.log(e instanceof KeyError); // true
   * }
   * ```
   */
  register(fileobj: F, events: number, data?: D): SelectorKey<F, D> {
    this.#checkOpen("register");
    checkEvents(events);
    if (typeof fileobj?.fileno !== "function") {
      throw new ValueError(`Invalid file object: '${typeName(fileobj)}'`);
    }
    const fd = fileobj.fileno();
    if (fd < 0) throw new ValueError(`Invalid file descriptor: ${fd}`);
    watchOf(fileobj, "register");
    if (this.#keys.has(fd)) {
      throw new KeyError(`${nameOf(fileobj)} is already registered`);
    }
    const key = new SelectorKey<F, D>(fileobj, fd, events, data as D);
    this.#keys.set(fd, key);
    this.#registry.add(fd, {
      sock: fileobj,
      read: (events & EVENT_READ) !== 0,
      write: (events & EVENT_WRITE) !== 0,
    });
    return key;
  }

  /**
   * Stops watching `fileobj` (open or already closed).
   *
   * @param fileobj The registered socket (or its registered number).
   * @returns Its key.
   * @throws {KeyError} if it is not registered.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
   *
   * using sel = new DefaultSelector();
   * using sock = socket.socket();
   * sel.register(sock, EVENT_READ);
   * console.log(sel.unregister(sock).fileobj === sock, sel.get_map().size); // true 0
   * ```
   */
  unregister(fileobj: F | number): SelectorKey<F, D> {
    this.#checkOpen("unregister");
    const key = this.#lookup(fileobj, "unregister");
    this.#keys.delete(key.fd);
    this.#registry.remove(key.fd);
    return key;
  }

  /**
   * Changes the events watched on `fileobj`, or its data.
   *
   * @param fileobj The registered socket.
   * @param events The new events.
   * @param data The new data (`undefined` if omitted, as in Python).
   * @returns The new key.
   * @throws {KeyError} if it is not registered.
   * @throws {ValueError} for a bad event mask.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as selectors from "@pysocket/socket/selectors";
   *
   * using sel = new selectors.DefaultSelector();
   * using sock = socket.socket();
   * sel.register(sock, selectors.EVENT_READ);
   * const key = sel.modify(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, "both");
   * console.log(key.events, key.data); // 3 "both"
   * ```
   */
  modify(fileobj: F | number, events: number, data?: D): SelectorKey<F, D> {
    this.#checkOpen("modify");
    const old = this.#lookup(fileobj, "modify");
    checkEvents(events);
    const key = new SelectorKey<F, D>(old.fileobj, old.fd, events, data as D);
    this.#keys.set(old.fd, key);
    this.#registry.remove(old.fd);
    this.#registry.add(old.fd, {
      sock: old.fileobj,
      read: (events & EVENT_READ) !== 0,
      write: (events & EVENT_WRITE) !== 0,
    });
    return key;
  }

  /**
   * Waits until some registered sockets are ready, or `timeout` passes.
   * Resolves `[key, events]` pairs, `events` being what is ready of what
   * the key watches; an empty list when the timeout passes first. A
   * registered socket closed while select waits is reported with all its
   * events (its next call raises `OSError` `EBADF`); one already closed
   * when select is called raises (unregister sockets before closing them).
   *
   * @param timeout Seconds; `null` or omitted waits as long as it takes;
   * `0` or less polls (one turn of the event loop).
   * @returns The ready keys and their ready events.
   * @throws {OSError} `EBADF` if a registered socket is closed.
   * @throws {RuntimeError} once the selector is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import * as selectors from "@pysocket/socket/selectors";
   *
   * using sel = new selectors.DefaultSelector();
   * const [a, b] = await socket.socketpair();
   * sel.register(a, selectors.EVENT_READ | selectors.EVENT_WRITE);
   * const [[key, events]] = await sel.select(1);
   * console.log(key.fileobj === a, events === selectors.EVENT_WRITE); // true true
   * a.close();
   * b.close();
   * ```
   */
  async select(timeout?: number | null): Promise<[SelectorKey<F, D>, number][]> {
    this.#checkOpen("select");
    const seconds = checkTimeout(timeout, "select", true);
    // A socket found closed before this call (reported once already): Python's EBADF.
    for (const fd of this.#registry.dirty()) {
      if (isClosed(this.#keys.get(fd)!.fileobj)) {
        throw new OSError(errno.EBADF, undefined, {
          detail: "Cannot select: a registered socket is closed",
        });
      }
    }
    const found = await this.#registry.wait(seconds, () => {
      const ready: [SelectorKey<F, D>, number][] = [];
      this.#registry.collect((fd, now) => {
        const key = this.#keys.get(fd)!;
        const events = key.events &
          ((now.readable ? EVENT_READ : 0) | (now.writable ? EVENT_WRITE : 0));
        if (events) ready.push([key, events]);
      });
      return ready.length ? ready : null;
    }, (this.#closing ??= new AbortController()).signal);
    return found ?? [];
  }

  /**
   * The key of a registered socket.
   *
   * @param fileobj The socket (or its registered number).
   * @returns Its key.
   * @throws {KeyError} if it is not registered.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { DefaultSelector, EVENT_WRITE } from "@pysocket/socket/selectors";
   *
   * using sel = new DefaultSelector<socket.StreamSocket, number>();
   * using sock = socket.socket();
   * sel.register(sock, EVENT_WRITE, 42);
   * console.log(sel.get_key(sock).data); // 42
   * ```
   */
  get_key(fileobj: F | number): SelectorKey<F, D> {
    this.#checkOpen("get_key");
    return this.#lookup(fileobj, "get_key");
  }

  /**
   * The registrations, as a read-only live map from socket number to key
   * (`get()`/`has()` also take the socket itself, as in Python).
   *
   * @returns The map.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
   *
   * using sel = new DefaultSelector();
   * using sock = socket.socket();
   * sel.register(sock, EVENT_READ);
   * console.log(sel.get_map().get(sock.fileno())?.fileobj === sock); // true
   * ```
   */
  get_map(): SelectorMap<F, D> {
    return this.#map;
  }

  /**
   * Forgets every registration (the sockets stay open: close them yourself)
   * and wakes any `select()` under way, which resolves an empty list.
   * Idempotent; later calls but `get_map`/`close` raise `RuntimeError`.
   *
   * @example
   * ```ts
   * import { DefaultSelector } from "@pysocket/socket/selectors";
   * const sel = new DefaultSelector();
   * sel.close();
   * console.log(sel.get_map().size); // 0
   * ```
   */
  close(): void {
    this.#closed = true;
    this.#keys.clear();
    this.#registry.clear();
    this.#closing?.abort();
  }

  /**
   * Calls `close()`: what `using sel = new DefaultSelector()` calls at the
   * end of the block (the registered sockets stay open).
   *
   * @example
   * ```ts
   * import { DefaultSelector, RuntimeError } from "@pysocket/socket/selectors";
   *
   * let outer: DefaultSelector;
   * {
   *   using sel = new DefaultSelector();
   *   outer = sel;
   * }
   * try {
   *   await outer.select(0);
   * } catch (e) {
   *   console.log(e instanceof RuntimeError); // true
   * }
   * ```
   */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Python's `selectors.SelectSelector`: the same as
 * {@linkcode DefaultSelector} here.
 *
 * @example
 * ```ts
 * import { DefaultSelector, SelectSelector } from "@pysocket/socket/selectors";
 * using sel = new SelectSelector();
 * console.log(sel instanceof DefaultSelector); // true
 * ```
 */
export class SelectSelector<F extends FileObject = StreamSocket, D = unknown>
  extends DefaultSelector<F, D> {}
