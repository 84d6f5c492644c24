// Copyright 2026 the pysocket authors. MIT license.
// The FFI backend's own behaviour (DESIGN §20): what a real descriptor
// gives that no runtime socket API does — fileno() as the kernel's, dup(),
// adoption (socket(fileno=), fromfd), detach() handing the descriptor out
// in Python's blocking state, options as the kernel takes them (checked
// against CPython), an IPv6-only listener in Deno, the kernel's UDP
// connect() with its ICMP errors, AF_UNIX datagrams sent while a receive is
// pending — and that ffi.ts is evaluated only where a socket needs it.
// Registered only where the backend can run (Linux x86_64, --allow-ffi).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { testing } from "../_common/testing.ts";
import { ffiUnavailable } from "../_transport/ffi_load.ts";
import { KILL_AFTER_MS, recvExactly, ROOT, runPython, tcpTriple, tempDir } from "./_helpers.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const available = ffiUnavailable() === null;

/**
 * An IPv4 TCP port held bound and not listening (a descriptor), so that a
 * connection to it is refused: the port an IPv6-only listener of the same
 * number leaves to anyone (a listener of another test running alongside
 * could take it otherwise).
 */
function refusingV4Port(): socket.StreamSocket {
  const was = testing.backend;
  testing.backend = "ffi";
  try {
    const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    s.bind(["127.0.0.1", 0]);
    return s;
  } finally {
    testing.backend = was;
  }
}

/** Registers a test that runs with every socket on the FFI backend. */
function ffiTest(name: string, fn: () => Promise<void> | void): void {
  Deno.test({
    name,
    ignore: !available,
    fn: async () => {
      const was = testing.backend;
      testing.backend = "ffi";
      try {
        await fn();
      } finally {
        testing.backend = was;
      }
    },
  });
}

/** What /proc says descriptor `fd` of this process is. */
function fdTarget(fd: number): string {
  return Deno.readLinkSync(`/proc/self/fd/${fd}`);
}

