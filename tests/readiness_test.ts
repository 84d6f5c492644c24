// Copyright 2026 the pysocket authors. MIT license.
// Readiness (_common/readiness.ts): each object's watch is kept on its own
// Poll (nothing is registered anywhere); a wait's timeout is the one
// deadline timer's, cleared when the wait ends and never keeping a finished
// program alive (DESIGN §21).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { select } from "../select.ts";
import { DefaultSelector, EVENT_READ } from "../selectors.ts";
import { POLL, type Poll, pollOf, Registry, stats, watchOf } from "../_common/readiness.ts";
import { enc, isOSError, pair, runDeno } from "./_helpers.ts";

Deno.test("watchOf() keeps a socket's watch on the socket's own Poll: one watch per socket", async () => {
  using p = await pair();
  const watch = watchOf(p.conn, "select");
  assert.equal(watchOf(p.conn, "select"), watch);
  assert.equal(pollOf(p.conn)!.watch, watch);
  assert.equal(watch.poll, pollOf(p.conn));
  assert.notEqual(watchOf(p.cli, "select"), watch);
  const file = p.conn.makefile("rb");
  assert.equal(pollOf(file)!.watch, undefined); // made on first use
  assert.equal(watchOf(file, "select"), pollOf(file)!.watch);
  await file.close();
});

Deno.test("watchOf() takes any object with fileno() and the [POLL] slot; select() reports it", async () => {
  let ready = false;
  let wake = () => {};
  const poll: Poll = {
    readable: () => ready,
    writable: () => false,
    changed: () => new Promise<void>((resolve) => wake = resolve),
  };
  const obj = { fileno: () => 7, [POLL]: () => poll };
  assert.equal(watchOf(obj, "select"), poll.watch);
  assert.deepEqual(await select([obj], [], [], 0), [[], [], []]);
  const waiting = select([obj], [], []);
  await new Promise((resolve) => setTimeout(resolve, 0));
  ready = true;
  wake();
  assert.deepEqual(await waiting, [[obj], [], []]);
  assert.equal(poll.watch!.size, 0); // the wait left the watch
});

Deno.test("watchOf() raises TypeError without fileno() or [POLL], OSError EBADF for a closed socket", () => {
  assert.throws(() => watchOf({}, "select"), /argument must have a fileno\(\) method/);
  assert.throws(() => watchOf(3, "select"), /file descriptors/);
  assert.throws(() => watchOf({ fileno: () => 3 }, "select"), /not a pysocket socket/);
  const sock = socket.socket();
  sock.close();
  assert.throws(() => watchOf(sock, "select"), isOSError(socket.errno.EBADF));
});

Deno.test("Registry.wait() returns null once its timeout passes, leaving no timer and no listener", async () => {
  using p = await pair();
  watchOf(p.conn, "select");
  const registry = new Registry<string>();
  registry.add("conn", { sock: p.conn, read: true, write: false });
  const check = () => registry.collect(() => {}) > 0 || null;
  assert.equal(await registry.wait(0.02, check), null);
  assert.equal(await registry.wait(0, check), null);
  registry.clear();
  assert.equal(stats.waiting, 0);
  // (The test sanitizer fails the test if a timer were left running.)
});

Deno.test("Registry.wait() with timeout 0 gives one turn even with nothing else pending", async () => {
  // Nothing keeps this test's event loop alive but the wait's own turn.
  assert.equal(await new Registry().wait(0, () => null), null);
  assert.deepEqual(await select([], [], [], 0), [[], [], []]);
  using sel = new DefaultSelector();
  assert.deepEqual(await sel.select(0), []);
  assert.deepEqual(await sel.select(-1), []); // a negative timeout does not wait
});

Deno.test("select() and selector.select() with a timeout time out on an idle socket", async () => {
  using p = await pair();
  assert.deepEqual(await select([p.conn], [], [], 0.02), [[], [], []]);
  using sel = new DefaultSelector();
  sel.register(p.conn, EVENT_READ);
  assert.deepEqual(await sel.select(0.02), []);
  await p.cli.sendall(enc.encode("x"));
  const [[key]] = await sel.select(5);
  assert.equal(key.fileobj, p.conn);
  sel.unregister(p.conn);
});

const readiness = new URL("../_common/readiness.ts", import.meta.url).href;
const selectMod = new URL("../select.ts", import.meta.url).href;
const selectorsMod = new URL("../selectors.ts", import.meta.url).href;

Deno.test("Registry.wait(): a select() holds its program until it returns, as a blocked thread does, and not a moment longer", async () => {
  // Each wait holds the process until its timeout (awaited or not, a wait is
  // a wait): the program ends once the longest, 0.4 s, is over — not at its
  // last line, and not an hour later as a timer left behind would make it.
  const code = `
    import { Registry } from "${readiness}";
    import { select } from "${selectMod}";
    import { DefaultSelector } from "${selectorsMod}";
    const t0 = performance.now();
    new Registry().wait(0.2, () => null);
    select([], [], [], 0.3);
    const sel = new DefaultSelector();
    sel.select(0.4).then(() => sel.close());
    globalThis.addEventListener("unload", () => console.log(Math.round(performance.now() - t0)));
    console.log("ended");
  `;
  const out = await runDeno(["run", "--quiet", "-"], { stdin: enc.encode(code) });
  assert.equal(out.stderr, "");
  assert.equal(out.signal, null);
  assert.equal(out.code, 0);
  const [last, ms] = out.stdout.trim().split("\n");
  assert.equal(last, "ended");
  assert.ok(Number(ms) >= 390 && Number(ms) < 5000, `ended after ${ms} ms`);
});

Deno.test("select() with a timeout and nothing to watch sleeps: awaited at a program's top level, it returns", async () => {
  const code = `
    import { select } from "${selectMod}";
    const found = await select([], [], [], 0.05);
    console.log(JSON.stringify(found));
  `;
  const out = await runDeno(["run", "--quiet", "-"], { stdin: enc.encode(code) });
  assert.equal(out.stderr, "");
  assert.equal(out.code, 0);
  assert.equal(out.stdout, "[[],[],[]]\n");
});
