// Copyright 2026 the pysocket authors. MIT license.
// TLS without a socket — ssl.MemoryBIO, SSLContext.wrap_bio(), SSLObject —
// as CPython's Lib/test/test_ssl.py checks it (MemoryBIOTests,
// SSLObjectTests, SimpleBackgroundTests' test_bio_*), in our words: two
// SSLObjects in one process shuttling bytes; our SSLObject driving a real
// loopback socket to CPython's TLS server; and a pipelining STARTTLS client
// ported from Python against `openssl s_server` behind a plaintext preamble.
// The engine is libssl through FFI (this suite runs with -A).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import * as ssl from "../ssl.ts";
import { concat, dec, enc, portOf, runDeno, startPython } from "./_helpers.ts";
import { cert, clientContext, serverContext } from "./_certdata.ts";

/** CPython's testing_context(): a client trusting the test CA, a server for "localhost". */
function testingContext(certfile = "keycert3.pem"): [ssl.SSLContext, ssl.SSLContext] {
  return [clientContext(), serverContext(certfile)];
}

/** A client and a server SSLObject over four MemoryBIOs. */
interface Pair {
  client: ssl.SSLObject;
  server: ssl.SSLObject;
  cIn: ssl.MemoryBIO;
  cOut: ssl.MemoryBIO;
  sIn: ssl.MemoryBIO;
  sOut: ssl.MemoryBIO;
  /** Moves what each side wrote to the other. */
  shuttle(): void;
}

function pair(
  clientCtx: ssl.SSLContext,
  serverCtx: ssl.SSLContext,
  options: { server_hostname?: string | null; session?: ssl.SSLSession | null } = {},
): Pair {
  const [cIn, cOut, sIn, sOut] = [0, 1, 2, 3].map(() => new ssl.MemoryBIO());
  const client = clientCtx.wrap_bio(cIn, cOut, { server_hostname: "localhost", ...options });
  const server = serverCtx.wrap_bio(sIn, sOut, { server_side: true });
  return {
    client,
    server,
    cIn,
    cOut,
    sIn,
    sOut,
    shuttle() {
      if (cOut.pending) sIn.write(cOut.read());
      if (sOut.pending) cIn.write(sOut.read());
    },
  };
}

/** Runs both handshakes to the end, as test_unwrap's loop; the first error that is not a want. */
function handshake(p: Pair): void {
  for (let i = 0; i < 10; i++) {
    let done = 0;
    for (const side of [p.client, p.server]) {
      try {
        side.do_handshake();
        done++;
      } catch (e) {
        if (!(e instanceof ssl.SSLWantReadError)) throw e;
      }
      p.shuttle();
    }
    if (done === 2) return;
  }
  throw new Error("the handshake did not settle");
}

const wants = (e: unknown) =>
  e instanceof ssl.SSLWantReadError && e.errno === ssl.SSL_ERROR_WANT_READ;

// ---- MemoryBIOTests

Deno.test("MemoryBIO.read() returns what was written, in order, up to n", () => {
  const bio = new ssl.MemoryBIO();
  bio.write(enc.encode("foo"));
  assert.deepEqual(bio.read(), enc.encode("foo"));
  assert.deepEqual(bio.read(), new Uint8Array(0));
  bio.write(enc.encode("foo"));
  bio.write(enc.encode("bar"));
  assert.deepEqual(bio.read(), enc.encode("foobar"));
  bio.write(enc.encode("baz"));
  assert.deepEqual(bio.read(2), enc.encode("ba"));
  assert.deepEqual(bio.read(1), enc.encode("z"));
  assert.deepEqual(bio.read(1), new Uint8Array(0));
});

Deno.test("MemoryBIO.eof is true once write_eof() was called and all is read", () => {
  const bio = new ssl.MemoryBIO();
  assert.equal(bio.eof, false);
  assert.deepEqual(bio.read(), new Uint8Array(0));
  assert.equal(bio.eof, false);
  bio.write(enc.encode("foo"));
  bio.write_eof();
  assert.equal(bio.eof, false);
  assert.deepEqual(bio.read(2), enc.encode("fo"));
  assert.equal(bio.eof, false);
  assert.deepEqual(bio.read(1), enc.encode("o"));
  assert.equal(bio.eof, true);
  assert.deepEqual(bio.read(), new Uint8Array(0));
  assert.equal(bio.eof, true);
});

Deno.test("MemoryBIO.pending counts the bytes held", () => {
  const bio = new ssl.MemoryBIO();
  assert.equal(bio.pending, 0);
  bio.write(enc.encode("foo"));
  assert.equal(bio.pending, 3);
  for (let i = 0; i < 3; i++) {
    bio.read(1);
    assert.equal(bio.pending, 3 - i - 1);
  }
  for (let i = 0; i < 3; i++) {
    bio.write(enc.encode("x"));
    assert.equal(bio.pending, i + 1);
  }
  bio.read();
  assert.equal(bio.pending, 0);
});

