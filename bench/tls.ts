// Copyright 2026 the pysocket authors. MIT license.
// TLS throughput: N MiB from a raw Deno TLS server (Deno.listenTls), read by
//   - raw Deno: Deno.connectTls, conn.read() into a 64 KiB buffer (the baseline);
//   - pysocket: an SSLSocket's recv_into() into a 64 KiB buffer;
//   - pysocket: makefile("rb").read(65536).
// Each repetition runs the three back to back (order rotated); the table
// gives medians and the paired ratios to raw Deno (time: lower is better).
// Every byte is counted; the certificate is made by openssl for the run.
//
// With `--server python` the bytes come from a CPython ssl server instead
// (one process serving every connection), and a fourth row is CPython's own
// ssl client reading them with recv_into() into 64 KiB (its time taken
// inside the process, after its start-up): the ratios are then also given
// over CPython's.
//
//   deno run -A bench/tls.ts [--mib 64] [--reps 7] [--server deno|python]

import * as socket from "@pysocket/socket";
import * as ssl from "@pysocket/socket/ssl";
import { makeTlsFiles } from "../tests/_helpers.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const MIB = arg("mib", 64);
const SERVER = Deno.args.includes("--server")
  ? Deno.args[Deno.args.indexOf("--server") + 1]
  : "deno";
const REPS = arg("reps", 7);
const SIZE = MIB * 1024 * 1024;

/** The test CA and the localhost certificate it signs (their directory removed at the end). */
await using files = await makeTlsFiles();
const [ca, cert, key] = await Promise.all(
  [files.ca, files.cert, files.key].map((path) => Deno.readTextFile(path)),
);
const block = crypto.getRandomValues(new Uint8Array(65536));

/** CPython's ssl server: every connection gets SIZE bytes, then end of stream (TLS close_notify). */
const PY_SERVER = `
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
size = int(sys.argv[3])
block = bytes(range(256)) * 256
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
while True:
    conn, _ = srv.accept()
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        sent = 0
        while sent < size:
            s.sendall(block)
            sent += len(block)
        try:
            raw = s.unwrap()  # close_notify, and the client's
        except (ssl.SSLError, OSError):
            raw = s
        # Close once the client has: closing over unread bytes would reset the connection.
        raw.settimeout(5)
        try:
            while raw.recv(65536):
                pass
        except (ssl.SSLError, OSError):
            pass
        raw.close()
    except Exception as e:
        print("server:", e, file=sys.stderr)
`;

/** CPython's ssl client: reads everything with recv_into(64 KiB); prints the bytes and the ms it took. */
const PY_CLIENT = `
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[1])
start = time.perf_counter()
with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[2]))), server_hostname="localhost") as s:
    buf = bytearray(65536)
    got = 0
    while True:
        n = s.recv_into(buf)
        if not n:
            break
        got += n
print(got, (time.perf_counter() - start) * 1000)
`;

const python = SERVER === "python"
  ? new Deno.Command("python3", {
    args: ["-c", PY_SERVER, files.cert, files.key, String(SIZE)],
    stdout: "piped",
  }).spawn()
  : null;
const listener = python ? null : Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key });
const port = python
  ? Number(new TextDecoder().decode((await python.stdout.getReader().read()).value).trim())
  : (listener!.addr as Deno.NetAddr).port;

/** Serves one connection: SIZE bytes, then end of stream (CPython's server serves by itself). */
async function serveOnce(): Promise<void> {
  if (listener === null) return;
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

/** CPython's own client's time for the read, taken inside its process. */
let pythonMs = 0;
if (python) {
  clients["CPython ssl recv_into(64 KiB)"] = async () => {
    const out = await new Deno.Command("python3", {
      args: ["-c", PY_CLIENT, files.ca, String(port)],
      stdout: "piped",
    }).output();
    const [got, ms] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
    pythonMs = ms;
    return got;
  };
}

const names = Object.keys(clients);
const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let rep = 0; rep < REPS + 1; rep++) {
  const order = names.map((_, i) => names[(i + rep) % names.length]);
  for (const name of order) {
    const served = serveOnce();
    const start = performance.now();
    const got = await clients[name]();
    const ms = name.startsWith("CPython") ? pythonMs : performance.now() - start;
    await served;
    if (got !== SIZE) throw new Error(`${name}: ${got} bytes of ${SIZE}`);
    if (rep > 0) times[name].push(ms); // repetition 0 warms up
  }
}
listener?.close();
if (python) {
  python.kill();
  await python.status;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = times[names[0]];
const py = times["CPython ssl recv_into(64 KiB)"];
/** The paired median of `t` over `over`, with its range. */
const paired = (t: number[], over: number[]) => {
  const ratios = t.map((x, i) => x / over[i]);
  return `**${median(ratios).toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${
    Math.max(...ratios).toFixed(2)
  })`;
};
console.log(
  `bench/tls: ${MIB} MiB over TLS on loopback from ${
    python ? "a CPython ssl server" : "a raw Deno TLS server"
  }, ${REPS} repetitions (after one warm-up)\n`,
);
console.log(
  "| client | ms (median) | min–max | MB/s | time vs raw Deno (paired median, min–max) |" +
    (py ? " time vs CPython |" : ""),
);
console.log("|---|---|---|---|---|" + (py ? "---|" : ""));
for (const name of names) {
  const t = times[name];
  console.log(
    `| ${name} | ${median(t).toFixed(0)} | ${Math.min(...t).toFixed(0)}–${
      Math.max(...t).toFixed(0)
    } | ${(SIZE / 1e6 / (median(t) / 1000)).toFixed(0)} | ${paired(t, base)} |` +
      (py ? ` ${paired(t, py)} |` : ""),
  );
}
