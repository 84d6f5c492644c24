// Copyright 2026 the pysocket authors. MIT license.
// Datagrams per second through DatagramSocket against raw Deno.listenDatagram
// on loopback. Each iteration sends a batch of 64 datagrams of 64 bytes and
// receives them all; datagrams/s = 64 / (time per iteration). The last two
// groups time the sends alone and the receives (of queued datagrams) alone.
//
//   deno bench -A bench/udp_bench.ts

import * as socket from "@pysocket/socket";

const BATCH = 64;
const SIZE = 64;
const N = 2000;
const payload = new Uint8Array(SIZE).fill(7);

function rawPair() {
  const rx = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const tx = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  return { rx, tx, dest: rx.addr };
}

function pyPair(timeout: number | null) {
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  rx.settimeout(timeout);
  const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.bind(["127.0.0.1", 0]);
  return { rx, tx, dest: rx.getsockname() };
}

const raw = rawPair();
const blocking = pyPair(null);
const timed = pyPair(5);
const fresh = pyPair(null);
const buf = new Uint8Array(2048);
let ports = 0; // keeps the address reads from being optimised away

globalThis.addEventListener("unload", () => {
  if (ports < 0) console.log(ports);
  raw.rx.close();
  raw.tx.close();
  for (const p of [blocking, timed, fresh]) {
    p.rx.close();
    p.tx.close();
  }
});

Deno.bench({
  name: "raw Deno send/receive(buf)",
  group: "64 datagrams",
  baseline: true,
  n: N,
  async fn() {
    for (let i = 0; i < BATCH; i++) await raw.tx.send(payload, raw.dest);
    for (let i = 0; i < BATCH; i++) await raw.rx.receive(buf);
  },
});

Deno.bench({
  name: "sendto/recvfrom_into(buf), blocking",
  group: "64 datagrams",
  n: N,
  async fn() {
    for (let i = 0; i < BATCH; i++) await blocking.tx.sendto(payload, blocking.dest);
    for (let i = 0; i < BATCH; i++) await blocking.rx.recvfrom_into(buf);
  },
});

Deno.bench({
  name: "sendto/recvfrom(2048), blocking",
  group: "64 datagrams",
  n: N,
  async fn() {
    for (let i = 0; i < BATCH; i++) await fresh.tx.sendto(payload, fresh.dest);
    for (let i = 0; i < BATCH; i++) await fresh.rx.recvfrom(2048);
  },
});

Deno.bench({
  name: "sendto/recvfrom_into(buf), timeout 5 s",
  group: "64 datagrams",
  n: N,
  async fn() {
    for (let i = 0; i < BATCH; i++) await timed.tx.sendto(payload, timed.dest);
    for (let i = 0; i < BATCH; i++) await timed.rx.recvfrom_into(buf);
  },
});

// --- each side alone: the send timed by itself, then the receive of datagrams already queued ---

Deno.bench({
  name: "raw Deno send",
  group: "send 64 datagrams",
  baseline: true,
  n: N,
  async fn(b) {
    b.start();
    for (let i = 0; i < BATCH; i++) await raw.tx.send(payload, raw.dest);
    b.end();
    for (let i = 0; i < BATCH; i++) await raw.rx.receive(buf);
  },
});

Deno.bench({
  name: "pysocket sendto",
  group: "send 64 datagrams",
  n: N,
  async fn(b) {
    b.start();
    for (let i = 0; i < BATCH; i++) await blocking.tx.sendto(payload, blocking.dest);
    b.end();
    for (let i = 0; i < BATCH; i++) await blocking.rx.recvfrom_into(buf);
  },
});

Deno.bench({
  name: "raw Deno receive(buf)",
  group: "receive 64 datagrams",
  baseline: true,
  n: N,
  async fn(b) {
    for (let i = 0; i < BATCH; i++) await raw.tx.send(payload, raw.dest);
    b.start();
    for (let i = 0; i < BATCH; i++) await raw.rx.receive(buf);
    b.end();
  },
});

Deno.bench({
  name: "raw Deno receive(buf), reading the sender's address",
  group: "receive 64 datagrams",
  n: N,
  async fn(b) {
    for (let i = 0; i < BATCH; i++) await raw.tx.send(payload, raw.dest);
    b.start();
    for (let i = 0; i < BATCH; i++) {
      const [, from] = await raw.rx.receive(buf);
      ports += (from as Deno.NetAddr).port + (from as Deno.NetAddr).hostname.length;
    }
    b.end();
  },
});

Deno.bench({
  name: "pysocket recv_into(buf)",
  group: "receive 64 datagrams",
  n: N,
  async fn(b) {
    for (let i = 0; i < BATCH; i++) await blocking.tx.sendto(payload, blocking.dest);
    b.start();
    for (let i = 0; i < BATCH; i++) await blocking.rx.recv_into(buf);
    b.end();
  },
});

Deno.bench({
  name: "pysocket recvfrom_into(buf)",
  group: "receive 64 datagrams",
  n: N,
  async fn(b) {
    for (let i = 0; i < BATCH; i++) await blocking.tx.sendto(payload, blocking.dest);
    b.start();
    for (let i = 0; i < BATCH; i++) await blocking.rx.recvfrom_into(buf);
    b.end();
  },
});
