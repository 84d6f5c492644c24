// Copyright 2026 the pysocket authors. MIT license.
// BaseServer: the request loop every server shares — serve_forever(),
// handle_request(), shutdown() and the overridable hooks, in Python's order:
// get_request → verify_request → process_request → finish_request →
// shutdown_request. It waits for requests through the readiness mechanism
// of select and selectors, as CPython's socketserver does through
// selectors. The socket servers (servers.ts) fill in the hooks.

import {
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionResetError,
  errno,
  OSError,
} from "../errors.ts";
import { type Address, reprAddress } from "../address.ts";
import type { Socket } from "../_socket/base.ts";
import { Registry, watchOf } from "../_common/readiness.ts";

/** What `get_request()` failing for want of resources means to the loop. */
const STARVED = "starved";
/** The errnos of a request that could not be taken for want of descriptors or memory. */
const SCARCE = new Set<number>([errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM]);

/**
 * What a request handler class looks like to a server: Python's
 * `RequestHandlerClass`, made with the request, the client's address and the
 * server (a handler may declare its server as a subclass of `BaseServer`).
 *
 * @typeParam R The server's request type.
 */
export type RequestHandlerClass<R> = new (
  request: R,
  client_address: Address,
  server: BaseServer<R>,
) => RequestHandlerLike;

/**
 * The three steps a server runs on a handler: `setup()`, `handle()`,
 * `finish()`. {@linkcode BaseRequestHandler} and its subclasses are such
 * handlers; any class made with `(request, client_address, server)` that
 * has the three methods will do.
 */
export interface RequestHandlerLike {
  /**
   * Runs before `handle()`: prepares what `handle()` uses.
   *
   * @returns Nothing, or a promise the server awaits.
   *
   * @example
   * ```ts
   * import type * as socket from "@pysocket/socket";
   * import type { socketserver } from "@pysocket/socket";
   *
   * class Greeter implements socketserver.RequestHandlerLike {
   *   greeting = "";
   *   constructor(readonly request: socket.StreamSocket) {}
   *   setup() {
   *     this.greeting = "hello";
   *   }
   *   async handle() {
   *     await this.request.sendall(new TextEncoder().encode(this.greeting));
   *   }
   *   finish() {}
   * }
   * ```
   */
  setup(): void | Promise<void>;
  /**
   * Serves the request.
   *
   * @returns Nothing, or a promise the server awaits.
   *
   * @example
   * ```ts
   * import type * as socket from "@pysocket/socket";
   * import type { socketserver } from "@pysocket/socket";
   *
   * class Echo implements socketserver.RequestHandlerLike {
   *   constructor(readonly request: socket.StreamSocket) {}
   *   setup() {}
   *   async handle() {
   *     await this.request.sendall(await this.request.recv(1024));
   *   }
   *   finish() {}
   * }
   * ```
   */
  handle(): void | Promise<void>;
  /**
   * Runs after `handle()`, even when it threw: releases what `setup()` made.
   *
   * @returns Nothing, or a promise the server awaits.
   *
   * @example
   * ```ts
   * import type * as socket from "@pysocket/socket";
   * import type { socketserver } from "@pysocket/socket";
   *
   * class Timed implements socketserver.RequestHandlerLike {
   *   started = 0;
   *   constructor(readonly request: socket.StreamSocket) {}
   *   setup() {
   *     this.started = performance.now();
   *   }
   *   handle() {}
   *   finish() {
   *     console.log(`served in ${performance.now() - this.started} ms`);
   *   }
   * }
   * ```
   */
  finish(): void | Promise<void>;
}

/**
 * Whether an error means only that the client went away mid-request (a reset
 * or a broken pipe): that ends the request quietly, it is not a server error.
 */
export function isClientGone(e: unknown): boolean {
  return e instanceof ConnectionResetError || e instanceof BrokenPipeError ||
    e instanceof ConnectionAbortedError;
}

