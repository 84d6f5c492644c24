// Copyright 2026 the pysocket authors. MIT license.
/**
 * `setsockopt()` / `getsockopt()`: one table says, for every option Python
 * knows, how it reaches Deno — applied to the Deno handle, stored and
 * reported, or refused with `OSError` (`ENOPROTOOPT`) saying Deno does not
 * expose it. No option is silently ignored. Options set before the Deno
 * handle exists are applied when it is created.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
 * console.log(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)); // 1
 * ```
 *
 * @module
 */

import * as C from "./constants.ts";
import { errno, OSError } from "./errors.ts";
import { toBytes, typeName } from "./_util.ts";

/** A value for `setsockopt()`: an integer (or boolean), or packed bytes. */
export type OptionValue = number | boolean | Uint8Array | ArrayBufferView | ArrayBuffer;

/** The Deno handles a socket has now, for options that act on them. */
export interface OptionHandles {
  /** The connected stream, if any. */
  conn: Deno.Conn | null;
  /** Whether the socket is listening. */
  listening: boolean;
  /** The datagram handle, if any (datagram sockets). */
  datagram?: Deno.DatagramConn | null;
  /** Runs an async Deno option call in the background (see `Socket._defer`). */
  defer?: (p: Promise<unknown>) => void;
}

type Kind = "stream" | "dgram" | "any";

interface Spec {
  name: string;
  kind: Kind;
  /** `"flag"`/`"int"` options are stored; `"readonly"` ones are computed. */
  mode: "flag" | "int" | "readonly";
  /** Acts on the current handles when set (and on a new connection). */
  apply?: (h: OptionHandles, value: number) => void;
  /** Computes a read-only option. */
  read?: (s: SocketOptions, h: OptionHandles) => number;
}

const key = (level: number, optname: number) => level * 65536 + optname;

function tcpConn(h: OptionHandles): Deno.TcpConn | null {
  const c = h.conn as Deno.TcpConn | null;
  return c && typeof c.setNoDelay === "function" ? c : null;
}

const TABLE = new Map<number, Spec>([
  [key(C.SOL_SOCKET, C.SO_REUSEADDR), { name: "SO_REUSEADDR", kind: "any", mode: "flag" }],
  [key(C.SOL_SOCKET, C.SO_REUSEPORT), { name: "SO_REUSEPORT", kind: "any", mode: "flag" }],
  [key(C.SOL_SOCKET, C.SO_KEEPALIVE), {
    name: "SO_KEEPALIVE",
    kind: "stream",
    mode: "flag",
    apply: (h, v) => tcpConn(h)?.setKeepAlive(v !== 0),
  }],
  [key(C.IPPROTO_TCP, C.TCP_NODELAY), {
    name: "TCP_NODELAY",
    kind: "stream",
    mode: "flag",
    apply: (h, v) => tcpConn(h)?.setNoDelay(v !== 0),
  }],
  [key(C.SOL_SOCKET, C.SO_TYPE), {
    name: "SO_TYPE",
    kind: "any",
    mode: "readonly",
    read: (s) => s.type,
  }],
  [key(C.SOL_SOCKET, C.SO_DOMAIN), {
    name: "SO_DOMAIN",
    kind: "any",
    mode: "readonly",
    read: (s) => s.family,
  }],
  [key(C.SOL_SOCKET, C.SO_PROTOCOL), {
    name: "SO_PROTOCOL",
    kind: "any",
    mode: "readonly",
    read: (s) =>
      s.family === C.AF_UNIX ? 0 : s.type === C.SOCK_STREAM ? C.IPPROTO_TCP : C.IPPROTO_UDP,
  }],
  [key(C.SOL_SOCKET, C.SO_ERROR), {
    name: "SO_ERROR",
    kind: "any",
    mode: "readonly",
    read: (s) => s.takeError(),
  }],
  [key(C.SOL_SOCKET, C.SO_ACCEPTCONN), {
    name: "SO_ACCEPTCONN",
    kind: "any",
    mode: "readonly",
    read: (_s, h) => (h.listening ? 1 : 0),
  }],
]);

/** The names of the options Deno does not expose, for the error message. */
const REFUSED: Record<number, string> = {};
for (
  const [level, names] of [
    [C.SOL_SOCKET, [
      "SO_DEBUG",
      "SO_DONTROUTE",
      "SO_SNDBUF",
      "SO_RCVBUF",
      "SO_OOBINLINE",
      "SO_PRIORITY",
      "SO_LINGER",
      "SO_RCVLOWAT",
      "SO_SNDLOWAT",
      "SO_RCVTIMEO",
      "SO_SNDTIMEO",
      "SO_BINDTODEVICE",
    ]],
    [C.IPPROTO_TCP, [
      "TCP_MAXSEG",
      "TCP_CORK",
      "TCP_KEEPIDLE",
      "TCP_KEEPINTVL",
      "TCP_KEEPCNT",
      "TCP_SYNCNT",
      "TCP_LINGER2",
      "TCP_DEFER_ACCEPT",
      "TCP_WINDOW_CLAMP",
      "TCP_INFO",
      "TCP_QUICKACK",
      "TCP_CONGESTION",
      "TCP_USER_TIMEOUT",
      "TCP_FASTOPEN",
      "TCP_NOTSENT_LOWAT",
    ]],
    [C.IPPROTO_IP, ["IP_TOS", "IP_TTL", "IP_HDRINCL", "IP_OPTIONS", "IP_RECVOPTS"]],
    [C.IPPROTO_IPV6, ["IPV6_UNICAST_HOPS", "IPV6_V6ONLY"]],
  ] as const
) {
  for (const name of names) REFUSED[key(level, C[name])] = name;
}

