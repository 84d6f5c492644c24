// Copyright 2026 the pysocket authors. MIT license.
// Host name resolution through the operating system's getaddrinfo (node:dns
// lookup), so /etc/hosts and nsswitch apply as they do for Python.

import { AF_INET, AF_INET6 } from "../constants.ts";
import { EAI, gaierror } from "../errors.ts";
import { isNotCapable } from "./runtime_errors.ts";
import { isIPv4, isIPv6 } from "../address.ts";

const EAI_BY_CODE: Record<string, number> = {
  ENOTFOUND: EAI.EAI_NONAME,
  EAI_NONAME: EAI.EAI_NONAME,
  EAI_AGAIN: EAI.EAI_AGAIN,
  EAI_FAIL: EAI.EAI_FAIL,
  EAI_NODATA: EAI.EAI_NODATA,
  ENODATA: EAI.EAI_NODATA,
  EAI_FAMILY: EAI.EAI_FAMILY,
  EAI_ADDRFAMILY: EAI.EAI_ADDRFAMILY,
  EAI_SERVICE: EAI.EAI_SERVICE,
  EAI_SOCKTYPE: EAI.EAI_SOCKTYPE,
  EAI_MEMORY: EAI.EAI_MEMORY,
};

type Dns = typeof import("node:dns/promises");
let dns: Promise<Dns> | null = null;

/**
 * node:dns/promises, loaded on first use: it costs a program that never
 * resolves a name about 5 MB of memory and some milliseconds at startup.
 */
export function nodeDns(): Promise<Dns> {
  return dns ??= import("node:dns/promises");
}

/**
 * Turns a node:dns lookup failure into Python's `gaierror`, but for Deno's
 * permission check: node:dns reports a denied lookup as a getaddrinfo
 * `EPERM`, which becomes the `Deno.errors.NotCapable` Deno raises for it
 * elsewhere (the node:dns error as its `cause`).
 */
export function toGaierror(err: unknown, host: string): Error {
  if (isNotCapable(err)) return err;
  const denied = err as { code?: unknown; syscall?: unknown } | null;
  const NotCapable = (globalThis as { Deno?: typeof Deno }).Deno?.errors.NotCapable;
  if (NotCapable && denied?.code === "EPERM" && denied.syscall === "getaddrinfo") {
    return new NotCapable(
      `Requires net access to "${host}", run again with the --allow-net flag`,
      { cause: err },
    );
  }
  const code = (err as { code?: string })?.code ?? "";
  return new gaierror(EAI_BY_CODE[code] ?? EAI.EAI_NONAME, undefined, {
    cause: err,
    detail: host,
  });
}

/**
 * Resolves `host` to the IP addresses of `family` (AF_INET, AF_INET6, or 0
 * for both), in the resolver's order. IP literals are returned as they are.
 *
 * @throws {gaierror} when the name does not resolve.
 */
export async function resolveHost(host: string, family: number): Promise<string[]> {
  if (isIPv4(host) || isIPv6(host)) return [host];
  if (host === "localhost" && family !== 0) return [family === AF_INET ? "127.0.0.1" : "::1"];
  const fam = family === AF_INET ? 4 : family === AF_INET6 ? 6 : 0;
  try {
    const { lookup } = await nodeDns();
    const found = await lookup(host, { family: fam, all: true, verbatim: true });
    if (found.length === 0) throw Object.assign(new Error(host), { code: "ENODATA" });
    return found.map((a) => a.address);
  } catch (e) {
    throw toGaierror(e, host);
  }
}
