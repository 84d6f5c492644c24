// Copyright 2026 the pysocket authors. MIT license.
// The classic echo server, serving many clients at once.
//
//   deno run -A examples/echo_server.ts [host] [port]     (default 127.0.0.1 8080)
//
// It reads as the Python tutorial does — socket(), SO_REUSEADDR, bind,
// listen, an accept loop — except that each connection is served in its own
// async task (Python would start a thread). Ctrl-C closes everything and exits.

import * as socket from "@pysocket/socket";

const HOST = Deno.args[0] ?? "127.0.0.1";
const PORT = Number(Deno.args[1] ?? 8080);

const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
srv.bind([HOST, PORT]);
srv.listen(128);
const [host, port] = srv.getsockname() as socket.IPv4Address;
console.log(`listening on ${host}:${port}`);

const clients = new Set<socket.StreamSocket>();

async function handle(conn: socket.StreamSocket, addr: socket.Address): Promise<void> {
  clients.add(conn);
  try {
    for (;;) {
      const data = await conn.recv(65536); // data = conn.recv(65536)
      if (data.length === 0) break; //       if not data: break
      await conn.sendall(data); //           conn.sendall(data)
    }
  } catch (e) {
    if (!(e instanceof socket.OSError)) throw e;
    if (!srv.closed) console.error(`${JSON.stringify(addr)}: ${e.message}`);
  } finally {
    clients.delete(conn);
    conn.close();
  }
}

Deno.addSignalListener("SIGINT", () => {
  srv.close(); // ends the accept loop below
  for (const conn of clients) conn.close();
});

for await (const [conn, addr] of srv) { // while True: conn, addr = srv.accept()
  handle(conn, addr);
}
console.log("bye");
