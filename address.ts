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
import { EAI, gaierror } from "./errors.ts";
import { typeName } from "./_util.ts";

/** An AF_INET address: `[host, port]`. */
export type IPv4Address = [host: string, port: number];
/** An AF_INET6 address: `[host, port]` when given, `[host, port, flowinfo, scope_id]` when returned. */
export type IPv6Address =
  | [host: string, port: number]
  | [host: string, port: number, flowinfo: number]
  | [host: string, port: number, flowinfo: number, scope_id: number];
/** An AF_UNIX address: a filesystem path (`""` for an unbound socket). */
export type UnixAddress = string;
/** Any socket address. */
export type Address = IPv4Address | IPv6Address | UnixAddress;

/** Where a socket address points, in the form Deno's calls take. */
export type Target =
  | { transport: "tcp"; hostname: string; port: number }
  | { transport: "unix"; path: string };

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
  if (family === AF_UNIX) {
    if (address instanceof Uint8Array) address = new TextDecoder().decode(address);
    if (typeof address !== "string") {
      throw new TypeError(
        `Cannot ${op}: AF_UNIX address must be a path string, not '${typeName(address)}'`,
      );
    }
    return { transport: "unix", path: address };
  }
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
    const flowinfo = address[2];
    if (typeof flowinfo !== "number" || flowinfo < 0 || flowinfo > 0xfffff) {
      throw new RangeError(
        `Cannot ${op}: flowinfo must be 0-1048575: current value is ${flowinfo}`,
      );
    }
  }
  let host: string = address[0];
  if (host === "") host = v6 ? "::" : "0.0.0.0";
  else if (host === "<broadcast>") {
    if (v6) throw new gaierror(EAI.EAI_ADDRFAMILY, undefined, { detail: `Cannot ${op}: ${host}` });
    host = "255.255.255.255";
  } else if (v6 ? isIPv4(host) : isIPv6(host)) {
    throw new gaierror(EAI.EAI_ADDRFAMILY, undefined, {
      detail: `Cannot ${op}: ${host} is not an ${familyName(family)} address`,
    });
  }
  if (v6 && address.length === 4 && address[3] && !host.includes("%")) {
    host = `${host}%${address[3]}`;
  }
  return { transport: "tcp", hostname: host, port };
}

/**
 * Converts an address Deno reports into the tuple Python returns for a
 * socket of `family`.
 */
export function fromDenoAddr(family: number, addr: Deno.Addr): Address {
  if (addr.transport === "unix" || addr.transport === "unixpacket") {
    return (addr as Deno.UnixAddr).path ?? "";
  }
  const { hostname, port } = addr as Deno.NetAddr;
  if (family !== AF_INET6) return [hostname, port];
  const pct = hostname.indexOf("%");
  if (pct < 0) return [hostname, port, 0, 0];
  const scope = Number(hostname.slice(pct + 1));
  return [hostname.slice(0, pct), port, 0, Number.isInteger(scope) ? scope : 0];
}
