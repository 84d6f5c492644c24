// Copyright 2026 the pysocket authors. MIT license.
// Multicast options of a datagram socket (IP_ADD_MEMBERSHIP and friends)
// on top of Deno's membership API: `joinMulticastV4(group, ifaceAddr)` /
// `joinMulticastV6(group, ifIndex)` → `{ leave, setLoopback, setTTL }`.
//
// Deno's calls are async while `setsockopt()` is not: each call is started at
// once, chained after the previous one (so effects keep their order), and
// handed to the socket's `defer` so a failure reaches its next awaited
// operation. Memberships asked for before the Deno handle exists are joined
// when it is created (`attach`).

import { AF_INET6 } from "./constants.ts";
import { errno, fromDenoError, OSError, oserror } from "./errors.ts";
import { inet_ntop } from "./address.ts";

type Membership = Deno.MulticastV4Membership | Deno.MulticastV6Membership;

/** One group joined (or to be joined) on one interface. */
interface Group {
  group: string;
  /** IPv4: the interface address; IPv6: the interface index. */
  iface: string | number;
  member: Membership | null;
}

/** What `setsockopt()` hands over: the Deno handle and where failures go. */
export interface MulticastHandles {
  datagram?: Deno.DatagramConn | null;
  defer?: (p: Promise<unknown>) => void;
}

// Groups joined for a moment on the loopback interface when TTL or loopback
// is set with no membership: Deno reaches those socket options only through
// a membership object. Administratively scoped, never routed.
const SCRATCH_V4 = "239.255.83.77";
const SCRATCH_V6 = "ff15::5953:4f43";

/** Turns a Deno failure (some come as `TypeError` "... (os error 22)") into an OSError. */
function toOSError(e: unknown, detail: string): Error {
  const m = e instanceof TypeError ? /\(os error (\d+)\)/.exec(e.message) : null;
  return m ? oserror(Number(m[1]), detail, e) : fromDenoError(e, detail);
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
export function parseMembership(
  family: number,
  b: Uint8Array,
  name: string,
): { group: string; iface: string | number } {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (family === AF_INET6) {
    if (b.length < 20) throw invalid(`${name} needs a 20-byte ipv6_mreq (group, ifindex)`);
    const group = inet_ntop(AF_INET6, b.subarray(0, 16));
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

/** The multicast state of one datagram socket. */
export class Multicast {
  readonly #family: number;
  readonly #onError: (code: number) => void;
  #groups = new Map<string, Group>();
  #chain: Promise<void> = Promise.resolve();
  #conn: Deno.DatagramConn | null = null;

  /**
   * @param family The socket's family.
   * @param onError Where a failure goes when the socket gave no `defer` (as `SO_ERROR`).
   */
  constructor(family: number, onError: (code: number) => void) {
    this.#family = family;
    this.#onError = onError;
  }

  #run(h: MulticastHandles, detail: string, op: (dc: Deno.DatagramConn) => Promise<void>): void {
    const dc = h.datagram;
    if (!dc) return;
    const p = this.#chain.then(() => op(dc)).catch((e) => {
      throw toOSError(e, detail);
    });
    this.#chain = p.then(() => {}, () => {});
    if (h.defer) h.defer(p);
    else p.catch((e) => this.#onError((e as OSError).errno ?? errno.EIO));
  }

  async #join(dc: Deno.DatagramConn, g: Group): Promise<Membership> {
    return typeof g.iface === "number"
      ? await dc.joinMulticastV6(g.group, g.iface)
      : await dc.joinMulticastV4(g.group, g.iface);
  }

  #start(h: MulticastHandles, key: string, g: Group): void {
    this.#run(h, `Cannot setsockopt: join ${g.group} on ${g.iface}`, async (dc) => {
      try {
        g.member = await this.#join(dc, g);
      } catch (e) {
        if (this.#groups.get(key) === g) this.#groups.delete(key);
        throw e;
      }
    });
  }

  /** `IP_ADD_MEMBERSHIP` / `IPV6_JOIN_GROUP`. */
  add(h: MulticastHandles, group: string, iface: string | number): void {
    const key = `${group}|${iface}`;
    if (this.#groups.has(key)) {
      throw new OSError(errno.EADDRINUSE, undefined, {
        detail: `Cannot setsockopt: already a member of ${group} on ${iface}`,
      });
    }
    const g: Group = { group, iface, member: null };
    this.#groups.set(key, g);
    this.#start(h, key, g);
  }

  /** `IP_DROP_MEMBERSHIP` / `IPV6_LEAVE_GROUP`. */
  drop(h: MulticastHandles, group: string, iface: string | number): void {
    const key = `${group}|${iface}`;
    const g = this.#groups.get(key);
    if (!g) {
      throw new OSError(errno.EADDRNOTAVAIL, undefined, {
        detail: `Cannot setsockopt: not a member of ${group} on ${iface}`,
      });
    }
    this.#groups.delete(key);
    this.#run(h, `Cannot setsockopt: leave ${group} on ${iface}`, async () => {
      await g.member?.leave();
      g.member = null;
    });
  }

  /** Runs `fn` on some membership; joins a scratch group on loopback for the moment if none. */
  async #withMember(dc: Deno.DatagramConn, fn: (m: Membership) => Promise<void>): Promise<void> {
    for (const g of this.#groups.values()) if (g.member) return await fn(g.member);
    const m = this.#family === AF_INET6
      ? await dc.joinMulticastV6(SCRATCH_V6, 1)
      : await dc.joinMulticastV4(SCRATCH_V4, "127.0.0.1");
    try {
      await fn(m);
    } finally {
      await m.leave();
    }
  }

  /** `IP_MULTICAST_TTL`. */
  setTTL(h: MulticastHandles, ttl: number): void {
    this.#run(
      h,
      `Cannot setsockopt: IP_MULTICAST_TTL ${ttl}`,
      (dc) =>
        this.#withMember(dc, async (m) => {
          await (m as Deno.MulticastV4Membership).setTTL(ttl);
        }),
    );
  }

  /** `IP_MULTICAST_LOOP` / `IPV6_MULTICAST_LOOP`. */
  setLoopback(h: MulticastHandles, on: boolean): void {
    this.#run(
      h,
      `Cannot setsockopt: multicast loopback ${on}`,
      (dc) =>
        this.#withMember(dc, async (m) => {
          await m.setLoopback(on);
        }),
    );
  }

  /** The Deno handle was (re)created: join every group asked for so far. */
  attach(h: MulticastHandles): void {
    if (!h.datagram || h.datagram === this.#conn) return;
    this.#conn = h.datagram;
    for (const [key, g] of this.#groups) {
      g.member = null;
      this.#start(h, key, g);
    }
  }
}
