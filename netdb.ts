// Copyright 2026 the pysocket authors. MIT license.
/**
 * Names and numbers, as Python's `socket` module gives them: `getaddrinfo`,
 * `gethostbyname`, `gethostbyname_ex`, `gethostbyaddr`, `getnameinfo`,
 * `gethostname`, `getfqdn`, `getservbyname`, `getservbyport`, `has_ipv6`
 * and `has_dualstack_ipv6`. Host names go through the operating system's
 * resolver (node:dns `lookup`, which calls getaddrinfo), so /etc/hosts and
 * nsswitch apply as they do for Python; failures are `gaierror` with
 * Python's `EAI_*` codes.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * const infos = await socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM);
 * console.log(infos[0]); // [2, 1, 6, "", ["127.0.0.1", 80]]
 * ```
 *
 * @module
 */

import * as C from "./constants.ts";
import { EAI, errno, gaierror, herror, OSError } from "./errors.ts";
import { isNotCapable } from "./_common/runtime_errors.ts";
import { type IPv4Address, type IPv6Address, isIPv4, isIPv6, normalizeIPv6 } from "./address.ts";
import { nodeDns, resolveHost, toGaierror } from "./_common/resolve.ts";
import { interfaces, protocolNumber, readHosts, readServices } from "./_common/etc_files.ts";
import { checkInt, typeName } from "./_common/bytes.ts";
import { pick } from "./_transport/pick.ts";
import * as system from "./_common/system.ts";

/** One result of {@linkcode getaddrinfo}: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: IPv4Address | IPv6Address,
];

/** `true`: Deno always supports IPv6 (Python's `socket.has_ipv6`). */
export const has_ipv6: boolean = true;

const TYPES: [number, number, string | null][] = [
  [C.SOCK_STREAM, C.IPPROTO_TCP, "tcp"],
  [C.SOCK_DGRAM, C.IPPROTO_UDP, "udp"],
  [C.SOCK_RAW, 0, null],
];

function gai(code: number, detail?: string, cause?: unknown): gaierror {
  return new gaierror(code, undefined, { detail, cause });
}

/** Ports for each socket type, or null where the service is unknown for it. */
function servicePorts(port: unknown, flags: number): (proto: string | null) => number | null {
  if (port === null || port === undefined) return () => 0;
  if (typeof port === "number") {
    if (!Number.isInteger(port)) {
      throw new TypeError(`Cannot getaddrinfo: port must be an integer, not ${port}`);
    }
    if (port < 0 || port > 65535) {
      throw new RangeError(`Cannot getaddrinfo: port must be 0-65535: current value is ${port}`);
    }
    return () => port;
  }
  if (typeof port !== "string") {
    throw new TypeError(
      `Cannot getaddrinfo: port must be int, str or null, not '${typeName(port)}'`,
    );
  }
  if (/^\d+$/.test(port)) return () => Number(port) & 0xffff;
  if (flags & C.AI_NUMERICSERV) throw gai(EAI.EAI_NONAME, port);
  const services = readServices();
  return (proto) => (proto === null ? null : services.byName(port, proto));
}

/**
 * Translates a host and port into the addresses to connect or bind to, as
 * Python's `socket.getaddrinfo()`: one `[family, type, proto, canonname,
 * sockaddr]` per address and socket type (stream, datagram and raw when
 * `type` is 0, as glibc answers).
 *
 * @param host A name, an IP literal, or `null` (with `AI_PASSIVE` the
 *   wildcard address, else loopback).
 * @param port A number, a numeric string, a service name from
 *   /etc/services, or `null`.
 * @param family `AF_UNSPEC` (0), `AF_INET` or `AF_INET6`.
 * @param type 0, `SOCK_STREAM`, `SOCK_DGRAM` or `SOCK_RAW`.
 * @param proto 0 or the protocol of `type`.
 * @param flags `AI_PASSIVE`, `AI_CANONNAME`, `AI_NUMERICHOST`,
 *   `AI_NUMERICSERV`, `AI_ADDRCONFIG`, `AI_V4MAPPED`, `AI_ALL`. With
 *   `AI_CANONNAME` the first result's canonname is the name as the
 *   resolver knows it from /etc/hosts, else `host` itself (Deno's resolver
 *   does not report the canonical name).
 * @returns The results, in the resolver's order.
 * @throws {gaierror} `EAI_NONAME`, `EAI_SERVICE`, `EAI_FAMILY`, `EAI_SOCKTYPE`, `EAI_ADDRFAMILY`...
 * @throws {RangeError} for a port outside 0–65535; {TypeError} for a wrong argument type.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * for (const [family, type, proto, , sockaddr] of await socket.getaddrinfo("127.0.0.1", "80")) {
 *   console.log(family, type, proto, sockaddr); // 2 1 6 ["127.0.0.1", 80], then DGRAM and RAW
 * }
 * ```
 */
