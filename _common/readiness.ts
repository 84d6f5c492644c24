// Copyright 2026 the pysocket authors. MIT license.
// Readiness: the one mechanism behind select(), selectors and socketserver's
// loop (as CPython's socketserver waits through selectors).
//
// An object says how ready it is through one named slot, `[POLL]()`: whether
// a read or a write would return at once, and a way to wait until that may
// have changed, without consuming anything. Sockets, the standard-input
// object and anything else select accepts implement it, returning the same
// object on every call.
//
// Each watched object has one *watch*: the promise of its last `changed()`
// call and the set of waits on it. It is kept on the object's own `Poll`
// (its `watch` field), so nothing is registered anywhere. A wait that finds nothing ready joins the
// watch of every object it waits on (starting `changed()` only when no call
// of the right kind is under way) and leaves them when it returns. So
// repeated select calls start no new work on an object whose wait is still
// pending and leave no listener behind on its promise, and the work of one
// call grows with the number of objects given, no faster.

import { errno, OSError } from "../errors.ts";
import { typeName } from "./bytes.ts";
import { deadlineFor, NONBLOCK, whenExpired } from "./deadline.ts";

/** An object's readiness now, and a way to wait for a change. */
export interface Poll {
  /** Whether a read (`recv`, `accept`, `recvfrom`) would return at once: data, EOF, a connection, an error. */
  readable(): boolean;
  /** Whether a send would not wait (and a connect under way has finished). */
  writable(): boolean;
  /**
   * Starts whatever brings readiness (a fill of the read buffer, a
   * background accept or receive) and resolves when `readable` (if `read`)
   * or `writable` (if `write`) may have changed. Never rejects; consumes
   * nothing: what made the object ready is returned by its next read.
   */
  changed(read: boolean, write: boolean): Promise<void>;
  /**
   * The object's watch, which {@linkcode watchOf} keeps here: the object
   * leaves it out (and returns this same `Poll` from every `[POLL]()` call).
   */
  watch?: Watch;
}

/**
 * The named slot through which select, selectors and socketserver reach an
 * object's readiness: `obj[POLL]()` returns its {@linkcode Poll}, the same
 * object on every call.
 */
export const POLL: unique symbol = Symbol.for("pysocket.poll");

/** Something that can be watched: it has the `[POLL]` slot. */
export interface Pollable {
  /** The object's readiness. */
  [POLL](): Poll;
}

/** The readiness of `obj`, or `null` if it has no `[POLL]` slot. */
export function pollOf(obj: unknown): Poll | null {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) return null;
  const slot = (obj as Partial<Pollable>)[POLL];
  return typeof slot === "function" ? slot.call(obj) : null;
}

/** Work counters, for tests that check the cost of a call without timing it. */
export const stats = {
  /** Readiness checks (one socket, one direction). */
  checks: 0,
  /** `changed()` calls started (each is new work on a socket). */
  arms: 0,
  /** Times a waiting select call joined a socket's watch. */
  joins: 0,
  /** Select calls waiting on a socket right now, summed over sockets (0 when none waits). */
  waiting: 0,
};

/** What waits on a watch: a registry's entry, woken when its socket may have changed. */
interface Waiter {
  wake(): void;
}

/** The waiters of select calls on one socket, and its `changed()` call under way. */
export class Watch {
  readonly poll: Poll;
  pending: Promise<void> | null = null;
  read: boolean = false;
  write: boolean = false;
  /** The first waiter, then the others (most watches have one: the selector that registered it). */
  #first: Waiter | null = null;
  #more: Set<Waiter> | null = null;
  constructor(poll: Poll) {
    this.poll = poll;
  }

