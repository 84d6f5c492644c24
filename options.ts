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
import { Multicast, parseMembership } from "./_multicast.ts";
import { levelName, refusedName } from "./_refused_options.ts";

/** A value for `setsockopt()`: an integer (or boolean), or packed bytes. */
export type OptionValue = number | boolean | Uint8Array | ArrayBufferView | ArrayBuffer;

/** The Deno handles a socket has now, for options that act on them. */
export interface OptionHandles {
  /** The connected stream, if any. */
  conn: Deno.Conn | null;
  /** Whether the socket is listening. */
  listening: boolean;
  /** Whether a Deno listener exists (a stream socket bound but maybe not yet listening). */
  bound?: boolean;
  /** The datagram handle, if any (datagram sockets). */
  datagram?: Deno.DatagramConn | null;
  /** Runs an async Deno option call in the background (see `Socket._defer`). */
  defer?: (p: Promise<unknown>) => void;
}

type Kind = "stream" | "dgram" | "any";

/** What an option's hooks get: the handles and the socket's option state. */
interface Ctx {
  h: OptionHandles;
  s: SocketOptions;
  mc: Multicast;
}

interface Spec {
  name: string;
  kind: Kind;
  /** Only for sockets of this family (multicast options). */
  family?: number;
  /**
   * `"flag"`/`"int"` options are stored; `"readonly"` ones are computed;
   * `"action"` ones (memberships) act and store nothing.
   */
  mode: "flag" | "int" | "readonly" | "action";
  /** What `getsockopt` reports before the option is set. */
  initial?: number;
  /** IP-level options also take a single byte, as Linux does. */
  byte?: boolean;
  /** Refuses a value that cannot be honoured (throws). */
  check?: (c: Ctx, value: number) => void;
  /** Acts on the current handles when set (and on a new handle). */
  apply?: (c: Ctx, value: number) => void;
  /** Acts on the packed value of an `"action"` option. */
  act?: (c: Ctx, value: Uint8Array) => void;
  /** Computes the value in force. */
  read?: (c: Ctx, stored: number) => number;
}

const key = (level: number, optname: number) => level * 65536 + optname;

function tcpConn(h: OptionHandles): Deno.TcpConn | null {
  const c = h.conn as Deno.TcpConn | null;
  return c && typeof c.setNoDelay === "function" ? c : null;
}

const isInet = (s: SocketOptions) => s.family === C.AF_INET || s.family === C.AF_INET6;
/** Whether the Deno handle that bind-time options act on exists already. */
const created = (h: OptionHandles) => h.listening || !!h.bound || !!h.datagram;

/** SO_REUSEADDR / SO_REUSEPORT act only when Deno creates the socket. */
function beforeBind(name: string): (c: Ctx, v: number) => void {
  return ({ h, s }, v) => {
    const now = s.get(h, C.SOL_SOCKET, C[name as "SO_REUSEADDR"]) as number;
    if (created(h) && (v !== 0 ? 1 : 0) !== now) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: `Cannot setsockopt: ${name} must be set before bind(); ` +
          "Deno applies it only when it creates the socket",
      });
    }
  };
}

function alwaysOn(name: string, what: string): (c: Ctx, v: number) => void {
  return ({ s }, v) => {
    if (v === 0 && isInet(s) && (name !== "SO_REUSEADDR" || s.type === C.SOCK_STREAM)) {
      throw new OSError(errno.ENOPROTOOPT, undefined, {
        detail: `Cannot setsockopt: Deno always sets ${name} on ${what}; it cannot be turned off`,
      });
    }
  };
}

function range(name: string, lo: number, hi: number): (c: Ctx, v: number) => void {
  return (_c, v) => {
    if (v < lo || v > hi) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: `Cannot setsockopt: ${name} must be ${lo}-${hi}: current value is ${v}`,
      });
    }
  };
}

function membership(add: boolean, name: string): (c: Ctx, value: Uint8Array) => void {
  return ({ h, s, mc }, value) => {
    const { group, iface } = parseMembership(s.family, value, name);
    add ? mc.add(h, group, iface) : mc.drop(h, group, iface);
  };
}

