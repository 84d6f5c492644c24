// Copyright 2026 the pysocket authors. MIT license.
// selectors on loopback: registration and its errors (as Python's), ready
// events of each socket kind, modify, closing, and a many-client echo loop.
// Each behavioural test runs once per family (AF_INET, AF_INET6, AF_UNIX),
// as CPython's test_selectors.py runs one suite over every selector.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import {
  DefaultSelector,
  EVENT_READ,
  EVENT_WRITE,
  KeyError,
  RuntimeError,
  SelectorKey,
  SelectSelector,
  ValueError,
} from "../selectors.ts";
import { stats } from "../_common/readiness.ts";
import {
  connectTo,
  datagramPair,
  dec,
  eachFamily,
  enc,
  isOSError,
  listening,
  pair,
  recvExactly,
} from "./_helpers.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

Deno.test("selectors: EVENT_READ is 1 and EVENT_WRITE is 2, as in Python", () => {
  assert.equal(EVENT_READ, 1);
  assert.equal(EVENT_WRITE, 2);
  assert.ok(new SelectSelector() instanceof DefaultSelector);
});

Deno.test("selectors: register returns a frozen key with fileobj, fd, events and data; get_key and get_map find it", () => {
  using sel = new DefaultSelector<socket.StreamSocket, { n: number }>();
  using sock = socket.socket();
  const data = { n: 1 };
  const key = sel.register(sock, EVENT_READ, data);
  assert.ok(key instanceof SelectorKey);
  assert.equal(key.fileobj, sock);
  assert.equal(key.fd, sock.fileno());
  assert.equal(key.events, EVENT_READ);
  assert.equal(key.data, data);
  assert.ok(Object.isFrozen(key));
  assert.equal(sel.get_key(sock), key);
  assert.equal(sel.get_key(sock.fileno()), key);
  const map = sel.get_map();
  assert.equal(map.size, 1);
  assert.equal(map.get(sock.fileno()), key);
  assert.deepEqual([...map.keys()], [sock.fileno()]);
  assert.equal("set" in map, false); // read-only view
  assert.equal(sel.register(socket.socket(), EVENT_WRITE).data, undefined);
  assert.equal(map.size, 2); // a live view
  for (const k of map.values()) if (k.fileobj !== sock) k.fileobj.close();
});

Deno.test("selectors: registering twice raises KeyError; unknown sockets raise KeyError", () => {
  using sel = new DefaultSelector();
  using a = socket.socket();
  using b = socket.socket();
  sel.register(a, EVENT_READ);
  assert.throws(() => sel.register(a, EVENT_WRITE), KeyError);
  assert.throws(() => sel.unregister(b), KeyError);
  assert.throws(() => sel.modify(b, EVENT_READ), KeyError);
  assert.throws(() => sel.get_key(b), KeyError);
  assert.throws(() => sel.get_key(12345), KeyError);
  assert.equal(sel.unregister(a).fileobj, a);
  assert.throws(() => sel.unregister(a), KeyError);
});

Deno.test("selectors: bad event masks raise ValueError; non-sockets TypeError or ValueError, closed sockets ValueError", () => {
  using sel = new DefaultSelector();
  using sock = socket.socket();
  for (const events of [0, 4, 7, -1, 1.5, NaN, "1"]) {
    assert.throws(() => sel.register(sock, events as number), ValueError, String(events));
  }
  sel.register(sock, EVENT_READ);
  assert.throws(() => sel.modify(sock, 0), ValueError);
  assert.equal(sel.get_key(sock).events, EVENT_READ); // unchanged by the failed modify
  const s = sel as unknown as DefaultSelector<{ fileno(): number }>;
  assert.throws(() => s.register({} as never, EVENT_READ), ValueError); // no fileno(): Python's ValueError
  assert.throws(() => s.register({ fileno: () => 9 }, EVENT_READ), TypeError);
  const closed = socket.socket();
  closed.close();
  assert.throws(() => sel.register(closed, EVENT_READ), /Invalid file descriptor: -1/);
});

