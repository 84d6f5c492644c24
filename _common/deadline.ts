// Copyright 2026 the pysocket authors. MIT license.
// Deadlines for timeouts and non-blocking mode: the check of a timeout
// argument, the one timer primitive (`whenExpired`) and the one way to wait
// for a promise until a deadline built on it. Deno cannot cancel a read, an
// accept or a receive, so a wait that gives up leaves the operation running:
// the engine that started it keeps its result for the next call, never
// loses it.

import { BlockingIOError, errno, TimeoutError, ValueError } from "../errors.ts";
import { typeName } from "./bytes.ts";

/** A deadline: `null` waits forever, `NONBLOCK` gives the event loop one turn, else `performance.now()` ms. */
export type Deadline = number | null;

/** The deadline of a non-blocking call. */
export const NONBLOCK = -1;

/** The longest timeout Python accepts (its clock counts nanoseconds in 64 bits). */
const MAX_TIMEOUT = 9.2e9;

/**
 * The largest timeout a timer can wait (2³¹ − 1 ms, about 24.8 days). A
 * longer timeout waits like no timeout: no call on a socket outlives it
 * anyway, and a longer delay would make the timer fire at once.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks a timeout in seconds as Python's `settimeout()` does: `null` (or
 * `undefined`) is none. A negative one raises, unless `negativeIsZero` (as
 * `selector.select()` takes it: do not wait).
 *
 * @throws {TypeError} for anything but a number; {ValueError} (a
 *   `RangeError`) for a negative one, or one too large to wait (Python's
 *   OverflowError: infinity, 1e300).
 */
