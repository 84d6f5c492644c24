// Copyright 2026 the pysocket authors. MIT license.
// A server that reads what each client sends, prints it and answers
// "Hello Client". The Python it ports:
//
//   # a TCP socket
//   sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//   # bind it to port 8080 of this machine
//   sock.bind(('localhost', 8080))
//   # start listening for connections
//   sock.listen(5)
//   while True:
//       # accept a connection
//       client_sock, client_addr = sock.accept()
//       # receive what the client sends
//       data = client_sock.recv(1024)
//       # print it
//       print('Received:', data)
//       # answer the client
//       client_sock.send(b'Hello Client')
//       # close the client's socket
//       client_sock.close()
//
// Usage: deno run -A examples/hello_server.ts [host] [port] [count]
// (defaults: localhost and 8080; port 0 picks a free port, and the first line
// printed is the address listened on; count stops after that many clients).
// Its client is examples/hello_client.ts.

import * as socket from "@pysocket/socket";
import { args, repr } from "./_py.ts";

const host = args[0] ?? "localhost";
const port = Number(args[1] ?? 8080);
const count = args[2] === undefined ? Infinity : Number(args[2]);

// A TCP socket.
const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);

// Bind it to the port of this machine.
sock.bind([host, port]);

// Start listening for connections.
sock.listen(5);
const [ip, boundPort] = sock.getsockname() as [string, number];
console.log(`listening on ${ip}:${boundPort}`); // not in the original: tells a test the port

for (let served = 0; served < count; served++) { // while True: (bounded by count)
  // Accept a connection.
  const [client_sock, _client_addr] = await sock.accept();

  // Receive what the client sends.
  const data = await client_sock.recv(1024);

  // Print it.
  console.log("Received:", repr(data)); // print('Received:', data): bytes shown as b'...'

  // Answer the client.
  await client_sock.send(new TextEncoder().encode("Hello Client")); // b'Hello Client'

  // Close the client's socket.
  client_sock.close();
}
sock.close();
