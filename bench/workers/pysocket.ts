// Copyright 2026 the pysocket authors. MIT license.
// Worker for bench/compare, bench/memory and bench/lines: one role of one
// workload with pysocket, on whatever runtime runs it (same roles and
// output as deno.ts: `READY <port>` when listening, `RESULT <json>` when
// done). It touches no runtime's own API — arguments from node:process,
// output through process.stdout — so the same code runs in Deno and, bundled
// to JavaScript, on Node and Bun:
//
//   deno run -A bench/workers/pysocket.ts <pysocket|pysocket-node|pysocket-ffi> <role> [args...]
//   deno bundle --platform deno -o pysocket.mjs bench/workers/pysocket.ts
//   node pysocket.mjs pysocket-nodejs <role> [args...]
//   bun pysocket.mjs pysocket-bun <role> [args...]
//   PYSOCKET_BACKEND=ffi bun pysocket.mjs pysocket-bun-ffi <role> [args...]
//
// pysocket-node (in Deno) puts every connecting and UDP socket on the node
// backend (node:net, node:dgram), as a socket bound before connect() or a
// UDP socket without --unstable-net gets; listeners stay Deno's. On Node and
// Bun the node backend is the only one, whatever the name, but that
// pysocket-bun-ffi runs where PYSOCKET_BACKEND=ffi puts every socket on the
// FFI backend.
//
// Roles: bulk-server, bulk-client <port> <bytes>, pp-server,
// pp-client <port> <round trips>, echo-server, echo-threading
// (socketserver's ThreadingTCPServer), lines-server <rounds>,
// udp-server <count>, udp-client <port> <count>, and bench/tls's
// tls-recv-into and tls-makefile <port> <bytes> <cafile> (an SSLSocket read
// to its end with recv_into(64 KiB), or with makefile("rb").read(65536)).

import process from "node:process";
import * as socket from "../../mod.ts";
import * as ssl from "../../ssl.ts";
import { BaseRequestHandler, ThreadingTCPServer } from "../../socketserver.ts";
import { testing } from "../../_common/testing.ts";

const CHUNK = 64 * 1024;
const SMALL = 64;
const [impl, role, ...args] = process.argv.slice(2);
const IMPLS = [
  "pysocket",
  "pysocket-node",
  "pysocket-ffi",
  "pysocket-nodejs",
  "pysocket-bun",
  "pysocket-bun-ffi", // started with PYSOCKET_BACKEND=ffi: every socket a descriptor
];
if (!IMPLS.includes(impl)) throw new Error(`unknown implementation ${impl}`);
if (impl === "pysocket-node") testing.backend = "node";
if (impl === "pysocket-ffi") testing.backend = "ffi"; // every socket a descriptor (DESIGN §20)

function say(line: string): void {
  process.stdout.write(line + "\n");
}

function result(r: Record<string, unknown>): void {
  say("RESULT " + JSON.stringify(r));
}

/**
 * The port a UDP socket bound to port 0 got. On Bun, node:dgram binds a
 * moment after bind() returns, and getsockname() raises BlockingIOError
 * until it has: the port is known after the next await.
 */
async function boundPort(s: socket.DatagramSocket): Promise<number> {
  for (let i = 0;; i++) {
    await new Promise((r) => setTimeout(r, 0));
    try {
      return (s.getsockname() as [string, number])[1];
    } catch (e) {
      if (!(e instanceof socket.BlockingIOError) || i === 100) throw e;
    }
  }
}

function listen(): socket.StreamSocket {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  s.bind(["127.0.0.1", 0]);
  s.listen(1024);
  say(`READY ${(s.getsockname() as [string, number])[1]}`);
  return s;
}

async function connect(port: number): Promise<socket.StreamSocket> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  await s.connect(["127.0.0.1", port]);
  return s;
}

