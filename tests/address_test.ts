// Copyright 2026 the pysocket authors. MIT license.
// Addresses of stream sockets: the tuple shapes accepted and returned per
// family, Python's errors for bad ones, getsockname()/getpeername().

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { dec, enc, isOSError, pair, recvExactly } from "./_helpers.ts";

Deno.test("a malformed AF_INET address raises TypeError naming the expected tuple", async () => {
  using s = socket.socket();
  const shape = /AF_INET address must be a tuple \(host, port\)/;
  for (
    const bad of [
      "127.0.0.1",
      ["127.0.0.1"],
      [127001, 80],
      ["127.0.0.1", 80, 0],
      { host: "127.0.0.1", port: 80 },
      null,
    ]
  ) {
    assert.throws(() => s.bind(bad as never), { name: "TypeError", message: shape });
    await assert.rejects(() => s.connect(bad as never), { name: "TypeError", message: shape });
  }
  assert.throws(() => s.bind(["127.0.0.1", "80"] as never), TypeError);
  assert.throws(() => s.bind(["127.0.0.1", 1.5]), TypeError);
  assert.equal(s.getsockname()[1], 0, "nothing was bound by the failed calls");
});

Deno.test("a port outside 0-65535 raises RangeError with the exact message", async () => {
  using s = socket.socket();
  assert.throws(() => s.bind(["127.0.0.1", 70000]), {
    name: "RangeError",
    message: "Cannot bind: port must be 0-65535: current value is 70000",
  });
  assert.throws(() => s.bind(["127.0.0.1", -1]), {
    name: "RangeError",
    message: "Cannot bind: port must be 0-65535: current value is -1",
  });
  await assert.rejects(() => s.connect(["127.0.0.1", 65536]), {
    name: "RangeError",
    message: "Cannot connect: port must be 0-65535: current value is 65536",
  });
  await assert.rejects(() => socket.create_connection(["127.0.0.1", 70000]), RangeError);
});

Deno.test("a literal address of the other family raises OSError (gaierror)", async () => {
  using v4 = socket.socket(socket.AF_INET);
  assert.throws(() => v4.bind(["::1", 0]), socket.gaierror);
  assert.throws(() => v4.bind(["::1", 0]), socket.OSError);
  await assert.rejects(() => v4.connect(["::1", 80]), socket.gaierror);
  // connect_ex() raises name errors rather than returning them, as Python does.
  await assert.rejects(() => v4.connect_ex(["::1", 80]), socket.gaierror);
  using v6 = socket.socket(socket.AF_INET6);
  assert.throws(() => v6.bind(["127.0.0.1", 0]), socket.gaierror);
});

Deno.test("getsockname() reports the port chosen for port 0, and it cannot be bound twice", () => {
  using a = socket.socket();
  a.bind(["127.0.0.1", 0]);
  const [host, port] = a.getsockname() as socket.IPv4Address;
  assert.equal(host, "127.0.0.1");
  assert.ok(Number.isInteger(port) && port > 0 && port <= 65535);
  assert.throws(() => a.bind(["127.0.0.1", 0]), isOSError(socket.errno.EINVAL));
  using b = socket.socket();
  assert.throws(() => b.bind(["127.0.0.1", port]), isOSError(socket.errno.EADDRINUSE));
});

Deno.test("the empty host binds every interface, as Python's ''", () => {
  using v4 = socket.socket();
  v4.bind(["", 0]);
  assert.equal(v4.getsockname()[0], "0.0.0.0");
  using v6 = socket.socket(socket.AF_INET6);
  v6.bind(["", 0]);
  assert.equal(v6.getsockname()[0], "::");
});

Deno.test("'localhost' binds the loopback address and host names are resolved on connect", async () => {
  using srv = socket.socket();
  srv.bind(["localhost", 0]);
  srv.listen();
  const [host, port] = srv.getsockname() as socket.IPv4Address;
  assert.equal(host, "127.0.0.1");
  using cli = socket.socket();
  await cli.connect(["localhost", port]);
  assert.deepEqual(cli.getpeername(), ["127.0.0.1", port]);
  const [conn] = await srv.accept();
  conn.close();
});

Deno.test("unbound sockets report the wildcard address of their family", () => {
  using v4 = socket.socket(socket.AF_INET);
  using v6 = socket.socket(socket.AF_INET6);
  using unix = socket.socket(socket.AF_UNIX);
  assert.deepEqual(v4.getsockname(), ["0.0.0.0", 0]);
  assert.deepEqual(v6.getsockname(), ["::", 0, 0, 0]);
  assert.equal(unix.getsockname(), "");
});

Deno.test("AF_INET6 takes 2- and 4-tuples and returns 4-tuples", async () => {
  using srv = socket.socket(socket.AF_INET6);
  srv.bind(["::1", 0, 0, 0]);
  srv.listen();
  const port = (srv.getsockname() as socket.IPv6Address)[1];
  assert.deepEqual(srv.getsockname(), ["::1", port, 0, 0]);
  using a = socket.socket(socket.AF_INET6);
  await a.connect(["::1", port]);
  using b = socket.socket(socket.AF_INET6);
  await b.connect(["::1", port, 0, 0]);
  for (const c of [a, b]) {
    assert.deepEqual(c.getpeername(), ["::1", port, 0, 0]);
    const local = c.getsockname() as [string, number, number, number];
    assert.equal(local.length, 4);
    assert.equal(local[0], "::1");
  }
  const [c1, addr1] = await srv.accept();
  const [c2, addr2] = await srv.accept();
  assert.equal((addr1 as unknown[]).length, 4);
  assert.equal((addr2 as unknown[]).length, 4);
  c1.close();
  c2.close();
  assert.throws(() => srv.bind(["::1", 0, 0x100000, 0]), RangeError); // flowinfo > 20 bits
  assert.throws(() => a.bind(["::1", 0, 0, 0, 0] as never), TypeError);
});

Deno.test("AF_UNIX addresses are path strings (bytes accepted); other shapes raise TypeError", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pysocket-test-" });
  try {
    using srv = socket.socket(socket.AF_UNIX);
    srv.bind(enc.encode(`${dir}/bytes.sock`) as never);
    srv.listen();
    assert.equal(srv.getsockname(), `${dir}/bytes.sock`);
    using cli = socket.socket(socket.AF_UNIX);
    await cli.connect(`${dir}/bytes.sock`);
    const [conn] = await srv.accept();
    using _conn = conn;
    await cli.sendall(enc.encode("path"));
    assert.equal(dec.decode(await recvExactly(conn, 4)), "path");
    using other = socket.socket(socket.AF_UNIX);
    assert.throws(() => other.bind(["127.0.0.1", 0] as never), {
      name: "TypeError",
      message: /AF_UNIX address must be a path string/,
    });
    assert.throws(() => other.listen(), isOSError(socket.errno.EINVAL), "listen before bind");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("getpeername() raises ENOTCONN unless connected", async () => {
  using fresh = socket.socket();
  assert.throws(
    () => fresh.getpeername(),
    (e: unknown) =>
      e instanceof socket.OSError && e.errno === socket.errno.ENOTCONN &&
      /not connected/.test(e.message),
  );
  using p = await pair();
  assert.throws(() => p.srv.getpeername(), isOSError(socket.errno.ENOTCONN), "listening");
  assert.deepEqual(p.cli.getpeername(), p.conn.getsockname());
  assert.deepEqual(p.conn.getpeername(), p.cli.getsockname());
});
