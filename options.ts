// Copyright 2026 the pysocket authors. MIT license.
/**
 * `setsockopt()` / `getsockopt()`: one table says, for every option Python
 * knows, how it reaches the socket — applied to the Deno handle, stored and
 * reported, taken by the node backend (`SO_LINGER` on with 0 seconds and
 * `TCP_KEEPIDLE` before `connect()`; `SO_RCVBUF`, `SO_SNDBUF` and `IP_TTL`
 * before a UDP socket binds: the socket then runs on node:net or
 * node:dgram), or refused with `OSError` (`ENOPROTOOPT`) saying why. No
 * option is silently ignored. Options set before the handle exists are
 * applied when it is created.
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
import { inet_ntop } from "./address.ts";
import { checkInt, toBytes, typeName } from "./_common/bytes.ts";
import { levelName, refusedName } from "./_common/option_names.ts";
import type { MulticastControl } from "./_datagram/multicast.ts";
import type { DatagramTransport, Descriptor, StreamTransport } from "./_transport/types.ts";
import { capabilities } from "./_transport/pick.ts";

/** A value for `setsockopt()`: an integer (or boolean), or packed bytes. */
export type OptionValue = number | boolean | Uint8Array | ArrayBufferView | ArrayBuffer;

/** What a socket has now, for options that act on it. */
export interface OptionHandles {
  /** The connection, if any (stream sockets). */
  conn: StreamTransport | null;
  /** Whether the socket is listening. */
  listening: boolean;
  /** Whether its handle exists (a stream socket bound but maybe not yet listening; a bound datagram socket). */
  bound: boolean;
  /** The multicast state (datagram sockets; made when first asked for). */
  multicast?: () => MulticastControl;
  /** Whether the backend of the connection, listener or datagram socket applies the kernel options Deno's API lacks. */
  kernelOptions?: boolean;
  /** The datagram transport, once bound (datagram sockets). */
  datagram?: DatagramTransport | null;
  /** The socket's real descriptor, where it has one (the FFI backend's). */
  descriptor?: Descriptor | null;
}

function invalid(detail: string): OSError {
  return new OSError(errno.EINVAL, undefined, { detail: `Cannot setsockopt: ${detail}` });
}

/**
 * Reads Python's packed membership request: `ip_mreq` (group + interface
 * address, 8 bytes: `inet_aton(group) + inet_aton(iface)` or
 * `struct.pack("=4sl", ...)`), `ip_mreqn` (12 bytes or more, as
 * `struct.pack("4sl", group, INADDR_ANY)` makes on 64-bit Linux), or
 * `ipv6_mreq` (16-byte group + interface index).
 */
function parseMembership(
  family: number,
  b: Uint8Array,
  name: string,
): { group: string; iface: string | number } {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (family === C.AF_INET6) {
    if (b.length < 20) throw invalid(`${name} needs a 20-byte ipv6_mreq (group, ifindex)`);
    const group = inet_ntop(C.AF_INET6, b.subarray(0, 16));
    if (b[0] !== 0xff) throw invalid(`${group} is not a multicast group`);
    return { group, iface: view.getUint32(16, true) };
  }
  if (b.length < 8) throw invalid(`${name} needs an 8-byte ip_mreq (group, interface)`);
  const group = Array.from(b.subarray(0, 4)).join(".");
  if (b[0] < 224 || b[0] > 239) throw invalid(`${group} is not a multicast group`);
  if (b.length >= 12 && view.getInt32(8, true) !== 0) {
    throw new OSError(errno.ENOPROTOOPT, undefined, {
      detail:
        `Cannot setsockopt: Deno joins a group by interface address, not by interface index (${
          view.getInt32(8, true)
        }); give the address instead`,
    });
  }
  return { group, iface: Array.from(b.subarray(4, 8)).join(".") };
}

type Kind = "stream" | "dgram" | "any";

/** What an option's hooks get: the handles and the socket's option state. */
interface Ctx {
  h: OptionHandles;
  s: SocketOptions;
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
  /**
   * A struct option (`SO_LINGER`): set from its packed bytes, stored as one
   * number, and given back packed when `getsockopt` asks for `size` bytes.
   */
  packed?: {
    size: number;
    decode: (b: DataView) => number;
    encode: (stored: number, b: DataView) => void;
  };
  /**
   * Whether a stored value asks for a kernel option Deno's API lacks: then
   * the socket's handle is made by a backend that applies it (pick.ts), and
   * a handle that exists already on one that does not refuses it.
   */
  needsKernel?: (stored: number) => boolean;
  /** Why a Deno connection cannot take such a value (for the error). */
  nodeWhy?: string;
}