async function recvExactly(s: socket.StreamSocket, p: Uint8Array): Promise<boolean> {
  let got = 0;
  while (got < p.length) {
    const n = await s.recv_into(got ? p.subarray(got) : p);
    if (n === 0) return false;
    got += n;
  }
  return true;
}

/** Reads to end of stream into one reused buffer, then answers the byte count (8 bytes). */
async function bulkServer(): Promise<void> {
  const buf = new Uint8Array(CHUNK);
  const ack = new Uint8Array(8);
  let total = 0;
  const srv = listen();
  const [c] = await srv.accept();
  for (let n; (n = await c.recv_into(buf)) > 0;) total += n;
  new DataView(ack.buffer).setBigUint64(0, BigInt(total));
  await c.sendall(ack);
  c.close();
  srv.close();
  result({ bytes: total });
}

async function bulkClient(port: number, bytes: number): Promise<void> {
  const chunk = new Uint8Array(CHUNK).fill(0x5a);
  const ack = new Uint8Array(8);
  const t0 = performance.now();
  const s = await connect(port);
  for (let sent = 0; sent < bytes; sent += CHUNK) await s.sendall(chunk);
  await s.shutdown(socket.SHUT_WR);
  if (!await recvExactly(s, ack)) throw new Error("no byte count from the server");
  s.close();
  const secs = (performance.now() - t0) / 1000;
  const got = Number(new DataView(ack.buffer).getBigUint64(0));
  if (got !== bytes) throw new Error(`server received ${got} bytes, expected ${bytes}`);
  result({ bytes: got, secs, value: bytes / 1e6 / secs });
}

/** Echoes what it reads until end of stream: one connection (ping-pong). */
async function ppServer(): Promise<void> {
  const srv = listen();
  const [c] = await srv.accept();
  c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  await echo(c);
  srv.close();
  result({});
}

async function ppClient(port: number, trips: number): Promise<void> {
  const msg = new Uint8Array(SMALL).fill(0x61);
  const buf = new Uint8Array(SMALL);
  const t0 = performance.now();
  const s = await connect(port);
  for (let i = 0; i < trips; i++) {
    await s.sendall(msg);
    if (!await recvExactly(s, buf)) throw new Error("server closed early");
  }
  s.close();
  const secs = (performance.now() - t0) / 1000;
  result({ secs, value: trips / secs });
}

async function echo(c: socket.StreamSocket): Promise<void> {
  const buf = new Uint8Array(CHUNK);
  try {
    for (let n; (n = await c.recv_into(buf)) > 0;) await c.sendall(buf.subarray(0, n));
  } catch {
    // a reset by the load generator ends the connection
  } finally {
    c.close();
  }
}

/** The echo server of the "many" workload: one task per connection, runs until killed. */
async function echoServer(): Promise<void> {
  const srv = listen();
  for await (const [c] of srv) {
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    echo(c);
  }
}

/**
 * The echo server of bench/memory as Python's socketserver writes it: a
 * ThreadingTCPServer whose handler echoes with recv(65536)/sendall, as the
 * echo example does. Runs until killed.
 */
async function echoThreading(): Promise<void> {
  class Echo extends BaseRequestHandler {
    override async handle() {
      for (;;) {
        const data = await this.request.recv(65536);
        if (data.length === 0) return;
        await this.request.sendall(data);
      }
    }
  }
  class Server extends ThreadingTCPServer {
    static override allow_reuse_address = true;
    static override request_queue_size = 1024;
  }
  const server = new Server(["127.0.0.1", 0], Echo);
  say(`READY ${(server.server_address as [string, number])[1]}`);
  await server.serve_forever();
}

/**
 * Per connection: `makefile("rb").readline()` until end of stream; reports
 * the seconds from the first readline() to the last, and the lines and bytes
 * read (the pair to CPython's makefile is in python.py).
 */
