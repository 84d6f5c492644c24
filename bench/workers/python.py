# Copyright 2026 the pysocket authors. MIT license.
"""Worker for bench/compare with CPython's blocking `socket` (and asyncio for
the many-connections echo server). Same roles and output as deno.ts:

    python3 bench/workers/python.py <role> [args...]

and bench/tls's, with its `ssl`: tls-server <cert> <key> <bytes> (serves
every connection until killed), tls-client <port> <bytes> <cafile>; and the
same stream in the clear: plain-server <bytes>, plain-client <port> <bytes>.
"""

import asyncio
import json
import socket
import ssl
import struct
import sys
import time

CHUNK = 64 * 1024
SMALL = 64


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def result(r):
    say("RESULT " + json.dumps(r))


def listen():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(1024)
    say(f"READY {s.getsockname()[1]}")
    return s


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exactly(s, view):
    got = 0
    while got < len(view):
        n = s.recv_into(view[got:])
        if n == 0:
            raise EOFError("server closed early")
        got += n


def bulk_server():
    srv = listen()
    c, _ = srv.accept()
    buf = bytearray(CHUNK)
    total = 0
    while True:
        n = c.recv_into(buf)
        if n == 0:
            break
        total += n
    c.sendall(struct.pack(">Q", total))
    c.close()
    srv.close()
    result({"bytes": total})


def bulk_client(port, nbytes):
    chunk = b"\x5a" * CHUNK
    ack = bytearray(8)
    t0 = time.perf_counter()
    s = connect(port)
    sent = 0
    while sent < nbytes:
        s.sendall(chunk)
        sent += CHUNK
    s.shutdown(socket.SHUT_WR)
    recv_exactly(s, memoryview(ack))
    s.close()
    secs = time.perf_counter() - t0
    got = struct.unpack(">Q", ack)[0]
    if got != nbytes:
        raise RuntimeError(f"server received {got} bytes, expected {nbytes}")
    result({"bytes": got, "secs": secs, "value": nbytes / 1e6 / secs})


def pp_server():
    srv = listen()
    c, _ = srv.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    while True:
        n = c.recv_into(buf)
        if n == 0:
            break
        c.sendall(view[:n])
    c.close()
    srv.close()
    result({})


def pp_client(port, trips):
    msg = b"a" * SMALL
    buf = memoryview(bytearray(SMALL))
    t0 = time.perf_counter()
    s = connect(port)
    for _ in range(trips):
        s.sendall(msg)
        recv_exactly(s, buf)
    s.close()
    secs = time.perf_counter() - t0
    result({"secs": secs, "value": trips / secs})


async def echo_server():
    async def handle(reader, writer):
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    say(f"READY {srv.sockets[0].getsockname()[1]}")
    async with srv:
        await srv.serve_forever()


def lines_server(rounds):
    """Per connection: readline() until end of stream; reports the seconds from
    the first readline() to the last, and the lines and bytes read."""
    srv = listen()
    secs, lines, nbytes = [], [], []
    for _ in range(rounds):
        c, _ = srv.accept()
        f = c.makefile("rb")
        n = total = 0
        t0 = time.perf_counter()
        while True:
            line = f.readline()
            if not line:
                break
            n += 1
            total += len(line)
        secs.append(time.perf_counter() - t0)
        lines.append(n)
        nbytes.append(total)
        f.close()
        c.sendall(struct.pack("!Q", n))
        c.close()
    result({"secs": secs, "lines": lines, "bytes": nbytes})