export function checkTimeout(value: unknown, op: string, negativeIsZero = false): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Cannot ${op}: timeout must be a number or null, not '${typeName(value)}'`);
  }
  if (value < 0) {
    if (negativeIsZero) return 0;
    throw new ValueError(`Cannot ${op}: timeout must be non-negative: current value is ${value}`);
  }
  if (value > MAX_TIMEOUT) {
    throw new ValueError(`Cannot ${op}: timeout is too large: current value is ${value}`);
  }
  return value;
}

/** The deadline of a call that starts now with `timeout` (seconds, or null). */
export function deadlineFor(timeout: number | null): Deadline {
  if (timeout === null) return null;
  if (timeout === 0) return NONBLOCK;
  const ms = timeout * 1000;
  return ms > MAX_TIMER_MS ? null : performance.now() + ms;
}

/** Milliseconds left before `deadline` (0 for a non-blocking call). */
export function msLeft(deadline: number): number {
  return deadline === NONBLOCK ? 0 : Math.max(0, deadline - performance.now());
}

/** Which way a call that would block was going: reading or writing. */
export type Want = "read" | "write";

/**
 * Makes the error of a non-blocking call that would block going `want`'s
 * way: `BlockingIOError` on a plain socket ({@linkcode wouldBlock}), a TLS
 * socket's `SSLWantReadError` or `SSLWantWriteError`.
 */
export type WouldBlock = (want: Want, op: string) => Error;

/** A plain socket's would-block error: `BlockingIOError` (`EAGAIN`), whichever way. */
export const wouldBlock: WouldBlock = (_want, op) =>
  new BlockingIOError(errno.EAGAIN, undefined, { detail: `Cannot ${op}: would block` });

/**
 * The error for a deadline that has passed: `TimeoutError`, or for a
 * non-blocking call what `make` makes for `want` (`BlockingIOError` by default).
 */
export function expired(
  deadline: number,
  op: string,
  want: Want = "read",
  make: WouldBlock = wouldBlock,
): Error {
  if (deadline === NONBLOCK) return make(want, op);
  return new TimeoutError(null, "timed out");
}

const runtime = (globalThis as {
  Deno?: { unrefTimer(id: number): void; refTimer(id: number): void };
}).Deno;

/** Lets a timer fire without keeping the process alive (Deno's `unrefTimer`, Node's and Bun's `unref()`). */
const unref: (id: ReturnType<typeof setTimeout>) => void = runtime
  ? (id) => runtime.unrefTimer(id as unknown as number)
  : (id) => (id as unknown as { unref?(): void }).unref?.();

/** Makes a timer keep the process alive again (Deno's `refTimer`, Node's and Bun's `ref()`). */
const ref: (id: ReturnType<typeof setTimeout>) => void = runtime
  ? (id) => runtime.refTimer(id as unknown as number)
  : (id) => (id as unknown as { ref?(): void }).ref?.();

const noop = () => {};

/**
 * The one deadline timer: calls `onExpire` once when `deadline` passes,
 * unless the returned cancel is called first. `null` starts no timer (and
 * never calls it); `NONBLOCK` calls it after one timer turn of the event
 * loop, which includes the runtime's I/O polling, so that what has already
 * arrived is seen first.
 *
 * The timer is unref'd unless `held`: it never keeps a finished program
 * alive by itself (an awaited operation does so through its own I/O, DESIGN
 * §21). A wait with no I/O of its own behind it (`select()` blocked on
 * sockets whose pending operations keep nobody alive, or on none) passes
 * `held`, as a Python thread blocked there keeps its process. The one turn
 * of `NONBLOCK` is not a wait and stays ref'd: it ends within the turn,
 * and without it a poll with nothing else pending (`select(0)` on idle
 * sockets) would be dropped before it returns.
 *
 * @returns The cancel: it clears the timer; calling it again, or after the
 *   timer fired, does nothing.
 */
export function whenExpired(deadline: Deadline, onExpire: () => void, held = false): () => void {
  if (deadline === null) return held ? keepAlive() : noop;
  const id = setTimeout(onExpire, msLeft(deadline));
  if (deadline !== NONBLOCK && !held) unref(id);
  return () => clearTimeout(id);
}

/**
 * A hold on the process that is taken and let go often (around every call
 * a caller awaits on a handle the runtime cannot unref itself): one timer
 * that never fires, made on the first `hold()` and only ref'd or unref'd
 * after, so taking the hold makes no timer. `close()` clears it.
 */
export class Hold {
  #id: ReturnType<typeof setInterval> | null = null;
  #held = false;
  #closed = false;

  /** The process stays alive until `release()` (after `close()`, nothing is held). */
  hold(): void {
    if (this.#held || this.#closed) return;
    this.#held = true;
    if (this.#id === null) this.#id = setInterval(noop, MAX_TIMER_MS);
    else ref(this.#id);
  }

  /** The hold no longer keeps the process alive. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    unref(this.#id!);
  }

  /** Clears the timer: the hold is let go, for good. */
  close(): void {
    this.#closed = true;
    this.#held = false;
    if (this.#id !== null) clearInterval(this.#id);
    this.#id = null;
  }
}

/** Keeps the process alive until the returned release is called (one ref'd timer that never fires). */
function keepAlive(): () => void {
  const id = setInterval(noop, MAX_TIMER_MS);
  return () => clearInterval(id);
}

/**
 * Waits for `p` until `deadline`: resolves or rejects as `p` does, or
 * rejects with `expired(deadline, op, want, make)` when the deadline passes first (a
 * non-blocking deadline gives `p` one timer turn of the event loop, which
 * includes the runtime's I/O polling). `p` is observed either way, so
 * nothing is left to reject unheard, and no timer is left running.
 *
 * @throws {BlockingIOError|TimeoutError} when the deadline passes first.
 */
export function waitUntil<T>(
  p: Promise<T>,
  deadline: Deadline,
  op: string,
  want?: Want,
  make?: WouldBlock,
): Promise<T> {
  if (deadline === null) return p;
  return new Promise<T>((resolve, reject) => {
    const cancel = whenExpired(deadline, () => reject(expired(deadline, op, want, make)));
    p.then((v) => {
      cancel();
      resolve(v);
    }, (e) => {
      cancel();
      reject(e);
    });
  });
}

/**
 * `waitUntil()` for a wait with no I/O of its own that keeps the process
 * alive (a TLS handshake over a transport let go while idle): the process
 * is held while the caller waits, as a Python thread blocked there holds
 * its own, and not a moment after the wait ends, whichever way it ends.
 *
 * @throws {BlockingIOError|TimeoutError} when the deadline passes first.
 */
export async function heldUntil<T>(p: Promise<T>, deadline: Deadline, op: string): Promise<T> {
  const release = keepAlive();
  try {
    return await waitUntil(p, deadline, op);
  } finally {
    release();
  }
}
