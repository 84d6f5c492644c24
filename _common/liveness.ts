// Copyright 2026 the pysocket authors. MIT license.
// Whether what a transport has pending keeps the process alive (DESIGN §21).
// Deno cannot cancel a read, an accept or a receive, so an operation that
// outlived its caller (a fill kept for the next read, a readiness prefetch,
// an accept or receive after a timeout) stays pending; a Python program ends
// all the same. So an engine holds its transport while a caller awaits it,
// and lets go once nobody does: the operation goes on, its result is kept,
// but it no longer keeps a finished program alive.

/** What can be held: a transport's `ref()`/`unref()` (a source without them is never held). */
export interface Holdable {
  /** Pending operations keep the process alive. */
  ref?(): void;
  /** Pending operations no longer keep the process alive. */
  unref?(): void;
  /**
   * Whether a ref'd transport keeps the process alive with nothing of the
   * caller's pending: node's handles do, and TLS reads its plain transport
   * in the background. Such a transport is held only while a caller awaits.
   */
  readonly heldWhenIdle?: boolean;
}

/**
 * The hold of one engine on its transport. A transport starts held (what
 * its runtime does), unless it is `heldWhenIdle` (then it starts let go);
 * `hold()` and `idle()` are cheap when nothing changes, so a blocking
 * read's hot path pays a check or two.
 */
export class Liveness {
  readonly #target: Holdable;
  readonly #whenIdle: boolean;
  #held = true;
  #daemon = false;

  /** @param target The transport whose pending operations are held. */
  constructor(target: Holdable) {
    this.#target = target;
    this.#whenIdle = target.heldWhenIdle === true;
    if (this.#whenIdle) this.release();
  }

  /**
   * No caller awaits the transport now: it is let go when an operation is
   * left `pending` for nobody, or when the transport keeps the process
   * alive even idle (`heldWhenIdle`).
   */
  idle(pending: boolean): void {
    if (pending || this.#whenIdle) this.release();
  }

  /** A caller awaits the transport: what it has pending keeps the process alive. */
  hold(): void {
    if (this.#held || this.#daemon) return;
    this.#held = true;
    this.#target.ref?.();
  }

  /** Nobody awaits the transport any more: what it has pending goes on, but keeps nobody alive. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#target.unref?.();
  }

  /**
   * A daemon never holds (Python's daemon threads): a request handler of a
   * server with `daemon_threads` waits on its connection without keeping
   * the process alive.
   */
  set daemon(on: boolean) {
    this.#daemon = on;
    if (on) this.release();
  }
}
