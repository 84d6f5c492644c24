// Copyright 2026 the pysocket authors. MIT license.
// The classic non-blocking echo server of Python tutorials, built on
// selectors: one task, one loop, any number of clients, no threads.
//
//   deno run -A examples/select_server.ts [host] [port]   (default 127.0.0.1 8080; port 0 = any)
//
// The listening socket is registered for EVENT_READ; each accepted
// connection too. What a client sends is queued and written back when the
// connection is writable (it is watched for EVENT_WRITE only while bytes
// wait). A client that closes its side is unregistered and closed once
// its echo is out. The first line printed is the address it listens on
// ("listening on 127.0.0.1:8080"). Ctrl-C (SIGINT) closes everything,
// prints "goodbye" and exits 0.

import * as socket from "@pysocket/socket";
import * as selectors from "@pysocket/socket/selectors";
import { args, SIG_DFL, SIGINT, signal } from "./_py.ts";

const HOST = args[0] ?? "127.0.0.1";
const PORT = Number(args[1] ?? 8080);
const FAMILY = HOST.includes(":") ? socket.AF_INET6 : socket.AF_INET;

/** What the selector keeps with a connection (Python: types.SimpleNamespace(addr, outb, closing)). */
interface Client {
  addr: socket.Address;
  outb: Uint8Array;
  /** The client has closed its side: close once `outb` is sent. */
  closing: boolean;
}

const sel = new selectors.DefaultSelector<socket.StreamSocket, Client | null>();

const lsock = socket.socket(FAMILY, socket.SOCK_STREAM);
lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
lsock.bind([HOST, PORT]);
lsock.listen(socket.SOMAXCONN); // a burst of clients is queued, not reset
lsock.setblocking(false);
sel.register(lsock, selectors.EVENT_READ, null); // data=None marks the listening socket
const [host, port] = lsock.getsockname() as socket.IPv4Address;
console.log(`listening on ${FAMILY === socket.AF_INET6 ? `[${host}]` : host}:${port}`);

/** accept_wrapper(sock) of the tutorial. */
async function acceptWrapper(sock: socket.StreamSocket): Promise<void> {
  let conn: socket.StreamSocket, addr: socket.Address;
  try {
    [conn, addr] = await sock.accept(); // ready to read, so it does not wait
  } catch (e) {
    if (e instanceof socket.BlockingIOError) return; // the client went away first
    throw e;
  }
  conn.setblocking(false);
  sel.register(conn, selectors.EVENT_READ, { addr, outb: new Uint8Array(0), closing: false });
}

function drop(conn: socket.StreamSocket): void {
  sel.unregister(conn);
  conn.close();
}

/** service_connection(key, mask) of the tutorial. */
async function serviceConnection(
  key: selectors.SelectorKey<socket.StreamSocket, Client | null>,
  mask: number,
): Promise<void> {
  const sock = key.fileobj;
  const data = key.data!;
  if (mask & selectors.EVENT_READ) {
    let recvData: Uint8Array;
    try {
      recvData = await sock.recv(65536);
    } catch (e) {
      if (e instanceof socket.BlockingIOError) return;
      if (!(e instanceof socket.OSError)) throw e;
      recvData = new Uint8Array(0); // reset by the client: treat as closed
    }
    if (recvData.length === 0) {
      // The client closed its side: close ours once its echo is out.
      if (data.outb.length === 0) return drop(sock);
      data.closing = true;
      sel.modify(sock, selectors.EVENT_WRITE, data);
      return;
    }
    const outb = new Uint8Array(data.outb.length + recvData.length);
    outb.set(data.outb);
    outb.set(recvData, data.outb.length);
    data.outb = outb;
    sel.modify(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, data);
  }
  if (mask & selectors.EVENT_WRITE && data.outb.length > 0) {
    let sent = 0;
    try {
      sent = await sock.send(data.outb); // may be partial; the rest waits for EVENT_WRITE
    } catch (e) {
      if (e instanceof socket.BlockingIOError) return;
      if (!(e instanceof socket.OSError)) throw e;
      return drop(sock);
    }
    data.outb = data.outb.subarray(sent);
    if (data.outb.length === 0) {
      if (data.closing) drop(sock);
      else sel.modify(sock, selectors.EVENT_READ, data);
    }
  }
}

let stopping = false;
const onSigint = () => stopping = true;
signal(SIGINT, onSigint);

while (!stopping) {
  const events = await sel.select(0.25); // a timeout, so that Ctrl-C is noticed
  for (const [key, mask] of events) {
    if (key.data === null) await acceptWrapper(key.fileobj);
    else if (sel.get_map().has(key.fd)) await serviceConnection(key, mask);
  }
}

signal(SIGINT, SIG_DFL);
for (const key of [...sel.get_map().values()]) {
  sel.unregister(key.fileobj);
  key.fileobj.close();
}
sel.close();
console.log("goodbye");
