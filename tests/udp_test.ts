// Copyright 2026 the pysocket authors. MIT license.
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { pollOf } from "../_common/readiness.ts";
import * as select from "../select.ts";
import { testing } from "../_common/testing.ts";
import { Lines, tempDir } from "./_helpers.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function udp(family: number = socket.AF_INET): socket.DatagramSocket {
  return socket.socket(family, socket.SOCK_DGRAM);
}

/** An AF_UNIX datagram socket bound to `path`. */
function unixBound(path: string): socket.DatagramSocket {
  const s = udp(socket.AF_UNIX);
  s.bind(path);
  return s;
}

function bound(host = "127.0.0.1"): socket.DatagramSocket {
  const s = udp(host.includes(":") ? socket.AF_INET6 : socket.AF_INET);
  s.bind([host, 0]);
  return s;
}

/** Runs a CPython script (its first line of output is awaited by the caller). */
function python(script: string, ...args: string[]) {
  const child = new Deno.Command("python3", {
    args: ["-u", "-c", script, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = new Lines(child.stdout);
  return {
    lines,
    async done(): Promise<string> {
      const out = await lines.rest();
      const status = await child.status;
      assert.equal(status.code, 0, `python exited with ${status.code}: ${out}`);
      return out;
    },
  };
}

const PY_ECHO = `
import socket, sys, json
fam = {"inet": socket.AF_INET, "inet6": socket.AF_INET6, "unix": socket.AF_UNIX}[sys.argv[1]]
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(10)
s.bind(sys.argv[2] if fam == socket.AF_UNIX else (sys.argv[2], 0))
print(json.dumps(s.getsockname()))
while True:
    data, addr = s.recvfrom(65536)
    if data == b"quit":
        break
    print(json.dumps(addr))
    s.sendto(b"echo:" + data, addr)
s.close()
`;

Deno.test("sendto()/recvfrom() round-trip over IPv4, returning the sender's address", async () => {
  using a = bound();
  using b = bound();
  assert.equal(await b.sendto(enc("hello"), a.getsockname()), 5);
  const [data, addr] = await a.recvfrom(1024);
  assert.equal(dec(data), "hello");
  assert.deepEqual(addr, b.getsockname());
});

Deno.test("AF_INET6 addresses come back as [ip, port, 0, scope_id]", async () => {
  using a = bound("::1");
  using b = bound("::1");
  const [host, port, flowinfo, scope] = a.getsockname() as socket.IPv6Address;
  assert.equal(host, "::1");
  assert.ok((port as number) > 0);
  assert.deepEqual([flowinfo, scope], [0, 0]);
  await b.sendto(enc("six"), ["::1", port]);
  const [data, addr] = await a.recvfrom(16);
  assert.equal(dec(data), "six");
  assert.deepEqual(addr, ["::1", (b.getsockname() as number[])[1], 0, 0]);
});

Deno.test("AF_UNIX datagram sockets return the sender's path", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  using a = unixBound(`${dir}/a.sock`);
  using b = unixBound(`${dir}/b.sock`);
  assert.equal(a.getsockname(), `${dir}/a.sock`);
  await b.sendto(enc("unix"), `${dir}/a.sock`);
  const [data, addr] = await a.recvfrom(64);
  assert.equal(dec(data), "unix");
  assert.equal(addr, `${dir}/b.sock`);
  await a.sendto(enc("back"), addr);
  const [back, backFrom] = await b.recvfrom(64);
  assert.equal(dec(back), "back");
  assert.equal(backFrom, `${dir}/a.sock`);
});

Deno.test("an unbound AF_UNIX socket autobinds to an abstract address on sendto()", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  using a = udp(socket.AF_UNIX);
  a.bind(`${dir}/a.sock`);
  using c = udp(socket.AF_UNIX);
  assert.equal(c.getsockname(), "");
  await c.sendto(enc("hi"), `${dir}/a.sock`);
  // An abstract name (a leading NUL byte) comes back as bytes, as in Python.
  const name = c.getsockname() as Uint8Array;
  assert.ok(name instanceof Uint8Array && name[0] === 0 && name.length > 1, String(name));
  const [, from] = await a.recvfrom(8);
  assert.deepEqual(from, name);
  await a.sendto(enc("reply"), from);
  assert.equal(dec(await c.recv(8)), "reply");
});

Deno.test("sendto() on an unbound socket binds it to the wildcard address", async () => {
  using a = bound();
  using c = udp();
  assert.deepEqual(c.getsockname(), ["0.0.0.0", 0]);
  await c.sendto(enc("x"), a.getsockname());
  const [host, port] = c.getsockname() as [string, number];
  assert.equal(host, "0.0.0.0");
  assert.ok(port > 0);
  const [, from] = await a.recvfrom(8);
  assert.deepEqual(from, ["127.0.0.1", port]);
});

Deno.test("recvfrom() truncates a datagram larger than bufsize and discards the rest", async () => {
  using a = bound();
  using b = bound();
  await b.sendto(enc("0123456789"), a.getsockname());
  await b.sendto(enc("next"), a.getsockname());
  assert.equal(dec((await a.recvfrom(4))[0]), "0123");
  assert.equal(dec((await a.recvfrom(100))[0]), "next");
});

Deno.test("recvfrom() and recv() resolve arrays of their own: later receives never change them", async () => {
  using a = bound();
  using b = bound();
  for (const word of ["alpha", "beta", "gamma", "delta"]) {
    await b.sendto(enc(word), a.getsockname());
  }
  const [first] = await a.recvfrom(65535);
  const second = await a.recv(2048);
  const [third, fourth] = await Promise.all([a.recvfrom(16), a.recvfrom(16)]);
  assert.equal(first.buffer.byteLength, 5, "no 64 KiB buffer behind five bytes");
  assert.deepEqual(
    [first, second, third[0], fourth[0]].map(dec),
    ["alpha", "beta", "gamma", "delta"],
  );
  assert.deepEqual(third[1], b.getsockname());
});

Deno.test("recvfrom_into() truncates a datagram larger than the buffer, into the caller's buffer", async () => {
  using a = bound();
  using b = bound();
  await b.sendto(enc("abcdefgh"), a.getsockname());
  await b.sendto(enc("ijkl"), a.getsockname());
  await b.sendto(enc("mnop"), a.getsockname());
  const buf = new Uint8Array(6).fill(46);
  const [n, addr] = await a.recvfrom_into(buf);
  assert.equal(n, 6);
  assert.equal(dec(buf), "abcdef");
  assert.deepEqual(addr, b.getsockname());
  buf.fill(46);
  assert.equal((await a.recvfrom_into(buf, 2))[0], 2);
  assert.equal(dec(buf), "ij....");
  const words = new Uint16Array(4);
  assert.equal((await a.recvfrom_into(words))[0], 4);
  assert.equal(dec(new Uint8Array(words.buffer, 0, 4)), "mnop");
});

Deno.test("recvfrom_into() truncates on the timeout path too, keeping the next datagram", async () => {
  using a = bound();
  using b = bound();
  a.settimeout(5);
  await b.sendto(enc("0123456789"), a.getsockname());
  await b.sendto(enc("after"), a.getsockname());
  const buf = new Uint8Array(3);
  assert.equal((await a.recvfrom_into(buf))[0], 3);
  assert.equal(dec(buf), "012");
  assert.equal(dec((await a.recvfrom(64))[0]), "after");
});

Deno.test("recvfrom_into() rejects nbytes larger than the buffer with RangeError", async () => {
  using a = bound();
  await assert.rejects(a.recvfrom_into(new Uint8Array(2), 5), RangeError);
  await assert.rejects(a.recv_into(new Uint8Array(2), 5), RangeError);
});

Deno.test("an empty datagram is received as an empty Uint8Array", async () => {
  using a = bound();
  using b = bound();
  await b.sendto(new Uint8Array(0), a.getsockname());
  await b.sendto(enc("z"), a.getsockname());
  assert.equal((await a.recvfrom(10))[0].length, 0);
  assert.equal(dec(await a.recv(10)), "z");
});

for (const mode of ["blocking", "timeout"] as const) {
  Deno.test(`connect() drops datagrams from other addresses (${mode})`, async () => {
    using a = bound();
    using peer = bound();
    using other = bound();
    if (mode === "timeout") a.settimeout(5);
    await a.connect(peer.getsockname());
    assert.deepEqual(a.getpeername(), peer.getsockname());
    await other.sendto(enc("stranger"), a.getsockname());
    await peer.sendto(enc("friend"), a.getsockname());
    const [data, from] = await a.recvfrom(64);
    assert.equal(dec(data), "friend");
    assert.deepEqual(from, peer.getsockname());
    await a.send(enc("to peer"));
    assert.equal(dec(await peer.recv(64)), "to peer");
  });
}

Deno.test("connect() resolves localhost and filters by the resolved address", async () => {
  using a = bound();
  using peer = bound();
  await a.connect(["localhost", (peer.getsockname() as number[])[1]]);
  assert.deepEqual(a.getpeername(), peer.getsockname());
  await a.send(enc("hi"));
  const [, from] = await peer.recvfrom(8);
  await peer.sendto(enc("back"), from);
  assert.equal(dec(await a.recv(8)), "back");
});

Deno.test("send() without connect() raises EDESTADDRREQ; getpeername() raises ENOTCONN", async () => {
  using a = udp();
  await assert.rejects(
    a.send(enc("x")),
    (e: socket.OSError) => e.errno === socket.errno.EDESTADDRREQ,
  );
  assert.throws(() => a.getpeername(), (e: socket.OSError) => e.errno === socket.errno.ENOTCONN);
});

Deno.test("a timed-out recvfrom() loses no datagram and keeps the order", async () => {
  using a = bound();
  using b = bound();
  a.settimeout(0.02);
  await assert.rejects(a.recvfrom(64), socket.timeout);
  await assert.rejects(a.recvfrom(64), socket.TimeoutError);
  for (const w of ["one", "two", "three"]) await b.sendto(enc(w), a.getsockname());
  a.settimeout(null);
  const got = [];
  for (let i = 0; i < 3; i++) got.push(dec((await a.recvfrom(64))[0]));
  assert.deepEqual(got, ["one", "two", "three"]);
});

Deno.test("non-blocking recvfrom() raises BlockingIOError when nothing is queued, then returns the datagram", async () => {
  using a = bound();
  using b = bound();
  a.setblocking(false);
  await assert.rejects(
    a.recvfrom(64),
    (e: socket.OSError) => e instanceof socket.BlockingIOError && e.errno === socket.errno.EAGAIN,
  );
  await b.sendto(enc("late"), a.getsockname());
  // select() waits as Python's does (a bare poll's pending receive keeps nobody alive).
  assert.deepEqual((await select.select([a], [], [], 5))[0], [a]);
  assert.equal(pollOf(a)!.readable(), true);
  const [data] = await a.recvfrom(64);
  assert.equal(dec(data), "late");
  await assert.rejects(a.recvfrom(64), socket.BlockingIOError);
  await assert.rejects(a.recv(64, socket.MSG_DONTWAIT), socket.BlockingIOError);
});

Deno.test("MSG_DONTWAIT makes one call non-blocking on a blocking socket", async () => {
  using a = bound();
  assert.equal(a.getblocking(), true);
  await assert.rejects(a.recvfrom(8, socket.MSG_DONTWAIT), socket.BlockingIOError);
});

Deno.test("MSG_PEEK returns a datagram without consuming it", async () => {
  using a = bound();
  using b = bound();
  await b.sendto(enc("peekaboo"), a.getsockname());
  const [peeked, from] = await a.recvfrom(4, socket.MSG_PEEK);
  assert.equal(dec(peeked), "peek");
  assert.deepEqual(from, b.getsockname());
  assert.equal(dec((await a.recvfrom(64))[0]), "peekaboo");
});

Deno.test("concurrent recvfrom() calls are served in call order", async () => {
  using a = bound();
  using b = bound();
  const pending = [a.recvfrom(8), a.recvfrom(8), a.recvfrom(8)];
  for (const w of ["1", "2", "3"]) await b.sendto(enc(w), a.getsockname());
  const got = await Promise.all(pending);
  assert.deepEqual(got.map(([d]) => dec(d)), ["1", "2", "3"]);
});

Deno.test("concurrent sendto() calls keep call order, even behind a name lookup", async () => {
  using a = bound();
  using b = udp();
  const port = (a.getsockname() as number[])[1];
  const sends = [b.sendto(enc("0"), ["localhost", port])];
  for (let i = 1; i < 6; i++) sends.push(b.sendto(enc(String(i)), ["127.0.0.1", port]));
  assert.deepEqual(await Promise.all(sends), [1, 1, 1, 1, 1, 1]);
  const got = [];
  for (let i = 0; i < 6; i++) got.push(dec(await a.recv(4)));
  assert.deepEqual(got, ["0", "1", "2", "3", "4", "5"]);
});

for (const mode of ["blocking", "timeout"] as const) {
  Deno.test(`10,000 datagrams from one sender arrive once each, in order (${mode})`, async () => {
    const TOTAL = 10_000;
    const WINDOW = 64;
    using a = bound();
    using b = bound();
    if (mode === "timeout") a.settimeout(10);
    const dest = a.getsockname();
    let received = 0;
    let wake = null as (() => void) | null;
    const reader = (async () => {
      const buf = new Uint8Array(8);
      const view = new DataView(buf.buffer);
      for (let i = 0; i < TOTAL; i++) {
        const [n] = await a.recvfrom_into(buf);
        assert.equal(n, 4);
        assert.equal(view.getUint32(0), i, `datagram ${i} out of order`);
        received++;
        if (wake && received % WINDOW === 0) wake();
      }
    })();
    const out = new Uint8Array(4);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < TOTAL; i++) {
      if (i - received >= WINDOW) await new Promise<void>((r) => wake = r);
      wake = null;
      outView.setUint32(0, i);
      await b.sendto(out, dest);
    }
    await reader;
    assert.equal(received, TOTAL);
    a.setblocking(false);
    await assert.rejects(a.recvfrom(8), socket.BlockingIOError);
  });
}

