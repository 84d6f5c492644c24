// Copyright 2026 the pysocket authors. MIT license.
// Shared test helpers: loopback socket pairs, reading to end of stream,
// payloads and digests, and subprocesses (CPython as the interop peer, the
// examples as programs) that are always reaped, with a kill timer so that no
// test can hang.

import * as socket from "../mod.ts";

/** The repository root, as a path (subprocesses run from here). */
export const ROOT: string = new URL("..", import.meta.url).pathname;
/** A child process still running after this long is killed (a test then fails, never hangs). */
export const KILL_AFTER_MS = 30_000;

export const enc: TextEncoder = new TextEncoder();
export const dec: TextDecoder = new TextDecoder();

/**
 * The families a stream suite runs over: each behavioural test is registered once per family (see
 * {@linkcode eachFamily}), as CPython's `test_selectors.py` runs one suite over every selector.
 */
export const FAMILIES: readonly number[] = [socket.AF_INET, socket.AF_INET6, socket.AF_UNIX];
/** The families of UDP (datagram tests that need a UDP peer or its addresses). */
export const IP_FAMILIES: readonly number[] = [socket.AF_INET, socket.AF_INET6];

/** `"AF_INET"`, `"AF_INET6"` or `"AF_UNIX"`: the constant's name, as Python spells it. */
export function familyName(family: number): string {
  switch (family) {
    case socket.AF_INET:
      return "AF_INET";
    case socket.AF_INET6:
      return "AF_INET6";
    case socket.AF_UNIX:
      return "AF_UNIX";
  }
  throw new RangeError(`familyName: unknown family ${family}`);
}

/**
 * Registers `fn` as one test per family, each named `"<name> [AF_…]"`: one behaviour suite over
 * every family (and, through tests/node_backend_test.ts, over both backends).
 */
export function eachFamily(
  name: string,
  fn: (family: number) => void | Promise<void>,
  families: readonly number[] = FAMILIES,
): void {
  for (const family of families) {
    Deno.test(`${name} [${familyName(family)}]`, () => fn(family));
  }
}

/**
 * An address of `family` to bind: the loopback address with port 0, or for AF_UNIX a path in a
 * fresh temporary directory; `using` removes that directory (with the socket file in it).
 */
export interface Place extends Disposable {
  /** What to pass to `bind()`. */
  address: socket.Address;
}

/** Makes a {@linkcode Place} of `family` (`name`: the AF_UNIX file's name in its directory). */
export function place(family: number, name = "s.sock"): Place {
  if (family !== socket.AF_UNIX) {
    return {
      address: [family === socket.AF_INET6 ? "::1" : "127.0.0.1", 0],
      [Symbol.dispose]() {},
    };
  }
  const dir = Deno.makeTempDirSync({ prefix: "pysocket-test-" });
  return {
    address: `${dir}/${name}`,
    [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }),
  };
}

/** A listening stream socket and its address; `using` closes it (and removes an AF_UNIX path). */
export interface Listening extends Disposable {
  srv: socket.StreamSocket;
  /** Its `getsockname()`: what to `connect()` to. */
  addr: socket.Address;
}

/** Makes a listening stream socket of `family` on loopback (AF_UNIX: in a temporary directory). */
export function listening(family: number = socket.AF_INET, backlog?: number): Listening {
  const where = place(family);
  // bind() makes its listener with the system's largest backlog (so that
  // listen(n) never frees the port): a shorter queue on an IP listener is made
  // by Deno directly and wrapped.
  const short = backlog !== undefined && backlog < 16 && family !== socket.AF_UNIX;
  const srv = short
    ? socket.fromListener(
      Deno.listen({
        hostname: family === socket.AF_INET6 ? "::1" : "127.0.0.1",
        port: 0,
        tcpBacklog: backlog,
      }),
    )
    : socket.socket(family, socket.SOCK_STREAM);
  try {
    if (!short) srv.bind(where.address);
    srv.listen(backlog);
  } catch (e) {
    srv.close();
    where[Symbol.dispose]();
    throw e;
  }
  return {
    srv,
    addr: srv.getsockname(),
    [Symbol.dispose]() {
      srv.close();
      where[Symbol.dispose]();
    },
  };
}

/** A stream socket of `family` connected to `addr` (with the socket's timeout as given). */
export async function connectTo(
  family: number,
  addr: socket.Address,
): Promise<socket.StreamSocket> {
  const s = socket.socket(family, socket.SOCK_STREAM);
  try {
    await s.connect(addr);
  } catch (e) {
    s.close();
    throw e;
  }
  return s;
}

/** A listening socket, a client connected to it and the accepted end; `using` closes all three. */
export interface Pair extends Disposable {
  srv: socket.StreamSocket;
  cli: socket.StreamSocket;
  conn: socket.StreamSocket;
}

