// Copyright 2026 the pysocket authors. MIT license.
// What only the node backend can do, against CPython: connecting from a
// bound local address (bind() before connect(), create_connection's
// source_address) — the peer sees that address — and how such a socket shows
// and refuses what it cannot give.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { ffiUnavailable } from "../_transport/ffi_load.ts";
import { dec, enc, isOSError, portOf, recvExactly, startPython } from "./_helpers.ts";
import { deno } from "../_transport/deno.ts";
import { node } from "../_transport/node.ts";
import { capabilities } from "../_transport/pick.ts";
import { DENO, NODE } from "../_transport/capabilities.ts";

/** CPython's server: for each of `n` connections, sends back the address it sees, as JSON. */
const PY_WHO = String.raw`
import json, socket, sys
family = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
srv = socket.create_server((sys.argv[2], 0), family=family)
print("listening on %s:%d" % srv.getsockname()[:2], flush=True)
for _ in range(int(sys.argv[3])):
    conn, addr = srv.accept()
    with conn:
        conn.sendall((json.dumps(list(addr[:2])) + "\n").encode())
`;

async function seenBy(sock: socket.StreamSocket): Promise<[string, number]> {
  const f = sock.makefile("rb");
  try {
    return JSON.parse(dec.decode(await f.readline()));
  } finally {
    await f.close();
  }
}

for (
  const [v, host, family] of [["4", "127.0.0.1", socket.AF_INET], [
    "6",
    "::1",
    socket.AF_INET6,
  ]] as const
) {
  Deno.test(`StreamSocket.bind() before connect() connects from that address (AF_INET${v === "6" ? "6" : ""}): CPython sees it`, async () => {
    await using py = await startPython(PY_WHO, [v, host, "2"]);
    const port = portOf(py.line);
    using s = socket.socket(family);
    s.bind([host, 0]);
    const [, local] = s.getsockname() as [string, number];
    assert.ok(local > 0);
    await s.connect([host, port]);
    assert.deepEqual((s.getsockname() as [string, number]).slice(0, 2), [host, local]);
    assert.deepEqual((s.getpeername() as [string, number]).slice(0, 2), [host, port]);
    assert.deepEqual(await seenBy(s), [host, local]);
    assert.match(Deno.inspect(s), /, backend=node>$/);

    // A fixed port chosen in advance works the same way.
    using probe = socket.socket(family);
    probe.bind([host, 0]);
    const fixed = probe.getsockname()[1] as number;
    probe.close();
    using t = socket.socket(family);
    t.bind([host, fixed]);
    await t.connect([host, port]);
    assert.deepEqual(await seenBy(t), [host, fixed]);
    await py.wait();
  });
}

Deno.test("create_connection(source_address) connects from it: CPython sees it", async () => {
  await using py = await startPython(PY_WHO, ["4", "127.0.0.1", "1"]);
  using s = await socket.create_connection(["127.0.0.1", portOf(py.line)], 5, ["127.0.0.1", 0]);
  const [host, port] = s.getsockname() as [string, number];
  assert.deepEqual(await seenBy(s), [host, port]);
  assert.equal(s.gettimeout(), 5);
  await py.wait();
});

Deno.test("a connection on the node backend carries Python's semantics: half-close, timeouts, end of stream", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  using cli = socket.socket();
  cli.bind(["127.0.0.1", 0]);
  await cli.connect(srv.getsockname() as [string, number]);
  const [conn] = await srv.accept();
  using _conn = conn;
  cli.settimeout(0.05);
  await assert.rejects(cli.recv(10), socket.TimeoutError);
  await conn.sendall(enc.encode("late bytes"));
  assert.equal(dec.decode(await recvExactly(cli, 10)), "late bytes"); // none lost to the timeout
  await cli.sendall(enc.encode("to the end"));
  await cli.shutdown(socket.SHUT_WR);
  assert.equal(dec.decode(await recvExactly(conn, 10)), "to the end");
  assert.equal((await conn.recv(10)).length, 0);
  await conn.sendall(enc.encode("after"));
  conn.close();
  cli.settimeout(5);
  assert.equal(dec.decode(await recvExactly(cli, 5)), "after");
  assert.equal((await cli.recv(10)).length, 0);
});

Deno.test("detach() of a connection on the node backend raises EOPNOTSUPP and keeps the socket", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  using cli = await socket.create_connection(srv.getsockname() as [string, number], null, [
    "127.0.0.1",
    0,
  ]);
  const [conn] = await srv.accept();
  using _conn = conn;
  assert.throws(() => cli.detach(), isOSError(socket.errno.EOPNOTSUPP));
  await cli.sendall(enc.encode("still open"));
  assert.equal(dec.decode(await recvExactly(conn, 10)), "still open");
});

