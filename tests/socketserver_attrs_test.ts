// Copyright 2026 the pysocket authors. MIT license.
// socketserver's class attributes (DESIGN §12): each a `static` field that a
// subclass overrides (Python's class attribute), or `this.x = …` on one
// object (Python's `self.x`), on servers, the threading mixin and handlers —
// over real sockets on loopback.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { socketserver } from "../mod.ts";
import { runDeno } from "./_helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const LOCAL: socket.IPv4Address = ["127.0.0.1", 0];

function port(server: { server_address: socket.Address }): number {
  return (server.server_address as socket.IPv4Address | socket.IPv6Address)[1];
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

/** The listen backlog of the socket listening on 127.0.0.1:`port`, as `ss` reports it. */
function backlog<S extends socketserver.TCPServer>(make: () => S): [S, number] {
  // bind() makes its listener with the system's largest queue (so that listen(n)
  // never frees the port): what a server's request_queue_size decides is the
  // backlog its server_activate() hands to listen().
  const listen = socket.StreamSocket.prototype.listen;
  const given: (number | undefined)[] = [];
  socket.StreamSocket.prototype.listen = function (this: socket.StreamSocket, n?: number) {
    given.push(n);
    return listen.call(this, n);
  };
  try {
    const server = make();
    assert.equal(given.length, 1);
    return [server, given[0]!];
  } finally {
    socket.StreamSocket.prototype.listen = listen;
  }
}

/** Lets every promise step that is already due run (one turn of the event loop). */
function turn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

class LineEcho extends socketserver.StreamRequestHandler {
  override async handle(): Promise<void> {
    await this.wfile.write(await this.rfile.readline());
  }
}

/** A TCPServer that keeps what its handlers throw. */
class Recording extends socketserver.TCPServer {
  errors: unknown[] = [];
  override handle_error(_r: socket.StreamSocket, _a: socket.Address, e?: unknown): void {
    this.errors.push(e);
  }
}

class StaticTimeout extends LineEcho {
  static override timeout = 0.1;
}
class SetupTimeout extends LineEcho {
  override setup(): void {
    this.timeout = 0.1; // Python's self.timeout, before StreamRequestHandler.setup()
    super.setup();
  }
}
class FieldTimeout extends LineEcho {
  override timeout = 0.1; // the instance-field form: the same as this.timeout = 0.1
}

for (const Handler of [StaticTimeout, SetupTimeout, FieldTimeout]) {
  Deno.test(`StreamRequestHandler timeout (${Handler.name}) unblocks a TCPServer from a client that never sends`, async () => {
    const server = new Recording(LOCAL, Handler);
    const loop = server.serve_forever(0.05);
    try {
      using silent = await socket.create_connection(["127.0.0.1", port(server)]);
      using talker = await socket.create_connection(["127.0.0.1", port(server)]);
      await talker.sendall(enc.encode("hi\n"));
      await talker.shutdown(socket.SHUT_WR);
      // The server takes `silent` first; its read times out, then `talker` is served.
      assert.equal(await recvAll(talker), "hi\n");
      assert.equal(server.errors.length, 1);
      assert.ok(server.errors[0] instanceof socket.TimeoutError, String(server.errors[0]));
      assert.equal(await recvAll(silent), "", "the timed-out request is closed");
    } finally {
      await server.shutdown();
      await loop;
      await server.server_close();
    }
  });
}

Deno.test("StreamRequestHandler static timeout unblocks a TCPServer from a client that never reads", async () => {
  class Flood extends socketserver.StreamRequestHandler {
    static override timeout = 0.2;
    override async handle(): Promise<void> {
      if ((await this.rfile.readline()).length > 1) {
        await this.wfile.write(new Uint8Array(16 << 20)); // more than the buffers hold
      }
      await this.wfile.write(enc.encode("served\n"));
    }
  }
  const server = new Recording(LOCAL, Flood);
  const loop = server.serve_forever(0.05);
  try {
    using stalled = await socket.create_connection(["127.0.0.1", port(server)]);
    await stalled.sendall(enc.encode("flood\n")); // and never reads
    using next = await socket.create_connection(["127.0.0.1", port(server)]);
    await next.sendall(enc.encode("\n"));
    await next.shutdown(socket.SHUT_WR);
    // The server's write to `stalled` times out, then `next` is served.
    assert.equal(await recvAll(next), "served\n");
    assert.equal(server.errors.length, 1);
    assert.ok(server.errors[0] instanceof socket.TimeoutError, String(server.errors[0]));
  } finally {
    await server.shutdown();
    await loop;
    await server.server_close();
  }
});

Deno.test("StreamRequestHandler's class attributes are statics with Python's defaults", () => {
  assert.equal(socketserver.StreamRequestHandler.timeout, null);
  assert.equal(socketserver.StreamRequestHandler.rbufsize, -1);
  assert.equal(socketserver.StreamRequestHandler.wbufsize, 0);
  assert.equal(socketserver.StreamRequestHandler.disable_nagle_algorithm, false);
  assert.equal(StaticTimeout.timeout, 0.1);
  assert.equal(
    socketserver.StreamRequestHandler.timeout,
    null,
    "a subclass's static leaves its base's",
  );
});

Deno.test("StreamRequestHandler static rbufsize, wbufsize and disable_nagle_algorithm shape the connection", async () => {
  const seen: unknown[] = [];
  class Tuned extends socketserver.StreamRequestHandler {
    static override rbufsize = 0;
    static override wbufsize = 1024;
    static override disable_nagle_algorithm = true;
    override async handle() {
      seen.push(this.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY));
      seen.push(this.wfile instanceof socketserver.SocketWriter);
      // rbufsize 0: Python's raw SocketIO, whose read(n) makes one read.
      const data = await this.rfile.read(100);
      await this.wfile.write(enc.encode(`got ${data?.length} `));
      await this.wfile.write(enc.encode("until finish"));
    }
  }
  await using server = new socketserver.TCPServer(LOCAL, Tuned);
  using cli = await socket.create_connection(["127.0.0.1", port(server)]);
  await cli.sendall(enc.encode("abc"));
  await server.handle_request();
  assert.equal(await recvAll(cli), "got 3 until finish");
  assert.deepEqual(seen, [1, false]);
});

