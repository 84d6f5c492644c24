// Copyright 2026 the pysocket authors. MIT license.
// StreamSocket on real loopback sockets: bind/listen/accept, async
// iteration, connect/connect_ex, send/sendall/recv/recv_into, concurrency,
// shutdown, IPv6 and AF_UNIX, detach.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { testing } from "../_common/testing.ts";
import {
  concat,
  dec,
  enc,
  isOSError,
  pair,
  randomBytes,
  recvAll,
  recvExactly,
  runPython,
} from "./_helpers.ts";

Deno.test("bind(), listen(backlog) and accept() resolve [conn, addr] with the client's address", async () => {
  using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(["127.0.0.1", 0]);
  const [host, port] = srv.getsockname() as socket.IPv4Address;
  assert.equal(host, "127.0.0.1");
  assert.ok(port > 0 && port <= 65535);
  assert.equal(srv.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 0);
  srv.listen(5);
  assert.equal(srv.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
  assert.deepEqual(srv.getsockname(), ["127.0.0.1", port], "listen() kept the bound port");
  using cli = socket.socket();
  await cli.connect(["127.0.0.1", port]);
  const [conn, addr] = await srv.accept();
  using _conn = conn;
  assert.ok(conn instanceof socket.StreamSocket);
  assert.deepEqual(addr, cli.getsockname());
  assert.deepEqual(conn.getpeername(), cli.getsockname());
  assert.deepEqual(conn.getsockname(), ["127.0.0.1", port]);
  assert.deepEqual(cli.getpeername(), ["127.0.0.1", port]);
  await cli.sendall(enc.encode("ping"));
  assert.equal(dec.decode(await conn.recv(10)), "ping");
});

Deno.test("listen() on an unbound socket binds the wildcard address and a free port", async () => {
  using srv = socket.socket();
  srv.listen();
  const [host, port] = srv.getsockname() as socket.IPv4Address;
  assert.equal(host, "0.0.0.0");
  assert.ok(port > 0);
  using cli = await socket.create_connection(["127.0.0.1", port]);
  const [conn, addr] = await srv.accept();
  using _conn = conn;
  assert.deepEqual(addr, cli.getsockname());
});

Deno.test("accept() passes over a connection that was reset before it was accepted", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = (srv.getsockname() as socket.IPv4Address)[1];
  // Blocking, then with a timeout (accept's two paths).
  for (const timeout of [null, 30]) {
    srv.settimeout(timeout);
    // CPython connects and resets (SO_LINGER on, 0) before anything is accepted.
    const py = await runPython(
      `
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
`,
      [String(port)],
    );
    assert.equal(py.code, 0, py.stderr);
    using cli = await socket.create_connection(["127.0.0.1", port]);
    await cli.sendall(enc.encode("alive"));
    const [conn, addr] = await srv.accept();
    using _conn = conn;
    assert.deepEqual(addr, cli.getsockname());
    assert.equal(dec.decode(await recvExactly(conn, 5)), "alive");
  }
});

Deno.test("accept() on a socket that is not listening raises OSError EINVAL", async () => {
  using s = socket.socket();
  await assert.rejects(() => s.accept(), isOSError(socket.errno.EINVAL));
});

Deno.test("a listening socket is an async iterable of [conn, addr] that ends when closed", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const addr = srv.getsockname() as socket.IPv4Address;
  const clients = await Promise.all([1, 2, 3].map(() => socket.create_connection(addr)));
  const peers = new Set(clients.map((c) => JSON.stringify(c.getsockname())));
  const got: socket.StreamSocket[] = [];
  for await (const [conn, peer] of srv) {
    got.push(conn);
    assert.ok(peers.delete(JSON.stringify(peer)), `unexpected peer ${peer}`);
    if (got.length === 3) srv.close();
  }
  assert.equal(got.length, 3);
  assert.equal(peers.size, 0);
  for (const s of [...got, ...clients]) s.close();
});

Deno.test("closing a listening socket ends a for-await loop waiting in accept()", async () => {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const loop = (async () => {
    let n = 0;
    for await (const [conn] of srv) {
      conn.close();
      n++;
    }
    return n;
  })();
  const addr = srv.getsockname() as socket.IPv4Address;
  using c = await socket.create_connection(addr);
  assert.equal((await c.recv(1)).length, 0, "the loop accepted and closed the connection");
  srv.close();
  assert.equal(await loop, 1);
});

