// Copyright 2026 the pysocket authors. MIT license.
// The cross-runtime suite: the same tests under `deno test`, `node --test`
// and `bun test` (tests/runtimes_test.ts runs the last two over the
// package's JavaScript). Written with node:test and node:assert, and
// node:child_process for the peers: TCP, UDP and AF_UNIX round trips;
// timeouts and non-blocking reads that lose no byte; makefile; select and
// selectors; socketserver; ssl; CPython as the peer.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as socket from "../../mod.ts";
import * as select from "../../select.ts";
import * as selectors from "../../selectors.ts";
import * as socketserver from "../../socketserver.ts";
import * as ssl from "../../ssl.ts";
import { FFI_EVERYWHERE, Program, RUNTIME, scope, selfSigned, tempDir } from "./_program.ts";
import { bound, udpPort } from "./_udp.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** `n` bytes of a pattern no shift of which repeats within 251 bytes, so a lost or moved byte shows. */
function pattern(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i + seed) % 251;
  return out;
}

/** Receives until end of stream (bounded). */
async function recvAll(s: socket.StreamSocket, limit = 64 << 20): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const d = await s.recv(65536);
    if (d.length === 0) break;
    total += d.length;
    assert.ok(total <= limit, `more than ${limit} bytes`);
    parts.push(d);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const FAMILIES: [string, number][] = [
  ["AF_INET", socket.AF_INET],
  ["AF_INET6", socket.AF_INET6],
  ["AF_UNIX", socket.AF_UNIX],
];

/** A listening socket of `family` (AF_UNIX in `dir`), a client connected to it and the accepted end. */
async function pair(
  family: number,
  dir: string,
): Promise<{ srv: socket.StreamSocket; cli: socket.StreamSocket; conn: socket.StreamSocket }> {
  const srv = socket.socket(family, socket.SOCK_STREAM);
  srv.bind(
    family === socket.AF_UNIX
      ? `${dir}/s.sock`
      : [family === socket.AF_INET6 ? "::1" : "127.0.0.1", 0],
  );
  srv.listen();
  const cli = socket.socket(family, socket.SOCK_STREAM);
  await cli.connect(srv.getsockname());
  const [conn] = await srv.accept();
  return { srv, cli, conn };
}

for (const [name, family] of FAMILIES) {
  test(`socket(${name}) round trip: bind, listen, connect, accept, sendall, recv_into, SHUT_WR on ${RUNTIME}`, () =>
    scope(async (enter) => {
      const dir = enter(tempDir());
      const { srv, cli, conn } = await pair(family, dir.path);
      try {
        if (family !== socket.AF_UNIX) {
          assert.deepEqual(conn.getpeername(), cli.getsockname());
          assert.deepEqual(cli.getpeername(), srv.getsockname());
          assert.ok((srv.getsockname() as [string, number])[1] > 0);
        } else {
          assert.equal(srv.getsockname(), `${dir.path}/s.sock`);
          assert.equal(cli.getpeername(), `${dir.path}/s.sock`);
        }
        const data = pattern(1 << 20);
        const sending = cli.sendall(data).then(() => cli.shutdown(socket.SHUT_WR));
        const got = await recvAll(conn);
        await sending;
        assert.deepEqual(got, data);
        // Half-closed: the other way still works.
        await conn.sendall(enc.encode("reply"));
        const buf = new Uint8Array(16);
        assert.equal(await cli.recv_into(buf), 5);
        assert.equal(dec.decode(buf.subarray(0, 5)), "reply");
        // recv() answers a plain Uint8Array of its own (no runtime Buffer, no view into more memory).
        await conn.sendall(enc.encode("again"));
        const again = await cli.recv(1024);
        assert.equal(dec.decode(again), "again");
        assert.equal(Object.getPrototypeOf(again), Uint8Array.prototype);
        assert.equal(again.byteOffset, 0);
        assert.equal(again.buffer.byteLength, again.length);
      } finally {
        for (const s of [cli, conn, srv]) s.close();
      }
    }));
}

test(`bind() raises EADDRINUSE when it returns, and getsockname() answers at once on ${RUNTIME}`, () => {
  const first = socket.socket();
  const second = socket.socket();
  try {
    first.bind(["127.0.0.1", 0]);
    const port = (first.getsockname() as [string, number])[1];
    assert.ok(port > 0);
    first.listen();
    assert.throws(
      () => second.bind(["127.0.0.1", port]),
      (e) => e instanceof socket.OSError && e.errno === socket.errno.EADDRINUSE,
    );
  } finally {
    first.close();
    second.close();
  }
});

