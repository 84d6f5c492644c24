// Copyright 2026 the pysocket authors. MIT license.
// What CPython's Lib/test/test_ssl.py checks over a connection —
// SimpleBackgroundTests, ThreadedTests, TestPostHandshakeAuth,
// TestPreHandshakeClose — in our words, with CPython's ssl as the peer
// where what it sees matters, on CPython's own test certificates
// (tests/fixtures/certdata/). Deno's TLS engine is rustls: where it cannot
// do what CPython's OpenSSL does, the test checks the error that says so
// (README's ssl table lists them).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import * as ssl from "../ssl.ts";
import { dec, enc, type Started, startPython, tempDir } from "./_helpers.ts";
import { cert, CERTDATA, clientContext, serverContext } from "./_certdata.ts";
import { libsslSelected } from "../_transport/ffi_load.ts";

/**
 * One connection between a server and a client of ours: `server` and
 * `client` run on each side's socket; what each returned or threw.
 */
async function connection<S, C>(
  sctx: ssl.SSLContext,
  cctx: ssl.SSLContext,
  server: (s: ssl.SSLSocket) => Promise<S>,
  client: (s: ssl.SSLSocket) => Promise<C>,
  hostname: string | null = "localhost",
): Promise<{ server: S | { error: unknown }; client: C | { error: unknown } }> {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const served = srv.accept().then(async ([raw]) => {
    try {
      using tls = await sctx.wrap_socket(raw, { server_side: true });
      return await server(tls);
    } catch (e) {
      raw.close();
      return { error: e };
    }
  });
  let got: C | { error: unknown };
  try {
    using raw = await socket.create_connection(srv.getsockname() as [string, number]);
    using tls = await cctx.wrap_socket(raw, { server_hostname: hostname });
    got = await client(tls);
  } catch (e) {
    got = { error: e };
  }
  return { server: await served, client: got };
}

/** The error a side threw (the test fails when it did not). */
function errorOf(side: unknown): Error {
  assert.ok(
    side && typeof side === "object" && "error" in side,
    `no error: ${JSON.stringify(side)}`,
  );
  return (side as { error: Error }).error;
}

/** CPython's TLS server for one connection (its first line: the port); `body` runs on the wrapped socket `s`. */
function pythonServer(body: string, args: Record<string, unknown> = {}): Promise<Started> {
  return startPython(
    String.raw`
import json, socket, ssl, sys
A = json.loads(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(A.get("certfile") or A["certdata"] + "/keycert3.pem")
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
def out(v):
    print(json.dumps(v), flush=True)
` + body,
    [JSON.stringify({ certdata: CERTDATA, ...args })],
  );
}

/** CPython's TLS client of `port` (trusting the test CA); `body` runs on the wrapped socket `s`. */
function pythonClient(port: number, body: string, hostname = "localhost"): Promise<Started> {
  return startPython(
    String.raw`
import json, socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(sys.argv[2] + "/pycacert.pem")
def out(v):
    print(json.dumps(v), flush=True)
print("go", flush=True)
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
    with ctx.wrap_socket(raw, server_hostname=sys.argv[3]) as s:
` + body.split("\n").map((l) => `        ${l}`).join("\n"),
    [String(port), CERTDATA, hostname],
  );
}

// ---- SimpleBackgroundTests

Deno.test("get_server_certificate() returns CPython's server's certificate; with ca_certs it is verified", async () => {
  for (
    const [caCerts, ok] of [[null, true], [cert("pycacert.pem"), true], [
      cert("keycert.pem"),
      false,
    ]] as const
  ) {
    await using py = await pythonServer(`
try:
    s = ctx.wrap_socket(conn, server_side=True)
    s.close()
except ssl.SSLError:
    pass
`);
    const port = Number(py.line);
    const got = ssl.get_server_certificate(["localhost", port], { ca_certs: caCerts });
    if (ok) {
      const pem = await got;
      assert.deepEqual(
        ssl.PEM_cert_to_DER_cert(pem),
        ssl.PEM_cert_to_DER_cert(Deno.readTextFileSync(cert("keycert3.pem"))),
      );
    } else {
      await assert.rejects(got, ssl.SSLCertVerificationError);
    }
    await py.wait();
  }
});

