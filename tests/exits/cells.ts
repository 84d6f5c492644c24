// Copyright 2026 the pysocket authors. MIT license.
// The exit cells (DESIGN §21): small programs, one per cell, each a few lines
// over the package. tests/exits/main.ts runs the one named on its command
// line, prints "done" when its work is done, and must then exit at once, as
// its Python twin would: nothing the package started and nobody awaits (a
// fill kept for the next read, a readiness prefetch, a pending accept or
// receive, a timer, a lingering close) may keep it alive. Timeouts are 30 s
// wherever a leaked timer could hide, so that a leak shows as a delay.
//
// A counter-cell prints "waiting" (with a port, for accept), then awaits a
// call that must keep it alive: the runner checks it still runs a second
// later, then lets the call complete (`trigger`).
//
// The peers (tests/exits/_harness.ts) keep their end open and silent: a TCP,
// an AF_UNIX and a TLS listener echo what they are sent, a UDP socket echoes
// every datagram but "wait" (whose sender it remembers); `trigger: "send"`
// makes them send "poke\n" to every connection and remembered sender.

import * as socket from "../../mod.ts";
import * as select from "../../select.ts";
import * as selectors from "../../selectors.ts";
import * as ssl from "../../ssl.ts";

/** Where a cell's peers listen (tests/exits/_harness.ts). */
export interface Peers {
  tcp: number;
  unix: string;
  udp: number;
  tls: number;
}

/** What lets a counter-cell's awaited call complete. */
export type Trigger = "send" | "stdin" | "connect";

/** One program: what it does, and where it applies. */
export interface Cell {
  run(peers: Peers): Promise<void>;
  /** For a counter-cell: what completes the call it awaits (it prints "waiting" first). */
  trigger?: Trigger;
  /** What the program finds on its standard input at once (which stays open). */
  input?: string;
  /** Runtimes the cell applies to (default: all). */
  runtimes?: readonly ("deno" | "node" | "bun")[];
  /**
   * A documented limit (README "What differs"): the runtime gives no way to
   * let this pending call go, and the cell shows it — the program is still
   * running after its last line. When a runtime lifts it, the cell fails and
   * becomes a plain one.
   */
  limit?: string;
}

const enc = new TextEncoder();
const LOCAL: [string, number] = ["127.0.0.1", 0];
/** A timeout a leaked timer would show as a delay. */
const LONG = 30;
/** A timeout the program waits out. */
const SHORT = 0.2;

const tcp = (p: Peers) => socket.create_connection(["127.0.0.1", p.tcp]);
/** A TCP connection on the node backend (in Deno, `bind()` before `connect()` takes node:net). */
async function nodeTcp(p: Peers): Promise<socket.StreamSocket> {
  const s = socket.socket();
  s.bind(LOCAL);
  await s.connect(["127.0.0.1", p.tcp]);
  return s;
}
async function unix(p: Peers): Promise<socket.StreamSocket> {
  const s = socket.socket(socket.AF_UNIX);
  await s.connect(p.unix);
  return s;
}
async function tls(p: Peers): Promise<ssl.SSLSocket> {
  const ctx = ssl.create_default_context();
  ctx.check_hostname = false;
  ctx.verify_mode = ssl.CERT_NONE;
  const s = await socket.create_connection(["127.0.0.1", p.tls]);
  return await ctx.wrap_socket(s, { server_hostname: "localhost" });
}
function udp(): socket.DatagramSocket {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(LOCAL);
  return s;
}
/** A UDP socket on node:dgram (in Deno, SO_RCVBUF is an option only node:dgram applies). */
function nodeUdp(): socket.DatagramSocket {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536);
  s.bind(LOCAL);
  return s;
}
function listener(): socket.StreamSocket {
  const s = socket.socket();
  s.bind(LOCAL);
  s.listen();
  return s;
}

