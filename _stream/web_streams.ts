// Copyright 2026 the pysocket authors. MIT license.
// Web Streams over a stream socket. `readable` takes its bytes from the
// socket's reader only when a read asks for them, so a reader that is
// released or cancelled leaves every unread byte to the socket's next recv().

import type { BytesLike } from "../_common/bytes.ts";
import { ownCopy, toBytes } from "../_common/bytes.ts";
import type { StreamPort } from "./port.ts";

/** The largest chunk a default (non-BYOB) read is given. */
const CHUNK = 64 * 1024;

/** A byte stream (BYOB readers supported) over the socket's reader. */
export function socketReadable(port: StreamPort): ReadableStream<Uint8Array<ArrayBuffer>> {
  let cancelled = false;
  const chunk = (_buf: Uint8Array, start: number, end: number) => Math.min(end - start, CHUNK);
  const stream: ReadableStream<Uint8Array<ArrayBuffer>> = new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: CHUNK,
    async pull(controller) {
      const reader = await port.reader("read");
      for (;;) {
        // Wait for bytes without the lock, so recv() callers are not held up.
        while (!reader.ready) await reader.arrival();
        // A read whose reader was released meanwhile takes nothing: the bytes stay for recv().
        if (cancelled || !stream.locked) return;
        const req = controller.byobRequest;
        if (req?.view) {
          const v = req.view;
          const n = reader.tryRead(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), "read");
          if (n > 0) return req.respond(n);
          if (n === 0) {
            controller.close();
            return req.respond(0);
          }
        } else {
          const bytes = reader.tryTake(chunk, ownCopy, "read");
          if (bytes !== undefined && bytes.length > 0) return controller.enqueue(bytes);
          if (bytes !== undefined) return controller.close();
        }
        // Another read holds the lock or took the bytes: wait for it, then look again.
        await reader.idle();
      }
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return stream;
}

/** A stream whose writes are `sendall()`s; closing it half-closes (`SHUT_WR`). */
export function socketWritable(port: StreamPort): WritableStream<BytesLike> {
  return new WritableStream({
    write: (chunk) => port.sendall(toBytes(chunk)),
    close: () => port.shutdownWrite(),
  });
}