Deno.test("SSLSocket.getpeercert() and do_handshake() before connecting raise ENOTCONN; get_channel_binding() of an unknown type raises ValueError", async () => {
  using tls = await clientContext().wrap_socket(socket.socket(), { server_hostname: "localhost" });
  assert.throws(
    () => tls.getpeercert(),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.ENOTCONN,
  );
  await assert.rejects(
    tls.do_handshake(),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.ENOTCONN,
  );
  assert.throws(() => tls.get_channel_binding("unknown-type"), socket.ValueError);
  assert.equal(tls.get_channel_binding("tls-unique"), null);
  assert.equal(tls.session, null);
  assert.equal(tls.session_reused, null);
  assert.equal(tls.version(), null);
  assert.equal(tls.cipher(), null);
  assert.equal(tls.shared_ciphers(), null);
});

// ---- ThreadedTests

Deno.test("SSLSocket.read(), write(), recv() with its default of 1024, send(b'') and version() after close() behave as CPython's", async () => {
  await using py = await pythonServer(`
s = ctx.wrap_socket(conn, server_side=True)
s.sendall(b"x" * 2000)
out(s.recv(5).decode())
s.close()
`);
  using raw = await socket.create_connection(["127.0.0.1", Number(py.line)]);
  const tls = await clientContext().wrap_socket(raw, { server_hostname: "localhost" });
  assert.equal(await tls.send(new Uint8Array(0)), 0);
  const first = await tls.recv(); // 1024 at most, as CPython's default
  assert.ok(first.length > 0 && first.length <= 1024, String(first.length));
  const buf = new Uint8Array(4096);
  let n = first.length;
  while (n < 2000) n += await tls.read(4096 - n, buf.subarray(n));
  assert.equal(n, 2000);
  assert.equal(await tls.write(enc.encode("hello")), 5);
  assert.equal(await py.readLine(), '"hello"');
  assert.equal((await tls.read()).length, 0); // end of stream
  assert.equal(tls.version(), "TLSv1.3");
  tls.close();
  assert.equal(tls.version(), null); // CPython: None once closed
  assert.equal(tls.cipher(), null);
  await assert.rejects(tls.read(), (e) => {
    assert.ok(e instanceof socket.ValueError, String(e));
    assert.equal(e.message, "Read on closed or unwrapped SSL socket.");
    return true;
  });
  await assert.rejects(tls.write(enc.encode("x")), socket.ValueError);
  await py.wait();
});

Deno.test("SSLContext.check_hostname with hostname_checks_common_name: a certificate with no DNS name matches by its common name only when on", async () => {
  // nosan.pem names "nosan" in its common name only.
  for (const onCN of [true, false]) {
    const cctx = clientContext();
    cctx.hostname_checks_common_name = onCN;
    const { client } = await connection(
      serverContext("nosan.pem"),
      cctx,
      () => Promise.resolve(null),
      (s) => Promise.resolve(s.getpeercert()!.subject),
      "nosan",
    );
    if (onCN) assert.ok(Array.isArray(client), String(client));
    else {
      const e = errorOf(client);
      assert.ok(e instanceof ssl.SSLCertVerificationError, String(e));
      assert.equal(e.verify_code, 62);
      assert.equal(e.verify_message, "Hostname mismatch, certificate is not valid for 'nosan'.");
    }
  }
});

Deno.test("SSLContext.verify_flags VERIFY_CRL_CHECK_LEAF needs the CA's revocation list, as CPython's test_crl_check", async () => {
  const cctx = clientContext();
  cctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF;
  const run = () =>
    connection(
      serverContext(),
      cctx,
      () => Promise.resolve(null),
      (s) => Promise.resolve(s.version()),
    );
  const without = await run();
  const e = errorOf(without.client);
  assert.ok(e instanceof ssl.SSLCertVerificationError, String(e));
  assert.equal(e.verify_code, 3);
  assert.equal(e.verify_message, "unable to get certificate CRL");
  cctx.load_verify_locations(cert("revocation.crl"));
  assert.equal(cctx.cert_store_stats().crl, 1);
  const withCrl = await run();
  assert.equal(withCrl.client, "TLSv1.3");
});