/**
 * Python's `socketserver.BaseServer`: the request loop, independent of the
 * kind of socket. Subclasses supply `get_request()` (and usually a `socket`
 * whose readiness the loop waits on); {@linkcode TCPServer} and
 * {@linkcode UDPServer} are the ones to use.
 *
 * A request goes through `get_request → verify_request → process_request →
 * finish_request → shutdown_request`, each an overridable method that may be
 * async. An error thrown while processing a request goes to `handle_error()`
 * and never stops the server; a client that disconnects mid-request
 * (`ConnectionResetError`, `BrokenPipeError`) only ends its own request.
 *
 * Python keeps settings such as `timeout` as class attributes; here each is
 * a `static` field (`static override timeout = 5`), which the instance
 * starts with (the most derived class's value, read by
 * {@linkcode classAttr}); `this.timeout = 5` then overrides it for one
 * instance, as Python's `self.timeout = 5` does.
 *
 * @typeParam R What `get_request()` returns as a request: a connected
 *   `StreamSocket` for stream servers, `[data, socket]` for datagram servers.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import { socketserver } from "@pysocket/socket";
 *
 * class Echo extends socketserver.StreamRequestHandler {
 *   override async handle() {
 *     await this.wfile.write(await this.rfile.readline());
 *   }
 * }
 * const server = new socketserver.TCPServer(["127.0.0.1", 0], Echo);
 * const serving = server.serve_forever();
 *
 * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
 * await cli.sendall(new TextEncoder().encode("echo\n"));
 * console.log(new TextDecoder().decode(await cli.recv(1024))); // "echo\n"
 *
 * // ... later, from another task:
 * await server.shutdown();
 * await serving;
 * await server.server_close();
 * ```
 */
export class BaseServer<R = unknown> implements AsyncDisposable, Disposable {
  /** Seconds `handle_request()` waits before calling `handle_timeout()`; `null` waits forever. */
  static timeout: number | null = null;

  /** The address the server listens on (after binding: the address the system gave). */
  server_address: Address;
  /**
   * Seconds `handle_request()` waits before calling `handle_timeout()`;
   * `null` waits forever. Starts as the class's `static timeout`.
   */
  timeout: number | null = classAttr(this, "timeout");
  /** The class instantiated for each request. */
  RequestHandlerClass: RequestHandlerClass<R>;
  /** The listening (or receiving) socket, where the subclass has one. */
  socket?: Socket;
  #serving = false;
  #shutdownRequest = false;
  #stopped: Promise<void> = Promise.resolve();
  /** Aborted by `shutdown()` to wake the loop's wait for a request. */
  #waking: AbortController | null = null;

  /**
   * Records the address and the handler class; binds nothing.
   *
   * @param server_address The address to serve.
   * @param RequestHandlerClass The handler class, instantiated once per request.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   * const server = new socketserver.BaseServer(["127.0.0.1", 0], socketserver.BaseRequestHandler);
   * console.log(server.server_address, server.socket); // [ "127.0.0.1", 0 ] undefined
   * ```
   */
  constructor(server_address: Address, RequestHandlerClass: RequestHandlerClass<R>) {
    this.server_address = server_address;
    this.RequestHandlerClass = RequestHandlerClass;
  }

  /**
   * Called by the constructor to start listening; does nothing here
   * ({@linkcode TCPServer} listens).
   *
   * @example Bind and activate later, as `bind_and_activate = false` leaves it
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const server = new socketserver.TCPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.StreamRequestHandler,
   *   false,
   * );
   * server.server_bind();
   * server.server_activate();
   * console.log(server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)); // 1
   * await server.server_close();
   * ```
   */
  server_activate(): void {}

