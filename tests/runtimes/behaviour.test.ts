// Copyright 2026 the pysocket authors. MIT license.
// The cross-runtime suite, continued: what a Python program relies on
// beyond a round trip — accept and connect in every mode, refused and reset
// connections, dual-stack listeners, AF_UNIX paths, peeking, UDP filters and
// timeouts, text files, the name services, TLS verification, more servers —
// the same on Deno, Node and Bun.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import * as socket from "../../mod.ts";
import * as select from "../../select.ts";
import * as selectors from "../../selectors.ts";
import * as socketserver from "../../socketserver.ts";
import * as ssl from "../../ssl.ts";
import { FFI_EVERYWHERE, Program, run, RUNTIME, scope, selfSigned, tempDir } from "./_program.ts";
import { bound, udpPort } from "./_udp.ts";
import { node } from "../../_transport/node.ts";
import { ffiUnavailable } from "../../_transport/ffi_load.ts";

/** Deno without the FFI backend: its listeners take neither IPV6_V6ONLY nor kernel options. */
const denoListenersOnly = RUNTIME === "deno" && ffiUnavailable() !== null;

const enc = new TextEncoder();
const dec = new TextDecoder();
const LOCAL: [string, number] = ["127.0.0.1", 0];

/** A listening loopback socket; `enter` it to close it. */
function listening(): socket.StreamSocket {
  const s = socket.socket();
  s.bind(LOCAL);
  s.listen();
  return s;
}

const portOf = (s: socket.Socket) => (s.getsockname() as [string, number])[1];

test(`accept() with a timeout raises timeout, and the connection that comes later is accepted on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(listening());
    srv.settimeout(0.05);
    await assert.rejects(srv.accept(), socket.timeout);
    const cli = enter(socket.socket());
    await cli.connect(srv.getsockname());
    const [conn, addr] = await srv.accept();
    enter(conn);
    assert.deepEqual(addr, cli.getsockname());
  }));

test(`a non-blocking accept() raises BlockingIOError until select() says a client waits on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(listening());
    srv.setblocking(false);
    await assert.rejects(srv.accept(), socket.BlockingIOError);
    assert.deepEqual(await select.select([srv], [], [], 0), [[], [], []]);
    const cli = enter(socket.socket());
    await cli.connect(srv.getsockname());
    const [r] = await select.select([srv], [], [], 5);
    assert.deepEqual(r, [srv]);
    const [conn] = await srv.accept();
    enter(conn);
    assert.equal(conn.getblocking(), true); // as Python: accepted sockets block
  }));

test(`close() of a listener fails the accept() under way with OSError on ${RUNTIME}`, () =>
  scope(async () => {
    const srv = listening();
    const pending = srv.accept();
    srv.close();
    await assert.rejects(pending, socket.OSError);
    assert.equal(srv.fileno(), -1);
  }));

// The listener node:net makes on Node and Bun (in Deno, listeners are Deno's).
if (RUNTIME !== "deno") {
  test(`a node:net listener's failed accept (EMFILE…) is raised by one accept(), and accepting goes on, on ${RUNTIME}`, () =>
    scope(async (enter) => {
      const listener = node.listen({ transport: "tcp", hostname: "127.0.0.1", port: 0 }, {
        backlog: 5,
        reusePort: false,
      });
      enter({ [Symbol.dispose]: () => listener.close() });
      const server = listener.handle as { emit(event: string, e: unknown): boolean };
      const emfile = Object.assign(new Error("accept EMFILE"), { code: "EMFILE" });
      server.emit("error", emfile); // as node:net reports an accept that failed
      // The transport maps it at its edge: Python's OSError, node's error as its cause.
      const isEmfile = (e: unknown) =>
        e instanceof socket.OSError && e.errno === socket.errno.EMFILE && e.cause === emfile;
      await assert.rejects(listener.accept(), isEmfile);
      const pending = listener.accept();
      server.emit("error", emfile); // one under way fails with it too
      await assert.rejects(pending, isEmfile);
      const cli = enter(socket.socket());
      const port = (listener.addr as { port: number }).port;
      await cli.connect(["127.0.0.1", port]);
      const conn = await listener.accept();
      assert.deepEqual(conn.remoteAddr, {
        transport: "tcp",
        hostname: "127.0.0.1",
        port: portOf(cli),
      });
      conn.close();
    }));
}

