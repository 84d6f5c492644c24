// Copyright 2026 the pysocket authors. MIT license.
// The "telephone" client: it dials with connect_ex(), says one sentence, prints
// what it hears back and hangs up. The Python it ports:
//
//   ip_port = ('127.0.0.1', 9000)
//   BUFSIZE = 1024
//   client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//   client.connect_ex(ip_port)     # dial
//   client.send('dream is handsome'.encode('utf-8'))  # speak (bytes only)
//   feedback = client.recv(BUFSIZE)  # listen
//   print(feedback.decode('utf-8'))
//   client.close()                 # hang up
//
// Usage: deno run -A examples/telephone_client.ts [host] [port]
// (defaults: 127.0.0.1 and 9000). Its server is examples/telephone_server.ts.

import * as socket from "@pysocket/socket";
import { args } from "./_py.ts";

const ip_port: socket.IPv4Address = [args[0] ?? "127.0.0.1", Number(args[1] ?? 9000)];
const BUFSIZE = 1024;
const client = socket.socket(socket.AF_INET, socket.SOCK_STREAM);

await client.connect_ex(ip_port); // dial: resolves 0 or an errno number, never throws

await client.send(new TextEncoder().encode("dream is handsome")); // speak (bytes only)

const feedback = await client.recv(BUFSIZE); // listen
console.log(new TextDecoder().decode(feedback)); // feedback.decode('utf-8')

client.close(); // hang up
