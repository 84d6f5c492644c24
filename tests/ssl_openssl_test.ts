// Copyright 2026 the pysocket authors. MIT license.
// The ssl suites again with every SSLSocket on OpenSSL's libssl (the engine
// PYSOCKET_TLS=openssl selects, _transport/openssl_stream.ts), as a
// process started with it has them. Where a test pins what the runtime's
// node:tls cannot do, it asserts Python's behaviour under this engine
// (`testing.tlsEngine`). Needs the ffi permission (`deno test -A` grants
// it); where libssl cannot be loaded, the suites are not registered.

import { testing } from "../_common/testing.ts";
import { ffiRefusal } from "../_transport/_ffi/native.ts";

if (ffiRefusal("TLS over memory buffers (OpenSSL's libssl)") === null) {
  testing.tlsEngine = "openssl";
  await import("./ssl_test.ts");
  await import("./ssl_basic_test.ts");
  await import("./ssl_threaded_test.ts");
  await import("./_libssl_suite.ts");
}
