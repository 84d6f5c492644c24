// Copyright 2026 the pysocket authors. MIT license.
// socketpair(): two connected stream sockets, AF_UNIX by default.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function exchange(a: socket.StreamSocket, b: socket.StreamSocket): Promise<void> {
  await a.sendall(enc.encode("ping"));
  assert.equal(dec.decode(await b.recv(4, socket.MSG_WAITALL)), "ping");
  await b.sendall(enc.encode("pong"));
  assert.equal(dec.decode(await a.recv(4, socket.MSG_WAITALL)), "pong");
  a.shutdown(socket.SHUT_WR);
  assert.equal((await b.recv(10)).length, 0);
}

Deno.test("socketpair() makes a connected AF_UNIX pair and leaves no file behind", async () => {
  const [a, b] = await socket.socketpair();
  using _a = a;
  using _b = b;
  assert.equal(a.family, socket.AF_UNIX);
  assert.equal(b.family, socket.AF_UNIX);
  assert.equal(a.type, socket.SOCK_STREAM);
  await exchange(a, b);
  const path = b.getpeername() as string;
  if (path) assert.throws(() => Deno.statSync(path), Deno.errors.NotFound);
});

Deno.test("socketpair(AF_INET) and (AF_INET6) connect over loopback", async () => {
  for (const [family, host] of [[socket.AF_INET, "127.0.0.1"], [socket.AF_INET6, "::1"]] as const) {
    const [a, b] = await socket.socketpair(family);
    using _a = a;
    using _b = b;
    assert.equal(a.family, family);
    assert.equal(a.getsockname()[0], host);
    assert.deepEqual(a.getpeername(), b.getsockname());
    assert.deepEqual(b.getpeername(), a.getsockname());
    await exchange(b, a);
  }
});

Deno.test("socketpair with SOCK_NONBLOCK gives non-blocking sockets", async () => {
  const [a, b] = await socket.socketpair(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK);
  using _a = a;
  using _b = b;
  assert.equal(a.getblocking(), false);
  await assert.rejects(b.recv(1), socket.BlockingIOError);
});

Deno.test("socketpair refuses other types, families and protocols", async () => {
  // Datagram and SEQPACKET pairs are the kernel's (tests/ffi_packet_test.ts).
  await assert.rejects(socket.socketpair(socket.AF_UNIX, socket.SOCK_RDM), (e) => {
    assert.ok(e instanceof socket.OSError);
    assert.equal(e.errno, socket.errno.EOPNOTSUPP);
    assert.match(e.message, /cannot be paired/);
    return true;
  });
  await assert.rejects(socket.socketpair(99), (e) => {
    assert.ok(e instanceof socket.OSError);
    assert.equal(e.errno, socket.errno.EAFNOSUPPORT);
    return true;
  });
  await assert.rejects(
    socket.socketpair(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_UDP),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.EPROTONOSUPPORT,
  );
});
