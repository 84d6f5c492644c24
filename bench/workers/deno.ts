// Copyright 2026 the pysocket authors. MIT license.
// Worker for bench/compare, bench/memory and bench/lines: one role of one workload with
// raw Deno (Deno.listen, Deno.connect, Deno.listenDatagram). Prints
// `READY <port>` when listening and `RESULT <json>` when done; pysocket's
// side of each workload is pysocket.ts, with the same roles and output.
//
//   deno run -A bench/workers/deno.ts <deno|deno-naive> <role> [args...]
//
// deno-naive (udp roles only) is raw Deno written as its documentation's
// examples are: `receive()` without a buffer (Deno then allocates 64 KiB
// per datagram) and an address object literal per `send()`.
//
// Roles: bulk-server, bulk-client <port> <bytes>, pp-server,
// pp-client <port> <round trips>, echo-server [buffer size],
// load <port> <conns> <echoes> (the shared load generator of "many", which
// drives every implementation's echo server), lines-server <rounds>,
// udp-server <count>, udp-client <port> <count>, and bench/tls's
// tls-client <port> <bytes> <cafile> (Deno.connectTls); plain-client <port> <bytes> (the same
// stream in the clear: Deno.connect).

const CHUNK = 64 * 1024;
const SMALL = 64;
const [impl, role, ...args] = Deno.args;
const naive = impl === "deno-naive";
if (!naive && impl !== "deno") throw new Error(`unknown implementation ${impl}`);

function say(line: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(line + "\n"));
}

function result(r: Record<string, unknown>): void {
  say("RESULT " + JSON.stringify(r));
}

function rawListen(): Deno.TcpListener {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: 1024 });
  say(`READY ${l.addr.port}`);
  return l;
}

async function rawConnect(port: number): Promise<Deno.TcpConn> {
  const c = await Deno.connect({ hostname: "127.0.0.1", port });
  c.setNoDelay(true);
  return c;
}

async function rawWriteAll(c: Deno.Conn, p: Uint8Array): Promise<void> {
  let off = 0;
  while (off < p.length) off += await c.write(off ? p.subarray(off) : p);
}

async function rawReadExactly(c: Deno.Conn, p: Uint8Array): Promise<boolean> {
  let got = 0;
  while (got < p.length) {
    const n = await c.read(got ? p.subarray(got) : p);
    if (n === null) return false;
    got += n;
  }
  return true;
}

/** Reads to end of stream into one reused buffer, then answers the byte count (8 bytes). */
async function bulkServer(): Promise<void> {
  const buf = new Uint8Array(CHUNK);
  const ack = new Uint8Array(8);
  let total = 0;
  const l = rawListen();
  const c = await l.accept();
  for (let n; (n = await c.read(buf)) !== null;) total += n;
  new DataView(ack.buffer).setBigUint64(0, BigInt(total));
  await rawWriteAll(c, ack);
  c.close();
  l.close();
  result({ bytes: total });
}

async function bulkClient(port: number, bytes: number): Promise<void> {
  const chunk = new Uint8Array(CHUNK).fill(0x5a);
  const ack = new Uint8Array(8);
  const t0 = performance.now();
  const c = await rawConnect(port);
  for (let sent = 0; sent < bytes; sent += CHUNK) await rawWriteAll(c, chunk);
  await c.closeWrite();
  if (!await rawReadExactly(c, ack)) throw new Error("no byte count from the server");
  c.close();
  const secs = (performance.now() - t0) / 1000;
  const got = Number(new DataView(ack.buffer).getBigUint64(0));
  if (got !== bytes) throw new Error(`server received ${got} bytes, expected ${bytes}`);
  result({ bytes: got, secs, value: bytes / 1e6 / secs });
}

/** Echoes what it reads until end of stream: one connection (ping-pong). */
async function ppServer(): Promise<void> {
  const l = rawListen();
  const c = await l.accept();
  c.setNoDelay(true);
  await rawEcho(c);
  l.close();
  result({});
}

async function ppClient(port: number, trips: number): Promise<void> {
  const msg = new Uint8Array(SMALL).fill(0x61);
  const buf = new Uint8Array(SMALL);
  const t0 = performance.now();
  const c = await rawConnect(port);
  for (let i = 0; i < trips; i++) {
    await rawWriteAll(c, msg);
    if (!await rawReadExactly(c, buf)) throw new Error("server closed early");
  }
  c.close();
  const secs = (performance.now() - t0) / 1000;
  result({ secs, value: trips / secs });
}

async function rawEcho(c: Deno.Conn, size = CHUNK): Promise<void> {
  const buf = new Uint8Array(size);
  try {
    for (let n; (n = await c.read(buf)) !== null;) await rawWriteAll(c, buf.subarray(0, n));
  } catch {
    // a reset by the load generator ends the connection
  } finally {
    c.close();
  }
}

/**
 * The echo server of the "many" workload: one task per connection, runs until
 * killed. Reads into a buffer of `size` bytes per connection.
 */
async function echoServer(size = CHUNK): Promise<void> {
  const l = rawListen();
  for await (const c of l) {
    c.setNoDelay(true);
    rawEcho(c, size);
  }
}

