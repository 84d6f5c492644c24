// Copyright 2026 the pysocket authors. MIT license.
/**
 * Socket addresses as Python writes them: `[host, port]` for AF_INET,
 * `[host, port, flowinfo, scope_id]` for AF_INET6 and a path string for
 * AF_UNIX — checked, and converted to and from Deno's `Deno.Addr`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
 * srv.bind(["::1", 0]);
 * const [host, port, flowinfo, scope_id] = srv.getsockname() as socket.IPv6Address;
 * console.log(host, port > 0, flowinfo, scope_id); // "::1" true 0 0
 * ```
 *
 * @module
 */

import { AF_INET, AF_INET6, AF_UNIX } from "./constants.ts";
import { EAI, errno, gaierror, OSError } from "./errors.ts";
import { type BytesLike, toBytes, typeName } from "./_common/bytes.ts";

/** An AF_INET address: `[host, port]`. */
export type IPv4Address = [host: string, port: number];
/** An AF_INET6 address: `[host, port]` when given, `[host, port, flowinfo, scope_id]` when returned. */
export type IPv6Address =
  | [host: string, port: number]
  | [host: string, port: number, flowinfo: number]
  | [host: string, port: number, flowinfo: number, scope_id: number];
/**
 * An AF_UNIX address: a filesystem path (`""` for an unbound socket), or
 * Linux's abstract namespace: a name starting with a NUL byte, which Python
 * gives as `bytes` — here a `Uint8Array` (a string with a leading `"\0"` is
 * taken too).
 */
export type UnixAddress = string | Uint8Array;
/** Any socket address. */
export type Address = IPv4Address | IPv6Address | UnixAddress;

/**
 * Where a socket address points, in the form Deno's calls take. An AF_UNIX
 * name given as bytes that are not UTF-8 keeps them in `raw` (`path` is then
 * only for messages): only a real descriptor can take it (DESIGN §20).
 */
export type Target =
  | { transport: "tcp"; hostname: string; port: number }
  | { transport: "unix"; path: string; raw?: Uint8Array };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Whether `host` is a dotted-quad IPv4 literal such as `"127.0.0.1"`.
 *
 * @param host The string to test.
 * @returns `true` for an IPv4 literal.
 */
export function isIPv4(host: string): boolean {
  return IPV4.test(host);
}

/**
 * Whether `host` is an IPv6 literal such as `"::1"` (a `%scope` suffix allowed).
 *
 * @param host The string to test.
 * @returns `true` for an IPv6 literal.
 */
export function isIPv6(host: string): boolean {
  const pct = host.indexOf("%");
  const ip = pct >= 0 ? host.slice(0, pct) : host;
  if (!/^[0-9a-fA-F:.]+$/.test(ip) || !ip.includes(":")) return false;
  let head = ip;
  let groups = 8;
  const lastColon = ip.lastIndexOf(":");
  const tail = ip.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!isIPv4(tail)) return false;
    head = ip.slice(0, lastColon + 1) + "0";
    groups = 7;
  }
  const parts = head.split("::");
  if (parts.length > 2) return false;
  const count = (s: string) => (s === "" ? [] : s.split(":"));
  const left = count(parts[0]);
  const right = parts.length === 2 ? count(parts[1]) : [];
  const all = [...left, ...right];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return parts.length === 2 ? all.length < groups : all.length === groups;
}

function familyName(family: number): string {
  return family === AF_INET ? "AF_INET" : family === AF_INET6 ? "AF_INET6" : "AF_UNIX";
}

/** Checks a port number, Python's way: an integer in 0–65535. */
export function checkPort(port: unknown, op: string): number {
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`Cannot ${op}: port must be an integer, not '${typeName(port)}'`);
  }
  if (port < 0 || port > 65535) {
    throw new RangeError(`Cannot ${op}: port must be 0-65535: current value is ${port}`);
  }
  return port;
}

