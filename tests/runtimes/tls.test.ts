// Copyright 2026 the pysocket authors. MIT license.
// The cross-runtime suite, ssl: what the runtimes' TLS engines do
// differently (Deno's node:tls is built on rustls, Node's on OpenSSL,
// Bun's on BoringSSL) held to one behaviour, CPython's — cipher lists,
// verification codes, client certificates, ALPN, ragged ends, a TLS 1.2
// server refusing a client's certificate, and what a TLS socket raises
// once its peer is gone — with CPython's ssl and its test certificates as
// the peer. Where an engine cannot do what CPython does, the test checks
// the error that says so.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { join } from "node:path";
import { test } from "node:test";
import * as socket from "../../mod.ts";
import * as selectors from "../../selectors.ts";
import * as socketserver from "../../socketserver.ts";
import * as ssl from "../../ssl.ts";
import { Program, ROOT, RUNTIME, scope, tempDir } from "./_program.ts";
import { libsslSelected } from "../../_transport/ffi_load.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
/** CPython's test certificates (tests/fixtures/certdata/README.md). */
const CERTDATA = join(ROOT, "tests", "fixtures", "certdata");
const cert = (name: string) => join(CERTDATA, name);
/**
 * The engine SSLSockets run on: libssl (Deno's where the ffi permission is
 * granted, any runtime's with PYSOCKET_TLS=openssl), where every row below
 * is CPython's behaviour, or the runtime's node:tls (named by the runtime).
 */
const ENGINE = libsslSelected() ? "libssl" : RUNTIME;
/** Whether this runtime's TLS engine takes a cipher list (Deno's offers its own suites). */
const CIPHER_LISTS = ENGINE !== "deno";

/** A client context trusting CPython's test CA. */
function clientContext(): ssl.SSLContext {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.load_verify_locations(cert("pycacert.pem"));
  return ctx;
}

/** A server context with one of CPython's test certificates (`keycert3.pem`: localhost, signed by the test CA). */
function serverContext(certfile = "keycert3.pem"): ssl.SSLContext {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.load_cert_chain(cert(certfile));
  return ctx;
}

function listening(): socket.StreamSocket {
  return socket.create_server(["127.0.0.1", 0]);
}

const portOf = (s: socket.Socket) => (s.getsockname() as [string, number])[1];

/**
 * CPython's TLS server for one connection: `certfile`, the cipher list and
 * versions given; it prints its port, then what it saw of the handshake
 * (a JSON line), then echoes until end of stream.
 */
function pythonServer(options: { certfile?: string; ciphers?: string; close?: string } = {}) {
  return Program.python(
    String.raw`
import json, socket, ssl, sys
A = json.loads(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(A["certfile"])
if A.get("ciphers"): ctx.set_ciphers(A["ciphers"])
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
try:
    s = ctx.wrap_socket(conn, server_side=True)
except Exception as e:
    print(json.dumps({"error": str(e)}), flush=True)
    sys.exit(0)
print(json.dumps({"cipher": s.cipher()}), flush=True)
if A.get("close") == "ragged":
    s.sendall(b"bye")
    s.close()  # no close_notify
elif A.get("close") == "notify":
    s.sendall(b"bye")
    s.unwrap().close()
elif A.get("close") == "unwrap":
    s.sendall(b"bye")
    plain = s.unwrap()  # close_notify both ways, then the clear
    plain.sendall(b"PLAIN-AFTER")
    plain.close()
else:
    while True:
        d = s.recv(65536)
        if not d: break
        s.sendall(d)
`,
    [JSON.stringify({ ...options, certfile: cert(options.certfile ?? "keycert3.pem") })],
  );
}

test(`SSLSockets run on libssl where FFI runs (Deno with the ffi permission, Bun), on the runtime's node:tls elsewhere or with PYSOCKET_TLS=node, on ${RUNTIME}`, () => {
  const asked = process.env.PYSOCKET_TLS;
  const ffi = RUNTIME === "bun" ||
    (RUNTIME === "deno" && Deno.permissions.querySync({ name: "ffi" }).state === "granted");
  assert.equal(ENGINE, asked === "openssl" || (asked !== "node" && ffi) ? "libssl" : RUNTIME);
});