Deno.test("MemoryBIO.write() takes any bytes-like object, copies it, and returns the count", () => {
  const bio = new ssl.MemoryBIO();
  const data = new Uint8Array([1, 2, 3, 4]);
  assert.equal(bio.write(data), 4);
  data[0] = 9;
  assert.equal(bio.write(new DataView(data.buffer, 1, 2)), 2);
  assert.equal(bio.write(new Uint16Array([0x0102]).buffer), 2);
  assert.equal(bio.write(new Uint8Array(0)), 0);
  assert.deepEqual(bio.read(), new Uint8Array([1, 2, 3, 4, 2, 3, 2, 1]));
});

Deno.test("MemoryBIO.write() raises TypeError for what is not bytes, SSLError after write_eof()", () => {
  const bio = new ssl.MemoryBIO();
  for (const bad of ["foo", null, true, 1]) {
    assert.throws(() => bio.write(bad as unknown as Uint8Array), TypeError);
  }
  bio.write_eof();
  assert.throws(
    () => bio.write(enc.encode("x")),
    (e) => e instanceof ssl.SSLError && /after write_eof/.test(e.message),
  );
});

// ---- SSLObjectTests

Deno.test("SSLObject has no public constructor, as CPython's", () => {
  const bio = new ssl.MemoryBIO();
  assert.throws(
    () => new (ssl.SSLObject as unknown as new (...a: unknown[]) => unknown)(bio, bio),
    (e) => e instanceof TypeError && /public constructor/.test(e.message),
  );
});

Deno.test("wrap_bio() refuses a bad server_hostname, as CPython", () => {
  const ctx = ssl.create_default_context();
  const bios = () => [new ssl.MemoryBIO(), new ssl.MemoryBIO()] as const;
  assert.throws(() => ctx.wrap_bio(...bios(), { server_hostname: "" }), RangeError);
  assert.throws(() => ctx.wrap_bio(...bios(), { server_hostname: ".example.org" }), RangeError);
  assert.throws(
    () => ctx.wrap_bio(...bios(), { server_hostname: "example.org\0evil.com" }),
    TypeError,
  );
  assert.throws(() => ctx.wrap_bio(...bios()), /check_hostname requires server_hostname/);
  assert.throws(
    () => ctx.wrap_bio(...bios(), { server_side: true }),
    /Cannot create a server socket with a PROTOCOL_TLS_CLIENT context/,
  );
  assert.throws(() => ctx.wrap_bio({} as ssl.MemoryBIO, bios()[0]), TypeError);
});

Deno.test("SSLContext.sslobject_class makes wrap_bio() return the subclass", () => {
  class MySSLObject extends ssl.SSLObject {}
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.equal(ctx.sslobject_class, ssl.SSLObject);
  ctx.sslobject_class = MySSLObject;
  const obj = ctx.wrap_bio(new ssl.MemoryBIO(), new ssl.MemoryBIO(), { server_side: true });
  assert.ok(obj instanceof MySSLObject);
  assert.equal(obj.context, ctx);
  assert.equal(obj.server_side, true);
  assert.equal(obj.server_hostname, null);
  assert.throws(() => (ctx.sslobject_class = Object as unknown as typeof ssl.SSLObject), TypeError);
});

Deno.test("SSLObject.unwrap() sends close_notify and waits for the peer's, as CPython's test_unwrap", () => {
  const [clientCtx, serverCtx] = testingContext();
  const p = pair(clientCtx, serverCtx);
  handshake(p);
  // Settled: neither raises any more.
  p.client.do_handshake();
  p.server.do_handshake();
  // One side unwraps alone: close_notify goes, and it waits for the peer's.
  assert.throws(() => p.client.unwrap(), wants);
  // The server reads the client's close_notify and answers with its own.
  p.sIn.write(p.cOut.read());
  p.server.unwrap();
  p.cIn.write(p.sOut.read());
  p.client.unwrap();
});