/**
 * Checks an address for a socket of `family` and turns it into the form
 * Deno's calls take. Names other than `""`, `"<broadcast>"` and IP literals
 * are left for the caller to resolve.
 *
 * @throws {TypeError} when the address has the wrong shape.
 * @throws {RangeError} when the port or flowinfo is out of range.
 * @throws {gaierror} when the host is a literal of the other family.
 */
export function toTarget(family: number, address: unknown, op: string): Target {
  if (family === AF_UNIX) return unixTarget(address, op);
  const v6 = family === AF_INET6;
  const shape = v6 ? "(host, port[, flowinfo, scope_id])" : "(host, port)";
  if (
    !Array.isArray(address) || address.length < 2 || address.length > (v6 ? 4 : 2) ||
    typeof address[0] !== "string"
  ) {
    throw new TypeError(
      `Cannot ${op}: ${familyName(family)} address must be a tuple ${shape}, not ${
        Array.isArray(address) ? `[${address.map(typeName).join(", ")}]` : `'${typeName(address)}'`
      }`,
    );
  }
  const port = checkPort(address[1], op);
  if (v6 && address.length > 2) {
    for (const [i, name, max] of [[2, "flowinfo", 0xfffff], [3, "scope_id", 0xffffffff]] as const) {
      const value = address[i];
      if (value === undefined) continue;
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new TypeError(`Cannot ${op}: ${name} must be an integer, not '${typeName(value)}'`);
      }
      if (value < 0 || value > max) {
        throw new RangeError(`Cannot ${op}: ${name} must be 0-${max}: current value is ${value}`);
      }
    }
  }
  let host: string = address[0];
  if (host === "") host = v6 ? "::" : "0.0.0.0";
  else if (host === "<broadcast>") {
    if (v6) throw new gaierror(EAI.EAI_ADDRFAMILY, undefined, { detail: `Cannot ${op}: ${host}` });
    host = "255.255.255.255";
  } else if (v6 ? isIPv4(host) || ipv4Form(host) !== null : isIPv6(host)) {
    throw new gaierror(EAI.EAI_ADDRFAMILY, undefined, {
      detail: `Cannot ${op}: ${host} is not an ${familyName(family)} address`,
    });
  } else if (!v6 && !isIPv4(host)) {
    // The C resolver reads "127.1", "0x7f.1" and "2130706433" as 127.0.0.1, as inet_aton does.
    host = ipv4Form(host) ?? host;
  }
  if (v6 && address.length === 4 && address[3] && !host.includes("%")) {
    host = `${host}%${address[3]}`;
  }
  return { transport: "tcp", hostname: host, port };
}

/** The address family of an address as Deno reports it. */
export function familyOf(addr: Deno.Addr): number {
  if (addr.transport === "unix" || addr.transport === "unixpacket") return AF_UNIX;
  return (addr as Deno.NetAddr).hostname.includes(":") ? AF_INET6 : AF_INET;
}

/** The longest AF_UNIX name, in bytes (Linux's `sun_path`). */
const UNIX_PATH_MAX = 108;

/**
 * An AF_UNIX address as a target: a path, or an abstract name (leading NUL)
 * given as bytes or as a string. Bytes that are not UTF-8 are kept in `raw`
 * (a descriptor takes them as they are; Deno's API, whose names are text,
 * refuses them), never changed into another name.
 *
 * @throws {TypeError} for anything but a string or bytes; {OSError} for a name too long.
 */
function unixTarget(address: unknown, op: string): Target {
  let bytes: Uint8Array;
  let path: string;
  let raw: Uint8Array | undefined;
  if (typeof address === "string") {
    path = address;
    bytes = new TextEncoder().encode(address);
  } else if (address instanceof Uint8Array || address instanceof ArrayBuffer) {
    bytes = toBytes(address);
    try {
      path = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      path = new TextDecoder().decode(bytes);
      raw = bytes.slice();
    }
  } else {
    throw new TypeError(
      `Cannot ${op}: AF_UNIX address must be a path string or bytes, not '${typeName(address)}'`,
    );
  }
  if (bytes.length > UNIX_PATH_MAX) throw new OSError(null, "AF_UNIX path too long");
  return raw === undefined ? { transport: "unix", path } : { transport: "unix", path, raw };
}