/** Runs `call`, which must raise `cls`. */
async function raises(call: () => Promise<unknown>, cls: abstract new (...a: never[]) => Error) {
  try {
    await call();
  } catch (e) {
    if (e instanceof cls) return;
    throw e;
  }
  throw new Error(`expected ${cls.name}`);
}

/** A connection whose timed-out `recv` is the cell; `close` closes it after. */
function timedRecv(
  connect: (p: Peers) => Promise<socket.StreamSocket>,
  read: (s: socket.StreamSocket) => Promise<unknown>,
  close: boolean,
  timeout: number | 0 = SHORT,
): Cell["run"] {
  return async (p) => {
    const s = await connect(p);
    s.settimeout(timeout);
    await raises(() => read(s), timeout === 0 ? socket.BlockingIOError : socket.timeout);
    if (close) s.close();
  };
}

const recv = (s: socket.StreamSocket) => s.recv(100);
const stream = {
  recv,
  recv_into: (s: socket.StreamSocket) => s.recv_into(new Uint8Array(100)),
  "recv MSG_PEEK": (s: socket.StreamSocket) => s.recv(100, socket.MSG_PEEK),
  "recv MSG_WAITALL": (s: socket.StreamSocket) => s.recv(100, socket.MSG_WAITALL),
  "makefile read": (s: socket.StreamSocket) => s.makefile("rb").read(100),
  "makefile readline": (s: socket.StreamSocket) => s.makefile("rb").readline(),
  "makefile readinto": (s: socket.StreamSocket) => s.makefile("rb").readinto(new Uint8Array(100)),
};

/** The cells, by name. */
export const CELLS: Record<string, Cell> = {};

// ---- stream reads: after a timeout and non-blocking, left open and closed

for (const [what, read] of Object.entries(stream)) {
  for (const close of [false, true]) {
    const left = close ? "closed" : "left open";
    CELLS[`tcp ${what} timed out, ${left}`] = { run: timedRecv(tcp, read, close) };
  }
  CELLS[`tcp ${what} non-blocking (BlockingIOError), left open`] = {
    run: timedRecv(tcp, read, false, 0),
  };
}
for (const [what, read] of Object.entries({ recv, readline: stream["makefile readline"] })) {
  for (
    const [kind, connect] of [["unix", unix], ["node-backend tcp", nodeTcp], ["tls", tls]] as const
  ) {
    CELLS[`${kind} ${what} timed out, left open`] = { run: timedRecv(connect, read, false) };
    CELLS[`${kind} ${what} timed out, closed`] = { run: timedRecv(connect, read, true) };
  }
}
CELLS["node-backend tcp recv non-blocking (BlockingIOError), left open"] = {
  run: timedRecv(nodeTcp, recv, false, 0),
};
CELLS["create_connection, makefile('rb'), readline() timed out, close()"] = {
  run: async (p) => {
    const s = await tcp(p);
    const f = s.makefile("rb");
    s.settimeout(SHORT);
    await raises(() => f.readline(), socket.timeout);
    s.close();
  },
};
CELLS[`tcp recv with a ${LONG} s timeout answered, left open`] = {
  run: async (p) => {
    const s = await tcp(p);
    s.settimeout(LONG);
    await s.sendall(enc.encode("ping\n"));
    await s.recv(100);
  },
};
CELLS[`tcp readline with a ${LONG} s timeout answered, left open`] = {
  run: async (p) => {
    const s = await tcp(p);
    s.settimeout(LONG);
    await s.sendall(enc.encode("ping\n"));
    await s.makefile("rb").readline();
  },
};
CELLS["tcp connect non-blocking, left open"] = {
  run: async (p) => {
    const s = socket.socket();
    s.setblocking(false);
    await s.connect_ex(["127.0.0.1", p.tcp]);
  },
};

// ---- readiness: select and selectors

