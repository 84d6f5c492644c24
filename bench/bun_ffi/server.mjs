// Copyright 2026 the pysocket authors. MIT license.
// bench/bun_ffi: the echo server both clients talk to (node:net, Nagle off).
import net from "node:net";

const server = net.createServer((conn) => {
  conn.setNoDelay(true);
  conn.on("data", (d) => conn.write(d));
  conn.on("error", () => {});
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
