// Copyright 2026 the pysocket authors. MIT license.
// TLS through detach()/fromConn: Deno.startTls on a connected socket, and
// fromListener/fromConn over Deno.listenTls, with a CA and a certificate it
// signs made by openssl for each run.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { dec, enc, makeTlsFiles } from "./_helpers.ts";

const files = await makeTlsFiles();
globalThis.addEventListener("unload", () => Deno.removeSync(files.dir, { recursive: true }));
/** The server's certificate chain and key (PEM), and the CA that signed it. */
const cert = Deno.readTextFileSync(files.cert);
const key = Deno.readTextFileSync(files.key);
const ca = Deno.readTextFileSync(files.ca);

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
  const { srv, served } = tlsServer(cert, key);
  using _srv = srv;
  const port = srv.getsockname()[1] as number;
  const plain = await socket.create_connection(["127.0.0.1", port]);
  const tcp = plain.detach() as Deno.TcpConn;
  assert.equal(plain.fileno(), -1); // the socket gave its connection away
  using tls = socket.fromConn(
    await Deno.startTls(tcp, { hostname: "localhost", caCerts: [ca] }),
  );
  assert.deepEqual(tls.getpeername(), ["127.0.0.1", port]);
  await tls.sendall(enc.encode("secret words\n"));
  assert.equal(dec.decode(await tls.recv(100, socket.MSG_WAITALL)), "SECRET WORDS\n");
  await served;
});

Deno.test("startTls refuses a server whose certificate is not trusted", async () => {
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
});

Deno.test("examples/tls_client.ts connects with a CA file and prints the reply", async () => {
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
      files.ca,
      "localhost",
      "ping from example",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  assert.equal(dec.decode(out.stdout), "PING FROM EXAMPLE\n");
  await served;
});
