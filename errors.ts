// Copyright 2026 the pysocket authors. MIT license.
/**
 * Python's `OSError` hierarchy, the `errno` table, and the one function that
 * turns an error thrown by Deno into the class Python would raise.
 *
 * @example Tell a refused connection apart
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * try {
 *   await sock.connect(["127.0.0.1", 1]);
 * } catch (e) {
 *   if (!(e instanceof socket.ConnectionRefusedError)) throw e;
 *   console.log(e.errno === socket.errno.ECONNREFUSED); // true
 * }
 * ```
 *
 * @module
 */

/** Linux's errno numbers, by name, as Python's `errno` module has them. */
export const errno: {
  readonly EPERM: 1;
  readonly ENOENT: 2;
  readonly EINTR: 4;
  readonly EIO: 5;
  readonly EBADF: 9;
  readonly EAGAIN: 11;
  readonly EWOULDBLOCK: 11;
  readonly ENOMEM: 12;
  readonly EACCES: 13;
  readonly EFAULT: 14;
  readonly EBUSY: 16;
  readonly EEXIST: 17;
  readonly ENXIO: 6;
  readonly ENOTDIR: 20;
  readonly ENODEV: 19;
  readonly EINVAL: 22;
  readonly ENFILE: 23;
  readonly EMFILE: 24;
  readonly EPIPE: 32;
  readonly ENOTSOCK: 88;
  readonly EDESTADDRREQ: 89;
  readonly EMSGSIZE: 90;
  readonly EPROTOTYPE: 91;
  readonly ENOPROTOOPT: 92;
  readonly EPROTONOSUPPORT: 93;
  readonly ESOCKTNOSUPPORT: 94;
  readonly EOPNOTSUPP: 95;
  readonly ENOTSUP: 95;
  readonly EPFNOSUPPORT: 96;
  readonly EAFNOSUPPORT: 97;
  readonly EADDRINUSE: 98;
  readonly EADDRNOTAVAIL: 99;
  readonly ENETDOWN: 100;
  readonly ENETUNREACH: 101;
  readonly ENETRESET: 102;
  readonly ECONNABORTED: 103;
  readonly ECONNRESET: 104;
  readonly ENOBUFS: 105;
  readonly EISCONN: 106;
  readonly ENOTCONN: 107;
  readonly ESHUTDOWN: 108;
  readonly ETIMEDOUT: 110;
  readonly ECONNREFUSED: 111;
  readonly EHOSTDOWN: 112;
  readonly EHOSTUNREACH: 113;
  readonly EALREADY: 114;
  readonly EINPROGRESS: 115;
} = Object.freeze(
  {
    EPERM: 1,
    ENOENT: 2,
    EINTR: 4,
    EIO: 5,
    EBADF: 9,
    EAGAIN: 11,
    EWOULDBLOCK: 11,
    ENOMEM: 12,
    EACCES: 13,
    EFAULT: 14,
    EBUSY: 16,
    EEXIST: 17,
    ENXIO: 6,
    ENOTDIR: 20,
    ENODEV: 19,
    EINVAL: 22,
    ENFILE: 23,
    EMFILE: 24,
    EPIPE: 32,
    ENOTSOCK: 88,
    EDESTADDRREQ: 89,
    EMSGSIZE: 90,
    EPROTOTYPE: 91,
    ENOPROTOOPT: 92,
    EPROTONOSUPPORT: 93,
    ESOCKTNOSUPPORT: 94,
    EOPNOTSUPP: 95,
    ENOTSUP: 95,
    EPFNOSUPPORT: 96,
    EAFNOSUPPORT: 97,
    EADDRINUSE: 98,
    EADDRNOTAVAIL: 99,
    ENETDOWN: 100,
    ENETUNREACH: 101,
    ENETRESET: 102,
    ECONNABORTED: 103,
    ECONNRESET: 104,
    ENOBUFS: 105,
    EISCONN: 106,
    ENOTCONN: 107,
    ESHUTDOWN: 108,
    ETIMEDOUT: 110,
    ECONNREFUSED: 111,
    EHOSTDOWN: 112,
    EHOSTUNREACH: 113,
    EALREADY: 114,
    EINPROGRESS: 115,
  } as const,
);