for (
  const [kind, connect] of [["tcp", tcp], ["node-backend tcp", nodeTcp], ["unix", unix]] as const
) {
  CELLS[`${kind} select() timed out, left open`] = {
    run: async (p) => void await select.select([await connect(p)], [], [], SHORT),
  };
}
CELLS["SEQPACKET pair: select() and recv() timed out, left open"] = {
  run: async () => {
    const [a] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
    await select.select([a], [], [], SHORT);
    a.settimeout(SHORT);
    await a.recv(8).catch(() => {});
  },
  runtimes: ["deno"], // a real descriptor: Deno's FFI
};
CELLS["tcp select() timed out, closed"] = {
  run: async (p) => {
    const s = await tcp(p);
    await select.select([s], [], [], SHORT);
    s.close();
  },
};
CELLS[`tcp select() with a ${LONG} s timeout answered, left open`] = {
  run: async (p) => {
    const s = await tcp(p);
    await s.sendall(enc.encode("ping\n"));
    await select.select([s], [], [], LONG);
  },
};
CELLS["tcp DefaultSelector timed out and closed, socket left open"] = {
  run: async (p) => {
    const sel = new selectors.DefaultSelector();
    sel.register(await tcp(p), selectors.EVENT_READ);
    await sel.select(SHORT);
    sel.close();
  },
};

// ---- accept

CELLS["accept timed out, listener left open"] = {
  run: async () => {
    const srv = listener();
    srv.settimeout(SHORT);
    await raises(() => srv.accept(), socket.timeout);
  },
};
CELLS["accept timed out, listener closed"] = {
  run: async () => {
    const srv = listener();
    srv.settimeout(SHORT);
    await raises(() => srv.accept(), socket.timeout);
    srv.close();
  },
};
CELLS["accept non-blocking (BlockingIOError), listener left open"] = {
  run: async () => {
    const srv = listener();
    srv.setblocking(false);
    await raises(() => srv.accept(), socket.BlockingIOError);
  },
};
CELLS[`accept with a ${LONG} s timeout answered, both left open`] = {
  run: async () => {
    const srv = listener();
    srv.settimeout(LONG);
    const cli = socket.socket();
    await cli.connect(srv.getsockname());
    await srv.accept();
  },
};
CELLS["unix accept timed out, listener left open"] = {
  run: async (p) => {
    const srv = socket.socket(socket.AF_UNIX);
    srv.bind(`${p.unix}.own`);
    srv.listen();
    srv.settimeout(SHORT);
    await raises(() => srv.accept(), socket.timeout);
  },
};
CELLS["select() on a listener timed out, left open"] = {
  run: async () => void await select.select([listener()], [], [], SHORT),
};
CELLS["DefaultSelector on a listener timed out and closed, listener left open"] = {
  run: async () => {
    const sel = new selectors.DefaultSelector();
    sel.register(listener(), selectors.EVENT_READ);
    await sel.select(SHORT);
    sel.close();
  },
};

// ---- datagrams

for (const [kind, make] of [["udp", udp], ["node-backend udp", nodeUdp]] as const) {
  CELLS[`${kind} recvfrom timed out, left open`] = {
    run: async () => {
      const s = make();
      s.settimeout(SHORT);
      await raises(() => s.recvfrom(100), socket.timeout);
    },
  };
  CELLS[`${kind} recvfrom timed out, closed`] = {
    run: async () => {
      const s = make();
      s.settimeout(SHORT);
      await raises(() => s.recvfrom(100), socket.timeout);
      s.close();
    },
  };
  CELLS[`${kind} recvfrom with a ${LONG} s timeout answered, left open`] = {
    run: async (p) => {
      const s = make();
      s.settimeout(LONG);
      await s.sendto(enc.encode("ping"), ["127.0.0.1", p.udp]);
      await s.recvfrom(100);
    },
  };
}
CELLS["udp recvfrom non-blocking (BlockingIOError), left open"] = {
  run: async () => {
    const s = udp();
    s.setblocking(false);
    await raises(() => s.recvfrom(100), socket.BlockingIOError);
  },
};
CELLS["udp recv_into timed out, left open"] = {
  run: async () => {
    const s = udp();
    s.settimeout(SHORT);
    await raises(() => s.recv_into(new Uint8Array(100)), socket.timeout);
  },
};
CELLS["udp select() timed out, left open"] = {
  run: async () => void await select.select([udp()], [], [], SHORT),
};
CELLS["unix datagram recvfrom timed out, left open"] = {
  runtimes: ["deno"], // node:dgram has no AF_UNIX
  limit: "Deno's DatagramConn.unref() leaves an AF_UNIX (unixpacket) receive ref'd",
  run: async (p) => {
    const s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    s.bind(`${p.unix}.dgram`);
    s.settimeout(SHORT);
    await raises(() => s.recvfrom(100), socket.timeout);
  },
};
CELLS["unix datagram recvfrom timed out, closed"] = {
  runtimes: ["deno"], // the limit above ends with the socket
  run: async (p) => {
    const s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    s.bind(`${p.unix}.dgram`);
    s.settimeout(SHORT);
    await raises(() => s.recvfrom(100), socket.timeout);
    s.close();
  },
};

