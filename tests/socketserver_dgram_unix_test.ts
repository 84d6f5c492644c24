// Copyright 2026 the pysocket authors. MIT license.
// socketserver's datagram and AF_UNIX servers, with CPython and pysocket
// clients, and the in-memory BytesIO the datagram handler reads and writes.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { tempDir } from "./_helpers.ts";
import { socketserver } from "../mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

class Upper extends socketserver.DatagramRequestHandler {
  override handle(): void {
    for (const line of this.rfile) {
      this.wfile.write(line.map((b) => b >= 97 && b <= 122 ? b - 32 : b));
    }
  }
}

interface Server {
  serve_forever(poll_interval?: number): Promise<void>;
  shutdown(): Promise<void>;
  server_close(): Promise<void>;
}

async function serving<S extends Server>(server: S, body: (s: S) => Promise<void>): Promise<void> {
  const loop = server.serve_forever();
  try {
    await body(server);
  } finally {
    await server.shutdown();
    await loop;
    await server.server_close();
  }
}

/** Runs a CPython script with the given arguments; resolves its stdout. */
async function python(code: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("python3", { args: ["-c", code, ...args] }).output();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return dec.decode(out.stdout);
}

const UDP_CLIENT = `import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
for msg in sys.argv[2:]:
    s.sendto(msg.encode(), ("127.0.0.1", int(sys.argv[1])))
    print(s.recvfrom(1024)[0].decode())
`;

Deno.test("UDPServer answers CPython's datagrams through DatagramRequestHandler", async () => {
  await serving(new socketserver.UDPServer(["127.0.0.1", 0], Upper), async (server) => {
    assert.equal(server.socket.type, socket.SOCK_DGRAM);
    const port = String((server.server_address as socket.IPv4Address)[1]);
    assert.equal(await python(UDP_CLIENT, port, "hello", "udp world"), "HELLO\nUDP WORLD\n");
  });
});

Deno.test("UDPServer hands BaseRequestHandler [data, socket] and truncates at max_packet_size", async () => {
  const seen: number[] = [];
  class Raw extends socketserver.BaseRequestHandler<socketserver.DatagramRequest> {
    override async handle() {
      const [data, sock] = this.request;
      seen.push(data.length);
      await sock.sendto(data, this.client_address);
    }
  }
  class Small extends socketserver.UDPServer {
    static override max_packet_size = 4;
  }
  await using server = new Small(["127.0.0.1", 0], Raw);
  using cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await cli.sendto(enc.encode("abcdefgh"), server.server_address);
  await server.handle_request();
  assert.equal(dec.decode((await cli.recvfrom(100))[0]), "abcd");
  assert.deepEqual(seen, [4]);
});

Deno.test("ThreadingUDPServer handles datagrams concurrently", async () => {
  let active = 0;
  let peak = 0;
  const { promise: both, resolve } = Promise.withResolvers<void>();
  class Pair extends socketserver.DatagramRequestHandler {
    override async handle() {
      peak = Math.max(peak, ++active);
      if (active === 2) resolve();
      await both;
      this.wfile.write(this.rfile.read());
      active--;
    }
  }
  await serving(new socketserver.ThreadingUDPServer(["127.0.0.1", 0], Pair), async (server) => {
    using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    await a.sendto(enc.encode("from a"), server.server_address);
    await b.sendto(enc.encode("from b"), server.server_address);
    const [ra, rb] = await Promise.all([a.recvfrom(100), b.recvfrom(100)]);
    assert.deepEqual([dec.decode(ra[0]), dec.decode(rb[0])], ["from a", "from b"]);
  });
  assert.equal(peak, 2);
});

Deno.test("UnixStreamServer serves a CPython client on a path", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const path = `${dir}/s.sock`;
  class Echo extends socketserver.StreamRequestHandler {
    override async handle() {
      await this.wfile.write(await this.rfile.readline());
    }
  }
  await serving(new socketserver.UnixStreamServer(path, Echo), async (server) => {
    assert.equal(server.server_address, path);
    assert.equal(server.socket.family, socket.AF_UNIX);
    const out = await python(
      `import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"over unix\\n")
print(s.recv(100).decode(), end="")`,
      path,
    );
    assert.equal(out, "over unix\n");
  });
});

Deno.test("ThreadingUnixStreamServer serves clients concurrently", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  let peak = 0;
  let active = 0;
  const { promise: both, resolve } = Promise.withResolvers<void>();
  class Pair extends socketserver.BaseRequestHandler {
    override async handle() {
      peak = Math.max(peak, ++active);
      if (active === 2) resolve();
      await both;
      await this.request.sendall(enc.encode("ok"));
      active--;
    }
  }
  const path = `${dir}/t.sock`;
  await serving(new socketserver.ThreadingUnixStreamServer(path, Pair), async () => {
    const clients = [socket.socket(socket.AF_UNIX), socket.socket(socket.AF_UNIX)];
    try {
      await Promise.all(clients.map((c) => c.connect(path)));
      const replies = await Promise.all(clients.map((c) => c.recv(10)));
      assert.deepEqual(replies.map((r) => dec.decode(r)), ["ok", "ok"]);
    } finally {
      for (const c of clients) c.close();
    }
  });
  assert.equal(peak, 2);
});

for (
  const [name, Cls] of [
    ["UnixDatagramServer", socketserver.UnixDatagramServer],
    ["ThreadingUnixDatagramServer", socketserver.ThreadingUnixDatagramServer],
  ] as const
) {
  Deno.test(`${name} answers a CPython client bound to its own path`, async () => {
    await using tmp = await tempDir();
    const dir = tmp.path;
    const path = `${dir}/d.sock`;
    await serving(new Cls(path, Upper), async (server) => {
      assert.equal(server.server_address, path);
      const out = await python(
        `import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[2])
s.settimeout(10)
for msg in (b"one", b"two", b"three"):
    s.sendto(msg, sys.argv[1])
    data, addr = s.recvfrom(100)
    print(data.decode(), addr == sys.argv[1])`,
        path,
        `${dir}/client.sock`,
      );
      assert.equal(out, "ONE True\nTWO True\nTHREE True\n");
    });
  });
}

Deno.test("BytesIO reads lines and bytes and collects writes", () => {
  const f = new socketserver.BytesIO(enc.encode("ab\ncd\nef"));
  assert.equal(dec.decode(f.readline()), "ab\n");
  assert.equal(dec.decode(f.readline(1)), "c");
  assert.equal(dec.decode(f.read(2)), "d\n");
  assert.deepEqual(f.readlines().map((l) => dec.decode(l)), ["ef"]);
  assert.equal(f.read().length, 0);
  assert.equal(f.write(enc.encode("!")), 1);
  assert.equal(dec.decode(f.getvalue()), "ab\ncd\nef!");
  const w = new socketserver.BytesIO();
  w.write(enc.encode("x".repeat(100)));
  w.write(new Uint8Array([121]));
  assert.equal(w.getvalue().length, 101);
  assert.throws(() => w.write("text" as never), TypeError);
  w.close();
  assert.throws(() => w.read(), RangeError);
});
