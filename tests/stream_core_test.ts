// Copyright 2026 the pysocket authors. MIT license.
// Core behaviours of StreamSocket on real loopback sockets, the echo
// examples run as subprocesses, and CPython's socket module as the peer.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function pair(): Promise<[socket.StreamSocket, socket.StreamSocket, socket.StreamSocket]> {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const cli = await socket.create_connection(srv.getsockname() as socket.IPv4Address);
  const [conn] = await srv.accept();
  return [srv, cli, conn];
}

async function recvAll(s: socket.StreamSocket): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const d = await s.recv(65536);
    if (d.length === 0) break;
    parts.push(d);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) (out.set(p, off), off += p.length);
  return out;
}

async function python(code: string, args: string[] = [], stdin?: Uint8Array) {
  const p = new Deno.Command("python3", {
    args: ["-c", code, ...args],
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin) {
    const w = p.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  return p;
}

Deno.test("bind(), listen() and accept() give a connected pair with Python addresses", async () => {
  using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(["127.0.0.1", 0]);
  srv.listen(5);
  const [host, port] = srv.getsockname() as socket.IPv4Address;
  assert.equal(host, "127.0.0.1");
  assert.ok(port > 0);
  using cli = socket.socket();
  await cli.connect(["127.0.0.1", port]);
  const [conn, addr] = await srv.accept();
  using _c = conn;
  assert.deepEqual(addr, cli.getsockname());
  assert.deepEqual(cli.getpeername(), ["127.0.0.1", port]);
  assert.match(
    Deno.inspect(srv),
    /^<socket\.socket fd=\d+, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=\('127\.0\.0\.1', \d+\)>$/,
  );
});

Deno.test("recv() returns 1..bufsize bytes and an empty array at end of stream", async () => {
  const [srv, cli, conn] = await pair();
  await cli.sendall(enc.encode("hello world"));
  await cli.shutdown(socket.SHUT_WR);
  const first = await conn.recv(5);
  assert.equal(dec.decode(first), "hello");
  assert.equal(dec.decode(await recvAll(conn)), " world");
  assert.equal((await conn.recv(10)).length, 0);
  for (const s of [srv, cli, conn]) s.close();
});

Deno.test("recv_into() honours nbytes and rejects nbytes larger than the buffer", async () => {
  const [srv, cli, conn] = await pair();
  await cli.sendall(enc.encode("abcdef"));
  const buf = new Uint8Array(10);
  assert.equal(await conn.recv_into(buf, 3), 3);
  assert.equal(dec.decode(buf.subarray(0, 3)), "abc");
  assert.throws(() => conn.recv_into(buf, 11), RangeError);
  let got = 0;
  while (got < 3) got += await conn.recv_into(buf.subarray(got));
  assert.equal(dec.decode(buf.subarray(0, 3)), "def");
  for (const s of [srv, cli, conn]) s.close();
});

Deno.test("send() resolves a count and sendall() moves several MiB intact", async () => {
  const [srv, cli, conn] = await pair();
  const payload = crypto.getRandomValues(new Uint8Array(65536)).map((_, i) => i % 251);
  const big = new Uint8Array(4 << 20);
  for (let i = 0; i < big.length; i += payload.length) big.set(payload, i);
  const n = await cli.send(big.subarray(0, 100));
  assert.ok(n >= 1 && n <= 100);
  const received = recvAll(conn);
  await cli.sendall(big.subarray(n));
  await cli.shutdown(socket.SHUT_WR);
  assert.deepEqual(await received, big);
  for (const s of [srv, cli, conn]) s.close();
});

Deno.test("concurrent sendall()s never interleave their bytes", async () => {
  const [srv, cli, conn] = await pair();
  const size = 1 << 20;
  const received = recvAll(conn);
  await Promise.all(
    Array.from({ length: 8 }, (_, i) => cli.sendall(new Uint8Array(size).fill(i + 1))),
  );
  await cli.shutdown(socket.SHUT_WR);
  const all = await received;
  assert.equal(all.length, 8 * size);
  const seen: number[] = [];
  for (let i = 0; i < all.length; i += size) {
    assert.ok(all.subarray(i, i + size).every((b) => b === all[i]), "a run was interleaved");
    seen.push(all[i]);
  }
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
  for (const s of [srv, cli, conn]) s.close();
});

Deno.test("concurrent recv()s are served in call order", async () => {
  const [srv, cli, conn] = await pair();
  const reads = [conn.recv(1), conn.recv(1), conn.recv(1)];
  await cli.sendall(enc.encode("xyz"));
  assert.deepEqual((await Promise.all(reads)).map((d) => dec.decode(d)), ["x", "y", "z"]);
  for (const s of [srv, cli, conn]) s.close();
});

Deno.test("shutdown(SHUT_WR) half-closes: the peer reads EOF and can still send", async () => {
  const [srv, cli, conn] = await pair();
  await cli.sendall(enc.encode("request"));
  await cli.shutdown(socket.SHUT_WR);
  assert.equal(dec.decode(await recvAll(conn)), "request");
  await conn.sendall(enc.encode("reply"));
  conn.close();
  assert.equal(dec.decode(await recvAll(cli)), "reply");
  await assert.rejects(() => cli.shutdown(7), socket.OSError);
  srv.close();
  cli.close();
});

Deno.test("shutdown(SHUT_RD) makes later reads return end of stream", async () => {
  const [srv, cli, conn] = await pair();
  await conn.shutdown(socket.SHUT_RD);
  assert.equal((await conn.recv(10)).length, 0);
  for (const s of [srv, cli, conn]) s.close();
});

Deno.test("a listening socket is an async iterable that ends when it is closed", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const addr = srv.getsockname() as socket.IPv4Address;
  const clients = await Promise.all([1, 2, 3].map(() => socket.create_connection(addr)));
  const got: socket.StreamSocket[] = [];
  for await (const [conn] of srv) {
    got.push(conn);
    if (got.length === 3) srv.close();
  }
  assert.equal(got.length, 3);
  for (const s of [...got, ...clients]) s.close();
});

Deno.test("connect_ex() resolves 0 or the errno, and connect() raises ConnectionRefusedError", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = (srv.getsockname() as socket.IPv4Address)[1];
  srv.close();
  using a = socket.socket();
  assert.equal(await a.connect_ex(["127.0.0.1", port]), socket.errno.ECONNREFUSED);
  using b = socket.socket();
  const err = await b.connect(["127.0.0.1", port]).then(() => null, (e) => e);
  assert.ok(err instanceof socket.ConnectionRefusedError);
  assert.equal(err.errno, 111);
  assert.ok(err.cause instanceof Deno.errors.ConnectionRefused);
  using srv2 = socket.create_server(["127.0.0.1", 0]);
  using c = socket.socket();
  assert.equal(await c.connect_ex(srv2.getsockname()), 0);
});

