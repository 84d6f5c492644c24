// Copyright 2026 the pysocket authors. MIT license.
// The API fuzzer (tests/fuzz/api_fuzz.ts) in a process whose network is
// narrowed to loopback: every public function and method, called with
// arbitrary arguments, returns or raises Python's errors within a bound.

import assert from "node:assert/strict";
import { ROOT, runDeno } from "./_helpers.ts";

Deno.test("every public function and method answers arbitrary arguments with a result or Python's error, never a hang or an internal message", async () => {
  const out = await runDeno([
    "run",
    "--allow-net=127.0.0.1,[::1]",
    "--allow-read",
    "--allow-write",
    "--config",
    `${ROOT}deno.json`,
    `${ROOT}tests/fuzz/api_fuzz.ts`,
    "25",
  ]);
  assert.equal(out.code, 0, out.stderr);
  const { calls, raised } = JSON.parse(out.stdout.trim().split("\n").at(-1)!);
  assert.ok(calls > 2000, `${calls} calls`);
  // The fuzzer reaches every kind of failure: wrong types, wrong values, OS errors.
  for (const kind of ["TypeError", "RangeError", "OSError"]) assert.ok(raised[kind] > 0, kind);
});
