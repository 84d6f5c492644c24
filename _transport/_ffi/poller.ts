// Copyright 2026 the pysocket authors. MIT license.
// Readiness for the FFI backend's descriptors (DESIGN §20): a call is tried
// first; on EAGAIN its caller waits here. Every descriptor is registered
// once, edge-triggered, with one epoll instance; one `epoll_wait(-1)` is
// pending off the event loop while some ref'd caller waits — on Deno a
// non-blocking FFI call (on Deno's blocking pool), on Bun a worker's call
// (bun_wait.ts) — and is woken through an eventfd — never re-armed — when
// the last such caller leaves, so that a finished program exits (§21): the
// pending wait keeps the process alive until it returns. Callers that wait
// on unref'd descriptors alone are served by an unref'd timer polling
// `epoll_wait(0)`, which keeps nothing alive.
// An edge seen with nobody waiting is dropped: a caller always tries its
// call before it waits, so the bytes that edge announced are found then.

import { closedError } from "../../_common/runtime_errors.ts";
import { callError, type Libc } from "./libc.ts";
import { ffiRuntime } from "./native.ts";
import { bunWait } from "./bun_wait.ts";

const EPOLL_CLOEXEC = 0o2000000;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLLIN = 0x001;
const EPOLLPRI = 0x002;
const EPOLLOUT = 0x004;
const EPOLLERR = 0x008;
const EPOLLHUP = 0x010;
const EPOLLRDHUP = 0x2000;
const EPOLLET = 1 << 31;
const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;
/** `struct epoll_event` is packed on x86_64: 4 bytes of events, 8 of data. */
const EVENT_SIZE = 12;
const MAX_EVENTS = 256;
/**
 * One pending `epoll_wait(epfd, events, max, -1)` off the event loop:
 * resolves with its result once it returns, the events written into
 * `events`. It keeps the process alive while it is pending.
 */
export type PendingWait = (epfd: number, events: Uint8Array, max: number) => Promise<number>;

/** The runtime's pending wait: Deno's non-blocking FFI call, or Bun's worker. */
function pendingWait(lib: Libc): PendingWait {
  if (ffiRuntime() === "bun") return bunWait();
  const c = lib.c;
  return (epfd, events, max) => c.epoll_wait_pending(epfd, events, max, -1);
}

/** Lets a timer fire without keeping the process alive (Deno's `unrefTimer`, Bun's `unref()`). */
function unrefTimer(timer: ReturnType<typeof setInterval>): void {
  const d = (globalThis as { Deno?: typeof Deno }).Deno;
  if (d !== undefined) d.unrefTimer(timer);
  else (timer as unknown as { unref(): void }).unref();
}

/** How often descriptors that keep nothing alive are polled while no ref'd caller waits. */
const UNREF_POLL_MS = 10;

const READABLE = EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR;
const WRITABLE = EPOLLOUT | EPOLLHUP | EPOLLERR;

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

/** One descriptor's place in the poller: who waits on it, and whether they keep the process alive. */
export class Registration {
  readonly fd: number;
  /** Callers waiting to read (or accept). */
  readers: Waiter[] = [];
  /** Callers waiting to write (or for a connect to finish). */
  writers: Waiter[] = [];
  /** Whether its waits keep the process alive. */
  refed = true;
  readonly #poller: Poller;

  constructor(poller: Poller, fd: number) {
    this.#poller = poller;
    this.fd = fd;
  }

  /**
   * Resolves once the descriptor may be readable (or has failed); rejects with
   * EBADF if it is closed, or with `signal`'s reason once it aborts (the wait
   * is then withdrawn).
   */
  readable(signal?: AbortSignal): Promise<void> {
    return this.#poller.wait(this, this.readers, signal);
  }

  /** Resolves once the descriptor may be writable (or has failed); as `readable()`. */
  writable(signal?: AbortSignal): Promise<void> {
    return this.#poller.wait(this, this.writers, signal);
  }

  /** Whether its waits keep the process alive. */
  ref(on: boolean): void {
    this.#poller.setRef(this, on);
  }

  /** Leaves the poller: the waiters fail with EBADF (the descriptor is closed, or handed on). */
  forget(): void {
    this.#poller.forget(this);
  }
}

/** The one epoll instance of a process, and the waits on it. */
export class Poller {
  readonly #lib: Libc;
  readonly #epfd: number;
  readonly #wakeFd: number;
  readonly #pending: PendingWait;
  readonly #regs = new Map<number, Registration>();
  readonly #events = new Uint8Array(MAX_EVENTS * EVENT_SIZE);
  readonly #eventView = new DataView(this.#events.buffer);
  readonly #ctl = new Uint8Array(EVENT_SIZE);
  readonly #eight = new Uint8Array(8);
  /** Waits pending on ref'd registrations, and on unref'd ones. */
  #refWaits = 0;
  #unrefWaits = 0;
  /** Whether the pending `epoll_wait(-1)` is out. */
  #armed = false;
  /** Whether the eventfd was written to end the pending wait. */
  #waking = false;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(lib: Libc) {
    this.#lib = lib;
    const c = lib.c;
    this.#epfd = c.epoll_create1(EPOLL_CLOEXEC);
    if (this.#epfd < 0) throw callError(lib.errno(), "epoll_create1");
    this.#wakeFd = c.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (this.#wakeFd < 0) throw callError(lib.errno(), "eventfd");
    this.#control(EPOLL_CTL_ADD, this.#wakeFd, EPOLLIN | EPOLLET);
    this.#pending = pendingWait(lib);
  }

