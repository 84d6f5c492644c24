// Copyright 2026 the pysocket authors. MIT license.
// The verdict on a peer, as CPython's OpenSSL reaches it: the engine's
// view of the chain, refined where an engine words it differently (an
// expired certificate that one reports as of an unknown issuer), judged
// alone where an engine gives no verdict (a server's on a client
// certificate, on some runtimes), then the host name as OpenSSL's
// X509_check_host checks it with CPython's flags.

import { SSL_ERROR, SSLCertVerificationError, SSLError } from "../errors.ts";
import { fromRuntimeError } from "../_common/runtime_errors.ts";
import { ALERT, type PeerInfo, x509Certificate } from "../_transport/tls.ts";
import { certificateHostNames, decodeCertificate } from "./x509.ts";

/** What a connection's peer is held to. */
export interface Policy {
  /** The server's side (judging a client's certificate). */
  serverSide: boolean;
  /** 0: nothing checked; 1: a certificate given must verify; 2: one must be given and verify. */
  verify: 0 | 1 | 2;
  /** The name the server's certificate must carry (clients with check_hostname), or `null`. */
  hostname: string | null;
  /** Whether a certificate without DNS names may match by its common name. */
  commonName: boolean;
  /** The trusted certificates (PEM). */
  trusted: () => readonly string[];
  /**
   * Revocation lists (PEM) the peer's certificate is checked against
   * (`VERIFY_CRL_CHECK_LEAF`), or `null` when no check is asked for.
   */
  crls: readonly string[] | null;
  /**
   * The TLS 1.2-and-below suites allowed, where the engine takes no list
   * and offers its own (`null`: the engine holds to the list itself).
   */
  allowed: ReadonlySet<string> | null;
}

/** OpenSSL's texts for the `X509_V_ERR_*` numbers this side finds itself. */
const TEXTS: Record<number, string> = {
  3: "unable to get certificate CRL",
  7: "certificate signature failure",
  9: "certificate is not yet valid",
  10: "certificate has expired",
  18: "self-signed certificate",
  19: "self-signed certificate in certificate chain",
  20: "unable to get local issuer certificate",
  23: "certificate revoked",
  24: "invalid CA certificate",
};

/** Codes about building the chain: OpenSSL reports them before the host name and the dates. */
const CHAIN_CODES = new Set([2, 18, 19, 20, 21, 27]);

type X509 = InstanceType<ReturnType<typeof x509Certificate>>;

const parsed = new WeakMap<readonly string[], X509[]>();

/** The trusted certificates, parsed once per list. */
function anchors(pems: readonly string[]): X509[] {
  let out = parsed.get(pems);
  if (out === undefined) {
    const X509Certificate = x509Certificate();
    out = [];
    for (const pem of pems) {
      try {
        out.push(new X509Certificate(pem));
      } catch { /* not a certificate this runtime reads: trusted by the engine alone */ }
    }
    parsed.set(pems, out);
  }
  return out;
}

/** Milliseconds since the epoch of an OpenSSL-printed date (`"Aug  7 13:12:52 2013 GMT"`). */
function when(text: string): number {
  return Date.parse(text.replace(/ GMT$/, " UTC"));
}

/**
 * The chain from the peer's certificate up to a trusted one, built
 * trusted-first with each link's signature checked, or the
 * `X509_V_ERR_*` code of why none builds.
 */
function buildPath(chain: readonly Uint8Array[], trusted: readonly string[]): X509[] | number {
  const X509Certificate = x509Certificate();
  let certs: X509[];
  try {
    certs = chain.map((der) => new X509Certificate(der));
  } catch {
    return 7;
  }
  const roots = anchors(trusted);
  const path = [certs[0]];
  let current = certs[0];
  for (let depth = 0;; depth++) {
    const anchor = roots.find((r) => current.checkIssued(r) && current.verify(r.publicKey));
    if (anchor !== undefined) {
      if (anchor.raw.toString("hex") !== current.raw.toString("hex")) path.push(anchor);
      return path;
    }
    if (current.checkIssued(current)) return path.length === 1 ? 18 : 19;
    const next = certs.find((c) => c !== current && current.checkIssued(c));
    if (next === undefined || depth > 10) return 20;
    if (!current.verify(next.publicKey)) return 7;
    path.push(next);
    current = next;
  }
}

