// Copyright 2026 the pysocket authors. MIT license.
/**
 * {@linkcode DatagramSocket}: UDP and AF_UNIX datagram sockets.
 *
 * @module
 */

import * as C from "./constants.ts";
import { errno, OSError } from "./errors.ts";
import type { Address } from "./address.ts";
import { Socket } from "./_base.ts";
import type { OptionHandles } from "./options.ts";

/**
 * A datagram socket (work in progress: only construction so far).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * ```
 */
export class DatagramSocket extends Socket {
  #conn: Deno.DatagramConn | null = null;

  /**
   * Use `socket(family, SOCK_DGRAM)` rather than this constructor.
   *
   * @param family Address family.
   * @param proto Protocol number.
   */
  constructor(family: number = C.AF_INET, proto = 0) {
    super(family, C.SOCK_DGRAM, proto);
  }

  /**
   * Wraps a Deno datagram handle.
   *
   * @param conn The handle.
   * @returns The socket.
   */
  static fromDatagramConn(conn: Deno.DatagramConn): DatagramSocket {
    const s = new DatagramSocket(C.AF_INET);
    s.#conn = conn;
    return s;
  }

  /** @ignore */
  protected _handles(): OptionHandles {
    return { conn: null, listening: false };
  }

  /** The local address. @returns It. */
  getsockname(): Address {
    throw new OSError(errno.EOPNOTSUPP);
  }

  /** The peer. @returns It. */
  getpeername(): Address {
    throw new OSError(errno.ENOTCONN);
  }

  /** Closes. */
  override close(): void {
    super.close();
    this.#conn?.close();
  }
}