Deno.test("listen() and accept() raise EOPNOTSUPP", async () => {
  using a = udp();
  assert.throws(() => a.listen(5), (e: socket.OSError) => e.errno === socket.errno.EOPNOTSUPP);
  await assert.rejects(a.accept(), (e: socket.OSError) => e.errno === socket.errno.EOPNOTSUPP);
});

Deno.test("sendto() rejects string data and malformed addresses", async () => {
  using a = udp();
  await assert.rejects(
    a.sendto("hello" as unknown as Uint8Array, ["127.0.0.1", 9]),
    { name: "TypeError", message: "a bytes-like object is required, not 'string'" },
  );
  await assert.rejects(a.sendto(enc("x"), "127.0.0.1:9"), TypeError);
  await assert.rejects(a.sendto(enc("x"), ["127.0.0.1"] as unknown as socket.Address), TypeError);
  await assert.rejects(a.sendto(enc("x"), ["127.0.0.1", 70000]), {
    name: "RangeError",
    message: "Cannot sendto: port must be 0-65535: current value is 70000",
  });
  await assert.rejects(a.sendto(enc("x"), ["no-such-host.invalid", 9]), socket.gaierror);
  await assert.rejects(a.recvfrom(-1), RangeError);
  assert.equal(a.getsockname()[1], 0, "nothing was bound by the failed calls");
});

