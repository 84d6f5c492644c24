// Copyright 2026 the pysocket authors. MIT license.
// A first-come, first-served lock: concurrent reads (or writes, or accepts)
// on one socket are served in call order. Taking a free lock allocates
// nothing; waiting for it may be bounded by a deadline.

import { type Deadline, expired, type Want, whenExpired, type WouldBlock } from "./deadline.ts";

export class Lock {
  #held = false;
  #queue: (() => void)[] | null = null; // grants, in turn; made when someone first has to wait

  /** Whether someone holds the lock. */
  get held(): boolean {
    return this.#held;
  }

  /** Takes the lock if it is free. */
  tryAcquire(): boolean {
    if (this.#held) return false;
    this.#held = true;
    return true;
  }

  /**
   * Waits for the lock, in turn, until `deadline` (`null`: as long as it
   * takes). The caller joins the queue before this returns, so call order
   * holds even if it awaits something else first.
   *
   * @throws {BlockingIOError|TimeoutError} when the deadline passes first
   * (the caller has then left the queue); a non-blocking call's error is
   * what `make` makes for `want`.
   */
  acquire(deadline: Deadline = null, op = "wait", want?: Want, make?: WouldBlock): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const queue = this.#queue ??= [];
      if (deadline === null) {
        queue.push(resolve);
        return;
      }
      const grant = () => {
        cancel();
        resolve();
      };
      const cancel = whenExpired(deadline, () => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        reject(expired(deadline, op, want, make));
      });
      queue.push(grant);
    });
  }

  /** Hands the lock to the next waiter, or frees it. */
  release(): void {
    const next = this.#queue?.shift();
    if (next) next();
    else this.#held = false;
  }

  /** Resolves once everyone queued now has had the lock (taking it in turn, holding it for no time). */
  async idle(): Promise<void> {
    if (!this.#held) return;
    await this.acquire();
    this.release();
  }
}
