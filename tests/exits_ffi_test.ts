// Copyright 2026 the pysocket authors. MIT license.
// The exit suite (tests/exits_test.ts) again, each program started with
// PYSOCKET_BACKEND=ffi, so that every socket in it is a descriptor on the
// FFI backend (DESIGN §20, §21): the shared epoll wait is pending only
// while a ref'd caller awaits readiness, so a finished program exits —
// including where Deno's own AF_UNIX datagram receive keeps one alive.

import { childEnv } from "./exits/_harness.ts";
import { ffiUnavailable } from "../_transport/ffi_load.ts";

if (ffiUnavailable() === null) {
  childEnv.PYSOCKET_BACKEND = "ffi";
  await import("./exits_test.ts");
}
