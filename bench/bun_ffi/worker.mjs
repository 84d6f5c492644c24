// Copyright 2026 the pysocket authors. MIT license.
// bench/bun_ffi: the readiness thread. It blocks in epoll_wait only when the
// main thread arms it (ctl[0] = 1), then bumps ctl[1] and wakes the main
// thread's Atomics.waitAsync; ctl[0] = 2 ends it.
import { libc } from "./libc.mjs";

self.onmessage = ({ data: { sab, epfd } }) => {
  const ctl = new Int32Array(sab);
  const events = new Uint8Array(12 * 16); // packed epoll_event on x86_64
  for (;;) {
    Atomics.wait(ctl, 0, 0);
    if (Atomics.load(ctl, 0) === 2) break;
    libc.epoll_wait(epfd, events, 16, -1);
    Atomics.store(ctl, 0, 0);
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
};
