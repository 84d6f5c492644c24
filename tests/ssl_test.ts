// Copyright 2026 the pysocket authors. MIT license.
// The ssl module's behaviour, against CPython's ssl (a Python subprocess)
// and openssl s_server/s_client as peers, over real sockets on 127.0.0.1,
// with a CA and the certificates it signs made by openssl for each run.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import * as ssl from "../ssl.ts";
import * as select from "../select.ts";
import * as selectors from "../selectors.ts";
import * as socketserver from "../socketserver.ts";
import { testing } from "../_common/testing.ts";
import {
  dec,
  enc,
  makeTlsFiles,
  portOf,
  randomBytes,
  recvExactly,
  runPython,
  sha256hex,
  sleep,
  type Started,
  startPython,
  tempDir,
} from "./_helpers.ts";

const files = await makeTlsFiles();
globalThis.addEventListener("unload", () => Deno.removeSync(files.dir, { recursive: true }));

/**
 * What every CPython peer starts with: its arguments (one JSON object, with
 * the certificate paths), `out()` for a line to the test, `listen()` for a
 * listening socket whose port goes to the test as the first line, and the
 * two contexts as the test's arguments ask.
 */
const PRELUDE = String.raw`
import base64, hashlib, json, os, socket, ssl, sys, time
A = json.loads(sys.argv[1])
def out(*v):
    print(*v, flush=True)
def listen():
    srv = socket.create_server(("127.0.0.1", 0))
    out("listening on 127.0.0.1:%d" % srv.getsockname()[1])
    return srv
def versions(ctx):
    if A.get("min"): ctx.minimum_version = getattr(ssl.TLSVersion, A["min"])
    if A.get("max"): ctx.maximum_version = getattr(ssl.TLSVersion, A["max"])
    if A.get("alpn"): ctx.set_alpn_protocols(A["alpn"])
    return ctx
def server_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(A.get("cert", A["files"]["cert"]), A.get("key", A["files"]["key"]))
    return versions(ctx)
def client_context(cert=None, key=None):
    ctx = ssl.create_default_context(cafile=A["files"]["ca"])
    if cert: ctx.load_cert_chain(cert, key)
    return versions(ctx)
def connect():
    return socket.create_connection(("127.0.0.1", A["port"]))
def recv_exactly(s, n):
    parts = []
    while n:
        d = s.recv(min(n, 1 << 20))
        if not d: raise EOFError("end of stream %d bytes short" % n)
        parts.append(d)
        n -= len(d)
    return b"".join(parts)
`;

/** Starts a CPython peer: the prelude, then `body`, with `args` (the files added). */
function pyPeer(body: string, args: Record<string, unknown> = {}): Promise<Started> {
  return startPython(PRELUDE + body, [JSON.stringify({ files, ...args })]);
}

/** Runs a CPython peer to completion (start it without awaiting to talk to it). */
async function pyRun(body: string, args: Record<string, unknown> = {}): Promise<string> {
  const out = await runPython(PRELUDE + body, [JSON.stringify({ files, ...args })]);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout;
}

/** A client context trusting the test CA (check_hostname and CERT_REQUIRED on). */
function clientContext(): ssl.SSLContext {
  return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: files.ca });
}

/** A server context with the localhost certificate. */
function serverContext(cert = files.cert, key = files.key): ssl.SSLContext {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.load_cert_chain(cert, key);
  return ctx;
}

function connectTo(port: number): Promise<socket.StreamSocket> {
  return socket.create_connection(["127.0.0.1", port]);
}

/** The DER bytes of a PEM certificate file. */
function derOf(path: string): Uint8Array {
  return ssl.PEM_cert_to_DER_cert(Deno.readTextFileSync(path));
}

/** Waits for a CPython peer to exit by itself and checks that it succeeded; its remaining stdout. */
async function finished(peer: Started): Promise<string> {
  const out = await peer.wait();
  assert.equal(out.code, 0, out.stderr);
  return out.stdout;
}

// ---- 1. a client to CPython's server

const ECHO_SERVER = String.raw`
srv = listen()
ctx = server_context()
conn, _ = srv.accept()
with ctx.wrap_socket(conn, server_side=True) as s:
    der = ssl.PEM_cert_to_DER_cert(open(A["files"]["cert"]).read())
    out(json.dumps({
        "version": s.version(),
        "cipher": s.cipher(),
        "cert": ssl._ssl._test_decode_cert(A["files"]["cert"]),
        "der": base64.b64encode(der).decode(),
    }))
    while True:
        d = s.recv(65536)
        if not d: break
        s.sendall(d)
`;

Deno.test("SSLContext.wrap_socket() as a client talks TLS to CPython's server as CPython sees it", async () => {
  await using py = await pyPeer(ECHO_SERVER);
  const ctx = clientContext();
  const sock = await connectTo(portOf(py.line));
  using tls = await ctx.wrap_socket(sock, { server_hostname: "localhost" });
  assert.ok(tls instanceof ssl.SSLSocket && tls instanceof socket.StreamSocket);
  assert.equal(sock.fileno(), -1); // the plain socket was taken over
  const view = JSON.parse((await py.readLine())!);
  assert.ok(tls.version() === "TLSv1.3" || tls.version() === "TLSv1.2", String(tls.version()));
  assert.equal(tls.version(), view.version);
  assert.deepEqual(tls.cipher(), view.cipher);
  assert.deepEqual(tls.getpeercert(), view.cert);
  const der = tls.getpeercert(true);
  assert.ok(der instanceof Uint8Array);
  assert.deepEqual(der, Uint8Array.from(atob(view.der), (c) => c.charCodeAt(0)));
  assert.deepEqual(der, derOf(files.cert));
  assert.equal(tls.server_hostname, "localhost");
  assert.equal(tls.server_side, false);
  assert.equal(tls.context, ctx);
  assert.equal(tls.selected_alpn_protocol(), null);
  assert.deepEqual(tls.getpeername(), ["127.0.0.1", portOf(py.line)]);
  await tls.sendall(enc.encode("hello over TLS"));
  assert.equal(dec.decode(await recvExactly(tls, 14)), "hello over TLS");
  await tls.shutdown(socket.SHUT_WR);
  assert.equal((await tls.recv(10)).length, 0);
  await finished(py);
});

// A server over memory BIOs, so that it sees the client's bytes as the
// socket delivers them: its flight (more than 2 KiB with keycert3.pem's
// chain), then the reads it takes to get the client's answer.
const FLIGHT_SERVER = String.raw`
srv = listen()
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(A["chain"])
conn, _ = srv.accept()
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
obj = ctx.wrap_bio(incoming, outgoing, server_side=True)
flight, reads = 0, []
while True:
    try:
        obj.do_handshake()
        break
    except ssl.SSLWantReadError:
        pending = outgoing.read()
        if pending:
            flight += len(pending)
            conn.sendall(pending)
        d = conn.recv(65536)
        if not d: raise EOFError("the client hung up")
        if flight: reads.append(len(d))
        incoming.write(d)
conn.sendall(outgoing.read())
out(json.dumps({"flight": flight, "reads": reads}))
conn.close()
`;

Deno.test("SSLContext.wrap_socket() answers a server's whole flight in one write (none held back by Nagle's algorithm)", async () => {
  // A flight read in two pieces made the client answer in two writes (a TLS
  // 1.3 ChangeCipherSpec, then its Finished), the second held by Nagle's
  // algorithm until the server's delayed ACK: 40 ms per handshake.
  const certdata = new URL("./fixtures/certdata/", import.meta.url).pathname;
  await using py = await pyPeer(FLIGHT_SERVER, { chain: `${certdata}keycert3.pem` });
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.load_verify_locations(`${certdata}pycacert.pem`);
  using tls = await ctx.wrap_socket(await connectTo(portOf(py.line)), {
    server_hostname: "localhost",
  });
  const seen = JSON.parse((await py.readLine())!);
  assert.ok(seen.flight > 2048, `the server's flight is ${seen.flight} bytes`);
  assert.equal(seen.reads.length, 1, `the client's answer came in reads of ${seen.reads}`);
  assert.equal(tls.version(), "TLSv1.3");
  await finished(py);
});

