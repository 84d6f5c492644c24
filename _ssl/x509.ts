// Copyright 2026 the pysocket authors. MIT license.
// Certificate parsing, in one place: the dict Python's getpeercert() gives
// (CPython's _decode_certificate), read from the certificate's DER alone —
// names in the certificate's order, every subjectAltName form, OCSP,
// caIssuers and CRL distribution points — so that every runtime reports the
// same fields, whatever its TLS engine makes of them.

/** The names of a certificate's subject or issuer: Python's tuple of RDNs, each a tuple of pairs. */
export type DistinguishedName = ReadonlyArray<ReadonlyArray<readonly [string, string]>>;

/** One subjectAltName entry: its kind and value (a directory name is a {@linkcode DistinguishedName}). */
export type AltName = readonly [string, string | DistinguishedName];

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
  subjectAltName?: ReadonlyArray<AltName>;
  /** OCSP responders. */
  OCSP?: readonly string[];
  /** Where the issuer's certificate can be fetched. */
  caIssuers?: readonly string[];
  /** Where the issuer's certificate revocation list can be fetched. */
  crlDistributionPoints?: readonly string[];
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
  "2.5.4.13": "description",
  "2.5.4.15": "businessCategory",
  "2.5.4.17": "postalCode",
  "2.5.4.41": "name",
  "2.5.4.42": "givenName",
  "2.5.4.43": "initials",
  "2.5.4.44": "generationQualifier",
  "2.5.4.46": "dnQualifier",
  "2.5.4.65": "pseudonym",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
  "0.9.2342.19200300.100.1.1": "userId",
  "0.9.2342.19200300.100.1.25": "domainComponent",
  "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionLocalityName",
  "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionStateOrProvinceName",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionCountryName",
};

/** One DER element: its tag and where its contents lie. */
interface Element {
  tag: number;
  /** Where the contents start. */
  start: number;
  /** Where they end. */
  end: number;
}

function element(der: Uint8Array, at: number): Element {
  if (at + 2 > der.length) throw new RangeError("Cannot read certificate: truncated DER");
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

/** An OBJECT IDENTIFIER's dotted form. */
function oid(der: Uint8Array, e: Element): string {
  const bytes = der.subarray(e.start, e.end);
  if (bytes.length === 0) return "";
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (b & 0x80) continue;
    if (parts.length === 0) {
      const first = value < 80 ? Math.floor(value / 40) : 2;
      parts.push(first, value - first * 40);
    } else parts.push(value);
    value = 0;
  }
  return parts.join(".");
}

/** An ASN.1 string as OpenSSL's ASN1_STRING_to_UTF8 reads it. */
function text(der: Uint8Array, e: Element): string {
  const bytes = der.subarray(e.start, e.end);
  if (e.tag === 0x1e) { // BMPString: UTF-16BE
    let s = "";
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      s += String.fromCharCode(bytes[i] << 8 | bytes[i + 1]);
    }
    return s;
  }
  if (e.tag === 0x1c) { // UniversalString: UTF-32BE
    let s = "";
    for (let i = 0; i + 3 < bytes.length; i += 4) {
      s += String.fromCodePoint(
        (bytes[i] << 24 | bytes[i + 1] << 16 | bytes[i + 2] << 8 | bytes[i + 3]) >>> 0,
      );
    }
    return s;
  }
  if (e.tag === 0x14) return latin1(bytes); // T61String: one byte a character
  return new TextDecoder().decode(bytes);
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
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

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A UTCTime or GeneralizedTime as OpenSSL prints it: `"Aug  7 13:12:52 2013 GMT"`. */
function time(der: Uint8Array, e: Element): string {
  const s = latin1(der.subarray(e.start, e.end));
  const m =
    (e.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/)
      .exec(s);
  if (m === null) return s;
  let year = Number(m[1]);
  if (e.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const day = String(Number(m[3])).padStart(2, " ");
  return `${MONTHS[Number(m[2]) - 1]} ${day} ${m[4]}:${m[5]}:${m[6]} ${year} GMT`;
}

/** An INTEGER as OpenSSL's i2a_ASN1_INTEGER prints it: upper-case hex of its magnitude. */
function serial(der: Uint8Array, e: Element): string {
  let bytes = der.subarray(e.start, e.end);
  let sign = "";
  if (bytes.length && bytes[0] & 0x80) { // negative: two's complement
    sign = "-";
    const mag = new Uint8Array(bytes.length);
    let carry = 1;
    for (let i = bytes.length - 1; i >= 0; i--) {
      const v = (~bytes[i] & 0xff) + carry;
      mag[i] = v & 0xff;
      carry = v >> 8;
    }
    bytes = mag;
  }
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length === 0) return "00";
  return sign + [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join("");
}

/** An iPAddress as CPython prints it: dotted IPv4, or eight upper-case hex groups. */
function ipAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join(".");
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) {
      groups.push((bytes[i] << 8 | bytes[i + 1]).toString(16).toUpperCase());
    }
    return groups.join(":");
  }
  return "<invalid>";
}

