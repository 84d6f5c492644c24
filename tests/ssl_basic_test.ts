// Copyright 2026 the pysocket authors. MIT license.
// What CPython's Lib/test/test_ssl.py checks without a TLS peer —
// BasicSocketTests, ContextTests, SSLErrorTests — in our words, on CPython's
// own test certificates (tests/fixtures/certdata/), with CPython run once
// for what it says of them.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import * as ssl from "../ssl.ts";
import { ROOT, runPython, tempDir } from "./_helpers.ts";
import { libsslSelected } from "../_transport/ffi_load.ts";

const CERTDATA = `${ROOT}tests/fixtures/certdata`;
const cert = (name: string) => `${CERTDATA}/${name}`;

/** Runs `code` in CPython (with `json`, `ssl` and `CERTDATA` at hand); its stdout as JSON. */
async function python(code: string): Promise<unknown> {
  const out = await runPython(
    `import json, os, socket, ssl, sys\nCERTDATA = ${JSON.stringify(CERTDATA)}\n${code}`,
  );
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout);
}

const clientContext = () => new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);

// ---- BasicSocketTests

Deno.test("ssl's constants have CPython's values", async () => {
  const py = await python(`
names = [n for n in dir(ssl) if n.startswith(("PROTOCOL_", "OP_", "CERT_", "VERIFY_", "SSL_ERROR_", "ALERT_DESCRIPTION_"))] + ["PEM_HEADER", "PEM_FOOTER"]
out = {n: (getattr(ssl, n) if isinstance(getattr(ssl, n), str) else int(getattr(ssl, n))) for n in names}
out.update({"HAS_ECDH": ssl.HAS_ECDH, "HAS_SNI": ssl.HAS_SNI, "HAS_ALPN": ssl.HAS_ALPN, "HAS_TLSv1_2": ssl.HAS_TLSv1_2, "HAS_TLSv1_3": ssl.HAS_TLSv1_3, "HAS_NPN": ssl.HAS_NPN, "HAS_NEVER_CHECK_COMMON_NAME": ssl.HAS_NEVER_CHECK_COMMON_NAME, "CHANNEL_BINDING_TYPES": ssl.CHANNEL_BINDING_TYPES})
out["TLSVersion"] = {v.name: int(v) for v in ssl.TLSVersion}
print(json.dumps(out))
`) as Record<string, unknown>;
  const ours = ssl as unknown as Record<string, unknown>;
  // Python's TLS 1.0/1.1-only protocols are not offered here.
  const absent = ["PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2"];
  for (const [name, value] of Object.entries(py)) {
    if (absent.includes(name)) continue;
    if (name === "TLSVersion") assert.deepEqual({ ...ssl.TLSVersion }, value);
    else assert.deepEqual(ours[name], value, name);
  }
  assert.equal(ssl.PROTOCOL_SSLv23, ssl.PROTOCOL_TLS);
  assert.equal(ssl.OP_SINGLE_DH_USE, 0);
  assert.equal(ssl.OP_SINGLE_ECDH_USE, 0);
});

Deno.test("OPENSSL_VERSION, OPENSSL_VERSION_INFO and OPENSSL_VERSION_NUMBER agree, as CPython's test_openssl_version checks", () => {
  const [major, minor, fix, patch, status] = ssl.OPENSSL_VERSION_INFO;
  assert.ok([major, minor, fix, patch, status].every(Number.isInteger));
  assert.ok(ssl.OPENSSL_VERSION.startsWith(`OpenSSL ${major}.${minor}.${fix}`));
  assert.equal(Math.floor(ssl.OPENSSL_VERSION_NUMBER / 2 ** 28), major);
});

Deno.test("new SSLSocket() raises CPython's TypeError: there is no public constructor", () => {
  assert.throws(() => new (ssl.SSLSocket as unknown as new () => unknown)(), (e) => {
    assert.ok(e instanceof TypeError, String(e));
    assert.equal(
      e.message,
      "SSLSocket does not have a public constructor. Instances are returned by SSLContext.wrap_socket().",
    );
    return true;
  });
  assert.throws(() => new (ssl.SSLSession as unknown as new () => unknown)(), TypeError);
});

