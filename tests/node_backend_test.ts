// Copyright 2026 the pysocket authors. MIT license.
// The stream and datagram suites again, with every connecting socket on the
// node backend (node:net) instead of Deno.connect and every UDP socket on
// node:dgram instead of Deno.listenDatagram: Python's semantics must not
// depend on the backend. Listeners are Deno's on both runs
// (_transport/node.ts says why), so each connection here has a node:net end
// and a Deno end.

import { testing } from "../_common/testing.ts";
import { BACKEND_SUITES } from "./_backend_suites.ts";

testing.backend = "node";

for (const suite of BACKEND_SUITES) await import(suite);
await import("./options_test.ts");
