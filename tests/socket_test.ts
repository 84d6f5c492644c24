// Copyright 2026 the pysocket authors. MIT license.
// The socket() factory, fromConn/fromListener, and what every socket shares:
// fileno, close, using / await using, the closed state and the inspect string.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { dec, enc, isOSError, pair, recvExactly, tempDir } from "./_helpers.ts";

const EBADF = isOSError(socket.errno.EBADF);

Deno.test("socket() defaults to AF_INET, SOCK_STREAM, proto 0 and makes a StreamSocket", () => {
  using s = socket.socket();
  assert.ok(s instanceof socket.StreamSocket);
  assert.ok(s instanceof socket.Socket);
  assert.deepEqual([s.family, s.type, s.proto], [socket.AF_INET, socket.SOCK_STREAM, 0]);
  assert.equal(s.getblocking(), true);
  assert.equal(s.gettimeout(), null);
  using d = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  assert.ok(d instanceof socket.DatagramSocket);
  assert.deepEqual([d.family, d.type], [socket.AF_INET6, socket.SOCK_DGRAM]);
  using t = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP);
  assert.equal(t.proto, socket.IPPROTO_TCP);
});

Deno.test("socket() refuses what Deno cannot open with an OSError that says so", () => {
  assert.throws(
    () => socket.socket(socket.AF_INET, socket.SOCK_RDM),
    (e: unknown) => e instanceof socket.OSError && /Deno cannot open SOCK_RDM/.test(e.message),
  );
  // SOCK_SEQPACKET and SOCK_RAW are a descriptor's (tests/ffi_packet_test.ts):
  // the kernel refuses these, or the package without --allow-ffi.
  for (const type of [socket.SOCK_RAW, socket.SOCK_SEQPACKET]) {
    assert.throws(() => socket.socket(socket.AF_INET, type), socket.OSError);
  }
  assert.throws(
    () => socket.socket(99, socket.SOCK_STREAM),
    (e: unknown) =>
      e instanceof socket.OSError && e.errno === socket.errno.EAFNOSUPPORT &&
      /Deno cannot open address family 99/.test(e.message),
  );
  assert.throws(() => socket.socket(socket.AF_INET, 42), socket.OSError);
  assert.throws(
    () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_UDP),
    isOSError(socket.errno.EPROTONOSUPPORT),
  );
});

Deno.test("SOCK_NONBLOCK makes a non-blocking socket; SOCK_CLOEXEC is accepted", async () => {
  using p = await pair();
  using nb = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK);
  assert.equal(nb.type, socket.SOCK_STREAM, "type reports the base type, as in Python");
  assert.equal(nb.getblocking(), false);
  assert.equal(nb.gettimeout(), 0);
  using ce = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_CLOEXEC);
  assert.equal(ce.getblocking(), true);
  // A non-blocking recv with nothing to read raises BlockingIOError and loses nothing.
  p.conn.setblocking(false);
  await assert.rejects(
    () => p.conn.recv(10),
    isOSError(socket.errno.EAGAIN, socket.BlockingIOError),
  );
  await p.cli.sendall(enc.encode("later"));
  p.conn.setblocking(true);
  assert.equal(dec.decode(await recvExactly(p.conn, 5)), "later");
});

Deno.test("fromConn() wraps a Deno.Conn as a connected StreamSocket of its family", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  using s = socket.fromConn(await Deno.connect(listener.addr as Deno.ConnectOptions));
  const other = await accepted;
  listener.close();
  assert.equal(s.family, socket.AF_INET);
  assert.deepEqual(s.getpeername(), ["127.0.0.1", (listener.addr as Deno.NetAddr).port]);
  await s.sendall(enc.encode("wrapped"));
  const buf = new Uint8Array(7);
  let n = 0;
  while (n < 7) n += (await other.read(buf.subarray(n))) ?? 0;
  assert.equal(dec.decode(buf), "wrapped");
  other.close();
  assert.equal((await s.recv(1)).length, 0);

  const l6 = Deno.listen({ hostname: "::1", port: 0 });
  const a6 = l6.accept();
  using s6 = socket.fromConn(await Deno.connect(l6.addr as Deno.ConnectOptions));
  (await a6).close();
  l6.close();
  assert.equal(s6.family, socket.AF_INET6);
});

