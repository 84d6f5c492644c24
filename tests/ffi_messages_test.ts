// Copyright 2026 the pysocket authors. MIT license.
// Python's message API on real descriptors (DESIGN §20): sendmsg, recvmsg,
// recvmsg_into, send_fds, recv_fds, CMSG_LEN, CMSG_SPACE — what CPython's
// test_socket checks in SendmsgTests/RecvmsgTests (UDP, UDP6, TCP, AF_UNIX
// stream and datagram), SCMRightsTest, RFC3542AncillaryTest,
// SendRecvFdsTests and CmsgMacroTests, over real sockets; and descriptors
// passed to and from a CPython process. Needs the ffi permission; where the
// FFI backend cannot run, nothing is registered.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { testing } from "../_common/testing.ts";
import { ffiUnavailable } from "../_transport/ffi_load.ts";
import {
  concat,
  datagramPair,
  dec,
  enc,
  isOSError,
  pair,
  place,
  recvExactly,
  runPython,
  startPython,
} from "./_helpers.ts";

const available = ffiUnavailable() === null;
if (available) testing.backend = "ffi";

/** Registers a test only where the FFI backend runs. */
function test(name: string, fn: () => Promise<void> | void): void {
  if (available) Deno.test(name, fn);
}

/** Registers `fn` once per family given, named `"<name> [AF_…]"`. */
function each(name: string, families: [string, number][], fn: (family: number) => Promise<void>) {
  for (const [label, family] of families) test(`${name} [${label}]`, () => fn(family));
}

const DGRAM: [string, number][] = [
  ["UDP", socket.AF_INET],
  ["UDP6", socket.AF_INET6],
  ["AF_UNIX datagram", socket.AF_UNIX],
];
const STREAM: [string, number][] = [
  ["TCP", socket.AF_INET],
  ["TCP6", socket.AF_INET6],
  ["AF_UNIX stream", socket.AF_UNIX],
];

const MSG = enc.encode("Message for sendmsg/recvmsg");

/** An int as the kernel takes it in a control message (4 bytes, native order). */
function int32(n: number): Uint8Array {
  return new Uint8Array(Int32Array.of(n).buffer);
}

/** The int in a control message's data. */
function readInt(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(0, true);
}

// ---- CmsgMacroTests ----

test("CMSG_LEN() and CMSG_SPACE() give CPython's values", async () => {
  const sizes = [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 100, 2147483623];
  const out = await runPython(
    `import socket, sys, json\nprint(json.dumps([[socket.CMSG_LEN(n), socket.CMSG_SPACE(n)] for n in json.loads(sys.argv[1])]))`,
    [JSON.stringify(sizes)],
  );
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(
    sizes.map((n) => [socket.CMSG_LEN(n), socket.CMSG_SPACE(n)]),
    JSON.parse(out.stdout),
  );
  for (let n = 0; n < 64; n++) {
    assert.equal(socket.CMSG_LEN(n), socket.CMSG_LEN(0) + n);
    assert.ok(socket.CMSG_SPACE(n) >= socket.CMSG_LEN(n));
    assert.equal(socket.CMSG_SPACE(n) % 8, 0);
  }
});

test("CMSG_LEN() and CMSG_SPACE() refuse what CPython refuses", () => {
  assert.equal(socket.CMSG_LEN(2147483631), 0x7fffffff);
  assert.equal(socket.CMSG_SPACE(2147483623), 2147483640);
  assert.throws(() => socket.CMSG_LEN(-1), RangeError);
  assert.throws(() => socket.CMSG_LEN(2147483632), RangeError);
  assert.throws(() => socket.CMSG_SPACE(-1), RangeError);
  assert.throws(() => socket.CMSG_SPACE(2147483624), RangeError);
  assert.throws(() => socket.CMSG_LEN(1.5), TypeError);
  assert.throws(() => socket.CMSG_SPACE("1" as unknown as number), TypeError);
});

// ---- SendmsgTests / RecvmsgTests over datagram sockets ----

