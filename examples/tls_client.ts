// Copyright 2026 the pysocket authors. MIT license.
/**
 * A TLS client, the Python way: connect a plain socket, then wrap it.
 * Python's `ssl.wrap_socket(sock)` becomes `socket.fromConn(await
 * Deno.startTls(sock.detach(), { hostname, caCerts }))`.
 *
 * Sends one line, prints the line the server answers, and exits.
 *
 * Usage:
 *   deno run --allow-net --allow-read examples/tls_client.ts HOST PORT [CA_FILE] [SERVER_NAME] [MESSAGE]
 *
 * `CA_FILE` is a PEM certificate to trust besides the system's (for a
 * self-signed server); `SERVER_NAME` is the name the certificate must carry
 * (default: HOST).
 *
 * @module
 */

import * as socket from "@pysocket/socket";

const [host = "127.0.0.1", portArg = "8443", caFile, serverName, message = "hello over tls"] =
  Deno.args;
const port = Number(portArg);

// 1. A plain TCP connection, exactly as in Python.
const plain = await socket.create_connection([host, port], 10);

// 2. Hand the Deno connection to Deno's TLS and wrap the result as a socket again.
const caCerts = caFile ? [await Deno.readTextFile(caFile)] : undefined;
const tcp = plain.detach() as Deno.TcpConn;
using tls = socket.fromConn(
  await Deno.startTls(tcp, { hostname: serverName ?? host, caCerts }),
);
tls.settimeout(10);

// 3. Talk as before: sendall / makefile().readline().
await tls.sendall(new TextEncoder().encode(message + "\n"));
const reader = tls.makefile("r");
const line = await reader.readline();
await reader.close();
console.log(line.trimEnd());
