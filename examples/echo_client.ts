// Copyright 2026 the pysocket authors. MIT license.
// The echo client: sends each message (or each line of stdin) and prints
// what comes back, one line per message.
//
//   deno run -A examples/echo_client.ts [host] [port] [message...]   (default 127.0.0.1 8080)
//   printf 'one\ntwo\n' | deno run -A examples/echo_client.ts 127.0.0.1 8080

import * as socket from "@pysocket/socket";
import { args, stdin } from "./_py.ts";

const HOST = args[0] ?? "127.0.0.1";
const PORT = Number(args[1] ?? 8080);
const messages = args.slice(2);

// with socket.create_connection((HOST, PORT)) as s:
using s = await socket.create_connection([HOST, PORT]);
const rfile = s.makefile("r");

/** Sends one line and prints the line that comes back. */
async function echo(line: string): Promise<void> {
  await s.sendall(new TextEncoder().encode(line + "\n")); // s.sendall(line.encode() + b"\n")
  const reply = await rfile.readline(); //                 reply = rfile.readline()
  if (reply === "") throw new Error("the server closed the connection");
  console.log(reply.replace(/\r?\n$/, "")); //             print(reply.rstrip("\n"))
}

if (messages.length > 0) {
  for (const m of messages) await echo(m);
} else {
  // for line in sys.stdin: echo(line.rstrip("\n"))
  for await (const line of stdin) await echo(line.replace(/\n$/, ""));
}
await s.shutdown(socket.SHUT_WR); // tell the server we are done
await rfile.close();