/**
 * Makes a connected loopback pair of the given family (AF_UNIX in a fresh temporary directory,
 * removed on dispose).
 */
export async function pair(family: number = socket.AF_INET): Promise<Pair> {
  const l = listening(family);
  let cli: socket.StreamSocket | null = null;
  try {
    cli = await connectTo(family, l.addr);
    const [conn] = await l.srv.accept();
    return {
      srv: l.srv,
      cli,
      conn,
      [Symbol.dispose]() {
        cli!.close();
        conn.close();
        l[Symbol.dispose]();
      },
    };
  } catch (e) {
    cli?.close();
    l[Symbol.dispose]();
    throw e;
  }
}

/** Two datagram sockets of `family`, both bound (AF_UNIX: to paths in temporary directories). */
export interface DatagramPair extends Disposable {
  a: socket.DatagramSocket;
  b: socket.DatagramSocket;
}

/** Makes a {@linkcode DatagramPair} of `family`; `using` closes both and removes their paths. */
export function datagramPair(family: number = socket.AF_INET): DatagramPair {
  const places = [place(family, "a.sock"), place(family, "b.sock")];
  const [a, b] = places.map((where) => {
    const s = socket.socket(family, socket.SOCK_DGRAM);
    s.bind(where.address);
    return s;
  });
  return {
    a,
    b,
    [Symbol.dispose]() {
      a.close();
      b.close();
      for (const where of places) where[Symbol.dispose]();
    },
  };
}

/**
 * A CPython snippet defining `peer(argv)`: a stream socket connected to the address that
 * {@linkcode pyPeerArgs} put in `argv` (family name, then the address as JSON).
 */
export const PY_PEER = `
import json as _json, socket as _socket
def peer(argv):
    fam = getattr(_socket, argv[0])
    addr = _json.loads(argv[1])
    s = _socket.socket(fam, _socket.SOCK_STREAM)
    s.connect(tuple(addr) if isinstance(addr, list) else addr)
    return s
`;

/** The arguments that tell {@linkcode PY_PEER}'s `peer(sys.argv[1:3])` where to connect. */
export function pyPeerArgs(family: number, addr: socket.Address): string[] {
  return [familyName(family), JSON.stringify(addr)];
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Receives until end of stream (bounded: fails past `limit` bytes) and returns everything.
 */
export async function recvAll(
  s: socket.StreamSocket,
  limit = 64 << 20,
  bufsize = 65536,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const d = await s.recv(bufsize);
    if (d.length === 0) return concat(parts);
    total += d.length;
    if (total > limit) throw new Error(`recvAll: more than ${limit} bytes`);
    parts.push(d);
  }
}

/** Receives exactly `n` bytes (fails at an early end of stream). */
export async function recvExactly(s: socket.StreamSocket, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const k = await s.recv_into(out.subarray(got));
    if (k === 0) throw new Error(`recvExactly: end of stream after ${got} of ${n} bytes`);
    got += k;
  }
  return out;
}

/** `size` random bytes (crypto.getRandomValues fills at most 64 KiB a call). */
export function randomBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let off = 0; off < size; off += 65536) {
    crypto.getRandomValues(out.subarray(off, Math.min(size, off + 65536)));
  }
  return out;
}

/** The SHA-256 of `data`, in lower-case hex (as Python's `hashlib.sha256().hexdigest()`). */
export async function sha256hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a finished subprocess left behind. */
export interface Finished {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runPython} and {@linkcode runDeno}. */
export interface RunOptions {
  /** Bytes written to the child's stdin (then closed); stdin is empty otherwise. */
  stdin?: Uint8Array;
  /** Variables added to the child's environment. */
  env?: Readonly<Record<string, string>>;
}

async function run(cmd: string, args: string[], options: RunOptions = {}): Promise<Finished> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    env: { PYTHONUNBUFFERED: "1", NO_COLOR: "1", ...options.env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
  try {
    const output = child.output();
    const writer = child.stdin.getWriter();
    try {
      if (options.stdin) await writer.write(options.stdin);
      await writer.close();
    } catch {
      // The child exited without reading its stdin; its output tells why.
    }
    const out = await output;
    return {
      code: out.code,
      signal: out.signal,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
    };
  } finally {
    clearTimeout(killer);
  }
}

/**
 * Runs a CPython program (`python3 -c code args…`) to completion and returns its output.
 * Start it without awaiting to have it talk to sockets of the test.
 */
export function runPython(
  code: string,
  args: string[] = [],
  options?: RunOptions,
): Promise<Finished> {
  return run("python3", ["-c", code, ...args], options);
}

