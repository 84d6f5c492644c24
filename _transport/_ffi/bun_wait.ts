// Copyright 2026 the pysocket authors. MIT license.
// The poller's pending `epoll_wait(-1)` on Bun (DESIGN §20): bun:ffi has no
// non-blocking call, so a worker makes it. The worker opens the C library
// itself (its source is a string, loaded from a Blob URL, so that it comes
// along in a bundled program), blocks in `Atomics.wait` until the main
// thread arms it, then in `epoll_wait` on the poller's epoll instance; it
// copies the events into a SharedArrayBuffer and wakes the main thread's
// `Atomics.waitAsync`. The worker is ref'd only while a wait is out, so it
// keeps the process alive exactly as Deno's pending FFI call does (§21):
// the poller arms it only while a ref'd caller waits, and ends it through
// its eventfd when the last one leaves.

/** `struct epoll_event` is packed on x86_64: 12 bytes. */
const EVENT_SIZE = 12;
/** The control words: state (0 idle, 1 armed), sequence, result, epoll fd, most events. */
const STATE = 0;
const SEQ = 1;
const RESULT = 2;
const EPFD = 3;
const MAX = 4;
const CONTROL_BYTES = 32;

/** The worker: waits to be armed, makes one `epoll_wait(-1)`, reports, again. */
const SOURCE = `
import { dlopen } from "bun:ffi";
const { epoll_wait } = dlopen("libc.so.6", {
  epoll_wait: { args: ["i32", "ptr", "i32", "i32"], returns: "i32" },
}).symbols;
self.onmessage = ({ data: sab }) => {
  const ctl = new Int32Array(sab, 0, ${CONTROL_BYTES / 4});
  const shared = new Uint8Array(sab, ${CONTROL_BYTES});
  const events = new Uint8Array(shared.length);
  for (;;) {
    Atomics.wait(ctl, ${STATE}, 0);
    const n = epoll_wait(ctl[${EPFD}], events, ctl[${MAX}], -1);
    if (n > 0) shared.set(events.subarray(0, n * ${EVENT_SIZE}));
    ctl[${RESULT}] = n;
    Atomics.store(ctl, ${STATE}, 0);
    Atomics.add(ctl, ${SEQ}, 1);
    Atomics.notify(ctl, ${SEQ});
  }
};
`;

/** Bun's Worker: a Web Worker that can be ref'd and unref'd as a timer can. */
interface BunWorker extends Worker {
  ref(): void;
  unref(): void;
}

/**
 * The pending wait on Bun: `(epfd, events, max)` arms the worker and
 * resolves with `epoll_wait`'s result, the events copied into `events`.
 * The worker starts on the first wait; one wait is out at a time.
 */
export function bunWait(): (epfd: number, events: Uint8Array, max: number) => Promise<number> {
  let worker: BunWorker | null = null;
  let ctl: Int32Array<SharedArrayBuffer>;
  let shared: Uint8Array<SharedArrayBuffer>;
  /** Fails the wait that is out, if one is. */
  let fail: ((e: Error) => void) | null = null;
  const start = (bytes: number): BunWorker => {
    const sab = new SharedArrayBuffer(CONTROL_BYTES + bytes);
    ctl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
    shared = new Uint8Array(sab, CONTROL_BYTES);
    const url = URL.createObjectURL(new Blob([SOURCE], { type: "application/javascript" }));
    const w = new Worker(url, { type: "module" }) as BunWorker;
    w.onerror = (e) => {
      e.preventDefault();
      worker = null; // the next wait starts another
      w.terminate();
      const f = fail;
      fail = null;
      f?.(new Error(`Cannot wait for readiness: the epoll_wait worker failed: ${e.message}`));
    };
    w.postMessage(sab);
    return w;
  };
  return (epfd, events, max) => {
    const w = worker ??= start(max * EVENT_SIZE);
    const seq = Atomics.load(ctl, SEQ);
    ctl[EPFD] = epfd;
    ctl[MAX] = Math.min(max, shared.length / EVENT_SIZE);
    w.ref();
    Atomics.store(ctl, STATE, 1);
    Atomics.notify(ctl, STATE);
    const done = Atomics.waitAsync(ctl, SEQ, seq);
    return new Promise<number>((resolve, reject) => {
      fail = (e) => {
        w.unref();
        reject(e);
      };
      const finish = () => {
        if (fail === null) return; // failed first
        fail = null;
        w.unref();
        const n = ctl[RESULT];
        if (n > 0) events.set(shared.subarray(0, n * EVENT_SIZE));
        resolve(n);
      };
      if (done.async) done.value.then(finish);
      else finish();
    });
  };
}