/**
 * The error of an AF_UNIX name of bytes that are not UTF-8 given to a
 * backend whose names are text (Deno's API, node:net).
 */
export function textNameError(op: string): OSError {
  return new OSError(errno.EINVAL, undefined, {
    detail: `Cannot ${op}: Deno takes AF_UNIX names as text; these bytes are not UTF-8 ` +
      `(a real descriptor takes them: --allow-ffi)`,
  });
}

/**
 * Converts an address Deno reports into the tuple Python returns for a
 * socket of `family` (an abstract AF_UNIX name as bytes, as Python).
 */
export function fromDenoAddr(family: number, addr: Deno.Addr): Address {
  if (addr.transport === "unix" || addr.transport === "unixpacket") {
    // Bytes that are not UTF-8 (a descriptor's name) come back as they are.
    const raw = (addr as { raw?: Uint8Array }).raw;
    if (raw !== undefined) return raw.slice();
    const path = (addr as Deno.UnixAddr).path ?? "";
    return path.startsWith("\0") ? new TextEncoder().encode(path) : path;
  }
  const { hostname, port } = addr as Deno.NetAddr;
  if (family !== AF_INET6) return [hostname, port];
  const pct = hostname.indexOf("%");
  if (pct < 0) return [hostname, port, 0, 0];
  const scope = Number(hostname.slice(pct + 1));
  return [hostname.slice(0, pct), port, 0, Number.isInteger(scope) ? scope : 0];
}

/**
 * An IPv6 literal as the C library writes it back (RFC 5952: lower case,
 * zeros compressed, `::ffff:1.2.3.4`), its `%scope` kept; other hosts unchanged.
 */
export function normalizeIPv6(host: string): string {
  const pct = host.indexOf("%");
  const ip = pct < 0 ? host : host.slice(0, pct);
  if (!isIPv6(ip)) return host;
  return inet_ntop(AF_INET6, inet_pton(AF_INET6, ip)) + (pct < 0 ? "" : host.slice(pct));
}

/** An IPv4 address written in a form the C library's `inet_aton()` reads, as a dotted quad; else null. */
function ipv4Form(host: string): string | null {
  if (!/^[0-9a-fA-FxX.]+$/.test(host) || !/^\d/.test(host)) return null;
  try {
    return inet_aton(host).join(".");
  } catch {
    return null;
  }
}

/** Python's repr of an address: `('127.0.0.1', 8080)`, `'/tmp/s'` or `b'\x00name'`. */
export function reprAddress(
  addr: string | Uint8Array | ArrayBuffer | readonly (string | number)[],
): string {
  if (typeof addr === "string") return `'${addr}'`;
  if (addr instanceof ArrayBuffer) addr = new Uint8Array(addr);
  if (addr instanceof Uint8Array) {
    const text = Array.from(
      addr,
      (b) =>
        b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c
          ? String.fromCharCode(b)
          : `\\x${b.toString(16).padStart(2, "0")}`,
    ).join("");
    return `b'${text}'`;
  }
  return `(${addr.map((v) => typeof v === "string" ? `'${v}'` : String(v)).join(", ")})`;
}

// ---------------------------------------------------------------------------
// inet_aton / inet_ntoa / inet_pton / inet_ntop and the byte-order helpers.

function illegal(fn: string): OSError {
  return new OSError(null, `illegal IP address string passed to ${fn}`);
}

function requireString(value: unknown, fn: string, arg = 1): string {
  if (typeof value !== "string") {
    throw new TypeError(`${fn}() argument ${arg} must be str, not ${typeName(value)}`);
  }
  return value;
}

/** Parses one inet_aton part: decimal, octal (leading 0) or hex (0x). */
function atonPart(s: string): number | null {
  let m: RegExpExecArray | null;
  if ((m = /^0[xX]([0-9a-fA-F]+)$/.exec(s))) return parseInt(m[1], 16);
  if (/^0[0-7]*$/.test(s)) return parseInt(s, 8);
  if (/^[1-9][0-9]*$/.test(s)) return parseInt(s, 10);
  return null;
}