  /** Registers `fd` (non-blocking already) for edge-triggered readiness. */
  register(fd: number): Registration {
    const reg = new Registration(this, fd);
    this.#regs.set(fd, reg);
    this.#control(EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLET);
    return reg;
  }

  /** A wait on `reg` in `list` (its readers or writers); `signal` withdraws it. */
  wait(reg: Registration, list: Waiter[], signal?: AbortSignal): Promise<void> {
    if (this.#regs.get(reg.fd) !== reg) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      if (signal !== undefined) {
        const withdraw = () => {
          const at = list.indexOf(waiter);
          if (at < 0) return;
          list.splice(at, 1);
          if (reg.refed) this.#refWaits--;
          else this.#unrefWaits--;
          this.#steer();
          reject(signal.reason);
        };
        signal.addEventListener("abort", withdraw, { once: true });
        waiter.resolve = () => {
          signal.removeEventListener("abort", withdraw);
          resolve();
        };
        waiter.reject = (e) => {
          signal.removeEventListener("abort", withdraw);
          reject(e);
        };
      }
      list.push(waiter);
      if (reg.refed) this.#refWaits++;
      else this.#unrefWaits++;
      this.#steer();
    });
  }

  /** Sets whether `reg`'s waits keep the process alive. */
  setRef(reg: Registration, on: boolean): void {
    if (reg.refed === on) return;
    const n = reg.readers.length + reg.writers.length;
    reg.refed = on;
    if (on) {
      this.#refWaits += n;
      this.#unrefWaits -= n;
    } else {
      this.#refWaits -= n;
      this.#unrefWaits += n;
    }
    this.#steer();
  }

  /** Drops `reg`: its waiters fail with EBADF. Call before the descriptor is closed. */
  forget(reg: Registration): void {
    if (this.#regs.get(reg.fd) !== reg) return;
    this.#regs.delete(reg.fd);
    this.#control(EPOLL_CTL_DEL, reg.fd, 0);
    const waiters = [...reg.readers, ...reg.writers];
    this.#settle(reg, reg.readers);
    this.#settle(reg, reg.writers);
    for (const w of waiters) w.reject(closedError());
    this.#steer();
  }

  /** Takes `list`'s waiters off the counts; returns them. */
  #settle(reg: Registration, list: Waiter[]): Waiter[] {
    const n = list.length;
    if (reg.refed) this.#refWaits -= n;
    else this.#unrefWaits -= n;
    return list.splice(0, n);
  }

  /** Arms, wakes or polls to match who waits now. */
  #steer(): void {
    if (this.#refWaits > 0) {
      if (!this.#armed) this.#arm();
    } else if (this.#armed && !this.#waking) {
      this.#waking = true;
      new DataView(this.#eight.buffer).setBigUint64(0, 1n, true);
      this.#lib.c.write(this.#wakeFd, this.#eight, 8);
    }
    if (this.#unrefWaits > 0 && this.#refWaits === 0) {
      if (this.#timer === null) {
        const timer = setInterval(() => this.#poll(), UNREF_POLL_MS);
        unrefTimer(timer);
        this.#timer = timer;
      }
    } else if (this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #arm(): void {
    this.#armed = true;
    this.#pending(this.#epfd, this.#events, MAX_EVENTS).then((n) => {
      this.#armed = false;
      this.#waking = false;
      this.#dispatch(n);
      this.#steer();
    }, (e) => {
      // The wait itself failed (Bun's worker): so does every wait on it.
      this.#armed = false;
      this.#waking = false;
      for (const reg of this.#regs.values()) {
        for (const w of [...this.#settle(reg, reg.readers), ...this.#settle(reg, reg.writers)]) {
          w.reject(e);
        }
      }
      this.#steer();
    });
  }

  /** One look without waiting, while only unref'd callers wait and nothing is armed. */
  #poll(): void {
    if (this.#armed) return;
    this.#dispatch(this.#lib.c.epoll_wait(this.#epfd, this.#events, MAX_EVENTS, 0));
    this.#steer();
  }

  /** Wakes the waiters of the `n` events the last wait wrote. */
  #dispatch(n: number): void {
    const v = this.#eventView;
    for (let i = 0; i < n; i++) {
      const events = v.getUint32(i * EVENT_SIZE, true);
      const fd = v.getUint32(i * EVENT_SIZE + 4, true);
      if (fd === this.#wakeFd) {
        this.#lib.c.read(this.#wakeFd, this.#eight, 8);
        continue;
      }
      const reg = this.#regs.get(fd);
      if (reg === undefined) continue;
      if (events & READABLE && reg.readers.length > 0) {
        for (const w of this.#settle(reg, reg.readers)) w.resolve();
      }
      if (events & WRITABLE && reg.writers.length > 0) {
        for (const w of this.#settle(reg, reg.writers)) w.resolve();
      }
    }
  }

  #control(op: number, fd: number, events: number): void {
    const v = new DataView(this.#ctl.buffer);
    v.setUint32(0, events >>> 0, true);
    v.setUint32(4, fd, true);
    v.setUint32(8, 0, true);
    if (this.#lib.c.epoll_ctl(this.#epfd, op, fd, this.#ctl) < 0 && op !== EPOLL_CTL_DEL) {
      throw callError(this.#lib.errno(), "epoll_ctl");
    }
  }
}
