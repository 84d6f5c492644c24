// Copyright 2026 the pysocket authors. MIT license.
// Deadlines for timeouts and non-blocking mode. Deno cannot cancel a read,
// so a wait that gives up leaves the operation running; its result is kept
// for the next call, never lost.

import { BlockingIOError, errno, TimeoutError } from "./errors.ts";

/** A deadline: `null` waits forever, `NONBLOCK` gives the event loop one turn. */
export type Deadline = number | null;

/** The deadline of a non-blocking call. */
export const NONBLOCK = -1;

/** The deadline of a call that starts now on a socket with `timeout` (seconds, or null). */
export function deadlineFor(timeout: number | null): Deadline {
  if (timeout === null) return null;
  if (timeout === 0) return NONBLOCK;
  return performance.now() + timeout * 1000;
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
 * Waits until `p` settles or `deadline` passes; resolves whether it settled.
 * `p` is observed either way, so nothing is left to reject unheard.
 */
export function settledBy(p: Promise<unknown>, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const id = setTimeout(() => resolve(false), msLeft(deadline));
    const done = () => {
      clearTimeout(id);
      resolve(true);
    };
    p.then(done, done);
  });
}
