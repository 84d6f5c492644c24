// Copyright 2026 the pysocket authors. MIT license.
// The socket options Python knows that Deno does not expose: setsockopt /
// getsockopt refuse each by name with OSError ENOPROTOOPT.

import * as C from "../constants.ts";

/** The names of the options Deno does not expose, for the error message. */
const REFUSED: Record<number, string> = {};
const key = (level: number, optname: number) => level * 65536 + optname;
for (
  const [level, names] of [
    [C.SOL_SOCKET, [
      "SO_DEBUG",
      "SO_DONTROUTE",
      "SO_SNDBUF",
      "SO_RCVBUF",
      "SO_OOBINLINE",
      "SO_PRIORITY",
      "SO_RCVLOWAT",
      "SO_SNDLOWAT",
      "SO_RCVTIMEO",
      "SO_SNDTIMEO",
      "SO_BINDTODEVICE",
    ]],
    [C.IPPROTO_TCP, [
      "TCP_MAXSEG",
      "TCP_CORK",
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
    [C.IPPROTO_IP, [
      "IP_TOS",
      "IP_TTL",
      "IP_HDRINCL",
      "IP_OPTIONS",
      "IP_RECVOPTS",
      "IP_MULTICAST_IF",
    ]],
    [C.IPPROTO_IPV6, ["IPV6_UNICAST_HOPS", "IPV6_MULTICAST_IF", "IPV6_MULTICAST_HOPS"]],
  ] as const
) {
  for (const name of names) REFUSED[key(level, C[name])] = name;
}

/** The name of an option level, for error messages. */
export function levelName(level: number): string {
  return ({
    [C.SOL_SOCKET]: "SOL_SOCKET",
    [C.IPPROTO_TCP]: "IPPROTO_TCP",
    [C.IPPROTO_IP]: "IPPROTO_IP",
    [C.IPPROTO_IPV6]: "IPPROTO_IPV6",
    [C.IPPROTO_UDP]: "IPPROTO_UDP",
  } as Record<number, string>)[level] ?? `level ${level}`;
}

/** The name of a known option Deno does not expose, or undefined. */
export function refusedName(level: number, optname: number): string | undefined {
  return REFUSED[key(level, optname)];
}
