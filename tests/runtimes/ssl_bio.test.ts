// Copyright 2026 the pysocket authors. MIT license.
// The cross-runtime suite, TLS over memory (ssl.MemoryBIO, wrap_bio,
// SSLObject): synchronous as Python's on the runtimes with FFI (Deno,
// libssl through Deno.dlopen; Bun, through bun:ffi); on Node, which has no
// FFI, wrap_bio() raises OSError naming what is missing, and MemoryBIO
// still works (it is plain JavaScript).

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import * as socket from "../../mod.ts";
import * as ssl from "../../ssl.ts";
import { Program, ROOT, RUNTIME, scope } from "./_program.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const cert = (name: string) => join(ROOT, "tests", "fixtures", "certdata", name);
/** Whether wrap_bio() runs here: it needs FFI. */
const FFI = RUNTIME !== "node";

function contexts(): [ssl.SSLContext, ssl.SSLContext] {
  const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  client.load_verify_locations(cert("pycacert.pem"));
  const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  server.load_cert_chain(cert("keycert3.pem"));
  return [client, server];
}

test(`MemoryBIO reads what was written, and ends after write_eof() on ${RUNTIME}`, () => {
  const bio = new ssl.MemoryBIO();
  assert.equal(bio.write(enc.encode("foobar")), 6);
  bio.write_eof();
  assert.equal(dec.decode(bio.read(3)), "foo");
  assert.equal(bio.pending, 3);
  assert.equal(bio.eof, false);
  assert.equal(dec.decode(bio.read()), "bar");
  assert.equal(bio.eof, true);
  assert.throws(() => bio.write(enc.encode("x")), ssl.SSLError);
});

test(`two SSLObjects shake hands, verify, agree on ALPN and exchange data in one process on ${RUNTIME}`, () => {
  const [client, server] = contexts();
  client.set_alpn_protocols(["h2", "http/1.1"]);
  server.set_alpn_protocols(["http/1.1"]);
  const [cIn, cOut, sIn, sOut] = [0, 1, 2, 3].map(() => new ssl.MemoryBIO());
  if (!FFI) {
    assert.throws(
      () => client.wrap_bio(cIn, cOut, { server_hostname: "localhost" }),
      (e) =>
        e instanceof socket.OSError && e.errno === 95 &&
        /foreign function interface/.test(e.message),
    );
    return;
  }
  const c = client.wrap_bio(cIn, cOut, { server_hostname: "localhost" });
  const s = server.wrap_bio(sIn, sOut, { server_side: true });
  for (let i = 0, done = 0; done < 2; i++) {
    assert.ok(i < 10, "the handshake settles");
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
  assert.equal(c.version(), "TLSv1.3");
  assert.equal(c.selected_alpn_protocol(), "http/1.1");
  assert.deepEqual(c.getpeercert()!.subjectAltName, [["DNS", "localhost"]]);
  c.write(enc.encode("ping"));
  sIn.write(cOut.read());
  assert.equal(dec.decode(s.read()), "ping");
  // A name the certificate does not carry.
  const [bad1, bad2] = [new ssl.MemoryBIO(), new ssl.MemoryBIO()];
  const wrong = client.wrap_bio(bad1, bad2, { server_hostname: "example.org" });
  assert.throws(() => wrong.do_handshake(), ssl.SSLWantReadError);
  const [p1, p2] = [new ssl.MemoryBIO(), new ssl.MemoryBIO()];
  const peer = server.wrap_bio(p1, p2, { server_side: true });
  p1.write(bad2.read());
  assert.throws(() => peer.do_handshake(), ssl.SSLWantReadError);
  bad1.write(p2.read());
  assert.throws(
    () => wrong.do_handshake(),
    (e) => e instanceof ssl.SSLCertVerificationError && e.verify_code === 62,
  );
});

test(`an SSLObject over a loopback socket talks to CPython's TLS server on ${RUNTIME}`, () =>
  scope(async (enter) => {
    if (!FFI) return;
    const py = enter(Program.python(
      String.raw`
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1])
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
tls = ctx.wrap_socket(conn, server_side=True)
tls.sendall(tls.recv(1024).upper())
tls.unwrap().close()
`,
      [cert("keycert3.pem")],
    ));
    const port = Number(await py.out.line());
    const sock = enter(await socket.create_connection(["127.0.0.1", port], 20));
    const [client] = contexts();
    const incoming = new ssl.MemoryBIO(), outgoing = new ssl.MemoryBIO();
    const obj = client.wrap_bio(incoming, outgoing, { server_hostname: "localhost" });
    /** CPython's ssl_io_loop(). */
    const loop = async <T>(fn: () => T): Promise<T> => {
      for (;;) {
        let want = false;
        let ret: T | undefined;
        try {
          ret = fn();
        } catch (e) {
          if (!(e instanceof ssl.SSLWantReadError)) throw e;
          want = true;
        }
        const out = outgoing.read();
        if (out.length) await sock.sendall(out);
        if (!want) return ret as T;
        const got = await sock.recv(32768);
        if (got.length) incoming.write(got);
        else incoming.write_eof();
      }
    };
    await loop(() => obj.do_handshake());
    await loop(() => obj.write(enc.encode("hello")));
    assert.equal(dec.decode(await loop(() => obj.read())), "HELLO");
    await loop(() => obj.unwrap());
    await py.done();
  }));
