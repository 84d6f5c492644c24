// Copyright 2026 the pysocket authors. MIT license.
// makefile(): binary and text file objects over a stream socket, sharing the
// socket's read buffer with recv() and readable. Each behavioural test runs
// once per family (AF_INET, AF_INET6, AF_UNIX).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { eachFamily, listening, pair, PY_PEER, pyPeerArgs, sleep } from "./_helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
eachFamily(
  "makefile('rb') read(n) waits for n bytes, read() reads to end of stream",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const f = conn.makefile("rb");
    assert.equal(f.mode, "rb");
    const first = f.read(5);
    await cli.sendall(enc.encode("he"));
    await sleep(5);
    await cli.sendall(enc.encode("llo, world"));
    assert.equal(dec.decode(await first), "hello");
    const rest = f.read();
    await cli.sendall(enc.encode("!"));
    await cli.shutdown(socket.SHUT_WR);
    assert.equal(dec.decode(await rest), ", world!");
    assert.equal((await f.read(10)).length, 0);
    assert.equal((await f.read()).length, 0);
    await f.close();
  },
);

eachFamily("makefile('rb') readline(), readline(limit) and readlines()", async (family) => {
  using p = await pair(family);
  const { cli, conn } = p;
  const f = conn.makefile("rb");
  await cli.sendall(enc.encode("one\ntwo\nthree-long-line\nfour\nfive\nsix"));
  await cli.shutdown(socket.SHUT_WR);
  assert.equal(dec.decode(await f.readline()), "one\n");
  assert.equal(dec.decode(await f.readline(3)), "two");
  assert.equal(dec.decode(await f.readline(3)), "\n");
  assert.equal(dec.decode(await f.readline(5)), "three");
  assert.equal(dec.decode(await f.readline()), "-long-line\n");
  assert.deepEqual((await f.readlines()).map((l) => dec.decode(l)), ["four\n", "five\n", "six"]);
  assert.equal((await f.readline()).length, 0);
});

eachFamily("readlines(hint) stops once hint bytes have been read", async (family) => {
  using p = await pair(family);
  const { cli, conn } = p;
  const f = conn.makefile("rb");
  await cli.sendall(enc.encode("aa\nbb\ncc\ndd\n"));
  await cli.shutdown(socket.SHUT_WR);
  assert.deepEqual((await f.readlines(4)).map((l) => dec.decode(l)), ["aa\n", "bb\n"]);
  assert.equal(dec.decode(await conn.recv(100)), "cc\ndd\n");
});

eachFamily("a line split across many small sends is read whole", async (family) => {
  using p = await pair(family);
  const { cli, conn } = p;
  const f = conn.makefile("rb");
  const line = f.readline();
  const text = "a line that arrives a few bytes at a time\n";
  for (let i = 0; i < text.length; i += 3) {
    await cli.sendall(enc.encode(text.slice(i, i + 3)));
    await sleep(1);
  }
  assert.equal(dec.decode(await line), text);
});

eachFamily(
  "async iteration over makefile('r') yields each line until end of stream",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    await cli.sendall(enc.encode("alpha\nbeta\r\ngamma"));
    await cli.shutdown(socket.SHUT_WR);
    const lines: string[] = [];
    for await (const line of conn.makefile("r")) lines.push(line);
    assert.deepEqual(lines, ["alpha\n", "beta\n", "gamma"]);
  },
);

eachFamily(
  "makefile('wb') buffers writes until flush(); buffering=0 sends each write",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const w = cli.makefile("wb");
    assert.equal(await w.write(enc.encode("held")), 4);
    conn.settimeout(0.05);
    await assert.rejects(conn.recv(10), socket.TimeoutError);
    await w.flush();
    conn.settimeout(null);
    assert.equal(dec.decode(await conn.recv(10)), "held");
    const direct = cli.makefile("wb", 0);
    await direct.write(enc.encode("now"));
    assert.equal(dec.decode(await conn.recv(10)), "now");
    // Writes that reach the buffer size are sent without a flush.
    const small = cli.makefile("wb", 16);
    await small.write(enc.encode("0123456789"));
    await small.write(enc.encode("abcdefghij"));
    assert.equal(dec.decode(await conn.recv(20, socket.MSG_WAITALL)), "0123456789abcdefghij");
    await assert.rejects(w.write("text" as unknown as Uint8Array), TypeError);
  },
);

