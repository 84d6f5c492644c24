// Copyright 2026 the pysocket authors. MIT license.
// Addresses of datagram sockets: Python address → transport datagram
// address (with a one-entry cache so a sendto() loop to one peer allocates
// nothing), the wildcard address of a family, and the peer filter of a
// connected socket.

import { AF_INET6, AF_UNIX } from "../constants.ts";
import { isIPv4, isIPv6, normalizeIPv6, type Target, toTarget } from "../address.ts";
import { resolveHost } from "../_common/resolve.ts";
import type { Addr, DatagramAddr } from "../_transport/types.ts";

/** The wildcard bind target of a family (AF_UNIX: autobind). */
export function wildcard(family: number): Target {
  if (family === AF_UNIX) return { transport: "unix", path: "" };
  return { transport: "tcp", hostname: family === AF_INET6 ? "::" : "0.0.0.0", port: 0 };
}

/** Whether `addr` (as Deno reports a sender) is `peer`. */
export function samePeer(peer: DatagramAddr, addr: Addr): boolean {
  if (peer.transport === "udp") {
    const a = addr as Deno.NetAddr;
    return a.port === peer.port && a.hostname === peer.hostname;
  }
  return (addr as Deno.UnixAddr).path === (peer as Deno.UnixAddr).path;
}

/**
 * Converts Python addresses into Deno datagram addresses, resolving host
 * names through the OS resolver, and remembers the last one: sending to the
 * same address object again costs no allocation.
 */
export class Targets {
  #family: number;
  #key: unknown = undefined;
  #host: unknown = undefined;
  #port: unknown = undefined;
  #scope: unknown = undefined;
  #last: DatagramAddr | null = null;

  constructor(family: number) {
    this.#family = family;
  }

  /** The cached Deno address for `address`, or null. */
  cached(address: unknown): DatagramAddr | null {
    if (this.#last === null || address !== this.#key) return null;
    if (typeof address === "string") return this.#last;
    const a = address as unknown[];
    return a[0] === this.#host && a[1] === this.#port && a[3] === this.#scope ? this.#last : null;
  }

  /**
   * Checks `address` and converts it at once when it needs no name lookup
   * (an IP literal or a path); returns null for a host name.
   *
   * @throws {TypeError|RangeError} for a malformed address; {gaierror} for a literal of the other family.
   */
  convert(address: unknown, op: string): DatagramAddr | null {
    const target = toTarget(this.#family, address, op);
    if (target.transport === "unix") {
      const to: DatagramAddr = { transport: "unixpacket", path: target.path };
      if (target.raw) to.raw = target.raw;
      return this.#remember(address, to);
    }
    const host = target.hostname;
    if (!isIPv4(host) && !isIPv6(host)) return null;
    return this.#remember(address, {
      transport: "udp",
      hostname: normalizeIPv6(host),
      port: target.port,
    });
  }

  /**
   * Checks and converts `address`, resolving a host name through the OS resolver.
   *
   * @throws {TypeError|RangeError} for a malformed address; {gaierror} when the name does not resolve.
   */
  async resolve(address: unknown, op: string): Promise<DatagramAddr> {
    const now = this.convert(address, op);
    if (now) return now;
    const target = toTarget(this.#family, address, op) as Target & { transport: "tcp" };
    const [host] = await resolveHost(target.hostname, this.#family);
    return this.#remember(address, {
      transport: "udp",
      hostname: normalizeIPv6(host),
      port: target.port,
    });
  }

  #remember(address: unknown, addr: DatagramAddr): DatagramAddr {
    this.#key = address;
    if (Array.isArray(address)) {
      this.#host = address[0];
      this.#port = address[1];
      this.#scope = address[3];
    }
    this.#last = addr;
    return addr;
  }
}
