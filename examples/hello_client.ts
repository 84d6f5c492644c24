// Copyright 2026 the pysocket authors. MIT license.
// The client of examples/hello_server.ts: it says "Hello Server" and prints
// the answer. The Python it ports:
//
//   # a TCP socket
//   sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//   # connect
//   sock.connect(('localhost', 8080))
//   # send the server a message
//   sock.send(b'Hello Server')
//   # receive the server's answer
//   data = sock.recv(1024)
//   # print it
//   print('Received:', data)
//   # close the socket
//   sock.close()
//
// Usage: deno run -A examples/hello_client.ts [host] [port]
// (defaults: localhost and 8080).

import * as socket from "@pysocket/socket";
import { args, repr } from "./_py.ts";

const host = args[0] ?? "localhost";
const port = Number(args[1] ?? 8080);

// A TCP socket.
const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);

// Connect.
await sock.connect([host, port]); // await: connecting waits on the network

// Send the server a message.
await sock.send(new TextEncoder().encode("Hello Server")); // b'Hello Server'

// Receive the server's answer.
const data = await sock.recv(1024);

// Print it.
console.log("Received:", repr(data)); // print('Received:', data): bytes shown as b'...'

// Close the socket.
sock.close();