/** `getaddrinfo()` error codes (`socket.EAI_*` in Python), negative as on Linux. */
export const EAI: {
  readonly EAI_BADFLAGS: -1;
  readonly EAI_NONAME: -2;
  readonly EAI_AGAIN: -3;
  readonly EAI_FAIL: -4;
  readonly EAI_NODATA: -5;
  readonly EAI_FAMILY: -6;
  readonly EAI_SOCKTYPE: -7;
  readonly EAI_SERVICE: -8;
  readonly EAI_ADDRFAMILY: -9;
  readonly EAI_MEMORY: -10;
  readonly EAI_SYSTEM: -11;
  readonly EAI_OVERFLOW: -12;
} = Object.freeze(
  {
    EAI_BADFLAGS: -1,
    EAI_NONAME: -2,
    EAI_AGAIN: -3,
    EAI_FAIL: -4,
    EAI_NODATA: -5,
    EAI_FAMILY: -6,
    EAI_SOCKTYPE: -7,
    EAI_SERVICE: -8,
    EAI_ADDRFAMILY: -9,
    EAI_MEMORY: -10,
    EAI_SYSTEM: -11,
    EAI_OVERFLOW: -12,
  } as const,
);

const STRERROR: Record<number, string> = {
  1: "Operation not permitted",
  2: "No such file or directory",
  4: "Interrupted system call",
  5: "Input/output error",
  6: "No such device or address",
  9: "Bad file descriptor",
  11: "Resource temporarily unavailable",
  12: "Cannot allocate memory",
  13: "Permission denied",
  14: "Bad address",
  16: "Device or resource busy",
  17: "File exists",
  19: "No such device",
  20: "Not a directory",
  22: "Invalid argument",
  23: "Too many open files in system",
  24: "Too many open files",
  32: "Broken pipe",
  88: "Socket operation on non-socket",
  89: "Destination address required",
  90: "Message too long",
  91: "Protocol wrong type for socket",
  92: "Protocol not available",
  93: "Protocol not supported",
  94: "Socket type not supported",
  95: "Operation not supported",
  96: "Protocol family not supported",
  97: "Address family not supported by protocol",
  98: "Address already in use",
  99: "Cannot assign requested address",
  100: "Network is down",
  101: "Network is unreachable",
  102: "Network dropped connection on reset",
  103: "Software caused connection abort",
  104: "Connection reset by peer",
  105: "No buffer space available",
  106: "Transport endpoint is already connected",
  107: "Transport endpoint is not connected",
  108: "Cannot send after transport endpoint shutdown",
  110: "Connection timed out",
  111: "Connection refused",
  112: "Host is down",
  113: "No route to host",
  114: "Operation already in progress",
  115: "Operation now in progress",
  [-1]: "Bad value for ai_flags",
  [-2]: "Name or service not known",
  [-3]: "Temporary failure in name resolution",
  [-4]: "Non-recoverable failure in name resolution",
  [-5]: "No address associated with hostname",
  [-6]: "ai_family not supported",
  [-7]: "ai_socktype not supported",
  [-8]: "Servname not supported for ai_socktype",
  [-9]: "Address family for hostname not supported",
  [-10]: "Memory allocation failure",
  [-11]: "System error",
  [-12]: "Argument buffer overflow",
};

/**
 * The message the C library gives an errno number (`os.strerror()`).
 *
 * @param code An errno number (or a negative `EAI_*` code).
 * @returns The message, e.g. `"Connection refused"` for 111.
 *
 * @example
 * ```ts
 * import { strerror } from "@pysocket/socket";
 * console.log(strerror(111)); // "Connection refused"
 * ```
 */
export function strerror(code: number): string {
  return STRERROR[code] ?? `Unknown error ${code}`;
}

/** Options of the `OSError` constructors: the underlying error, and what was being done. */
export interface OSErrorOptions {
  /** The underlying error (Deno's or Node's), kept as `cause`. */
  cause?: unknown;
  /** Appended to the message after a colon: what was being done. */
  detail?: string;
}

/**
 * Python's `OSError`: a failure the operating system (or Deno, speaking for
 * it) reported. `errno` is the Linux errno number, `strerror` its message,
 * and `cause` the original Deno error where there was one.
 *
 * The message reads as Python prints it: `[Errno 111] Connection refused`,
 * followed by what was being done where that helps. As in Python, a single
 * string argument is just a message (`errno` and `strerror` are `null`).
 *
 * @example
 * ```ts
 * import { errno, OSError } from "@pysocket/socket";
 *
 * const e = new OSError(errno.EBADF, undefined, { detail: "Cannot recv: socket is closed" });
 * console.log(e.message); // "[Errno 9] Bad file descriptor: Cannot recv: socket is closed"
 * console.log(new OSError("server closed").errno); // null
 * ```
 */