const TABLE = new Map<number, Spec>([
  [key(C.SOL_SOCKET, C.SO_REUSEADDR), {
    name: "SO_REUSEADDR",
    kind: "any",
    mode: "flag",
    check: (c, v) => {
      alwaysOn("SO_REUSEADDR", "TCP listeners")(c, v);
      beforeBind("SO_REUSEADDR")(c, v);
    },
    // Deno's TCP listeners always have it on (Linux).
    read: ({ h, s }, v) => (s.type === C.SOCK_STREAM && isInet(s) && created(h) ? 1 : v),
  }],
  [key(C.SOL_SOCKET, C.SO_REUSEPORT), {
    name: "SO_REUSEPORT",
    kind: "any",
    mode: "flag",
    check: beforeBind("SO_REUSEPORT"),
  }],
  [key(C.SOL_SOCKET, C.SO_BROADCAST), {
    name: "SO_BROADCAST",
    kind: "dgram",
    mode: "flag",
    check: alwaysOn("SO_BROADCAST", "UDP sockets"),
    read: ({ h, s }, v) => (isInet(s) && h.datagram ? 1 : v),
  }],
  [key(C.SOL_SOCKET, C.SO_KEEPALIVE), {
    name: "SO_KEEPALIVE",
    kind: "stream",
    mode: "flag",
    apply: ({ h }, v) => tcpConn(h)?.setKeepAlive(v !== 0),
  }],
  [key(C.IPPROTO_TCP, C.TCP_NODELAY), {
    name: "TCP_NODELAY",
    kind: "stream",
    mode: "flag",
    apply: ({ h }, v) => tcpConn(h)?.setNoDelay(v !== 0),
  }],
  [key(C.IPPROTO_IP, C.IP_MULTICAST_TTL), {
    name: "IP_MULTICAST_TTL",
    kind: "dgram",
    family: C.AF_INET,
    mode: "int",
    initial: 1,
    byte: true,
    check: range("IP_MULTICAST_TTL", 0, 255),
    apply: ({ h, mc }, v) => mc.setTTL(h, v),
  }],
  [key(C.IPPROTO_IP, C.IP_MULTICAST_LOOP), {
    name: "IP_MULTICAST_LOOP",
    kind: "dgram",
    family: C.AF_INET,
    mode: "flag",
    initial: 1,
    byte: true,
    apply: ({ h, mc }, v) => mc.setLoopback(h, v !== 0),
  }],
  [key(C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP), {
    name: "IPV6_MULTICAST_LOOP",
    kind: "dgram",
    family: C.AF_INET6,
    mode: "flag",
    initial: 1,
    check: range("IPV6_MULTICAST_LOOP", 0, 1),
    apply: ({ h, mc }, v) => mc.setLoopback(h, v !== 0),
  }],
  [key(C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP), {
    name: "IP_ADD_MEMBERSHIP",
    kind: "dgram",
    family: C.AF_INET,
    mode: "action",
    act: membership(true, "IP_ADD_MEMBERSHIP"),
  }],
  [key(C.IPPROTO_IP, C.IP_DROP_MEMBERSHIP), {
    name: "IP_DROP_MEMBERSHIP",
    kind: "dgram",
    family: C.AF_INET,
    mode: "action",
    act: membership(false, "IP_DROP_MEMBERSHIP"),
  }],
  [key(C.IPPROTO_IPV6, C.IPV6_JOIN_GROUP), {
    name: "IPV6_JOIN_GROUP",
    kind: "dgram",
    family: C.AF_INET6,
    mode: "action",
    act: membership(true, "IPV6_JOIN_GROUP"),
  }],
  [key(C.IPPROTO_IPV6, C.IPV6_LEAVE_GROUP), {
    name: "IPV6_LEAVE_GROUP",
    kind: "dgram",
    family: C.AF_INET6,
    mode: "action",
    act: membership(false, "IPV6_LEAVE_GROUP"),
  }],
  [key(C.IPPROTO_IPV6, C.IPV6_V6ONLY), {
    name: "IPV6_V6ONLY",
    kind: "any",
    family: C.AF_INET6,
    mode: "flag",
    // Deno never sets it: its IPv6 sockets take IPv4 too (Linux's default).
    check: (_c, v) => {
      if (v !== 0) {
        throw new OSError(errno.ENOPROTOOPT, undefined, {
          detail: "Cannot setsockopt: Deno does not expose IPV6_V6ONLY; " +
            "its IPv6 sockets always accept IPv4 too",
        });
      }
    },
  }],
  [key(C.SOL_SOCKET, C.SO_TYPE), {
    name: "SO_TYPE",
    kind: "any",
    mode: "readonly",
    read: ({ s }) => s.type,
  }],
  [key(C.SOL_SOCKET, C.SO_DOMAIN), {
    name: "SO_DOMAIN",
    kind: "any",
    mode: "readonly",
    read: ({ s }) => s.family,
  }],
  [key(C.SOL_SOCKET, C.SO_PROTOCOL), {
    name: "SO_PROTOCOL",
    kind: "any",
    mode: "readonly",
    read: ({ s }) =>
      s.family === C.AF_UNIX ? 0 : s.type === C.SOCK_STREAM ? C.IPPROTO_TCP : C.IPPROTO_UDP,
  }],
  [key(C.SOL_SOCKET, C.SO_ERROR), {
    name: "SO_ERROR",
    kind: "any",
    mode: "readonly",
    read: ({ s }) => s.takeError(),
  }],
  [key(C.SOL_SOCKET, C.SO_ACCEPTCONN), {
    name: "SO_ACCEPTCONN",
    kind: "any",
    mode: "readonly",
    read: ({ h }) => (h.listening ? 1 : 0),
  }],
]);

/** Reads an option value as an integer, as Linux's `setsockopt` does. */
function intValue(value: OptionValue, op: string, byte: boolean): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      throw new TypeError(`Cannot ${op}: option value must be an integer, not ${value}`);
    }
    return value;
  }
  const b = packedValue(value, op);
  if (b.length >= 4) return new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
  if (byte && b.length >= 1) return b[0];
  throw new OSError(errno.EINVAL, undefined, {
    detail: `Cannot ${op}: packed option value is shorter than an int`,
  });
}

