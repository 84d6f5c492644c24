// Copyright 2026 the pysocket authors. MIT license.
// The mark a refusal carries to say which TLS alert goes to the peer: shared
// by both TLS engines (tls.ts's node:tls, openssl.ts's libssl) and the
// checks that refuse (verify.ts), without one engine importing the other.

/** The key of the TLS alert an error a `hello` callback throws sends to the client first. */
export const ALERT: unique symbol = Symbol("pysocket.tls.alert");
