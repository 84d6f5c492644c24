// Copyright 2026 the pysocket authors. MIT license.
// makefile('rb').read(n) of large and huge sizes: the bytes go straight into
// the array it returns (of n bytes up to 64 MiB, else grown as they come),
// which is an ordinary fixed-length array; a huge n allocates only what
// arrives; a timeout in the middle loses, repeats and reorders nothing.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import {
  eachFamily,
  listening,
  pair,
  PY_PEER,
  pyPeerArgs,
  randomBytes,
  recvExactly,
  sha256hex,
  sleep,
} from "./_helpers.ts";

const MiB = 1024 * 1024;
const HUGE = 2 ** 31 - 1;

/** Sends `data` in `piece`-byte sendall()s. */
async function sendPieces(s: socket.StreamSocket, data: Uint8Array, piece: number): Promise<void> {
  for (let off = 0; off < data.length; off += piece) {
    await s.sendall(data.subarray(off, Math.min(data.length, off + piece)));
  }
}

/** An array of its own, as a caller may keep it: fixed-length, not a view into a larger one. */
function assertOwnArray(b: Uint8Array, label: string): void {
  const ab = b.buffer as ArrayBuffer;
  assert.equal(ab.resizable, false, `${label}: a fixed-length buffer`);
  assert.ok(ab.byteLength <= 2 * Math.max(1, b.length), `${label}: buffer ${ab.byteLength}`);
}

eachFamily(
  "makefile('rb').read(2**31-1) returns exactly what arrives before end of stream, in an array of about that size",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const data = randomBytes(3 * MiB + 12345);
    const sent = sendPieces(cli, data, 16 * 1024).then(() => cli.shutdown(socket.SHUT_WR));
    const f = conn.makefile("rb");
    const got = await f.read(HUGE);
    await sent;
    assert.equal(got.length, data.length);
    assert.deepEqual(got, data);
    assertOwnArray(got, "read(2**31-1)");
    assert.equal((await f.read(HUGE)).length, 0);
    await f.close();
  },
);

eachFamily(
  "makefile('rb').read(n) of a few MiB reads n bytes whatever the pieces, and leaves the rest",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const data = randomBytes(5 * MiB);
    const n = 4 * MiB + 7;
    const sent = sendPieces(cli, data, 16 * 1024 + 3);
    const f = conn.makefile("rb");
    // Bytes already buffered go first: a recv of a few, a peek, then the large read.
    const head = await conn.recv(5, socket.MSG_WAITALL);
    assert.deepEqual(head, data.subarray(0, 5));
    assert.equal((await f.peek(1))[0], data[5]);
    const got = await f.read(n);
    assert.deepEqual(got, data.subarray(5, 5 + n));
    assertOwnArray(got, "read(n)");
    const rest = await recvExactly(conn, data.length - 5 - n);
    await sent;
    assert.deepEqual(rest, data.subarray(5 + n));
    await f.close();
  },
);

eachFamily(
  "a blocking makefile('rb').read(n) of MiBs keeps its place: reads issued after it get the bytes after its own",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const data = randomBytes(3 * MiB);
    const f = conn.makefile("rb");
    const big = f.read(2 * MiB);
    const after = conn.recv(100, socket.MSG_WAITALL);
    const huge = f.read(HUGE);
    await sendPieces(cli, data, 16 * 1024);
    await cli.shutdown(socket.SHUT_WR);
    assert.deepEqual(await big, data.subarray(0, 2 * MiB));
    assert.deepEqual(await after, data.subarray(2 * MiB, 2 * MiB + 100));
    const rest = await huge;
    assert.deepEqual(rest, data.subarray(2 * MiB + 100));
    assertOwnArray(rest, "read(2**31-1)");
    await f.close();
  },
);

