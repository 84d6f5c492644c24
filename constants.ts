// Copyright 2026 the pysocket authors. MIT license.
/**
 * The numeric constants of Python's `socket` module, with Linux's values
 * (the values CPython exposes on Linux).
 *
 * @example Open a TCP socket
 * ```ts
 * import { AF_INET, SOCK_STREAM, socket } from "./mod.ts";
 *
 * using sock = socket(AF_INET, SOCK_STREAM);
 * ```
 *
 * @module
 */

// Address families (Linux values).
/** Unspecified address family: any family `getaddrinfo()` finds. */
export const AF_UNSPEC = 0;
/** Unix domain sockets, addressed by a filesystem path. */
export const AF_UNIX = 1;
/** IPv4, addressed by `[host, port]`. */
export const AF_INET = 2;
/** IPv6, addressed by `[host, port, flowinfo, scope_id]`. */
export const AF_INET6 = 10;

// Socket types.
/** Stream socket: TCP, or an AF_UNIX stream. */
export const SOCK_STREAM = 1;
/** Datagram socket: UDP, or an AF_UNIX datagram socket. */
export const SOCK_DGRAM = 2;
/** Raw socket. Deno cannot open one: `socket()` raises `OSError`. */
export const SOCK_RAW = 3;
/** Reliably-delivered datagrams. Deno cannot open one. */
export const SOCK_RDM = 4;
/** Sequenced packets. Deno cannot open one. */
export const SOCK_SEQPACKET = 5;
/** Flag for `socket()`'s type: create the socket in non-blocking mode. */
export const SOCK_NONBLOCK = 2048;
/** Flag for `socket()`'s type: close on exec (Deno always does). */
export const SOCK_CLOEXEC = 0x80000;

// Protocol levels and numbers.
/** Option level of the socket itself. */
export const SOL_SOCKET = 1;
/** Option level of IPv4 (same as `IPPROTO_IP`). */
export const SOL_IP = 0;
/** Option level of TCP (same as `IPPROTO_TCP`). */
export const SOL_TCP = 6;
/** Option level of UDP (same as `IPPROTO_UDP`). */
export const SOL_UDP = 17;
/** Internet Protocol, the default protocol of an IPv4 socket. */
export const IPPROTO_IP = 0;
/** ICMP (raw sockets only, which Deno cannot open). */
export const IPPROTO_ICMP = 1;
/** Transmission Control Protocol. */
export const IPPROTO_TCP = 6;
/** User Datagram Protocol. */
export const IPPROTO_UDP = 17;
/** Internet Protocol version 6 (option level for `IPV6_*`). */
export const IPPROTO_IPV6 = 41;
/** ICMP for IPv6 (raw sockets only). */
export const IPPROTO_ICMPV6 = 58;
/** Raw IP packets (raw sockets only). */
export const IPPROTO_RAW = 255;

// Socket-level options (`SOL_SOCKET`).
/** Socket option: record debugging information. */
export const SO_DEBUG = 1;
/** Socket option: allow reuse of a local address. */
export const SO_REUSEADDR = 2;
/** Socket option (read-only): the socket type. */
export const SO_TYPE = 3;
/** Socket option (read-only): the pending error, cleared when read. */
export const SO_ERROR = 4;
/** Socket option: bypass routing. */
export const SO_DONTROUTE = 5;
/** Socket option: permit sending broadcast datagrams. */
export const SO_BROADCAST = 6;
/** Socket option: send buffer size. */
export const SO_SNDBUF = 7;
/** Socket option: receive buffer size. */
export const SO_RCVBUF = 8;
/** Socket option: send TCP keep-alive probes. */
export const SO_KEEPALIVE = 9;
/** Socket option: receive out-of-band data inline. */
export const SO_OOBINLINE = 10;
/** Socket option: protocol-defined priority of sent packets. */
export const SO_PRIORITY = 12;
/** Socket option: linger on close while data remains to send. */
export const SO_LINGER = 13;
/** Socket option: allow several sockets to bind the same port. */
export const SO_REUSEPORT = 15;
/** Socket option: receive the sender's credentials (`SCM_CREDENTIALS`) with AF_UNIX messages. */
export const SO_PASSCRED = 16;
/** Socket option (read-only): the connected AF_UNIX peer's credentials, a `struct ucred` (pid, uid, gid). */
export const SO_PEERCRED = 17;
/** Socket option: minimum byte count for input. */
export const SO_RCVLOWAT = 18;
/** Socket option: minimum byte count for output. */
export const SO_SNDLOWAT = 19;
/** Socket option: receive timeout (use `settimeout()`). */
export const SO_RCVTIMEO = 20;
/** Socket option: send timeout (use `settimeout()`). */
export const SO_SNDTIMEO = 21;
/** Socket option: bind to a network interface. */
export const SO_BINDTODEVICE = 25;
/** Socket option (read-only): whether the socket is listening. */
export const SO_ACCEPTCONN = 30;
/** Socket option (read-only): the socket's protocol. */
export const SO_PROTOCOL = 38;
/** Socket option (read-only): the socket's address family. */
export const SO_DOMAIN = 39;
/** The largest backlog `listen()` passes on (Linux's default). */
export const SOMAXCONN = 4096;