each("sendmsg() and recvmsg() carry one datagram and its sender", DGRAM, async (family) => {
  using p = datagramPair(family);
  const n = await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  assert.equal(n, MSG.length);
  const [data, ancdata, flags, address] = await p.b.recvmsg(MSG.length);
  assert.deepEqual(data, MSG);
  assert.deepEqual(ancdata, []);
  assert.equal(flags, 0);
  assert.deepEqual(address, p.a.getsockname());
});

each("sendmsg() gathers buffers of any bytes-like kind", DGRAM, async (family) => {
  using p = datagramPair(family);
  const parts = [
    MSG.subarray(0, 3),
    new DataView(MSG.buffer, 3, 4),
    MSG.slice(7, 11).buffer,
    new Uint16Array(MSG.slice(11, 15).buffer),
    MSG.subarray(15),
  ];
  const gen = function* () {
    yield* parts;
  };
  assert.equal(await p.a.sendmsg(gen(), [], 0, p.b.getsockname()), MSG.length);
  assert.deepEqual((await p.b.recvmsg(1024))[0], MSG);
});

each("recvmsg() sets MSG_TRUNC on a datagram longer than bufsize", DGRAM, async (family) => {
  using p = datagramPair(family);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  const [data, , flags] = await p.b.recvmsg(MSG.length - 3);
  assert.deepEqual(data, MSG.subarray(0, MSG.length - 3));
  assert.equal(flags & socket.MSG_TRUNC, socket.MSG_TRUNC);
  // The rest was discarded, as Linux does: the next message is the next datagram.
  await p.a.sendmsg([enc.encode("next")], [], 0, p.b.getsockname());
  assert.equal(dec.decode((await p.b.recvmsg(64))[0]), "next");
});

each("recvmsg() with MSG_PEEK leaves the datagram queued", DGRAM, async (family) => {
  using p = datagramPair(family);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  assert.deepEqual((await p.b.recvmsg(1024, 0, socket.MSG_PEEK))[0], MSG);
  assert.deepEqual((await p.b.recvmsg(1024))[0], MSG);
});

each("recvmsg_into() scatters a datagram over its buffers", DGRAM, async (family) => {
  using p = datagramPair(family);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  const b1 = new Uint8Array(4), b2 = new Uint8Array(8), b3 = new ArrayBuffer(1024);
  const [n, ancdata, flags, address] = await p.b.recvmsg_into([b1, new DataView(b2.buffer), b3]);
  assert.equal(n, MSG.length);
  assert.deepEqual(ancdata, []);
  assert.equal(flags, 0);
  assert.deepEqual(address, p.a.getsockname());
  assert.deepEqual(concat([b1, b2, new Uint8Array(b3, 0, n - 12)]), MSG);
});

each("recvmsg_into() sets MSG_TRUNC when the buffers are too small", DGRAM, async (family) => {
  using p = datagramPair(family);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  const b1 = new Uint8Array(2), b2 = new Uint8Array(3);
  const [n, , flags] = await p.b.recvmsg_into([b1, b2]);
  assert.equal(n, 5);
  assert.equal(flags & socket.MSG_TRUNC, socket.MSG_TRUNC);
  assert.deepEqual(concat([b1, b2]), MSG.subarray(0, 5));
});

each("recvmsg() times out without consuming the datagram", DGRAM, async (family) => {
  using p = datagramPair(family);
  p.b.settimeout(0.05);
  const t0 = performance.now();
  await assert.rejects(p.b.recvmsg(1024), socket.TimeoutError);
  assert.ok(performance.now() - t0 >= 40);
  // The datagram sent after the timeout is whole, and the first to be received.
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  p.b.settimeout(5);
  assert.deepEqual((await p.b.recvmsg(1024))[0], MSG);
});

each("recvmsg() on a non-blocking socket raises BlockingIOError", DGRAM, async (family) => {
  using p = datagramPair(family);
  p.b.setblocking(false);
  await assert.rejects(p.b.recvmsg(1024), socket.BlockingIOError);
  await assert.rejects(p.b.recvmsg_into([new Uint8Array(8)]), socket.BlockingIOError);
  p.b.setblocking(true);
  await assert.rejects(p.b.recvmsg(1024, 0, socket.MSG_DONTWAIT), socket.BlockingIOError);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  assert.deepEqual((await p.b.recvmsg(1024))[0], MSG);
});

