// Copyright 2026 the pysocket authors. MIT license.
// Reading /etc/hosts, /etc/services and /etc/protocols, and the network
// interfaces under /sys/class/net, for the netdb calls whose answers the OS
// resolver reached through node:dns cannot give (canonical names and
// aliases, service and protocol names, interface indexes). A file that is
// missing reads as empty.

import { AF_INET, AF_INET6 } from "../constants.ts";
import { inet_pton, isIPv4, isIPv6 } from "../address.ts";
import { entriesIn, isNotFound, readTextFile } from "./system.ts";

function readLines(path: string): string[][] {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
  return text.split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line !== "")
    .map((line) => line.split(/\s+/));
}

function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  const fam = isIPv4(a) ? AF_INET : AF_INET6;
  if (fam === AF_INET ? !isIPv4(b) : !isIPv6(b) || !isIPv6(a)) return false;
  try {
    return inet_pton(fam, a).join() === inet_pton(fam, b).join();
  } catch {
    return false;
  }
}

/** /etc/hosts: `address name [alias...]` lines. */
export interface Hosts {
  /** The names of the first line listing `name` for `family`, primary name first. */
  byName(name: string, family: number): string[] | null;
  /** The names of the first line for `address`, primary name first. */
  byAddress(address: string): string[] | null;
  /** The primary name of the first line listing `name`. */
  canonical(name: string): string | null;
}

/** Reads /etc/hosts. */
export function readHosts(): Hosts {
  const lines = readLines("/etc/hosts").filter((f) => f.length >= 2);
  const lower = (s: string) => s.toLowerCase();
  const lists = (line: string[], name: string) => line.slice(1).map(lower).includes(lower(name));
  return {
    byName(name, family) {
      const line = lines.find((l) =>
        (family === AF_INET ? isIPv4(l[0]) : isIPv6(l[0])) && lists(l, name)
      );
      return line ? line.slice(1) : null;
    },
    byAddress(address) {
      const line = lines.find((l) => sameAddress(l[0], address));
      return line ? line.slice(1) : null;
    },
    canonical(name) {
      return lines.find((l) => lists(l, name))?.[1] ?? null;
    },
  };
}

/** /etc/services: `name port/proto [alias...]` lines. */
export interface Services {
  /** The port of a service (by name or alias), or null. */
  byName(name: string, proto: string | null): number | null;
  /** The name of the service on a port, or null. */
  byPort(port: number, proto: string | null): string | null;
}

/** Reads /etc/services. */
export function readServices(): Services {
  const entries = readLines("/etc/services").flatMap((f) => {
    const m = /^(\d+)\/(\w+)$/.exec(f[1] ?? "");
    return m ? [{ names: [f[0], ...f.slice(2)], port: Number(m[1]), proto: m[2] }] : [];
  });
  return {
    byName(name, proto) {
      const e = entries.find((e) =>
        (proto === null || e.proto === proto) && e.names.includes(name)
      );
      return e ? e.port : null;
    },
    byPort(port, proto) {
      const e = entries.find((e) => (proto === null || e.proto === proto) && e.port === port);
      return e ? e.names[0] : null;
    },
  };
}

/** Protocol numbers every system has, for when /etc/protocols is missing. */
const KNOWN_PROTOCOLS: Record<string, number> = {
  ip: 0,
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  "ipv6-icmp": 58,
  icmpv6: 58,
  raw: 255,
};

/** The number of a protocol (by name or alias) from /etc/protocols, or null. */
export function protocolNumber(name: string): number | null {
  for (const f of readLines("/etc/protocols")) {
    if (f.length >= 2 && /^\d+$/.test(f[1]) && [f[0], ...f.slice(2)].includes(name)) {
      return Number(f[1]);
    }
  }
  return KNOWN_PROTOCOLS[name] ?? null;
}

/** The network interfaces as `[index, name]`, by index (Linux: /sys/class/net). */
export function interfaces(): [number, string][] {
  const out: [number, string][] = [];
  let names: string[];
  try {
    names = entriesIn("/sys/class/net");
  } catch (e) {
    if (isNotFound(e)) return out;
    throw e;
  }
  for (const name of names) {
    try {
      out.push([Number(readTextFile(`/sys/class/net/${name}/ifindex`).trim()), name]);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}