Deno.test("connect() after bind() refuses a listening socket with EINVAL; a bound AF_UNIX client needs a descriptor", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  using listening = socket.create_server(["127.0.0.1", 0]);
  await assert.rejects(
    listening.connect(srv.getsockname() as [string, number]),
    isOSError(socket.errno.EINVAL),
  );
  const dir = await Deno.makeTempDir();
  try {
    using u = socket.socket(socket.AF_UNIX);
    u.bind(`${dir}/client.sock`);
    // Through the FFI backend where it can run (tests/ffi_packet_test.ts connects one); else refused.
    await assert.rejects(
      u.connect(`${dir}/server.sock`),
      ffiUnavailable() === null
        ? isOSError(socket.errno.ENOENT)
        : isOSError(socket.errno.EOPNOTSUPP),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The linger struct as Python's `struct.pack("ii", onoff, seconds)` makes it. */
function lingerStruct(onoff: number, seconds: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setInt32(0, onoff, true);
  new DataView(b.buffer).setInt32(4, seconds, true);
  return b;
}

Deno.test("SO_LINGER (1, 0) set before connect(): close() resets the connection, CPython gets ConnectionResetError", async () => {
  await using py = await startPython(String.raw`
import socket, time
srv = socket.create_server(("127.0.0.1", 0))
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
assert conn.recv(5) == b"hello"
time.sleep(0.2)  # the reset arrives meanwhile
try:
    conn.recv(10)
    print("no reset")
except ConnectionResetError as e:
    print("reset", e.errno)
`);
  using s = socket.socket();
  s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, lingerStruct(1, 0));
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER), 1);
  assert.deepEqual(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8), lingerStruct(1, 0));
  await s.connect(["127.0.0.1", portOf(py.line)]);
  assert.match(Deno.inspect(s), /backend=node/);
  await s.sendall(enc.encode("hello"));
  await new Promise((r) => setTimeout(r, 50));
  s.close();
  const out = await py.wait();
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout.trim(), `reset ${socket.errno.ECONNRESET}`);
});

Deno.test("SO_LINGER and TCP_KEEPIDLE refuse a connection that is Deno's (asked too late) and a listening socket", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  using cli = await socket.create_connection(srv.getsockname() as [string, number]);
  const [conn] = await srv.accept();
  using _conn = conn;
  for (const s of [cli, conn, srv]) {
    assert.throws(
      () => s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, lingerStruct(1, 0)),
      (e) =>
        e instanceof socket.OSError && e.errno === socket.errno.ENOPROTOOPT &&
        /before connect\(\)/.test(e.message),
    );
    assert.throws(
      () => s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 30),
      isOSError(socket.errno.ENOPROTOOPT),
    );
  }
  // Set on a socket that then listens: its accepted connections would be Deno's
  // — unless the FFI backend can take the listener (--allow-ffi granted, DESIGN §20).
  using later = socket.socket();
  later.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, lingerStruct(1, 0));
  later.bind(["127.0.0.1", 0]);
  if (ffiUnavailable() === null) {
    later.listen();
    assert.match(Deno.inspect(later), /backend=ffi/);
    assert.deepEqual(later.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8), lingerStruct(1, 0));
  } else {
    assert.throws(() => later.listen(), isOSError(socket.errno.ENOPROTOOPT));
  }
  // A linger of some seconds is how long close() lets unsent bytes go out: any connection takes it.
  cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, lingerStruct(1, 3));
  assert.deepEqual(cli.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8), lingerStruct(1, 3));
  assert.throws(
    () => cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 1),
    isOSError(socket.errno.EINVAL),
  );
  assert.throws(
    () => cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, new Uint8Array(4)),
    isOSError(socket.errno.EINVAL),
  );
});

Deno.test("TCP_KEEPIDLE set before connect() reaches the kernel: ss shows the keepalive timer", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  using s = socket.socket();
  assert.equal(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE), 7200);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
  s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 42);
  assert.throws(
    () => s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 0),
    isOSError(socket.errno.EINVAL),
  );
  await s.connect(srv.getsockname() as [string, number]);
  const [conn] = await srv.accept();
  using _conn = conn;
  assert.equal(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE), 42);
  const port = s.getsockname()[1];
  const out = await new Deno.Command("ss", {
    args: ["-tnoH", "state", "established", `( sport = :${port} )`],
    stdout: "piped",
  }).output();
  // "timer:(keepalive,41sec,0)": the first probe 42 s after the last traffic.
  const timer = /timer:\(keepalive,(\d+(?:\.\d+)?)(min|sec)/.exec(dec.decode(out.stdout));
  assert.ok(timer, dec.decode(out.stdout));
  const seconds = Number(timer[1]) * (timer[2] === "min" ? 60 : 1);
  assert.ok(seconds > 35 && seconds <= 42, timer[0]);
});

Deno.test("SO_RCVBUF and SO_SNDBUF set before bind() move a UDP socket to node:dgram and read back as Linux reports them", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 212992); // Linux's default
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32768);
  s.bind(["127.0.0.1", 0]);
  assert.match(Deno.inspect(s), /backend=node>$/);
  // Linux doubles the size asked (its bookkeeping), as CPython's getsockopt shows.
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 131072);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), 65536);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384); // on a bound node socket: applied now
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 32768);
  // A UDP socket bound on Deno's datagram API takes none of them.
  using d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  d.bind(["127.0.0.1", 0]);
  assert.throws(
    () => d.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536),
    (e) =>
      e instanceof socket.OSError && e.errno === socket.errno.ENOPROTOOPT &&
      /before bind\(\) or the first sendto\(\)/.test(e.message),
  );
});