each("a blocked recvmsg() is woken by the datagram it waits for", DGRAM, async (family) => {
  using p = datagramPair(family);
  p.b.settimeout(5);
  const pending = p.b.recvmsg(1024);
  await new Promise((r) => setTimeout(r, 20));
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  assert.deepEqual((await pending)[0], MSG);
});

each("sendmsg() on a connected datagram socket goes to its peer", DGRAM, async (family) => {
  using p = datagramPair(family);
  await p.a.connect(p.b.getsockname());
  assert.equal(await p.a.sendmsg([MSG]), MSG.length);
  assert.deepEqual((await p.b.recvmsg(1024))[0], MSG);
  // Unconnected, as the kernel says: EDESTADDRREQ for UDP, ENOTCONN for AF_UNIX.
  const code = family === socket.AF_UNIX ? socket.errno.ENOTCONN : socket.errno.EDESTADDRREQ;
  await assert.rejects(p.b.sendmsg([MSG]), isOSError(code));
});

each("sendmsg() and recvmsg() check their arguments as CPython does", DGRAM, async (family) => {
  using p = datagramPair(family);
  const to = p.b.getsockname();
  await assert.rejects(p.a.sendmsg(["x"] as unknown as Uint8Array[], [], 0, to), TypeError);
  await assert.rejects(p.a.sendmsg(MSG as unknown as Uint8Array[], [], 0, to), TypeError);
  await assert.rejects(p.a.sendmsg(42 as unknown as Uint8Array[], [], 0, to), TypeError);
  await assert.rejects(
    p.a.sendmsg([MSG], [[0, 0]] as unknown as [number, number, Uint8Array][], 0, to),
    TypeError,
  );
  await assert.rejects(
    p.a.sendmsg([MSG], [[0, 0, "s"]] as unknown as [number, number, Uint8Array][], 0, to),
    TypeError,
  );
  await assert.rejects(p.b.recvmsg(-1), socket.ValueError);
  await assert.rejects(p.b.recvmsg(1, -1), socket.ValueError);
  await assert.rejects(p.b.recvmsg_into(["ab"] as unknown as Uint8Array[]), TypeError);
  p.b.close();
  await assert.rejects(p.b.recvmsg(1), isOSError(socket.errno.EBADF));
  await assert.rejects(p.b.sendmsg([MSG], [], 0, to), isOSError(socket.errno.EBADF));
});

test("sendmsg() binds an unbound UDP socket first, as the kernel does", async () => {
  using p = datagramPair(socket.AF_INET);
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await s.sendmsg([MSG], [], 0, p.b.getsockname());
  const [data, , , address] = await p.b.recvmsg(1024);
  assert.deepEqual(data, MSG);
  const port = (s.getsockname() as [string, number])[1];
  assert.notEqual(port, 0);
  assert.deepEqual(address, ["127.0.0.1", port]);
});

test("sendmsg() sends to a host name, resolved", async () => {
  using p = datagramPair(socket.AF_INET);
  await p.a.sendmsg([MSG], [], 0, ["localhost", (p.b.getsockname() as [string, number])[1]]);
  assert.deepEqual((await p.b.recvmsg(1024))[0], MSG);
});

// ---- over stream sockets ----

each("sendmsg() and recvmsg() carry bytes over a connection", STREAM, async (family) => {
  using p = await pair(family);
  assert.equal(await p.cli.sendmsg([MSG.subarray(0, 5), MSG.subarray(5)]), MSG.length);
  let got: Uint8Array = new Uint8Array(0);
  while (got.length < MSG.length) {
    const [data, ancdata, flags, address] = await p.conn.recvmsg(1024);
    assert.ok(data.length > 0);
    assert.deepEqual(ancdata, []);
    assert.equal(flags, 0);
    // As CPython: no address from a TCP connection, nor from an unnamed AF_UNIX peer.
    assert.equal(address, null);
    got = concat([got, data]);
  }
  assert.deepEqual(got, MSG);
});

test("recvmsg() gives the named peer's path on an AF_UNIX connection, as CPython", async () => {
  using p = await pair(socket.AF_UNIX);
  await p.conn.sendmsg([MSG]);
  const [data, , , address] = await p.cli.recvmsg(1024, 0, socket.MSG_WAITALL);
  assert.deepEqual(data, MSG);
  assert.equal(address, p.srv.getsockname());
});

