// Copyright 2026 the pysocket authors. MIT license.
// select.select() on loopback: readiness of each socket kind, timeouts,
// no loss of bytes, connections or datagrams, closing while selected,
// errors, and the cost of one call with many sockets (counted, not timed).
// Each behavioural test runs once per family (AF_INET, AF_INET6, AF_UNIX),
// as CPython's test_selectors.py runs one suite over every selector.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { select, ValueError } from "../select.ts";
import { stats } from "../_common/readiness.ts";
import {
  concat,
  connectTo,
  datagramPair,
  dec,
  eachFamily,
  enc,
  IP_FAMILIES,
  isOSError,
  listening,
  pair,
  PY_PEER,
  pyPeerArgs,
  randomBytes,
  recvExactly,
  runPython,
} from "./_helpers.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

eachFamily(
  "select: a stream socket with bytes buffered is readable, and recv returns exactly them",
  async (family) => {
    using p = await pair(family);
    let [r, w, x] = await select([p.conn], [], [], 0);
    assert.deepEqual([r, w, x], [[], [], []]);
    await p.cli.sendall(enc.encode("hello"));
    [r] = await select([p.conn], [], [], 5);
    assert.deepEqual(r, [p.conn]);
    // Still readable: select consumed nothing.
    [r] = await select([p.conn], [], [], 0);
    assert.deepEqual(r, [p.conn]);
    assert.equal(dec.decode(await p.conn.recv(1024)), "hello");
    [r] = await select([p.conn], [], [], 0);
    assert.deepEqual(r, []);
  },
);

eachFamily("select: data that has already arrived shows up with timeout 0", async (family) => {
  using p = await pair(family);
  await p.cli.sendall(enc.encode("early"));
  const [r] = await select([p.conn], [], [], 0);
  assert.deepEqual(r, [p.conn]);
  p.conn.setblocking(false);
  assert.equal(dec.decode(await p.conn.recv(100)), "early");
});

eachFamily(
  "select: end of stream makes a stream socket readable and recv returns b''",
  async (family) => {
    using p = await pair(family);
    await p.cli.shutdown(socket.SHUT_WR);
    const [r] = await select([p.conn], [], [], 5);
    assert.deepEqual(r, [p.conn]);
    assert.equal((await p.conn.recv(10)).length, 0);
  },
);

eachFamily(
  "select: a listening socket is readable when a connection waits, and accept returns it",
  async (family) => {
    using l = listening(family);
    const { srv } = l;
    let [r] = await select([srv], [], [], 0.02);
    assert.deepEqual(r, []);
    using cli = await connectTo(family, l.addr);
    [r] = await select([srv], [], [], 5);
    assert.deepEqual(r, [srv]);
    srv.setblocking(false);
    const [conn, addr] = await srv.accept();
    using _conn = conn;
    assert.deepEqual(addr, cli.getsockname());
    await cli.sendall(enc.encode("x"));
    assert.equal(dec.decode(await recvExactly(conn, 1)), "x");
    [r] = await select([srv], [], [], 0);
    assert.deepEqual(r, []);
  },
);

eachFamily(
  "select: a connection that arrives while select times out is kept for the next accept",
  async (family) => {
    using l = listening(family);
    const { srv } = l;
    const [r] = await select([srv], [], [], 0.01);
    assert.deepEqual(r, []);
    // select left a background accept running: the connection must reach accept().
    using cli = await connectTo(family, l.addr);
    srv.settimeout(5);
    const [conn, addr] = await srv.accept();
    conn.close();
    assert.deepEqual(addr, cli.getsockname());
  },
);

