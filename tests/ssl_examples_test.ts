// Copyright 2026 the pysocket authors. MIT license.
// The ssl examples run as programs against CPython peers, with a CA and a
// leaf certificate (localhost, 127.0.0.1; CA:FALSE) that openssl makes in a
// temporary directory for the run: examples/https_get.ts against CPython's
// http.server wrapped in TLS; examples/tls_echo_server.ts against concurrent
// CPython TLS clients (every byte checked), plain TCP clients, a client that
// refuses the certificate and one that hangs up at once, and SIGINT;
// examples/tls_socketserver.ts against CPython clients reading lines.

import assert from "node:assert/strict";
import {
  type Finished,
  makeTlsFiles,
  portOf,
  runDeno,
  runPython,
  startExample,
  startPython,
  tempDir,
} from "./_helpers.ts";

const HTTPS_GET = "examples/https_get.ts";
const ECHO_SERVER = "examples/tls_echo_server.ts";
const SOCKETSERVER = "examples/tls_socketserver.ts";

/** The CA, and the server's certificate (localhost, 127.0.0.1; CA:FALSE) and key it signs. */
const certs = await makeTlsFiles();
globalThis.addEventListener("unload", () => Deno.removeSync(certs.dir, { recursive: true }));

/**
 * CPython's http.server in TLS: serves `root` over HTTP/1.1 for `count`
 * requests (a failed handshake counts as one), printing what each request
 * said and the cipher it was made with, then exits.
 */
const PY_HTTPS_SERVER = `
import http.server, ssl, sys
certfile, keyfile, root, count, maxver = sys.argv[1:6]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(certfile, keyfile)
if maxver == "1.2":
    context.maximum_version = ssl.TLSVersion.TLSv1_2

class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=root, **kwargs)
    def log_message(self, *args):
        pass
    def do_GET(self):
        print("request:", self.requestline)
        print("host:", self.headers["Host"], "connection:", self.headers["Connection"])
        print("cipher:", *self.request.cipher())
        super().do_GET()

httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
print("listening on 127.0.0.1:%d" % httpd.server_address[1])
for _ in range(int(count)):
    httpd.handle_request()
httpd.server_close()
print("done")
`;

/** Runs https_get.ts with the permissions given (default: net, and read for the CA file). */
function httpsGet(args: string[], perms = ["--allow-net", "--allow-read"]): Promise<Finished> {
  return runDeno(["run", ...perms, HTTPS_GET, ...args]);
}

Deno.test("https_get.ts fetches from CPython's http.server over TLS, trusting a CA file", async () => {
  await using dir = await tempDir();
  const body = crypto.getRandomValues(new Uint8Array(60_000));
  await Deno.writeFile(`${dir.path}/data.bin`, body);
  await using py = await startPython(PY_HTTPS_SERVER, [
    certs.cert,
    certs.key,
    dir.path,
    "2",
    "any",
  ]);
  const port = String(portOf(py.line));
  for (const host of ["localhost", "127.0.0.1"]) { // the DNS name, then the IP address SAN
    const out = await httpsGet([host, port, certs.ca, "/data.bin"]);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.split("\n");
    assert.equal(lines[0], "HTTP/1.1 200 OK");
    assert.ok(lines.includes("Content-Length: 60000"), out.stdout);
    assert.ok(lines.includes("Content-type: application/octet-stream"), out.stdout);
    const blank = lines.indexOf("");
    assert.ok(blank > 1, out.stdout);
    assert.deepEqual(lines.slice(blank + 1), [
      "body: 60000 bytes",
      "version: TLSv1.3",
      lines[blank + 3],
      "",
    ]);
    assert.match(lines[blank + 3], /^cipher: TLS_\w+ TLSv1\.3 (128|256)$/);
    // What the server saw: the request, its Host and Connection headers, the same cipher.
    assert.equal(await py.readLine(), "request: GET /data.bin HTTP/1.1");
    assert.equal(await py.readLine(), `host: ${host} connection: close`);
    assert.equal(await py.readLine(), lines[blank + 3]);
  }
  const done = await py.wait();
  assert.equal(done.stdout, "done\n");
  assert.equal(done.code, 0, done.stderr);
});

