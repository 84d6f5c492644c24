// Copyright 2026 the pysocket authors. MIT license.
// UDP in the cross-runtime suite: Bun's node:dgram binds a moment after
// bind() returns, so a socket bound to port 0 knows its port only after an
// await (README, "Node and Bun").

import * as socket from "../../mod.ts";
import { RUNTIME } from "./_program.ts";

/** A turn of the event loop: Bun's UDP sockets have bound by then. */
export const bound = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Port 0 where the runtime binds UDP at once; in Bun, a port that was free
 * a moment ago, for what must know its port when bind() returns
 * (socketserver's server_bind()).
 */
export async function udpPort(): Promise<number> {
  if (RUNTIME !== "bun") return 0;
  const probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  probe.bind(["127.0.0.1", 0]);
  await bound();
  const port = (probe.getsockname() as [string, number])[1];
  probe.close();
  await bound();
  return port;
}
