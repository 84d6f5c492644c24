// Copyright 2026 the pysocket authors. MIT license.
// The one door through which the package's tests steer and observe its
// internals: plain state, read where it matters, set by nothing but tests.
// Production modules export nothing test-only.

/** Switches and counters for the package's own tests. */
export const testing: {
  /**
   * The backend connecting and datagram sockets take in Deno when they need
   * nothing in particular, so that one suite runs over both backends
   * (`_transport/pick.ts` reads it; outside Deno the node backend is the only one).
   */
  backend: "deno" | "node" | "ffi";
  /**
   * The engine SSLSockets run on: `"openssl"` (libssl through FFI), `"node"`
   * (the runtime's node:tls), or `null` to follow `PYSOCKET_TLS`
   * (`_transport/ffi_load.ts` reads it).
   */
  tlsEngine: "node" | "openssl" | null;
  /** Set when `_transport/ffi.ts` is evaluated (it must not be, unless a socket needs descriptors). */
  ffiEvaluated: boolean;
  /** Read buffers of more than 4 KiB the libssl engine made for a connection (not the spare it took back). */
  libsslReadBuffers: number;
  /** Byte accounting of the stream reader, for tests that check what reads cost without timing them. */
  readonly reader: {
    /** Bytes copied by the buffer: growing, compacting, and handing copies out. */
    copied: number;
    /** Reads of the transport into the buffer. */
    fills: number;
  };
} = {
  backend: "deno",
  tlsEngine: null,
  ffiEvaluated: false,
  libsslReadBuffers: 0,
  reader: { copied: 0, fills: 0 },
};
