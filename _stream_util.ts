// Copyright 2026 the pysocket authors. MIT license.
// Pieces of a stream socket's calls that need none of its state: the flags
// its calls take, peeking and MSG_WAITALL reads on the read buffer, and
// dialling a connection with a deadline.

import * as C from "./constants.ts";
import type { Target } from "./address.ts";
import type { ReadBuffer } from "./_buffer.ts";
import { resolveHost } from "./_resolve.ts";
import { type Deadline, expired, msLeft, NONBLOCK } from "./_wait.ts";

/** The flags `recv`, `recv_into` take. */
export const RECV_FLAGS = C.MSG_PEEK | C.MSG_WAITALL | C.MSG_DONTWAIT;
/** The flags `send`, `sendall` take. */
export const SEND_FLAGS = C.MSG_DONTWAIT | C.MSG_NOSIGNAL;
/** The address family of a Deno address. */
export function familyOf(addr: Deno.Addr): number {
  if (addr.transport === "unix" || addr.transport === "unixpacket") return C.AF_UNIX;
  return (addr as Deno.NetAddr).hostname.includes(":") ? C.AF_INET6 : C.AF_INET;
}

/**
 * A read with `MSG_PEEK` and/or `MSG_WAITALL` into `p`, through `buffer`:
 * a peek leaves the bytes buffered; `MSG_WAITALL` waits for `p.length`
 * bytes (or the end of the stream). The caller holds the read lock.
 *
 * @throws {TimeoutError|BlockingIOError} when `deadline` passes (nothing is consumed).
 */
export async function recvFlagged(
  buffer: ReadBuffer,
  p: Uint8Array,
  flags: number,
  deadline: Deadline,
  op: string,
): Promise<number> {
  const want = flags & C.MSG_WAITALL ? p.length : 1;
  if (flags & C.MSG_WAITALL && !(flags & C.MSG_PEEK) && deadline === null) {
    // Blocking MSG_WAITALL cannot give up: read what is buffered, then straight into p.
    let got = buffer.take(p);
    while (got < p.length) {
      if (!buffer.direct) {
        buffer.throwError();
        if (buffer.done) break;
        await buffer.more(null, op);
        got += buffer.take(p.subarray(got));
        continue;
      }
      const n = await buffer.readDirect(p.subarray(got));
      if (n === 0) break;
      got += n;
    }
    return got;
  }
  while (buffer.size < want && !buffer.ended) await buffer.more(deadline, op, want - buffer.size);
  if (!buffer.size) buffer.throwError();
  if (flags & C.MSG_PEEK) {
    const n = Math.min(p.length, buffer.size);
    p.set(buffer.view().subarray(0, n));
    return n;
  }
  return buffer.take(p);
}

/**
 * Connects to `target`, resolving a host name for `family`; with a
 * deadline, the attempt (name lookup included) is abandoned through
 * `Deno.connect`'s `signal` when it passes.
 *
 * @throws {TimeoutError} when the deadline passes; Deno's errors otherwise.
 */
export async function dial(target: Target, family: number, deadline: Deadline): Promise<Deno.Conn> {
  if (target.transport === "unix") return await Deno.connect(target);
  const timed = deadline !== null && deadline !== NONBLOCK;
  const controller = timed ? new AbortController() : null;
  const timer = controller ? setTimeout(() => controller.abort(), msLeft(deadline!)) : 0;
  try {
    const [hostname] = await resolveHost(target.hostname, family);
    return await Deno.connect({ hostname, port: target.port, signal: controller?.signal });
  } catch (e) {
    if (controller?.signal.aborted) throw expired(deadline!, "connect");
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
