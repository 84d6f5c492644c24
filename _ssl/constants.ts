// Copyright 2026 the pysocket authors. MIT license.
// Python's ssl constants: protocols, verify modes, options, versions and
// purposes, with nothing to import.

/** Python's `ssl.PROTOCOL_TLS`: a context for either side (deprecated in Python; prefer the two below). */
export const PROTOCOL_TLS = 2;
/** Python's `ssl.PROTOCOL_SSLv23`: the old name of {@linkcode PROTOCOL_TLS}. */
export const PROTOCOL_SSLv23 = 2;
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
/** Python's `ssl.OP_NO_RENEGOTIATION` (renegotiation is never offered here). */
export const OP_NO_RENEGOTIATION = 0x40000000;
/** Python's `ssl.OP_IGNORE_UNEXPECTED_EOF`. */
export const OP_IGNORE_UNEXPECTED_EOF = 0x80;
/** Python's `ssl.OP_SINGLE_DH_USE` (0: always so, as in OpenSSL 1.1 and later). */
export const OP_SINGLE_DH_USE = 0;
/** Python's `ssl.OP_SINGLE_ECDH_USE` (0: always so, as in OpenSSL 1.1 and later). */
export const OP_SINGLE_ECDH_USE = 0;

/** Python's `ssl.VERIFY_DEFAULT` (`verify_flags`). */
export const VERIFY_DEFAULT = 0;
/** Python's `ssl.VERIFY_CRL_CHECK_LEAF`: the peer's certificate must not be revoked (a CRL must be loaded). */
export const VERIFY_CRL_CHECK_LEAF = 0x4;
/** Python's `ssl.VERIFY_CRL_CHECK_CHAIN`: no certificate of the chain may be revoked. */
export const VERIFY_CRL_CHECK_CHAIN = 0xc;
/** Python's `ssl.VERIFY_X509_STRICT`. */
export const VERIFY_X509_STRICT = 0x20;
/** Python's `ssl.VERIFY_ALLOW_PROXY_CERTS`. */
export const VERIFY_ALLOW_PROXY_CERTS = 0x40;
/** Python's `ssl.VERIFY_X509_TRUSTED_FIRST` (on by default, as in CPython). */
export const VERIFY_X509_TRUSTED_FIRST = 0x8000;
/** Python's `ssl.VERIFY_X509_PARTIAL_CHAIN`. */
export const VERIFY_X509_PARTIAL_CHAIN = 0x80000;

/** Python's `ssl.SSL_ERROR_SSL`: a protocol error. */
export const SSL_ERROR_SSL = 1;
/** Python's `ssl.SSL_ERROR_WANT_READ`. */
export const SSL_ERROR_WANT_READ = 2;
/** Python's `ssl.SSL_ERROR_WANT_WRITE`. */
export const SSL_ERROR_WANT_WRITE = 3;
/** Python's `ssl.SSL_ERROR_WANT_X509_LOOKUP`. */
export const SSL_ERROR_WANT_X509_LOOKUP = 4;
/** Python's `ssl.SSL_ERROR_SYSCALL`. */
export const SSL_ERROR_SYSCALL = 5;
/** Python's `ssl.SSL_ERROR_ZERO_RETURN`: the peer closed TLS cleanly. */
export const SSL_ERROR_ZERO_RETURN = 6;
/** Python's `ssl.SSL_ERROR_WANT_CONNECT`. */
export const SSL_ERROR_WANT_CONNECT = 7;
/** Python's `ssl.SSL_ERROR_EOF`: the connection ended in violation of the protocol. */
export const SSL_ERROR_EOF = 8;
/** Python's `ssl.SSL_ERROR_INVALID_ERROR_CODE`. */
export const SSL_ERROR_INVALID_ERROR_CODE = 10;

