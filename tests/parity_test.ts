// Copyright 2026 the pysocket authors. MIT license.
// What CPython's test_socket.py, test_select.py and test_selectors.py check
// of the module's surface, as our own tests: both socket kinds carry
// Python's whole method set and answer as Linux does; Python's error
// classes and aliases; create_connection(all_errors); name services as
// CPython answers them (CPython asked alongside); AF_UNIX abstract names;
// select and selectors reporting everything at once; standard input in a
// select.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { closeAll, dec, enc, isOSError, ROOT, runPython, tcpTriple, tempDir } from "./_helpers.ts";
import { ffiUnavailable } from "../_transport/ffi_load.ts";

/** The methods of Python's socket objects (Linux, those that apply to TCP, UDP and Unix sockets). */
const PYTHON_METHODS = [
  "accept",
  "bind",
  "close",
  "connect",
  "connect_ex",
  "detach",
  "fileno",
  "getblocking",
  "getpeername",
  "getsockname",
  "getsockopt",
  "gettimeout",
  "listen",
  "recv",
  "recv_into",
  "recvfrom",
  "recvfrom_into",
  "send",
  "sendall",
  "sendfile",
  "sendto",
  "setblocking",
  "setsockopt",
  "settimeout",
  "shutdown",
];

Deno.test("both socket kinds carry Python's whole method set", () => {
  using tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  for (const s of [tcp, udp]) {
    const missing = PYTHON_METHODS.filter((m) =>
      typeof (s as unknown as Record<string, unknown>)[m] !== "function"
    );
    assert.deepEqual(missing, [], s.constructor.name);
  }
  assert.equal(typeof tcp.makefile, "function");
});

