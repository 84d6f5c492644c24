// Copyright 2026 the pysocket authors. MIT license.
// bench/startup: the entry point socketserver.ts imported alone (evaluated, nothing used).
import "../../socketserver.ts";