/** Whether descriptor `fd` is O_NONBLOCK (its flags in /proc/self/fdinfo, octal). */
function nonblocking(fd: number): boolean {
  const flags = /flags:\s*([0-7]+)/.exec(Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`))![1];
  return (parseInt(flags, 8) & 0o4000) !== 0;
}

/** A connected loopback TCP triple `[server, client, accepted]`. */
const connected = tcpTriple;

ffiTest(
  "fileno() is the kernel's descriptor of the socket, and its inspect string names the backend",
  async () => {
    const [srv, cli, conn] = await connected();
    try {
      for (const s of [srv, cli, conn]) {
        assert.match(fdTarget(s.fileno()), /^socket:\[\d+\]$/);
        assert.match(Deno.inspect(s), /backend=ffi/);
      }
      assert.notEqual(cli.fileno(), conn.fileno());
    } finally {
      for (const s of [srv, cli, conn]) s.close();
    }
    assert.equal(cli.fileno(), -1);
  },
);

ffiTest(
  "dup() makes a second socket of the same kernel socket: closing one leaves the other working",
  async () => {
    const [srv, cli, conn] = await connected();
    try {
      const twin = cli.dup() as socket.StreamSocket;
      assert.ok(twin instanceof socket.StreamSocket);
      assert.notEqual(twin.fileno(), cli.fileno());
      assert.equal(fdTarget(twin.fileno()), fdTarget(cli.fileno()));
      assert.deepEqual(twin.getsockname(), cli.getsockname());
      cli.close();
      await twin.sendall(enc("through the twin"));
      assert.equal(dec(await recvExactly(conn, 16)), "through the twin");
      twin.close();
      assert.equal((await conn.recv(1)).length, 0, "the last close ends the connection");
    } finally {
      for (const s of [srv, cli, conn]) s.close();
    }
  },
);

ffiTest(
  "detach() hands out the descriptor, blocking when the socket was; socket(fileno=) adopts it, reading family and type",
  async () => {
    const [srv, cli, conn] = await connected();
    try {
      const fd = cli.detach() as number;
      assert.equal(typeof fd, "number");
      assert.equal(nonblocking(fd), false, "a blocking socket's descriptor is handed out blocking");
      const again = socket.socket(undefined, undefined, undefined, fd);
      assert.ok(again instanceof socket.StreamSocket);
      assert.equal(again.family, socket.AF_INET);
      assert.equal(again.fileno(), fd);
      assert.equal(nonblocking(fd), true, "adopted descriptors are made non-blocking");
      await conn.sendall(enc("adopted"));
      assert.equal(dec(await recvExactly(again as socket.StreamSocket, 7)), "adopted");
      again.close();

      conn.setblocking(false);
      const nb = conn.detach() as number;
      assert.equal(nonblocking(nb), true, "a non-blocking socket's descriptor stays non-blocking");
      socket.close(nb);
      assert.throws(() => socket.close(nb), (e) => e instanceof socket.OSError && e.errno === 9);

      const listenerFd = srv.detach() as number;
      const adopted = socket.socket(undefined, undefined, undefined, listenerFd);
      assert.equal(adopted.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
      using late = await socket.create_connection(adopted.getsockname() as socket.IPv4Address);
      const [c2] = await (adopted as socket.StreamSocket).accept();
      assert.deepEqual(c2.getpeername(), late.getsockname());
      c2.close();
      adopted.close();
    } finally {
      for (const s of [srv, cli, conn]) s.close();
    }
  },
);

ffiTest(
  "fromfd() duplicates: the socket made and the descriptor given are both usable, each closed on its own",
  async () => {
    using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    u.bind(["127.0.0.1", 0]);
    const copy = socket.fromfd(
      u.fileno(),
      socket.AF_INET,
      socket.SOCK_DGRAM,
    ) as socket.DatagramSocket;
    try {
      assert.ok(copy instanceof socket.DatagramSocket);
      assert.notEqual(copy.fileno(), u.fileno());
      assert.deepEqual(copy.getsockname(), u.getsockname());
      await copy.sendto(enc("one"), u.getsockname());
      assert.equal(dec((await u.recvfrom(16))[0]), "one");
    } finally {
      copy.close();
    }
    await u.sendto(enc("two"), u.getsockname());
    assert.equal(dec((await u.recvfrom(16))[0]), "two");
  },
);

ffiTest("socket(fileno=) of a descriptor that is no socket raises ENOTSOCK; of none, EBADF", () => {
  using file = Deno.openSync(`${ROOT}README.md`);
  // Deno.FsFile has no public descriptor number: find it in /proc.
  const fds = [...Deno.readDirSync("/proc/self/fd")].map((e) => Number(e.name));
  const fd = fds.find((n) => {
    try {
      return fdTarget(n).endsWith("/README.md");
    } catch {
      return false;
    }
  })!;
  assert.throws(
    () => socket.socket(undefined, undefined, undefined, fd),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.ENOTSOCK,
  );
  assert.throws(
    () => socket.socket(undefined, undefined, undefined, 100_000),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.EBADF,
  );
  assert.throws(() => socket.socket(undefined, undefined, undefined, -1), RangeError);
  void file;
});

ffiTest(
  "options go to the kernel as CPython's do: set, read back, doubled buffers, TTL, keep-alive counts, refusals",
  async () => {
    const expected = JSON.parse(
      (await runPython(`import socket, json
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0)); s.listen()
out = [s.getsockopt(socket.SOL_SOCKET, o) for o in (socket.SO_TYPE, socket.SO_DOMAIN, socket.SO_PROTOCOL, socket.SO_ACCEPTCONN)]
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536); out.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 7); out.append(s.getsockopt(socket.IPPROTO_IP, socket.IP_TTL))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 9); out.append(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 4); out.append(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT))
out.append(list(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)))
try:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 1)
except OSError as e:
    out.append(e.errno)
try:
    s.setsockopt(999, 1, 1)
except OSError as e:
    out.append(e.errno)
