// Copyright 2026 the pysocket authors. MIT license.
// CPython's own socket module as the peer: as the client of our server and
// as the server for our client, several MiB each way checked byte for byte,
// half-close in both directions, and IPv6 and AF_UNIX.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import {
  dec,
  enc,
  portOf,
  randomBytes,
  recvAll,
  runPython,
  sha256hex,
  startPython,
} from "./_helpers.ts";

const MiB = 1 << 20;

/** A CPython echo server (family and address from argv) that echoes until end of stream. */
const PY_ECHO_SERVER = `
import socket, sys
fam = {"inet": socket.AF_INET, "inet6": socket.AF_INET6, "unix": socket.AF_UNIX}[sys.argv[1]]
srv = socket.socket(fam, socket.SOCK_STREAM)
srv.bind(sys.argv[2] if fam == socket.AF_UNIX else (sys.argv[2], 0))
srv.listen(1)
print("listening on %s:%s" % (sys.argv[2], srv.getsockname()[1] if fam != socket.AF_UNIX else 0), flush=True)
conn, _ = srv.accept()
n = 0
while True:
    data = conn.recv(65536)
    if not data:
        break
    n += len(data)
    conn.sendall(data)
conn.close()
print(n)
`;

Deno.test("a CPython client sends 4 MiB to our server and gets it back byte for byte", async () => {
  const payload = randomBytes(4 * MiB);
  using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(["127.0.0.1", 0]);
  srv.listen(1);
  const port = (srv.getsockname() as socket.IPv4Address)[1];
  const client = runPython(
    `
import hashlib, socket, sys
data = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(data)
s.shutdown(socket.SHUT_WR)
got = bytearray()
while True:
    d = s.recv(65536)
    if not d:
        break
    got += d
s.close()
print(hashlib.sha256(data).hexdigest(), hashlib.sha256(got).hexdigest(), len(got))
`,
    [String(port)],
    { stdin: payload },
  );
  const [conn, addr] = await srv.accept();
  using _conn = conn;
  assert.equal((addr as socket.IPv4Address)[0], "127.0.0.1");
  let received = 0;
  const whole = new Uint8Array(payload.length);
  for (let i = 0; i < 10_000; i++) {
    const d = await conn.recv(65536);
    if (d.length === 0) break;
    whole.set(d, received);
    received += d.length;
    await conn.sendall(d);
  }
  assert.equal(received, payload.length);
  assert.deepEqual(whole, payload);
  conn.close();
  const out = await client;
  assert.equal(out.code, 0, out.stderr);
  const digest = await sha256hex(payload);
  assert.equal(out.stdout.trim(), `${digest} ${digest} ${payload.length}`);
});

Deno.test("our client sends 4 MiB to a CPython echo server and reads it back byte for byte", async () => {
  const payload = randomBytes(4 * MiB);
  await using py = await startPython(PY_ECHO_SERVER, ["inet", "127.0.0.1"]);
  using cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await cli.connect(["127.0.0.1", portOf(py.line)]);
  const echoed = recvAll(cli);
  await cli.sendall(payload);
  await cli.shutdown(socket.SHUT_WR);
  assert.deepEqual(await echoed, payload);
  assert.equal(await py.readLine(), String(payload.length));
  const done = await py.wait();
  assert.equal(done.code, 0, done.stderr);
});

Deno.test("a CPython server's 5 MiB of os.urandom reach our client intact (SHA-256)", async () => {
  await using py = await startPython(`
import hashlib, os, socket
srv = socket.create_server(("127.0.0.1", 0))
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
data = os.urandom(5 * 1024 * 1024 + 123)
conn.sendall(data)
conn.close()
print(hashlib.sha256(data).hexdigest(), len(data))
`);
  using cli = await socket.create_connection(["127.0.0.1", portOf(py.line)]);
  const got = await recvAll(cli);
  assert.equal(await py.readLine(), `${await sha256hex(got)} ${got.length}`);
  assert.equal(got.length, 5 * MiB + 123);
  assert.equal((await py.wait()).code, 0);
});

Deno.test("half-close: CPython shuts down SHUT_WR, our server reads EOF and still replies", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = (srv.getsockname() as socket.IPv4Address)[1];
  const client = runPython(
    `
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"question")
s.shutdown(socket.SHUT_WR)
reply = b""
while True:
    d = s.recv(100)
    if not d:
        break
    reply += d
print(reply.decode())
`,
    [String(port)],
  );
  const [conn] = await srv.accept();
  using _conn = conn;
  const request = await recvAll(conn); // ends only because the peer half-closed
  assert.equal(dec.decode(request), "question");
  assert.equal((await conn.recv(10)).length, 0); // and stays at end of stream
  await conn.sendall(enc.encode(`answer to ${dec.decode(request)}`));
  conn.close();
  const out = await client;
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout.trim(), "answer to question");
});

Deno.test("half-close: our client shuts down SHUT_WR, a CPython server reads EOF and still replies", async () => {
  await using py = await startPython(`
import socket
srv = socket.create_server(("127.0.0.1", 0))
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
got = b""
while True:
    d = conn.recv(100)
    if not d:
        break
    got += d
conn.sendall(b"got " + got)
conn.sendall(b", then EOF")
conn.close()
`);
  using cli = await socket.create_connection(["127.0.0.1", portOf(py.line)]);
  await cli.sendall(enc.encode("request"));
  await cli.shutdown(socket.SHUT_WR);
  assert.equal(dec.decode(await recvAll(cli)), "got request, then EOF");
  assert.equal((await py.wait()).code, 0);
});

Deno.test("CPython interop over IPv6 (::1) and AF_UNIX stream sockets", async () => {
  const payload = randomBytes(MiB + 7);
  await using py6 = await startPython(PY_ECHO_SERVER, ["inet6", "::1"]);
  using c6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  await c6.connect(["::1", portOf(py6.line), 0, 0]);
  assert.deepEqual(c6.getpeername(), ["::1", portOf(py6.line), 0, 0]);
  const echoed6 = recvAll(c6);
  await c6.sendall(payload);
  await c6.shutdown(socket.SHUT_WR);
  assert.deepEqual(await echoed6, payload);
  assert.equal((await py6.wait()).code, 0);

  const dir = await Deno.makeTempDir({ prefix: "pysocket-interop-" });
  try {
    const path = `${dir}/echo.sock`;
    await using pyu = await startPython(PY_ECHO_SERVER, ["unix", path]);
    using cu = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    await cu.connect(path);
    assert.equal(cu.getpeername(), path);
    const echoedU = recvAll(cu);
    await cu.sendall(payload);
    await cu.shutdown(socket.SHUT_WR);
    assert.deepEqual(await echoedU, payload);
    assert.equal((await pyu.wait()).code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a CPython client of our AF_UNIX server sees our getsockname() path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pysocket-interop-" });
  try {
    const path = `${dir}/srv.sock`;
    using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    srv.bind(path);
    srv.listen();
    const client = runPython(
      `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
print(s.getpeername() == sys.argv[1], s.recv(100).decode())
`,
      [path],
    );
    const [conn, addr] = await srv.accept();
    using _conn = conn;
    assert.equal(addr, ""); // an unnamed client, as in Python
    await conn.sendall(enc.encode(String(srv.getsockname())));
    const out = await client;
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout.trim(), `True ${path}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