/** Runs `deno run <denoArgs…>` to completion (from the repository root). */
export function runDeno(denoArgs: string[], options?: RunOptions): Promise<Finished> {
  return run(Deno.execPath(), denoArgs, options);
}

/** A running program whose first stdout line has been read (e.g. "listening on …"). */
export interface Started extends AsyncDisposable {
  proc: Deno.ChildProcess;
  /** The first line the program printed. */
  line: string;
  /** The next line of stdout, or `null` at its end. */
  readLine(): Promise<string | null>;
  /**
   * Sends `signal` (if the program is still running), waits for it to exit and returns its
   * status with the rest of stdout and all of stderr. Safe to call more than once.
   */
  stop(signal?: Deno.Signal): Promise<Finished>;
  /** Waits for the program to exit by itself (the kill timer still bounds it); as `stop()`. */
  wait(): Promise<Finished>;
}

async function start(cmd: string, args: string[]): Promise<Started> {
  const proc = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    env: { PYTHONUNBUFFERED: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => proc.kill("SIGKILL"), KILL_AFTER_MS);
  const status = proc.status.finally(() => clearTimeout(killer));
  const stderr = new Response(proc.stderr).text();
  const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  let ended = false;
  const readLine = async (): Promise<string | null> => {
    for (let i = 0; i < 1_000_000; i++) {
      const nl = pending.indexOf("\n");
      if (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        return line;
      }
      if (ended) {
        const last = pending;
        pending = "";
        return last === "" ? null : last;
      }
      const r = await reader.read();
      if (r.done) ended = true;
      else pending += r.value;
    }
    throw new Error("readLine: too many chunks");
  };
  let stopped: Promise<Finished> | null = null;
  const finish = (signal: Deno.Signal | null): Promise<Finished> =>
    stopped ??= (async () => {
      try {
        if (signal) proc.kill(signal);
      } catch {
        // Already exited.
      }
      let rest = "";
      for (let line = await readLine(); line !== null; line = await readLine()) {
        rest += line + "\n";
      }
      const st = await status;
      return { code: st.code, signal: st.signal, stdout: rest, stderr: await stderr };
    })();
  const stop = (signal: Deno.Signal = "SIGTERM") => finish(signal);
  const first = await readLine();
  if (first === null) {
    const out = await stop();
    throw new Error(`${args.join(" ")} printed nothing (exit ${out.code}): ${out.stderr}`);
  }
  return {
    proc,
    line: first,
    readLine,
    stop,
    wait: () => finish(null),
    async [Symbol.asyncDispose]() {
      await stop("SIGKILL");
    },
  };
}

/**
 * Starts `deno run -A <path> <args…>` (path relative to the repository root) and waits for its
 * first line of stdout. Use with `await using`, or call `stop()`.
 */
export function startExample(path: string, args: string[] = []): Promise<Started> {
  return start(Deno.execPath(), ["run", "-A", path, ...args]);
}

/** Starts a CPython program (`python3 -c code args…`) and waits for its first line of stdout. */
export function startPython(code: string, args: string[] = []): Promise<Started> {
  return start("python3", ["-c", code, ...args]);
}

/** The port in a "listening on host:port" line (or any line ending in `:port`). */
export function portOf(line: string): number {
  const m = /:(\d+)\s*$/.exec(line);
  if (!m) throw new Error(`no port in ${JSON.stringify(line)}`);
  return Number(m[1]);
}

/** A predicate for `assert.throws`/`rejects`: an `OSError` (or subclass) with this errno. */
export function isOSError(code: number | null, Class: typeof socket.OSError = socket.OSError) {
  return (e: unknown): boolean => e instanceof Class && e.errno === code;
}

/** A connected loopback TCP triple `[server, client, accepted]`; close with `closeAll`. */
export async function tcpTriple(): Promise<
  [socket.StreamSocket, socket.StreamSocket, socket.StreamSocket]
> {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const cli = await socket.create_connection(srv.getsockname() as socket.IPv4Address);
  const [conn] = await srv.accept();
  return [srv, cli, conn];
}

/** Closes every socket given. */
export function closeAll(...socks: socket.StreamSocket[]): void {
  for (const s of socks) s.close();
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<unknown> => new Promise((r) => setTimeout(r, ms));

/** Lines of a child's stdout, one at a time. */
export class Lines {
  #reader: ReadableStreamDefaultReader<string>;
  #buf = "";
  /** Reads `stream` as UTF-8 text. */
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }
  /** The next line, without its newline; throws at end of stream. */
  async next(): Promise<string> {
    for (;;) {
      const i = this.#buf.indexOf("\n");
      if (i >= 0) {
        const line = this.#buf.slice(0, i);
        this.#buf = this.#buf.slice(i + 1);
        return line;
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`stream ended; got ${JSON.stringify(this.#buf)}`);
      this.#buf += value;
    }
  }
  /** All that is left, up to end of stream. */
  async rest(): Promise<string> {
    for (;;) {
      const { value, done } = await this.#reader.read();
      if (done) return this.#buf;
      this.#buf += value;
    }
  }
}