  /** Wakes `w` at every change from now on, until `remove(w)`. */
  add(w: Waiter): void {
    if (this.#first === null) this.#first = w;
    else (this.#more ??= new Set()).add(w);
  }

  /** Stops waking `w`; whether it was a waiter. */
  remove(w: Waiter): boolean {
    if (this.#first !== w) return this.#more?.delete(w) ?? false;
    this.#first = null;
    return true;
  }

  /** How many wait on the watch. */
  get size(): number {
    return (this.#first === null ? 0 : 1) + (this.#more?.size ?? 0);
  }

  /** Wakes every waiter. */
  wake(): void {
    this.#first?.wake();
    if (this.#more !== null) { for (const w of this.#more) w.wake(); }
  }
}

/** The watch kept on `poll`, made on first use. */
function watchIn(poll: Poll): Watch {
  return poll.watch ??= new Watch(poll);
}

/** What a select call asks of one socket. */
export interface Interest {
  /** The socket. */
  readonly sock: object;
  /** Whether the caller wants to know when it is readable. */
  read: boolean;
  /** Whether the caller wants to know when it is writable. */
  write: boolean;
}

/** What is true of one socket now. */
export interface Readiness {
  readable: boolean;
  writable: boolean;
  /** The socket was closed (while it was waited on): it counts as ready for what was asked. */
  closed: boolean;
}

/**
 * The watch of `obj` after checking that it is open and has the `[POLL]` slot.
 *
 * @throws {TypeError} for an object without `fileno()`, or one without the slot.
 * @throws {OSError} `EBADF` for a closed socket.
 */
export function watchOf(obj: unknown, op: string): Watch {
  if (
    obj === null || typeof obj !== "object" ||
    typeof (obj as { fileno?: unknown }).fileno !== "function"
  ) {
    throw new TypeError(
      `Cannot ${op}: argument must have a fileno() method, not '${typeName(obj)}'` +
        (typeof obj === "number" ? " (Deno has no file descriptors: pass the socket itself)" : ""),
    );
  }
  const poll = pollOf(obj);
  if (poll === null) {
    throw new TypeError(
      `Cannot ${op}: '${typeName(obj)}' is not a pysocket socket; ` +
        "only sockets made by this module can be watched (Deno has no file descriptors)",
    );
  }
  if ((obj as { fileno(): number }).fileno() < 0) {
    throw new OSError(errno.EBADF, undefined, {
      detail: `Cannot ${op}: the socket is closed`,
    });
  }
  return watchIn(poll);
}

/** Whether `sock` is closed (its `fileno()` is -1, or raises). */
export function isClosed(sock: object): boolean {
  try {
    return (sock as { fileno(): number }).fileno() < 0;
  } catch {
    return true; // a closed file's fileno() raises
  }
}

/** The readiness of `interest.sock` (whose watch is `watch`) for what `interest` asks. */
export function readinessOf(interest: Interest, watch: Watch): Readiness {
  if (isClosed(interest.sock)) {
    return { readable: interest.read, writable: interest.write, closed: true };
  }
  let readable = false, writable = false;
  if (interest.read) {
    stats.checks++;
    readable = watch.poll.readable();
  }
  if (interest.write) {
    stats.checks++;
    writable = watch.poll.writable();
  }
  return { readable, writable, closed: false };
}

/** Starts `changed()` on `watch` for `read`/`write` unless a call covering them is under way. */
function arm(watch: Watch, read: boolean, write: boolean): void {
  if (watch.pending !== null && (!read || watch.read) && (!write || watch.write)) return;
  const r = read || (watch.pending !== null && watch.read);
  const w = write || (watch.pending !== null && watch.write);
  stats.arms++;
  const p = watch.poll.changed(r, w);
  watch.pending = p;
  watch.read = r;
  watch.write = w;
  const settled = () => {
    if (watch.pending === p) watch.pending = null;
    watch.wake();
  };
  p.then(settled, settled);
}

/** How many cheap event-loop turns Deno may take before it polls for I/O (about 30 seen). */
const IO_TURNS = 40;

/**
 * The web platform's MessageChannel, as the package found it at import. In
 * Deno the first touch of `process` (loading a node: built-in) puts Node's
 * in its place, whose messages do not make Deno poll for I/O.
 */
const WebMessageChannel = globalThis.MessageChannel;

/**
 * Resolves after one turn of the event loop: a message to oneself, some
 * microseconds where a `setTimeout(0)` turn costs a millisecond or more.
 * Deno does not poll for I/O on every such turn (every few dozen at the
 * latest), so this lets other tasks run rather than waiting for I/O. The
 * channel is closed at once.
 */
export function turn(): Promise<void> {
  return new Promise<void>((resolve) => {
    const { port1, port2 } = new WebMessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
    port2.close();
  });
}

/** After this many wake-ups in a row that found nothing ready, give the event loop a turn. */
const SPURIOUS_LIMIT = 32;

/** A registered key's state: what it asks and its socket's watch, which wakes it once it listens. */
class Entry<K> implements Waiter {
  readonly key: K;
  readonly interest: Interest;
  readonly watch: Watch;
  readonly #registry: Registry<K>;
  /** Added to the watch's waiters. */
  listening = false;

  constructor(registry: Registry<K>, key: K, interest: Interest, watch: Watch) {
    this.#registry = registry;
    this.key = key;
    this.interest = interest;
    this.watch = watch;
  }

  wake(): void {
    this.#registry.changed(this.key);
  }
}

/**
 * A selector's registrations, as epoll keeps them: each stays listening on
 * its object's watch, and a wake marks it *dirty*. A wait checks only the
 * dirty ones — those that changed, and those found ready last time (they
 * are checked again until they are not: level-triggered) — so its work
 * grows with what changed, not with how many objects are registered.
 */
export class Registry<K> {
  /** Each key's interest, its socket's watch, and its wake once it listens. */
  readonly #entries = new Map<K, Entry<K>>();
  readonly #dirty = new Set<K>();
  readonly #waiting = new Set<() => void>();
  /** How many keys the last collect() found ready for all they ask. */
  #full = 0;

  /** Registers `key` (its socket checked by `watchOf()`); it is checked at the next wait. */
  add(key: K, interest: Interest): void {
    const watch = watchIn(pollOf(interest.sock)!);
    this.#entries.set(key, new Entry(this, key, interest, watch));
    this.#dirty.add(key);
  }

  /** Forgets `key` and stops listening on its watch. */
  remove(key: K): void {
    const entry = this.#entries.get(key);
    if (entry?.listening && entry.watch.remove(entry)) stats.waiting--;
    this.#entries.delete(key);
    this.#dirty.delete(key);
  }

  /** Forgets every key. */
  clear(): void {
    for (const entry of this.#entries.values()) {
      if (entry.listening && entry.watch.remove(entry)) stats.waiting--;
    }
    this.#entries.clear();
    this.#dirty.clear();
  }

  /**
   * Calls `report` for each dirty key that is ready (or closed), keeping it
   * dirty (and listening for what it is not ready for yet); the others are
   * cleaned, and listened on until they change. Returns how many were
   * reported.
   */
  collect(report: (key: K, now: Readiness) => void): number {
    let found = 0;
    this.#full = 0;
    for (const key of this.#dirty) {
      const entry = this.#entries.get(key)!;
      const { interest } = entry;
      const now = readinessOf(interest, entry.watch);
      const read = interest.read && !now.readable, write = interest.write && !now.writable;
      if (now.closed || read !== interest.read || write !== interest.write) {
        report(key, now);
        found++;
        if (now.closed || (!read && !write)) this.#full++;
        else this.#listen(entry, read, write); // ready for some of it: listen for the rest
        continue;
      }
      this.#dirty.delete(key);
      this.#listen(entry, read, write);
    }
    return found;
  }

  /** The keys to check next, to look at before a wait (a closed one, say). */
  dirty(): IterableIterator<K> {
    return this.#dirty.values();
  }

  #listen(entry: Entry<K>, read: boolean, write: boolean): void {
    if (read || write) arm(entry.watch, read, write);
    if (entry.listening) return;
    entry.listening = true;
    stats.joins++;
    stats.waiting++;
    entry.watch.add(entry);
  }

  /** `key`'s socket may have changed (its watch woke its entry): it is checked at the next wait. */
  changed(key: K): void {
    this.#dirty.add(key);
    for (const w of this.#waiting) w();
  }

  /**
   * Waits until `check()` (which collects) finds something ready, and
   * returns it; or until `timeout` seconds pass (`null`: no limit; `0`: a
   * timer turn of the event loop, which includes Deno's I/O polling, so that
   * data already arrived is seen), or until `signal` aborts (a selector
   * closed, a server shut down): then `null`. Work is done only for the keys
   * that change. Never rejects but for what `check()` throws; leaves no
   * timer and no listener of its own behind.
   */
  async wait<T>(
    timeout: number | null,
    check: () => T | null,
    signal?: AbortSignal,
  ): Promise<T | null> {
    let found = check();
    if (found !== null) {
      // Something is ready. The others may be ready too with what has arrived
      // (Python's select reports everything at once), but Deno completes a
      // read only when it polls for I/O — every few dozen cheap event-loop
      // turns (a timer turn costs a millisecond or more). So give the keys
      // not ready (they are listened on) those turns, ending as soon as one
      // changes; a loop that always finds some key ready (say, writable) thus
      // neither spins on microtasks nor starves the others.
      if (this.#full === this.#entries.size) return found;
      let changed = false;
      const wake = () => changed = true;
      this.#waiting.add(wake);
      try {
        for (let i = 0; i < IO_TURNS && !changed; i++) await turn();
      } finally {
        this.#waiting.delete(wake);
      }
      return changed ? check() ?? found : found;
    }
    if (signal?.aborted) return null;
    let wake = () => {};
    let timedOut = false;
    const stop = () => {
      timedOut = true;
      wake();
    };
    // Held: the sockets' pending operations keep nobody alive by themselves
    // (what select() starts is let go), so the wait keeps the process alive
    // while its caller awaits it, as a Python thread blocked in select() does.
    const cancel = whenExpired(deadlineFor(timeout), stop, true);
    signal?.addEventListener("abort", stop);
    const waiting = () => wake();
    this.#waiting.add(waiting);
    try {
      for (let spurious = 0; !timedOut; spurious++) {
        if (this.#dirty.size === 0) await new Promise<void>((resolve) => wake = resolve);
        found = check();
        if (found !== null) return found;
        if (spurious >= SPURIOUS_LIMIT && !timedOut) {
          // A socket keeps saying "changed" without becoming ready: let I/O run.
          await new Promise<void>((resolve) => whenExpired(NONBLOCK, resolve));
          spurious = 0;
        }
      }
      return null;
    } finally {
      cancel();
      signal?.removeEventListener("abort", stop);
      this.#waiting.delete(waiting);
    }
  }
}