Deno.test("StreamRequestHandler's defaults: Nagle on, wfile a SocketWriter, no timeout", async () => {
  const seen: unknown[] = [];
  class Plain extends socketserver.StreamRequestHandler {
    override handle() {
      seen.push(this.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY));
      seen.push(this.wfile instanceof socketserver.SocketWriter);
      seen.push(this.connection.gettimeout());
    }
  }
  await using server = new socketserver.TCPServer(LOCAL, Plain);
  using cli = await socket.create_connection(["127.0.0.1", port(server)]);
  await server.handle_request();
  assert.equal(await recvAll(cli), "");
  assert.deepEqual(seen, [0, true, null]);
});

/** A handler that waits for `release()` and records when it finished. */
function gated(order: string[]) {
  const entered = Promise.withResolvers<void>();
  const gate = Promise.withResolvers<void>();
  const done = Promise.withResolvers<void>();
  class Gated extends socketserver.BaseRequestHandler {
    override async handle() {
      entered.resolve();
      await gate.promise;
      await this.request.sendall(enc.encode("late"));
    }
    override finish() {
      order.push("finished");
      done.resolve();
    }
  }
  return { Gated, entered: entered.promise, release: gate.resolve, done: done.promise };
}

/**
 * Serves one request that blocks, stops the loop, calls server_close(), and
 * reports whether server_close() waited for the request.
 */
async function waitsOnClose(
  make: (Handler: socketserver.RequestHandlerClass<socket.StreamSocket>) => {
    server_address: socket.Address;
    serve_forever(): Promise<void>;
    shutdown(): Promise<void>;
    server_close(): Promise<void>;
  },
): Promise<boolean> {
  const order: string[] = [];
  const { Gated, entered, release, done } = gated(order);
  const server = make(Gated);
  const loop = server.serve_forever();
  using cli = await socket.create_connection(["127.0.0.1", port(server)]);
  await entered;
  await server.shutdown();
  await loop;
  const closing = server.server_close().then(() => order.push("closed"));
  await turn();
  const waited = !order.includes("closed");
  release();
  await closing;
  await done;
  assert.equal(await recvAll(cli), "late");
  assert.deepEqual(order, waited ? ["finished", "closed"] : ["closed", "finished"]);
  return waited;
}