test(`connect() to a closed port raises ConnectionRefusedError; connect_ex() returns ECONNREFUSED on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const probe = listening();
    const port = portOf(probe);
    probe.close();
    const a = enter(socket.socket());
    await assert.rejects(
      a.connect(["127.0.0.1", port]),
      (e) => e instanceof socket.ConnectionRefusedError && e.errno === socket.errno.ECONNREFUSED,
    );
    const b = enter(socket.socket());
    assert.equal(await b.connect_ex(["127.0.0.1", port]), socket.errno.ECONNREFUSED);
  }));

test(`listen(backlog) after bind() keeps the port; a second bind() raises EINVAL on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(socket.socket());
    srv.bind(LOCAL);
    const port = portOf(srv);
    srv.listen(3);
    assert.equal(portOf(srv), port);
    assert.throws(
      () => srv.bind(LOCAL),
      (e) => e instanceof socket.OSError && e.errno === socket.errno.EINVAL,
    );
    const cli = enter(await socket.create_connection(["127.0.0.1", port]));
    const [conn] = await srv.accept();
    enter(conn);
    assert.deepEqual(conn.getpeername(), cli.getsockname());
  }));

test(`a listener on "::" takes IPv4 clients too (dual stack) on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(socket.create_server(["::", 0], {
      family: socket.AF_INET6,
      dualstack_ipv6: true,
    }));
    const cli = enter(await socket.create_connection(["127.0.0.1", portOf(srv)]));
    const [conn, addr] = await srv.accept();
    enter(conn);
    assert.equal((addr as [string, number])[0], "::ffff:127.0.0.1");
    await cli.sendall(enc.encode("v4"));
    assert.equal(dec.decode(await conn.recv(10)), "v4");
  }));

test(`IPV6_V6ONLY 1 keeps IPv4 clients off an IPv6 listener where node:net or the FFI backend listens on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(socket.socket(socket.AF_INET6));
    if (denoListenersOnly) {
      assert.throws(
        () => srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1),
        (e) => e instanceof socket.OSError && e.errno === socket.errno.ENOPROTOOPT,
      );
      return;
    }
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1);
    srv.bind(["::", 0]);
    srv.listen();
    assert.equal(srv.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY), 1);
    const v4 = enter(socket.socket());
    assert.equal(await v4.connect_ex(["127.0.0.1", portOf(srv)]), socket.errno.ECONNREFUSED);
    const v6 = enter(await socket.create_connection(["::1", portOf(srv)]));
    const [conn] = await srv.accept();
    enter(conn);
    assert.deepEqual(conn.getpeername(), v6.getsockname());
    // create_server() without dualstack_ipv6 sets it too, as Python's does.
    const server = enter(socket.create_server(["::", 0], { family: socket.AF_INET6 }));
    assert.equal(server.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY), 1);
  }));

