// Copyright 2026 the pysocket authors. MIT license.
// The file objects of makefile(), as CPython's own test_socket.py checks
// them (FileObjectClassTestCase, UnbufferedFileObjectClassTestCase and
// their kin): the socket outlives close() while a file is open (Python's
// _io_refs), the methods and attributes of Python's files, binary files that
// ignore text arguments, and an unbuffered file on a non-blocking socket
// that answers null rather than raising. Each behavioural test runs once per
// family (AF_INET, AF_INET6, AF_UNIX).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import {
  connectTo,
  dec,
  eachFamily,
  enc,
  familyName,
  isOSError,
  pair,
  place,
  sleep,
  startPython,
} from "./_helpers.ts";

eachFamily(
  "makefile(): a file keeps the connection after the socket is closed, as http.client relies on",
  async (family) => {
    using where = place(family);
    await using py = await startPython(
      `
import json, socket, sys, time
srv = socket.socket(getattr(socket, sys.argv[1]))
addr = json.loads(sys.argv[2])
srv.bind(tuple(addr) if isinstance(addr, list) else addr)
srv.listen()
print(json.dumps(srv.getsockname()), flush=True)
conn, _ = srv.accept()
conn.recv(100)
time.sleep(0.2)
conn.sendall(b"HTTP/1.0 200 OK\\r\\n\\r\\nbody after the socket was closed")
conn.shutdown(socket.SHUT_WR)
print(len(conn.recv(100)), flush=True)  # 0: the client closed its file
`,
      [familyName(family), JSON.stringify(where.address)],
    );
    const sock = await connectTo(family, JSON.parse(py.line));
    await sock.sendall(enc.encode("GET / HTTP/1.0\r\n\r\n"));
    const f = sock.makefile("rb");
    const fd = sock.fileno();
    sock.close(); // as http.client does once it has made its response file
    assert.equal(sock.fileno(), fd, "Python's socket keeps its fd while a file holds it");
    assert.equal(dec.decode(await f.readline()), "HTTP/1.0 200 OK\r\n");
    assert.equal(dec.decode(await f.readline()), "\r\n");
    assert.equal(dec.decode(await f.read()), "body after the socket was closed");
    assert.equal(f.closed, false);
    await f.close(); // the last holder: now the connection goes
    assert.equal(sock.fileno(), -1);
    await assert.rejects(
      sock.recv(1),
      (e) => e instanceof socket.OSError && e.errno === socket.errno.EBADF,
    );
    assert.equal(await py.readLine(), "0");
  },
);

for (const [kind, buffering] of [["buffered", -1], ["unbuffered", 0]] as const) {
  eachFamily(
    `close() with a${
      kind === "buffered" ? "" : "n"
    } ${kind} file open leaves the socket open and usable until the file closes, as Python's`,
    async (family) => {
      using p = await pair(family);
      const { cli, conn } = p;
      const fd = conn.fileno();
      const f = conn.makefile("rb", buffering);
      conn.close();
      conn.close(); // as often as Python allows: still only marked
      // CPython: close() sets _closed, but while _io_refs > 0 the socket stays
      // open: fileno(), recv(), send() and makefile() work as before.
      assert.equal(conn.fileno(), fd);
      await cli.sendall(enc.encode("hello"));
      assert.equal(dec.decode(await conn.recv(10)), "hello");
      await conn.sendall(enc.encode("back"));
      assert.equal(dec.decode(await cli.recv(10)), "back");
      const g = conn.makefile("rb");
      await g.close(); // not the last file: the socket stays
      assert.equal(conn.fileno(), fd);
      await cli.sendall(enc.encode("line\n"));
      assert.equal(dec.decode((await f.readline())!), "line\n");
      await f.close(); // the last file: now close() takes effect
      assert.equal(conn.fileno(), -1);
      assert.equal(conn.closed, true);
      await assert.rejects(conn.recv(1), isOSError(socket.errno.EBADF));
      await assert.rejects(conn.sendall(enc.encode("x")), isOSError(socket.errno.EBADF));
      assert.throws(() => conn.makefile("rb"), isOSError(socket.errno.EBADF));
      assert.equal((await cli.recv(10)).length, 0, "the peer reads end of stream");
    },
  );
}