Deno.test("fromListener() wraps a Deno.Listener as a listening StreamSocket", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  using srv = socket.fromListener(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  assert.equal(srv.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
  using cli = await socket.create_connection(srv.getsockname() as socket.IPv4Address);
  const [conn, addr] = await srv.accept();
  using _conn = conn;
  assert.deepEqual(addr, cli.getsockname());

  const path = `${dir}/l.sock`;
  using usrv = socket.fromListener(Deno.listen({ transport: "unix", path }));
  assert.equal(usrv.family, socket.AF_UNIX);
  assert.equal(usrv.getsockname(), path);
  using ucli = socket.socket(socket.AF_UNIX);
  await ucli.connect(path);
  const [uconn] = await usrv.accept();
  using _uconn = uconn;
  await uconn.sendall(enc.encode("unix"));
  assert.equal(dec.decode(await recvExactly(ucli, 4)), "unix");
});

Deno.test("fileno() is stable and distinct per socket, and -1 after close", () => {
  const a = socket.socket();
  const b = socket.socket();
  assert.ok(a.fileno() >= 3);
  assert.equal(a.fileno(), a.fileno());
  assert.notEqual(a.fileno(), b.fileno());
  a.close();
  b.close();
  assert.equal(a.fileno(), -1);
  assert.equal(b.fileno(), -1);
});

Deno.test("close() is idempotent and closes the connection for the peer", async () => {
  using p = await pair();
  assert.equal(p.cli.closed, false);
  p.cli.close();
  p.cli.close();
  assert.equal(p.cli.closed, true);
  assert.equal((await p.conn.recv(10)).length, 0);
});

Deno.test("every method of a closed socket raises OSError EBADF", async () => {
  using p = await pair();
  const s = p.cli;
  s.close();
  const sync: [string, () => unknown][] = [
    ["bind", () => s.bind(["127.0.0.1", 0])],
    ["listen", () => s.listen()],
    ["getsockname", () => s.getsockname()],
    ["getpeername", () => s.getpeername()],
    ["setsockopt", () => s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    ["getsockopt", () => s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)],
    ["settimeout", () => s.settimeout(1)],
    ["setblocking", () => s.setblocking(false)],
    ["makefile", () => s.makefile("rb")],
  ];
  for (const [name, call] of sync) assert.throws(call, EBADF, name);
  const async: [string, () => Promise<unknown>][] = [
    ["accept", () => s.accept()],
    ["connect", () => s.connect(["127.0.0.1", 1])],
    ["send", () => s.send(new Uint8Array(1))],
    ["sendall", () => s.sendall(new Uint8Array(1))],
    ["recv", () => s.recv(1)],
    ["recv_into", () => s.recv_into(new Uint8Array(1))],
    ["shutdown", () => s.shutdown(socket.SHUT_WR)],
  ];
  for (const [name, call] of async) await assert.rejects(call, EBADF, name);
  // close(), detach() and fileno() stay usable, as in Python.
  s.close();
  assert.equal(s.detach(), null);
  assert.equal(s.fileno(), -1);
});

Deno.test("`using` and `await using` close the socket at the end of the scope", async () => {
  let outer: socket.StreamSocket;
  {
    using s = socket.socket();
    outer = s;
    assert.equal(s.closed, false);
  }
  assert.equal(outer.closed, true);
  const srv = socket.create_server(["127.0.0.1", 0]);
  let conn: socket.StreamSocket;
  {
    await using cli = await socket.create_connection(srv.getsockname() as socket.IPv4Address);
    [conn] = await srv.accept();
    assert.equal(cli.closed, false);
  }
  assert.equal((await conn.recv(1)).length, 0, "the peer saw the close");
  conn.close();
  srv.close();
});

Deno.test("Deno.inspect() prints the socket as Python's repr does", async () => {
  using p = await pair();
  const [, sport] = p.srv.getsockname() as socket.IPv4Address;
  const [, cport] = p.cli.getsockname() as socket.IPv4Address;
  assert.equal(
    Deno.inspect(p.srv),
    `<socket.socket fd=${p.srv.fileno()}, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', ${sport})>`,
  );
  assert.equal(
    Deno.inspect(p.cli),
    `<socket.socket fd=${p.cli.fileno()}, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', ${cport}), raddr=('127.0.0.1', ${sport})>`,
  );
  const fresh = socket.socket(socket.AF_INET6);
  assert.equal(
    Deno.inspect(fresh),
    `<socket.socket fd=${fresh.fileno()}, family=AF_INET6, type=SOCK_STREAM, proto=0, laddr=('::', 0, 0, 0)>`,
  );
  fresh.close();
  assert.equal(
    Deno.inspect(fresh),
    "<socket.socket [closed] fd=-1, family=AF_INET6, type=SOCK_STREAM, proto=0>",
  );
});

Deno.test("Deno.inspect() of AF_UNIX sockets shows paths and leaves out unnamed ends", async () => {
  using p = await pair(socket.AF_UNIX);
  const path = p.srv.getsockname() as string;
  assert.equal(
    Deno.inspect(p.cli),
    `<socket.socket fd=${p.cli.fileno()}, family=AF_UNIX, type=SOCK_STREAM, proto=0, raddr=${path}>`,
  );
  assert.equal(
    Deno.inspect(p.conn),
    `<socket.socket fd=${p.conn.fileno()}, family=AF_UNIX, type=SOCK_STREAM, proto=0, laddr=${path}>`,
  );
});