test(`SO_LINGER 0 and TCP_KEEPIDLE on a listener pass to what it accepts where node:net or the FFI backend listens on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(socket.socket());
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
    srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 7);
    srv.bind(LOCAL);
    if (denoListenersOnly) {
      // Deno's listeners accept Deno's connections, which take neither.
      assert.throws(
        () => srv.listen(),
        (e) => e instanceof socket.OSError && e.errno === socket.errno.ENOPROTOOPT,
      );
      return;
    }
    srv.listen();
    const cli = enter(await socket.create_connection(srv.getsockname() as [string, number]));
    const [conn] = await srv.accept();
    assert.equal(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE), 7);
    conn.close(); // a reset, not a FIN
    await assert.rejects(cli.recv(10), socket.ConnectionResetError);
  }));

test(`socketpair() and create_server()/create_connection() talk both ways on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const [a, b] = await socket.socketpair();
    enter(a);
    enter(b);
    assert.equal(a.family, socket.AF_UNIX);
    await a.sendall(enc.encode("ping"));
    assert.equal(dec.decode(await b.recv(10)), "ping");
    await b.sendall(enc.encode("pong"));
    assert.equal(dec.decode(await a.recv(10)), "pong");
    const srv = enter(socket.create_server(LOCAL));
    const cli = enter(await socket.create_connection(srv.getsockname() as [string, number], 5));
    assert.equal(cli.gettimeout(), 5);
    const [conn] = await srv.accept();
    enter(conn);
    await conn.sendall(enc.encode("hi"));
    assert.equal(dec.decode(await cli.recv(10)), "hi");
  }));

test(`recv(MSG_PEEK) leaves the bytes for the next recv() on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const [a, b] = await socket.socketpair(socket.AF_INET);
    enter(a);
    enter(b);
    await a.sendall(enc.encode("peekaboo"));
    let peeked = new Uint8Array(0);
    for (let i = 0; i < 100 && peeked.length < 8; i++) peeked = await b.recv(8, socket.MSG_PEEK);
    assert.equal(dec.decode(peeked), "peekaboo");
    assert.equal(dec.decode(await b.recv(4)), "peek");
    assert.equal(dec.decode(await b.recv(100)), "aboo");
  }));

test(`sendall() of a buffer refilled after each call: the peer gets every byte as it was sent, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    // Some writes reach the kernel at once, some wait for a peer that reads
    // slowly: none may send bytes the caller changed after sendall() returned.
    const [a, b] = await socket.socketpair(socket.AF_INET);
    enter(a);
    enter(b);
    const rounds = 160; // 10 MiB: more than the kernel's buffers and the reader's queue hold
    const buf = new Uint8Array(64 * 1024);
    const reading = (async () => {
      await new Promise((r) => setTimeout(r, 200)); // the writer fills every buffer meanwhile
      const got = new Uint8Array(64 * 1024);
      for (let round = 0; round < rounds; round++) {
        let n = 0;
        while (n < got.length) n += await b.recv_into(got.subarray(n));
        assert.ok(got.every((x) => x === round % 251), `round ${round}`);
      }
    })();
    for (let round = 0; round < rounds; round++) {
      buf.fill(round % 251);
      await a.sendall(buf);
    }
    await reading;
  }));

test(`a peer's reset: the bytes before it are read, then ConnectionResetError on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(listening());
    const py = enter(Program.python(
      `import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"last words")
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.recv(1)
s.close()
`,
      [String(portOf(srv))],
    ));
    const [conn] = await srv.accept();
    enter(conn);
    conn.settimeout(10);
    let got = "";
    while (got.length < 10) got += dec.decode(await conn.recv(100));
    assert.equal(got, "last words");
    await conn.sendall(enc.encode("!")); // the peer resets once it reads this
    await assert.rejects(
      (async () => {
        for (let i = 0; i < 100; i++) if ((await conn.recv(100)).length === 0) return;
      })(),
      socket.ConnectionResetError,
    );
    assert.equal(await py.done(), "");
  }));

test(`an AF_UNIX listener's path exists while it listens and is removed on close() (left, as Python leaves it, on a descriptor) on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const dir = enter(tempDir());
    const path = `${dir.path}/srv.sock`;
    const srv = socket.socket(socket.AF_UNIX);
    srv.bind(path);
    srv.listen();
    assert.ok(existsSync(path));
    const again = enter(socket.socket(socket.AF_UNIX));
    assert.throws(
      () => again.bind(path),
      (e) => e instanceof socket.OSError && e.errno === socket.errno.EADDRINUSE,
    );
    const cli = enter(socket.socket(socket.AF_UNIX));
    await cli.connect(path);
    const [conn, addr] = await srv.accept();
    enter(conn);
    assert.equal(addr, "");
    assert.equal(conn.getsockname(), path);
    srv.close();
    assert.equal(existsSync(path), FFI_EVERYWHERE);
  }));