Deno.test("SSLContext.wrap_socket() over TLS 1.2 reports the version and cipher CPython reports", async () => {
  await using py = await pyPeer(ECHO_SERVER, { max: "TLSv1_2" });
  using tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
    server_hostname: "localhost",
  });
  const view = JSON.parse((await py.readLine())!);
  assert.equal(tls.version(), "TLSv1.2");
  assert.deepEqual(tls.cipher(), view.cipher);
  tls.close();
  await finished(py);
});

// ---- 2. a server, to CPython's client

const CLIENT_LINES = String.raw`
ctx = client_context()
for i in range(A.get("n", 1)):
    with connect() as c, ctx.wrap_socket(c, server_hostname="localhost") as s:
        s.sendall(b"line %d from python\n" % i)
        f = s.makefile("rb")
        out(json.dumps([s.version(), f.readline().decode(), s.getpeercert()["subject"]]))
        f.close()
`;

Deno.test("SSLContext.wrap_socket(server_side) serves each accepted connection to CPython's client", async () => {
  const ctx = serverContext();
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1] as number;
  const client = pyRun(CLIENT_LINES, { port, n: 2 });
  for (let i = 0; i < 2; i++) {
    const [conn, addr] = await srv.accept();
    assert.equal(addr[0], "127.0.0.1");
    using tls = await ctx.wrap_socket(conn, { server_side: true });
    assert.equal(tls.server_side, true);
    assert.equal(tls.server_hostname, null);
    assert.equal(tls.getpeercert(), null); // no client certificate asked for
    const f = tls.makefile("rb");
    const line = await f.readline();
    await f.close();
    await tls.sendall(enc.encode(dec.decode(line).toUpperCase()));
  }
  const lines = (await client).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  for (const [i, [version, reply, subject]] of lines.entries()) {
    assert.match(version, /^TLSv1\.[23]$/);
    assert.equal(reply, `LINE ${i} FROM PYTHON\n`);
    assert.deepEqual(subject, [[["commonName", "localhost"]]]);
  }
});

Deno.test("SSLContext.wrap_socket() of a listening socket makes accept() return SSLSockets", async () => {
  const ctx = serverContext();
  const plain = socket.create_server(["127.0.0.1", 0]);
  const port = plain.getsockname()[1] as number;
  using srv = await ctx.wrap_socket(plain, { server_side: true });
  assert.ok(srv instanceof ssl.SSLSocket);
  assert.deepEqual(srv.getsockname(), ["127.0.0.1", port]);
  const client = pyRun(CLIENT_LINES, { port, n: 2 });
  for (let i = 0; i < 2; i++) {
    const [conn] = await srv.accept();
    using tls = conn as ssl.SSLSocket;
    assert.ok(tls instanceof ssl.SSLSocket);
    assert.equal(tls.server_side, true);
    assert.match(String(tls.version()), /^TLSv1\.[23]$/); // the handshake ran in accept()
    const f = tls.makefile("rb");
    const line = await f.readline();
    await f.close();
    await tls.sendall(enc.encode(dec.decode(line).toUpperCase()));
  }
  const lines = (await client).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l[1]), ["LINE 0 FROM PYTHON\n", "LINE 1 FROM PYTHON\n"]);
});

// ---- 3. verification failures, as CPython reports them

/** A CPython server presenting `cert` to each of `n` clients (whose failures it ignores). */
const TOLERANT_SERVER = String.raw`
srv = listen()
ctx = server_context()
for i in range(A["n"]):
    conn, _ = srv.accept()
    try:
        with ctx.wrap_socket(conn, server_side=True) as s:
            s.recv(1)
    except (ssl.SSLError, OSError):
        pass
`;

/** CPython's client, verifying as `clientContext()` does (`ca` false: trusting nothing). */
const VERIFYING_CLIENT = String.raw`
ctx = ssl.create_default_context(cafile=A["files"]["ca"]) if A["ca"] else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
try:
    with connect() as c, ctx.wrap_socket(c, server_hostname=A["host"]):
        out(json.dumps(None))
except ssl.SSLCertVerificationError as e:
    out(json.dumps({"verify_code": e.verify_code, "verify_message": e.verify_message,
                    "reason": e.reason, "library": e.library, "errno": e.errno,
                    "message": e.args[1]}))
`;

/**
 * Connects to a server presenting `cert` first with CPython's client, then
 * with ours (same trust, same name), and returns both errors.
 */
async function bothVerify(
  cert: string,
  key: string,
  host: string,
  trustCa: boolean,
): Promise<{ python: Record<string, unknown>; ours: ssl.SSLCertVerificationError }> {
  await using py = await pyPeer(TOLERANT_SERVER, { cert, key, n: 2 });
  const port = portOf(py.line);
  const python = JSON.parse(await pyRun(VERIFYING_CLIENT, { port, host, ca: trustCa }));
  assert.ok(python !== null, "CPython's client accepted the certificate");
  const ctx = trustCa ? clientContext() : new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  const sock = await connectTo(port);
  const err = await ctx.wrap_socket(sock, { server_hostname: host }).then(
    (tls) => {
      tls.close();
      return null;
    },
    (e) => e,
  );
  assert.ok(err instanceof ssl.SSLCertVerificationError, String(err));
  assert.ok(err instanceof ssl.SSLError && err instanceof socket.OSError);
  assert.equal(sock.fileno(), -1);
  await finished(py);
  return { python, ours: err };
}

/** Checks that our error says what CPython's says (the message without CPython's "(_ssl.c:N)"). */
function assertSameVerifyError(
  ours: ssl.SSLCertVerificationError,
  python: Record<string, unknown>,
): void {
  assert.equal(ours.verify_code, python.verify_code);
  assert.equal(ours.verify_message, python.verify_message);
  assert.equal(ours.reason, python.reason);
  assert.equal(ours.library, python.library);
  assert.equal(ours.errno, python.errno);
  assert.equal(ours.message, String(python.message).replace(/ \(_ssl\.c:\d+\)$/, ""));
}

Deno.test("SSLContext.wrap_socket() raises SSLCertVerificationError 62 for a hostname mismatch, as CPython", async () => {
  const { python, ours } = await bothVerify(files.otherCert, files.otherKey, "localhost", true);
  assert.equal(ours.verify_code, 62);
  assert.equal(ours.verify_message, "Hostname mismatch, certificate is not valid for 'localhost'.");
  assertSameVerifyError(ours, python);
  assert.ok(ours instanceof ssl.CertificateError);
});

Deno.test("SSLContext.wrap_socket() raises SSLCertVerificationError for an unknown CA, as CPython", async () => {
  const { python, ours } = await bothVerify(files.cert, files.key, "localhost", false);
  assert.equal(python.verify_code, 20); // OpenSSL 3: unable to get local issuer certificate
  assertSameVerifyError(ours, python);
});

Deno.test("SSLContext.wrap_socket() raises SSLCertVerificationError for an expired certificate", async () => {
  const { python, ours } = await bothVerify(
    files.expiredCert,
    files.expiredKey,
    "localhost",
    true,
  );
  assert.equal(python.verify_code, 10);
  assert.equal(python.verify_message, "certificate has expired");
  // CPython says 10, "certificate has expired". Deno 2.9's node:tls (rustls)
  // reports an expired certificate as one of an unknown issuer (rustls's
  // expiry error falls through its table to UNABLE_TO_VERIFY_LEAF_SIGNATURE)
  // and gives no certificate to look at once the handshake failed, so the
  // best this side can say is CPython's 20. Accept 10 should Deno fix it.
  assert.ok([10, 20].includes(ours.verify_code), String(ours.verify_code));
  assert.equal(ours.reason, "CERTIFICATE_VERIFY_FAILED");
  assert.match(ours.message, /^\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: /);
});

// ---- 4. TLS meeting what is not TLS, and a peer that hangs up mid-handshake

