// Copyright 2026 the pysocket authors. MIT license.
/**
 * {@linkcode StreamSocket}: TCP over IPv4 and IPv6, and AF_UNIX stream
 * sockets, with Python's methods. It holds Python's state and nothing of
 * the engines: reads go through its reader (`_stream/reader.ts`), writes
 * through its writer, accepts through its acceptor, and the network through
 * the backend of the transport seam (`_transport/`).
 *
 * @example An echo server and its client
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 * using cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * await cli.connect(srv.getsockname());
 * const [conn] = await srv.accept();
 * await cli.sendall(new TextEncoder().encode("hello"));
 * await conn.sendall(await conn.recv(1024));
 * console.log(new TextDecoder().decode(await cli.recv(1024))); // "hello"
 * conn.close();
 * ```
 *
 * @module
 */

import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IPPROTO_IPV6,
  IPV6_V6ONLY,
  MSG_DONTWAIT,
  MSG_NOSIGNAL,
  MSG_PEEK,
  MSG_WAITALL,
  SHUT_RD,
  SHUT_WR,
  SO_REUSEPORT,
  SOCK_STREAM,
  SOL_SOCKET,
} from "./constants.ts";
import { errno, OSError, oserror, TimeoutError, ValueError } from "./errors.ts";
import { fromRuntimeError } from "./_common/runtime_errors.ts";
import {
  type Address,
  familyOf,
  fromDenoAddr,
  reprAddress,
  type Target,
  toTarget,
} from "./address.ts";
import { DAEMON, Socket } from "./_socket/base.ts";
import type { OptionHandles } from "./options.ts";
import {
  type BytesLike,
  checkCount,
  checkFlags,
  checkInt,
  Scratch,
  sizedView,
  toBytes,
  typeName,
} from "./_common/bytes.ts";
import {
  type Deadline,
  NONBLOCK,
  waitUntil,
  type WouldBlock,
  wouldBlock,
} from "./_common/deadline.ts";
import { POLL, type Poll, type Watch } from "./_common/readiness.ts";
import { capabilities, earlyDescriptor, pick } from "./_transport/pick.ts";
import { wrapConn, wrapListener } from "./_transport/deno.ts";
import * as system from "./_common/system.ts";
import type {
  Addr,
  Backend,
  Descriptor,
  ListenerTransport,
  LocalAddr,
  PacketTransport,
  StreamTransport,
} from "./_transport/types.ts";
import { Reader } from "./_stream/reader.ts";
import { Liveness } from "./_common/liveness.ts";
import { Writer } from "./_stream/writer.ts";
import { Acceptor, DEFAULT_BACKLOG } from "./_stream/acceptor.ts";
import { dial } from "./_stream/dial.ts";
import type { StreamPort } from "./_stream/port.ts";
import { socketReadable, socketWritable } from "./_stream/web_streams.ts";
import { checkSendfile, sendfile, type SendfileSource } from "./_stream/sendfile.ts";
import { type BinaryMode, type MakefileOptions, SocketFile, type TextMode } from "./makefile.ts";

/** The system's largest listen backlog (`net.core.somaxconn`), read once; 4096 where it cannot be read. */
let backlogMax = 0;

const SOMAXCONN_FILE = "/proc/sys/net/core/somaxconn";

function largestBacklog(): number {
  if (backlogMax === 0) {
    // In Deno, only where reading it is granted already (never a prompt).
    const perms = (globalThis as {
      Deno?: { permissions?: { querySync?(d: { name: "read"; path: string }): { state: string } } };
    }).Deno?.permissions;
    try {
      const query = perms?.querySync?.({ name: "read", path: SOMAXCONN_FILE });
      if (query === undefined || query.state === "granted") {
        backlogMax = Number.parseInt(system.readTextFile(SOMAXCONN_FILE), 10);
      }
    } catch {
      // not Linux, or not readable: Linux's default since 5.4
    }
    if (!(backlogMax > 0)) backlogMax = 4096;
  }
  return backlogMax;
}

/** The flags `recv`, `recv_into` take. */
const RECV_FLAGS = MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT;
/** The flags `send`, `sendall` take. */
const SEND_FLAGS = MSG_DONTWAIT | MSG_NOSIGNAL;
/**
 * `recv(bufsize)`'s reused buffer starts at this size and doubles (up to
 * `SCRATCH_MAX`) while reads fill it, so a blocking `recv(65536)` on an idle
 * connection holds a few KiB and a busy one reads in large pieces.
 */
const SCRATCH_MIN = 1024;
const SCRATCH_MAX = 256 * 1024;
const noop = () => {};

/**
 * A stream socket: TCP (AF_INET, AF_INET6) or AF_UNIX `SOCK_STREAM`. Made
 * by `socket()`, `accept()`, `create_connection()` or `fromConn()`.
 *
 * A server: `bind()`, `listen()`, then `accept()` (or `for await` over the
 * socket). A client: `connect()`. Then `send`/`sendall`/`recv`/`recv_into`,
 * `shutdown()` and `close()`. Every read goes through one buffer, so no
 * byte is lost or reordered by a timeout, a peek or a non-blocking call.
 *
 * Inherited from {@linkcode Socket}, and documented there:
 *
 * - timeouts: {@linkcode Socket.prototype.settimeout | settimeout()},
 *   {@linkcode Socket.prototype.gettimeout | gettimeout()},
 *   {@linkcode Socket.prototype.setblocking | setblocking()},
 *   {@linkcode Socket.prototype.getblocking | getblocking()},
 *   {@linkcode Socket.prototype.timeout | timeout};
 * - options: {@linkcode Socket.prototype.setsockopt | setsockopt()},
 *   {@linkcode Socket.prototype.getsockopt | getsockopt()};
 * - addresses: {@linkcode Socket.prototype.getsockname | getsockname()},
 *   {@linkcode Socket.prototype.getpeername | getpeername()},
 *   {@linkcode Socket.prototype.connect_ex | connect_ex()};
 * - state: {@linkcode Socket.prototype.family | family},
 *   {@linkcode Socket.prototype.type | type},
 *   {@linkcode Socket.prototype.proto | proto},
 *   {@linkcode Socket.prototype.closed | closed},
 *   {@linkcode Socket.prototype.fileno | fileno()};
 * - real descriptors (the FFI backend, DESIGN §20): {@linkcode Socket.prototype.dup | dup()},
 *   {@linkcode Socket.prototype.get_inheritable | get_inheritable()},
 *   {@linkcode Socket.prototype.set_inheritable | set_inheritable()},
 *   {@linkcode Socket.prototype.sendmsg | sendmsg()},
 *   {@linkcode Socket.prototype.recvmsg | recvmsg()},
 *   {@linkcode Socket.prototype.recvmsg_into | recvmsg_into()};
 * - `using` and inspection:
 *   {@linkcode Socket.prototype.[Symbol.dispose] | [Symbol.dispose]()},
 *   {@linkcode Socket.prototype.[Symbol.asyncDispose] | [Symbol.asyncDispose]()},
 *   {@linkcode Socket.prototype.[Symbol.for("Deno.customInspect")] | [Symbol.for("Deno.customInspect")]()}
 *   and, for Node and Bun,
 *   {@linkcode Socket.prototype.[Symbol.for("nodejs.util.inspect.custom")] | [Symbol.for("nodejs.util.inspect.custom")]()}
 *   (Python's repr).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen(5);
 * console.log((srv.getsockname() as socket.IPv4Address)[1] > 0); // true
 * ```
 */
