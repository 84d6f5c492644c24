// Copyright 2026 the pysocket authors. MIT license.
// CPython's test certificates (tests/fixtures/certdata/, from Lib/test/certdata)
// and the two contexts test_ssl makes of them most often.

import * as ssl from "../ssl.ts";
import { ROOT } from "./_helpers.ts";

/** The directory of CPython's test certificates. */
export const CERTDATA = `${ROOT}tests/fixtures/certdata`;

/** The path of one of them. */
export const cert = (name: string): string => `${CERTDATA}/${name}`;

/** A client context trusting CPython's test CA (test_ssl's `SIGNING_CA`). */
export function clientContext(): ssl.SSLContext {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.load_verify_locations(cert("pycacert.pem"));
  return ctx;
}

/** A server context with `certfile` (test_ssl's SIGNED_CERTFILE, keycert3.pem: localhost, signed by the test CA). */
export function serverContext(certfile = "keycert3.pem"): ssl.SSLContext {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.load_cert_chain(cert(certfile));
  return ctx;
}
