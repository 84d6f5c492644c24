// Copyright 2026 the pysocket authors. MIT license.
// The "telephone" server grown up: a connection loop takes call after call, and
// a communication loop inside it answers every message with the message
// upper-cased, until the caller hangs up. The Python it ports:
//
//   ip_port = ('127.0.0.1', 8081)  # the SIM card
//   BUFSIZE = 1024
//   server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # buy a phone
//   server.bind(ip_port)           # put the card in
//   server.listen(5)               # standby
//   while True:                    # connection loop: answer call after call
//       conn, addr = server.accept()  # answer the phone
//       print('got a call from %s' % addr[0])
//       while True:                # communication loop: talk back and forth
//           msg = conn.recv(BUFSIZE)  # listen
//           # without this, a caller who hangs up makes recv() return b'' at
//           # once, over and over: an endless loop
//           # if len(msg) == 0: break
//           print(msg, type(msg))
//           conn.send(msg.upper())  # speak
//       conn.close()               # hang up
//   server.close()                 # switch the phone off
//
// (The original calls `s.accept()`, a name it never defined; it means `server`.)
//
// Usage: deno run -A examples/telephone_loop_server.ts [host] [port] [count]
// (defaults: 127.0.0.1 and 8081; port 0 picks a free port, and the first line
// printed is the address listened on; count stops after that many calls).
// Its client is examples/telephone_loop_client.ts.

import * as socket from "@pysocket/socket";
import { args, repr, upper } from "./_py.ts";

// The SIM card.
const ip_port: socket.IPv4Address = [args[0] ?? "127.0.0.1", Number(args[1] ?? 8081)];
const BUFSIZE = 1024;
const count = args[2] === undefined ? Infinity : Number(args[2]);

// Buy a phone.
const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);

// Put the card in.
server.bind(ip_port);

// Standby.
server.listen(5);
const [ip, port] = server.getsockname() as [string, number];
console.log(`listening on ${ip}:${port}`); // not in the original: tells a test the port

// The connection loop: answer call after call.
for (let calls = 0; calls < count; calls++) { // while True: (bounded by count)
  // Answer the phone.
  const [conn, addr] = await server.accept();
  // console.log(conn);
  // console.log(addr);
  console.log(`got a call from ${addr[0]}`);

  // The communication loop: talk back and forth.
  while (true) {
    // Listen.
    const msg = await conn.recv(BUFSIZE);

    // Commented out in the original: without it, a caller who hangs up makes
    // recv() resolve an empty Uint8Array at once, over and over: an endless loop.
    if (msg.length === 0) break;

    console.log(repr(msg), msg.constructor.name); // print(msg, type(msg))

    // Speak.
    await conn.send(upper(msg)); // msg.upper()
  }

  // Hang up.
  conn.close();
}

// Switch the phone off.
server.close();