export class OSError extends Error {
  /** The errno number, or `null` where Python has `None` (a socket timeout, a message-only error). */
  readonly errno: number | null;
  /** The operating system's message for `errno` (`null` for a message-only error). */
  readonly strerror: string | null;

  /**
   * Makes an `OSError` with only a message, as Python's `OSError("message")`.
   *
   * @param message The error text.
   *
   * @example
   * ```ts
   * import { OSError } from "@pysocket/socket";
   * const e = new OSError("server closed");
   * console.log(e.message, e.errno, e.strerror); // "server closed" null null
   * ```
   */
  constructor(message?: string);
  /**
   * Makes an `OSError` from an errno number, as Python's `OSError(errno, strerror)`.
   *
   * @param code The errno number (`null` for none).
   * @param message The error text; defaults to `strerror(code)`.
   * @param options `cause`: the underlying error; `detail`: appended after a colon.
   *
   * @example
   * ```ts
   * import { errno, OSError } from "@pysocket/socket";
   * const e = new OSError(errno.ECONNREFUSED, undefined, { detail: "Cannot connect" });
   * console.log(e.message); // "[Errno 111] Connection refused: Cannot connect"
   * console.log(e.errno, e.strerror); // 111 "Connection refused"
   * ```
   */
  constructor(code: number | null, message?: string, options?: OSErrorOptions);
  constructor(code?: number | string | null, message?: string, options?: OSErrorOptions) {
    if (typeof code === "string" || code === undefined) {
      super(code ?? "", { cause: options?.cause });
      this.name = new.target.name;
      this.errno = null;
      this.strerror = null;
      return;
    }
    const text = message ?? (code === null ? "Unknown error" : strerror(code));
    const head = code === null ? text : `[Errno ${code}] ${text}`;
    super(options?.detail ? `${head}: ${options.detail}` : head, { cause: options?.cause });
    this.name = new.target.name;
    this.errno = code;
    this.strerror = text;
  }
}

/**
 * Raised when an operation would block on a socket in non-blocking mode
 * (errno `EAGAIN`).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using srv = socket.create_server(["127.0.0.1", 0]);
 * srv.setblocking(false);
 * try {
 *   await srv.accept();
 * } catch (e) {
 *   console.log(e instanceof socket.BlockingIOError); // true
 * }
 * ```
 */
export class BlockingIOError extends OSError {}

/**
 * Raised when a socket operation outlives the socket's timeout
 * (`socket.timeout` in Python, also exported as `timeout`). Its `errno` is
 * `null` for a timeout set with `settimeout()`, and `ETIMEDOUT` when the
 * operating system itself gave up.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using srv = socket.create_server(["127.0.0.1", 0]);
 * srv.settimeout(0.01);
 * try {
 *   await srv.accept();
 * } catch (e) {
 *   console.log(e instanceof socket.timeout, String(e)); // true "TimeoutError: timed out"
 * }
 * ```
 */
export class TimeoutError extends OSError {}

/** Python's `socket.timeout`: the same class as {@linkcode TimeoutError}. */
export const timeout: typeof TimeoutError = TimeoutError;

/**
 * Base class of the connection failures (`ConnectionError` in Python).
 *
 * @example
 * ```ts
 * import { ConnectionError, ConnectionResetError } from "@pysocket/socket";
 * console.log(new ConnectionResetError(104) instanceof ConnectionError); // true
 * ```
 */
export class ConnectionError extends OSError {}
/** Writing to a connection whose other end has closed (`EPIPE`, `ESHUTDOWN`). */
export class BrokenPipeError extends ConnectionError {}
/** The connection was aborted (`ECONNABORTED`). */
export class ConnectionAbortedError extends ConnectionError {}
/** The peer refused the connection (`ECONNREFUSED`). */
export class ConnectionRefusedError extends ConnectionError {}
/** The peer reset the connection (`ECONNRESET`). */
export class ConnectionResetError extends ConnectionError {}
/** The operating system refused access (`EACCES`, `EPERM`); not Deno's permission check. */
export class PermissionError extends OSError {}
/** A Unix socket path that does not exist (`ENOENT`). */
export class FileNotFoundError extends OSError {}
/** A file that already exists (`EEXIST`). */
export class FileExistsError extends OSError {}
/** A call interrupted by a close from elsewhere (`EINTR`). */
export class InterruptedError extends OSError {}

