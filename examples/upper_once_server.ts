// Copyright 2026 the pysocket authors. MIT license.
// The simplest socket server: it takes one connection on port 9999, reads one
// message, sends it back upper-cased and quits. The Python it ports:
//
//   sk = socket.socket()
//   ip_port = ('127.0.0.1', 9999)
//   sk.bind(ip_port)
//   print('sk.bind......')
//   sk.listen(5)
//   print('sk.listen......')
//   conn, addr = sk.accept()
//   print('conn:', conn)
//   print('addr:', addr)
//   read_data = conn.recv(1024)
//   print('read_data', read_data)
//   read_data = read_data.upper()
//   conn.send(read_data)
//   conn.close()
//
// Usage: deno run -A examples/upper_once_server.ts [host] [port]
// (defaults: 127.0.0.1 and 9999; port 0 picks a free port, and the first line
// printed is the address listened on). Its client is examples/upper_once_client.ts.

import * as socket from "@pysocket/socket";
import { args, repr, upper } from "./_py.ts";

const sk = socket.socket();
const ip_port: socket.IPv4Address = [args[0] ?? "127.0.0.1", Number(args[1] ?? 9999)];
sk.bind(ip_port);
const [ip, port] = sk.getsockname() as [string, number];
console.log(`listening on ${ip}:${port}`); // not in the original: tells a test the port
console.log("sk.bind......");
sk.listen(5);
console.log("sk.listen......");
const [conn, addr] = await sk.accept();
console.log("conn:", conn);
console.log("addr:", addr);
let read_data = await conn.recv(1024);
console.log("read_data", repr(read_data)); // print('read_data', read_data): bytes shown as b'...'
read_data = upper(read_data); // read_data.upper()
await conn.send(read_data);
conn.close();
sk.close(); // Python closes it at exit
