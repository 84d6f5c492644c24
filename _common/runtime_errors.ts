// Copyright 2026 the pysocket authors. MIT license.
// The one mapping from what a runtime throws — a Deno error ("(os error N)"
// or its class), a Node error (`code`), a node:tls failure — to the OSError
// subclass Python raises. Transports call it at the edge; nothing above them
// maps again. The public classes it makes live in errors.ts.

import {
  errno,
  OSError,
  oserror,
  SSL_ERROR,
  SSLCertVerificationError,
  SSLError,
} from "../errors.ts";

const ERRNO_BY_DENO_NAME: Record<string, number> = {
  ConnectionRefused: errno.ECONNREFUSED,
  ConnectionReset: errno.ECONNRESET,
  ConnectionAborted: errno.ECONNABORTED,
  NotConnected: errno.ENOTCONN,
  AddrInUse: errno.EADDRINUSE,
  AddrNotAvailable: errno.EADDRNOTAVAIL,
  BrokenPipe: errno.EPIPE,
  AlreadyExists: errno.EEXIST,
  WouldBlock: errno.EAGAIN,
  TimedOut: errno.ETIMEDOUT,
  Interrupted: errno.EINTR,
  BadResource: errno.EBADF,
  Busy: errno.EBUSY,
  NotFound: errno.ENOENT,
  PermissionDenied: errno.EACCES,
  InvalidData: errno.EINVAL,
  NetworkUnreachable: errno.ENETUNREACH,
  NotADirectory: errno.ENOTDIR,
};

/**
 * Turns an error thrown by a Deno API (or a Node one: `code` such as
 * `"ECONNRESET"`) into the `OSError` subclass Python would raise, with the
 * original error as `cause`. Deno reports an OS error as "... (os error N)"
 * in any class, `TypeError` included; where it gives no number, its class
 * name decides. A TLS failure of node:tls (its `code`) becomes the
 * {@linkcode SSLError} Python raises ({@linkcode SSLCertVerificationError}
 * for a certificate that does not verify). Deno's permission errors (`Deno.errors.NotCapable`),
 * `OSError`s and programming errors (`TypeError`, `RangeError` without an
 * OS error number) are returned unchanged — except that an `OSError` a
 * transport mapped (its runtime error as `cause`, no detail yet) takes
 * `detail`, as a fresh error of its class. This is the package's one
 * error mapping: the transports call it, at the edge.
 *
 * @param err What Deno threw.
 * @param detail Appended to the message: what was being done.
 * @returns The error to throw.
 *
 * @example
 * ```ts
 * import { fromRuntimeError } from "@pysocket/socket";
 *
 * try {
 *   await Deno.connect({ hostname: "127.0.0.1", port: 1 });
 * } catch (e) {
 *   const err = fromRuntimeError(e);
 *   console.log(err.name); // "ConnectionRefusedError"
 * }
 * ```
 */
export function fromRuntimeError(err: unknown, detail?: string): Error {
  if (err instanceof OSError) return detail ? withDetail(err, detail) : err;
  if (isNotCapable(err)) return err;
  if (!(err instanceof Error)) return new OSError(errno.EIO, String(err), { detail });
  const tls = tlsError(err);
  if (tls !== null) return tls;
  if (
    (err instanceof TypeError || err instanceof RangeError) && !/\(os error \d+\)/.test(err.message)
  ) return err;
  const match = /\(os error (\d+)\)/.exec(err.message);
  let code = match ? Number(match[1]) : ERRNO_BY_DENO_NAME[err.name];
  if (code === undefined) {
    const named = (err as { code?: unknown }).code;
    code = typeof named === "string" && named in errno
      ? errno[named as keyof typeof errno]
      : errno.EIO;
  }
  return oserror(code, detail, err);
}

/**
 * What a call on a closed handle raises — a call pending when the handle
 * was closed included — as Python's: `OSError` EBADF, "[Errno 9] Bad file
 * descriptor". The transports make it at their edge, where they know the
 * handle was closed.
 */
export function closedError(cause?: unknown): OSError {
  return oserror(errno.EBADF, undefined, cause);
}

/**
 * The former name of {@linkcode fromRuntimeError}, which maps Deno, Node
 * and TLS errors alike.
 *
 * @deprecated Use {@linkcode fromRuntimeError}; this name stays for programs written against it.
 *
 * @param err What the runtime threw.
 * @param detail Appended to the message: what was being done.
 * @returns The error to throw.
 *
 * @example
 * ```ts
 * import { fromDenoError } from "@pysocket/socket";
 * console.log(fromDenoError(new Deno.errors.ConnectionRefused("refused")).name); // "ConnectionRefusedError"
 * ```
 */
