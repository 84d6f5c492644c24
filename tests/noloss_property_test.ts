// Copyright 2026 the pysocket authors. MIT license.
// Property: whatever the sender's chunking and pauses, and whatever mix of
// read operations the receiver uses (recv, recv_into, MSG_PEEK, MSG_WAITALL,
// short timeouts, non-blocking reads, makefile readline, BYOB reads of
// readable), the bytes read equal the bytes sent, in order.

import assert from "node:assert/strict";
import fc from "fast-check";
import * as socket from "../mod.ts";
import { sleep } from "./_helpers.ts";

type Op =
  | { kind: "recv"; n: number }
  | { kind: "recv_into"; n: number }
  | { kind: "peek"; n: number }
  | { kind: "waitall"; n: number }
  | { kind: "timeout"; n: number; ms: number }
  | { kind: "nonblocking"; n: number }
  | { kind: "readline"; limit: number }
  | { kind: "byob"; n: number };

const size = fc.integer({ min: 1, max: 6000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("recv" as const), n: size }),
  fc.record({ kind: fc.constant("recv_into" as const), n: size }),
  fc.record({ kind: fc.constant("peek" as const), n: size }),
  fc.record({ kind: fc.constant("waitall" as const), n: size }),
  fc.record({ kind: fc.constant("timeout" as const), n: size, ms: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant("nonblocking" as const), n: size }),
  fc.record({ kind: fc.constant("readline" as const), limit: fc.integer({ min: -1, max: 500 }) }),
  fc.record({ kind: fc.constant("byob" as const), n: size }),
);

/** Bytes with a newline about every 64 bytes, so readline() has lines to find. */
const payload = fc.uint8Array({ minLength: 0, maxLength: 24_000, size: "max" }).map((a) =>
  a.map((b) => (b % 64 === 0 ? 0x0a : b))
);

const sending = fc.array(
  fc.record({ size: fc.integer({ min: 1, max: 5000 }), pauseMs: fc.integer({ min: 0, max: 3 }) }),
  { minLength: 1, maxLength: 12, size: "max" },
);

interface Result {
  /** The bytes the operation consumed. */
  got: Uint8Array;
  /** What a peek returned. */
  peeked?: Uint8Array;
}

/**
 * Starts one read operation. Everything that depends on the socket's
 * timeout is decided before this returns, so operations can be started
 * back to back.
 */
function start(
  conn: socket.StreamSocket,
  file: socket.SocketFile<Uint8Array>,
  o: Op,
): Promise<Result> {
  const none = new Uint8Array(0);
  switch (o.kind) {
    case "recv":
      return conn.recv(o.n).then((got) => ({ got }));
    case "recv_into": {
      const buf = new Uint8Array(o.n + 8);
      return conn.recv_into(buf, o.n).then((n) => ({ got: buf.subarray(0, n) }));
    }
    case "peek":
      return conn.recv(o.n, socket.MSG_PEEK).then((peeked) => ({ got: none, peeked }));
    case "waitall":
      return conn.recv(o.n, socket.MSG_WAITALL).then((got) => ({ got }));
    case "timeout": {
      conn.settimeout(o.ms / 1000);
      const p = conn.recv(o.n);
      conn.settimeout(null);
      return p.then((got) => ({ got }), (e) => {
        assert.ok(e instanceof socket.TimeoutError, String(e));
        return { got: none };
      });
    }
    case "nonblocking":
      return conn.recv(o.n, socket.MSG_DONTWAIT).then((got) => ({ got }), (e) => {
        assert.ok(e instanceof socket.BlockingIOError, String(e));
        return { got: none };
      });
    case "readline":
      return file.readline(o.limit).then((got) => ({ got }));
    case "byob": {
      const reader = conn.readable.getReader({ mode: "byob" });
      return reader.read(new Uint8Array(o.n)).then((r) => ({ got: r.value ?? none })).finally(
        () => reader.releaseLock(),
      );
    }
  }
}

/** Checks what an operation returned, given the bytes not yet read before it ran. */
function check(o: Op, r: Result, left: Uint8Array): void {
  assert.ok(r.got.length <= left.length, "more bytes read than sent");
  assert.deepEqual(r.got, left.subarray(0, r.got.length));
  switch (o.kind) {
    case "peek":
      assert.ok(r.peeked!.length <= o.n);
      assert.deepEqual(r.peeked, left.subarray(0, r.peeked!.length));
      assert.equal(r.peeked!.length === 0, left.length === 0);
      break;
    case "waitall":
      assert.equal(r.got.length, Math.min(o.n, left.length));
      break;
    case "readline": {
      const nl = left.indexOf(0x0a);
      const lineLen = nl < 0 ? left.length : nl + 1;
      assert.equal(r.got.length, o.limit < 0 ? lineLen : Math.min(lineLen, o.limit));
      break;
    }
    case "recv":
    case "recv_into":
      assert.ok(r.got.length <= o.n);
      assert.equal(r.got.length === 0, left.length === 0);
      break;
    default:
      assert.ok(r.got.length <= o.n);
  }
}

/**
 * Sends `data` in the given chunks with their pauses, reads it with `ops`
 * started `batch` at a time (served in call order), then drains the rest;
 * asserts every byte came back in order.
 */
async function roundTrip(
  data: Uint8Array,
  chunks: { size: number; pauseMs: number }[],
  ops: Op[],
  batch: number,
): Promise<void> {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const cli = await socket.create_connection(srv.getsockname() as socket.IPv4Address);
  const [conn] = await srv.accept();
  const sender = (async () => {
    let off = 0;
    for (let i = 0; off < data.length; i++) {
      const c = chunks[i % chunks.length];
      await cli.sendall(data.subarray(off, off + c.size));
      off += c.size;
      if (c.pauseMs) await sleep(c.pauseMs);
    }
    await cli.shutdown(socket.SHUT_WR);
  })();
  try {
    const file = conn.makefile("rb");
    let pos = 0;
    for (let i = 0; i < ops.length; i += batch) {
      const group = ops.slice(i, i + batch);
      const results = await Promise.all(group.map((o) => start(conn, file, o)));
      group.forEach((o, j) => {
        check(o, results[j], data.subarray(pos));
        pos += results[j].got.length;
      });
    }
    for (let i = 0; i < 100_000; i++) {
      const rest = await conn.recv(8192);
      if (rest.length === 0) break;
      assert.deepEqual(rest, data.subarray(pos, pos + rest.length));
      pos += rest.length;
    }
    assert.equal(pos, data.length);
  } finally {
    await sender;
    for (const s of [srv, cli, conn]) s.close();
  }
}

Deno.test("property: any sender chunking and any mix of reads give back every byte in order", async () => {
  await fc.assert(
    fc.asyncProperty(
      payload,
      sending,
      fc.array(op, { maxLength: 40, size: "max" }),
      (data, chunks, ops) => roundTrip(data, chunks, ops, 1),
    ),
    { numRuns: 35 },
  );
});

Deno.test("property: reads started together are served in call order and lose nothing", async () => {
  // BYOB reads are left out: a stream has one reader at a time.
  const concurrentOp = op.filter((o) => o.kind !== "byob");
  await fc.assert(
    fc.asyncProperty(
      payload,
      sending,
      fc.array(concurrentOp, { maxLength: 40, size: "max" }),
      fc.integer({ min: 2, max: 6 }),
      (data, chunks, ops, batch) => roundTrip(data, chunks, ops, batch),
    ),
    { numRuns: 35 },
  );
});
