// Copyright 2026 the pysocket authors. MIT license.
// The UDP server of the classic Python tutorial, line for line:
//
//   s = socket(AF_INET, SOCK_DGRAM)
//   s.bind(('127.0.0.1', 8080))
//   while True:
//       data, address = s.recvfrom(1024)
//       print(data, address)
//       s.sendto(b'this is the UDP server', address)
//
// Usage: deno run -A examples/udp_server.ts [host] [port] [count]
// (port 0 picks a free port; count stops after that many datagrams).

import * as socket from "@pysocket/socket";
import { args } from "./_py.ts";

const host = args[0] ?? "127.0.0.1";
const port = Number(args[1] ?? 8080);
const count = args[2] === undefined ? Infinity : Number(args[2]);

using s = socket.socket(host.includes(":") ? socket.AF_INET6 : socket.AF_INET, socket.SOCK_DGRAM);
s.bind([host, port]);
const [ip, boundPort] = s.getsockname() as [string, number];
console.log(`UDP server listening on ${ip}:${boundPort}`);

for (let served = 0; served < count; served++) {
  const [data, address] = await s.recvfrom(1024);
  console.log(new TextDecoder().decode(data), address);
  await s.sendto(new TextEncoder().encode("this is the UDP server"), address);
}
