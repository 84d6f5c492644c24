// Copyright 2026 the pysocket authors. MIT license.
// The push client: it connects to the push server (examples/push_server.ts),
// prints every message it receives, and stops on "exit". The Python it ports:
//
//   s = socket.socket()
//   host = socket.gethostname()
//   port = 12345
//   s.connect((host, port))
//   while True:
//       data = s.recv(1024).decode("utf8")
//       if data != b'':
//           print("receive data:", data)
//       # close the socket and leave the loop on "exit"
//       if data[:4] == "exit":
//           s.close()
//           break
//
// Usage: deno run -A examples/push_client.ts [host] [port]
// (defaults: this machine's host name and 12345).

import * as socket from "@pysocket/socket";
import { args } from "./_py.ts";

const s = socket.socket();
const host = args[0] ?? socket.gethostname();
const port = Number(args[1] ?? 12345);
await s.connect([host, port]); // await: connecting waits on the network
while (true) {
  const data = new TextDecoder().decode(await s.recv(1024)); // s.recv(1024).decode("utf8")
  if (data !== "") {
    console.log("receive data:", data);
  } else {
    // Not in the original, whose `data != b''` compares a str with bytes and so is
    // always true: at end of stream (the server went away) stop instead of spinning.
    s.close();
    break;
  }
  // Close the socket and leave the loop on "exit".
  if (data.slice(0, 4) === "exit") {
    s.close();
    break;
  }
}
