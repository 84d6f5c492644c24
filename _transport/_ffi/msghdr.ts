// Copyright 2026 the pysocket authors. MIT license.
// sendmsg()/recvmsg() for the FFI backend: `struct msghdr`, its `iovec`s
// and its control messages, laid out for Linux x86_64 — msghdr 56 bytes
// (name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags
// 48), iovec 16, cmsghdr 16 (len as size_t, level, type) with its data
// aligned to 8. Pointers are taken right before each call: the bytes they
// point at are held by the call's own arguments.

import { errno as E } from "../../errors.ts";
import type { Target } from "../../address.ts";
import type { Addr, AncillaryItem, ReceivedMessage } from "../types.ts";
import { callError, type Libc } from "./libc.ts";
import type { Sockaddr } from "./sockaddr.ts";

const MSGHDR = 56;
const IOVEC = 16;
const CMSGHDR = 16;
const MSG_NOSIGNAL = 0x4000;

/** `CMSG_ALIGN`: control messages align on 8 bytes. */
export function cmsgAlign(n: number): number {
  return (n + 7) & ~7;
}

/** `CMSG_LEN(n)`: a control message's length with `n` bytes of data. */
export function cmsgLen(n: number): number {
  return CMSGHDR + n;
}

/** `CMSG_SPACE(n)`: the room a control message with `n` bytes of data takes, padding included. */
export function cmsgSpace(n: number): number {
  return CMSGHDR + cmsgAlign(n);
}

/** What one descriptor needs of its owner for a message call. */
export interface MessageTarget {
  readonly fd: number;
  readonly sa: Sockaddr;
  check(): void;
  /** The address the last call wrote into `sa`. */
  readName(): Addr;
  readable(): Promise<void>;
  writable(): Promise<void>;
  writeTarget(target: Target): number;
}

/** Builds message headers and reads them back, for one descriptor. */
export class AncillaryCodec {
  readonly #lib: Libc;
  readonly #hdr = new Uint8Array(MSGHDR);
  readonly #hv = new DataView(this.#hdr.buffer);

  constructor(lib: Libc) {
    this.#lib = lib;
  }

  /** `sendmsg()`: every buffer's bytes in order, with the control messages, to `to` (or the peer). */
  async send(
    d: MessageTarget,
    buffers: readonly Uint8Array[],
    ancdata: readonly AncillaryItem[],
    flags: number,
    to: Target | null,
  ): Promise<number> {
    let control: Uint8Array | null = null;
    if (ancdata.length > 0) {
      let size = 0;
      for (const [, , data] of ancdata) size += cmsgSpace(data.length);
      control = new Uint8Array(size);
      const cv = new DataView(control.buffer);
      let at = 0;
      for (const [level, type, data] of ancdata) {
        cv.setBigUint64(at, BigInt(cmsgLen(data.length)), true);
        cv.setInt32(at + 8, level, true);
        cv.setInt32(at + 12, type, true);
        control.set(data, at + CMSGHDR);
        at += cmsgSpace(data.length);
      }
    }
    const nameLen = to === null ? 0 : d.writeTarget(to);
    const iov = new Uint8Array(Math.max(1, buffers.length) * IOVEC);
    for (;;) {
      d.check();
      this.#fill(iov, buffers, to === null ? null : d.sa.bytes, nameLen, control);
      const n = this.#lib.c.sendmsg(d.fd, this.#hdr, flags | MSG_NOSIGNAL);
      if (n >= 0) return n;
      const e = this.#lib.errno();
      if (e === E.EAGAIN && !(flags & 0x40)) await d.writable();
      else if (e !== E.EINTR) throw callError(e, "sendmsg");
    }
  }

  /** `recvmsg()` into `buffers`, with room for `ancbufsize` bytes of control messages. */
  async receive(
    d: MessageTarget,
    buffers: readonly Uint8Array[],
    ancbufsize: number,
    flags: number,
  ): Promise<ReceivedMessage> {
    const control = ancbufsize > 0 ? new Uint8Array(ancbufsize) : null;
    const iov = new Uint8Array(Math.max(1, buffers.length) * IOVEC);
    for (;;) {
      d.check();
      d.sa.reset();
      this.#fill(iov, buffers, d.sa.bytes, d.sa.bytes.length, control);
      const n = this.#lib.c.recvmsg(d.fd, this.#hdr, flags);
      if (n >= 0) {
        const hv = this.#hv;
        const nameLen = hv.getUint32(8, true);
        d.sa.len[0] = nameLen;
        const controlLen = Number(hv.getBigUint64(40, true));
        return {
          nbytes: n,
          ancdata: control === null ? [] : parseControl(control, controlLen),
          flags: hv.getInt32(48, true),
          address: nameLen > 0 ? d.readName() : null,
        };
      }
      const e = this.#lib.errno();
      if (e === E.EAGAIN && !(flags & 0x40)) await d.readable();
      else if (e !== E.EINTR) throw callError(e, "recvmsg");
    }
  }

  /** Writes the header and `iov` for one call. */
  #fill(
    iov: Uint8Array,
    buffers: readonly Uint8Array[],
    name: Uint8Array | null,
    nameLen: number,
    control: Uint8Array | null,
  ): void {
    const address = this.#lib.memory.of;
    const iv = new DataView(iov.buffer);
    buffers.forEach((b, i) => {
      iv.setBigUint64(i * IOVEC, b.length > 0 ? address(b) : 0n, true);
      iv.setBigUint64(i * IOVEC + 8, BigInt(b.length), true);
    });
    const hv = this.#hv;
    hv.setBigUint64(0, name === null ? 0n : address(name), true);
    hv.setUint32(8, name === null ? 0 : nameLen, true);
    hv.setBigUint64(16, buffers.length > 0 ? address(iov) : 0n, true);
    hv.setBigUint64(24, BigInt(buffers.length), true);
    hv.setBigUint64(32, control === null ? 0n : address(control), true);
    hv.setBigUint64(40, BigInt(control?.length ?? 0), true);
    hv.setInt32(48, 0, true);
  }
}

/** The control messages in the first `len` bytes of `control`. */
function parseControl(control: Uint8Array, len: number): AncillaryItem[] {
  const out: AncillaryItem[] = [];
  const cv = new DataView(control.buffer, control.byteOffset, control.byteLength);
  let at = 0;
  while (at + CMSGHDR <= len) {
    const cmsgLength = Number(cv.getBigUint64(at, true));
    if (cmsgLength < CMSGHDR) break;
    const end = Math.min(at + cmsgLength, len);
    out.push([
      cv.getInt32(at + 8, true),
      cv.getInt32(at + 12, true),
      control.slice(at + CMSGHDR, end),
    ]);
    at += cmsgAlign(cmsgLength);
  }
  return out;
}