Deno.test("an IPv4 literal on an AF_INET6 socket raises gaierror", async () => {
  using s = udp(socket.AF_INET6);
  await assert.rejects(s.sendto(enc("x"), ["127.0.0.1", 9]), socket.gaierror);
});

Deno.test("sendto() of a datagram too large raises OSError EMSGSIZE", async () => {
  using a = bound();
  await assert.rejects(
    a.sendto(new Uint8Array(70_000), a.getsockname()),
    (e: socket.OSError) => e.errno === socket.errno.EMSGSIZE && e.cause instanceof Error,
  );
});

Deno.test("sendto() to port 0 raises OSError EINVAL, as Linux does", async () => {
  using a = bound();
  await assert.rejects(
    a.sendto(enc("x"), ["127.0.0.1", 0]),
    (e: socket.OSError) => e instanceof socket.OSError && e.errno === socket.errno.EINVAL,
  );
});

Deno.test("bind() twice raises EINVAL; a port in use raises EADDRINUSE", () => {
  using a = bound();
  assert.throws(
    () => a.bind(["127.0.0.1", 0]),
    (e: socket.OSError) => e.errno === socket.errno.EINVAL,
  );
  using b = udp();
  assert.throws(
    () => b.bind(a.getsockname()),
    (e: socket.OSError) => e.errno === socket.errno.EADDRINUSE,
  );
});