Deno.test("SSLContext.wrap_socket() to a plain TCP server raises SSLError from the handshake", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const served = (async () => {
    const [conn] = await srv.accept();
    using _conn = conn;
    await conn.recv(4096); // the ClientHello
    await conn.sendall(enc.encode("HTTP/1.0 400 Bad Request\r\n\r\n"));
    await conn.recv(4096).catch(() => {}); // until the client gives up
  })();
  const sock = await connectTo(srv.getsockname()[1] as number);
  await assert.rejects(clientContext().wrap_socket(sock, { server_hostname: "localhost" }), (e) => {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.ok(!(e instanceof ssl.SSLCertVerificationError));
    assert.equal(e.errno, ssl.SSL_ERROR.SSL);
    // CPython's words for the same server.
    assert.equal(e.message, "[SSL: WRONG_VERSION_NUMBER] wrong version number");
    assert.equal(e.reason, "WRONG_VERSION_NUMBER");
    assert.equal(e.library, "SSL");
    return true;
  });
  assert.equal(sock.fileno(), -1);
  await served;
});

Deno.test("SSLContext.wrap_socket(server_side) rejects a plain TCP client with SSLError", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const cli = await connectTo(srv.getsockname()[1] as number);
  using _cli = cli;
  const [conn] = await srv.accept();
  await cli.sendall(enc.encode("GET / HTTP/1.0\r\n\r\n"));
  await assert.rejects(serverContext().wrap_socket(conn, { server_side: true }), (e) => {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.errno, ssl.SSL_ERROR.SSL);
    return true;
  });
  // The server hung up on the plain client (after an alert, at most).
  for (let i = 0; i < 10; i++) {
    const d = await cli.recv(4096).catch(() => new Uint8Array(0));
    if (d.length === 0) break;
  }
});

Deno.test("SSLContext.wrap_socket() raises SSLEOFError when the server hangs up mid-handshake", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const served = (async () => {
    const [conn] = await srv.accept();
    await conn.recv(4096); // the ClientHello, then a plain close: no alert
    conn.close();
  })();
  const sock = await connectTo(srv.getsockname()[1] as number);
  // CPython raises SSLEOFError here ("EOF occurred in violation of protocol"); so do we.
  await assert.rejects(clientContext().wrap_socket(sock, { server_hostname: "localhost" }), (e) => {
    assert.ok(e instanceof ssl.SSLEOFError, String(e));
    assert.equal(e.errno, ssl.SSL_ERROR.EOF);
    assert.equal(
      e.message,
      "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol",
    );
    return true;
  });
  await served;
});

Deno.test("SSLContext.wrap_socket(server_side) raises SSLEOFError when the client hangs up mid-handshake", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const cli = await connectTo(srv.getsockname()[1] as number);
  const [conn] = await srv.accept();
  await cli.sendall(new Uint8Array([0x16, 0x03, 0x01])); // the start of a record, then a close
  cli.close();
  await assert.rejects(serverContext().wrap_socket(conn, { server_side: true }), (e) => {
    assert.ok(e instanceof ssl.SSLEOFError, String(e));
    assert.equal(e.reason, "UNEXPECTED_EOF_WHILE_READING");
    return true;
  });
});

// ---- 5. end of stream, with close_notify and without

const CLOSING_SERVER = String.raw`
srv = listen()
ctx = server_context()
conn, _ = srv.accept()
s = ctx.wrap_socket(conn, server_side=True)
s.sendall(b"last words")
if A["notify"]:
    plain = s.unwrap()  # close_notify, and the peer's
    plain.close()
else:
    s.close()  # no close_notify
out("closed")
`;

for (const notify of [false, true]) {
  Deno.test(`SSLSocket.recv() returns end of stream when CPython closes ${notify ? "with" : "without"} close_notify`, async () => {
    await using py = await pyPeer(CLOSING_SERVER, { notify });
    using tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
      server_hostname: "localhost",
    });
    assert.equal(dec.decode(await recvExactly(tls, 10)), "last words");
    assert.equal((await tls.recv(100)).length, 0);
    assert.equal((await tls.recv(100)).length, 0); // and again
    if (notify) await tls.shutdown(socket.SHUT_WR); // CPython's unwrap() waits for ours
    assert.equal(await py.readLine(), "closed");
    await finished(py);
  });
}

const READING_SERVER = String.raw`
srv = listen()
ctx = server_context()
conn, _ = srv.accept()
with ctx.wrap_socket(conn, server_side=True) as s:
    data = b""
    while True:
        d = s.recv(65536)  # suppress_ragged_eofs: b"" either way
        if not d: break
        data += d
    out(json.dumps(data.decode()))
`;

for (const how of ["close", "shutdown", "unwrap"] as const) {
  Deno.test(`CPython reads end of stream when an SSLSocket ends with ${how}()`, async () => {
    await using py = await pyPeer(READING_SERVER);
    const tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
      server_hostname: "localhost",
    });
    await tls.sendall(enc.encode("goodbye"));
    if (how === "shutdown") await tls.shutdown(socket.SHUT_WR); // close_notify, then FIN
    if (how === "unwrap") {
      // close_notify, and CPython's close_notify in return (its recv() returned b"").
      const plain = await tls.unwrap();
      assert.equal(plain, tls);
      assert.equal(tls.version(), null);
    }
    tls.close();
    assert.equal(JSON.parse((await py.readLine())!), "goodbye");
    await finished(py);
  });
}

// ---- 6. a handshake that outlives the timeout

Deno.test("SSLContext.wrap_socket() raises TimeoutError when the server never answers the handshake", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const sock = await connectTo(srv.getsockname()[1] as number);
  const [conn] = await srv.accept(); // accepts, and says nothing
  using _conn = conn;
  sock.settimeout(0.3);
  const started = performance.now();
  await assert.rejects(
    clientContext().wrap_socket(sock, { server_hostname: "localhost" }),
    (e) => {
      assert.ok(e instanceof socket.TimeoutError, String(e));
      assert.equal(e.message, "timed out");
      return true;
    },
  );
  const took = performance.now() - started;
  assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
  assert.equal(sock.fileno(), -1);
  // The server side saw the ClientHello, then the connection closed.
  const hello = await conn.recv(4096);
  assert.equal(hello[0], 0x16); // a handshake record
  for (let i = 0; i < 10 && (await conn.recv(4096)).length > 0; i++);
});

// ---- 7. bulk data, byte for byte, both ways

const SIZE = 16 << 20;

/** Sends `size` random bytes (printing their SHA-256 first), then reads as many back and prints theirs. */
const BULK_SERVER = String.raw`
srv = listen()
ctx = server_context()
conn, _ = srv.accept()
with ctx.wrap_socket(conn, server_side=True) as s:
    data = os.urandom(A["size"])
    out(hashlib.sha256(data).hexdigest())
    s.sendall(data)
    out(hashlib.sha256(recv_exactly(s, A["size"])).hexdigest())
    if s.recv(1) != b"": raise AssertionError("more than size bytes")
`;

for (const via of ["makefile", "recv_into"] as const) {
  Deno.test(`SSLSocket carries 16 MiB each way byte for byte (reading with ${via === "makefile" ? 'makefile("rb").read(n)' : "recv_into"})`, async () => {
    await using py = await pyPeer(BULK_SERVER, { size: SIZE });
    using tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
      server_hostname: "localhost",
    });
    const theirs = await py.readLine();
    let got: Uint8Array;
    if (via === "makefile") {
      const f = tls.makefile("rb");
      got = await f.read(SIZE);
      assert.equal((await f.read(0)).length, 0);
      await f.close();
    } else {
      got = new Uint8Array(SIZE);
      let off = 0;
      for (let i = 0; i < SIZE && off < SIZE; i++) {
        // Odd sizes, so that reads straddle TLS records.
        const n = await tls.recv_into(got.subarray(off, Math.min(SIZE, off + 100_003)));
        assert.ok(n > 0, `end of stream after ${off} bytes`);
        off += n;
      }
    }
    assert.equal(got.length, SIZE);
    assert.equal(await sha256hex(got), theirs);
    const mine = randomBytes(SIZE);
    await tls.sendall(mine);
    assert.equal(await py.readLine(), await sha256hex(mine));
    await tls.shutdown(socket.SHUT_WR);
    await finished(py);
  });
}