export async function getaddrinfo(
  host: string | null,
  port: number | string | null,
  family = 0,
  type = 0,
  proto = 0,
  flags = 0,
): Promise<AddrInfo[]> {
  if (host !== null && typeof host !== "string") {
    throw new TypeError(`Cannot getaddrinfo: host must be str or null, not '${typeName(host)}'`);
  }
  checkInt(family, "family", "getaddrinfo");
  checkInt(type, "type", "getaddrinfo");
  checkInt(proto, "proto", "getaddrinfo");
  checkInt(flags, "flags", "getaddrinfo");
  if (family !== C.AF_UNSPEC && family !== C.AF_INET && family !== C.AF_INET6) {
    throw gai(EAI.EAI_FAMILY);
  }
  let types = TYPES.filter(([t]) => type === 0 || t === type);
  if (types.length === 0) throw gai(EAI.EAI_SOCKTYPE);
  if (proto !== 0) {
    types = types.filter(([t, p]) => t === C.SOCK_RAW ? type === C.SOCK_RAW : p === proto);
    if (types.length === 0) throw gai(type === 0 ? EAI.EAI_SERVICE : EAI.EAI_SOCKTYPE);
    types = types.map(([t, p, name]) => [t, t === C.SOCK_RAW ? proto : p, name]);
  }
  if (type === C.SOCK_RAW && port !== null) throw gai(EAI.EAI_SERVICE, String(port));
  const portFor = servicePorts(port, flags);
  if (host === null && port === null) throw gai(EAI.EAI_NONAME);
  let addrs: string[];
  if (host === null) {
    const v4 = flags & C.AI_PASSIVE ? "0.0.0.0" : "127.0.0.1";
    const v6 = flags & C.AI_PASSIVE ? "::" : "::1";
    addrs = family === C.AF_INET ? [v4] : family === C.AF_INET6 ? [v6] : [v4, v6];
    if (!(flags & C.AI_PASSIVE) && family === 0) addrs.reverse();
  } else {
    addrs = await resolve(host, family, flags);
  }
  const out: AddrInfo[] = [];
  let canon = "";
  if (flags & C.AI_CANONNAME && host !== null) {
    canon = isIPv4(host) || isIPv6(host) ? host : (readHosts().canonical(host) ?? host);
  }
  // The resolver drops the "%scope" of a scoped literal: it is the host's.
  const scope = host !== null && host.includes("%") ? host.slice(host.indexOf("%") + 1) : "";
  for (const addr of addrs) {
    const v6 = addr.includes(":");
    for (const [t, p, name] of types) {
      const n = portFor(name);
      if (n === null) continue;
      const sockaddr: IPv4Address | IPv6Address = v6 ? v6Addr(addr, n, scope) : [addr, n];
      out.push([v6 ? C.AF_INET6 : C.AF_INET, t, p, canon, sockaddr]);
      canon = "";
    }
  }
  if (out.length === 0) throw gai(EAI.EAI_SERVICE, String(port));
  return out;
}

/** An AF_INET6 address as Python returns it: normalized, the `%scope` as a scope id. */
function v6Addr(addr: string, port: number, scope = ""): IPv6Address {
  const pct = addr.indexOf("%");
  if (pct >= 0) [addr, scope] = [addr.slice(0, pct), addr.slice(pct + 1)];
  return [normalizeIPv6(addr), port, 0, scope === "" ? 0 : scopeId(scope)];
}

/** The index of an interface named in an IPv6 `%scope` (or the number itself); 0 if unknown. */
function scopeId(scope: string): number {
  if (/^\d+$/.test(scope)) return Number(scope);
  return interfaces().find(([, name]) => name === scope)?.[0] ?? 0;
}

async function resolve(host: string, family: number, flags: number): Promise<string[]> {
  const literal = isIPv4(host) ? C.AF_INET : isIPv6(host) ? C.AF_INET6 : 0;
  if (literal && family && literal !== family) {
    if (!(literal === C.AF_INET && family === C.AF_INET6 && flags & C.AI_V4MAPPED)) {
      throw gai(EAI.EAI_ADDRFAMILY, host);
    }
  }
  if (!literal && flags & C.AI_NUMERICHOST) throw gai(EAI.EAI_NONAME, host);
  if (host === "") throw gai(EAI.EAI_NONAME, host);
  const hints = (flags & C.AI_ADDRCONFIG ? 0x400 : 0) | (flags & C.AI_V4MAPPED ? 0x800 : 0) |
    (flags & C.AI_ALL ? 0x100 : 0);
  const fam = family === C.AF_INET ? 4 : family === C.AF_INET6 ? 6 : 0;
  try {
    const { lookup } = await nodeDns();
    const found = await lookup(host, { family: fam, all: true, hints, verbatim: true });
    if (found.length === 0) throw gai(EAI.EAI_NODATA, host);
    return [...new Set(found.map((a) => a.address))];
  } catch (e) {
    throw e instanceof gaierror ? e : toGaierror(e, host);
  }
}