const key = (level: number, optname: number) => level * 65536 + optname;

const isInet = (s: SocketOptions) => s.family === C.AF_INET || s.family === C.AF_INET6;
/** Whether the handle that bind-time options act on exists already. */
const created = (h: OptionHandles) => h.listening || h.bound;

/**
 * A flag that acts only when the runtime creates the socket (SO_REUSEADDR,
 * SO_REUSEPORT, IPV6_V6ONLY): changing it once bound raises EINVAL.
 */
function beforeBind(name: string, level: number = C.SOL_SOCKET): (c: Ctx, v: number) => void {
  return ({ h, s }, v) => {
    const now = s.get(h, level, C[name as "SO_REUSEADDR"]) as number;
    if (created(h) && (v !== 0) !== (now !== 0)) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: `Cannot setsockopt: ${name} must be set before bind(); ` +
          "it acts only when the socket is created",
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

/**
 * `SO_RCVBUF`/`SO_SNDBUF` of a datagram socket (node:dgram): Linux doubles
 * what is asked (its bookkeeping), and getsockopt reports the kernel's value.
 */
function bufferSize(name: string, which: "recv" | "send"): Spec {
  return {
    name,
    kind: "dgram",
    mode: "int",
    check: range(name, 1, 0x7fffffff),
    apply: ({ h }, v) => h.datagram?.setBufferSize?.(which, v),
    // The kernel's value once bound; before, what Linux will make of it:
    // the default (212992), or the size asked (at most rmem_max) doubled.
    read: ({ h }, v) =>
      h.datagram?.getBufferSize?.(which) ?? (v === 0 ? 212992 : Math.min(v, 212992) * 2),
    needsKernel: () => true,
    nodeWhy: "Deno's datagram sockets take no buffer size",
  };
}

function membership(add: boolean, name: string): (c: Ctx, value: Uint8Array) => void {
  return ({ h, s }, value) => {
    const { group, iface } = parseMembership(s.family, value, name);
    add ? h.multicast?.().add(group, iface) : h.multicast?.().drop(group, iface);
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
    read: ({ h, s }, v) => (isInet(s) && h.bound ? 1 : v),
  }],
  [key(C.SOL_SOCKET, C.SO_KEEPALIVE), {
    name: "SO_KEEPALIVE",
    kind: "stream",
    mode: "flag",
    apply: ({ h, s }, v) => h.conn?.setKeepAlive?.(v !== 0, s.keepIdle()),
  }],
  [key(C.IPPROTO_TCP, C.TCP_NODELAY), {
    name: "TCP_NODELAY",
    kind: "stream",
    mode: "flag",
    apply: ({ h }, v) => h.conn?.setNoDelay?.(v !== 0),
  }],
  [key(C.IPPROTO_TCP, C.TCP_KEEPIDLE), {
    name: "TCP_KEEPIDLE",
    kind: "stream",
    mode: "int",
    initial: 7200, // Linux's tcp_keepalive_time
    check: range("TCP_KEEPIDLE", 1, 32767),
    apply: ({ h, s }, v) => h.conn?.setKeepAlive?.(s.flag(C.SOL_SOCKET, C.SO_KEEPALIVE), v),
    needsKernel: () => true,
    nodeWhy: "Deno's connections take no keepalive idle time",
  }],
  [key(C.SOL_SOCKET, C.SO_LINGER), {
    name: "SO_LINGER",
    kind: "stream",
    mode: "int",
    // Stored as l_onoff | l_linger << 1; getsockopt without a size gives l_onoff, as Linux.
    packed: {
      size: 8,
      decode: (b) => (b.getInt32(0, true) !== 0 ? 1 : 0) | (Math.max(0, b.getInt32(4, true)) * 2),
      encode: (v, b) => {
        b.setInt32(0, v & 1, true);
        b.setInt32(4, Math.floor(v / 2), true);
      },
    },
    read: (_c, v) => v & 1,
    needsKernel: (v) => v === 1, // on, lingering 0 seconds: close with a reset
    nodeWhy: "Deno's connections cannot be closed with a reset (SO_LINGER on, 0 seconds)",
  }],
  [key(C.SOL_SOCKET, C.SO_RCVBUF), bufferSize("SO_RCVBUF", "recv")],
  [key(C.SOL_SOCKET, C.SO_SNDBUF), bufferSize("SO_SNDBUF", "send")],
  [key(C.IPPROTO_IP, C.IP_TTL), {
    name: "IP_TTL",
    kind: "dgram",
    family: C.AF_INET,
    mode: "int",
    initial: 64, // Linux's ip_default_ttl
    check: range("IP_TTL", 1, 255),
    apply: ({ h }, v) => h.datagram?.setTTL?.(v),
    needsKernel: () => true,
    nodeWhy: "Deno's datagram sockets take no TTL",
  }],
  [key(C.IPPROTO_IP, C.IP_MULTICAST_TTL), {
    name: "IP_MULTICAST_TTL",
    kind: "dgram",
    family: C.AF_INET,
    mode: "int",
    initial: 1,
    byte: true,
    check: range("IP_MULTICAST_TTL", 0, 255),
    apply: ({ h }, v) => h.multicast?.().setTTL(v),
  }],
  [key(C.IPPROTO_IP, C.IP_MULTICAST_LOOP), {
    name: "IP_MULTICAST_LOOP",
    kind: "dgram",
    family: C.AF_INET,
    mode: "flag",
    initial: 1,
    byte: true,
    apply: ({ h }, v) => h.multicast?.().setLoopback(v !== 0),
  }],
  [key(C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP), {
    name: "IPV6_MULTICAST_LOOP",
    kind: "dgram",
    family: C.AF_INET6,
    mode: "flag",
    initial: 1,
    check: range("IPV6_MULTICAST_LOOP", 0, 1),
    apply: ({ h }, v) => h.multicast?.().setLoopback(v !== 0),
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
    // Set before bind(): node:net's listeners (Node, Bun) and node:dgram
    // take it; Deno's listeners never set it (their IPv6 sockets take IPv4
    // too, Linux's default), so in Deno a UDP socket asking for it moves to
    // node:dgram and a stream socket cannot have it.
    check: ({ h, s }, v) => {
      if (
        v !== 0 && s.type === C.SOCK_STREAM &&
        !capabilities("listen", { ipv6Only: true }).ipv6OnlyListeners
      ) {
        throw new OSError(errno.ENOPROTOOPT, undefined, {
          detail: "Cannot setsockopt: Deno's listeners do not expose IPV6_V6ONLY; " +
            "their IPv6 sockets always accept IPv4 too",
        });
      }
      beforeBind("IPV6_V6ONLY", C.IPPROTO_IPV6)({ h, s }, v);
    },
    needsKernel: (v) => v !== 0,
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

/** The packed bytes of a struct option, at least `size` of them (Linux refuses fewer). */
function packedStruct(value: unknown, size: number, name: string): DataView {
  if (typeof value === "number" || typeof value === "boolean") {
    throw invalid(`${name} takes a packed struct of ${size} bytes, not a number`);
  }
  const b = packedValue(value, "setsockopt");
  if (b.length < size) throw invalid(`${name} takes ${size} bytes: current length is ${b.length}`);
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
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
  /** `#values` is shared with sockets it was copied to (accepted ones): copied before a change. */
  #shared = false;
  #error: unknown = 0;

  constructor(family: number, type: number) {
    this.family = family;
    this.type = type;
  }

  /**
   * Records the failure for `SO_ERROR` (a failed non-blocking connect): an
   * `OSError` as its errno; anything else (Deno's permission error) is
   * thrown, untouched, by whoever takes it.
   */
  setError(failure: unknown): void {
    this.#error = failure instanceof OSError ? failure.errno ?? errno.EIO : failure;
  }

  /** Returns and clears the pending `SO_ERROR` (0: none). */
  takeError(): number {
    const e = this.#error;
    this.#error = 0;
    if (typeof e !== "number") throw e;
    return e;
  }

  /** Whether a flag option is on. */
  flag(level: number, optname: number): boolean {
    return (this.#values?.get(key(level, optname)) ?? 0) !== 0;
  }

  /** Whether an option set asks for a kernel option Deno's API lacks (see `needsKernel`). */
  needsKernel(): boolean {
    for (const [k, v] of this.#values ?? []) if (TABLE.get(k)?.needsKernel?.(v)) return true;
    return false;
  }

  /** `TCP_KEEPIDLE` when set (`undefined`: the system's). */
  keepIdle(): number | undefined {
    return this.#values?.get(key(C.IPPROTO_TCP, C.TCP_KEEPIDLE));
  }

  /** `SO_LINGER`'s `l_linger` in seconds where `l_onoff` is set, else `null`. */
  linger(): number | null {
    const v = this.#values?.get(key(C.SOL_SOCKET, C.SO_LINGER)) ?? 0;
    return (v & 1) === 1 ? Math.floor(v / 2) : null;
  }

  #spec(level: number, optname: number, op: string): Spec {
    checkInt(level, "level", op);
    checkInt(optname, "optname", op);
    const spec = TABLE.get(key(level, optname));
    const kind = this.type === C.SOCK_STREAM ? "stream" : "dgram";
    let detail: string;
    if (spec && spec.kind !== "any" && spec.kind !== kind) {
      const sockType = kind === "stream" ? "SOCK_STREAM" : "SOCK_DGRAM";
      // An option of both kinds in Python that a backend has for one kind only.
      detail = refusedName(level, optname)
        ? `neither backend exposes ${spec.name} on a ${sockType} socket`
        : `${spec.name} does not apply to a ${sockType} socket`;
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
    return { h, s: this };
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
    const v = spec.packed
      ? spec.packed.decode(packedStruct(value, spec.packed.size, spec.name))
      : intValue(value, "setsockopt", !!spec.byte);
    spec.check?.(ctx, v);
    if (
      spec.needsKernel?.(v) &&
      (handles.listening || ((handles.conn || handles.datagram) && !handles.kernelOptions))
    ) {
      throw new OSError(errno.ENOPROTOOPT, undefined, {
        detail: `Cannot setsockopt: ${spec.nodeWhy}; set ${spec.name} before ` +
          (this.type === C.SOCK_STREAM
            ? "connect() (the socket then connects through node:net)"
            : "bind() or the first sendto() (the socket then runs on node:dgram)"),
      });
    }
    this.#store(key(level, optname), spec, v);
    spec.apply?.(ctx, v);
  }

  /** `getsockopt()`: the value in force, as an int (or packed bytes when `buflen` is given). */
  get(
    handles: OptionHandles,
    level: number,
    optname: number,
    buflen?: number,
  ): number | Uint8Array<ArrayBuffer> {
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
    if (spec.packed && buflen >= spec.packed.size) {
      spec.packed.encode(stored, new DataView(out.buffer));
    } else if (buflen >= 4) new DataView(out.buffer).setInt32(0, v, true);
    else if (buflen >= 1 && spec.byte) out[0] = v & 0xff;
    return out;
  }

  /**
   * Applies the stored options to a handle just created (a new
   * connection, or a datagram handle made by `bind()`/`sendto()`).
   */
  applyTo(handles: OptionHandles): void {
    if (this.#values === null) return;
    if (handles.descriptor) return this.pushTo(handles.descriptor);
    const ctx = this.#ctx(handles);
    for (const [k, v] of this.#values) TABLE.get(k)?.apply?.(ctx, v);
  }

  /** Stores `v` for option `k` (copied first if shared with an accepted socket's). */
  #store(k: number, spec: Spec, v: number): void {
    if (this.#shared) {
      this.#values = new Map(this.#values);
      this.#shared = false;
    }
    (this.#values ??= new Map()).set(k, spec.mode === "flag" ? (v !== 0 ? 1 : 0) : v);
  }

  /**
   * Records a value the kernel took through a descriptor's own
   * `setsockopt()` (no check: the kernel is the judge), so that what the
   * package reads of it (`SO_LINGER` at close...) agrees.
   */
  record(level: number, optname: number, value: OptionValue): void {
    const spec = TABLE.get(key(level, optname));
    if (spec === undefined || (spec.mode !== "flag" && spec.mode !== "int")) return;
    let v: number;
    try {
      v = spec.packed
        ? spec.packed.decode(packedStruct(value, spec.packed.size, spec.name))
        : intValue(value, "setsockopt", !!spec.byte);
    } catch {
      return;
    }
    this.#store(key(level, optname), spec, v);
  }

  /**
   * Sets the stored integer options on a descriptor just made (the kernel
   * has every one; the FFI backend's sockets), as Python's would have them.
   */
  pushTo(d: Descriptor): void {
    if (this.#values === null) return;
    for (const [k, v] of this.#values) {
      const spec = TABLE.get(k);
      if (spec === undefined || (spec.mode !== "flag" && spec.mode !== "int")) continue;
      const b = new Uint8Array(spec.packed?.size ?? 4);
      const view = new DataView(b.buffer);
      if (spec.packed) spec.packed.encode(v, view);
      else view.setInt32(0, v, true);
      try {
        d.setsockopt(Math.floor(k / 65536), k % 65536, b);
      } catch (e) {
        // Bind-time options (SO_REUSEADDR, IPV6_V6ONLY) were given at creation.
        if (!(e instanceof OSError) || e.errno !== errno.EINVAL) throw e;
      }
    }
  }

  /**
   * Copies the stored options to the socket of an accepted connection
   * (Linux inherits them): shared until either side sets one.
   */
  copyTo(other: SocketOptions): void {
    if (this.#values === null) return;
    other.#values = this.#values;
    other.#shared = this.#shared = true;
  }
}
