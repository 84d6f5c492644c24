// Copyright 2026 the pysocket authors. MIT license.
// A client that drives several connections at once with select.select():
// each sends its messages and reads the echo back, in one task.
//
//   deno run -A examples/select_client.ts [host] [port] [connections] [messages]
//   (default 127.0.0.1 8080, 3 connections, 5 messages each)
//
// The first line printed is the server's address ("connected to
// 127.0.0.1:8080"); then one line per message echoed back
// ("conn 1: message 3 from conn 1"), then "done <count>". Exits 1 if an
// echo does not match what was sent.

import * as socket from "@pysocket/socket";
import { select } from "@pysocket/socket/select";
import { args, exit } from "./_py.ts";

const HOST = args[0] ?? "127.0.0.1";
const PORT = Number(args[1] ?? 8080);
const CONNECTIONS = Number(args[2] ?? 3);
const MESSAGES = Number(args[3] ?? 5);
const enc = new TextEncoder();
const dec = new TextDecoder();

/** One connection's state: what is left to send and what came back so far. */
interface Conn {
  id: number;
  sock: socket.StreamSocket;
  outb: Uint8Array;
  expected: string;
  /** Everything echoed so far. */
  inb: string;
  /** The line being received. */
  line: string;
}

const conns: Conn[] = [];
for (let id = 1; id <= CONNECTIONS; id++) {
  const sock = await socket.create_connection([HOST, PORT]);
  sock.setblocking(false);
  const lines = Array.from({ length: MESSAGES }, (_, i) => `message ${i + 1} from conn ${id}\n`);
  conns.push({
    id,
    sock,
    outb: enc.encode(lines.join("")),
    expected: lines.join(""),
    inb: "",
    line: "",
  });
}
console.log(`connected to ${HOST.includes(":") ? `[${HOST}]` : HOST}:${PORT}`);

let echoed = 0;
let open = conns.length;
for (let turn = 0; open > 0 && turn < 1_000_000; turn++) {
  const reading = conns.filter((c) => !c.sock.closed);
  const writing = reading.filter((c) => c.outb.length > 0);
  const [readable, writable] = await select(
    reading.map((c) => c.sock),
    writing.map((c) => c.sock),
    [],
    10,
  );
  if (readable.length === 0 && writable.length === 0) {
    console.error("timed out waiting for the server");
    exit(1);
  }
  for (const c of writing) {
    if (!writable.includes(c.sock)) continue;
    const sent = await c.sock.send(c.outb); // select said it would not wait
    c.outb = c.outb.subarray(sent);
    if (c.outb.length === 0) await c.sock.shutdown(socket.SHUT_WR);
  }
  for (const c of reading) {
    if (!readable.includes(c.sock)) continue;
    const data = await c.sock.recv(4096); // select said it would not wait
    if (data.length === 0) {
      c.sock.close();
      open--;
      if (c.inb !== c.expected) {
        console.error(`conn ${c.id}: the echo does not match what was sent`);
        exit(1);
      }
      continue;
    }
    const text = dec.decode(data, { stream: true });
    c.inb += text;
    c.line += text;
    const lines = c.line.split("\n");
    c.line = lines.pop()!; // an incomplete last line waits for the rest
    for (const line of lines) {
      console.log(`conn ${c.id}: ${line}`);
      echoed++;
    }
  }
}
console.log(`done ${echoed}`);
