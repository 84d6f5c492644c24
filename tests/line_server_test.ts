// Copyright 2026 the pysocket authors. MIT license.
// The line-server example (a port of a Python socketserver line protocol
// built on rfile.readline()) run as a subprocess, with CPython clients.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";

const dec = new TextDecoder();

const PY_CLIENT = `
import socket, sys
port, mode = int(sys.argv[1]), sys.argv[2]
with socket.create_connection(("127.0.0.1", port)) as s:
    rfile = s.makefile("rb")
    if mode == "pipelined":
        # Every request in one send; the server must split the lines itself.
        s.sendall(b"ECHO hello\\nUPPER shout\\r\\nLEN four\\nNOPE x\\nECHO\\n")
        for _ in range(5):
            sys.stdout.write(rfile.readline().decode())
        s.sendall(b"QUIT\\n")
        sys.stdout.write(rfile.readline().decode())
    elif mode == "dribble":
        # One request a byte at a time, then one per round trip.
        for b in b"UPPER slow line\\n":
            s.sendall(bytes([b]))
        sys.stdout.write(rfile.readline().decode())
        for i in range(20):
            s.sendall(b"ECHO %d\\n" % i)
            sys.stdout.write(rfile.readline().decode())
        s.shutdown(socket.SHUT_WR)
        sys.stdout.write(repr(rfile.readline()) + "\\n")
    elif mode == "toolong":
        s.sendall(b"ECHO " + b"x" * 2000 + b"\\n")
        sys.stdout.write(rfile.readline().decode())
        sys.stdout.write(repr(rfile.readline()) + "\\n")
`;

async function pyClient(port: number, mode: string): Promise<string> {
  const out = await new Deno.Command("python3", {
    args: ["-c", PY_CLIENT, String(port), mode],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return dec.decode(out.stdout);
}

Deno.test("the line server example answers CPython clients line by line and stops on SIGINT", async () => {
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "examples/line_server.ts", "127.0.0.1", "0"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const first = (await lines.read()).value ?? "";
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(first)![1]);

    // Three CPython clients at once, each with its own line count.
    const [pipelined, dribble, toolong] = await Promise.all([
      pyClient(port, "pipelined"),
      pyClient(port, "dribble"),
      pyClient(port, "toolong"),
    ]);
    assert.equal(
      pipelined,
      "1 hello\n2 SHOUT\n3 4\n4 ERR unknown command\n5 \nBYE\n",
    );
    const expected = ["1 SLOW LINE"];
    for (let i = 0; i < 20; i++) expected.push(`${i + 2} ${i}`);
    assert.equal(dribble, expected.join("\n") + "\nb''\n");
    assert.equal(toolong, "ERR line too long\nb''\n");

    // A client of ours: makefile on both sides of the protocol.
    using cli = await socket.create_connection(["127.0.0.1", port]);
    const w = cli.makefile("w");
    const r = cli.makefile("r");
    await w.write("LEN héllo\nUPPER ünï\nQUIT\n");
    await w.flush();
    assert.deepEqual(await r.readlines(), ["1 6\n", "2 üNï\n", "BYE\n"]);
  } finally {
    server.kill("SIGINT");
    let rest = "";
    for (let r = await lines.read(); !r.done; r = await lines.read()) rest += r.value;
    const status = await server.status;
    const err = await new Response(server.stderr).text();
    assert.match(rest, /goodbye/);
    assert.equal(status.code, 0, err);
  }
});
