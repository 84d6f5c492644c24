// Copyright 2026 the pysocket authors. MIT license.
// The file objects of makefile(), as CPython's own test_socket.py checks
// them (FileObjectClassTestCase, UnbufferedFileObjectClassTestCase and
// their kin): the connection outlives the socket while a file is open, the
// methods and attributes of Python's files, and an unbuffered file on a
// non-blocking socket that answers null rather than raising.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { closeAll, dec, enc, sleep, startPython, tcpTriple } from "./_helpers.ts";

Deno.test("makefile(): a file keeps the connection after the socket is closed, as http.client relies on", async () => {
  await using py = await startPython(`
import socket, sys, time
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
conn.recv(100)
time.sleep(0.2)
conn.sendall(b"HTTP/1.0 200 OK\\r\\n\\r\\nbody after the socket was closed")
conn.shutdown(socket.SHUT_WR)
print(len(conn.recv(100)), flush=True)  # 0: the client closed its file
`);
  const sock = await socket.create_connection(["127.0.0.1", Number(py.line)]);
  await sock.sendall(enc.encode("GET / HTTP/1.0\r\n\r\n"));
  const f = sock.makefile("rb");
  sock.close(); // as http.client does once it has made its response file
  assert.equal(sock.fileno(), -1);
  await assert.rejects(
    sock.recv(1),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.EBADF,
  );
  assert.equal(dec.decode(await f.readline()), "HTTP/1.0 200 OK\r\n");
  assert.equal(dec.decode(await f.readline()), "\r\n");
  assert.equal(dec.decode(await f.read()), "body after the socket was closed");
  assert.equal(f.closed, false);
  await f.close(); // the last holder: now the connection goes
  assert.equal(await py.readLine(), "0");
});

Deno.test("makefile(): the connection stays until every file is closed, and closing files first leaves the socket open", async () => {
  const [srv, cli, conn] = await tcpTriple();
  try {
    const a = conn.makefile("rb");
    const b = conn.makefile("wb");
    conn.close();
    await b.write(enc.encode("still here\n"));
    await b.close();
    assert.equal(dec.decode(await cli.makefile("rb").readline()), "still here\n");
    await cli.sendall(enc.encode("and back\n"));
    assert.equal(dec.decode(await a.readline()), "and back\n");
    await a.close();
    assert.equal(
      (await cli.recv(10)).length,
      0,
      "the peer sees the end once the last file is closed",
    );
    // Files closed before the socket leave it open.
    const [s2, c2, n2] = await tcpTriple();
    const f = n2.makefile("rb");
    await f.close();
    await c2.sendall(enc.encode("x"));
    assert.equal(dec.decode(await n2.recv(1)), "x");
    closeAll(s2, c2, n2);
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("SocketFile: readinto, read1, peek, name, fileno, readable, writable, seekable", async () => {
  const [srv, cli, conn] = await tcpTriple();
  try {
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
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("makefile('rb', 0) is Python's raw SocketIO: one read per call, null when a non-blocking read would wait", async () => {
  const [srv, cli, conn] = await tcpTriple();
  try {
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
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("makefile('wb', 0) on a non-blocking socket: write() resolves the bytes sent, or null, and a retry with the rest sends no byte twice", async () => {
  const [srv, cli, conn] = await tcpTriple();
  try {
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
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("makefile() takes Python's None for encoding, errors and newline in binary mode, and refuses real ones", async () => {
  const [srv, cli, conn] = await tcpTriple();
  try {
    for (const buffering of [0, -1, null]) {
      const f = conn.makefile("rb", buffering, { encoding: null, errors: null, newline: null });
      assert.equal(f.mode, "rb");
      await f.close();
    }
    assert.throws(() => conn.makefile("rb", -1, { encoding: "utf-8" }), RangeError);
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("SocketFile.readline() that timed out keeps the half line: the next readline() returns it whole", async () => {
  const [srv, cli, conn] = await tcpTriple();
  try {
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
  } finally {
    closeAll(srv, cli, conn);
  }
});
