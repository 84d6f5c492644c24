// Copyright 2026 the pysocket authors. MIT license.
// Python's ssl module functions beside the context: get_server_certificate,
// cert_time_to_seconds, get_default_verify_paths.

import { AF_INET, AF_INET6 } from "../constants.ts";
import { ValueError } from "../errors.ts";
import { StreamSocket } from "../tcp.ts";
import { checkTimeout } from "../_common/deadline.ts";
import { resolveHost } from "../_common/resolve.ts";
import { typeName } from "../_common/bytes.ts";
import { CERT_NONE, CERT_REQUIRED, PROTOCOL_TLS_CLIENT } from "./constants.ts";
import { envVar, isDirectory, isFile } from "./environ.ts";
import { DER_cert_to_PEM_cert } from "./pem.ts";
import { create_default_context, SSLContext } from "./socket.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Python's `ssl.cert_time_to_seconds()`: a certificate's `notBefore` or
 * `notAfter` text (`"Jan  5 09:34:43 2018 GMT"`) as seconds since the epoch.
 *
 * @param cert_time The time as `getpeercert()` gives it.
 * @returns Seconds since the epoch.
 * @throws {ValueError} for text in another form; {TypeError} for what is not text.
 *
 * @example
 * ```ts
 * import { cert_time_to_seconds } from "@pysocket/socket/ssl";
 * console.log(cert_time_to_seconds("Jan  5 09:34:43 2018 GMT")); // 1515144883
 * ```
 */
export function cert_time_to_seconds(cert_time: string): number {
  if (typeof cert_time !== "string") {
    throw new TypeError(`cert_time must be a string, not '${typeName(cert_time)}'`);
  }
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2}) (\d{4}) GMT$/.exec(
    cert_time,
  );
  const month = m ? MONTHS.indexOf(m[1]) : -1;
  if (m === null || month < 0) {
    throw new ValueError(
      `time data ${JSON.stringify(cert_time)} does not match format '%b %d %H:%M:%S %Y GMT'`,
    );
  }
  const [day, hour, minute, second, year] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 61) {
    throw new ValueError(`time data ${JSON.stringify(cert_time)} is out of range`);
  }
  return Date.UTC(year, month, day, hour, minute, 0) / 1000 + second;
}

/** Python's `ssl.DefaultVerifyPaths`: where default certificates are looked for. */
export interface DefaultVerifyPaths {
  /** The CA file in use (`SSL_CERT_FILE`, or OpenSSL's default when it exists), or `null`. */
  readonly cafile: string | null;
  /** The CA directory in use (`SSL_CERT_DIR`, or OpenSSL's default when it exists), or `null`. */
  readonly capath: string | null;
  /** The environment variable that names a CA file. */
  readonly openssl_cafile_env: string;
  /** OpenSSL's default CA file. */
  readonly openssl_cafile: string;
  /** The environment variable that names a CA directory. */
  readonly openssl_capath_env: string;
  /** OpenSSL's default CA directory. */
  readonly openssl_capath: string;
}

/** OpenSSL's default CA file and directory on Linux distributions (Debian's OPENSSLDIR). */
const OPENSSL_CAFILE = "/usr/lib/ssl/cert.pem";
const OPENSSL_CAPATH = "/usr/lib/ssl/certs";

/**
 * Python's `ssl.get_default_verify_paths()`: the CA file and directory
 * `SSL_CERT_FILE` and `SSL_CERT_DIR` name, or OpenSSL's defaults where
 * they exist. Without those variables, `load_default_certs()` here
 * trusts the runtime's own root certificates.
 *
 * @returns The paths.
 *
 * @example
 * ```ts
 * import { get_default_verify_paths } from "@pysocket/socket/ssl";
 * console.log(get_default_verify_paths().openssl_cafile_env); // "SSL_CERT_FILE"
 * ```
 */
export function get_default_verify_paths(): DefaultVerifyPaths {
  const cafile = envVar("SSL_CERT_FILE") ?? OPENSSL_CAFILE;
  const capath = envVar("SSL_CERT_DIR") ?? OPENSSL_CAPATH;
  return Object.freeze({
    cafile: isFile(cafile) ? cafile : null,
    capath: isDirectory(capath) ? capath : null,
    openssl_cafile_env: "SSL_CERT_FILE",
    openssl_cafile: OPENSSL_CAFILE,
    openssl_capath_env: "SSL_CERT_DIR",
    openssl_capath: OPENSSL_CAPATH,
  });
}

/** The options of {@linkcode get_server_certificate}, as Python's keyword arguments. */
export interface GetServerCertificateOptions {
  /** The protocol of the context made (`PROTOCOL_TLS_CLIENT`). */
  ssl_version?: number;
  /** Certificates to verify the server against (then verification is on). */
  ca_certs?: string | null;
  /** A timeout in seconds for connecting and the handshake. */
  timeout?: number | null;
}

/**
 * Python's `ssl.get_server_certificate()`: connects to `[host, port]`,
 * runs a TLS handshake (sending `host` as SNI) and returns the server's
 * certificate as PEM. Without `ca_certs` nothing is verified.
 *
 * @param addr The server's `[host, port]`.
 * @param options `ssl_version`, `ca_certs`, `timeout`.
 * @returns The certificate (PEM).
 * @throws {SSLCertVerificationError} when `ca_certs` is given and it does
 *   not verify; the {OSError}s connecting raises; {TimeoutError}.
 *
 * @example
 * ```ts ignore
 * import { get_server_certificate } from "@pysocket/socket/ssl";
 * console.log(await get_server_certificate(["example.com", 443]));
 * ```
 */
export async function get_server_certificate(
  addr: [string, number],
  options?: GetServerCertificateOptions,
): Promise<string> {
  const [host, port] = addr;
  const { ssl_version = PROTOCOL_TLS_CLIENT, ca_certs = null, timeout } = options ?? {};
  const t = timeout === undefined || timeout === null
    ? null
    : checkTimeout(timeout, "get_server_certificate");
  let context: SSLContext;
  if (ca_certs !== null) {
    context = create_default_context(undefined, { cafile: ca_certs });
    context.verify_mode = CERT_REQUIRED;
  } else {
    context = new SSLContext(ssl_version);
    context.check_hostname = false;
    context.verify_mode = CERT_NONE;
  }
  const hosts = await resolveHost(host, 0);
  let last: unknown = null;
  for (const ip of hosts) {
    const sock = new StreamSocket(ip.includes(":") ? AF_INET6 : AF_INET);
    sock.settimeout(t);
    try {
      await sock.connect([ip, port]);
    } catch (e) {
      sock.close();
      last = e;
      continue;
    }
    const tls = await context.wrap_socket(sock, { server_hostname: host });
    try {
      return DER_cert_to_PEM_cert(tls.getpeercert(true)!);
    } finally {
      tls.close();
    }
  }
  throw last;
}