Deno.test("https_get.ts speaks TLS 1.2 to a server that goes no higher, and names the cipher as Python does", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/index.html`, "<p>hello</p>\n");
  await using py = await startPython(PY_HTTPS_SERVER, [
    certs.cert,
    certs.key,
    dir.path,
    "1",
    "1.2",
  ]);
  const out = await httpsGet(["localhost", String(portOf(py.line)), certs.ca]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^HTTP\/1\.1 200 OK\n/);
  assert.match(
    out.stdout,
    /\nbody: 13 bytes\nversion: TLSv1\.2\ncipher: ECDHE-[\w-]+ TLSv1\.2 (128|256)\n$/,
  );
  assert.equal(await py.readLine(), "request: GET / HTTP/1.1");
  assert.equal(await py.readLine(), "host: localhost connection: close");
  // The cipher line is word for word what CPython's own cipher() gives on its side.
  const cipher = await py.readLine();
  assert.ok(out.stdout.includes(`\n${cipher}\n`), `${cipher} not in ${out.stdout}`);
  assert.equal((await py.wait()).code, 0);
});

Deno.test("https_get.ts without a CA file trusts the system roots only, and refuses the test CA's server", async () => {
  await using dir = await tempDir();
  await using py = await startPython(PY_HTTPS_SERVER, [
    certs.cert,
    certs.key,
    dir.path,
    "1",
    "any",
  ]);
  // -A: the runtime's roots are read through node:tls's rootCertificates, which asks for --allow-sys.
  const out = await httpsGet(["localhost", String(portOf(py.line))], ["-A"]);
  assert.notEqual(out.code, 0);
  assert.equal(out.stdout, "");
  assert.match(out.stderr, /SSLCertVerificationError: \[SSL: CERTIFICATE_VERIFY_FAILED\]/);
  // The server counted the failed handshake as its one request and exits as usual.
  const done = await py.wait();
  assert.equal(done.stdout, "done\n");
  assert.equal(done.code, 0, done.stderr);
});

/**
 * A CPython TLS client: sends `size` random bytes in pieces from 1 byte to
 * 64 KiB, at most 64 KiB ahead of the echo, and checks every byte that comes
 * back. `maxver` 1.2 holds it to TLS 1.2.
 */
const PY_TLS_CLIENT = `
import os, socket, ssl, sys
host, port, cafile, size, maxver = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
context = ssl.create_default_context(cafile=cafile)
if maxver == "1.2":
    context.maximum_version = ssl.TLSVersion.TLSv1_2
data = os.urandom(size)
got = bytearray()
with socket.create_connection((host, port), timeout=20) as sock:
    with context.wrap_socket(sock, server_hostname="localhost") as tls:
        sent, step = 0, 1
        while sent < len(data):
            n = min(step, len(data) - sent)
            tls.sendall(data[sent:sent + n])
            sent += n
            step = min(step * 2 + 1, 65536)
            while len(got) < sent - 65536:
                d = tls.recv(65536)
                if not d:
                    raise SystemExit("end of stream after %d bytes" % len(got))
                got += d
        while len(got) < len(data):
            d = tls.recv(65536)
            if not d:
                break
            got += d
        version = tls.version()
print("ok" if got == data else "mismatch: %d of %d bytes" % (len(got), len(data)), version)
`;

/** A plain TCP client: sends an HTTP request where a ClientHello should be, reads until dropped. */
const PY_PLAIN_CLIENT = `
import socket, sys
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20) as s:
    s.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")
    while True:
        try:
            if not s.recv(1024):
                break
        except ConnectionResetError:
            break
