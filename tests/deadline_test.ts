// Copyright 2026 the pysocket authors. MIT license.
// The one deadline timer (whenExpired) and what is built on it: waitUntil,
// Lock.acquire by a deadline, the timeout check. Each fires when its
// deadline passes, cancels cleanly, gives a non-blocking call one turn of
// the event loop, and never keeps a finished program alive (DESIGN §21).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import {
  checkTimeout,
  deadlineFor,
  expired,
  msLeft,
  NONBLOCK,
  waitUntil,
  whenExpired,
} from "../_common/deadline.ts";
import { Lock } from "../_common/lock.ts";
import { dec, enc, pair, runDeno } from "./_helpers.ts";

/**
 * Keeps the event loop alive for the length of a test. The deadline timers
 * are unref'd, and a test whose only pending thing is an unref'd timer ends
 * with "the event loop has already resolved"; in real use the socket's own
 * I/O plays this part.
 */
function keepAlive(): Disposable {
  const id = setInterval(() => {}, 60_000);
  return { [Symbol.dispose]: () => clearInterval(id) };
}

/** Resolves when `deadline` passes (through the primitive itself). */
function passed(deadline: number | null): Promise<void> {
  return new Promise((resolve) => whenExpired(deadline, resolve));
}

/** Counts the timers started while `fn` runs. */
async function timersStartedBy(fn: () => Promise<unknown> | unknown): Promise<number> {
  const original = globalThis.setTimeout;
  let started = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    started++;
    return original(...args);
  }) as typeof setTimeout;
  try {
    await fn();
  } finally {
    globalThis.setTimeout = original;
  }
  return started;
}

const never = () => new Promise<never>(() => {});

Deno.test("whenExpired() calls back once, when its deadline passes, in deadline order", async () => {
  using _ = keepAlive();
  const order: string[] = [];
  const later = deadlineFor(0.04)!, sooner = deadlineFor(0.01)!;
  whenExpired(later, () => order.push("later"));
  whenExpired(sooner, () => order.push("sooner"));
  await passed(NONBLOCK);
  assert.deepEqual(order, []); // neither deadline has passed after one turn
  await passed(deadlineFor(0.06));
  assert.deepEqual(order, ["sooner", "later"]);
  assert.equal(msLeft(later), 0);
});

Deno.test("whenExpired() cancel clears the timer: the callback never runs, and a second cancel does nothing", async () => {
  using _ = keepAlive();
  let fired = 0;
  const cancel = whenExpired(deadlineFor(0.01), () => fired++);
  cancel();
  cancel();
  await passed(deadlineFor(0.03));
  assert.equal(fired, 0);
  // Cancelling after it fired does nothing either.
  const late = whenExpired(NONBLOCK, () => fired++);
  await passed(NONBLOCK);
  late();
  assert.equal(fired, 1);
});

Deno.test("whenExpired() starts no timer for a null deadline, and never calls back", async () => {
  let fired = false;
  const started = await timersStartedBy(() => whenExpired(null, () => fired = true)());
  assert.equal(started, 0);
  await passed(NONBLOCK);
  assert.equal(fired, false);
});

Deno.test("whenExpired(NONBLOCK) gives one turn of the event loop: after microtasks and timers already due", async () => {
  const order: string[] = [];
  setTimeout(() => order.push("timer queued before"), 0);
  const turn = passed(NONBLOCK).then(() => order.push("NONBLOCK"));
  queueMicrotask(() => order.push("microtask"));
  await turn;
  assert.deepEqual(order, ["microtask", "timer queued before", "NONBLOCK"]);
});

