// Copyright 2026 the pysocket authors. MIT license.
// Timeouts and blocking mode (DESIGN §7) on real loopback sockets: the
// errors Python raises, and no byte lost or duplicated by a timeout. Each
// behavioural test runs once per family (AF_INET, AF_INET6, AF_UNIX).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import {
  closeAll,
  concat,
  connectTo,
  eachFamily,
  IP_FAMILIES,
  listening,
  pair,
  PY_PEER,
  pyPeerArgs,
  sleep,
} from "./_helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A small deterministic PRNG (mulberry32), so failures can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(n: number, rand: () => number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 256) | 0;
  return out;
}

/** Reads until end of stream (blocking). */
async function recvAll(s: socket.StreamSocket): Promise<Uint8Array> {
  s.settimeout(null);
  const parts: Uint8Array[] = [];
  for (;;) {
    const d = await s.recv(65536);
    if (d.length === 0) return concat(parts);
    parts.push(d);
  }
}

function assertTimeout(e: unknown): true {
  assert.ok(e instanceof socket.TimeoutError, `expected TimeoutError, got ${e}`);
  assert.ok(e instanceof socket.OSError);
  assert.equal(e.errno, null);
  assert.equal(e.message, "timed out");
  return true;
}

function assertWouldBlock(e: unknown): true {
  assert.ok(e instanceof socket.BlockingIOError, `expected BlockingIOError, got ${e}`);
  assert.ok(e instanceof socket.OSError);
  assert.equal(e.errno, socket.errno.EAGAIN);
  assert.equal(e.errno, 11);
  return true;
}

/**
 * Sends with a short timeout until a send times out (the peer is not
 * reading); resolves the bytes every send reported as sent.
 */
async function fillUntilTimeout(s: socket.StreamSocket, rand: () => number): Promise<Uint8Array> {
  s.settimeout(0.05);
  const sent: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < 2000 && total < 256 * 1024 * 1024; i++) {
    const chunk = randomBytes(64 * 1024 + ((rand() * 64 * 1024) | 0), rand);
    try {
      const n = await s.send(chunk);
      assert.ok(n > 0 && n <= chunk.length);
      sent.push(chunk.subarray(0, n));
      total += n;
    } catch (e) {
      assertTimeout(e);
      return concat(sent);
    }
  }
  assert.fail("send() never timed out although the peer was not reading");
}

Deno.test("settimeout(), gettimeout(), setblocking() and getblocking() follow Python", () => {
  using s = socket.socket();
  assert.equal(s.gettimeout(), null);
  assert.equal(s.getblocking(), true);
  s.settimeout(2.5);
  assert.equal(s.gettimeout(), 2.5);
  assert.equal(s.getblocking(), true);
  s.settimeout(0);
  assert.equal(s.gettimeout(), 0);
  assert.equal(s.getblocking(), false);
  s.settimeout(null);
  assert.equal(s.gettimeout(), null);
  assert.equal(s.getblocking(), true);
  s.setblocking(false);
  assert.equal(s.gettimeout(), 0);
  assert.equal(s.getblocking(), false);
  s.setblocking(true);
  assert.equal(s.gettimeout(), null);
  assert.throws(() => s.settimeout(-1), RangeError);
  assert.throws(() => s.settimeout("1" as unknown as number), TypeError);
  assert.equal(s.gettimeout(), null);
});

Deno.test("setdefaulttimeout() applies to sockets made afterwards, not before", async () => {
  assert.equal(socket.getdefaulttimeout(), null);
  using before = socket.socket();
  try {
    socket.setdefaulttimeout(3);
    assert.equal(socket.getdefaulttimeout(), 3);
    using after = socket.socket();
    assert.equal(after.gettimeout(), 3);
    assert.equal(before.gettimeout(), null);
    using srv = socket.create_server(["127.0.0.1", 0]);
    using cli = await socket.create_connection(srv.getsockname() as socket.IPv4Address);
    assert.equal(cli.gettimeout(), 3);
    const [conn] = await srv.accept();
    using _conn = conn;
    socket.setdefaulttimeout(0);
    using nonblocking = socket.socket();
    assert.equal(nonblocking.getblocking(), false);
    assert.throws(() => socket.setdefaulttimeout(-0.5), RangeError);
  } finally {
    socket.setdefaulttimeout(null);
  }
  assert.equal(socket.getdefaulttimeout(), null);
  using later = socket.socket();
  assert.equal(later.gettimeout(), null);
});