test(`SSLContext.set_ciphers() with a ChaCha20-only list gets ChaCha20 over TLS 1.2 from CPython on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const py = enter(pythonServer());
    const port = Number(await py.out.line());
    const ctx = clientContext();
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2;
    ctx.set_ciphers("ECDHE-RSA-CHACHA20-POLY1305");
    assert.deepEqual(ctx.get_ciphers().filter((c) => c.protocol !== "TLSv1.3").map((c) => c.name), [
      "ECDHE-RSA-CHACHA20-POLY1305",
    ]);
    const raw = enter(await socket.create_connection(["127.0.0.1", port]));
    if (CIPHER_LISTS) {
      const tls = enter(await ctx.wrap_socket(raw, { server_hostname: "localhost" }));
      assert.deepEqual(tls.cipher(), ["ECDHE-RSA-CHACHA20-POLY1305", "TLSv1.2", 256]);
      const seen = JSON.parse(await py.out.line());
      assert.deepEqual(seen.cipher, tls.cipher()); // as CPython's server saw it
    } else {
      // Deno's node:tls (rustls) offers its own suites whatever the list:
      // CPython's server picks AES-256-GCM, which the list excludes, and the
      // connection fails saying why.
      await assert.rejects(ctx.wrap_socket(raw, { server_hostname: "localhost" }), (e) => {
        assert.ok(e instanceof ssl.SSLError, String(e));
        assert.equal(e.reason, "NO_SHARED_CIPHER");
        assert.match(e.message, /offers its own cipher suites whatever set_ciphers\(\) says/);
        assert.match(e.message, /ECDHE-RSA-AES256-GCM-SHA384/);
        return true;
      });
    }
  }));

test(`SSLContext.set_ciphers() with a list that matches nothing raises SSLError from set_ciphers() on ${RUNTIME}`, () => {
  const ctx = clientContext();
  for (const bad of ["^$:,;?*'dorothyx", "NOPE", "TLS_AES_128_GCM_SHA256", "RSA:!kRSA"]) {
    assert.throws(() => ctx.set_ciphers(bad), (e) => {
      assert.ok(e instanceof ssl.SSLError, String(e));
      assert.equal(e.message, "No cipher can be selected."); // CPython's words
      return true;
    });
  }
  // The list in force is still the one before.
  assert.equal(ctx.get_ciphers()[3].name, "ECDHE-ECDSA-AES256-GCM-SHA384");
});

test(`SSLContext.set_ciphers("ECDHE:ECDSA:!NULL:!aRSA") connects to CPython's ECDSA server over TLS 1.2 on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const py = enter(pythonServer({ certfile: "keycertecc.pem" }));
    const port = Number(await py.out.line());
    const ctx = clientContext();
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2;
    ctx.set_ciphers("ECDHE:ECDSA:!NULL:!aRSA");
    const raw = enter(await socket.create_connection(["127.0.0.1", port]));
    const tls = enter(await ctx.wrap_socket(raw, { server_hostname: "localhost-ecc" }));
    assert.match(tls.cipher()![0], /^ECDHE-ECDSA-/);
    assert.equal(tls.version(), "TLSv1.2");
    assert.deepEqual(tls.getpeercert()!.subject!.at(-1), [["commonName", "localhost-ecc"]]);
  }));

