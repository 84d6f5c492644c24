// Copyright 2026 the pysocket authors. MIT license.
// bench/bun_ffi: would a descriptor backend on Bun be fast enough to ship?
// bun:ffi has no non-blocking calls, so readiness would come from a worker
// blocking in epoll_wait that wakes the main thread through
// Atomics.waitAsync. This measures that design's ping-pong (a
// non-blocking TCP socket on the C library: send, recv until EAGAIN, then
// wait for the worker) against Bun's own node:net client, both against one
// node:net echo server in a child process, 64-byte messages, TCP_NODELAY
// on the server. Paired: each repetition runs both clients back to back.
//
//     <bun> bench/bun_ffi/probe.mjs [round-trips] [repetitions]
import net from "node:net";
import { spawn } from "node:child_process";
import { errno, libc } from "./libc.mjs";

const ROUND_TRIPS = Number(process.argv[2] ?? 20000);
const REPS = Number(process.argv[3] ?? 7);
const SIZE = 64;
const [AF_INET, SOCK_STREAM, SOCK_NONBLOCK, SOCK_CLOEXEC] = [2, 1, 2048, 524288];
const [EAGAIN, EINPROGRESS, MSG_NOSIGNAL] = [11, 115, 0x4000];
const [EPOLLIN, EPOLLOUT, EPOLLET, EPOLL_CTL_ADD] = [1, 4, 0x80000000, 1];

const server = spawn(process.execPath, [new URL("./server.mjs", import.meta.url).pathname], {
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(Number(d))));

async function ffiClient() {
  const fd = libc.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const addr = new Uint8Array(16);
  new DataView(addr.buffer).setUint16(0, AF_INET, true);
  new DataView(addr.buffer).setUint16(2, port, false);
  addr.set([127, 0, 0, 1], 4);
  const epfd = libc.epoll_create1(SOCK_CLOEXEC);
  const event = new Uint8Array(12);
  new DataView(event.buffer).setUint32(0, (EPOLLIN | EPOLLOUT | EPOLLET) >>> 0, true);
  new DataView(event.buffer).setInt32(4, fd, true);
  libc.epoll_ctl(epfd, EPOLL_CTL_ADD, fd, event);
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL("./worker.mjs", import.meta.url).href);
  worker.postMessage({ sab: ctl.buffer, epfd });
  const ready = async () => {
    const seq = Atomics.load(ctl, 1);
    Atomics.store(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    const wait = Atomics.waitAsync(ctl, 1, seq);
    if (wait.async) await wait.value;
  };
  if (libc.connect(fd, addr, 16) !== 0 && errno() !== EINPROGRESS) {
    throw new Error(`connect: ${errno()}`);
  }
  await ready();
  const out = new Uint8Array(SIZE).fill(7);
  const inbuf = new Uint8Array(65536);
  let waits = 0;
  const t0 = performance.now();
  for (let i = 0; i < ROUND_TRIPS; i++) {
    if (Number(libc.send(fd, out, SIZE, MSG_NOSIGNAL)) !== SIZE) {
      throw new Error(`send: ${errno()}`);
    }
    for (let got = 0; got < SIZE;) {
      const n = Number(libc.recv(fd, inbuf, inbuf.length, 0));
      if (n > 0) got += n;
      else if (n === 0) throw new Error("end of stream");
      else if (errno() !== EAGAIN) throw new Error(`recv: ${errno()}`);
      else waits++, await ready();
    }
  }
  const ms = performance.now() - t0;
  Atomics.store(ctl, 0, 2);
  Atomics.notify(ctl, 0);
  worker.terminate();
  libc.close(fd);
  libc.close(epfd);
  return { ms, waits };
}

function netClient() {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1", () => {
      sock.setNoDelay(true);
      const out = Buffer.alloc(SIZE, 7);
      let i = 0, got = 0;
      const t0 = performance.now();
      sock.on("data", (d) => {
        got += d.length;
        if (got < SIZE) return;
        got -= SIZE;
        if (++i < ROUND_TRIPS) return void sock.write(out);
        const ms = performance.now() - t0;
        sock.destroy();
        resolve({ ms });
      });
      sock.write(out);
    });
    sock.on("error", reject);
  });
}

const ratios = [];
for (let r = 0; r < REPS; r++) {
  const own = await netClient();
  const ffi = await ffiClient();
  ratios.push(own.ms / ffi.ms);
  const rate = (ms) => Math.round(ROUND_TRIPS / ms * 1000);
  console.log(
    `rep ${r + 1}: Bun net ${rate(own.ms)} rt/s, bun:ffi + epoll worker ${rate(ffi.ms)} rt/s ` +
      `(${ffi.waits} waits), ratio ${(own.ms / ffi.ms).toFixed(2)}`,
  );
}
ratios.sort((a, b) => a - b);
console.log(
  `bun:ffi + worker / Bun net, ping-pong rt/s: median ${ratios[ratios.length >> 1].toFixed(2)} ` +
    `(${ratios[0].toFixed(2)}-${
      ratios.at(-1).toFixed(2)
    }), ${REPS} paired repetitions of ${ROUND_TRIPS}`,
);
server.kill();
