// Copyright 2026 the pysocket authors. MIT license.
// A quick figure, not a benchmark suite: TLS through SSLObject (libssl over
// memory, FFI) against the package's SSLSocket over a loopback socket,
// both ends in one process — handshakes per second and bulk MB/s.
//
//   deno run -A bench/ssl_bio.ts [MiB=64] [handshakes=200]
//   bun bench/ssl_bio.ts [MiB=64] [handshakes=200]
//
// The SSLSockets run on the engine the process has: libssl in Deno with
// -A and in Bun (_transport/openssl_stream.ts), the runtime's node:tls with
// PYSOCKET_TLS=node.

import * as socket from "../mod.ts";
import * as ssl from "../ssl.ts";
import { libsslSelected } from "../_transport/ffi_load.ts";

const CERTDATA = new URL("../tests/fixtures/certdata/", import.meta.url).pathname;
const args: string[] = (globalThis as { Deno?: typeof Deno }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const MIB = Number(args[0] ?? 64);
const HANDSHAKES = Number(args[1] ?? 200);
const CHUNK = 64 * 1024;

const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
client.load_verify_locations(`${CERTDATA}pycacert.pem`);
const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
server.load_cert_chain(`${CERTDATA}keycert3.pem`);

function bioPair() {
  const [cIn, cOut, sIn, sOut] = [0, 1, 2, 3].map(() => new ssl.MemoryBIO());
  const c = client.wrap_bio(cIn, cOut, { server_hostname: "localhost" });
  const s = server.wrap_bio(sIn, sOut, { server_side: true });
  for (let done = 0; done < 2;) {
    done = 0;
    for (const [obj, out, peer] of [[c, cOut, sIn], [s, sOut, cIn]] as const) {
      try {
        obj.do_handshake();
        done++;
      } catch (e) {
        if (!(e instanceof ssl.SSLWantReadError)) throw e;
      }
      peer.write(out.read());
    }
  }
  return { c, s, cOut, sIn };
}

async function socketPair() {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const raw = await socket.create_connection(srv.getsockname() as [string, number]);
  const [conn] = await srv.accept();
  const [c, s] = await Promise.all([
    client.wrap_socket(raw, { server_hostname: "localhost" }),
    server.wrap_socket(conn, { server_side: true }),
  ]);
  return { c, s };
}

const data = new Uint8Array(CHUNK).fill(7);
/** The engine SSLSockets run on here (libssl: the default in Deno with -A and in Bun; PYSOCKET_TLS chooses). */
const engine = libsslSelected() ? "libssl" : "node:tls";
const rate = (n: number, ms: number) => (n / (ms / 1000)).toFixed(0);

let t = performance.now();
for (let i = 0; i < HANDSHAKES; i++) bioPair();
console.log(`SSLObject handshakes/s: ${rate(HANDSHAKES, performance.now() - t)}`);

t = performance.now();
for (let i = 0; i < HANDSHAKES; i++) {
  const { c, s } = await socketPair();
  c.close();
  s.close();
}
console.log(`SSLSocket (${engine}) handshakes/s: ${rate(HANDSHAKES, performance.now() - t)}`);

{
  const { c, s, cOut, sIn } = bioPair();
  const buf = new Uint8Array(CHUNK);
  t = performance.now();
  for (let sent = 0; sent < MIB * 1024 * 1024; sent += CHUNK) {
    c.write(data);
    sIn.write(cOut.read());
    for (let got = 0; got < CHUNK;) got += s.read(CHUNK, buf);
  }
  console.log(`SSLObject bulk MB/s: ${rate(MIB * 1.048576, performance.now() - t)}`);
}

{
  const { c, s } = await socketPair();
  const buf = new Uint8Array(CHUNK);
  const total = MIB * 1024 * 1024;
  t = performance.now();
  const reading = (async () => {
    for (let got = 0; got < total;) got += await s.recv_into(buf);
  })();
  for (let sent = 0; sent < total; sent += CHUNK) await c.sendall(data);
  await reading;
  console.log(`SSLSocket (${engine}) bulk MB/s: ${rate(MIB * 1.048576, performance.now() - t)}`);
  c.close();
  s.close();
}
