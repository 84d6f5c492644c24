// Copyright 2026 the pysocket authors. MIT license.
// The Python built-ins, `sys` and `signal` the ported examples lean on, written
// with node:process and node:fs (which Deno, Node >= 20 and Bun all have), so
// that an example runs unchanged on each. For Node, transpile it first:
// `deno bundle --platform deno -o echo_server.mjs examples/echo_server.ts`
// (Node 20 and 22 do not parse `using` declarations: lower them too, with
// `esbuild --target=es2022` say).
//
//   sys.argv[1:]   → args: the program's arguments after the script's name
//   sys.exit(code) → exit(code)
//   signal.signal(SIGINT, handler) → signal(SIGINT, handler); signal(SIGINT, SIG_DFL) undoes it
//   input(prompt)  → await input(prompt): writes the prompt, reads one line of stdin
//                    (Deno's prompt() reads only from a terminal, never from a pipe)
//   for line in sys.stdin → for await (const line of stdin)
//   sys.stdin.readline()  → await stdin.readline()
//   bytes.upper()  → upper(bytes): upper-cases the ASCII letters, leaves other bytes alone
//   print(b)       → console.log(repr(b)): prints bytes as b'...', as Python does

import { read } from "node:fs";
import process from "node:process";

/**
 * Python's `sys.argv[1:]`: the program's arguments after the script's name
 * (`sys.argv[1]` is `args[0]`), as `Deno.args` gives them on Deno and
 * `process.argv.slice(2)` on Node and Bun.
 */
export const args: string[] = process.argv.slice(2);

/**
 * Python's `sys.exit(code)`: ends the program with the exit status `code`.
 * Unlike Python's `SystemExit`, it ends it at once: no `finally` block or
 * `using` disposal runs.
 *
 * @param code The exit status (default 0).
 */
export function exit(code = 0): never {
  process.exit(code);
}

/** Python's `signal.SIGINT`: the signal Ctrl-C sends. */
export const SIGINT = 2;
/** Python's `signal.SIGTERM`: the signal `kill` sends by default. */
export const SIGTERM = 15;
/** Python's `signal.SIG_DFL`: the runtime's own action, which for SIGINT and SIGTERM ends the program. */
export const SIG_DFL = 0;
/** Python's `signal.SIG_IGN`: the signal is ignored. */
export const SIG_IGN = 1;

/** What {@linkcode signal} installs: a function called with the signal's number, `SIG_DFL` or `SIG_IGN`. */
export type SignalHandler = ((signum: number) => void) | typeof SIG_DFL | typeof SIG_IGN;

const SIGNAL_NAMES: Record<number, "SIGINT" | "SIGTERM"> = {
  [SIGINT]: "SIGINT",
  [SIGTERM]: "SIGTERM",
};
const installed = new Map<number, { handler: SignalHandler; listener: () => void }>();

/**
 * Python's `signal.signal(signalnum, handler)`: from now on `signalnum`
 * calls `handler(signalnum)` instead of ending the program (where Python would
 * raise `KeyboardInterrupt` for SIGINT); `SIG_DFL` gives the signal back its
 * default action, `SIG_IGN` ignores it. One handler per signal, as in Python:
 * installing one replaces the last. An installed handler does not keep the
 * program alive.
 *
 * @param signalnum {@linkcode SIGINT} or {@linkcode SIGTERM}.
 * @param handler The function to call, `SIG_DFL` or `SIG_IGN`.
 * @returns The handler installed before (`SIG_DFL` if none was).
 * @throws {RangeError} for another signal number (Python's `ValueError`).
 */
export function signal(signalnum: number, handler: SignalHandler): SignalHandler {
  const name = SIGNAL_NAMES[signalnum];
  if (name === undefined) {
    throw new RangeError(
      `Cannot set a signal handler: signal ${signalnum} is not SIGINT or SIGTERM`,
    );
  }
  const previous = installed.get(signalnum);
  if (previous) process.off(name, previous.listener);
  installed.delete(signalnum);
  if (handler !== SIG_DFL) {
    const listener = handler === SIG_IGN ? () => {} : () => handler(signalnum);
    process.on(name, listener);
    installed.set(signalnum, { handler, listener });
  }
  return previous?.handler ?? SIG_DFL;
}

/** Raised by {@linkcode input} at the end of stdin, as Python's `EOFError`. */
export class EOFError extends Error {
  override name = "EOFError";
}

