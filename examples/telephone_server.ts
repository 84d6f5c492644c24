// Copyright 2026 the pysocket authors. MIT license.
// The "telephone" server: a socket is a phone; bind() puts the SIM card in,
// listen() is standby, accept() answers a call. It hears one message, says it
// back upper-cased and hangs up. The Python it ports:
//
//   ip_port = ('127.0.0.1', 9000)  # the SIM card
//   BUFSIZE = 1024                 # how much is heard or said at once
//   servser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # buy a phone
//   servser.bind(ip_port)          # put the card in
//   servser.listen(5)              # standby
//   conn, addr = servser.accept()  # answer the phone
//   print('got a call from %s' % addr[0])
//   msg = conn.recv(BUFSIZE)       # listen
//   print(msg, type(msg))
//   conn.send(msg.upper())         # speak
//   conn.close()                   # hang up
//   servser.close()                # switch the phone off
//
// (`servser` is the original's spelling, kept so that the lines match.)
//
// Usage: deno run -A examples/telephone_server.ts [host] [port]
// (defaults: 127.0.0.1 and 9000; port 0 picks a free port, and the first line
// printed is the address listened on). Its client is examples/telephone_client.ts;
// examples/telephone_loop_server.ts takes call after call.

import * as socket from "@pysocket/socket";
import { args, repr, upper } from "./_py.ts";

const ip_port: socket.IPv4Address = [args[0] ?? "127.0.0.1", Number(args[1] ?? 9000)]; // the SIM card
const BUFSIZE = 1024; // how much is heard or said at once
const servser = socket.socket(socket.AF_INET, socket.SOCK_STREAM); // buy a phone
servser.bind(ip_port); // put the card in
servser.listen(5); // standby
const [ip, port] = servser.getsockname() as [string, number];
console.log(`listening on ${ip}:${port}`); // not in the original: tells a test the port

const [conn, addr] = await servser.accept(); // answer the phone
// console.log(conn);
// console.log(addr);
console.log(`got a call from ${addr[0]}`);

const msg = await conn.recv(BUFSIZE); // listen
console.log(repr(msg), msg.constructor.name); // print(msg, type(msg)): bytes are a Uint8Array

await conn.send(upper(msg)); // speak: msg.upper()

conn.close(); // hang up

servser.close(); // switch the phone off
