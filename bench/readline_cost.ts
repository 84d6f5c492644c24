// Copyright 2026 the pysocket authors. MIT license.
// What makefile("rb").readline() costs itself, cold and warm, without the
// network's noise: the same 100,000 lines of 64 B as bench/lines, from an
// in-memory connection (socket.fromConn over a transport whose reads return
// at once, in 64 KiB pieces), read by pysocket and by the raw loop
// bench/lines' raw Deno row runs (indexOf, a view per line, one awaited
// promise each).
//
//   deno run -A bench/readline_cost.ts [--procs K]
//
// Each of K rounds (21 by default) starts one fresh process per reader
// (order alternated), which reads the lines 4 times: the first time is the
// cold one (code not yet compiled by the JIT), the median of the other three
// the warm one. Prints the medians and the paired ratios pysocket / raw.

import * as socket from "@pysocket/socket";

const LINES = 100_000;

/** A connection whose reads return the lines at once, in 64 KiB pieces, then end of stream. */
function memoryConn(data: Uint8Array): Deno.Conn {
  let off = 0;
  return {
    localAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 2 },
    read(p: Uint8Array): Promise<number | null> {
      if (off >= data.length) return Promise.resolve(null);
      const n = Math.min(p.length, 65536, data.length - off);
      p.set(data.subarray(off, off + n));
      off += n;
      return Promise.resolve(n);
    },
    write: (p: Uint8Array) => Promise.resolve(p.length),
    closeWrite: () => Promise.resolve(),
    close() {},
  } as unknown as Deno.Conn;
}

/** bench/workers/deno.ts's RawLines: the floor of a readline() over a connection's read. */
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
      const next = new Uint8Array(Math.max(65536, used * 2));
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

/** In a child process: reads the lines 4 times with `reader`; prints the milliseconds of each. */
async function child(reader: string): Promise<void> {
  const data = new Uint8Array(LINES * 64).fill(0x6c);
  for (let i = 63; i < data.length; i += 64) data[i] = 0x0a;
  const times: number[] = [];
  for (let round = 0; round < 4; round++) {
    const conn = memoryConn(data);
    const f = reader === "raw" ? new RawLines(conn) : socket.fromConn(conn).makefile("rb");
    let n = 0;
    const t0 = performance.now();
    for (;;) {
      const line = await f.readline();
      if (line.length === 0) break;
      n++;
    }
    times.push(performance.now() - t0);
    if (n !== LINES) throw new Error(`${reader}: ${n} of ${LINES} lines`);
  }
  console.log(JSON.stringify(times));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (Deno.args[0] === "--child") {
  await child(Deno.args[1]);
} else {
  const at = Deno.args.indexOf("--procs");
  const procs = at >= 0 ? Number(Deno.args[at + 1]) : 21;
  const readers = ["pysocket", "raw"];
  const runs: Record<string, { cold: number; warm: number }[]> = { pysocket: [], raw: [] };
  const config = new URL("../deno.json", import.meta.url).pathname;
  for (let k = 0; k < procs; k++) {
    for (const reader of k % 2 ? [...readers].reverse() : readers) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--config", config, import.meta.filename!, "--child", reader],
        stderr: "inherit",
      }).output();
      if (!out.success) throw new Error(`${reader}: child failed`);
      const t: number[] = JSON.parse(new TextDecoder().decode(out.stdout));
      runs[reader].push({ cold: t[0], warm: median(t.slice(1)) });
    }
  }
  const ratio = (kind: "cold" | "warm") => {
    const r = runs.pysocket.map((x, i) => x[kind] / runs.raw[i][kind]);
    return `**${median(r).toFixed(2)}** (${Math.min(...r).toFixed(2)}–${
      Math.max(...r).toFixed(2)
    })`;
  };
  console.log(
    `readline() of ${
      LINES.toLocaleString("en")
    } lines of 64 B from memory; ${procs} processes each`,
  );
  console.log("| reader | cold ms | warm ms |");
  console.log("| --- | --- | --- |");
  for (const reader of readers) {
    const label = reader === "raw" ? "raw Deno read + indexOf" : 'pysocket makefile("rb")';
    console.log(
      `| ${label} | ${median(runs[reader].map((x) => x.cold)).toFixed(1)} | ${
        median(runs[reader].map((x) => x.warm)).toFixed(1)
      } |`,
    );
  }
  console.log(`| pysocket / raw (paired) | ${ratio("cold")} | ${ratio("warm")} |`);
}
