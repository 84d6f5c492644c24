// Copyright 2026 the pysocket authors. MIT license.
// The stream-socket hot paths against raw Deno on loopback. Each group has a
// raw-Deno baseline, so `deno bench` prints the ratio of one run:
//
//   deno bench -A bench/tcp_bench.ts
//
// Connections are opened once (top-level await) and closed on unload.

import * as socket from "@pysocket/socket";

const CHUNK = 64 * 1024;
const SMALL = 64;
const LINES = 64;
const N = 2000;

async function rawPair(): Promise<[Deno.TcpConn, Deno.TcpConn]> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  const [a, b] = await Promise.all([Deno.connect({ hostname: "127.0.0.1", port }), l.accept()]);
  l.close();
  a.setNoDelay(true);
  (b as Deno.TcpConn).setNoDelay(true);
  return [a, b as Deno.TcpConn];
}

/** A pysocket socket and the raw Deno connection at its other end. */
async function pyPair(): Promise<[socket.StreamSocket, Deno.TcpConn]> {
  const [a, b] = await rawPair();
  return [socket.fromConn(a), b];
}

const raw = await rawPair(); // [reader/writer, peer]
const py = await pyPair();
const pyTimed = await pyPair();
pyTimed[0].settimeout(5);
const pyNonblock = await pyPair();
pyNonblock[0].setblocking(false);
const rawNonblock = await rawPair();
const pyRecv = await pyPair();
const pyFile = await pyPair();
const rfile = pyFile[0].makefile("rb");

globalThis.addEventListener("unload", () => {
  for (const [a, b] of [raw, rawNonblock]) {
    a.close();
    b.close();
  }
  rfile.close();
  for (const [s, b] of [py, pyTimed, pyNonblock, pyRecv, pyFile]) {
    s.close();
    b.close();
  }
});

const big = new Uint8Array(CHUNK).fill(1);
const small = new Uint8Array(SMALL).fill(2);
const sink = new Uint8Array(CHUNK);
const peerBuf = new Uint8Array(CHUNK);
const lineBlock = new Uint8Array(LINES * SMALL).fill(0x61);
for (let i = SMALL - 1; i < lineBlock.length; i += SMALL) lineBlock[i] = 0x0a;

async function writeAll(c: Deno.Conn, p: Uint8Array): Promise<void> {
  let off = 0;
  while (off < p.length) off += await c.write(off ? p.subarray(off) : p);
}

async function readExactly(c: Deno.Conn, p: Uint8Array, want: number): Promise<void> {
  let got = 0;
  while (got < want) {
    const n = await c.read(p.subarray(got, want));
    if (n === null) throw new Error("unexpected end of stream");
    got += n;
  }
}

// --- recv_into: 64 KiB written by the raw peer, read into a reused buffer ---

Deno.bench({
  name: "raw Deno conn.read(buf)",
  group: "recv_into 64 KiB",
  baseline: true,
  n: N,
  async fn() {
    const w = writeAll(raw[1], big);
    let got = 0;
    while (got < CHUNK) got += (await raw[0].read(sink))!;
    await w;
  },
});

Deno.bench({
  name: "pysocket recv_into(buf)",
  group: "recv_into 64 KiB",
  n: N,
  async fn() {
    const w = writeAll(py[1], big);
    let got = 0;
    while (got < CHUNK) got += await py[0].recv_into(sink);
    await w;
  },
});

Deno.bench({
  name: "pysocket recv_into(buf), timeout 5 s",
  group: "recv_into 64 KiB",
  n: N,
  async fn() {
    const w = writeAll(pyTimed[1], big);
    let got = 0;
    while (got < CHUNK) got += await pyTimed[0].recv_into(sink);
    await w;
  },
});

// --- small reads: per-call overhead shows here, not in 64 KiB ---

Deno.bench({
  name: "raw Deno conn.read(buf)",
  group: "recv_into 64 B",
  baseline: true,
  n: N * 5,
  async fn() {
    await raw[1].write(small);
    let got = 0;
    while (got < SMALL) got += (await raw[0].read(sink))!;
  },
});

Deno.bench({
  name: "pysocket recv_into(buf)",
  group: "recv_into 64 B",
  n: N * 5,
  async fn() {
    await py[1].write(small);
    let got = 0;
    while (got < SMALL) got += await py[0].recv_into(sink);
  },
});

Deno.bench({
  name: "pysocket recv_into(buf), timeout 5 s",
  group: "recv_into 64 B",
  n: N * 5,
  async fn() {
    await pyTimed[1].write(small);
    let got = 0;
    while (got < SMALL) got += await pyTimed[0].recv_into(sink);
  },
});

// --- recv(bufsize): a new array per call, as Python's recv() returns bytes ---

Deno.bench({
  name: "raw Deno conn.read(new Uint8Array(65536))",
  group: "recv 64 KiB",
  baseline: true,
  n: N,
  async fn() {
    const w = writeAll(raw[1], big);
    let got = 0;
    while (got < CHUNK) {
      const b = new Uint8Array(CHUNK);
      const n = (await raw[0].read(b))!;
      got += b.subarray(0, n).length;
    }
    await w;
  },
});