  /**
   * Handles requests, one after another, until `shutdown()` is called. It
   * waits for the socket to become readable (never a busy loop), and calls
   * `service_actions()` after each request and at least every
   * `poll_interval` seconds.
   *
   * @param poll_interval Seconds between calls of `service_actions()` when idle.
   * @returns A promise that resolves once `shutdown()` has stopped the loop.
   * @throws {OSError} `EBADF` if the server socket is closed while serving;
   *   `EALREADY` if the loop is already running.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Hello extends socketserver.BaseRequestHandler {
   *   override async handle() {
   *     await this.request.sendall(new TextEncoder().encode("hello"));
   *   }
   * }
   * await using server = new socketserver.ThreadingTCPServer(["127.0.0.1", 0], Hello);
   * const serving = server.serve_forever();
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
   * await server.shutdown();
   * await serving;
   * ```
   */
  async serve_forever(poll_interval = 0.5): Promise<void> {
    if (this.#serving) {
      throw new OSError(errno.EALREADY, undefined, {
        detail: "Cannot serve_forever: the server is already serving",
      });
    }
    this.#serving = true;
    let resolve!: () => void; // (Promise.withResolvers is not in Node 20)
    this.#stopped = new Promise<void>((r) => resolve = r);
    try {
      while (!this.#shutdownRequest) {
        const ready = await this.#select(poll_interval, true);
        if (this.#shutdownRequest) break;
        if (ready && await this.#handleRequestNoblock() === STARVED) {
          // Out of descriptors or memory: the listening socket stays readable,
          // and accepting again at once would only spin. Wait a little.
          await this.#wait(Math.min(poll_interval, 0.1));
        }
        await this.service_actions();
      }
    } finally {
      this.#shutdownRequest = false;
      this.#serving = false;
      resolve();
    }
  }

  /**
   * Stops the `serve_forever()` loop and resolves once it has stopped. Call
   * it from another task: awaiting it inside a handler of a server that
   * handles one request at a time never resolves (as in Python). Without a
   * running loop it resolves at once.
   *
   * @returns A promise that resolves when the loop has stopped.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * await using server = new socketserver.TCPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.StreamRequestHandler,
   * );
   * let stopped = false;
   * const serving = server.serve_forever().then(() => stopped = true);
   * await server.shutdown();
   * await serving;
   * console.log(stopped); // true
   * ```
   */
  shutdown(): Promise<void> {
    if (!this.#serving) return Promise.resolve();
    this.#shutdownRequest = true;
    this.#waking?.abort();
    return this.#stopped;
  }

  /**
   * Called by `serve_forever()` once per loop; does nothing here. Override
   * it for periodic work.
   *
   * @returns Nothing, or a promise the loop awaits.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * class Ticking extends socketserver.TCPServer {
   *   ticks = 0;
   *   override service_actions() {
   *     this.ticks++;
   *   }
   * }
   * await using server = new Ticking(["127.0.0.1", 0], socketserver.StreamRequestHandler);
   * const serving = server.serve_forever(0.01);
   * await new Promise((resolve) => setTimeout(resolve, 100));
   * await server.shutdown();
   * await serving;
   * console.log(server.ticks > 0); // true
   * ```
   */
  service_actions(): void | Promise<void> {}

  /**
   * Waits for one request and handles it. If none comes within `timeout`
   * seconds (the smaller of this server's `timeout` and its socket's), calls
   * `handle_timeout()` instead.
   *
   * @returns A promise that resolves when the request was handled (or timed out).
   * @throws {OSError} `EBADF` if the server socket is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Hello extends socketserver.BaseRequestHandler {
   *   override async handle() {
   *     await this.request.sendall(new TextEncoder().encode("hello"));
   *   }
   * }
   * await using server = new socketserver.TCPServer(["127.0.0.1", 0], Hello);
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * await server.handle_request();
   * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
   * ```
   */
  async handle_request(): Promise<void> {
    let timeout = this.socket?.gettimeout() ?? null;
    if (timeout === null) timeout = this.timeout;
    else if (this.timeout !== null) timeout = Math.min(timeout, this.timeout);
    const deadline = timeout === null ? null : performance.now() + timeout * 1000;
    for (;;) {
      const left = deadline === null ? null : Math.max(0, deadline - performance.now()) / 1000;
      if (await this.#select(left, false)) {
        await this.#handleRequestNoblock();
        return;
      }
      if (deadline !== null && performance.now() >= deadline) return await this.handle_timeout();
    }
  }

  /**
   * Waits until the socket is readable, `seconds` pass (`null`: forever), or
   * (when `wakeable`) `shutdown()` is called; resolves whether it is readable.
   */
  async #select(seconds: number | null, wakeable: boolean): Promise<boolean> {
    const sock = this.socket;
    if (!sock) return true;
    if (sock.closed) {
      throw new OSError(errno.EBADF, undefined, {
        detail: "Cannot wait for a request: the server socket is closed",
      });
    }
    watchOf(sock, "serve_forever");
    const registry = new Registry<object>();
    registry.add(sock, { sock, read: true, write: false });
    const waking = wakeable ? this.#waking = new AbortController() : null;
    try {
      const ready = () => registry.collect(() => {}) > 0 || null;
      return await registry.wait(seconds, ready, waking?.signal) === true;
    } finally {
      registry.clear();
      if (this.#waking === waking) this.#waking = null;
    }
  }

  /** Waits `seconds`, or until `shutdown()` is called. */
  async #wait(seconds: number): Promise<void> {
    const waking = this.#waking = new AbortController();
    try {
      await new Registry().wait(seconds, () => null, waking.signal);
    } finally {
      if (this.#waking === waking) this.#waking = null;
    }
  }

  /**
   * One request, the socket being readable: Python's `_handle_request_noblock`.
   * Resolves `STARVED` when the request could not be taken for want of
   * descriptors or memory.
   */
  async #handleRequestNoblock(): Promise<typeof STARVED | void> {
    let request: R, client_address: Address;
    try {
      [request, client_address] = await this.get_request();
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
      return e.errno !== null && SCARCE.has(e.errno) ? STARVED : undefined;
    }
    if (!await this.verify_request(request, client_address)) {
      return await this.shutdown_request(request);
    }
    try {
      await this.process_request(request, client_address);
    } catch (e) {
      if (!isClientGone(e)) await this.handle_error(request, client_address, e);
      await this.shutdown_request(request);
    }
  }

  /**
   * Called by `handle_request()` when no request came in time; does nothing here.
   *
   * @returns Nothing, or a promise that `handle_request()` awaits.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * class Patient extends socketserver.TCPServer {
   *   static override timeout = 0.05;
   *   override handle_timeout() {
   *     console.log("no request in time");
   *   }
   * }
   * await using server = new Patient(["127.0.0.1", 0], socketserver.StreamRequestHandler);
   * await server.handle_request(); // no request in time
   * ```
   */
  handle_timeout(): void | Promise<void> {}

  /**
   * Accepts (or receives) the next request; the socket is readable when
   * this is called. Subclasses implement it.
   *
   * @returns The request and the client's address.
   * @throws {OSError} where it fails; the loop then skips the request.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * await using server = new socketserver.TCPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.StreamRequestHandler,
   * );
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * const [conn, client_address] = await server.get_request();
   * console.log(client_address[0]); // "127.0.0.1"
   * conn.close();
   * ```
   */
  get_request(): Promise<[R, Address]> {
    return Promise.reject(
      new OSError(errno.EOPNOTSUPP, undefined, {
        detail: "Cannot get_request: BaseServer subclasses must implement it",
      }),
    );
  }

  /**
   * Whether to process a request; `false` closes it unprocessed. Always
   * `true` here.
   *
   * @param _request The request.
   * @param _client_address The client's address.
   * @returns Whether to process it.
   *
   * @example Refuse every request
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Closed extends socketserver.TCPServer {
   *   override verify_request() {
   *     return false;
   *   }
   * }
   * await using server = new Closed(["127.0.0.1", 0], socketserver.StreamRequestHandler);
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * await server.handle_request();
   * console.log((await cli.recv(1024)).length); // 0 (closed unprocessed)
   * ```
   */
  verify_request(_request: R, _client_address: Address): boolean | Promise<boolean> {
    return true;
  }

  /**
   * Processes a request: `finish_request()`, then `shutdown_request()`. The
   * threading servers run it as a task of its own instead.
   *
   * @param request The request.
   * @param client_address The client's address.
   * @returns A promise that resolves when the request is done.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Hello extends socketserver.BaseRequestHandler {
   *   override async handle() {
   *     await this.request.sendall(new TextEncoder().encode("hello"));
   *   }
   * }
   * class Logged extends socketserver.TCPServer {
   *   override async process_request(request: socket.StreamSocket, client_address: socket.Address) {
   *     console.log("request from", (client_address as socket.IPv4Address)[0]);
   *     await super.process_request(request, client_address);
   *   }
   * }
   * await using server = new Logged(["127.0.0.1", 0], Hello);
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * await server.handle_request(); // request from 127.0.0.1
   * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
   * ```
   */
  async process_request(request: R, client_address: Address): Promise<void> {
    await this.finish_request(request, client_address);
    await this.shutdown_request(request);
  }

  /**
   * Closes the server. Subclasses close their socket (and the threading
   * servers wait for their running requests).
   *
   * @returns A promise that resolves when the server is closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * const server = new socketserver.TCPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.StreamRequestHandler,
   * );
   * await server.server_close();
   * console.log(server.socket.closed); // true
   * ```
   */
  server_close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Makes the request handler and runs its `setup()`, `handle()` and
   * `finish()` (the last even when `handle()` throws).
   *
   * @param request The request.
   * @param client_address The client's address.
   * @returns A promise that resolves when the handler has finished.
   * @throws What the handler's `setup()`, `handle()` or `finish()` throws.
   *
   * @example The steps of a request, one by one
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Hello extends socketserver.BaseRequestHandler {
   *   override async handle() {
   *     await this.request.sendall(new TextEncoder().encode("hello"));
   *   }
   * }
   * await using server = new socketserver.TCPServer(["127.0.0.1", 0], Hello);
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * const [conn, client_address] = await server.get_request();
   * await server.finish_request(conn, client_address); // Hello's setup(), handle(), finish()
   * await server.shutdown_request(conn); // SHUT_WR, then close_request(): closed
   * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
   * console.log(conn.closed); // true
   * ```
   */
  async finish_request(request: R, client_address: Address): Promise<void> {
    const handler = new this.RequestHandlerClass(request, client_address, this);
    await handler.setup();
    try {
      await handler.handle();
    } finally {
      await handler.finish();
    }
  }

  /**
   * Ends a request: here, `close_request()`. Stream servers first half-close
   * the connection.
   *
   * @param request The request.
   * @returns Nothing, or a promise the loop awaits.
   *
   * @example The steps of a request, one by one
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Hello extends socketserver.BaseRequestHandler {
   *   override async handle() {
   *     await this.request.sendall(new TextEncoder().encode("hello"));
   *   }
   * }
   * await using server = new socketserver.TCPServer(["127.0.0.1", 0], Hello);
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * const [conn, client_address] = await server.get_request();
   * await server.finish_request(conn, client_address); // Hello's setup(), handle(), finish()
   * await server.shutdown_request(conn); // SHUT_WR, then close_request(): closed
   * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
   * console.log(conn.closed); // true
   * ```
   */
  shutdown_request(request: R): void | Promise<void> {
    return this.close_request(request);
  }

  /**
   * Releases a request; does nothing here. Stream servers close the connection.
   *
   * @param _request The request.
   * @returns Nothing, or a promise the loop awaits.
   *
   * @example Close a request without the half-close of `shutdown_request()`
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * await using server = new socketserver.TCPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.StreamRequestHandler,
   * );
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * const [conn] = await server.get_request();
   * await server.close_request(conn);
   * console.log(conn.closed); // true
   * ```
   */
  close_request(_request: R): void | Promise<void> {}

  /**
   * Reports an error thrown while processing a request, as Python does: a
   * line of dashes, "Exception occurred during processing of request from
   * ('127.0.0.1', 5555)", the stack, a line of dashes — on stderr. The server
   * carries on. Override it to log elsewhere.
   *
   * @param _request The request.
   * @param client_address The client's address.
   * @param error What was thrown (Python reads it from `sys.exc_info()`).
   * @returns Nothing, or a promise the loop awaits.
   *
   * @example Keep the errors instead of printing them
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Failing extends socketserver.BaseRequestHandler {
   *   override handle(): void {
   *     throw new Error("bug in the handler");
   *   }
   * }
   * class Quiet extends socketserver.TCPServer {
   *   errors: unknown[] = [];
   *   override handle_error(_request: socket.StreamSocket, _address: socket.Address, error?: unknown) {
   *     this.errors.push(error);
   *   }
   * }
   * await using server = new Quiet(["127.0.0.1", 0], Failing);
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * await server.handle_request();
   * console.log((server.errors[0] as Error).message); // "bug in the handler"
   * ```
   */
  handle_error(_request: R, client_address: Address, error?: unknown): void | Promise<void> {
    const dashes = "-".repeat(40);
    const what = error instanceof Error ? (error.stack ?? String(error)) : String(error);
    console.error(
      `${dashes}\nException occurred during processing of request from ${
        reprAddress(client_address)
      }\n${what}\n${dashes}`,
    );
  }

  /**
   * Starts `server_close()` without waiting for it: what
   * `using server = new TCPServer(...)` calls at the end of the block (the
   * socket closes at once; running request tasks are not awaited).
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * let outer: socketserver.TCPServer;
   * {
   *   using server = new socketserver.TCPServer(
   *     ["127.0.0.1", 0],
   *     socketserver.StreamRequestHandler,
   *   );
   *   outer = server;
   * }
   * console.log(outer.socket.closed); // true
   * ```
   */
  [Symbol.dispose](): void {
    void this.server_close();
  }

  /**
   * Closes the server with `server_close()` and waits for it: what
   * `await using server = new TCPServer(...)` calls at the end of the block.
   *
   * @returns A promise that resolves when the server is closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * let outer: socketserver.ThreadingTCPServer;
   * {
   *   await using server = new socketserver.ThreadingTCPServer(
   *     ["127.0.0.1", 0],
   *     socketserver.StreamRequestHandler,
   *   );
   *   outer = server;
   * }
   * console.log(outer.socket.closed); // true
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.server_close();
  }
}

/**
 * Python's class attributes, the one way socketserver reads them: the value
 * of the `static` field `name` on the class of `obj` — its most derived
 * class, so a subclass's `static override` wins. Each setting is an
 * instance field that starts with this value (`timeout: number | null =
 * classAttr(this, "timeout")`); an instance's own `this.timeout = 5` (or a
 * subclass's instance field) then overrides it, as Python's `self.timeout`
 * does. `name` must name a field of `obj`, which the compiler checks, and the
 * class must declare the `static` of that name.
 *
 * @typeParam T The object's type.
 * @typeParam K The setting's name: a key of `T`.
 * @param obj The server, mixin or handler being made.
 * @param name The setting.
 * @returns The class's value for it.
 * @throws {TypeError} if the class has no `static` of that name.
 *
 * @example
 * ```ts ignore
 * class Server {
 *   static timeout: number | null = null;
 *   timeout: number | null = classAttr(this, "timeout");
 * }
 * class Patient extends Server {
 *   static override timeout = 5;
 * }
 * console.log(new Patient().timeout); // 5
 * ```
 */
export function classAttr<T extends object, K extends keyof T & string>(obj: T, name: K): T[K] {
  const cls = obj.constructor;
  if (!(name in cls)) {
    throw new TypeError(`Cannot read class attribute: ${cls.name} has no static '${name}'`);
  }
  return Reflect.get(cls, name);
}
