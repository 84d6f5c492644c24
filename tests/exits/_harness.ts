// Copyright 2026 the pysocket authors. MIT license.
// Runs the exit cells (tests/exits/cells.ts) and the examples that serve
// until SIGINT as subprocesses, on the runtime running the tests (Deno,
// Node or Bun, through node:child_process), a few at a time, and says of
// each whether it exited with status 0 within 5 s of its last line. Each
// cell gets its own peers, in this process: TCP, AF_UNIX and TLS listeners
// that hold every connection open and echo what they are sent, and a UDP
// socket that echoes (tests/exits/cells.ts says how they are poked).

import { spawn } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import * as tls from "node:tls";
import { readFileSync } from "node:fs";
import { ROOT, RUNTIME } from "../runtimes/_program.ts";
import type { Cell, Peers, Trigger } from "./cells.ts";

/** How long a program may run on after its last line. */
export const EXIT_WITHIN_MS = 5_000;
/** A program that has not printed its last line by then is killed (the case fails). */
const KILL_AFTER_MS = 10_000;
/** How long a counter-cell must still be running, awaiting. */
const STILL_AWAITING_MS = 1_000;
/** Cases run at once (the machine has 2 cores; most of a case is waiting). */
export const BATCH: number = RUNTIME === "deno" ? 8 : 16;

/** What became of one case. */
export interface Verdict {
  ok: boolean;
  /** What happened, for the failure message. */
  detail: string;
}

/** A case: a name and what runs it. */
export interface Case {
  name: string;
  run(): Promise<Verdict>;
}

/** A certificate and key (PEM text) for the TLS peers and the TLS examples. */
export interface Certs {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/** The command that runs `tests/exits/main.ts` or an example (`examples/<name>.ts`) on this runtime. */
function command(script: string): [string, string[]] {
  if (RUNTIME === "deno") return [process.execPath, ["run", "-A", `${script}.ts`]];
  const built = process.env.PYSOCKET_EXAMPLES;
  if (!built) {
    throw new Error("PYSOCKET_EXAMPLES names the JavaScript build (tests/runtimes_test.ts)");
  }
  return [process.execPath, [join(dirname(built), `${script}.js`)]];
}

/** A child process as the runtime makes it: Deno.Command in Deno (whose node:child_process reports a
 * child that exits 0 after handling SIGINT as killed by it), node:child_process elsewhere. */
interface Proc {
  write(text: string): void;
  kill(signal: "SIGINT" | "SIGKILL"): void;
  /** Resolves the exit status (null when killed by a signal) once stdout and stderr have ended. */
  exited: Promise<number | null>;
  /** Ends stdin (after the exit: the pipe stays open while the program runs). */
  closeStdin(): void;
}

/**
 * Variables added to every program's environment (tests/exits_ffi_test.ts
 * sets `PYSOCKET_BACKEND=ffi`; each test module has its own copy).
 */
export const childEnv: Record<string, string> = {};

function spawnProc(
  cmd: string,
  args: string[],
  onStdout: (text: string) => void,
  onStderr: (text: string) => void,
): Proc {
  const env = { ...process.env, NO_COLOR: "1", ...childEnv } as Record<string, string>;
  if (RUNTIME === "deno") {
    const p = new Deno.Command(cmd, {
      args,
      cwd: ROOT,
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = p.stdin.getWriter();
    const pump = async (stream: ReadableStream<Uint8Array>, to: (text: string) => void) => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) to(text);
    };
    const ended = Promise.all([pump(p.stdout, onStdout), pump(p.stderr, onStderr)]);
    let stdinClosed = false;
    return {
      write: (text) => void writer.write(new TextEncoder().encode(text)).catch(() => {}),
      kill(signal) {
        try {
          p.kill(signal);
        } catch {
          // Exited already.
        }
      },
      exited: Promise.all([p.status, ended]).then(([st]) => st.signal === null ? st.code : null),
      closeStdin() {
        if (!stdinClosed) writer.close().catch(() => {});
        stdinClosed = true;
      },
    };
  }
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin!.on("error", () => {});
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", onStdout);
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", onStderr);
  return {
    write: (text) => void child.stdin!.write(text),
    kill: (signal) => void child.kill(signal),
    exited: new Promise((resolve) => {
      child.once("error", () => resolve(null));
      child.once("close", (code) => resolve(code));
    }),
    closeStdin: () => void child.stdin!.destroy(),
  };
}

/** A running program: its stdout lines, its exit. */
class Child {
  readonly proc: Proc;
  readonly exited: Promise<number | null>;
  #lines: string[] = [];
  #partial = "";
  #stderr = "";
  #wake: (() => void) | null = null;
  #done = false;