Deno.test("SSLContext.check_hostname with an IDN server_hostname verifies CPython's IDN certificate", async () => {
  // idnsans.pem carries xn--knig-5qa.idn.pythontest.net: asked for as könig.idn.pythontest.net.
  const { client, server } = await connection(
    serverContext("idnsans.pem"),
    clientContext(),
    (s) => Promise.resolve(s.version()),
    (s) => Promise.resolve([s.server_hostname, s.getpeercert()!.subject!.at(-1)]),
    "könig.idn.pythontest.net",
  );
  assert.deepEqual(client, ["xn--knig-5qa.idn.pythontest.net", [["commonName", "idnsans"]]]);
  // The chain as verified: the server's certificate, then the test CA.
  const chains = await connection(
    serverContext(),
    clientContext(),
    () => Promise.resolve(null),
    (s) => Promise.resolve([s.get_verified_chain()!, s.get_unverified_chain()!]),
  );
  const [verified, sent] = chains.client as Uint8Array[][];
  assert.deepEqual(verified, [
    ssl.PEM_cert_to_DER_cert(Deno.readTextFileSync(cert("keycert3.pem"))),
    ssl.PEM_cert_to_DER_cert(Deno.readTextFileSync(cert("pycacert.pem"))),
  ]);
  assert.deepEqual(sent[0], verified[0]); // the peer's own first
  assert.equal(server, "TLSv1.3");
  // A name the certificate does not carry.
  const other = await connection(
    serverContext("idnsans.pem"),
    clientContext(),
    () => Promise.resolve(null),
    () => Promise.resolve(null),
    "königsgäßchen.idna2008.pythontest.net",
  );
  assert.ok(errorOf(other.client) instanceof ssl.SSLCertVerificationError);
});

Deno.test("SSLSocket with CPython's ECDSA certificate, and an ECDSA-only cipher list over TLS 1.2", async () => {
  const cctx = clientContext();
  cctx.maximum_version = ssl.TLSVersion.TLSv1_2;
  cctx.set_ciphers("ECDHE:ECDSA:!NULL:!aRSA");
  const { client } = await connection(
    serverContext("keycertecc.pem"),
    cctx,
    () => Promise.resolve(null),
    (s) => Promise.resolve(s.cipher()),
    "localhost-ecc",
  );
  assert.ok(Array.isArray(client), JSON.stringify(client));
  assert.match(client[0], /^ECDHE-ECDSA-AES(128|256)-GCM-SHA(256|384)$/);
  assert.equal(client[1], "TLSv1.2");
});

Deno.test("SSLContext over TLS 1.2: CPython's client sees its certificate refused in the handshake (tlsv1 alert unknown ca)", async () => {
  const sctx = serverContext();
  sctx.verify_mode = ssl.CERT_REQUIRED;
  sctx.load_verify_locations(cert("pycacert.pem"));
  using srv = socket.create_server(["127.0.0.1", 0]);
  await using py = await startPython(
    String.raw`
import json, socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(sys.argv[2] + "/pycacert.pem")
ctx.load_cert_chain(sys.argv[2] + "/keycert.pem")  # self-signed: the server's CA did not sign it
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
print("go", flush=True)
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
    try:
        ctx.wrap_socket(raw, server_hostname="localhost")
        print(json.dumps("connected"))
    except ssl.SSLError as e:
        print(json.dumps([e.reason, e.library]))
`,
    [String((srv.getsockname() as [string, number])[1]), CERTDATA],
  );
  const [raw] = await srv.accept();
  await assert.rejects(sctx.wrap_socket(raw, { server_side: true }), (e) => {
    assert.ok(e instanceof ssl.SSLCertVerificationError, String(e));
    assert.equal(e.verify_code, 18);
    assert.equal(e.verify_message, "self-signed certificate");
    return true;
  });
  assert.deepEqual(JSON.parse((await py.readLine())!), ["TLSV1_ALERT_UNKNOWN_CA", "SSL"]);
});

Deno.test("SSLContext.set_ciphers() with no suite in common over TLS 1.2 fails the handshake (no shared cipher)", async () => {
  const cctx = clientContext();
  cctx.maximum_version = ssl.TLSVersion.TLSv1_2;
  cctx.set_ciphers("AES128");
  const sctx = serverContext();
  sctx.set_ciphers("AES256");
  const { client, server } = await connection(
    sctx,
    cctx,
    () => Promise.resolve(null),
    () => Promise.resolve(null),
  );
  // Deno's engine offers its own suites on both sides: the one agreed on is
  // outside one side's list, and that side refuses it saying why (a server
  // with the alert OpenSSL's server sends, which fails the client's
  // handshake as CPython's).
  const errors = [server, client].filter((side) => side !== null).map(errorOf);
  assert.ok(errors.length > 0);
  for (const e of errors) {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.ok(["NO_SHARED_CIPHER", "SSLV3_ALERT_HANDSHAKE_FAILURE"].includes(e.reason!), e.reason!);
  }
  assert.ok(errors.some((e) => (e as ssl.SSLError).reason === "NO_SHARED_CIPHER"));
});

