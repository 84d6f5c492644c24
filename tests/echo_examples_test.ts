// Copyright 2026 the pysocket authors. MIT license.
// examples/echo_server.ts and examples/echo_client.ts run as programs: the
// server against many concurrent clients (ours and CPython's), SIGINT, IPv6;
// the client against our server and against a CPython echo server.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import {
  concat,
  dec,
  enc,
  portOf,
  randomBytes,
  recvAll,
  runDeno,
  runPython,
  startExample,
  startPython,
} from "./_helpers.ts";

const SERVER = "examples/echo_server.ts";
const CLIENT = "examples/echo_client.ts";

/** A CPython client: sends `size` random bytes in pieces, half-closes, checks the echo. */
const PY_CLIENT = `
import os, socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
data = os.urandom(int(sys.argv[3]))
for i in range(0, len(data), 10000):
    s.sendall(data[i:i + 10000])
s.shutdown(socket.SHUT_WR)
got = bytearray()
while True:
    d = s.recv(65536)
    if not d:
        break
    got += d
s.close()
print("ok" if got == data else "mismatch %d of %d" % (len(got), len(data)))
`;

/** Our client: sends `data` in pieces while reading the echo, then half-closes. */
async function echoThrough(port: number, data: Uint8Array, host = "127.0.0.1") {
  using c = await socket.create_connection([host, port]);
  const echoed = recvAll(c);
  for (let i = 0; i < data.length; i += 7777) await c.sendall(data.subarray(i, i + 7777));
  await c.shutdown(socket.SHUT_WR);
  return await echoed;
}

Deno.test("echo_server.ts prints its address first and echoes concurrent clients, ours and CPython's", async () => {
  await using server = await startExample(SERVER, ["127.0.0.1", "0"]);
  assert.match(server.line, /^listening on 127\.0\.0\.1:\d+$/);
  const port = portOf(server.line);
  assert.ok(port > 0);
  const payloads = Array.from({ length: 6 }, (_, i) => randomBytes(100_000 + i * 37_000));
  const [ours, py1, py2] = await Promise.all([
    Promise.all(payloads.map((p) => echoThrough(port, p))),
    runPython(PY_CLIENT, ["127.0.0.1", String(port), "1048576"]),
    runPython(PY_CLIENT, ["127.0.0.1", String(port), "300000"]),
  ]);
  ours.forEach((got, i) => assert.deepEqual(got, payloads[i], `client ${i}`));
  assert.equal(py1.stdout.trim(), "ok", py1.stderr);
  assert.equal(py2.stdout.trim(), "ok", py2.stderr);
  const out = await server.stop("SIGINT");
  assert.equal(out.code, 0, out.stderr);
});

Deno.test("echo_server.ts closes open connections on SIGINT, says goodbye and exits 0", async () => {
  await using server = await startExample(SERVER, ["127.0.0.1", "0"]);
  const port = portOf(server.line);
  using idle = await socket.create_connection(["127.0.0.1", port]);
  using busy = await socket.create_connection(["127.0.0.1", port]);
  await busy.sendall(enc.encode("before ctrl-c"));
  assert.equal(dec.decode(await busy.recv(100)), "before ctrl-c");
  const out = await server.stop("SIGINT");
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.signal, null);
  assert.equal(out.stdout, "goodbye\n");
  assert.equal(out.stderr, "");
  // The server closed both connections: each client reads end of stream.
  assert.equal((await idle.recv(10)).length, 0);
  assert.equal((await busy.recv(10)).length, 0);
  // And nothing listens on the port any more.
  using late = socket.socket();
  assert.equal(await late.connect_ex(["127.0.0.1", port]), socket.errno.ECONNREFUSED);
});

Deno.test("echo_server.ts listens on IPv6 when given an IPv6 host", async () => {
  await using server = await startExample(SERVER, ["::1", "0"]);
  assert.match(server.line, /^listening on \[::1\]:\d+$/);
  const data = randomBytes(50_000);
  assert.deepEqual(await echoThrough(portOf(server.line), data, "::1"), data);
  assert.equal((await server.stop("SIGINT")).code, 0);
});

