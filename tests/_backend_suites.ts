// Copyright 2026 the pysocket authors. MIT license.
// The suites that run again over another backend (tests/node_backend_test.ts,
// tests/ffi_backend_test.ts): Python's semantics must not depend on it.

/** The modules of those suites, relative to tests/. */
export const BACKEND_SUITES: readonly string[] = [
  "./tcp_test.ts",
  "./timeout_test.ts",
  "./makefile_test.ts",
  "./file_objects_test.ts",
  "./create_connection_test.ts",
  "./engines_test.ts",
  "./streams_test.ts",
  "./faults_test.ts",
  "./select_test.ts",
  "./selectors_test.ts",
  "./socketserver_test.ts",
  "./sendfile_test.ts",
  "./noloss_property_test.ts",
  "./udp_test.ts",
];
