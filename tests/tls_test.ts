// Copyright 2026 the pysocket authors. MIT license.
// TLS through detach()/fromConn: Deno.startTls on a connected socket, and
// fromListener/fromConn over Deno.listenTls, with a self-signed certificate
// made by openssl for each run.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A self-signed certificate for localhost and 127.0.0.1, in a temp dir. */
async function makeCert(): Promise<{ dir: string; cert: string; key: string; certFile: string }> {
  const dir = await Deno.makeTempDir({ prefix: "pysocket-tls-" });
  const out = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-keyout",
      `${dir}/key.pem`,
      "-out",
      `${dir}/cert.pem`,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return {
    dir,
    cert: await Deno.readTextFile(`${dir}/cert.pem`),
    key: await Deno.readTextFile(`${dir}/key.pem`),
    certFile: `${dir}/cert.pem`,
  };
}

/** A TLS server: a listening StreamSocket over Deno.listenTls that upper-cases one line. */
function tlsServer(cert: string, key: string): { srv: socket.StreamSocket; served: Promise<void> } {
  const srv = socket.fromListener(Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key }));
  const served = (async () => {
    const [conn] = await srv.accept();
    using _conn = conn;
    const f = conn.makefile("rb");
    const line = await f.readline();
    await f.close();
    await conn.sendall(enc.encode(dec.decode(line).toUpperCase()));
  })();
  return { srv, served };
}

Deno.test("fromConn(Deno.startTls(sock.detach())) talks TLS to a fromListener(listenTls) server", async () => {
  const { dir, cert, key } = await makeCert();
  try {
    const { srv, served } = tlsServer(cert, key);
    using _srv = srv;
    const port = srv.getsockname()[1] as number;
    const plain = await socket.create_connection(["127.0.0.1", port]);
    const tcp = plain.detach() as Deno.TcpConn;
    assert.equal(plain.fileno(), -1); // the socket gave its connection away
    using tls = socket.fromConn(
      await Deno.startTls(tcp, { hostname: "localhost", caCerts: [cert] }),
    );
    assert.deepEqual(tls.getpeername(), ["127.0.0.1", port]);
    await tls.sendall(enc.encode("secret words\n"));
    assert.equal(dec.decode(await tls.recv(100, socket.MSG_WAITALL)), "SECRET WORDS\n");
    await served;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startTls refuses a server whose certificate is not trusted", async () => {
  const { dir, cert, key } = await makeCert();
  try {
    using srv = socket.fromListener(Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key }));
    const accepted = srv.accept().then(
      async ([conn]) => {
        // The handshake fails on the server side too; reading reports it.
        await conn.recv(1).catch(() => {});
        conn.close();
      },
    );
    const plain = await socket.create_connection(srv.getsockname() as [string, number]);
    const tcp = plain.detach() as Deno.TcpConn;
    const tlsConn = await Deno.startTls(tcp, { hostname: "localhost" }); // no caCerts
    using tls = socket.fromConn(tlsConn);
    await assert.rejects(tls.sendall(enc.encode("x")), (e) => {
      assert.ok(e instanceof socket.OSError);
      assert.match(String((e as Error).cause), /certificate/i);
      return true;
    });
    await accepted;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("examples/tls_client.ts connects with a CA file and prints the reply", async () => {
  const { dir, cert, key, certFile } = await makeCert();
  try {
    const { srv, served } = tlsServer(cert, key);
    using _srv = srv;
    const port = srv.getsockname()[1] as number;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        new URL("../examples/tls_client.ts", import.meta.url).pathname,
        "127.0.0.1",
        String(port),
        certFile,
        "localhost",
        "ping from example",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, dec.decode(out.stderr));
    assert.equal(dec.decode(out.stdout), "PING FROM EXAMPLE\n");
    await served;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
