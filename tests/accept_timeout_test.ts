// Copyright 2026 the pysocket authors. MIT license.
// accept() with timeouts and in non-blocking mode never loses a connection:
// one that arrives after an accept() gave up is returned by a later one.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { sleep } from "./_helpers.ts";

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Connects `count` clients at random moments within `spreadMs`; each sends its number. */
function lateClients(
  addr: socket.Address,
  count: number,
  spreadMs: number,
  rand: () => number,
): Promise<socket.StreamSocket[]> {
  return Promise.all(Array.from({ length: count }, async (_, id) => {
    await sleep(rand() * spreadMs);
    const c = socket.socket();
    await c.connect(addr);
    await c.sendall(new Uint8Array([id]));
    return c;
  }));
}

/** Reads the client's one-byte number from an accepted connection. */
async function idOf(conn: socket.StreamSocket): Promise<number> {
  conn.settimeout(null);
  const b = await conn.recv(1);
  assert.equal(b.length, 1);
  return b[0];
}

Deno.test("accept-timeout storm: every late client is accepted exactly once", async () => {
  const rand = rng(11);
  using srv = socket.create_server(["127.0.0.1", 0]);
  const count = 40;
  const clientsP = lateClients(srv.getsockname(), count, 600, rand);
  const seen: number[] = [];
  const conns: socket.StreamSocket[] = [];
  let timeouts = 0;
  try {
    for (let i = 0; i < 100_000 && conns.length < count; i++) {
      srv.settimeout(0.001 + ((rand() * 4) | 0) / 1000);
      try {
        const [conn] = await srv.accept();
        conns.push(conn);
      } catch (e) {
        assert.ok(e instanceof socket.TimeoutError, `expected TimeoutError, got ${e}`);
        timeouts++;
      }
    }
    for (const c of conns) seen.push(await idOf(c));
    assert.ok(timeouts > 0);
    assert.deepEqual(seen.toSorted((a, b) => a - b), Array.from({ length: count }, (_, i) => i));
    // Nothing more is queued: a further accept() times out.
    srv.settimeout(0.05);
    await assert.rejects(srv.accept(), socket.TimeoutError);
  } finally {
    for (const c of conns) c.close();
    for (const c of await clientsP) c.close();
  }
});

Deno.test("accept storm in non-blocking mode: EAGAIN until a client comes, each client once", async () => {
  const rand = rng(12);
  using srv = socket.create_server(["127.0.0.1", 0]);
  srv.setblocking(false);
  const count = 20;
  const clientsP = lateClients(srv.getsockname(), count, 300, rand);
  const conns: socket.StreamSocket[] = [];
  let wouldBlock = 0;
  try {
    for (let i = 0; i < 100_000 && conns.length < count; i++) {
      try {
        const [conn] = await srv.accept();
        conns.push(conn);
      } catch (e) {
        assert.ok(e instanceof socket.BlockingIOError, `expected BlockingIOError, got ${e}`);
        assert.equal(e.errno, socket.errno.EAGAIN);
        wouldBlock++;
        if (rand() < 0.5) await sleep(1);
      }
    }
    const seen: number[] = [];
    for (const c of conns) seen.push(await idOf(c));
    assert.ok(wouldBlock > 0);
    assert.deepEqual(seen.toSorted((a, b) => a - b), Array.from({ length: count }, (_, i) => i));
  } finally {
    for (const c of conns) c.close();
    for (const c of await clientsP) c.close();
  }
});

Deno.test("a connection that arrives after a timed-out accept() goes to the next accept(), blocking or not", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  srv.settimeout(0.01);
  await assert.rejects(srv.accept(), socket.TimeoutError);
  using a = socket.socket();
  await a.connect(srv.getsockname());
  await a.sendall(new Uint8Array([7]));
  // The connection is taken by the accept() left running; wait for it with a long timeout.
  srv.settimeout(5);
  const [c1] = await srv.accept();
  using _c1 = c1;
  assert.equal(await idOf(c1), 7);
  assert.deepEqual(c1.getpeername(), a.getsockname());

  srv.setblocking(false);
  await assert.rejects(srv.accept(), socket.BlockingIOError);
  using b = socket.socket();
  await b.connect(srv.getsockname());
  await b.sendall(new Uint8Array([8]));
  srv.setblocking(true);
  const [c2] = await srv.accept();
  using _c2 = c2;
  assert.equal(await idOf(c2), 8);
});

Deno.test("concurrent accept()s with timeouts: each connection goes to exactly one of them", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  srv.settimeout(2);
  const accepts = Array.from({ length: 4 }, () => srv.accept());
  const clients: socket.StreamSocket[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const c = socket.socket();
      clients.push(c);
      await c.connect(srv.getsockname());
      await c.sendall(new Uint8Array([i]));
    }
    const results = await Promise.all(accepts);
    const ids = [];
    for (const [conn] of results) {
      ids.push(await idOf(conn));
      conn.close();
    }
    assert.deepEqual(ids.toSorted(), [0, 1, 2, 3]);
  } finally {
    for (const c of clients) c.close();
  }
});
