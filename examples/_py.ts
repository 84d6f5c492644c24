// Copyright 2026 the pysocket authors. MIT license.
// The Python built-ins the ported examples lean on that Deno lacks:
//
//   input(prompt)  → await input(prompt): writes the prompt, reads one line of stdin
//                    (Deno's prompt() reads only from a terminal, never from a pipe)
//   bytes.upper()  → upper(bytes): upper-cases the ASCII letters, leaves other bytes alone
//   print(b)       → console.log(repr(b)): prints bytes as b'...', as Python does

/** Raised by {@linkcode input} at the end of stdin, as Python's `EOFError`. */
export class EOFError extends Error {
  override name = "EOFError";
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let pending = new Uint8Array(0);

/**
 * Python's `input(prompt)`: writes `prompt` to stdout (no newline), then
 * resolves the next line of stdin without its line ending.
 *
 * @throws {EOFError} when stdin ends before a line (a last line without a newline is returned).
 */
export async function input(prompt = ""): Promise<string> {
  if (prompt) await writeAll(encoder.encode(prompt));
  for (;;) {
    const nl = pending.indexOf(0x0a);
    if (nl >= 0) {
      const line = pending.subarray(0, nl);
      pending = pending.slice(nl + 1);
      return decoder.decode(line).replace(/\r$/, "");
    }
    const chunk = new Uint8Array(4096);
    const n = await Deno.stdin.read(chunk);
    if (n === null) {
      if (pending.length === 0) throw new EOFError("EOF when reading a line");
      const line = decoder.decode(pending);
      pending = new Uint8Array(0);
      return line;
    }
    const grown = new Uint8Array(pending.length + n);
    grown.set(pending);
    grown.set(chunk.subarray(0, n), pending.length);
    pending = grown;
  }
}

async function writeAll(bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await Deno.stdout.write(bytes.subarray(off));
}

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
