// Copyright 2026 the pysocket authors. MIT license.
// Connecting a stream socket: resolve the host for the socket's family,
// then connect through the backend, abandoning the attempt (name lookup
// included) when the deadline passes. A non-blocking connect has none: it
// goes on in the background.

import type { Target } from "../address.ts";
import { type Deadline, expired, NONBLOCK, whenExpired } from "../_common/deadline.ts";
import { resolveHost } from "../_common/resolve.ts";
import type { Backend, LocalAddr, PacketTransport, StreamTransport } from "../_transport/types.ts";

/**
 * Connects to `target`, resolving a host name for `family`. `abort` (the
 * socket's: `close()` aborts it) abandons the attempt, and so does the
 * deadline when it passes. `local`: the bound address to connect from;
 * `fresh`: the socket's descriptor, made before it connects (it is the
 * connection's now, or closed if the attempt fails).
 *
 * @throws {TimeoutError} when the deadline passes; the backend's errors otherwise
 *   (an `AbortError` when `abort` was aborted).
 */
export async function dial(
  backend: Backend,
  target: Target,
  family: number,
  deadline: Deadline,
  abort: AbortController,
  local?: LocalAddr,
  fresh?: PacketTransport,
): Promise<StreamTransport> {
  let timedOut = false;
  const cancel = whenExpired(deadline === NONBLOCK ? null : deadline, () => {
    timedOut = true;
    abort.abort();
  });
  try {
    if (target.transport === "unix") {
      return await backend.connect(target, abort.signal, local, fresh);
    }
    const [hostname] = await resolveHost(target.hostname, family);
    abort.signal.throwIfAborted();
    const to: Target = { transport: "tcp", hostname, port: target.port };
    return await backend.connect(to, abort.signal, local, fresh);
  } catch (e) {
    fresh?.close(); // failed before the backend took it, or closed by it already
    if (timedOut) throw expired(deadline!, "connect");
    throw e;
  } finally {
    cancel();
  }
}