/**
 * Sends random bytes in writes of many sizes (printing their SHA-256 first),
 * then ends with close_notify or, `ragged`, by closing the connection under
 * TLS without it.
 */
const ENDING_SERVER = String.raw`
srv = listen()
ctx = server_context()
conn, _ = srv.accept()
s = ctx.wrap_socket(conn, server_side=True)
data = os.urandom(sum(A["writes"]))
out(hashlib.sha256(data).hexdigest())
at = 0
for n in A["writes"]:
    s.sendall(data[at:at + n])
    at += n
if A["ragged"]:
    socket.socket(fileno=s.detach()).close()
else:
    try:
        s.unwrap()  # close_notify, then waits for the client's, or its hanging up
    except OSError:
        pass
`;

for (const ending of ["close_notify", "ragged", "ragged, not suppressed"] as const) {
  Deno.test(`SSLSocket.recv_into() into 1 MiB gets every byte before ${ending === "close_notify" ? "a close_notify" : ending === "ragged" ? "a ragged end" : "the SSLEOFError of a ragged end"}`, async () => {
    const writes = [1, 16383, 16385, 70_000, 300_000, 5, 1 << 20, 3];
    await using py = await pyPeer(ENDING_SERVER, { writes, ragged: ending !== "close_notify" });
    using tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
      server_hostname: "localhost",
      suppress_ragged_eofs: ending !== "ragged, not suppressed",
    });
    const theirs = await py.readLine();
    const size = writes.reduce((a, b) => a + b);
    const got = new Uint8Array(size + (1 << 20));
    const read = () => tls.recv_into(got.subarray(off, off + (1 << 20)));
    let off = 0;
    if (ending === "ragged, not suppressed") {
      // The bytes first, every one of them; then the error.
      let error: unknown = null;
      for (let n; (n = await read().catch((e) => (error = e, 0))) > 0;) off += n;
      assert.ok(error instanceof ssl.SSLEOFError, String(error));
    } else {
      for (let n; (n = await read()) > 0;) off += n;
    }
    assert.equal(off, size);
    assert.equal(await sha256hex(got.subarray(0, off)), theirs);
    tls.close();
    await finished(py);
  });
}

// ---- 8. timeouts, non-blocking calls and readiness

Deno.test("SSLSocket.recv() with a timeout loses no byte: bytes that come late are the next recv's", async () => {
  const SERVER = String.raw`
srv = listen()
ctx = server_context()
conn, _ = srv.accept()
with ctx.wrap_socket(conn, server_side=True) as s:
    for i in range(3):
        if s.recv(2) != b"go": raise AssertionError("no go")
        s.sendall(b"late %d;" % i)
    for i in range(50):  # dribbles, some while the reader is timing out
        s.sendall(b"%03d" % i)
        time.sleep(0.004)
    s.recv(1)
`;
  await using py = await pyPeer(SERVER);
  using tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
    server_hostname: "localhost",
  });
  tls.settimeout(0.05);
  for (let i = 0; i < 3; i++) {
    await assert.rejects(tls.recv(100), socket.TimeoutError);
    await tls.sendall(enc.encode("go"));
    // The recv that timed out left its read running; what it brings is kept.
    assert.equal(dec.decode(await recvExactly(tls, 7)), `late ${i};`);
  }
  tls.settimeout(0.002);
  let text = "", timeouts = 0;
  for (let i = 0; i < 10_000 && text.length < 150; i++) {
    try {
      text += dec.decode(await tls.recv(7));
    } catch (e) {
      assert.ok(e instanceof socket.TimeoutError, String(e));
      timeouts++;
    }
  }
  assert.equal(text, Array.from({ length: 50 }, (_, i) => String(i).padStart(3, "0")).join(""));
  assert.ok(timeouts > 0, "no recv timed out");
  tls.close();
  await finished(py);
});

/** Waits for "go", then sends "ping" (and reads to end of stream). */
const PING_SERVER = String.raw`
srv = listen()
ctx = server_context()
conn, _ = srv.accept()
with ctx.wrap_socket(conn, server_side=True) as s:
    if s.recv(2) != b"go": raise AssertionError("no go")
    s.sendall(b"ping")
    s.recv(1)
`;

Deno.test("SSLSocket.recv() on a non-blocking socket raises SSLWantReadError until data arrives", async () => {
  await using py = await pyPeer(PING_SERVER);
  using tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
    server_hostname: "localhost",
  });
  tls.setblocking(false);
  await assert.rejects(tls.recv(100), (e) => {
    assert.ok(e instanceof ssl.SSLWantReadError, String(e));
    assert.ok(e instanceof ssl.SSLError);
    assert.equal(e.errno, ssl.SSL_ERROR.WANT_READ);
    assert.equal(e.message, "The operation did not complete (read)");
    return true;
  });
  await assert.rejects(tls.recv_into(new Uint8Array(10)), ssl.SSLWantReadError);
  await tls.sendall(enc.encode("go"));
  let got = "";
  for (let i = 0; i < 200 && got.length < 4; i++) {
    try {
      got += dec.decode(await tls.recv(100));
    } catch (e) {
      assert.ok(e instanceof ssl.SSLWantReadError, String(e));
      await sleep(10);
    }
  }
  assert.equal(got, "ping");
  tls.close();
  await finished(py);
});

Deno.test("select.select() reports an SSLSocket readable when application data arrives, not before", async () => {
  await using py = await pyPeer(PING_SERVER);
  using tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
    server_hostname: "localhost",
  });
  // TLS 1.3 session tickets arrive after the handshake: not data to read.
  let [r, w] = await select.select([tls], [tls], [], 0.3);
  assert.deepEqual([r, w], [[], [tls]]);
  await tls.sendall(enc.encode("go"));
  [r] = await select.select([tls], [], [], 5);
  assert.deepEqual(r, [tls]);
  tls.setblocking(false);
  assert.equal(dec.decode(await tls.recv(100)), "ping");
  [r] = await select.select([tls], [], [], 0);
  assert.deepEqual(r, []);
  tls.close();
  await finished(py);
});

Deno.test("selectors.DefaultSelector reports an SSLSocket readable when application data arrives", async () => {
  await using py = await pyPeer(PING_SERVER);
  using tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
    server_hostname: "localhost",
  });
  using sel = new selectors.DefaultSelector();
  sel.register(tls, selectors.EVENT_READ, "tls");
  assert.deepEqual(await sel.select(0.3), []);
  await tls.sendall(enc.encode("go"));
  const events = await sel.select(5);
  assert.equal(events.length, 1);
  const [key, mask] = events[0];
  assert.equal(key.fileobj, tls);
  assert.equal(key.data, "tls");
  assert.equal(mask, selectors.EVENT_READ);
  tls.setblocking(false);
  assert.equal(dec.decode(await tls.recv(100)), "ping");
  sel.unregister(tls);
  tls.close();
  await finished(py);
});

// ---- 9. do_handshake_on_connect, and Python's argument errors

Deno.test("SSLContext.wrap_socket(do_handshake_on_connect: false) leaves the handshake to do_handshake()", async () => {
  await using py = await pyPeer(ECHO_SERVER);
  using tls = await clientContext().wrap_socket(await connectTo(portOf(py.line)), {
    server_hostname: "localhost",
    do_handshake_on_connect: false,
  });
  await tls.do_handshake();
  assert.match(String(tls.version()), /^TLSv1\.[23]$/);
  assert.deepEqual(tls.getpeercert(true), derOf(files.cert));
  await tls.do_handshake(); // done already: returns at once
  await tls.sendall(enc.encode("after"));
  assert.equal(dec.decode(await recvExactly(tls, 5)), "after");
  tls.close();
  await finished(py);
});

