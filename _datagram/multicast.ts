// Copyright 2026 the pysocket authors. MIT license.
// The multicast state of a datagram socket (IP_ADD_MEMBERSHIP and friends):
// the groups asked for, joined on the socket's transport. The transport's
// calls are async while `setsockopt()` is not: each is started at once,
// chained after the previous one (so effects keep their order), and handed
// to the socket's `defer`, so a failure reaches its next awaited operation.
// Groups asked for before the transport exists are joined when it is made.

import { errno, OSError } from "../errors.ts";
import { fromRuntimeError } from "../_common/runtime_errors.ts";
import type { DatagramTransport } from "../_transport/types.ts";

/** One group joined (or to be joined) on one interface. */
interface Group {
  group: string;
  /** IPv4: the interface address; IPv6: the interface index. */
  iface: string | number;
}

/** What a datagram socket's multicast options act on (its membership state). */
export interface MulticastControl {
  /** Joins `group` on `iface` (IPv4: interface address; IPv6: interface index). */
  add(group: string, iface: string | number): void;
  /** Leaves `group` on `iface`. */
  drop(group: string, iface: string | number): void;
  /** Sets the multicast TTL. */
  setTTL(ttl: number): void;
  /** Sets multicast loopback. */
  setLoopback(on: boolean): void;
}

const noop = () => {};

export class Multicast implements MulticastControl {
  readonly #defer: (p: Promise<unknown>) => void;
  #groups = new Map<string, Group>();
  #chain: Promise<void> = Promise.resolve();
  #transport: DatagramTransport | null = null;

  /** @param defer Runs a transport call in the background; its failure reaches the socket's next call. */
  constructor(defer: (p: Promise<unknown>) => void) {
    this.#defer = defer;
  }

  #run(detail: string, op: (t: DatagramTransport) => Promise<void>): void {
    const t = this.#transport;
    if (t === null) return;
    const p = this.#chain.then(() => op(t)).catch((e) => {
      throw fromRuntimeError(e, detail);
    });
    this.#chain = p.then(noop, noop);
    this.#defer(p);
  }

  #join(key: string, g: Group): void {
    this.#run(`Cannot setsockopt: join ${g.group} on ${g.iface}`, async (t) => {
      try {
        await t.joinGroup(g.group, g.iface);
      } catch (e) {
        if (this.#groups.get(key) === g) this.#groups.delete(key);
        throw e;
      }
    });
  }

  /** `IP_ADD_MEMBERSHIP` / `IPV6_JOIN_GROUP`. */
  add(group: string, iface: string | number): void {
    const key = `${group}|${iface}`;
    if (this.#groups.has(key)) {
      throw new OSError(errno.EADDRINUSE, undefined, {
        detail: `Cannot setsockopt: already a member of ${group} on ${iface}`,
      });
    }
    const g: Group = { group, iface };
    this.#groups.set(key, g);
    this.#join(key, g);
  }

  /** `IP_DROP_MEMBERSHIP` / `IPV6_LEAVE_GROUP`. */
  drop(group: string, iface: string | number): void {
    const key = `${group}|${iface}`;
    if (!this.#groups.delete(key)) {
      throw new OSError(errno.EADDRNOTAVAIL, undefined, {
        detail: `Cannot setsockopt: not a member of ${group} on ${iface}`,
      });
    }
    this.#run(`Cannot setsockopt: leave ${group} on ${iface}`, (t) => t.leaveGroup(group, iface));
  }

  /** `IP_MULTICAST_TTL`. */
  setTTL(ttl: number): void {
    this.#run(`Cannot setsockopt: IP_MULTICAST_TTL ${ttl}`, (t) => t.setMulticastTTL(ttl));
  }

  /** `IP_MULTICAST_LOOP` / `IPV6_MULTICAST_LOOP`. */
  setLoopback(on: boolean): void {
    this.#run(`Cannot setsockopt: multicast loopback ${on}`, (t) => t.setMulticastLoopback(on));
  }

  /** The socket's transport was made: join every group asked for so far. */
  attach(t: DatagramTransport): void {
    if (t === this.#transport) return;
    this.#transport = t;
    for (const [key, g] of this.#groups) this.#join(key, g);
  }
}
