// Copyright 2026 the pysocket authors. MIT license.
// The server side of bench/compare's "many" workload in one process: echo
// loops on 200 connections (a pysocket loop, `recv_into` + `sendall`, against
// the raw Deno loop, `read` + `write`), each iteration one 64 B echo on every
// connection at once, driven by raw Deno clients. The ratio shows what the
// wrapper adds per round trip when many connections are live:
//
//   deno bench -A bench/echo_bench.ts
//
// Connections are opened once (top-level await) and closed on unload.

import * as socket from "@pysocket/socket";

const CONNS = 200;
const SMALL = 64;

/** `count` loopback connections: [client, server] pairs. */
async function pairs(count: number): Promise<[Deno.TcpConn, Deno.TcpConn][]> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  const out: [Deno.TcpConn, Deno.TcpConn][] = [];
  for (let i = 0; i < count; i++) {
    const [a, b] = await Promise.all([Deno.connect({ hostname: "127.0.0.1", port }), l.accept()]);
    a.setNoDelay(true);
    (b as Deno.TcpConn).setNoDelay(true);
    out.push([a, b as Deno.TcpConn]);
  }
  l.close();
  return out;
}

async function writeAll(c: Deno.Conn, p: Uint8Array): Promise<void> {
  let off = 0;
  while (off < p.length) off += await c.write(off ? p.subarray(off) : p);
}

async function rawEcho(c: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(1024);
  try {
    for (let n; (n = await c.read(buf)) !== null;) await writeAll(c, buf.subarray(0, n));
  } catch {
    // the client closed first
  } finally {
    c.close();
  }
}

async function pyEcho(s: socket.StreamSocket): Promise<void> {
  const buf = new Uint8Array(1024);
  try {
    for (let n; (n = await s.recv_into(buf)) > 0;) await s.sendall(buf.subarray(0, n));
  } catch {
    // the client closed first
  } finally {
    s.close();
  }
}

const raw = await pairs(CONNS);
const py = await pairs(CONNS);
// The echo loops run until their client closes (they never reject).
for (const [, b] of raw) rawEcho(b);
for (const [, b] of py) pyEcho(socket.fromConn(b));

globalThis.addEventListener("unload", () => {
  for (const [a] of [...raw, ...py]) a.close();
});

const msg = new Uint8Array(SMALL).fill(0x62);
const bufs = Array.from({ length: CONNS }, () => new Uint8Array(SMALL));

/** One 64 B echo on every client at once. */
function round(clients: [Deno.TcpConn, Deno.TcpConn][]): Promise<unknown> {
  return Promise.all(clients.map(async ([c], i) => {
    await writeAll(c, msg);
    const buf = bufs[i];
    let got = 0;
    while (got < SMALL) {
      const n = await c.read(got ? buf.subarray(got) : buf);
      if (n === null) throw new Error("server closed early");
      got += n;
    }
  }));
}

Deno.bench({
  name: "raw Deno read + write server",
  group: `echo 64 B on ${CONNS} connections`,
  baseline: true,
  n: 2000,
  async fn() {
    await round(raw);
  },
});

Deno.bench({
  name: "pysocket recv_into + sendall server",
  group: `echo 64 B on ${CONNS} connections`,
  n: 2000,
  async fn() {
    await round(py);
  },
});