/** A temporary directory, removed with all it holds on dispose (`await using`). */
export async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir();
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** The certificates and keys {@linkcode makeTlsFiles} makes: paths of PEM files in `dir`. */
export interface TlsFiles extends AsyncDisposable {
  /** The temporary directory that holds them (removed on dispose). */
  dir: string;
  /** The test CA's certificate (`CN=pysocket test CA`, `CA:TRUE`). */
  ca: string;
  /** A leaf for localhost and 127.0.0.1 signed by the CA, and its key. */
  cert: string;
  key: string;
  /** The same key encrypted (AES-256) with {@linkcode TlsFiles.passphrase}. */
  encryptedKey: string;
  passphrase: string;
  /** A client certificate (`CN=pysocket client`) signed by the CA, and its key. */
  clientCert: string;
  clientKey: string;
  /** A leaf for localhost that expired in 2020, signed by the CA, and its key. */
  expiredCert: string;
  expiredKey: string;
  /** A leaf for `other.example` only, signed by the CA, and its key. */
  otherCert: string;
  otherKey: string;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (out.code !== 0) throw new Error(`openssl ${args.join(" ")}: ${dec.decode(out.stderr)}`);
}

/**
 * Makes a test PKI with openssl in a fresh temporary directory: a CA, leaves
 * it signs (localhost, a client, an expired one, another name) and an
 * encrypted key. `await using` removes the directory.
 */
export async function makeTlsFiles(): Promise<TlsFiles> {
  const dir = await Deno.makeTempDir({ prefix: "pysocket-ssl-" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    await Deno.writeTextFile(
      `${dir}/ca.cnf`,
      [
        "[ca]",
        "default_ca = test_ca",
        "[test_ca]",
        "database = index.txt",
        "new_certs_dir = .",
        "serial = serial",
        "default_md = sha256",
        "policy = any",
        "unique_subject = no",
        "[any]",
        "commonName = supplied",
        "",
      ].join("\n"),
    );
    await Deno.writeTextFile(`${dir}/index.txt`, "");
    await Deno.writeTextFile(`${dir}/serial`, "1000\n");
    await openssl(dir, [
      "req",
      "-x509",
      ...ec,
      "-days",
      "2",
      "-subj",
      "/CN=pysocket test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
    ]);
    const leaf = async (name: string, cn: string, ext: string, dates: string[]) => {
      await Deno.writeTextFile(`${dir}/${name}.ext`, `basicConstraints=critical,CA:FALSE\n${ext}`);
      await openssl(dir, [
        "req",
        "-new",
        ...ec,
        "-subj",
        `/CN=${cn}`,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
      ]);
      await openssl(dir, [
        "ca",
        "-batch",
        "-config",
        "ca.cnf",
        "-cert",
        "ca.pem",
        "-keyfile",
        "ca.key",
        "-in",
        `${name}.csr`,
        "-out",
        `${name}.pem`,
        "-extfile",
        `${name}.ext`,
        "-notext",
        ...dates,
      ]);
    };
    const twoDays = ["-days", "2"];
    await leaf("leaf", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\n", twoDays);
    await leaf("client", "pysocket client", "extendedKeyUsage=clientAuth\n", twoDays);
    await leaf("expired", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\n", [
      "-startdate",
      "20200101000000Z",
      "-enddate",
      "20200102000000Z",
    ]);
    await leaf("other", "other.example", "subjectAltName=DNS:other.example\n", twoDays);
    const passphrase = "correct horse";
    await openssl(dir, [
      "pkey",
      "-in",
      "leaf.key",
      "-aes256",
      "-passout",
      `pass:${passphrase}`,
      "-out",
      "leaf.enc.key",
    ]);
    return {
      dir,
      ca: `${dir}/ca.pem`,
      cert: `${dir}/leaf.pem`,
      key: `${dir}/leaf.key`,
      encryptedKey: `${dir}/leaf.enc.key`,
      passphrase,
      clientCert: `${dir}/client.pem`,
      clientKey: `${dir}/client.key`,
      expiredCert: `${dir}/expired.pem`,
      expiredKey: `${dir}/expired.key`,
      otherCert: `${dir}/other.pem`,
      otherKey: `${dir}/other.key`,
      [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
    };
  } catch (e) {
    await Deno.remove(dir, { recursive: true });
    throw e;
  }
}
