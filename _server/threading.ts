// Copyright 2026 the pysocket authors. MIT license.
// ThreadingMixIn, and the Threading* servers it makes of the socket servers:
// each request a concurrent task (Deno has no threads; the names are
// Python's). ForkingMixIn and the Forking* servers: Deno cannot fork, so
// they refuse to be constructed.

import * as C from "../constants.ts";
import { errno, OSError } from "../errors.ts";
import type { Address } from "../address.ts";
import type { StreamSocket } from "../tcp.ts";
import { DatagramSocket } from "../udp.ts";
import { DAEMON, Socket } from "../_socket/base.ts";
import { BaseServer, classAttr, isClientGone, type RequestHandlerClass } from "./base.ts";
import {
  type DatagramRequest,
  TCPServer,
  UDPServer,
  UnixDatagramServer,
  UnixStreamServer,
} from "./servers.ts";

/**
 * Any server class, as {@linkcode ThreadingMixIn} and {@linkcode ForkingMixIn}
 * take it: a constructor of a {@linkcode BaseServer} whose requests are `R`.
 *
 * @typeParam R The server's request type.
 */
// deno-lint-ignore no-explicit-any
export type ServerConstructor<R = any> = new (...args: any[]) => BaseServer<R>;

/** The request type of the servers a server class makes. */
export type RequestOf<T extends ServerConstructor> = InstanceType<T> extends BaseServer<infer R> ? R
  : never;

/**
 * What {@linkcode ThreadingMixIn} adds to a server whose requests are `R`.
 *
 * @typeParam R The server's request type.
 */
export interface ThreadingMixInMembers<R> {
  /**
   * Whether `server_close()` waits for the running request tasks (starts as
   * the class's `static block_on_close`, `true`).
   */
  block_on_close: boolean;
  /**
   * Requests started while this is `true` are not waited for by
   * `server_close()` (starts as the class's `static daemon_threads`, `false`).
   */
  daemon_threads: boolean;
  /**
   * Runs one request to the end: `finish_request()`, `handle_error()` for
   * what it throws (a client gone away aside), then `shutdown_request()`.
   * `process_request()` runs it as a task of its own.
   *
   * @param request The request.
   * @param client_address The client's address.
   * @returns A promise that resolves when the request is done; it never rejects.
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
   * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
   * const [conn, client_address] = await server.get_request();
   * await server.process_request_thread(conn, client_address); // the whole request, awaited
   * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
   * ```
   */
  process_request_thread(request: R, client_address: Address): Promise<void>;
  /**
   * Starts the request as a concurrent task (`process_request_thread()`)
   * and resolves at once, so that the loop takes the next request (on an
   * AF_UNIX datagram socket: once the task is done, so that its reply is
   * sent before the next receive).
   *
   * @param request The request.
   * @param client_address The client's address.
   * @returns A promise that resolves once the task is started.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * class Echo extends socketserver.DatagramRequestHandler {
   *   override handle() {
   *     this.wfile.write(this.rfile.read());
   *   }
   * }
   * await using server = new socketserver.ThreadingUDPServer(["127.0.0.1", 0], Echo);
   * using cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await cli.sendto(new TextEncoder().encode("ping"), server.server_address);
   * const [request, client_address] = await server.get_request();
   * await server.process_request(request, client_address); // started, not awaited
   * console.log(new TextDecoder().decode((await cli.recvfrom(1024))[0])); // "ping"
   * ```
   */
  process_request(request: R, client_address: Address): Promise<void>;
  /**
   * Closes the server, then waits for the running requests, unless
   * `block_on_close` is false (requests started while `daemon_threads` was
   * true are not waited for).
   *
   * @returns A promise that resolves when they have finished.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * const server = new socketserver.ThreadingUDPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.DatagramRequestHandler,
   * );
   * const serving = server.serve_forever();
   * await server.shutdown();
   * await serving;
   * await server.server_close(); // no request is running: resolves at once
   * console.log(server.socket.closed); // true
   * ```
   */
  server_close(): Promise<void>;
}

/**
 * The class {@linkcode ThreadingMixIn} returns, beside the server class it
 * was given: its constructor and its two class attributes.
 *
 * @typeParam R The server's request type.
 */
