// Copyright 2026 the pysocket authors. MIT license.
// bench/startup: one TCP listener and one UDP socket in raw Deno, bound on
// loopback, their ports printed, both closed. The baseline of pysocket_bind.ts.
//
//   deno run -A --unstable-net bench/startup_programs/raw_bind.ts

const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const udp = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
console.log(`BOUND ${tcp.addr.port} ${(udp.addr as Deno.NetAddr).port}`);
tcp.close();
udp.close();
