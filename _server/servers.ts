// Copyright 2026 the pysocket authors. MIT license.
// The socket servers of socketserver: SocketServer, the part TCPServer and
// UDPServer share (the socket, its settings, binding), TCPServer and
// UDPServer themselves, and their AF_UNIX twins.

import * as C from "../constants.ts";
import { OSError, ValueError } from "../errors.ts";
import type { Address } from "../address.ts";
import { socket } from "../socket.ts";
import { StreamSocket } from "../tcp.ts";
import { DatagramSocket } from "../udp.ts";
import { BaseServer, classAttr, type RequestHandlerClass } from "./base.ts";

/** A datagram server's request: the datagram's bytes and the server socket to reply on. */
export type DatagramRequest = [data: Uint8Array, socket: DatagramSocket];

/**
 * What {@linkcode TCPServer} and {@linkcode UDPServer} share (in Python,
 * `UDPServer` subclasses `TCPServer` for it): the server socket, made by
 * the constructor from `address_family` and `socket_type`, the settings
 * `server_bind()` and `server_activate()` use, binding and closing. Use
 * `TCPServer` or `UDPServer`; this class is their common base.
 *
 * Each setting is a Python class attribute: a `static` field, which a
 * server starts with (a subclass's `static override` wins), and an instance
 * field that `this.x = …` changes for one server. The constructor makes,
 * binds and activates the socket, so a setting it uses must be `static`, or
 * set before `server_bind()` with `bind_and_activate` false.
 *
 * @typeParam R The request: a connected `StreamSocket`, or `[data, socket]`.
 * @typeParam S The server socket's type.
 *
 * @example
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 *
 * class Reusing extends socketserver.TCPServer {
 *   static override allow_reuse_address = true;
 * }
 * await using server = new Reusing(["127.0.0.1", 0], socketserver.StreamRequestHandler);
 * console.log(server instanceof socketserver.SocketServer, server.allow_reuse_address); // true true
 * ```
 */
export class SocketServer<R, S extends StreamSocket | DatagramSocket> extends BaseServer<R> {
  /** The socket family the constructor makes (`AF_INET`). */
  static address_family: number = C.AF_INET;
  /** The socket type the constructor makes (`SOCK_STREAM`). */
  static socket_type: number = C.SOCK_STREAM;
  /** The `listen()` backlog (5, as Python's). */
  static request_queue_size = 5;
  /** Set `SO_REUSEADDR` before binding. */
  static allow_reuse_address = false;
  /** Set `SO_REUSEPORT` before binding. */
  static allow_reuse_port = false;

  /** The socket family (starts as the class's `static address_family`). */
  address_family: number = classAttr(this, "address_family");
  /** The socket type (starts as the class's `static socket_type`). */
  socket_type: number = classAttr(this, "socket_type");
  /** The listen backlog `server_activate()` uses (starts as the class's `static request_queue_size`). */
  request_queue_size: number = classAttr(this, "request_queue_size");
  /** Whether `server_bind()` sets `SO_REUSEADDR` (starts as the class's `static allow_reuse_address`). */
  allow_reuse_address: boolean = classAttr(this, "allow_reuse_address");
  /** Whether `server_bind()` sets `SO_REUSEPORT` (starts as the class's `static allow_reuse_port`). */
  allow_reuse_port: boolean = classAttr(this, "allow_reuse_port");

  /** The server socket. */
  declare socket: S;
  #make: (family: number, type: number) => S;

  /**
   * Makes the server socket with `make(address_family, socket_type)` and,
   * unless told not to, binds and activates it.
   *
   * @param server_address `[host, port]` (port 0: any free port), or a path for AF_UNIX.
   * @param RequestHandlerClass The handler class, made once per request.
   * @param bind_and_activate Call `server_bind()` and `server_activate()` now.
   * @param make Makes the server socket of a family and a type.
   * @throws {OSError} when binding or listening fails (the socket is closed first).
   * @throws {TypeError|RangeError} for a malformed address.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * import { socketserver } from "@pysocket/socket";
   *
   * const server = new socketserver.SocketServer(
   *   ["127.0.0.1", 0],
   *   socketserver.BaseRequestHandler,
   *   true,
   *   (family) => socket.socket(family, socket.SOCK_STREAM),
   * );
   * console.log((server.server_address as socket.IPv4Address)[1] > 0); // true
   * await server.server_close();
   * ```
   */
  constructor(
    server_address: Address,
    RequestHandlerClass: RequestHandlerClass<R>,
    bind_and_activate: boolean,
    make: (family: number, type: number) => S,
  ) {
    super(server_address, RequestHandlerClass);
    this.#make = make;
    this.socket = make(this.address_family, this.socket_type);
    if (!bind_and_activate) return;
    try {
      this.server_bind();
      this.server_activate();
    } catch (e) {
      void this.server_close();
      throw e;
    }
  }

