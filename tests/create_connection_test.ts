// Copyright 2026 the pysocket authors. MIT license.
// create_connection() and create_server(), on loopback.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";

Deno.test("create_connection resolves the name, connects and applies the timeout", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1] as number;
  using cli = await socket.create_connection(["localhost", port], 3);
  const [conn, addr] = await srv.accept();
  conn.close();
  assert.equal(cli.gettimeout(), 3);
  assert.deepEqual(cli.getpeername(), ["127.0.0.1", port]);
  assert.deepEqual(addr, cli.getsockname());
});

Deno.test("create_connection reports the refused connection and bad input", async () => {
  // A port nobody listens on: bind one, note it, close it.
  const probe = socket.create_server(["127.0.0.1", 0]);
  const port = probe.getsockname()[1] as number;
  probe.close();
  await assert.rejects(
    socket.create_connection(["127.0.0.1", port]),
    socket.ConnectionRefusedError,
  );
  await assert.rejects(socket.create_connection(["127.0.0.1", 70000]), {
    name: "RangeError",
    message: "Cannot create_connection: port must be 0-65535: current value is 70000",
  });
  await assert.rejects(
    socket.create_connection("127.0.0.1:80" as unknown as [string, number]),
    TypeError,
  );
  await assert.rejects(socket.create_connection(["nonexistent.invalid", 80]), socket.gaierror);
  await assert.rejects(
    socket.create_connection(["127.0.0.1", port], null, ["127.0.0.1", 0]),
    socket.ConnectionRefusedError,
  );
});

Deno.test("create_server with reuse_port lets two servers share a port; backlog reaches listen", async () => {
  using a = socket.create_server(["127.0.0.1", 0], { reuse_port: true, backlog: 3 });
  const port = a.getsockname()[1] as number;
  using b = socket.create_server(["127.0.0.1", port], { reuse_port: true });
  assert.equal(b.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 1);
  assert.equal(a.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  using cli = await socket.create_connection(["127.0.0.1", port]);
  // The kernel hands the connection to one of the two.
  const [conn] = await Promise.race([a.accept(), b.accept()]);
  conn.close();
  a.close();
  b.close();
  assert.equal(cli.getpeername()[1], port);
});

Deno.test("create_server refuses dualstack_ipv6 without AF_INET6", () => {
  assert.throws(
    () => socket.create_server(["127.0.0.1", 0], { dualstack_ipv6: true }),
    RangeError,
  );
});