for (const [label, size] of [["4 MiB", 4 * MiB], ["2**31-1", HUGE]] as const) {
  eachFamily(
    `a timed makefile('rb').read(${label}) that times out in the middle keeps every byte for the next read`,
    async (family) => {
      using p = await pair(family);
      const { cli, conn } = p;
      const total = 4 * MiB;
      const part = MiB + 1;
      const data = randomBytes(total).fill(0x61, 0, 16); // no line end before the 16th byte
      const f = conn.makefile("rb");
      conn.settimeout(0.05);
      // A first part, then a timeout (twice) while the read waits for the rest.
      const first = sendPieces(cli, data.subarray(0, part), 16 * 1024);
      await assert.rejects(f.read(size), socket.TimeoutError);
      await assert.rejects(f.read(size), socket.TimeoutError);
      // Other reads take what was kept, in order, as arrays of their own.
      const line = await f.readline(10);
      assert.deepEqual(line, data.subarray(0, 10));
      assert.equal((line.buffer as ArrayBuffer).resizable, false);
      assert.deepEqual(await conn.recv(6), data.subarray(10, 16));
      // The rest arrives; the next read returns all of it at end of stream.
      const sent = first
        .then(() => sendPieces(cli, data.subarray(part), 16 * 1024))
        .then(() => cli.shutdown(socket.SHUT_WR));
      conn.settimeout(30);
      const got = await f.read(size);
      await sent;
      assert.equal(got.length, total - 16);
      assert.equal(await sha256hex(got), await sha256hex(data.subarray(16)));
      assertOwnArray(got, `read(${label})`);
      assert.equal((await f.read(size)).length, 0);
      await f.close();
    },
  );
}

eachFamily(
  "a non-blocking makefile('rb').read(n) of MiBs raises BlockingIOError and keeps what came",
  async (family) => {
    using p = await pair(family);
    const { cli, conn } = p;
    const data = randomBytes(2 * MiB);
    const f = conn.makefile("rb");
    conn.setblocking(false);
    await cli.sendall(data.subarray(0, 100_000));
    await assert.rejects(f.read(MiB), socket.BlockingIOError);
    await sleep(10);
    await assert.rejects(f.read(HUGE), socket.BlockingIOError);
    const sent = cli.sendall(data.subarray(100_000)).then(() => cli.shutdown(socket.SHUT_WR));
    conn.setblocking(true);
    assert.deepEqual(await f.read(MiB), data.subarray(0, MiB));
    assert.deepEqual(await f.read(HUGE), data.subarray(MiB));
    await sent;
    await f.close();
  },
);

eachFamily("makefile('rb').read(2**31-1) reads a CPython peer's stream of MiBs", async (family) => {
  using l = listening(family);
  const size = 5 * MiB + 1;
  const py = new Deno.Command("python3", {
    args: [
      "-c",
      `${PY_PEER}
import hashlib, sys
data = hashlib.shake_256(b"pysocket").digest(${size})
print(hashlib.sha256(data).hexdigest(), flush=True)
with peer(sys.argv[1:3]) as s:
    for off in range(0, len(data), 16384):
        s.sendall(data[off:off + 16384])
`,
      ...pyPeerArgs(family, l.addr),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const [conn] = await l.srv.accept();
  try {
    const f = conn.makefile("rb");
    const got = await f.read(HUGE);
    assert.equal(got.length, size);
    assertOwnArray(got, "read(2**31-1)");
    await f.close();
    const out = await py.output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(await sha256hex(got), new TextDecoder().decode(out.stdout).trim());
  } finally {
    conn.close();
  }
});

Deno.test("makefile('rb').read(n) of MiBs returns the bytes before a failure; the next read raises it", async () => {
  const data = randomBytes(3 * MiB);
  let off = 0;
  const conn = {
    localAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 2 },
    read(p: Uint8Array): Promise<number | null> {
      if (off >= data.length) return Promise.reject(new Deno.errors.ConnectionReset("reset"));
      const n = Math.min(p.length, 20_000, data.length - off);
      p.set(data.subarray(off, off + n));
      off += n;
      return Promise.resolve(n);
    },
    write: (p: Uint8Array) => Promise.resolve(p.length),
    closeWrite: () => Promise.resolve(),
    close() {},
  };
  for (const size of [4 * MiB, HUGE]) {
    off = 0;
    using sock = socket.fromConn(conn as unknown as Deno.Conn);
    const f = sock.makefile("rb");
    assert.deepEqual(await f.read(size), data);
    await assert.rejects(f.read(size), socket.ConnectionResetError);
    assert.equal((await f.read(size)).length, 0);
    await f.close();
  }
});
