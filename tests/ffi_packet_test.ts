// Copyright 2026 the pysocket authors. MIT license.
// What issue 30 added to the FFI backend (DESIGN §20), on real sockets:
// AF_UNIX SOCK_SEQPACKET (listeners, connections, pairs, message
// boundaries, SCM_RIGHTS, EOF, timeouts, readiness), datagram socketpairs,
// SOCK_RAW ICMP (as root), AF_UNIX names of any bytes, an AF_UNIX socket
// bound before it connects, descriptors made close-on-exec with
// get_inheritable()/set_inheritable(), and the error without --allow-ffi.
// Registered only where the backend can run (Linux x86_64, --allow-ffi).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import * as select from "../select.ts";
import * as selectors from "../selectors.ts";
import { ffiUnavailable } from "../_transport/ffi_load.ts";
import { testing } from "../_common/testing.ts";
import { ROOT, runDeno, tempDir } from "./_helpers.ts";

const available = ffiUnavailable() === null;
const test = (name: string, fn: () => Promise<void> | void) =>
  Deno.test({ name, ignore: !available, fn });

const bytes = (...b: number[]) => new Uint8Array(b);
/** An abstract AF_UNIX name that is not UTF-8, unique to this process and `tag`. */
const abstractName = (tag: number) =>
  bytes(0, 0xff, 0xfe, tag, ...String(Deno.pid).split("").map(Number));

