// Copyright 2026 the pysocket authors. MIT license.
// readable (a byte stream with BYOB readers) and writable (sendall, close =
// SHUT_WR) over a stream socket's shared read buffer.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { closeAll, concat, sleep, tcpTriple as pair } from "./_helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("readable yields every received byte and ends at end of stream without closing the socket", async () => {
  const [srv, cli, conn] = await pair();
  try {
    const data = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) % 256);
    const sending = cli.sendall(data).then(() => cli.shutdown(socket.SHUT_WR));
    const parts: Uint8Array[] = [];
    for await (const chunk of conn.readable) parts.push(chunk);
    await sending;
    assert.deepEqual(concat(parts), data);
    assert.equal(conn.closed, false);
    // The socket can still send after its readable ended.
    await conn.sendall(enc.encode("reply"));
    assert.equal(dec.decode(await cli.recv(10)), "reply");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("a BYOB reader fills the caller's buffer, never more than it asks", async () => {
  const [srv, cli, conn] = await pair();
  try {
    await cli.sendall(enc.encode("0123456789abcdef"));
    const reader = conn.readable.getReader({ mode: "byob" });
    let r = await reader.read(new Uint8Array(4));
    assert.equal(dec.decode(r.value), "0123");
    r = await reader.read(new Uint8Array(new ArrayBuffer(16), 4, 6));
    assert.equal(r.value!.byteOffset, 4);
    assert.equal(dec.decode(r.value), "456789");
    reader.releaseLock();
    assert.equal(dec.decode(await conn.recv(100)), "abcdef");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("releasing the reader leaves unread bytes for recv()", async () => {
  const [srv, cli, conn] = await pair();
  try {
    await cli.sendall(enc.encode("first"));
    const reader = conn.readable.getReader();
    assert.equal(dec.decode((await reader.read()).value), "first");
    reader.releaseLock();
    await cli.sendall(enc.encode("second"));
    await sleep(10);
    assert.equal(dec.decode(await conn.recv(100)), "second");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("a read pending when its reader is released takes nothing from recv()", async () => {
  const [srv, cli, conn] = await pair();
  try {
    const reader = conn.readable.getReader({ mode: "byob" });
    const pending = reader.read(new Uint8Array(10));
    await sleep(10);
    reader.releaseLock();
    await assert.rejects(pending, TypeError);
    await cli.sendall(enc.encode("for recv"));
    await sleep(20);
    conn.settimeout(1);
    assert.equal(dec.decode(await conn.recv(100)), "for recv");
    // A later reader still works and sees later bytes, in order.
    await cli.sendall(enc.encode("for the stream"));
    await cli.shutdown(socket.SHUT_WR);
    const parts: Uint8Array[] = [];
    for await (const chunk of conn.readable) parts.push(chunk);
    assert.equal(dec.decode(concat(parts)), "for the stream");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("cancelling readable leaves the socket open and unread bytes for recv()", async () => {
  const [srv, cli, conn] = await pair();
  try {
    await cli.sendall(enc.encode("abc"));
    const reader = conn.readable.getReader({ mode: "byob" });
    assert.equal(dec.decode((await reader.read(new Uint8Array(1))).value), "a");
    await reader.cancel();
    assert.equal(conn.closed, false);
    assert.equal(dec.decode(await conn.recv(10)), "bc");
    await cli.sendall(enc.encode("d"));
    assert.equal(dec.decode(await conn.recv(10)), "d");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("writable writes with sendall() and close() half-closes the connection", async () => {
  const [srv, cli, conn] = await pair();
  try {
    const writer = cli.writable.getWriter();
    await writer.write(enc.encode("via "));
    await writer.write(enc.encode("writable").buffer);
    await writer.close();
    const got = concat(await Array.fromAsync(conn.readable));
    assert.equal(dec.decode(got), "via writable");
    // Half-closed: the peer can still send back.
    await conn.sendall(enc.encode("back"));
    assert.equal(dec.decode(await cli.recv(10)), "back");
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("readable.pipeTo(writable) relays 2 MiB between two connections and ends the far side", async () => {
  const [srv1, a, b] = await pair();
  const [srv2, c, d] = await pair();
  try {
    const data = new Uint8Array(2 * 1024 * 1024);
    crypto.getRandomValues(data.subarray(0, 65536));
    for (let off = 65536; off < data.length; off += 65536) data.copyWithin(off, 0, 65536);
    data[data.length - 1] ^= 0x5a;
    // a → b, piped b → c, then c → d.
    const relay = b.readable.pipeTo(c.writable);
    const sending = a.sendall(data).then(() => a.shutdown(socket.SHUT_WR));
    const got = concat(await Array.fromAsync(d.readable));
    await Promise.all([relay, sending]);
    assert.deepEqual(got, data);
  } finally {
    closeAll(srv1, a, b, srv2, c, d);
  }
});

Deno.test("readable, recv and readable again interleave with nothing lost", async () => {
  const [srv, cli, conn] = await pair();
  try {
    const data = new Uint8Array(256 * 1024).map((_, i) => i % 253);
    const sending = cli.sendall(data).then(() => cli.shutdown(socket.SHUT_WR));
    const parts: Uint8Array[] = [];
    for (let round = 0; round < 10_000; round++) {
      if (round % 2 === 0) {
        const reader = conn.readable.getReader({ mode: "byob" });
        const r = await reader.read(new Uint8Array(1 + (round * 97) % 5000));
        reader.releaseLock();
        if (r.done) break;
        parts.push(r.value!);
      } else {
        const chunk = await conn.recv(1 + (round * 131) % 7000);
        if (chunk.length === 0) break;
        parts.push(chunk);
      }
    }
    await sending;
    assert.deepEqual(concat(parts), data);
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("readable errors with EBADF when the socket is closed under it", async () => {
  const [srv, cli, conn] = await pair();
  try {
    const reader = conn.readable.getReader();
    const pending = reader.read();
    await sleep(5);
    conn.close();
    const err = await pending.catch((e) => e);
    assert.ok(err instanceof socket.OSError, String(err));
    assert.equal(err.errno, socket.errno.EBADF);
  } finally {
    closeAll(srv, cli, conn);
  }
});