/**
 * Name resolution failed (`socket.gaierror`); `errno` is a negative `EAI_*`
 * code such as `EAI_NONAME` (-2).
 *
 * @example
 * ```ts
 * import { gaierror } from "@pysocket/socket";
 * console.log(String(new gaierror(-2))); // "gaierror: [Errno -2] Name or service not known"
 * ```
 */
export class gaierror extends OSError {}

/**
 * Address-related failures of the older resolver calls (`socket.herror`).
 *
 * @example
 * ```ts
 * import { herror } from "@pysocket/socket";
 * console.log(new herror(1, "Unknown host").message); // "[Errno 1] Unknown host"
 * ```
 */
export class herror extends OSError {}

type OSErrorClass = new (
  code: number | null,
  message?: string,
  options?: OSErrorOptions,
) => OSError;

const CLASS_BY_ERRNO: Record<number, OSErrorClass> = {
  1: PermissionError,
  2: FileNotFoundError,
  4: InterruptedError,
  11: BlockingIOError,
  13: PermissionError,
  17: FileExistsError,
  32: BrokenPipeError,
  103: ConnectionAbortedError,
  104: ConnectionResetError,
  108: BrokenPipeError,
  110: TimeoutError,
  111: ConnectionRefusedError,
  114: BlockingIOError,
  115: BlockingIOError,
};

/**
 * Makes the `OSError` of the class Python raises for an errno number.
 *
 * @param code The errno number.
 * @param detail Appended to the message: what was being done.
 * @param cause The underlying error, if any.
 * @returns An `OSError` or the subclass for `code` (e.g. `ConnectionRefusedError`).
 *
 * @example
 * ```ts
 * import { errno, oserror } from "@pysocket/socket";
 * const e = oserror(errno.ECONNRESET);
 * console.log(e.name, e.message); // "ConnectionResetError" "[Errno 104] Connection reset by peer"
 * ```
 */
export function oserror(code: number, detail?: string, cause?: unknown): OSError {
  const Class = CLASS_BY_ERRNO[code] ?? OSError;
  return new Class(code, undefined, { cause, detail });
}

/**
 * Python's `ValueError`, for arguments of the right type and a wrong value:
 * a negative `select()` timeout, an event mask that is neither
 * `EVENT_READ` nor `EVENT_WRITE` nor both, a closed file. It extends
 * `RangeError`, so `instanceof RangeError` holds too.
 *
 * @example
 * ```ts
 * import { ValueError } from "@pysocket/socket";
 * const e = new ValueError("Invalid events: 4");
 * console.log(e.name, e instanceof RangeError); // "ValueError" true
 * ```
 */
export class ValueError extends RangeError {
  /**
   * Makes the error.
   *
   * @param message What was wrong.
   * @param options The cause, if any.
   *
   * @example
   * ```ts
   * import { ValueError } from "@pysocket/socket";
   * const e = new ValueError("timeout must be non-negative");
   * console.log(e.name, e.message); // "ValueError" "timeout must be non-negative"
   * ```
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ValueError";
  }
}

/**
 * Python's `KeyError`: raised by a selector for a socket registered twice,
 * or one that is not registered.
 *
 * @example
 * ```ts
 * import { KeyError } from "@pysocket/socket";
 * console.log(new KeyError("not registered").name); // "KeyError"
 * ```
 */
export class KeyError extends Error {
  /**
   * Makes the error.
   *
   * @param message What was wrong.
   * @param options The cause, if any.
   *
   * @example
   * ```ts
   * import { KeyError } from "@pysocket/socket";
   * const e = new KeyError("socket (FD 3) is not registered");
   * console.log(e.name, e instanceof Error); // "KeyError" true
   * ```
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KeyError";
  }
}

/**
 * Python's `RuntimeError`: raised by a selector used after `close()`.
 *
 * @example
 * ```ts
 * import { RuntimeError } from "@pysocket/socket";
 * console.log(new RuntimeError("Selector is closed").name); // "RuntimeError"
 * ```
 */
export class RuntimeError extends Error {
  /**
   * Makes the error.
   *
   * @param message What was wrong.
   * @param options The cause, if any.
   *
   * @example
   * ```ts
   * import { RuntimeError } from "@pysocket/socket";
   * const e = new RuntimeError("Cannot select: Selector is closed", { cause: "close()" });
   * console.log(e.name, e.cause); // "RuntimeError" "close()"
   * ```
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RuntimeError";
  }
}

/**
 * Python's `NotImplementedError` (a {@linkcode RuntimeError}): what is not
 * supported — a datagram socket given to `ssl`'s `wrap_socket()`, or a TLS
 * feature the runtime's TLS engine lacks (the message names it).
 *
 * @example
 * ```ts
 * import { NotImplementedError, RuntimeError } from "@pysocket/socket";
 * const e = new NotImplementedError("only stream sockets are supported");
 * console.log(e.name, e instanceof RuntimeError); // "NotImplementedError" true
 * ```
 */
export class NotImplementedError extends RuntimeError {
  /**
   * Makes the error.
   *
   * @param message What is not supported.
   * @param options The cause, if any.
   *
   * @example
   * ```ts
   * import { NotImplementedError } from "@pysocket/socket";
   * console.log(new NotImplementedError("not here").message); // "not here"
   * ```
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotImplementedError";
  }
}

/**
 * Python's `ExceptionGroup`: several errors raised together, as
 * `create_connection(address, …, { all_errors: true })` raises the error of
 * every address it tried. It is an `AggregateError`; `exceptions` (Python's
 * name) is its `errors`.
 *
 * @example
 * ```ts
 * import { ExceptionGroup, OSError } from "@pysocket/socket";
 * const g = new ExceptionGroup("create_connection failed", [new OSError(111), new OSError(101)]);
 * console.log(g.exceptions.length, g instanceof AggregateError); // 2 true
 * ```
 */
export class ExceptionGroup extends AggregateError {
  /** The errors (Python's `exceptions`). */
  readonly exceptions: readonly Error[];

