// Copyright 2026 the pysocket authors. MIT license.
// TLS throughput: N MiB from a raw Deno TLS server (Deno.listenTls), read by
//   - raw Deno: Deno.connectTls, conn.read() into a 64 KiB buffer (the baseline);
//   - pysocket: an SSLSocket's recv_into() into a 64 KiB buffer;
//   - pysocket: makefile("rb").read(65536).
// Each repetition runs the three back to back (order rotated); the table
// gives medians and the paired ratios to raw Deno (time: lower is better).
// Every byte is counted; the certificate is made by openssl for the run.
//
//   deno run -A bench/tls.ts [--mib 64] [--reps 7]

import * as socket from "@pysocket/socket";
import * as ssl from "@pysocket/socket/ssl";
import { makeTlsFiles } from "../tests/_helpers.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const MIB = arg("mib", 64);
const REPS = arg("reps", 7);
const SIZE = MIB * 1024 * 1024;

/** The test CA and the localhost certificate it signs (read, then their directory removed). */
async function certificates(): Promise<{ ca: string; cert: string; key: string }> {
  await using files = await makeTlsFiles();
  return {
    ca: await Deno.readTextFile(files.ca),
    cert: await Deno.readTextFile(files.cert),
    key: await Deno.readTextFile(files.key),
  };
}

const { ca, cert, key } = await certificates();
const listener = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key });
const port = (listener.addr as Deno.NetAddr).port;
const block = crypto.getRandomValues(new Uint8Array(65536));

/** Serves one connection: SIZE bytes, then end of stream. */
async function serveOnce(): Promise<void> {
  const conn = await listener.accept();
  try {
    for (let sent = 0; sent < SIZE; sent += block.length) {
      for (let off = 0; off < block.length;) off += await conn.write(block.subarray(off));
    }
    await conn.closeWrite();
  } finally {
    // Let the client read the end before the connection goes.
    await new Promise((resolve) => setTimeout(resolve, 20));
    conn.close();
  }
}

const context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cadata: ca });

const clients: Record<string, () => Promise<number>> = {
  "raw Deno connectTls conn.read(64 KiB)": async () => {
    const conn = await Deno.connectTls({ hostname: "localhost", port, caCerts: [ca] });
    const buf = new Uint8Array(65536);
    let got = 0;
    for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) got += n;
    conn.close();
    return got;
  },
  "pysocket SSLSocket recv_into(64 KiB)": async () => {
    using sock = await context.wrap_socket(await socket.create_connection(["127.0.0.1", port]), {
      server_hostname: "localhost",
    });
    const buf = new Uint8Array(65536);
    let got = 0;
    for (let n = await sock.recv_into(buf); n > 0; n = await sock.recv_into(buf)) got += n;
    return got;
  },
  'pysocket makefile("rb").read(65536)': async () => {
    using sock = await context.wrap_socket(await socket.create_connection(["127.0.0.1", port]), {
      server_hostname: "localhost",
    });
    const file = sock.makefile("rb");
    let got = 0;
    for (let d = await file.read(65536); d.length > 0; d = await file.read(65536)) got += d.length;
    await file.close();
    return got;
  },
};

const names = Object.keys(clients);
const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let rep = 0; rep < REPS + 1; rep++) {
  const order = names.map((_, i) => names[(i + rep) % names.length]);
  for (const name of order) {
    const served = serveOnce();
    const start = performance.now();
    const got = await clients[name]();
    const ms = performance.now() - start;
    await served;
    if (got !== SIZE) throw new Error(`${name}: ${got} bytes of ${SIZE}`);
    if (rep > 0) times[name].push(ms); // repetition 0 warms up
  }
}
listener.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = times[names[0]];
console.log(
  `bench/tls: ${MIB} MiB over TLS on loopback, ${REPS} repetitions (after one warm-up)\n`,
);
console.log(
  "| client | ms (median) | min–max | MB/s | time vs raw Deno (paired median, min–max) |",
);
console.log("|---|---|---|---|---|");
for (const name of names) {
  const t = times[name];
  const ratios = t.map((x, i) => x / base[i]);
  console.log(
    `| ${name} | ${median(t).toFixed(0)} | ${Math.min(...t).toFixed(0)}–${
      Math.max(...t).toFixed(0)
    } | ${(SIZE / 1e6 / (median(t) / 1000)).toFixed(0)} | **${median(ratios).toFixed(2)}** (${
      Math.min(...ratios).toFixed(2)
    }–${Math.max(...ratios).toFixed(2)}) |`,
  );
}