/** The shared load generator: `conns` connections at once, each `echoes` sequential 64 B echoes. */
async function load(port: number, conns: number, echoes: number): Promise<void> {
  const t0 = performance.now();
  let failed = 0;
  const one = async () => {
    const c = await rawConnect(port);
    const msg = new Uint8Array(SMALL).fill(0x62);
    const buf = new Uint8Array(SMALL);
    try {
      for (let i = 0; i < echoes; i++) {
        await rawWriteAll(c, msg);
        if (!await rawReadExactly(c, buf)) throw new Error("server closed early");
      }
    } finally {
      c.close();
    }
  };
  const all = [];
  for (let i = 0; i < conns; i++) all.push(one().catch(() => failed++));
  await Promise.all(all);
  const secs = (performance.now() - t0) / 1000;
  if (failed) throw new Error(`${failed} of ${conns} connections failed`);
  result({ secs, value: (conns * echoes) / secs });
}

/**
 * Receives `count` 64 B datagrams, or until 1 s passes with none; reports the
 * count and the rate from the first to the last (the sender's address that
 * receive() answers goes unused).
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
  arm();
  const d = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  say(`READY ${(d.addr as Deno.NetAddr).port}`);
  const recv = naive ? () => d.receive() : () => d.receive(buf);
  const loop = (async () => {
    while (got < count) {
      await recv();
      if (got === 0) first = performance.now();
      got++;
      if ((got & 1023) === 0 || got === 1) arm();
      last = performance.now();
    }
  })().catch(() => {});
  await Promise.race([loop, stopped]);
  clearTimeout(idle);
  d.close();
  const secs = (last - first) / 1000;
  result({ received: got, value: secs > 0 ? got / secs : 0 });
}

async function udpClient(port: number, count: number): Promise<void> {
  const msg = new Uint8Array(SMALL).fill(0x63);
  const t0 = performance.now();
  const d = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const to: Deno.NetAddr = { transport: "udp", hostname: "127.0.0.1", port };
  if (naive) {
    for (let i = 0; i < count; i++) {
      await d.send(msg, { transport: "udp", hostname: "127.0.0.1", port });
    }
  } else {
    for (let i = 0; i < count; i++) await d.send(msg, to);
  }
  d.close();
  const secs = (performance.now() - t0) / 1000;
  result({ sent: count, secs, value: count / secs });
}

/**
 * The least a readline() over Deno's `read` can do, the floor under
 * pysocket's `makefile("rb").readline()`: lines found with `indexOf` in a
 * buffer each read fills, handed out as views (so each read takes a fresh
 * 64 KiB buffer), one promise per line.
 */
class RawLines {
  #conn: Deno.Conn;
  #buf = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #eof = false;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  readline(): Promise<Uint8Array> {
    const i = this.#buf.indexOf(0x0a, this.#start);
    if (i < 0 || i >= this.#end) return this.#fill();
    const line = new Uint8Array(this.#buf.buffer, this.#start, i + 1 - this.#start);
    this.#start = i + 1;
    return Promise.resolve(line);
  }

  async #fill(): Promise<Uint8Array> {
    for (;;) {
      const i = this.#buf.indexOf(0x0a, this.#start);
      if ((i >= 0 && i < this.#end) || this.#eof) {
        const end = i >= 0 && i < this.#end ? i + 1 : this.#end;
        const line = new Uint8Array(this.#buf.buffer, this.#start, end - this.#start);
        this.#start = end;
        return line;
      }
      const used = this.#end - this.#start;
      const next = new Uint8Array(Math.max(CHUNK, used * 2));
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
      this.#start = 0;
      this.#end = used;
      const n = await this.#conn.read(next.subarray(used));
      if (n === null) this.#eof = true;
      else this.#end += n;
    }
  }
}

/**
 * Per connection: RawLines' readline() until end of stream; reports the
 * seconds from the first readline() to the last, and the lines and bytes
 * read (as pysocket.ts's and python.py's lines-server).
 */
async function linesServer(rounds: number): Promise<void> {
  const l = rawListen();
  const secs: number[] = [], lines: number[] = [], bytes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c = await l.accept();
    const f = new RawLines(c);
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
    const ack = new Uint8Array(8);
    new DataView(ack.buffer).setBigUint64(0, BigInt(n));
    await rawWriteAll(c, ack);
    c.close();
  }
  l.close();
  result({ secs, lines, bytes });
}

/** The process's CPU time so far (user + system), in ms: Linux's /proc (no node: module loaded for it). */
function cpuMs(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
}

/** Reads a TLS stream to its end into one 64 KiB buffer: bench/tls's raw Deno client. */
async function tlsClient(port: number, cafile: string): Promise<void> {
  const caCerts = [await Deno.readTextFile(cafile)];
  const t0 = performance.now(), c0 = cpuMs();
  const conn = await Deno.connectTls({ hostname: "localhost", port, caCerts });
  const buf = new Uint8Array(CHUNK);
  let got = 0;
  for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) got += n;
  conn.close();
  result({ bytes: got, ms: performance.now() - t0, cpu_ms: cpuMs() - c0 });
}

/** tlsClient()'s stream in the clear: conn.read() into a reused 64 KiB buffer to end of stream. */
async function plainClient(port: number): Promise<void> {
  const t0 = performance.now(), c0 = cpuMs();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const buf = new Uint8Array(CHUNK);
  let got = 0;
  for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) got += n;
  conn.close();
  result({ bytes: got, ms: performance.now() - t0, cpu_ms: cpuMs() - c0 });
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
    await echoServer(args.length ? num(0) : CHUNK);
    break;
  case "load":
    await load(num(0), num(1), num(2));
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
  case "tls-client":
    await tlsClient(num(0), args[2]);
    break;
  case "plain-client":
    await plainClient(num(0));
    break;
  default:
    throw new Error(`unknown role ${role}`);
}
