// Copyright 2026 the pysocket authors. MIT license.
// bench/startup's floor: a program that does nothing (Deno's own start-up).
export {};