Deno.test("IP_TTL set before sending reaches the wire: a CPython receiver reads it with IP_RECVTTL", async () => {
  await using py = await startPython(String.raw`
import socket
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(("127.0.0.1", 0))
r.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_RECVTTL", 12), 1)  # 12 on Linux
print("listening on 127.0.0.1:%d" % r.getsockname()[1], flush=True)
for _ in range(2):
    data, anc, flags, addr = r.recvmsg(100, socket.CMSG_SPACE(4))
    ttl = [int.from_bytes(d[:4], "little") for (lvl, typ, d) in anc if typ == socket.IP_TTL]
    print(data.decode(), ttl[0], flush=True)
`);
  const to: [string, number] = ["127.0.0.1", portOf(py.line)];
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assert.equal(s.getsockopt(socket.IPPROTO_IP, socket.IP_TTL), 64);
  s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 7);
  await s.sendto(enc.encode("seven"), to);
  s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 42);
  await s.sendto(enc.encode("forty-two"), to);
  assert.equal(s.getsockopt(socket.IPPROTO_IP, socket.IP_TTL), 42);
  assert.equal(await py.readLine(), "seven 7");
  assert.equal(await py.readLine(), "forty-two 42");
  await py.wait();
});

// ---- the seam itself: capabilities, ref/unref, errors at the edge

Deno.test("capabilities() answers from plain data: the backend pick() makes has those capabilities", () => {
  assert.equal(deno.caps, DENO);
  assert.equal(node.caps, NODE);
  assert.equal(capabilities("connect", { localAddress: true }).bindBeforeConnect, true);
  assert.equal(capabilities("connect", { kernelOptions: true }).kernelOptions, true);
  assert.equal(capabilities("datagram", { unix: true }).unixDatagrams, true);
  assert.equal(capabilities("listen").listenBindsAtOnce, true);
});

Deno.test("ref() and unref() are verbs of every transport of both backends", async () => {
  for (const backend of [deno, node]) {
    const listener = (backend === node ? deno : backend).listen(
      { transport: "tcp", hostname: "127.0.0.1", port: 0 },
      { backlog: 4, reusePort: false },
    );
    const addr = listener.addr as Deno.NetAddr;
    const accepting = listener.accept();
    const conn = await backend.connect({
      transport: "tcp",
      hostname: "127.0.0.1",
      port: addr.port,
    });
    const accepted = await accepting;
    const dgram = backend.listenDatagram({ transport: "tcp", hostname: "127.0.0.1", port: 0 }, {
      reuseAddress: false,
    });
    for (const t of [listener, conn, accepted, dgram]) {
      assert.equal(typeof t.ref, "function");
      assert.equal(typeof t.unref, "function");
      t.unref();
      t.ref();
    }
    conn.close();
    accepted.close();
    listener.close();
    dgram.close();
  }
});

Deno.test("a pending recv() on a socket whose transport is unref'd lets the program exit", async () => {
  const program = `
    import * as socket from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    import { deno } from ${JSON.stringify(new URL("../_transport/deno.ts", import.meta.url).href)};
    const listener = deno.listen({ transport: "tcp", hostname: "127.0.0.1", port: 0 }, { backlog: 4, reusePort: false });
    const port = listener.addr.port;
    const accepting = listener.accept();
    const t = await deno.connect({ transport: "tcp", hostname: "127.0.0.1", port });
    const peer = await accepting;
    listener.unref();
    t.unref();
    peer.unref();
    t.read(new Uint8Array(16)).then(() => console.log("read"), () => console.log("failed"));
    console.log("waiting");
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", program],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  assert.equal(dec.decode(out.stdout).trim(), "waiting");
});

Deno.test("transports throw the package's OSError subclasses with the runtime's error as cause", async () => {
  // A port nobody listens on: bind one, close it, connect to it.
  using probe = socket.socket();
  probe.bind(["127.0.0.1", 0]);
  const port = (probe.getsockname() as socket.IPv4Address)[1];
  probe.close();
  for (const backend of [deno, node]) {
    const err = await backend.connect({ transport: "tcp", hostname: "127.0.0.1", port }).then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof socket.ConnectionRefusedError, String(err));
    assert.equal(err.errno, socket.errno.ECONNREFUSED);
    assert.ok(err.cause instanceof Error);
    assert.ok(!(err.cause instanceof socket.OSError));
  }
  const held = deno.listen({ transport: "tcp", hostname: "127.0.0.1", port: 0 }, {
    backlog: 4,
    reusePort: false,
  });
  try {
    const taken = (held.addr as Deno.NetAddr).port;
    assert.throws(
      () =>
        deno.listen({ transport: "tcp", hostname: "127.0.0.1", port: taken }, {
          backlog: 4,
          reusePort: false,
        }),
      (e) =>
        e instanceof socket.OSError && e.errno === socket.errno.EADDRINUSE && e.cause !== undefined,
    );
  } finally {
    held.close();
  }
});