/** Python's `ssl.ALERT_DESCRIPTION_CLOSE_NOTIFY`. */
export const ALERT_DESCRIPTION_CLOSE_NOTIFY = 0;
/** Python's `ssl.ALERT_DESCRIPTION_UNEXPECTED_MESSAGE`. */
export const ALERT_DESCRIPTION_UNEXPECTED_MESSAGE = 10;
/** Python's `ssl.ALERT_DESCRIPTION_BAD_RECORD_MAC`. */
export const ALERT_DESCRIPTION_BAD_RECORD_MAC = 20;
/** Python's `ssl.ALERT_DESCRIPTION_RECORD_OVERFLOW`. */
export const ALERT_DESCRIPTION_RECORD_OVERFLOW = 22;
/** Python's `ssl.ALERT_DESCRIPTION_DECOMPRESSION_FAILURE`. */
export const ALERT_DESCRIPTION_DECOMPRESSION_FAILURE = 30;
/** Python's `ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE`. */
export const ALERT_DESCRIPTION_HANDSHAKE_FAILURE = 40;
/** Python's `ssl.ALERT_DESCRIPTION_BAD_CERTIFICATE`. */
export const ALERT_DESCRIPTION_BAD_CERTIFICATE = 42;
/** Python's `ssl.ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE`. */
export const ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE = 43;
/** Python's `ssl.ALERT_DESCRIPTION_CERTIFICATE_REVOKED`. */
export const ALERT_DESCRIPTION_CERTIFICATE_REVOKED = 44;
/** Python's `ssl.ALERT_DESCRIPTION_CERTIFICATE_EXPIRED`. */
export const ALERT_DESCRIPTION_CERTIFICATE_EXPIRED = 45;
/** Python's `ssl.ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN`. */
export const ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN = 46;
/** Python's `ssl.ALERT_DESCRIPTION_ILLEGAL_PARAMETER`. */
export const ALERT_DESCRIPTION_ILLEGAL_PARAMETER = 47;
/** Python's `ssl.ALERT_DESCRIPTION_UNKNOWN_CA`. */
export const ALERT_DESCRIPTION_UNKNOWN_CA = 48;
/** Python's `ssl.ALERT_DESCRIPTION_ACCESS_DENIED`. */
export const ALERT_DESCRIPTION_ACCESS_DENIED = 49;
/** Python's `ssl.ALERT_DESCRIPTION_DECODE_ERROR`. */
export const ALERT_DESCRIPTION_DECODE_ERROR = 50;
/** Python's `ssl.ALERT_DESCRIPTION_DECRYPT_ERROR`. */
export const ALERT_DESCRIPTION_DECRYPT_ERROR = 51;
/** Python's `ssl.ALERT_DESCRIPTION_PROTOCOL_VERSION`. */
export const ALERT_DESCRIPTION_PROTOCOL_VERSION = 70;
/** Python's `ssl.ALERT_DESCRIPTION_INSUFFICIENT_SECURITY`. */
export const ALERT_DESCRIPTION_INSUFFICIENT_SECURITY = 71;
/** Python's `ssl.ALERT_DESCRIPTION_INTERNAL_ERROR`. */
export const ALERT_DESCRIPTION_INTERNAL_ERROR = 80;
/** Python's `ssl.ALERT_DESCRIPTION_USER_CANCELLED`. */
export const ALERT_DESCRIPTION_USER_CANCELLED = 90;
/** Python's `ssl.ALERT_DESCRIPTION_NO_RENEGOTIATION`. */
export const ALERT_DESCRIPTION_NO_RENEGOTIATION = 100;
/** Python's `ssl.ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION`. */
export const ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION = 110;
/** Python's `ssl.ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE`. */
export const ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE = 111;
/** Python's `ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME`. */
export const ALERT_DESCRIPTION_UNRECOGNIZED_NAME = 112;
/** Python's `ssl.ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE`. */
export const ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE = 113;
/** Python's `ssl.ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE`. */
export const ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE = 114;
/** Python's `ssl.ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY`. */
export const ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY = 115;

/** Python's `ssl.CHANNEL_BINDING_TYPES`: what `get_channel_binding()` takes. */
export const CHANNEL_BINDING_TYPES: readonly string[] = Object.freeze(["tls-unique"]);

/**
 * Python's `ssl.OPENSSL_VERSION`: the OpenSSL release whose cipher lists,
 * cipher names and error words this module follows (CPython's). The TLS
 * engine itself is the runtime's node:tls.
 */
export const OPENSSL_VERSION = "OpenSSL 3.0.0";
/** Python's `ssl.OPENSSL_VERSION_INFO`: `[major, minor, fix, patch, status]` of {@linkcode OPENSSL_VERSION}. */
export const OPENSSL_VERSION_INFO: readonly [number, number, number, number, number] = Object
  .freeze([3, 0, 0, 0, 15]) as readonly [number, number, number, number, number];
/** Python's `ssl.OPENSSL_VERSION_NUMBER` of {@linkcode OPENSSL_VERSION}. */
export const OPENSSL_VERSION_NUMBER = 0x300000f0;

/** Python's `ssl.PEM_HEADER`. */
export const PEM_HEADER = "-----BEGIN CERTIFICATE-----";
/** Python's `ssl.PEM_FOOTER`. */
export const PEM_FOOTER = "-----END CERTIFICATE-----";

/** Python's `ssl.HAS_SNI`: server name indication is supported. */
export const HAS_SNI = true;
/** Python's `ssl.HAS_ALPN`: ALPN is supported. */
export const HAS_ALPN = true;
/** Python's `ssl.HAS_TLSv1_3`: TLS 1.3 is supported. */
export const HAS_TLSv1_3 = true;
/** Python's `ssl.HAS_TLSv1_2`: TLS 1.2 is supported. */
export const HAS_TLSv1_2 = true;
/** Python's `ssl.HAS_TLSv1_1` (false: TLS 1.1 is not spoken here). */
export const HAS_TLSv1_1 = false;
/** Python's `ssl.HAS_TLSv1` (false: TLS 1.0 is not spoken here). */
export const HAS_TLSv1 = false;
/** Python's `ssl.HAS_SSLv3` (false). */
export const HAS_SSLv3 = false;
/** Python's `ssl.HAS_SSLv2` (false). */
export const HAS_SSLv2 = false;
/** Python's `ssl.HAS_ECDH`: elliptic-curve Diffie-Hellman key exchange is supported. */
export const HAS_ECDH = true;
/** Python's `ssl.HAS_NPN` (false: NPN is gone; use ALPN). */
export const HAS_NPN = false;
/** Python's `ssl.HAS_NEVER_CHECK_COMMON_NAME`: `hostname_checks_common_name` can be turned off. */
export const HAS_NEVER_CHECK_COMMON_NAME = true;

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