function packedValue(value: unknown, op: string): Uint8Array {
  if (value === null || typeof value !== "object") {
    throw new TypeError(
      `Cannot ${op}: option value must be an integer or bytes, not '${typeName(value)}'`,
    );
  }
  return toBytes(value);
}

/**
 * The options of one socket: what was set, and how each reaches Deno.
 * Used by the socket classes; not constructed by users.
 */
export class SocketOptions {
  readonly family: number;
  readonly type: number;
  // Made on first use: most sockets set no option and join no group.
  #values: Map<number, number> | null = null;
  #error = 0;
  #mc: Multicast | null = null;

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
    return (this.#values?.get(key(level, optname)) ?? 0) !== 0;
  }

  #spec(level: number, optname: number, op: string): Spec {
    const spec = TABLE.get(key(level, optname));
    const kind = this.type === C.SOCK_STREAM ? "stream" : "dgram";
    let detail: string;
    if (spec && spec.kind !== "any" && spec.kind !== kind) {
      detail = `${spec.name} does not apply to a ${
        kind === "stream" ? "SOCK_STREAM" : "SOCK_DGRAM"
      } socket`;
    } else if (spec && spec.family !== undefined && spec.family !== this.family) {
      detail = `${spec.name} applies only to ${
        spec.family === C.AF_INET ? "AF_INET" : "AF_INET6"
      } sockets`;
    } else if (spec) {
      return spec;
    } else {
      const name = refusedName(level, optname);
      detail = name
        ? `Deno does not expose ${name}`
        : `unknown option ${optname} at ${levelName(level)}`;
    }
    throw new OSError(errno.ENOPROTOOPT, undefined, { detail: `Cannot ${op}: ${detail}` });
  }

  #ctx(h: OptionHandles): Ctx {
    const multicast = () => this.#multicast(h);
    return {
      h,
      s: this,
      get mc() {
        return multicast();
      },
    };
  }

  #multicast(h: OptionHandles): Multicast {
    if (this.#mc === null) {
      this.#mc = new Multicast(this.family, (code) => this.setError(code));
      this.#mc.attach(h);
    }
    return this.#mc;
  }

  /** `setsockopt()`: validates, stores and applies one option. */
  set(handles: OptionHandles, level: number, optname: number, value: OptionValue): void {
    const spec = this.#spec(level, optname, "setsockopt");
    const ctx = this.#ctx(handles);
    if (spec.mode === "readonly") {
      throw new OSError(errno.ENOPROTOOPT, undefined, {
        detail: `Cannot setsockopt: ${spec.name} is read-only`,
      });
    }
    if (spec.mode === "action") {
      if (typeof value === "number" || typeof value === "boolean") {
        throw new TypeError(
          `Cannot setsockopt: ${spec.name} takes a packed membership request, not a number`,
        );
      }
      return spec.act!(ctx, packedValue(value, "setsockopt"));
    }
    const v = intValue(value, "setsockopt", !!spec.byte);
    spec.check?.(ctx, v);
    (this.#values ??= new Map()).set(
      key(level, optname),
      spec.mode === "flag" ? (v !== 0 ? 1 : 0) : v,
    );
    spec.apply?.(ctx, v);
  }

  /** `getsockopt()`: the value in force, as an int (or packed bytes when `buflen` is given). */
  get(
    handles: OptionHandles,
    level: number,
    optname: number,
    buflen?: number,
  ): number | Uint8Array {
    const spec = this.#spec(level, optname, "getsockopt");
    if (spec.mode === "action") {
      throw new OSError(errno.ENOPROTOOPT, undefined, {
        detail: `Cannot getsockopt: ${spec.name} can only be set`,
      });
    }
    const stored = this.#values?.get(key(level, optname)) ?? spec.initial ?? 0;
    const v = spec.read ? spec.read(this.#ctx(handles), stored) : stored;
    if (buflen === undefined) return v;
    if (!Number.isInteger(buflen) || buflen < 0 || buflen > 1024) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: "Cannot getsockopt: buflen must be 0-1024",
      });
    }
    const out = new Uint8Array(buflen);
    if (buflen >= 4) new DataView(out.buffer).setInt32(0, v, true);
    else if (buflen >= 1 && spec.byte) out[0] = v & 0xff;
    return out;
  }

  /**
   * Applies the stored options to a Deno handle just created (a new
   * connection, or a datagram handle made by `bind()`/`sendto()`).
   */
  applyTo(handles: OptionHandles): void {
    this.#mc?.attach(handles);
    if (this.#values === null) return;
    const ctx = this.#ctx(handles);
    for (const [k, v] of this.#values) TABLE.get(k)?.apply?.(ctx, v);
  }

  /** Copies the stored options to the socket of an accepted connection (Linux inherits them). */
  copyTo(other: SocketOptions): void {
    if (this.#values !== null) other.#values = new Map(this.#values);
  }
}