Deno.test("close() is idempotent and every method on a closed socket raises EBADF", async () => {
  const [srv, cli, conn] = await pair();
  cli.close();
  cli.close();
  assert.equal(cli.fileno(), -1);
  for (
    const op of [() => cli.getsockname(), () => cli.getpeername(), () => cli.bind(["127.0.0.1", 0])]
  ) {
    assert.throws(
      op,
      (e: unknown) => e instanceof socket.OSError && e.errno === socket.errno.EBADF,
    );
  }
  await assert.rejects(
    () => cli.recv(1),
    (e: unknown) => e instanceof socket.OSError && e.errno === 9,
  );
  await assert.rejects(() => cli.sendall(new Uint8Array(1)), socket.OSError);
  conn.close();
  srv.close();
});

Deno.test("a pending recv() fails with EBADF when the socket is closed", async () => {
  const [srv, cli, conn] = await pair();
  const pending = conn.recv(10);
  conn.close();
  await assert.rejects(pending, (e: unknown) => e instanceof socket.OSError && e.errno === 9);
  cli.close();
  srv.close();
});

Deno.test("bad input raises Python-style errors", async () => {
  using s = socket.socket();
  assert.throws(() => s.bind(["127.0.0.1", 70000]), {
    name: "RangeError",
    message: "Cannot bind: port must be 0-65535: current value is 70000",
  });
  assert.throws(() => s.bind("127.0.0.1" as never), TypeError);
  assert.throws(() => s.bind(["::1", 0]), socket.OSError);
  const [srv, cli, conn] = await pair();
  await assert.rejects(() => cli.sendall("text" as never), {
    name: "TypeError",
    message: "a bytes-like object is required, not 'string'",
  });
  assert.throws(() => socket.socket(socket.AF_INET, socket.SOCK_RAW), socket.OSError);
  assert.throws(() => socket.socket(socket.AF_INET, socket.SOCK_SEQPACKET), socket.OSError);
  assert.throws(() => socket.socket(99, socket.SOCK_STREAM), socket.OSError);
  assert.throws(
    () => s.getpeername(),
    (e: unknown) => e instanceof socket.OSError && e.errno === 107,
  );
  for (const x of [srv, cli, conn]) x.close();
});