// UDP: an AF_UNIX datagram socket is not writable while select keeps a receive pending on it
// (Deno refuses to send on such a handle then; udp.ts documents the limit).
eachFamily(
  "select: a datagram socket is readable when a datagram is queued, and recvfrom returns it",
  async (family) => {
    using d = datagramPair(family);
    const { a, b } = d;
    let [r] = await select([a], [], [], 0.01);
    assert.deepEqual(r, []);
    await b.sendto(enc.encode("one"), a.getsockname());
    await b.sendto(enc.encode("two"), a.getsockname());
    [r] = await select([a], [], [], 5);
    assert.deepEqual(r, [a]);
    a.setblocking(false);
    const [d1, from] = await a.recvfrom(100);
    assert.equal(dec.decode(d1), "one");
    assert.deepEqual(from, b.getsockname());
    [r] = await select([a], [], [], 5);
    assert.deepEqual(r, [a]);
    assert.equal(dec.decode((await a.recvfrom(100))[0]), "two");
    [r] = await select([a], [], [], 0);
    assert.deepEqual(r, []);
    // A datagram socket is writable.
    const [, w] = await select([], [a], [], 0);
    assert.deepEqual(w, [a]);
  },
  IP_FAMILIES,
);

eachFamily("select: a connected socket is writable, a listening one is not", async (family) => {
  using p = await pair(family);
  const [r, w] = await select([p.srv], [p.cli, p.srv], [], 0);
  assert.deepEqual(r, []);
  assert.deepEqual(w, [p.cli]);
});

eachFamily(
  "select: a send still finishing in the background makes a socket unwritable until it drains",
  async (family) => {
    using p = await pair(family);
    p.cli.setblocking(false);
    const big = randomBytes(32 << 20);
    let sent = 0;
    // Non-blocking sends until one is left to the background (the peer reads nothing yet).
    for (let i = 0; i < 64; i++) {
      try {
        sent += await p.cli.send(big.subarray(sent));
      } catch (e) {
        assert.ok(e instanceof socket.BlockingIOError);
      }
      const [, w] = await select([], [p.cli], [], 0);
      if (w.length === 0) break;
    }
    let [, w] = await select([], [p.cli], [], 0.01);
    assert.deepEqual(w, [], "the kernel buffer should be full by now");
    const got = recvExactly(p.conn, sent);
    [, w] = await select([], [p.cli], [], 10);
    assert.deepEqual(w, [p.cli]);
    assert.deepEqual(await got, big.subarray(0, sent));
  },
);

eachFamily(
  "select: waiting for write while another task's sendall holds the socket does not spin",
  async (family) => {
    using p = await pair(family);
    const big = randomBytes(16 << 20);
    const sending = p.cli.sendall(big); // blocks: the peer reads nothing yet
    await sleep(20);
    const arms = stats.arms;
    const [, w] = await select([], [p.cli], [], 0.1);
    assert.deepEqual(w, []);
    assert.ok(stats.arms - arms <= 2, `changed() started ${stats.arms - arms} times`);
    const got = recvExactly(p.conn, big.length);
    const [, w2] = await select([], [p.cli], [], 10);
    assert.deepEqual(w2, [p.cli]);
    await sending;
    assert.deepEqual(await got, big);
  },
);

eachFamily(
  "select: timeout 0 and a short timeout return empty lists; null waits until ready",
  async (family) => {
    using p = await pair(family);
    assert.deepEqual(await select([p.conn], [], [], 0), [[], [], []]);
    assert.deepEqual(await select([p.conn], [], [], 0.03), [[], [], []]);
    const later = setTimeout(() => void p.cli.sendall(enc.encode("late")), 30);
    try {
      const [r] = await select([p.conn], [], [], null);
      assert.deepEqual(r, [p.conn]);
      const [r2] = await select([p.conn], [], []);
      assert.deepEqual(r2, [p.conn]);
    } finally {
      clearTimeout(later);
    }
    assert.equal(dec.decode(await p.conn.recv(10)), "late");
  },
);

eachFamily(
  "select: a socket may appear in several lists, and twice in one, as in Python",
  async (family) => {
    using p = await pair(family);
    await p.cli.sendall(enc.encode("z"));
    assert.deepEqual((await select([p.conn], [], [], 5))[0], [p.conn]);
    const [r, w, x] = await select([p.conn, p.cli, p.conn], [p.conn], [p.conn], 5);
    assert.deepEqual(r, [p.conn, p.conn]);
    assert.deepEqual(w, [p.conn]);
    assert.deepEqual(x, []);
  },
);