/** The verified chain (DER, the peer's first, the trusted one last), or `null` when none builds. */
export function verifiedChain(
  chain: readonly Uint8Array[],
  trusted: readonly string[],
): Uint8Array<ArrayBuffer>[] | null {
  const built = buildPath(chain, trusted);
  return typeof built === "number" ? null : built.map((c) => new Uint8Array(c.raw));
}

/**
 * OpenSSL's verdict on `chain` against `trusted`, reached here: the chain
 * built trusted-first, each link's signature, the issuers' CA flag, then
 * every certificate's dates from the anchor down. The `X509_V_ERR_*` code,
 * or `null` when it verifies.
 */
export function chainVerdict(
  chain: readonly Uint8Array[],
  trusted: readonly string[],
): number | null {
  const path = buildPath(chain, trusted);
  if (typeof path === "number") return path;
  for (const issuer of path.slice(1)) if (!issuer.ca) return 24;
  const now = Date.now();
  for (const cert of [...path].reverse()) {
    if (now < when(cert.validFrom)) return 9;
    if (now > when(cert.validTo)) return 10;
  }
  return null;
}

/** DER elements, as the certificate reader reads them. */
function derChildren(der: Uint8Array, start: number, end: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let at = start; at < end;) {
    const tag = der[at];
    let len = der[at + 1], body = at + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[body + i];
      body += n;
    }
    out.push([tag, body, body + len]);
    at = body + len;
  }
  return out;
}

/**
 * The verdict of the revocation lists on the peer's certificate (OpenSSL's
 * `VERIFY_CRL_CHECK_LEAF`): 3 when no list of its issuer is loaded, 23 when
 * one revokes it, `null` otherwise.
 */
function crlVerdict(leaf: Uint8Array, crls: readonly string[]): number | null {
  const X509Certificate = x509Certificate();
  const cert = new X509Certificate(leaf);
  const serial = cert.serialNumber.replace(/^0+(?=.)/, "").toUpperCase();
  let found = false;
  for (const pem of crls) {
    const b64 = pem.replace(/-----[A-Z0-9 ]+-----/g, "").replace(/\s+/g, "");
    const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    try {
      const [[, s0, e0]] = derChildren(der, 0, der.length);
      const [[, s1, e1]] = derChildren(der, s0, e0); // tbsCertList
      const fields = derChildren(der, s1, e1);
      let i = fields[0][0] === 0x02 ? 1 : 0; // version
      const issuer = der.subarray(fields[i + 1][1], fields[i + 1][2]);
      if (!sameBytes(issuer, leafIssuer(leaf))) continue;
      found = true;
      i += 3; // issuer, thisUpdate, (nextUpdate)
      for (const [tag, s, e] of fields.slice(i)) {
        if (tag !== 0x30) continue;
        for (const [, rs, re] of derChildren(der, s, e)) {
          const [[, ns, ne]] = derChildren(der, rs, re);
          const hex = [...der.subarray(ns, ne)].map((b) => b.toString(16).padStart(2, "0")).join("")
            .replace(/^0+(?=.)/, "").toUpperCase();
          if (hex === serial) return 23;
        }
      }
    } catch { /* a list that does not parse revokes nothing */ }
  }
  return found ? null : 3;
}

/** The DER contents of a certificate's issuer name. */
function leafIssuer(der: Uint8Array): Uint8Array {
  const [[, s0, e0]] = derChildren(der, 0, der.length);
  const [[, s1, e1]] = derChildren(der, s0, e0); // tbsCertificate
  const fields = derChildren(der, s1, e1);
  const i = fields[0][0] === 0xa0 ? 1 : 0; // version
  const [, s, e] = fields[i + 2]; // serialNumber, signature, issuer
  return der.subarray(s, e);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/** Whether `host` (a DNS name) matches `pattern`, as X509_check_host does with no partial wildcards. */
function nameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, "");
  const h = host.toLowerCase().replace(/\.$/, "");
  if (p === h) return true;
  if (!p.startsWith("*.")) return false;
  const rest = p.slice(1); // ".example.com"
  if (!rest.slice(1).includes(".")) return false; // "*.com" matches nothing
  const dot = h.indexOf(".");
  return dot > 0 && h.slice(dot) === rest;
}