Deno.test("waitUntil() with NONBLOCK sees bytes that have already arrived: its turn polls for I/O", async () => {
  using p = await pair();
  await p.cli.sendall(enc.encode("here"));
  // The bytes are in the kernel's buffer: the read started now completes in the turn (on a
  // loaded machine the runtime's poll may come a turn or two later: each waits one turn again).
  const recv = p.conn.recv(1024);
  let got: Uint8Array | null = null;
  for (let turn = 0; turn < 5 && got === null; turn++) {
    got = await waitUntil(recv, NONBLOCK, "recv").catch((e) => {
      assert.ok(e instanceof socket.BlockingIOError);
      return null;
    });
  }
  assert.equal(dec.decode(got!), "here");
});

Deno.test("waitUntil() resolves and rejects as its promise does, and leaves no timer", async () => {
  using _ = keepAlive();
  assert.equal(await waitUntil(Promise.resolve(7), deadlineFor(30), "recv"), 7);
  const boom = new Error("boom");
  await assert.rejects(waitUntil(Promise.reject(boom), deadlineFor(30), "recv"), (e) => e === boom);
  // (The test sanitizer fails the test if the 30 s timers were left running.)
});

Deno.test("waitUntil() rejects with TimeoutError when the deadline passes, BlockingIOError EAGAIN when non-blocking", async () => {
  using _ = keepAlive();
  await assert.rejects(waitUntil(never(), deadlineFor(0.01), "recv"), socket.TimeoutError);
  await assert.rejects(waitUntil(never(), NONBLOCK, "recv"), (e) => {
    assert.ok(e instanceof socket.BlockingIOError);
    assert.equal(e.errno, socket.errno.EAGAIN);
    assert.match(e.message, /Cannot recv: would block/);
    return true;
  });
  assert.ok(expired(NONBLOCK, "accept") instanceof socket.BlockingIOError);
});

Deno.test("waitUntil() observes a promise that rejects after the deadline (nothing rejects unheard)", async () => {
  using _ = keepAlive();
  let fail!: (e: Error) => void;
  const late = new Promise<never>((_, reject) => fail = reject);
  await assert.rejects(waitUntil(late, NONBLOCK, "recv"), socket.BlockingIOError);
  fail(new Error("too late")); // an unhandled rejection would fail this test
  await passed(NONBLOCK);
});

Deno.test("waitUntil() with a null deadline is the promise itself: no timer", async () => {
  const p = Promise.resolve(1);
  let same = false;
  assert.equal(await timersStartedBy(() => same = waitUntil(p, null, "recv") === p), 0);
  assert.ok(same);
});

Deno.test("Lock.acquire() with a deadline times out and leaves the queue; the others keep their turn", async () => {
  using _ = keepAlive();
  const lock = new Lock();
  assert.ok(lock.tryAcquire());
  const order: string[] = [];
  const first = lock.acquire(null, "recv").then(() => order.push("first"));
  const late = lock.acquire(deadlineFor(0.01), "recv");
  const last = lock.acquire(deadlineFor(30), "recv").then(() => order.push("last"));
  await assert.rejects(late, socket.TimeoutError);
  lock.release(); // to first
  await first;
  lock.release(); // to last: the one that timed out is not in the way
  await last;
  assert.deepEqual(order, ["first", "last"]);
  lock.release();
  assert.equal(lock.held, false); // nobody left queued
});

Deno.test("Lock.acquire() non-blocking on a held lock raises BlockingIOError and leaves the queue", async () => {
  const lock = new Lock();
  lock.tryAcquire();
  await assert.rejects(lock.acquire(NONBLOCK, "accept"), /Cannot accept: would block/);
  lock.release();
  assert.equal(lock.held, false);
  // A free lock is taken at once, without a timer.
  assert.equal(await timersStartedBy(() => lock.acquire(deadlineFor(30), "recv")), 0);
  assert.equal(lock.held, true);
});

