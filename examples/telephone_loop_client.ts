// Copyright 2026 the pysocket authors. MIT license.
// The "telephone" client grown up: after dialling with connect_ex(), a
// communication loop sends every non-empty line typed on stdin and prints the
// answer. The Python it ports:
//
//   ip_port = ('127.0.0.1', 8081)
//   BUFSIZE = 1024
//   client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//   client.connect_ex(ip_port)     # dial
//   while True:                    # communication loop: send and receive on and on
//       msg = input('>>: ').strip()
//       if len(msg) == 0: continue
//       client.send(msg.encode('utf-8'))  # speak (bytes only)
//       feedback = client.recv(BUFSIZE)  # listen
//       print(feedback.decode('utf-8'))
//   client.close()                 # hang up
//
// Usage: deno run -A examples/telephone_loop_client.ts [host] [port]
// (defaults: 127.0.0.1 and 8081). End the input (Ctrl-D) to hang up.

import * as socket from "@pysocket/socket";
import { args, EOFError, input } from "./_py.ts";

const ip_port: socket.IPv4Address = [args[0] ?? "127.0.0.1", Number(args[1] ?? 8081)];
const BUFSIZE = 1024;
const client = socket.socket(socket.AF_INET, socket.SOCK_STREAM);

// Dial.
await client.connect_ex(ip_port);

// The communication loop: the client sends and receives on and on.
while (true) {
  let msg: string;
  try {
    msg = (await input(">>: ")).trim(); // input('>>: ').strip()
  } catch (e) {
    // End of stdin: Python stops with an EOFError traceback; we hang up instead.
    if (!(e instanceof EOFError)) throw e;
    break;
  }
  if (msg.length === 0) continue;
  // Speak (bytes only).
  await client.send(new TextEncoder().encode(msg));

  // Listen.
  const feedback = await client.recv(BUFSIZE);
  console.log(new TextDecoder().decode(feedback));
}

// Hang up.
client.close();
