// Copyright 2026 the pysocket authors. MIT license.
// Real descriptors (DESIGN §20) across runtimes: where every socket is one
// (the suite run with PYSOCKET_BACKEND=ffi, as tests/runtimes_test.ts does
// on Bun), `fileno()` is the kernel's, `dup()`, `send_fds`/`recv_fds` and
// `socket(fileno=)` work as Python's; elsewhere the same calls raise the
// OSError that names PYSOCKET_BACKEND=ffi. One test per check either way,
// so every runtime runs as many.

import assert from "node:assert/strict";
import { readlinkSync } from "node:fs";
import { test } from "node:test";
import * as socket from "../../mod.ts";
import { FFI_EVERYWHERE, RUNTIME, scope } from "./_program.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The clear error of a call that needs a descriptor on a socket that has none. */
const needsDescriptor = (e: unknown) =>
  e instanceof socket.OSError && e.errno === socket.errno.EOPNOTSUPP &&
  /PYSOCKET_BACKEND=ffi/.test(e.message);

/** What `/proc/self/fd/<fd>` links to (`socket:[inode]` for a socket). */
const link = (fd: number) => readlinkSync(`/proc/self/fd/${fd}`);

/** A listener on 127.0.0.1, an ephemeral port. */
function listening(): socket.StreamSocket {
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.bind(["127.0.0.1", 0]);
  srv.listen();
  return srv;
}

test(`fileno() is the kernel's descriptor and dup() shares its socket, or a clear OSError, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = enter(listening());
    if (!FFI_EVERYWHERE) {
      assert.throws(() => srv.dup(), needsDescriptor);
      return;
    }
    const port = (srv.getsockname() as socket.IPv4Address)[1];
    assert.match(link(srv.fileno()), /^socket:\[\d+\]$/);
    const cli = enter(socket.socket());
    await cli.connect(["127.0.0.1", port]);
    const [conn] = await srv.accept();
    enter(conn);
    const twin = enter(cli.dup() as socket.StreamSocket);
    assert.notEqual(twin.fileno(), cli.fileno());
    assert.equal(link(twin.fileno()), link(cli.fileno()));
    cli.close(); // the socket lives on in its duplicate
    await twin.sendall(enc.encode("through the duplicate"));
    assert.equal(dec.decode(await conn.recv(64)), "through the duplicate");
  }));

test(`send_fds() and recv_fds() pass a socket between two sockets, or a clear OSError, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const udp = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    udp.bind(["127.0.0.1", 0]);
    await null; // node:dgram binds after bind() returns
    const [a, b] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
    enter(a);
    enter(b);
    if (!FFI_EVERYWHERE) {
      assert.throws(() => udp.dup(), needsDescriptor); // its fileno() is a number of ours
      return;
    }
    await socket.send_fds(a, [enc.encode("one socket")], [udp.fileno()]);
    const [data, fds] = await socket.recv_fds(b, 64, 4);
    assert.equal(dec.decode(data), "one socket");
    assert.equal(fds.length, 1);
    assert.equal(link(fds[0]), link(udp.fileno()));
    const got = enter(socket.socket(undefined, undefined, undefined, fds[0]));
    assert.equal(got.type, socket.SOCK_DGRAM);
    assert.deepEqual(got.getsockname(), udp.getsockname());
    const peer = enter(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    await peer.sendto(enc.encode("to the received socket"), got.getsockname());
    const [back] = await udp.recvfrom(64); // one socket, two descriptors
    assert.equal(dec.decode(back), "to the received socket");
  }));

test(`socket(fileno=) adopts a listener's descriptor and accepts on it, or a clear OSError, on ${RUNTIME}`, () =>
  scope(async (enter) => {
    const srv = listening();
    const addr = srv.getsockname() as socket.IPv4Address;
    if (!FFI_EVERYWHERE) {
      enter(srv);
      assert.throws(
        () => socket.fromfd(0, socket.AF_INET, socket.SOCK_STREAM),
        (e) => e instanceof socket.OSError,
      );
      return;
    }
    const fd = srv.detach() as number;
    const adopted = enter(socket.socket(undefined, undefined, undefined, fd));
    assert.equal(adopted.fileno(), fd);
    assert.equal(adopted.family, socket.AF_INET);
    assert.equal(adopted.type, socket.SOCK_STREAM);
    assert.deepEqual(adopted.getsockname(), addr);
    const cli = enter(socket.socket());
    await cli.connect(addr);
    const [conn] = await (adopted as socket.StreamSocket).accept();
    enter(conn);
    await cli.sendall(enc.encode("adopted"));
    assert.equal(dec.decode(await conn.recv(64)), "adopted");
  }));