Deno.test("SSLSocket.shared_ciphers() lists on the server the suites the client offered that it has on, as CPython's test_shared_ciphers", async () => {
  const cctx = clientContext();
  cctx.set_ciphers("AES128:AES256");
  const sctx = serverContext();
  sctx.set_ciphers("AES256:eNULL");
  const { server, client } = await connection(
    sctx,
    cctx,
    (s) => Promise.resolve(s.shared_ciphers()),
    (s) => Promise.resolve(s.shared_ciphers()),
  );
  assert.equal(client, null); // a client's is None in CPython
  const ciphers = server as [string, string, number][];
  assert.ok(ciphers.length > 0);
  for (const [name, version, bits] of ciphers) {
    assert.ok(["AES256", "AES-256", "TLS_CHACHA20", "TLS_AES"].some((a) => name.includes(a)), name);
    // libssl names the protocol of suites older than TLS 1.2 "SSLv3", as CPython gives it.
    assert.ok(/^(TLSv1|SSLv3)/.test(version), version);
    assert.ok(bits >= 128);
  }
});

Deno.test("SSLSocket.version() and cipher() over TLS 1.3 and TLS 1.2, as CPython's test_version_basic and test_tls1_3", async () => {
  for (const max of [ssl.TLSVersion.MAXIMUM_SUPPORTED, ssl.TLSVersion.TLSv1_2]) {
    const cctx = clientContext();
    cctx.maximum_version = max;
    const { client } = await connection(
      serverContext(),
      cctx,
      () => Promise.resolve(null),
      (s) => Promise.resolve([s.version(), s.cipher(), s.compression()]),
    );
    const [version, cipher, compression] = client as [string, [string, string, number], null];
    assert.equal(compression, null);
    if (max === ssl.TLSVersion.TLSv1_2) {
      assert.equal(version, "TLSv1.2");
      assert.equal(cipher[1], "TLSv1.2");
    } else {
      assert.equal(version, "TLSv1.3");
      assert.ok(
        ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"]
          .includes(cipher[0]),
      );
      assert.equal(cipher[1], "TLSv1.3");
    }
  }
});

