// Copyright 2026 the pysocket authors. MIT license.
// examples/select_server.ts (selectors) and examples/select_client.ts
// (select.select) run as programs: the server against 50 CPython clients at
// once and against one sending a megabyte; the client against the server and
// against a CPython echo server.

import assert from "node:assert/strict";
import { portOf, runDeno, runPython, startExample, startPython } from "./_helpers.ts";

const SERVER = "examples/select_server.ts";
const CLIENT = "examples/select_client.ts";

/** 50 CPython clients at once (threads), each sending several messages and checking each echo. */
const PY_CLIENTS = `
import os, random, socket, sys, threading
host, port, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
results = [None] * n
start = threading.Barrier(n)
def client(i):
    try:
        rnd = random.Random(i)
        s = socket.create_connection((host, port), timeout=20)
        start.wait()
        for r in range(rounds):
            msg = b"%d.%d:" % (i, r) + os.urandom(rnd.randint(1, 20000))
            s.sendall(msg)
            got = bytearray()
            while len(got) < len(msg):
                d = s.recv(65536)
                if not d:
                    raise RuntimeError("closed early")
                got += d
            if bytes(got) != msg:
                raise RuntimeError("echo mismatch in round %d" % r)
        s.shutdown(socket.SHUT_WR)
        if s.recv(1) != b"":
            raise RuntimeError("no end of stream")
        s.close()
        results[i] = "ok"
    except Exception as e:
        results[i] = repr(e)
threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join(30)
bad = [(i, r) for i, r in enumerate(results) if r != "ok"]
print("ok %d" % n if not bad else "failed %r" % bad[:5])
`;

/** One CPython client sending a megabyte without reading, then reading it all back. */
const PY_BIG = `
import hashlib, os, socket, sys, threading
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
data = os.urandom(1 << 20)
got = bytearray()
def reader():
    while True:
        d = s.recv(65536)
        if not d: break
        got.extend(d)
t = threading.Thread(target=reader); t.start()
s.sendall(data)
s.shutdown(socket.SHUT_WR)
t.join(30)
print("ok" if bytes(got) == data else "mismatch %d of %d" % (len(got), len(data)))
`;

/** A CPython echo server (one thread per client), for the client example. */
const PY_ECHO_SERVER = `
import socketserver
class H(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            d = self.request.recv(65536)
            if not d: break
            self.request.sendall(d)
class S(socketserver.ThreadingTCPServer):
    daemon_threads = True
with S(("127.0.0.1", 0), H) as srv:
    print("listening on 127.0.0.1:%d" % srv.server_address[1], flush=True)
    srv.serve_forever()
`;

function expectedClientLines(connections: number, messages: number): string[] {
  const lines: string[] = [];
  for (let c = 1; c <= connections; c++) {
    for (let m = 1; m <= messages; m++) lines.push(`conn ${c}: message ${m} from conn ${c}`);
  }
  return lines;
}

Deno.test("select_server.ts prints its address first and echoes 50 CPython clients at once", async () => {
  await using server = await startExample(SERVER, ["127.0.0.1", "0"]);
  assert.match(server.line, /^listening on 127\.0\.0\.1:\d+$/);
  const port = String(portOf(server.line));
  const [many, big] = await Promise.all([
    runPython(PY_CLIENTS, ["127.0.0.1", port, "50", "5"]),
    runPython(PY_BIG, ["127.0.0.1", port]),
  ]);
  assert.equal(many.stdout.trim(), "ok 50", many.stderr);
  assert.equal(big.stdout.trim(), "ok", big.stderr);
  // The server is still serving after all of them left.
  const again = await runPython(PY_CLIENTS, ["127.0.0.1", port, "3", "2"]);
  assert.equal(again.stdout.trim(), "ok 3", again.stderr);
  const out = await server.stop("SIGINT");
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout.trim(), "goodbye");
});

Deno.test("select_server.ts on IPv6 echoes and exits 0 on SIGINT", async () => {
  await using server = await startExample(SERVER, ["::1", "0"]);
  assert.match(server.line, /^listening on \[::1\]:\d+$/);
  const r = await runPython(PY_CLIENTS, ["::1", String(portOf(server.line)), "4", "3"]);
  assert.equal(r.stdout.trim(), "ok 4", r.stderr);
  assert.equal((await server.stop("SIGINT")).code, 0);
});

Deno.test("select_client.ts drives several connections through select_server.ts", async () => {
  await using server = await startExample(SERVER, ["127.0.0.1", "0"]);
  const port = String(portOf(server.line));
  const out = await runDeno(["run", "-A", CLIENT, "127.0.0.1", port, "4", "6"]);
  assert.equal(out.code, 0, out.stderr);
  const [first, ...rest] = out.stdout.trimEnd().split("\n");
  assert.equal(first, `connected to 127.0.0.1:${port}`);
  assert.equal(rest.pop(), "done 24");
  assert.deepEqual(rest.toSorted(), expectedClientLines(4, 6).toSorted());
  // Each connection's lines come in order.
  for (let c = 1; c <= 4; c++) {
    assert.deepEqual(
      rest.filter((l) => l.startsWith(`conn ${c}:`)),
      expectedClientLines(4, 6).filter((l) => l.startsWith(`conn ${c}:`)),
    );
  }
  assert.equal((await server.stop("SIGINT")).code, 0);
});

Deno.test("select_client.ts works against a CPython echo server", async () => {
  await using server = await startPython(PY_ECHO_SERVER);
  const port = String(portOf(server.line));
  const out = await runDeno(["run", "-A", CLIENT, "127.0.0.1", port, "3", "5"]);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trimEnd().split("\n");
  assert.equal(lines[0], `connected to 127.0.0.1:${port}`);
  assert.equal(lines.at(-1), "done 15");
  assert.deepEqual(lines.slice(1, -1).toSorted(), expectedClientLines(3, 5).toSorted());
});
