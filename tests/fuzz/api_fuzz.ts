// Copyright 2026 the pysocket authors. MIT license.
// The API fuzzer behind fuzz_test.ts: every public function and method
// called with arbitrary arguments (fast-check), on fresh sockets, files and
// selectors. Each call must return, or raise TypeError, RangeError (Python's
// ValueError), OSError or one of Python's other named errors — within a
// bound, never hanging, never with a JavaScript engine's or Deno's internal
// message. Run with the network narrowed to loopback (fuzz_test.ts does), so
// an arbitrary host name can never leave the machine: a lookup of one is a
// permission error, which passes through.
//
//   deno run --allow-net=127.0.0.1,[::1] --allow-read --allow-write <this> [runs]

import fc from "fast-check";
import * as socket from "../../mod.ts";

const RUNS = Number(Deno.args[0] ?? 40);
const BOUND_MS = 3000;

/** Values a caller might pass by mistake, and the edges of the right ones. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -1,
    0,
    1,
    1.5,
    2 ** 31,
    2 ** 53,
    -(2 ** 53),
    65536,
    "",
    "3",
    "abc",
    "127.0.0.1",
    "::1",
    "localhost",
    "0x7f.1",
    "<broadcast>",
    "\0abstract",
    null,
    undefined,
    true,
    false,
    [],
    {},
    [""],
    ["127.0.0.1"],
    ["127.0.0.1", 0],
    ["127.0.0.1", 1],
    ["::1", 0, NaN, 0],
    ["::1", 0, 0, 2 ** 33],
    ["127.0.0.1", -1],
    ["127.0.0.1", "80"],
    ["127.0.0.1", 80, 0, 0, 9],
    new Uint8Array(0),
    new Uint8Array(8),
    new ArrayBuffer(4),
    new DataView(new ArrayBuffer(4)),
    Symbol("s"),
    () => 0,
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.uint8Array({ maxLength: 64 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxLength: 5 }),
  fc.object({ maxDepth: 1 }),
);

const args = fc.array(weird, { maxLength: 5 });

/** What a call may raise. */
function allowed(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof socket.OSError ||
    e instanceof socket.KeyError || e instanceof socket.RuntimeError ||
    e instanceof Deno.errors.NotCapable;
}