Deno.test("SO_REUSEADDR before bind() lets two sockets share a port", () => {
  using a = udp();
  a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  a.bind(["127.0.0.1", 0]);
  using b = udp();
  b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  b.bind(a.getsockname());
  assert.deepEqual(b.getsockname(), a.getsockname());
});

Deno.test('"<broadcast>" maps to 255.255.255.255', async () => {
  using a = udp();
  // As Python: a descriptor (the FFI backend) needs SO_BROADCAST; Deno's sockets have it on.
  a.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1);
  await a.connect(["<broadcast>", 9]);
  assert.deepEqual(a.getpeername(), ["255.255.255.255", 9]);
});

Deno.test("close() fails a pending recvfrom() with EBADF; later calls raise EBADF", async () => {
  const a = bound();
  const pending = a.recvfrom(8);
  a.close();
  a.close();
  await assert.rejects(pending, (e: socket.OSError) => e.errno === socket.errno.EBADF);
  await assert.rejects(
    a.sendto(enc("x"), ["127.0.0.1", 9]),
    (e: socket.OSError) => e.errno === socket.errno.EBADF,
  );
  assert.throws(() => a.getsockname(), (e: socket.OSError) => e.errno === socket.errno.EBADF);
  assert.equal(a.fileno(), -1);
});

