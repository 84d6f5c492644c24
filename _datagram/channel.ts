// Copyright 2026 the pysocket authors. MIT license.
// The send and receive machinery of one datagram transport.
//
// A transport's receive cannot be cancelled. So a receive that may give up
// (a timeout, a non-blocking call, a peek, select) never receives into the
// caller's memory: it starts one *background* receive into an internal
// buffer and waits for it until its deadline. A background receive that
// outlives its caller keeps its datagram (the "kept" one) for the next
// reader. Only a blocking receive with nothing pending receives straight
// into the caller's buffer. Readers are served in call order (Deno itself
// completes concurrent receives in any order).
//
// Exclusive transports (Deno's AF_UNIX datagram handles) refuse a send or
// receive while another is pending: sends go one at a time, a receive waits
// for a send in flight, and a send waits for a pending receive only as far
// as its deadline allows, then fails with a clear error.

import { errno, OSError } from "../errors.ts";
import { type Deadline, expired, NONBLOCK, waitUntil } from "../_common/deadline.ts";
import { Liveness } from "../_common/liveness.ts";
import { Lock } from "../_common/lock.ts";
import type { Addr, DatagramAddr, DatagramTransport } from "../_transport/types.ts";
import { samePeer } from "./targets.ts";

/** The buffer of background receives: the largest UDP payload; Linux's default AF_UNIX limit. */
const UDP_BUFFER = 65536;
const UNIX_BUFFER = 212992;
const noop = () => {};

/** A datagram as a transport's receive resolves it: the bytes and the sender. */
type Received = [Uint8Array, Addr];

/** What a receive resolves, shaped by its caller: the count, or the count and the sender. */
export type Shape<R> = (n: number, from: Addr) => R;

export class Channel {
  readonly transport: DatagramTransport;
  /** The connected peer: datagrams from anyone else are dropped. */
  peer: DatagramAddr | null = null;
  readonly #readLock = new Lock();
  /** Held while a caller awaits a receive; one left pending for the next keeps nobody alive. */
  readonly #live: Liveness;
  /** Exclusive transports only: sends go one at a time. */
  readonly #sendLock: Lock | null;
  /** The receive in flight, direct or background (settles when the transport's does). */
  #rx: Promise<unknown> | null = null;
  /** Exclusive transports only: the send in flight. */
  #tx: Promise<number> | null = null;
  #bg: Promise<void> | null = null;
  #rbuf: Uint8Array | null = null;
  #kept: Uint8Array | null = null;
  #keptFrom: Addr | null = null;
  #failed = false;
  #error: unknown = null;
  /** The direct receive under way (one at a time: it holds the read lock): its buffer and shape. */
  #directP: Uint8Array | null = null;
  #directShape: Shape<unknown> | null = null;
  /** The reactions of receives (made on first use), so a receive allocates no closure. */
  #onDirect: ((got: Received) => unknown) | null = null;
  #onDirectError: ((e: unknown) => never) | null = null;
  #onBackground: ((got: Received) => void | Promise<void>) | null = null;
  #onBackgroundError: ((e: unknown) => void) | null = null;

  /**
   * Errors reach callers as the transport threw them (the package's
   * OSErrors, mapped at its edge), and a deadline's as `expired()` makes them.
   *
   * @param transport The bound datagram transport.
   */
  constructor(transport: DatagramTransport) {
    this.transport = transport;
    this.#live = new Liveness(transport);
    this.#sendLock = transport.exclusive ? new Lock() : null;
  }

  // ---- the vocabulary shared with the stream reader and the acceptor

  /** A receive would return at once: a datagram is kept, or a receive failed. */
  get ready(): boolean {
    return this.#kept !== null || this.#failed;
  }

  /** Whether a call is pending or a datagram is kept (the transport cannot be handed over). */
  get busy(): boolean {
    return this.#rx !== null || this.#tx !== null || this.#kept !== null;
  }

