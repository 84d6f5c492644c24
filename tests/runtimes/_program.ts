// Copyright 2026 the pysocket authors. MIT license.
// Programs as subprocesses for the cross-runtime suite, through
// node:child_process (Deno, Node and Bun all have it): CPython (the
// reference peer, `python3 -c`), openssl, and our examples run on the
// runtime running the suite — `deno run -A examples/<name>.ts` in Deno, the
// example's JavaScript build (`$PYSOCKET_EXAMPLES/<name>.js`, made by
// tests/runtimes_test.ts) in Node and Bun. Every child is reaped, with a
// kill timer so that no test can hang.

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { PY } from "../_seed_originals.ts";

/** The runtime running the suite. */
export const RUNTIME: "deno" | "node" | "bun" = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

/**
 * Whether every socket is a descriptor on the FFI backend: the suite run in
 * a process started with `PYSOCKET_BACKEND=ffi` (tests/runtimes_test.ts
 * does so on Bun).
 */
export const FFI_EVERYWHERE: boolean = process.env.PYSOCKET_BACKEND === "ffi";

/** The repository root (given by the runner when the suite runs from a build elsewhere). */
export const ROOT: string = process.env.PYSOCKET_ROOT ??
  fileURLToPath(new URL("../..", import.meta.url));

/** A child still running after this long is killed: a test then fails, never hangs. */
const KILL_AFTER_MS = 30_000;

/** The command that runs `examples/<name>.ts` on this runtime. */
function exampleCommand(name: string): [string, string[]] {
  if (RUNTIME === "deno") return [process.execPath, ["run", "-A", `examples/${name}.ts`]];
  const built = process.env.PYSOCKET_EXAMPLES;
  assert.ok(
    built,
    "PYSOCKET_EXAMPLES names the examples' JavaScript build (tests/runtimes_test.ts)",
  );
  return [process.execPath, [join(built, `${name}.js`)]];
}

/** A child's stdout, read up to a given text at a time. */
class Output {
  #buf = "";
  #ended = false;
  #wake: (() => void) | null = null;