eachFamily(
  "TimeoutError is socket.timeout, an OSError with errno null and message 'timed out'",
  async (family) => {
    assert.equal(socket.timeout, socket.TimeoutError);
    using p = await pair(family);
    const { conn } = p;
    conn.settimeout(0.02);
    const err = await conn.recv(10).catch((e) => e);
    assertTimeout(err);
    assert.ok(err instanceof socket.timeout);
    assert.ok(err instanceof Error);
  },
);

// TCP only: a full queue drops the SYNs of a TCP connect(); an AF_UNIX connect() fails at once
// with EAGAIN instead (CPython: BlockingIOError, not a timeout).
eachFamily(
  "connect() with a timeout throws TimeoutError when the listener's queue is full",
  async (family) => {
    // A listener with backlog 0 holds one unaccepted connection; Linux drops
    // the SYNs of later ones, so their connect() cannot finish.
    using l = listening(family, 0);
    const addr = l.addr;
    const clients: socket.StreamSocket[] = [];
    let timedOut: unknown = null;
    try {
      for (let i = 0; i < 6 && timedOut === null; i++) {
        const c = socket.socket(family);
        clients.push(c);
        c.settimeout(0.2);
        await c.connect(addr).catch((e) => (timedOut = e));
      }
      assertTimeout(timedOut);
      // connect_ex() reports the same timeout as EAGAIN, as Python does.
      const c = socket.socket(family);
      clients.push(c);
      c.settimeout(0.1);
      assert.equal(await c.connect_ex(addr), socket.errno.EAGAIN);
    } finally {
      closeAll(...clients);
    }
  },
  IP_FAMILIES,
);

eachFamily(
  "accept() with a timeout throws TimeoutError; non-blocking accept() throws EAGAIN",
  async (family) => {
    using l = listening(family);
    const { srv } = l;
    srv.settimeout(0.02);
    assertTimeout(await srv.accept().catch((e) => e));
    srv.setblocking(false);
    assertWouldBlock(await srv.accept().catch((e) => e));
  },
);

eachFamily(
  "a timed-out accept() loses no connection: the next accept() returns it",
  async (family) => {
    using l = listening(family);
    const { srv } = l;
    srv.settimeout(0.02);
    assertTimeout(await srv.accept().catch((e) => e));
    using cli = await connectTo(family, l.addr);
    await cli.sendall(enc.encode("first"));
    srv.settimeout(null);
    const [conn, addr] = await srv.accept();
    using _conn = conn;
    assert.deepEqual(addr, cli.getsockname());
    assert.equal(dec.decode(await conn.recv(10)), "first");
  },
);

eachFamily(
  "recv() with a timeout throws TimeoutError; non-blocking recv() throws EAGAIN",
  async (family) => {
    using p = await pair(family);
    const { conn } = p;
    conn.settimeout(0.02);
    assertTimeout(await conn.recv(10).catch((e) => e));
    assertTimeout(await conn.recv_into(new Uint8Array(10)).catch((e) => e));
    conn.setblocking(false);
    assertWouldBlock(await conn.recv(10).catch((e) => e));
    assertWouldBlock(await conn.recv_into(new Uint8Array(10)).catch((e) => e));
  },
);

eachFamily("recv() after a timeout returns the bytes that arrived late", async (family) => {
  using p = await pair(family);
  const { cli, conn } = p;
  conn.settimeout(0.02);
  assertTimeout(await conn.recv(100).catch((e) => e));
  await cli.sendall(enc.encode("late bytes"));
  conn.settimeout(null);
  assert.equal(dec.decode(await conn.recv(100)), "late bytes");
  // A non-blocking recv that gave up leaves its bytes as well.
  conn.setblocking(false);
  assertWouldBlock(await conn.recv(100).catch((e) => e));
  await cli.sendall(enc.encode("more"));
  conn.settimeout(1);
  assert.equal(dec.decode(await conn.recv(100)), "more");
});

