// Copyright 2026 the pysocket authors. MIT license.
// The client of examples/reuse_server.ts: it sends every line typed on stdin,
// skips empty lines, and stops after sending "1". The Python it ports:
//
//   p = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//   p.connect(('127.0.0.1', 8080))
//   while 1:
//       msg = input('please input')
//       # do not send empty messages
//       if not msg:
//           continue
//       p.send(msg.encode('utf-8'))  # what goes out must be bytes: encode it
//       if msg == '1':
//           break
//   p.close()
//
// Usage: deno run -A examples/reuse_client.ts [host] [port]
// (defaults: 127.0.0.1 and 8080).

import * as socket from "@pysocket/socket";
import { args, EOFError, input } from "./_py.ts";

const host = args[0] ?? "127.0.0.1";
const port = Number(args[1] ?? 8080);

const p = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
await p.connect([host, port]);
while (true) {
  let msg: string;
  try {
    msg = await input("please input");
  } catch (e) {
    // End of stdin: Python stops with an EOFError traceback; we hang up instead.
    if (!(e instanceof EOFError)) throw e;
    break;
  }
  // Do not send empty messages.
  if (!msg) {
    continue;
  }
  await p.send(new TextEncoder().encode(msg)); // what goes out must be bytes: msg.encode('utf-8')
  if (msg === "1") {
    break;
  }
}
p.close();