Deno.test("SSLSocket.do_handshake() on a non-blocking socket raises SSLWantReadError until done", async () => {
  await using py = await pyPeer(ECHO_SERVER);
  const sock = await connectTo(portOf(py.line));
  sock.setblocking(false);
  const ctx = clientContext();
  await assert.rejects(ctx.wrap_socket(sock, { server_hostname: "localhost" }), (e) => {
    assert.ok(e instanceof socket.ValueError, String(e));
    assert.equal(
      e.message,
      "do_handshake_on_connect should not be specified for non-blocking sockets",
    );
    return true;
  });
  assert.equal(sock.fileno() >= 0, true); // refused before taking the socket over
  using tls = await ctx.wrap_socket(sock, {
    server_hostname: "localhost",
    do_handshake_on_connect: false,
  });
  assert.equal(tls.gettimeout(), 0);
  // Python's loop for a non-blocking handshake.
  let wants = 0;
  for (let i = 0; i < 100; i++) {
    try {
      await tls.do_handshake();
      break;
    } catch (e) {
      if (e instanceof ssl.SSLWantReadError) await select.select([tls], [], [], 5);
      else if (e instanceof ssl.SSLWantWriteError) await select.select([], [tls], [], 5);
      else throw e;
      wants++;
    }
  }
  assert.ok(wants > 0, "the handshake was done before the first call");
  assert.match(String(tls.version()), /^TLSv1\.[23]$/);
  tls.close();
  await finished(py);
});

Deno.test("SSLContext.wrap_socket() raises Python's errors for arguments that contradict", async () => {
  const client = clientContext();
  const server = serverContext();
  using srv = socket.create_server(["127.0.0.1", 0]);
  using sock = await connectTo(srv.getsockname()[1] as number);
  await assert.rejects(client.wrap_socket(sock), (e) => {
    assert.ok(e instanceof socket.ValueError, String(e));
    assert.equal(e.message, "check_hostname requires server_hostname");
    return true;
  });
  await assert.rejects(
    server.wrap_socket(sock, { server_side: true, server_hostname: "localhost" }),
    (e) => {
      assert.ok(e instanceof socket.ValueError, String(e));
      assert.equal(e.message, "server_hostname can only be specified in client mode");
      return true;
    },
  );
  using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    client.wrap_socket(udp as any, { server_hostname: "localhost" }),
    (e) => {
      // CPython: NotImplementedError("only stream sockets are supported").
      assert.ok(e instanceof socket.NotImplementedError, String(e));
      assert.equal(e.message, "only stream sockets are supported");
      return true;
    },
  );
  assert.ok(sock.fileno() >= 0 && udp.fileno() >= 0); // neither was taken over
});

Deno.test("SSLContext's setters and loaders raise Python's errors", () => {
  const ctx = clientContext();
  assert.throws(() => ctx.verify_mode = ssl.CERT_NONE, (e) => {
    assert.ok(e instanceof socket.ValueError, String(e));
    assert.equal(e.message, "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.");
    return true;
  });
  assert.equal(ctx.verify_mode, ssl.CERT_REQUIRED);
  for (const bad of [[""], ["x".repeat(256)], ["h2", ""]]) {
    assert.throws(() => ctx.set_alpn_protocols(bad), (e) => {
      assert.ok(e instanceof ssl.SSLError, String(e));
      assert.equal(e.message, "ALPN protocols must be 1 to 255 in length");
      return true;
    });
  }
  ctx.set_alpn_protocols(["x".repeat(255), "h2"]);
  assert.throws(() => ctx.load_verify_locations(), (e) => {
    assert.ok(e instanceof TypeError, String(e));
    assert.equal(e.message, "cafile, capath and cadata cannot be all omitted");
    return true;
  });
  assert.throws(() => ctx.load_cert_chain(`${files.dir}/missing.pem`), socket.FileNotFoundError);
  assert.throws(
    () => ctx.load_cert_chain(files.cert, `${files.dir}/missing.key`),
    socket.FileNotFoundError,
  );
  const garbage = `${files.dir}/garbage.pem`;
  Deno.writeTextFileSync(garbage, "not a certificate\n");
  // CPython's messages for the same files.
  for (const [cert, key] of [[garbage, files.key], [files.cert, garbage], [garbage, null]]) {
    assert.throws(() => ctx.load_cert_chain(cert!, key), (e) => {
      assert.ok(e instanceof ssl.SSLError, `${cert} ${key}: ${e}`);
      assert.equal(e.message, "[SSL] PEM lib");
      return true;
    });
  }
  assert.throws(() => ctx.load_cert_chain(files.cert, files.otherKey), (e) => {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.message, "[X509: KEY_VALUES_MISMATCH] key values mismatch");
    assert.equal(e.reason, "KEY_VALUES_MISMATCH");
    return true;
  });
  assert.throws(() => ctx.load_cert_chain(files.cert), ssl.SSLError); // no key in the file
  // One file holding both.
  const both = `${files.dir}/both.pem`;
  Deno.writeTextFileSync(
    both,
    Deno.readTextFileSync(files.key) + Deno.readTextFileSync(files.cert),
  );
  ctx.load_cert_chain(both);
  assert.throws(() => ctx.load_verify_locations(garbage), ssl.SSLError);
  assert.throws(() => ctx.load_verify_locations(null, null, "garbage"), ssl.SSLError);
  assert.throws(
    () => ctx.load_verify_locations(`${files.dir}/missing.pem`),
    socket.FileNotFoundError,
  );
  // The encrypted key loads with its passphrase (text, bytes or a function) and not without.
  for (const password of [files.passphrase, enc.encode(files.passphrase), () => files.passphrase]) {
    ctx.load_cert_chain(files.cert, files.encryptedKey, password);
  }
  for (const password of ["wrong", null]) {
    assert.throws(
      () => ctx.load_cert_chain(files.cert, files.encryptedKey, password),
      (e) => e instanceof ssl.SSLError && e.message === "[SSL] PEM lib",
    );
  }
});

// ---- 10. ALPN, CERT_NONE, client certificates, an encrypted key

Deno.test("SSLContext.set_alpn_protocols() negotiates with CPython's server and client", async () => {
  {
    await using py = await pyPeer(
      ECHO_SERVER.replace(
        `"version": s.version(),`,
        `"version": s.version(), "alpn": s.selected_alpn_protocol(),`,
      ),
      { alpn: ["http/1.1", "spdy/3"] },
    );
    const ctx = clientContext();
    ctx.set_alpn_protocols(["h2", "http/1.1"]);
    using tls = await ctx.wrap_socket(await connectTo(portOf(py.line)), {
      server_hostname: "localhost",
    });
    assert.equal(tls.selected_alpn_protocol(), "http/1.1");
    assert.equal(JSON.parse((await py.readLine())!).alpn, "http/1.1");
    tls.close();
    await finished(py);
  }
  const ctx = serverContext();
  ctx.set_alpn_protocols(["h2", "http/1.1"]);
  using srv = await ctx.wrap_socket(socket.create_server(["127.0.0.1", 0]), { server_side: true });
  const client = pyRun(
    String.raw`
ctx = client_context()
with connect() as c, ctx.wrap_socket(c, server_hostname="localhost") as s:
    out(json.dumps(s.selected_alpn_protocol()))
    s.recv(1)
`,
    { port: srv.getsockname()[1], alpn: ["foo", "h2"] },
  );
  const [conn] = await srv.accept();
  using tls = conn as ssl.SSLSocket;
  assert.equal(tls.selected_alpn_protocol(), "h2");
  tls.close();
  assert.equal(JSON.parse(await client), "h2");
});