print(json.dumps(out))`)).stdout,
    );
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    s.bind(["127.0.0.1", 0]);
    s.listen();
    const out: unknown[] = [
      socket.SO_TYPE,
      socket.SO_DOMAIN,
      socket.SO_PROTOCOL,
      socket.SO_ACCEPTCONN,
    ]
      .map((o) => s.getsockopt(socket.SOL_SOCKET, o));
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536);
    out.push(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF));
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 7);
    out.push(s.getsockopt(socket.IPPROTO_IP, socket.IP_TTL));
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 9);
    out.push(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL));
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 4);
    out.push(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT));
    out.push([...s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)]);
    for (const [level, name] of [[socket.SOL_SOCKET, socket.SO_TYPE], [999, 1]]) {
      try {
        s.setsockopt(level, name, 1);
      } catch (e) {
        out.push((e as socket.OSError).errno);
      }
    }
    assert.deepEqual(out, expected);
  },
);

ffiTest(
  "an IPV6_V6ONLY listener takes IPv6 clients and refuses IPv4 ones, as create_server() makes it",
  async () => {
    using v4 = refusingV4Port();
    const port = v4.getsockname()[1] as number;
    using srv = socket.create_server(["::", port], { family: socket.AF_INET6 });
    assert.equal(srv.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY), 1);
    await assert.rejects(
      socket.create_connection(["127.0.0.1", port], 5),
      socket.ConnectionRefusedError,
    );
    using v6 = await socket.create_connection(["::1", port], 5);
    const [conn, peer] = await srv.accept();
    conn.close();
    assert.equal(peer[0], "::1");
    void v6;
  },
);

Deno.test({
  name: "an IPV6_V6ONLY listener in Deno goes to the FFI backend where --allow-ffi is granted",
  ignore: !available || testing.backend !== "deno",
  fn: async () => {
    using v4 = refusingV4Port();
    const port = v4.getsockname()[1] as number;
    using srv = socket.socket(socket.AF_INET6);
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1);
    srv.bind(["::", port]);
    srv.listen();
    assert.match(Deno.inspect(srv), /backend=ffi/);
    await assert.rejects(
      socket.create_connection(["127.0.0.1", port], 5),
      socket.ConnectionRefusedError,
    );
  },
});

ffiTest(
  "a connected UDP socket gets the kernel's ECONNREFUSED from a peer with no listener, as Python's does",
  async () => {
    using gone = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    gone.bind(["127.0.0.1", 0]);
    const addr = gone.getsockname();
    gone.close();
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.settimeout(5);
    await s.connect(addr);
    await s.send(enc("anyone?"));
    await assert.rejects(s.recv(16), socket.ConnectionRefusedError);
  },
);

ffiTest("an AF_UNIX datagram socket sends while a receive of its own is pending", async () => {
  await using tmp = await tempDir();
  using a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  using b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  a.bind(`${tmp.path}/a`);
  b.bind(`${tmp.path}/b`);
  const receiving = a.recvfrom(16);
  assert.equal(await a.sendto(enc("out"), `${tmp.path}/b`), 3);
  const [got, from] = await b.recvfrom(16);
  assert.equal(dec(got), "out");
  assert.equal(from, `${tmp.path}/a`);
  await b.sendto(enc("in"), `${tmp.path}/a`);
  assert.equal(dec((await receiving)[0]), "in");
});

Deno.test("ffi.ts is evaluated only in a process that needs a descriptor", async () => {
  const program = `import * as socket from "${ROOT}mod.ts";
