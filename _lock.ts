// Copyright 2026 the pysocket authors. MIT license.
// A first-come, first-served lock: concurrent reads (or writes) on one socket
// are served in call order. Taking a free lock allocates nothing.

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

  /** Waits for the lock, in turn. */
  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((grant) => (this.#queue ??= []).push({ grant, gone: false }));
  }

  /**
   * Waits for the lock until `ms` milliseconds have passed; resolves `false`
   * (and leaves the queue) if it did not come by then.
   */
  acquireWithin(ms: number): Promise<boolean> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { grant: () => resolve(true), gone: false };
      const id = setTimeout(() => {
        waiter.gone = true;
        resolve(false);
      }, ms);
      waiter.grant = () => {
        clearTimeout(id);
        resolve(true);
      };
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
}