for (
  const [name, family, host] of [["AF_INET", socket.AF_INET, "127.0.0.1"], [
    "AF_INET6",
    socket.AF_INET6,
    "::1",
  ]] as const
) {
  test(`socket(${name}, SOCK_DGRAM) sendto/recvfrom_into and connect/send/recv on ${RUNTIME}`, () =>
    scope(async (enter) => {
      const a = enter(socket.socket(family, socket.SOCK_DGRAM));
      const b = enter(socket.socket(family, socket.SOCK_DGRAM));
      a.bind([host, 0]);
      b.bind([host, 0]);
      await bound();
      const buf = new Uint8Array(64);
      await b.sendto(enc.encode("to a"), a.getsockname());
      const [n, from] = await a.recvfrom_into(buf);
      assert.equal(dec.decode(buf.subarray(0, n)), "to a");
      assert.deepEqual(from, b.getsockname());
      await a.connect(b.getsockname());
      await a.send(enc.encode("connected"));
      assert.equal(dec.decode(await b.recv(64)), "connected");
    }));
}

test(`AF_UNIX SOCK_DGRAM round trip, or a clear OSError where only Deno and descriptors have it, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const dir = enter(tempDir());
    const a = enter(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM));
    if (RUNTIME !== "deno" && !FFI_EVERYWHERE) {
      assert.throws(
        () => a.bind(`${dir.path}/a`),
        (e) => e instanceof socket.OSError && /need Deno/.test(e.message),
      );
      return;
    }
    const b = enter(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM));
    a.bind(`${dir.path}/a`);
    b.bind(`${dir.path}/b`);
    await b.sendto(enc.encode("unix datagram"), `${dir.path}/a`);
    const [data, from] = await a.recvfrom(64);
    assert.equal(dec.decode(data), "unix datagram");
    assert.equal(from, `${dir.path}/b`);
  }));

test(`a recv() that times out loses no byte; a non-blocking recv() raises BlockingIOError on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const dir = enter(tempDir());
    const { srv, cli, conn } = await pair(socket.AF_INET, dir.path);
    try {
      conn.settimeout(0.05);
      await assert.rejects(conn.recv(10), socket.timeout);
      await cli.sendall(enc.encode("after the timeout"));
      assert.equal(dec.decode(await conn.recv(100)), "after the timeout");
      conn.setblocking(false);
      await assert.rejects(conn.recv(10), socket.BlockingIOError);
      const data = pattern(200_000, 7);
      await cli.sendall(data);
      await cli.shutdown(socket.SHUT_WR);
      const got: Uint8Array[] = [];
      let total = 0;
      for (let i = 0; i < 100_000; i++) {
        const [r] = await select.select([conn], [], [], 5);
        assert.equal(r.length, 1);
        const d = await conn.recv(7000);
        if (d.length === 0) break;
        got.push(d);
        total += d.length;
      }
      const all = new Uint8Array(total);
      got.reduce((off, d) => (all.set(d, off), off + d.length), 0);
      assert.deepEqual(all, data);
    } finally {
      for (const s of [cli, conn, srv]) s.close();
    }
  }));

test(`makefile() reads lines and writes through a buffer on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const dir = enter(tempDir());
    const { srv, cli, conn } = await pair(socket.AF_INET, dir.path);
    try {
      const w = cli.makefile("wb");
      await w.write(enc.encode("one\ntwo\nthree"));
      await w.flush();
      await w.close();
      await cli.shutdown(socket.SHUT_WR);
      const r = conn.makefile("rb");
      assert.equal(dec.decode(await r.readline()), "one\n");
      assert.equal(dec.decode(await r.readline()), "two\n");
      assert.equal(dec.decode(await r.read()), "three");
      await r.close();
    } finally {
      for (const s of [cli, conn, srv]) s.close();
    }
  }));

test(`selectors.DefaultSelector serves several clients in one loop on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(socket.socket());
    srv.bind(["127.0.0.1", 0]);
    srv.listen();
    srv.setblocking(false);
    const sel = enter(new selectors.DefaultSelector());
    sel.register(srv, selectors.EVENT_READ, "accept");
    const clients = await Promise.all([0, 1, 2].map(async (i) => {
      const c = socket.socket();
      await c.connect(srv.getsockname());
      await c.sendall(enc.encode(`client ${i}`));
      await c.shutdown(socket.SHUT_WR);
      return c;
    }));
    const echoed = new Set<socket.StreamSocket>();
    const conns: socket.StreamSocket[] = [];
    for (let rounds = 0; rounds < 1000 && echoed.size < 3; rounds++) {
      for (const [key] of await sel.select(5)) {
        if (key.data === "accept") {
          const [conn] = await srv.accept();
          conn.setblocking(false);
          conns.push(conn);
          sel.register(conn, selectors.EVENT_READ, "echo");
        } else {
          const conn = key.fileobj as socket.StreamSocket;
          const data = await conn.recv(1024);
          if (data.length === 0) {
            sel.unregister(conn);
            await conn.shutdown(socket.SHUT_WR);
            echoed.add(conn);
          } else await conn.sendall(data);
        }
      }
    }
    assert.equal(echoed.size, 3);
    const replies = await Promise.all(clients.map(async (c) => dec.decode(await recvAll(c))));
    assert.deepEqual(replies, ["client 0", "client 1", "client 2"]);
    for (const s of [...clients, ...conns]) s.close();
  }));