each("recvmsg() at end of stream returns no bytes", STREAM, async (family) => {
  using p = await pair(family);
  p.cli.shutdown(socket.SHUT_WR);
  const [data, ancdata, flags] = await p.conn.recvmsg(1024);
  assert.equal(data.length, 0);
  assert.deepEqual(ancdata, []);
  assert.equal(flags, 0);
});

each("a timed recvmsg() on a connection loses no byte", STREAM, async (family) => {
  using p = await pair(family);
  p.conn.settimeout(0.05);
  await assert.rejects(p.conn.recvmsg(1024), socket.TimeoutError);
  await p.cli.sendall(MSG);
  p.conn.settimeout(5);
  const [data] = await p.conn.recvmsg(MSG.length, 0, socket.MSG_WAITALL);
  assert.deepEqual(data, MSG);
});

each("sendmsg() waits for room, and times out having sent nothing more", STREAM, async (family) => {
  using p = await pair(family);
  const chunk = new Uint8Array(65536).fill(7);
  p.cli.setblocking(false);
  let sent = 0;
  for (let i = 0; i < 10_000; i++) {
    try {
      sent += await p.cli.sendmsg([chunk]);
    } catch (e) {
      assert.ok(e instanceof socket.BlockingIOError, String(e));
      break;
    }
  }
  assert.ok(sent > 0);
  p.cli.settimeout(0.05);
  await assert.rejects(p.cli.sendmsg([chunk]), socket.TimeoutError);
  // A blocked sendmsg() goes on once the peer reads: every byte arrives, in order.
  p.cli.settimeout(10);
  const last = p.cli.sendmsg([enc.encode("end")]);
  p.conn.settimeout(10);
  let got = 0;
  let tail = new Uint8Array(0);
  while (got < sent + 3) {
    const [data] = await p.conn.recvmsg(1 << 20);
    assert.ok(data.length > 0);
    got += data.length;
    tail = data;
  }
  assert.equal(got, sent + 3);
  assert.equal(dec.decode(tail.subarray(tail.length - 3)), "end");
  assert.equal(await last, 3);
});

each("recvmsg_into() reads a connection's bytes into its buffers", STREAM, async (family) => {
  using p = await pair(family);
  await p.cli.sendall(MSG);
  const a = new Uint8Array(10), b = new Uint8Array(MSG.length - 10);
  const [n] = await p.conn.recvmsg_into([a, b], 0, socket.MSG_WAITALL);
  assert.equal(n, MSG.length);
  assert.deepEqual(concat([a, b]), MSG);
});

each("recvmsg() after recv() goes on where recv() stopped", STREAM, async (family) => {
  using p = await pair(family);
  await p.cli.sendall(MSG);
  assert.deepEqual(await recvExactly(p.conn, 4), MSG.subarray(0, 4));
  const [data] = await p.conn.recvmsg(MSG.length - 4, 0, socket.MSG_WAITALL);
  assert.deepEqual(data, MSG.subarray(4));
});

// ---- SCMRightsTest / SendRecvFdsTests (AF_UNIX) ----

/** What descriptor `fd` of this process refers to (`socket:[inode]` for a socket). */
function fdTarget(fd: number): string {
  return Deno.readLinkSync(`/proc/self/fd/${fd}`);
}

test("send_fds() and recv_fds() pass descriptors that refer to the same sockets", async () => {
  const [a, b] = await socket.socketpair();
  using _a = a, _b = b;
  using l = await pair(socket.AF_INET);
  using u = datagramPair(socket.AF_INET6);
  const mine = [l.srv.fileno(), l.conn.fileno(), u.a.fileno()];
  await socket.send_fds(a, [MSG], mine);
  const [data, fds, flags] = await socket.recv_fds(b, 1024, mine.length);
  assert.deepEqual(data, MSG);
  assert.equal(flags, 0);
  assert.equal(fds.length, mine.length);
  assert.deepEqual(fds.map(fdTarget), mine.map(fdTarget));
  assert.match(fdTarget(fds[0]), /^socket:\[\d+\]$/);
  for (const fd of fds) {
    assert.ok(!mine.includes(fd));
    socket.close(fd);
  }
});

