// Copyright 2026 the pysocket authors. MIT license.
// The socket servers of socketserver: TCPServer and UDPServer, and their
// AF_UNIX twins, each a BaseServer whose hooks use a pysocket socket.

import * as C from "../constants.ts";
import { OSError } from "../errors.ts";
import type { Address } from "../address.ts";
import type { Socket } from "../_socket/base.ts";
import { socket } from "../socket.ts";
import type { StreamSocket } from "../tcp.ts";
import type { DatagramSocket } from "../udp.ts";
import { BaseServer, type RequestHandlerClass, staticOf } from "./base.ts";

/** A datagram server's request: the datagram's bytes and the server socket to reply on. */
export type DatagramRequest = [data: Uint8Array, socket: DatagramSocket];

/**
 * Python's `socketserver.TCPServer`: a stream server that handles one
 * connection at a time, in order. The constructor makes the socket, binds
 * it to `server_address` and listens (unless `bind_and_activate` is false);
 * `server_address` then holds the real address (the port the system chose
 * for port 0). Each connection is the handler's `request`; after the
 * handler finishes the connection is half-closed and closed.
 *
 * @typeParam R The request type (a connected `StreamSocket`; UDPServer changes it).
 * @typeParam S The server socket's type.
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 *
 * class Hello extends socketserver.BaseRequestHandler {
 *   override async handle() {
 *     await this.request.sendall(new TextEncoder().encode("Hello Client"));
 *   }
 * }
 * await using server = new socketserver.TCPServer(["127.0.0.1", 0], Hello);
 * console.log((server.server_address as [string, number])[1] > 0); // true
 * ```
 */
export class TCPServer<R = StreamSocket, S extends Socket = StreamSocket> extends BaseServer<R> {
  /** The socket family made by the constructor (`AF_INET`). */
  static address_family: number = C.AF_INET;
  /** The socket type made by the constructor (`SOCK_STREAM`). */
  static socket_type: number = C.SOCK_STREAM;
  /** The `listen()` backlog (5, as Python's). */
  static request_queue_size = 5;
  /** Set `SO_REUSEADDR` before binding. */
  static allow_reuse_address = false;
  /** Set `SO_REUSEPORT` before binding. */
  static allow_reuse_port = false;

  /** The server socket. */
  declare socket: S;
  #own = new Map<string, unknown>();

  /**
   * Makes the server socket and, unless told not to, binds and listens.
   *
   * @param server_address `[host, port]` (port 0: any free port), or a path for AF_UNIX.
   * @param RequestHandlerClass The handler class, made once per request.
   * @param bind_and_activate Call `server_bind()` and `server_activate()` now.
   * @throws {OSError} when binding or listening fails (the socket is closed first).
   * @throws {TypeError|RangeError} for a malformed address.
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
   * console.log((server.server_address as socket.IPv4Address)[1] > 0); // true (the port chosen)
   * ```
   */
  constructor(
    server_address: Address,
    RequestHandlerClass: RequestHandlerClass<R>,
    bind_and_activate = true,
  ) {
    super(server_address, RequestHandlerClass);
    const type = this.socket_type as typeof C.SOCK_STREAM;
    this.socket = socket(this.address_family, type) as unknown as S;
    if (!bind_and_activate) return;
    try {
      this.server_bind();
      this.server_activate();
    } catch (e) {
      void this.server_close();
      throw e;
    }
  }

