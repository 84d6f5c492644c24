// Copyright 2026 the pysocket authors. MIT license.
/**
 * A TLS client the older way, with Deno's own TLS: connect a plain socket,
 * then hand its connection to Deno and wrap what comes back as a socket
 * again: `socket.fromConn(await Deno.startTls(sock.detach(), { hostname,
 * caCerts }))`. The handles are Deno's, so this one runs on Deno only; the
 * `ssl` module's `context.wrap_socket(sock, { server_hostname })` is
 * Python's way and runs on Node and Bun too (examples/https_get.ts).
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

import { readFile } from "node:fs/promises";
import * as socket from "@pysocket/socket";
import { args, exit } from "./_py.ts";

if (!("Deno" in globalThis)) {
  console.error("tls_client.ts uses Deno.startTls: run it with deno (or see https_get.ts)");
  exit(2);
}

const [host = "127.0.0.1", portArg = "8443", caFile, serverName, message = "hello over tls"] = args;
const port = Number(portArg);

// 1. A plain TCP connection, exactly as in Python.
const plain = await socket.create_connection([host, port], 10);

// 2. Hand the Deno connection to Deno's TLS and wrap the result as a socket again.
const caCerts = caFile ? [await readFile(caFile, "utf8")] : undefined;
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
