// Copyright 2026 the pysocket authors. MIT license.
// What an SSLContext is told, checked as Python checks it: wrap_socket's
// options and the TLS versions.

import { ValueError } from "../errors.ts";
import { typeName } from "../_common/bytes.ts";
import { TLSVersion } from "./constants.ts";

/** The options of `SSLContext.wrap_socket()`, as Python's keyword arguments. */
export interface WrapSocketOptions {
  /** The server's side of the handshake (default `false`). */
  server_side?: boolean;
  /** The name to send as SNI and to check the certificate against (clients). */
  server_hostname?: string | null;
  /** Run the handshake on connect/accept/wrap (default `true`); else on `do_handshake()`. */
  do_handshake_on_connect?: boolean;
  /**
   * A peer that closes without close_notify is end of stream (default
   * `true`). `false` is refused: node:tls does not tell the two apart.
   */
  suppress_ragged_eofs?: boolean;
}

/** node:tls's names of the versions it speaks, by {@linkcode TLSVersion} value. */
export const VERSION_NAMES: Record<number, "TLSv1.2" | "TLSv1.3"> = {
  771: "TLSv1.2",
  772: "TLSv1.3",
};

/** A {@linkcode TLSVersion} value, checked (`MINIMUM_SUPPORTED` as TLS 1.2). */
export function checkVersion(version: unknown, op: string): number {
  const known = Object.values(TLSVersion) as number[];
  if (typeof version !== "number" || !known.includes(version)) {
    throw new ValueError(
      `Cannot set ${op}: must be a TLSVersion value: current value is ${String(version)}`,
    );
  }
  if (version === TLSVersion.MINIMUM_SUPPORTED) return TLSVersion.TLSv1_2;
  return version;
}

/** The wrap options, checked as Python checks them, with Python's defaults (`checkHostname`: the context's). */
export function checkWrapOptions(
  checkHostname: boolean,
  options: WrapSocketOptions,
  op: string,
): Required<WrapSocketOptions> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${op}: options must be an object, not '${typeName(options)}'`);
  }
  const serverSide = Boolean(options.server_side);
  const hostname = options.server_hostname ?? null;
  if (hostname !== null && typeof hostname !== "string") {
    throw new TypeError(
      `Cannot ${op}: server_hostname must be a string, not '${typeName(hostname)}'`,
    );
  }
  if (serverSide && hostname !== null) {
    throw new ValueError("server_hostname can only be specified in client mode");
  }
  if (!serverSide && checkHostname && hostname === null) {
    throw new ValueError("check_hostname requires server_hostname");
  }
  if (hostname === "" || hostname?.startsWith(".")) {
    throw new ValueError(
      `Cannot ${op}: server_hostname cannot be an empty string or start with a leading dot.`,
    );
  }
  if (options.suppress_ragged_eofs === false) {
    throw new ValueError(
      `Cannot ${op}: suppress_ragged_eofs=false is not supported: node:tls does not tell a close_notify from a connection closed without one`,
    );
  }
  return {
    server_side: serverSide,
    server_hostname: hostname,
    do_handshake_on_connect: options.do_handshake_on_connect ?? true,
    suppress_ragged_eofs: true,
  };
}
