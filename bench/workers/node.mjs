// Copyright 2026 the pysocket authors. MIT license.
// Worker for bench/compare with Node's `net` and `dgram` (same roles and
// output as deno.ts), and bench/tls's raw client with `node:tls`:
//
//   node bench/workers/node.mjs <role> [args...]
//   node bench/workers/node.mjs tls-client <port> <bytes> <cafile>
//   node bench/workers/node.mjs plain-client <port> <bytes>   (the same stream in the clear)

import net from "node:net";
import dgram from "node:dgram";
import tls from "node:tls";
import { readFileSync } from "node:fs";

const CHUNK = 64 * 1024;
const SMALL = 64;
const [role, ...args] = process.argv.slice(2);
const num = (i) => Number(args[i]);

const say = (line) => process.stdout.write(line + "\n");
const result = (r) => say("RESULT " + JSON.stringify(r));
const now = () => performance.now();

function listen(onConn) {
  const srv = net.createServer({ noDelay: true }, onConn);
  srv.listen({ host: "127.0.0.1", port: 0, backlog: 1024 }, () => {
    say(`READY ${srv.address().port}`);
  });
  return srv;
}

/**
 * bench/tls's raw clients: every 'data' chunk of the stream `open()` connects
 * counted to its end, timed (wall and CPU) from before connecting.
 */
async function countToEnd(open) {
  const t0 = now(), c0 = process.cpuUsage();
  const got = await new Promise((resolve, reject) => {
    let n = 0;
    const c = open();
    c.on("data", (chunk) => n += chunk.length);
    c.on("end", () => {
      c.end();
      resolve(n);
    });
    c.on("error", reject);
  });
  const ms = now() - t0, cpu = process.cpuUsage(c0);
  result({ bytes: got, ms, cpu_ms: (cpu.user + cpu.system) / 1000 });
}

function connect(port) {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: "127.0.0.1", port, noDelay: true }, () => resolve(c));
    c.once("error", reject);
  });
}

/** Reads exactly n bytes from a paused-mode socket, resolving a Buffer. */
function makeReader(c) {
  let chunks = [];
  let have = 0;
  let want = 0;
  let wake = null;
  let ended = false;
  c.on("data", (d) => {
    chunks.push(d);
    have += d.length;
    if (wake && have >= want) {
      const w = wake;
      wake = null;
      w();
    }
  });
  c.on("end", () => {
    ended = true;
    if (wake) wake();
  });
  return async (n) => {
    if (have < n) {
      want = n;
      await new Promise((r) => wake = r);
      if (have < n && ended) throw new Error("server closed early");
    }
    const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const out = all.subarray(0, n);
    chunks = all.length > n ? [all.subarray(n)] : [];
    have -= n;
    return out;
  };
}

switch (role) {
  case "bulk-server": {
    let total = 0;
    const srv = listen((c) => {
      c.on("data", (d) => total += d.length);
      c.on("end", () => {
        const ack = Buffer.alloc(8);
        ack.writeBigUInt64BE(BigInt(total));
        c.end(ack);
        srv.close();
        result({ bytes: total });
      });
    });
    break;
  }
  case "tls-client": {
    // Every 'data' chunk counted to the end of the stream (close_notify).
    const ca = readFileSync(args[2], "utf8");
    await countToEnd(() =>
      tls.connect({ host: "127.0.0.1", port: num(0), servername: "localhost", ca })
    );
    break;
  }
  case "plain-client":
    // tls-client's stream in the clear.
    await countToEnd(() => net.connect({ host: "127.0.0.1", port: num(0) }));
    break;
  case "bulk-client": {
    const bytes = num(1);
    const chunk = Buffer.alloc(CHUNK, 0x5a);
    const t0 = now();
    const c = await connect(num(0));
    const read = makeReader(c);
    for (let sent = 0; sent < bytes; sent += CHUNK) {
      if (!c.write(chunk)) await new Promise((r) => c.once("drain", r));
    }
    c.end();
    const ack = await read(8);
    const secs = (now() - t0) / 1000;
    const got = Number(ack.readBigUInt64BE(0));
    if (got !== bytes) throw new Error(`server received ${got} bytes, expected ${bytes}`);
    c.destroy();
    result({ bytes: got, secs, value: bytes / 1e6 / secs });
    break;
  }
  case "pp-server":
  case "echo-server": {
    const srv = listen((c) => {
      c.on("data", (d) => c.write(d));
      c.on("end", () => {
        c.end();
        if (role === "pp-server") {
          srv.close();
          result({});
        }
      });
      c.on("error", () => c.destroy());
    });
    break;
  }
  case "pp-client": {
    const trips = num(1);
    const msg = Buffer.alloc(SMALL, 0x61);
    const t0 = now();
    const c = await connect(num(0));
    const read = makeReader(c);
    for (let i = 0; i < trips; i++) {
      c.write(msg);
      await read(SMALL);
    }
    const secs = (now() - t0) / 1000;
    c.end();
    result({ secs, value: trips / secs });
    break;
  }
  case "udp-server": {
    const count = num(0);
    let got = 0, first = 0, last = 0, idle;
    const s = dgram.createSocket("udp4");
    const done = () => {
      clearTimeout(idle);
      s.close();
      const secs = (last - first) / 1000;
      result({ received: got, value: secs > 0 ? got / secs : 0 });
    };
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(done, got ? 1000 : 60_000);
    };
    s.on("message", () => {
      if (got === 0) first = now();
      got++;
      last = now();
      if (got === count) done();
      else if ((got & 1023) === 0 || got === 1) arm();
    });
    s.bind(0, "127.0.0.1", () => {
      arm();
      say(`READY ${s.address().port}`);
    });
    break;
  }
  case "udp-client": {
    const [port, count] = [num(0), num(1)];
    const msg = Buffer.alloc(SMALL, 0x63);
    const s = dgram.createSocket("udp4");
    await new Promise((r) => s.bind(0, "127.0.0.1", r));
    const t0 = now();
    for (let i = 0; i < count; i++) {
      await new Promise((resolve, reject) => {
        s.send(msg, port, "127.0.0.1", (e) => e ? reject(e) : resolve());
      });
    }
    const secs = (now() - t0) / 1000;
    s.close();
    result({ sent: count, secs, value: count / secs });
    break;
  }
  default:
    throw new Error(`unknown role ${role}`);
}