  constructor(script: string, args: string[]) {
    const [cmd, pre] = command(script);
    this.proc = spawnProc(cmd, [...pre, ...args], (s) => {
      const parts = (this.#partial + s).split("\n");
      this.#partial = parts.pop()!;
      this.#lines.push(...parts);
      this.#poke();
    }, (s) => this.#stderr += s);
    this.exited = this.proc.exited.then((code) => {
      this.#done = true;
      this.#poke();
      return code;
    });
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  get running(): boolean {
    return !this.#done;
  }

  /** What the program said, for a failure message. */
  get said(): string {
    return `stdout: ${JSON.stringify(this.#lines.join("\n") + this.#partial)}; stderr: ${
      JSON.stringify(this.#stderr.slice(-600))
    }`;
  }

  /** The first line that `match`es, or null when the program exits first or `ms` pass. */
  async line(match: RegExp, ms: number): Promise<string | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
    try {
      for (;;) {
        const i = this.#lines.findIndex((l) => match.test(l));
        if (i >= 0) return this.#lines.splice(0, i + 1)[i];
        if (this.#done) return null;
        let gone = false;
        await Promise.race([
          new Promise<void>((resolve) => this.#wake = resolve),
          late.then(() => gone = true),
        ]);
        if (gone) return null;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits up to `ms` for the exit: its status, or "running". */
  async exit(ms: number): Promise<number | null | "running"> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"running">((resolve) =>
      timer = setTimeout(() => resolve("running"), ms)
    );
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the program if it runs, and reaps it. */
  async kill(): Promise<void> {
    if (this.running) this.proc.kill("SIGKILL");
    await this.exited;
    this.proc.closeStdin();
  }
}

/** Waits `ms`. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for a server to listen. */
function listening(server: net.Server, ...args: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    (server.listen as (...a: unknown[]) => void)(...args, () => resolve());
  });
}

/** A cell's peers: the addresses the program is given, `poke()`, `close()`. */
async function startPeers(certs: Certs) {
  const dir = mkdtempSync(join(tmpdir(), "pysocket-exit-"));
  const conns = new Set<net.Socket>();
  const hold = (c: net.Socket) => {
    conns.add(c);
    c.on("data", (d) => c.write(d));
    c.on("error", () => {});
    c.on("close", () => conns.delete(c));
  };
  const tcp = net.createServer(hold);
  const unix = net.createServer(hold);
  const secure = tls.createServer({ cert: certs.cert, key: certs.key });
  secure.on("secureConnection", hold);
  secure.on("tlsClientError", () => {});
  const udp = dgram.createSocket("udp4");
  const waiters: { address: string; port: number }[] = [];
  udp.on("message", (msg, from) => {
    if (new TextDecoder().decode(msg) === "wait") waiters.push(from);
    else udp.send(msg, from.port, from.address);
  });
  await listening(tcp, 0, "127.0.0.1");
  await listening(unix, join(dir, "peer.sock"));
  await listening(secure, 0, "127.0.0.1");
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  const port = (s: { address(): unknown }) => (s.address() as net.AddressInfo).port;
  const peers: Peers = {
    tcp: port(tcp),
    unix: join(dir, "peer.sock"),
    udp: port(udp),
    tls: port(secure),
  };
  return {
    peers,
    poke(): void {
      for (const c of conns) c.write("poke\n");
      for (const w of waiters) udp.send("poke", w.port, w.address);
    },
    async close(): Promise<void> {
      for (const c of conns) c.destroy();
      await Promise.all([tcp, unix, secure].map((s) => new Promise((resolve) => s.close(resolve))));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Connects to `port` and holds the connection until the returned function is called. */
async function client(port: number, secure = false): Promise<() => void> {
  const sock = await new Promise<net.Socket>((resolve, reject) => {
    const s: net.Socket = secure
      ? tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false }, () => resolve(s))
      : net.connect({ port, host: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
  sock.on("error", () => {});
  return () => sock.destroy();
}

/** How a program ended after its last line: ok when it exited 0 within {@linkcode EXIT_WITHIN_MS}. */
async function finish(child: Child, after: string): Promise<Verdict> {
  const code = await child.exit(EXIT_WITHIN_MS);
  if (code === "running") {
    return {
      ok: false,
      detail: `still running ${EXIT_WITHIN_MS} ms after ${after}; ${child.said}`,
    };
  }
  if (code !== 0) return { ok: false, detail: `exited with ${code} after ${after}; ${child.said}` };
  return { ok: true, detail: "" };
}

/** How long a limit cell's program must still be running after its last line. */
const LIMIT_SHOWN_MS = 2_000;

/** A limit cell: ok while the program is still running after its last line, as the limit says it is. */
async function showsLimit(child: Child, limit: string): Promise<Verdict> {
  const code = await child.exit(LIMIT_SHOWN_MS);
  if (code === "running") return { ok: true, detail: "" };
  return {
    ok: false,
    detail: `exited (${code}) although the documented limit says it cannot (${limit}): ` +
      `the limit is gone — make it a plain cell and drop README's line; ${child.said}`,
  };
}

/** Runs one cell as a program, with its own peers. */
export async function runCell(name: string, cell: Cell, certs: Certs): Promise<Verdict> {
  const peers = await startPeers(certs);
  const child = new Child("tests/exits/main", [name, JSON.stringify(peers.peers)]);
  let release: (() => void) | null = null;
  try {
    if (cell.input) child.proc.write(cell.input);
    if (cell.trigger) {
      const w = await child.line(/^waiting/, KILL_AFTER_MS);
      if (w === null) return { ok: false, detail: `never said "waiting"; ${child.said}` };
      await sleep(STILL_AWAITING_MS);
      if (!child.running) {
        return { ok: false, detail: `exited while its call was awaited; ${child.said}` };
      }
      release = await trigger(cell.trigger, child, peers, w);
    }
    if (await child.line(/^done$/, KILL_AFTER_MS) === null) {
      return { ok: false, detail: `never said "done"; ${child.said}` };
    }
    if (cell.limit !== undefined) return await showsLimit(child, cell.limit);
    return await finish(child, `"done"`);
  } finally {
    await child.kill();
    release?.();
    await peers.close();
  }
}

/** Completes a counter-cell's awaited call. */
async function trigger(
  how: Trigger,
  child: Child,
  peers: { poke(): void },
  waiting: string,
): Promise<(() => void) | null> {
  if (how === "send") peers.poke();
  else if (how === "stdin") child.proc.write("line\n");
  else return await client(Number(waiting.split(" ")[1]));
  return null;
}

/**
 * The examples that serve until SIGINT; whether their client speaks TLS, and
 * whether it stays connected, idle, through the SIGINT (the servers that say
 * they close every connection) or hangs up first (socketserver's servers, which
 * wait for the calls in progress, as Python's `block_on_close`).
 */
export const SIGINT_EXAMPLES: readonly { name: string; tls: boolean; idle: boolean }[] = [
  { name: "echo_server", tls: false, idle: true },
  { name: "select_server", tls: false, idle: true },
  { name: "line_server", tls: false, idle: true },
  { name: "tls_echo_server", tls: true, idle: true },
  { name: "upper_server", tls: false, idle: false },
  { name: "tls_socketserver", tls: true, idle: false },
];

/** Runs an example server with a client (idle, or gone), sends SIGINT: it must exit 0 soon. */
export async function runSigint(
  name: string,
  secure: boolean,
  idle: boolean,
  certs: Certs,
): Promise<Verdict> {
  const args = ["127.0.0.1", "0", ...(secure ? [certs.certFile, certs.keyFile] : [])];
  const child = new Child(`examples/${name}`, args);
  let release: (() => void) | null = null;
  try {
    const first = await child.line(/^listening on /, KILL_AFTER_MS);
    if (first === null) return { ok: false, detail: `never said "listening on"; ${child.said}` };
    release = await client(Number(first.split(":").pop()), secure);
    if (!idle) {
      release();
      release = null;
    }
    await sleep(100); // the server has taken the connection (or seen it go)
    child.proc.kill("SIGINT");
    return await finish(child, "SIGINT");
  } finally {
    await child.kill();
    release?.();
  }
}

/** Runs `cases` at most {@linkcode BATCH} at a time; each case's verdict by name. */
export function runAll(cases: readonly Case[]): Map<string, Promise<Verdict>> {
  const verdicts = new Map<string, Promise<Verdict>>();
  let next = 0;
  const slots: Promise<void>[] = [];
  const resolvers = new Map<string, (v: Verdict) => void>();
  for (const c of cases) {
    verdicts.set(c.name, new Promise((resolve) => resolvers.set(c.name, resolve)));
  }
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      const v = await c.run().catch((e) => ({ ok: false, detail: String(e?.stack ?? e) }));
      resolvers.get(c.name)!(v);
    }
  };
  for (let i = 0; i < BATCH; i++) slots.push(worker());
  return verdicts;
}

/** Makes a self-signed certificate for localhost (openssl) in a temporary directory. */
export async function makeCerts(): Promise<Certs & { remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "pysocket-exit-certs-"));
  const certFile = join(dir, "cert.pem"), keyFile = join(dir, "key.pem");
  const made = spawn("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-days", "2", "-subj", "/CN=localhost"],
    ...[
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
  ], { stdio: "ignore" });
  const code = await new Promise((resolve) => made.once("close", resolve));
  if (code !== 0) throw new Error(`openssl exited with ${code}`);
  return {
    certFile,
    keyFile,
    cert: readFileSync(certFile, "utf8"),
    key: readFileSync(keyFile, "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