/** Messages that mean an input reached code that did not expect it. */
const INTERNAL =
  /Cannot read propert|Cannot convert|is not a function|is not iterable|\[object Object\]|undefined \(reading|Invalid typed array length|Array buffer allocation|out of memory/;

let calls = 0;
const raised: Record<string, number> = {};

async function call(name: string, f: () => unknown): Promise<void> {
  calls++;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<"hang">((r) => timer = setTimeout(() => r("hang"), BOUND_MS));
  try {
    const outcome = await Promise.race([Promise.resolve().then(f), bound]);
    if (outcome === "hang") throw new Error(`${name}: no answer within ${BOUND_MS} ms`);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${name}: no answer`)) throw e;
    if (!allowed(e)) throw new Error(`${name}: raised ${String(e)}`, { cause: e });
    const message = (e as Error).message ?? "";
    if (INTERNAL.test(message)) throw new Error(`${name}: internal message: ${message}`);
    const cls = (e as Error).name;
    raised[cls] = (raised[cls] ?? 0) + 1;
  } finally {
    clearTimeout(timer);
  }
}

type Target = Record<string, (...a: unknown[]) => unknown>;

/**
 * Waiting with no timeout for a socket that never gets ready is a wait, not
 * a fault (Python's select() waits forever too): such arguments get a short
 * timeout instead.
 */
function bounded(name: string, a: unknown[]): unknown[] {
  const at = name === "select" ? 3 : name.endsWith(".select") ? 0 : -1;
  const t = a[at];
  // Waits of a sane length are shortened; absurd ones must be refused, so they stay.
  const wait = t === null || t === undefined || (typeof t === "number" && t > 0.05 && t <= 9.2e9);
  if (at < 0 || !wait) return a;
  const b = [...a];
  b[at] = 0.05;
  return b;
}

/** Calls `method` of a fresh object from `make` with fuzzed arguments, closing it after. */
async function fuzzMethods(
  label: string,
  make: () => Promise<{ target: unknown; close(): void }>,
  methods: string[],
): Promise<void> {
  for (const method of methods) {
    await fc.assert(
      fc.asyncProperty(args, async (a) => {
        const { target, close } = await make();
        try {
          const name = `${label}.${method}`;
          await call(name, () => (target as Target)[method](...bounded(name, a)));
        } finally {
          close();
        }
      }),
      { numRuns: RUNS },
    );
  }
}

const dir = Deno.makeTempDirSync({ prefix: "pysocket-fuzz-" });

async function pair(): Promise<{ target: socket.StreamSocket; close(): void }> {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const cli = await socket.create_connection(srv.getsockname() as socket.IPv4Address);
  const [conn] = await srv.accept();
  conn.settimeout(0.05);
  return { target: conn, close: () => [srv, cli, conn].forEach((s) => s.close()) };
}

const STREAM = [
  "bind",
  "listen",
  "accept",
  "connect",
  "connect_ex",
  "send",
  "sendall",
  "sendto",
  "recv",
  "recv_into",
  "recvfrom",
  "recvfrom_into",
  "shutdown",
  "makefile",
  "sendfile",
  "settimeout",
  "setblocking",
  "setsockopt",
  "getsockopt",
  "detach",
  "getsockname",
  "getpeername",
];

try {
  // Sockets not yet bound or connected (each call on a fresh one, short timeout).
  await fuzzMethods("StreamSocket", () => {
    const s = socket.socket();
    s.settimeout(0.05);
    return Promise.resolve({ target: s, close: () => s.close() });
  }, STREAM);
  // A connected stream socket.
  await fuzzMethods("connected StreamSocket", pair, STREAM);
  // A datagram socket, bound (Python's makefile() on one is left out: pysocket's files are streams').
  await fuzzMethods("DatagramSocket", () => {
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.bind(["127.0.0.1", 0]);
    s.settimeout(0.05);
    return Promise.resolve({ target: s, close: () => s.close() });
  }, STREAM.filter((m) => m !== "makefile"));
  // An AF_UNIX stream socket.
  await fuzzMethods("AF_UNIX StreamSocket", () => {
    const s = socket.socket(socket.AF_UNIX);
    s.settimeout(0.05);
    return Promise.resolve({ target: s, close: () => s.close() });
  }, ["bind", "connect", "connect_ex"]);
  // A file of a connected socket.
  await fuzzMethods("SocketFile", async () => {
    const p = await pair();
    return { target: p.target.makefile("rwb"), close: p.close };
  }, ["read", "readline", "readlines", "write"]);
  // A selector.
  await fuzzMethods("DefaultSelector", () => {
    const sel = new socket.selectors.DefaultSelector<socket.StreamSocket>();
    return Promise.resolve({ target: sel, close: () => sel.close() });
  }, ["register", "unregister", "modify", "select", "get_key"]);
  // The module's functions.
  const functions: [string, (...a: unknown[]) => unknown][] = [
    ["socket", socket.socket as never],
    ["create_connection", (a, _t, s) => socket.create_connection(a as never, 0.05, s as never)],
    ["create_server", socket.create_server as never],
    ["socketpair", socket.socketpair as never],
    ["getaddrinfo", socket.getaddrinfo as never],
    ["gethostbyname", socket.gethostbyname as never],
    ["gethostbyname_ex", socket.gethostbyname_ex as never],
    ["gethostbyaddr", socket.gethostbyaddr as never],
    ["getnameinfo", socket.getnameinfo as never],
    ["getservbyname", socket.getservbyname as never],
    ["getservbyport", socket.getservbyport as never],
    ["inet_aton", socket.inet_aton as never],
    ["inet_ntoa", socket.inet_ntoa as never],
    ["inet_pton", socket.inet_pton as never],
    ["inet_ntop", socket.inet_ntop as never],
    ["htons", socket.htons as never],
    ["htonl", socket.htonl as never],
    ["ntohs", socket.ntohs as never],
    ["ntohl", socket.ntohl as never],
    ["setdefaulttimeout", socket.setdefaulttimeout as never],
    ["fromConn", socket.fromConn as never],
    ["fromListener", socket.fromListener as never],
    ["fromDatagramConn", socket.fromDatagramConn as never],
    [
      "select",
      (r, w, x, t) => socket.select.select(r as never, w as never, x as never, t as never),
    ],
  ];
  for (const [name, f] of functions) {
    await fc.assert(
      fc.asyncProperty(args, async (a) => {
        const made: unknown[] = [];
        await call(name, async () => made.push(await f(...bounded(name, a))));
        for (const m of made.flat()) (m as { close?: () => void } | null)?.close?.();
      }),
      { numRuns: RUNS },
    );
  }
  socket.setdefaulttimeout(null);
  console.log(JSON.stringify({ calls, raised }));
} finally {
  Deno.removeSync(dir, { recursive: true });
}
