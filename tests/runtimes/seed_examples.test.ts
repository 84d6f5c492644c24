// Copyright 2026 the pysocket authors. MIT license.
// Runs each ported seed program in examples/ as a subprocess, on the
// runtime running the suite (Deno, Node or Bun), against the original
// program's logic in CPython (tests/_seed_originals.ts), both ways round:
// our server with the Python client, and the Python server with our client.
import assert from "node:assert/strict";
import { test } from "node:test";
import { repr } from "../../examples/_py.ts";
import { type Enter, type Kind, listeningPort, Program, RUNTIME, scope } from "./_program.ts";

const HOST = "127.0.0.1";

const encode = (s: string) => new TextEncoder().encode(s);
/** What Python's bytes.upper() does to UTF-8 text: ASCII letters only. */
const asciiUpper = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());

/** Runs `scenario` with our server and the CPython client, then the other way round. */
function bothWays(
  pair: string,
  scenario: (enter: Enter, server: Kind, client: Kind) => Promise<void>,
): void {
  test(`examples/${pair}_server.ts serves the CPython ${pair} client on ${RUNTIME}`, () =>
    scope((enter) => scenario(enter, "ours", "python")));
  test(`examples/${pair}_client.ts talks to the CPython ${pair} server on ${RUNTIME}`, () =>
    scope((enter) => scenario(enter, "python", "ours")));
}

bothWays("push", async (enter, serverKind, clientKind) => {
  const server = enter(Program.of(serverKind, "push_server", [HOST, "0"]));
  const port = await listeningPort(server);
  const client = enter(Program.of(clientKind, "push_client", [HOST, port]));
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

test(`examples/push_server.ts hangs up at the end of its input; the client stops on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const server = enter(Program.of("ours", "push_server", [HOST, "0"]));
    const port = await listeningPort(server);
    const client = enter(Program.of("ours", "push_client", [HOST, port]));
    assert.match(await server.out.line(), /^Linked @ Addr /);
    await server.out.until("input data:");
    await server.write("only line\n");
    assert.equal(await client.out.line(), "receive data: only line");
    await server.closeStdin();
    assert.equal(await server.done(), "input data:");
    assert.equal(await client.done(), "");
  }));

bothWays("reuse", async (enter, serverKind, clientKind) => {
  // Twice on the same port: SO_REUSEADDR lets the second server bind at once.
  let port = "0";
  for (const messages of [["hello", "", "你好 world", "1"], ["1"]]) {
    const server = enter(Program.of(serverKind, "reuse_server", [HOST, port, "1"]));
    port = await listeningPort(server);
    const client = enter(Program.of(clientKind, "reuse_client", [HOST, port]));
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

test(`examples/reuse_server.ts takes the next client after one goes away on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const server = enter(Program.of("ours", "reuse_server", [HOST, "0", "2"]));
    const port = await listeningPort(server);
    {
      // The first client leaves at the end of its input, without sending "1".
      const client = enter(Program.of("ours", "reuse_client", [HOST, port]));
      await client.out.until("please input");
      await client.write("bye\n");
      assert.equal(await server.out.line(), "server received message bye");
      assert.equal(await client.done(), "please input");
    }
    // The server sees end of stream (printed as an empty message) and accepts again.
    assert.equal(await server.out.line(), "server received message ");
    const client = enter(Program.of("python", "reuse_client", [HOST, port]));
    await client.out.until("please input");
    await client.write("1\n");
    assert.equal(await server.out.line(), "server received message 1");
    assert.equal(await client.done(), "");
    assert.equal(await server.done(), "");
  }));

bothWays("telephone", async (enter, serverKind, clientKind) => {
  const server = enter(Program.of(serverKind, "telephone_server", [HOST, "0"]));
  const port = await listeningPort(server);
  const client = enter(Program.of(clientKind, "telephone_client", [HOST, port]));
  assert.equal(await client.done(), "DREAM IS HANDSOME\n");
  const [call, msg, ...rest] = (await server.done()).split("\n");
  assert.equal(call, `got a call from ${HOST}`);
  // Python prints `b'dream is handsome' <class 'bytes'>`; ours names Uint8Array.
  assert.match(msg, /^b'dream is handsome' (<class 'bytes'>|Uint8Array)$/);
  assert.deepEqual(rest, [""]);
});

bothWays("telephone_loop", async (enter, serverKind, clientKind) => {
  const server = enter(Program.of(serverKind, "telephone_loop_server", [HOST, "0", "1"]));
  const port = await listeningPort(server);
  const client = enter(Program.of(clientKind, "telephone_loop_client", [HOST, port]));
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

bothWays("upper_once", async (enter, serverKind, clientKind) => {
  const server = enter(Program.of(serverKind, "upper_once_server", [HOST, "0"]));
  const port = await listeningPort(server);
  assert.equal(await server.out.line(), "sk.bind......");
  assert.equal(await server.out.line(), "sk.listen......");
  const client = enter(Program.of(clientKind, "upper_once_client", [HOST, port]));
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

bothWays("hello", async (enter, serverKind, clientKind) => {
  // The originals use "localhost"; it resolves to 127.0.0.1 for both.
  const server = enter(Program.of(serverKind, "hello_server", ["localhost", "0", "2"]));
  const port = await listeningPort(server);
  for (let i = 0; i < 2; i++) {
    const client = enter(Program.of(clientKind, "hello_client", ["localhost", port]));
    assert.equal(await client.done(), "Received: b'Hello Client'\n");
    assert.equal(await server.out.line(), "Received: b'Hello Server'");
  }
  assert.equal(await server.done(), "");
});
