// Copyright 2026 the pysocket authors. MIT license.
// Load: 2,000 CPython clients at once against the echo example, a
// ThreadingTCPServer and the selectors example; every byte of every echo
// checked, and each server still serves a fresh client afterwards — with,
// for the ThreadingTCPServer, a client among them that never reads the reply
// it asked for while the handler's timeout is set.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { enc, portOf, startExample } from "./_helpers.ts";

const CLIENTS = 2000;
const MESSAGES = 5;

// asyncio clients, all connecting at once; each sends its messages one at a
// time and checks every echo, byte for byte. With "flood", one more client
// asks for a large reply and never reads it.
const LOAD = `import asyncio, sys
port, clients, messages = map(int, sys.argv[1:4])
flood = len(sys.argv) > 4

async def client(i):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for m in range(messages):
        line = f"client {i} message {m} ".encode() + bytes(range(i % 200, i % 200 + 40)) + b"\\n"
        writer.write(line)
        await writer.drain()
        got = await reader.readexactly(len(line))
        if got != line:
            raise SystemExit(f"client {i}: sent {line!r}, got {got!r}")
    writer.close()
    await writer.wait_closed()
    return messages

async def main():
    stalled = None
    if flood:
        stalled = await asyncio.open_connection("127.0.0.1", port)
        stalled[1].write(b"flood\\n")
        await stalled[1].drain()
    counts = await asyncio.gather(*(client(i) for i in range(clients)))
    print("echoed", sum(counts), flush=True)
    if stalled:
        await asyncio.sleep(6)  # longer than the handler's timeout: it gives up first
        stalled[1].close()

asyncio.run(main())
`;

async function load(port: number, flood = false): Promise<void> {
  const args = ["-c", LOAD, String(port), String(CLIENTS), String(MESSAGES)];
  if (flood) args.push("flood");
  const out = await new Deno.Command("python3", { args, stdout: "piped", stderr: "piped" })
    .output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(new TextDecoder().decode(out.stdout), `echoed ${CLIENTS * MESSAGES}\n`);
}

/** One more client after the load: its echo comes back. */
async function fresh(port: number): Promise<void> {
  using s = await socket.create_connection(["127.0.0.1", port], 10);
  await s.sendall(enc.encode("fresh\n"));
  assert.equal(new TextDecoder().decode(await s.recv(6, socket.MSG_WAITALL)), "fresh\n");
}

for (const example of ["examples/echo_server.ts", "examples/select_server.ts"]) {
  Deno.test(`${example} echoes 2,000 concurrent CPython clients byte for byte, then serves a fresh one`, async () => {
    await using server = await startExample(example, ["127.0.0.1", "0"]);
    const port = portOf(server.line);
    await load(port);
    await fresh(port);
    const out = await server.stop("SIGINT");
    assert.equal(out.code, 0, out.stderr);
  });
}

Deno.test("ThreadingTCPServer echoes 2,000 concurrent CPython clients while one never reads its reply, then serves a fresh one", async () => {
  const timedOut: unknown[] = [];
  class Echo extends socket.socketserver.StreamRequestHandler {
    override timeout = 5; // long enough for 2,000 clients on a busy machine
    override async handle(): Promise<void> {
      for await (const line of this.rfile) {
        if (new TextDecoder().decode(line) === "flood\n") {
          await this.wfile.write(new Uint8Array(32 << 20)); // never read: times out
        } else await this.wfile.write(line);
      }
    }
  }
  class Server extends socket.socketserver.ThreadingTCPServer {
    static override request_queue_size = socket.SOMAXCONN;
    override handle_error(_r: unknown, _a: socket.Address, e: unknown) {
      timedOut.push(e);
    }
  }
  await using server = new Server(["127.0.0.1", 0], Echo);
  const serving = server.serve_forever();
  try {
    const [, port] = server.server_address as socket.IPv4Address;
    await load(port, true);
    await fresh(port);
  } finally {
    await server.shutdown();
    await serving;
    await server.server_close();
  }
  assert.equal(timedOut.length, 1);
  assert.ok(timedOut[0] instanceof socket.TimeoutError, String(timedOut[0]));
});