eachFamily("selectors: modify changes events and data and returns the new key", async (family) => {
  using sel = new DefaultSelector<socket.StreamSocket, string>();
  using p = await pair(family);
  sel.register(p.conn, EVENT_READ, "r");
  assert.deepEqual(await sel.select(0), []);
  const key = sel.modify(p.conn, EVENT_READ | EVENT_WRITE, "rw");
  assert.equal(key.events, 3);
  assert.equal(key.data, "rw");
  assert.equal(sel.get_key(p.conn), key);
  const ready = await sel.select(0);
  assert.equal(ready.length, 1);
  assert.equal(ready[0][0], key);
  assert.equal(ready[0][1], EVENT_WRITE);
  sel.modify(p.conn, EVENT_READ, "r");
  assert.deepEqual(await sel.select(0), []);
});

eachFamily(
  "selectors: select reports read events for data, EOF, connections and datagrams, and consumes nothing",
  async (family) => {
    using sel = new DefaultSelector<socket.Socket, string>();
    using p = await pair(family);
    using d = datagramPair(family);
    const { a: u, b: v } = d;
    sel.register(p.conn, EVENT_READ, "conn");
    sel.register(p.srv, EVENT_READ, "srv");
    sel.register(u, EVENT_READ, "udp");
    assert.deepEqual(await sel.select(0.01), []);
    await p.cli.sendall(enc.encode("abc"));
    using other = await connectTo(family, p.srv.getsockname());
    await v.sendto(enc.encode("dgram"), u.getsockname());
    const seen = new Map<string, number>();
    for (let i = 0; i < 50 && seen.size < 3; i++) {
      for (const [key, events] of await sel.select(5)) seen.set(key.data, events);
    }
    assert.deepEqual(Object.fromEntries(seen), {
      conn: EVENT_READ,
      srv: EVENT_READ,
      udp: EVENT_READ,
    });
    assert.equal(dec.decode(await p.conn.recv(10)), "abc");
    const [accepted, addr] = await p.srv.accept();
    accepted.close();
    assert.deepEqual(addr, other.getsockname());
    assert.equal(dec.decode((await u.recvfrom(100))[0]), "dgram");
    assert.deepEqual(await sel.select(0), []);
    await p.cli.shutdown(socket.SHUT_WR);
    const [[key, events]] = await sel.select(5);
    assert.equal(key.data, "conn");
    assert.equal(events, EVENT_READ);
    assert.equal((await p.conn.recv(10)).length, 0);
  },
);

eachFamily(
  "selectors: select with a timeout returns [] and loses nothing that arrives later",
  async (family) => {
    using sel = new DefaultSelector();
    using p = await pair(family);
    sel.register(p.conn, EVENT_READ);
    assert.deepEqual(await sel.select(0), []);
    assert.deepEqual(await sel.select(-1), []); // Python: a timeout <= 0 polls
    assert.deepEqual(await sel.select(0.02), []);
    await p.cli.sendall(enc.encode("later"));
    assert.equal((await sel.select(null)).length, 1);
    assert.equal((await sel.select()).length, 1);
    assert.equal(dec.decode(await p.conn.recv(100)), "later");
  },
);

eachFamily(
  "selectors: a socket closed while select waits is reported; one closed before raises OSError EBADF; unregister still works",
  async (family) => {
    using sel = new DefaultSelector();
    using p = await pair(family);
    sel.register(p.conn, EVENT_READ);
    const waiting = sel.select(10);
    await sleep(10);
    p.conn.close();
    const [[key, events]] = await waiting;
    assert.equal(key.fileobj, p.conn);
    assert.equal(events, EVENT_READ);
    await assert.rejects(sel.select(0), isOSError(socket.errno.EBADF));
    assert.equal(sel.unregister(p.conn).fileobj, p.conn); // found by identity, fd now -1
    assert.deepEqual(await sel.select(0), []);
  },
);

Deno.test("selectors: close forgets every socket, later calls raise RuntimeError; using closes", async () => {
  using sock = socket.socket();
  let kept: DefaultSelector | null = null;
  {
    using sel = new DefaultSelector();
    sel.register(sock, EVENT_READ);
    kept = sel;
  }
  assert.equal(kept.get_map().size, 0);
  assert.throws(() => kept.register(sock, EVENT_READ), RuntimeError);
  assert.throws(() => kept.get_key(sock), RuntimeError);
  await assert.rejects(kept.select(0), RuntimeError);
  kept.close(); // idempotent
  assert.equal(sock.closed, false); // sockets stay open
});

