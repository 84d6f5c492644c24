// Copyright 2026 the pysocket authors. MIT license.
// A TCP server that sets SO_REUSEADDR, accepts clients one after another and
// prints every message it receives; the message "1" makes it hang up on that
// client. The Python it ports:
//
//   ip_port = ('127.0.0.1', 8080)
//   back_log = 5
//   buffer_size = 1024
//   ser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//   ser.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
//   ser.bind(ip_port)
//   ser.listen(back_log)
//   while 1:
//       con, address = ser.accept()
//       while 1:
//           try:
//               msg = con.recv(buffer_size)
//               if msg.decode('utf-8') == '1':
//                   con.close()
//               print('server received message', msg.decode('utf-8'))
//           except Exception as e:
//               break
//   ser.close()
//
// Usage: deno run -A examples/reuse_server.ts [host] [port] [count]
// (defaults: 127.0.0.1 and 8080; port 0 picks a free port, and the first line
// printed is the address listened on; count stops after that many clients).
// Its client is examples/reuse_client.ts.

import * as socket from "@pysocket/socket";
import { args } from "./_py.ts";

// The settings, spelled out.
const ip_port: socket.IPv4Address = [args[0] ?? "127.0.0.1", Number(args[1] ?? 8080)];
const back_log = 5;
const buffer_size = 1024;
const count = args[2] === undefined ? Infinity : Number(args[2]);

// A TCP socket: AF_INET with SOCK_STREAM, the stream protocol.
const ser = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
ser.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); // reuse the address and port
ser.bind(ip_port); // the program runs on the machine whose address this is
ser.listen(back_log); // how many clients may wait to be accepted
const [ip, port] = ser.getsockname() as [string, number];
console.log(`listening on ${ip}:${port}`); // not in the original: tells a test the port

for (let served = 0; served < count; served++) { // while 1: (bounded by count)
  // Wait here for a client to connect.
  const [con, _address] = await ser.accept();
  while (true) {
    try {
      // Read at most buffer_size bytes: TCP keeps no message boundaries.
      const msg = await con.recv(buffer_size);
      if (new TextDecoder().decode(msg) === "1") {
        // Hang up; the next recv() raises OSError (EBADF) and ends this loop.
        con.close();
      }
      console.log("server received message", new TextDecoder().decode(msg));
      // Not in the original, which spins printing empty messages once the
      // client goes away without sending "1": stop at end of stream.
      if (msg.length === 0) break;
    } catch { // except Exception as e:
      break;
    }
  }
}
// Close the server.
ser.close();
