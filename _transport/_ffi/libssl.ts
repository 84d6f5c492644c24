// Copyright 2026 the pysocket authors. MIT license.
// OpenSSL's libssl and libcrypto (3.x) as the sans-I/O TLS engine calls
// them (DESIGN §17): declared once, opened on the first `wrap_bio()` where
// FFI runs (Deno with the `ffi` permission, Bun), never at import. `long`
// and `size_t` are 64-bit (Linux x86_64's LP64); results of those types may
// come back as bigints and are read through `Number()`. Macros of the C API
// (`SSL_set_tlsext_host_name`, `SSL_set_min_proto_version`,
// `BIO_set_mem_eof_return`…) are their `SSL_ctrl`/`BIO_ctrl` calls.

import { errno, OSError } from "../../errors.ts";
import { ffiRefusal, type Memory, openLibrary, type Symbol } from "./native.ts";

const p = "pointer", b = "buffer", i32 = "i32", i64 = "i64", u64 = "u64", usize = "usize";
const fn = (parameters: Symbol["parameters"], result: Symbol["result"]): Symbol => ({
  parameters,
  result,
});

/** libssl's calls the engine makes. */
type SslCall =
  | "TLS_method"
  | "SSL_CTX_new"
  | "SSL_CTX_free"
  | "SSL_CTX_ctrl"
  | "SSL_CTX_set_cipher_list"
  | "SSL_CTX_use_certificate"
  | "SSL_CTX_use_PrivateKey"
  | "SSL_CTX_check_private_key"
  | "SSL_CTX_get_cert_store"
  | "SSL_CTX_set_default_verify_paths"
  | "SSL_CTX_set_num_tickets"
  | "SSL_CTX_set_alpn_select_cb"
  | "SSL_CTX_set_keylog_callback"
  | "SSL_CTX_callback_ctrl"
  | "SSL_CTX_set0_tmp_dh_pkey"
  | "SSL_CTX_set_session_id_context"
  | "SSL_CTX_get0_param"
  | "SSL_CTX_ctrl_buffer"
  | "SSL_set_post_handshake_auth"
  | "SSL_verify_client_post_handshake"
  | "SSL_get_servername"
  | "SSL_get0_verified_chain"
  | "SSL_get_peer_cert_chain"
  | "SSL_set_SSL_CTX"
  | "SSL_new"
  | "SSL_free"
  | "SSL_set_bio"
  | "SSL_set_connect_state"
  | "SSL_set_accept_state"
  | "SSL_do_handshake"
  | "SSL_read_ex"
  | "SSL_write_ex"
  | "SSL_shutdown"
  | "SSL_get_shutdown"
  | "SSL_get_error"
  | "SSL_pending"
  | "SSL_ctrl"
  | "SSL_ctrl_buffer"
  | "SSL_set_verify"
  | "SSL_get0_param"
  | "SSL_get_verify_result"
  | "SSL_set_options"
  | "SSL_clear_options"
  | "SSL_set_alpn_protos"
  | "SSL_get0_alpn_selected"
  | "SSL_get1_peer_certificate"
  | "SSL_get_current_cipher"
  | "SSL_CIPHER_get_name"
  | "SSL_CIPHER_get_version"
  | "SSL_CIPHER_get_bits"
  | "SSL_get_version"
  | "SSL_is_init_finished"
  | "SSL_get_client_ciphers"
  | "SSL_get_finished"
  | "SSL_get_peer_finished"
  | "SSL_session_reused"
  | "SSL_get1_session"
  | "SSL_set_session"
  | "SSL_SESSION_free"
  | "i2d_SSL_SESSION"
  | "d2i_SSL_SESSION";

