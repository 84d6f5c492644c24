// Copyright 2026 the pysocket authors. MIT license.
// The send and receive machinery of one Deno datagram handle.
//
// Deno cannot cancel a pending `receive()`. So a receive that may give up (a
// timeout, a non-blocking call, a peek, select) never receives into the
// caller's memory: it starts one *background* receive into an internal
// buffer and waits for it until its deadline. A background receive that
// outlives its caller keeps its datagram (the "kept" one) for the next
// reader. Only a blocking receive with nothing pending receives straight
// into the caller's buffer. Readers are served in call order (Deno itself
// completes concurrent receives in any order).
//
// AF_UNIX (`unixpacket`) handles refuse a send or receive while another is
// pending (Deno.errors.Busy): sends go one at a time, a receive waits for a
// send in flight, and a send waits for a pending receive only as far as its
// deadline allows, then fails with a clear error.

import { errno, OSError } from "./errors.ts";
import { Lock } from "./_lock.ts";
import { type Deadline, expired, msLeft, NONBLOCK, settledBy } from "./_wait.ts";
import { type DatagramAddr, samePeer } from "./_udp_addr.ts";

/** The buffer of background receives: the largest UDP payload; Linux's default AF_UNIX limit. */
const UDP_BUFFER = 65536;
const UNIX_BUFFER = 212992;
const noop = () => {};

/** Waits for `lock` until `deadline`, or throws `expired()`. */
export async function lockWithin(lock: Lock, deadline: Deadline, op: string): Promise<void> {
  if (deadline === null) return await lock.acquire();
  if (!await lock.acquireWithin(msLeft(deadline))) throw expired(deadline, op);
}

export class DatagramIO {
  readonly conn: Deno.DatagramConn;
  /** The connected peer: datagrams from anyone else are dropped. */
  peer: DatagramAddr | null = null;
  #readLock = new Lock();
  /** AF_UNIX only: sends go one at a time. */
  #sendLock: Lock | null;
  /** The Deno receive in flight, direct or background. */
  #rx: Promise<[Uint8Array, Deno.Addr]> | null = null;
  /** AF_UNIX only: the Deno send in flight. */
  #tx: Promise<number> | null = null;
  #bg: Promise<void> | null = null;
  #rbuf: Uint8Array | null = null;
  #kept: Uint8Array | null = null;
  #keptFrom: Deno.Addr | null = null;
  #failed = false;
  #error: unknown = null;

  constructor(conn: Deno.DatagramConn) {
    this.conn = conn;
    this.#sendLock = conn.addr.transport === "unixpacket" ? new Lock() : null;
  }

  /** A receive would return at once: a datagram is kept, or a receive failed. */
  get readable(): boolean {
    return this.#kept !== null || this.#failed;
  }

  /** A send would not wait (always, but for an AF_UNIX handle with a receive or send pending). */
  get writable(): boolean {
    return this.#sendLock === null || (this.#rx === null && this.#tx === null);
  }

  /** Whether a Deno call is pending or a datagram is kept (the handle cannot be handed over). */
  get busy(): boolean {
    return this.#rx !== null || this.#tx !== null || this.#kept !== null;
  }

