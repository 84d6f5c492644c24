// Copyright 2026 the pysocket authors. MIT license.
// What an SSLSocket does on libssl (Deno's engine where the ffi permission
// is granted, or any runtime's with PYSOCKET_TLS=openssl) that Deno's
// node:tls (rustls) cannot, against CPython's ssl as the peer: the
// caller's cipher list, DHE with load_dh_params(), tls-unique, session
// resumption with session=, the key log, TLS 1.3 post-handshake
// authentication, and OpenSSL's verify codes. Where libssl cannot run
// (no ffi permission), the tests are ignored.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import * as ssl from "../ssl.ts";
import { runDeno, type Started, startPython, tempDir } from "./_helpers.ts";
import { libsslSelected } from "../_transport/ffi_load.ts";
import { testing } from "../_common/testing.ts";
import { cert, CERTDATA, clientContext, serverContext } from "./_certdata.ts";

/** Whether SSLSockets run on libssl here (Deno with the ffi permission). */
const ON_LIBSSL = libsslSelected();

/** A test of the libssl engine, ignored where SSLSockets do not run on it. */
function libsslTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, ignore: !ON_LIBSSL, fn });
}

const enc = new TextEncoder(), dec = new TextDecoder();

/** Python `code` with each line indented by `by` (a body in a CPython script below). */
function indent(code: string, by: string): string {
  return code.trim().split("\n").map((l) => by + l).join("\n");
}

/**
 * CPython's TLS server: `setup` runs on its context `ctx`, then for each
 * of `n` connections `body` on the wrapped socket `s`; its first line is the port.
 */
function pythonServer(setup: string, body: string, n = 1): Promise<Started> {
  return startPython(
    String.raw`
import base64, json, socket, ssl, sys
D = sys.argv[1]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(D + "/keycert3.pem")
def out(v):
    print(json.dumps(v), flush=True)
${setup.trim()}
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
for _ in range(${n}):
    conn, _ = srv.accept()
    with ctx.wrap_socket(conn, server_side=True) as s:
${indent(body, "        ")}
`,
    [CERTDATA],
  );
}

/** CPython's TLS client of `port` (trusting the test CA); `setup` on `ctx`, `body` on `s`. */
function pythonClient(port: number, setup: string, body: string): Promise<Started> {
  return startPython(
    String.raw`
import base64, json, socket, ssl, sys
D = sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(D + "/pycacert.pem")
def out(v):
    print(json.dumps(v), flush=True)
${setup.trim()}
print("go", flush=True)
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
${indent(body, "        ")}
`,
    [String(port), CERTDATA],
  );
}

async function connectTo(port: number, ctx: ssl.SSLContext): Promise<ssl.SSLSocket> {
  const raw = await socket.create_connection(["127.0.0.1", port]);
  return ctx.wrap_socket(raw, { server_hostname: "localhost" });
}

async function done(py: Started): Promise<void> {
  const out = await py.wait();
  assert.equal(out.code, 0, out.stderr);
}

libsslTest(
  "libssl: set_ciphers() is honoured — a ChaCha20-only list negotiates ChaCha20 with CPython's server",
  async () => {
    await using py = await pythonServer("", `out(s.cipher()); s.recv(1)`);
    const ctx = clientContext();
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2;
    ctx.set_ciphers("ECDHE+CHACHA20");
    using tls = await connectTo(Number(py.line), ctx);
    const ours = tls.cipher()!;
    assert.equal(ours[0], "ECDHE-RSA-CHACHA20-POLY1305");
    assert.deepEqual(JSON.parse((await py.readLine())!), ours);
    await tls.sendall(enc.encode("x"));
    await done(py);
  },
);

libsslTest("libssl: load_dh_params() serves DHE suites to CPython's client", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const sctx = serverContext();
  sctx.load_dh_params(cert("ffdh3072.pem"));
  sctx.set_ciphers("DHE+AESGCM");
  await using py = await pythonClient(
    srv.getsockname()[1] as number,
    `ctx.maximum_version = ssl.TLSVersion.TLSv1_2\nctx.set_ciphers("DHE+AESGCM")`,
    `out(s.cipher())`,
  );
  const [raw] = await srv.accept();
  using tls = await sctx.wrap_socket(raw, { server_side: true });
  const ours = tls.cipher()!;
  assert.match(ours[0], /^DHE-RSA-AES(128|256)-GCM-SHA(256|384)$/);
  assert.deepEqual(JSON.parse((await py.readLine())!), ours);
  await done(py);
});