  /** Starts (or joins) the background receive; resolves when it settles, never rejects. */
  prefetch(): Promise<void> {
    if (this.#bg !== null) return this.#bg;
    const buf = this.#rbuf ??= new Uint8Array(this.#sendLock ? UNIX_BUFFER : UDP_BUFFER);
    this.#onBackground ??= (got) => {
      if (!this.#wanted(got)) return this.#receiveBackground(buf);
      this.#rx = this.#bg = null;
      this.#kept = got[0];
      this.#keptFrom = got[1];
    };
    this.#onBackgroundError ??= (e) => {
      this.#rx = this.#bg = null;
      this.#failed = true;
      this.#error = e;
    };
    return this.#bg = this.#receiveBackground(buf);
  }

  /** A send would not wait (always, but on an exclusive transport with a receive or send pending). */
  get writable(): boolean {
    return this.#sendLock === null || (this.#rx === null && this.#tx === null);
  }

  /** Whether a send goes straight to the transport, never waiting (no send lock). */
  get sendsDirect(): boolean {
    return this.#sendLock === null;
  }

  /** For select: resolves when readiness may have changed, starting a background receive for `read`. */
  changed(read: boolean, write: boolean): Promise<void> {
    const waits: Promise<unknown>[] = [];
    if (read && !this.ready) waits.push(this.#rx && !this.#bg ? this.#rx : this.prefetch());
    if (write && this.#sendLock) {
      if (this.#rx) waits.push(this.#rx);
      if (this.#tx) waits.push(this.#tx);
    }
    this.#stray(); // a receive started for select keeps nobody alive by itself
    return waits.length ? Promise.race(waits).then(noop, noop) : new Promise(noop);
  }

  /** A background receive under way is nobody's (yet): it keeps no finished program alive. */
  #stray(): void {
    if (this.#bg !== null) this.#live.stray();
  }

  /** The call `enter()` began is over: a background receive it leaves under way is nobody's. */
  #letGo(): void {
    this.#stray();
    this.#live.leave();
  }

  /** Drops the kept datagram (on close). */
  drop(): void {
    this.#kept = this.#keptFrom = null;
  }

  // ---- verbs

  /**
   * Receives one datagram into `p` (cutting it to `p`'s length), in call
   * order, until `deadline`; resolves `shape(count, sender)`. Blocking with
   * nothing kept or pending, it receives straight into `p`.
   *
   * @throws {TimeoutError|BlockingIOError} when `deadline` passes (no datagram is lost).
   */
  receive<R>(
    p: Uint8Array,
    peek: boolean,
    deadline: Deadline,
    op: string,
    shape: Shape<R>,
  ): Promise<R> {
    if (deadline === null && !peek && this.#direct() && this.#readLock.tryAcquire()) {
      // The hot path: blocking, nothing kept or pending, no other reader:
      // straight into the caller's buffer, with one promise reaction on the
      // transport's receive and nothing else.
      this.#live.enter();
      return this.#receiveDirect(p, shape);
    }
    return this.#receiveInTurn(p, peek, deadline, op, shape);
  }

  async #receiveInTurn<R>(
    p: Uint8Array,
    peek: boolean,
    deadline: Deadline,
    op: string,
    shape: Shape<R>,
  ): Promise<R> {
    if (!this.#readLock.tryAcquire()) await this.#readLock.acquire(deadline, op);
    this.#live.enter();
    try {
      for (;;) {
        const data = this.#kept;
        if (data !== null) {
          const n = Math.min(p.length, data.length);
          p.set(n === data.length ? data : data.subarray(0, n));
          const from = this.#keptFrom!;
          if (!peek) this.#kept = this.#keptFrom = null;
          this.#readLock.release();
          this.#letGo();
          return shape(n, from);
        }
        if (this.#failed) {
          this.#failed = false;
          throw this.#error;
        }
        // Blocking, nothing pending: straight into the caller's buffer (the
        // direct receive releases the read lock).
        if (deadline === null && !peek && this.#direct()) return this.#receiveDirect(p, shape);
        await waitUntil(this.prefetch(), deadline, op);
      }
    } catch (e) {
      this.#readLock.release();
      this.#letGo();
      throw e;
    }
  }

  /** Whether a receive may go straight to the transport: nothing kept, failed or pending. */
  #direct(): boolean {
    return this.#kept === null && !this.#failed && this.#bg === null && this.#tx === null;
  }

  /** Whether a datagram received is one to deliver: from the connected peer, or anyone's when not connected. */
  #wanted(got: Received): boolean {
    return this.peer === null || samePeer(this.peer, got[1]);
  }

  /**
   * The one receive loop, direct: receives into `p` until a wanted datagram
   * comes (others are dropped, as a connected socket's kernel does), then
   * releases the read lock (held by the caller) and resolves `shape` of it.
   */
  #receiveDirect<R>(p: Uint8Array, shape: Shape<R>): Promise<R> {
    this.#directP = p;
    this.#directShape = shape;
    this.#onDirect ??= (got) => {
      const shape = this.#directShape!;
      if (!this.#wanted(got)) return this.#receiveDirect(this.#directP!, shape);
      this.#rx = this.#directP = this.#directShape = null;
      this.#readLock.release();
      this.#letGo();
      return shape(got[0].length, got[1]);
    };
    this.#onDirectError ??= (e) => {
      this.#rx = this.#directP = this.#directShape = null;
      this.#readLock.release();
      this.#letGo();
      throw e;
    };
    try {
      const rx = this.transport.receive(p).then(this.#onDirect, this.#onDirectError);
      this.#rx = rx;
      return rx as Promise<R>;
    } catch (e) {
      this.#directP = this.#directShape = null;
      this.#readLock.release();
      this.#letGo();
      return Promise.reject(e);
    }
  }