test("send_fds() and recv_fds() pass sockets that work on the other side", async () => {
  const [a, b] = await socket.socketpair();
  const [c, d] = await socket.socketpair();
  using _a = a, _b = b, _c = c, _d = d;
  const sent = await socket.send_fds(a, [enc.encode("data")], [c.fileno(), d.fileno()]);
  assert.equal(sent, 4);
  const [data, fds, flags, address] = await socket.recv_fds(b, 1024, 4);
  assert.equal(dec.decode(data), "data");
  assert.equal(fds.length, 2);
  assert.equal(flags, 0);
  // The sender's name, as the kernel gives it (none for an unnamed end: null).
  const name = a.getsockname();
  assert.equal(address, name === "" ? null : name);
  for (const fd of fds) assert.ok(fd !== c.fileno() && fd !== d.fileno());
  using c2 = socket.socket(undefined, undefined, undefined, fds[0]);
  using d2 = socket.socket(undefined, undefined, undefined, fds[1]);
  assert.equal(c2.family, socket.AF_UNIX);
  assert.equal(c2.type, socket.SOCK_STREAM);
  // c2 is c: what is written on it arrives at d (and at d2, the same socket).
  await c2.sendall(enc.encode("via c2"));
  assert.equal(dec.decode(await recvExactly(d, 6)), "via c2");
  await d2.sendall(enc.encode("via d2"));
  assert.equal(dec.decode(await recvExactly(c, 6)), "via d2");
});

test("recvmsg() with SCM_RIGHTS gives the ancillary item as CPython's", async () => {
  const [a, b] = await socket.socketpair();
  const [c, d] = await socket.socketpair();
  using _a = a, _b = b, _c = c, _d = d;
  await a.sendmsg([MSG], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, Int32Array.of(c.fileno())]]);
  const [data, ancdata, flags] = await b.recvmsg(1024, socket.CMSG_SPACE(4));
  assert.deepEqual(data, MSG);
  assert.equal(flags, 0);
  assert.equal(ancdata.length, 1);
  const [level, type, bytes] = ancdata[0];
  assert.equal(level, socket.SOL_SOCKET);
  assert.equal(type, socket.SCM_RIGHTS);
  assert.equal(bytes.length, 4);
  socket.close(readInt(bytes));
});

test("recvmsg() sets MSG_CTRUNC when the descriptors do not fit (SCMRightsTest)", async () => {
  const [a, b] = await socket.socketpair();
  const [c, d] = await socket.socketpair();
  using _a = a, _b = b, _c = c, _d = d;
  await socket.send_fds(a, [MSG], [c.fileno(), d.fileno(), c.fileno()]);
  // Room for one descriptor only: the kernel closes the others.
  const [data, ancdata, flags] = await b.recvmsg(1024, socket.CMSG_LEN(4));
  assert.deepEqual(data, MSG);
  assert.equal(flags & socket.MSG_CTRUNC, socket.MSG_CTRUNC);
  const fds = ancdata.flatMap(([level, type, bytes]) => {
    assert.equal(level, socket.SOL_SOCKET);
    assert.equal(type, socket.SCM_RIGHTS);
    return bytes.length >= 4 ? [readInt(bytes)] : [];
  });
  assert.equal(fds.length, 1);
  for (const fd of fds) socket.close(fd);
});

test("recvmsg() with no room for ancillary data sets MSG_CTRUNC and gives none", async () => {
  const [a, b] = await socket.socketpair();
  const [c, d] = await socket.socketpair();
  using _a = a, _b = b, _c = c, _d = d;
  await socket.send_fds(a, [MSG], [c.fileno()]);
  const [data, ancdata, flags] = await b.recvmsg(1024);
  assert.deepEqual(data, MSG);
  assert.deepEqual(ancdata, []);
  assert.equal(flags & socket.MSG_CTRUNC, socket.MSG_CTRUNC);
});

