// Copyright 2026 the pysocket authors. MIT license.
// What ssl reads and writes of the machine besides certificates: the
// environment variables OpenSSL and CPython honour (SSLKEYLOGFILE,
// SSL_CERT_FILE, SSL_CERT_DIR) and the key log file — through Deno's own
// API in Deno, node's elsewhere. An environment Deno does not let the
// program read is an empty one.

import { OSError } from "../errors.ts";
import { fromRuntimeError, isNotCapable } from "../_common/runtime_errors.ts";
import { nodeBuiltin } from "../_common/node_builtins.ts";

const deno = (globalThis as { Deno?: typeof Deno }).Deno;

/** The environment variable `name`, or `undefined` (also where reading it is not allowed). */
export function envVar(name: string): string | undefined {
  try {
    if (deno) return deno.env.get(name);
    return (globalThis as { process?: { env: Record<string, string | undefined> } }).process
      ?.env[name];
  } catch (e) {
    if (isNotCapable(e)) return undefined;
    throw e;
  }
}

/** Whether `path` is a directory (false for what does not exist). */
export function isDirectory(path: string): boolean {
  try {
    return deno
      ? deno.statSync(path).isDirectory
      : nodeBuiltin("node:fs").statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `path` is a file (false for what does not exist). */
export function isFile(path: string): boolean {
  try {
    return deno ? deno.statSync(path).isFile : nodeBuiltin("node:fs").statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Appends `text` to the file at `path`, making it if missing.
 *
 * @throws {OSError} as Python's `open(path, "a")` (IsADirectoryError, PermissionError…).
 */
export function appendText(path: string, text: string): void {
  // Python's IsADirectoryError: errno 21, EISDIR.
  if (isDirectory(path)) throw new OSError(21, "Is a directory", { detail: `'${path}'` });
  try {
    if (deno) deno.writeTextFileSync(path, text, { append: true });
    else nodeBuiltin("node:fs").appendFileSync(path, text);
  } catch (e) {
    throw fromRuntimeError(e, `Cannot open ${path}`);
  }
}

/** The size of the file at `path` in bytes (0 when it does not exist). */
export function fileSize(path: string): number {
  try {
    return deno ? deno.statSync(path).size : nodeBuiltin("node:fs").statSync(path).size;
  } catch {
    return 0;
  }
}
