// Copyright 2026 the pysocket authors. MIT license.
// A line-protocol server, ported from Python's socketserver idiom: each
// connection reads lines with rfile.readline() and answers every one.
//
//   deno run -A examples/line_server.ts [host] [port]     (default 127.0.0.1 8081; port 0 = any)
//
// The Python original:
//
//   import socketserver
//
//   class Handler(socketserver.StreamRequestHandler):
//       def handle(self):
//           count = 0
//           while line := self.rfile.readline(MAX_LINE + 1):
//               if len(line) > MAX_LINE:
//                   self.wfile.write(b"ERR line too long\n")
//                   break
//               count += 1
//               cmd, _, arg = line.rstrip(b"\r\n").partition(b" ")
//               if cmd == b"QUIT":
//                   self.wfile.write(b"BYE\n")
//                   break
//               reply = {b"ECHO": lambda: arg, b"UPPER": arg.upper,
//                        b"LEN": lambda: b"%d" % len(arg)}.get(cmd)
//               self.wfile.write(b"%d %s\n" % (count, reply() if reply else b"ERR unknown command"))
//
//   with socketserver.ThreadingTCPServer((HOST, PORT), Handler) as srv:
//       srv.serve_forever()
//
// Commands: `ECHO text`, `UPPER text`, `LEN text`, `QUIT`. Each answer is
// "<line number> <result>\n". The first line printed is the address it
// listens on ("listening on 127.0.0.1:8081"); SIGINT closes the server and
// every connection, prints "goodbye" and exits 0.

import * as socket from "@pysocket/socket";
import { args, SIG_DFL, SIGINT, signal } from "./_py.ts";

const HOST = args[0] ?? "127.0.0.1";
const PORT = Number(args[1] ?? 8081);
/** The longest line accepted, without its line end. */
const MAX_LINE = 1024;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Python's `bytes.upper()`: ASCII letters only. */
function upper(b: Uint8Array): Uint8Array {
  return b.map((c) => (c >= 0x61 && c <= 0x7a ? c - 0x20 : c));
}

/** Strips a trailing "\r\n" or "\n" (Python's `line.rstrip(b"\r\n")`). */
function rstripNewline(line: Uint8Array): Uint8Array {
  let end = line.length;
  while (end > 0 && (line[end - 1] === 0x0a || line[end - 1] === 0x0d)) end--;
  return line.subarray(0, end);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Answers one command line; null for QUIT. */
function answer(count: number, line: Uint8Array): Uint8Array | null {
  const stripped = rstripNewline(line);
  const space = stripped.indexOf(0x20); // cmd, _, arg = line.partition(b" ")
  const cmd = dec.decode(space < 0 ? stripped : stripped.subarray(0, space));
  const arg = space < 0 ? new Uint8Array(0) : stripped.subarray(space + 1);
  let reply: Uint8Array;
  if (cmd === "QUIT") return null;
  else if (cmd === "ECHO") reply = arg;
  else if (cmd === "UPPER") reply = upper(arg);
  else if (cmd === "LEN") reply = enc.encode(String(arg.length));
  else reply = enc.encode("ERR unknown command");
  return concat(enc.encode(`${count} `), reply, enc.encode("\n"));
}

/** StreamRequestHandler.handle(): one connection, line by line. */
async function handle(conn: socket.StreamSocket): Promise<void> {
  const rfile = conn.makefile("rb"); // self.rfile
  const wfile = conn.makefile("wb", 0); // self.wfile: unbuffered, each write a sendall
  files.set(conn, [rfile, wfile]);
  let count = 0;
  for (;;) {
    const line = await rfile.readline(MAX_LINE + 1);
    if (line.length === 0) break;
    if (line.length > MAX_LINE) {
      await wfile.write(enc.encode("ERR line too long\n"));
      break;
    }
    count++;
    const reply = answer(count, line);
    if (reply === null) {
      await wfile.write(enc.encode("BYE\n"));
      break;
    }
    await wfile.write(reply);
  }
  await rfile.close();
  await wfile.close();
}

const srv = socket.create_server([HOST, PORT]);
const [host, port] = srv.getsockname() as socket.IPv4Address;
console.log(`listening on ${host}:${port}`);

const clients = new Set<socket.StreamSocket>();
/** Each connection's files: they keep it open after close(), as Python's do, so they close too. */
const files = new Map<socket.StreamSocket, { close(): Promise<void> }[]>();
const tasks = new Set<Promise<void>>();

function onSigint(): void {
  srv.close();
  for (const conn of clients) {
    conn.close();
    for (const f of files.get(conn) ?? []) f.close().catch(() => {});
  }
}
signal(SIGINT, onSigint);

for await (const [conn, addr] of srv) { // ThreadingTCPServer: one task per connection
  clients.add(conn);
  const task = handle(conn).catch((e) => {
    if (!srv.closed) console.error(`${JSON.stringify(addr)}: ${(e as Error).message}`);
  }).finally(() => {
    clients.delete(conn);
    files.delete(conn);
    conn.close();
    tasks.delete(task);
  });
  tasks.add(task);
}

signal(SIGINT, SIG_DFL);
await Promise.all(tasks);
console.log("goodbye");