  #attr<T>(name: string, fallback: T): T {
    return this.#own.has(name) ? this.#own.get(name) as T : staticOf(this, name, fallback);
  }

  /** The socket family (the class's `static address_family` unless set). */
  get address_family(): number {
    return this.#attr("address_family", C.AF_INET);
  }
  /**
   * Sets this server's own socket family, in place of the class's `static
   * address_family`. It takes effect when the socket is made: set it on the
   * class to change what the constructor makes.
   *
   * @param value `AF_INET`, `AF_INET6` or `AF_UNIX`.
   */
  set address_family(value: number) {
    this.#own.set("address_family", value);
  }
  /** The socket type (the class's `static socket_type` unless set). */
  get socket_type(): number {
    return this.#attr("socket_type", C.SOCK_STREAM);
  }
  /**
   * Sets this server's own socket type, in place of the class's `static
   * socket_type`. It takes effect when the socket is made: set it on the
   * class to change what the constructor makes.
   *
   * @param value `SOCK_STREAM` or `SOCK_DGRAM`.
   */
  set socket_type(value: number) {
    this.#own.set("socket_type", value);
  }
  /** The listen backlog (the class's `static request_queue_size` unless set). */
  get request_queue_size(): number {
    return this.#attr("request_queue_size", 5);
  }
  /**
   * Sets this server's own listen backlog, in place of the class's `static
   * request_queue_size`; `server_activate()` uses it.
   *
   * @param value The backlog.
   */
  set request_queue_size(value: number) {
    this.#own.set("request_queue_size", value);
  }
  /** Whether `server_bind()` sets `SO_REUSEADDR`. */
  get allow_reuse_address(): boolean {
    return this.#attr("allow_reuse_address", false);
  }
  /**
   * Sets whether this server's `server_bind()` sets `SO_REUSEADDR`, in place
   * of the class's `static allow_reuse_address`.
   *
   * @param value Whether to set it.
   */
  set allow_reuse_address(value: boolean) {
    this.#own.set("allow_reuse_address", value);
  }
  /** Whether `server_bind()` sets `SO_REUSEPORT`. */
  get allow_reuse_port(): boolean {
    return this.#attr("allow_reuse_port", false);
  }
  /**
   * Sets whether this server's `server_bind()` sets `SO_REUSEPORT`, in place
   * of the class's `static allow_reuse_port`.
   *
   * @param value Whether to set it.
   */
  set allow_reuse_port(value: boolean) {
    this.#own.set("allow_reuse_port", value);
  }

  /**
   * Sets the reuse options asked for, binds the socket and records the bound
   * address in `server_address`. Called by the constructor.
   *
   * @throws {OSError} e.g. `EADDRINUSE`.
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
   * server.allow_reuse_address = true;
   * server.server_bind();
   * console.log(server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)); // 1
   * server.server_activate();
   * await server.server_close();
   * ```
   */
  server_bind(): void {
    if (this.allow_reuse_address) this.socket.setsockopt(C.SOL_SOCKET, C.SO_REUSEADDR, 1);
    if (this.allow_reuse_port) this.socket.setsockopt(C.SOL_SOCKET, C.SO_REUSEPORT, 1);
    (this.socket as unknown as StreamSocket | DatagramSocket).bind(this.server_address);
    this.server_address = this.socket.getsockname();
  }

  /**
   * Listens, with `request_queue_size` as the backlog. Called by the constructor.
   *
   * @throws {OSError} when the socket cannot listen.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const server = new socketserver.TCPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.StreamRequestHandler,
   *   false,
   * );
   * server.request_queue_size = 64;
   * server.server_bind();
   * server.server_activate();
   * console.log(server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)); // 1
   * await server.server_close();
   * ```
   */
  override server_activate(): void {
    (this.socket as unknown as StreamSocket).listen(this.request_queue_size);
  }

  /**
   * Closes the server socket (synchronously, before the promise is returned).
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
   * const closing = server.server_close();
   * console.log(server.socket.closed); // true
   * await closing;
   * ```
   */
  override server_close(): Promise<void> {
    this.socket.close();
    return Promise.resolve();
  }

  /**
   * The server socket's number (see `Socket.fileno()`).
   *
   * @returns The number, -1 once closed.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * await using server = new socketserver.TCPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.StreamRequestHandler,
   * );
   * console.log(server.fileno() === server.socket.fileno()); // true
   * ```
   */
  fileno(): number {
    return this.socket.fileno();
  }

  /**
   * Accepts a connection.
   *
   * @returns The connected socket and the client's address.
   * @throws {OSError} as `accept()` does.
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
   * console.log(client_address[1] === cli.getsockname()[1]); // true
   * conn.close();
   * ```
   */
  override get_request(): Promise<[R, Address]> {
    return (this.socket as unknown as StreamSocket).accept() as Promise<
      [unknown, Address]
    > as Promise<[R, Address]>;
  }

  /**
   * Half-closes the connection (`SHUT_WR`, ignoring errors), then closes it.
   *
   * @param request The connection.
   * @returns A promise that resolves when the connection is closed.
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
   * const [conn] = await server.get_request();
   * await server.shutdown_request(conn);
   * console.log(conn.closed, (await cli.recv(1024)).length); // true 0
   * ```
   */
  override async shutdown_request(request: R): Promise<void> {
    try {
      await (request as unknown as StreamSocket).shutdown(C.SHUT_WR);
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
    }
    await this.close_request(request);
  }

  /**
   * Closes the connection.
   *
   * @param request The connection.
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
   * const [conn] = await server.get_request();
   * server.close_request(conn);
   * console.log(conn.closed); // true
   * ```
   */
  override close_request(request: R): void {
    (request as unknown as StreamSocket).close();
  }
}

/**
 * Python's `socketserver.UDPServer`: each datagram is a request,
 * `[data, socket]`, handled one at a time; the handler replies with
 * `socket.sendto(reply, client_address)`. Datagrams longer than
 * `max_packet_size` (8192) are truncated.
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 *
 * class Echo extends socketserver.DatagramRequestHandler {
 *   override handle() {
 *     this.wfile.write(this.rfile.read());
 *   }
 * }
 * await using server = new socketserver.UDPServer(["127.0.0.1", 0], Echo);
 * console.log(server.socket.type === 2); // true (SOCK_DGRAM)
 * ```
 */
