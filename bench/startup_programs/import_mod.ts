// Copyright 2026 the pysocket authors. MIT license.
// bench/startup: the entry point mod.ts imported alone (evaluated, nothing used).
import "../../mod.ts";
