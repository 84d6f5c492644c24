// Copyright 2026 the pysocket authors. MIT license.
// An HTTPS GET the way Python's ssl documentation writes a client: a default
// context (the system's root certificates, or a CA file), a plain TCP
// connection, wrap_socket() with the server's name, then the socket API as
// usual. The Python it ports:
//
//   import socket, ssl, sys
//
//   host = sys.argv[1]
//   port = int(sys.argv[2]) if len(sys.argv) > 2 else 443
//   cafile = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
//   path = sys.argv[4] if len(sys.argv) > 4 else "/"
//
//   context = ssl.create_default_context(cafile=cafile)
//   with socket.create_connection((host, port), timeout=10) as sock:
//       with context.wrap_socket(sock, server_hostname=host) as ssock:
//           request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
//           ssock.sendall(request.encode("ascii"))
//           with ssock.makefile("rb") as f:
//               while line := f.readline():      # the status line, then the headers
//                   if line in (b"\r\n", b"\n"):
//                       break
//                   print(line.decode("iso-8859-1").rstrip("\r\n"))
//               body = f.read()
//           print()
//           print(f"body: {len(body)} bytes")
//           print("version:", ssock.version())
//           print("cipher:", *ssock.cipher())
//
// Usage:
//   deno run -A examples/https_get.ts host [port] [cafile] [path]
//
// `port` defaults to 443; `cafile` is a PEM file of the certificates to trust
// instead of the system's roots ("-" or nothing: the roots); `path` defaults
// to "/". The body length is that of the bytes after the headers, as sent
// (a chunked body counts its chunk lines). A certificate that does not verify
// for `host` raises SSLCertVerificationError ([SSL: CERTIFICATE_VERIFY_FAILED]).

import * as socket from "@pysocket/socket";
import * as ssl from "@pysocket/socket/ssl";
import { args, exit } from "./_py.ts";

const host = args[0];
if (!host) {
  console.error("usage: https_get.ts host [port] [cafile] [path]");
  exit(2);
}
const port = Number(args[1] ?? 443);
const cafile = args[2] && args[2] !== "-" ? args[2] : null;
const path = args[3] ?? "/";

const latin1 = new TextDecoder("iso-8859-1");

const context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile });
using sock = await socket.create_connection([host, port], 10);
using ssock = await context.wrap_socket(sock, { server_hostname: host }); // the handshake runs here
const request = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
await ssock.sendall(new TextEncoder().encode(request));
const f = ssock.makefile("rb");
let body: Uint8Array;
try {
  for (let line = await f.readline(); line.length > 0; line = await f.readline()) {
    const text = latin1.decode(line);
    if (text === "\r\n" || text === "\n") break; // the end of the headers
    console.log(text.replace(/\r?\n$/, ""));
  }
  body = await f.read(); // to the end of the stream: the server closes (Connection: close)
} finally {
  await f.close();
}
console.log();
console.log(`body: ${body.length} bytes`);
console.log("version:", ssock.version());
console.log("cipher:", ...ssock.cipher()!);