// TCP options (`IPPROTO_TCP`).
/** TCP option: send small segments at once (disable Nagle's algorithm). */
export const TCP_NODELAY = 1;
/** TCP option: maximum segment size. */
export const TCP_MAXSEG = 2;
/** TCP option: hold back partial frames. */
export const TCP_CORK = 3;
/** TCP option: idle seconds before keep-alive probes start. */
export const TCP_KEEPIDLE = 4;
/** TCP option: seconds between keep-alive probes. */
export const TCP_KEEPINTVL = 5;
/** TCP option: keep-alive probes before the connection drops. */
export const TCP_KEEPCNT = 6;
/** TCP option: SYN retransmits before connect fails. */
export const TCP_SYNCNT = 7;
/** TCP option: lifetime of orphaned FIN_WAIT2 sockets. */
export const TCP_LINGER2 = 8;
/** TCP option: wake the listener only when data arrives. */
export const TCP_DEFER_ACCEPT = 9;
/** TCP option: bound the advertised window. */
export const TCP_WINDOW_CLAMP = 10;
/** TCP option (read-only): connection information. */
export const TCP_INFO = 11;
/** TCP option: send ACKs at once. */
export const TCP_QUICKACK = 12;
/** TCP option: congestion control algorithm. */
export const TCP_CONGESTION = 13;
/** TCP option: milliseconds unacknowledged data may stay before the connection drops. */
export const TCP_USER_TIMEOUT = 18;
/** TCP option: enable TCP Fast Open on a listener. */
export const TCP_FASTOPEN = 23;
/** TCP option: limit of unsent bytes in the send queue. */
export const TCP_NOTSENT_LOWAT = 25;

// IPv4 options (`IPPROTO_IP`).
/** IPv4 option: type-of-service field. */
export const IP_TOS = 1;
/** IPv4 option: time-to-live of unicast packets. */
export const IP_TTL = 2;
/** IPv4 option: the application supplies the IP header (raw sockets). */
export const IP_HDRINCL = 3;
/** IPv4 option: IP header options. */
export const IP_OPTIONS = 4;
/** IPv4 option: receive IP options with datagrams. */
export const IP_RECVOPTS = 6;
/** IPv4 option: receive an `IP_PKTINFO` control message (`struct in_pktinfo`) with each datagram. */
export const IP_PKTINFO = 8;
/** IPv4 option: receive an `IP_TTL` control message (the TTL, an int) with each datagram. */
export const IP_RECVTTL = 12;
/** IPv4 option: receive an `IP_TOS` control message (the type of service, a byte) with each datagram. */
export const IP_RECVTOS = 13;
/** IPv4 option: outgoing interface for multicast. */
export const IP_MULTICAST_IF = 32;
/** IPv4 option: time-to-live of multicast datagrams. */
export const IP_MULTICAST_TTL = 33;
/** IPv4 option: loop multicast datagrams back to local members. */
export const IP_MULTICAST_LOOP = 34;
/** IPv4 option: join a multicast group (`inet_aton(group) + inet_aton(iface)`). */
export const IP_ADD_MEMBERSHIP = 35;
/** IPv4 option: leave a multicast group. */
export const IP_DROP_MEMBERSHIP = 36;
/** Default multicast time-to-live. */
export const IP_DEFAULT_MULTICAST_TTL = 1;
/** Default multicast loopback setting. */
export const IP_DEFAULT_MULTICAST_LOOP = 1;

// IPv6 options (`IPPROTO_IPV6`).
/** IPv6 option: hop limit of unicast packets. */
export const IPV6_UNICAST_HOPS = 16;
/** IPv6 option: outgoing interface index for multicast. */
export const IPV6_MULTICAST_IF = 17;
/** IPv6 option: hop limit of multicast packets. */
export const IPV6_MULTICAST_HOPS = 18;
/** IPv6 option: loop multicast packets back to local members. */
export const IPV6_MULTICAST_LOOP = 19;
/** IPv6 option: join a multicast group (`inet_pton(AF_INET6, group) + interface index`). */
export const IPV6_JOIN_GROUP = 20;
/** IPv6 option: leave a multicast group. */
export const IPV6_LEAVE_GROUP = 21;
/** IPv6 option: restrict an AF_INET6 socket to IPv6. */
export const IPV6_V6ONLY = 26;
/** IPv6 option (RFC 3542): receive an `IPV6_PKTINFO` control message with each datagram. */
export const IPV6_RECVPKTINFO = 49;
/** IPv6 control message (RFC 3542): `struct in6_pktinfo`, the destination address and interface. */
export const IPV6_PKTINFO = 50;
/** IPv6 option (RFC 3542): receive an `IPV6_HOPLIMIT` control message with each datagram. */
export const IPV6_RECVHOPLIMIT = 51;
/** IPv6 control message (RFC 3542): the hop limit, an int (received, or set on one datagram sent). */
export const IPV6_HOPLIMIT = 52;
/** IPv6 option (RFC 3542): receive an `IPV6_TCLASS` control message with each datagram. */
export const IPV6_RECVTCLASS = 66;
/** IPv6 option and control message (RFC 3542): the traffic class, an int. */
export const IPV6_TCLASS = 67;