Deno.test("decodeCertificate() gives CPython's getpeercert() dict for each of CPython's test certificates", async () => {
  const { decodeCertificate } = await import("../_ssl/x509.ts");
  const files = [
    "keycert.pem",
    "keycert3.pem",
    "keycertecc.pem",
    "pycacert.pem",
    "allsans.pem",
    "idnsans.pem",
    "nosan.pem",
    "nokia.pem",
    "nullbytecert.pem",
    "talos-2019-0758.pem",
  ];
  const py = await python(`
print(json.dumps({f: ssl._ssl._test_decode_cert(os.path.join(CERTDATA, f)) for f in ${
    JSON.stringify(files)
  }}))
`) as Record<string, unknown>;
  for (const f of files) {
    const ours = decodeCertificate(ssl.PEM_cert_to_DER_cert(Deno.readTextFileSync(cert(f))));
    // JSON turns Python's tuples into arrays, as ours are.
    assert.deepEqual(JSON.parse(JSON.stringify(ours)), py[f], f);
  }
  // What test_parse_cert looks at: OCSP, caIssuers, crlDistributionPoints.
  const der = ssl.PEM_cert_to_DER_cert(Deno.readTextFileSync(cert("keycert3.pem")));
  const p = decodeCertificate(der);
  assert.deepEqual(p.OCSP, ["http://testca.pythontest.net/testca/ocsp/"]);
  assert.deepEqual(p.caIssuers, ["http://testca.pythontest.net/testca/pycacert.cer"]);
  assert.deepEqual(p.crlDistributionPoints, ["http://testca.pythontest.net/testca/revocation.crl"]);
});

Deno.test("DER_cert_to_PEM_cert() and PEM_cert_to_DER_cert() round-trip, with PEM_HEADER and PEM_FOOTER", () => {
  const pem = Deno.readTextFileSync(cert("pycacert.pem"));
  const der = ssl.PEM_cert_to_DER_cert(pem);
  const back = ssl.DER_cert_to_PEM_cert(der);
  assert.ok(back.startsWith(`${ssl.PEM_HEADER}\n`));
  assert.ok(back.endsWith(`\n${ssl.PEM_FOOTER}\n`));
  assert.deepEqual(ssl.PEM_cert_to_DER_cert(back), der);
});

Deno.test("cert_time_to_seconds() reads OpenSSL's dates as CPython's does", async () => {
  const times = [
    "Jan  5 09:34:43 2018 GMT",
    "Jan 5 09:34:43 2018 GMT",
    "Jan 05 09:34:43 2018 GMT",
    "Dec 31 23:59:60 2008 GMT", // a leap second
    "Feb 29 00:00:00 2020 GMT",
  ];
  const py = await python(
    `print(json.dumps([ssl.cert_time_to_seconds(t) for t in ${JSON.stringify(times)}]))`,
  );
  assert.deepEqual(times.map(ssl.cert_time_to_seconds), py);
  for (
    const bad of ["Jan  5 09:34 2018 GMT", "Jan  5 09:34:43 2018 UTC", "Jon  5 09:34:43 2018 GMT"]
  ) {
    assert.throws(() => ssl.cert_time_to_seconds(bad), socket.ValueError, bad);
  }
});

Deno.test("get_default_verify_paths() names OpenSSL's variables and follows SSL_CERT_FILE and SSL_CERT_DIR", () => {
  const before = ssl.get_default_verify_paths();
  assert.equal(before.openssl_cafile_env, "SSL_CERT_FILE");
  assert.equal(before.openssl_capath_env, "SSL_CERT_DIR");
  Deno.env.set("SSL_CERT_FILE", cert("keycert.pem"));
  Deno.env.set("SSL_CERT_DIR", cert("capath"));
  try {
    const paths = ssl.get_default_verify_paths();
    assert.equal(paths.cafile, cert("keycert.pem"));
    assert.equal(paths.capath, cert("capath"));
    // load_default_certs() reads them, as OpenSSL's default paths (a
    // directory's certificates are not counted, as OpenSSL reads them only when used).
    const ctx = clientContext();
    ctx.load_default_certs();
    assert.deepEqual(ctx.cert_store_stats(), { x509: 1, crl: 0, x509_ca: 0 });
  } finally {
    Deno.env.delete("SSL_CERT_FILE");
    Deno.env.delete("SSL_CERT_DIR");
  }
});

// ---- ContextTests

Deno.test("SSLContext.set_ciphers() and get_ciphers() list what CPython's list, for CPython's default and other lists", async () => {
  const lists = [
    null, // the default
    "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE:ECDSA:!NULL:!aRSA",
    "AES128:AES256",
    "AES256:eNULL",
    "HIGH:!aNULL:!MD5",
    "DEFAULT",
    "ALL:@STRENGTH",
    "kEDH",
  ];
  const py = await python(`
out = []
for l in ${JSON.stringify(lists).replaceAll("null", "None")}:
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if l is not None: c.set_ciphers(l)
    out.append(c.get_ciphers())
print(json.dumps(out))
`) as unknown[];
  lists.forEach((list, i) => {
    const ctx = clientContext();
    if (list !== null) ctx.set_ciphers(list);
    assert.deepEqual(ctx.get_ciphers(), py[i], String(list));
  });
});