for (const max of ["TLSv1_2", "TLSv1_3"] as const) {
  libsslTest(
    `libssl: get_channel_binding("tls-unique") equals CPython's peer's over ${max}`,
    async () => {
      await using py = await pythonServer(
        `ctx.maximum_version = ssl.TLSVersion.${max}`,
        `out(base64.b64encode(s.get_channel_binding("tls-unique")).decode()); s.recv(1)`,
      );
      using tls = await connectTo(Number(py.line), clientContext());
      const ours = tls.get_channel_binding("tls-unique")!;
      assert.equal(ours.length, max === "TLSv1_2" ? 12 : 48);
      assert.equal(btoa(String.fromCharCode(...ours)), JSON.parse((await py.readLine())!));
      await tls.sendall(enc.encode("x"));
      await done(py);
    },
  );
}

for (const max of ["TLSv1_2", "TLSv1_3"] as const) {
  libsslTest(
    `libssl: a session given as session= resumes with CPython's server over ${max}`,
    async () => {
      await using py = await pythonServer(
        `ctx.maximum_version = ssl.TLSVersion.${max}`,
        `s.sendall(b"hi"); out(s.session_reused); s.recv(1)`,
        2,
      );
      const port = Number(py.line);
      const ctx = clientContext();
      let session: ssl.SSLSession;
      {
        using tls = await connectTo(port, ctx);
        assert.equal(dec.decode(await tls.recv(2)), "hi"); // a TLS 1.3 ticket comes with it
        assert.equal(tls.session_reused, false);
        session = tls.session!;
        await tls.sendall(enc.encode("x"));
        assert.equal(await py.readLine(), "false");
      }
      const raw = await socket.create_connection(["127.0.0.1", port]);
      using tls = await ctx.wrap_socket(raw, { server_hostname: "localhost", session });
      assert.equal(dec.decode(await tls.recv(2)), "hi");
      assert.equal(tls.session_reused, true);
      assert.equal(await py.readLine(), "true");
      await tls.sendall(enc.encode("x"));
      await done(py);
    },
  );
}