Deno.test("SSLObject reports nothing before the handshake and the connection after it", () => {
  const [clientCtx, serverCtx] = testingContext();
  const p = pair(clientCtx, serverCtx);
  assert.equal(p.client.cipher(), null);
  assert.equal(p.client.version(), null);
  assert.equal(p.client.shared_ciphers(), null);
  assert.equal(p.client.selected_alpn_protocol(), null);
  assert.throws(() => p.client.getpeercert(), /handshake not done yet/);
  assert.equal(p.client.get_channel_binding("tls-unique"), null);
  assert.equal(p.client.session_reused, false);
  handshake(p);
  const [name, version, bits] = p.client.cipher()!;
  assert.equal(version, "TLSv1.3");
  assert.ok(name.startsWith("TLS_") && bits >= 128);
  assert.deepEqual(p.server.cipher(), p.client.cipher());
  assert.equal(p.client.version(), "TLSv1.3");
  assert.equal(p.client.shared_ciphers(), null); // a client's: none
  assert.ok(p.server.shared_ciphers()!.some((c) => c[0] === name));
  const peer = p.client.getpeercert()!;
  assert.deepEqual(peer.subjectAltName, [["DNS", "localhost"]]);
  assert.deepEqual(peer.subject?.at(-1), [["commonName", "localhost"]]);
  assert.equal(
    ssl.DER_cert_to_PEM_cert(p.client.getpeercert(true)!).trim(),
    certificateOf("keycert3.pem"),
  );
  assert.equal(p.server.getpeercert(), null); // the client sent none
  const cb = p.client.get_channel_binding()!;
  assert.ok(cb.length > 0);
  assert.deepEqual(p.server.get_channel_binding("tls-unique"), cb);
  assert.throws(
    () => p.client.get_channel_binding("tls-exporter"),
    /'tls-exporter' channel binding type not implemented/,
  );
  assert.equal(p.client.compression(), null);
  assert.equal(p.client.server_hostname, "localhost");
  assert.equal(p.client.context, clientCtx);
});

/** The certificate block of a PEM file of certdata. */
function certificateOf(name: string): string {
  const text = Deno.readTextFileSync(cert(name));
  return /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(text)![0];
}

Deno.test("SSLObject.read()/write()/pending() move plain text; close_notify reads as b''", () => {
  const [clientCtx, serverCtx] = testingContext();
  const p = pair(clientCtx, serverCtx);
  handshake(p);
  assert.throws(() => p.server.read(), wants);
  assert.equal(p.client.write(enc.encode("hello, ")), 7);
  assert.equal(p.client.write(enc.encode("world")), 5);
  assert.equal(p.client.write(new Uint8Array(0)), 0);
  p.shuttle();
  assert.deepEqual(p.server.read(3), enc.encode("hel"));
  assert.equal(p.server.pending(), 4); // the rest of the first record
  const buf = new Uint8Array(64);
  assert.equal(p.server.read(0, buf), 4);
  assert.equal(dec.decode(buf.subarray(0, 4)), "lo, ");
  assert.equal(p.server.read(2, buf), 2);
  assert.equal(dec.decode(p.server.read()), "rld");
  assert.throws(() => p.server.read(), wants);
  assert.throws(() => p.server.read(-1), RangeError);
  // A large write crosses several records; the peer reads it all.
  const big = new Uint8Array(100_000).map((_, i) => i * 7);
  assert.equal(p.server.write(big), big.length);
  p.shuttle();
  const got: Uint8Array[] = [];
  let n = 0;
  while (n < big.length) {
    const part = p.client.read(30_000);
    got.push(part);
    n += part.length;
  }
  assert.deepEqual(concat(got), big);
  // close_notify: unwrap on one side, b'' on the other.
  assert.throws(() => p.server.unwrap(), wants);
  p.shuttle();
  assert.deepEqual(p.client.read(), new Uint8Array(0));
  assert.deepEqual(p.client.read(), new Uint8Array(0));
  p.client.unwrap();
  // After unwrap, writing is a protocol error.
  assert.throws(
    () => p.client.write(enc.encode("x")),
    (e) => e instanceof ssl.SSLError && e.reason === "PROTOCOL_IS_SHUTDOWN" && e.library === "SSL",
  );
});

Deno.test("SSLObject.read() raises SSLEOFError when the transport ends without close_notify", () => {
  const [clientCtx, serverCtx] = testingContext();
  const p = pair(clientCtx, serverCtx);
  handshake(p);
  p.cIn.write_eof();
  assert.throws(
    () => p.client.read(),
    (e) => e instanceof ssl.SSLEOFError && e.errno === ssl.SSL_ERROR_EOF,
  );
});

Deno.test("SSLObject's handshake raises SSLCertVerificationError 62 for a hostname mismatch", () => {
  const [clientCtx, serverCtx] = testingContext();
  const p = pair(clientCtx, serverCtx, { server_hostname: "example.org" });
  assert.throws(
    () => handshake(p),
    (e) =>
      e instanceof ssl.SSLCertVerificationError && e.verify_code === 62 &&
      e.verify_message === "Hostname mismatch, certificate is not valid for 'example.org'." &&
      e.reason === "CERTIFICATE_VERIFY_FAILED",
  );
  // The server hears the client's alert.
  p.shuttle();
  assert.throws(
    () => p.server.do_handshake(),
    (e) => e instanceof ssl.SSLError && e.reason !== null,
  );
});