eachFamily(
  "recv_into() with a timeout takes all that has arrived, up to its size, in one call",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    conn.settimeout(5);
    const data = new Uint8Array(64 * 1024).map((_, i) => i * 7);
    await cli.sendall(data);
    // Let all of it reach conn's receive buffer; then one timed read (one
    // fill of the socket's buffer, grown to the request) returns all of it.
    await sleep(100);
    const buf = new Uint8Array(data.length + 100);
    const n = await conn.recv_into(buf);
    assert.equal(n, data.length);
    assert.deepEqual(buf.subarray(0, n), data);
    // Then smaller timed reads still work from the grown buffer, in order.
    await cli.sendall(data.subarray(0, 300));
    assert.deepEqual(await conn.recv(100), data.subarray(0, 100));
    assert.deepEqual(await conn.recv(1000), data.subarray(100, 300));
  },
);

eachFamily(
  "a non-blocking socket returns buffered bytes at once and EAGAIN once they run out",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    await cli.sendall(enc.encode("abcdef"));
    conn.setblocking(false);
    let got = "";
    for (let i = 0; i < 500 && got.length < 6; i++) {
      try {
        got += dec.decode(await conn.recv(2));
      } catch (e) {
        assertWouldBlock(e);
        await sleep(2);
      }
    }
    assert.equal(got, "abcdef");
    assertWouldBlock(await conn.recv(2).catch((e) => e));
    await cli.shutdown(socket.SHUT_WR);
    let eof: Uint8Array | null = null;
    for (let i = 0; i < 500 && eof === null; i++) {
      eof = await conn.recv(2).catch((e) => (assertWouldBlock(e), sleep(2).then(() => null)));
    }
    assert.equal(eof?.length, 0);
  },
);

eachFamily(
  "timeout storm: thousands of short recv timeouts against a trickling sender lose no byte",
  async (family) => {
    const rand = rng(0x5eed);
    const data = randomBytes(72 * 1024, rand); // per family: the three runs read about what one read before
    using p = await pair(family);
    const { cli, conn } = p;
    const sender = (async () => {
      for (let off = 0; off < data.length;) {
        const n = Math.min(data.length - off, 1 + ((rand() * 512) | 0));
        await cli.sendall(data.subarray(off, off + n));
        off += n;
        if (rand() < 0.9) await sleep((rand() * 12) | 0);
      }
      await cli.shutdown(socket.SHUT_WR);
    })();
    const parts: Uint8Array[] = [];
    let timeouts = 0;
    let wouldBlocks = 0;
    const into = new Uint8Array(4096);
    for (let i = 0; i < 200_000; i++) {
      const r = rand();
      conn.settimeout(r < 0.15 ? 0 : 0.001 + ((rand() * 3) | 0) / 1000);
      try {
        if (r < 0.5) {
          const d = await conn.recv(1 + ((rand() * 3000) | 0));
          if (d.length === 0) break;
          parts.push(d);
        } else {
          const n = await conn.recv_into(into, 1 + ((rand() * 4095) | 0));
          if (n === 0) break;
          parts.push(into.slice(0, n));
        }
      } catch (e) {
        if (e instanceof socket.BlockingIOError) (assertWouldBlock(e), wouldBlocks++);
        else (assertTimeout(e), timeouts++);
      }
    }
    await sender;
    assert.ok(timeouts >= 100 && wouldBlocks > 0, `${timeouts} timeouts, ${wouldBlocks} EAGAINs`);
    assert.deepEqual(concat(parts), data);
  },
);

