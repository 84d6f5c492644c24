// Copyright 2026 the pysocket authors. MIT license.
// Certificate parsing, in one place: the dict Python's getpeercert() gives,
// from the peer's certificate as node:tls details it and from just enough of
// its DER (the X.509 version, the issuer and the subject, in the order the
// certificate holds them).

import type { TlsSession } from "../_transport/tls.ts";

/** The names of a certificate's subject or issuer: Python's tuple of RDNs, each a tuple of pairs. */
export type DistinguishedName = ReadonlyArray<ReadonlyArray<readonly [string, string]>>;

/** Python's dict from `getpeercert()`. */
export interface PeerCertificate {
  /** Who the certificate is for: `[[["commonName", "example.com"]], …]`. */
  subject?: DistinguishedName;
  /** Who signed it. */
  issuer?: DistinguishedName;
  /** The X.509 version (3). */
  version?: number;
  /** The serial number, in upper-case hexadecimal. */
  serialNumber?: string;
  /** Valid from, as `"Nov 27 18:47:35 2026 GMT"`. */
  notBefore?: string;
  /** Valid until, in the same form. */
  notAfter?: string;
  /** The subject's other names: `[["DNS", "example.com"], ["IP Address", "127.0.0.1"]]`. */
  subjectAltName?: ReadonlyArray<readonly [string, string]>;
  /** OCSP responders. */
  OCSP?: readonly string[];
  /** Where the issuer's certificate can be fetched. */
  caIssuers?: readonly string[];
}

/** The peer's certificate as the TLS transport gives it. */
type Detailed = NonNullable<ReturnType<TlsSession["peerCertificate"]>>;

/** Python's `getpeercert()` dict of a verified certificate. */
export function peerCertificate(cert: Detailed): PeerCertificate {
  const { version, issuer, subject } = certificateNames(cert.raw);
  const out: PeerCertificate = {
    subject,
    issuer,
    version,
    serialNumber: cert.serialNumber?.toUpperCase(),
    notBefore: cert.valid_from,
    notAfter: cert.valid_to,
  };
  const san = altNames(cert.subjectaltname);
  if (san.length) out.subjectAltName = san;
  const info = cert.infoAccess as Record<string, string[]> | undefined;
  if (info?.["OCSP - URI"]) out.OCSP = info["OCSP - URI"];
  if (info?.["CA Issuers - URI"]) out.caIssuers = info["CA Issuers - URI"];
  return out;
}

/** node:tls's `subjectaltname` text ("DNS:a, IP Address:1.2.3.4") as Python's pairs. */
function altNames(text: string | undefined): (readonly [string, string])[] {
  if (!text) return [];
  return text.split(/,\s*/).map((entry) => {
    const i = entry.indexOf(":");
    return [entry.slice(0, i), entry.slice(i + 1)] as const;
  });
}

/** Python's (OpenSSL's long) names of the attribute types a certificate's names use. */
const ATTRIBUTES: Record<string, string> = {
  "2.5.4.3": "commonName",
  "2.5.4.4": "surname",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "countryName",
  "2.5.4.7": "localityName",
  "2.5.4.8": "stateOrProvinceName",
  "2.5.4.9": "streetAddress",
  "2.5.4.10": "organizationName",
  "2.5.4.11": "organizationalUnitName",
  "2.5.4.12": "title",
  "2.5.4.17": "postalCode",
  "2.5.4.42": "givenName",
  "2.5.4.43": "initials",
  "2.5.4.46": "dnQualifier",
  "2.5.4.65": "pseudonym",
  "1.2.840.113549.1.9.1": "emailAddress",
  "0.9.2342.19200300.100.1.1": "userId",
  "0.9.2342.19200300.100.1.25": "domainComponent",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionCountryName",
  "2.5.4.15": "businessCategory",
};

interface Element {
  tag: number;
  start: number; // where the contents start
  end: number; // where they end
}

function element(der: Uint8Array, at: number): Element {
  const tag = der[at];
  let len = der[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i];
    start += n;
  }
  if (start + len > der.length) throw new RangeError("Cannot read certificate: truncated DER");
  return { tag, start, end: start + len };
}

function children(der: Uint8Array, parent: Element): Element[] {
  const out: Element[] = [];
  for (let at = parent.start; at < parent.end;) {
    const e = element(der, at);
    out.push(e);
    at = e.end;
  }
  return out;
}

function oid(der: Uint8Array, e: Element): string {
  const bytes = der.subarray(e.start, e.end);
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    value = value * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

function text(der: Uint8Array, e: Element): string {
  const bytes = der.subarray(e.start, e.end);
  if (e.tag === 0x1e) { // BMPString: UTF-16BE
    let s = "";
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      s += String.fromCharCode(bytes[i] << 8 | bytes[i + 1]);
    }
    return s;
  }
  return new TextDecoder().decode(bytes);
}

function names(der: Uint8Array, name: Element): [string, string][][] {
  return children(der, name).map((rdn) =>
    children(der, rdn).map((pair) => {
      const [type, value] = children(der, pair);
      const id = oid(der, type);
      return [ATTRIBUTES[id] ?? id, text(der, value)] as [string, string];
    })
  );
}

/**
 * The version, issuer and subject of a DER certificate, in the
 * certificate's order (node:tls gives them as a dict, losing the order).
 *
 * @throws {RangeError} for DER that is cut short.
 */
function certificateNames(
  der: Uint8Array,
): { version: number; issuer: DistinguishedName; subject: DistinguishedName } {
  const certificate = element(der, 0);
  const tbs = children(der, certificate)[0];
  const fields = children(der, tbs);
  let i = 0;
  let version = 1;
  if (fields[0].tag === 0xa0) { // [0] EXPLICIT Version
    const v = children(der, fields[0])[0];
    version = der[v.end - 1] + 1;
    i = 1;
  }
  // serialNumber, signature, issuer, validity, subject
  return { version, issuer: names(der, fields[i + 2]), subject: names(der, fields[i + 4]) };
}