/**
 * Resolves a host name to one IPv4 address, as Python's
 * `socket.gethostbyname()`. `""` is `"0.0.0.0"` and `"<broadcast>"` is
 * `"255.255.255.255"`, as in Python.
 *
 * @param hostname A name or IPv4 literal (the short forms `"127.1"` too).
 * @returns The address as a dotted quad.
 * @throws {gaierror} when the name does not resolve to an IPv4 address.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(await socket.gethostbyname("localhost")); // "127.0.0.1"
 * ```
 */
export async function gethostbyname(hostname: string): Promise<string> {
  if (typeof hostname !== "string") {
    throw new TypeError(
      `Cannot gethostbyname: hostname must be str, not '${typeName(hostname)}'`,
    );
  }
  if (hostname === "") return "0.0.0.0";
  if (hostname === "<broadcast>") return "255.255.255.255";
  if (isIPv6(hostname)) throw gai(EAI.EAI_ADDRFAMILY, hostname);
  // Only the address: the names and aliases of /etc/hosts are gethostbyname_ex's.
  return (await resolve(hostname, C.AF_INET, 0))[0];
}

/**
 * Resolves a host name to `[hostname, aliaslist, ipaddrlist]` (IPv4 only),
 * as Python's `socket.gethostbyname_ex()`. The name and aliases come from
 * /etc/hosts where the name is listed there. As in CPython, `""` and
 * `"<broadcast>"` raise `herror`.
 *
 * @param hostname A name or IPv4 literal.
 * @returns The primary name, its aliases, and its IPv4 addresses.
 * @throws {gaierror} when the name does not resolve to an IPv4 address.
 * @throws {herror} for `""` and `"<broadcast>"`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [name, aliases, addrs] = await socket.gethostbyname_ex("localhost");
 * console.log(name, addrs.includes("127.0.0.1")); // "localhost" true
 * ```
 */
export async function gethostbyname_ex(
  hostname: string,
): Promise<[hostname: string, aliaslist: string[], ipaddrlist: string[]]> {
  if (typeof hostname !== "string") {
    throw new TypeError(
      `Cannot gethostbyname: hostname must be str, not '${typeName(hostname)}'`,
    );
  }
  if (hostname === "" || hostname === "<broadcast>") {
    // CPython looks the wildcard/broadcast address up by address, which fails.
    throw new herror(3, "Unknown server error", { detail: hostname || "0.0.0.0" });
  }
  if (isIPv6(hostname)) throw gai(EAI.EAI_ADDRFAMILY, hostname);
  const addrs = await resolve(hostname, C.AF_INET, 0);
  if (isIPv4(hostname)) return [hostname, [], addrs];
  const entry = readHosts().byName(hostname, C.AF_INET);
  return entry ? [entry[0], entry.slice(1), addrs] : [hostname, [], addrs];
}

/**
 * Looks up the name of an address, as Python's `socket.gethostbyaddr()`:
 * /etc/hosts first, then the operating system's getnameinfo. A name given
 * instead of an address is resolved first.
 *
 * @param ip_address An IP literal or a host name.
 * @returns `[hostname, aliaslist, ipaddrlist]`.
 * @throws {herror} "Unknown host" when the address has no name.
 * @throws {gaierror} when a host name given does not resolve.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [name] = await socket.gethostbyaddr("127.0.0.1");
 * console.log(name); // "localhost"
 * ```
 */
export async function gethostbyaddr(
  ip_address: string,
): Promise<[hostname: string, aliaslist: string[], ipaddrlist: string[]]> {
  if (typeof ip_address !== "string") {
    throw new TypeError(
      `Cannot gethostbyaddr: ip_address must be str, not '${typeName(ip_address)}'`,
    );
  }
  const ip = isIPv4(ip_address) || isIPv6(ip_address)
    ? ip_address
    : (await resolveHost(ip_address, 0))[0];
  const entry = readHosts().byAddress(ip);
  if (entry) return [entry[0], entry.slice(1), [ip]];
  let name: string;
  try {
    name = (await (await nodeDns()).lookupService(ip, 0)).hostname;
  } catch (e) {
    throw new herror(1, "Unknown host", { cause: e, detail: ip });
  }
  if (name === ip || isIPv4(name) || isIPv6(name)) {
    throw new herror(1, "Unknown host", { detail: ip });
  }
  return [name, [], [ip]];
}