eachFamily(
  "select: only the ready sockets of many are returned, in the order given",
  async (family) => {
    using a = await pair(family);
    using b = await pair(family);
    using c = await pair(family);
    await c.cli.sendall(enc.encode("c"));
    await a.cli.sendall(enc.encode("a"));
    const [r] = await select([a.conn, b.conn, c.conn], [], [], 5);
    assert.deepEqual(r, [a.conn, c.conn]);
  },
);

eachFamily(
  "select: no byte is lost across thousands of select/recv cycles against a trickling CPython sender",
  async (family) => {
    using l = listening(family);
    const { srv } = l;
    const peer = runPython(
      `${PY_PEER}
import socket, sys, time
s = peer(sys.argv[1:3])
if s.family != socket.AF_UNIX:
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(3000):
    s.sendall(b"%05d;" % i)
    if i % 50 == 0:
        time.sleep(0.002)
s.close()
`,
      pyPeerArgs(family, l.addr),
    );
    const [conn] = await srv.accept();
    using _conn = conn;
    conn.setblocking(false);
    const parts: Uint8Array[] = [];
    let cycles = 0, empty = 0;
    for (; cycles < 200_000; cycles++) {
      const timeout = cycles % 3 === 0 ? 0 : cycles % 3 === 1 ? 0.001 : 0.0005;
      const [r] = await select([conn], [], [], timeout);
      if (r.length === 0) {
        empty++;
        continue;
      }
      const d = await conn.recv(5); // small reads: many cycles
      if (d.length === 0) break;
      parts.push(d);
    }
    const out = await peer;
    assert.equal(out.code, 0, out.stderr);
    const text = dec.decode(concat(parts));
    const expected = Array.from({ length: 3000 }, (_, i) => `${String(i).padStart(5, "0")};`).join(
      "",
    );
    assert.equal(text.length, expected.length);
    assert.equal(text, expected);
    assert.ok(cycles >= 3000, `${cycles} cycles`);
    assert.ok(empty > 0, "some selects should have timed out");
  },
);

eachFamily(
  "select: no datagram is lost across selects that time out while a sender trickles",
  async (family) => {
    using d = datagramPair(family);
    const { a } = d;
    a.setblocking(false);
    const peer = runPython(
      `
import json, socket, sys, time
s = socket.socket(getattr(socket, sys.argv[1]), socket.SOCK_DGRAM)
addr = json.loads(sys.argv[2])
addr = tuple(addr) if isinstance(addr, list) else addr
for i in range(300):
    s.sendto(b"%d" % i, addr)
    if i % 10 == 0:
        time.sleep(0.005)  # the kernel drops what overflows a UDP receive buffer
`,
      pyPeerArgs(family, a.getsockname()),
    );
    const got: number[] = [];
    for (let i = 0; i < 20_000 && got.length < 300; i++) {
      const [r] = await select([a], [], [], i % 2 ? 0 : 0.001);
      if (r.length) got.push(Number(dec.decode((await a.recvfrom(100))[0])));
    }
    assert.equal((await peer).code, 0);
    assert.deepEqual(got, Array.from({ length: 300 }, (_, i) => i));
  },
);

eachFamily(
  "select: closing a selected socket wakes select and reports it; others lose nothing",
  async (family) => {
    using p = await pair(family);
    using q = await pair(family);
    const waiting = select([p.conn, q.conn], [], [], 10);
    await sleep(10);
    p.conn.close();
    const [r] = await waiting;
    assert.deepEqual(r, [p.conn]);
    await assert.rejects(p.conn.recv(1), isOSError(socket.errno.EBADF));
    await q.cli.sendall(enc.encode("still here"));
    const [r2] = await select([q.conn], [], [], 5);
    assert.deepEqual(r2, [q.conn]);
    assert.equal(dec.decode(await q.conn.recv(100)), "still here");
  },
);