test(`SSLContext.wrap_socket() raises SSLCertVerificationError 10 for an expired certificate, as CPython, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const py = enter(pythonServer({ certfile: "keycert_expired.pem" }));
    const port = Number(await py.out.line());
    const raw = enter(await socket.create_connection(["127.0.0.1", port]));
    await assert.rejects(
      clientContext().wrap_socket(raw, { server_hostname: "localhost" }),
      (e) => {
        assert.ok(e instanceof ssl.SSLCertVerificationError, String(e));
        assert.equal(e.verify_code, 10);
        assert.equal(e.verify_message, "certificate has expired");
        assert.equal(
          e.message,
          "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired",
        );
        return true;
      },
    );
  }));

/**
 * Our server with `verifyMode` serves one client of ours presenting
 * `clientCert` (or none); what each side got.
 */
async function clientCertificate(
  verifyMode: number,
  clientCert: string | null,
  maxVersion: number = ssl.TLSVersion.MAXIMUM_SUPPORTED,
): Promise<{ server: unknown; client: unknown }> {
  const sctx = serverContext();
  sctx.verify_mode = verifyMode;
  sctx.load_verify_locations(cert("pycacert.pem"));
  const cctx = clientContext();
  cctx.maximum_version = maxVersion;
  if (clientCert !== null) cctx.load_cert_chain(cert(clientCert));
  return await scope(async (enter) => {
    const srv = enter(listening());
    const served = srv.accept().then(async ([raw]) => {
      try {
        const tls = enter(await sctx.wrap_socket(raw, { server_side: true }));
        const peer = tls.getpeercert();
        await tls.sendall(enc.encode("ok"));
        return { peer };
      } catch (e) {
        raw.close();
        return { error: e };
      }
    });
    let client: unknown;
    try {
      const raw = enter(await socket.create_connection(["127.0.0.1", portOf(srv)]));
      const tls = enter(await cctx.wrap_socket(raw, { server_hostname: "localhost" }));
      client = { got: dec.decode(await tls.recv(2)) };
    } catch (e) {
      client = { error: e };
    }
    return { server: await served, client };
  });
}

test(`SSLContext with CERT_OPTIONAL on the server side serves a client that sends no certificate on ${RUNTIME}`, async () => {
  const { server, client } = await clientCertificate(ssl.CERT_OPTIONAL, null);
  assert.deepEqual(server, { peer: null });
  assert.deepEqual(client, { got: "ok" });
});

test(`SSLContext with CERT_REQUIRED on the server side accepts a client certificate that verifies on ${RUNTIME}`, async () => {
  const { server, client } = await clientCertificate(ssl.CERT_REQUIRED, "keycert3.pem");
  assert.deepEqual(client, { got: "ok" });
  const { peer } = server as { peer: ssl.PeerCertificate };
  assert.deepEqual(peer.subject!.at(-1), [["commonName", "localhost"]]);
  assert.deepEqual(peer.crlDistributionPoints, [
    "http://testca.pythontest.net/testca/revocation.crl",
  ]);
});

test(`SSLContext over TLS 1.2: a server refusing the client's certificate fails the client's handshake with the alert on ${RUNTIME}`, async () => {
  // keycert.pem is self-signed: the server's CA did not sign it.
  const { server, client } = await clientCertificate(
    ssl.CERT_REQUIRED,
    "keycert.pem",
    ssl.TLSVersion.TLSv1_2,
  );
  const serverError = (server as { error: ssl.SSLCertVerificationError }).error;
  assert.ok(serverError instanceof ssl.SSLCertVerificationError, String(serverError));
  assert.equal(serverError.verify_code, 18);
  // As CPython's client: wrap_socket() (the handshake) fails, with OpenSSL's words for the alert.
  const clientError = (client as { error: ssl.SSLError }).error;
  assert.ok(clientError instanceof ssl.SSLError, String(clientError));
  assert.equal(clientError.reason, "TLSV1_ALERT_UNKNOWN_CA");
  assert.equal(clientError.message, "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca");
});

test(`SSLContext.set_alpn_protocols() with no protocol in common connects, both sides with no ALPN protocol, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const sctx = serverContext();
    sctx.set_alpn_protocols(["foo", "bar"]);
    const cctx = clientContext();
    cctx.set_alpn_protocols(["baz"]);
    const srv = enter(listening());
    const served = srv.accept().then(async ([raw]) => {
      const tls = enter(await sctx.wrap_socket(raw, { server_side: true }));
      return tls.selected_alpn_protocol();
    });
    const raw = enter(await socket.create_connection(["127.0.0.1", portOf(srv)]));
    const tls = enter(await cctx.wrap_socket(raw, { server_hostname: "localhost" }));
    assert.equal(tls.selected_alpn_protocol(), null);
    assert.equal(await served, null);
  }));