eachFamily(
  "selectors: a non-blocking echo loop serves 100 clients in one task, losing nothing",
  async (family) => {
    using sel = new DefaultSelector<socket.StreamSocket, { out: Uint8Array } | null>();
    using l = listening(family, 256);
    const { srv, addr } = l;
    srv.setblocking(false);
    sel.register(srv, EVENT_READ, null);
    const N = 100;
    const clients = async () => {
      return await Promise.all(Array.from({ length: N }, async (_, i) => {
        using c = await connectTo(family, addr);
        const msg = enc.encode(`client ${i} `.repeat(i + 1));
        await c.sendall(msg);
        const back = await recvExactly(c, msg.length);
        return dec.decode(back) === dec.decode(msg);
      }));
    };
    const done = clients();
    let finished = false;
    done.finally(() => finished = true);
    let served = 0;
    const baseline = stats.waiting;
    for (let turn = 0; turn < 100_000 && !(finished && sel.get_map().size === 1); turn++) {
      for (const [key, events] of await sel.select(0.05)) {
        if (key.data === null) {
          const [conn] = await srv.accept();
          conn.setblocking(false);
          sel.register(conn, EVENT_READ, { out: new Uint8Array(0) });
          served++;
          continue;
        }
        const conn = key.fileobj, data = key.data;
        if (events & EVENT_READ) {
          const d = await conn.recv(4096);
          if (d.length === 0) {
            sel.unregister(conn);
            conn.close();
            continue;
          }
          const out = new Uint8Array(data.out.length + d.length);
          out.set(data.out);
          out.set(d, data.out.length);
          data.out = out;
          sel.modify(conn, EVENT_READ | EVENT_WRITE, data);
        }
        if (events & EVENT_WRITE && data.out.length) {
          data.out = data.out.subarray(await conn.send(data.out));
          if (!data.out.length) sel.modify(conn, EVENT_READ, data);
        }
      }
    }
    const results = await done;
    assert.equal(served, N);
    assert.ok(results.every(Boolean));
    // As epoll: the selector listens on what stays registered (the listening
    // socket), nothing on what was unregistered, and nothing once closed.
    assert.equal(stats.waiting, baseline + 1);
    sel.close();
    assert.equal(stats.waiting, baseline);
  },
);

eachFamily(
  "DefaultSelector.select() does work for the sockets that changed, not for every one registered",
  async (family) => {
    using l = listening(family, 1024);
    const { srv, addr } = l;
    const clients: socket.StreamSocket[] = [];
    const conns: socket.StreamSocket[] = [];
    using sel = new DefaultSelector();
    try {
      for (let i = 0; i < 500; i++) {
        clients.push(await connectTo(family, addr));
        conns.push((await srv.accept())[0]);
        sel.register(conns[i], EVENT_READ);
      }
      const cost = async () => {
        const checks = stats.checks, arms = stats.arms;
        const ready = await sel.select(0);
        return { ready, checks: stats.checks - checks, arms: stats.arms - arms };
      };
      const first = await cost();
      assert.deepEqual(first.ready, []);
      assert.equal(first.checks, 500); // each new registration is looked at once
      assert.equal(first.arms, 500);
      const idle = await cost();
      assert.deepEqual(idle.ready, []);
      assert.deepEqual([idle.checks, idle.arms], [0, 0]); // nothing changed: no work
      await clients[321].sendall(enc.encode("!"));
      const [[key, events]] = await sel.select(5);
      assert.equal(key.fileobj, conns[321]);
      assert.equal(events, EVENT_READ);
      const again = await cost(); // level-triggered: still ready, and only it is checked
      assert.deepEqual(again.ready.map(([k]) => k.fileobj), [conns[321]]);
      assert.ok(again.checks <= 2, JSON.stringify(again));
      assert.equal(dec.decode(await conns[321].recv(1)), "!");
      const drained = await cost();
      assert.deepEqual(drained.ready, []);
      assert.ok(drained.checks <= 2, JSON.stringify(drained));
    } finally {
      for (const s of [...clients, ...conns]) s.close();
    }
  },
);