eachFamily("select: closing a selected listening socket wakes select", async (family) => {
  using l = listening(family);
  const { srv } = l;
  const waiting = select([srv], [], [], 10);
  await sleep(10);
  srv.close();
  const [r] = await waiting;
  assert.deepEqual(r, [srv]);
});

Deno.test("select: errors as Python's — TypeError for non-sockets, OSError EBADF for closed, ValueError for a negative timeout", async () => {
  using p = await pair();
  await assert.rejects(select([{}] as never[], [], []), TypeError);
  await assert.rejects(select([3] as never[], [], []), /file descriptors/);
  await assert.rejects(select([{ fileno: () => 5 }], [], []), /not a pysocket socket/);
  await assert.rejects(select([p.conn], [], [], -1), ValueError);
  await assert.rejects(select([p.conn], [], [], "1" as never), TypeError);
  const closed = socket.socket();
  closed.close();
  await assert.rejects(select([], [closed], []), isOSError(socket.errno.EBADF));
  await assert.rejects(select([], [], [closed]), isOSError(socket.errno.EBADF));
});

eachFamily(
  "select: many sockets — cost grows with their number, repeated calls start no new work and leave no listener",
  async (family) => {
    using l = listening(family, 1024);
    const { srv, addr } = l;
    const clients: socket.StreamSocket[] = [];
    const conns: socket.StreamSocket[] = [];
    try {
      for (let i = 0; i < 600; i++) {
        clients.push(await connectTo(family, addr));
        conns.push((await srv.accept())[0]);
      }
      const cost = async (socks: socket.StreamSocket[]) => {
        const before = { ...stats };
        assert.deepEqual(await select(socks, [], [], 0), [[], [], []]);
        return {
          checks: stats.checks - before.checks,
          arms: stats.arms - before.arms,
          joins: stats.joins - before.joins,
        };
      };
      const small = conns.slice(0, 100);
      const first = await cost(small);
      assert.equal(first.arms, 100); // one fill started per socket
      const again = await cost(small);
      assert.equal(again.arms, 0); // the fills under way are reused
      const big = await cost(conns);
      assert.equal(big.arms, 500); // only the 500 new sockets
      const bigAgain = await cost(conns);
      assert.equal(bigAgain.arms, 0);
      // Work per call is linear: checks and joins per socket do not grow with the count.
      assert.ok(again.checks / 100 <= 3 && bigAgain.checks / 600 <= 3, JSON.stringify(bigAgain));
      assert.ok(bigAgain.checks / 600 <= (again.checks / 100) * 1.01);
      assert.equal(stats.waiting, 0); // nothing left listening after the calls returned
      // One ready socket among 600 is found by a waiting select, which joins each socket once.
      const joins = stats.joins, arms = stats.arms;
      const waiting = select(conns, [], []);
      await clients[457].sendall(enc.encode("!"));
      const [r] = await waiting;
      assert.deepEqual(r, [conns[457]]);
      assert.equal(stats.joins - joins, 600);
      assert.equal(stats.arms - arms, 0);
      assert.equal(stats.waiting, 0);
      assert.equal(dec.decode(await conns[457].recv(1)), "!");
    } finally {
      for (const s of [...clients, ...conns]) s.close();
    }
  },
);

eachFamily(
  "select: a socket that is always writable does not hide data arriving on others",
  async (family) => {
    using a = await pair(family);
    using b = await pair(family);
    using d = datagramPair(family);
    const { a: u, b: v } = d;
    // Nothing has been read on b.conn or u yet; a.cli is writable at every call.
    await b.cli.sendall(enc.encode("b"));
    await v.sendto(enc.encode("u"), u.getsockname());
    // A loop that finds a.cli writable at every call (and does no I/O of its own) still sees them.
    let r: object[] = [];
    let calls = 0;
    for (; calls < 1000 && r.length < 2; calls++) {
      const [rr, w] = await select([b.conn, u], [a.cli], [], null);
      assert.deepEqual(w, [a.cli]);
      r = rr;
    }
    assert.deepEqual(r, [b.conn, u], `after ${calls} calls`);
  },
);