Deno.test("checkTimeout() accepts seconds or null, raises TypeError, and ValueError for negative or huge ones", () => {
  assert.equal(checkTimeout(null, "settimeout"), null);
  assert.equal(checkTimeout(undefined, "settimeout"), null);
  assert.equal(checkTimeout(0, "settimeout"), 0);
  assert.equal(checkTimeout(2.5, "settimeout"), 2.5);
  assert.throws(() => checkTimeout("1", "settimeout"), TypeError);
  assert.throws(() => checkTimeout(NaN, "settimeout"), TypeError);
  assert.throws(
    () => checkTimeout(-1, "settimeout"),
    (e) =>
      e instanceof socket.ValueError && e instanceof RangeError &&
      e.message === "Cannot settimeout: timeout must be non-negative: current value is -1",
  );
  assert.equal(checkTimeout(-1, "select", true), 0); // selector.select(): do not wait
  for (const huge of [Infinity, 1e300]) {
    assert.throws(() => checkTimeout(huge, "select", true), /timeout is too large/);
  }
});

Deno.test("deadlineFor() is null without a timeout, NONBLOCK for 0, null for one no timer can wait", () => {
  assert.equal(deadlineFor(null), null);
  assert.equal(deadlineFor(0), NONBLOCK);
  assert.equal(deadlineFor(9e9), null); // longer than 2³¹ − 1 ms
  const d = deadlineFor(1)!;
  assert.ok(d > performance.now() && msLeft(d) <= 1000);
  assert.equal(msLeft(NONBLOCK), 0);
});

const deadline = new URL("../_common/deadline.ts", import.meta.url).href;
const lock = new URL("../_common/lock.ts", import.meta.url).href;

/** Runs `code` as a program (`deno run -`) and asserts it exited by itself, printing `ended`. */
async function assertExitsAtOnce(code: string): Promise<void> {
  // A timer held for an hour would keep it alive until the helper's kill timer.
  const out = await runDeno(["run", "--quiet", "-"], { stdin: enc.encode(code) });
  assert.equal(out.stderr, "");
  assert.equal(out.signal, null);
  assert.equal(out.code, 0);
  assert.equal(out.stdout, "ended\n");
}

Deno.test("waitUntil(): a program whose wait ended before its deadline exits at once", async () => {
  await assertExitsAtOnce(`
    import { deadlineFor, waitUntil } from "${deadline}";
    const v = await waitUntil(Promise.resolve("ended"), deadlineFor(3600), "recv");
    console.log(v);
  `);
});

Deno.test("whenExpired(): a program whose only pending things are deadline timers of waits nobody awaits exits at once", async () => {
  await assertExitsAtOnce(`
    import { deadlineFor, waitUntil, whenExpired } from "${deadline}";
    import { Lock } from "${lock}";
    waitUntil(new Promise(() => {}), deadlineFor(3600), "recv").catch(() => {});
    const lock = new Lock();
    lock.tryAcquire();
    lock.acquire(deadlineFor(3600), "recv").catch(() => {});
    whenExpired(deadlineFor(3600), () => console.log("fired"));
    console.log("ended");
  `);
});

Deno.test("Hold: a released or closed hold lets a program exit at once, however often it was taken", async () => {
  await assertExitsAtOnce(`
    import { Hold } from "${deadline}";
    const a = new Hold(), b = new Hold();
    for (let i = 0; i < 1000; i++) { a.hold(); a.release(); }
    b.hold();
    b.close();
    b.hold(); // after close(): holds nothing
    console.log("ended");
  `);
});

Deno.test("Hold: a program is kept alive while held, until release()", async () => {
  const code = `
    import { Hold } from "${deadline}";
    const hold = new Hold();
    hold.hold();
    hold.release();
    hold.hold(); // taken again: the one timer ref'd again
    const release = setTimeout(() => { console.log("released"); hold.release(); }, 300);
    Deno.unrefTimer(release); // only the hold keeps the program alive until then
  `;
  const out = await runDeno(["run", "--quiet", "-"], { stdin: enc.encode(code) });
  assert.equal(out.stderr, "");
  assert.equal(out.code, 0);
  assert.equal(out.stdout, "released\n"); // it waited for the timer: the hold kept it
});