export class StreamSocket extends Socket {
  #backend: Backend | null = null; // picked when the handle is made
  #listener: ListenerTransport | null = null; // made by bind()
  #acceptor: Acceptor | null = null; // made by listen()
  #conn: StreamTransport | null = null;
  /** The descriptor made before bind() or connect() where every socket has one (pick.ts). */
  #fresh: PacketTransport | null = null;
  #connecting: Promise<void> | null = null;
  /** Aborts the connect under way (close() does). */
  #dialing: AbortController | null = null;
  #reader: Reader | null = null;
  /** A daemon's socket: what awaits it keeps no finished program alive (`[DAEMON]()`). */
  #daemon = false;
  #writer: Writer | null = null;
  #scratch: Scratch | null = null; // recv(bufsize)'s buffer, made on first use
  #poll: Poll | null = null;
  #port: StreamPort | null = null;
  /** The files of makefile() still open (Python's `_io_refs`): they keep the socket open after close(). */
  #files = 0;
  /** close() was called while a file was open (Python's `_closed`): the last file to close closes the socket. */
  #closeWhenFilesClose = false;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | null = null;
  #writable: WritableStream<BytesLike> | null = null;

  /**
   * Makes a stream socket, not yet bound or connected (or wrapping `conn`).
   * Use `socket(family, SOCK_STREAM)` rather than this constructor: it
   * checks the family and protocol.
   *
   * @param family `AF_INET`, `AF_INET6` or `AF_UNIX`.
   * @param proto Protocol number (0).
   * @param conn An existing Deno connection to wrap (see {@linkcode StreamSocket.fromConn}).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = new socket.StreamSocket(socket.AF_INET6);
   * console.log(s.getsockname()); // ["::", 0, 0, 0]
   * ```
   */
  constructor(family: number = AF_INET, proto = 0, conn?: Deno.Conn) {
    super(family, SOCK_STREAM, proto);
    if (conn) this.#attach(wrapConn(conn));
  }

  /**
   * Wraps an existing `Deno.Conn` (TCP, TLS or Unix), e.g. from
   * `Deno.startTls()`.
   *
   * @param conn The connection; the socket owns it from now on.
   * @returns A connected `StreamSocket`.
   * @throws {TypeError} when `conn` is not a `Deno.Conn`.
   *
   * @example
   * ```ts
   * import { StreamSocket } from "@pysocket/socket";
   *
   * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const conn = await Deno.connect(listener.addr as Deno.ConnectOptions);
   * using sock = StreamSocket.fromConn(conn);
   * console.log(sock.getpeername()); // ["127.0.0.1", <port>]
   * listener.close();
   * ```
   */
  static fromConn(conn: Deno.Conn): StreamSocket {
    if (!conn || typeof conn !== "object" || typeof conn.read !== "function") {
      throw new TypeError(`Cannot fromConn: conn must be a Deno.Conn, not '${typeName(conn)}'`);
    }
    return new StreamSocket(familyOf(conn.localAddr), 0, conn);
  }

  /**
   * Wraps an existing `Deno.Listener` (TCP, TLS or Unix) as a listening socket.
   *
   * @param listener The listener; the socket owns it from now on.
   * @returns A listening `StreamSocket`.
   * @throws {TypeError} when `listener` is not a `Deno.Listener`.
   *
   * @example
   * ```ts
   * import { StreamSocket } from "@pysocket/socket";
   *
   * using srv = StreamSocket.fromListener(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
   * console.log(srv.getsockname()[0]); // "127.0.0.1"
   * ```
   */
  static fromListener(listener: Deno.Listener): StreamSocket {
    if (!listener || typeof listener !== "object" || typeof listener.accept !== "function") {
      throw new TypeError(
        `Cannot fromListener: listener must be a Deno.Listener, not '${typeName(listener)}'`,
      );
    }
    const s = new StreamSocket(familyOf(listener.addr));
    s.#listener = wrapListener(listener);
    s.#acceptor = new Acceptor(s.#listener);
    return s;
  }

  /**
   * @ignore A socket over a transport made elsewhere by `backend` (an
   * adopted descriptor): connected, listening, bound only (as after
   * `bind()`), or a fresh descriptor (as after `socket()`).
   */
  static _over(
    family: number,
    proto: number,
    backend: Backend,
    t:
      | { conn: StreamTransport }
      | { listener: ListenerTransport }
      | { bound: ListenerTransport }
      | { fresh: PacketTransport },
  ): StreamSocket {
    const s = new StreamSocket(family, proto);
    s.#backend = backend;
    if ("conn" in t) s.#attach(t.conn);
    else if ("listener" in t) {
      s.#listener = t.listener;
      s.#acceptor = new Acceptor(t.listener);
    } else if ("bound" in t) s.#listener = t.bound;
    else s.#fresh = t.fresh;
    return s;
  }

  /**
   * @ignore What a non-blocking read or write that would block raises, made
   * by the reader ("read") or the writer ("write"): `BlockingIOError` here;
   * a TLS socket's `SSLWantReadError` or `SSLWantWriteError`.
   */
  protected get _wouldBlock(): WouldBlock {
    return wouldBlock;
  }

  /** @ignore Called as a read of the socket or of a file over it starts (a TLS socket notes it). */
  protected _reading(): void {}

  /**
   * @ignore What a new connection (connected or accepted) becomes before the
   * socket uses it: itself here; a TLS socket runs its handshake over it.
   * On failure the connection is closed.
   */
  protected _established(
    conn: StreamTransport,
    _deadline: Deadline,
    _op: string,
  ): StreamTransport | Promise<StreamTransport> {
    return conn;
  }

  /** @ignore The socket an accepted connection is given to (a TLS listener makes TLS sockets). */
  protected _acceptedSocket(): StreamSocket {
    return new StreamSocket(this.family, this.proto);
  }

  /**
   * @ignore Moves `from`'s listener or connection to `to` (a fresh socket of
   * the same family), as `detach()` would hand them out: `from` ends
   * closed, `to` takes its options, timeout and listener, and the
   * connection is returned for `to` to attach (through a TLS layer, say).
   *
   * @throws {OSError} `EBUSY` as `detach()` does.
   */
  protected static _handOver(
    from: StreamSocket,
    to: StreamSocket,
    op: string,
  ): StreamTransport | null {
    const { conn, listener, listening } = from.#handOver(op);
    from._options.copyTo(to._options);
    to.settimeout(from.gettimeout());
    to.#backend = from.#backend;
    if (listener) {
      to.#listener = listener;
      if (listening) to.#acceptor = new Acceptor(listener);
    }
    return conn;
  }

