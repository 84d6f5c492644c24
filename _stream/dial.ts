// Copyright 2026 the pysocket authors. MIT license.
// Connecting a stream socket: resolve the host for the socket's family,
// then connect through the backend, abandoning the attempt (name lookup
// included) when the deadline passes.

import type { Target } from "../address.ts";
import { type Deadline, expired, msLeft, NONBLOCK } from "../_common/deadline.ts";
import { resolveHost } from "../_common/resolve.ts";
import type { Backend, StreamTransport } from "../_transport/types.ts";

/**
 * Connects to `target`, resolving a host name for `family`; with a
 * deadline, the attempt is abandoned through the backend's `signal`.
 *
 * @throws {TimeoutError} when the deadline passes; the backend's errors otherwise.
 */
export async function dial(
  backend: Backend,
  target: Target,
  family: number,
  deadline: Deadline,
): Promise<StreamTransport> {
  if (target.transport === "unix") return await backend.connect(target);
  const timed = deadline !== null && deadline !== NONBLOCK;
  const controller = timed ? new AbortController() : null;
  const timer = controller ? setTimeout(() => controller.abort(), msLeft(deadline!)) : 0;
  try {
    const [hostname] = await resolveHost(target.hostname, family);
    return await backend.connect(
      { transport: "tcp", hostname, port: target.port },
      controller?.signal,
    );
  } catch (e) {
    if (controller?.signal.aborted) throw expired(deadline!, "connect");
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