/**
 * Translates a socket address into `[host, port]` names, as Python's
 * `socket.getnameinfo()`.
 *
 * @param sockaddr `[host, port]` or `[host, port, flowinfo, scope_id]`; host an IP literal.
 * @param flags `NI_NUMERICHOST`, `NI_NUMERICSERV`, `NI_NAMEREQD`, `NI_DGRAM`, `NI_NOFQDN`.
 * @returns The host name (or address) and the service name (or port).
 * @throws {gaierror} `EAI_NONAME` when `NI_NAMEREQD` is given and the address has no name.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(await socket.getnameinfo(["127.0.0.1", 22], socket.NI_NUMERICHOST)); // ["127.0.0.1", "ssh"]
 * ```
 */
export async function getnameinfo(
  sockaddr: IPv4Address | IPv6Address,
  flags: number,
): Promise<[host: string, port: string]> {
  if (!Array.isArray(sockaddr) || typeof sockaddr[0] !== "string") {
    throw new TypeError("Cannot getnameinfo: sockaddr must be a tuple (host, port)");
  }
  const [host, port] = sockaddr;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Cannot getnameinfo: port must be 0-65535: current value is ${port}`);
  }
  checkInt(flags, "flags", "getnameinfo");
  const [, , flowinfo = 0, scope = 0] = sockaddr as IPv6Address & number[];
  if (sockaddr.length > 2) {
    checkInt(flowinfo, "flowinfo", "getnameinfo");
    if (flowinfo < 0 || flowinfo > 0xfffff) {
      throw new RangeError(
        `Cannot getnameinfo: flowinfo must be 0-1048575: current value is ${flowinfo}`,
      );
    }
  }
  // As Python's: the host must be a numeric address (a name is EAI_NONAME);
  // the tuple's scope id, not a "%scope" in the host, is the one used.
  const ip = host.includes("%") ? host.slice(0, host.indexOf("%")) : host;
  if (!isIPv4(ip) && !isIPv6(ip)) throw gai(EAI.EAI_NONAME, host);
  let addr = isIPv6(ip) ? normalizeIPv6(ip) : ip;
  if (scope) addr += `%${interfaces().find(([i]) => i === scope)?.[1] ?? scope}`;
  const service = flags & C.NI_NUMERICSERV
    ? String(port)
    : (readServices().byPort(port, flags & C.NI_DGRAM ? "udp" : "tcp") ?? String(port));
  if (flags & C.NI_NUMERICHOST) return [addr, service];
  let name: string | null = null;
  try {
    name = (await gethostbyaddr(addr))[0];
  } catch (e) {
    if (!(e instanceof OSError)) throw e;
  }
  if (name === null) {
    if (flags & C.NI_NAMEREQD) throw gai(EAI.EAI_NONAME, addr);
    return [addr, service];
  }
  if (flags & C.NI_NOFQDN && name.includes(".")) name = name.slice(0, name.indexOf("."));
  return [name, service];
}

/**
 * The machine's host name (`Deno.hostname()`), as Python's
 * `socket.gethostname()`. Needs `--allow-sys=hostname`.
 *
 * @returns The host name.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.gethostname().length > 0); // true
 * ```
 */
export function gethostname(): string {
  return system.hostname();
}

/**
 * A fully qualified name for `name`, as Python's `socket.getfqdn()`: the
 * first of the names `gethostbyaddr()` gives that contains a dot, else its
 * primary name; `name` itself when it cannot be looked up.
 *
 * @param name A host name or address; `""` (default) means this machine.
 * @returns The name.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(await socket.getfqdn("127.0.0.1")); // "localhost"
 * ```
 */
export async function getfqdn(name = ""): Promise<string> {
  name = name.trim();
  if (!name || name === "0.0.0.0" || name === "::") name = gethostname();
  try {
    const [hostname, aliases] = await gethostbyaddr(name);
    return [hostname, ...aliases].find((n) => n.includes(".")) ?? hostname;
  } catch (e) {
    if (e instanceof OSError) return name;
    throw e;
  }
}

/**
 * The port of a service named in /etc/services, as Python's
 * `socket.getservbyname()`.
 *
 * @param servicename E.g. `"http"`.
 * @param protocolname `"tcp"` or `"udp"`; omitted: either.
 * @returns The port number.
 * @throws {OSError} "service/proto not found".
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.getservbyname("http", "tcp")); // 80
 * ```
 */
export function getservbyname(servicename: string, protocolname?: string): number {
  const port = readServices().byName(servicename, protocolname ?? null);
  if (port === null) throw new OSError(null, "service/proto not found");
  return port;
}

/**
 * The name of the service on a port, from /etc/services, as Python's
 * `socket.getservbyport()`.
 *
 * @param port 0–65535.
 * @param protocolname `"tcp"` or `"udp"`; omitted: either.
 * @returns The service name.
 * @throws {RangeError} outside 0–65535; {OSError} "port/proto not found".
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.getservbyport(22)); // "ssh"
 * ```
 */
export function getservbyport(port: number, protocolname?: string): string {
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`Cannot getservbyport: port must be an integer, not '${typeName(port)}'`);
  }
  if (port < 0 || port > 65535) {
    throw new RangeError(`Cannot getservbyport: port must be 0-65535: current value is ${port}`);
  }
  const name = readServices().byPort(port, protocolname ?? null);
  if (name === null) throw new OSError(null, "port/proto not found");
  return name;
}