libsslTest("libssl: keylog_filename gets the handshake's secrets, one NSS line each", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/keys.txt`;
  await using py = await pythonServer("", `s.recv(1)`);
  const ctx = clientContext();
  ctx.keylog_filename = path;
  using tls = await connectTo(Number(py.line), ctx);
  await tls.sendall(enc.encode("x"));
  await done(py);
  const lines = Deno.readTextFileSync(path).trimEnd().split("\n");
  assert.equal(lines[0], "# TLS secrets log file, generated by OpenSSL / Python");
  const labels = lines.slice(1).map((l) => l.split(" ")[0]).sort();
  assert.deepEqual(labels, [
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "EXPORTER_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_TRAFFIC_SECRET_0",
  ]);
  for (const l of lines.slice(1)) assert.match(l, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/);
});

libsslTest(
  "libssl: verify_client_post_handshake() gets CPython's client's certificate after the handshake",
  async () => {
    using srv = socket.create_server(["127.0.0.1", 0]);
    const sctx = serverContext();
    sctx.verify_mode = ssl.CERT_REQUIRED;
    sctx.post_handshake_auth = true;
    sctx.load_verify_locations(cert("pycacert.pem"));
    await using py = await pythonClient(
      srv.getsockname()[1] as number,
      `ctx.post_handshake_auth = True\nctx.load_cert_chain(D + "/keycert3.pem")`,
      `assert s.recv(7) == b"HASCERT"\ns.sendall(b"yes")\nout(s.recv(3).decode())`,
    );
    const [raw] = await srv.accept();
    using tls = await sctx.wrap_socket(raw, { server_side: true });
    assert.equal(tls.version(), "TLSv1.3");
    assert.equal(tls.getpeercert(), null); // not asked for in the handshake
    await tls.verify_client_post_handshake();
    await tls.sendall(enc.encode("HASCERT")); // the CertificateRequest goes with it
    assert.equal(dec.decode(await tls.recv(3)), "yes"); // the certificate came before it
    assert.deepEqual(tls.getpeercert()?.subject, [
      [["countryName", "XY"]],
      [[
        "localityName",
        "Castle Anthrax",
      ]],
      [["organizationName", "Python Software Foundation"]],
      [["commonName", "localhost"]],
    ]);
    await tls.sendall(enc.encode("end"));
    assert.equal(await py.readLine(), '"end"');
    await done(py);
  },
);

libsslTest("libssl: a client refuses CPython's server with OpenSSL's verify codes", async () => {
  const cases: [string, string, number, string][] = [
    ["keycert.pem", "pycacert.pem", 18, "self-signed certificate"],
    ["keycert3.pem", "keycert.pem", 20, "unable to get local issuer certificate"],
    ["keycert_expired.pem", "pycacert.pem", 10, "certificate has expired"],
  ];
  for (const [served, trusted, code, message] of cases) {
    // CPython's server fails its handshake too (the client's alert): it exits with that error.
    await using py = await pythonServer(`ctx.load_cert_chain(D + "/${served}")`, `pass`);
    const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    ctx.check_hostname = false;
    ctx.load_verify_locations(cert(trusted));
    await assert.rejects(connectTo(Number(py.line), ctx), (e) => {
      assert.ok(e instanceof ssl.SSLCertVerificationError, String(e));
      assert.equal(e.verify_code, code, served);
      assert.equal(e.verify_message, message);
      assert.equal(e.reason, "CERTIFICATE_VERIFY_FAILED");
      return true;
    });
    await py.stop();
  }
});

libsslTest(
  "libssl: an SNI callback returning a Promise switches the context before the engine starts",
  async () => {
    using srv = socket.create_server(["127.0.0.1", 0]);
    const server = serverContext(), other = serverContext("keycert4.pem");
    server.sni_callback = async (sock, name) => {
      await new Promise((r) => setTimeout(r, 10));
      if (name === "fakehostname") sock.context = other;
    };
    const served = srv.accept().then(async ([raw]) => {
      using tls = await server.wrap_socket(raw, { server_side: true });
      await tls.sendall(enc.encode("ok"));
      return tls.context === other;
    });
    const ctx = clientContext();
    const raw = await socket.create_connection(srv.getsockname() as [string, number]);
    using tls = await ctx.wrap_socket(raw, { server_hostname: "fakehostname" });
    assert.equal(dec.decode(await tls.recv(2)), "ok");
    assert.equal(await served, true);
  },
);

Deno.test("without the ffi permission, or with PYSOCKET_TLS=node, SSLSockets run on node:tls and connect", async () => {
  const path = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      path,
      `import * as socket from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
      import * as ssl from ${JSON.stringify(new URL("../ssl.ts", import.meta.url).href)};
      import { libsslSelected } from ${
        JSON.stringify(new URL("../_transport/ffi_load.ts", import.meta.url).href)
      };
      const certs = ${JSON.stringify(new URL("./fixtures/certdata/", import.meta.url).pathname)};
      const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
      client.load_verify_locations(certs + "pycacert.pem");
      const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
      server.load_cert_chain(certs + "keycert3.pem");
      const [a, b] = await socket.socketpair();
      const [c, s] = await Promise.all([
        client.wrap_socket(a, { server_hostname: "localhost" }),
        server.wrap_socket(b, { server_side: true }),
      ]);
      await c.sendall(new TextEncoder().encode("hello"));
      console.log(libsslSelected(), c.version(), new TextDecoder().decode(await s.recv(5)));
      c.close();
      s.close();`,
    );
    for (
      const [args, env] of [
        [["run", "-A", "--deny-ffi"], {}],
        [["run", "-A"], { PYSOCKET_TLS: "node" }],
      ] as const
    ) {
      const out = await runDeno([...args, path], { env });
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout.trim(), "false TLSv1.3 hello");
    }
  } finally {
    await Deno.remove(path);
  }
});

libsslTest(
  "libssl: a TLS 1.3 server refusing a client without a certificate sends its alert, as OpenSSL's",
  async () => {
    const server = serverContext();
    server.verify_mode = ssl.CERT_REQUIRED;
    server.load_verify_locations(cert("pycacert.pem"));
    using srv = socket.create_server(["127.0.0.1", 0]);
    const cli = await socket.create_connection(srv.getsockname() as [string, number]);
    const [conn] = await srv.accept();
    const [client, served] = await Promise.allSettled([
      clientContext().wrap_socket(cli, { server_hostname: "localhost" }).then(async (tls) => {
        try {
          return await tls.recv(10); // TLS 1.3: the client's handshake ends first; the alert follows
        } finally {
          tls.close();
        }
      }),
      server.wrap_socket(conn, { server_side: true }),
    ]);
    assert.equal(served.status, "rejected");
    assert.equal(
      (served as PromiseRejectedResult).reason.reason,
      "PEER_DID_NOT_RETURN_A_CERTIFICATE",
    );
    assert.equal(client.status, "rejected", "the client reads the alert, not an end of stream");
    const e = (client as PromiseRejectedResult).reason;
    assert.ok(e instanceof ssl.SSLError);
    assert.equal(e.reason, "TLSV13_ALERT_CERTIFICATE_REQUIRED");
  },
);

libsslTest(
  "libssl: a connection that pauses and bursts takes its read buffer back from the spare, and connections doing so side by side read every byte in order",
  async () => {
    const { randomBytes, recvExactly } = await import("./_helpers.ts");
    using srv = socket.create_server(["127.0.0.1", 0]);
    const port = srv.getsockname()[1] as number;
    const server = serverContext(), client = clientContext();
    // Per plan, four times: a pause, a trickle read alone (its reader goes quiet), a pause, a burst.
    const plan = (burst: number) =>
      [0, 1, 2, 3].map((i) => [randomBytes(100 + i), randomBytes(burst + 4_099 * i)]);
    const pause = () => new Promise((r) => setTimeout(r, 15));
    const serve = async (conn: socket.StreamSocket, plans: Uint8Array[][][]) => {
      using s = await server.wrap_socket(conn, { server_side: true });
      const [which] = await recvExactly(s, 1); // the client says which plan is its
      for (const [trickle, burst] of plans[which]) {
        await pause();
        await s.sendall(trickle);
        await pause();
        await s.sendall(burst);
      }
      assert.equal((await s.recv(1)).length, 0);
    };
    const read = async (plans: Uint8Array[][][], which: number, afterFirst?: () => void) => {
      using s = await client.wrap_socket(
        await socket.create_connection(["127.0.0.1", port]),
        { server_hostname: "localhost" },
      );
      await s.sendall(new Uint8Array([which]));
      for (const [trickle, burst] of plans[which]) {
        assert.deepEqual(await recvExactly(s, trickle.length), trickle);
        assert.deepEqual(await recvExactly(s, burst.length), burst);
        afterFirst?.();
        afterFirst = undefined;
      }
    };
    const serveAll = async (plans: Uint8Array[][][]) => {
      const serving = [];
      for (let i = 0; i < plans.length; i++) serving.push(serve((await srv.accept())[0], plans));
      await Promise.all(serving);
    };

    // One connection: its first burst grows its read buffer; each later one takes it back.
    const one = [plan(2_000_000)];
    let made = -1;
    await Promise.all([serveAll(one), read(one, 0, () => made = testing.libsslReadBuffers)]);
    assert.equal(testing.libsslReadBuffers, made, "a burst after a pause made a fresh read buffer");

    // Three side by side: each goes quiet while the others burst, one spare among them.
    const three = [plan(300_000), plan(300_000), plan(300_000)];
    await Promise.all([serveAll(three), ...three.map((_, which) => read(three, which))]);
  },
);

libsslTest(
  "libssl: recv(65536) waiting before the peer sends takes the record decrypted whole, with no buffer held while it waits",
  async () => {
    using srv = socket.create_server(["127.0.0.1", 0]);
    const cli = await socket.create_connection(srv.getsockname() as [string, number]);
    const [conn] = await srv.accept();
    const [client, server] = await Promise.all([
      clientContext().wrap_socket(cli, { server_hostname: "localhost" }),
      serverContext().wrap_socket(conn, { server_side: true }),
    ]);
    using _client = client;
    using _server = server;
    // A buffer of the socket's own (1 KiB to start) would cut the 5,000 bytes the first recv gets.
    const message = new Uint8Array(5000).map((_, i) => i * 7);
    const got = client.recv(65536);
    await server.sendall(message);
    const whole = await got;
    assert.deepEqual(whole, message);
    assert.equal(whole.buffer.byteLength, whole.length); // an array of its own
    // At most bufsize: the rest stays decrypted for the next recv, in order.
    const part = client.recv(3000);
    await server.sendall(message);
    assert.deepEqual(await part, message.subarray(0, 3000));
    assert.deepEqual(await client.recv(65536), message.subarray(3000));
    server.close();
    assert.equal((await client.recv(65536)).length, 0);
  },
);
