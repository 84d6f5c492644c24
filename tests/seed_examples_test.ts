// Copyright 2026 the pysocket authors. MIT license.
// Runs each ported seed program in examples/ as a subprocess against the
// original program's logic in CPython (tests/_seed_originals.ts), both ways
// round: our server with the Python client, and the Python server with our client.
import assert from "node:assert/strict";
import { repr } from "../examples/_py.ts";
import { PY } from "./_seed_originals.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const HOST = "127.0.0.1";
/** A child still running after this long is killed, so that no test hangs. */
const KILL_AFTER_MS = 30_000;

/** A child's stdout, read up to a given text at a time. */
class Output {
  #reader: ReadableStreamDefaultReader<string>;
  #buf = "";
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
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
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`output ended before ${JSON.stringify(text)}: ${this.#buf}`);
      this.#buf += value;
    }
  }
  /** The next line, without its newline. */
  async line(): Promise<string> {
    return (await this.until("\n")).slice(0, -1);
  }
  /** Everything left, up to end of stream. */
  async rest(): Promise<string> {
    for (;;) {
      const { value, done } = await this.#reader.read();
      if (done) return this.#buf;
      this.#buf += value;
    }
  }
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

type Kind = "deno" | "python";

/** A running program: ours (`examples/<name>.ts`) or the CPython original. */
class Program implements AsyncDisposable {
  readonly out: Output;
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #stdinOpen = true;
  #stderr: Promise<string>;
  #killer: ReturnType<typeof setTimeout>;
  #finished = false;

