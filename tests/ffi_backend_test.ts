// Copyright 2026 the pysocket authors. MIT license.
// The socket suites again with every socket on the FFI backend (real
// descriptors through the C library, DESIGN §20), as a process started with
// PYSOCKET_BACKEND=ffi has them: Python's semantics must not depend on the
// backend. Needs the ffi permission (`deno test -A` grants it); on a
// machine where the backend cannot run, the suites are not registered.
// options_test.ts is not rerun: it pins what the package does about Deno's
// and node's limits, where a descriptor takes options as the kernel does —
// tests/ffi_test.ts checks those against CPython's.

import { testing } from "../_common/testing.ts";
import { ffiUnavailable } from "../_transport/ffi_load.ts";
import { BACKEND_SUITES } from "./_backend_suites.ts";

if (ffiUnavailable() === null) {
  testing.backend = "ffi";
  for (const suite of BACKEND_SUITES) await import(suite);
  await import("./accept_timeout_test.ts");
  await import("./socketpair_test.ts");
  // ssl over descriptors: the TLS engine runs over any plain transport.
  await import("./ssl_test.ts");
  await import("./ssl_basic_test.ts");
  await import("./ssl_threaded_test.ts");
}