Deno.bench({
  name: "pysocket recv(65536)",
  group: "recv 64 KiB",
  n: N,
  async fn() {
    const w = writeAll(pyRecv[1], big);
    let got = 0;
    while (got < CHUNK) got += (await pyRecv[0].recv(CHUNK)).length;
    await w;
  },
});

// --- recv(1024) of 64 B: the tutorial echo server's call ---

Deno.bench({
  name: "raw Deno conn.read(new Uint8Array(1024))",
  group: "recv(1024) 64 B",
  baseline: true,
  n: N * 5,
  async fn() {
    await raw[1].write(small);
    let got = 0;
    while (got < SMALL) {
      const b = new Uint8Array(1024);
      got += b.subarray(0, (await raw[0].read(b))!).length;
    }
  },
});

Deno.bench({
  name: "pysocket recv(1024)",
  group: "recv(1024) 64 B",
  n: N * 5,
  async fn() {
    await pyRecv[1].write(small);
    let got = 0;
    while (got < SMALL) got += (await pyRecv[0].recv(1024)).length;
  },
});

// --- sendall: 64 KiB, read by the raw peer ---

Deno.bench({
  name: "raw Deno conn.write loop",
  group: "sendall 64 KiB",
  baseline: true,
  n: N,
  async fn() {
    const r = readExactly(raw[1], peerBuf, CHUNK);
    await writeAll(raw[0], big);
    await r;
  },
});

Deno.bench({
  name: "pysocket sendall",
  group: "sendall 64 KiB",
  n: N,
  async fn() {
    const r = readExactly(py[1], peerBuf, CHUNK);
    await py[0].sendall(big);
    await r;
  },
});

Deno.bench({
  name: "pysocket sendall, timeout 5 s",
  group: "sendall 64 KiB",
  n: N,
  async fn() {
    const r = readExactly(pyTimed[1], peerBuf, CHUNK);
    await pyTimed[0].sendall(big);
    await r;
  },
});

Deno.bench({
  name: "raw Deno conn.write",
  group: "sendall 64 B",
  baseline: true,
  n: N * 5,
  async fn() {
    const r = readExactly(raw[1], peerBuf, SMALL);
    await writeAll(raw[0], small);
    await r;
  },
});

Deno.bench({
  name: "pysocket sendall",
  group: "sendall 64 B",
  n: N * 5,
  async fn() {
    const r = readExactly(py[1], peerBuf, SMALL);
    await py[0].sendall(small);
    await r;
  },
});

// --- a read that times out: non-blocking recv with nothing to read ---
// What the wrapper must do by hand in raw Deno: keep one pending read and
// give it one event-loop turn.

let rawPending: Promise<number | null> | null = null;
const rawNbBuf = new Uint8Array(CHUNK);

Deno.bench({
  name: "raw Deno pending read raced with setTimeout(0)",
  group: "timed-out read",
  baseline: true,
  n: N,
  async fn() {
    if (!rawPending) {
      rawPending = rawNonblock[0].read(rawNbBuf);
      rawPending.catch(() => {}); // rejected by the close on unload
    }
    const won = await new Promise<boolean>((resolve) => {
      const id = setTimeout(() => resolve(false), 0);
      const done = () => {
        clearTimeout(id);
        resolve(true);
      };
      rawPending!.then(done, done);
    });
    if (won) throw new Error("nothing was sent");
  },
});

Deno.bench({
  name: "pysocket recv_into, non-blocking: BlockingIOError",
  group: "timed-out read",
  n: N,
  async fn() {
    try {
      await pyNonblock[0].recv_into(sink);
    } catch (e) {
      if (!(e instanceof socket.BlockingIOError)) throw e;
      return;
    }
    throw new Error("nothing was sent");
  },
});

// --- makefile("rb").readline(): 64 lines of 64 bytes per iteration ---

const rawLines = { buf: new Uint8Array(CHUNK), start: 0, end: 0 };

/** A minimal line reader over conn.read, as one would write it by hand. */
async function rawReadline(c: Deno.Conn): Promise<Uint8Array> {
  const s = rawLines;
  for (;;) {
    const i = s.buf.subarray(s.start, s.end).indexOf(0x0a);
    if (i >= 0) {
      const line = s.buf.slice(s.start, s.start + i + 1);
      s.start += i + 1;
      if (s.start === s.end) s.start = s.end = 0;
      return line;
    }
    if (s.start > 0) {
      s.buf.copyWithin(0, s.start, s.end);
      s.end -= s.start;
      s.start = 0;
    }
    const n = await c.read(s.buf.subarray(s.end));
    if (n === null) return s.buf.slice(s.start, s.end);
    s.end += n;
  }
}

Deno.bench({
  name: "raw Deno conn.read + indexOf",
  group: "readline 64 B",
  baseline: true,
  n: N,
  async fn() {
    const w = writeAll(raw[1], lineBlock);
    for (let i = 0; i < LINES; i++) {
      if ((await rawReadline(raw[0])).length !== SMALL) throw new Error("short line");
    }
    await w;
  },
});

Deno.bench({
  name: 'pysocket makefile("rb").readline()',
  group: "readline 64 B",
  n: N,
  async fn() {
    const w = writeAll(pyFile[1], lineBlock);
    for (let i = 0; i < LINES; i++) {
      if ((await rfile.readline()).length !== SMALL) throw new Error("short line");
    }
    await w;
  },
});
