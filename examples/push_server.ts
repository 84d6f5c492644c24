// Copyright 2026 the pysocket authors. MIT license.
// The push server: it waits for one client, then sends it every line typed on
// stdin; the line "exit" is sent too, and then it hangs up. The Python it ports:
//
//   s = socket.socket()
//   host = socket.gethostname()
//   port = 12345
//   s.bind((host, port))
//   s.listen(3)
//   while True:
//       c, addr = s.accept()
//       print("Linked @ Addr", addr)
//       break
//   while True:
//       data = input("input data:")
//       c.send(data.encode("utf8"))
//       if data == "exit":
//           c.close()
//           break
//
// Usage: deno run -A examples/push_server.ts [host] [port]
// (defaults: this machine's host name and 12345; port 0 picks a free port, and
// the first line printed is the address listened on). Its client is
// examples/push_client.ts.

import * as socket from "@pysocket/socket";
import { args, EOFError, input } from "./_py.ts";

const s = socket.socket();
const host = args[0] ?? socket.gethostname(); // this machine's address
const port = Number(args[1] ?? 12345); // the port
s.bind([host, port]); // bind the port
s.listen(3); // start listening, at most three connections waiting
const [ip, boundPort] = s.getsockname() as [string, number];
console.log(`listening on ${ip}:${boundPort}`); // not in the original: tells a test the port

let c: socket.StreamSocket;
while (true) {
  let addr: socket.Address;
  [c, addr] = await s.accept(); // wait for a connection
  console.log("Linked @ Addr", addr);
  break;
}
// From here on, send what is typed.
while (true) {
  let data: string;
  try {
    data = await input("input data:"); // await: stdin is read asynchronously
  } catch (e) {
    // End of stdin: Python stops with an EOFError traceback; we hang up instead.
    if (!(e instanceof EOFError)) throw e;
    c.close();
    break;
  }
  await c.send(new TextEncoder().encode(data)); // data.encode("utf8")
  if (data === "exit") {
    c.close();
    break;
  }
}
s.close(); // Python closes it at exit