test(`a connected UDP socket drops other senders' datagrams; a recvfrom() timeout loses none on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const a = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    const b = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    const stranger = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    a.bind(LOCAL);
    b.bind(LOCAL);
    await bound();
    await a.connect(b.getsockname());
    a.settimeout(0.05);
    await assert.rejects(a.recvfrom(100), socket.timeout);
    await stranger.sendto(enc.encode("not for you"), a.getsockname());
    await b.sendto(enc.encode("for you"), a.getsockname());
    const [data, from] = await a.recvfrom(100);
    assert.equal(dec.decode(data), "for you");
    assert.deepEqual(from, b.getsockname());
    await assert.rejects(a.recv(100), socket.timeout);
  }));

test(`bind() to a UDP port in use raises EADDRINUSE on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const first = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    first.bind(LOCAL);
    await bound();
    const second = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    assert.throws(
      () => second.bind(first.getsockname()),
      (e) => e instanceof socket.OSError && e.errno === socket.errno.EADDRINUSE,
    );
  }));

test(`UDP options set before bind() are in force once bound: SO_RCVBUF, IP_TTL, IP_MULTICAST_TTL on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const s = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 100_000);
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 5);
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 3);
    s.bind(LOCAL);
    await bound();
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 200_000); // Linux doubles it
    assert.equal(s.getsockopt(socket.IPPROTO_IP, socket.IP_TTL), 5);
    assert.equal(s.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL), 3);
    const peer = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    await peer.sendto(enc.encode("still works"), s.getsockname());
    assert.equal(dec.decode(await s.recv(100)), "still works");
  }));

test(`a UDP datagram longer than the buffer is cut to it, as Linux does, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const a = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    a.bind(LOCAL);
    await bound();
    const b = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    await b.sendto(enc.encode("0123456789"), a.getsockname());
    const [data] = await a.recvfrom(4);
    assert.equal(dec.decode(data), "0123");
    await b.sendto(enc.encode("next"), a.getsockname());
    assert.equal(dec.decode(await a.recv(100)), "next");
  }));

test(`makefile("rw", encoding) reads and writes text lines on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const [a, b] = await socket.socketpair();
    enter(a);
    enter(b);
    const fa = a.makefile("rw", null, { encoding: "utf-8", newline: "" });
    const fb = b.makefile("rw", null, { encoding: "utf-8" });
    await fa.write("héllo\r\nwörld\n");
    await fa.flush();
    assert.equal(await fb.readline(), "héllo\n");
    assert.equal(await fb.readline(), "wörld\n");
    await fb.write("réponse\n");
    await fb.flush();
    assert.equal(await fa.readline(), "réponse\n");
    await fa.close();
    await fb.close();
  }));

test(`selectors: EVENT_WRITE at once, EVENT_READ when bytes come, modify() and get_key() on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const [a, b] = await socket.socketpair();
    enter(a);
    enter(b);
    const sel = enter(new selectors.DefaultSelector());
    const key = sel.register(a, selectors.EVENT_WRITE, "a");
    assert.deepEqual((await sel.select(5)).map(([k, ev]) => [k.data, ev]), [[
      "a",
      selectors.EVENT_WRITE,
    ]]);
    sel.modify(a, selectors.EVENT_READ, "a reads");
    assert.equal(sel.get_key(a).data, "a reads");
    assert.deepEqual(await sel.select(0), []);
    await b.sendall(enc.encode("x"));
    const ready = await sel.select(5);
    assert.deepEqual(ready.map(([k, ev]) => [k.fileobj, ev]), [[a, selectors.EVENT_READ]]);
    assert.equal(key.fileobj, a);
    assert.throws(() => sel.register(a, selectors.EVENT_READ), /already registered/);
  }));