Deno.test("close() after a timed-out recvfrom() leaves nothing running", async () => {
  const a = bound();
  a.settimeout(0.01);
  await assert.rejects(a.recvfrom(8), socket.timeout);
  a.close();
  assert.equal(pollOf(a)!.readable(), true);
});

Deno.test("using closes the socket and its handle", async () => {
  let port = 0;
  {
    using a = bound();
    port = (a.getsockname() as number[])[1];
  }
  // node:dgram lets go of the port a timer turn after close(); Deno at once.
  if (testing.backend === "node") await new Promise((r) => setTimeout(r, 20));
  using b = udp();
  b.bind(["127.0.0.1", port]);
  assert.equal((b.getsockname() as number[])[1], port);
  await Promise.resolve();
});

Deno.test("fromDatagramConn() takes the family from the handle; detach() hands it back", async () => {
  const dc = Deno.listenDatagram({ transport: "udp", hostname: "::1", port: 0 });
  const s = socket.fromDatagramConn(dc);
  assert.equal(s.family, socket.AF_INET6);
  assert.equal(s.getsockname()[0], "::1");
  assert.match(Deno.inspect(s), /family=AF_INET6, type=SOCK_DGRAM.*laddr=\('::1', \d+, 0, 0\)/);
  const back = s.detach();
  assert.equal(back, dc);
  assert.equal(s.fileno(), -1);
  dc.close();
  await Promise.resolve();
});

Deno.test("select readiness: readable only once a datagram is queued, which recvfrom() returns", async () => {
  using a = bound();
  using b = bound();
  const poll = pollOf(a)!;
  assert.equal(poll.readable(), false);
  assert.equal(poll.writable(), true);
  const changed = select.select([a], [], [], 5);
  await b.sendto(enc("ready"), a.getsockname());
  assert.deepEqual((await changed)[0], [a]);
  assert.equal(poll.readable(), true);
  assert.equal(poll.readable(), true, "polling consumes nothing");
  assert.equal(dec((await a.recvfrom(16))[0]), "ready");
  assert.equal(poll.readable(), false);
});