class LineEcho extends socketserver.StreamRequestHandler {
  override async handle(): Promise<void> {
    for await (const line of this.rfile) await this.wfile.write(line);
  }
}

test(`socketserver.ThreadingTCPServer echoes lines to CPython clients on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const server = enter(new socketserver.ThreadingTCPServer(["127.0.0.1", 0], LineEcho));
    const loop = server.serve_forever();
    try {
      const port = String((server.server_address as [string, number])[1]);
      const clients = [0, 1, 2].map((i) =>
        Program.python(
          `import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rwb")
for line in [b"hello %d\\n" % int(sys.argv[2]), b"second\\n"]:
    f.write(line); f.flush()
    print(f.readline().decode(), end="")
`,
          [port, String(i)],
        )
      );
      for (const [i, c] of clients.entries()) {
        assert.equal(await c.done(), `hello ${i}\nsecond\n`);
      }
    } finally {
      await server.shutdown();
      await loop;
    }
  }));

test(`socketserver.UDPServer answers CPython's datagrams on ${RUNTIME}`, () =>
  scope(async (enter) => {
    class Upper extends socketserver.DatagramRequestHandler {
      override async handle(): Promise<void> {
        const data = this.rfile.read();
        await this.wfile.write(data.map((b) => b >= 0x61 && b <= 0x7a ? b - 0x20 : b));
      }
    }
    // Bun learns a UDP port only after an await, too late for the constructor's
    // server_bind(): there the server takes a port known to be free.
    const server = enter(new socketserver.UDPServer(["127.0.0.1", await udpPort()], Upper));
    const loop = server.serve_forever();
    try {
      const port = String((server.server_address as [string, number])[1]);
      const client = Program.python(
        `import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
s.sendto(b"shout", ("127.0.0.1", int(sys.argv[1])))
print(s.recvfrom(100)[0].decode())
`,
        [port],
      );
      assert.equal(await client.done(), "SHOUT\n");
    } finally {
      await server.shutdown();
      await loop;
    }
  }));

test(`our client and CPython's echo server exchange 4 MiB byte for byte on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const py = enter(Program.python(`import socket
srv = socket.create_server(("127.0.0.1", 0))
print("listening on %s:%d" % srv.getsockname(), flush=True)
conn, _ = srv.accept()
while True:
    data = conn.recv(65536)
    if not data: break
    conn.sendall(data)
conn.close()
`));
    const port = Number(/:(\d+)$/.exec(await py.out.line())![1]);
    const cli = enter(await socket.create_connection(["127.0.0.1", port]));
    const data = pattern(4 << 20, 3);
    const sending = cli.sendall(data).then(() => cli.shutdown(socket.SHUT_WR));
    const got = await recvAll(cli);
    await sending;
    assert.equal(got.length, data.length);
    assert.deepEqual(got, data);
    assert.equal(await py.done(), "");
  }));

test(`ssl: a TLS server and client of ours, and CPython's client, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const dir = enter(tempDir());
    const { cert, key } = await selfSigned(dir.path);
    const serverCtx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
    serverCtx.load_cert_chain(cert, key);
    const srv = enter(socket.socket());
    srv.bind(["127.0.0.1", 0]);
    srv.listen();
    const port = (srv.getsockname() as [string, number])[1];
    const serve = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const [raw] = await srv.accept();
        const conn = enter(await serverCtx.wrap_socket(raw, { server_side: true }));
        const data = await conn.recv(1024);
        await conn.sendall(enc.encode(`${conn.version()} ${dec.decode(data).toUpperCase()}`));
      }
    };
    const serving = serve(2);
    // Ours as the client.
    const clientCtx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, {
      cafile: cert,
    });
    {
      const raw = enter(await socket.create_connection(["127.0.0.1", port]));
      const tls = enter(await clientCtx.wrap_socket(raw, { server_hostname: "localhost" }));
      await tls.sendall(enc.encode("ours"));
      assert.equal(dec.decode(await tls.recv(1024)), "TLSv1.3 OURS");
    }
    // CPython's client.
    const py = Program.python(
      `import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        s.sendall(b"cpython")
        print(s.recv(1024).decode())
`,
      [String(port), cert],
    );
    assert.equal(await py.done(), "TLSv1.3 CPYTHON\n");
    await serving;
  }));
