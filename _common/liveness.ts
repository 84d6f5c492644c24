// Copyright 2026 the pysocket authors. MIT license.
// Whether what a transport has pending keeps the process alive (DESIGN §21).
// Deno cannot cancel a read, an accept or a receive, so an operation that
// outlived its caller (a fill kept for the next read, a readiness prefetch,
// an accept or receive after a timeout) stays pending; a Python program ends
// all the same. So the engines of a transport hold it while a caller awaits
// one of them, and let go once nobody does and something was left pending:
// the operation goes on, its result is kept, but it no longer keeps a
// finished program alive.

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
 * The hold on one transport, shared by its engines (a stream's reader and
 * writer). A transport starts held, as its runtime makes it, unless it is
 * `heldWhenIdle` (then it starts let go). `enter()` and `leave()` pair
 * around every call a caller awaits; they only count while nothing changes,
 * so a blocking read's hot path pays two checks.
 */
export class Liveness {
  readonly #target: Holdable;
  readonly #whenIdle: boolean;
  /** Calls awaited now. */
  #waiting = 0;
  #held = true;
  /** Something was left pending for nobody since the transport was last let go. */
  #stray = false;
  #daemon = false;

  /** @param target The transport whose pending operations are held. */
  constructor(target: Holdable) {
    this.#target = target;
    this.#whenIdle = target.heldWhenIdle === true;
    if (this.#whenIdle) this.#release();
  }

  /** A caller awaits the transport: what it has pending keeps the process alive. */
  enter(): void {
    if (this.#waiting++ === 0 && !this.#held && !this.#daemon) {
      this.#held = true;
      this.#target.ref?.();
    }
  }

  /** The call `enter()` began is over: with nobody else waiting, the transport may be let go. */
  leave(): void {
    if (--this.#waiting === 0 && (this.#stray || this.#whenIdle)) this.#release();
  }

  /**
   * An operation is left pending for nobody (a fill after a timeout, what
   * select started): once no caller awaits, it keeps nobody alive.
   */
  stray(): void {
    this.#stray = true;
    if (this.#waiting === 0) this.#release();
  }

  #release(): void {
    this.#stray = false;
    if (!this.#held) return;
    this.#held = false;
    this.#target.unref?.();
  }

  /**
   * A daemon's transport is never held (Python's daemon threads): a request
   * handler of a server with `daemon_threads` waits on its connection
   * without keeping the process alive.
   */
  set daemon(on: boolean) {
    this.#daemon = on;
    if (on) this.#release();
  }
}
