// Copyright 2026 the pysocket authors. MIT license.
// The classic echo server, serving many clients at once.
//
//   deno run -A examples/echo_server.ts [host] [port]     (default 127.0.0.1 8080; port 0 = any)
//
// It reads as the Python tutorial does — socket(), SO_REUSEADDR, bind,
// listen, an accept loop — except that each connection is served in its own
// async task (Python would start a thread). The first line printed is the
// address it listens on ("listening on 127.0.0.1:8080"). Ctrl-C (SIGINT)
// closes the server and every open connection, prints "goodbye" and exits 0.

import * as socket from "@pysocket/socket";
import { args, SIG_DFL, SIGINT, signal } from "./_py.ts";

const HOST = args[0] ?? "127.0.0.1";
const PORT = Number(args[1] ?? 8080);
const FAMILY = HOST.includes(":") ? socket.AF_INET6 : socket.AF_INET;

const srv = socket.socket(FAMILY, socket.SOCK_STREAM); // srv = socket.socket(AF_INET, SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
srv.bind([HOST, PORT]);
srv.listen(socket.SOMAXCONN); // the system's longest queue: a burst of clients is queued, not reset
const [host, port] = srv.getsockname() as socket.IPv4Address;
console.log(`listening on ${FAMILY === socket.AF_INET6 ? `[${host}]` : host}:${port}`);

const clients = new Set<socket.StreamSocket>();
const tasks = new Set<Promise<void>>();

/** Echoes everything one client sends until it closes its side. */
async function handle(conn: socket.StreamSocket, addr: socket.Address): Promise<void> {
  try {
    for (;;) {
      const data = await conn.recv(65536); // data = conn.recv(65536)
      if (data.length === 0) break; //       if not data: break
      await conn.sendall(data); //           conn.sendall(data)
    }
  } catch (e) {
    // A client that resets its connection ends only its own task.
    if (!srv.closed) console.error(`${JSON.stringify(addr)}: ${(e as Error).message}`);
  } finally {
    clients.delete(conn);
    conn.close();
  }
}

function onSigint(): void {
  srv.close(); // ends the accept loop below
  for (const conn of clients) conn.close(); // ends their tasks
}
signal(SIGINT, onSigint);

for await (const [conn, addr] of srv) { // while True: conn, addr = srv.accept()
  clients.add(conn);
  const task = handle(conn, addr);
  tasks.add(task);
  task.finally(() => tasks.delete(task));
}

signal(SIGINT, SIG_DFL);
await Promise.all(tasks);
console.log("goodbye");
