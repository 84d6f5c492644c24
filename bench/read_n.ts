// Copyright 2026 the pysocket authors. MIT license.
// makefile("rb").read(n) against a recv_into loop on the same kind of stream:
//
//   deno run -A bench/read_n.ts [--reps K] [--mb M] [--piece B] [--only N,...]
//
// (K: 41 by default; --only takes the labels of the n column, e.g. "1 MiB,2**31-1").
//
// A CPython peer (one process for the whole run) answers each connection
// with M MB (20 by default) written in B-byte pieces (16 KiB), then closes.
// Per repetition and per case, three connections are read back to back
// (order rotated): one with `read(n)` until end of stream, one with
// `recv_into` a reused 64 KiB buffer until end of stream, and one with raw
// Deno (`conn.read`) into a fresh array per `read(n)` — of n bytes, or of the
// whole stream for n = 2**31-1, as if its length were known: the floor of
// any read(n) that returns new memory, which the kernel must map page by
// page. Each is timed from the first read to end of stream and every byte
// is counted. Cases: n = 64 KiB, 1 MiB, the whole stream (M MB), 2**31-1;
// each blocking and with a 5 s timeout (the raw floor has none). Prints the
// median times and the medians of the paired ratios (with their range) of
// wall time and of this process's CPU time (user + system: the reader's own
// cost, page faults included, whatever the peer's pace), after one warm-up
// round.

import * as socket from "@pysocket/socket";
import process from "node:process";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}
const REPS = arg("reps", 41);
const TOTAL = arg("mb", 20) * 1_000_000;
const PIECE = arg("piece", 16 * 1024);
const onlyAt = Deno.args.indexOf("--only");
const ONLY = onlyAt >= 0 ? Deno.args[onlyAt + 1].split(",") : null;

const PEER = `
import socket, sys, threading
total, piece = int(sys.argv[1]), int(sys.argv[2])
data = memoryview(bytes(range(256)) * (piece // 256 + 1))[:piece]
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
while True:
    c, _ = srv.accept()
    with c:
        left = total
        while left:
            n = min(piece, left)
            c.sendall(data[:n])
            left -= n
`;

const peer = new Deno.Command("python3", {
  args: ["-c", PEER, String(TOTAL), String(PIECE)],
  stdout: "piped",
}).spawn();
const lines = peer.stdout.pipeThrough(new TextDecoderStream()).getReader();
const port = Number((await lines.read()).value!.trim());

async function connect(timeout: number | null): Promise<socket.StreamSocket> {
  const s = await socket.create_connection(["127.0.0.1", port]);
  s.settimeout(timeout);
  return s;
}

/** Seconds to read the stream with `read(n)`; checks the byte count. */
async function readN(n: number, timeout: number | null): Promise<[number, number]> {
  using s = await connect(timeout);
  const f = s.makefile("rb");
  let got = 0;
  const stop = start();
  for (;;) {
    const b = await f.read(n);
    if (b.length === 0) break;
    got += b.length;
  }
  const t = stop();
  await f.close();
  if (got !== TOTAL) throw new Error(`read(${n}): ${got} of ${TOTAL} bytes`);
  return t;
}

const sink = new Uint8Array(64 * 1024);
/** Seconds to read the stream with `recv_into` a reused 64 KiB buffer. */
async function recvInto(timeout: number | null): Promise<[number, number]> {
  using s = await connect(timeout);
  let got = 0;
  const stop = start();
  for (;;) {
    const k = await s.recv_into(sink);
    if (k === 0) break;
    got += k;
  }
  const t = stop();
  if (got !== TOTAL) throw new Error(`recv_into: ${got} of ${TOTAL} bytes`);
  return t;
}

/** Seconds to read the stream with raw Deno into a fresh array of min(n, M MB) bytes per read(n). */
async function rawFresh(n: number): Promise<[number, number]> {
  const c = await Deno.connect({ hostname: "127.0.0.1", port });
  const size = Math.min(n, TOTAL);
  let got = 0;
  const stop = start();
  for (let done = false; !done;) {
    const out = new Uint8Array(size);
    let k = 0;
    while (k < size) {
      const r = await c.read(out.subarray(k));
      if (r === null) {
        done = true;
        break;
      }
      k += r;
    }
    got += k;
  }
  const t = stop();
  c.close();
  if (got !== TOTAL) throw new Error(`raw read: ${got} of ${TOTAL} bytes`);
  return t;
}

/** Wall and CPU (user + system, this process) milliseconds since `start()`. */
function start(): () => [number, number] {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return [performance.now() - t0, (c.user + c.system) / 1000];
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const sizes: [string, number][] = [
  ["64 KiB", 64 * 1024],
  ["1 MiB", 1024 * 1024],
  [`${TOTAL / 1_000_000} MB`, TOTAL],
  ["2**31-1", 2 ** 31 - 1],
];
const rows: string[] = [];
for (const [mode, timeout] of [["blocking", null], ["timeout 5 s", 5]] as const) {
  for (const [label, n] of sizes) {
    if (ONLY && !ONLY.includes(label)) continue;
    const runs = [
      () => readN(n, timeout),
      () => recvInto(timeout),
      () => rawFresh(n),
    ];
    const t: number[][] = [[], [], []];
    const cpu: number[][] = [[], [], []];
    for (let rep = -1; rep < REPS; rep++) {
      const got: [number, number][] = [];
      for (let i = 0; i < 3; i++) {
        const k = (i + rep + 3) % 3;
        got[k] = await runs[k]();
      }
      if (rep < 0) continue; // warm-up
      got.forEach(([wall, used], k) => {
        t[k].push(wall);
        cpu[k].push(used);
      });
    }
    const ratio = (a: number[], b: number[]) => {
      const r = a.map((x, i) => x / b[i]);
      return `**${median(r).toFixed(2)}** (${Math.min(...r).toFixed(2)}–${
        Math.max(...r).toFixed(2)
      })`;
    };
    rows.push(
      `| ${mode} | ${label} | ${
        t.map((x) => `${median(x).toFixed(1)} (${Math.min(...x).toFixed(1)})`).join(" | ")
      } | ${ratio(t[0], t[1])} | ${ratio(t[0], t[2])} | ${ratio(t[2], t[1])} | ${
        ratio(cpu[0], cpu[1])
      } | ${ratio(cpu[0], cpu[2])} |`,
    );
    console.error(rows.at(-1));
  }
}
console.log(
  `read(n) of a ${
    TOTAL / 1_000_000
  } MB stream written in ${PIECE}-byte pieces by a CPython peer, until end of stream; median of ${REPS}`,
);
console.log(
  "| mode | n | read(n) ms (min) | recv_into ms (min) | raw fresh ms (min) | read(n) / recv_into | read(n) / raw fresh | raw fresh / recv_into | CPU read(n) / recv_into | CPU read(n) / raw fresh |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
peer.kill();
await peer.status;
await lines.cancel();
