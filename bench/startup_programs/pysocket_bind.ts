// Copyright 2026 the pysocket authors. MIT license.
// bench/startup: one TCP and one UDP socket with pysocket on Deno's own API
// (socket(), bind(), listen() for TCP), their ports printed, both closed; the
// same program as raw_bind.ts, written as Python would.
//
//   deno run -A --unstable-net bench/startup_programs/pysocket_bind.ts

import * as socket from "../../mod.ts";

const tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
tcp.bind(["127.0.0.1", 0]);
tcp.listen();
const udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
udp.bind(["127.0.0.1", 0]);
const [, tcpPort] = tcp.getsockname() as socket.IPv4Address;
const [, udpPort] = udp.getsockname() as socket.IPv4Address;
console.log(`BOUND ${tcpPort} ${udpPort}`);
tcp.close();
udp.close();
