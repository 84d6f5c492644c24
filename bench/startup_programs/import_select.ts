// Copyright 2026 the pysocket authors. MIT license.
// bench/startup: the entry point select.ts imported alone (evaluated, nothing used).
import "../../select.ts";