Deno.test("SSLContext.verify_mode, minimum_version and the other setters raise CPython's errors", () => {
  const ctx = clientContext();
  assert.throws(() => ctx.verify_mode = null as unknown as number, TypeError);
  assert.throws(() => ctx.verify_mode = 42, socket.ValueError);
  ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED;
  assert.equal(ctx.minimum_version, ssl.TLSVersion.MINIMUM_SUPPORTED); // read back as set, as CPython
  ctx.minimum_version = ssl.TLSVersion.TLSv1_2;
  assert.equal(ctx.minimum_version, ssl.TLSVersion.TLSv1_2);
  assert.equal(ctx.maximum_version, ssl.TLSVersion.MAXIMUM_SUPPORTED);
  assert.throws(() => ctx.minimum_version = 42, (e) => {
    assert.ok(e instanceof socket.ValueError);
    assert.equal(e.message, "Unsupported TLS/SSL version 0x2a");
    return true;
  });
  assert.throws(() => ctx.minimum_version = null as unknown as number, TypeError);
  assert.throws(() => ctx.load_default_certs(null as unknown as ssl.ASN1Object), TypeError);
  assert.throws(() => ctx.verify_flags = null as unknown as number, TypeError);
  assert.equal(ctx.verify_flags, ssl.VERIFY_X509_TRUSTED_FIRST);
  ctx.verify_flags = ssl.VERIFY_CRL_CHECK_LEAF;
  assert.equal(ctx.verify_flags, ssl.VERIFY_CRL_CHECK_LEAF);
  assert.equal(ctx.hostname_checks_common_name, true);
  ctx.hostname_checks_common_name = false;
  assert.equal(ctx.hostname_checks_common_name, false);
  assert.equal(ctx.post_handshake_auth, false);
  ctx.post_handshake_auth = true;
  assert.equal(ctx.post_handshake_auth, true);
  assert.equal(ctx.security_level, 2);
  // num_tickets: a server's, 2 by default.
  assert.throws(() => ctx.num_tickets = 1, socket.ValueError);
  const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.equal(server.num_tickets, 2);
  server.num_tickets = 1;
  assert.equal(server.num_tickets, 1);
  assert.throws(() => server.num_tickets = -1, socket.ValueError);
  assert.throws(() => server.num_tickets = null as unknown as number, TypeError);
  // sni_callback: a server's.
  assert.throws(() => ctx.sni_callback = () => {}, socket.ValueError);
  assert.throws(() => server.sni_callback = 42 as unknown as ssl.ServernameCallback, TypeError);
  server.set_servername_callback(null);
  assert.equal(server.sni_callback, null);
  // set_ecdh_curve
  server.set_ecdh_curve("prime256v1");
  server.set_ecdh_curve(new TextEncoder().encode("secp384r1"));
  assert.throws(() => server.set_ecdh_curve("foo"), (e) => {
    assert.ok(e instanceof socket.ValueError);
    assert.equal(e.message, "unknown elliptic curve name 'foo'");
    return true;
  });
  assert.throws(() => server.set_ecdh_curve(1 as unknown as string), TypeError);
});

