// Copyright 2026 the pysocket authors. MIT license.
// ThreadingTCPServer under load: 1,000 CPython clients connected at once,
// each echoing 100 messages, nothing lost or mixed up.

import assert from "node:assert/strict";
import { socketserver } from "../mod.ts";

const CLIENTS = 1000;
const MESSAGES = 100;
const BATCH = 100;

// asyncio client: connect in batches (so the listen queue and file
// descriptors hold), keep every connection open until all are in, then each
// sends its messages one at a time and checks every echo.
const LOAD = `import asyncio, sys
port, clients, messages, batch = map(int, sys.argv[1:5])

async def connect(i):
    return await asyncio.open_connection("127.0.0.1", port)

async def talk(i, reader, writer):
    for m in range(messages):
        line = f"client {i} message {m}\\n".encode()
        writer.write(line)
        await writer.drain()
        got = await reader.readline()
        if got != line:
            raise SystemExit(f"client {i}: sent {line!r}, got {got!r}")
    writer.close()
    await writer.wait_closed()
    return messages

async def main():
    conns = []
    for start in range(0, clients, batch):
        conns += await asyncio.gather(*(connect(i) for i in range(start, min(clients, start + batch))))
    print("connected", len(conns), flush=True)
    counts = await asyncio.gather(*(talk(i, r, w) for i, (r, w) in enumerate(conns)))
    print("echoed", sum(counts), flush=True)

asyncio.run(main())
`;

Deno.test("ThreadingTCPServer serves 1,000 concurrent CPython clients, 100 messages each", async () => {
  let active = 0;
  let peak = 0;
  let lines = 0;
  class Echo extends socketserver.StreamRequestHandler {
    override async handle(): Promise<void> {
      peak = Math.max(peak, ++active);
      try {
        for await (const line of this.rfile) {
          lines++;
          await this.wfile.write(line);
        }
      } finally {
        active--;
      }
    }
  }
  class Server extends socketserver.ThreadingTCPServer {
    static override request_queue_size = 1024;
  }
  const server = new Server(["127.0.0.1", 0], Echo);
  const loop = server.serve_forever();
  try {
    const port = (server.server_address as [string, number])[1];
    const out = await new Deno.Command("python3", {
      args: ["-c", LOAD, String(port), String(CLIENTS), String(MESSAGES), String(BATCH)],
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(stdout, `connected ${CLIENTS}\nechoed ${CLIENTS * MESSAGES}\n`);
  } finally {
    await server.shutdown();
    await loop;
    await server.server_close();
  }
  assert.equal(lines, CLIENTS * MESSAGES);
  assert.equal(peak, CLIENTS, "every client was served at the same time");
  assert.equal(active, 0);
});
