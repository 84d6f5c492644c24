// Copyright 2026 the pysocket authors. MIT license.
// A first-come, first-served lock: concurrent reads (or writes, or accepts)
// on one socket are served in call order. Taking a free lock allocates
// nothing; waiting for it may be bounded by a deadline.

import { type Deadline, expired, msLeft } from "./deadline.ts";

interface Waiter {
  grant: () => void;
  gone: boolean;
}

export class Lock {
  #held = false;
  #queue: Waiter[] | null = null; // made when someone first has to wait

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
   * (the caller has then left the queue).
   */
  acquire(deadline: Deadline = null, op = "wait"): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { grant: resolve, gone: false };
      if (deadline !== null) {
        const id = setTimeout(() => {
          waiter.gone = true;
          reject(expired(deadline, op));
        }, msLeft(deadline));
        waiter.grant = () => {
          clearTimeout(id);
          resolve();
        };
      }
      (this.#queue ??= []).push(waiter);
    });
  }

  /** Hands the lock to the next waiter, or frees it. */
  release(): void {
    let next = this.#queue?.shift();
    while (next?.gone) next = this.#queue!.shift();
    if (next) next.grant();
    else this.#held = false;
  }

  /** Resolves once everyone queued now has had the lock (taking it in turn, holding it for no time). */
  async idle(): Promise<void> {
    if (!this.#held) return;
    await this.acquire();
    this.release();
  }
}