test("recv_fds() with MSG_CMSG_CLOEXEC gives close-on-exec descriptors", async () => {
  const [a, b] = await socket.socketpair();
  const [c, d] = await socket.socketpair();
  using _a = a, _b = b, _c = c, _d = d;
  await socket.send_fds(a, [MSG], [c.fileno()]);
  const [, fds] = await socket.recv_fds(b, 1024, 1, socket.MSG_CMSG_CLOEXEC);
  assert.equal(fds.length, 1);
  const flags = Deno.readTextFileSync(`/proc/self/fdinfo/${fds[0]}`);
  // O_CLOEXEC is 0o2000000 in the octal flags /proc shows.
  const octal = /flags:\s*(\d+)/.exec(flags)![1];
  assert.ok((parseInt(octal, 8) & 0o2000000) !== 0, flags);
  socket.close(fds[0]);
});

test("send_fds() and recv_fds() over an AF_UNIX datagram socket", async () => {
  using p = datagramPair(socket.AF_UNIX);
  const [c, d] = await socket.socketpair();
  using _c = c, _d = d;
  await socket.send_fds(p.a, [MSG], [c.fileno()], 0, p.b.getsockname());
  const [data, fds, flags, address] = await socket.recv_fds(p.b, 1024, 1);
  assert.deepEqual(data, MSG);
  assert.equal(flags, 0);
  assert.equal(address, p.a.getsockname());
  using c2 = socket.socket(undefined, undefined, undefined, fds[0]);
  await c2.sendall(enc.encode("!"));
  assert.equal(dec.decode(await d.recv(1)), "!");
});

test("send_fds() refuses what is not a descriptor number", async () => {
  const [a, b] = await socket.socketpair();
  using _a = a, _b = b;
  await assert.rejects(socket.send_fds(a, [MSG], ["3" as unknown as number]), TypeError);
  await assert.rejects(socket.send_fds(a, [MSG], [-1]), socket.ValueError);
  await assert.rejects(socket.recv_fds(b, 16, -1), socket.ValueError);
});

test("SO_PASSCRED brings SCM_CREDENTIALS with this process's pid, uid and gid", async () => {
  using p = datagramPair(socket.AF_UNIX);
  p.b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  const [data, ancdata] = await p.b.recvmsg(1024, socket.CMSG_SPACE(12));
  assert.deepEqual(data, MSG);
  assert.equal(ancdata.length, 1);
  const [level, type, bytes] = ancdata[0];
  assert.equal(level, socket.SOL_SOCKET);
  assert.equal(type, socket.SCM_CREDENTIALS);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.deepEqual([v.getInt32(0, true), v.getUint32(4, true), v.getUint32(8, true)], [
    Deno.pid,
    Deno.uid(),
    Deno.gid(),
  ]);
});

// ---- RFC3542AncillaryTest: IPV6_RECVHOPLIMIT, IPV6_HOPLIMIT and IPV6_TCLASS on UDP6 ----

test("IPV6_RECVHOPLIMIT brings the hop limit a datagram was sent with (RFC 3542)", async () => {
  using p = datagramPair(socket.AF_INET6);
  p.b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  let [data, ancdata, flags] = await p.b.recvmsg(1024, socket.CMSG_SPACE(4));
  assert.deepEqual(data, MSG);
  assert.equal(flags, 0);
  assert.equal(ancdata.length, 1);
  let [level, type, bytes] = ancdata[0];
  assert.equal(level, socket.IPPROTO_IPV6);
  assert.equal(type, socket.IPV6_HOPLIMIT);
  assert.equal(bytes.length, 4);
  const hops = readInt(bytes);
  assert.ok(hops >= 0 && hops <= 255);
  // A hop limit set on one datagram (an IPV6_HOPLIMIT item of sendmsg) comes back.
  await p.a.sendmsg(
    [MSG],
    [[socket.IPPROTO_IPV6, socket.IPV6_HOPLIMIT, int32(7)]],
    0,
    p.b.getsockname(),
  );
  [data, ancdata] = await p.b.recvmsg(1024, socket.CMSG_SPACE(4));
  [level, type, bytes] = ancdata[0];
  assert.deepEqual([level, type, readInt(bytes)], [socket.IPPROTO_IPV6, socket.IPV6_HOPLIMIT, 7]);
});