Deno.test("SSLContext with CERT_NONE talks to an untrusted server: getpeercert() is {}, the DER is there", async () => {
  await using py = await pyPeer(ECHO_SERVER, { cert: files.otherCert, key: files.otherKey });
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); // trusting no CA
  ctx.check_hostname = false;
  ctx.verify_mode = ssl.CERT_NONE;
  using tls = await ctx.wrap_socket(await connectTo(portOf(py.line)), {
    server_hostname: "localhost", // not the certificate's name: not checked
  });
  assert.deepEqual(tls.getpeercert(), {});
  assert.deepEqual(tls.getpeercert(true), derOf(files.otherCert));
  await tls.sendall(enc.encode("unverified"));
  assert.equal(dec.decode(await recvExactly(tls, 10)), "unverified");
  tls.close();
  await finished(py);
});

/** CPython's client, presenting the client certificate when told to; prints what happened. */
const CERT_CLIENT = String.raw`
ctx = client_context(*((A["files"]["clientCert"], A["files"]["clientKey"]) if A["present"] else ()))
try:
    with connect() as c, ctx.wrap_socket(c, server_hostname="localhost") as s:
        s.sendall(b"hi")
        d = s.recv(2)  # TLS 1.3: a refused certificate shows here
        out(json.dumps({"got": d.decode(), "cert": ssl._ssl._test_decode_cert(A["files"]["clientCert"])}))
except (ssl.SSLError, OSError) as e:
    out(json.dumps({"error": str(e)}))
`;

/** Serves one CPython client with `verify_mode`; our error, or what we saw. */
async function serveClientCert(verifyMode: number, present: boolean, cafile = files.ca) {
  const ctx = serverContext();
  ctx.verify_mode = verifyMode;
  ctx.load_verify_locations(cafile);
  using srv = socket.create_server(["127.0.0.1", 0]);
  const client = pyRun(CERT_CLIENT, { port: srv.getsockname()[1], present });
  const [conn] = await srv.accept();
  let result: { error?: unknown; peer?: unknown };
  try {
    using tls = await ctx.wrap_socket(conn, { server_side: true });
    result = { peer: tls.getpeercert() };
    assert.equal(dec.decode(await recvExactly(tls, 2)), "hi");
    await tls.sendall(enc.encode("ok"));
  } catch (e) {
    result = { error: e };
  }
  return { ...result, python: JSON.parse(await client) };
}

Deno.test("SSLContext with CERT_REQUIRED on the server side gets CPython's client certificate", async () => {
  const { peer, error, python } = await serveClientCert(ssl.CERT_REQUIRED, true);
  assert.equal(error, undefined);
  assert.equal(python.got, "ok");
  assert.deepEqual(peer, python.cert); // as CPython's getpeercert() shows it
  assert.deepEqual((peer as ssl.PeerCertificate).subject, [[["commonName", "pysocket client"]]]);
});

Deno.test("SSLContext with CERT_REQUIRED on the server side refuses a CPython client without a certificate", async () => {
  const { error, python } = await serveClientCert(ssl.CERT_REQUIRED, false);
  assert.ok(error instanceof ssl.SSLError, String(error));
  assert.ok(!(error instanceof ssl.SSLCertVerificationError));
  // CPython's server says the same.
  assert.equal(
    error.message,
    "[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate",
  );
  // CPython's client never gets the reply: the connection ends (node:tls
  // sends no certificate_required alert, so it sees end of stream, not
  // CPython's "tlsv13 alert certificate required").
  assert.ok("error" in python || python.got === "", JSON.stringify(python));
});

Deno.test("SSLContext with CERT_OPTIONAL on the server side serves a CPython client without a certificate", async () => {
  const { peer, error, python } = await serveClientCert(ssl.CERT_OPTIONAL, false);
  assert.equal(error, undefined);
  assert.equal(peer, null);
  assert.equal(python.got, "ok");
});

Deno.test("SSLContext with CERT_OPTIONAL on the server side refuses a client certificate that does not verify", async () => {
  // Trusting another certificate than the CA: the client's does not verify.
  const { error, python } = await serveClientCert(ssl.CERT_OPTIONAL, true, files.otherCert);
  assert.ok(error instanceof ssl.SSLCertVerificationError, String(error));
  // CPython's client sends its CA with its certificate: CPython's server
  // says 19 of that chain, as this side does.
  assert.equal(error.verify_code, 19);
  assert.equal(error.verify_message, "self-signed certificate in certificate chain");
  assert.ok("error" in python || python.got === "", JSON.stringify(python));
});

Deno.test("SSLContext.load_cert_chain() with an encrypted key and its password serves CPython's client", async () => {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.load_cert_chain(files.cert, files.encryptedKey, () => files.passphrase);
  using srv = await ctx.wrap_socket(socket.create_server(["127.0.0.1", 0]), { server_side: true });
  const client = pyRun(CLIENT_LINES, { port: srv.getsockname()[1] });
  const [conn] = await srv.accept();
  using tls = conn;
  const f = tls.makefile("rb");
  await tls.sendall(enc.encode(dec.decode(await f.readline()).toUpperCase()));
  await f.close();
  const [[version, reply]] = (await client).trim().split("\n").map((l) => JSON.parse(l));
  assert.match(version, /^TLSv1\.[23]$/);
  assert.equal(reply, "LINE 0 FROM PYTHON\n");
});

// ---- 11. protocol versions

Deno.test("SSLContext.minimum_version TLSv1_3 against a CPython server limited to TLS 1.2 raises SSLError", async () => {
  await using py = await pyPeer(TOLERANT_SERVER, { max: "TLSv1_2", n: 2 });
  const port = portOf(py.line);
  const python = await pyRun(
    String.raw`
try:
    with connect() as c, client_context().wrap_socket(c, server_hostname="localhost"):
        out(json.dumps(None))
except ssl.SSLError as e:
    out(json.dumps(str(e)))
`,
    { port, min: "TLSv1_3" },
  );
  const ctx = clientContext();
  ctx.minimum_version = ssl.TLSVersion.TLSv1_3;
  const sock = await connectTo(port);
  await assert.rejects(ctx.wrap_socket(sock, { server_hostname: "localhost" }), (e) => {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.ok(!(e instanceof ssl.SSLCertVerificationError));
    // CPython's words for the same refusal.
    assert.equal(e.message, JSON.parse(python).replace(/ \(_ssl\.c:\d+\)$/, ""));
    return true;
  });
  await finished(py);
});

Deno.test("SSLContext.maximum_version TLSv1_2 gets TLS 1.2 from CPython; below TLS 1.2 is a ValueError", async () => {
  const ctx = clientContext();
  for (const v of [ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1, ssl.TLSVersion.SSLv3]) {
    assert.throws(() => ctx.maximum_version = v, socket.ValueError);
  }
  assert.throws(() => ctx.maximum_version = 12345, socket.ValueError);
  assert.equal(ctx.maximum_version, ssl.TLSVersion.MAXIMUM_SUPPORTED);
  ctx.maximum_version = ssl.TLSVersion.TLSv1_2;
  await using py = await pyPeer(ECHO_SERVER);
  using tls = await ctx.wrap_socket(await connectTo(portOf(py.line)), {
    server_hostname: "localhost",
  });
  assert.equal(tls.version(), "TLSv1.2");
  assert.equal(JSON.parse((await py.readLine())!).version, "TLSv1.2");
  tls.close();
  await finished(py);
});

// ---- 12. STARTTLS and back: unwrap()