  /** @ignore Attaches a connection handed over by `_handOver` or given back by a TLS layer. */
  protected _attach(conn: StreamTransport, op: string): void {
    if (this.#reader?.busy || (this.#writer && !this.#writer.ready)) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: `Cannot ${op}: a read or a send is under way`,
      });
    }
    this.#attach(conn);
  }

  #attach(conn: StreamTransport): void {
    this.#conn = conn;
    // One hold on the connection for its reader and writer: held while a caller awaits either.
    const live = new Liveness(conn);
    if (this.#daemon) live.daemon = true;
    this.#reader = new Reader(conn, this._wouldBlock, live);
    this.#writer = new Writer(conn, this._wouldBlock, live);
    this._options.applyTo(this._handles());
  }

  /** @ignore */
  protected _handles(): OptionHandles {
    return {
      conn: this.#conn,
      listening: this.#acceptor !== null,
      bound: this.#listener !== null,
      kernelOptions: this.#backend?.caps.kernelOptions,
      descriptor: this._descriptor(),
    };
  }

  /** @ignore */
  protected _localAddr(): Addr | null {
    return this.#conn?.localAddr ?? this.#listener?.addr ?? this.#fresh?.localAddr() ?? null;
  }

  /** @ignore */
  protected _peerAddr(): Addr | null {
    return this.#conn?.remoteAddr ?? null;
  }

  /**
   * Binds the socket to a local address. For TCP and AF_UNIX this creates
   * the Deno listener at once (Deno binds and listens in one call), so
   * `getsockname()` reports the port the system chose for port 0.
   *
   * @param address `[host, port]`, `[host, port, flowinfo, scope_id]` or a path.
   * @throws {TypeError} for a malformed address; {RangeError} for a bad port.
   * @throws {OSError} e.g. `EADDRINUSE`, or `EINVAL` if already bound.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket();
   * s.bind(["127.0.0.1", 0]);
   * console.log(s.getsockname()[0]); // "127.0.0.1"
   * ```
   */
  bind(address: Address): void {
    this._checkOpen("bind");
    const target = this._bindTarget(address, "bind");
    if (this.#listener || this.#conn || this.#connecting) {
      throw new OSError(errno.EINVAL, undefined, {
        detail: "Cannot bind: socket is already bound",
      });
    }
    const reusePort = this._options.flag(SOL_SOCKET, SO_REUSEPORT);
    const ipv6Only = this._options.flag(IPPROTO_IPV6, IPV6_V6ONLY);
    const fresh = this.#takeFresh();
    try {
      // The listener takes the system's largest backlog now: listen(n) then
      // never has to make it again (which would free the port for a moment).
      this.#listener = (this.#backend ??= pick("listen", {
        ipv6Only,
        kernelOptions: this._options.needsKernel(),
        descriptors: target.transport === "unix" && target.raw !== undefined,
      })).listen(target, {
        backlog: largestBacklog(),
        reusePort,
        ipv6Only,
        fresh,
      });
      // A descriptor takes the options set before it existed (the kernel has them all).
      if (this.#listener.descriptor) this._options.pushTo(this.#listener.descriptor);
    } catch (e) {
      if (fresh && !fresh.closed) this.#fresh = fresh; // a failed bind leaves the socket as it was
      throw fromRuntimeError(e, `Cannot bind to ${reprAddress(address)}`);
    }
  }

  /**
   * Starts accepting connections. An unbound socket binds to the wildcard
   * address and a free port first, as Linux does. The listener that
   * `bind()` made is kept: the port is never free in between.
   *
   * @param backlog The queue length for connections not yet accepted;
   *   omitted: Python's default, `min(SOMAXCONN, 128)`. The kernel's queue
   *   may be longer: `bind()` made the listener with the system's largest.
   * @throws {OSError} when the socket is connected or closed, or an AF_UNIX
   *   socket is not bound; `ENOPROTOOPT` when options only node:net honours
   *   are set (`SO_LINGER` on with 0 seconds, `TCP_KEEPIDLE`).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using s = socket.socket();
   * s.bind(["127.0.0.1", 0]);
   * s.listen(5);
   * ```
   */
  listen(backlog?: number): void {
    if (backlog === undefined) backlog = DEFAULT_BACKLOG;
    checkInt(backlog, "backlog", "listen");
    this._checkOpen("listen");
    if (this.#conn || this.#connecting) {
      throw new OSError(errno.EINVAL, undefined, { detail: "Cannot listen: socket is connected" });
    }
    if (
      this._options.needsKernel() && !(this.#backend?.caps ?? capabilities("listen")).kernelOptions
    ) {
      // Accepted connections inherit the options, and in Deno they are Deno's.
      throw new OSError(errno.ENOPROTOOPT, undefined, {
        detail: "Cannot listen: SO_LINGER (on, 0 seconds) or TCP_KEEPIDLE is set, and the " +
          "connections a listener accepts are Deno's, which take neither",
      });
    }
    if (!this.#listener) {
      if (this.family === AF_UNIX) {
        throw new OSError(errno.EINVAL, undefined, {
          detail: "Cannot listen: bind an AF_UNIX socket to a path first",
        });
      }
      this.bind([this.family === AF_INET6 ? "::" : "0.0.0.0", 0]);
    }
    if (this.#acceptor === null) {
      try {
        this.#listener!.start?.(backlog);
      } catch (e) {
        throw fromRuntimeError(e, "Cannot listen");
      }
      this.#acceptor = new Acceptor(this.#listener!);
    }
  }

  /**
   * Waits for a connection and resolves `[conn, address]`. A timed-out or
   * non-blocking `accept()` loses nothing: a connection that arrives later
   * is returned by the next call.
   *
   * @returns The connected socket and the peer's address.
   * @throws {TimeoutError|BlockingIOError} per the timeout; {OSError} `EINVAL` if not listening.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using cli = await socket.create_connection(srv.getsockname() as [string, number]);
   * const [conn, addr] = await srv.accept();
   * console.log(addr[0]); // "127.0.0.1"
   * conn.close();
   * ```
   */
  accept(): Promise<[StreamSocket, Address]> {
    const acceptor = this.#acceptor;
    try {
      this._checkOpen("accept");
      if (!acceptor) {
        throw new OSError(errno.EINVAL, undefined, {
          detail: "Cannot accept: socket is not listening",
        });
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return acceptor.accept(this._deadline(), "accept").then(
      this.#onAccepted ??= (conn) => this.#adopt(conn),
    );
  }

  /** What an accepted connection becomes (made once per listening socket: no frame per accept). */
  #onAccepted:
    | ((conn: StreamTransport) => [StreamSocket, Address] | Promise<[StreamSocket, Address]>)
    | null = null;

  /** The socket of an accepted connection, and the peer's address. */
  #adopt(conn: StreamTransport): [StreamSocket, Address] | Promise<[StreamSocket, Address]> {
    const sock = this._acceptedSocket();
    this._options.copyTo(sock._options);
    sock.#backend = this.#backend;
    const address = fromDenoAddr(this.family, conn.remoteAddr);
    try {
      // A plain socket is established as accepted: no await (a TLS socket's handshake is one).
      const established = sock._established(conn, sock._deadline(), "accept");
      if (established instanceof Promise) {
        return established.then((c) => {
          sock.#attach(c);
          return [sock, address] as [StreamSocket, Address];
        }).catch((e) => {
          sock.close();
          throw e;
        });
      }
      sock.#attach(established);
    } catch (e) {
      sock.close();
      throw e;
    }
    return [sock, address];
  }

  /**
   * A listening socket is an async iterable of `[conn, address]`, each from
   * `accept()`; the loop ends when the socket is closed.
   *
   * @returns An async generator of accepted connections.
   * @throws {OSError} as `accept()` does (`EINVAL` when not listening).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using cli = await socket.create_connection(srv.getsockname() as [string, number]);
   * for await (const [conn, addr] of srv) {
   *   console.log(addr[0]); // "127.0.0.1"
   *   conn.close();
   *   break;
   * }
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<[StreamSocket, Address]> {
    while (!this.closed) {
      try {
        yield await this.accept();
      } catch (e) {
        if (this.closed && e instanceof OSError && e.errno === errno.EBADF) return;
        throw e;
      }
    }
  }

  /**
   * Connects to a remote address; host names are resolved by the operating
   * system's resolver for the socket's family. With a timeout the attempt
   * is abandoned (through `Deno.connect`'s `signal`) after that many
   * seconds; a non-blocking socket starts connecting and throws
   * `BlockingIOError` (`EINPROGRESS`). A socket bound first connects from
   * its bound address (through node:net, which Deno's own connect lacks;
   * an AF_UNIX socket bound to a name, through a real descriptor, DESIGN §20).
   *
   * @param address `[host, port]`, `[host, port, flowinfo, scope_id]` or a path.
   * @returns A promise that resolves once connected.
   * @throws {ConnectionRefusedError} and the other `OSError`s of a failed connect.
   * @throws {TimeoutError} when the timeout passes.
   * @throws {OSError} `EINVAL` on a listening socket; `EOPNOTSUPP` for an
   *   AF_UNIX socket bound first where no descriptor can be had (connecting
   *   from a bound AF_UNIX name needs the FFI backend: `--allow-ffi`).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using cli = socket.socket();
   * await cli.connect(srv.getsockname());
   * console.log(cli.getpeername()[1] === srv.getsockname()[1]); // true
   * ```
   *
   * @example From a bound address (Python's `bind()` before `connect()`)
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using cli = socket.socket();
   * cli.bind(["127.0.0.1", 0]);
   * const [, port] = cli.getsockname();
   * await cli.connect(srv.getsockname());
   * const [conn, addr] = await srv.accept();
   * console.log(addr[1] === port); // true
   * conn.close();
   * ```
   */
  async connect(address: Address): Promise<void> {
    this._checkOpen("connect");
    const target = toTarget(this.family, address, "connect");
    if (this.#conn) {
      throw new OSError(errno.EISCONN, undefined, { detail: "Cannot connect: already connected" });
    }
    if (this.#connecting) {
      throw new OSError(errno.EALREADY, undefined, {
        detail: "Cannot connect: a connect is under way",
      });
    }
    let local: LocalAddr | undefined;
    const boundOnly = this.#acceptor ? null : this.#listener?.takeBound?.() ?? null;
    if (boundOnly !== null) {
      // A descriptor bound, not listening: it connects from its address itself.
      this.#listener = null;
      this.#fresh = boundOnly;
    } else if (this.#listener) {
      const bound = this.#listener.addr;
      if (this.#acceptor) {
        throw new OSError(errno.EINVAL, undefined, {
          detail: "Cannot connect: socket is listening",
        });
      }
      // bind() held the address with a listener: let it go and connect from
      // it, through the backend that can (node:net for TCP; a descriptor for
      // an AF_UNIX name — which no runtime API connects from).
      local = bound.transport === "tcp"
        ? { hostname: bound.hostname, port: bound.port }
        : { path: (bound as Deno.UnixAddr).path, raw: (bound as { raw?: Uint8Array }).raw };
      const backend = pick("connect", {
        localAddress: true,
        descriptors: bound.transport !== "tcp",
        kernelOptions: this._options.needsKernel(),
      });
      this.#listener.close();
      this.#listener = null;
      this.#backend = backend;
    }
    const err = this._options.takeError();
    if (err) {
      throw new OSError(err, undefined, { detail: "Cannot connect: earlier connect failed" });
    }
    const deadline = this._deadline();
    const abort = this.#dialing = new AbortController();
    const attempt = this.#open(target, deadline, abort, local);
    this.#connecting = attempt.then(
      () => {
        this.#connecting = this.#dialing = null;
      },
      (e) => {
        this.#connecting = this.#dialing = null;
        // Nobody awaits a non-blocking connect: its failure is SO_ERROR's (a
        // Deno permission error is thrown by getsockopt(SO_ERROR), untouched).
        if (deadline === NONBLOCK) this._options.setError(e);
      },
    );
    if (deadline !== NONBLOCK) return await attempt;
    throw oserror(errno.EINPROGRESS, "Cannot connect: connecting in the background");
  }

  async #open(
    target: Target,
    deadline: Deadline,
    abort: AbortController,
    local?: LocalAddr,
  ): Promise<void> {
    try {
      const backend = this.#backend ??= pick("connect", {
        kernelOptions: this._options.needsKernel(),
        descriptors: target.transport === "unix" && target.raw !== undefined,
      });
      const fresh = local === undefined ? this.#takeFresh() : undefined;
      const plain = await dial(backend, target, this.family, deadline, abort, local, fresh);
      if (this.closed) {
        plain.close();
        throw new OSError(errno.EBADF, undefined, { detail: "Cannot connect: socket is closed" });
      }
      this.#attach(await this._established(plain, deadline, "connect"));
    } catch (e) {
      throw e instanceof TimeoutError ? e : this._fail(e, "connect");
    }
  }

  /** Waits for a connect under way (until the timeout); throws ENOTCONN when not connected. */
  async #waitConnected(op: string): Promise<void> {
    if (this.#connecting) {
      await waitUntil(this.#connecting, this._deadline(), op);
      if (this.#conn) return;
    }
    this._checkOpen(op);
    throw new OSError(errno.ENOTCONN, undefined, {
      detail: `Cannot ${op}: socket is not connected`,
    });
  }

  /**
   * Sends data; resolves how many bytes were written, which may be fewer
   * than given. See `sendall()` to send everything.
   *
   * @param data Bytes: any `ArrayBufferView` or `ArrayBuffer`.
   * @param flags `MSG_DONTWAIT` or `MSG_NOSIGNAL`; others raise `OSError`.
   * @returns The number of bytes sent.
   * @throws {TypeError} for a string; {BrokenPipeError} and other `OSError`s.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * console.log(await a.send(new TextEncoder().encode("hi"))); // 2
   * console.log(await b.recv(1024)); // Uint8Array(2) [ 104, 105 ]
   * a.close();
   * b.close();
   * ```
   */
  send(data: BytesLike, flags = 0): Promise<number> {
    let view: Uint8Array;
    try {
      view = toBytes(data);
      if (flags !== 0) checkFlags(flags, SEND_FLAGS, "send");
      this._checkOpen("send");
    } catch (e) {
      return Promise.reject(e);
    }
    const deadline = this._deadline((flags & MSG_DONTWAIT) !== 0);
    if (this.#writer !== null) return this.#writer.writeSome(view, deadline, "send");
    return this.#waitConnected("send").then(() => this.#writer!.writeSome(view, deadline, "send"));
  }

  /**
   * Sends all of `data`, or throws. Concurrent `sendall()`s on one socket
   * never interleave their bytes. With a timeout, it applies to the whole call.
   *
   * @param data Bytes: any `ArrayBufferView` or `ArrayBuffer`.
   * @param flags `MSG_DONTWAIT` or `MSG_NOSIGNAL`.
   * @returns A promise that resolves once every byte is sent.
   * @throws {TypeError} for a string; {BrokenPipeError}, {TimeoutError} and other `OSError`s.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new Uint8Array(100_000));
   * a.close();
   * let total = 0;
   * for (let data = await b.recv(65536); data.length; data = await b.recv(65536)) {
   *   total += data.length;
   * }
   * console.log(total); // 100000
   * b.close();
   * ```
   */
  sendall(data: BytesLike, flags = 0): Promise<void> {
    let view: Uint8Array;
    try {
      view = toBytes(data);
      if (flags !== 0) checkFlags(flags, SEND_FLAGS, "sendall");
      this._checkOpen("sendall");
    } catch (e) {
      return Promise.reject(e);
    }
    const writer = this.#writer;
    const deadline = this._deadline((flags & MSG_DONTWAIT) !== 0);
    if (writer !== null) return writer.writeAll(view, deadline, "sendall");
    return this.#waitConnected("sendall").then(() =>
      this.#writer!.writeAll(view, deadline, "sendall")
    );
  }

  /**
   * Receives up to `bufsize` bytes: 1..bufsize bytes, or an empty array at
   * end of stream.
   *
   * @param bufsize The most bytes to return.
   * @param flags `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`; others raise `OSError`.
   * @returns The bytes.
   * @throws {TimeoutError|BlockingIOError} per the timeout (nothing is consumed).
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("hello"));
   * a.close();
   * console.log(new TextDecoder().decode(await b.recv(1024))); // "hello"
   * console.log((await b.recv(1024)).length); // 0 (the peer closed)
   * b.close();
   * ```
   */
  recv(bufsize: number, flags = 0): Promise<Uint8Array<ArrayBuffer>> {
    try {
      checkCount(bufsize, "bufsize", "recv");
      if (flags !== 0) checkFlags(flags, RECV_FLAGS, "recv");
      this._checkOpen("recv");
    } catch (e) {
      return Promise.reject(e);
    }
    if (flags === 0 && bufsize > 0 && this.#reader !== null) {
      // Bytes buffered already (a select's prefetch, a timed read's fill): taken as they are.
      this._reading();
      const reader = this.#reader;
      const some = reader.takeSome(bufsize);
      if (some !== undefined) return Promise.resolve(some);
      const deadline = this._deadline();
      // Where the runtime pushes chunks (node:net): the next one's bytes, no buffer held waiting.
      const chunk = reader.receiveChunk(bufsize, deadline);
      if (chunk !== null) return chunk;
      const scratch = this.#scratch ??= new Scratch(SCRATCH_MIN, SCRATCH_MAX);
      return reader.receive(scratch, bufsize, deadline, "recv");
    }
    const scratch = this.#scratch ??= new Scratch(SCRATCH_MIN, SCRATCH_MAX);
    return this._recvScratch(scratch, bufsize, flags, "recv");
  }

  /**
   * Receives into `buffer` and resolves the count (0 at end of stream).
   * With no timeout and nothing buffered it reads straight into `buffer`.
   *
   * @param buffer Where to put the bytes (any `ArrayBufferView` or `ArrayBuffer`).
   * @param nbytes The most bytes to read (0 or omitted: the buffer's size).
   * @param flags `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`.
   * @returns The number of bytes received.
   * @throws {RangeError} if `nbytes` is larger than the buffer.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("hello"));
   * const buf = new Uint8Array(1024);
   * const n = await b.recv_into(buf);
   * console.log(new TextDecoder().decode(buf.subarray(0, n))); // "hello"
   * a.close();
   * b.close();
   * ```
   */
  recv_into(buffer: BytesLike, nbytes = 0, flags = 0): Promise<number> {
    let p: Uint8Array;
    try {
      p = sizedView(buffer, nbytes, "recv_into");
      if (flags !== 0) checkFlags(flags, RECV_FLAGS, "recv_into");
      this._checkOpen("recv_into");
    } catch (e) {
      return Promise.reject(e);
    }
    return this._recvInto(p, flags, "recv_into");
  }

  /**
   * Python's `recvfrom()` on a stream socket: `recv()`'s bytes, with no
   * address (`null`, as Linux gives for TCP).
   *
   * @param bufsize The most bytes to return.
   * @param flags `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`.
   * @returns `[data, null]`.
   * @throws {OSError} `ENOTCONN` when not connected.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new Uint8Array([1, 2, 3]));
   * const [data, address] = await b.recvfrom(1024);
   * console.log(data.length, address); // 3 null
   * a.close();
   * b.close();
   * ```
   */
  async recvfrom(bufsize: number, flags = 0): Promise<[Uint8Array<ArrayBuffer>, null]> {
    return [await this.recv(bufsize, flags), null];
  }

  /**
   * Python's `recvfrom_into()` on a stream socket: `recv_into()`'s count,
   * with no address (`null`).
   *
   * @param buffer Where to put the bytes.
   * @param nbytes The most bytes to read (0 or omitted: the buffer's size).
   * @param flags `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`.
   * @returns `[count, null]`.
   * @throws {OSError} `ENOTCONN` when not connected.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new Uint8Array([1, 2, 3]));
   * console.log(await b.recvfrom_into(new Uint8Array(1024))); // [ 3, null ]
   * a.close();
   * b.close();
   * ```
   */
  async recvfrom_into(buffer: BytesLike, nbytes = 0, flags = 0): Promise<[number, null]> {
    return [await this.recv_into(buffer, nbytes, flags), null];
  }

  /**
   * Python's `sendto()` on a stream socket: the address is checked and then
   * ignored, as Linux does for a connected TCP socket; `send()` follows.
   *
   * @param data Bytes.
   * @param address Checked, not used.
   * @returns The number of bytes sent.
   * @throws {BrokenPipeError} when not connected (`EPIPE`, as Linux).
   * @throws {TypeError|RangeError} for a malformed address.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_INET);
   * console.log(await a.sendto(new TextEncoder().encode("hi"), ["127.0.0.1", 9])); // 2
   * console.log(await b.recv(1024)); // Uint8Array(2) [ 104, 105 ]
   * a.close();
   * b.close();
   * ```
   */
  sendto(data: BytesLike, address: Address): Promise<number>;
  /**
   * Python's `sendto(data, flags, address)` on a stream socket.
   *
   * @param data Bytes.
   * @param flags `MSG_DONTWAIT` or `MSG_NOSIGNAL`; others raise `OSError`.
   * @param address Checked, not used.
   * @returns The number of bytes sent.
   * @throws {BrokenPipeError} when not connected (`EPIPE`, as Linux).
   * @throws {TypeError|RangeError} for a malformed address.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_INET);
   * console.log(await a.sendto(new Uint8Array([1]), socket.MSG_DONTWAIT, ["127.0.0.1", 9])); // 1
   * a.close();
   * b.close();
   * ```
   */
  sendto(data: BytesLike, flags: number, address: Address): Promise<number>;
  /**
   * Python's `sendto(data[, flags], address)` on a stream socket: the
   * address is checked and then ignored, as Linux does for a connected TCP
   * socket, and `send()` follows. (Its two overloads, listed on the class
   * page, are the ways to call it.)
   *
   * @param data Bytes.
   * @param flagsOrAddress The address, or the flags when `address` follows.
   * @param address Checked, not used.
   * @returns The number of bytes sent.
   * @throws {BrokenPipeError} when not connected (`EPIPE`, as Linux).
   * @throws {TypeError|RangeError} for a malformed address.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair(socket.AF_INET);
   * await a.sendto(new Uint8Array([1]), ["127.0.0.1", 9]);
   * await a.sendto(new Uint8Array([2]), socket.MSG_DONTWAIT, ["127.0.0.1", 9]);
   * console.log(await b.recv(2, socket.MSG_WAITALL)); // Uint8Array(2) [ 1, 2 ]
   * a.close();
   * b.close();
   * ```
   */
  sendto(data: BytesLike, flagsOrAddress: number | Address, address?: Address): Promise<number> {
    let flags = 0;
    try {
      toBytes(data);
      if (address === undefined) address = flagsOrAddress as Address;
      else flags = checkFlags(flagsOrAddress, SEND_FLAGS, "sendto");
      toTarget(this.family, address, "sendto");
      this._checkOpen("sendto");
      if (this.#conn === null && this.#connecting === null) {
        throw oserror(errno.EPIPE, "Cannot sendto: socket is not connected");
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.send(data, flags);
  }

  /** @ignore A read into `p`, arguments and state checked: straight to the reader when there are no flags. */
  protected _recvInto(p: Uint8Array, flags: number, op: string): Promise<number> {
    this._reading();
    const reader = this.#reader;
    if (reader !== null && flags === 0) return reader.read(p, this._deadline(), op);
    return this.#recvFlagged(p, flags, op);
  }

  async #recvFlagged(p: Uint8Array, flags: number, op: string): Promise<number> {
    if (this.#reader === null) await this.#waitConnected(op);
    const reader = this.#reader!;
    const deadline = this._deadline((flags & MSG_DONTWAIT) !== 0);
    if (flags & MSG_PEEK) {
      return await reader.peek(p, (flags & MSG_WAITALL) !== 0, deadline, op);
    }
    if (flags & MSG_WAITALL) return await reader.readExactly(p, deadline, op);
    return await reader.read(p, deadline, op);
  }

  /**
   * Shuts down one or both halves of the connection. `SHUT_WR` half-closes:
   * the peer reads end of stream and may still send. `SHUT_RD` makes later
   * reads return end of stream once what is buffered has been read.
   *
   * @param how `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
   * @returns A promise that resolves once that half is shut down.
   * @throws {OSError} `ENOTCONN` when not connected; `EINVAL` for a bad `how`.
   *
   * @example Half-close after the request; the peer still replies
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [cli, srv] = await socket.socketpair();
   * await cli.sendall(new TextEncoder().encode("request"));
   * await cli.shutdown(socket.SHUT_WR);
   * const request = await srv.recv(1024);
   * console.log((await srv.recv(1024)).length); // 0 (end of the request)
   * await srv.sendall(request);
   * console.log(new TextDecoder().decode(await cli.recv(1024))); // "request"
   * cli.close();
   * srv.close();
   * ```
   */
  async shutdown(how: number): Promise<void> {
    this._checkShutdown(how);
    if (this.#conn === null) await this.#waitConnected("shutdown");
    if (how !== SHUT_WR) await this.#reader!.shutdownRead();
    if (how === SHUT_RD) return;
    try {
      // The end of the stream goes after the bytes a timed-out send left to
      // finish in the background: wait for them as long as the timeout allows.
      await waitUntil(this.#writer!.drained(), this._deadline(), "shutdown");
      const live = this.#reader!.live;
      live.enter(); // the caller awaits the half-close
      try {
        await this.#conn!.closeWrite();
      } finally {
        live.leave();
      }
    } catch (e) {
      const err = this._fail(e, "shutdown");
      if (err instanceof OSError && err.errno === errno.ENOTCONN) return;
      throw err;
    }
  }

  /** What the objects built on this socket (its files and streams) are handed. */
  #portOf(): StreamPort {
    return this.#port ??= {
      reader: (op) => {
        this._reading();
        if (this.#reader !== null) return this.#reader;
        this._checkOpen(op);
        return this.#waitConnected(op).then(() => this.#reader!);
      },
      deadline: () => this._deadline(),
      timeout: () => this.gettimeout(),
      sendall: (data) => {
        if (this.#writer === null) return this.sendall(data);
        return this.#writer.writeAll(data, this._deadline(), "sendall");
      },
      send: (data, deadline) => {
        if (this.#writer === null) return this.send(data);
        return this.#writer.writeSome(data, deadline, "send");
      },
      shutdownWrite: () => this.shutdown(SHUT_WR),
      closed: () => this.closed && this.#conn === null,
      fileno: this.fileno(),
      retain: () => {
        this.#files++;
      },
      release: () => {
        if (--this.#files === 0 && this.#closeWhenFilesClose) this.close();
      },
    };
  }

  /**
   * An unbuffered binary file over the socket (`buffering` 0): Python's raw
   * `SocketIO`. `read(n)` and `readinto()` make one read; on a non-blocking
   * socket they resolve `null` when nothing has arrived, and `write()`
   * resolves the bytes sent or `null` when none could be.
   *
   * @param mode `"rb"`, `"wb"` or `"rwb"`.
   * @param buffering 0.
   * @param options `encoding`, `errors` and `newline`: ignored, as Python's binary files do.
   * @returns The file; closing it leaves the socket open.
   * @throws {RangeError} for an invalid mode.
   * @throws {OSError} `EBADF` when the socket is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * b.setblocking(false);
   * const raw = b.makefile("rb", 0);
   * console.log(await raw.read(1024)); // null (nothing has arrived)
   * await a.sendall(new Uint8Array([1, 2, 3]));
   * b.setblocking(true);
   * console.log(await raw.read(1024)); // Uint8Array(3) [ 1, 2, 3 ] (one read: what has arrived)
   * await raw.close();
   * a.close();
   * b.close();
   * ```
   */
  makefile(
    mode: BinaryMode,
    buffering: 0,
    options?: MakefileOptions | null,
  ): SocketFile<Uint8Array<ArrayBuffer>, null>;
  /**
   * A file object over the socket (Python's `makefile`), sharing the
   * socket's read buffer: binary modes (`"rb"`, `"wb"`, `"rwb"`) read and
   * write `Uint8Array`s, text modes (`"r"`, `"w"`, `"rw"`) strings. While
   * the file is open, closing the socket leaves the connection to the file.
   *
   * @param mode Any of `r`, `w`, `b`; default `"r"`.
   * @param buffering Write buffer size (omitted or negative: 8192).
   * @param options `encoding`, `errors` and `newline`: ignored, as Python's binary files do.
   * @returns The file; closing it leaves the socket open.
   * @throws {RangeError} for an invalid mode.
   * @throws {OSError} `EBADF` when the socket is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("first line\nsecond"));
   * const rfile = b.makefile("rb");
   * console.log((await rfile.readline()).length); // 11
   * await rfile.close();
   * a.close();
   * b.close();
   * ```
   */
  makefile(
    mode: BinaryMode,
    buffering?: number | null,
    options?: MakefileOptions | null,
  ): SocketFile<Uint8Array<ArrayBuffer>>;
  /**
   * A text file object over the socket (see the binary overload).
   *
   * @param mode `"r"` (default), `"w"` or `"rw"`.
   * @param buffering Write buffer size (omitted or negative: 8192; 0 sends each write at once).
   * @param options `encoding` (utf-8, latin-1, ascii), `errors`, `newline`.
   * @returns The file; closing it leaves the socket open.
   * @throws {RangeError} for an invalid mode, encoding or newline.
   * @throws {OSError} `EBADF` when the socket is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("one\ntwo\n"));
   * a.close();
   * for await (const line of b.makefile("r")) console.log(line.trimEnd()); // "one", then "two"
   * b.close();
   * ```
   */
  makefile(
    mode?: TextMode,
    buffering?: number | null,
    options?: MakefileOptions | null,
  ): SocketFile<string>;
  /**
   * A file object over the socket, as Python's `makefile(mode, buffering,
   * encoding, errors, newline)`, sharing the socket's read buffer: binary
   * modes (with `b`) read and write `Uint8Array`s — unbuffered (Python's raw
   * `SocketIO`) when `buffering` is 0 — and text modes strings. (Its three
   * overloads, listed on the class page, give the file's precise type for
   * each kind of mode.)
   *
   * @param mode Any of `r`, `w`, `b`; default `"r"`.
   * @param buffering Write buffer size: omitted or negative for 8192, 0 for none.
   * @param options Text modes' `encoding`, `errors` and `newline`.
   * @returns The file; closing it leaves the socket open.
   * @throws {RangeError} for an invalid mode, encoding or newline.
   * @throws {OSError} `EBADF` when the socket is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * const wfile = a.makefile("w");
   * await wfile.write("hello\n");
   * await wfile.close();
   * const rfile = b.makefile("rb");
   * console.log(await rfile.readline()); // Uint8Array(6) [ 104, 101, 108, 108, 111, 10 ]
   * await rfile.close();
   * a.close();
   * b.close();
   * ```
   */
  makefile(
    mode: string = "r",
    buffering?: number | null,
    options?: MakefileOptions | null,
  ):
    | SocketFile<Uint8Array<ArrayBuffer>>
    | SocketFile<Uint8Array<ArrayBuffer>, null>
    | SocketFile<string> {
    this._checkOpen("makefile");
    return new SocketFile<Uint8Array<ArrayBuffer>>(this.#portOf(), mode, buffering, options);
  }

  /**
   * A byte stream of what the socket receives (BYOB readers supported),
   * read through the socket's buffer: cancelling it or releasing its reader
   * leaves unread bytes for `recv()`. It does not close the socket.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await a.sendall(new TextEncoder().encode("streamed"));
   * a.close();
   * console.log(await new Response(b.readable).text()); // "streamed"
   * b.close();
   * ```
   */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#readable ??= socketReadable(this.#portOf());
  }

  /**
   * A stream whose writes are `sendall()`s; closing it half-closes the
   * connection (`SHUT_WR`), so `readable.pipeTo(other.writable)` ends the
   * other side's input.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * await ReadableStream.from([new TextEncoder().encode("piped")]).pipeTo(a.writable);
   * console.log(new TextDecoder().decode(await b.recv(1024))); // "piped"
   * console.log((await b.recv(1024)).length); // 0 (closing the stream sent SHUT_WR)
   * a.close();
   * b.close();
   * ```
   */
  get writable(): WritableStream<BytesLike> {
    return this.#writable ??= socketWritable(this.#portOf());
  }

  /**
   * Sends a file's bytes (Python's `sendfile`), from `offset`, `count` of
   * them or up to its end; the file position ends after the last byte sent.
   *
   * @param file A `Deno.FsFile` opened for reading.
   * @param offset Where to start.
   * @param count How many bytes (a positive integer); omitted or `null`: to the end.
   * @returns The number of bytes sent.
   * @throws {TypeError} when `file` is not a file, or `offset` or `count` not an integer.
   * @throws {ValueError} for a negative offset, a count that is not positive,
   *   or a non-blocking socket.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const path = await Deno.makeTempFile();
   * await Deno.writeTextFile(path, "0123456789");
   * const [a, b] = await socket.socketpair();
   * {
   *   using file = await Deno.open(path);
   *   console.log(await a.sendfile(file, 2, 5)); // 5
   * }
   * console.log(new TextDecoder().decode(await b.recv(1024))); // "23456"
   * a.close();
   * b.close();
   * await Deno.remove(path);
   * ```
   */
  sendfile(file: SendfileSource, offset = 0, count?: number | null): Promise<number> {
    try {
      this._checkOpen("sendfile");
      checkSendfile(file, offset, count);
      if (this.gettimeout() === 0) {
        throw new ValueError("Cannot sendfile: non-blocking sockets are not supported");
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return sendfile(file, offset, count, (p) => this.sendall(p));
  }

  /** @ignore A request of a server with `daemon_threads`: its reads keep no finished program alive. */
  override [DAEMON](): void {
    this.#daemon = true;
    if (this.#reader !== null) this.#reader.live.daemon = true;
  }

  /** @ignore The socket's readiness, for select, selectors and socketserver. */
  [POLL](): Poll {
    return this.#poll ??= new StreamSocket.#Readiness(this);
  }

  /**
   * A stream socket's readiness: one small object per watched socket, its
   * methods shared (a held connection that a selector watches carries no
   * closures for it).
   */
  static readonly #Readiness = class Readiness implements Poll {
    readonly #sock: StreamSocket;
    watch?: Watch;

    constructor(sock: StreamSocket) {
      this.#sock = sock;
    }

    readable(): boolean {
      const s = this.#sock;
      if (s.#acceptor) return s.#acceptor.ready || s.closed;
      return s.#reader?.ready ?? (s.closed || s.#connecting === null);
    }

    writable(): boolean {
      const s = this.#sock;
      if (s.#acceptor || s.#connecting) return s.closed;
      return s.#writer?.ready ?? true;
    }

    changed(read: boolean, write: boolean): Promise<void> {
      const s = this.#sock;
      if (s.closed) return Promise.resolve();
      // A send finishing in the background, or another task's send holding
      // the writer: wait until a send would not (so a select loop never spins).
      const writing = write && s.#writer !== null && !s.#writer.ready;
      if (s.#connecting === null && !writing) {
        // One wait that never rejects (the background accept's or fill's): itself.
        if (read && s.#acceptor) return s.#acceptor.watch();
        if (read && s.#reader) return s.#reader.watch();
      }
      const waits: Promise<unknown>[] = [];
      if (s.#connecting) waits.push(s.#connecting);
      else if (read && s.#acceptor) waits.push(s.#acceptor.watch());
      else if (read && s.#reader) waits.push(s.#reader.watch());
      if (writing) waits.push(s.#writer!.idle());
      return waits.length ? Promise.race(waits).then(noop, noop) : new Promise(noop);
    }
  };

  /**
   * Closes the socket and its Deno handles; calling it again does nothing.
   * Pending reads and accepts fail with `OSError` `EBADF`. Bytes already
   * accepted by a timed-out `send` are still written before the connection
   * closes. While a file from `makefile()` is open, `close()` only marks the
   * socket, which stays open and usable until the last file is closed, as
   * Python's `_io_refs` do.
   *
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = await socket.socketpair();
   * a.close();
   * console.log(a.closed, a.fileno(), (await b.recv(1024)).length); // true -1 0
   * b.close();
   * ```
   */
  override close(): void {
    if (this.closed) return;
    // As Python's: while a file from makefile() is open, close() only marks
    // the socket; it stays open and usable until the last file is closed.
    if (this.#files > 0) return void (this.#closeWhenFilesClose = true);
    super.close();
    this.#dialing?.abort();
    this.#takeFresh()?.close();
    if (this.#acceptor) this.#acceptor.close();
    else this.#listener?.close();
    this.#listener = null;
    this.#acceptor = null;
    this.#release();
  }

  /** Closes the connection (once neither the socket nor a file holds it). */
  #release(): void {
    const conn = this.#conn;
    if (conn === null) return;
    this.#conn = null;
    const linger = this._options.linger();
    // SO_LINGER on with 0 seconds: a reset, dropping what is unsent (node:net).
    if (linger === 0 && conn.reset) return conn.reset();
    // Bytes a timed-out send left to finish are still written, for as long as
    // SO_LINGER says or else the socket's timeout (as a kernel lingers on its
    // send buffer), then the connection is closed whether the peer read them or not.
    this.#writer!.closeAfter(conn, linger ?? this.gettimeout());
  }

  /**
   * @ignore Refuses a message call that would reorder bytes: `recvmsg` while
   * the reader holds bytes or a read is under way, `sendmsg` while a send is
   * still being written.
   */
  protected override _messageCheck(op: string): void {
    if (op === "sendmsg") {
      if (this.#writer && !this.#writer.ready) {
        throw new OSError(errno.EBUSY, undefined, {
          detail: `Cannot ${op}: a send is still being written`,
        });
      }
    } else if (this.#reader?.busy) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: `Cannot ${op}: a read is pending or bytes read from the connection are buffered`,
      });
    }
  }

  /** @ignore The connection's (under TLS, the plain one's) or the listener's descriptor. */
  protected override _descriptor(): Descriptor | null {
    const t = this.#conn !== null ? this.#conn.plain ?? this.#conn : this.#listener;
    if (t !== null) return t.descriptor ?? null;
    return this.#freshOf();
  }

  /**
   * The descriptor made before bind() or connect() (made now if it is time),
   * where every socket has one; else null.
   */
  #freshOf(): PacketTransport | null {
    if (this.#fresh !== null || this.closed || this.#connecting) return this.#fresh;
    const early = earlyDescriptor(this.family, SOCK_STREAM, this.proto);
    if (early === null) return null;
    this.#backend ??= early.backend;
    return this.#fresh = early.fresh;
  }

  /** Hands the early descriptor to what binds or connects it (it is theirs from now on). */
  #takeFresh(): PacketTransport | undefined {
    const fresh = this.#fresh ?? undefined;
    this.#fresh = null;
    return fresh;
  }

  /** @ignore The backend of the socket's handle (the inspect string names it). */
  protected override _backendName(): string | null {
    return this.#conn !== null || this.#listener !== null || this.#fresh !== null
      ? this.#backend?.caps.shownAs ?? null
      : null;
  }

  /**
   * Leaves the socket closed without closing its handle, and returns the
   * handle: the runtime's own where the backend has one — a `Deno.Conn`
   * (for a TLS socket, the plain connection under TLS), a `Deno.Listener`
   * —, the descriptor number where the socket has one, or `null` if it had
   * no handle yet (or was already closed). Python's `detach()` returns the
   * file descriptor; this is how a socket is handed to `Deno.startTls()`.
   *
   * @returns The `Deno.Conn` or `Deno.Listener`, a descriptor, or `null`.
   * @throws {OSError} `EBUSY` when a read, an accept or a send is pending, or
   *   bytes are buffered that the handle would not return; `EOPNOTSUPP`
   *   when the socket's backend has no handle to give (a connection or
   *   listener on node:net, whose bytes and connections pass through the
   *   package); the socket is then left as it was.
   *
   * @example Hand the connection to Deno and back
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * const sock = await socket.create_connection(srv.getsockname() as [string, number]);
   * const conn = sock.detach() as Deno.TcpConn; // for Deno.startTls(conn, { hostname })
   * console.log(sock.closed, conn.remoteAddr.port === srv.getsockname()[1]); // true true
   * using again = socket.fromConn(conn);
   * console.log(again.getpeername()[1] === srv.getsockname()[1]); // true
   * ```
   */
  detach(): Deno.Conn | Deno.Listener | number | null {
    if (this.closed) return null; // Python's detach() of a closed socket returns -1
    this.#checkHandOver("detach");
    // The connection the runtime knows: under TLS, the plain one.
    const t = this.#conn !== null ? this.#conn.plain ?? this.#conn : this.#listener;
    if (t === null) {
      const fresh = this.#takeFresh();
      this.#handOver("detach");
      return fresh?.release(this.gettimeout() === null) ?? null;
    }
    const caps = this.#backend?.caps;
    const detachable = this.#conn !== null ? caps?.detachableStream : caps?.detachableListener;
    const handle = t.fd ?? t.handle;
    if (detachable === false || handle === undefined) {
      throw new OSError(errno.EOPNOTSUPP, undefined, {
        detail: `Cannot detach: the ${this.#conn !== null ? "connection" : "listener"} runs on ` +
          `${caps?.name ?? "a backend"}, which has no handle to give`,
      });
    }
    const blocking = this.gettimeout() === null;
    this.#handOver("detach");
    // A descriptor goes blocking if the socket was (Python's state for what takes it over).
    return t.descriptor?.release(blocking) ?? handle as Deno.Conn | Deno.Listener | number;
  }

  /** Lets go of the connection or listener without closing it (detach and hand-over). */
  #handOver(
    op: string,
  ): { conn: StreamTransport | null; listener: ListenerTransport | null; listening: boolean } {
    this.#checkHandOver(op);
    const out = { conn: this.#conn, listener: this.#listener, listening: this.#acceptor !== null };
    // Handed on as the runtime makes them: ref'd (the hold this socket kept may have let go).
    out.conn?.ref();
    out.listener?.ref();
    this.#conn = null;
    this.#listener = null;
    this.#acceptor = null;
    // What read and wrote the connection goes with it (idle: checked above); this socket is closed.
    this.#reader = null;
    this.#writer = null;
    this.#scratch = null;
    this.#takeFresh()?.close(); // the socket taking over makes its own when asked
    super.close();
    return out;
  }

  /** Throws unless the socket is open and nothing is under way on it (what a hand-over needs). */
  #checkHandOver(op: string): void {
    this._checkOpen(op);
    if (this.#acceptor?.busy) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: `Cannot ${op}: a connection accepted in the background is pending or kept`,
      });
    }
    if (this.#reader?.busy) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: `Cannot ${op}: a read is pending or bytes read from the connection are buffered`,
      });
    }
    if (this.#writer && !this.#writer.ready) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: `Cannot ${op}: a send is still being written`,
      });
    }
    if (this.#connecting) {
      throw new OSError(errno.EBUSY, undefined, {
        detail: `Cannot ${op}: a connect is under way`,
      });
    }
  }
}