// ---- standard input, left open (a pipe never closed)

CELLS["select.stdin() readline, stdin left open"] = {
  input: "line\n",
  run: async () => void await select.stdin().readline(),
};
CELLS["select([stdin()]) timed out, stdin left open"] = {
  run: async () => void await select.select([select.stdin()], [], [], SHORT),
};
CELLS["select([stdin()]) ready, then readline, stdin left open"] = {
  run: async () => {
    const input = select.stdin();
    await select.select([input], [], [], LONG);
    await input.readline();
  },
  input: "line\n",
};

// ---- counter-cells: an awaited call keeps the program alive until it completes

const waiting = () => console.log("waiting");
CELLS["awaited tcp recv() keeps it alive until the peer sends"] = {
  trigger: "send",
  run: async (p) => {
    const s = await tcp(p);
    waiting();
    await s.recv(100);
  },
};
CELLS["awaited node-backend tcp recv() keeps it alive until the peer sends"] = {
  trigger: "send",
  run: async (p) => {
    const s = await nodeTcp(p);
    waiting();
    await s.recv(100);
  },
};
CELLS["awaited unix makefile readline() keeps it alive until the peer sends"] = {
  trigger: "send",
  run: async (p) => {
    const f = (await unix(p)).makefile("rb");
    waiting();
    await f.readline();
  },
};
CELLS["awaited tls recv() keeps it alive until the peer sends"] = {
  trigger: "send",
  run: async (p) => {
    const s = await tls(p);
    waiting();
    await s.recv(100);
  },
};
CELLS["awaited udp recvfrom() keeps it alive until the peer sends"] = {
  trigger: "send",
  run: async (p) => {
    const s = udp();
    await s.sendto(enc.encode("wait"), ["127.0.0.1", p.udp]);
    waiting();
    await s.recvfrom(100);
  },
};
CELLS["awaited select(None) keeps it alive until the peer sends"] = {
  trigger: "send",
  run: async (p) => {
    const s = await tcp(p);
    waiting();
    await select.select([s], [], []);
  },
};
CELLS["awaited selector.select() keeps it alive until the peer sends"] = {
  trigger: "send",
  run: async (p) => {
    const sel = new selectors.DefaultSelector();
    sel.register(await tcp(p), selectors.EVENT_READ);
    waiting();
    await sel.select();
  },
};
CELLS["awaited accept() keeps it alive until a client connects"] = {
  trigger: "connect",
  run: async () => {
    const srv = listener();
    console.log(`waiting ${(srv.getsockname() as [string, number])[1]}`);
    await srv.accept();
  },
};
CELLS["awaited select.stdin() readline keeps it alive until a line comes"] = {
  trigger: "stdin",
  run: async () => {
    waiting();
    await select.stdin().readline();
  },
};
CELLS["awaited select([stdin()]) keeps it alive until a line comes"] = {
  trigger: "stdin",
  run: async () => {
    waiting();
    await select.select([select.stdin()], [], []);
  },
};