// How `shutdown()` closes.
/** `shutdown()`: no more receptions; later reads return end of stream. */
export const SHUT_RD = 0;
/** `shutdown()`: no more transmissions; the peer reads end of stream. */
export const SHUT_WR = 1;
/** `shutdown()`: both `SHUT_RD` and `SHUT_WR`. */
export const SHUT_RDWR = 2;

// Flags for `send*`/`recv*`.
/** Flag: out-of-band data (not supported by Deno). */
export const MSG_OOB = 1;
/** Flag: return data without removing it from the receive queue. */
export const MSG_PEEK = 2;
/** Flag: send without routing (not supported by Deno). */
export const MSG_DONTROUTE = 4;
/** Flag: control data was truncated. */
export const MSG_CTRUNC = 8;
/** Flag: the datagram was larger than the buffer. */
export const MSG_TRUNC = 0x20;
/** Flag: make this one call non-blocking. */
export const MSG_DONTWAIT = 0x40;
/** Flag: end of record. */
export const MSG_EOR = 0x80;
/** Flag: wait for the full count (or end of stream). */
export const MSG_WAITALL = 0x100;
/** Flag: confirm the link layer path. */
export const MSG_CONFIRM = 0x800;
/** Flag: read the error queue (not supported by Deno). */
export const MSG_ERRQUEUE = 0x2000;
/** Flag: no SIGPIPE on a broken stream (Deno never raises it). */
export const MSG_NOSIGNAL = 0x4000;
/** Flag: more data follows. */
export const MSG_MORE = 0x8000;
/** Flag of `recvmsg()`: descriptors received with `SCM_RIGHTS` are close-on-exec. */
export const MSG_CMSG_CLOEXEC = 0x40000000;

// Control messages (`SOL_SOCKET` level of `sendmsg()`/`recvmsg()` ancillary data).
/** Control message: descriptors passed over an AF_UNIX socket (an array of ints). */
export const SCM_RIGHTS = 1;
/** Control message: the sender's credentials over an AF_UNIX socket (`struct ucred`: pid, uid, gid). */
export const SCM_CREDENTIALS = 2;

// `getaddrinfo()` flags.
/** `getaddrinfo()` flag: the address is for `bind()`. */
export const AI_PASSIVE = 1;
/** `getaddrinfo()` flag: return the canonical name. */
export const AI_CANONNAME = 2;
/** `getaddrinfo()` flag: the host must be a numeric address. */
export const AI_NUMERICHOST = 4;
/** `getaddrinfo()` flag: IPv4-mapped IPv6 addresses. */
export const AI_V4MAPPED = 8;
/** `getaddrinfo()` flag: IPv4 and IPv6 addresses. */
export const AI_ALL = 0x10;
/** `getaddrinfo()` flag: only families configured on this host. */
export const AI_ADDRCONFIG = 0x20;
/** `getaddrinfo()` flag: the port must be numeric. */
export const AI_NUMERICSERV = 0x400;
/** `getnameinfo()` flag: numeric host. */
export const NI_NUMERICHOST = 1;
/** `getnameinfo()` flag: numeric service. */
export const NI_NUMERICSERV = 2;
/** `getnameinfo()` flag: short host name. */
export const NI_NOFQDN = 4;
/** `getnameinfo()` flag: fail if the name is unknown. */
export const NI_NAMEREQD = 8;
/** `getnameinfo()` flag: the service is a datagram service. */
export const NI_DGRAM = 16;

// Special IPv4 addresses, as integers.
/** The IPv4 wildcard address 0.0.0.0. */
export const INADDR_ANY = 0;
/** The IPv4 loopback address 127.0.0.1. */
export const INADDR_LOOPBACK = 0x7f000001;
/** The IPv4 broadcast address 255.255.255.255. */
export const INADDR_BROADCAST = 0xffffffff;
/** The invalid IPv4 address. */
export const INADDR_NONE = 0xffffffff;