  /**
   * Makes the group.
   *
   * @param message What failed.
   * @param exceptions The errors, in order.
   *
   * @example
   * ```ts
   * import { ExceptionGroup, OSError } from "@pysocket/socket";
   * const g = new ExceptionGroup("create_connection failed", [new OSError(111), new OSError(101)]);
   * console.log(g.message, g.exceptions.map((e) => (e as OSError).errno)); // "create_connection failed" [ 111, 101 ]
   * ```
   */
  constructor(message: string, exceptions: readonly Error[]) {
    super(exceptions, message);
    this.name = "ExceptionGroup";
    this.exceptions = exceptions;
  }
}

/** Python's `ssl.SSL_ERROR_*` numbers: what kind of TLS failure an {@linkcode SSLError} is (its `errno`). */
export const SSL_ERROR = {
  /** A protocol error (the usual kind). */
  SSL: 1,
  /** A non-blocking read would wait. */
  WANT_READ: 2,
  /** A non-blocking write would wait. */
  WANT_WRITE: 3,
  /** A system call failed. */
  SYSCALL: 5,
  /** The peer closed TLS with close_notify. */
  ZERO_RETURN: 6,
  /** The connection ended in violation of the protocol. */
  EOF: 8,
} as const;

/** The options of an {@linkcode SSLError}: the cause, and OpenSSL's library and reason names. */
export interface SSLErrorOptions {
  /** The underlying error (node:tls's), kept as `cause`. */
  cause?: unknown;
  /** The library that failed, as OpenSSL names it (`"SSL"`). */
  library?: string | null;
  /** OpenSSL's name for the failure (`"CERTIFICATE_VERIFY_FAILED"`). */
  reason?: string | null;
}

/**
 * Python's `ssl.SSLError`: a TLS failure, an {@linkcode OSError} whose
 * `errno` is one of {@linkcode SSL_ERROR} and whose message reads as
 * Python's (`[SSL: WRONG_VERSION_NUMBER] wrong version number`).
 *
 * @example
 * ```ts
 * import { SSLError } from "@pysocket/socket/ssl";
 * const e = new SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number", {
 *   library: "SSL",
 *   reason: "WRONG_VERSION_NUMBER",
 * });
 * console.log(e.message, e.errno, e.reason); // "[SSL: WRONG_VERSION_NUMBER] wrong version number" 1 "WRONG_VERSION_NUMBER"
 * ```
 */
export class SSLError extends OSError {
  /** OpenSSL's library name (`"SSL"`), or `null`. */
  readonly library: string | null;
  /** OpenSSL's reason name (`"WRONG_VERSION_NUMBER"`), or `null`. */
  readonly reason: string | null;