Deno.test("SSLObject's handshake raises SSLCertVerificationError 20 for an unknown CA, 10 for an expired certificate", () => {
  const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  const [, server] = testingContext();
  assert.throws(
    () => handshake(pair(client, server)),
    (e) =>
      e instanceof ssl.SSLCertVerificationError && e.verify_code === 20 &&
      e.verify_message === "unable to get local issuer certificate",
  );
  const [trusting] = testingContext();
  trusting.load_verify_locations(cert("keycert_expired.pem"));
  const [, expired] = testingContext("keycert_expired.pem");
  assert.throws(
    () => handshake(pair(trusting, expired, { server_hostname: "localhost" })),
    (e) => e instanceof ssl.SSLCertVerificationError && e.verify_code === 10,
  );
});

Deno.test("SSLObject: CERT_NONE connects to any certificate, and getpeercert() gives {}", () => {
  const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  client.check_hostname = false;
  client.verify_mode = ssl.CERT_NONE;
  const [, server] = testingContext("keycert.pem");
  const p = pair(client, server, { server_hostname: null });
  handshake(p);
  assert.deepEqual(p.client.getpeercert(), {});
  assert.ok(p.client.getpeercert(true)!.length > 100);
});

Deno.test("SSLObject: a server requiring a client certificate refuses a client without one, takes one with", () => {
  const [client, server] = testingContext();
  server.verify_mode = ssl.CERT_REQUIRED;
  server.load_verify_locations(cert("pycacert.pem"));
  const p = pair(client, server);
  assert.throws(
    () => {
      handshake(p);
      // TLS 1.3: the client learns of the refusal on its next read.
      p.client.read();
    },
    (e) => e instanceof ssl.SSLError && !(e instanceof ssl.SSLWantReadError),
  );
  client.load_cert_chain(cert("keycert3.pem"));
  const q = pair(client, server);
  handshake(q);
  assert.equal(q.server.getpeercert()!.subject?.at(-1)?.[0][1], "localhost");
});

Deno.test("SSLObject: a key with a password loads with it; TLS 1.2 and a cipher list are honoured", () => {
  const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  client.load_verify_locations(cert("pycacert.pem"));
  client.maximum_version = ssl.TLSVersion.TLSv1_2;
  client.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256");
  const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  server.load_cert_chain(cert("keycert3.pem"));
  const p = pair(client, server);
  handshake(p);
  assert.deepEqual(p.client.cipher(), ["ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2", 128]);
  assert.equal(p.server.version(), "TLSv1.2");
  assert.equal(p.client.get_channel_binding()!.length, 12); // TLS 1.2's Finished
  const withPassword = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  withPassword.load_cert_chain(cert("ssl_cert.pem"), cert("ssl_key.passwd.pem"), "somepass");
  const nv = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  nv.check_hostname = false;
  nv.verify_mode = ssl.CERT_NONE;
  handshake(pair(nv, withPassword, { server_hostname: null }));
});

Deno.test("SSLObject: ALPN picks the server's first protocol the client offers, or none", () => {
  const [client, server] = testingContext();
  client.set_alpn_protocols(["http/1.1", "h2"]);
  server.set_alpn_protocols(["h2", "http/1.1"]);
  const p = pair(client, server);
  handshake(p);
  assert.equal(p.client.selected_alpn_protocol(), "h2");
  assert.equal(p.server.selected_alpn_protocol(), "h2");
  server.set_alpn_protocols(["spdy/2"]);
  const q = pair(client, server);
  handshake(q);
  assert.equal(q.client.selected_alpn_protocol(), null);
  assert.equal(q.server.selected_alpn_protocol(), null);
});

/** Runs the handshake side by side until both settle; each side's error (`null`: it finished). */
function settle(p: Pair): { client: unknown; server: unknown } {
  const errors: { client: unknown; server: unknown } = { client: undefined, server: undefined };
  for (let i = 0; i < 10; i++) {
    for (const side of ["client", "server"] as const) {
      if (errors[side] !== undefined) continue;
      try {
        p[side].do_handshake();
        errors[side] = null;
      } catch (e) {
        if (!(e instanceof ssl.SSLWantReadError)) errors[side] = e;
      }
      p.shuttle();
    }
    if (errors.client !== undefined && errors.server !== undefined) return errors;
  }
  throw new Error("the handshake did not settle");
}