for (
  const [how, ragged] of [["without close_notify", true], ["with close_notify", false]] as const
) {
  test(`SSLSocket.recv() with suppress_ragged_eofs false, CPython closing ${how}: ${ragged ? "SSLEOFError" : "end of stream"} on ${RUNTIME}`, () =>
    scope(async (enter) => {
      const py = enter(pythonServer({ close: ragged ? "ragged" : "notify" }));
      const port = Number(await py.out.line());
      const raw = enter(await socket.create_connection(["127.0.0.1", port]));
      const tls = enter(
        await clientContext().wrap_socket(raw, {
          server_hostname: "localhost",
          suppress_ragged_eofs: false,
        }),
      );
      await py.out.line();
      assert.equal(dec.decode(await tls.recv(3, socket.MSG_WAITALL)), "bye");
      if (ragged) {
        await assert.rejects(tls.recv(10), (e) => {
          assert.ok(e instanceof ssl.SSLEOFError, String(e));
          assert.equal(e.errno, ssl.SSL_ERROR_EOF);
          assert.equal(e.reason, "UNEXPECTED_EOF_WHILE_READING");
          return true;
        });
      } else {
        assert.equal((await tls.recv(10)).length, 0);
      }
    }));
}

test(`SSLSocket.unwrap() ends TLS with CPython's server and hands back the plain socket, the clear text after it intact, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const py = enter(pythonServer({ close: "unwrap" }));
    const port = Number(await py.out.line());
    const raw = enter(await socket.create_connection(["127.0.0.1", port]));
    const tls = enter(await clientContext().wrap_socket(raw, { server_hostname: "localhost" }));
    await py.out.line();
    assert.equal(dec.decode(await tls.recv(3, socket.MSG_WAITALL)), "bye");
    const plain = await tls.unwrap(); // the same socket, now plain
    assert.equal(plain, tls);
    assert.equal(tls.version(), null);
    let got = "";
    for (let d = await plain.recv(100); d.length > 0; d = await plain.recv(100)) {
      got += dec.decode(d);
    }
    assert.equal(got, "PLAIN-AFTER");
  }));

test(`SSLContext.wrap_socket(server_side) refuses plain HTTP with CPython's HTTP_REQUEST on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(listening());
    const served = srv.accept().then(async ([raw]) => {
      try {
        await serverContext().wrap_socket(raw, { server_side: true });
      } catch (e) {
        return e;
      } finally {
        raw.close();
      }
    });
    const plain = enter(await socket.create_connection(["127.0.0.1", portOf(srv)]));
    await plain.sendall(enc.encode("GET / HTTP/1.0\r\n\r\n"));
    const e = await served;
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.reason, "HTTP_REQUEST");
    assert.equal(e.library, "SSL");
    assert.equal(e.message, "[SSL: HTTP_REQUEST] http request");
  }));

