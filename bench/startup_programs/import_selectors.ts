// Copyright 2026 the pysocket authors. MIT license.
// bench/startup: the entry point selectors.ts imported alone (evaluated, nothing used).
import "../../selectors.ts";
