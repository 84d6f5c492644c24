// Copyright 2026 the pysocket authors. MIT license.
// The engines under the sockets, driven by scripted transports where a real
// socket cannot show the behaviour: what the reader copies, whatever size
// the transport's reads come back in; what a read does with a failure after
// some bytes; what the writer does with a write that outlives its deadline.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { Reader } from "../_stream/reader.ts";
import { testing } from "../_common/testing.ts";

const stats = testing.reader;
import { Writer } from "../_stream/writer.ts";
import { NONBLOCK, type Want } from "../_common/deadline.ts";
import { deno } from "../_transport/deno.ts";
import { node } from "../_transport/node.ts";
import { TlsTransport } from "../_transport/tls.ts";
import type { StreamTransport } from "../_transport/types.ts";
import { concat } from "./_helpers.ts";

const MiB = 1024 * 1024;

/** A stream transport that returns `data` in pieces of at most `piece` bytes, then end of stream. */
class Pieces {
  readonly localAddr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 1 };
  readonly remoteAddr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 2 };
  #data: Uint8Array;
  #off = 0;
  #piece: number;
  /** Fails every read once the data is used up, instead of ending the stream. */
  failAtEnd: Error | null = null;
  reads = 0;

  constructor(data: Uint8Array, piece: number) {
    this.#data = data;
    this.#piece = piece;
  }

  read(p: Uint8Array): Promise<number | null> {
    this.reads++;
    if (this.#off >= this.#data.length) {
      return this.failAtEnd ? Promise.reject(this.failAtEnd) : Promise.resolve(null);
    }
    const n = Math.min(p.length, this.#piece, this.#data.length - this.#off);
    p.set(this.#data.subarray(this.#off, this.#off + n));
    this.#off += n;
    return Promise.resolve(n);
  }

  write(p: Uint8Array): Promise<number> {
    return Promise.resolve(p.length);
  }

  closeWrite(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}
}

function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 12)) & 0xff;
  return out;
}

for (const [label, timeout] of [["blocking", null], ["with a timeout", 30]] as const) {
  for (const size of [64 * 1024, 4 * MiB, 32 * MiB]) {
    Deno.test(`makefile('rb').read(${size}) ${label} copies at most 3 × N bytes when reads come back in 1 KiB pieces`, async () => {
      const N = 32 * MiB;
      const data = pattern(N);
      using sock = socket.fromConn(new Pieces(data, 1024) as unknown as Deno.Conn);
      sock.settimeout(timeout);
      const f = sock.makefile("rb");
      const before = stats.copied;
      let off = 0;
      for (;;) {
        const chunk = await f.read(size);
        if (chunk.length === 0) break;
        assert.ok(chunk.length <= size);
        assert.deepEqual(chunk, data.subarray(off, off + chunk.length));
        off += chunk.length;
      }
      assert.equal(off, N);
      const copied = stats.copied - before;
      assert.ok(copied <= 3 * N, `copied ${copied} bytes for ${N}`);
    });
  }
}

Deno.test("makefile('rb').read() and readline() stay linear in what they copy", async () => {
  const N = 8_000_000;
  const data = pattern(N).map((b, i) => (i % 100 === 99 ? 0x0a : b === 0x0a ? 0x0b : b));
  {
    using sock = socket.fromConn(new Pieces(data, 1024) as unknown as Deno.Conn);
    const before = stats.copied;
    assert.deepEqual(await sock.makefile("rb").read(), data);
    assert.ok(stats.copied - before <= 4 * N, `read(): copied ${stats.copied - before}`);
  }
  {
    using sock = socket.fromConn(new Pieces(data, 1000) as unknown as Deno.Conn);
    const f = sock.makefile("rb");
    const before = stats.copied;
    let lines = 0;
    for await (const line of f) {
      assert.equal(line.length, 100);
      lines++;
    }
    assert.equal(lines, N / 100);
    assert.ok(stats.copied - before <= 3 * N, `readline(): copied ${stats.copied - before}`);
  }
});

Deno.test("Reader.readExactly() returns the bytes before a failure; the next read raises it, then reads end of stream", async () => {
  const src = new Pieces(pattern(5000), 700);
  src.failAtEnd = new Deno.errors.ConnectionReset("reset");
  const reader = new Reader(src);
  const p = new Uint8Array(8000);
  assert.equal(await reader.readExactly(p, null, "recv"), 5000);
  assert.deepEqual(p.subarray(0, 5000), pattern(5000));
  await assert.rejects(reader.read(new Uint8Array(10), null, "recv"), Deno.errors.ConnectionReset);
  assert.equal(await reader.read(new Uint8Array(10), null, "recv"), 0);
});

Deno.test("Reader.read() with a deadline keeps what its fill brings after the deadline for the next read", async () => {
  let deliver!: (n: number | null) => void;
  let into!: Uint8Array;
  const src = {
    read(p: Uint8Array): Promise<number | null> {
      into = p;
      return new Promise((resolve) => (deliver = resolve));
    },
  };
  const reader = new Reader(src);
  await assert.rejects(reader.read(new Uint8Array(4), NONBLOCK, "recv"), socket.BlockingIOError);
  assert.equal(reader.ready, false);
  assert.equal(reader.busy, true, "the fill is still under way");
  into.set([1, 2, 3]);
  deliver(3);
  await reader.prefetch();
  assert.equal(reader.ready, true);
  const p = new Uint8Array(4);
  assert.equal(await reader.read(p, NONBLOCK, "recv"), 3);
  assert.deepEqual(p.subarray(0, 3), new Uint8Array([1, 2, 3]));
});

