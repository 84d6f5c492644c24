// Copyright 2026 the pysocket authors. MIT license.
// What an SSLContext is told, checked as Python checks it: wrap_socket's
// options, the TLS versions, integers, and host names (IDNA-encoded as
// CPython's "idna" codec encodes them).

import { ValueError } from "../errors.ts";
import { typeName } from "../_common/bytes.ts";
import { TLSVersion } from "./constants.ts";

/** The options of `SSLContext.wrap_socket()`, as Python's keyword arguments. */
export interface WrapSocketOptions<Session = unknown> {
  /** The server's side of the handshake (default `false`). */
  server_side?: boolean;
  /**
   * The name to send as SNI and to check the certificate against (clients);
   * a name with non-ASCII letters is sent IDNA-encoded (`"xn--…"`), as
   * CPython sends it. Bytes are taken as ASCII.
   */
  server_hostname?: string | Uint8Array | null;
  /** Run the handshake on connect/accept/wrap (default `true`); else on `do_handshake()`. */
  do_handshake_on_connect?: boolean;
  /**
   * A peer that closes without close_notify is end of stream (default
   * `true`); with `false`, `recv()` raises `SSLEOFError` for it instead.
   */
  suppress_ragged_eofs?: boolean;
  /** A session to resume (clients): an earlier socket's `session`. */
  session?: Session | null;
}

/** The wrap options once checked: Python's defaults filled in. */
export interface CheckedWrapOptions<Session = unknown> {
  /** The server's side of the handshake. */
  server_side: boolean;
  /** The name sent as SNI and checked (clients), IDNA-encoded, or `null`. */
  server_hostname: string | null;
  /** Whether the handshake runs on connect, accept or wrap. */
  do_handshake_on_connect: boolean;
  /** Whether an end without close_notify reads as end of stream. */
  suppress_ragged_eofs: boolean;
  /** The session to resume, or `null`. */
  session: Session | null;
}

/** node:tls's names of the versions it speaks, by {@linkcode TLSVersion} value. */
export const VERSION_NAMES: Record<number, "TLSv1.2" | "TLSv1.3"> = {
  771: "TLSv1.2",
  772: "TLSv1.3",
};

/** An integer argument, checked as Python's `int` conversion does (TypeError for what is none). */
export function checkInteger(value: unknown, _op: string): number {
  if (typeof value === "boolean") return Number(value);
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`'${typeName(value)}' object cannot be interpreted as an integer`);
  }
  return value;
}

/** A {@linkcode TLSVersion} value, checked as CPython checks it (kept as given). */
export function checkVersion(version: unknown, op: string): number {
  const v = checkInteger(version, op);
  const known = Object.values(TLSVersion) as number[];
  if (!known.includes(v)) {
    throw new ValueError(
      `Unsupported TLS/SSL version 0x${(v >>> 0).toString(16)}`,
    );
  }
  return v;
}

/** Characters IDNA 2003 maps differently from UTS 46 (its "deviations"), as CPython's codec does. */
const DEVIATIONS: Record<string, string> = { "\u00df": "ss", "\u03c2": "\u03c3" };

/**
 * A host name as CPython's `"idna"` codec encodes it (IDNA 2003): ASCII
 * labels as they are, others mapped and Punycode-encoded (`"xn--…"`).
 *
 * @throws {ValueError} for a name that has no IDNA form.
 */
export function idnaEncode(host: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(host)) return host;
  return host.split(/[.\u3002\uff0e\uff61]/).map((label) => {
    // deno-lint-ignore no-control-regex
    if (/^[\x00-\x7f]*$/.test(label)) return label;
    const mapped = label.replace(/[\u00df\u03c2]/g, (c) => DEVIATIONS[c]).replace(
      /[\u200c\u200d]/g,
      "",
    );
    try {
      const ace = new URL(`http://${mapped}/`).hostname;
      if (ace.includes(".")) throw new Error("a label cannot hold a dot");
      return ace;
    } catch (e) {
      throw new ValueError(`encoding with 'idna' codec failed: label ${JSON.stringify(label)}`, {
        cause: e,
      });
    }
  }).join(".");
}

/** The wrap options, checked as Python checks them, with Python's defaults (`checkHostname`: the context's). */
export function checkWrapOptions<Session>(
  checkHostname: boolean,
  options: WrapSocketOptions<Session>,
  op: string,
): CheckedWrapOptions<Session> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${op}: options must be an object, not '${typeName(options)}'`);
  }
  const serverSide = Boolean(options.server_side);
  let hostname = options.server_hostname ?? null;
  if (hostname instanceof Uint8Array) hostname = new TextDecoder("latin1").decode(hostname);
  if (hostname !== null && typeof hostname !== "string") {
    throw new TypeError(
      `Cannot ${op}: server_hostname must be a string, not '${typeName(hostname)}'`,
    );
  }
  if (serverSide && hostname !== null) {
    throw new ValueError("server_hostname can only be specified in client mode");
  }
  if (serverSide && options.session != null) {
    throw new ValueError("session can only be specified in client mode");
  }
  if (!serverSide && checkHostname && hostname === null) {
    throw new ValueError("check_hostname requires server_hostname");
  }
  if (hostname === "" || hostname?.startsWith(".")) {
    throw new ValueError(
      `Cannot ${op}: server_hostname cannot be an empty string or start with a leading dot.`,
    );
  }
  return {
    server_side: serverSide,
    server_hostname: hostname === null ? null : idnaEncode(hostname),
    do_handshake_on_connect: options.do_handshake_on_connect ?? true,
    suppress_ragged_eofs: options.suppress_ragged_eofs ?? true,
    session: options.session ?? null,
  };
}