print("dropped")
`;

/** A client that connects and hangs up without a word: a handshake cut short. */
const HANG_UP = `
import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20).close()
`;

/** A CPython TLS client that trusts only the system's roots: it refuses the test server. */
const PY_UNTRUSTING_CLIENT = `
import socket, ssl, sys
context = ssl.create_default_context()
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20) as sock:
    try:
        context.wrap_socket(sock, server_hostname="localhost")
    except ssl.SSLCertVerificationError as e:
        print("refused:", e.reason)
`;

Deno.test("tls_echo_server.ts echoes concurrent CPython TLS clients byte for byte; plain clients, a refused handshake and a hang-up do not stop it", async () => {
  await using server = await startExample(ECHO_SERVER, ["127.0.0.1", "0", certs.cert, certs.key]);
  assert.match(server.line, /^listening on 127\.0\.0\.1:\d+$/);
  const port = String(portOf(server.line));

  // A plain TCP client first: its "handshake" fails, and the server goes on.
  const plain = await runPython(PY_PLAIN_CLIENT, ["127.0.0.1", port]);
  assert.equal(plain.stdout, "dropped\n", plain.stderr);

  const clients: [size: number, maxver: string][] = [
    [1, "any"],
    [70_000, "1.2"],
    [300_000, "any"],
    [1_048_576, "any"],
    [500_000, "1.2"],
  ];
  const [results, plain2, refused, hangUp] = await Promise.all([
    Promise.all(
      clients.map(([size, maxver]) =>
        runPython(PY_TLS_CLIENT, ["127.0.0.1", port, certs.ca, String(size), maxver])
      ),
    ),
    runPython(PY_PLAIN_CLIENT, ["127.0.0.1", port]),
    runPython(PY_UNTRUSTING_CLIENT, ["127.0.0.1", port]),
    runPython(HANG_UP, ["127.0.0.1", port]),
  ]);
  results.forEach((r, i) => {
    const version = clients[i][1] === "1.2" ? "TLSv1.2" : "TLSv1.3";
    assert.equal(r.stdout, `ok ${version}\n`, `client ${i}: ${r.stderr}`);
  });
  assert.equal(plain2.stdout, "dropped\n", plain2.stderr);
  assert.equal(refused.stdout, "refused: CERTIFICATE_VERIFY_FAILED\n", refused.stderr);
  assert.equal(hangUp.code, 0, hangUp.stderr);

  // Still serving after all that.
  const last = await runPython(PY_TLS_CLIENT, ["127.0.0.1", port, certs.ca, "1000", "any"]);
  assert.equal(last.stdout, "ok TLSv1.3\n", last.stderr);

  const out = await server.stop("SIGINT");
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "goodbye\n");
  // Each failed handshake was logged as it failed, one line per client, with its address and
  // Python's reason: the two plain clients (plain HTTP: CPython's HTTP_REQUEST),
  // the refused certificate, the hang-up.
  const logged = out.stderr.trimEnd().split("\n").map((line) => {
    assert.match(line, /^\('127\.0\.0\.1', \d+\): \[SSL: \w+\] .+$/);
    return /\[SSL: (\w+)\]/.exec(line)![1];
  });
  assert.deepEqual(logged.sort(), [
    "HTTP_REQUEST",
    "HTTP_REQUEST",
    "TLSV1_ALERT_UNKNOWN_CA",
    "UNEXPECTED_EOF_WHILE_READING",
  ], out.stderr);
});

Deno.test("tls_echo_server.ts closes open TLS connections on SIGINT, says goodbye and exits 0", async () => {
  await using server = await startExample(ECHO_SERVER, ["127.0.0.1", "0", certs.cert, certs.key]);
  // A CPython client that talks, then waits: the server's Ctrl-C must end its connection.
  await using py = await startPython(
    `
