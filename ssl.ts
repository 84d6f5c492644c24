// Copyright 2026 the pysocket authors. MIT license.
/**
 * Python's `ssl` for pysocket's sockets: `create_default_context()`,
 * `SSLContext` and `wrap_socket()` on both sides of a connection, with
 * Python's errors raised by the handshake. An {@linkcode SSLSocket} is a
 * {@linkcode StreamSocket}: `recv`, `recv_into`, `sendall`, `makefile`,
 * timeouts, `select`, selectors and socketserver work on it as on any
 * socket, through the same read buffer.
 *
 * Also reachable as the `ssl` namespace of `@pysocket/socket`.
 *
 * @example Constants and certificates, with no network
 * ```ts
 * import * as ssl from "@pysocket/socket/ssl";
 *
 * const ctx = ssl.create_default_context();
 * ctx.minimum_version = ssl.TLSVersion.TLSv1_3;
 * const pem = ssl.DER_cert_to_PEM_cert(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
 * console.log(ctx.verify_mode === ssl.CERT_REQUIRED, ssl.PEM_cert_to_DER_cert(pem).length); // true 5
 * ```
 *
 * @example A client, as Python's ssl documentation writes one
 * ```ts ignore
 * import * as socket from "@pysocket/socket";
 * import * as ssl from "@pysocket/socket/ssl";
 *
 * const hostname = "example.com";
 * const context = ssl.create_default_context();
 * using sock = await socket.create_connection([hostname, 443]);
 * using ssock = await context.wrap_socket(sock, { server_hostname: hostname });
 * console.log(ssock.version()); // "TLSv1.3"
 * ```
 *
 * @example A server wrapping each accepted connection
 * ```ts ignore
 * import * as socket from "@pysocket/socket";
 * import * as ssl from "@pysocket/socket/ssl";
 *
 * const context = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
 * context.load_cert_chain("cert.pem", "key.pem");
 * using srv = socket.create_server(["127.0.0.1", 8443]);
 * const [conn] = await srv.accept();
 * using tls = await context.wrap_socket(conn, { server_side: true });
 * await tls.sendall(await tls.recv(1024));
 * ```
 *
 * @module
 */

export {
  SSL_ERROR,
  SSLCertVerificationError,
  SSLEOFError,
  SSLError,
  SSLSyscallError,
  SSLWantReadError,
  SSLWantWriteError,
  SSLZeroReturnError,
} from "./errors.ts";
/** Python's `ssl.CertificateError`: an alias of {@linkcode SSLCertVerificationError}. */
export { SSLCertVerificationError as CertificateError } from "./errors.ts";
export * from "./_ssl/constants.ts";
export { DER_cert_to_PEM_cert, PEM_cert_to_DER_cert } from "./_ssl/pem.ts";
export type { Password } from "./_ssl/files.ts";
export type { CheckedWrapOptions, WrapSocketOptions } from "./_ssl/options.ts";
export type { AltName, DistinguishedName, PeerCertificate } from "./_ssl/x509.ts";
export type { CipherInfo } from "./_ssl/ciphers.ts";
export { SSLSession } from "./_ssl/session.ts";
export { MemoryBIO } from "./_ssl/bio.ts";
export type { CipherTuple } from "./_transport/openssl.ts";
export {
  type CertStoreStats,
  create_default_context,
  type ServernameCallback,
  type SessionStats,
  SSLContext,
  SSLObject,
  SSLSocket,
} from "./_ssl/socket.ts";
export {
  cert_time_to_seconds,
  type DefaultVerifyPaths,
  get_default_verify_paths,
  get_server_certificate,
  type GetServerCertificateOptions,
} from "./_ssl/module.ts";
