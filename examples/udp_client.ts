// Copyright 2026 the pysocket authors. MIT license.
// The UDP client of the classic Python tutorial, line for line:
//
//   addr = (HOST, PORT)
//   s = socket(AF_INET, SOCK_DGRAM)
//   data = 'hello'.encode(encoding="utf-8")
//   s.sendto(data, addr)
//   data, addr = s.recvfrom(1024)
//   print(data.decode(encoding="utf-8"))
//   print(addr)
//
// Usage: deno run -A examples/udp_client.ts [host] [port] [count]
// (sends `count` greetings, 1 by default, waiting up to 5 s for each reply).

import * as socket from "@pysocket/socket";
import { args, exit } from "./_py.ts";

const HOST = args[0] ?? "127.0.0.1";
const PORT = Number(args[1] ?? 8080);
const count = Number(args[2] ?? 1);
const addr: socket.Address = [HOST, PORT];

using s = socket.socket(HOST.includes(":") ? socket.AF_INET6 : socket.AF_INET, socket.SOCK_DGRAM);
s.settimeout(5);
const data = new TextEncoder().encode("hello");
for (let i = 0; i < count; i++) {
  await s.sendto(data, addr);
  try {
    const [reply, from] = await s.recvfrom(1024);
    console.log(new TextDecoder().decode(reply));
    console.log(from);
  } catch (e) {
    if (!(e instanceof socket.timeout)) throw e;
    console.log("no reply within 5 s");
    exit(1);
  }
}