async function linesServer(rounds: number): Promise<void> {
  const srv = listen();
  const secs: number[] = [], lines: number[] = [], bytes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const [c] = await srv.accept();
    const f = c.makefile("rb");
    let n = 0, total = 0;
    const t0 = performance.now();
    for (;;) {
      const line = await f.readline();
      if (line.length === 0) break;
      n++;
      total += line.length;
    }
    secs.push((performance.now() - t0) / 1000);
    lines.push(n);
    bytes.push(total);
    await f.close();
    const ack = new Uint8Array(8);
    new DataView(ack.buffer).setBigUint64(0, BigInt(n));
    await c.sendall(ack);
    c.close();
  }
  srv.close();
  result({ secs, lines, bytes });
}

/**
 * Receives `count` 64 B datagrams, or until 1 s passes with none; reports the
 * count and the rate from the first to the last. The sender's address is not
 * wanted (recv_into), as raw Deno ignores it.
 */
async function udpServer(count: number): Promise<void> {
  const buf = new Uint8Array(2048);
  let got = 0;
  let first = 0;
  let last = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  let stop!: () => void;
  const stopped = new Promise<void>((r) => stop = r);
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(stop, got ? 1000 : 60_000);
  };
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  say(`READY ${await boundPort(s)}`);
  arm();
  const loop = (async () => {
    while (got < count) {
      await s.recv_into(buf);
      if (got === 0) first = performance.now();
      got++;
      if ((got & 1023) === 0 || got === 1) arm();
      last = performance.now();
    }
  })().catch(() => {});
  await Promise.race([loop, stopped]);
  clearTimeout(idle);
  s.close();
  const secs = (last - first) / 1000;
  result({ received: got, value: secs > 0 ? got / secs : 0 });
}

async function udpClient(port: number, count: number): Promise<void> {
  const msg = new Uint8Array(SMALL).fill(0x63);
  const t0 = performance.now();
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  const to: [string, number] = ["127.0.0.1", port];
  for (let i = 0; i < count; i++) await s.sendto(msg, to);
  s.close();
  const secs = (performance.now() - t0) / 1000;
  result({ sent: count, secs, value: count / secs });
}

/**
 * Reads a CPython ssl server's stream to its end: with recv_into() into one
 * 64 KiB buffer, or with makefile("rb").read(65536) (`file`). Wall and CPU
 * time from before connecting to the last byte.
 */
async function tlsClient(port: number, cafile: string, file: boolean): Promise<void> {
  const context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile });
  const t0 = performance.now(), c0 = process.cpuUsage();
  // No `using`: Node 20 runs the bundle as written.
  const s = await context.wrap_socket(await socket.create_connection(["127.0.0.1", port]), {
    server_hostname: "localhost",
  });
  let got = 0;
  if (file) {
    const f = s.makefile("rb");
    for (let d = await f.read(CHUNK); d.length > 0; d = await f.read(CHUNK)) got += d.length;
    await f.close();
  } else {
    const buf = new Uint8Array(CHUNK);
    for (let n; (n = await s.recv_into(buf)) > 0;) got += n;
  }
  s.close();
  const ms = performance.now() - t0, cpu = process.cpuUsage(c0);
  result({ bytes: got, ms, cpu_ms: (cpu.user + cpu.system) / 1000 });
}

const num = (i: number) => Number(args[i]);
switch (role) {
  case "bulk-server":
    await bulkServer();
    break;
  case "bulk-client":
    await bulkClient(num(0), num(1));
    break;
  case "pp-server":
    await ppServer();
    break;
  case "pp-client":
    await ppClient(num(0), num(1));
    break;
  case "echo-server":
    await echoServer();
    break;
  case "echo-threading":
    await echoThreading();
    break;
  case "lines-server":
    await linesServer(num(0));
    break;
  case "udp-server":
    await udpServer(num(0));
    break;
  case "udp-client":
    await udpClient(num(0), num(1));
    break;
  case "tls-recv-into":
  case "tls-makefile":
    await tlsClient(num(0), args[2], role === "tls-makefile");
    break;
  default:
    throw new Error(`unknown role ${role}`);
}
