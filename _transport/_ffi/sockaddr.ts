// Copyright 2026 the pysocket authors. MIT license.
// Socket addresses as the C library takes and gives them (Linux x86_64):
// `sockaddr_in` (16 bytes), `sockaddr_in6` (28) and `sockaddr_un` (110),
// written from the seam's targets and read back into the `Deno.Addr` shape
// every transport reports. An AF_UNIX name is bytes: a path (NUL-terminated
// on the way in), or an abstract name whose first byte is NUL, of any bytes.

import { AF_INET, AF_INET6, AF_UNIX } from "../../constants.ts";
import { errno as E, OSError } from "../../errors.ts";
import { inet_ntop, inet_pton } from "../../address.ts";
import { libc } from "./libc.ts";

/** Room for any of the three (`sizeof(struct sockaddr_storage)`). */
export const SOCKADDR_SIZE = 128;
const UNIX_PATH_MAX = 108;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A socket address's room and its length, reused from call to call. */
export class Sockaddr {
  /** The address bytes. */
  readonly bytes: Uint8Array<ArrayBuffer> = new Uint8Array(SOCKADDR_SIZE);
  /** `socklen_t`: in, the room; out, the length written. */
  readonly len: Uint32Array<ArrayBuffer> = new Uint32Array(1);
  readonly #view = new DataView(this.bytes.buffer);

  /** Makes the length the whole room, before a call that writes an address. */
  reset(): this {
    this.len[0] = SOCKADDR_SIZE;
    return this;
  }

  /**
   * Writes an IP address and port; returns the length. `host` is a literal
   * (an IPv6 one may carry `%scope`: an interface's index or name).
   */
  writeIP(family: number, host: string, port: number, flowinfo = 0, scopeId = 0): number {
    const v = this.#view;
    this.bytes.fill(0, 0, 28);
    v.setUint16(0, family, true);
    v.setUint16(2, port, false);
    if (family === AF_INET) {
      this.bytes.set(inet_pton(AF_INET, host), 4);
      return (this.len[0] = 16);
    }
    const pct = host.indexOf("%");
    if (pct >= 0) {
      const scope = host.slice(pct + 1);
      scopeId = /^\d+$/.test(scope) ? Number(scope) : interfaceIndex(scope);
      host = host.slice(0, pct);
    }
    v.setUint32(4, flowinfo >>> 0, false);
    this.bytes.set(inet_pton(AF_INET6, host), 8);
    v.setUint32(24, scopeId >>> 0, true);
    return (this.len[0] = 28);
  }

  /**
   * Writes an AF_UNIX name (a path, or bytes starting with NUL for the
   * abstract namespace; empty: autobind); returns the length.
   *
   * @throws {OSError} for a name longer than `sun_path`.
   */
  writeUnix(name: string | Uint8Array): number {
    const b = typeof name === "string" ? encoder.encode(name) : name;
    const abstract = b.length > 0 && b[0] === 0;
    if (b.length > UNIX_PATH_MAX - (abstract ? 0 : 1)) {
      throw new OSError(null, "AF_UNIX path too long");
    }
    this.bytes.fill(0, 0, 2 + UNIX_PATH_MAX);
    this.#view.setUint16(0, AF_UNIX, true);
    this.bytes.set(b, 2);
    return (this.len[0] = b.length === 0 ? 2 : 2 + b.length + (abstract ? 0 : 1));
  }

  /** The family of the address written by the last call. */
  family(): number {
    return this.#view.getUint16(0, true);
  }

  /**
   * The address a call wrote, in the `Deno.Addr` shape (`transport` names
   * the socket's kind: `"tcp"`/`"udp"`, `"unix"`/`"unixpacket"`); an AF_UNIX
   * name that is not UTF-8 keeps its bytes in `raw`.
   */
  read(stream: boolean): Deno.Addr & { raw?: Uint8Array; flowinfo?: number; scopeId?: number } {
    const v = this.#view;
    const family = v.getUint16(0, true);
    const len = this.len[0];
    if (family === AF_INET) {
      return {
        transport: stream ? "tcp" : "udp",
        hostname: inet_ntop(AF_INET, this.bytes.subarray(4, 8)),
        port: v.getUint16(2, false),
      };
    }
    if (family === AF_INET6) {
      const scopeId = v.getUint32(24, true);
      const ip = inet_ntop(AF_INET6, this.bytes.subarray(8, 24));
      return {
        transport: stream ? "tcp" : "udp",
        hostname: scopeId ? `${ip}%${scopeId}` : ip,
        port: v.getUint16(2, false),
        flowinfo: v.getUint32(4, false),
        scopeId,
      };
    }
    // AF_UNIX (or an unbound socket's AF_UNSPEC): the path, NUL-trimmed
    // unless abstract.
    let name = this.bytes.slice(2, Math.max(2, Math.min(len, 2 + UNIX_PATH_MAX)));
    if (name.length > 0 && name[0] !== 0) {
      const nul = name.indexOf(0);
      if (nul >= 0) name = name.subarray(0, nul);
    }
    let path: string;
    try {
      path = new TextDecoder("utf-8", { fatal: true }).decode(name);
    } catch {
      path = decoder.decode(name);
      return { transport: stream ? "unix" : "unixpacket", path, raw: name };
    }
    return { transport: stream ? "unix" : "unixpacket", path };
  }
}

/** The index of the interface `name` (an IPv6 scope given by name). */
function interfaceIndex(name: string): number {
  const i = libc().c.if_nametoindex(encoder.encode(`${name}\0`));
  if (i === 0) {
    throw new OSError(E.EINVAL, undefined, { detail: `Cannot use scope: no interface '${name}'` });
  }
  return i;
}
