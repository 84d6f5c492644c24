// Copyright 2026 the pysocket authors. MIT license.
// Python's ssl constants: protocols, verify modes, options, versions and
// purposes, with nothing to import.

/** Python's `ssl.PROTOCOL_TLS`: a context for either side (deprecated in Python; prefer the two below). */
export const PROTOCOL_TLS = 2;
/** Python's `ssl.PROTOCOL_TLS_CLIENT`: a client context, checking the server's certificate and name. */
export const PROTOCOL_TLS_CLIENT = 16;
/** Python's `ssl.PROTOCOL_TLS_SERVER`: a server context. */
export const PROTOCOL_TLS_SERVER = 17;

/** `verify_mode`: no certificate is asked for or checked. */
export const CERT_NONE = 0;
/** `verify_mode`: a server asks for a client certificate and checks it when one is given. */
export const CERT_OPTIONAL = 1;
/** `verify_mode`: the peer must present a certificate that verifies. */
export const CERT_REQUIRED = 2;

/** Python's `ssl.OP_ALL`: OpenSSL's bug workarounds. */
export const OP_ALL = 0x80000050;
/** Python's `ssl.OP_NO_SSLv2` (0: SSL 2 is gone). */
export const OP_NO_SSLv2 = 0;
/** Python's `ssl.OP_NO_SSLv3`. */
export const OP_NO_SSLv3 = 0x2000000;
/** Python's `ssl.OP_NO_TLSv1` (TLS 1.0 is never offered here). */
export const OP_NO_TLSv1 = 0x4000000;
/** Python's `ssl.OP_NO_TLSv1_1` (TLS 1.1 is never offered here). */
export const OP_NO_TLSv1_1 = 0x10000000;
/** Python's `ssl.OP_NO_TLSv1_2`: honoured, as `minimum_version` TLS 1.3. */
export const OP_NO_TLSv1_2 = 0x8000000;
/** Python's `ssl.OP_NO_TLSv1_3`: honoured, as `maximum_version` TLS 1.2. */
export const OP_NO_TLSv1_3 = 0x20000000;
/** Python's `ssl.OP_NO_COMPRESSION` (TLS compression is never used here). */
export const OP_NO_COMPRESSION = 0x20000;
/** Python's `ssl.OP_NO_TICKET`. */
export const OP_NO_TICKET = 0x4000;
/** Python's `ssl.OP_CIPHER_SERVER_PREFERENCE`. */
export const OP_CIPHER_SERVER_PREFERENCE = 0x400000;
/** Python's `ssl.OP_ENABLE_MIDDLEBOX_COMPAT`. */
export const OP_ENABLE_MIDDLEBOX_COMPAT = 0x100000;

/** Python's `ssl.HAS_SNI`: server name indication is supported. */
export const HAS_SNI = true;
/** Python's `ssl.HAS_ALPN`: ALPN is supported. */
export const HAS_ALPN = true;
/** Python's `ssl.HAS_TLSv1_3`: TLS 1.3 is supported. */
export const HAS_TLSv1_3 = true;

/** Python's `ssl.TLSVersion`: the values of `minimum_version` and `maximum_version`. */
export const TLSVersion = {
  /** The lowest version supported (here TLS 1.2). */
  MINIMUM_SUPPORTED: -2,
  /** The highest version supported (here TLS 1.3). */
  MAXIMUM_SUPPORTED: -1,
  /** SSL 3 (not supported). */
  SSLv3: 768,
  /** TLS 1.0 (not supported). */
  TLSv1: 769,
  /** TLS 1.1 (not supported). */
  TLSv1_1: 770,
  /** TLS 1.2. */
  TLSv1_2: 771,
  /** TLS 1.3. */
  TLSv1_3: 772,
} as const;

/** What a {@linkcode Purpose} is: an X.509 extended key usage, as Python's `_ASN1Object`. */
export interface ASN1Object {
  /** OpenSSL's number for it. */
  readonly nid: number;
  /** Its short name (`"serverAuth"`). */
  readonly shortname: string;
  /** Its long name. */
  readonly longname: string;
  /** Its object identifier. */
  readonly oid: string;
}

/** Python's `ssl.Purpose`: what a default context is for. */
export const Purpose: {
  /** Authenticating servers: a client's context. */
  readonly SERVER_AUTH: ASN1Object;
  /** Authenticating clients: a server's context. */
  readonly CLIENT_AUTH: ASN1Object;
} = {
  SERVER_AUTH: Object.freeze({
    nid: 129,
    shortname: "serverAuth",
    longname: "TLS Web Server Authentication",
    oid: "1.3.6.1.5.5.7.3.1",
  }),
  CLIENT_AUTH: Object.freeze({
    nid: 130,
    shortname: "clientAuth",
    longname: "TLS Web Client Authentication",
    oid: "1.3.6.1.5.5.7.3.2",
  }),
};
