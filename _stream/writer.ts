// Copyright 2026 the pysocket authors. MIT license.
// The write side of a stream socket. Concurrent sendall()s never interleave
// (a lock serves them in call order). A blocking write hands the caller's
// bytes straight to the transport. A write with a deadline cannot be taken
// back once the transport has it, so it writes a copy: if the transport has
// not finished by the deadline, the copy counts as accepted (as the
// kernel's send buffer would) and is finished in the background; the next
// write waits for it. So a timed-out send never sends bytes the caller was
// told were not sent.

import {
  type Deadline,
  deadlineFor,
  waitUntil,
  type WouldBlock,
  wouldBlock,
} from "../_common/deadline.ts";
import { type Holdable, Liveness } from "../_common/liveness.ts";
import { Lock } from "../_common/lock.ts";
import { BlockingIOError, TimeoutError } from "../errors.ts";

/** What the writer writes to: the write side of a stream transport. */
export interface Sink extends Holdable {
  /** Writes some of `p`; resolves the count. */
  write(p: Uint8Array): Promise<number>;
  /** `write(p)` with its failure not mapped yet (`StreamTransport.writeRaw`); with `mapError`. */
  writeRaw?(p: Uint8Array): Promise<number>;
  /** The package's error for a failure of `writeRaw`. */
  mapError?(e: unknown): unknown;
}

/** The most bytes one timed write copies (and may leave to finish in the background). */
const MAX_COPY = 256 * 1024;

export class Writer {
  readonly #sink: Sink;
  readonly #wouldBlock: WouldBlock;
  readonly #lock = new Lock();
  /** Held while a caller awaits a write (shared with the reader of the same transport). */
  readonly #live: Liveness;
  #background: Promise<void> | null = null;
  #error: unknown = null;
  /** The caller's bytes of the direct write under way (one at a time: it holds the lock). */
  #direct: Uint8Array | null = null;
  /**
   * The handler of a direct write, for both outcomes (made once per writer,
   * on its first): a write fulfils with a count and rejects with an error
   * object, so what it is given tells which (one function held, not two).
   */
  #onWritten: ((got: unknown) => Promise<void> | undefined) | null = null;

  /**
   * Errors reach callers as the transport threw them (the package's
   * OSErrors, mapped at its edge), and a deadline's as `expired()` makes them.
   *
   * @param sink The transport to write to.
   * @param blocked What a non-blocking write that would block raises
   *   (`BlockingIOError`; a TLS socket's `SSLWantWriteError`).
   * @param live The hold on the transport, shared with its reader.
   */
  constructor(sink: Sink, blocked: WouldBlock = wouldBlock, live: Liveness = new Liveness(sink)) {
    this.#sink = sink;
    this.#wouldBlock = blocked;
    this.#live = live;
  }

  /** Whether a write would be accepted without waiting. */
  get ready(): boolean {
    return this.#background === null && !this.#lock.held;
  }

  /** Resolves when background writing is over (at once if there is none); never rejects. */
  drained(): Promise<void> {
    return this.#background ?? Promise.resolve();
  }

