// Copyright 2026 the pysocket authors. MIT license.
/**
 * Python's `socket` API for Deno: `socket(AF_INET, SOCK_STREAM)`,
 * `bind`/`listen`/`accept`, `connect`/`connect_ex`, `send`/`sendall`/
 * `recv`/`recv_into`, `sendto`/`recvfrom`, timeouts, `shutdown`,
 * `setsockopt`, `create_connection` and more, spelled as Python spells them,
 * as thin layers over `Deno.listen`, `Deno.connect` and
 * `Deno.listenDatagram`.
 *
 * Whatever can wait on the network returns a Promise; the rest is
 * synchronous, as in Python. No byte is lost or reordered by a timeout, a
 * non-blocking call or a peek: every read of a stream socket goes through
 * one buffer.
 *
 * Three more modules of the package bring the rest of what Python programs
 * use with sockets; each is also a namespace of this module:
 *
 * - {@linkcode [socketserver] | @pysocket/socket/socketserver}, or
 *   `socket.socketserver`: Python's `socketserver` — `TCPServer`,
 *   `UDPServer`, `ThreadingTCPServer` and the request handlers;
 * - {@linkcode [select] | @pysocket/socket/select}, or `socket.select`:
 *   Python's `select.select()` (`socket.select.select(rlist, wlist, xlist)`);
 * - {@linkcode [selectors] | @pysocket/socket/selectors}, or
 *   `socket.selectors`: Python's `selectors` — `DefaultSelector`,
 *   `EVENT_READ`, `EVENT_WRITE`.
 *
 * @example The classic echo server, one client at a time
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen(5);
 *
 * // A client, as Python's socket.create_connection().
 * using cli = await socket.create_connection(srv.getsockname() as [string, number]);
 * await cli.sendall(new TextEncoder().encode("hello"));
 *
 * const [conn, addr] = await srv.accept();
 * const data = await conn.recv(1024);
 * await conn.sendall(data);
 * conn.close();
 *
 * console.log(addr[0], new TextDecoder().decode(await cli.recv(1024))); // "127.0.0.1" "hello"
 * ```
 *
 * @example The same modules as namespaces
 * ```ts
 * import * as socket from "@pysocket/socket";
 * import { TCPServer } from "@pysocket/socket/socketserver";
 * import { select } from "@pysocket/socket/select";
 * import { DefaultSelector } from "@pysocket/socket/selectors";
 *
 * console.log(
 *   socket.socketserver.TCPServer === TCPServer,
 *   socket.select.select === select,
 *   socket.selectors.DefaultSelector === DefaultSelector,
 * ); // true true true
 * ```
 *
 * @module
 */

export * from "./constants.ts";
export {
  BlockingIOError,
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  EAI,
  errno,
  ExceptionGroup,
  FileExistsError,
  FileNotFoundError,
  gaierror,
  herror,
  InterruptedError,
  KeyError,
  NotImplementedError,
  OSError,
  oserror,
  type OSErrorOptions,
  PermissionError,
  RuntimeError,
  strerror,
  timeout,
  TimeoutError,
  ValueError,
} from "./errors.ts";
export { fromDenoError, fromRuntimeError } from "./_common/runtime_errors.ts";
export type { Address, IPv4Address, IPv6Address, UnixAddress } from "./address.ts";
export {
  htonl,
  htons,
  inet_aton,
  inet_ntoa,
  inet_ntop,
  inet_pton,
  ntohl,
  ntohs,
} from "./address.ts";
export {
  close,
  create_connection,
  create_server,
  type CreateConnectionOptions,
  type CreateServerOptions,
  fromConn,
  fromDatagramConn,
  fromfd,
  fromListener,
  getdefaulttimeout,
  setdefaulttimeout,
  Socket,
  socket,
  socketpair,
} from "./socket.ts";
export { CMSG_LEN, CMSG_SPACE, recv_fds, send_fds } from "./messages.ts";
export { StreamSocket } from "./tcp.ts";
export {
  type AddrInfo,
  getaddrinfo,
  getfqdn,
  gethostbyaddr,
  gethostbyname,
  gethostbyname_ex,
  gethostname,
  getnameinfo,
  getprotobyname,
  getservbyname,
  getservbyport,
  has_dualstack_ipv6,
  has_ipv6,
  if_indextoname,
  if_nameindex,
  if_nametoindex,
} from "./netdb.ts";
export { DatagramSocket } from "./udp.ts";
export { PacketSocket } from "./packet.ts";
export type { OptionValue } from "./options.ts";
export { type BinaryMode, type MakefileOptions, SocketFile, type TextMode } from "./makefile.ts";
export type { SendfileSource } from "./_stream/sendfile.ts";
export type { BytesLike } from "./_common/bytes.ts";
/** Python's `socket.error`: an alias of {@linkcode OSError}. */
export { OSError as error } from "./errors.ts";
/** Python's `socket.SocketType`: the class of every socket, {@linkcode Socket}. */
export { Socket as SocketType } from "./socket.ts";
export * as socketserver from "./socketserver.ts";
export * as select from "./select.ts";
export * as selectors from "./selectors.ts";
export * as ssl from "./ssl.ts";
