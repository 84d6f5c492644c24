// Copyright 2026 the pysocket authors. MIT license.
// recv()/send() flags (MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, unsupported
// ones), concurrent reads and writes, and a 16 MiB payload checked by SHA-256.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { closeAll, sleep, tcpTriple as pair } from "./_helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out: Uint8Array<ArrayBuffer> = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("MSG_PEEK returns bytes without consuming them", async () => {
  const [srv, cli, conn] = await pair();
  try {
    await cli.sendall(enc.encode("peekaboo"));
    assert.equal(dec.decode(await conn.recv(4, socket.MSG_PEEK)), "peek");
    assert.equal(dec.decode(await conn.recv(4, socket.MSG_PEEK)), "peek");
    const into = new Uint8Array(3);
    assert.equal(await conn.recv_into(into, 0, socket.MSG_PEEK), 3);
    assert.equal(dec.decode(into), "pee");
    assert.equal(dec.decode(await conn.recv(4)), "peek");
    assert.equal(dec.decode(await conn.recv(100)), "aboo");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("MSG_PEEK waits for the first byte, and with a timeout throws and consumes nothing", async () => {
  const [srv, cli, conn] = await pair();
  try {
    conn.settimeout(0.02);
    await assert.rejects(conn.recv(10, socket.MSG_PEEK), socket.TimeoutError);
    conn.settimeout(null);
    const peek = conn.recv(10, socket.MSG_PEEK);
    await cli.sendall(enc.encode("x"));
    assert.equal(dec.decode(await peek), "x");
    assert.equal(dec.decode(await conn.recv(10)), "x");
    await cli.shutdown(socket.SHUT_WR);
    assert.equal((await conn.recv(10, socket.MSG_PEEK)).length, 0);
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("MSG_WAITALL waits for the full count, or returns what came before end of stream", async () => {
  const [srv, cli, conn] = await pair();
  try {
    const whole = conn.recv(10, socket.MSG_WAITALL);
    for (const part of ["ab", "cde", "fghij", "KL"]) {
      await cli.sendall(enc.encode(part));
      await sleep(5);
    }
    assert.equal(dec.decode(await whole), "abcdefghij");
    const into = new Uint8Array(8);
    const short = conn.recv_into(into, 0, socket.MSG_WAITALL);
    await cli.sendall(enc.encode("MN"));
    await cli.shutdown(socket.SHUT_WR);
    assert.equal(await short, 4);
    assert.equal(dec.decode(into.subarray(0, 4)), "KLMN");
    assert.equal((await conn.recv(5, socket.MSG_WAITALL)).length, 0);
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("MSG_WAITALL with a timeout consumes nothing when it times out", async () => {
  const [srv, cli, conn] = await pair();
  try {
    conn.settimeout(0.03);
    await cli.sendall(enc.encode("12345"));
    await assert.rejects(conn.recv(10, socket.MSG_WAITALL), socket.TimeoutError);
    await assert.rejects(
      conn.recv_into(new Uint8Array(6), 0, socket.MSG_WAITALL),
      socket.TimeoutError,
    );
    await cli.sendall(enc.encode("67890"));
    conn.settimeout(1);
    assert.equal(dec.decode(await conn.recv(10, socket.MSG_WAITALL)), "1234567890");
    // A MSG_WAITALL larger than any buffer the socket has grown so far.
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const sending = cli.sendall(big);
    conn.settimeout(null);
    const got = await conn.recv(big.length, socket.MSG_WAITALL);
    await sending;
    assert.deepEqual(got, big);
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("MSG_PEEK | MSG_WAITALL peeks the full count and leaves it", async () => {
  const [srv, cli, conn] = await pair();
  try {
    const peek = conn.recv(6, socket.MSG_PEEK | socket.MSG_WAITALL);
    await cli.sendall(enc.encode("abc"));
    await sleep(5);
    await cli.sendall(enc.encode("defg"));
    assert.equal(dec.decode(await peek), "abcdef");
    assert.equal(dec.decode(await conn.recv(7, socket.MSG_WAITALL)), "abcdefg");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("MSG_DONTWAIT makes one call non-blocking on a blocking socket", async () => {
  const [srv, cli, conn] = await pair();
  try {
    const err = await conn.recv(10, socket.MSG_DONTWAIT).catch((e) => e);
    assert.ok(err instanceof socket.BlockingIOError);
    assert.equal(err.errno, socket.errno.EAGAIN);
    assert.equal(conn.getblocking(), true);
    assert.equal(conn.gettimeout(), null);
    await cli.sendall(enc.encode("now"));
    let got: Uint8Array | null = null;
    for (let i = 0; i < 500 && got === null; i++) {
      got = await conn.recv(10, socket.MSG_DONTWAIT).catch((e) => {
        assert.ok(e instanceof socket.BlockingIOError);
        return sleep(2).then(() => null);
      });
    }
    assert.equal(dec.decode(got!), "now");
    // The socket itself still blocks: this recv waits for the bytes sent later.
    const waiting = conn.recv(10);
    await sleep(10);
    await cli.sendall(enc.encode("later"));
    assert.equal(dec.decode(await waiting), "later");
    // MSG_DONTWAIT on send: a non-blocking send of a small message goes through.
    assert.equal(await conn.send(enc.encode("hi"), socket.MSG_DONTWAIT), 2);
    assert.equal(dec.decode(await cli.recv(10)), "hi");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("unsupported flags raise OSError EOPNOTSUPP naming the flag", async () => {
  const [srv, cli, conn] = await pair();
  try {
    for (
      const call of [
        () => conn.recv(10, socket.MSG_OOB),
        () => conn.recv_into(new Uint8Array(4), 0, socket.MSG_OOB),
        () => cli.send(enc.encode("x"), socket.MSG_OOB),
        () => cli.sendall(enc.encode("x"), socket.MSG_OOB),
      ]
    ) {
      const err = await call().catch((e) => e);
      assert.ok(err instanceof socket.OSError, String(err));
      assert.equal(err.errno, socket.errno.EOPNOTSUPP);
      assert.match(err.message, /MSG_OOB/);
    }
    // Nothing was sent or consumed by the refused calls.
    await cli.sendall(enc.encode("ok"));
    assert.equal(dec.decode(await conn.recv(10)), "ok");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("concurrent reads with mixed calls and flags are served in call order", async () => {
  const [srv, cli, conn] = await pair();
  try {
    const into = new Uint8Array(3);
    const reads = [
      conn.recv(2, socket.MSG_WAITALL),
      conn.recv(3, socket.MSG_PEEK | socket.MSG_WAITALL),
      conn.recv_into(into, 3, socket.MSG_WAITALL).then((n) => into.slice(0, n)),
      conn.recv(4, socket.MSG_WAITALL),
      conn.makefile("rb").readline(),
      conn.recv(1),
    ];
    const data = "ab" + "cde" + "fghi" + "line\n" + "z";
    for (const ch of data) {
      await cli.sendall(enc.encode(ch));
      if (ch === "e" || ch === "\n") await sleep(3);
    }
    const got = (await Promise.all(reads)).map((b) => dec.decode(b));
    assert.deepEqual(got, ["ab", "cde", "cde", "fghi", "line\n", "z"]);
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("concurrent sendall()s with a timeout never interleave their bytes", async () => {
  const [srv, cli, conn] = await pair();
  try {
    cli.settimeout(10);
    const msgs = Array.from(
      { length: 8 },
      (_, i) => new Uint8Array(300_000 + i * 7777).fill(65 + i),
    );
    const sends = msgs.map((m) => cli.sendall(m));
    const total = msgs.reduce((n, m) => n + m.length, 0);
    const got = await conn.recv(total, socket.MSG_WAITALL);
    await Promise.all(sends);
    let off = 0;
    for (const m of msgs) {
      assert.deepEqual(got.subarray(off, off + m.length), m);
      off += m.length;
    }
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("a 16 MiB random payload through sendall() and recv_into() keeps its SHA-256", async () => {
  const size = 16 * 1024 * 1024;
  const data = new Uint8Array(size);
  for (let off = 0; off < size; off += 65536) {
    crypto.getRandomValues(data.subarray(off, off + 65536));
  }
  const [srv, cli, conn] = await pair();
  try {
    const sending = cli.sendall(data).then(() => cli.shutdown(socket.SHUT_WR));
    const out = new Uint8Array(size + 1);
    let got = 0;
    for (;;) {
      const n = await conn.recv_into(out.subarray(got), Math.min(100_003, out.length - got));
      if (n === 0) break;
      got += n;
    }
    await sending;
    assert.equal(got, size);
    assert.equal(await sha256(out.subarray(0, got)), await sha256(data));
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("16 MiB with a timeout on both sides and random read sizes keeps its SHA-256", async () => {
  const size = 16 * 1024 * 1024;
  const data = new Uint8Array(size);
  for (let off = 0; off < size; off += 65536) {
    crypto.getRandomValues(data.subarray(off, off + 65536));
  }
  const [srv, cli, conn] = await pair();
  try {
    cli.settimeout(30);
    conn.settimeout(30);
    const sending = cli.sendall(data).then(() => cli.shutdown(socket.SHUT_WR));
    const parts: Uint8Array[] = [];
    let seed = 1;
    for (;;) {
      seed = (seed * 48271) % 2147483647;
      const d = await conn.recv(1 + (seed % 200_000));
      if (d.length === 0) break;
      parts.push(d);
    }
    await sending;
    const got = concat(parts);
    assert.equal(got.length, size);
    assert.equal(await sha256(got), await sha256(data));
  } finally {
    closeAll(srv, cli, conn);
  }
});