Deno.test("Reader.prefetch() grows the buffer to what a timed read asks for, in one fill", async () => {
  const src = new Pieces(pattern(200_000), 1 << 30);
  const reader = new Reader(src);
  const p = new Uint8Array(100_000);
  assert.equal(await reader.read(p, performance.now() + 10_000, "recv"), 100_000);
  assert.equal(src.reads, 1);
});

Deno.test("Writer: a timed write the transport has not finished counts as sent, finishes in the background, and idle() waits for it without writing", async () => {
  const writes: Uint8Array[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sink = {
    async write(p: Uint8Array): Promise<number> {
      if (writes.length === 0) await gate;
      writes.push(p.slice());
      return p.length;
    },
  };
  const writer = new Writer(sink);
  // The fake sink has no I/O to keep the event loop alive, and deadline timers are unref'd.
  const alive = setInterval(() => {}, 60_000);
  using _alive = { [Symbol.dispose]: () => clearInterval(alive) };
  const data = new Uint8Array([1, 2, 3, 4]);
  await writer.writeAll(data, performance.now() + 20, "sendall");
  assert.equal(writer.ready, false, "the copy is still being written");
  data.fill(9); // the caller may reuse its buffer: the writer wrote a copy
  const idle = writer.idle();
  release();
  await idle;
  assert.equal(writer.ready, true);
  assert.deepEqual(writes, [new Uint8Array([1, 2, 3, 4])]);
  await writer.writeAll(new Uint8Array([5]), null, "sendall");
  assert.deepEqual(writes[1], new Uint8Array([5]));
});

Deno.test("makefile('rb').readline() lines keep their bytes through every later fill, compaction and growth", async () => {
  // Lines of every length 1..300, so line ends fall everywhere in the buffer.
  const lines: Uint8Array[] = [];
  for (let i = 0; i < 20_000; i++) {
    const len = 1 + (i * 37) % 300;
    const line = new Uint8Array(len).map((_, j) => 0x20 + ((i + j) % 90));
    line[len - 1] = 0x0a;
    lines.push(line);
  }
  for (const piece of [1000, 64 * 1024]) {
    using sock = socket.fromConn(new Pieces(concat(lines), piece) as unknown as Deno.Conn);
    sock.settimeout(piece === 1000 ? null : 30);
    const f = sock.makefile("rb");
    const got: Uint8Array[] = [];
    for (;;) {
      const line = await f.readline();
      if (line.length === 0) break;
      got.push(line);
    }
    assert.equal(got.length, lines.length);
    for (let i = 0; i < lines.length; i++) assert.deepEqual(got[i], lines[i], `line ${i}`);
  }
});

Deno.test("Reader and Writer pass the transport's errors through as they are, blocking or timed", async () => {
  const failure = socket.oserror(socket.errno.ECONNRESET);
  const src = { read: (_p: Uint8Array) => Promise.reject(failure) };
  const sink = { write: (_p: Uint8Array) => Promise.reject(failure) };
  for (const deadline of [null, performance.now() + 10_000]) {
    const reader = new Reader(src);
    const err = await reader.read(new Uint8Array(4), deadline, "recv").catch((e) => e);
    assert.equal(err, failure, "the very error the transport threw");
    const writer = new Writer(sink);
    assert.equal(
      await writer.writeAll(new Uint8Array(4), deadline, "sendall").catch((e) => e),
      failure,
    );
  }
});

Deno.test("Reader and Writer raise what their would-block maker makes, going their own way", async () => {
  const made: [Want, string][] = [];
  const blocked = (want: Want, op: string) => {
    made.push([want, op]);
    return new Error(`wants to ${want}`);
  };
  const reader = new Reader({ read: () => new Promise<number | null>(() => {}) }, blocked);
  await assert.rejects(reader.read(new Uint8Array(4), NONBLOCK, "recv"), /wants to read/);
  // A sink whose write never ends: the first timed write is accepted for the background.
  const writer = new Writer({ write: () => new Promise<number>(() => {}) }, blocked);
  await writer.writeAll(new Uint8Array(4), NONBLOCK, "sendall");
  await assert.rejects(
    writer.writeAll(new Uint8Array(4), NONBLOCK, "send"),
    /wants to write/,
  );
  assert.deepEqual(made, [["read", "recv"], ["write", "send"]]);
  // Without one: Python's BlockingIOError.
  const plain = new Reader({ read: () => new Promise<number | null>(() => {}) });
  await assert.rejects(plain.read(new Uint8Array(4), NONBLOCK, "recv"), socket.BlockingIOError);
});

Deno.test("a read pending when its transport is closed fails with EBADF on Deno's, node:net's and TLS's transports", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const target = { transport: "tcp" as const, hostname: "127.0.0.1", port: listener.addr.port };
  const tls = (inner: StreamTransport) =>
    new TlsTransport(inner, {
      serverSide: false,
      serverName: "localhost",
      verify: 0,
    });
  for (
    const [name, make] of [
      ["deno", () => deno.connect(target)],
      ["node", () => node.connect(target)],
      ["tls", async () => tls(await deno.connect(target))],
    ] as const
  ) {
    const t = await make();
    const peer = await listener.accept();
    const pending = t.read(new Uint8Array(8));
    await new Promise((r) => setTimeout(r, 20));
    t.close();
    const err = await pending.catch((e) => e);
    assert.ok(err instanceof socket.OSError, `${name}: ${err}`);
    assert.equal(err.errno, socket.errno.EBADF, name);
    assert.equal(err.message, "[Errno 9] Bad file descriptor", name);
    await assert.rejects(
      t.read(new Uint8Array(8)),
      (e: socket.OSError) => e.errno === socket.errno.EBADF,
      name,
    );
    peer.close();
  }
});