  /**
   * Resolves when a write would be accepted without waiting: the background
   * write is over and the writes queued now have had their turn. Writes nothing.
   */
  async idle(): Promise<void> {
    if (this.#background !== null) await this.#background;
    await this.#lock.idle();
  }

  /**
   * Writes all of `view`, or throws. Blocking with nothing queued, the
   * caller's bytes go straight to the transport.
   *
   * @throws {TimeoutError|BlockingIOError} when `deadline` passes (the bytes
   *   accepted so far are sent, none twice).
   */
  writeAll(view: Uint8Array, deadline: Deadline, op: string): Promise<void> {
    if (
      deadline === null && this.#background === null && this.#error === null &&
      view.length !== 0 && this.#lock.tryAcquire()
    ) {
      // The hot path: blocking and nothing queued: no copy, no timer, and one
      // promise reaction on the transport's write (a write that is not
      // complete at once goes on in #writeRest, still holding the lock).
      this.#direct = view;
      this.#live.enter();
      const sink = this.#sink;
      try {
        const done = this.#onWritten ??= this.#written();
        return (sink.writeRaw === undefined ? sink.write(view) : sink.writeRaw(view)).then(
          done,
          done,
        );
      } catch (e) {
        this.#direct = null;
        this.#lock.release();
        this.#live.leave();
        return Promise.reject(sink.mapError === undefined ? e : sink.mapError(e));
      }
    }
    return this.#writeAll(view, deadline, op);
  }

  /** The handler of a direct write (made once per writer, on its first). */
  #written(): (got: unknown) => Promise<void> | undefined {
    return (got) => {
      const view = this.#direct!;
      this.#direct = null;
      if (typeof got === "number" && got < view.length) return this.#writeRest(view.subarray(got));
      this.#lock.release();
      this.#live.leave();
      if (typeof got === "number") return;
      // The runtime's failure where the sink handed out its own promise (`writeRaw`).
      throw this.#sink.mapError === undefined ? got : this.#sink.mapError(got);
    };
  }

  /** Writes what a direct write left, holding the lock, then releases it. */
  async #writeRest(view: Uint8Array): Promise<void> {
    try {
      for (let off = 0; off < view.length;) off += await this.#sink.write(view.subarray(off));
    } finally {
      this.#lock.release();
      this.#live.leave();
    }
  }

  async #writeAll(view: Uint8Array, deadline: Deadline, op: string): Promise<void> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire(deadline, op, "write", this.#wouldBlock);
    this.#live.enter();
    try {
      let off = 0;
      if (deadline !== null) {
        while (off < view.length) off += await this.#offer(view.subarray(off), deadline, op);
        return;
      }
      if (this.#background) await this.#background;
      this.#throwError();
      while (off < view.length) off += await this.#sink.write(view.subarray(off));
    } finally {
      this.#lock.release();
      this.#live.leave();
    }
  }

  /**
   * Closes `conn` once the background write is over, waiting at most
   * `linger` seconds for it (`null`/0: not at all); at once when there is none.
   */
  closeAfter(conn: { close(): void }, linger: number | null): void {
    if (this.#background === null || !linger) return conn.close();
    const close = () => conn.close();
    waitUntil(this.#background, deadlineFor(linger), "close").then(close, close);
  }

  /** Writes some of `view` (at least one byte); resolves the count. */
  async writeSome(view: Uint8Array, deadline: Deadline, op: string): Promise<number> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire(deadline, op, "write", this.#wouldBlock);
    this.#live.enter();
    try {
      if (deadline !== null) return await this.#offer(view, deadline, op);
      if (this.#background) await this.#background;
      this.#throwError();
      return await this.#sink.write(view);
    } finally {
      this.#lock.release();
      this.#live.leave();
    }
  }

  #throwError(): void {
    if (this.#error === null) return;
    const e = this.#error;
    this.#error = null;
    throw e;
  }

  /**
   * Writes a copy of up to `MAX_COPY` bytes of `view` until `deadline`;
   * resolves how many were written or accepted for the background.
   */
  async #offer(view: Uint8Array, deadline: number, op: string): Promise<number> {
    if (this.#background) {
      await waitUntil(this.#background, deadline, op, "write", this.#wouldBlock);
    }
    this.#throwError();
    const chunk = view.slice(0, MAX_COPY);
    const first = this.#sink.write(chunk);
    try {
      return await waitUntil(first, deadline, op); // BlockingIOError or TimeoutError: caught below
    } catch (e) {
      if (!(e instanceof TimeoutError || e instanceof BlockingIOError)) throw e;
      // Not done by the deadline: the copy is accepted and finished in the background.
      this.#background = first.then(
        (n) => this.#finish(chunk, n, null),
        (failure) => this.#finish(chunk, 0, failure ?? new Error("write failed")),
      );
      return chunk.length;
    }
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