import socket, ssl, sys
context = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20) as sock:
    with context.wrap_socket(sock, server_hostname="localhost") as tls:
        tls.sendall(b"before ctrl-c")
        got = b""
        while len(got) < 13:
            got += tls.recv(100)
        print("echoed", got.decode(), flush=True)
        print("end of stream" if tls.recv(100) == b"" else "more data")
`,
    [String(portOf(server.line)), certs.ca],
  );
  assert.equal(py.line, "echoed before ctrl-c");
  const out = await server.stop("SIGINT");
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.signal, null);
  assert.equal(out.stdout, "goodbye\n");
  assert.equal(out.stderr, "");
  const client = await py.wait();
  assert.equal(client.stdout, "end of stream\n", client.stderr);
  assert.equal(client.code, 0);
});

Deno.test("tls_echo_server.ts explains its arguments when the certificate files are missing", async () => {
  const out = await runDeno(["run", "-A", ECHO_SERVER]);
  assert.equal(out.code, 2);
  assert.match(out.stderr, /usage: tls_echo_server\.ts \[host\] \[port\] certfile keyfile/);
});

/**
 * CPython clients of the upper-casing server, three at once, each in its own
 * thread: lines of every length (one of 100,000 bytes), bytes that are not
 * ASCII letters left alone; the last client ends TLS with unwrap() (its
 * close_notify, then the server's) before closing.
 */
const PY_LINE_CLIENTS = `
import os, socket, ssl, sys, threading
port, cafile = int(sys.argv[1]), sys.argv[2]
context = ssl.create_default_context(cafile=cafile)
results = {}

def call(i):
    lines = [b"hello %d\\n" % i, b"mixed Case \\xc3\\xa9\\x00 bytes\\n", b"x" * 100000 + b"\\n", b"\\n"]
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        tls = context.wrap_socket(sock, server_hostname="localhost")
        f = tls.makefile("rwb")
        ok = True
        for line in lines:
            f.write(line)
            f.flush()
            ok = ok and f.readline() == line.upper()
        f.close()
        if i == 2:
            plain = tls.unwrap()           # close_notify both ways
            ok = ok and plain.recv(10) == b""
        else:
            tls.close()
    results[i] = ok

threads = [threading.Thread(target=call, args=(i,)) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join(30)
print(" ".join("ok" if results.get(i) else "FAIL" for i in range(3)))
`;

Deno.test("tls_socketserver.ts upper-cases the lines of concurrent CPython TLS clients; a plain client is dropped", async () => {
  await using server = await startExample(SOCKETSERVER, ["127.0.0.1", "0", certs.cert, certs.key]);
  assert.match(server.line, /^listening on 127\.0\.0\.1:\d+$/);
  const port = String(portOf(server.line));

  // A handshake that fails in accept(): get_request() raises, the loop skips it (as in Python).
  const plain = await runPython(PY_PLAIN_CLIENT, ["127.0.0.1", port]);
  assert.equal(plain.stdout, "dropped\n", plain.stderr);

  const py = await runPython(PY_LINE_CLIENTS, [port, certs.ca]);
  assert.equal(py.stdout, "ok ok ok\n", py.stderr);
  assert.equal(py.code, 0, py.stderr);

  const out = await server.stop("SIGINT");
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "goodbye\n");
  assert.equal(out.stderr, "");
});

Deno.test("tls_socketserver.ts goes on after a client that connects and closes without a handshake", async () => {
  await using server = await startExample(SOCKETSERVER, ["127.0.0.1", "0", certs.cert, certs.key]);
  const port = String(portOf(server.line));
  // The handshake inside the server's accept() ends at once with SSLEOFError (the loop
  // skips the request), rather than holding up the loop.
  const probe = await runPython(HANG_UP, ["127.0.0.1", port]);
  assert.equal(probe.code, 0, probe.stderr);
  const py = await runPython(PY_LINE_CLIENTS, [port, certs.ca]);
  assert.equal(py.stdout, "ok ok ok\n", py.stderr);
  const out = await server.stop("SIGINT");
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "goodbye\n");
});