/** Whether descriptor `fd` is close-on-exec (O_CLOEXEC in /proc/self/fdinfo's flags, octal). */
function cloexec(fd: number): boolean {
  const flags = /flags:\s*([0-7]+)/.exec(Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`))![1];
  return (parseInt(flags, 8) & 0o2000000) !== 0;
}

test("socketpair(AF_UNIX, SOCK_SEQPACKET) keeps message boundaries; a short recv truncates, recvmsg says MSG_TRUNC", async () => {
  const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  try {
    assert.ok(a instanceof socket.PacketSocket);
    assert.equal(a.type, socket.SOCK_SEQPACKET);
    assert.match(Deno.inspect(a), /type=SOCK_SEQPACKET.*backend=ffi/);
    await a.send(bytes(1, 2, 3));
    await a.sendall(bytes(4, 5));
    assert.deepEqual(await b.recv(16), bytes(1, 2, 3));
    assert.deepEqual(await b.recv(16), bytes(4, 5));
    await a.send(bytes(6, 7, 8, 9));
    await a.send(bytes(10));
    assert.deepEqual(await b.recv(2), bytes(6, 7)); // the rest of that message is gone
    assert.deepEqual(await b.recv(16), bytes(10));
    await a.send(bytes(1, 2, 3));
    const [data, anc, flags] = await b.recvmsg(1);
    assert.deepEqual([data, anc], [bytes(1), []]);
    assert.equal(flags & socket.MSG_TRUNC, socket.MSG_TRUNC);
    await a.send(bytes(1));
    assert.equal((await b.recvmsg(8))[2] & socket.MSG_TRUNC, 0);
  } finally {
    a.close();
    b.close();
  }
});

test("a SOCK_SEQPACKET listener accepts; recv reads the end once the peer closes or shuts down", async () => {
  const name = abstractName(1);
  using srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  srv.bind(name);
  srv.listen();
  assert.deepEqual(srv.getsockname(), name);
  assert.equal(srv.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
  using cli = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  await cli.connect(name);
  const [conn, addr] = await srv.accept();
  try {
    assert.equal(addr, ""); // an unnamed client, as Python's ''
    assert.deepEqual(cli.getpeername(), name);
    assert.deepEqual(conn.getsockname(), name);
    await cli.sendall(bytes(1, 2));
    await conn.send(bytes(3));
    assert.deepEqual(await conn.recvfrom(8), [bytes(1, 2), null]);
    assert.deepEqual(await cli.recv(8), bytes(3));
    await cli.shutdown(socket.SHUT_WR);
    assert.deepEqual(await conn.recv(8), bytes());
    await conn.send(bytes(4));
    conn.close();
    assert.deepEqual(await cli.recv(8), bytes(4));
    assert.deepEqual(await cli.recv(8), bytes());
  } finally {
    conn.close();
  }
  using nobody = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  await assert.rejects(nobody.connect(abstractName(99)), socket.ConnectionRefusedError);
});

test("SCM_RIGHTS over SOCK_SEQPACKET: a descriptor passed with its message", async () => {
  const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  const [x, y] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  try {
    await socket.send_fds(a, [bytes(42)], [x.fileno()]);
    const [data, fds, flags] = await socket.recv_fds(b, 16, 1);
    assert.deepEqual([data, fds.length, flags], [bytes(42), 1, 0]);
    using got = socket.socket(undefined, undefined, undefined, fds[0]);
    assert.ok(got instanceof socket.PacketSocket);
    assert.equal(got.type, socket.SOCK_SEQPACKET);
    await got.send(bytes(7, 7));
    assert.deepEqual(await y.recv(8), bytes(7, 7));
  } finally {
    for (const s of [a, b, x, y]) s.close();
  }
});

test("a SOCK_SEQPACKET recv times out or would block and takes nothing; SOCK_NONBLOCK starts non-blocking", async () => {
  const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  try {
    b.settimeout(0.05);
    await assert.rejects(b.recv(8), socket.TimeoutError);
    b.setblocking(false);
    await assert.rejects(b.recv(8), socket.BlockingIOError);
    await a.send(bytes(5));
    assert.deepEqual(await b.recv(8), bytes(5));
  } finally {
    a.close();
    b.close();
  }
  using nb = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_NONBLOCK);
  assert.equal(nb.gettimeout(), 0);
  assert.equal(nb.type, socket.SOCK_SEQPACKET);
  using srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  srv.bind(abstractName(2));
  srv.listen();
  srv.setblocking(false);
  await assert.rejects(srv.accept(), socket.BlockingIOError);
});

test("select() and selectors see a SOCK_SEQPACKET socket and listener become readable", async () => {
  const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  using srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  const sel = new selectors.DefaultSelector<socket.PacketSocket, string>();
  try {
    let [r, w] = await select.select([b], [a], [], 0);
    assert.deepEqual([r, w], [[], [a]]);
    setTimeout(() => a.send(bytes(1)), 20);
    [r] = await select.select([b], [], [], 5);
    assert.deepEqual(r, [b]);
    assert.deepEqual(await b.recv(8), bytes(1));
    srv.bind(abstractName(3));
    srv.listen();
    sel.register(srv, selectors.EVENT_READ, "srv");
    assert.deepEqual(await sel.select(0), []);
    using cli = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET);
    await cli.connect(abstractName(3));
    const ready = await sel.select(5);
    assert.deepEqual(ready.map(([key]) => key.data), ["srv"]);
    const [conn] = await srv.accept();
    conn.close();
  } finally {
    sel.close();
    a.close();
    b.close();
  }
});

test("socketpair(AF_UNIX, SOCK_DGRAM) sends datagrams between its ends", async () => {
  const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    assert.equal(a.type, socket.SOCK_DGRAM);
    await a.send(bytes(1));
    await a.send(bytes(2, 3));
    assert.deepEqual(await b.recvfrom(8), [bytes(1), null]);
    assert.deepEqual(await b.recv(1), bytes(2));
  } finally {
    a.close();
    b.close();
  }
});

/** The Internet checksum (RFC 1071) of `b`. */
function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i] << 8) + (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// A raw socket needs CAP_NET_RAW: root here and in CI; elsewhere skipped.
Deno.test({
  name:
    "SOCK_RAW IPPROTO_ICMP: an echo request to 127.0.0.1 gets its reply, IP header first (needs root)",
  ignore: !available || Deno.uid() !== 0,
  fn: async () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
    assert.ok(s instanceof socket.PacketSocket);
    assert.deepEqual([s.type, s.proto], [socket.SOCK_RAW, socket.IPPROTO_ICMP]);
    s.settimeout(5);
    const id = (Deno.pid * 7) & 0xffff;
    const payload = new TextEncoder().encode(`pysocket ${id}`);
    const req = new Uint8Array(8 + payload.length);
    const v = new DataView(req.buffer);
    req[0] = 8; // echo request
    v.setUint16(4, id);
    v.setUint16(6, 1);
    req.set(payload, 8);
    v.setUint16(2, checksum(req));
    assert.equal(await s.sendto(req, ["127.0.0.1", 0]), req.length);
    for (;;) {
      const [packet, addr] = await s.recvfrom(1024);
      assert.deepEqual(addr, ["127.0.0.1", 0]);
      const ihl = (packet[0] & 0x0f) * 4;
      assert.equal(packet[0] >> 4, 4); // the IPv4 header comes first
      const icmp = packet.subarray(ihl);
      const iv = new DataView(icmp.buffer, icmp.byteOffset);
      if (icmp[0] !== 0 || iv.getUint16(4) !== id) continue; // our own request, or another's
      assert.equal(checksum(icmp), 0);
      assert.equal(iv.getUint16(6), 1);
      assert.deepEqual(icmp.subarray(8), payload);
      break;
    }
  },
});

Deno.test({
  name:
    "SOCK_RAW IPPROTO_ICMPV6: an echo request to ::1 gets its reply, the kernel's checksum, no IP header (needs root)",
  ignore: !available || Deno.uid() !== 0 || !socket.has_ipv6,
  fn: async () => {
    using s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6);
    s.settimeout(5);
    const id = (Deno.pid * 11) & 0xffff;
    const req = new Uint8Array([128, 0, 0, 0, id >> 8, id & 0xff, 0, 1, 0x70, 0x79]);
    assert.equal(await s.sendto(req, ["::1", 0]), req.length);
    for (;;) {
      const [icmp, addr] = await s.recvfrom(1024);
      assert.deepEqual(addr, ["::1", 0, 0, 0]);
      if (icmp[0] !== 129 || ((icmp[4] << 8) | icmp[5]) !== id) continue; // a request, or another's
      assert.deepEqual(icmp.subarray(6), bytes(0, 1, 0x70, 0x79));
      break;
    }
  },
});

test("AF_UNIX names of bytes that are not UTF-8 bind and connect, and come back as bytes", async () => {
  const srvName = abstractName(4);
  const cliName = abstractName(5);
  using srv = socket.socket(socket.AF_UNIX);
  srv.bind(srvName);
  srv.listen();
  using cli = socket.socket(socket.AF_UNIX);
  cli.bind(cliName);
  await cli.connect(srvName);
  const [conn, addr] = await srv.accept();
  try {
    assert.deepEqual(addr, cliName);
    assert.deepEqual(conn.getpeername(), cliName);
    assert.deepEqual(cli.getpeername(), srvName);
    assert.deepEqual(cli.getsockname(), cliName);
  } finally {
    conn.close();
  }
  using d1 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  using d2 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  d1.bind(abstractName(6));
  d2.bind(abstractName(7));
  await d2.sendto(bytes(1, 2), abstractName(6));
  assert.deepEqual(await d1.recvfrom(8), [bytes(1, 2), abstractName(7)]);
  // A UTF-8 abstract name keeps coming back as bytes, a path as a string (as CPython).
  using u = socket.socket(socket.AF_UNIX);
  const utf8 = new TextEncoder().encode(`\0pysocket-${Deno.pid}`);
  u.bind(utf8);
  assert.deepEqual(u.getsockname(), utf8);
});

test("an AF_UNIX client bound to a path before connect() is seen by that path", async () => {
  await using dir = await tempDir();
  using srv = socket.socket(socket.AF_UNIX);
  srv.bind(`${dir.path}/srv`);
  srv.listen();
  using cli = socket.socket(socket.AF_UNIX);
  cli.bind(`${dir.path}/cli`);
  await cli.connect(`${dir.path}/srv`);
  assert.equal(cli.getsockname(), `${dir.path}/cli`);
  const [conn, addr] = await srv.accept();
  try {
    assert.equal(addr, `${dir.path}/cli`);
    assert.equal(conn.getpeername(), `${dir.path}/cli`);
    await cli.sendall(bytes(9));
    assert.deepEqual(await conn.recv(8), bytes(9));
  } finally {
    conn.close();
  }
  // A datagram client bound first, then connected: its datagrams name it.
  using d1 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  d1.bind(`${dir.path}/d1`);
  using d2 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  d2.bind(`${dir.path}/d2`);
  await d2.connect(`${dir.path}/d1`);
  await d2.send(bytes(3));
  assert.deepEqual(await d1.recvfrom(8), [bytes(3), `${dir.path}/d2`]);
});

test("descriptors are close-on-exec; set_inheritable(true) clears FD_CLOEXEC; dup() is not inheritable", async () => {
  const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  try {
    assert.equal(a.get_inheritable(), false);
    assert.equal(cloexec(a.fileno()), true);
    a.set_inheritable(true);
    assert.equal(a.get_inheritable(), true);
    assert.equal(cloexec(a.fileno()), false);
    using twin = a.dup();
    assert.equal(twin.get_inheritable(), false);
    assert.equal(cloexec(twin.fileno()), true);
    a.set_inheritable(false);
    assert.equal(cloexec(a.fileno()), true);
    assert.throws(() => a.set_inheritable(1 as unknown as boolean), TypeError);
  } finally {
    a.close();
    b.close();
  }
  // Stream and datagram sockets on the FFI backend: a listener, its connections, a datagram socket.
  const was = testing.backend;
  testing.backend = "ffi";
  try {
    using srv = socket.create_server(["127.0.0.1", 0]);
    using cli = await socket.create_connection(srv.getsockname() as [string, number]);
    const [conn] = await srv.accept();
    using _conn = conn;
    using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    for (const s of [srv, cli, conn, udp]) {
      assert.equal(s.get_inheritable(), false);
      assert.equal(cloexec(s.fileno()), true);
    }
    cli.set_inheritable(true);
    assert.equal(cloexec(cli.fileno()), false);
  } finally {
    testing.backend = was;
  }
  // A socket without a descriptor: not inheritable, and cannot be made so.
  using plain = socket.socket();
  assert.equal(plain.get_inheritable(), false);
  plain.set_inheritable(false);
  assert.throws(
    () => plain.set_inheritable(true),
    (e) => e instanceof socket.OSError && /PYSOCKET_BACKEND=ffi/.test(e.message),
  );
});

Deno.test("without --allow-ffi, SOCK_SEQPACKET, SOCK_RAW, packet pairs, non-UTF-8 names and an AF_UNIX client bound first raise EOPNOTSUPP naming it", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/program.ts`;
  await Deno.writeTextFile(
    file,
    `import * as socket from "${ROOT}mod.ts";
const out = [];
for (const f of [
  () => socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET),
  () => socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
]) {
  try { f(); out.push("made"); } catch (e) { out.push([e.errno, e.message]); }
}
try { await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET); out.push("made"); }
catch (e) { out.push([e.errno, e.message]); }
try { socket.socket(socket.AF_UNIX).bind(new Uint8Array([0, 0xff])); out.push("made"); }
catch (e) { out.push([e.errno, e.message]); }
const srv = socket.socket(socket.AF_UNIX);
srv.bind(Deno.args[0] + "/srv");
srv.listen();
const cli = socket.socket(socket.AF_UNIX);
cli.bind(Deno.args[0] + "/cli");
try { await cli.connect(Deno.args[0] + "/srv"); out.push("made"); }
catch (e) { out.push([e.errno, e.message]); }
out.push(cli.getsockname() === Deno.args[0] + "/cli" ? "still bound" : "lost its name");
srv.close();
cli.close();
console.log(JSON.stringify(out));`,
  );
  const r = await runDeno([
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-net",
    file,
    dir.path,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as [number, string][];
  assert.equal(out.pop(), "still bound");
  assert.equal(out.length, 5);
  for (const [code, message] of out) {
    assert.equal(code, socket.errno.EOPNOTSUPP);
    assert.match(message, /--allow-ffi/);
  }
});

test("with PYSOCKET_BACKEND=ffi a socket has its descriptor before bind() or connect(), and it stays the socket's (bind() then connect() too)", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/program.ts`;
  await Deno.writeTextFile(
    file,
    `import * as socket from "${ROOT}mod.ts";
const SO_PRIORITY = 12; // no option the package knows of: the kernel's alone
const out: Record<string, unknown> = {};
const srv = socket.socket();
const early = srv.fileno();
out.srvKind = Deno.readLinkSync("/proc/self/fd/" + early);
out.inspect = Deno.inspect(srv);
srv.setsockopt(socket.SOL_SOCKET, SO_PRIORITY, 5);
out.priority = srv.getsockopt(socket.SOL_SOCKET, SO_PRIORITY);
out.name = srv.getsockname();
srv.bind(["127.0.0.1", 0]);
srv.listen();
out.sameAfterListen = srv.fileno() === early;
const cli = socket.socket();
const cliFd = cli.fileno();
cli.setsockopt(socket.SOL_SOCKET, SO_PRIORITY, 3);
await cli.connect(srv.getsockname());
out.sameAfterConnect = cli.fileno() === cliFd;
const [conn] = await srv.accept();
out.acceptedPriority = cli.getsockopt(socket.SOL_SOCKET, SO_PRIORITY);
const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
const uFd = u.fileno();
const peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
peer.bind(["127.0.0.1", 0]);
await u.sendmsg([new Uint8Array([1])], [], 0, peer.getsockname());
const [, from] = await peer.recvfrom(8);
await peer.sendto(new Uint8Array([2]), from);
out.udp = [u.fileno() === uFd, Array.from((await u.recvfrom(8))[0]), (u.getsockname() as [string, number])[1] === (from as [string, number])[1]];
const b = socket.socket();
const bFd = b.fileno();
b.setsockopt(socket.SOL_SOCKET, SO_PRIORITY, 4);
b.bind(["127.0.0.1", 0]);
const port = (b.getsockname() as [string, number])[1];
const probe = socket.socket();
out.refusedBeforeListen = await probe.connect_ex(["127.0.0.1", port]);
probe.close();
await b.connect(srv.getsockname());
const [bConn, bAddr] = await srv.accept();
out.bindThenConnect = [
  b.fileno() === bFd,
  (bAddr as [string, number])[1] === port,
  b.getsockopt(socket.SOL_SOCKET, SO_PRIORITY),
];
b.close();
bConn.close();
const c = socket.socket();
const cFd = c.fileno();
c.setsockopt(socket.SOL_SOCKET, SO_PRIORITY, 2);
try {
  c.bind(srv.getsockname());
} catch (e) {
  out.bindError = (e as socket.OSError).errno;
}
out.afterFailedBind = [c.fileno() === cFd, c.getsockopt(socket.SOL_SOCKET, SO_PRIORITY)];
c.close();
const d = socket.socket();
const dFd = d.fileno();
out.detached = d.detach() === dFd;
socket.close(dFd);
for (const s of [srv, cli, conn, u, peer]) s.close();
console.log(JSON.stringify(out));`,
  );
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", file],
    env: { NO_COLOR: "1", PYSOCKET_BACKEND: "ffi" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(r.code, 0, dec.decode(r.stderr));
  const out = JSON.parse(dec.decode(r.stdout));
  assert.match(out.srvKind, /^socket:\[\d+\]$/);
  assert.match(out.inspect, /backend=ffi/);
  assert.equal(out.priority, 5);
  assert.deepEqual(out.name, ["0.0.0.0", 0]);
  assert.equal(out.sameAfterListen, true);
  assert.equal(out.sameAfterConnect, true);
  assert.equal(out.acceptedPriority, 3);
  assert.deepEqual(out.udp, [true, [2], true]);
  assert.equal(out.detached, true);
  // Bound, not yet listening: refused, as Python's; then it connects from its own descriptor.
  assert.equal(out.refusedBeforeListen, socket.errno.ECONNREFUSED);
  assert.deepEqual(out.bindThenConnect, [true, true, 4]);
  // A failed bind leaves the socket its descriptor, options and all.
  assert.equal(out.bindError, socket.errno.EADDRINUSE);
  assert.deepEqual(out.afterFailedBind, [true, 2]);
});
