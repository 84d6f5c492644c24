// Copyright 2026 the pysocket authors. MIT license.
// A socketserver over TLS, as Python writes one: a ThreadingTCPServer whose
// listening socket is wrapped on the server's side, so that every accept()
// hands the handler a connection that already speaks TLS; the handler
// answers each line upper-cased. The Python it ports:
//
//   import socketserver, ssl, sys
//
//   class UpperHandler(socketserver.StreamRequestHandler):
//       def handle(self):
//           for line in self.rfile:
//               self.wfile.write(line.upper())
//
//   class TLSServer(socketserver.ThreadingTCPServer):
//       allow_reuse_address = True
//
//       def __init__(self, server_address, handler, context):
//           super().__init__(server_address, handler)
//           self.socket = context.wrap_socket(self.socket, server_side=True)
//
//   context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
//   context.load_cert_chain(certfile, keyfile)
//   with TLSServer((host, port), UpperHandler, context) as server:
//       print("listening on %s:%d" % server.server_address, flush=True)
//       server.serve_forever()
//
// A constructor cannot await, and wrap_socket() returns a Promise here, so the
// wrap that ends Python's __init__ is the static `create()` below; the line
// itself is Python's: `server.socket = await context.wrap_socket(server.socket,
// { server_side: true })` (the same line wraps an http.server's socket).
//
// As in Python, the handshake runs in accept(), inside the server's loop: a
// client whose handshake fails is dropped (get_request() raised an OSError)
// and the server goes on with the next one.
//
// Usage:
//   deno run --allow-net --allow-read examples/tls_socketserver.ts [host] [port] certfile keyfile
//
// The last two arguments are the certificate chain and the private key (PEM);
// before them come the host (default 127.0.0.1) and the port (default 8443;
// 0 picks a free port). The first line printed is the address listened on
// ("listening on 127.0.0.1:8443"). Ctrl-C (SIGINT) stops the server, waits
// for the connections in progress to end, prints "goodbye" and exits 0.

import * as socket from "@pysocket/socket";
import { socketserver } from "@pysocket/socket";
import * as ssl from "@pysocket/socket/ssl";
import { args, exit, SIG_DFL, SIGINT, signal, upper } from "./_py.ts";

if (args.length < 2 || args.length > 4) {
  console.error("usage: tls_socketserver.ts [host] [port] certfile keyfile");
  exit(2);
}
const [certfile, keyfile] = args.slice(-2);
const [HOST = "127.0.0.1", PORT = "8443"] = args.slice(0, -2);

class UpperHandler extends socketserver.StreamRequestHandler {
  override async handle(): Promise<void> {
    for await (const line of this.rfile) { // for line in self.rfile:
      await this.wfile.write(upper(line)); //   self.wfile.write(line.upper())
    }
  }
}

class TLSServer extends socketserver.ThreadingTCPServer {
  static override allow_reuse_address = true;

  /** Python's `TLSServer(server_address, handler, context)`: binds, listens, wraps. */
  static async create(
    server_address: socket.Address,
    handler: socketserver.RequestHandlerClass<socket.StreamSocket>,
    context: ssl.SSLContext,
  ): Promise<TLSServer> {
    const server = new TLSServer(server_address, handler); // super().__init__(…)
    try {
      server.socket = await context.wrap_socket(server.socket, { server_side: true });
    } catch (e) {
      await server.server_close();
      throw e;
    }
    return server;
  }
}

const context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
context.load_cert_chain(certfile, keyfile);

await using server = await TLSServer.create([HOST, Number(PORT)], UpperHandler, context);
const [host, port] = server.server_address as socket.IPv4Address;
console.log(`listening on ${host}:${port}`);

const stop = () => void server.shutdown();
signal(SIGINT, stop);
await server.serve_forever();
signal(SIGINT, SIG_DFL);
await server.server_close(); // waits for the connections in progress (block_on_close)
console.log("goodbye");
