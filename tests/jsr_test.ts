// Copyright 2026 the pysocket authors. MIT license.
// The package as JSR serves it: ../shared/tools/jsr_local.py runs
// `deno publish --dry-run`, serves the files it lists from a local
// JSR-protocol registry, and runs and type-checks tests/fixtures/jsr_consumer.ts,
// which imports "jsr:@pysocket/socket" and does a TCP and a UDP round trip.
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname;
const TOOL = new URL("../../shared/tools/jsr_local.py", import.meta.url).pathname;
const hasTool = (() => {
  try {
    return Deno.statSync(TOOL).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "jsr:@pysocket/socket from a local JSR registry does a TCP and a UDP round trip",
  ignore: !hasTool, // only where ../shared/tools/jsr_local.py is missing
  async fn() {
    // The tool bounds each of its steps; this bounds the whole run as well.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 300_000);
    try {
      const { code, stdout, stderr } = await new Deno.Command("python3", {
        args: [TOOL, "tests/fixtures/jsr_consumer.ts"],
        cwd: ROOT,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
        signal: abort.signal,
      }).output();
      const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
      assert.equal(code, 0, out);
      assert.match(out, /^tcp PING$/m);
      assert.match(out, /^udp PING$/m);
    } finally {
      clearTimeout(timer);
    }
  },
});