test("IPV6_RECVHOPLIMIT with too little room sets MSG_CTRUNC (RFC 3542)", async () => {
  using p = datagramPair(socket.AF_INET6);
  p.b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  const [data, ancdata, flags] = await p.b.recvmsg(1024, socket.CMSG_LEN(0));
  assert.deepEqual(data, MSG);
  assert.equal(flags & socket.MSG_CTRUNC, socket.MSG_CTRUNC);
  for (const [, , bytes] of ancdata) assert.ok(bytes.length < 4);
});

test("IPV6_RECVHOPLIMIT and IPV6_RECVTCLASS together bring both items (RFC 3542)", async () => {
  using p = datagramPair(socket.AF_INET6);
  p.b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1);
  p.b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVTCLASS, 1);
  await p.a.sendmsg(
    [MSG],
    [[socket.IPPROTO_IPV6, socket.IPV6_TCLASS, int32(0x20)]],
    0,
    p.b.getsockname(),
  );
  const [data, ancdata] = await p.b.recvmsg(1024, 2 * socket.CMSG_SPACE(4));
  assert.deepEqual(data, MSG);
  const byType = new Map(ancdata.map(([level, type, bytes]) => {
    assert.equal(level, socket.IPPROTO_IPV6);
    return [type, readInt(bytes)];
  }));
  assert.deepEqual([...byType.keys()].sort(), [socket.IPV6_HOPLIMIT, socket.IPV6_TCLASS].sort());
  assert.equal(byType.get(socket.IPV6_TCLASS), 0x20);
});

test("IPV6_RECVPKTINFO brings the destination address and interface (RFC 3542)", async () => {
  using p = datagramPair(socket.AF_INET6);
  p.b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  const [, ancdata] = await p.b.recvmsg(1024, socket.CMSG_SPACE(20));
  assert.equal(ancdata.length, 1);
  const [level, type, bytes] = ancdata[0];
  assert.deepEqual([level, type, bytes.length], [socket.IPPROTO_IPV6, socket.IPV6_PKTINFO, 20]);
  assert.equal(socket.inet_ntop(socket.AF_INET6, bytes.subarray(0, 16)), "::1");
});

test("IP_RECVTOS brings the type of service of a UDP datagram", async () => {
  using p = datagramPair(socket.AF_INET);
  p.b.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1);
  p.a.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0x10);
  await p.a.sendmsg([MSG], [], 0, p.b.getsockname());
  const [, ancdata] = await p.b.recvmsg(1024, socket.CMSG_SPACE(4));
  assert.equal(ancdata.length, 1);
  const [level, type, bytes] = ancdata[0];
  assert.deepEqual([level, type, bytes[0]], [socket.IPPROTO_IP, socket.IP_TOS, 0x10]);
});

// ---- with CPython on the other end ----

/** CPython: connects to our AF_UNIX listener, takes a descriptor, and talks over it. */
const PY_TAKES_FD = `
import socket, sys
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
u.connect(sys.argv[1])
print("connected", flush=True)
msg, fds, flags, addr = socket.recv_fds(u, 1024, 1)
assert msg == b"take it" and len(fds) == 1, (msg, fds)
conn = socket.socket(fileno=fds[0])
# O_NONBLOCK is the open file's, shared by every copy: ours are always non-blocking.
conn.setblocking(True)
assert conn.family == socket.AF_INET and conn.type == socket.SOCK_STREAM
data = b""
while not data.endswith(b"\\n"):
    data += conn.recv(1024)
conn.sendall(b"python got " + data)
conn.close()
u.close()
print("done", flush=True)
`;

test("an accepted connection passed to CPython with send_fds() is served there", async () => {
  using where = place(socket.AF_UNIX);
  using unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  unix.bind(where.address);
  unix.listen();
  await using py = await startPython(PY_TAKES_FD, [where.address as string]);
  assert.equal(py.line, "connected");
  const [channel] = await unix.accept();
  using _channel = channel;
  using p = await pair(socket.AF_INET);
  await socket.send_fds(channel, [enc.encode("take it")], [p.conn.fileno()]);
  // Ours is closed here; CPython's copy of the descriptor keeps the connection.
  p.conn.close();
  await p.cli.sendall(enc.encode("hello from deno\n"));
  p.cli.settimeout(10);
  const reply = await recvAllUntilClosed(p.cli);
  assert.equal(dec.decode(reply), "python got hello from deno\n");
  const out = await py.wait();
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "done\n");
});