/**
 * Whether one AF_INET6 socket can take IPv4 connections too, as Python's
 * `socket.has_dualstack_ipv6()`: IPv6 works here and the system does not
 * make IPv6 sockets IPv6-only (Deno cannot clear `IPV6_V6ONLY`).
 *
 * @returns `true` when `create_server(["::", port], { family: AF_INET6,
 *   dualstack_ipv6: true })` accepts IPv4 clients.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(typeof socket.has_dualstack_ipv6()); // "boolean"
 * ```
 */
export function has_dualstack_ipv6(): boolean {
  try {
    pick("listen").listen({ transport: "tcp", hostname: "::1", port: 0 }, {
      backlog: 1,
      reusePort: false,
    })
      .close();
  } catch (e) {
    if (isNotCapable(e)) throw e;
    return false;
  }
  if (system.platform() === "win32") return false;
  try {
    return system.readTextFile("/proc/sys/net/ipv6/bindv6only").trim() === "0";
  } catch {
    return system.platform() === "linux" || system.platform() === "darwin";
  }
}

/**
 * The network interfaces, as `[index, name]` pairs: Python's
 * `socket.if_nameindex()` (read from /sys/class/net on Linux).
 *
 * @returns The interfaces, by index.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.if_nameindex().some(([, name]) => name === "lo")); // true
 * ```
 */
export function if_nameindex(): [index: number, name: string][] {
  return interfaces();
}

/**
 * The index of a network interface: Python's `socket.if_nametoindex()`.
 *
 * @param if_name The interface's name, e.g. `"lo"`.
 * @returns Its index.
 * @throws {TypeError} for a name that is not a string; {OSError} when there is no such interface.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.if_nametoindex("lo")); // 1
 * ```
 */
export function if_nametoindex(if_name: string): number {
  if (typeof if_name !== "string") {
    throw new TypeError(`Cannot if_nametoindex: name must be str, not '${typeName(if_name)}'`);
  }
  const found = interfaces().find(([, name]) => name === if_name);
  if (!found) throw new OSError(errno.ENODEV, "no interface with this name");
  return found[0];
}

/**
 * The name of a network interface: Python's `socket.if_indextoname()`.
 *
 * @param if_index The interface's index.
 * @returns Its name.
 * @throws {TypeError} for an index that is not an integer; {OSError} when there is no such interface.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.if_indextoname(1)); // "lo"
 * ```
 */
export function if_indextoname(if_index: number): string {
  checkInt(if_index, "index", "if_indextoname");
  const found = interfaces().find(([index]) => index === if_index);
  if (!found) throw new OSError(errno.ENXIO, "no interface with this index");
  return found[1];
}

/**
 * The number of a protocol by its name: Python's `socket.getprotobyname()`
 * (from /etc/protocols, or the numbers every system has).
 *
 * @param protocolname A name such as `"tcp"`, `"udp"`, `"icmp"`.
 * @returns The protocol number.
 * @throws {TypeError} for a name that is not a string; {OSError} "protocol not found".
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.getprotobyname("tcp"), socket.getprotobyname("udp")); // 6 17
 * ```
 */
export function getprotobyname(protocolname: string): number {
  if (typeof protocolname !== "string") {
    throw new TypeError(
      `Cannot getprotobyname: name must be str, not '${typeName(protocolname)}'`,
    );
  }
  const n = protocolNumber(protocolname);
  if (n === null) throw new OSError(null, "protocol not found");
  return n;
}