Deno.test("ThreadingMixIn static block_on_close: true makes server_close() wait for request tasks, false not", async () => {
  class Blocking extends socketserver.ThreadingTCPServer {
    static override block_on_close = true;
  }
  class NonBlocking extends socketserver.ThreadingTCPServer {
    static override block_on_close = false;
  }
  assert.equal(socketserver.ThreadingTCPServer.block_on_close, true);
  assert.equal(await waitsOnClose((H) => new socketserver.ThreadingTCPServer(LOCAL, H)), true);
  assert.equal(await waitsOnClose((H) => new Blocking(LOCAL, H)), true);
  assert.equal(await waitsOnClose((H) => new NonBlocking(LOCAL, H)), false);
  assert.equal(
    socketserver.ThreadingTCPServer.block_on_close,
    true,
    "the base class keeps its own",
  );
});

Deno.test("ThreadingMixIn block_on_close set with this.block_on_close in a constructor", async () => {
  class NonBlocking extends socketserver.ThreadingMixIn(socketserver.TCPServer) {
    constructor(address: socket.Address, H: socketserver.RequestHandlerClass<socket.StreamSocket>) {
      super(address, H);
      this.block_on_close = false;
    }
  }
  assert.equal(await waitsOnClose((H) => new NonBlocking(LOCAL, H)), false);
});

Deno.test("ThreadingMixIn static daemon_threads: requests started as daemons are not waited for by server_close()", async () => {
  class Daemonic extends socketserver.ThreadingTCPServer {
    static override daemon_threads = true;
  }
  class DaemonicSelf extends socketserver.ThreadingTCPServer {
    constructor(address: socket.Address, H: socketserver.RequestHandlerClass<socket.StreamSocket>) {
      super(address, H);
      this.daemon_threads = true;
    }
  }
  assert.equal(socketserver.ThreadingTCPServer.daemon_threads, false);
  assert.equal(await waitsOnClose((H) => new Daemonic(LOCAL, H)), false);
  assert.equal(await waitsOnClose((H) => new DaemonicSelf(LOCAL, H)), false);
});

