// Copyright 2026 the pysocket authors. MIT license.
// sendfile(file, offset, count): the bytes sent, offset and count honoured,
// and the file position left after the last byte sent, as in Python.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { closeAll, tcpTriple as pair } from "./_helpers.ts";

async function recvExactly(s: socket.StreamSocket, n: number): Promise<Uint8Array> {
  return n === 0 ? new Uint8Array(0) : await s.recv(n, socket.MSG_WAITALL);
}

/** A temp file of `size` patterned bytes; removed by the returned disposer. */
async function tempFile(
  size: number,
): Promise<{ path: string; data: Uint8Array } & AsyncDisposable> {
  const path = await Deno.makeTempFile({ prefix: "pysocket_sendfile_" });
  const data = new Uint8Array(size).map((_, i) => (i * 7 + (i >> 8)) % 256);
  await Deno.writeFile(path, data);
  return { path, data, [Symbol.asyncDispose]: () => Deno.remove(path) };
}

Deno.test("sendfile() sends a whole file and resolves the bytes sent", async () => {
  await using tmp = await tempFile(700_001);
  const [srv, cli, conn] = await pair();
  try {
    using file = await Deno.open(tmp.path);
    const sending = cli.sendfile(file);
    const got = await recvExactly(conn, tmp.data.length);
    assert.equal(await sending, tmp.data.length);
    assert.deepEqual(got, tmp.data);
    assert.equal(await file.seek(0, Deno.SeekMode.Current), tmp.data.length);
  } finally {
    for (const s of [srv, cli, conn]) s.close();
  }
});

Deno.test("sendfile(file, offset, count) sends exactly that range and leaves the position after it", async () => {
  await using tmp = await tempFile(300_000);
  const [srv, cli, conn] = await pair();
  try {
    using file = await Deno.open(tmp.path);
    for (const [offset, count] of [[10, 5], [1000, 262_145], [299_990, 10], [0, 1]]) {
      const sending = cli.sendfile(file, offset, count);
      const got = await recvExactly(conn, count);
      assert.equal(await sending, count);
      assert.deepEqual(got, tmp.data.subarray(offset, offset + count));
      assert.equal(await file.seek(0, Deno.SeekMode.Current), offset + count);
    }
    // Nothing beyond the requested ranges was sent.
    await cli.shutdown(socket.SHUT_WR);
    assert.equal((await conn.recv(10)).length, 0);
  } finally {
    for (const s of [srv, cli, conn]) s.close();
  }
});

Deno.test("sendfile() with an offset and no count sends to end of file; a count past it stops there", async () => {
  await using tmp = await tempFile(5000);
  const [srv, cli, conn] = await pair();
  try {
    using file = await Deno.open(tmp.path);
    let sending = cli.sendfile(file, 4000);
    assert.deepEqual(await recvExactly(conn, 1000), tmp.data.subarray(4000));
    assert.equal(await sending, 1000);
    sending = cli.sendfile(file, 4900, 1_000_000);
    assert.deepEqual(await recvExactly(conn, 100), tmp.data.subarray(4900));
    assert.equal(await sending, 100);
    assert.equal(await file.seek(0, Deno.SeekMode.Current), 5000);
    assert.equal(await cli.sendfile(file, 5000), 0);
    assert.equal(await cli.sendfile(file, 9999), 0);
  } finally {
    for (const s of [srv, cli, conn]) s.close();
  }
});

Deno.test("sendfile() rejects a bad file, offset or count as Python does", async () => {
  await using tmp = await tempFile(10);
  using s = socket.socket();
  using file = await Deno.open(tmp.path);
  await assert.rejects(s.sendfile(file, -1), RangeError);
  // Python: TypeError for a non-integer offset or count, ValueError for a count that is not positive.
  await assert.rejects(s.sendfile(file, 1.5), TypeError);
  await assert.rejects(s.sendfile(file, 0, "2" as unknown as number), TypeError);
  await assert.rejects(s.sendfile(file, 0, 0.1), TypeError);
  await assert.rejects(s.sendfile(file, 0, -3), socket.ValueError);
  await assert.rejects(s.sendfile(file, 0, 0), socket.ValueError);
  await assert.rejects(s.sendfile("path" as unknown as Deno.FsFile), TypeError);
});

Deno.test("sendfile() on a non-blocking socket raises ValueError before a byte is sent", async () => {
  await using tmp = await tempFile(1000);
  const [srv, cli, conn] = await pair();
  try {
    using file = await Deno.open(tmp.path);
    cli.setblocking(false);
    await assert.rejects(cli.sendfile(file), socket.ValueError);
    assert.equal(await file.seek(0, Deno.SeekMode.Current), 0);
    cli.setblocking(true);
    await cli.shutdown(socket.SHUT_WR);
    assert.equal((await conn.recv(10)).length, 0);
  } finally {
    closeAll(srv, cli, conn);
  }
});

Deno.test("a CPython peer receives what sendfile() sends, byte for byte", async () => {
  await using tmp = await tempFile(1_000_000);
  using srv = socket.create_server(["127.0.0.1", 0]);
  const [, port] = srv.getsockname() as socket.IPv4Address;
  const py = new Deno.Command("python3", {
    args: [
      "-c",
      `
import hashlib, socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    h = hashlib.sha256()
    n = 0
    while True:
        b = s.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
    print(n, h.hexdigest())
`,
      String(port),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const [conn] = await srv.accept();
  try {
    using file = await Deno.open(tmp.path);
    assert.equal(await conn.sendfile(file, 123, 900_000), 900_000);
    await conn.shutdown(socket.SHUT_WR);
  } finally {
    conn.close();
  }
  const out = await py.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", tmp.data.slice(123, 900_123)),
  );
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(new TextDecoder().decode(out.stdout).trim(), `900000 ${hex}`);
});
