// Copyright 2026 the pysocket authors. MIT license.
// Which backend a socket uses: the one place that chooses. In Deno,
// Deno.* is the default wherever it can do what the socket was asked; a
// socket moves to node:net or node:dgram only before its handle exists,
// when asked for what Deno cannot do. Where there is no Deno (Node, Bun),
// node:net and node:dgram are the only backend, and nothing touches the
// Deno global. A socket goes to the FFI backend (real descriptors, DESIGN
// §20) only for what neither can do, or when the process asks for
// descriptors everywhere (PYSOCKET_BACKEND=ffi). The choice is made on
// capabilities (capabilities.ts), so `capabilities()` answers without a
// backend's runtime modules.

import type { Backend, PacketTransport } from "./types.ts";
import { type Capabilities, DENO, FFI, NODE } from "./capabilities.ts";
import { testing } from "../_common/testing.ts";
import { deno } from "./deno.ts";
import { node } from "./node.ts";
import { everywhere, ffiModule, ffiUnavailable } from "./ffi_load.ts";

/** What a socket about to create its handle asks of its backend. */
export interface Needs {
  /** To connect from a bound local address (`bind()` before `connect()`). */
  localAddress?: boolean;
  /** Kernel options Deno's API lacks (`TCP_KEEPIDLE`, `SO_LINGER` with a zero linger; `SO_RCVBUF`, `SO_SNDBUF`, `IP_TTL`). */
  kernelOptions?: boolean;
  /** An AF_UNIX datagram socket. */
  unix?: boolean;
  /** A real descriptor (`SOCK_SEQPACKET`, an adopted descriptor...): only the FFI backend has one. */
  descriptors?: boolean;
  /** An IPv6 listener that takes no IPv4 connection (`IPV6_V6ONLY`). */
  ipv6Only?: boolean;
}

/** What a socket is about to create: a connection, a listener or a datagram socket. */
export type Op = "connect" | "listen" | "datagram";

/** Deno's network API, when the runtime is Deno. */
const denoNet = (globalThis as { Deno?: typeof Deno }).Deno;

/** The runtime's own network API is Deno's: the Deno backend is there. */
const inDeno = typeof denoNet?.connect === "function";

/**
 * The capabilities of the backend `pick(op, needs)` returns, without
 * loading it. Outside Deno, the node backend's. In Deno: listeners are
 * those whose `listen()` binds at once (Deno's: node:net in Deno binds
 * later); a connection is one that has what it needs (connecting from a
 * bound address, kernel options); a datagram socket likewise, and node's
 * when Deno's datagram API is not enabled (no `--unstable-net`).
 */
export function capabilities(op: Op = "connect", needs?: Needs): Capabilities {
  if (needs?.descriptors || everywhere || testing.backend === "ffi") return FFI;
  if (!inDeno) return NODE;
  const preferred = testing.backend === "node" ? NODE : DENO;
  if (op === "listen") {
    // Deno's listeners take IPv4 on every IPv6 socket and no kernel option;
    // node:net's bind too late in Deno: the C library's do both.
    if ((needs?.ipv6Only || needs?.kernelOptions) && ffiUnavailable() === null) return FFI;
    return preferred.listenBindsAtOnce ? preferred : DENO;
  }
  if (op === "datagram") {
    if (needs?.unix) return preferred.unixDatagrams ? preferred : DENO;
    if (typeof denoNet!.listenDatagram !== "function") return NODE;
    return needs?.kernelOptions && !preferred.kernelOptions ? NODE : preferred;
  }
  if (needs?.localAddress && !preferred.bindBeforeConnect) return NODE;
  return needs?.kernelOptions && !preferred.kernelOptions ? NODE : preferred;
}

/** The backend for a socket about to create its handle (see {@linkcode capabilities}). */
export function pick(op: Op = "connect", needs?: Needs): Backend {
  const caps = capabilities(op, needs);
  if (caps === FFI) {
    return ffiModule(op === "listen" ? "listen" : op === "datagram" ? "bind" : "connect").ffi;
  }
  return caps === NODE ? node : deno;
}

/**
 * The descriptor a stream or datagram socket has before it binds or
 * connects, where every socket is to have one (`PYSOCKET_BACKEND=ffi`):
 * made when first asked for (`fileno()`, `setsockopt()`...), so that those
 * reach the kernel as Python's do; `null` elsewhere (the socket's handle is
 * made when it binds or connects).
 *
 * @throws {OSError} the kernel's error.
 */
export function earlyDescriptor(
  family: number,
  type: number,
  proto: number,
): { backend: Backend; fresh: PacketTransport } | null {
  if (!(everywhere || testing.backend === "ffi")) return null;
  const m = ffiModule("create socket");
  return { backend: m.ffi, fresh: m.openDescriptor(family, type, proto) };
}
