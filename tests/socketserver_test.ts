// Copyright 2026 the pysocket authors. MIT license.
// socketserver over TCP on loopback: the request loop, its hooks in Python's
// order, one-at-a-time and concurrent serving, shutdown, errors, timeouts.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { socketserver } from "../mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const LOCAL: socket.IPv4Address = ["127.0.0.1", 0];

/** What the helpers need of any server. */
interface Server {
  server_address: socket.Address;
  serve_forever(poll_interval?: number): Promise<void>;
  shutdown(): Promise<void>;
  server_close(): Promise<void>;
}

/** Runs `serve_forever()` around `body`, then shuts down and closes the server. */
async function serving<S extends Server>(
  server: S,
  body: (server: S) => Promise<void>,
  poll_interval = 0.5,
): Promise<void> {
  const loop = server.serve_forever(poll_interval);
  try {
    await body(server);
  } finally {
    await server.shutdown();
    await loop;
    await server.server_close();
  }
}

function addr(server: Server): socket.IPv4Address {
  return server.server_address as socket.IPv4Address;
}

/** Reads from `sock` until end of stream. */
async function recvAll(sock: socket.StreamSocket): Promise<string> {
  let out = "";
  for (let i = 0; i < 10_000; i++) {
    const chunk = await sock.recv(4096);
    if (chunk.length === 0) return out;
    out += dec.decode(chunk);
  }
  throw new Error("too many chunks");
}

class LineEcho extends socketserver.StreamRequestHandler {
  override async handle(): Promise<void> {
    for await (const line of this.rfile) await this.wfile.write(line);
  }
}