Deno.test("SSLSocket.unwrap() goes back to plain text after CPython's server unwraps", async () => {
  const SERVER = String.raw`
srv = listen()
ctx = server_context()
conn, _ = srv.accept()
f = conn.makefile("rb")
conn.sendall(b"220 plain greeting\r\n")
if f.readline() != b"STARTTLS\r\n": raise AssertionError("no STARTTLS")
conn.sendall(b"220 go ahead\r\n")
f.close()
s = ctx.wrap_socket(conn, server_side=True)
s.sendall(b"secret\r\n")
out(json.dumps(recv_exactly(s, 8).decode()))
plain = s.unwrap()  # close_notify both ways
plain.sendall(b"plain again\r\n")
out(json.dumps(recv_exactly(plain, 5).decode()))
plain.close()
`;
  await using py = await pyPeer(SERVER);
  const sock = await connectTo(portOf(py.line));
  const f = sock.makefile("rb");
  assert.equal(dec.decode(await f.readline()), "220 plain greeting\r\n");
  await sock.sendall(enc.encode("STARTTLS\r\n"));
  assert.equal(dec.decode(await f.readline()), "220 go ahead\r\n");
  await f.close();
  using tls = await clientContext().wrap_socket(sock, { server_hostname: "localhost" });
  assert.equal(dec.decode(await recvExactly(tls, 8)), "secret\r\n");
  await tls.sendall(enc.encode("answer\r\n"));
  assert.equal(JSON.parse((await py.readLine())!), "answer\r\n");
  const plain = await tls.unwrap();
  assert.equal(plain, tls);
  assert.equal(tls.version(), null);
  assert.equal(tls.pending(), 0);
  assert.equal(dec.decode(await recvExactly(plain, 13)), "plain again\r\n");
  await plain.sendall(enc.encode("bye\r\n"));
  assert.equal(JSON.parse((await py.readLine())!), "bye\r\n");
  assert.equal((await plain.recv(10)).length, 0);
  await finished(py);
});

// ---- 13. socketserver over TLS

Deno.test("socketserver.TCPServer with its socket wrapped serves CPython's TLS client", async () => {
  class Upper extends socketserver.StreamRequestHandler {
    override async handle() {
      for (let i = 0; i < 100; i++) {
        const line = await this.rfile.readline();
        if (line.length === 0) break;
        await this.wfile.write(enc.encode(dec.decode(line).toUpperCase()));
      }
    }
  }
  const context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  context.load_cert_chain(files.cert, files.key);
  await using server = new socketserver.TCPServer(["127.0.0.1", 0], Upper);
  // Python: self.socket = context.wrap_socket(self.socket, server_side=True)
  server.socket = await context.wrap_socket(server.socket, { server_side: true });
  const serving = server.serve_forever(0.05);
  const port = (server.server_address as socket.IPv4Address)[1];
  // A client that does not speak TLS is dropped; the server goes on.
  const plain = await connectTo(port);
  await plain.sendall(enc.encode("not tls\n"));
  for (let i = 0; i < 10 && (await plain.recv(100).catch(() => new Uint8Array(0))).length; i++);
  plain.close();
  const out = await pyRun(
    String.raw`
ctx = client_context()
with connect() as c, ctx.wrap_socket(c, server_hostname="localhost") as s:
    f = s.makefile("rwb")
    for line in [b"one\n", b"two\n"]:
        f.write(line); f.flush()
        out(json.dumps(f.readline().decode()))
    f.close()
`,
    { port },
  );
  assert.deepEqual(out.trim().split("\n").map((l) => JSON.parse(l)), ["ONE\n", "TWO\n"]);
  await server.shutdown();
  await serving;
});