Deno.test("SSLObject: sni_callback gets the SSLObject, the name asked for and the context, and may switch the context", () => {
  const [client, server] = testingContext();
  const other = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  other.load_cert_chain(cert("keycert4.pem")); // CN fakehostname, signed by the same CA
  const calls: [unknown, string | null, unknown][] = [];
  server.sni_callback = (obj, name, ctx) => {
    calls.push([obj, name, ctx]);
    if (name === "fakehostname") (obj as ssl.SSLObject).context = other;
  };
  const switched = pair(client, server, { server_hostname: "fakehostname" });
  handshake(switched);
  assert.deepEqual(calls, [[switched.server, "fakehostname", server]]);
  assert.equal(switched.server.context, other);
  const subject = switched.client.getpeercert()!.subject as [string, string][][];
  assert.deepEqual(subject.flat().find(([k]) => k === "commonName"), [
    "commonName",
    "fakehostname",
  ]);

  const kept = pair(client, server); // "localhost": the callback leaves the context
  handshake(kept);
  assert.equal(calls.at(-1)![1], "localhost");
  assert.equal(kept.server.context, server);

  client.check_hostname = false;
  client.verify_mode = ssl.CERT_NONE;
  const nameless = pair(client, server, { server_hostname: null });
  handshake(nameless);
  assert.equal(calls.at(-1)![1], null); // no SNI sent
  assert.throws(
    () => (switched.server as unknown as { context: unknown }).context = "ctx",
    (e) => e instanceof TypeError && /must be a SSLContext/.test(e.message),
  );
});

Deno.test("SSLObject: an sni_callback's alert refuses the client with it; what it throws refuses with handshake_failure", () => {
  const [client, server] = testingContext();
  server.sni_callback = () => ssl.ALERT_DESCRIPTION_ACCESS_DENIED;
  let errors = settle(pair(client, server));
  assert.ok(errors.server instanceof ssl.SSLError, String(errors.server));
  assert.ok(errors.client instanceof ssl.SSLError, String(errors.client));
  assert.equal((errors.client as ssl.SSLError).reason, "TLSV1_ALERT_ACCESS_DENIED");

  const boom = new Error("boom");
  server.sni_callback = () => {
    throw boom;
  };
  errors = settle(pair(client, server));
  assert.equal((errors.server as ssl.SSLError).cause, boom);
  assert.equal((errors.client as ssl.SSLError).reason, "SSLV3_ALERT_HANDSHAKE_FAILURE");

  // An SSLObject's callback runs within do_handshake(): a Promise cannot be awaited there.
  server.sni_callback = () => Promise.resolve(null);
  errors = settle(pair(client, server));
  assert.ok((errors.server as ssl.SSLError).cause instanceof TypeError);
  assert.equal((errors.client as ssl.SSLError).reason, "TLSV1_ALERT_INTERNAL_ERROR");

  server.sni_callback = null; // the context is rebuilt without the callback
  handshake(pair(client, server));
});

Deno.test("SSLObject: get_verified_chain() reaches the trusted CA; get_unverified_chain() is what the peer sent", () => {
  const [client, server] = testingContext();
  server.verify_mode = ssl.CERT_REQUIRED;
  server.load_verify_locations(cert("pycacert.pem"));
  client.load_cert_chain(cert("keycert3.pem"));
  const p = pair(client, server);
  assert.equal(p.client.get_verified_chain(), null);
  assert.equal(p.client.get_unverified_chain(), null);
  handshake(p);
  const ca = ssl.PEM_cert_to_DER_cert(Deno.readTextFileSync(cert("pycacert.pem")));
  const leaf = p.client.getpeercert(true);
  assert.deepEqual(p.client.get_verified_chain(), [leaf, ca]);
  // Each side sends the chain OpenSSL builds from its own trust store (the CA here, as CPython's).
  assert.deepEqual(p.client.get_unverified_chain(), [leaf, ca]);
  // A server's view of its client: OpenSSL's stack leaves the client's own certificate out.
  assert.deepEqual(p.server.get_unverified_chain(), [p.server.getpeercert(true), ca]);
  assert.deepEqual(p.server.get_verified_chain(), [p.server.getpeercert(true), ca]);

  const [plainClient, plainServer] = testingContext(); // a server with no trust store sends its own
  const q = pair(plainClient, plainServer);
  handshake(q);
  assert.deepEqual(q.client.get_unverified_chain(), [q.client.getpeercert(true)]);
  assert.deepEqual(q.client.get_verified_chain(), [q.client.getpeercert(true), ca]);
});

Deno.test("SSLObject: load_dh_params() gives a TLS 1.2 server its Diffie-Hellman suites (test_dh_params)", () => {
  const [client, server] = testingContext();
  for (const ctx of [client, server]) {
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2;
    ctx.set_ciphers("kEDH");
  }
  const refused = settle(pair(client, server)); // no parameters: no DHE suite to agree on
  assert.ok(refused.server instanceof ssl.SSLError, String(refused.server));
  server.load_dh_params(cert("ffdh3072.pem"));
  const p = pair(client, server);
  handshake(p);
  assert.match(p.client.cipher()![0], /^DHE-/);
});