Deno.test("connect() connects; a second connect() raises EISCONN", async () => {
  using p = await pair();
  await assert.rejects(() => p.cli.connect(p.srv.getsockname()), isOSError(socket.errno.EISCONN));
  await p.cli.sendall(enc.encode("still fine"));
  assert.equal(dec.decode(await recvExactly(p.conn, 10)), "still fine");
});

Deno.test("connect_ex() resolves 0 on success and an errno for failures, never throwing", async () => {
  const probe = socket.create_server(["127.0.0.1", 0]);
  const port = (probe.getsockname() as socket.IPv4Address)[1];
  probe.close();
  using refused = socket.socket();
  assert.equal(await refused.connect_ex(["127.0.0.1", port]), 111);
  using srv = socket.create_server(["127.0.0.1", 0]);
  using ok = socket.socket();
  assert.equal(await ok.connect_ex(srv.getsockname()), 0);
  assert.equal(await ok.connect_ex(srv.getsockname()), socket.errno.EISCONN);
  const dir = await Deno.makeTempDir();
  using unix = socket.socket(socket.AF_UNIX);
  assert.equal(await unix.connect_ex(`${dir}/missing.sock`), socket.errno.ENOENT);
  await Deno.remove(dir, { recursive: true });
  const closed = socket.socket();
  closed.close();
  assert.equal(await closed.connect_ex(["127.0.0.1", port]), socket.errno.EBADF); // as Python
  const [conn] = await srv.accept();
  conn.close();
});

Deno.test("send() resolves the count written, and exactly those bytes arrive", async () => {
  using p = await pair();
  const data = randomBytes(100);
  const n = await p.cli.send(data);
  assert.ok(n >= 1 && n <= 100);
  assert.deepEqual(await recvExactly(p.conn, n), data.subarray(0, n));
  assert.equal(await p.cli.send(new Uint8Array(0)), 0);
});

Deno.test("sendall() delivers 8 MiB byte for byte while the peer reads", async () => {
  using p = await pair();
  const big = randomBytes(8 << 20);
  const received = recvAll(p.conn);
  await p.cli.sendall(big);
  await p.cli.shutdown(socket.SHUT_WR);
  assert.deepEqual(await received, big);
});

Deno.test("send() and sendall() take any bytes-like object, honouring views' offsets", async () => {
  using p = await pair();
  const backing = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await p.cli.sendall(backing.subarray(2, 5)); // 2 3 4
  await p.cli.sendall(new DataView(backing.buffer, 7, 2)); // 7 8
  await p.cli.sendall(new Uint16Array([0x0201]).buffer); // little-endian 1 2
  await p.cli.sendall(new Int8Array([-1]));
  let sent = 0;
  while (sent < 1) sent += await p.cli.send(backing.buffer.slice(9)); // 9
  assert.deepEqual(Array.from(await recvExactly(p.conn, 9)), [2, 3, 4, 7, 8, 1, 2, 255, 9]);
});

Deno.test("recv(bufsize) resolves 1..bufsize bytes and an empty array at end of stream", async () => {
  using p = await pair();
  await p.cli.sendall(enc.encode("hello world"));
  await p.cli.shutdown(socket.SHUT_WR);
  const first = await p.conn.recv(5);
  assert.ok(first.length >= 1 && first.length <= 5);
  const rest = await recvAll(p.conn, 100, 3);
  assert.equal(dec.decode(concat([first, rest])), "hello world");
  for (let i = 0; i < 3; i++) assert.deepEqual(await p.conn.recv(10), new Uint8Array(0));
  assert.deepEqual(await p.conn.recv(0), new Uint8Array(0));
  await assert.rejects(() => p.conn.recv(-1), RangeError);
});

Deno.test("recv() resolves arrays of their own: later and concurrent receives never change them", async () => {
  using p = await pair();
  const pieces: Uint8Array[] = [];
  const take = async (bufsize: number, want: number) => {
    for (let got = 0; got < want;) {
      const data = await p.conn.recv(bufsize);
      assert.ok(data.length > 0, "end of stream too early");
      if (bufsize === 1024) assert.equal(data.buffer.byteLength, data.length, "no 1 KiB behind");
      pieces.push(data);
      got += data.length;
    }
  };
  for (const word of ["alpha", "beta", "gamma"]) {
    await p.cli.sendall(enc.encode(word));
    await take(1024, word.length);
  }
  await p.cli.sendall(enc.encode("x".repeat(20_000))); // over the reused buffer's size
  await take(30_000, 20_000);
  // Two receives waiting at once: each resolves its own bytes, in call order.
  const first = p.conn.recv(1024);
  const second = p.conn.recv(1024);
  await p.cli.sendall(enc.encode("one"));
  const one = await first;
  await p.cli.sendall(enc.encode("two"));
  const two = await second;
  assert.equal(dec.decode(concat(pieces)), "alphabetagamma" + "x".repeat(20_000));
  assert.deepEqual([dec.decode(one), dec.decode(two)], ["one", "two"]);
});