Deno.test("echo_client.ts prints the echo of each message argument", async () => {
  await using server = await startExample(SERVER, ["127.0.0.1", "0"]);
  const port = String(portOf(server.line));
  const out = await runDeno(["run", "-A", CLIENT, "127.0.0.1", port, "one", "two words", "3"]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "one\ntwo words\n3\n");
  assert.equal((await server.stop("SIGINT")).code, 0);
});

Deno.test("echo_client.ts echoes the lines of stdin, the last one without a newline too", async () => {
  await using server = await startExample(SERVER, ["127.0.0.1", "0"]);
  const port = String(portOf(server.line));
  const out = await runDeno(["run", "-A", CLIENT, "127.0.0.1", port], {
    stdin: enc.encode("alpha\nbeta\n\ngamma"),
  });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "alpha\nbeta\n\ngamma\n");
  assert.equal((await server.stop("SIGINT")).code, 0);
});

Deno.test("echo_client.ts talks to a CPython echo server and half-closes when done", async () => {
  await using py = await startPython(`
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
seen = bytearray()
while True:
    data = conn.recv(1024)
    if not data:
        break
    seen += data
    conn.sendall(data)
conn.close()
print(repr(bytes(seen)))
`);
  const out = await runDeno([
    "run",
    "-A",
    CLIENT,
    "127.0.0.1",
    String(portOf(py.line)),
    "héllo",
    "second",
  ]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "héllo\nsecond\n");
  // The Python server saw exactly the two lines, then end of stream (our SHUT_WR).
  assert.equal(await py.readLine(), "b'h\\xc3\\xa9llo\\nsecond\\n'");
  const done = await py.wait();
  assert.equal(done.code, 0, done.stderr);
});

Deno.test("echo_client.ts fails with ConnectionRefusedError when nothing listens", async () => {
  const probe = socket.create_server(["127.0.0.1", 0]);
  const port = String((probe.getsockname() as socket.IPv4Address)[1]);
  probe.close();
  const out = await runDeno(["run", "-A", CLIENT, "127.0.0.1", port, "x"]);
  assert.notEqual(out.code, 0);
  assert.match(out.stderr, /ConnectionRefusedError/);
  assert.equal(out.stdout, "");
});

Deno.test("echo_server.ts serves one client's many round trips in order", async () => {
  await using server = await startExample(SERVER, ["127.0.0.1", "0"]);
  using c = await socket.create_connection(["127.0.0.1", portOf(server.line)]);
  const got: Uint8Array[] = [];
  for (let i = 0; i < 50; i++) {
    const msg = enc.encode(`message ${i};`);
    await c.sendall(msg);
    const parts: Uint8Array[] = [];
    for (let n = 0; n < msg.length;) {
      const d = await c.recv(msg.length - n);
      assert.ok(d.length > 0, "early end of stream");
      parts.push(d);
      n += d.length;
    }
    got.push(concat(parts));
  }
  assert.equal(
    dec.decode(concat(got)),
    Array.from({ length: 50 }, (_, i) => `message ${i};`).join(""),
  );
  assert.equal((await server.stop("SIGINT")).code, 0);
});

Deno.test("echo_server.ts keeps serving after a client resets its connection", async () => {
  await using server = await startExample(SERVER, ["127.0.0.1", "0"]);
  const port = String(portOf(server.line));
  // CPython sends data and closes with SO_LINGER (on, 0): the kernel resets the connection.
  const reset = await runPython(
    `
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"x" * 100000)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
print("reset")
`,
    [port],
  );
  assert.equal(reset.stdout.trim(), "reset", reset.stderr);
  const data = randomBytes(10_000);
  assert.deepEqual(await echoThrough(Number(port), data), data);
  const out = await server.stop("SIGINT");
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "goodbye\n");
});
