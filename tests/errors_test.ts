// Copyright 2026 the pysocket authors. MIT license.
// errors.ts: the OSError hierarchy, errno numbers and messages, how Deno's
// errors become Python's classes (from real failures on loopback), bad
// input, and Deno's permission errors passing through unchanged.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { isOSError, pair, ROOT, runDeno } from "./_helpers.ts";

const { errno } = socket;

/** A loopback port nothing listens on (bound, then closed). */
function freePort(): number {
  const probe = socket.create_server(["127.0.0.1", 0]);
  const port = (probe.getsockname() as socket.IPv4Address)[1];
  probe.close();
  return port;
}

Deno.test("OSError carries errno, strerror, cause and a Python-style message", () => {
  const cause = new Error("underlying");
  const e = new socket.OSError(errno.ECONNRESET, undefined, { cause, detail: "Cannot recv" });
  assert.ok(e instanceof Error);
  assert.equal(e.name, "OSError");
  assert.equal(e.errno, 104);
  assert.equal(e.strerror, "Connection reset by peer");
  assert.equal(e.message, "[Errno 104] Connection reset by peer: Cannot recv");
  assert.equal(e.cause, cause);
  const t = new socket.TimeoutError(null, "timed out");
  assert.equal(t.errno, null);
  assert.equal(String(t), "TimeoutError: timed out");
});

Deno.test("the class hierarchy mirrors Python's", () => {
  const refused = new socket.ConnectionRefusedError(errno.ECONNREFUSED);
  assert.ok(refused instanceof socket.ConnectionError);
  assert.ok(refused instanceof socket.OSError);
  for (
    const C of [
      socket.BrokenPipeError,
      socket.ConnectionAbortedError,
      socket.ConnectionResetError,
      socket.ConnectionRefusedError,
    ]
  ) assert.ok(new C(1) instanceof socket.ConnectionError, C.name);
  for (const C of [socket.BlockingIOError, socket.TimeoutError, socket.gaierror]) {
    assert.ok(new C(1) instanceof socket.OSError, C.name);
  }
  assert.equal(socket.timeout, socket.TimeoutError);
  assert.equal(new socket.gaierror(-2).message, "[Errno -2] Name or service not known");
});

Deno.test("oserror() picks the class by errno, and strerror() gives the C library's text", () => {
  const cases: [number, typeof socket.OSError][] = [
    [errno.ECONNREFUSED, socket.ConnectionRefusedError],
    [errno.ECONNRESET, socket.ConnectionResetError],
    [errno.ECONNABORTED, socket.ConnectionAbortedError],
    [errno.EPIPE, socket.BrokenPipeError],
    [errno.EAGAIN, socket.BlockingIOError],
    [errno.EINPROGRESS, socket.BlockingIOError],
    [errno.ETIMEDOUT, socket.TimeoutError],
    [errno.EACCES, socket.PermissionError],
    [errno.ENOENT, socket.FileNotFoundError],
  ];
  for (const [code, Class] of cases) {
    const e = socket.oserror(code);
    assert.equal(e.constructor, Class, `errno ${code}`);
    assert.equal(e.name, Class.name);
    assert.equal(e.errno, code);
  }
  assert.equal(socket.oserror(errno.EADDRINUSE).constructor, socket.OSError);
  assert.equal(socket.strerror(111), "Connection refused");
  assert.equal(socket.strerror(98), "Address already in use");
  assert.equal(errno.EWOULDBLOCK, errno.EAGAIN);
});

Deno.test("fromRuntimeError() maps Deno errors by their '(os error N)' and by class", () => {
  const byNumber = socket.fromRuntimeError(
    new Deno.errors.ConnectionReset("Connection reset by peer (os error 104)"),
    "Cannot recv",
  ) as socket.OSError;
  assert.ok(byNumber instanceof socket.ConnectionResetError);
  assert.equal(byNumber.errno, 104);
  assert.equal(byNumber.message, "[Errno 104] Connection reset by peer: Cannot recv");
  const byName = socket.fromRuntimeError(new Deno.errors.BrokenPipe("gone")) as socket.OSError;
  assert.ok(byName instanceof socket.BrokenPipeError);
  assert.equal(byName.errno, errno.EPIPE);
  const odd = socket.fromRuntimeError(new Error("weird (os error 98)")) as socket.OSError;
  assert.equal(odd.errno, errno.EADDRINUSE);
  assert.equal(
    (socket.fromRuntimeError(new Error("no number")) as socket.OSError).errno,
    errno.EIO,
  );
  assert.equal((socket.fromRuntimeError("a string") as socket.OSError).errno, errno.EIO);
  // Passed through unchanged: OSErrors, permission errors, programming errors.
  for (
    const e of [
      new socket.OSError(errno.EBADF),
      new Deno.errors.NotCapable("Requires net access"),
      new TypeError("bad"),
      new RangeError("bad"),
    ]
  ) assert.equal(socket.fromRuntimeError(e), e);
});

