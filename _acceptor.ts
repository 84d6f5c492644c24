// Copyright 2026 the pysocket authors. MIT license.
// The accept side of a listening stream socket. Deno cannot cancel a pending
// `listener.accept()`, so an accept that gives up (a timeout, a non-blocking
// call) or a select leaves one *background* accept running; the connection it
// brings is kept here for the next accept, never lost. Only listening sockets
// have an Acceptor: a connected socket carries no accept state.

import * as C from "./constants.ts";
import { fromDenoError } from "./errors.ts";
import type { Target } from "./address.ts";
import { type Deadline, expired, settledBy } from "./_wait.ts";

/**
 * Whether Deno's `accept()` failed only because the connection it took was
 * reset before Deno could read its address: that connection is gone, the
 * listener is fine, and the next connection is the one to wait for.
 */
export function peerGone(e: unknown): boolean {
  return e instanceof Deno.errors.NotConnected || e instanceof Deno.errors.ConnectionReset ||
    e instanceof Deno.errors.ConnectionAborted;
}

/** `listener.accept()`, passing over connections that were reset before they were accepted. */
async function acceptLive(listener: Deno.Listener): Promise<Deno.Conn> {
  for (let dropped = 0;; dropped++) {
    try {
      return await listener.accept();
    } catch (e) {
      if (!peerGone(e) || dropped >= 1000) throw e;
    }
  }
}

/**
 * `Deno.listen` for `bind()` and `listen()`: Deno binds and listens in one
 * call, so the backlog and `SO_REUSEPORT` are given here.
 *
 * @throws {OSError} what Deno's error maps to, with `detail` in the message.
 */
export function openListener(
  target: Target,
  backlog: number,
  reusePort: boolean,
  detail: string,
): Deno.Listener {
  try {
    if (target.transport === "unix") return Deno.listen(target);
    return Deno.listen({
      hostname: target.hostname,
      port: target.port,
      tcpBacklog: backlog,
      ...(reusePort ? { reusePort } : {}),
    });
  } catch (e) {
    throw fromDenoError(e, detail);
  }
}

/** Python's default `listen()` backlog: `min(SOMAXCONN, 128)`. */
export const DEFAULT_BACKLOG = Math.min(C.SOMAXCONN, 128);

export class Acceptor {
  readonly listener: Deno.Listener;
  #kept: Deno.Conn[] | null = null;
  #pending: Promise<void> | null = null;
  #error: unknown = null;
  #closed = false;

  constructor(listener: Deno.Listener) {
    this.listener = listener;
  }

  /** Whether `accept()` would return at once: a connection is kept, or an accept failed. */
  get ready(): boolean {
    return !!this.#kept?.length || this.#error !== null;
  }

  /** Whether an accept is under way or a connection is kept (the listener cannot be handed over). */
  get busy(): boolean {
    return this.#pending !== null || !!this.#kept?.length;
  }

  /**
   * Resolves the next connection, waiting until `deadline`. The caller
   * holds the socket's read lock, so accepts are served in call order.
   *
   * @throws {TimeoutError|BlockingIOError} when the deadline passes first;
   * the background accept goes on and its connection is kept.
   */
  async accept(deadline: Deadline, op: string): Promise<Deno.Conn> {
    let conn = this.#kept?.shift();
    if (!conn && deadline === null && !this.#pending && this.#error === null) {
      return await acceptLive(this.listener);
    }
    while (!conn) {
      if (this.#error !== null) {
        const e = this.#error;
        this.#error = null;
        throw e;
      }
      const pending = this.background();
      if (deadline === null) await pending;
      else if (!await settledBy(pending, deadline)) throw expired(deadline, op);
      conn = this.#kept?.shift();
    }
    return conn;
  }

  /**
   * Starts an accept that may outlive its caller, unless one is under way;
   * its connection is kept. The promise never rejects.
   */
  background(): Promise<void> {
    return this.#pending ??= this.listener.accept().then((c) => {
      this.#pending = null;
      if (this.#closed) c.close();
      else (this.#kept ??= []).push(c);
    }, (e) => {
      this.#pending = null;
      if (!peerGone(e)) this.#error = e; // else: a reset connection, gone; accept again
    });
  }

  /** Closes the listener and every kept connection. */
  close(): void {
    this.#closed = true;
    this.listener.close();
    for (const c of this.#kept?.splice(0) ?? []) c.close();
  }
}