const SSL_SYMBOLS: Record<SslCall, Symbol> = {
  TLS_method: fn([], p),
  SSL_CTX_new: fn([p], p),
  SSL_CTX_free: fn([p], "void"),
  SSL_CTX_ctrl: fn([p, i32, i64, p], i64),
  SSL_CTX_set_cipher_list: fn([p, b], i32),
  SSL_CTX_use_certificate: fn([p, p], i32),
  SSL_CTX_use_PrivateKey: fn([p, p], i32),
  SSL_CTX_check_private_key: fn([p], i32),
  SSL_CTX_get_cert_store: fn([p], p),
  SSL_CTX_set_default_verify_paths: fn([p], i32),
  SSL_CTX_set_num_tickets: fn([p, usize], i32),
  SSL_CTX_set_alpn_select_cb: fn([p, "function", p], "void"),
  SSL_CTX_set_keylog_callback: fn([p, "function"], "void"),
  SSL_CTX_callback_ctrl: fn([p, i32, "function"], i64),
  SSL_CTX_set0_tmp_dh_pkey: fn([p, p], i32),
  SSL_CTX_set_session_id_context: fn([p, b, "u32"], i32),
  SSL_CTX_get0_param: fn([p], p),
  SSL_CTX_ctrl_buffer: { name: "SSL_CTX_ctrl", parameters: [p, i32, i64, b], result: i64 },
  SSL_set_post_handshake_auth: fn([p, i32], "void"),
  SSL_verify_client_post_handshake: fn([p], i32),
  SSL_get_servername: fn([p, i32], p),
  SSL_get0_verified_chain: fn([p], p),
  SSL_get_peer_cert_chain: fn([p], p),
  SSL_set_SSL_CTX: fn([p, p], p),
  SSL_new: fn([p], p),
  SSL_free: fn([p], "void"),
  SSL_set_bio: fn([p, p, p], "void"),
  SSL_set_connect_state: fn([p], "void"),
  SSL_set_accept_state: fn([p], "void"),
  SSL_do_handshake: fn([p], i32),
  SSL_read_ex: fn([p, b, usize, b], i32),
  SSL_write_ex: fn([p, b, usize, b], i32),
  SSL_shutdown: fn([p], i32),
  SSL_get_shutdown: fn([p], i32),
  SSL_get_error: fn([p, i32], i32),
  SSL_pending: fn([p], i32),
  SSL_ctrl: fn([p, i32, i64, p], i64),
  SSL_ctrl_buffer: { name: "SSL_ctrl", parameters: [p, i32, i64, b], result: i64 },
  SSL_set_verify: fn([p, i32, p], "void"),
  SSL_get0_param: fn([p], p),
  SSL_get_verify_result: fn([p], i64),
  SSL_set_options: fn([p, u64], u64),
  SSL_clear_options: fn([p, u64], u64),
  SSL_set_alpn_protos: fn([p, b, "u32"], i32),
  SSL_get0_alpn_selected: fn([p, b, b], "void"),
  SSL_get1_peer_certificate: fn([p], p),
  SSL_get_current_cipher: fn([p], p),
  SSL_CIPHER_get_name: fn([p], p),
  SSL_CIPHER_get_version: fn([p], p),
  SSL_CIPHER_get_bits: fn([p, p], i32),
  SSL_get_version: fn([p], p),
  SSL_is_init_finished: fn([p], i32),
  SSL_get_client_ciphers: fn([p], p),
  SSL_get_finished: fn([p, b, usize], usize),
  SSL_get_peer_finished: fn([p, b, usize], usize),
  SSL_session_reused: fn([p], i32),
  SSL_get1_session: fn([p], p),
  SSL_set_session: fn([p, p], i32),
  SSL_SESSION_free: fn([p], "void"),
  i2d_SSL_SESSION: fn([p, b], i32),
  d2i_SSL_SESSION: fn([p, b, i64], p),
};