/** Reads until the peer closes. */
async function recvAllUntilClosed(s: socket.StreamSocket): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const b = await s.recv(4096);
    if (b.length === 0) return concat(parts);
    parts.push(b);
  }
}

/** CPython: makes a connected pair, sends us one end over our AF_UNIX listener, talks on the other. */
const PY_GIVES_FD = `
import socket, sys
mine, yours = socket.socketpair()
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
u.connect(sys.argv[1])
socket.send_fds(u, [b"here"], [yours.fileno()])
yours.close()
mine.sendall(b"from python")
data = b""
while len(data) < 9:
    data += mine.recv(1024)
print(data.decode(), flush=True)
`;

test("a descriptor received from CPython with recv_fds() is adopted and used", async () => {
  using where = place(socket.AF_UNIX);
  using unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  unix.bind(where.address);
  unix.listen();
  const py = runPython(PY_GIVES_FD, [where.address as string]);
  try {
    unix.settimeout(10);
    const [channel] = await unix.accept();
    using _channel = channel;
    channel.settimeout(10);
    const [data, fds, flags] = await socket.recv_fds(channel, 16, 1);
    assert.equal(dec.decode(data), "here");
    assert.equal(flags, 0);
    assert.equal(fds.length, 1);
    using adopted = socket.socket(undefined, undefined, undefined, fds[0]) as socket.StreamSocket;
    assert.equal(adopted.family, socket.AF_UNIX);
    assert.equal(adopted.type, socket.SOCK_STREAM);
    adopted.settimeout(10);
    assert.equal(dec.decode(await recvExactly(adopted, 11)), "from python");
    await adopted.sendall(enc.encode("from deno"));
  } finally {
    const out = await py;
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "from deno\n");
  }
});

/** CPython: a UDP6 socket that asks for hop limits, and prints what its recvmsg() gets. */
const PY_RECVMSG = `
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::1", 0))
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
s.settimeout(10)
print("port", s.getsockname()[1], flush=True)
data, anc, flags, addr = s.recvmsg(1024, socket.CMSG_SPACE(4))
print(data.decode(), [(l, t, int.from_bytes(d, "little")) for l, t, d in anc], flags, addr[1], flush=True)
`;

test("CPython's recvmsg() reads what our sendmsg() sent, ancillary data included", async () => {
  await using py = await startPython(PY_RECVMSG);
  const port = Number(py.line.split(" ")[1]);
  using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  s.bind(["::1", 0]);
  await s.sendmsg(
    [enc.encode("hi "), enc.encode("python")],
    [
      [socket.IPPROTO_IPV6, socket.IPV6_HOPLIMIT, int32(9)],
    ],
    0,
    ["::1", port],
  );
  const line = await py.readLine();
  const myPort = (s.getsockname() as [string, number])[1];
  assert.equal(
    line,
    `hi python [(${socket.IPPROTO_IPV6}, ${socket.IPV6_HOPLIMIT}, 9)] 0 ${myPort}`,
  );
});

// ---- without a descriptor ----

test("sendmsg() on a socket without a descriptor names PYSOCKET_BACKEND=ffi", async () => {
  const before = testing.backend;
  testing.backend = "deno";
  try {
    using p = datagramPair(socket.AF_INET);
    await assert.rejects(
      p.a.sendmsg([MSG], [], 0, p.b.getsockname()),
      (e: unknown) =>
        e instanceof socket.OSError && e.errno === socket.errno.EOPNOTSUPP &&
        e.message.includes("PYSOCKET_BACKEND=ffi"),
    );
    await assert.rejects(p.b.recvmsg(16), isOSError(socket.errno.EOPNOTSUPP));
    await assert.rejects(p.b.recvmsg_into([new Uint8Array(4)]), isOSError(socket.errno.EOPNOTSUPP));
    await assert.rejects(
      socket.send_fds(p.a, [MSG], [0], 0, p.b.getsockname()),
      isOSError(socket.errno.EOPNOTSUPP),
    );
    using s = socket.socket();
    await assert.rejects(s.sendmsg([MSG]), isOSError(socket.errno.EOPNOTSUPP));
  } finally {
    testing.backend = before;
  }
});
