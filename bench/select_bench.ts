// Copyright 2026 the pysocket authors. MIT license.
// The cost of select.select() and a selector's select() as the number of
// idle sockets grows (with one ready socket among them, so that no call
// waits): per-call time should grow about linearly with the count.
//
//   deno bench -A bench/select_bench.ts
//
// Connections are opened once (top-level await) and closed on unload.

import * as socket from "@pysocket/socket";
import { select } from "@pysocket/socket/select";
import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";

const COUNTS = [10, 100, 500, 1000];

const srv = socket.socket();
srv.bind(["127.0.0.1", 0]);
srv.listen(1024);
const addr = srv.getsockname() as [string, number];
const clients: socket.StreamSocket[] = [];
const conns: socket.StreamSocket[] = [];
for (let i = 0; i < Math.max(...COUNTS); i++) {
  clients.push(await socket.create_connection(addr));
  conns.push((await srv.accept())[0]);
}
// One socket is always readable: a byte is waiting and never read.
await clients[0].sendall(new Uint8Array([1]));
const [ready] = await select([conns[0]], [], [], 5);
if (ready.length !== 1) throw new Error("setup: the ready socket is not readable");

const selectors = new Map<number, DefaultSelector>();
for (const n of COUNTS) {
  const sel = new DefaultSelector();
  for (const c of conns.slice(0, n)) sel.register(c, EVENT_READ);
  selectors.set(n, sel);
}

for (const n of COUNTS) {
  const socks = conns.slice(0, n);
  Deno.bench({
    name: `select.select, ${n} sockets, one ready`,
    group: "select.select",
    baseline: n === COUNTS[0],
    async fn() {
      await select(socks, [], [], 0);
    },
  });
  Deno.bench({
    name: `DefaultSelector.select, ${n} sockets, one ready`,
    group: "selectors",
    baseline: n === COUNTS[0],
    async fn() {
      await selectors.get(n)!.select(0);
    },
  });
}

globalThis.addEventListener("unload", () => {
  for (const sel of selectors.values()) sel.close();
  for (const s of [...clients, ...conns, srv]) s.close();
});
