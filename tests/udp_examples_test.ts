// Copyright 2026 the pysocket authors. MIT license.
// Runs examples/udp_server.ts and examples/udp_client.ts as subprocesses and
// talks to them from CPython's socket module and from each other.
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { Lines } from "./_helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function spawn(cmd: string, args: string[]) {
  const child = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = new Lines(child.stdout);
  return {
    lines,
    /** Waits for the child to exit successfully; returns the rest of its output. */
    async done(): Promise<string> {
      const out = await lines.rest();
      const { code } = await child.status;
      assert.equal(code, 0, `${cmd} exited with ${code}: ${out}`);
      return out;
    },
  };
}

const example = (name: string, ...args: string[]) =>
  spawn(Deno.execPath(), ["run", "-A", `examples/${name}`, ...args]);

/** Starts udp_server.ts on a free port; resolves the child and its port. */
async function startServer(host: string, count: number) {
  const server = example("udp_server.ts", host, "0", String(count));
  const m = /^UDP server listening on (.+):(\d+)$/.exec(await server.lines.next());
  assert.ok(m, "the server prints its address first");
  assert.equal(m[1], host);
  return { server, port: Number(m[2]) };
}

Deno.test("examples/udp_server.ts replies 'this is the UDP server' to a CPython client", async () => {
  const { server, port } = await startServer("127.0.0.1", 1);
  const py = spawn("python3", [
    "-c",
    `import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
s.sendto(b'hello', ('127.0.0.1', int(sys.argv[1])))
data, addr = s.recvfrom(1024)
print(data.decode(), addr[1], s.getsockname()[1], sep='|')`,
    String(port),
  ]);
  const [reply, from, own] = (await py.lines.next()).split("|");
  assert.equal(reply, "this is the UDP server");
  assert.equal(Number(from), port);
  await py.done();
  const log = await server.done();
  assert.match(log, new RegExp(`^hello \\[ "127\\.0\\.0\\.1", ${own} \\]`));
});

Deno.test("examples/udp_server.ts answers a DatagramSocket over IPv6", async () => {
  const { server, port } = await startServer("::1", 2);
  using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  s.settimeout(10);
  for (const word of ["one", "two"]) {
    await s.sendto(new TextEncoder().encode(word), ["::1", port]);
    const [data, addr] = await s.recvfrom(1024);
    assert.equal(dec(data), "this is the UDP server");
    assert.deepEqual(addr, ["::1", port, 0, 0]);
  }
  const log = await server.done();
  assert.match(log, /^one \[/m);
  assert.match(log, /^two \[/m);
});

Deno.test("examples/udp_client.ts sends hello to a CPython server and prints its reply", async () => {
  const py = spawn("python3", [
    "-u",
    "-c",
    `import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1])
data, address = s.recvfrom(1024)
s.sendto(b'this is the UDP server', address)
print(data.decode())`,
  ]);
  const port = await py.lines.next();
  const client = example("udp_client.ts", "127.0.0.1", port);
  const out = await client.done();
  assert.equal(out, `this is the UDP server\n[ "127.0.0.1", ${port} ]\n`);
  assert.equal(await py.done(), "hello\n");
});

Deno.test("examples/udp_client.ts talks to examples/udp_server.ts", async () => {
  const { server, port } = await startServer("127.0.0.1", 3);
  const out = await example("udp_client.ts", "127.0.0.1", String(port), "3").done();
  assert.equal(out.split("\n").filter((l) => l === "this is the UDP server").length, 3);
  const log = await server.done();
  assert.equal(log.split("\n").filter((l) => l.startsWith("hello [")).length, 3);
});