eachFamily(
  "close() then closing the last of several files closes the connection: a CPython peer reads EOF",
  async (family) => {
    using where = place(family);
    await using py = await startPython(
      `
import json, socket, sys
srv = socket.socket(getattr(socket, sys.argv[1]))
addr = json.loads(sys.argv[2])
srv.bind(tuple(addr) if isinstance(addr, list) else addr)
srv.listen()
print(json.dumps(srv.getsockname()), flush=True)
conn, _ = srv.accept()
conn.sendall(b"ping\\n")
print(conn.recv(100).decode().strip(), flush=True)
print(len(conn.recv(100)), flush=True)  # 0 once the last file is closed
`,
      [familyName(family), JSON.stringify(where.address)],
    );
    const sock = await connectTo(family, JSON.parse(py.line));
    const r = sock.makefile("rb", 0);
    const w = sock.makefile("w");
    sock.close();
    assert.equal(dec.decode((await r.readline())!), "ping\n");
    await r.close();
    await w.write("pong\n");
    await w.flush();
    assert.equal(await py.readLine(), "pong");
    assert.notEqual(sock.fileno(), -1, "one file still holds the socket");
    await w.close();
    assert.equal(sock.fileno(), -1);
    assert.equal(await py.readLine(), "0");
  },
);

eachFamily(
  "makefile(): the connection stays until every file is closed, and closing files first leaves the socket open",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const a = conn.makefile("rb");
    const b = conn.makefile("wb");
    conn.close();
    await b.write(enc.encode("still here\n"));
    await b.close();
    const cf = cli.makefile("rb");
    assert.equal(dec.decode(await cf.readline()), "still here\n");
    await cf.close();
    await cli.sendall(enc.encode("and back\n"));
    assert.equal(dec.decode(await a.readline()), "and back\n");
    await a.close();
    assert.equal(
      (await cli.recv(10)).length,
      0,
      "the peer sees the end once the last file is closed",
    );
    // Files closed before the socket leave it open.
    using q = await pair(family);
    const f = q.conn.makefile("rb");
    await f.close();
    await q.cli.sendall(enc.encode("x"));
    assert.equal(dec.decode(await q.conn.recv(1)), "x");
  },
);

eachFamily(
  "SocketFile: readinto, read1, peek, name, fileno, readable, writable, seekable",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const f = conn.makefile("rwb");
    assert.equal(f.name, conn.fileno());
    assert.equal(f.fileno(), conn.fileno());
    assert.equal(f.readable(), true);
    assert.equal(f.writable(), true);
    assert.equal(f.seekable(), false);
    await cli.sendall(enc.encode("abcdefgh"));
    assert.equal(dec.decode(await f.peek(1)).startsWith("a"), true);
    assert.equal(dec.decode(await f.peek()).startsWith("a"), true, "peek consumes nothing");
    const four = new Uint8Array(4);
    assert.equal(await f.readinto(four), 4);
    assert.equal(dec.decode(four), "abcd");
    assert.equal(dec.decode(await f.read1(100)), "efgh", "read1: what is there, at most one read");
    // A buffered readinto fills the buffer, waiting for the rest.
    const six = new Uint8Array(6);
    const filling = f.readinto(six);
    await cli.sendall(enc.encode("ijk"));
    await sleep(20);
    await cli.sendall(enc.encode("lmn"));
    assert.equal(await filling, 6);
    assert.equal(dec.decode(six), "ijklmn");
    await cli.shutdown(socket.SHUT_WR);
    assert.equal(await f.readinto(six), 0);
    assert.equal((await f.read1(10)).length, 0);
    await f.close();
    assert.throws(() => f.fileno(), socket.ValueError);
    assert.throws(() => f.readable(), socket.ValueError);
    await assert.rejects(f.read(1), socket.ValueError);
    const text = conn.makefile("r");
    await assert.rejects(text.readinto(new Uint8Array(1)), TypeError);
    await text.close();
  },
);