/** libcrypto's calls the engine makes. */
type CryptoCall =
  | "BIO_s_mem"
  | "BIO_new"
  | "BIO_new_mem_buf"
  | "BIO_free"
  | "BIO_read"
  | "BIO_write"
  | "BIO_ctrl"
  | "PEM_read_bio_X509"
  | "PEM_read_bio_X509_CRL"
  | "PEM_read_bio_PrivateKey"
  | "PEM_read_bio_Parameters"
  | "i2d_X509_bio"
  | "X509_free"
  | "X509_CRL_free"
  | "EVP_PKEY_free"
  | "X509_STORE_add_cert"
  | "X509_STORE_add_crl"
  | "X509_VERIFY_PARAM_set1_host"
  | "X509_VERIFY_PARAM_set1_ip_asc"
  | "X509_VERIFY_PARAM_set_hostflags"
  | "X509_VERIFY_PARAM_set_flags"
  | "X509_verify_cert_error_string"
  | "OPENSSL_sk_num"
  | "OPENSSL_sk_value"
  | "ERR_get_error"
  | "ERR_clear_error"
  | "ERR_reason_error_string";

const CRYPTO_SYMBOLS: Record<CryptoCall, Symbol> = {
  BIO_s_mem: fn([], p),
  BIO_new: fn([p], p),
  BIO_new_mem_buf: fn([b, i32], p),
  BIO_free: fn([p], i32),
  BIO_read: fn([p, b, i32], i32),
  BIO_write: fn([p, b, i32], i32),
  BIO_ctrl: fn([p, i32, i64, p], i64),
  PEM_read_bio_X509: fn([p, p, p, p], p),
  PEM_read_bio_X509_CRL: fn([p, p, p, p], p),
  PEM_read_bio_PrivateKey: fn([p, p, p, b], p),
  PEM_read_bio_Parameters: fn([p, p], p),
  i2d_X509_bio: fn([p, p], i32),
  X509_free: fn([p], "void"),
  X509_CRL_free: fn([p], "void"),
  EVP_PKEY_free: fn([p], "void"),
  X509_STORE_add_cert: fn([p, p], i32),
  X509_STORE_add_crl: fn([p, p], i32),
  X509_VERIFY_PARAM_set1_host: fn([p, b, usize], i32),
  X509_VERIFY_PARAM_set1_ip_asc: fn([p, b], i32),
  X509_VERIFY_PARAM_set_hostflags: fn([p, "u32"], "void"),
  X509_VERIFY_PARAM_set_flags: fn([p, u64], i32),
  X509_verify_cert_error_string: fn([i64], p),
  OPENSSL_sk_num: fn([p], i32),
  OPENSSL_sk_value: fn([p, i32], p),
  ERR_get_error: fn([], u64),
  ERR_clear_error: fn([], "void"),
  ERR_reason_error_string: fn([u64], p),
};

type Calls<K extends string> = { [N in K]: (...args: unknown[]) => unknown };

/** libssl and libcrypto, opened: their calls and the memory helpers. */
export interface Libssl {
  /** libssl's calls. */
  readonly ssl: Calls<SslCall>;
  /** libcrypto's calls. */
  readonly crypto: Calls<CryptoCall>;
  /** Pointers and memory. */
  readonly memory: Memory;
}

let opened: Libssl | null = null;

/** Why libssl cannot be used here, or `null` where it can. */
export function libsslUnavailable(): string | null {
  return ffiRefusal("TLS over memory buffers (OpenSSL's libssl)");
}

/**
 * Opens libssl and libcrypto (once).
 *
 * @param op What needs them, for the error.
 * @throws {OSError} `EOPNOTSUPP` naming what is missing (FFI, the `ffi`
 *   permission, the library itself).
 */
export function libssl(op: string): Libssl {
  if (opened !== null) return opened;
  const why = libsslUnavailable();
  if (why !== null) {
    throw new OSError(errno.EOPNOTSUPP, undefined, { detail: `Cannot ${op}: ${why}` });
  }
  try {
    const crypto = openLibrary("libcrypto.so.3", CRYPTO_SYMBOLS);
    const ssl = openLibrary("libssl.so.3", SSL_SYMBOLS);
    opened = { ssl: ssl.symbols, crypto: crypto.symbols, memory: ssl.memory };
  } catch (e) {
    throw new OSError(errno.EOPNOTSUPP, undefined, {
      detail: `Cannot ${op}: OpenSSL 3's libssl.so.3 did not open: ${(e as Error).message}`,
      cause: e,
    });
  }
  return opened;
}