  /** For select: starts a background receive; resolves when readiness may have changed. */
  changed(read: boolean, write: boolean): Promise<void> {
    const waits: Promise<unknown>[] = [];
    if (read && !this.readable) waits.push(this.#rx && !this.#bg ? this.#rx : this.#background());
    if (write && this.#sendLock) {
      if (this.#rx) waits.push(this.#rx);
      if (this.#tx) waits.push(this.#tx);
    }
    return waits.length ? Promise.race(waits).then(noop, noop) : new Promise(noop);
  }

  /** Drops the kept datagram (on close). */
  drop(): void {
    this.#kept = this.#keptFrom = null;
  }

  /**
   * Receives one datagram into `p` (truncating it), in call order, until
   * `deadline`; resolves the count and the sender. Errors are Deno's or `expired()`.
   */
  async receive(
    p: Uint8Array,
    peek: boolean,
    deadline: Deadline,
    op: string,
  ): Promise<[number, Deno.Addr]> {
    if (!this.#readLock.tryAcquire()) await lockWithin(this.#readLock, deadline, op);
    try {
      for (;;) {
        const data = this.#kept;
        if (data !== null) {
          const n = Math.min(p.length, data.length);
          p.set(n === data.length ? data : data.subarray(0, n));
          const from = this.#keptFrom!;
          if (!peek) this.#kept = this.#keptFrom = null;
          return [n, from];
        }
        if (this.#failed) {
          this.#failed = false;
          throw this.#error;
        }
        if (deadline === null && !peek && this.#bg === null && this.#tx === null) {
          // Blocking, nothing pending: receive straight into the caller's buffer.
          this.#rx = this.conn.receive(p);
          let got: [Uint8Array, Deno.Addr];
          try {
            got = await this.#rx;
          } finally {
            this.#rx = null;
          }
          if (this.peer !== null && !samePeer(this.peer, got[1])) continue;
          return [got[0].length, got[1]];
        }
        const bg = this.#background();
        if (deadline === null) await bg;
        else if (!await settledBy(bg, deadline)) throw expired(deadline, op);
      }
    } finally {
      this.#readLock.release();
    }
  }

  /**
   * The hot path of a blocking receive: when no datagram is kept, nothing is
   * pending and no one else reads, takes the read lock and starts a receive
   * straight into `p`; otherwise returns `null`. The caller must call
   * `endDirect()` once the promise settles, and must drop a datagram from
   * other than the connected peer. Allocates nothing of its own.
   */
  startDirect(p: Uint8Array): Promise<[Uint8Array, Deno.Addr]> | null {
    if (
      this.#kept !== null || this.#failed || this.#bg !== null || this.#tx !== null ||
      !this.#readLock.tryAcquire()
    ) return null;
    return this.#rx = this.conn.receive(p);
  }

  /** Ends what `startDirect()` began. */
  endDirect(): void {
    this.#rx = null;
    this.#readLock.release();
  }

  /** Whether a send goes straight to Deno, never waiting (UDP: no send lock). */
  get sendsDirect(): boolean {
    return this.#sendLock === null;
  }

  /** Starts (or joins) the background receive; it never rejects. */
  #background(): Promise<void> {
    return this.#bg ??= this.#receiveBackground();
  }

  async #receiveBackground(): Promise<void> {
    try {
      const buf = this.#rbuf ??= new Uint8Array(this.#sendLock ? UNIX_BUFFER : UDP_BUFFER);
      for (;;) {
        while (this.#tx) await this.#tx.then(noop, noop);
        this.#rx = this.conn.receive(buf);
        let got: [Uint8Array, Deno.Addr];
        try {
          got = await this.#rx;
        } finally {
          this.#rx = null;
        }
        if (this.peer === null || samePeer(this.peer, got[1])) {
          this.#kept = got[0];
          this.#keptFrom = got[1];
          return;
        }
      }
    } catch (e) {
      this.#failed = true;
      this.#error = e;
    } finally {
      this.#bg = null;
    }
  }

  /** Sends one datagram; resolves the bytes sent. Errors are Deno's, `expired()` or EBUSY. */
  async send(view: Uint8Array, to: DatagramAddr, deadline: Deadline, op: string): Promise<number> {
    const lock = this.#sendLock;
    if (lock === null) return await this.conn.send(view, to);
    if (!lock.tryAcquire()) await lockWithin(lock, deadline, op);
    try {
      while (this.#rx) await this.#receiveDone(deadline, op);
      this.#tx = this.conn.send(view, to);
      try {
        return await this.#tx;
      } finally {
        this.#tx = null;
      }
    } finally {
      lock.release();
    }
  }

  /** AF_UNIX: waits for the pending receive before a send, as far as the deadline allows. */
  async #receiveDone(deadline: Deadline, op: string): Promise<void> {
    if (deadline === NONBLOCK) throw expired(deadline, op);
    if (deadline !== null && await settledBy(this.#rx!, deadline)) return;
    throw new OSError(errno.EBUSY, undefined, {
      detail: `Cannot ${op}: Deno cannot send on an AF_UNIX datagram socket while a receive ` +
        "is pending on it (a blocked recv in another task, or one left by a timed-out or " +
        "non-blocking recvfrom or by select); receive the pending datagram first",
    });
  }
}
