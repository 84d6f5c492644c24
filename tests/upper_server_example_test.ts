// Copyright 2026 the pysocket authors. MIT license.
// Runs examples/upper_server.ts (the upper-casing server on socketserver) as
// a subprocess and talks to it with CPython clients.

import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname;
const dec = new TextDecoder();

// Two clients at once, each holding its call open while it sends three messages.
const CLIENT = `import socket, sys, threading
port = int(sys.argv[1])
results = {}
def call(name, barrier):
    s = socket.create_connection(("127.0.0.1", port))
    barrier.wait(10)
    got = []
    for msg in (f"{name} hello", f"{name} dream is handsome", f"{name} bye"):
        s.sendall(msg.encode("utf-8"))
        got.append(s.recv(1024).decode("utf-8"))
    s.close()
    results[name] = got
barrier = threading.Barrier(2)
threads = [threading.Thread(target=call, args=(n, barrier)) for n in ("alice", "bob")]
for t in threads: t.start()
for t in threads: t.join(20)
for name in ("alice", "bob"):
    print(" | ".join(results[name]))
`;

Deno.test("examples/upper_server.ts upper-cases what CPython clients send, exits 0 on SIGINT", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "examples/upper_server.ts", "127.0.0.1", "0"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  try {
    for (let i = 0; i < 100 && !out.includes("\n"); i++) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    const match = /^listening on 127\.0\.0\.1:(\d+)\n/.exec(out);
    assert.ok(match, `first line: ${out}`);
    const py = await new Deno.Command("python3", { args: ["-c", CLIENT, match[1]] }).output();
    assert.equal(py.code, 0, dec.decode(py.stderr));
    assert.equal(
      dec.decode(py.stdout),
      "ALICE HELLO | ALICE DREAM IS HANDSOME | ALICE BYE\nBOB HELLO | BOB DREAM IS HANDSOME | BOB BYE\n",
    );
    child.kill("SIGINT");
    for (let i = 0; i < 100; i++) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
  } finally {
    await reader.cancel().catch(() => {});
    const status = await child.status;
    clearTimeout(killer);
    const err = await stderr;
    assert.equal(status.code, 0, `stderr: ${err}`);
  }
  const lines = out.trimEnd().split("\n");
  assert.deepEqual(lines.slice(1), [
    "got a call from 127.0.0.1",
    "got a call from 127.0.0.1",
    "goodbye",
  ]);
});