Deno.test("TCPServer subclass statics: allow_reuse_address, request_queue_size and timeout take effect", async () => {
  class Static extends socketserver.TCPServer {
    static override allow_reuse_address = true;
    static override request_queue_size = 64;
    static override timeout = 0.05;
    timeouts = 0;
    override handle_timeout() {
      this.timeouts++;
    }
  }
  const [made, queue] = backlog(() => new Static(LOCAL, LineEcho));
  await using server = made;
  assert.equal(server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  assert.equal(queue, 64);
  assert.equal(server.timeout, 0.05);
  await server.handle_request();
  assert.equal(server.timeouts, 1);
  assert.equal(socketserver.TCPServer.timeout, null, "the base class keeps its own");
  const [plainMade, plainQueue] = backlog(() => new socketserver.TCPServer(LOCAL, LineEcho));
  await using _plain = plainMade;
  assert.equal(plainQueue, 5);
});

Deno.test("TCPServer settings set with this.x in a constructor take effect", async () => {
  class Configured extends socketserver.TCPServer {
    timeouts = 0;
    constructor(address: socket.Address, H: socketserver.RequestHandlerClass<socket.StreamSocket>) {
      super(address, H, false);
      this.allow_reuse_address = true;
      this.request_queue_size = 64;
      this.timeout = 0.05;
      this.server_bind();
      this.server_activate();
    }
    override handle_timeout() {
      this.timeouts++;
    }
  }
  const [made, queue] = backlog(() => new Configured(LOCAL, LineEcho));
  await using server = made;
  assert.equal(server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  assert.equal(queue, 64);
  await server.handle_request();
  assert.equal(server.timeouts, 1);
});

/** Serves one line over IPv6 loopback with handle_request(). */
async function echoOverV6(server: socketserver.TCPServer): Promise<void> {
  assert.equal(server.socket.family, socket.AF_INET6);
  assert.equal(server.address_family, socket.AF_INET6);
  const [host, p] = server.server_address as socket.IPv6Address;
  assert.equal(host, "::1");
  using cli = await socket.create_connection(["::1", p]);
  await cli.sendall(enc.encode("six\n"));
  await server.handle_request();
  assert.equal(await recvAll(cli), "six\n");
}

Deno.test("TCPServer static address_family AF_INET6 serves on ::1", async () => {
  class V6 extends socketserver.TCPServer {
    static override address_family = socket.AF_INET6;
  }
  await using server = new V6(["::1", 0], LineEcho);
  await echoOverV6(server);
});

Deno.test("TCPServer address_family set with this.address_family in a constructor serves on ::1", async () => {
  class V6 extends socketserver.TCPServer {
    constructor(address: socket.Address, H: socketserver.RequestHandlerClass<socket.StreamSocket>) {
      super(address, H, false);
      this.address_family = socket.AF_INET6; // server_bind() makes the socket anew
      this.server_bind();
      this.server_activate();
    }
  }
  await using server = new V6(["::1", 0], LineEcho);
  await echoOverV6(server);
});

class Raw extends socketserver.BaseRequestHandler<socketserver.DatagramRequest> {
  override async handle() {
    const [data, sock] = this.request;
    await sock.sendto(data, this.client_address);
  }
}

/** Sends 8 bytes to a datagram server and returns what it echoes. */
async function echoDatagram(server: socketserver.UDPServer): Promise<string> {
  using cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await cli.sendto(enc.encode("abcdefgh"), server.server_address);
  await server.handle_request();
  return dec.decode((await cli.recvfrom(100))[0]);
}

Deno.test("UDPServer max_packet_size: a subclass static and this.max_packet_size in a constructor", async () => {
  class Small extends socketserver.UDPServer {
    static override max_packet_size = 4;
  }
  class SmallSelf extends socketserver.UDPServer {
    constructor(
      address: socket.Address,
      H: socketserver.RequestHandlerClass<socketserver.DatagramRequest>,
    ) {
      super(address, H);
      this.max_packet_size = 4;
    }
  }
  await using a = new Small(LOCAL, Raw);
  assert.equal(await echoDatagram(a), "abcd");
  await using b = new SmallSelf(LOCAL, Raw);
  assert.equal(await echoDatagram(b), "abcd");
  await using c = new socketserver.UDPServer(LOCAL, Raw);
  assert.equal(await echoDatagram(c), "abcdefgh");
  assert.equal(socketserver.UDPServer.max_packet_size, 8192);
});

Deno.test("UDPServer timeout: handle_request() calls handle_timeout() for a static and for this.timeout", async () => {
  let timeouts = 0;
  class Impatient extends socketserver.UDPServer {
    static override timeout = 0.05;
    override handle_timeout() {
      timeouts++;
    }
  }
  await using server = new Impatient(LOCAL, Raw);
  await server.handle_request();
  assert.equal(timeouts, 1);
  server.timeout = 0.02;
  await server.handle_request();
  assert.equal(timeouts, 2);
});

Deno.test("ThreadingMixIn daemon_threads: a daemon request's handler keeps no finished program alive; a non-daemon one does until it ends", async () => {
  // The client's line comes from an unref'd timer: only the handler's read
  // can keep the program alive long enough to receive it.
  const program = (daemon: boolean) => `
    import * as socket from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    import { socketserver } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    class H extends socketserver.StreamRequestHandler {
      override async handle() {
        await this.rfile.readline();
        console.log("handled");
      }
    }
    class S extends socketserver.ThreadingTCPServer {
      static override daemon_threads = ${daemon};
      static override block_on_close = false;
    }
    const server = new S(["127.0.0.1", 0], H);
    const cli = await socket.create_connection(server.server_address as socket.IPv4Address);
    await server.handle_request();
    await server.server_close();
    Deno.unrefTimer(setTimeout(() => cli.sendall(new TextEncoder().encode("hi\\n")), 300));
    console.log("last line");
  `;
  const [daemon, plain] = await Promise.all(
    [true, false].map((d) =>
      runDeno(["run", "-A", "--quiet", "-"], { stdin: new TextEncoder().encode(program(d)) })
    ),
  );
  assert.equal(daemon.code, 0, daemon.stderr);
  assert.equal(daemon.stdout, "last line\n");
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, "last line\nhandled\n");
});