Deno.test("SSLObject: keylog_filename gets each handshake's secrets, one NSS line each", async () => {
  const path = await Deno.makeTempFile({ suffix: ".keys" });
  try {
    const [client, server] = testingContext();
    client.keylog_filename = path;
    handshake(pair(client, server));
    const lines = Deno.readTextFileSync(path).trim().split("\n");
    assert.match(lines[0], /^# TLS secrets log file/);
    const labels = lines.slice(1).map((l) => l.split(" ")[0]);
    assert.ok(labels.includes("CLIENT_HANDSHAKE_TRAFFIC_SECRET"), labels.join());
    assert.ok(labels.includes("CLIENT_TRAFFIC_SECRET_0"), labels.join());
    for (const line of lines.slice(1)) assert.match(line, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("SSLObject: a client resumes its session (TLS 1.2 and 1.3) and session_reused says so", () => {
  for (const max of [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3]) {
    const [client, server] = testingContext();
    client.maximum_version = max;
    const first = pair(client, server);
    handshake(first);
    // TLS 1.3 tickets come after the handshake: read to take them.
    assert.throws(() => first.client.read(), wants);
    const session = first.client.session!;
    assert.ok(session instanceof ssl.SSLSession);
    assert.equal(first.client.session_reused, false);
    const again = pair(client, server, { session });
    handshake(again);
    assert.equal(again.client.session_reused, true, `resumed at ${max}`);
    assert.equal(again.server.session_reused, true);
    // The setter: before the handshake only, a client's only, this context's only.
    const late = pair(client, server);
    late.client.session = session;
    handshake(late);
    assert.equal(late.client.session_reused, true);
    assert.throws(() => (late.client.session = session), /after handshake/);
    assert.throws(() => (late.server.session = session), RangeError);
    const [other] = testingContext();
    const foreign = pair(other, server);
    assert.throws(() => (foreign.client.session = session), /different SSLContext/);
  }
});

Deno.test("SSLObject keeps the bytes that follow TLS in the incoming MemoryBIO after unwrap()", () => {
  const [client, server] = testingContext();
  const p = pair(client, server);
  handshake(p);
  assert.throws(() => p.server.unwrap(), wants);
  // The server's close_notify, then plain text, in one write.
  p.cIn.write(concat([p.sOut.read(), enc.encode("PLAIN AGAIN")]));
  p.client.unwrap();
  assert.equal(dec.decode(p.cIn.read()), "PLAIN AGAIN");
});

Deno.test("SSLObjects free their OpenSSL objects: thousands made and dropped hold no memory", async () => {
  const program = `
    import * as ssl from ${JSON.stringify(new URL("../ssl.ts", import.meta.url).href)};
    const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
    server.load_cert_chain(${JSON.stringify(cert("keycert3.pem"))});
    server.set_alpn_protocols(["h2"]);
    const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    client.check_hostname = false;
    client.verify_mode = ssl.CERT_NONE;
    const round = () => {
      for (let i = 0; i < 500; i++) {
        const cIn = new ssl.MemoryBIO(), cOut = new ssl.MemoryBIO();
        const c = client.wrap_bio(cIn, cOut);
        try { c.do_handshake(); } catch {}
        if (i % 25 !== 0) continue;
        const s = server.wrap_bio(cOut, new ssl.MemoryBIO(), { server_side: true });
        try { s.do_handshake(); } catch {}
      }
    };
    const settle = async () => {
      for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 5)); }
    };
    for (let r = 0; r < 3; r++) { round(); await settle(); }
    const before = Deno.memoryUsage().rss;
    for (let r = 0; r < 9; r++) { round(); await settle(); }
    console.log(Math.round((Deno.memoryUsage().rss - before) / 1048576));
  `;
  const path = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(path, program);
    const out = await runDeno(["run", "-A", "--v8-flags=--expose-gc", path]);
    assert.equal(out.code, 0, out.stderr);
    // 4500 more connections (each some 20 KiB of OpenSSL state and more, unfreed) would be ~100 MiB.
    assert.ok(Number(out.stdout.trim()) < 20, `RSS grew ${out.stdout.trim()} MiB`);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("wrap_bio() without the ffi permission raises OSError naming --allow-ffi", async () => {
  const path = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      path,
      `import * as ssl from ${JSON.stringify(new URL("../ssl.ts", import.meta.url).href)};
      const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
      try { ctx.wrap_bio(new ssl.MemoryBIO(), new ssl.MemoryBIO(), { server_side: true }); }
      catch (e) { console.log(e.name, e.errno, e.message); }`,
    );
    const out = await runDeno(["run", "--allow-read", path]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^OSError 95 .*Cannot wrap_bio: .*--allow-ffi/);
  } finally {
    await Deno.remove(path);
  }
});

// ---- against real peers over loopback sockets

/** CPython's ssl_io_loop(): calls `fn` until it stops wanting, moving bytes between the socket and the BIOs. */
async function ioLoop<T>(
  sock: socket.StreamSocket,
  incoming: ssl.MemoryBIO,
  outgoing: ssl.MemoryBIO,
  fn: () => T,
): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    let want: number | null = null;
    let ret: T | undefined;
    try {
      ret = fn();
    } catch (e) {
      if (
        !(e instanceof ssl.SSLError) ||
        (e.errno !== ssl.SSL_ERROR_WANT_READ && e.errno !== ssl.SSL_ERROR_WANT_WRITE)
      ) throw e;
      want = e.errno;
    }
    const out = outgoing.read();
    if (out.length) await sock.sendall(out);
    if (want === null) return ret as T;
    if (want === ssl.SSL_ERROR_WANT_READ) {
      const got = await sock.recv(32768);
      if (got.length) incoming.write(got);
      else incoming.write_eof();
    }
  }
  throw new Error("ioLoop: too many rounds");
}

const PY_SERVER = String.raw`
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1])
srv = socket.create_server(("127.0.0.1", 0))
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
srv.settimeout(20)
conn, _ = srv.accept()
conn.settimeout(20)
tls = ctx.wrap_socket(conn, server_side=True)
print(tls.version(), tls.cipher()[0], flush=True)
while True:
    data = tls.recv(1024)
    if not data:
        break
    tls.sendall(data.lower())
tls.unwrap().close()
print("unwrapped", flush=True)
`;

Deno.test("SSLObject drives a loopback socket to CPython's TLS server: handshake, data, unwrap (test_bio_*)", async () => {
  await using py = await startPython(PY_SERVER, [cert("keycert3.pem")]);
  using sock = await socket.create_connection(["127.0.0.1", portOf(py.line)], 20);
  const [ctx] = testingContext();
  const incoming = new ssl.MemoryBIO(), outgoing = new ssl.MemoryBIO();
  const obj = ctx.wrap_bio(incoming, outgoing, { server_hostname: "localhost" });
  await ioLoop(sock, incoming, outgoing, () => obj.do_handshake());
  assert.equal(await py.readLine(), `${obj.version()} ${obj.cipher()![0]}`);
  assert.ok(obj.getpeercert());
  assert.ok(obj.get_channel_binding("tls-unique"));
  await ioLoop(sock, incoming, outgoing, () => obj.write(enc.encode("FOO\n")));
  const reply = await ioLoop(sock, incoming, outgoing, () => obj.read(1024));
  assert.equal(dec.decode(reply), "foo\n");
  await ioLoop(sock, incoming, outgoing, () => obj.unwrap());
  assert.equal(await py.readLine(), "unwrapped");
  assert.throws(() => obj.write(enc.encode("foo")), ssl.SSLError);
  assert.equal((await py.wait()).code, 0);
});

/**
 * A STARTTLS front for `openssl s_server -rev`: it reads the client's
 * plaintext "STARTTLS\r\n" (and whatever follows it: a pipelining client's
 * ClientHello), forwards the rest to s_server, and answers "220 go ahead"
 * followed, in the same send, by s_server's first TLS bytes; then splices.
 */
const STARTTLS_FRONT = String.raw`
import selectors, socket, subprocess, sys, threading
s_server = subprocess.Popen(
    ["openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", sys.argv[1], "-rev", "-naccept", "1"],
    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    line = s_server.stdout.readline()
    while not line.startswith("ACCEPT"):
        line = s_server.stdout.readline()
    backend_port = int(line.rsplit(":", 1)[1])
    # What s_server prints from now on is drained, never read.
    threading.Thread(target=s_server.stdout.read, daemon=True).start()
    srv = socket.create_server(("127.0.0.1", 0))
    print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
    srv.settimeout(20)
    client, _ = srv.accept()
    client.settimeout(20)
    buf = b""
    while b"\r\n" not in buf:
        buf += client.recv(4096)
    command, rest = buf.split(b"\r\n", 1)
    assert command == b"STARTTLS", command
    backend = socket.create_connection(("127.0.0.1", backend_port), timeout=20)
    backend.sendall(rest)
    sel = selectors.DefaultSelector()
    sel.register(client, selectors.EVENT_READ, backend)
    sel.register(backend, selectors.EVENT_READ, client)
    greeted = False
    open_ends = 2
    while open_ends:
        for key, _ in sel.select(20):
            data = key.fileobj.recv(65536)
            if key.fileobj is backend and not greeted:
                data = b"220 go ahead\r\n" + data
                greeted = True
            if data:
                key.data.sendall(data)
            else:
                sel.unregister(key.fileobj)
                open_ends -= 1
                try:
                    key.data.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
    print("spliced", flush=True)
finally:
    s_server.kill()
    s_server.wait()
`;

Deno.test("a pipelining STARTTLS client (ported from Python) speaks TLS through wrap_bio to openssl s_server", async () => {
  await using front = await startPython(STARTTLS_FRONT, [cert("keycert3.pem")]);
  using sock = await socket.create_connection(["127.0.0.1", portOf(front.line)], 20);
  const [ctx] = testingContext();
  const incoming = new ssl.MemoryBIO(), outgoing = new ssl.MemoryBIO();
  const tls = ctx.wrap_bio(incoming, outgoing, { server_hostname: "localhost" });
  // Pipelining: the command and the ClientHello go in one send, before any answer.
  assert.throws(() => tls.do_handshake(), wants);
  await sock.sendall(concat([enc.encode("STARTTLS\r\n"), outgoing.read()]));
  // The answer line, and right behind it (same segment) the server's first TLS bytes.
  let plain: Uint8Array = new Uint8Array(0);
  let crlf = -1;
  while (crlf < 0) {
    const got = await sock.recv(65536);
    assert.ok(got.length > 0, "the front closed before answering");
    plain = concat([plain, got]);
    crlf = dec.decode(plain).indexOf("\r\n");
  }
  assert.equal(dec.decode(plain.subarray(0, crlf)), "220 go ahead");
  const early = plain.subarray(crlf + 2);
  // The front sent both in one send: the ServerHello's record came with the line.
  assert.equal(early[0], 0x16, "a TLS handshake record follows the line");
  incoming.write(early);
  await ioLoop(sock, incoming, outgoing, () => tls.do_handshake());
  assert.equal(tls.server_hostname, "localhost");
  assert.ok(tls.version() === "TLSv1.3" || tls.version() === "TLSv1.2");
  const lines = ["hello world\n", "x".repeat(5000) + "y\n"];
  for (const line of lines) {
    await ioLoop(sock, incoming, outgoing, () => tls.write(enc.encode(line)));
    let reply = "";
    while (!reply.endsWith("\n")) {
      reply += dec.decode(await ioLoop(sock, incoming, outgoing, () => tls.read(65536)));
    }
    // s_server -rev: each line reversed, byte for byte.
    assert.equal(reply, [...line.slice(0, -1)].reverse().join("") + "\n");
  }
  // "CLOSE" makes s_server -rev send close_notify; ours answers.
  await ioLoop(sock, incoming, outgoing, () => tls.write(enc.encode("CLOSE\n")));
  for (let i = 0; i < 20; i++) {
    const got = await ioLoop(sock, incoming, outgoing, () => tls.read(1024));
    if (got.length === 0) break;
  }
  try {
    await ioLoop(sock, incoming, outgoing, () => tls.unwrap());
  } catch (e) {
    // s_server may close the TCP connection right after its close_notify.
    assert.ok(e instanceof ssl.SSLError, String(e));
  }
  sock.shutdown(socket.SHUT_WR);
  assert.equal(await front.readLine(), "spliced");
});

Deno.test("SSLObject: TLS 1.3 post-handshake authentication, as CPython's test_pha_*", () => {
  const [client, server] = testingContext();
  client.load_cert_chain(cert("keycert3.pem"));
  client.post_handshake_auth = true;
  server.verify_mode = ssl.CERT_REQUIRED;
  server.load_verify_locations(cert("pycacert.pem"));
  server.post_handshake_auth = true;
  const p = pair(client, server);
  handshake(p);
  assert.equal(p.server.getpeercert(), null); // not asked for yet
  p.server.verify_client_post_handshake();
  p.server.write(enc.encode("x"));
  p.shuttle();
  assert.equal(dec.decode(p.client.read()), "x"); // the client answers the request
  p.shuttle();
  assert.throws(() => p.server.read(), wants);
  assert.deepEqual(p.server.getpeercert()!.subject?.at(-1), [["commonName", "localhost"]]);
  assert.throws(
    () => p.client.verify_client_post_handshake(),
    (e) => e instanceof ssl.SSLError && e.reason === "NOT_SERVER",
  );
});

Deno.test("SSLObject: set_ecdh_curve() narrows the key exchange to that curve", () => {
  const [client, server] = testingContext();
  client.maximum_version = ssl.TLSVersion.TLSv1_2;
  server.set_ecdh_curve("secp384r1");
  const p = pair(client, server);
  handshake(p);
  assert.equal(p.client.version(), "TLSv1.2");
  server.set_ecdh_curve("prime256v1");
  client.set_ecdh_curve("secp384r1");
  assert.throws(() => handshake(pair(client, server)), ssl.SSLError);
});