  constructor(readonly kind: Kind, readonly name: string, args: string[]) {
    const [cmd, cmdArgs] = kind === "deno"
      ? [Deno.execPath(), ["run", "-A", `examples/${name}.ts`, ...args]]
      : ["python3", ["-c", PY[name], ...args]];
    this.#child = new Deno.Command(cmd, {
      args: cmdArgs,
      cwd: ROOT,
      env: { PYTHONUNBUFFERED: "1", PYTHONUTF8: "1", NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.out = new Output(this.#child.stdout);
    this.#stdin = this.#child.stdin.getWriter();
    this.#stderr = new Response(this.#child.stderr).text();
    this.#killer = setTimeout(() => this.#kill(), KILL_AFTER_MS);
  }

  get label(): string {
    return this.kind === "deno" ? `examples/${this.name}.ts` : `CPython ${this.name}`;
  }

  /** Types `text` on the program's stdin. */
  async write(text: string): Promise<void> {
    await this.#stdin.write(new TextEncoder().encode(text));
  }

  /** Ends the program's stdin (Ctrl-D). */
  async closeStdin(): Promise<void> {
    if (!this.#stdinOpen) return;
    this.#stdinOpen = false;
    await this.#stdin.close().catch(() => {});
  }

  /** Waits for a clean exit; resolves the rest of the program's stdout. */
  async done(): Promise<string> {
    await this.closeStdin();
    const out = await this.out.rest();
    const { code } = await this.#child.status;
    const err = await this.#stderr;
    this.#finished = true;
    clearTimeout(this.#killer);
    assert.equal(code, 0, `${this.label} exited with ${code}\nstdout: ${out}\nstderr: ${err}`);
    return out;
  }

  #kill(): void {
    try {
      this.#child.kill();
    } catch { /* already gone */ }
  }

  /** After a failed test: kill the program and release everything. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#killer);
    this.#kill();
    await this.closeStdin();
    await this.out.cancel();
    await this.#child.status;
    await this.#stderr;
  }
}

/** Reads a server's first line, `listening on <ip>:<port>`, and returns the port. */
async function listeningPort(server: Program, ip = HOST): Promise<string> {
  const first = await server.out.line();
  const m = /^listening on (.+):(\d+)$/.exec(first);
  assert.ok(m, `${server.label} prints its address first, got ${JSON.stringify(first)}`);
  assert.equal(m[1], ip);
  assert.notEqual(m[2], "0");
  return m[2];
}

const encode = (s: string) => new TextEncoder().encode(s);
/** What Python's bytes.upper() does to UTF-8 text: ASCII letters only. */
const asciiUpper = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());

/** Runs `scenario` with our server and the CPython client, then the other way round. */
function bothWays(
  pair: string,
  scenario: (server: Kind, client: Kind) => Promise<void>,
): void {
  Deno.test(`examples/${pair}_server.ts serves the CPython ${pair} client`, () =>
    scenario("deno", "python"));
  Deno.test(`examples/${pair}_client.ts talks to the CPython ${pair} server`, () =>
    scenario("python", "deno"));
}

bothWays("push", async (serverKind, clientKind) => {
  await using server = new Program(serverKind, "push_server", [HOST, "0"]);
  const port = await listeningPort(server);
  await using client = new Program(clientKind, "push_client", [HOST, port]);
  assert.match(await server.out.line(), /^Linked @ Addr .*127\.0\.0\.1/);
  for (const data of ["hello world", "who are you", "can u speak chinese? 你好", "exit"]) {
    await server.out.until("input data:");
    await server.write(data + "\n");
    // One line at a time, so that TCP never joins two messages in one recv().
    assert.equal(await client.out.line(), `receive data: ${data}`);
  }
  assert.equal(await client.done(), "");
  assert.equal(await server.done(), "");
});

Deno.test("examples/push_server.ts hangs up at the end of its input; the client stops", async () => {
  await using server = new Program("deno", "push_server", [HOST, "0"]);
  const port = await listeningPort(server);
  await using client = new Program("deno", "push_client", [HOST, port]);
  assert.match(await server.out.line(), /^Linked @ Addr /);
  await server.out.until("input data:");
  await server.write("only line\n");
  assert.equal(await client.out.line(), "receive data: only line");
  await server.closeStdin();
  assert.equal(await server.done(), "input data:");
  assert.equal(await client.done(), "");
});

bothWays("reuse", async (serverKind, clientKind) => {
  // Twice on the same port: SO_REUSEADDR lets the second server bind at once.
  let port = "0";
  for (const messages of [["hello", "", "你好 world", "1"], ["1"]]) {
    await using server = new Program(serverKind, "reuse_server", [HOST, port, "1"]);
    port = await listeningPort(server);
    await using client = new Program(clientKind, "reuse_client", [HOST, port]);
    for (const msg of messages) {
      await client.out.until("please input");
      await client.write(msg + "\n");
      // An empty line is not sent; each message is awaited before the next goes out.
      if (msg) assert.equal(await server.out.line(), `server received message ${msg}`);
    }
    assert.equal(await client.done(), "");
    assert.equal(await server.done(), "");
  }
});

Deno.test("examples/reuse_server.ts takes the next client after one goes away", async () => {
  await using server = new Program("deno", "reuse_server", [HOST, "0", "2"]);
  const port = await listeningPort(server);
  {
    // The first client leaves at the end of its input, without sending "1".
    await using client = new Program("deno", "reuse_client", [HOST, port]);
    await client.out.until("please input");
    await client.write("bye\n");
    assert.equal(await server.out.line(), "server received message bye");
    assert.equal(await client.done(), "please input");
  }
  // The server sees end of stream (printed as an empty message) and accepts again.
  assert.equal(await server.out.line(), "server received message ");
  await using client = new Program("python", "reuse_client", [HOST, port]);
  await client.out.until("please input");
  await client.write("1\n");
  assert.equal(await server.out.line(), "server received message 1");
  assert.equal(await client.done(), "");
  assert.equal(await server.done(), "");
});

bothWays("telephone", async (serverKind, clientKind) => {
  await using server = new Program(serverKind, "telephone_server", [HOST, "0"]);
  const port = await listeningPort(server);
  await using client = new Program(clientKind, "telephone_client", [HOST, port]);
  assert.equal(await client.done(), "DREAM IS HANDSOME\n");
  const [call, msg, ...rest] = (await server.done()).split("\n");
  assert.equal(call, `got a call from ${HOST}`);
  // Python prints `b'dream is handsome' <class 'bytes'>`; ours names Uint8Array.
  assert.match(msg, /^b'dream is handsome' (<class 'bytes'>|Uint8Array)$/);
  assert.deepEqual(rest, [""]);
});

bothWays("telephone_loop", async (serverKind, clientKind) => {
  await using server = new Program(serverKind, "telephone_loop_server", [HOST, "0", "1"]);
  const port = await listeningPort(server);
  await using client = new Program(clientKind, "telephone_loop_client", [HOST, port]);
  assert.equal(await server.out.line(), `got a call from ${HOST}`);
  for (const line of ["hello", "  spaced out  ", "", "   ", "你好 abc", "x".repeat(1000)]) {
    await client.out.until(">>: ");
    await client.write(line + "\n");
    const msg = line.trim();
    if (msg.length === 0) continue; // nothing is sent
    assert.equal(await client.out.line(), asciiUpper(msg));
    const heard = await server.out.line();
    assert.ok(heard.startsWith(repr(encode(msg)) + " "), heard);
  }
  // The end of input hangs up; the server's communication loop sees end of stream.
  assert.equal(await client.done(), ">>: ");
  assert.equal(await server.done(), "");
});

bothWays("upper_once", async (serverKind, clientKind) => {
  await using server = new Program(serverKind, "upper_once_server", [HOST, "0"]);
  const port = await listeningPort(server);
  assert.equal(await server.out.line(), "sk.bind......");
  assert.equal(await server.out.line(), "sk.listen......");
  await using client = new Program(clientKind, "upper_once_client", [HOST, port]);
  await client.out.until(">>");
  await client.write("  hello 世界 \n");
  assert.equal(await client.done(), "HELLO 世界\n");
  const [conn, addr, readData, ...rest] = (await server.done()).split("\n");
  assert.match(conn, /^conn: .*socket/);
  assert.match(addr, /^addr: .*127\.0\.0\.1/);
  assert.equal(readData, `read_data ${repr(encode("hello 世界"))}`);
  assert.equal(readData, "read_data b'hello \\xe4\\xb8\\x96\\xe7\\x95\\x8c'");
  assert.deepEqual(rest, [""]);
});

bothWays("hello", async (serverKind, clientKind) => {
  // The originals use "localhost"; it resolves to 127.0.0.1 for both.
  await using server = new Program(serverKind, "hello_server", ["localhost", "0", "2"]);
  const port = await listeningPort(server);
  for (let i = 0; i < 2; i++) {
    await using client = new Program(clientKind, "hello_client", ["localhost", port]);
    assert.equal(await client.done(), "Received: b'Hello Client'\n");
    assert.equal(await server.out.line(), "Received: b'Hello Server'");
  }
  assert.equal(await server.done(), "");
});