export class UDPServer extends TCPServer<DatagramRequest, DatagramSocket> {
  /** The socket type made by the constructor (`SOCK_DGRAM`). */
  static override socket_type: number = C.SOCK_DGRAM;
  /** The largest datagram read whole (8192, as Python's). */
  static max_packet_size = 8192;
  #maxPacket: number | undefined;

  /** The receive size (the class's `static max_packet_size` unless set). */
  get max_packet_size(): number {
    return this.#maxPacket ?? staticOf(this, "max_packet_size", 8192);
  }
  /**
   * Sets this server's own receive size, in place of the class's `static
   * max_packet_size`.
   *
   * @param value The most bytes of a datagram to read.
   */
  set max_packet_size(value: number) {
    this.#maxPacket = value;
  }

  /**
   * Datagram sockets do not listen: does nothing.
   *
   * @example
   * ```ts
   * import { socketserver } from "@pysocket/socket";
   *
   * const server = new socketserver.UDPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.DatagramRequestHandler,
   *   false,
   * );
   * server.server_bind();
   * server.server_activate(); // nothing to do
   * await server.server_close();
   * ```
   */
  override server_activate(): void {}

  /**
   * Receives a datagram (up to `max_packet_size` bytes of it).
   *
   * @returns `[[data, socket], client_address]`.
   * @throws {OSError} as `recvfrom()` does.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * await using server = new socketserver.UDPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.DatagramRequestHandler,
   * );
   * using cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await cli.sendto(new Uint8Array([1, 2, 3]), server.server_address);
   * const [[data, sock], client_address] = await server.get_request();
   * console.log(data.length, sock === server.socket, client_address[0]); // 3 true "127.0.0.1"
   * ```
   */
  override async get_request(): Promise<[DatagramRequest, Address]> {
    const [data, client_address] = await this.socket.recvfrom(this.max_packet_size);
    return [[data, this.socket], client_address];
  }

  /**
   * Nothing to shut down for a datagram: calls `close_request()`.
   *
   * @param request The request.
   * @returns A promise that is already resolved.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * await using server = new socketserver.UDPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.DatagramRequestHandler,
   * );
   * using cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await cli.sendto(new Uint8Array([1]), server.server_address);
   * const [request] = await server.get_request();
   * await server.shutdown_request(request);
   * console.log(server.socket.closed); // false (the server socket stays open)
   * ```
   */
  override shutdown_request(request: DatagramRequest): Promise<void> {
    this.close_request(request);
    return Promise.resolve();
  }

  /**
   * Nothing to close for a datagram: does nothing.
   *
   * @param _request The request.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * await using server = new socketserver.UDPServer(
   *   ["127.0.0.1", 0],
   *   socketserver.DatagramRequestHandler,
   * );
   * using cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await cli.sendto(new Uint8Array([1]), server.server_address);
   * const [request] = await server.get_request();
   * server.close_request(request); // nothing to close
   * ```
   */
  override close_request(_request: DatagramRequest): void {}
}

/**
 * Python's `socketserver.UnixStreamServer`: a {@linkcode TCPServer} on an
 * AF_UNIX stream socket bound to a path. An existing path makes binding
 * fail with `EADDRINUSE`, as in Python; unlike Python, closing the server
 * removes the socket file: Deno's listener unlinks its path when it closes
 * (whatever socket the path names by then).
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
 * const server = new socketserver.UnixStreamServer(`${dir}/app.sock`, Hello);
 * using cli = socket.socket(socket.AF_UNIX);
 * await cli.connect(`${dir}/app.sock`);
 * await server.handle_request();
 * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
 * await server.server_close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class UnixStreamServer extends TCPServer {
  /** `AF_UNIX`. */
  static override address_family: number = C.AF_UNIX;
}

/**
 * Python's `socketserver.UnixDatagramServer`: a {@linkcode UDPServer} on
 * an AF_UNIX datagram socket bound to a path. Clients must bind their own
 * socket to a path to receive replies.
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
 * const server = new socketserver.UnixDatagramServer(`${dir}/server`, Echo);
 * using cli = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
 * cli.bind(`${dir}/client`); // to receive the reply
 * await cli.sendto(new TextEncoder().encode("ping"), `${dir}/server`);
 * await server.handle_request();
 * console.log(new TextDecoder().decode((await cli.recvfrom(1024))[0])); // "ping"
 * await server.server_close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class UnixDatagramServer extends UDPServer {
  /** `AF_UNIX`. */
  static override address_family: number = C.AF_UNIX;
}