eachFamily(
  "makefile('rb', 0) is Python's raw SocketIO: one read per call, null when a non-blocking read would wait",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const raw = conn.makefile("rb", 0);
    await cli.sendall(enc.encode("abc"));
    assert.equal(dec.decode((await raw.read(100))!), "abc", "what has arrived, not 100 bytes");
    conn.setblocking(false);
    assert.equal(await raw.read(10), null);
    assert.equal(await raw.readinto(new Uint8Array(10)), null);
    await cli.sendall(enc.encode("xyz"));
    await sleep(20);
    const buf = new Uint8Array(10);
    assert.equal(await raw.readinto(buf), 3);
    assert.equal(dec.decode(buf.subarray(0, 3)), "xyz");
    await raw.close();
  },
);

eachFamily(
  "makefile('wb', 0) on a non-blocking socket: write() resolves the bytes sent, or null, and a retry with the rest sends no byte twice",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    cli.setblocking(false);
    const raw = cli.makefile("wb", 0);
    const data = new Uint8Array(8 << 20).map((_, i) => i * 7);
    let off = 0;
    let nulls = 0;
    const reading = (async () => {
      const got = new Uint8Array(data.length);
      let n = 0;
      await sleep(50); // let the writer fill the buffers first
      while (n < got.length) {
        const k = await conn.recv_into(got.subarray(n));
        if (k === 0) break;
        n += k;
      }
      return got.subarray(0, n);
    })();
    for (let i = 0; off < data.length && i < 100_000; i++) {
      const n = await raw.write(data.subarray(off));
      if (n === null) {
        nulls++;
        await sleep(1);
      } else off += n;
    }
    assert.equal(off, data.length);
    assert.ok(nulls > 0, "the buffers filled up at least once");
    cli.setblocking(true);
    await cli.shutdown(socket.SHUT_WR);
    assert.deepEqual(await reading, data, "every byte once, in order");
  },
);

eachFamily(
  "makefile() in binary mode ignores encoding, errors and newline, None or not, as Python's",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    for (const buffering of [0, -1, null]) {
      const f = conn.makefile("rb", buffering, { encoding: null, errors: null, newline: null });
      assert.equal(f.mode, "rb");
      await f.close();
    }
    // CPython: sock.makefile("rb", -1, encoding="utf-8", errors="strict", newline=None)
    // is a BufferedReader of bytes; the text arguments are never looked at.
    const f = conn.makefile("rb", -1, { encoding: "utf-8", errors: "strict", newline: null });
    assert.equal(f.mode, "rb");
    const bytes = new Uint8Array([0xc3, 0xa9, 0xff, 0x0d, 0x0a]); // "é", a byte no UTF-8 has, CRLF
    await cli.sendall(bytes);
    assert.deepEqual(await f.readline(), bytes, "bytes, neither decoded nor newline-translated");
    await f.close();
    // Even values a text file would refuse.
    for (const buffering of [0, -1]) {
      const g = conn.makefile("rwb", buffering, { encoding: "klingon", errors: "x", newline: "?" });
      await g.write(enc.encode("ok\r"));
      await g.flush();
      assert.equal(dec.decode(await cli.recv(10)), "ok\r");
      await g.close();
    }
  },
);

eachFamily(
  "SocketFile.readline() that timed out keeps the half line: the next readline() returns it whole",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    conn.settimeout(0.2);
    const f = conn.makefile("rb");
    await cli.sendall(enc.encode("first half, "));
    await assert.rejects(f.readline(), (e) => e instanceof socket.timeout);
    await cli.sendall(enc.encode("second half\nnext\n"));
    assert.equal(dec.decode(await f.readline()), "first half, second half\n");
    assert.equal(dec.decode(await f.readline()), "next\n");
    await f.close();
    // A text file, with the timeout between the two bytes of one character.
    const text = conn.makefile("r", null, { encoding: "utf-8" });
    await cli.sendall(new Uint8Array([0x63, 0x61, 0x66, 0xc3])); // "caf" and half of "é"
    await assert.rejects(text.readline(), (e) => e instanceof socket.timeout);
    await cli.sendall(new Uint8Array([0xa9, 0x0a]));
    assert.equal(await text.readline(), "café\n");
    await text.close();
  },
);
