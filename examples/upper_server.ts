// Copyright 2026 the pysocket authors. MIT license.
// The upper-casing "telephone" server, written with socketserver: every
// message a client sends comes back upper-cased, until the client hangs up.
// Many clients are served at once, each by its own handler task. The Python
// it ports:
//
//   import socketserver
//
//   class UpperHandler(socketserver.BaseRequestHandler):
//       def handle(self):
//           print('got a call from %s' % self.client_address[0])
//           while True:
//               msg = self.request.recv(1024)
//               if not msg:
//                   break
//               self.request.sendall(msg.upper())
//
//   with socketserver.ThreadingTCPServer(('127.0.0.1', 8081), UpperHandler) as server:
//       server.serve_forever()
//
// Usage: deno run -A examples/upper_server.ts [host] [port]
// (defaults: 127.0.0.1 and 8081; port 0 picks a free port). The first line
// printed is the address listened on ("listening on 127.0.0.1:8081"). Ctrl-C
// (SIGINT) stops the server, waits for the calls in progress to end, prints
// "goodbye" and exits 0.

import { socketserver } from "@pysocket/socket";
import { args, SIG_DFL, SIGINT, signal, upper } from "./_py.ts";

const HOST = args[0] ?? "127.0.0.1";
const PORT = Number(args[1] ?? 8081);

class UpperHandler extends socketserver.BaseRequestHandler {
  override async handle(): Promise<void> {
    console.log(`got a call from ${this.client_address[0]}`);
    for (;;) {
      const msg = await this.request.recv(1024);
      if (msg.length === 0) break; // the caller hung up
      await this.request.sendall(upper(msg));
    }
  }
}

class UpperServer extends socketserver.ThreadingTCPServer {
  static override allow_reuse_address = true;
}

await using server = new UpperServer([HOST, PORT], UpperHandler);
const [host, port] = server.server_address as [string, number];
console.log(`listening on ${host}:${port}`);

const stop = () => void server.shutdown();
signal(SIGINT, stop);
await server.serve_forever();
signal(SIGINT, SIG_DFL);
await server.server_close(); // waits for the calls in progress (block_on_close)
console.log("goodbye");
