// Copyright 2026 the pysocket authors. MIT license.
// The accept side of a listening stream socket. A transport's accept cannot
// be cancelled, so an accept that gives up (a timeout, a non-blocking call)
// or a select leaves one *background* accept running; the connection it
// brings is kept here for the next accept, never lost. Only listening
// sockets have an Acceptor: a connected socket carries no accept state.

import * as C from "../constants.ts";
import { type Deadline, waitUntil } from "../_common/deadline.ts";
import { Liveness } from "../_common/liveness.ts";
import { Lock } from "../_common/lock.ts";
import type { ListenerTransport, StreamTransport } from "../_transport/types.ts";

/** Python's default `listen()` backlog: `min(SOMAXCONN, 128)`. */
export const DEFAULT_BACKLOG: number = Math.min(C.SOMAXCONN, 128);

export class Acceptor {
  readonly listener: ListenerTransport;
  readonly #lock = new Lock();
  /** Held while a caller awaits an accept; one left pending for the next keeps nobody alive. */
  readonly #live: Liveness;
  #kept: StreamTransport[] | null = null;
  #pending: Promise<void> | null = null;
  #error: unknown = null;
  #closed = false;

  /**
   * Errors reach callers as the listener threw them (the package's
   * OSErrors, mapped at its edge), and a deadline's as `expired()` makes them.
   *
   * @param listener The listening transport; the acceptor closes it.
   */
  constructor(listener: ListenerTransport) {
    this.listener = listener;
    this.#live = new Liveness(listener);
  }

  // ---- the vocabulary shared with the reader and the datagram channel

  /** Whether `accept()` would return at once: a connection is kept, or an accept failed. */
  get ready(): boolean {
    return !!this.#kept?.length || this.#error !== null;
  }

  /** Whether an accept is under way or a connection is kept (the listener cannot be handed over). */
  get busy(): boolean {
    return this.#lock.held || this.#pending !== null || !!this.#kept?.length;
  }

  /**
   * Starts an accept that may outlive its caller, unless one is under way;
   * its connection is kept. Resolves when it settles; never rejects.
   */
  prefetch(): Promise<void> {
    return this.#pending ??= this.listener.accept().then((c) => {
      this.#pending = null;
      if (this.#closed) c.close();
      else (this.#kept ??= []).push(c);
    }, (e) => {
      this.#pending = null;
      this.#error = e;
    });
  }

  /**
   * `prefetch()` for a caller that does not accept (select, selectors): the
   * accept it starts keeps the process alive only while an `accept()` awaits it.
   */
  watch(): Promise<void> {
    const pending = this.prefetch();
    this.#stray();
    return pending;
  }

  /** An accept under way is nobody's (yet): it keeps no finished program alive. */
  #stray(): void {
    if (this.#pending !== null) this.#live.stray();
  }

  // ---- verbs

  /**
   * Resolves the next connection, waiting until `deadline`; accepts are
   * served in call order.
   *
   * @throws {TimeoutError|BlockingIOError} when the deadline passes first;
   * the background accept goes on and its connection is kept.
   */
  accept(deadline: Deadline, op: string): Promise<StreamTransport> {
    if (
      deadline === null && !this.#kept?.length && this.#pending === null && this.#error === null &&
      this.#lock.tryAcquire()
    ) {
      // The hot path: blocking, nothing kept, no background accept, no other
      // caller: the transport's accept with one promise reaction, no frame of ours.
      this.#live.enter();
      let got: Promise<StreamTransport>;
      try {
        got = this.listener.accept();
      } catch (e) {
        this.#over();
        return Promise.reject(e);
      }
      return got.then(
        this.#onAccepted ??= (conn) => {
          this.#over();
          return conn;
        },
        this.#onAcceptError ??= (e) => {
          this.#over();
          throw e;
        },
      );
    }
    return this.#acceptQueued(deadline, op);
  }

  /** The handlers of the hot path's accept (made once per listener). */
  #onAccepted: ((conn: StreamTransport) => StreamTransport) | null = null;
  #onAcceptError: ((e: unknown) => never) | null = null;

  async #acceptQueued(deadline: Deadline, op: string): Promise<StreamTransport> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire(deadline, op);
    this.#live.enter();
    try {
      let conn = this.#kept?.shift();
      while (!conn) {
        if (this.#error !== null) {
          const e = this.#error;
          this.#error = null;
          throw e;
        }
        if (deadline === null && this.#pending === null) return await this.listener.accept();
        await waitUntil(this.prefetch(), deadline, op);
        conn = this.#kept?.shift();
      }
      return conn;
    } finally {
      this.#over();
    }
  }

  /** An accept is over: the next caller's turn; a background accept it leaves is nobody's. */
  #over(): void {
    this.#lock.release();
    this.#stray();
    this.#live.leave();
  }

  /** Closes the listener and every kept connection. */
  close(): void {
    this.#closed = true;
    this.listener.close();
    for (const c of this.#kept?.splice(0) ?? []) c.close();
  }
}
