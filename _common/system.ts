// Copyright 2026 the pysocket authors. MIT license.
// The few facts of the machine the package reads besides the network — text
// files (/etc/hosts, certificates), a directory's files, the host name, the
// platform, a temporary directory — through Deno's own API in Deno, and
// node:fs and node:os (loaded on first use) on Node and Bun. Deno's
// permission errors (NotCapable) pass through untouched.

import { nodeBuiltin } from "./node_builtins.ts";

/** Deno's API, when the runtime is Deno (detected through `globalThis.Deno` first). */
const deno = (globalThis as { Deno?: typeof Deno }).Deno;

/** Whether `e` says that the file or directory does not exist (`ENOENT`). */
export function isNotFound(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === "ENOENT";
}

/** The text of the file at `path` (UTF-8). Throws the runtime's error. */
export function readTextFile(path: string): string {
  return deno ? deno.readTextFileSync(path) : nodeBuiltin("node:fs").readFileSync(path, "utf8");
}

/**
 * The names of the regular files in the directory `path`, and of the links
 * in it (which may name one: a certificate directory is links to files),
 * sorted. Throws the runtime's error.
 */
export function filesIn(path: string): string[] {
  const names = deno
    ? Array.from(deno.readDirSync(path))
      .filter((entry) => entry.isFile || entry.isSymlink)
      .map((entry) => entry.name)
    : nodeBuiltin("node:fs").readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isFile() || entry.isSymbolicLink())
      .map((entry) => entry.name);
  return names.sort();
}

/** The names of every entry in the directory `path` (any kind). Throws the runtime's error. */
export function entriesIn(path: string): string[] {
  return deno
    ? Array.from(deno.readDirSync(path), (entry) => entry.name)
    : nodeBuiltin("node:fs").readdirSync(path);
}

/** The machine's host name. */
export function hostname(): string {
  return deno ? deno.hostname() : nodeBuiltin("node:os").hostname();
}

/** The operating system: `"linux"`, `"darwin"`, `"win32"`… (Node's names). */
export function platform(): string {
  if (!deno) return nodeBuiltin("node:os").platform();
  return deno.build.os === "windows" ? "win32" : deno.build.os;
}

/** Makes a fresh directory under the system's temporary directory; its path. */
export function makeTempDir(prefix: string): string {
  if (deno) return deno.makeTempDirSync({ prefix });
  const { join } = nodeBuiltin("node:path");
  return nodeBuiltin("node:fs").mkdtempSync(join(nodeBuiltin("node:os").tmpdir(), prefix));
}

/** Removes the directory `path` and what it holds (nothing if it is gone). */
export function removeDir(path: string): void {
  if (!deno) return nodeBuiltin("node:fs").rmSync(path, { recursive: true, force: true });
  try {
    deno.removeSync(path, { recursive: true });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
