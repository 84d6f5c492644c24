// Copyright 2026 the pysocket authors. MIT license.
// bench/startup: the entry point ssl.ts imported alone (evaluated, nothing used).
import "../../ssl.ts";
