// Copyright 2026 the pysocket authors. MIT license.
// Deadlines for timeouts and non-blocking mode, and the one way to wait for
// a promise until a deadline. Deno cannot cancel a read, an accept or a
// receive, so a wait that gives up leaves the operation running: the engine
// that started it keeps its result for the next call, never loses it.

import { BlockingIOError, errno, TimeoutError } from "../errors.ts";

/** A deadline: `null` waits forever, `NONBLOCK` gives the event loop one turn, else `performance.now()` ms. */
export type Deadline = number | null;

/** The deadline of a non-blocking call. */
export const NONBLOCK = -1;

/**
 * The largest timeout a timer can wait (2³¹ − 1 ms, about 24.8 days). A
 * longer timeout waits like no timeout: no call on a socket outlives it
 * anyway, and a longer delay would make the timer fire at once.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `seconds` as a timer delay in ms, or `null` when it is too long for a timer (wait without one). */
export function timerMs(seconds: number): number | null {
  const ms = seconds * 1000;
  return ms > MAX_TIMER_MS ? null : ms;
}

/** The deadline of a call that starts now on a socket with `timeout` (seconds, or null). */
export function deadlineFor(timeout: number | null): Deadline {
  if (timeout === null) return null;
  if (timeout === 0) return NONBLOCK;
  const ms = timerMs(timeout);
  return ms === null ? null : performance.now() + ms;
}

/** Milliseconds left before `deadline` (0 for a non-blocking call). */
export function msLeft(deadline: number): number {
  return deadline === NONBLOCK ? 0 : Math.max(0, deadline - performance.now());
}

/** The error for a deadline that has passed: `BlockingIOError` or `TimeoutError`. */
export function expired(deadline: number, op: string): Error {
  if (deadline === NONBLOCK) {
    return new BlockingIOError(errno.EAGAIN, undefined, { detail: `Cannot ${op}: would block` });
  }
  return new TimeoutError(null, "timed out");
}

/**
 * Waits for `p` until `deadline`: resolves or rejects as `p` does, or
 * rejects with `expired(deadline, op)` when the deadline passes first (a
 * non-blocking deadline gives `p` one timer turn of the event loop, which
 * includes Deno's I/O polling). `p` is observed either way, so nothing is
 * left to reject unheard, and no timer is left running.
 *
 * @throws {BlockingIOError|TimeoutError} when the deadline passes first.
 */
export function waitUntil<T>(p: Promise<T>, deadline: Deadline, op: string): Promise<T> {
  if (deadline === null) return p;
  return new Promise<T>((resolve, reject) => {
    const id = setTimeout(() => reject(expired(deadline, op)), msLeft(deadline));
    p.then((v) => {
      clearTimeout(id);
      resolve(v);
    }, (e) => {
      clearTimeout(id);
      reject(e);
    });
  });
}
