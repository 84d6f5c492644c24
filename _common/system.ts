// Copyright 2026 the pysocket authors. MIT license.
// The few facts of the machine the package reads besides the network — text
// files (/etc/hosts, certificates), a directory's files, the host name, the
// platform, a temporary directory — through node:fs and node:os, which
// Deno, Node and Bun all have. In Deno they pass its permission errors
// (NotCapable) through untouched, as Deno's own calls do.

import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";

/** Whether `e` says that the file or directory does not exist (`ENOENT`). */
export function isNotFound(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === "ENOENT";
}

/** The text of the file at `path` (UTF-8). Throws the runtime's error. */
export function readTextFile(path: string): string {
  return fs.readFileSync(path, "utf8");
}

/** The names of the regular files in the directory `path`, sorted. Throws the runtime's error. */
export function filesIn(path: string): string[] {
  return fs.readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

/** The names of every entry in the directory `path` (any kind). Throws the runtime's error. */
export function entriesIn(path: string): string[] {
  return fs.readdirSync(path);
}

/** The machine's host name. */
export function hostname(): string {
  return os.hostname();
}

/** The operating system: `"linux"`, `"darwin"`, `"win32"`… (Node's names). */
export function platform(): string {
  return os.platform();
}

/** Makes a fresh directory under the system's temporary directory; its path. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(join(os.tmpdir(), prefix));
}

/** Removes the directory `path` and what it holds. */
export function removeDir(path: string): void {
  fs.rmSync(path, { recursive: true, force: true });
}