Deno.test({
  name: "AF_UNIX: sendto() while a timed-out receive is pending raises a clear OSError",
  // Deno's AF_UNIX datagram handles only: a descriptor sends while it receives.
  ignore: testing.backend === "ffi",
}, async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  using a = unixBound(`${dir}/a.sock`);
  using b = unixBound(`${dir}/b.sock`);
  a.settimeout(0.02);
  await assert.rejects(a.recvfrom(8), socket.timeout);
  assert.equal(pollOf(a)!.writable(), false);
  await assert.rejects(
    a.sendto(enc("x"), `${dir}/b.sock`),
    (e: socket.OSError) => e.errno === socket.errno.EBUSY && /AF_UNIX/.test(e.message),
  );
  a.setblocking(false);
  await assert.rejects(a.sendto(enc("x"), `${dir}/b.sock`), socket.BlockingIOError);
  await b.sendto(enc("wake"), `${dir}/a.sock`);
  a.setblocking(true);
  assert.equal(dec((await a.recvfrom(8))[0]), "wake");
  assert.equal(pollOf(a)!.writable(), true);
  assert.equal(await a.sendto(enc("now"), `${dir}/b.sock`), 3);
  assert.equal(dec(await b.recv(8)), "now");
});

Deno.test({
  name: "AF_UNIX: a send while another task is blocked in recvfrom() raises EBUSY at once",
  ignore: testing.backend === "ffi", // Deno's AF_UNIX datagram handles only
}, async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  using a = unixBound(`${dir}/a.sock`);
  using b = unixBound(`${dir}/b.sock`);
  const receiving = a.recvfrom(8);
  await assert.rejects(
    a.sendto(enc("x"), `${dir}/b.sock`),
    (e: socket.OSError) => e.errno === socket.errno.EBUSY && /receive/.test(e.message),
  );
  await b.sendto(enc("done"), `${dir}/a.sock`);
  assert.equal(dec((await receiving)[0]), "done");
});

Deno.test({
  name: "AF_UNIX: a send waits for a pending receive that completes within the timeout",
  ignore: testing.backend === "ffi", // Deno's AF_UNIX datagram handles only
}, async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  using a = unixBound(`${dir}/a.sock`);
  using b = unixBound(`${dir}/b.sock`);
  a.settimeout(0.01);
  await assert.rejects(a.recvfrom(8), socket.timeout);
  a.settimeout(30);
  const sending = a.sendto(enc("after"), `${dir}/b.sock`);
  await b.sendto(enc("first"), `${dir}/a.sock`);
  assert.equal(await sending, 5);
  assert.equal(dec((await a.recvfrom(8))[0]), "first");
  assert.equal(dec(await b.recv(8)), "after");
});

Deno.test("AF_UNIX: concurrent sends are serialized, none refused", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  using a = udp(socket.AF_UNIX);
  using b = udp(socket.AF_UNIX);
  b.bind(`${dir}/b.sock`);
  // 20 > the kernel's queue of 10 datagrams: later sends wait for the reader.
  const sends = [];
  for (let i = 0; i < 20; i++) sends.push(a.sendto(new Uint8Array([i]), `${dir}/b.sock`));
  const got = [];
  for (let i = 0; i < 20; i++) got.push((await b.recv(4))[0]);
  assert.deepEqual(await Promise.all(sends), new Array(20).fill(1));
  assert.deepEqual(got, [...Array(20).keys()]);
});

for (const family of ["inet", "inet6"] as const) {
  Deno.test(`interop (${family}): a CPython peer echoes our datagrams and sees our address`, async () => {
    const host = family === "inet" ? "127.0.0.1" : "::1";
    const py = python(PY_ECHO, family, host);
    const peerAddr = JSON.parse(await py.lines.next());
    using s = udp(family === "inet" ? socket.AF_INET : socket.AF_INET6);
    s.settimeout(10);
    await s.sendto(enc("ping"), [host, peerAddr[1]]);
    const [data, from] = await s.recvfrom(64);
    assert.equal(dec(data), "echo:ping");
    assert.deepEqual(from.slice(0, 2), [host, peerAddr[1]]);
    const seen = JSON.parse(await py.lines.next());
    assert.deepEqual(seen.slice(0, 2), [host, (s.getsockname() as number[])[1]]);
    await s.sendto(enc("quit"), [host, peerAddr[1]]);
    await py.done();
  });
}