  /** The one receive loop, in the background: into `buf` until a wanted datagram comes, which is kept. */
  #receiveBackground(buf: Uint8Array): Promise<void> {
    let rx: Promise<void>;
    if (this.#tx !== null) {
      // An exclusive transport takes no receive beside a send: the send first.
      rx = this.#tx.then(noop, noop).then(() => this.#receiveBackground(buf));
    } else {
      try {
        rx = this.transport.receive(buf).then(this.#onBackground, this.#onBackgroundError);
      } catch (e) {
        rx = Promise.reject(e).catch(this.#onBackgroundError!);
      }
    }
    this.#rx = rx;
    return rx;
  }

  /**
   * Sends one datagram; resolves the bytes sent. On an exclusive transport
   * it waits for a pending receive as far as `deadline` allows.
   *
   * @throws {OSError} `EBUSY` when a receive is pending on an exclusive transport past the deadline.
   */
  send(view: Uint8Array, to: DatagramAddr, deadline: Deadline, op: string): Promise<number> {
    if (this.#sendLock !== null) return this.#sendInTurn(view, to, deadline, op);
    // The hot path: a send never waits on a transport that allows one beside a
    // receive: straight to it, its promise handed back as it is.
    try {
      return this.transport.send(view, to);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async #sendInTurn(
    view: Uint8Array,
    to: DatagramAddr,
    deadline: Deadline,
    op: string,
  ): Promise<number> {
    const lock = this.#sendLock!;
    if (!lock.tryAcquire()) await lock.acquire(deadline, op);
    this.#live.enter(); // the send may await the receive under way
    try {
      while (this.#rx) await this.#receiveDone(deadline, op);
      try {
        return await (this.#tx = this.transport.send(view, to));
      } finally {
        this.#tx = null;
      }
    } finally {
      lock.release();
      this.#letGo();
    }
  }

  /** Exclusive transports: waits for the pending receive before a send, as far as the deadline allows. */
  async #receiveDone(deadline: Deadline, op: string): Promise<void> {
    if (deadline === NONBLOCK) throw expired(deadline, op);
    if (deadline !== null) {
      try {
        await waitUntil(this.#rx!.then(noop, noop), deadline, op);
        return;
      } catch {
        // still pending at the deadline: say why below
      }
    }
    throw new OSError(errno.EBUSY, undefined, {
      detail: `Cannot ${op}: Deno cannot send on an AF_UNIX datagram socket while a receive ` +
        "is pending on it (a blocked recv in another task, or one left by a timed-out or " +
        "non-blocking recvfrom or by select); receive the pending datagram first",
    });
  }
}
