// Copyright 2026 the pysocket authors. MIT license.
// The stream and datagram suites again, with every connecting socket on the
// node backend (node:net) instead of Deno.connect and every UDP socket on
// node:dgram instead of Deno.listenDatagram: Python's semantics must not
// depend on the backend. Listeners are Deno's on both runs
// (_transport/node.ts says why), so each connection here has a node:net end
// and a Deno end.

import assert from "node:assert/strict";
import { testing } from "../_common/testing.ts";
import { BACKEND_SUITES } from "./_backend_suites.ts";

testing.backend = "node";

for (const suite of BACKEND_SUITES) await import(suite);
await import("./options_test.ts");

Deno.test("recv(65536) over node:net takes the chunk the runtime pushes whole, with no buffer held while it waits", async () => {
  const socket = await import("../mod.ts");
  using srv = socket.create_server(["127.0.0.1", 0]);
  using client = await socket.create_connection(srv.getsockname() as [string, number]);
  const [conn] = await srv.accept();
  using _conn = conn;
  assert.match(Deno.inspect(client), /backend=node/); // the connecting end (listeners are Deno's)
  // The first recv waits before anything is sent: a buffer of its own (1 KiB to start)
  // would cut the message; the chunk node:net pushes is taken as it comes.
  const message = new Uint8Array(5000).map((_, i) => i * 7);
  const got = client.recv(65536);
  await conn.sendall(message);
  const whole = await got;
  assert.deepEqual(whole, message);
  // The chunk's own memory, handed on as a plain Uint8Array (not node's Buffer), or a copy.
  assert.equal(Object.getPrototypeOf(whole), Uint8Array.prototype);
  assert.equal(whole.buffer.byteLength, whole.length);
  const next = client.recv(3000); // at most bufsize of a chunk; the rest stays for the next recv
  await conn.sendall(message);
  const part = await next;
  assert.deepEqual(part, message.subarray(0, 3000));
  assert.equal(part.buffer.byteLength, 3000); // part of a chunk: copied out, not a view of it all
  assert.deepEqual(await client.recv(65536), message.subarray(3000));
});

Deno.test("SSLSocket over node:net reads a long stream whole and in order on each TLS engine, and what follows unwrap() in the clear", async (t) => {
  const socket = await import("../mod.ts");
  const ssl = await import("../ssl.ts");
  const { makeTlsFiles, randomBytes, recvExactly } = await import("./_helpers.ts");
  const files = await makeTlsFiles();
  try {
    for (const engine of ["openssl", "node"] as const) {
      await t.step(engine, async () => {
        testing.tlsEngine = engine;
        try {
          const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
          server.load_cert_chain(files.cert, files.key);
          const client = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: files.ca });
          using srv = socket.create_server(["127.0.0.1", 0]);
          const data = randomBytes(3 * 1024 * 1024 + 12345);
          const served = (async () => {
            const [conn] = await srv.accept();
            const tls = await server.wrap_socket(conn, { server_side: true });
            // Pieces of uneven sizes: records and the runtime's chunks fall anywhere.
            for (let off = 0, k = 1; off < data.length; k = (k * 7919) % 200_003) {
              const end = Math.min(data.length, off + 1 + k);
              await tls.sendall(data.subarray(off, end));
              off = end;
            }
            using plain = await tls.unwrap();
            await plain.sendall(new TextEncoder().encode("in the clear"));
          })();
          const conn = await socket.create_connection(srv.getsockname() as [string, number]);
          assert.match(Deno.inspect(conn), /backend=node/);
          const tls = await client.wrap_socket(conn, { server_hostname: "localhost" });
          assert.deepEqual(await recvExactly(tls, data.length), data);
          using plain = await tls.unwrap();
          assert.equal(new TextDecoder().decode(await recvExactly(plain, 12)), "in the clear");
          await served;
        } finally {
          testing.tlsEngine = null;
        }
      });
    }
  } finally {
    Deno.removeSync(files.dir, { recursive: true });
  }
});