Deno.test("SSLContext.load_verify_locations(capath) follows the links c_rehash makes", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/certs`);
  await Deno.copyFile(files.ca, `${dir.path}/ca.pem`);
  await Deno.symlink(`${dir.path}/ca.pem`, `${dir.path}/certs/4e1295a3.0`);
  await Deno.symlink(`${dir.path}/nowhere`, `${dir.path}/certs/dangling.0`); // passed over
  const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  client.load_verify_locations(null, `${dir.path}/certs`);
  using srv = socket.create_server(["127.0.0.1", 0]);
  const connecting = socket.create_connection(srv.getsockname() as [string, number]);
  const [conn] = await srv.accept();
  const [a, b] = await Promise.all([
    serverContext().wrap_socket(conn, { server_side: true }),
    client.wrap_socket(await connecting, { server_hostname: "localhost" }),
  ]);
  using _a = a, _b = b;
  assert.deepEqual(b.getpeercert()?.subject, [[["commonName", "localhost"]]]);
});

// ---- every address family

for (
  const [name, family] of [
    ["AF_INET", socket.AF_INET],
    ["AF_INET6", socket.AF_INET6],
    ["AF_UNIX", socket.AF_UNIX],
  ] as const
) {
  Deno.test(`SSLSocket over ${name} carries 1 MiB each way between two SSLSockets (a capath CA directory)`, async () => {
    await using dir = await tempDir();
    await Deno.copyFile(files.ca, `${dir.path}/ca.0`);
    const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    client.load_verify_locations(null, dir.path);
    let plain: [socket.StreamSocket, socket.StreamSocket];
    if (family === socket.AF_UNIX) plain = await socket.socketpair();
    else {
      using srv = socket.create_server([family === socket.AF_INET6 ? "::1" : "127.0.0.1", 0], {
        family,
      });
      const connecting = socket.create_connection(srv.getsockname() as [string, number]);
      const [conn] = await srv.accept();
      plain = [conn, await connecting];
    }
    const [a, b] = await Promise.all([
      serverContext().wrap_socket(plain[0], { server_side: true }),
      client.wrap_socket(plain[1], { server_hostname: "localhost" }),
    ]);
    using _a = a, _b = b;
    assert.equal(a.family, family);
    assert.deepEqual(b.getpeercert()?.subject, [[["commonName", "localhost"]]]);
    const there = randomBytes(1 << 20), back = randomBytes(1 << 20);
    const [gotThere, gotBack] = await Promise.all([
      recvExactly(a, there.length),
      recvExactly(b, back.length),
      a.sendall(back),
      b.sendall(there),
    ]);
    assert.equal(await sha256hex(gotThere), await sha256hex(there));
    assert.equal(await sha256hex(gotBack), await sha256hex(back));
    await b.shutdown(socket.SHUT_WR);
    assert.equal((await a.recv(1)).length, 0);
    await a.shutdown(socket.SHUT_WR);
    assert.equal((await b.recv(1)).length, 0);
  });
}

// ---- openssl's own tools as the peer

Deno.test("SSLContext.wrap_socket() as a client talks to openssl s_server", async () => {
  // s_server -rev: each line it receives comes back reversed.
  const child = new Deno.Command("openssl", {
    args: ["s_server", "-rev", "-naccept", "1", "-accept", "127.0.0.1:0"]
      .concat(["-cert", files.cert, "-key", files.key]),
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const stdout = child.stdout.getReader();
  try {
    let text = "";
    let accept: RegExpExecArray | null = null;
    while (accept === null) {
      const { value, done } = await stdout.read();
      assert.ok(!done, `openssl s_server printed no ACCEPT line: ${text}`);
      text += dec.decode(value);
      accept = /^ACCEPT 127\.0\.0\.1:(\d+)$/m.exec(text);
    }
    using tls = await clientContext().wrap_socket(await connectTo(Number(accept[1])), {
      server_hostname: "localhost",
    });
    assert.equal(tls.version(), "TLSv1.3");
    assert.deepEqual(tls.getpeercert()?.subject, [[["commonName", "localhost"]]]);
    const f = tls.makefile("rb");
    await tls.sendall(enc.encode("hello openssl\n"));
    assert.equal(dec.decode(await f.readline()), "lssnepo olleh\n");
    await tls.sendall(enc.encode("CLOSE\n")); // s_server -rev's word to end the session
    assert.equal((await f.read()).length, 0); // and it ends the connection
    await f.close();
  } finally {
    await stdout.cancel();
    try {
      child.kill();
    } catch { /* it ended by itself */ }
    await child.status;
  }
});

Deno.test("SSLContext.wrap_socket(server_side) serves openssl s_client, which verifies it", async () => {
  const ctx = serverContext();
  using srv = socket.create_server(["127.0.0.1", 0]);
  const child = new Deno.Command("openssl", {
    args: ["s_client", "-quiet", "-verify_return_error", "-servername", "localhost"]
      .concat(["-CAfile", files.ca, "-connect", `127.0.0.1:${srv.getsockname()[1]}`]),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(enc.encode("hello from s_client\n"));
  const [conn] = await srv.accept();
  {
    using tls = await ctx.wrap_socket(conn, { server_side: true });
    const f = tls.makefile("rb");
    const line = await f.readline();
    await f.close();
    await tls.sendall(enc.encode(dec.decode(line).toUpperCase()));
    await tls.shutdown(socket.SHUT_WR); // close_notify: s_client ends cleanly
  }
  const [out, err] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  await writer.close();
  const status = await child.status;
  assert.equal(out, "HELLO FROM S_CLIENT\n");
  assert.match(err, /verify return:1/); // the chain verified against the test CA
  assert.equal(status.success, true, err);
});

// ---- detach, and which way a non-blocking call wants

/** A server-side and a client-side SSLSocket over one TCP connection on 127.0.0.1, and the client's plain port. */
async function tlsPair(): Promise<[ssl.SSLSocket, ssl.SSLSocket, number]> {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const connecting = connectTo(srv.getsockname()[1] as number);
  const [conn] = await srv.accept();
  const plain = await connecting;
  const port = plain.getsockname()[1] as number;
  const [server, client] = await Promise.all([
    serverContext().wrap_socket(conn, { server_side: true }),
    clientContext().wrap_socket(plain, { server_hostname: "localhost" }),
  ]);
  return [server, client, port];
}

/**
 * What `detach()` handed out, as one interface: Deno's own handle, or on the
 * FFI backend the descriptor, adopted by a plain socket (DESIGN §20).
 */
function handedOut(handle: unknown): {
  port: number;
  write(b: Uint8Array): Promise<unknown>;
  read(b: Uint8Array): Promise<number>;
  close(): void;
} {
  if (typeof handle === "number") {
    const s = socket.socket(undefined, undefined, undefined, handle) as socket.StreamSocket;
    return {
      port: s.getsockname()[1] as number,
      write: (b) => s.sendall(b),
      read: (b) => s.recv_into(b),
      close: () => s.close(),
    };
  }
  const conn = handle as Deno.TcpConn;
  assert.equal(conn.constructor.name, "TcpConn"); // Deno's own handle, not a TLS layer
  return {
    port: conn.localAddr.port,
    write: (b) => conn.write(b),
    read: async (b) => (await conn.read(b)) ?? 0,
    close: () => conn.close(),
  };
}

Deno.test("SSLSocket.detach() after unwrap() returns the plain Deno.Conn, which carries plain text, and closes the socket", async () => {
  const [server, client, port] = await tlsPair();
  using _server = server;
  await client.sendall(enc.encode("secret"));
  assert.equal(dec.decode(await recvExactly(server, 6)), "secret");
  await Promise.all([server.unwrap(), client.unwrap()]);
  const conn = handedOut(client.detach());
  try {
    assert.equal(conn.port, port);
    assert.equal(client.fileno(), -1);
    assert.equal(client.version(), null);
    await conn.write(enc.encode("plain"));
    assert.equal(dec.decode(await recvExactly(server, 5)), "plain");
    await server.sendall(enc.encode("back"));
    const buf = new Uint8Array(4);
    let n = 0;
    while (n < 4) n += await conn.read(buf.subarray(n));
    assert.equal(dec.decode(buf), "back");
  } finally {
    conn.close();
  }
});

Deno.test({
  name:
    "SSLSocket.detach() with TLS on returns the plain connection's Deno.Conn and closes the socket",
  // On the FFI backend the engine's read of the descriptor is under way here
  // (it reads sooner): detach() then refuses with EBUSY, as documented.
  ignore: testing.backend === "ffi",
}, async () => {
  const [server, client, port] = await tlsPair();
  using _server = server;
  await client.sendall(enc.encode("hi"));
  assert.equal(dec.decode(await recvExactly(server, 2)), "hi");
  const conn = handedOut(client.detach());
  assert.equal(conn.port, port);
  assert.deepEqual(server.getpeername(), ["127.0.0.1", port]);
  assert.equal(client.fileno(), -1);
  assert.equal(client.detach(), null); // closed now, as Python's -1
  conn.close(); // no close_notify: the server reads end of stream (a ragged EOF)
  assert.equal((await server.recv(10)).length, 0);
});

Deno.test("SSLSocket on a non-blocking socket raises SSLWantReadError for a read and SSLWantWriteError for a send that would block", async () => {
  const [server, client] = await tlsPair();
  using _server = server, _client = client;
  client.setblocking(false);
  await assert.rejects(client.recv(10), (e) => {
    assert.ok(e instanceof ssl.SSLWantReadError, String(e));
    assert.equal(e.errno, ssl.SSL_ERROR.WANT_READ);
    return true;
  });
  // The server reads nothing: the connection's buffers fill, and a send waits.
  // (A non-blocking send hands up to 256 KiB at a time to the background.)
  const big = new Uint8Array(1 << 20);
  let blocked: unknown = null;
  for (let sent = 0; sent < 1 << 30 && blocked === null;) {
    sent += await client.send(big).catch((e) => (blocked = e, 0));
  }
  assert.ok(blocked instanceof ssl.SSLWantWriteError, String(blocked));
  assert.ok(!(blocked instanceof ssl.SSLWantReadError));
  assert.equal(blocked.errno, ssl.SSL_ERROR.WANT_WRITE);
  assert.equal(blocked.message, "The operation did not complete (write)");
});

Deno.test("SSLSocket.shutdown(SHUT_WR) settles when the peer reset the connection first (the handler is not left waiting)", async () => {
  const ctx = serverContext();
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1] as number;
  // CPython completes the handshake, then closes with a reset (SO_LINGER on, 0 seconds).
  const client = pyRun(
    `import struct
s = client_context().wrap_socket(connect(), server_hostname="localhost")
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()`,
    { port },
  );
  const [conn] = await srv.accept();
  using tls = await ctx.wrap_socket(conn, { server_side: true });
  await client;
  tls.settimeout(10);
  // The reset ends the read: an error, or the end of the stream.
  try {
    while ((await tls.recv(1024)).length > 0) { /* nothing is sent */ }
  } catch (e) {
    assert.ok(e instanceof socket.OSError, String(e));
  }
  // Settles, whether the alert went out or the reset came back: never waits for ever.
  const settled = await tls.shutdown(socket.SHUT_WR).then(() => "resolved", (e) => e);
  assert.ok(settled === "resolved" || settled instanceof socket.OSError, String(settled));
});

Deno.test("SSLSocket.unwrap() keeps plain text that came in the same segment as the peer's close_notify", async () => {
  // CPython's side runs TLS over memory BIOs, so that its close_notify and
  // the plain text after it go out in one sendall(): one segment.
  const SERVER = String.raw`
srv = listen()
raw, _ = srv.accept()
inc, outg = ssl.MemoryBIO(), ssl.MemoryBIO()
obj = server_context().wrap_bio(inc, outg, server_side=True)
def feed():
    d = raw.recv(65536)
    if not d: raise EOFError("peer closed")
    inc.write(d)
def flush():
    d = outg.read()
    if d: raw.sendall(d)
while True:
    try:
        obj.do_handshake(); break
    except ssl.SSLWantReadError:
        flush(); feed()
flush()
got = b""
while True:
    try:
        d = obj.read(1024)
    except ssl.SSLWantReadError:
        flush(); feed(); continue
    except ssl.SSLZeroReturnError:
        break
    if not d: break  # the peer's close_notify
    got += d
out(json.dumps(got.decode()))
obj.unwrap()
raw.sendall(outg.read() + b"plain again\r\n")
out(json.dumps(recv_exactly(raw, 5).decode()))
raw.close()
`;
  await using py = await pyPeer(SERVER);
  const sock = await connectTo(portOf(py.line));
  using tls = await clientContext().wrap_socket(sock, { server_hostname: "localhost" });
  await tls.sendall(enc.encode("before"));
  const plain = await tls.unwrap();
  assert.equal(JSON.parse((await py.readLine())!), "before");
  assert.equal(dec.decode(await recvExactly(plain, 13)), "plain again\r\n");
  await plain.sendall(enc.encode("bye\r\n"));
  assert.equal(JSON.parse((await py.readLine())!), "bye\r\n");
  assert.equal((await plain.recv(10)).length, 0);
});
