// Copyright 2026 the pysocket authors. MIT license.
// bench/startup: raw Deno importing every node: built-in the package imported
// when this bench was written (2026: mod.ts's whole graph), nothing else.
import "node:buffer";
import "node:crypto";
import "node:dgram";
import "node:dns";
import "node:dns/promises";
import "node:fs";
import "node:net";
import "node:os";
import "node:path";
import "node:process";
import "node:stream";
import "node:tls";
