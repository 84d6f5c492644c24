// Copyright 2026 the pysocket authors. MIT license.
// The write side of a stream socket. Concurrent sendall()s never interleave
// (a lock serves them in call order). A blocking write hands the caller's
// bytes straight to Deno. A write with a deadline cannot be taken back once
// Deno has it, so it writes a copy: if Deno has not finished by the deadline,
// the copy counts as accepted (as the kernel's send buffer would) and is
// finished in the background; the next write waits for it. So a timed-out
// send never sends bytes the caller was told were not sent.

import { Lock } from "./_lock.ts";
import { type Deadline, expired, msLeft, settledBy } from "./_wait.ts";

/** What the writer writes to: a `Deno.Conn`, or anything with its `write()`. */
export interface Sink {
  write(p: Uint8Array): Promise<number>;
}

const MAX_COPY = 256 * 1024;

export class Writer {
  #sink: Sink;
  #lock = new Lock();
  #background: Promise<void> | null = null;
  #error: unknown = null;

  constructor(sink: Sink) {
    this.#sink = sink;
  }

  /** Whether a write would be accepted without waiting. */
  get ready(): boolean {
    return this.#background === null && !this.#lock.held;
  }

  /**
   * Takes the writer for a blocking write straight to the sink, when nothing
   * is queued or finishing in the background and no error is pending. The
   * caller writes, then calls `release()`. Allocates nothing.
   */
  tryDirect(): boolean {
    return this.#background === null && this.#error === null && this.#lock.tryAcquire();
  }

  /** Gives the writer back after `tryDirect()`. */
  release(): void {
    this.#lock.release();
  }

  /** Resolves when background writing is over (at once if there is none). */
  drained(): Promise<void> {
    return this.#background ?? Promise.resolve();
  }

  /** Writes some of `view` (at least one byte); resolves the count. */
  async writeSome(view: Uint8Array, deadline: Deadline, op: string): Promise<number> {
    await this.#acquire(deadline, op);
    try {
      if (deadline !== null) return await this.#offer(view, deadline, op);
      if (this.#background) await this.#background;
      this.#throwError();
      return await this.#sink.write(view);
    } finally {
      this.#lock.release();
    }
  }

  /** Writes all of `view`, or throws. */
  async writeAll(view: Uint8Array, deadline: Deadline, op: string): Promise<void> {
    await this.#acquire(deadline, op);
    try {
      let off = 0;
      if (deadline !== null) {
        while (off < view.length) off += await this.#offer(view.subarray(off), deadline, op);
        return;
      }
      if (this.#background) await this.#background;
      this.#throwError();
      while (off < view.length) {
        off += await this.#sink.write(off === 0 ? view : view.subarray(off));
      }
    } finally {
      this.#lock.release();
    }
  }

  #acquire(deadline: Deadline, op: string): Promise<void> | void {
    if (this.#lock.tryAcquire()) return;
    if (deadline === null) return this.#lock.acquire();
    return this.#lock.acquireWithin(msLeft(deadline)).then((ok) => {
      if (!ok) throw expired(deadline, op);
    });
  }

  #throwError(): void {
    if (this.#error === null) return;
    const e = this.#error;
    this.#error = null;
    throw e;
  }

  async #offer(view: Uint8Array, deadline: number, op: string): Promise<number> {
    if (this.#background && !await settledBy(this.#background, deadline)) {
      throw expired(deadline, op);
    }
    this.#throwError();
    const chunk = view.slice(0, MAX_COPY);
    let written = -1;
    let failure: unknown = null;
    const first = this.#sink.write(chunk).then((n) => {
      written = n;
    }, (e) => {
      failure = e;
    });
    if (await settledBy(first, deadline)) {
      if (failure !== null) throw failure;
      return written;
    }
    this.#background = first.then(() => this.#finish(chunk, written, failure));
    return chunk.length;
  }

  async #finish(chunk: Uint8Array, off: number, failure: unknown): Promise<void> {
    try {
      if (failure !== null) throw failure;
      while (off < chunk.length) off += await this.#sink.write(chunk.subarray(off));
    } catch (e) {
      this.#error = e;
    } finally {
      this.#background = null;
    }
  }
}