Deno.test("recv_into() fills the caller's buffer and honours nbytes", async () => {
  using p = await pair();
  await p.cli.sendall(enc.encode("abcdefgh"));
  const buf = new Uint8Array(10).fill(0x2e);
  assert.equal(await p.conn.recv_into(buf, 3), 3);
  assert.equal(dec.decode(buf), "abc.......");
  const view = buf.subarray(4, 9); // an offset view: bytes land at 4..8
  let got = 0;
  while (got < 5) got += await p.conn.recv_into(view.subarray(got));
  assert.equal(dec.decode(buf), "abc.defgh.");
  await assert.rejects(async () => await p.conn.recv_into(buf, 11), {
    name: "RangeError",
    message: /nbytes.*11/,
  });
  await p.cli.shutdown(socket.SHUT_WR);
  assert.equal(await p.conn.recv_into(buf), 0);
});

Deno.test("concurrent sendall()s of 1 MiB each never interleave their bytes", async () => {
  using p = await pair();
  const size = 1 << 20;
  const received = recvAll(p.conn);
  await Promise.all(
    Array.from({ length: 8 }, (_, i) => p.cli.sendall(new Uint8Array(size).fill(i + 1))),
  );
  await p.cli.shutdown(socket.SHUT_WR);
  const all = await received;
  assert.equal(all.length, 8 * size);
  const runs: number[] = [];
  for (let i = 0; i < all.length; i += size) {
    const run = all.subarray(i, i + size);
    assert.ok(run.every((b) => b === run[0]), `the run at ${i} was interleaved`);
    runs.push(run[0]);
  }
  assert.deepEqual(runs, [1, 2, 3, 4, 5, 6, 7, 8], "served in call order");
});

Deno.test("concurrent recv()s and recv_into()s are served in call order", async () => {
  using p = await pair();
  const buf = new Uint8Array(1);
  const reads = [p.conn.recv(1), p.conn.recv_into(buf), p.conn.recv(1), p.conn.recv(1)];
  await p.cli.sendall(enc.encode("wxyz"));
  const [a, n, c, d] = await Promise.all(reads);
  assert.equal(n, 1);
  assert.deepEqual(
    [a, buf, c, d].map((x) => dec.decode(x as Uint8Array)),
    ["w", "x", "y", "z"],
  );
});

Deno.test("shutdown(SHUT_WR) half-closes: the peer reads EOF and can still send", async () => {
  using p = await pair();
  await p.cli.sendall(enc.encode("request"));
  await p.cli.shutdown(socket.SHUT_WR);
  assert.equal(dec.decode(await recvAll(p.conn)), "request");
  await p.conn.sendall(enc.encode("reply"));
  await p.conn.shutdown(socket.SHUT_WR);
  assert.equal(dec.decode(await recvAll(p.cli)), "reply");
  await assert.rejects(() => p.cli.sendall(enc.encode("late")), socket.BrokenPipeError);
});

Deno.test("shutdown(SHUT_RD) makes reads return end of stream; sending still works", async () => {
  using p = await pair();
  await p.conn.shutdown(socket.SHUT_RD);
  assert.equal((await p.conn.recv(10)).length, 0);
  await p.conn.sendall(enc.encode("one way"));
  assert.equal(dec.decode(await recvExactly(p.cli, 7)), "one way");
});

Deno.test("shutdown(SHUT_RDWR) ends both directions", async () => {
  using p = await pair();
  await p.conn.shutdown(socket.SHUT_RDWR);
  assert.equal((await p.cli.recv(10)).length, 0, "the peer reads end of stream");
  assert.equal((await p.conn.recv(10)).length, 0);
  await assert.rejects(() => p.conn.sendall(enc.encode("x")), socket.BrokenPipeError);
});

Deno.test("shutdown() rejects a bad how (EINVAL) and an unconnected socket (ENOTCONN)", async () => {
  using p = await pair();
  await assert.rejects(() => p.cli.shutdown(7), isOSError(socket.errno.EINVAL));
  using lone = socket.socket();
  await assert.rejects(() => lone.shutdown(socket.SHUT_WR), isOSError(socket.errno.ENOTCONN));
});