Deno.test("SSLSocket.get_channel_binding('tls-unique'): both sides' on libssl; Deno's node:tls gives no Finished message", async () => {
  const { client, server } = await connection(
    serverContext(),
    clientContext(),
    (s) => Promise.resolve().then(() => s.get_channel_binding("tls-unique")),
    (s) => Promise.resolve().then(() => s.get_channel_binding("tls-unique")),
  );
  if (libsslSelected()) {
    // The client's Finished (TLS 1.3, SHA-384: 48 bytes), the same on both sides.
    assert.ok(client instanceof Uint8Array && client.length >= 12, String(client));
    assert.deepEqual(server, client);
    return;
  }
  // Deno's node:tls (rustls) hands out a value of its own making, not the
  // Finished message: no tls-unique CPython's peer would agree with.
  const e = errorOf(client);
  assert.ok(e instanceof socket.NotImplementedError, String(e));
  assert.match(e.message, /does not give the handshake's Finished messages/);
});

Deno.test("SSLContext.set_alpn_protocols(): the server picks its first protocol the client offers, as CPython's test_alpn_protocols", async () => {
  const cases: [string[], string[], string | null][] = [
    [["http/1.1", "spdy/2"], ["http/1.1", "spdy/2"], "http/1.1"],
    [["spdy/2", "http/1.1"], ["http/1.1", "spdy/2"], "http/1.1"],
    [["spdy/2", "http/1.1"], ["spdy/2", "http/1.1"], "spdy/2"],
    [["foo", "bar"], ["http/1.1", "spdy/2"], null],
    [[], ["http/1.1"], null],
  ];
  for (const [client, server, expected] of cases) {
    const sctx = serverContext();
    sctx.set_alpn_protocols(server);
    const cctx = clientContext();
    if (client.length) cctx.set_alpn_protocols(client);
    const got = await connection(
      sctx,
      cctx,
      (s) => Promise.resolve(s.selected_alpn_protocol()),
      (s) => Promise.resolve(s.selected_alpn_protocol()),
    );
    assert.deepEqual(got, { server: expected, client: expected }, JSON.stringify([client, server]));
  }
});

/** test_ssl's sni_contexts(): the server's, another (keycert4.pem: fakehostname), the client's. */
function sniContexts(): [ssl.SSLContext, ssl.SSLContext, ssl.SSLContext] {
  const client = clientContext();
  client.check_hostname = false;
  return [serverContext(), serverContext("keycert4.pem"), client];
}

Deno.test("SSLContext.sni_callback sees the server name and may switch the socket's context, as CPython's test_sni_callback", async () => {
  const [server, other, client] = sniContexts();
  const calls: [string | null, ssl.SSLContext][] = [];
  server.set_servername_callback((sock, name, initial) => {
    calls.push([name, initial]);
    if (name !== null) sock.context = other;
  });
  const commonName = (s: ssl.SSLSocket) =>
    Promise.resolve(ssl.PEM_cert_to_DER_cert(ssl.DER_cert_to_PEM_cert(s.getpeercert(true)!)));
  const first = await connection(
    server,
    client,
    () => Promise.resolve(null),
    commonName,
    "supermessage",
  );
  assert.deepEqual(calls, [["supermessage", server]]);
  assert.deepEqual(
    first.client,
    ssl.PEM_cert_to_DER_cert(Deno.readTextFileSync(cert("keycert4.pem"))), // fakehostname's
  );
  calls.length = 0;
  const second = await connection(server, client, () => Promise.resolve(null), commonName, null);
  assert.deepEqual(calls, [[null, server]]);
  assert.deepEqual(
    second.client,
    ssl.PEM_cert_to_DER_cert(Deno.readTextFileSync(cert("keycert3.pem"))),
  );
  calls.length = 0;
  server.set_servername_callback(null);
  await connection(server, client, () => Promise.resolve(null), commonName, "notfunny");
  assert.deepEqual(calls, []);
});

Deno.test("SSLContext.sni_callback returning an alert, throwing or returning a wrong type fails the client with CPython's alerts", async () => {
  const cases: [ssl.ServernameCallback, string][] = [
    [() => ssl.ALERT_DESCRIPTION_ACCESS_DENIED, "TLSV1_ALERT_ACCESS_DENIED"],
    [() => {
      throw new Error("1/0");
    }, "SSLV3_ALERT_HANDSHAKE_FAILURE"],
    [() => "foo" as unknown as number, "TLSV1_ALERT_INTERNAL_ERROR"],
  ];
  for (const [callback, reason] of cases) {
    const [server, , client] = sniContexts();
    server.sni_callback = callback;
    const got = await connection(
      server,
      client,
      () => Promise.resolve(null),
      () => Promise.resolve(null),
      "supermessage",
    );
    const e = errorOf(got.client);
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.reason, reason);
    assert.ok(errorOf(got.server) instanceof ssl.SSLError);
  }
});

Deno.test("SSLSocket.session and session_reused: a session is read back and given again; Deno's engine resumes none with the test CA", async () => {
  const cctx = clientContext();
  cctx.maximum_version = ssl.TLSVersion.TLSv1_2;
  const sctx = serverContext();
  const info = (s: ssl.SSLSocket) =>
    Promise.resolve({ session: s.session, reused: s.session_reused });
  const first = await connection(sctx, cctx, () => Promise.resolve(null), info);
  const { session, reused } = first.client as { session: ssl.SSLSession; reused: boolean };
  assert.ok(session instanceof ssl.SSLSession);
  assert.ok(session.id.length > 0);
  assert.ok(session.time > 0);
  assert.ok(session.timeout > 0);
  assert.equal(reused, false);
  // Again, with the session (set before connecting).
  using srv = socket.create_server(["127.0.0.1", 0]);
  const served = srv.accept().then(async ([raw]) => {
    using tls = await sctx.wrap_socket(raw, { server_side: true });
    return tls.session_reused;
  });
  using tls = await cctx.wrap_socket(socket.socket(), { server_hostname: "localhost" });
  tls.session = session;
  await tls.connect(srv.getsockname());
  // rustls keys a session to the verifier it was made with, and Deno's
  // node:tls makes one per connection for CAs of the caller's: nothing
  // resumes (Node and Bun resume: tests/runtimes/tls.test.ts). libssl resumes, as CPython.
  const resumes = libsslSelected();
  assert.equal(tls.session_reused, resumes);
  assert.equal(await served, resumes);
  assert.equal(sctx.session_stats().accept, 2);
  assert.equal(sctx.session_stats().accept_good, 2);
  // Set after the handshake, or another context's: refused with CPython's errors.
  assert.throws(() => tls.session = session, (e) => {
    assert.ok(e instanceof socket.ValueError);
    assert.equal(e.message, "Cannot set session after handshake.");
    return true;
  });
  using other = await clientContext().wrap_socket(socket.socket(), {
    server_hostname: "localhost",
  });
  assert.throws(() => other.session = session, (e) => {
    assert.ok(e instanceof socket.ValueError);
    assert.equal(e.message, "Session refers to a different SSLContext.");
    return true;
  });
  assert.throws(() => other.session = {} as ssl.SSLSession, (e) => {
    assert.ok(e instanceof TypeError);
    assert.equal(e.message, "Value is not a SSLSession.");
    return true;
  });
});

