// Copyright 2026 the pysocket authors. MIT license.
// Web Streams and sendfile over a stream socket. `readable` takes its bytes
// from the socket's shared read buffer only when a read asks for them, so a
// reader that is released or cancelled leaves every unread byte to the
// socket's next recv().

import { streamInternals, type StreamSocket } from "./tcp.ts";
import { SHUT_WR } from "./constants.ts";
import { type BytesLike, toBytes } from "./_util.ts";

const CHUNK = 64 * 1024;

/** A byte stream (BYOB readers supported) over the socket's read buffer. */
export function socketReadable(sock: StreamSocket): ReadableStream<Uint8Array> {
  let cancelled = false;
  const stream: ReadableStream<Uint8Array> = new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: CHUNK,
    async pull(controller) {
      const io = await streamInternals(sock, "read");
      const b = io.buffer;
      for (;;) {
        // Wait for bytes without the lock, so recv() callers are not held up.
        while (!b.ready) await b.startFill();
        // A read whose reader was released meanwhile takes nothing: the bytes stay for recv().
        if (cancelled || !stream.locked) return;
        await io.readLock.acquire();
        try {
          if (!stream.locked) return;
          if (!b.size) {
            if (!b.done) continue;
            b.throwError();
            controller.close();
            controller.byobRequest?.respond(0);
            return;
          }
          const req = controller.byobRequest;
          if (req?.view) {
            const v = req.view;
            req.respond(b.take(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
          } else controller.enqueue(b.takeBytes(CHUNK));
          return;
        } catch (e) {
          throw io.fail(e, "read");
        } finally {
          io.readLock.release();
        }
      }
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return stream;
}

/** A stream whose writes are `sendall()`s; closing it half-closes (`SHUT_WR`). */
export function socketWritable(sock: StreamSocket): WritableStream<BytesLike> {
  return new WritableStream({
    write: (chunk) => sock.sendall(chunk),
    close: () => sock.shutdown(SHUT_WR),
  });
}

/** What `sendfile()` reads from: a `Deno.FsFile`, or anything with its `read`/`seek`. */
export interface SendfileSource {
  /** Reads into `p`; resolves the count, or null at end of file. */
  read(p: Uint8Array): Promise<number | null>;
  /** Moves the file position. */
  seek(offset: number | bigint, whence: Deno.SeekMode): Promise<number>;
}

/** Sends `count` bytes (or all) of `file` from `offset`; resolves the bytes sent. */
export async function sendfileImpl(
  sock: StreamSocket,
  file: SendfileSource,
  offset: number,
  count: number | null | undefined,
): Promise<number> {
  if (!file || typeof file.read !== "function" || typeof file.seek !== "function") {
    throw new TypeError("Cannot sendfile: file must be a Deno.FsFile opened for reading");
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(
      `Cannot sendfile: offset must be a non-negative integer: current value is ${offset}`,
    );
  }
  if (count !== null && count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new RangeError(
      `Cannot sendfile: count must be a non-negative integer: current value is ${count}`,
    );
  }
  await file.seek(offset, Deno.SeekMode.Start);
  const limit = count ? count : Infinity;
  const buf = new Uint8Array(Math.min(CHUNK * 4, limit));
  let sent = 0;
  while (sent < limit) {
    const want = Math.min(buf.length, limit - sent);
    const n = await file.read(want === buf.length ? buf : buf.subarray(0, want));
    if (n === null || n === 0) break;
    await sock.sendall(toBytes(buf.subarray(0, n)));
    sent += n;
  }
  return sent;
}