test(`SSLSocket in a selectors server: a non-blocking send() after the client left raises ConnectionError or SSLError, not EIO, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(await serverContext().wrap_socket(listening(), { server_side: true }));
    const sel = enter(new selectors.DefaultSelector());
    const client = (async () => {
      const raw = await socket.create_connection(["127.0.0.1", portOf(srv)]);
      const tls = await clientContext().wrap_socket(raw, { server_hostname: "localhost" });
      try {
        await tls.sendall(enc.encode("hello"));
        assert.equal(dec.decode(await tls.recv(5, socket.MSG_WAITALL)), "HELLO");
      } finally {
        tls.close();
      }
    })();
    const [conn] = await srv.accept();
    enter(conn);
    conn.setblocking(false);
    sel.register(conn, selectors.EVENT_READ);
    let failure: unknown = null;
    for (let round = 0; round < 200 && failure === null; round++) {
      await sel.select(5);
      let data: Uint8Array;
      try {
        data = await conn.recv(1024);
      } catch (e) {
        if (e instanceof ssl.SSLWantReadError) continue;
        failure = e;
        break;
      }
      // Echo in capitals; once the client is gone, keep sending (more than
      // a non-blocking send hands over at once) until refused.
      const reply = data.length
        ? enc.encode(dec.decode(data).toUpperCase())
        : new Uint8Array(1 << 20);
      try {
        await conn.send(reply);
      } catch (e) {
        if (e instanceof ssl.SSLWantWriteError) continue;
        failure = e;
      }
      if (data.length === 0) {
        await client;
        sel.unregister(conn);
        for (let i = 0; i < 100 && failure === null; i++) {
          await conn.send(reply).catch((e) => failure = e);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      }
    }
    await client;
    assert.ok(failure !== null, "the send after the client left fails");
    assert.ok(
      failure instanceof socket.ConnectionError || failure instanceof ssl.SSLError,
      `${failure} (errno ${(failure as socket.OSError).errno})`,
    );
  }));

test(`SSLSocket: a TLS server's handler stuck in sendall() to a client that stopped reading ends once its socket is closed on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const requests: socket.StreamSocket[] = [];
    let failed!: (e: unknown) => void;
    const handlerFailed = new Promise((resolve) => failed = resolve);
    class Flood extends socketserver.BaseRequestHandler {
      override async handle(): Promise<void> {
        requests.push(this.request as socket.StreamSocket);
        try {
          // Far more than the connection's buffers hold: it waits on the client.
          await this.request.sendall(new Uint8Array(64 << 20));
          failed(null);
        } catch (e) {
          failed(e);
        }
      }
    }
    const server = enter(new socketserver.ThreadingTCPServer(["127.0.0.1", 0], Flood));
    // The listening socket wrapped: each request is an SSLSocket.
    server.socket = await serverContext().wrap_socket(server.socket, { server_side: true });
    const serving = server.serve_forever(0.05);
    // CPython's client reads a little, then no more, until its input ends.
    const py = enter(Program.python(
      String.raw`
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        s.recv(1)
        print("read", flush=True)
        sys.stdin.read()
`,
      [String((server.server_address as [string, number])[1]), cert("pycacert.pem")],
    ));
    assert.equal(await py.out.line(), "read");
    assert.ok(requests[0] instanceof ssl.SSLSocket);
    requests[0].close();
    const e = await handlerFailed;
    assert.ok(e instanceof socket.OSError, String(e));
    assert.equal((e as socket.OSError).errno, socket.errno.EBADF);
    server.shutdown();
    await serving;
    await py.done();
  }));

/** One connection between our server and client; each side's `probe` of its socket, or its error. */
async function ours<S, C>(
  sctx: ssl.SSLContext,
  cctx: ssl.SSLContext,
  server: (s: ssl.SSLSocket) => S,
  client: (s: ssl.SSLSocket) => C,
  session: ssl.SSLSession | null = null,
): Promise<{ server: S | { error: unknown }; client: C | { error: unknown } }> {
  return await scope(async (enter) => {
    const srv = enter(listening());
    const served = srv.accept().then(async ([raw]) => {
      try {
        const tls = enter(await sctx.wrap_socket(raw, { server_side: true }));
        const got = server(tls);
        await tls.sendall(enc.encode("x")); // a TLS 1.3 ticket comes before it
        return got;
      } catch (e) {
        raw.close();
        return { error: e };
      }
    });
    let got: C | { error: unknown };
    try {
      const raw = enter(await socket.create_connection(["127.0.0.1", portOf(srv)]));
      const tls = enter(await cctx.wrap_socket(raw, { server_hostname: "localhost", session }));
      await tls.recv(1);
      got = client(tls);
    } catch (e) {
      got = { error: e };
    }
    return { server: await served, client: got };
  });
}

test(`SSLSocket.session resumes a TLS 1.2 session with the same context (not on Deno, whose engine resumes none with its own CAs) on ${RUNTIME}`, async () => {
  const sctx = serverContext();
  const cctx = clientContext();
  cctx.maximum_version = ssl.TLSVersion.TLSv1_2;
  const first = await ours(
    sctx,
    cctx,
    (s) => s.session_reused,
    (s) => [s.session, s.session_reused],
  );
  const [session, reused] = first.client as [ssl.SSLSession, boolean];
  assert.equal(reused, false);
  assert.ok(session instanceof ssl.SSLSession);
  assert.ok(session.id.length > 0);
  const again = await ours(
    sctx,
    cctx,
    (s) => s.session_reused,
    (s) => [s.session, s.session_reused],
    session,
  );
  const [session2, reused2] = again.client as [ssl.SSLSession, boolean];
  const resumes = ENGINE !== "deno";
  assert.equal(reused2, resumes);
  assert.equal(again.server, resumes);
  if (resumes) {
    assert.ok(session2.equals(session)); // CPython: session2 == session
    assert.equal(sctx.session_stats().hits, 1);
  }
  assert.equal(sctx.session_stats().accept, 2);
});

