// Copyright 2026 the pysocket authors. MIT license.
// The stream and datagram suites again, with every connecting socket on the
// node backend (node:net) instead of Deno.connect and every UDP socket on
// node:dgram instead of Deno.listenDatagram: Python's semantics must not
// depend on the backend. Listeners are Deno's on both runs
// (_transport/node.ts says why), so each connection here has a node:net end
// and a Deno end.

import { testing } from "../_common/testing.ts";

testing.backend = "node";

await import("./tcp_test.ts");
await import("./timeout_test.ts");
await import("./makefile_test.ts");
await import("./file_objects_test.ts");
await import("./create_connection_test.ts");
await import("./engines_test.ts");
await import("./streams_test.ts");
await import("./faults_test.ts");
await import("./select_test.ts");
await import("./selectors_test.ts");
await import("./socketserver_test.ts");
await import("./sendfile_test.ts");
await import("./noloss_property_test.ts");
await import("./udp_test.ts");
await import("./options_test.ts");