Deno.test("TCPServer binds in the constructor and server_address has the real port", async () => {
  await using server = new socketserver.TCPServer(LOCAL, LineEcho);
  const [host, port] = addr(server);
  assert.equal(host, "127.0.0.1");
  assert.ok(port > 0);
  assert.deepEqual(server.socket.getsockname(), [host, port]);
  assert.equal(server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
  assert.equal(server.fileno(), server.socket.fileno());
  assert.equal(server.address_family, socket.AF_INET);
  assert.equal(server.socket_type, socket.SOCK_STREAM);
  assert.equal(server.request_queue_size, 5);
  assert.equal(server.allow_reuse_address, false);
  assert.equal(server.timeout, null);
});

Deno.test("bind_and_activate=false leaves binding to server_bind()/server_activate()", async () => {
  await using server = new socketserver.TCPServer(LOCAL, LineEcho, false);
  assert.deepEqual(server.socket.getsockname(), ["0.0.0.0", 0]);
  server.allow_reuse_address = true;
  server.server_bind();
  server.server_activate();
  assert.ok(addr(server)[1] > 0);
  assert.equal(server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
});

Deno.test("static class attributes of a subclass are in force when the constructor binds", async () => {
  class Reusing extends socketserver.TCPServer {
    static override allow_reuse_address = true;
    static override request_queue_size = 64;
    static override timeout = 3;
  }
  await using server = new Reusing(LOCAL, LineEcho);
  assert.equal(server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  assert.equal(server.request_queue_size, 64);
  assert.equal(server.timeout, 3);
});

Deno.test("a failed bind closes the socket and throws OSError EADDRINUSE", async () => {
  await using first = new socketserver.TCPServer(LOCAL, LineEcho);
  assert.throws(
    () => new socketserver.TCPServer(addr(first), LineEcho),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.EADDRINUSE,
  );
});

Deno.test("StreamRequestHandler echoes lines through rfile and wfile", async () => {
  await serving(new socketserver.TCPServer(LOCAL, LineEcho), async (server) => {
    using cli = await socket.create_connection(addr(server));
    await cli.sendall(enc.encode("one\ntwo\nthree\n"));
    await cli.shutdown(socket.SHUT_WR);
    assert.equal(await recvAll(cli), "one\ntwo\nthree\n");
  });
});

Deno.test("the hooks run in Python's order for each request", async () => {
  const calls: string[] = [];
  class Handler extends socketserver.BaseRequestHandler {
    override setup() {
      calls.push("setup");
    }
    override async handle() {
      calls.push("handle");
      await this.request.sendall(enc.encode("hi"));
    }
    override finish() {
      calls.push("finish");
    }
  }
  class Traced extends socketserver.TCPServer {
    override get_request() {
      calls.push("get_request");
      return super.get_request();
    }
    override verify_request(_r: socket.StreamSocket, a: socket.Address) {
      calls.push(`verify_request ${(a as socket.IPv4Address)[0]}`);
      return true;
    }
    override process_request(r: socket.StreamSocket, a: socket.Address) {
      calls.push("process_request");
      return super.process_request(r, a);
    }
    override finish_request(r: socket.StreamSocket, a: socket.Address) {
      calls.push("finish_request");
      return super.finish_request(r, a);
    }
    override shutdown_request(r: socket.StreamSocket) {
      calls.push("shutdown_request");
      return super.shutdown_request(r);
    }
    override close_request(r: socket.StreamSocket) {
      calls.push("close_request");
      super.close_request(r);
    }
  }
  await using server = new Traced(LOCAL, Handler);
  using cli = await socket.create_connection(addr(server));
  await server.handle_request();
  assert.equal(await recvAll(cli), "hi");
  assert.deepEqual(calls, [
    "get_request",
    "verify_request 127.0.0.1",
    "process_request",
    "finish_request",
    "setup",
    "handle",
    "finish",
    "shutdown_request",
    "close_request",
  ]);
});

Deno.test("TCPServer serves one request at a time, in the order the clients connected", async () => {
  const log: string[] = [];
  let active = 0;
  class Slow extends socketserver.StreamRequestHandler {
    override async handle() {
      active++;
      assert.equal(active, 1, "two requests were served at once");
      const name = dec.decode(await this.rfile.readline()).trim();
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      await this.wfile.write(enc.encode(name.toUpperCase()));
      log.push(`end ${name}`);
      active--;
    }
  }
  await serving(new socketserver.TCPServer(LOCAL, Slow), async (server) => {
    const clients: socket.StreamSocket[] = [];
    try {
      for (const name of ["a", "b", "c", "d"]) {
        const cli = await socket.create_connection(addr(server));
        clients.push(cli);
        await cli.sendall(enc.encode(name + "\n"));
      }
      const replies = await Promise.all(clients.map(recvAll));
      assert.deepEqual(replies, ["A", "B", "C", "D"]);
    } finally {
      for (const c of clients) c.close();
    }
  });
  assert.deepEqual(log, [
    "start a",
    "end a",
    "start b",
    "end b",
    "start c",
    "end c",
    "start d",
    "end d",
  ]);
});

Deno.test("ThreadingTCPServer serves requests concurrently", async () => {
  let active = 0;
  let peak = 0;
  const { promise: allIn, resolve: release } = Promise.withResolvers<void>();
  class Gate extends socketserver.StreamRequestHandler {
    override async handle() {
      peak = Math.max(peak, ++active);
      if (active === 3) release();
      await allIn;
      await this.wfile.write(await this.rfile.readline());
      active--;
    }
  }
  await serving(new socketserver.ThreadingTCPServer(LOCAL, Gate), async (server) => {
    const clients = await Promise.all([1, 2, 3].map(() => socket.create_connection(addr(server))));
    try {
      await allIn;
      await Promise.all(clients.map((c, i) => c.sendall(enc.encode(`m${i}\n`))));
      assert.deepEqual(await Promise.all(clients.map(recvAll)), ["m0\n", "m1\n", "m2\n"]);
    } finally {
      for (const c of clients) c.close();
    }
  });
  assert.equal(peak, 3);
});

Deno.test("shutdown() stops serve_forever while handlers run; server_close() waits for them", async () => {
  const { promise: entered, resolve: enter } = Promise.withResolvers<void>();
  let finished = false;
  class Waiting extends socketserver.StreamRequestHandler {
    override async handle() {
      enter();
      const line = await this.rfile.readline();
      await this.wfile.write(line);
      finished = true;
    }
  }
  const server = new socketserver.ThreadingTCPServer(LOCAL, Waiting);
  const loop = server.serve_forever();
  using cli = await socket.create_connection(addr(server));
  await entered;
  await server.shutdown();
  await loop;
  assert.equal(finished, false, "the handler is still waiting for its line");
  const closing = server.server_close();
  assert.ok(server.socket.closed, "server_close() closes the socket at once");
  await cli.sendall(enc.encode("late\n"));
  await closing;
  assert.equal(finished, true);
  assert.equal(await recvAll(cli), "late\n");
});

Deno.test("shutdown() without a running loop resolves at once; serve_forever can run again", async () => {
  await using server = new socketserver.TCPServer(LOCAL, LineEcho);
  await server.shutdown();
  for (let round = 0; round < 2; round++) {
    const loop = server.serve_forever(0.01);
    using cli = await socket.create_connection(addr(server));
    await cli.sendall(enc.encode(`r${round}\n`));
    await cli.shutdown(socket.SHUT_WR);
    assert.equal(await recvAll(cli), `r${round}\n`);
    await server.shutdown();
    await loop;
  }
});

Deno.test("serve_forever() refuses to run twice at once", async () => {
  await serving(new socketserver.TCPServer(LOCAL, LineEcho), async (server) => {
    await assert.rejects(
      server.serve_forever(),
      (e) => e instanceof socket.OSError && e.errno === socket.errno.EALREADY,
    );
  });
});

Deno.test("serve_forever() calls service_actions() every poll_interval while idle", async () => {
  let calls = 0;
  const { promise: thrice, resolve } = Promise.withResolvers<void>();
  class Ticking extends socketserver.TCPServer {
    override service_actions() {
      if (++calls === 3) resolve();
    }
  }
  await serving(new Ticking(LOCAL, LineEcho), () => thrice, 0.01);
  assert.ok(calls >= 3);
});

Deno.test("a handler that throws goes to handle_error() and the server carries on", async () => {
  const errors: [string, string][] = [];
  class Faulty extends socketserver.StreamRequestHandler {
    override async handle() {
      const line = dec.decode(await this.rfile.readline());
      if (line.startsWith("boom")) throw new Error("handler failed");
      await this.wfile.write(enc.encode("ok"));
    }
  }
  class Recording extends socketserver.TCPServer {
    override handle_error(_r: socket.StreamSocket, a: socket.Address, e?: unknown) {
      errors.push([(a as socket.IPv4Address)[0], (e as Error).message]);
    }
  }
  await serving(new Recording(LOCAL, Faulty), async (server) => {
    using bad = await socket.create_connection(addr(server));
    await bad.sendall(enc.encode("boom\n"));
    assert.equal(await recvAll(bad), "", "the failed request is closed");
    using good = await socket.create_connection(addr(server));
    await good.sendall(enc.encode("fine\n"));
    assert.equal(await recvAll(good), "ok");
  });
  assert.deepEqual(errors, [["127.0.0.1", "handler failed"]]);
});

Deno.test("ThreadingTCPServer: a request whose handle_error() throws is reported, and server_close() does not wait for it", async () => {
  const reported: unknown[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void reported.push(args);
  try {
    class Faulty extends socketserver.StreamRequestHandler {
      override handle(): Promise<void> {
        return Promise.reject(new Error("handler failed"));
      }
    }
    class Throwing extends socketserver.ThreadingTCPServer {
      override handle_error(): void {
        throw new Error("handle_error failed");
      }
    }
    const server = new Throwing(LOCAL, Faulty);
    const loop = server.serve_forever(0.01);
    using cli = await socket.create_connection(addr(server));
    assert.equal(await recvAll(cli), "", "the failed request is closed");
    await server.shutdown();
    await loop;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closed = await Promise.race([
      server.server_close().then(() => "closed"),
      new Promise((r) => timer = setTimeout(r, 5000, "still waiting")),
    ]);
    clearTimeout(timer);
    assert.equal(closed, "closed");
    assert.equal(reported.length, 1);
    assert.match(String((reported[0] as unknown[])[0]), /Exception in a request task/);
    assert.match(String((reported[0] as unknown[])[1]), /handle_error failed/);
  } finally {
    console.error = consoleError;
  }
});

Deno.test("the default handle_error() prints Python's report to stderr", async () => {
  const script = `
    import { socketserver } from "@pysocket/socket";
    import * as socket from "@pysocket/socket";
    class Faulty extends socketserver.BaseRequestHandler {
      override handle(): void { throw new Error("kaput"); }
    }
    await using server = new socketserver.TCPServer(["127.0.0.1", 0], Faulty);
    using cli = await socket.create_connection(server.server_address as socket.IPv4Address);
    await server.handle_request();
    console.log("port", (cli.getsockname() as socket.IPv4Address)[1]);
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    cwd: new URL("..", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = dec.decode(out.stdout);
  const stderr = dec.decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const port = /port (\d+)/.exec(stdout)?.[1];
  const dashes = "-".repeat(40);
  assert.ok(
    stderr.startsWith(
      `${dashes}\nException occurred during processing of request from ('127.0.0.1', ${port})\nError: kaput\n    at `,
    ),
    stderr,
  );
  assert.ok(stderr.trimEnd().endsWith(dashes), stderr);
});

Deno.test("a client that resets mid-request is not reported as a server error", async () => {
  const errors: unknown[] = [];
  const { promise: done, resolve } = Promise.withResolvers<string>();
  class Reader extends socketserver.BaseRequestHandler {
    override async handle() {
      try {
        await this.request.recv(10);
      } catch (e) {
        resolve((e as Error).name);
        throw e;
      }
    }
  }
  class Recording extends socketserver.ThreadingTCPServer {
    override handle_error(_r: socket.StreamSocket, _a: socket.Address, e?: unknown) {
      errors.push(e);
    }
  }
  await serving(new Recording(LOCAL, Reader), async (server) => {
    // CPython closes with SO_LINGER 0: the server's recv() sees a reset.
    const py = await new Deno.Command("python3", {
      args: [
        "-c",
        `import socket, struct, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(0.05)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()`,
        String(addr(server)[1]),
      ],
    }).output();
    assert.equal(py.code, 0, dec.decode(py.stderr));
    assert.equal(await done, "ConnectionResetError");
  });
  assert.deepEqual(errors, []);
});

Deno.test("verify_request() returning false closes the request unhandled", async () => {
  let handled = 0;
  class Counting extends socketserver.BaseRequestHandler {
    override handle() {
      handled++;
    }
  }
  class Refusing extends socketserver.TCPServer {
    override verify_request() {
      return false;
    }
  }
  await using server = new Refusing(LOCAL, Counting);
  using cli = await socket.create_connection(addr(server));
  await server.handle_request();
  assert.equal(await recvAll(cli), "");
  assert.equal(handled, 0);
});

Deno.test("handle_request() calls handle_timeout() when no request comes within timeout", async () => {
  let timeouts = 0;
  class Impatient extends socketserver.TCPServer {
    static override timeout = 0.05;
    override handle_timeout() {
      timeouts++;
    }
  }
  await using server = new Impatient(LOCAL, LineEcho);
  await server.handle_request();
  assert.equal(timeouts, 1);
  server.timeout = null;
  server.socket.settimeout(0.02);
  await server.handle_request();
  assert.equal(timeouts, 2, "the socket's timeout counts too");
  // A request that is waiting is handled, not timed out.
  using cli = await socket.create_connection(addr(server));
  await cli.sendall(enc.encode("x\n"));
  await cli.shutdown(socket.SHUT_WR);
  server.socket.settimeout(null);
  server.timeout = 5;
  await server.handle_request();
  assert.equal(timeouts, 2);
  assert.equal(await recvAll(cli), "x\n");
});

Deno.test("StreamRequestHandler applies timeout, wbufsize and disable_nagle_algorithm", async () => {
  const seen: unknown[] = [];
  class Tuned extends socketserver.StreamRequestHandler {
    override timeout = 0.05;
    override wbufsize = 1024;
    override disable_nagle_algorithm = true;
    override async handle() {
      seen.push(this.connection.gettimeout());
      seen.push(this.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY));
      await this.wfile.write(enc.encode("buffered "));
      await this.wfile.write(enc.encode("until finish"));
      await assert.rejects(this.rfile.readline(), socket.TimeoutError);
    }
  }
  await using server = new socketserver.TCPServer(LOCAL, Tuned);
  using cli = await socket.create_connection(addr(server));
  await server.handle_request();
  assert.equal(await recvAll(cli), "buffered until finish");
  assert.deepEqual(seen, [0.05, 1]);
});

Deno.test("server_close() closes the socket; using and await using call it", async () => {
  let server: socketserver.TCPServer;
  {
    using s = new socketserver.TCPServer(LOCAL, LineEcho);
    server = s;
    assert.equal(s.socket.closed, false);
  }
  assert.equal(server.socket.closed, true);
  {
    await using s = new socketserver.ThreadingTCPServer(LOCAL, LineEcho);
    server = s;
  }
  assert.equal(server.socket.closed, true);
  await assert.rejects(
    server.handle_request(),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.EBADF,
  );
});

Deno.test("the Forking servers and ForkingMixIn throw OSError: Deno cannot fork", () => {
  for (
    const Cls of [
      socketserver.ForkingTCPServer,
      socketserver.ForkingUDPServer,
      socketserver.ForkingUnixStreamServer,
      socketserver.ForkingUnixDatagramServer,
      socketserver.ForkingMixIn(socketserver.TCPServer),
    ]
  ) {
    assert.throws(
      () => new Cls(LOCAL, socketserver.BaseRequestHandler as never),
      (e) => e instanceof socket.OSError && /Deno cannot fork/.test(e.message),
    );
  }
});

Deno.test("ThreadingMixIn makes a concurrent server out of a server class", async () => {
  class Mine extends socketserver.ThreadingMixIn(socketserver.TCPServer) {
    static override allow_reuse_address = true;
  }
  let active = 0;
  let peak = 0;
  const { promise: both, resolve } = Promise.withResolvers<void>();
  class Pair extends socketserver.BaseRequestHandler {
    override async handle() {
      peak = Math.max(peak, ++active);
      if (active === 2) resolve();
      await both;
      await this.request.sendall(enc.encode("done"));
      active--;
    }
  }
  await serving(new Mine(LOCAL, Pair), async (server) => {
    using a = await socket.create_connection(addr(server));
    using b = await socket.create_connection(addr(server));
    assert.deepEqual(await Promise.all([recvAll(a), recvAll(b)]), ["done", "done"]);
  });
  assert.equal(peak, 2);
});
