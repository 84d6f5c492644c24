// Copyright 2026 the pysocket authors. MIT license.
// The client of examples/upper_once_server.ts: it sends one line typed on
// stdin and prints the answer. The Python it ports:
//
//   ip_port = ('127.0.0.1', 9999)
//   sk = socket.socket()
//   sk.connect(ip_port)
//   send_data = input('>>').strip()
//   sk.send(bytes(send_data, encoding='utf-8'))
//   recv_data = sk.recv(1024)
//   print(str(recv_data, encoding='utf-8'))
//   sk.close()
//
// Usage: deno run -A examples/upper_once_client.ts [host] [port]
// (defaults: 127.0.0.1 and 9999).

import * as socket from "@pysocket/socket";
import { args, input } from "./_py.ts";

const ip_port: socket.IPv4Address = [args[0] ?? "127.0.0.1", Number(args[1] ?? 9999)];
const sk = socket.socket();
await sk.connect(ip_port);
const send_data = (await input(">>")).trim(); // input('>>').strip()
await sk.send(new TextEncoder().encode(send_data)); // bytes(send_data, encoding='utf-8')
const recv_data = await sk.recv(1024);
console.log(new TextDecoder().decode(recv_data)); // str(recv_data, encoding='utf-8')
sk.close();