function levelName(level: number): string {
  return ({
    [C.SOL_SOCKET]: "SOL_SOCKET",
    [C.IPPROTO_TCP]: "IPPROTO_TCP",
    [C.IPPROTO_IP]: "IPPROTO_IP",
    [C.IPPROTO_IPV6]: "IPPROTO_IPV6",
    [C.IPPROTO_UDP]: "IPPROTO_UDP",
  } as Record<number, string>)[level] ?? `level ${level}`;
}

/** Reads an option value as an integer, as Python's `setsockopt` does for ints. */
function intValue(value: OptionValue, op: string): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      throw new TypeError(`Cannot ${op}: option value must be an integer, not ${value}`);
    }
    return value;
  }
  if (value === null || typeof value !== "object") {
    throw new TypeError(
      `Cannot ${op}: option value must be an integer or bytes, not '${typeName(value)}'`,
    );
  }
  const b = toBytes(value);
  if (b.length < 4) {
    throw new OSError(errno.EINVAL, undefined, {
      detail: `Cannot ${op}: packed option value is shorter than an int`,
    });
  }
  return new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
}

/**
 * The options of one socket: what was set, and how each reaches Deno.
 * Used by the socket classes; not constructed by users.
 */
export class SocketOptions {
  readonly family: number;
  readonly type: number;
  #values = new Map<number, number>();
  #error = 0;

  constructor(family: number, type: number) {
    this.family = family;
    this.type = type;
  }

  /** Records an error for `SO_ERROR` (e.g. a failed non-blocking connect). */
  setError(code: number): void {
    this.#error = code;
  }

  /** Returns and clears the pending `SO_ERROR`. */
  takeError(): number {
    const e = this.#error;
    this.#error = 0;
    return e;
  }

  /** Whether a flag option is on. */
  flag(level: number, optname: number): boolean {
    return (this.#values.get(key(level, optname)) ?? 0) !== 0;
  }

  #spec(level: number, optname: number, op: string): Spec {
    const spec = TABLE.get(key(level, optname));
    const kind = this.type === C.SOCK_STREAM ? "stream" : "dgram";
    if (spec && (spec.kind === "any" || spec.kind === kind)) return spec;
    const name = spec?.name ?? REFUSED[key(level, optname)];
    const detail = name
      ? spec
        ? `Cannot ${op}: ${name} does not apply to a ${
          kind === "stream" ? "SOCK_STREAM" : "SOCK_DGRAM"
        } socket`
        : `Cannot ${op}: Deno does not expose ${name}`
      : `Cannot ${op}: unknown option ${optname} at ${levelName(level)}`;
    throw new OSError(errno.ENOPROTOOPT, undefined, { detail });
  }

  /** `setsockopt()`: validates, stores and applies one option. */
  set(handles: OptionHandles, level: number, optname: number, value: OptionValue): void {
    const spec = this.#spec(level, optname, "setsockopt");
    if (spec.mode === "readonly") {
      throw new OSError(errno.ENOPROTOOPT, undefined, {
        detail: `Cannot setsockopt: ${spec.name} is read-only`,
      });
    }
    const v = intValue(value, "setsockopt");
    this.#values.set(key(level, optname), spec.mode === "flag" ? (v !== 0 ? 1 : 0) : v);
    spec.apply?.(handles, v);
  }

  /** `getsockopt()`: the value in force, as an int (or packed bytes when `buflen` is given). */
  get(
    handles: OptionHandles,
    level: number,
    optname: number,
    buflen?: number,
  ): number | Uint8Array {
    const spec = this.#spec(level, optname, "getsockopt");
    const v = spec.read ? spec.read(this, handles) : (this.#values.get(key(level, optname)) ?? 0);
    if (buflen === undefined) return v;
    if (!Number.isInteger(buflen) || buflen < 0 || buflen > 1024) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: "Cannot getsockopt: buflen must be 0-1024",
      });
    }
    const out = new Uint8Array(buflen);
    if (buflen >= 4) new DataView(out.buffer).setInt32(0, v, true);
    return out;
  }

  /** Applies every stored option that acts on a connection to a new one. */
  applyTo(handles: OptionHandles): void {
    for (const [k, v] of this.#values) TABLE.get(k)?.apply?.(handles, v);
  }

  /** Copies the stored options to the socket of an accepted connection (Linux inherits them). */
  copyTo(other: SocketOptions): void {
    for (const [k, v] of this.#values) other.#values.set(k, v);
  }
}
