// Copyright 2026 the pysocket authors. MIT license.
/**
 * Python's `socketserver` framework for Deno: servers that accept requests
 * and hand each to a request handler class. `TCPServer` and `UDPServer`
 * (and their AF_UNIX twins) serve one request at a time, as Python's do;
 * the `Threading*` servers run each request as its own concurrent task —
 * Deno has no threads, the names are kept so that ported code runs.
 *
 * Everything that waits on the network returns a Promise: `serve_forever()`,
 * `handle_request()`, `shutdown()`, `server_close()`, and the handler's
 * `setup()`/`handle()`/`finish()` may be `async`. Construction binds and
 * listens at once, synchronously, as in Python.
 *
 * Python's class attributes (`allow_reuse_address`, `request_queue_size`,
 * `address_family`, `timeout`, `block_on_close`, a handler's `timeout`…) are
 * `static` fields here, so that a subclass's value is in force when the
 * constructor binds: `static override allow_reuse_address = true`. Each
 * object starts with its class's value, and `this.timeout = 5` changes it
 * for that object alone, as Python's `self.timeout = 5` does.
 *
 * @example An upper-casing TCP server, one request per client line
 * ```ts
 * import { socketserver } from "@pysocket/socket";
 * import * as socket from "@pysocket/socket";
 *
 * class Upper extends socketserver.StreamRequestHandler {
 *   override async handle() {
 *     const line = await this.rfile.readline();
 *     await this.wfile.write(line.map((b) => b >= 97 && b <= 122 ? b - 32 : b));
 *   }
 * }
 *
 * await using server = new socketserver.ThreadingTCPServer(["127.0.0.1", 0], Upper);
 * const serving = server.serve_forever();
 *
 * using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
 * await cli.sendall(new TextEncoder().encode("hello\n"));
 * console.log(new TextDecoder().decode(await cli.recv(1024))); // "HELLO\n"
 *
 * await server.shutdown();
 * await serving;
 * ```
 *
 * @module
 */

export { BaseServer, type RequestHandlerClass, type RequestHandlerLike } from "./_server/base.ts";
export {
  type DatagramRequest,
  SocketServer,
  TCPServer,
  UDPServer,
  UnixDatagramServer,
  UnixStreamServer,
} from "./_server/servers.ts";
export {
  ForkingMixIn,
  ForkingTCPServer,
  ForkingUDPServer,
  ForkingUnixDatagramServer,
  ForkingUnixStreamServer,
  type RequestOf,
  type ServerConstructor,
  ThreadingMixIn,
  type ThreadingMixInClass,
  type ThreadingMixInMembers,
  ThreadingTCPServer,
  ThreadingUDPServer,
  ThreadingUnixDatagramServer,
  ThreadingUnixStreamServer,
} from "./_server/threading.ts";
export {
  BaseRequestHandler,
  BytesIO,
  DatagramRequestHandler,
  SocketWriter,
  StreamRequestHandler,
} from "./_server/handlers.ts";