eachFamily("close() flushes the file and leaves the socket open and usable", async (family) => {
  using p = await pair(family);
  const { cli, conn } = p;
  const w = cli.makefile("w");
  await w.write("bye\n");
  await w.close();
  assert.equal(w.closed, true);
  await w.close();
  assert.equal(cli.closed, false);
  assert.equal(dec.decode(await conn.recv(10)), "bye\n");
  await cli.sendall(enc.encode("still open"));
  assert.equal(dec.decode(await conn.recv(20)), "still open");
  await assert.rejects(w.write("more"), RangeError);
  const r = conn.makefile("rb");
  await r.close();
  await assert.rejects(r.readline(), RangeError);
});

eachFamily("makefile('rw') and ('rwb') read and write on one file", async (family) => {
  using p = await pair(family);
  const { cli, conn } = p;
  const a = cli.makefile("rw");
  const b = conn.makefile("rwb");
  await a.write("ping\n");
  await a.flush();
  assert.equal(dec.decode(await b.readline()), "ping\n");
  await b.write(enc.encode("pong\n"));
  await b.flush();
  assert.equal(await a.readline(), "pong\n");
  // A read-only file cannot write, a write-only one cannot read.
  const ro = conn.makefile("r");
  const wo = conn.makefile("w");
  const e1 = await ro.write("x").catch((e) => e);
  assert.ok(e1 instanceof socket.OSError && e1.errno === socket.errno.EBADF);
  const e2 = await wo.readline().catch((e) => e);
  assert.ok(e2 instanceof socket.OSError && e2.errno === socket.errno.EBADF);
});

Deno.test("a bad mode, or a text file's bad encoding or newline, raises RangeError", async () => {
  using s = socket.socket();
  for (const mode of ["x", "rt", "a", "r+", "wx"]) {
    assert.throws(() => s.makefile(mode as "r"), RangeError, mode);
  }
  assert.throws(() => s.makefile("r", null, { encoding: "klingon" }), RangeError);
  assert.throws(() => s.makefile("r", null, { newline: "\n\n" }), RangeError);
  // A binary file ignores them, as Python's socket.makefile() does (file_objects_test.ts).
  const f = s.makefile("rb", null, { encoding: "klingon", newline: "\n\n" });
  assert.equal(f.mode, "rb");
  await f.close();
});

eachFamily("text mode decodes UTF-8 across reads and read(n) counts characters", async (family) => {
  using p = await pair(family);
  const { cli, conn } = p;
  const f = conn.makefile("r");
  const bytes = enc.encode("héllo wörld ✓\nnext");
  const line = f.readline();
  // Split inside the multi-byte characters.
  for (let i = 0; i < bytes.length; i += 2) {
    await cli.sendall(bytes.subarray(i, i + 2));
    await sleep(1);
  }
  assert.equal(await line, "héllo wörld ✓\n");
  await cli.sendall(enc.encode("✓✓"));
  assert.equal(await f.read(6), "next✓✓");
  const w = cli.makefile("w", null, { encoding: "latin-1" });
  await w.write("café\n");
  await w.flush();
  assert.deepEqual(await conn.recv(10), new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]));
});

eachFamily(
  "text mode readline(limit) counts characters, as Python's text files do",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const f = conn.makefile("r");
    await cli.sendall(enc.encode("h\u00e9llo w\u00f6rld\n\u20ac\u20ac\u20ac\n"));
    await cli.shutdown(socket.SHUT_WR);
    // CPython: io.TextIOWrapper(...).readline(3) == "hél"
    assert.equal(await f.readline(3), "h\u00e9l");
    assert.equal(await f.readline(4), "lo w");
    assert.equal(await f.readline(100), "\u00f6rld\n");
    assert.equal(await f.readline(2), "\u20ac\u20ac");
    assert.equal(await f.readline(0), "");
    assert.equal(await f.readline(5), "\u20ac\n");
    assert.equal(await f.readline(5), "");
  },
);

eachFamily(
  "a makefile read waits behind another reader only as long as the socket's timeout",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const pending = conn.recv(100); // a blocking reader holds the read lock
    conn.settimeout(0.05);
    const f = conn.makefile("rb");
    await assert.rejects(f.readline(), socket.TimeoutError);
    conn.setblocking(false);
    await assert.rejects(f.read(1), socket.BlockingIOError);
    await cli.sendall(enc.encode("first\nsecond\n"));
    assert.equal(dec.decode(await pending), "first\nsecond\n");
    await cli.sendall(enc.encode("third\n"));
    conn.settimeout(5);
    assert.equal(dec.decode(await f.readline()), "third\n");
  },
);