  /**
   * Makes the error; its message is `message` as it is (Python prints an
   * `SSLError` without the `[Errno N]` head).
   *
   * @param code One of {@linkcode SSL_ERROR}, or `null`.
   * @param message The text (default: a text for `code`).
   * @param options The cause, library and reason.
   *
   * @example
   * ```ts
   * import { SSLError } from "@pysocket/socket/ssl";
   * console.log(new SSLError(1, "[SSL] bad record").message); // "[SSL] bad record"
   * ```
   */
  constructor(code: number | null = null, message?: string, options?: SSLErrorOptions) {
    const text = message ?? SSL_TEXT[code ?? 0] ?? "TLS failure";
    super(code, text, { cause: options?.cause });
    this.message = text;
    this.library = options?.library ?? null;
    this.reason = options?.reason ?? null;
  }
}

const SSL_TEXT: Record<number, string> = {
  2: "The operation did not complete (read)",
  3: "The operation did not complete (write)",
  5: "Some I/O error occurred",
  6: "TLS/SSL connection has been closed (EOF)",
  8: "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol",
};

/**
 * Python's `ssl.SSLZeroReturnError`: the peer closed TLS cleanly.
 *
 * @example
 * ```ts
 * import { SSLZeroReturnError } from "@pysocket/socket/ssl";
 * console.log(new SSLZeroReturnError(6).message); // "TLS/SSL connection has been closed (EOF)"
 * ```
 */
export class SSLZeroReturnError extends SSLError {}

/**
 * Python's `ssl.SSLWantReadError`: on a non-blocking TLS socket, the call
 * needs bytes from the peer first (wait until the socket is readable).
 *
 * @example
 * ```ts
 * import { SSLWantReadError } from "@pysocket/socket/ssl";
 * console.log(new SSLWantReadError(2).message); // "The operation did not complete (read)"
 * ```
 */
export class SSLWantReadError extends SSLError {}

/**
 * Python's `ssl.SSLWantWriteError`: on a non-blocking TLS socket, the call
 * needs to send first (wait until the socket is writable).
 *
 * @example
 * ```ts
 * import { SSLWantWriteError } from "@pysocket/socket/ssl";
 * console.log(new SSLWantWriteError(3).message); // "The operation did not complete (write)"
 * ```
 */
export class SSLWantWriteError extends SSLError {}

/**
 * Python's `ssl.SSLSyscallError`: the transport under TLS failed.
 *
 * @example
 * ```ts
 * import { SSLSyscallError } from "@pysocket/socket/ssl";
 * console.log(new SSLSyscallError(5).errno); // 5
 * ```
 */
export class SSLSyscallError extends SSLError {}

/**
 * Python's `ssl.SSLEOFError`: the connection ended in violation of the
 * protocol (during the handshake, say).
 *
 * @example
 * ```ts
 * import { SSLEOFError } from "@pysocket/socket/ssl";
 * console.log(new SSLEOFError(8).message); // "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol"
 * ```
 */
export class SSLEOFError extends SSLError {}

/**
 * Python's `ssl.SSLCertVerificationError` (also `ssl.CertificateError`):
 * the peer's certificate did not verify — an unknown issuer, a name it
 * does not carry, an expired one. Raised by the handshake.
 *
 * @example
 * ```ts
 * import { SSLCertVerificationError } from "@pysocket/socket/ssl";
 * const e = new SSLCertVerificationError(62, "Hostname mismatch, certificate is not valid for 'example.com'.");
 * console.log(e.verify_code, e.message);
 * // 62 "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'example.com'."
 * ```
 */
export class SSLCertVerificationError extends SSLError {
  /** OpenSSL's verification result (`X509_V_ERR_*`: 62 is a hostname mismatch). */
  readonly verify_code: number;
  /** OpenSSL's text for `verify_code`. */
  readonly verify_message: string;

  /**
   * Makes the error.
   *
   * @param verifyCode OpenSSL's `X509_V_ERR_*` number.
   * @param verifyMessage Its text.
   * @param options The cause.
   *
   * @example
   * ```ts
   * import { SSLCertVerificationError } from "@pysocket/socket/ssl";
   * console.log(new SSLCertVerificationError(20, "unable to get local issuer certificate").errno); // 1
   * ```
   */
  constructor(verifyCode: number, verifyMessage: string, options?: { cause?: unknown }) {
    super(
      SSL_ERROR.SSL,
      `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${verifyMessage}`,
      { cause: options?.cause, library: "SSL", reason: "CERTIFICATE_VERIFY_FAILED" },
    );
    this.verify_code = verifyCode;
    this.verify_message = verifyMessage;
  }
}