Deno.test("a stream socket's recvfrom gives no address, its sendto ignores it, as Linux does for TCP", async () => {
  const [srv, cli, conn] = await tcpTriple();
  try {
    await cli.sendto(enc.encode("hi"), ["127.0.0.1", 1]);
    const [data, address] = await conn.recvfrom(10);
    assert.equal(dec.decode(data), "hi");
    assert.equal(address, null);
    await cli.sendto(enc.encode("yo"), 0, ["127.0.0.1", 1]);
    const buf = new Uint8Array(10);
    assert.deepEqual(await conn.recvfrom_into(buf), [2, null]);
    using lone = socket.socket();
    await assert.rejects(lone.sendto(enc.encode("x"), ["127.0.0.1", 1]), socket.BrokenPipeError);
    await assert.rejects(lone.recvfrom(10), isOSError(socket.errno.ENOTCONN));
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("a datagram socket's shutdown, sendall and sendfile answer as Python's", async () => {
  using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  a.bind(["127.0.0.1", 0]);
  await assert.rejects(a.shutdown(socket.SHUT_WR), isOSError(socket.errno.ENOTCONN));
  using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await b.connect(a.getsockname());
  await b.sendall(enc.encode("one"));
  assert.equal(dec.decode(await a.recv(10)), "one");
  await b.shutdown(socket.SHUT_RD); // changes nothing, as on Linux
  await b.send(enc.encode("two"));
  assert.equal(dec.decode(await a.recv(10)), "two");
  await b.shutdown(socket.SHUT_WR);
  await assert.rejects(b.send(enc.encode("x")), socket.BrokenPipeError);
  await assert.rejects(b.sendto(enc.encode("x"), a.getsockname()), socket.BrokenPipeError);
  using file = await Deno.open("/dev/null");
  await assert.rejects(a.sendfile(file), socket.ValueError);
});

Deno.test("Python's error classes: socket.error, SocketType, ValueError, KeyError, RuntimeError, message-only errors", () => {
  assert.equal(socket.error, socket.OSError);
  assert.equal(socket.SocketType, socket.Socket);
  assert.ok(new socket.ValueError("v") instanceof RangeError);
  assert.equal(new socket.KeyError("k").name, "KeyError");
  assert.equal(new socket.RuntimeError("r").name, "RuntimeError");
  const e = new socket.ConnectionError("server closed");
  assert.equal(e.message, "server closed");
  assert.equal(e.errno, null);
  assert.equal(e.strerror, null);
  assert.ok(e instanceof socket.OSError);
  const n = new socket.OSError(socket.errno.EPIPE, "Broken pipe");
  assert.equal(String(n), "OSError: [Errno 32] Broken pipe");
});

Deno.test("create_connection(all_errors) raises an ExceptionGroup of every attempt's error", async () => {
  // "localhost" is tried as ::1 and 127.0.0.1 where both exist; nothing listens on port 1.
  try {
    await socket.create_connection(["localhost", 1], 5, null, { all_errors: true });
    assert.fail("connected");
  } catch (e) {
    assert.ok(e instanceof socket.ExceptionGroup, String(e));
    assert.ok(e instanceof AggregateError);
    assert.ok(e.exceptions.length >= 1);
    for (const x of e.exceptions) assert.ok(x instanceof socket.ConnectionRefusedError, String(x));
  }
  await assert.rejects(
    socket.create_connection(["127.0.0.1", 1], 5),
    socket.ConnectionRefusedError,
  );
});

Deno.test("name services answer as CPython's: IPv6 written back normalized, scope ids by name, getnameinfo needs a number", async () => {
  const py = await runPython(`
import json, socket
out = {}
for h in ["2001:DB8::1", "::FFFF:1.2.3.4", "2001:0db8:0:0:0:0:0:0001", "fe80::1%lo"]:
    out[h] = list(socket.getaddrinfo(h, 80, 0, socket.SOCK_STREAM)[0][4])
out["gni"] = list(socket.getnameinfo(("fe80::1", 80, 0, 1), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV))
out["ifs"] = [list(x) for x in socket.if_nameindex()]
out["lo"] = socket.if_nametoindex("lo")
out["protos"] = [socket.getprotobyname(p) for p in ("tcp", "udp", "icmp")]
print(json.dumps(out))
`);
  assert.equal(py.code, 0, py.stderr);
  const want = JSON.parse(py.stdout);
  for (const h of ["2001:DB8::1", "::FFFF:1.2.3.4", "2001:0db8:0:0:0:0:0:0001", "fe80::1%lo"]) {
    const [[, , , , sockaddr]] = await socket.getaddrinfo(h, 80, 0, socket.SOCK_STREAM);
    assert.deepEqual(sockaddr, want[h], h);
  }
  assert.deepEqual(
    await socket.getnameinfo(["fe80::1", 80, 0, 1], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
    want.gni,
  );
  await assert.rejects(socket.getnameinfo(["localhost", 80], 0), socket.gaierror);
  await assert.rejects(socket.getnameinfo(["::1", 80, 0x100000, 0], 0), RangeError);
  assert.deepEqual(socket.if_nameindex(), want.ifs);
  assert.equal(socket.if_nametoindex("lo"), want.lo);
  assert.equal(socket.if_indextoname(want.lo), "lo");
  assert.throws(() => socket.if_nametoindex("no-such-interface"), socket.OSError);
  assert.throws(() => socket.if_indextoname(99999), socket.OSError);
  assert.deepEqual(["tcp", "udp", "icmp"].map(socket.getprotobyname), want.protos);
  assert.throws(() => socket.getprotobyname("no-such-protocol"), socket.OSError);
});

Deno.test("AF_UNIX abstract names: bytes in, bytes out, a CPython peer on the same name (of any bytes, on a descriptor); too long refused", async () => {
  const name = enc.encode(`\0pysocket-test-${crypto.randomUUID()}`);
  using srv = socket.socket(socket.AF_UNIX);
  srv.bind(name);
  srv.listen();
  const got = srv.getsockname();
  assert.ok(got instanceof Uint8Array);
  assert.deepEqual(got, name);
  const peer = runPython(
    `
import socket, sys
c = socket.socket(socket.AF_UNIX)
c.connect(bytes.fromhex(sys.argv[1]))
c.sendall(b"over the abstract namespace")
c.close()
`,
    [Array.from(name, (b) => b.toString(16).padStart(2, "0")).join("")],
  );
  const [conn] = await srv.accept();
  assert.equal(dec.decode(await conn.recv(100, socket.MSG_WAITALL)), "over the abstract namespace");
  conn.close();
  assert.equal((await peer).code, 0);
  // Bytes that are not UTF-8: a descriptor's name (--allow-ffi), refused without one.
  using raw = socket.socket(socket.AF_UNIX);
  const rawName = new Uint8Array([0, 0xff, 0xfe, ...crypto.getRandomValues(new Uint8Array(8))]);
  if (ffiUnavailable() === null) {
    raw.bind(rawName);
    raw.listen();
    assert.deepEqual(raw.getsockname(), rawName);
    const rawPeer = runPython(
      `
import socket, sys
c = socket.socket(socket.AF_UNIX)
c.connect(bytes.fromhex(sys.argv[1]))
assert c.getpeername() == bytes.fromhex(sys.argv[1]), c.getpeername()
c.sendall(b"over a name of any bytes")
c.close()
`,
      [Array.from(rawName, (b) => b.toString(16).padStart(2, "0")).join("")],
    );
    const [rawConn] = await raw.accept();
    assert.equal(
      dec.decode(await rawConn.recv(100, socket.MSG_WAITALL)),
      "over a name of any bytes",
    );
    rawConn.close();
    const done = await rawPeer;
    assert.equal(done.code, 0, done.stderr);
  } else {
    assert.throws(() => raw.bind(rawName), socket.OSError);
  }
  using bad = socket.socket(socket.AF_UNIX);
  assert.throws(
    () => bad.bind("/tmp/" + "x".repeat(200)),
    (e) => e instanceof socket.OSError && /too long/.test(e.message),
  );
  assert.throws(() => bad.bind(42 as unknown as string), TypeError);
});

Deno.test("select() and selector.select() report a socket both readable and writable in one call", async () => {
  const [srv, cli, conn] = await tcpTriple();
  using sel = new socket.selectors.DefaultSelector();
  try {
    const [, w] = await socket.select.select([conn], [conn], [], 0);
    assert.deepEqual(w, [conn]);
    await cli.sendall(enc.encode("x")); // arrives while the read select started is pending
    const [r2, w2] = await socket.select.select([conn], [conn], [], 0);
    assert.deepEqual([r2, w2], [[conn], [conn]]);
    sel.register(conn, socket.selectors.EVENT_READ | socket.selectors.EVENT_WRITE);
    const events = await sel.select(0);
    assert.equal(events.length, 1);
    assert.equal(events[0][1], socket.selectors.EVENT_READ | socket.selectors.EVENT_WRITE);
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("selectors: get_map() finds a key by the socket as well as its number; close() wakes a select() under way", async () => {
  const sel = new socket.selectors.DefaultSelector();
  using s = socket.socket();
  s.bind(["127.0.0.1", 0]);
  s.listen();
  const key = sel.register(s, socket.selectors.EVENT_READ, "data");
  const map = sel.get_map();
  assert.equal(map.get(s), key);
  assert.equal(map.get(s.fileno()), key);
  assert.ok(map.has(s));
  const waiting = sel.select(); // no timeout: would wait forever
  sel.close();
  assert.deepEqual(await waiting, []);
  await assert.rejects(sel.select(0), socket.RuntimeError);
});

Deno.test("select.stdin(): standard input beside a socket in select(), read without losing a byte", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const [, port] = srv.getsockname() as socket.IPv4Address;
  // A chat client as Python tutorials write it: select() over stdin and the socket.
  const code = `
import * as socket from "${ROOT}mod.ts";
import { select, stdin } from "${ROOT}select.ts";
const sock = await socket.create_connection(["127.0.0.1", ${port}]);
const input = stdin();
const watched: unknown[] = [input, sock];
const seen: string[] = [];
for (let i = 0; i < 20 && seen.length < 3; i++) {
  const [ready] = await select(watched, [], [], 5);
  if (ready.includes(input)) {
    const line = await input.readline();
    if (line === "") watched.splice(watched.indexOf(input), 1); // end of input: stop watching it
    else {
      seen.push("stdin:" + line.trimEnd());
      await sock.sendall(new TextEncoder().encode(line));
    }
  }
  if (ready.includes(sock)) seen.push("sock:" + new TextDecoder().decode(await sock.recv(100)).trimEnd());
}
console.log(JSON.stringify(seen));
sock.close();
`;
  await using dir = await tempDir();
  const script = `${dir.path}/chat.ts`;
  await Deno.writeTextFile(script, code);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${ROOT}deno.json`, script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  const [conn] = await srv.accept();
  try {
    const lines = conn.makefile("rb");
    const w = child.stdin.getWriter();
    await w.write(enc.encode("first line\nsecond "));
    assert.equal(dec.decode(await lines.readline()), "first line\n");
    await conn.sendall(enc.encode("ack\n"));
    await w.write(enc.encode("line\n"));
    await w.close();
    assert.equal(dec.decode(await lines.readline()), "second line\n");
    const out = await output;
    assert.equal(out.code, 0, dec.decode(out.stderr));
    const seen: string[] = JSON.parse(dec.decode(out.stdout));
    // Each source in its own order (one select may report both at once).
    assert.deepEqual(seen.filter((x) => x.startsWith("stdin:")), [
      "stdin:first line",
      "stdin:second line",
    ]);
    assert.deepEqual(seen.filter((x) => x.startsWith("sock:")), ["sock:ack"]);
  } finally {
    conn.close();
  }
});
