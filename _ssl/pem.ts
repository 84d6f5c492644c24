// Copyright 2026 the pysocket authors. MIT license.
// Certificates as text and bytes: Python's DER_cert_to_PEM_cert and
// PEM_cert_to_DER_cert, and the PEM and DER readers the context's loaders use.

import { SSL_ERROR, SSLError, ValueError } from "../errors.ts";

/** `text`, when it holds a PEM block; else OpenSSL's "no certificate or crl found". */
export function requirePem(text: string, op: string): string {
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) {
    throw new SSLError(
      136, // CPython's errno: OpenSSL's reason code
      "[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found",
      {
        library: "X509",
        reason: "NO_CERTIFICATE_OR_CRL_FOUND",
        cause: new Error(`Cannot ${op}: no PEM block`),
      },
    );
  }
  return text;
}

/** The PEM certificates in `text`, each as its own string. */
export function certificatesIn(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Python's `ssl.DER_cert_to_PEM_cert()`: a DER certificate as PEM text.
 *
 * @param der The certificate's DER bytes (as `getpeercert(true)` gives them).
 * @returns The PEM text.
 *
 * @example
 * ```ts
 * import { DER_cert_to_PEM_cert, PEM_cert_to_DER_cert } from "@pysocket/socket/ssl";
 * const pem = DER_cert_to_PEM_cert(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
 * console.log(pem.startsWith("-----BEGIN CERTIFICATE-----"), PEM_cert_to_DER_cert(pem).length); // true 5
 * ```
 */
export function DER_cert_to_PEM_cert(der: Uint8Array): string {
  let binary = "";
  for (const b of der) binary += String.fromCharCode(b);
  const b64 = btoa(binary).replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/**
 * Python's `ssl.PEM_cert_to_DER_cert()`: a PEM certificate's DER bytes.
 *
 * @param pemText One PEM certificate.
 * @returns Its DER bytes.
 * @throws {ValueError} when `pemText` is not a PEM certificate.
 *
 * @example
 * ```ts
 * import { DER_cert_to_PEM_cert, PEM_cert_to_DER_cert } from "@pysocket/socket/ssl";
 * const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
 * console.log(PEM_cert_to_DER_cert(DER_cert_to_PEM_cert(der))); // Uint8Array(5) [ 48, 3, 2, 1, 1 ]
 * ```
 */
export function PEM_cert_to_DER_cert(pemText: string): Uint8Array<ArrayBuffer> {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pemText);
  if (m === null) {
    throw new ValueError("Invalid PEM encoding; must start with -----BEGIN CERTIFICATE-----");
  }
  const binary = atob(m[1].replace(/\s+/g, ""));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** DER certificates, one after another (Python's `cadata` as bytes), as PEM texts. */
export function derToPems(der: Uint8Array, op: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < der.length;) {
    // SEQUENCE, then its length (short or long form).
    if (der[i] !== 0x30) {
      throw new SSLError(SSL_ERROR.SSL, `[ASN1] not a DER certificate`, { library: "ASN1" });
    }
    let len = der[i + 1], head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + der[i + 2 + k];
      head += n;
    }
    const end = i + head + len;
    if (end > der.length) {
      throw new SSLError(SSL_ERROR.SSL, `[ASN1] truncated DER certificate`, {
        library: "ASN1",
        cause: new Error(`Cannot ${op}`),
      });
    }
    out.push(DER_cert_to_PEM_cert(der.subarray(i, end)));
    i = end;
  }
  return out;
}