test(`getaddrinfo(), gethostbyname() and the address helpers answer as CPython's on ${RUNTIME}`, () =>
  scope(async () => {
    const infos = await socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM);
    assert.deepEqual(infos[0], [socket.AF_INET, socket.SOCK_STREAM, 6, "", ["127.0.0.1", 80]]);
    assert.equal(await socket.gethostbyname("localhost"), "127.0.0.1");
    const py = await run("python3", [
      "-c",
      `import socket
print(socket.getservbyname("http", "tcp"), socket.inet_aton("127.1").hex(), socket.htons(1), socket.has_ipv6)`,
    ]);
    assert.equal(
      `${socket.getservbyname("http", "tcp")} ${
        [...socket.inet_aton("127.1")].map((b) => b.toString(16).padStart(2, "0")).join("")
      } ${socket.htons(1)} ${socket.has_ipv6 ? "True" : "False"}\n`,
      py.stdout,
    );
    assert.ok(socket.gethostname().length > 0);
  }));

test(`ssl: an unknown CA raises SSLCertVerificationError; a wrong name does too on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const dir = enter(tempDir());
    const { cert, key } = await selfSigned(dir.path);
    const serverCtx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
    serverCtx.load_cert_chain(cert, key);
    const srv = enter(listening());
    const serving = (async () => {
      for (let i = 0; i < 2; i++) {
        const [raw] = await srv.accept();
        await serverCtx.wrap_socket(raw, { server_side: true }).then(
          (s) => s.close(),
          () => raw.close(),
        );
      }
    })();
    const strangers = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); // trusts no CA at all
    const raw1 = enter(await socket.create_connection(srv.getsockname() as [string, number]));
    await assert.rejects(
      strangers.wrap_socket(raw1, { server_hostname: "localhost" }),
      (e) => e instanceof ssl.SSLCertVerificationError,
    );
    const trusting = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, {
      cafile: cert,
    });
    const raw2 = enter(await socket.create_connection(srv.getsockname() as [string, number]));
    await assert.rejects(
      trusting.wrap_socket(raw2, { server_hostname: "other.example" }),
      (e) => e instanceof ssl.SSLCertVerificationError && /other\.example/.test(e.message),
    );
    await serving;
  }));

test(`socketserver.ThreadingUDPServer and UnixStreamServer serve on ${RUNTIME}`, () =>
  scope(async (enter) => {
    class Echo extends socketserver.DatagramRequestHandler {
      override async handle(): Promise<void> {
        await this.wfile.write(this.rfile.read());
      }
    }
    const udp = enter(
      new socketserver.ThreadingUDPServer(["127.0.0.1", await udpPort()], Echo, false),
    );
    udp.server_bind();
    udp.server_activate();
    const udpLoop = udp.serve_forever(0.05);
    const dir = enter(tempDir());
    class Lines extends socketserver.StreamRequestHandler {
      override async handle(): Promise<void> {
        const line = await this.rfile.readline();
        await this.wfile.write(enc.encode(dec.decode(line).toUpperCase()));
      }
    }
    const unix = enter(new socketserver.UnixStreamServer(`${dir.path}/s`, Lines));
    const unixLoop = unix.serve_forever(0.05);
    try {
      const c = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
      c.settimeout(10);
      await c.sendto(enc.encode("datagram"), udp.server_address);
      assert.equal(dec.decode((await c.recvfrom(100))[0]), "datagram");
      const u = enter(socket.socket(socket.AF_UNIX));
      await u.connect(`${dir.path}/s`);
      await u.sendall(enc.encode("unix stream\n"));
      assert.equal(dec.decode(await u.recv(100)), "UNIX STREAM\n");
    } finally {
      await udp.shutdown();
      await unix.shutdown();
      await udpLoop;
      await unixLoop;
    }
  }));