Deno.test("SSLContext.load_cert_chain() and load_verify_locations() raise CPython's errors for CPython's bad files", async () => {
  const py = await python(`
def err(f):
    try:
        f()
        return None
    except Exception as e:
        return [type(e).__name__, getattr(e, "errno", None), getattr(e, "library", None), getattr(e, "reason", None), str(e).split(" (_ssl.c")[0]]
c = lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
d = lambda f: os.path.join(CERTDATA, f)
print(json.dumps([
  err(lambda: c().load_verify_locations(d("badcert.pem"))),
  err(lambda: c().load_verify_locations(d("badkey.pem"))),
  err(lambda: c().load_verify_locations(d("nullcert.pem"))),
  err(lambda: c().load_verify_locations(cadata="broken")),
  err(lambda: c().load_verify_locations(cadata=b"broken")),
  err(lambda: c().load_cert_chain(d("badcert.pem"))),
  err(lambda: c().load_cert_chain(d("keycert.pem"), d("badkey.pem"))),
  err(lambda: c().load_cert_chain(d("keycert.passwd.pem"), None, "a" * 1025)),
  err(lambda: c().load_cert_chain(d("keycert.passwd.pem"), None, 3)),
  err(lambda: c().load_cert_chain(d("keycert.passwd.pem"), None, "wrong")),
]))
`) as unknown[];
  const d = cert;
  const err = (f: () => void) => {
    try {
      f();
      return null;
    } catch (e) {
      const x = e as ssl.SSLError;
      return [x.name, x.errno ?? null, x.library ?? null, x.reason ?? null, x.message];
    }
  };
  const c = clientContext;
  const ours = [
    err(() => c().load_verify_locations(d("badcert.pem"))),
    err(() => c().load_verify_locations(d("badkey.pem"))),
    err(() => c().load_verify_locations(d("nullcert.pem"))),
    err(() => c().load_verify_locations(null, null, "broken")),
    err(() => c().load_verify_locations(null, null, new TextEncoder().encode("broken"))),
    err(() => c().load_cert_chain(d("badcert.pem"))),
    err(() => c().load_cert_chain(d("keycert.pem"), d("badkey.pem"))),
    err(() => c().load_cert_chain(d("keycert.passwd.pem"), null, "a".repeat(1025))),
    err(() => c().load_cert_chain(d("keycert.passwd.pem"), null, 3 as unknown as string)),
    err(() => c().load_cert_chain(d("keycert.passwd.pem"), null, "wrong")),
  ];
  assert.deepEqual(ours, py);
  // And what loads: the encrypted key with its password, as text, bytes or a function.
  for (const password of ["somepass", new TextEncoder().encode("somepass"), () => "somepass"]) {
    c().load_cert_chain(d("keycert.passwd.pem"), null, password);
  }
});

Deno.test("SSLContext.cert_store_stats() and get_ca_certs() count and list what CPython's do", async () => {
  const py = await python(`
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
out = [c.cert_store_stats(), c.get_ca_certs()]
c.load_verify_locations(os.path.join(CERTDATA, "keycert.pem"))
out.append(c.cert_store_stats())
c.load_verify_locations(os.path.join(CERTDATA, "pycacert.pem"))
c.load_verify_locations(cadata=open(os.path.join(CERTDATA, "pycacert.pem")).read())
out += [c.cert_store_stats(), c.get_ca_certs(), len(c.get_ca_certs(True)[0])]
print(json.dumps(out))
`) as unknown[];
  const ctx = clientContext();
  const ours: unknown[] = [ctx.cert_store_stats(), ctx.get_ca_certs()];
  ctx.load_verify_locations(cert("keycert.pem"));
  ours.push(ctx.cert_store_stats());
  ctx.load_verify_locations(cert("pycacert.pem"));
  ctx.load_verify_locations(null, null, Deno.readTextFileSync(cert("pycacert.pem"))); // counted once
  ours.push(ctx.cert_store_stats(), ctx.get_ca_certs(), ctx.get_ca_certs(true)[0].length);
  assert.deepEqual(JSON.parse(JSON.stringify(ours)), py);
});

Deno.test("SSLContext.load_dh_params() loads CPython's parameters and raises CPython's errors", () => {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.load_dh_params(cert("ffdh3072.pem"));
  assert.throws(() => ctx.load_dh_params(null as unknown as string), TypeError);
  assert.throws(() => ctx.load_dh_params(cert("nope.pem")), (e) => {
    assert.ok(e instanceof socket.FileNotFoundError, String(e));
    assert.equal(e.errno, socket.errno.ENOENT);
    return true;
  });
  assert.throws(() => ctx.load_dh_params(cert("keycert.pem")), (e) => {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.message, "[PEM: NO_START_LINE] no start line");
    return true;
  });
});

Deno.test("SSLContext.session_stats() starts at zero, as CPython's", () => {
  assert.deepEqual(clientContext().session_stats(), {
    number: 0,
    connect: 0,
    connect_good: 0,
    connect_renegotiate: 0,
    accept: 0,
    accept_good: 0,
    accept_renegotiate: 0,
    hits: 0,
    misses: 0,
    timeouts: 0,
    cache_full: 0,
  });
});

Deno.test("SSLContext.keylog_filename makes the file with CPython's header; a directory or a number is refused", async () => {
  await using dir = await tempDir();
  const ctx = clientContext();
  assert.equal(ctx.keylog_filename, null);
  const path = `${dir.path}/keylog.txt`;
  if (libsslSelected()) {
    // libssl gives the key log: the file starts with CPython's header.
    ctx.keylog_filename = path;
    assert.equal(ctx.keylog_filename, path);
    assert.equal(
      Deno.readTextFileSync(path),
      "# TLS secrets log file, generated by OpenSSL / Python\n",
    );
  } else {
    // Deno's node:tls gives no key log: it says so.
    assert.throws(() => ctx.keylog_filename = path, (e) => {
      assert.ok(e instanceof socket.NotImplementedError, String(e));
      assert.match(
        e.message,
        /keylog_filename is not supported: Deno's node:tls \(rustls\) gives no TLS key log/,
      );
      return true;
    });
  }
  ctx.keylog_filename = null;
  assert.throws(() => ctx.keylog_filename = 1 as unknown as string, TypeError);
});

