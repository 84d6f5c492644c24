// Copyright 2026 the pysocket authors. MIT license.
// Readiness of a socket, for select() and selectors: each socket class says
// how to tell, without consuming anything, whether a read or a write would
// return at once, and how to wait until that may have changed.

/** A socket's readiness now, and a way to wait for a change. */
export interface Poll {
  /** A read (`recv`, `accept`, `recvfrom`) would return at once: data, EOF, a connection, an error. */
  readonly readable: boolean;
  /** A send would not wait (and a connect under way has finished). */
  readonly writable: boolean;
  /**
   * Starts whatever brings readiness (a fill of the read buffer, a
   * background accept or receive) and resolves when `readable` (if `read`)
   * or `writable` (if `write`) may have changed. Never rejects; consumes
   * nothing: what made the socket ready is returned by its next read.
   */
  changed(read: boolean, write: boolean): Promise<void>;
}

// deno-lint-ignore no-explicit-any
type Class = abstract new (...args: any[]) => object;
const pollers = new Map<Class, (s: object) => Poll>();

/** Says how to poll instances of `cls` (called once by each socket class). */
export function definePoll<T extends object>(
  cls: abstract new (...args: never[]) => T,
  poll: (s: T) => Poll,
): void {
  pollers.set(cls as unknown as Class, poll as (s: object) => Poll);
}

/** The readiness of `s`, or `null` if it is not a socket this module made. */
export function pollOf(s: object): Poll | null {
  for (let c = s.constructor as Class | null; c; c = Object.getPrototypeOf(c)) {
    const poll = pollers.get(c);
    if (poll) return poll(s);
  }
  return null;
}