export interface ThreadingMixInClass<R> {
  /** Makes a server, with the arguments of the server class mixed into. */
  // deno-lint-ignore no-explicit-any
  new (...args: any[]): ThreadingMixInMembers<R>;
  /** Whether `server_close()` waits for the running request tasks (`true`). */
  block_on_close: boolean;
  /** Whether requests run as daemon tasks, which `server_close()` does not wait for (`false`). */
  daemon_threads: boolean;
}

/**
 * The running request tasks of one threading server: counted, with one
 * handler for all of them, so a request waiting on its client holds no
 * entry, closure or promise of this bookkeeping's own.
 */
class RequestTasks {
  /** Tracked tasks still running (`block_on_close`, not daemon). */
  #running = 0;
  /** Resolves `join()` once none is running. */
  #idle: { promise: Promise<void>; resolve: () => void } | null = null;
  readonly #done = (): void => {
    if (--this.#running > 0 || this.#idle === null) return;
    this.#idle.resolve();
    this.#idle = null;
  };
  readonly #failed = (e: unknown): void => {
    reportStray(e);
    this.#done();
  };

  /** Starts a request as a task; resolves at once (or, on AF_UNIX datagram sockets, when done). */
  start<R>(
    server: BaseServer<R> & ThreadingMixInMembers<R>,
    request: R,
    addr: Address,
  ): Promise<void> {
    // A daemon thread keeps no Python process alive: nor does a daemon request task.
    if (server.daemon_threads && request instanceof Socket) request[DAEMON]();
    const running = server.process_request_thread(request, addr);
    let task: Promise<void>;
    if (server.block_on_close && !server.daemon_threads) {
      this.#running++;
      task = running.then(this.#done, this.#failed);
    } else {
      task = running.catch(reportStray);
    }
    const sock = server.socket;
    // Deno cannot send on an AF_UNIX datagram socket while a receive is pending on it.
    if (sock instanceof DatagramSocket && sock.family === C.AF_UNIX) return task;
    return Promise.resolve();
  }

  /** Waits for the tracked tasks, as `server_close()` does when `block_on_close`. */
  join(server: { block_on_close: boolean }): Promise<void> {
    if (!server.block_on_close || this.#running === 0) return Promise.resolve();
    if (this.#idle === null) {
      let resolve!: () => void; // (Promise.withResolvers is not in Node 20)
      const promise = new Promise<void>((r) => resolve = r);
      this.#idle = { promise, resolve };
    }
    return this.#idle.promise;
  }
}

/** An error thrown by `handle_error()` or `shutdown_request()` in a request task. */
function reportStray(e: unknown): void {
  console.error("Exception in a request task:", e);
}

/**
 * Python's `ThreadingMixIn`: makes a server class run each request as its
 * own concurrent task instead of one after another. `server_close()` then
 * waits for the running requests (unless `block_on_close` is false). On an
 * AF_UNIX datagram socket, Deno cannot send while a receive is pending, so
 * such a server sends each reply before receiving the next datagram.
 * `block_on_close` and `daemon_threads` are class attributes: `static`
 * fields of the class made, which a subclass overrides
 * (`static override block_on_close = false`) and a server changes for
 * itself (`this.daemon_threads = true`).
 *
 * @typeParam T The server class.
 * @param Base A server class such as `TCPServer`.
 * @returns The class with concurrent request processing mixed in.
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 *
 * class MyServer extends socketserver.ThreadingMixIn(socketserver.TCPServer) {
 *   static override allow_reuse_address = true;
 *   static override block_on_close = false;
 * }
 * await using server = new MyServer(["127.0.0.1", 0], socketserver.StreamRequestHandler);
 * console.log(server.block_on_close, server.daemon_threads); // false false
 * ```
 */
export function ThreadingMixIn<T extends ServerConstructor>(
  Base: T,
): T & ThreadingMixInClass<RequestOf<T>> {
  const Threading = class extends Base implements ThreadingMixInMembers<unknown> {
    static block_on_close = true;
    static daemon_threads = false;
    block_on_close: boolean = classAttr(this, "block_on_close");
    daemon_threads: boolean = classAttr(this, "daemon_threads");
    #tasks = new RequestTasks();
    async process_request_thread(request: unknown, client_address: Address): Promise<void> {
      try {
        await this.finish_request(request, client_address);
      } catch (e) {
        if (!isClientGone(e)) await this.handle_error(request, client_address, e);
      } finally {
        await this.shutdown_request(request);
      }
    }
    override process_request(request: unknown, client_address: Address): Promise<void> {
      return this.#tasks.start(this, request, client_address);
    }
    override async server_close(): Promise<void> {
      await super.server_close();
      await this.#tasks.join(this);
    }
  };
  // As Python's `class ThreadingTCPServer(ThreadingMixIn, TCPServer)` is named.
  Object.defineProperty(Threading, "name", { value: `Threading${Base.name}` });
  return Threading;
}

/**
 * A {@linkcode TCPServer} that serves each connection as its own concurrent
 * task (Python's `ThreadingTCPServer`: `ThreadingMixIn` applied to
 * `TCPServer`). `server_close()` waits for the running requests unless
 * `block_on_close` is false.
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 * await using server = new socketserver.ThreadingTCPServer(
 *   ["127.0.0.1", 0],
 *   socketserver.StreamRequestHandler,
 * );
 * console.log(server.block_on_close); // true
 * ```
 */
export const ThreadingTCPServer: typeof TCPServer & ThreadingMixInClass<StreamSocket> =
  ThreadingMixIn(TCPServer);
/** A server of {@linkcode ThreadingTCPServer}: a `TCPServer` with {@linkcode ThreadingMixInMembers}. */
export type ThreadingTCPServer = TCPServer & ThreadingMixInMembers<StreamSocket>;

/**
 * A {@linkcode UDPServer} that handles each datagram as its own concurrent
 * task (Python's `ThreadingUDPServer`: `ThreadingMixIn` applied to
 * `UDPServer`).
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 * await using server = new socketserver.ThreadingUDPServer(
 *   ["127.0.0.1", 0],
 *   socketserver.DatagramRequestHandler,
 * );
 * console.log(server.max_packet_size); // 8192
 * ```
 */
export const ThreadingUDPServer: typeof UDPServer & ThreadingMixInClass<DatagramRequest> =
  ThreadingMixIn(UDPServer);
/** A server of {@linkcode ThreadingUDPServer}: a `UDPServer` with {@linkcode ThreadingMixInMembers}. */
export type ThreadingUDPServer = UDPServer & ThreadingMixInMembers<DatagramRequest>;

/**
 * A {@linkcode UnixStreamServer} that serves each connection as a concurrent
 * task (Python's `ThreadingUnixStreamServer`: `ThreadingMixIn` applied to
 * `UnixStreamServer`).
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
 * const dir = await Deno.makeTempDir();
 * const server = new socketserver.ThreadingUnixStreamServer(`${dir}/app.sock`, Hello);
 * const serving = server.serve_forever();
 * using cli = socket.socket(socket.AF_UNIX);
 * await cli.connect(`${dir}/app.sock`);
 * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
 * await server.shutdown();
 * await serving;
 * await server.server_close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export const ThreadingUnixStreamServer:
  & typeof UnixStreamServer
  & ThreadingMixInClass<StreamSocket> = ThreadingMixIn(UnixStreamServer);
/** A server of {@linkcode ThreadingUnixStreamServer}: a `UnixStreamServer` with {@linkcode ThreadingMixInMembers}. */
export type ThreadingUnixStreamServer = UnixStreamServer & ThreadingMixInMembers<StreamSocket>;

/**
 * A {@linkcode UnixDatagramServer} with concurrent request tasks (Python's
 * `ThreadingUnixDatagramServer`: `ThreadingMixIn` applied to
 * `UnixDatagramServer`). Deno cannot send on an AF_UNIX datagram
 * socket while a receive is pending, so each reply is sent before the next
 * datagram is received.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import { socketserver } from "@pysocket/socket";
 *
 * class Echo extends socketserver.DatagramRequestHandler {
 *   override handle() {
 *     this.wfile.write(this.rfile.read());
 *   }
 * }
 * const dir = await Deno.makeTempDir();
 * const server = new socketserver.ThreadingUnixDatagramServer(`${dir}/server`, Echo);
 * using cli = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
 * cli.bind(`${dir}/client`); // to receive the reply
 * await cli.sendto(new TextEncoder().encode("ping"), `${dir}/server`);
 * await server.handle_request();
 * console.log(new TextDecoder().decode((await cli.recvfrom(1024))[0])); // "ping"
 * await server.server_close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export const ThreadingUnixDatagramServer:
  & typeof UnixDatagramServer
  & ThreadingMixInClass<DatagramRequest> = ThreadingMixIn(UnixDatagramServer);
/** A server of {@linkcode ThreadingUnixDatagramServer}: a `UnixDatagramServer` with {@linkcode ThreadingMixInMembers}. */
export type ThreadingUnixDatagramServer =
  & UnixDatagramServer
  & ThreadingMixInMembers<DatagramRequest>;

function refuseFork(): never {
  throw new OSError(errno.EOPNOTSUPP, undefined, {
    detail: "Cannot fork: Deno cannot fork processes; use ThreadingMixIn (e.g. " +
      "ThreadingTCPServer), which runs each request as a concurrent task",
  });
}

/**
 * Python's `ForkingMixIn`. Deno cannot fork processes, so a server class
 * made with it throws `OSError` when constructed; use
 * {@linkcode ThreadingMixIn} instead.
 *
 * @param Base A server class.
 * @returns A class whose constructor throws.
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 * const Forking = socketserver.ForkingMixIn(socketserver.TCPServer);
 * try {
 *   new Forking(["127.0.0.1", 0], socketserver.StreamRequestHandler);
 * } catch (e) {
 *   console.log((e as Error).message); // "[Errno 95] Operation not supported: Cannot fork: ..."
 * }
 * ```
 */
export function ForkingMixIn<T extends ServerConstructor>(Base: T): T {
  return class extends Base {
    // deno-lint-ignore no-explicit-any
    constructor(...args: any[]) {
      super(refuseFork(), ...args);
    }
  };
}

/** Python's `ForkingTCPServer`: Deno cannot fork, so constructing it throws `OSError`. */
export class ForkingTCPServer extends TCPServer {
  /**
   * Throws: Deno cannot fork.
   *
   * @param server_address The address.
   * @param RequestHandlerClass The handler class.
   * @throws {OSError} always (`EOPNOTSUPP`).
   *
   * @example
   * ```ts
   * import { OSError, socketserver } from "@pysocket/socket";
   * try {
   *   new socketserver.ForkingTCPServer(["127.0.0.1", 0], socketserver.StreamRequestHandler);
   * } catch (e) {
   *   console.log(e instanceof OSError, (e as OSError).errno); // true 95
   * }
   * ```
   */
  constructor(server_address: Address, RequestHandlerClass: RequestHandlerClass<StreamSocket>) {
    super(refuseFork() ?? server_address, RequestHandlerClass);
  }
}
/** Python's `ForkingUDPServer`: Deno cannot fork, so constructing it throws `OSError`. */
export class ForkingUDPServer extends UDPServer {
  /**
   * Throws: Deno cannot fork.
   *
   * @param server_address The address.
   * @param RequestHandlerClass The handler class.
   * @throws {OSError} always (`EOPNOTSUPP`).
   *
   * @example
   * ```ts
   * import { OSError, socketserver } from "@pysocket/socket";
   * try {
   *   new socketserver.ForkingUDPServer(["127.0.0.1", 0], socketserver.DatagramRequestHandler);
   * } catch (e) {
   *   console.log(e instanceof OSError, (e as OSError).errno); // true 95
   * }
   * ```
   */
  constructor(server_address: Address, RequestHandlerClass: RequestHandlerClass<DatagramRequest>) {
    super(refuseFork() ?? server_address, RequestHandlerClass);
  }
}
/** Python's `ForkingUnixStreamServer`: Deno cannot fork, so constructing it throws `OSError`. */
export class ForkingUnixStreamServer extends ForkingTCPServer {
  /** `AF_UNIX`. */
  static override address_family: number = UnixStreamServer.address_family;
}
/** Python's `ForkingUnixDatagramServer`: Deno cannot fork, so constructing it throws `OSError`. */
export class ForkingUnixDatagramServer extends ForkingUDPServer {
  /** `AF_UNIX`. */
  static override address_family: number = UnixDatagramServer.address_family;
}