test(`SSLContext.keylog_filename gets CPython's header and the secrets of each handshake (not on Deno) on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const dir = enter(tempDir());
    const path = join(dir.path, "keys.txt");
    const cctx = clientContext();
    if (ENGINE === "deno") {
      assert.throws(() => cctx.keylog_filename = path, (e) => {
        assert.ok(e instanceof socket.NotImplementedError, String(e));
        assert.match(e.message, /gives no TLS key log/);
        return true;
      });
      return;
    }
    assert.throws(() => cctx.keylog_filename = dir.path, (e) => {
      assert.ok(e instanceof socket.OSError, String(e));
      assert.equal(e.errno, 21); // Python's IsADirectoryError
      return true;
    });
    cctx.keylog_filename = path;
    assert.equal(cctx.keylog_filename, path);
    assert.equal(
      readFileSync(path, "utf8"),
      "# TLS secrets log file, generated by OpenSSL / Python\n",
    );
    await ours(serverContext(), cctx, () => null, () => null);
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    // The header and TLS 1.3's five secrets, as CPython's test_keylog_filename counts them.
    assert.equal(lines.length, 6, lines.join("\n"));
    assert.ok(
      lines.slice(1).every((l) => /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/.test(l)),
      lines.join("\n"),
    );
  }));

test(`SSLSocket.get_channel_binding("tls-unique") agrees on both sides over TLS 1.2 (an error naming the engine on Deno) on ${RUNTIME}`, async () => {
  const cctx = clientContext();
  cctx.maximum_version = ssl.TLSVersion.TLSv1_2;
  const cb = (s: ssl.SSLSocket) => {
    try {
      return s.get_channel_binding("tls-unique");
    } catch (e) {
      return e;
    }
  };
  const { server, client } = await ours(serverContext(), cctx, cb, cb);
  if (ENGINE !== "deno") {
    assert.ok(client instanceof Uint8Array, String(client));
    assert.equal(client.length, 12); // a TLS 1.2 Finished's verify_data
    assert.deepEqual(server, client);
  } else {
    for (const e of [server, client]) {
      assert.ok(e instanceof socket.NotImplementedError, String(e));
      assert.match(e.message, /does not give the handshake's Finished messages/);
    }
  }
});

test(`SSLContext.load_dh_params() serves DHE suites over TLS 1.2 (an error where the engine has none) on ${RUNTIME}`, async () => {
  const sctx = serverContext();
  sctx.load_dh_params(cert("ffdh3072.pem"));
  sctx.set_ciphers("kEDH");
  const cctx = clientContext();
  cctx.maximum_version = ssl.TLSVersion.TLSv1_2;
  cctx.set_ciphers("kEDH");
  const { client } = await ours(sctx, cctx, () => null, (s) => s.cipher());
  if (ENGINE === "node" || ENGINE === "libssl") {
    assert.ok(Array.isArray(client), String((client as { error: unknown }).error));
    assert.match(client[0], /^DHE-RSA-/);
  } else {
    const e = (client as { error: unknown }).error;
    assert.ok(e instanceof ssl.SSLError, String(e));
  }
});

test(`SSLSocket.verify_client_post_handshake() raises NotImplementedError naming the engine, runs on libssl (ValueError on a client) on ${RUNTIME}`, async () => {
  const sctx = serverContext();
  sctx.post_handshake_auth = true;
  const cctx = clientContext();
  cctx.post_handshake_auth = true;
  const pha = (s: ssl.SSLSocket) => s.verify_client_post_handshake().catch((e) => e);
  const { server, client } = await ours(sctx, cctx, pha, pha);
  assert.ok(await client instanceof socket.ValueError, String(await client));
  const e = await server;
  if (ENGINE === "libssl") {
    // OpenSSL's refusal, as CPython's: a server with CERT_NONE asks for no certificate.
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.reason, "INVALID_CONFIG");
    return;
  }
  assert.ok(e instanceof socket.NotImplementedError, String(e));
  assert.match(e.message, /has no TLS 1\.3 post-handshake authentication/);
});
