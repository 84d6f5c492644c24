// Copyright 2026 the pysocket authors. MIT license.
// The ssl suites again with every SSLSocket on the runtime's node:tls, as a
// process has them without the ffi permission or with PYSOCKET_TLS=node:
// where libssl is the engine by default (Deno with the ffi permission), the
// suites run on it, and this file keeps node:tls covered too. Where a test
// pins what node:tls cannot do, it asserts the error that says so
// (`testing.tlsEngine`).

import { testing } from "../_common/testing.ts";
import { libsslSelected } from "../_transport/ffi_load.ts";

if (libsslSelected()) {
  testing.tlsEngine = "node";
  await import("./ssl_test.ts");
  await import("./ssl_basic_test.ts");
  await import("./ssl_threaded_test.ts");
}