Deno.test("interop (unix): a CPython peer echoes our datagrams and replies to our path", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const py = python(PY_ECHO, "unix", `${dir}/py.sock`);
  assert.equal(JSON.parse(await py.lines.next()), `${dir}/py.sock`);
  using s = udp(socket.AF_UNIX);
  s.bind(`${dir}/deno.sock`);
  s.settimeout(10);
  await s.sendto(enc("ping"), `${dir}/py.sock`);
  const [data, from] = await s.recvfrom(64);
  assert.equal(dec(data), "echo:ping");
  assert.equal(from, `${dir}/py.sock`);
  assert.equal(JSON.parse(await py.lines.next()), `${dir}/deno.sock`);
  await s.sendto(enc("quit"), `${dir}/py.sock`);
  await py.done();
});

Deno.test("interop: a CPython client's datagrams reach recvfrom() with its address", async () => {
  using s = bound();
  const port = (s.getsockname() as number[])[1];
  const py = python(
    `import socket, sys
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(10)
c.sendto(b"from python", ("127.0.0.1", int(sys.argv[1])))
print(c.getsockname()[1])
data, addr = c.recvfrom(1024)
print(data.decode(), addr[1])`,
    String(port),
  );
  const [data, from] = await s.recvfrom(1024);
  assert.equal(dec(data), "from python");
  const pyPort = Number(await py.lines.next());
  assert.deepEqual(from, ["127.0.0.1", pyPort]);
  await s.sendto(enc("from deno"), from);
  assert.equal(await py.lines.next(), `from deno ${port}`);
  await py.done();
});

Deno.test("interop (unix): an unbound CPython sender's address is the empty string", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  using s = udp(socket.AF_UNIX);
  s.bind(`${dir}/deno.sock`);
  const py = python(
    `import socket, sys
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"anon", sys.argv[1])`,
    `${dir}/deno.sock`,
  );
  await py.done();
  const [data, from] = await s.recvfrom(16);
  assert.equal(dec(data), "anon");
  assert.equal(from, "");
});

Deno.test("without --unstable-net, UDP runs on node:dgram; an AF_UNIX datagram socket raises OSError naming the flag", async () => {
  const mod = new URL("../mod.ts", import.meta.url).href;
  const script = `
import * as socket from ${JSON.stringify(mod)};
const out = { listenDatagram: typeof Deno.listenDatagram };
const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
a.bind(["127.0.0.1", 0]);
const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
await b.sendto(new TextEncoder().encode("no flag"), a.getsockname());
const [data, from] = await a.recvfrom(100);
out.got = new TextDecoder().decode(data);
out.from = from[1] === b.getsockname()[1];
out.repr = Deno.inspect(a);
a.close();
b.close();
const u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
try { u.bind("/tmp/pysocket-no-flag-" + Deno.pid); } catch (e) { out.unix = [e.name, e.errno, e.message]; }
u.close();
console.log(JSON.stringify(out));`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", "--ext=ts", script],
    stdout: "piped",
    stderr: "piped",
  });
  const res = await child.output();
  assert.equal(res.code, 0, dec(res.stderr));
  const out = JSON.parse(dec(res.stdout));
  assert.equal(out.listenDatagram, "undefined"); // the flag really is off
  assert.equal(out.got, "no flag");
  assert.equal(out.from, true);
  assert.match(out.repr, /backend=node>$/);
  const [name, errnum, message] = out.unix;
  assert.equal(name, "OSError");
  assert.equal(errnum, socket.errno.EOPNOTSUPP);
  assert.match(message, /--unstable-net/);
});

Deno.test("flags Deno cannot honour raise EOPNOTSUPP naming them; non-integer flags raise TypeError", async () => {
  using a = bound();
  const buf = new Uint8Array(8);
  const named = (name: string) => (e: unknown) =>
    e instanceof socket.OSError && e.errno === socket.errno.EOPNOTSUPP && e.message.includes(name);
  await assert.rejects(a.recvfrom(8, socket.MSG_OOB), named("MSG_OOB"));
  await assert.rejects(a.recv_into(buf, 0, socket.MSG_WAITALL), named("flags 256"));
  await assert.rejects(a.sendto(buf, socket.MSG_MORE, a.getsockname()), named("MSG_MORE"));
  await assert.rejects(
    a.recvfrom_into(buf, 0, "1" as unknown as number),
    (e: unknown) =>
      e instanceof TypeError && /flags must be an integer, not 'string'/.test(String(e)),
  );
});