// ---- SSLErrorTests

Deno.test("SSLError subclasses are CPython's, with its errno, library and reason", () => {
  assert.ok(ssl.SSLZeroReturnError.prototype instanceof ssl.SSLError);
  assert.ok(ssl.SSLWantReadError.prototype instanceof ssl.SSLError);
  assert.ok(ssl.SSLWantWriteError.prototype instanceof ssl.SSLError);
  assert.ok(ssl.SSLSyscallError.prototype instanceof ssl.SSLError);
  assert.ok(ssl.SSLEOFError.prototype instanceof ssl.SSLError);
  assert.ok(ssl.SSLCertVerificationError.prototype instanceof ssl.SSLError);
  assert.ok(ssl.SSLError.prototype instanceof socket.OSError);
  assert.equal(ssl.CertificateError, ssl.SSLCertVerificationError);
  const e = new ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number", {
    library: "SSL",
    reason: "WRONG_VERSION_NUMBER",
  });
  assert.equal(String(e), "SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number");
  assert.equal(e.errno, ssl.SSL_ERROR_SSL);
});

Deno.test("SSLContext.wrap_socket() refuses a bad server_hostname, and encodes an IDN one with IDNA as CPython", async () => {
  const ctx = clientContext();
  for (const bad of ["", ".example.org"]) {
    await assert.rejects(
      ctx.wrap_socket(socket.socket(), { server_hostname: bad }),
      socket.ValueError,
    );
  }
  const names = [
    "könig.idn.pythontest.net",
    "xn--knig-5qa.idn.pythontest.net",
    "königsgäßchen.idna2003.pythontest.net",
    "xn--knigsgchen-b4a3dun.idna2008.pythontest.net",
    "Example.ORG",
  ];
  const py = await python(`
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
print(json.dumps([c.wrap_socket(socket.socket(), server_hostname=n).server_hostname for n in ${
    JSON.stringify(names)
  }]))
`);
  const ours = [];
  for (const name of names) {
    using tls = await ctx.wrap_socket(socket.socket(), { server_hostname: name });
    ours.push(tls.server_hostname);
  }
  assert.deepEqual(ours, py);
});

Deno.test("SSLContext.wrap_socket() of a datagram socket raises CPython's NotImplementedError", async () => {
  using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await assert.rejects(
    clientContext().wrap_socket(udp as unknown as socket.StreamSocket, { server_hostname: "x" }),
    (e) => {
      assert.ok(e instanceof socket.NotImplementedError, String(e));
      assert.equal(e.message, "only stream sockets are supported");
      return true;
    },
  );
});

Deno.test("a PROTOCOL_TLS_SERVER context wrapping a client socket is refused before connecting, as CPython", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  // Unconnected: connect() refuses before it connects.
  using tls = await server.wrap_socket(socket.socket());
  await assert.rejects(tls.connect(srv.getsockname()), (e) => {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.message, "Cannot create a client socket with a PROTOCOL_TLS_SERVER context");
    return true;
  });
  // Connected: wrap_socket() refuses at once.
  using raw = await socket.create_connection(srv.getsockname() as [string, number]);
  await assert.rejects(server.wrap_socket(raw), (e) => {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.errno, 0);
    assert.equal(e.message, "Cannot create a client socket with a PROTOCOL_TLS_SERVER context");
    return true;
  });
  const [conn] = await srv.accept();
  using _conn = conn;
  await assert.rejects(clientContext().wrap_socket(conn, { server_side: true }), (e) => {
    assert.ok(e instanceof ssl.SSLError, String(e));
    assert.equal(e.message, "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context");
    return true;
  });
});

Deno.test("SSLSocket.connect_ex() of an unconnected socket to a port with no listener returns ECONNREFUSED", async () => {
  const port = (() => {
    using s = socket.create_server(["127.0.0.1", 0]);
    return (s.getsockname() as [string, number])[1];
  })();
  const ctx = clientContext();
  using tls = await ctx.wrap_socket(socket.socket(), { server_hostname: "localhost" });
  assert.equal(await tls.connect_ex(["127.0.0.1", port]), socket.errno.ECONNREFUSED);
});
