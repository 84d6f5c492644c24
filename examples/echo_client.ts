// Copyright 2026 the pysocket authors. MIT license.
// The echo client: sends each message (or each line of stdin) and prints
// what comes back.
//
//   deno run -A examples/echo_client.ts [host] [port] [message...]   (default 127.0.0.1 8080)

import * as socket from "@pysocket/socket";

const HOST = Deno.args[0] ?? "127.0.0.1";
const PORT = Number(Deno.args[1] ?? 8080);
const messages = Deno.args.slice(2);

using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); // with socket.socket(...) as s:
await s.connect([HOST, PORT]);
const rfile = s.makefile("r");

async function echo(line: string): Promise<void> {
  await s.sendall(new TextEncoder().encode(line + "\n")); // s.sendall(line.encode() + b"\n")
  console.log((await rfile.readline()).trimEnd()); //          print(rfile.readline().rstrip())
}

if (messages.length > 0) {
  for (const m of messages) await echo(m);
} else {
  let rest = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    for (const line of lines) await echo(line);
  }
  if (rest) await echo(rest);
}