  constructor(child: ChildProcess) {
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (s: string) => {
      this.#buf += s;
      this.#wakeUp();
    });
    child.stdout!.on("close", () => {
      this.#ended = true;
      this.#wakeUp();
    });
  }

  #wakeUp(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  /** Everything up to and including the next `text` (prompts have no newline). */
  async until(text: string): Promise<string> {
    for (;;) {
      const i = this.#buf.indexOf(text);
      if (i >= 0) {
        const got = this.#buf.slice(0, i + text.length);
        this.#buf = this.#buf.slice(i + text.length);
        return got;
      }
      if (this.#ended) throw new Error(`output ended before ${JSON.stringify(text)}: ${this.#buf}`);
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }

  /** The next line, without its newline. */
  async line(): Promise<string> {
    return (await this.until("\n")).slice(0, -1);
  }

  /** Everything left, up to end of stream. */
  async rest(): Promise<string> {
    while (!this.#ended) await new Promise<void>((resolve) => this.#wake = resolve);
    const rest = this.#buf;
    this.#buf = "";
    return rest;
  }
}

/** Who a program is: one of ours (an example, on this runtime), CPython, or any command. */
export type Kind = "ours" | "python";

/** A running program; `await using` kills and reaps it if the test did not see it finish. */
export class Program implements AsyncDisposable {
  readonly out: Output;
  readonly label: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #stderr = "";
  #killer: ReturnType<typeof setTimeout>;
  #finished = false;

  /** Starts `cmd args…` from the repository root. */
  constructor(cmd: string, args: string[], label = cmd) {
    this.label = label;
    const child = this.#child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONUTF8: "1", NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.out = new Output(child);
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (s: string) => this.#stderr += s);
    child.stdin!.on("error", () => {}); // a child that exits without reading its input
    this.#exited = new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve(code));
    });
    this.#killer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
  }

  /** Starts `examples/<name>.ts` on this runtime, or the CPython original (tests/_seed_originals.ts). */
  static of(kind: Kind, name: string, args: string[]): Program {
    if (kind === "python") {
      return new Program("python3", ["-c", PY[name], ...args], `CPython ${name}`);
    }
    const [cmd, cmdArgs] = exampleCommand(name);
    return new Program(cmd, [...cmdArgs, ...args], `examples/${name}.ts on ${RUNTIME}`);
  }

  /** Starts CPython running `code` with `args`. */
  static python(code: string, args: string[] = []): Program {
    return new Program("python3", ["-c", code, ...args], "CPython");
  }

  /** Types `text` on the program's stdin. */
  write(text: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#child.stdin!.write(text, (e) => e ? reject(e) : resolve())
    );
  }

  /** Ends the program's stdin (Ctrl-D). */
  closeStdin(): void {
    this.#child.stdin!.end();
  }

  /** Waits for the program to exit; its exit code (null when killed by a signal) and the rest of its output. */
  async exit(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    this.closeStdin();
    const stdout = await this.out.rest();
    const code = await this.#exited;
    this.#finished = true;
    clearTimeout(this.#killer);
    return { code, stdout, stderr: this.#stderr };
  }

  /** Waits for a clean exit (code 0); resolves the rest of the program's stdout. */
  async done(): Promise<string> {
    const { code, stdout, stderr } = await this.exit();
    assert.equal(
      code,
      0,
      `${this.label} exited with ${code}\nstdout: ${stdout}\nstderr: ${stderr}`,
    );
    return stdout;
  }

  /** After a failed test: kill the program and release everything. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#killer);
    this.#child.kill("SIGKILL");
    this.closeStdin();
    await this.#exited.catch(() => {});
  }
}

/** Reads a server's first line, `listening on <ip>:<port>`, and returns the port. */
export async function listeningPort(server: Program, ip = "127.0.0.1"): Promise<string> {
  const first = await server.out.line();
  const m = /^listening on (.+):(\d+)$/.exec(first);
  assert.ok(m, `${server.label} prints its address first, got ${JSON.stringify(first)}`);
  assert.equal(m[1], ip);
  assert.notEqual(m[2], "0");
  return m[2];
}

/** Something {@linkcode scope} releases at its end. */
type Resource = Disposable | AsyncDisposable;

/** What {@linkcode scope} hands its body: enters a resource to release at the end. */
export type Enter = <R extends Resource>(resource: R) => R;

/**
 * Runs `body`, then releases what it entered, last first, whatever happened
 * (Python's `contextlib.ExitStack`): `using` without the syntax, which
 * Node 20 lacks.
 */
export async function scope<T>(
  body: (enter: Enter) => Promise<T>,
): Promise<T> {
  const entered: Resource[] = [];
  try {
    return await body((resource) => {
      entered.push(resource);
      return resource;
    });
  } finally {
    for (const r of entered.reverse()) {
      if (Symbol.asyncDispose in r) await r[Symbol.asyncDispose]();
      else (r as Disposable)[Symbol.dispose]();
    }
  }
}

/** A fresh temporary directory; `await using` removes it. */
export function tempDir(): AsyncDisposable & { path: string } {
  const path = mkdtempSync(join(tmpdir(), "pysocket-rt-"));
  return {
    path,
    [Symbol.asyncDispose]: () => Promise.resolve(rmSync(path, { recursive: true, force: true })),
  };
}

/**
 * A self-signed certificate for localhost and 127.0.0.1 and its key, made
 * with openssl in `dir` (`cert.pem`, `key.pem`); their paths.
 */
export async function selfSigned(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, "cert.pem"), key = join(dir, "key.pem");
  const made = await run("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-days", "2", "-subj", "/CN=localhost"],
    ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
  ]);
  assert.equal(made.code, 0, made.stderr);
  return { cert, key };
}

/** Runs a command to completion; its exit code and output. */
export async function run(
  cmd: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return await new Program(cmd, args).exit();
}