eachFamily(
  "text mode newline=None translates \\r\\n and \\r; other newline values as Python",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const universal = conn.makefile("r");
    await cli.sendall(enc.encode("a\r\nb\rc\nd\r"));
    assert.equal(await universal.readline(), "a\n");
    assert.equal(await universal.readline(), "b\n");
    assert.equal(await universal.readline(), "c\n");
    assert.equal(await universal.readline(), "d\n");
    // The "\n" that completes the "\r" above arrives later and is not a new line.
    await cli.sendall(enc.encode("\ne\n"));
    assert.equal(await universal.readline(), "e\n");

    const untranslated = conn.makefile("r", null, { newline: "" });
    await cli.sendall(enc.encode("x\r\ny\rz\n"));
    assert.equal(await untranslated.readline(), "x\r\n");
    assert.equal(await untranslated.readline(), "y\r");
    assert.equal(await untranslated.readline(), "z\n");

    const crlf = conn.makefile("r", null, { newline: "\r\n" });
    await cli.sendall(enc.encode("p\nq\r\n"));
    assert.equal(await crlf.readline(), "p\nq\r\n");

    const w = cli.makefile("w", 0, { newline: "\r\n" });
    await w.write("one\ntwo\n");
    assert.equal(dec.decode(await conn.recv(10, socket.MSG_WAITALL)), "one\r\ntwo\r\n");
  },
);

eachFamily(
  "mixing recv, makefile readline, readable and recv again loses and reorders nothing",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    await cli.sendall(enc.encode("HEAD|line one\nline two\nSTREAMDATA-tail"));
    await cli.shutdown(socket.SHUT_WR);
    assert.equal(dec.decode(await conn.recv(5, socket.MSG_WAITALL)), "HEAD|");
    const f = conn.makefile("rb");
    assert.equal(dec.decode(await f.readline()), "line one\n");
    assert.equal(dec.decode(await f.readline()), "line two\n");
    const reader = conn.readable.getReader({ mode: "byob" });
    const { value } = await reader.read(new Uint8Array(10));
    assert.equal(dec.decode(value), "STREAMDATA");
    reader.releaseLock();
    assert.equal(dec.decode(await conn.recv(100)), "-tail");
    assert.equal((await conn.recv(100)).length, 0);
    assert.equal((await f.readline()).length, 0);
  },
);

eachFamily("two makefile() objects on one socket share one buffer", async (family) => {
  using p = await pair(family);
  const { cli, conn } = p;
  const a = conn.makefile("rb");
  const b = conn.makefile("r");
  await cli.sendall(enc.encode("first\nsecond\nthird\n"));
  assert.equal(dec.decode(await a.readline()), "first\n");
  assert.equal(await b.readline(), "second\n");
  assert.equal(dec.decode(await a.readline()), "third\n");
});

eachFamily("makefile talks to a CPython peer's makefile in both directions", async (family) => {
  using l = listening(family);
  const { srv } = l;
  const py = new Deno.Command("python3", {
    args: [
      "-c",
      `${PY_PEER}
import socket, sys
with peer(sys.argv[1:3]) as s:
    f = s.makefile("rw", encoding="utf-8", newline="")
    f.write("héllo\\r\\nwörld\\n")
    f.flush()
    for line in f:
        f.write(line.upper())
        f.flush()
`,
      ...pyPeerArgs(family, l.addr),
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const [conn] = await srv.accept();
  try {
    const f = conn.makefile("rw", null, { encoding: "utf-8" });
    assert.equal(await f.readline(), "héllo\n");
    assert.equal(await f.readline(), "wörld\n");
    for (const word of ["straße", "ünïcode", "done"]) {
      await f.write(word + "\n");
      await f.flush();
      assert.equal(await f.readline(), word.toUpperCase() + "\n");
    }
    await conn.shutdown(socket.SHUT_WR);
    assert.equal(await f.read(), "");
  } finally {
    conn.close();
    const out = await py.output();
    assert.equal(out.code, 0, dec.decode(out.stderr));
  }
});