Deno.test("fromRuntimeError() maps the errors Deno really throws on loopback", async () => {
  const port = freePort();
  const refused = await Deno.connect({ hostname: "127.0.0.1", port }).then(() => null, (e) => e);
  assert.ok(refused instanceof Deno.errors.ConnectionRefused);
  const r = socket.fromRuntimeError(refused) as socket.OSError;
  assert.ok(r instanceof socket.ConnectionRefusedError);
  assert.equal(r.errno, 111);
  assert.equal(r.cause, refused);

  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    let inUse: unknown = null;
    try {
      Deno.listen({ hostname: "127.0.0.1", port: (taken.addr as Deno.NetAddr).port }).close();
    } catch (e) {
      inUse = e;
    }
    assert.ok(inUse instanceof Deno.errors.AddrInUse);
    assert.equal((socket.fromRuntimeError(inUse) as socket.OSError).errno, errno.EADDRINUSE);
  } finally {
    taken.close();
  }
});

Deno.test("a refused connect raises ConnectionRefusedError errno 111 with the Deno error as cause", async () => {
  using s = socket.socket();
  const err = await s.connect(["127.0.0.1", freePort()]).then(() => null, (e) => e);
  assert.ok(err instanceof socket.ConnectionRefusedError);
  assert.equal(err.errno, 111);
  assert.equal(err.strerror, "Connection refused");
  assert.match(err.message, /^\[Errno 111\] Connection refused/);
  assert.ok(err.cause instanceof Deno.errors.ConnectionRefused);
});

Deno.test("binding a port in use raises OSError EADDRINUSE", () => {
  using a = socket.socket();
  a.bind(["127.0.0.1", 0]);
  a.listen();
  using b = socket.socket();
  assert.throws(() => b.bind(a.getsockname()), isOSError(errno.EADDRINUSE));
});

Deno.test("string data raises TypeError with Python's message", async () => {
  using p = await pair();
  const exact = { name: "TypeError", message: "a bytes-like object is required, not 'string'" };
  await assert.rejects(() => p.cli.send("text" as never), exact);
  await assert.rejects(() => p.cli.sendall("text" as never), exact);
  await assert.rejects(async () => await p.cli.recv_into("text" as never), exact);
  await assert.rejects(() => p.cli.sendall(42 as never), {
    name: "TypeError",
    message: "a bytes-like object is required, not 'number'",
  });
  await assert.rejects(() => p.cli.sendall([1, 2] as never), TypeError);
  // Nothing was sent by the failed calls.
  await p.cli.sendall(new Uint8Array([7]));
  assert.deepEqual(await p.conn.recv(10), new Uint8Array([7]));
});

Deno.test("Deno permission errors pass through unchanged (a subprocess with limited --allow-net)", async () => {
  const code = `
    import * as socket from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    const out = {};
    const name = (e) => e?.constructor?.name;
    const s = socket.socket();
    out.connect = await s.connect(["127.0.0.1", 9]).then(() => "connected", name);
    const t = socket.socket();
    out.connect_ex = await t.connect_ex(["127.0.0.1", 9]).then((n) => "number " + n, name);
    const u = socket.socket();
    try { u.bind(["127.0.0.1", 0]); out.bind = "bound"; } catch (e) { out.bind = name(e); }
    out.create_connection = await socket.create_connection(["127.0.0.1", 9]).then(() => "connected", name);
    for (const x of [s, t, u]) x.close();
    console.log(JSON.stringify(out));
  `;
  const file = await Deno.makeTempFile({ suffix: ".js" });
  try {
    await Deno.writeTextFile(file, code);
    const out = await runDeno([
      "run",
      "--no-config",
      "--allow-net=127.0.0.1:1",
      `--allow-read=${ROOT}`,
      file,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), {
      connect: "NotCapable",
      connect_ex: "NotCapable",
      bind: "NotCapable",
      create_connection: "NotCapable",
    });
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("fromDenoError() stays as the deprecated name of fromRuntimeError()", () => {
  assert.equal(socket.fromDenoError, socket.fromRuntimeError);
  const e = socket.fromDenoError(new Deno.errors.ConnectionReset("gone")) as socket.OSError;
  assert.ok(e instanceof socket.ConnectionResetError);
  assert.equal(e.errno, errno.ECONNRESET);
});