// ---- TestPostHandshakeAuth

Deno.test("SSLContext.post_handshake_auth is kept; verify_client_post_handshake() runs on libssl, and node:tls says it performs none", async () => {
  const cctx = clientContext();
  cctx.post_handshake_auth = true;
  cctx.load_cert_chain(cert("keycert3.pem"));
  const sctx = serverContext();
  sctx.post_handshake_auth = true;
  sctx.verify_mode = ssl.CERT_REQUIRED;
  sctx.load_verify_locations(cert("pycacert.pem"));
  const { server, client } = await connection(
    sctx,
    cctx,
    (s) => s.verify_client_post_handshake().catch((e) => e),
    (s) => s.verify_client_post_handshake().catch((e) => e),
  );
  assert.ok(client instanceof socket.ValueError, String(client));
  if (libsslSelected()) {
    assert.equal(server, undefined); // asked: the request goes with the next write
    return;
  }
  assert.ok(server instanceof socket.NotImplementedError, String(server));
  assert.match(server.message, /no TLS 1\.3 post-handshake authentication/);
});

// ---- TestPreHandshakeClose

Deno.test("SSLContext.wrap_socket() as a client of a server that answers plain text raises SSLError from the handshake", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const served = srv.accept().then(async ([conn]) => {
    using _conn = conn;
    await conn.recv(1024); // the ClientHello
    await conn.sendall(enc.encode("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
  });
  using raw = await socket.create_connection(srv.getsockname() as [string, number]);
  await assert.rejects(clientContext().wrap_socket(raw, { server_hostname: "localhost" }), (e) => {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.reason, "WRONG_VERSION_NUMBER"); // as CPython's client says
    return true;
  });
  await served;
});

Deno.test("CPython's client talking to an SSLSocket server sends its data after the handshake; a peer closing before the hello gives SSLEOFError", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = (srv.getsockname() as [string, number])[1];
  // A client that hangs up before saying anything.
  const gone = socket.create_connection(["127.0.0.1", port]).then((s) => s.close());
  const [raw] = await srv.accept();
  await gone;
  await assert.rejects(serverContext().wrap_socket(raw, { server_side: true }), (e) => {
    assert.ok(e instanceof ssl.SSLEOFError, String(e));
    return true;
  });
  await using py = await pythonClient(
    port,
    `s.sendall(b"after the handshake")\nout(s.recv(100).decode())`,
  );
  const [conn] = await srv.accept();
  using tls = await serverContext().wrap_socket(conn, { server_side: true });
  const got = await tls.recv(100);
  assert.equal(dec.decode(got), "after the handshake");
  await tls.sendall(enc.encode("ok"));
  assert.equal(await py.readLine(), '"ok"');
});

// ---- TestSSLDebug (the key log): Deno's engine gives none.

Deno.test("create_default_context() with SSLKEYLOGFILE set leaves keylog_filename unset where the engine gives no key log", async () => {
  await using dir = await tempDir();
  Deno.env.set("SSLKEYLOGFILE", `${dir.path}/keys.txt`);
  try {
    // libssl gives a key log, and CPython sets it then.
    assert.equal(
      ssl.create_default_context().keylog_filename,
      libsslSelected() ? `${dir.path}/keys.txt` : null,
    );
  } finally {
    Deno.env.delete("SSLKEYLOGFILE");
  }
});