export const fromDenoError: (err: unknown, detail?: string) => Error = fromRuntimeError;

/**
 * An OSError a transport mapped (a runtime error as its cause, no detail
 * yet) with what the caller was doing added, as one of its own class;
 * any other OSError unchanged.
 */
function withDetail(err: OSError, detail: string): OSError {
  if (
    err instanceof SSLError || err.errno === null || err.cause === undefined ||
    err.message !== `[Errno ${err.errno}] ${err.strerror}`
  ) return err;
  const Class = err.constructor as typeof OSError;
  return new Class(err.errno, err.strerror ?? undefined, { cause: err.cause, detail });
}

/** Whether `err` is Deno's permission error, which passes through every mapping untouched. */
export function isNotCapable(err: unknown): err is Error {
  const errors = (globalThis as { Deno?: { errors?: { NotCapable?: unknown } } }).Deno?.errors;
  const NotCapable = errors?.NotCapable as (new () => Error) | undefined;
  return NotCapable !== undefined && err instanceof NotCapable;
}

/**
 * OpenSSL's `X509_V_ERR_*` numbers and texts (those of the OpenSSL 3 CPython
 * links: Python's `verify_code` and `verify_message`) by the names node:tls
 * gives as `code`.
 */
const VERIFY_CODES: Record<string, readonly [number, string]> = {
  UNABLE_TO_GET_ISSUER_CERT: [2, "unable to get issuer certificate"],
  UNABLE_TO_GET_CRL: [3, "unable to get certificate CRL"],
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: [4, "unable to decrypt certificate's signature"],
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: [6, "unable to decode issuer public key"],
  CERT_SIGNATURE_FAILURE: [7, "certificate signature failure"],
  CERT_NOT_YET_VALID: [9, "certificate is not yet valid"],
  CERT_HAS_EXPIRED: [10, "certificate has expired"],
  ERROR_IN_CERT_NOT_BEFORE_FIELD: [13, "format error in certificate's notBefore field"],
  ERROR_IN_CERT_NOT_AFTER_FIELD: [14, "format error in certificate's notAfter field"],
  DEPTH_ZERO_SELF_SIGNED_CERT: [18, "self-signed certificate"],
  SELF_SIGNED_CERT_IN_CHAIN: [19, "self-signed certificate in certificate chain"],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: [20, "unable to get local issuer certificate"],
  // node:tls's name for a leaf whose issuer is not trusted; OpenSSL 3 says 20.
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: [20, "unable to get local issuer certificate"],
  CERT_CHAIN_TOO_LONG: [22, "certificate chain too long"],
  CERT_REVOKED: [23, "certificate revoked"],
  PATH_LENGTH_EXCEEDED: [25, "path length constraint exceeded"],
  INVALID_PURPOSE: [26, "unsuitable certificate purpose"],
  CERT_UNTRUSTED: [27, "certificate not trusted"],
  CERT_REJECTED: [28, "certificate rejected"],
  HOSTNAME_MISMATCH: [62, "hostname mismatch"],
  IP_ADDRESS_MISMATCH: [64, "IP address mismatch"],
  INVALID_CA: [79, "invalid CA certificate"],
};

/** node:tls's error (its `code`) as Python's `SSLError` of that kind, or `null` when it is no TLS error. */
function tlsError(err: Error): SSLError | null {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return null;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    const host = String((err as { host?: unknown }).host ?? "");
    const ip = /^[\d.]+$/.test(host) || host.includes(":");
    return new SSLCertVerificationError(
      (ip ? VERIFY_CODES.IP_ADDRESS_MISMATCH : VERIFY_CODES.HOSTNAME_MISMATCH)[0],
      `${ip ? "IP address" : "Hostname"} mismatch, certificate is not valid for '${host}'.`,
      { cause: err },
    );
  }
  if (Object.hasOwn(VERIFY_CODES, code)) {
    const [number, text] = VERIFY_CODES[code];
    return new SSLCertVerificationError(number, text, { cause: err });
  }
  const tls = /^ERR_(?:SSL|TLS)_(.+)$/.exec(code);
  if (tls === null) return null;
  const reason = tls[1];
  // OpenSSL's text for the reason, as Python prints it: the reason's name in
  // words ("wrong version number"); node:tls's own text differs by engine.
  const text = reason.toLowerCase().replaceAll("_", " ");
  return new SSLError(SSL_ERROR.SSL, `[SSL: ${reason}] ${text}`, {
    cause: err,
    library: "SSL",
    reason,
  });
}