eachFamily(
  "timeout storm against a CPython sender with random pauses: every byte, in order",
  async (family) => {
    const rand = rng(42);
    const data = randomBytes(96 * 1024, rand);
    using l = listening(family);
    const { srv } = l;
    const py = new Deno.Command("python3", {
      args: [
        "-c",
        `${PY_PEER}
import random, socket, sys, time
data = sys.stdin.buffer.read()
rnd = random.Random(7)
with peer(sys.argv[1:3]) as s:
    off = 0
    while off < len(data):
        n = rnd.randint(1, 2048)
        s.sendall(data[off:off + n])
        off += n
        if rnd.random() < 0.3:
            time.sleep(rnd.random() * 0.008)
`,
        ...pyPeerArgs(family, l.addr),
      ],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const w = py.stdin.getWriter();
    await w.write(data);
    await w.close();
    const [conn] = await srv.accept();
    try {
      const parts: Uint8Array[] = [];
      let timeouts = 0;
      for (let i = 0; i < 200_000; i++) {
        conn.settimeout(0.001 + ((rand() * 4) | 0) / 1000);
        try {
          const d = await conn.recv(1 + ((rand() * 4096) | 0));
          if (d.length === 0) break;
          parts.push(d);
        } catch (e) {
          assertTimeout(e);
          timeouts++;
        }
      }
      assert.ok(timeouts > 0);
      assert.deepEqual(concat(parts), data);
    } finally {
      conn.close();
      const status = await py.output();
      assert.equal(status.code, 0, dec.decode(status.stderr));
    }
  },
);

eachFamily(
  "send() with a timeout never duplicates: the peer receives exactly the bytes reported sent",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const sent = await fillUntilTimeout(cli, rng(3));
    // More timed-out sends while the buffers are still full: each returns a
    // count or throws TimeoutError, and only counted bytes may arrive.
    const more: Uint8Array[] = [sent];
    const rand = rng(4);
    for (let i = 0; i < 5; i++) {
      const chunk = randomBytes(32 * 1024, rand);
      try {
        more.push(chunk.subarray(0, await cli.send(chunk)));
      } catch (e) {
        assertTimeout(e);
      }
    }
    const expected = concat(more);
    const received = recvAll(conn);
    await cli.shutdown(socket.SHUT_WR);
    const got = await received;
    assert.equal(got.length, expected.length);
    assert.deepEqual(got, expected);
  },
);

eachFamily(
  "sendall() with a timeout throws TimeoutError while the peer is not reading",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    cli.settimeout(0.1);
    const big = new Uint8Array(8 * 1024 * 1024);
    let err: unknown = null;
    for (let i = 0; i < 64 && err === null; i++) err = await cli.sendall(big).catch((e) => e);
    assertTimeout(err);
    // Drain so the bytes accepted before the timeout can be written and the socket closed
    // (blocking: on a loaded machine the drain may take longer than the 0.1 s the sends had).
    const received = recvAll(conn);
    cli.settimeout(null);
    await cli.shutdown(socket.SHUT_WR);
    const got = await received;
    assert.ok(got.length > 0);
    assert.ok(got.every((b) => b === 0));
  },
);

eachFamily(
  "non-blocking send() throws EAGAIN once the buffers are full, and sends no extra byte",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    cli.setblocking(false);
    const rand = rng(9);
    const sent: Uint8Array[] = [];
    let err: unknown = null;
    for (let i = 0; i < 4000 && err === null; i++) {
      const chunk = randomBytes(64 * 1024, rand);
      try {
        sent.push(chunk.subarray(0, await cli.send(chunk)));
      } catch (e) {
        err = e;
      }
    }
    assertWouldBlock(err);
    const received = recvAll(conn);
    cli.setblocking(true);
    await cli.shutdown(socket.SHUT_WR);
    assert.deepEqual(await received, concat(sent));
  },
);

eachFamily(
  "makefile reads honour the socket's timeout and keep the bytes that arrive late",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const f = conn.makefile("rb");
    conn.settimeout(0.02);
    await cli.sendall(enc.encode("partial"));
    assertTimeout(await f.readline().catch((e) => e));
    assertTimeout(await f.read(100).catch((e) => e));
    await cli.sendall(enc.encode(" line\nrest"));
    assert.equal(dec.decode(await f.readline()), "partial line\n");
    conn.setblocking(false);
    assertWouldBlock(await f.readline().catch((e) => e));
    conn.settimeout(null);
    assert.equal(dec.decode(await conn.recv(100)), "rest");
    await f.close();
  },
);