def udp_server(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    say(f"READY {s.getsockname()[1]}")
    buf = bytearray(2048)
    got = 0
    first = last = 0.0
    s.settimeout(60)
    try:
        while got < count:
            s.recv_into(buf)
            if got == 0:
                first = time.perf_counter()
                s.settimeout(1)
            got += 1
            last = time.perf_counter()
    except TimeoutError:
        pass
    s.close()
    secs = last - first
    result({"received": got, "value": got / secs if secs > 0 else 0})


def udp_client(port, count):
    msg = b"c" * SMALL
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    to = ("127.0.0.1", port)
    t0 = time.perf_counter()
    for _ in range(count):
        s.sendto(msg, to)
    secs = time.perf_counter() - t0
    s.close()
    result({"sent": count, "secs": secs, "value": count / secs})


def tls_server(cert, key, size):
    """bench/tls's server: every connection, one after another, gets `size`
    bytes over TLS (64 KiB sendall()s), then close_notify; serves until killed."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    block = bytes(range(256)) * 256
    srv = listen()
    while True:
        conn, _ = srv.accept()
        try:
            s = ctx.wrap_socket(conn, server_side=True)
            for _ in range(0, size, len(block)):
                s.sendall(block)
            try:
                raw = s.unwrap()  # close_notify, and the client's
            except (ssl.SSLError, OSError):
                raw = s
            # Close once the client has: closing over unread bytes would reset the connection.
            raw.settimeout(5)
            try:
                while raw.recv(CHUNK):
                    pass
            except (ssl.SSLError, OSError):
                pass
            raw.close()
        except Exception as e:
            print("server:", e, file=sys.stderr)


def tls_client(port, size, cafile):
    """bench/tls's CPython client: recv_into() a reused 64 KiB buffer to end of
    stream; wall and CPU time from before connecting to the last byte."""
    ctx = ssl.create_default_context(cafile=cafile)
    t0, c0 = time.perf_counter(), time.process_time()
    with ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost") as s:
        buf = bytearray(CHUNK)
        got = 0
        while n := s.recv_into(buf):
            got += n
    result({"bytes": got, "ms": (time.perf_counter() - t0) * 1000, "cpu_ms": (time.process_time() - c0) * 1000})


def plain_server(size):
    """bench/tls's plain server: tls_server()'s stream without TLS — every
    connection, one after another, gets `size` bytes (64 KiB sendall()s),
    then end of stream; serves until killed."""
    block = bytes(range(256)) * 256
    srv = listen()
    while True:
        conn, _ = srv.accept()
        try:
            for _ in range(0, size, len(block)):
                conn.sendall(block)
            conn.shutdown(socket.SHUT_WR)
            # Close once the client has: closing over unread bytes would reset the connection.
            conn.settimeout(5)
            while conn.recv(CHUNK):
                pass
        except OSError as e:
            print("server:", e, file=sys.stderr)
        finally:
            conn.close()


def plain_client(port, size):
    """tls_client() in the clear: recv_into() a reused 64 KiB buffer to end of stream."""
    t0, c0 = time.perf_counter(), time.process_time()
    with socket.create_connection(("127.0.0.1", port)) as s:
        buf = bytearray(CHUNK)
        got = 0
        while n := s.recv_into(buf):
            got += n
    result({"bytes": got, "ms": (time.perf_counter() - t0) * 1000, "cpu_ms": (time.process_time() - c0) * 1000})


def main():
    role = sys.argv[1]
    if role == "tls-server":
        return tls_server(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    if role == "tls-client":
        return tls_client(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    if role == "plain-server":
        return plain_server(int(sys.argv[2]))
    if role == "plain-client":
        return plain_client(int(sys.argv[2]), int(sys.argv[3]))
    args = [int(a) for a in sys.argv[2:]]
    if role == "bulk-server":
        bulk_server()
    elif role == "bulk-client":
        bulk_client(*args)
    elif role == "pp-server":
        pp_server()
    elif role == "pp-client":
        pp_client(*args)
    elif role == "echo-server":
        asyncio.run(echo_server())
    elif role == "lines-server":
        lines_server(int(args[0]))
    elif role == "udp-server":
        udp_server(*args)
    elif role == "udp-client":
        udp_client(*args)
    else:
        raise SystemExit(f"unknown role {role}")


if __name__ == "__main__":
    main()
