// Copyright 2026 the pysocket authors. MIT license.
// The echo server over TLS: a plain listening socket, and each accepted
// connection wrapped on the server's side in its own task (Python would start
// a thread), so that a slow or failing handshake holds up no one else. The
// Python it ports:
//
//   import socket, ssl, sys, threading
//
//   context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
//   context.load_cert_chain(certfile, keyfile)
//
//   def handle(conn, addr):
//       try:
//           conn.settimeout(10)                # for the handshake
//           with context.wrap_socket(conn, server_side=True) as tls:
//               tls.settimeout(None)
//               while data := tls.recv(65536):
//                   tls.sendall(data)
//       except OSError as e:                   # ssl.SSLError is an OSError
//           print(f"{addr}: {e}", file=sys.stderr)
//
//   with socket.create_server((host, port)) as srv:
//       print("listening on %s:%d" % srv.getsockname()[:2], flush=True)
//       while True:
//           conn, addr = srv.accept()
//           threading.Thread(target=handle, args=(conn, addr), daemon=True).start()
//
// Usage:
//   deno run --allow-net --allow-read examples/tls_echo_server.ts [host] [port] certfile keyfile
//
// The last two arguments are always the certificate chain and the private
// key (PEM files); before them come the host (default 127.0.0.1) and the port
// (default 8443; 0 picks a free port). The first line printed is the address
// it listens on ("listening on 127.0.0.1:8443"). A client whose handshake
// fails (a plain TCP client, say, or one that does not trust the
// certificate) is logged on stderr and dropped; the server carries on.
// Ctrl-C (SIGINT) closes the server and every open connection, prints
// "goodbye" and exits 0 (a handshake under way finishes or times out first).

import * as socket from "@pysocket/socket";
import * as ssl from "@pysocket/socket/ssl";
import { args, exit, SIG_DFL, SIGINT, signal } from "./_py.ts";

if (args.length < 2 || args.length > 4) {
  console.error("usage: tls_echo_server.ts [host] [port] certfile keyfile");
  exit(2);
}
const [certfile, keyfile] = args.slice(-2);
const [HOST = "127.0.0.1", PORT = "8443"] = args.slice(0, -2);
/** Seconds a client has to finish its handshake. */
const HANDSHAKE_TIMEOUT = 10;

const context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
context.load_cert_chain(certfile, keyfile);

const FAMILY = HOST.includes(":") ? socket.AF_INET6 : socket.AF_INET;
const srv = socket.create_server([HOST, Number(PORT)], { family: FAMILY });
const [host, port] = srv.getsockname() as socket.IPv4Address;
console.log(`listening on ${FAMILY === socket.AF_INET6 ? `[${host}]` : host}:${port}`);

const clients = new Set<socket.StreamSocket>();
const tasks = new Set<Promise<void>>();

/** Runs the handshake, then echoes everything the client sends until it closes its side. */
async function handle(conn: socket.StreamSocket, addr: socket.Address): Promise<void> {
  let tls: ssl.SSLSocket | null = null;
  try {
    conn.settimeout(HANDSHAKE_TIMEOUT); // conn.settimeout(10): for the handshake
    tls = await context.wrap_socket(conn, { server_side: true }); // conn is detached now
    if (srv.closed) return; // Ctrl-C came during the handshake
    clients.add(tls);
    tls.settimeout(null);
    for (;;) {
      const data = await tls.recv(65536); // data = tls.recv(65536)
      if (data.length === 0) break; //      if not data: break
      await tls.sendall(data); //           tls.sendall(data)
    }
  } catch (e) {
    // A failed handshake or a reset connection ends only this client's task.
    const [ip, cport] = addr as socket.IPv4Address;
    if (!srv.closed) console.error(`('${ip}', ${cport}): ${(e as Error).message}`);
  } finally {
    if (tls !== null) clients.delete(tls);
    tls?.close();
    conn.close();
  }
}

function onSigint(): void {
  srv.close(); // ends the accept loop below
  for (const tls of clients) tls.close(); // ends their tasks
}
signal(SIGINT, onSigint);

for await (const [conn, addr] of srv) { // while True: conn, addr = srv.accept()
  const task = handle(conn, addr);
  tasks.add(task);
  task.finally(() => tasks.delete(task));
}

signal(SIGINT, SIG_DFL);
await Promise.all(tasks);
console.log("goodbye");