Deno.test("a pending recv() fails with EBADF when its socket is closed", async () => {
  using p = await pair();
  const pending = p.conn.recv(10);
  p.conn.close();
  await assert.rejects(pending, isOSError(socket.errno.EBADF));
});

Deno.test("AF_INET6 stream sockets use 4-tuples and carry data", async () => {
  using srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  srv.bind(["::1", 0]);
  srv.listen();
  const [host, port, flowinfo, scope] = srv.getsockname() as [string, number, number, number];
  assert.deepEqual([host, flowinfo, scope], ["::1", 0, 0]);
  using cli = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  await cli.connect(["::1", port, 0, 0]);
  const [conn, addr] = await srv.accept();
  using _conn = conn;
  assert.equal((addr as unknown[]).length, 4);
  assert.deepEqual(addr, cli.getsockname());
  assert.deepEqual(cli.getpeername(), ["::1", port, 0, 0]);
  const data = randomBytes(200_000);
  const back = recvExactly(cli, data.length);
  await conn.sendall(data);
  assert.deepEqual(await back, data);
});

Deno.test("AF_UNIX stream sockets use paths ('' for the unnamed client) and carry data", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pysocket-test-" });
  const path = `${dir}/s.sock`;
  try {
    using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    assert.equal(srv.getsockname(), "");
    srv.bind(path);
    srv.listen();
    assert.equal(srv.getsockname(), path);
    using cli = socket.socket(socket.AF_UNIX);
    await cli.connect(path);
    const [conn, addr] = await srv.accept();
    using _conn = conn;
    assert.equal(addr, "");
    assert.equal(cli.getsockname(), "");
    assert.equal(cli.getpeername(), path);
    assert.equal(conn.getsockname(), path);
    const data = randomBytes(300_000);
    const back = recvAll(conn);
    await cli.sendall(data);
    await cli.shutdown(socket.SHUT_WR);
    assert.deepEqual(await back, data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "detach() hands back a usable Deno.Conn and leaves the socket closed",
  // A connection on the node backend has no Deno.Conn (its own test says so);
  // on the FFI backend the handle is the descriptor (tests/ffi_test.ts).
  ignore: testing.backend !== "deno",
  fn: async () => {
    using p = await pair();
    const fd = p.cli.fileno();
    assert.ok(fd >= 0);
    const raw = p.cli.detach() as Deno.Conn;
    assert.ok(p.cli.closed);
    assert.equal(p.cli.fileno(), -1);
    assert.throws(() => p.cli.getsockname(), isOSError(socket.errno.EBADF));
    try {
      await raw.write(enc.encode("raw"));
      assert.equal(dec.decode(await recvExactly(p.conn, 3)), "raw");
      await p.conn.sendall(enc.encode("back"));
      const buf = new Uint8Array(4);
      let n = 0;
      while (n < 4) n += (await raw.read(buf.subarray(n))) ?? 0;
      assert.equal(dec.decode(buf), "back");
    } finally {
      raw.close();
    }
    assert.equal((await p.conn.recv(1)).length, 0, "closing the handle closed the connection");
  },
});

Deno.test({
  name: "detach() of a listening socket returns its Deno.Listener, still accepting",
  ignore: testing.backend === "ffi", // its handle is the descriptor (tests/ffi_test.ts)
}, async () => {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const addr = srv.getsockname() as socket.IPv4Address;
  const listener = srv.detach() as Deno.Listener;
  assert.ok(srv.closed);
  try {
    const accepted = listener.accept();
    using cli = await socket.create_connection(addr);
    (await accepted).close();
    assert.equal((await cli.recv(1)).length, 0);
  } finally {
    listener.close();
  }
  using fresh = socket.socket();
  assert.equal(fresh.detach(), null, "a socket without a handle detaches to null");
});

Deno.test("detach() refuses (EBUSY) while a timed-out accept is still pending or kept", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  srv.settimeout(0.02);
  await assert.rejects(srv.accept(), socket.TimeoutError); // leaves a background accept running
  assert.throws(
    () => srv.detach(),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.EBUSY,
  );
  using cli = await socket.create_connection(srv.getsockname() as socket.IPv4Address);
  srv.settimeout(5);
  const [conn] = await srv.accept(); // the background accept's connection, not lost
  conn.close();
  assert.equal((await cli.recv(1)).length, 0);
  assert.ok(!srv.closed);
});

