// Copyright 2026 the pysocket authors. MIT license.
// Every Uint8Array the package returns is a Uint8Array<ArrayBuffer>, so the
// Web APIs that take a BufferSource (crypto.subtle.digest, Blob, Response)
// take it as it is. This file is type-checked (deno check tests/) and run.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { closeAll, tcpTriple } from "./_helpers.ts";

Deno.test("returned bytes are Uint8Array<ArrayBuffer>: digest, Blob and Response take them as they are", async () => {
  const [srv, cli, conn] = await tcpTriple();
  try {
    await cli.sendall(new TextEncoder().encode("0123456789abcdefghij\nline\n"));
    const data: Uint8Array<ArrayBuffer> = await conn.recv(10, socket.MSG_WAITALL);
    const digest = await crypto.subtle.digest("SHA-256", data);
    assert.equal(digest.byteLength, 32);
    const f = conn.makefile("rb");
    const chunk: Uint8Array<ArrayBuffer> = await f.read(10);
    const end: Uint8Array<ArrayBuffer> = await f.readline();
    const line: Uint8Array<ArrayBuffer> = await f.readline();
    const blob = new Blob([data, chunk, end, line]);
    assert.equal(await blob.text(), "0123456789abcdefghij\nline\n");
    const [, address] = await conn.recvfrom(0);
    assert.equal(address, null);
    assert.equal(await new Response(data).text(), "0123456789");
    using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    u.bind(["127.0.0.1", 0]);
    await u.sendto(data, u.getsockname());
    const [datagram]: [Uint8Array<ArrayBuffer>, socket.Address] = await u.recvfrom(64);
    assert.deepEqual(
      new Uint8Array(await crypto.subtle.digest("SHA-256", datagram)),
      new Uint8Array(digest),
    );
    const packed: Uint8Array<ArrayBuffer> = socket.inet_aton("127.0.0.1");
    assert.equal(new Blob([packed]).size, 4);
  } finally {
    closeAll(srv, cli, conn);
  }
});