import { testing } from "${ROOT}_common/testing.ts";
using srv = socket.create_server(["127.0.0.1", 0]);
using cli = await socket.create_connection(srv.getsockname());
const [conn] = await srv.accept();
conn.close();
console.log(JSON.stringify({ evaluated: testing.ffiEvaluated, shown: Deno.inspect(srv) }));`;
  await using tmp = await tempDir();
  const file = `${tmp.path}/program.ts`;
  await Deno.writeTextFile(file, program);
  const run = async (flags: string[], env: Record<string, string>) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags, file],
      env: { NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(KILL_AFTER_MS),
    }).output();
    assert.equal(out.code, 0, dec(out.stderr));
    return JSON.parse(dec(out.stdout)) as { evaluated: boolean; shown: string };
  };
  const plain = await run(["--allow-net", "--allow-read"], {});
  assert.equal(plain.evaluated, false, "without the ffi permission");
  const granted = await run(["-A"], {});
  assert.equal(granted.evaluated, false, "with -A, when no socket needs a descriptor");
  assert.doesNotMatch(granted.shown, /backend=/);
  const asked = await run(["--allow-net", "--allow-read", "--allow-env"], {
    PYSOCKET_BACKEND: "ffi",
  });
  assert.equal(asked.evaluated, false, "PYSOCKET_BACKEND=ffi without the ffi permission");
  if (available) {
    const everywhere = await run(["-A"], { PYSOCKET_BACKEND: "ffi" });
    assert.equal(everywhere.evaluated, true);
    assert.match(everywhere.shown, /backend=ffi/);
  }
});

Deno.test("a call that needs a descriptor on a socket without one says how to get one", async () => {
  const [srv, cli, conn] = await connected();
  try {
    if (testing.backend === "ffi") return; // this module's tests run the default backend here
    assert.throws(
      () => cli.dup(),
      (e) =>
        e instanceof socket.OSError && e.errno === socket.errno.EOPNOTSUPP &&
        /PYSOCKET_BACKEND=ffi/.test(e.message),
    );
  } finally {
    for (const s of [srv, cli, conn]) s.close();
  }
});

ffiTest(
  "recvmsg() refuses (EBUSY) while the stream's reader holds bytes it would jump over; recv() drains them first",
  async () => {
    const [srv, cli, conn] = await connected();
    try {
      await cli.sendall(enc("abcdef"));
      conn.settimeout(5);
      const f = conn.makefile("rb");
      assert.equal(dec((await f.read(1))!), "a"); // the file's buffer now holds "bcdef"
      await assert.rejects(
        conn.recvmsg(16),
        (e) => e instanceof socket.OSError && e.errno === socket.errno.EBUSY,
      );
      assert.equal(dec((await f.read(5))!), "bcdef");
      f.close();
      await cli.sendall(enc("next"));
      const [data] = await conn.recvmsg(16);
      assert.equal(dec(data), "next");
    } finally {
      for (const s of [srv, cli, conn]) s.close();
    }
  },
);

Deno.test("an SSLSocket refuses sendmsg(), recvmsg() and dup() with NotImplementedError, as CPython's", async () => {
  const [srv, cli, conn] = await connected();
  try {
    const ctx = socket.ssl.create_default_context();
    ctx.check_hostname = false;
    ctx.verify_mode = socket.ssl.CERT_NONE;
    // No handshake: the refusal comes first, whatever the peer.
    using tls = await ctx.wrap_socket(cli, { do_handshake_on_connect: false });
    await assert.rejects(tls.sendmsg([enc("x")]), socket.NotImplementedError);
    await assert.rejects(tls.recvmsg(16), socket.NotImplementedError);
    assert.throws(() => tls.dup(), socket.NotImplementedError);
  } finally {
    for (const s of [srv, cli, conn]) s.close();
  }
});

ffiTest(
  "socket(fileno=) adopts a stream descriptor neither listening nor connected: it connects, or binds and listens, as Python's",
  async () => {
    const { libc } = await import("../_transport/_ffi/libc.ts");
    using srv = socket.create_server(["127.0.0.1", 0]);
    const port = (srv.getsockname() as socket.IPv4Address)[1];

    const fd = libc().c.socket(socket.AF_INET, socket.SOCK_STREAM, 0);
    assert.ok(fd >= 0);
    using cli = socket.socket(undefined, undefined, undefined, fd);
    assert.equal(cli.fileno(), fd);
    assert.deepEqual([cli.family, cli.type], [socket.AF_INET, socket.SOCK_STREAM]);
    assert.deepEqual(cli.getsockname(), ["0.0.0.0", 0]);
    assert.ok(nonblocking(fd), "the descriptor is made O_NONBLOCK");
    await cli.connect(["127.0.0.1", port]);
    assert.equal(cli.fileno(), fd, "it connects on the adopted descriptor");
    const [conn] = await srv.accept();
    await cli.sendall(enc("over an adopted descriptor"));
    assert.equal(dec(await recvExactly(conn, 26)), "over an adopted descriptor");
    conn.close();

    const fd2 = libc().c.socket(socket.AF_INET6, socket.SOCK_STREAM, 0);
    using lsn = socket.socket(undefined, undefined, undefined, fd2);
    lsn.bind(["::1", 0]);
    lsn.listen();
    assert.equal(lsn.fileno(), fd2);
    using peer = await socket.create_connection(lsn.getsockname() as [string, number]);
    const [got, addr] = await lsn.accept();
    assert.deepEqual(addr, peer.getsockname());
    got.close();
  },
);

ffiTest(
  "a bound stream descriptor adopted keeps its name: listen() listens there, connect() connects from it",
  async () => {
    const bound = () => {
      const s = socket.socket();
      s.fileno(); // the descriptor now: bind() then binds it, and it does not listen yet
      s.bind(["127.0.0.1", 0]);
      const name = s.getsockname();
      return { fd: s.detach() as number, name };
    };
    const a = bound();
    using lsn = socket.socket(undefined, undefined, undefined, a.fd);
    assert.deepEqual(lsn.getsockname(), a.name);
    await assert.rejects(
      socket.create_connection(a.name as [string, number], 5),
      (e) => e instanceof socket.ConnectionRefusedError,
      "bound, not yet listening: the kernel refuses connections",
    );
    lsn.listen();
    using peer = await socket.create_connection(a.name as [string, number]);
    (await lsn.accept())[0].close();

    const b = bound();
    using cli = socket.socket(undefined, undefined, undefined, b.fd);
    await cli.connect(lsn.getsockname() as [string, number]);
    const [conn, from] = await lsn.accept();
    assert.deepEqual(from, b.name, "it connects from the name it was bound to");
    conn.close();
    peer.close();
  },
);

ffiTest(
  "getsockopt(level, name, buflen) returns the bytes the kernel wrote; 0 gives the integer, a buflen outside 0-1024 is refused, as CPython's",
  async () => {
    const expected = JSON.parse(
      (await runPython(`import socket, json
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
out = [list(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 16)), list(s.getsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1))]
out.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 0))
for n in (-1, 1025):
    try:
        s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, n)
    except OSError as e:
        out.append(str(e))
print(json.dumps(out))`)).stdout,
    );
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.bind(["127.0.0.1", 0]);
    const out: unknown[] = [
      [...s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 16)],
      [...s.getsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1)],
    ];
    out.push(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 0));
    for (const n of [-1, 1025]) {
      try {
        s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, n);
      } catch (e) {
        out.push((e as socket.OSError).strerror);
      }
    }
    assert.deepEqual(out, expected);
  },
);