Deno.test("bind() of an AF_UNIX socket takes the path as bytes in an ArrayBuffer, and names it in its errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/buffer.sock`;
    // Untyped JavaScript may pass an ArrayBuffer (bytes-like to Python).
    const buffer = () => new TextEncoder().encode(path).buffer as unknown as socket.Address;
    using s = socket.socket(socket.AF_UNIX);
    s.bind(buffer());
    assert.equal(s.getsockname(), path);
    using t = socket.socket(socket.AF_UNIX);
    assert.throws(
      () => t.bind(buffer()),
      (e) =>
        e instanceof socket.OSError && e.errno === socket.errno.EADDRINUSE &&
        e.message.includes(`b'${path}'`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listen(n) after bind() keeps the listener: the port never frees, and a client that connected before listen() is accepted (refused on a descriptor, as Python's)", async () => {
  using srv = socket.socket();
  srv.bind(["127.0.0.1", 0]);
  const addr = srv.getsockname();
  using early = socket.socket();
  if (testing.backend === "ffi") {
    // A descriptor binds and listens when the socket says so, with its backlog.
    await assert.rejects(early.connect(addr), socket.ConnectionRefusedError);
    srv.listen(1);
    await early.connect(addr);
  } else await early.connect(addr);
  // No other socket can take the port between bind() and listen().
  using other = socket.socket();
  assert.throws(() => other.bind(addr), isOSError(socket.errno.EADDRINUSE));
  srv.listen(1);
  assert.deepEqual(srv.getsockname(), addr);
  srv.settimeout(5);
  const [conn, peer] = await srv.accept();
  using _conn = conn;
  assert.deepEqual(peer, early.getsockname());
});

Deno.test("detach() returns the runtime handle: a Deno.Conn, a Deno.Listener; EOPNOTSUPP where the backend has none", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const cli = await socket.create_connection(srv.getsockname() as [string, number]);
  const [conn] = await srv.accept();
  using _conn = conn;
  if (testing.backend === "node") {
    // node:net's connection has no handle to give: the socket is kept.
    assert.throws(() => cli.detach(), isOSError(socket.errno.EOPNOTSUPP));
    assert.equal(cli.closed, false);
    cli.close();
  } else if (testing.backend === "ffi") {
    const handle = cli.detach();
    assert.equal(typeof handle, "number");
    socket.close(handle as number);
  } else {
    const handle = cli.detach();
    assert.ok(handle !== null && typeof handle === "object" && "read" in handle);
    (handle as Deno.Conn).close();
  }
  const listener = socket.socket();
  listener.bind(["127.0.0.1", 0]);
  const l = listener.detach();
  if (testing.backend === "ffi") {
    socket.close(l as number);
  } else {
    assert.ok(l !== null && typeof l === "object" && "accept" in l);
    (l as Deno.Listener).close();
  }
});

Deno.test("recv(65536) returns each message whole once the connection has carried one, as Python's does", async () => {
  // An echo server that split a 2 KiB message over two recv() calls would
  // answer with two segments, and Nagle's algorithm would hold the second
  // until the peer's delayed acknowledgement: 40 ms per message.
  using srv = socket.create_server(["127.0.0.1", 0]);
  using client = await socket.create_connection(srv.getsockname() as [string, number]);
  const [conn] = await srv.accept();
  using _conn = conn;
  const message = new Uint8Array(2048).map((_, i) => i);
  let first = 0;
  while (first < message.length) {
    if (first === 0) await client.sendall(message);
    first += (await conn.recv(65536)).length;
  }
  for (let i = 0; i < 20; i++) {
    await client.sendall(message);
    assert.deepEqual(await conn.recv(65536), message, `message ${i}`);
  }
});

Deno.test("recv(bufsize) after select() takes what was buffered for it, in order and no more than bufsize", async () => {
  const [a, b] = await socket.socketpair();
  using _a = a, _b = b;
  await a.sendall(enc.encode("0123456789"));
  let ready: unknown[] = [];
  for (let i = 0; i < 100 && ready.length === 0; i++) {
    [ready] = await socket.select.select([b], [], [], 1);
  }
  assert.deepEqual(ready, [b]);
  let got = "";
  while (got.length < 10) {
    const chunk = await b.recv(4);
    assert.ok(chunk.length >= 1 && chunk.length <= 4, `${chunk.length} bytes`);
    got += dec.decode(chunk);
  }
  assert.equal(got, "0123456789");
  await a.sendall(enc.encode("after")); // the direct read path still follows
  assert.equal(dec.decode(await b.recv(100)), "after");
});