/** An IP address's bytes (IPv4 or IPv6), or `null` for what is not one. */
function ipBytes(text: string): number[] | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return text.split(".").map(Number);
  if (!text.includes(":")) return null;
  const [head, tail] = text.split("::");
  const groups = (s: string | undefined) => s ? s.split(":") : [];
  const h = groups(head), t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  if (all.length !== 8) return null;
  return all.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

/** CPython's host name check of a certificate: the code and message of the mismatch, or `null`. */
export function hostnameVerdict(
  der: Uint8Array,
  hostname: string,
  commonName: boolean,
): SSLCertVerificationError | null {
  const cert = decodeCertificate(der);
  const { dns, ips, commonNames } = certificateHostNames(cert);
  const ip = ipBytes(hostname);
  if (ip !== null) {
    const want = ip.join(",");
    if (ips.some((a) => ipBytes(a)?.join(",") === want)) return null;
    return new SSLCertVerificationError(
      64,
      `IP address mismatch, certificate is not valid for '${hostname}'.`,
    );
  }
  const names = dns.length || !commonName ? dns : commonNames;
  if (names.some((n) => nameMatches(n, hostname))) return null;
  return new SSLCertVerificationError(
    62,
    `Hostname mismatch, certificate is not valid for '${hostname}'.`,
  );
}

/** The verification error for `code`: the engine's words mapped, or OpenSSL's text for our own. */
function verifyError(code: number | string): SSLCertVerificationError | Error {
  if (typeof code === "number") {
    return new SSLCertVerificationError(code, TEXTS[code] ?? "certificate verify failed");
  }
  return fromRuntimeError(Object.assign(new Error(code), { code }));
}

/**
 * The verdict on a peer under `policy`, as the TLS transport asks for it:
 * the error to fail the handshake with, or `null`.
 */
export function judge(policy: Policy): (peer: PeerInfo) => Error | null {
  return (peer) => {
    if (
      policy.allowed !== null && peer.cipher !== null && peer.version !== "TLSv1.3" &&
      !policy.allowed.has(peer.cipher)
    ) {
      const error = new SSLError(
        SSL_ERROR.SSL,
        `[SSL: NO_SHARED_CIPHER] no shared cipher: this runtime's TLS engine offers its own cipher suites whatever set_ciphers() says, and ${peer.cipher}, which ${
          policy.serverSide ? "was agreed on" : "the peer chose"
        }, is not in the list`,
        { library: "SSL", reason: "NO_SHARED_CIPHER" },
      );
      return Object.assign(error, { [ALERT]: 40 }); // handshake_failure, as OpenSSL's server sends
    }
    if (policy.verify === 0) return null;
    const { chain } = peer;
    if (chain.length === 0) {
      if (!policy.serverSide || policy.verify !== 2) return null;
      return new SSLError(
        SSL_ERROR.SSL,
        "[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate",
        { library: "SSL", reason: "PEER_DID_NOT_RETURN_A_CERTIFICATE" },
      );
    }
    let code: number | string | null;
    if (peer.engineError === undefined) {
      code = chainVerdict(chain, policy.trusted());
    } else if (peer.engineError === null) {
      code = null;
    } else {
      code = peer.engineError;
      const mapped = verifyError(code);
      // An engine that says "issuer unknown" of a chain that builds to a
      // trusted certificate means something else (an expired one): ours.
      if ((mapped as SSLCertVerificationError).verify_code === 20) {
        const ours = chainVerdict(chain, policy.trusted());
        if (ours !== null) code = ours;
      }
    }
    if (code === null && policy.crls !== null && !policy.serverSide) {
      code = crlVerdict(chain[0], policy.crls);
    }
    const codeNumber = code === null
      ? null
      : typeof code === "number"
      ? code
      : (verifyError(code) as SSLCertVerificationError).verify_code;
    if (codeNumber !== null && (codeNumber === undefined || CHAIN_CODES.has(codeNumber))) {
      return verifyError(code!);
    }
    if (policy.hostname !== null) {
      const mismatch = hostnameVerdict(chain[0], policy.hostname, policy.commonName);
      if (mismatch !== null) return mismatch;
    }
    return code === null ? null : verifyError(code);
  };
}