/**
 * Converts an IPv4 address in any form the C library's `inet_aton()`
 * accepts — `"127.0.0.1"`, the short forms `"127.1"` and `"2130706433"`,
 * octal `"0177.0.0.1"` and hex `"0x7f.1"` parts — to 4 packed bytes in
 * network order. As in C, anything after a whitespace character is ignored.
 *
 * @param ip_string The address.
 * @returns 4 bytes, most significant first.
 * @throws {TypeError} when `ip_string` is not a string.
 * @throws {OSError} "illegal IP address string passed to inet_aton".
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.inet_aton("127.1")); // Uint8Array(4) [ 127, 0, 0, 1 ]
 * ```
 */
export function inet_aton(ip_string: string): Uint8Array<ArrayBuffer> {
  const text = requireString(ip_string, "inet_aton").split(/[\t\n\v\f\r ]/, 1)[0];
  const parts = text.split(".");
  if (text === "" || parts.length > 4) throw illegal("inet_aton");
  const nums = parts.map(atonPart);
  if (nums.some((n) => n === null)) throw illegal("inet_aton");
  const head = nums.slice(0, -1) as number[];
  const last = nums[nums.length - 1] as number;
  if (head.some((n) => n > 255) || last >= 2 ** (8 * (5 - parts.length))) {
    throw illegal("inet_aton");
  }
  let value = last;
  head.forEach((n, i) => (value += n * 2 ** (8 * (3 - i))));
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

function packed(value: unknown): Uint8Array {
  if (typeof value === "string") {
    throw new TypeError("a bytes-like object is required, not 'str'");
  }
  return toBytes(value);
}

/**
 * Converts 4 packed bytes to a dotted-quad string.
 *
 * @param packed_ip 4 bytes in network order.
 * @returns The address, e.g. `"127.0.0.1"`.
 * @throws {TypeError} for anything not bytes-like.
 * @throws {OSError} "packed IP wrong length for inet_ntoa".
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.inet_ntoa(new Uint8Array([10, 0, 0, 1]))); // "10.0.0.1"
 * ```
 */
export function inet_ntoa(packed_ip: BytesLike): string {
  const b = packed(packed_ip);
  if (b.length !== 4) throw new OSError(null, "packed IP wrong length for inet_ntoa");
  return b.join(".");
}

function ptonV6(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !isIPv6(text)) return null;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const [a, b, c, d] = tail.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${
      ((c << 8) | d).toString(16)
    }`;
  }
  const [l, r] = text.split("::");
  const left = l ? l.split(":").map((g) => parseInt(g, 16)) : [];
  const right = r ? r.split(":").map((g) => parseInt(g, 16)) : [];
  const zeros = r === undefined ? 0 : 8 - left.length - right.length;
  const words = [...left, ...new Array(zeros).fill(0), ...right];
  if (words.length !== 8) return null;
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint16(i * 2, w));
  return out;
}

/**
 * Converts an IP address string of `address_family` to packed bytes, as the
 * C library's `inet_pton()`: strict dotted quad for `AF_INET`, any RFC 4291
 * text form for `AF_INET6`.
 *
 * @param address_family `AF_INET` or `AF_INET6`.
 * @param ip_string The address.
 * @returns 4 or 16 bytes in network order.
 * @throws {OSError} "illegal IP address string passed to inet_pton";
 *   `EAFNOSUPPORT` for another family.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.inet_pton(socket.AF_INET6, "::1").at(-1)); // 1
 * ```
 */
export function inet_pton(address_family: number, ip_string: string): Uint8Array<ArrayBuffer> {
  requireString(ip_string, "inet_pton", 2);
  if (address_family === AF_INET) {
    if (!isIPv4(ip_string)) throw illegal("inet_pton");
    return new Uint8Array(ip_string.split(".").map(Number));
  }
  if (address_family === AF_INET6) {
    const out = ip_string.includes("%") ? null : ptonV6(ip_string);
    if (!out) throw illegal("inet_pton");
    return out;
  }
  throw new OSError(errno.EAFNOSUPPORT);
}

/**
 * Converts packed bytes to an IP address string, as the C library's
 * `inet_ntop()`: IPv6 in RFC 5952 form (`"2001:db8::1"`, `"::ffff:1.2.3.4"`).
 *
 * @param address_family `AF_INET` or `AF_INET6`.
 * @param packed_ip 4 or 16 bytes.
 * @returns The address string.
 * @throws {RangeError} "invalid length of packed IP address string".
 * @throws {OSError} `EAFNOSUPPORT` for another family.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const ip = socket.inet_pton(socket.AF_INET6, "2001:0db8:0:0:0:0:0:1");
 * console.log(socket.inet_ntop(socket.AF_INET6, ip)); // "2001:db8::1"
 * ```
 */
export function inet_ntop(address_family: number, packed_ip: BytesLike): string {
  const b = packed(packed_ip);
  if (address_family !== AF_INET && address_family !== AF_INET6) {
    throw new OSError(errno.EAFNOSUPPORT);
  }
  if (b.length !== (address_family === AF_INET ? 4 : 16)) {
    throw new RangeError("invalid length of packed IP address string");
  }
  if (address_family === AF_INET) return b.join(".");
  const view = new DataView(b.buffer, b.byteOffset, 16);
  const words = Array.from({ length: 8 }, (_, i) => view.getUint16(i * 2));
  // The longest run of two or more zero words (the first of equals) becomes "::".
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (bestLen < 2) best = -1;
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    return (bestLen === 5 ? "::ffff:" : "::") + Array.from(b.subarray(12)).join(".");
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(":");
  return hex.slice(0, best).join(":") + "::" + hex.slice(best + bestLen).join(":");
}

function swap(x: unknown, bits: 16 | 32, fn: string): number {
  if (typeof x !== "number" || !Number.isInteger(x)) {
    throw new TypeError(`Cannot ${fn}: x must be an integer, not '${typeName(x)}'`);
  }
  const max = bits === 16 ? 0xffff : 0xffffffff;
  if (x < 0 || x > max) {
    throw new RangeError(`Cannot ${fn}: x must be 0-${max}: current value is ${x}`);
  }
  const view = new DataView(new ArrayBuffer(4));
  if (bits === 16) {
    view.setUint16(0, x, true);
    return view.getUint16(0, false);
  }
  view.setUint32(0, x, true);
  return view.getUint32(0, false);
}

/**
 * Host to network byte order, 16 bits (a swap on little-endian machines,
 * which is every machine Deno runs on).
 *
 * @param x An integer 0–65535.
 * @returns `x` with its two bytes swapped.
 * @throws {TypeError} for a non-integer; {RangeError} outside 0–65535.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.htons(1)); // 256
 * ```
 */
export function htons(x: number): number {
  return swap(x, 16, "htons");
}

/**
 * Network to host byte order, 16 bits.
 *
 * @param x An integer 0–65535.
 * @returns `x` with its two bytes swapped.
 * @throws {TypeError} for a non-integer; {RangeError} outside 0–65535.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.ntohs(256)); // 1
 * ```
 */
export function ntohs(x: number): number {
  return swap(x, 16, "ntohs");
}

/**
 * Host to network byte order, 32 bits.
 *
 * @param x An integer 0–4294967295.
 * @returns `x` with its four bytes reversed.
 * @throws {TypeError} for a non-integer; {RangeError} outside 0–4294967295.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.htonl(1)); // 16777216
 * ```
 */
export function htonl(x: number): number {
  return swap(x, 32, "htonl");
}

/**
 * Network to host byte order, 32 bits.
 *
 * @param x An integer 0–4294967295.
 * @returns `x` with its four bytes reversed.
 * @throws {TypeError} for a non-integer; {RangeError} outside 0–4294967295.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.ntohl(16777216)); // 1
 * ```
 */
export function ntohl(x: number): number {
  return swap(x, 32, "ntohl");
}