  /**
   * Sets the reuse options asked for, binds the socket and records the bound
   * address in `server_address`. Called by the constructor. When
   * `address_family` or `socket_type` no longer match the socket (set with
   * `this.x = …` after a constructor that did not bind), it first makes the
   * socket anew: JavaScript cannot set `this.x` before `super()`, as Python
   * sets `self.x` before `TCPServer.__init__`.
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
    if (this.socket.family !== this.address_family || this.socket.type !== this.socket_type) {
      const made = this.#make(this.address_family, this.socket_type);
      this.socket.close();
      this.socket = made;
    }
    if (this.allow_reuse_address) this.socket.setsockopt(C.SOL_SOCKET, C.SO_REUSEADDR, 1);
    if (this.allow_reuse_port) this.socket.setsockopt(C.SOL_SOCKET, C.SO_REUSEPORT, 1);
    this.socket.bind(this.server_address);
    this.server_address = this.socket.getsockname();
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
}

/** Makes a TCPServer's socket: `socket(family, type)`, which must be a stream socket. */
function streamSocket(family: number, type: number): StreamSocket {
  const made = socket(family, type);
  if (made instanceof StreamSocket) return made;
  made.close();
  throw new ValueError(
    `Cannot make the server socket: socket_type must be SOCK_STREAM for a stream server: current value is ${type}`,
  );
}

/** Makes a UDPServer's socket: `socket(family, type)`, which must be a datagram socket. */
function datagramSocket(family: number, type: number): DatagramSocket {
  const made = socket(family, type);
  if (made instanceof DatagramSocket) return made;
  made.close();
  throw new ValueError(
    `Cannot make the server socket: socket_type must be SOCK_DGRAM for a datagram server: current value is ${type}`,
  );
}

/**
 * Python's `socketserver.TCPServer`: a stream server that handles one
 * connection at a time, in order. The constructor makes the socket, binds
 * it to `server_address` and listens (unless `bind_and_activate` is false);
 * `server_address` then holds the real address (the port the system chose
 * for port 0). Each connection is the handler's `request`; after the
 * handler finishes the connection is half-closed and closed.
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
export class TCPServer extends SocketServer<StreamSocket, StreamSocket> {
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
    RequestHandlerClass: RequestHandlerClass<StreamSocket>,
    bind_and_activate = true,
  ) {
    super(server_address, RequestHandlerClass, bind_and_activate, streamSocket);
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
    this.socket.listen(this.request_queue_size);
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
  override get_request(): Promise<[StreamSocket, Address]> {
    return this.socket.accept();
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
  override async shutdown_request(request: StreamSocket): Promise<void> {
    try {
      await request.shutdown(C.SHUT_WR);
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
  override close_request(request: StreamSocket): void {
    request.close();
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
export class UDPServer extends SocketServer<DatagramRequest, DatagramSocket> {
  /** The socket type made by the constructor (`SOCK_DGRAM`). */
  static override socket_type: number = C.SOCK_DGRAM;
  /** The largest datagram read whole (8192, as Python's). */
  static max_packet_size = 8192;
  /** The receive size `get_request()` uses (starts as the class's `static max_packet_size`). */
  max_packet_size: number = classAttr(this, "max_packet_size");

  /**
   * Makes the server socket and, unless told not to, binds it.
   *
   * @param server_address `[host, port]` (port 0: any free port), or a path for AF_UNIX.
   * @param RequestHandlerClass The handler class, made once per datagram.
   * @param bind_and_activate Call `server_bind()` and `server_activate()` now.
   * @throws {OSError} when binding fails (the socket is closed first).
   * @throws {TypeError|RangeError} for a malformed address.
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
   * console.log((server.server_address as socket.IPv4Address)[1] > 0); // true (the port chosen)
   * ```
   */
  constructor(
    server_address: Address,
    RequestHandlerClass: RequestHandlerClass<DatagramRequest>,
    bind_and_activate = true,
  ) {
    super(server_address, RequestHandlerClass, bind_and_activate, datagramSocket);
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