const decoder = new TextDecoder();
const STDIN_FILENO = 0;
/** Bytes read from stdin but not yet returned in a line. */
let pending = new Uint8Array(0);
/** The last stdin read in progress: reads run one after another, each on the bytes the last left. */
let turn: Promise<unknown> = Promise.resolve();

/** Runs `fn` after every read in progress has finished. */
function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  const result = turn.then(fn);
  turn = result.catch(() => {});
  return result;
}

/**
 * Resolves the next bytes of stdin, or null at its end. It reads file
 * descriptor 0 itself, and only while a line is asked for, so that nothing
 * outlives the call: `process.stdin`, even paused, reads on ahead into its
 * buffer, and on Deno that read keeps the program alive until stdin ends
 * (an `unref()` lasts only until its next read). A stdin another program
 * left non-blocking (EAGAIN) is polled.
 */
async function readChunk(): Promise<Uint8Array | null> {
  const chunk = new Uint8Array(4096);
  for (;;) {
    try {
      const n = await new Promise<number>((resolve, reject) => {
        read(STDIN_FILENO, chunk, 0, chunk.length, null, (e, n) => (e ? reject(e) : resolve(n)));
      });
      return n === 0 ? null : chunk.subarray(0, n);
    } catch (e) {
      if ((e as { code?: string }).code !== "EAGAIN") throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The next line of stdin with its "\n" ("\r\n" reads as "\n"), the last line as it is, "" at the end. */
async function readLine(): Promise<string> {
  for (;;) {
    const nl = pending.indexOf(0x0a);
    if (nl >= 0) {
      const line = pending.subarray(0, nl > 0 && pending[nl - 1] === 0x0d ? nl - 1 : nl);
      pending = pending.slice(nl + 1);
      return decoder.decode(line) + "\n";
    }
    const chunk = await readChunk();
    if (chunk === null) {
      const line = decoder.decode(pending);
      pending = new Uint8Array(0);
      return line;
    }
    const grown = new Uint8Array(pending.length + chunk.length);
    grown.set(pending);
    grown.set(chunk, pending.length);
    pending = grown;
  }
}

/** Writes `text` to stdout and resolves once it is written. */
function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (e?: Error | null) => (e ? reject(e) : resolve()));
  });
}

/**
 * Python's `input(prompt)`: writes `prompt` to stdout (no newline), then
 * resolves the next line of stdin without its line ending.
 *
 * @throws {EOFError} when stdin ends before a line (a last line without a newline is returned).
 */
export function input(prompt = ""): Promise<string> {
  return inTurn(async () => {
    if (prompt) await write(prompt);
    const line = await readLine();
    if (line === "") throw new EOFError("EOF when reading a line");
    return line.endsWith("\n") ? line.slice(0, -1) : line;
  });
}

/**
 * Python's `sys.stdin` read as text, line by line: `for line in sys.stdin:`
 * ports as `for await (const line of stdin)`, `sys.stdin.readline()` as
 * `await stdin.readline()`. Each line keeps its "\n" ("\r\n" reads as "\n";
 * the last line may have none); `readline()` resolves "" at the end of stdin.
 * It reads on from where {@linkcode input} stopped, and the other way round.
 */
export const stdin: {
  readline(): Promise<string>;
  [Symbol.asyncIterator](): AsyncIterator<string>;
} = {
  readline: () => inTurn(readLine),
  async *[Symbol.asyncIterator]() {
    for (let line = await stdin.readline(); line !== ""; line = await stdin.readline()) {
      yield line;
    }
  },
};

/** Python's `bytes.upper()`: a copy with `a`–`z` made `A`–`Z`; every other byte unchanged. */
export function upper(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return data.map((b) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b));
}

/**
 * Python's `repr()` of a `bytes` object, so that `print(data)` ports as
 * `console.log(repr(data))` and prints `b'Hello Client'` as Python does.
 */
export function repr(data: Uint8Array): string {
  const hasSingle = data.includes(0x27);
  const quote = hasSingle && !data.includes(0x22) ? '"' : "'";
  let out = "b" + quote;
  for (const b of data) {
    if (b === 0x5c) out += "\\\\";
    else if (b === 0x09) out += "\\t";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x27 && quote === "'") out += "\\'";
    else if (b < 0x20 || b >= 0x7f) out += "\\x" + b.toString(16).padStart(2, "0");
    else out += String.fromCharCode(b);
  }
  return out + quote;
}