Deno.test("AF_INET6 and AF_UNIX stream sockets connect and echo", async () => {
  using srv6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  srv6.bind(["::1", 0]);
  srv6.listen();
  const [h, p, flow, scope] = srv6.getsockname() as [string, number, number, number];
  assert.deepEqual([h, flow, scope], ["::1", 0, 0]);
  using c6 = socket.socket(socket.AF_INET6);
  await c6.connect(["::1", p]);
  const [a6] = await srv6.accept();
  await c6.sendall(enc.encode("six"));
  assert.equal(dec.decode(await a6.recv(10)), "six");
  a6.close();

  const dir = await Deno.makeTempDir();
  const path = `${dir}/s.sock`;
  try {
    using srvu = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    srvu.bind(path);
    srvu.listen();
    assert.equal(srvu.getsockname(), path);
    using cu = socket.socket(socket.AF_UNIX);
    await cu.connect(path);
    const [au] = await srvu.accept();
    await au.sendall(enc.encode("unix"));
    assert.equal(dec.decode(await cu.recv(10)), "unix");
    au.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("detach() hands back a usable Deno.Conn and leaves the socket closed", async () => {
  const [srv, cli, conn] = await pair();
  const raw = cli.detach() as Deno.Conn;
  assert.ok(cli.closed);
  await raw.write(enc.encode("raw"));
  assert.equal(dec.decode(await conn.recv(10)), "raw");
  raw.close();
  conn.close();
  srv.close();
});

Deno.test("Deno permission errors pass through unchanged", async () => {
  const code = `import * as socket from "${new URL("../mod.ts", import.meta.url)}";
    const s = socket.socket();
    try { await s.connect(["127.0.0.1", 9]); } catch (e) { console.log(e.constructor.name); }
    s.close();`;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, code);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1:1", "--allow-read", file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(file);
  assert.equal(dec.decode(out.stdout).trim(), "NotCapable");
});

Deno.test("the echo server example serves several clients at once and stops on SIGINT", async () => {
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "examples/echo_server.ts", "127.0.0.1", "0"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = (await lines.read()).value ?? "";
  const port = Number(/:(\d+)/.exec(first)![1]);
  const clients = await Promise.all(
    [1, 2, 3, 4].map(() => socket.create_connection(["127.0.0.1", port])),
  );
  await Promise.all(clients.map((c, i) => c.sendall(enc.encode(`client ${i}`))));
  const replies = await Promise.all(clients.map((c) => c.recv(100)));
  assert.deepEqual(replies.map((r) => dec.decode(r)), [
    "client 0",
    "client 1",
    "client 2",
    "client 3",
  ]);
  const py = await python(
    "import socket,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\ns.sendall(b'from python')\nprint(s.recv(100).decode())",
    [String(port)],
  );
  assert.equal(dec.decode((await py.output()).stdout).trim(), "from python");
  const client = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "examples/echo_client.ts", "127.0.0.1", String(port), "one", "two"],
    stdout: "piped",
  }).output();
  assert.equal(dec.decode(client.stdout), "one\ntwo\n");
  for (const c of clients) c.close();
  server.kill("SIGINT");
  let rest = "";
  for (let r = await lines.read(); !r.done; r = await lines.read()) rest += r.value;
  assert.match(rest, /bye/);
  assert.equal((await server.status).code, 0);
  await server.stderr.cancel();
});

Deno.test("CPython's socket module is the client and the server, 4 MiB each way, byte for byte", async () => {
  const data = crypto.getRandomValues(new Uint8Array(65536));
  const big = new Uint8Array(4 << 20);
  for (let i = 0; i < big.length; i += data.length) big.set(data, i);
  // CPython client -> our server: it sends big, half-closes, and prints the SHA-256 of what comes back.
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = (srv.getsockname() as socket.IPv4Address)[1];
  const client = await python(
    `import socket,sys,hashlib
s=socket.create_connection(('127.0.0.1',int(sys.argv[1])))
data=sys.stdin.buffer.read(); s.sendall(data); s.shutdown(socket.SHUT_WR)
out=b''
while True:
    d=s.recv(65536)
    if not d: break
    out+=d
print(hashlib.sha256(out).hexdigest())`,
    [String(port)],
    big,
  );
  const [conn] = await srv.accept();
  const got = await recvAll(conn);
  assert.deepEqual(got, big);
  await conn.sendall(got);
  conn.close();
  const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", big)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const out = await client.output();
  assert.equal(dec.decode(out.stdout).trim(), digest);

  // CPython server -> our client: it echoes until EOF.
  const server = await python(
    `import socket
s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c,_=s.accept()
while True:
    d=c.recv(65536)
    if not d: break
    c.sendall(d)
c.close()`,
  );
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const pyPort = Number((await reader.read()).value);
  using cli = socket.socket();
  await cli.connect(["127.0.0.1", pyPort]);
  const echoed = recvAll(cli);
  await cli.sendall(big);
  await cli.shutdown(socket.SHUT_WR);
  assert.deepEqual(await echoed, big);
  await reader.cancel();
  await server.stderr.cancel();
  assert.equal((await server.status).code, 0);
});