/** A GeneralName as CPython's subjectAltName pair. */
function generalName(der: Uint8Array, g: Element): AltName {
  const bytes = der.subarray(g.start, g.end);
  switch (g.tag & 0x1f) {
    case 0:
      return ["othername", "<unsupported>"];
    case 1:
      return ["email", latin1(bytes)];
    case 2:
      return ["DNS", latin1(bytes)];
    case 3:
      return ["X400Address", "<unsupported>"];
    case 4:
      return ["DirName", names(der, children(der, g)[0])];
    case 5:
      return ["EdiPartyName", "<unsupported>"];
    case 6:
      return ["URI", latin1(bytes)];
    case 7:
      return ["IP Address", ipAddress(bytes)];
    case 8:
      return ["Registered ID", oid(der, g)];
    default:
      return ["<unsupported>", "<unsupported>"];
  }
}

/** The URIs among some GeneralNames. */
function uris(der: Uint8Array, parent: Element): string[] {
  return children(der, parent).filter((g) => (g.tag & 0x1f) === 6).map((g) =>
    latin1(der.subarray(g.start, g.end))
  );
}

/** The extensions' fields of CPython's dict, each read only when it parses. */
function extensions(der: Uint8Array, exts: Element, out: PeerCertificate): void {
  for (const ext of children(der, exts)) {
    const parts = children(der, ext);
    const id = oid(der, parts[0]);
    const value = parts[parts.length - 1]; // OCTET STRING (critical may come between)
    try {
      const inner = element(der, value.start);
      if (id === "2.5.29.17") { // subjectAltName
        out.subjectAltName = children(der, inner).map((g) => generalName(der, g));
      } else if (id === "1.3.6.1.5.5.7.1.1") { // authorityInfoAccess
        const ocsp: string[] = [], issuers: string[] = [];
        for (const desc of children(der, inner)) {
          const [method, location] = children(der, desc);
          if ((location.tag & 0x1f) !== 6) continue;
          const uri = latin1(der.subarray(location.start, location.end));
          const m = oid(der, method);
          if (m === "1.3.6.1.5.5.7.48.1") ocsp.push(uri);
          else if (m === "1.3.6.1.5.5.7.48.2") issuers.push(uri);
        }
        if (ocsp.length) out.OCSP = ocsp;
        if (issuers.length) out.caIssuers = issuers;
      } else if (id === "2.5.29.31") { // cRLDistributionPoints
        const found: string[] = [];
        for (const dp of children(der, inner)) {
          const point = children(der, dp).find((e) => e.tag === 0xa0); // distributionPoint
          if (point === undefined) continue;
          const full = children(der, point).find((e) => e.tag === 0xa0); // fullName
          if (full !== undefined) found.push(...uris(der, full));
        }
        if (found.length) out.crlDistributionPoints = found;
      }
    } catch {
      // An extension that does not parse is left out, as OpenSSL leaves it.
    }
  }
}

/**
 * Python's `getpeercert()` dict of a certificate, from its DER: the fields
 * CPython's `_decode_certificate` gives, in its forms.
 *
 * @throws {RangeError} for DER that is cut short.
 */
export function decodeCertificate(der: Uint8Array): PeerCertificate {
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
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, …, [3] extensions
  const [notBefore, notAfter] = children(der, fields[i + 3]);
  const out: PeerCertificate = {
    subject: names(der, fields[i + 4]),
    issuer: names(der, fields[i + 2]),
    version,
    serialNumber: serial(der, fields[i]),
    notBefore: time(der, notBefore),
    notAfter: time(der, notAfter),
  };
  const exts = fields.find((f) => f.tag === 0xa3);
  if (exts !== undefined) extensions(der, children(der, exts)[0], out);
  return out;
}

/** The subject's common names and DNS and IP names: what a host name is checked against. */
export function certificateHostNames(
  cert: PeerCertificate,
): { dns: string[]; ips: string[]; commonNames: string[] } {
  const dns: string[] = [], ips: string[] = [];
  for (const [kind, value] of cert.subjectAltName ?? []) {
    if (kind === "DNS") dns.push(value as string);
    else if (kind === "IP Address") ips.push(value as string);
  }
  const commonNames = (cert.subject ?? []).flat().filter(([k]) => k === "commonName").map(([, v]) =>
    v
  );
  return { dns, ips, commonNames };
}
