// Copyright 2026 the pysocket authors. MIT license.
// OpenSSL's cipher lists, as CPython's ssl sees them: the cipher suites of
// OpenSSL 3.0 (the library CPython links) in OpenSSL's own order of
// preference, and OpenSSL's cipher-string language over them — so that
// `set_ciphers()` accepts and refuses what CPython's does, `get_ciphers()`
// and `shared_ciphers()` list what CPython's list, and an engine that takes
// no cipher list of its own can still be held to one.

import { SSLError } from "../errors.ts";

/** Python's dict of a cipher suite (`SSLContext.get_ciphers()`). */
export interface CipherInfo {
  /** OpenSSL's id: 0x03000000 and the suite's IANA number. */
  id: number;
  /** OpenSSL's name (`"ECDHE-RSA-AES256-GCM-SHA384"`). */
  name: string;
  /** The lowest protocol version it runs on (`"TLSv1.2"`). */
  protocol: string;
  /** OpenSSL's one-line description. */
  description: string;
  /** Its secret bits. */
  strength_bits: number;
  /** Its cipher's key bits. */
  alg_bits: number;
  /** Whether it is an AEAD. */
  aead: boolean;
  /** The symmetric cipher (`"aes-256-gcm"`), or `null`. */
  symmetric: string | null;
  /** The MAC's digest (`"sha384"`), or `null` for an AEAD. */
  digest: string | null;
  /** The key exchange (`"kx-ecdhe"`). */
  kea: string;
  /** The authentication (`"auth-rsa"`). */
  auth: string;
}

/**
 * OpenSSL 3.0's TLS 1.2-and-below suites, in its order of preference: name,
 * IANA number (hex), lowest version (3: SSLv3, 0: TLSv1.0, 2: TLSv1.2), key
 * exchange, authentication, cipher, MAC, and flags (d: not in DEFAULT,
 * f: FIPS).
 */
const TABLE = `ECDHE-ECDSA-AES256-GCM-SHA384 c02c 2 ECDH ECDSA AESGCM(256) AEAD f
ECDHE-RSA-AES256-GCM-SHA384 c030 2 ECDH RSA AESGCM(256) AEAD f
DHE-DSS-AES256-GCM-SHA384 00a3 2 DH DSS AESGCM(256) AEAD df
DHE-RSA-AES256-GCM-SHA384 009f 2 DH RSA AESGCM(256) AEAD f
ECDHE-ECDSA-CHACHA20-POLY1305 cca9 2 ECDH ECDSA CHACHA20/POLY1305(256) AEAD
ECDHE-RSA-CHACHA20-POLY1305 cca8 2 ECDH RSA CHACHA20/POLY1305(256) AEAD
DHE-RSA-CHACHA20-POLY1305 ccaa 2 DH RSA CHACHA20/POLY1305(256) AEAD
ECDHE-ECDSA-AES256-CCM8 c0af 2 ECDH ECDSA AESCCM8(256) AEAD d
ECDHE-ECDSA-AES256-CCM c0ad 2 ECDH ECDSA AESCCM(256) AEAD d
DHE-RSA-AES256-CCM8 c0a3 2 DH RSA AESCCM8(256) AEAD d
DHE-RSA-AES256-CCM c09f 2 DH RSA AESCCM(256) AEAD d
ECDHE-ECDSA-ARIA256-GCM-SHA384 c05d 2 ECDH ECDSA ARIAGCM(256) AEAD d
ECDHE-ARIA256-GCM-SHA384 c061 2 ECDH RSA ARIAGCM(256) AEAD d
DHE-DSS-ARIA256-GCM-SHA384 c057 2 DH DSS ARIAGCM(256) AEAD d
DHE-RSA-ARIA256-GCM-SHA384 c053 2 DH RSA ARIAGCM(256) AEAD d
ADH-AES256-GCM-SHA384 00a7 2 DH None AESGCM(256) AEAD df
ECDHE-ECDSA-AES128-GCM-SHA256 c02b 2 ECDH ECDSA AESGCM(128) AEAD f
ECDHE-RSA-AES128-GCM-SHA256 c02f 2 ECDH RSA AESGCM(128) AEAD f
DHE-DSS-AES128-GCM-SHA256 00a2 2 DH DSS AESGCM(128) AEAD df
DHE-RSA-AES128-GCM-SHA256 009e 2 DH RSA AESGCM(128) AEAD f
ECDHE-ECDSA-AES128-CCM8 c0ae 2 ECDH ECDSA AESCCM8(128) AEAD d
ECDHE-ECDSA-AES128-CCM c0ac 2 ECDH ECDSA AESCCM(128) AEAD d
DHE-RSA-AES128-CCM8 c0a2 2 DH RSA AESCCM8(128) AEAD d
DHE-RSA-AES128-CCM c09e 2 DH RSA AESCCM(128) AEAD d
ECDHE-ECDSA-ARIA128-GCM-SHA256 c05c 2 ECDH ECDSA ARIAGCM(128) AEAD d
ECDHE-ARIA128-GCM-SHA256 c060 2 ECDH RSA ARIAGCM(128) AEAD d
DHE-DSS-ARIA128-GCM-SHA256 c056 2 DH DSS ARIAGCM(128) AEAD d
DHE-RSA-ARIA128-GCM-SHA256 c052 2 DH RSA ARIAGCM(128) AEAD d
ADH-AES128-GCM-SHA256 00a6 2 DH None AESGCM(128) AEAD df
ECDHE-ECDSA-AES256-SHA384 c024 2 ECDH ECDSA AES(256) SHA384 f
ECDHE-RSA-AES256-SHA384 c028 2 ECDH RSA AES(256) SHA384 f
DHE-RSA-AES256-SHA256 006b 2 DH RSA AES(256) SHA256 f
DHE-DSS-AES256-SHA256 006a 2 DH DSS AES(256) SHA256 df
ECDHE-ECDSA-CAMELLIA256-SHA384 c073 2 ECDH ECDSA Camellia(256) SHA384 d
ECDHE-RSA-CAMELLIA256-SHA384 c077 2 ECDH RSA Camellia(256) SHA384 d
DHE-RSA-CAMELLIA256-SHA256 00c4 2 DH RSA Camellia(256) SHA256 d
DHE-DSS-CAMELLIA256-SHA256 00c3 2 DH DSS Camellia(256) SHA256 d
ADH-AES256-SHA256 006d 2 DH None AES(256) SHA256 df
ADH-CAMELLIA256-SHA256 00c5 2 DH None Camellia(256) SHA256 d
ECDHE-ECDSA-AES128-SHA256 c023 2 ECDH ECDSA AES(128) SHA256 f
ECDHE-RSA-AES128-SHA256 c027 2 ECDH RSA AES(128) SHA256 f
DHE-RSA-AES128-SHA256 0067 2 DH RSA AES(128) SHA256 f
DHE-DSS-AES128-SHA256 0040 2 DH DSS AES(128) SHA256 df
ECDHE-ECDSA-CAMELLIA128-SHA256 c072 2 ECDH ECDSA Camellia(128) SHA256 d
ECDHE-RSA-CAMELLIA128-SHA256 c076 2 ECDH RSA Camellia(128) SHA256 d
DHE-RSA-CAMELLIA128-SHA256 00be 2 DH RSA Camellia(128) SHA256 d
DHE-DSS-CAMELLIA128-SHA256 00bd 2 DH DSS Camellia(128) SHA256 d
ADH-AES128-SHA256 006c 2 DH None AES(128) SHA256 df
ADH-CAMELLIA128-SHA256 00bf 2 DH None Camellia(128) SHA256 d
ECDHE-ECDSA-AES256-SHA c00a 0 ECDH ECDSA AES(256) SHA1 f
ECDHE-RSA-AES256-SHA c014 0 ECDH RSA AES(256) SHA1 f
DHE-RSA-AES256-SHA 0039 3 DH RSA AES(256) SHA1 f
DHE-DSS-AES256-SHA 0038 3 DH DSS AES(256) SHA1 df
DHE-RSA-CAMELLIA256-SHA 0088 3 DH RSA Camellia(256) SHA1 d
DHE-DSS-CAMELLIA256-SHA 0087 3 DH DSS Camellia(256) SHA1 d
AECDH-AES256-SHA c019 0 ECDH None AES(256) SHA1 df
ADH-AES256-SHA 003a 3 DH None AES(256) SHA1 df
ADH-CAMELLIA256-SHA 0089 3 DH None Camellia(256) SHA1 d
ECDHE-ECDSA-AES128-SHA c009 0 ECDH ECDSA AES(128) SHA1 f
ECDHE-RSA-AES128-SHA c013 0 ECDH RSA AES(128) SHA1 f
DHE-RSA-AES128-SHA 0033 3 DH RSA AES(128) SHA1 f
DHE-DSS-AES128-SHA 0032 3 DH DSS AES(128) SHA1 df
DHE-RSA-CAMELLIA128-SHA 0045 3 DH RSA Camellia(128) SHA1 d
DHE-DSS-CAMELLIA128-SHA 0044 3 DH DSS Camellia(128) SHA1 d
AECDH-AES128-SHA c018 0 ECDH None AES(128) SHA1 df
ADH-AES128-SHA 0034 3 DH None AES(128) SHA1 df
ADH-CAMELLIA128-SHA 0046 3 DH None Camellia(128) SHA1 d
ECDHE-ECDSA-NULL-SHA c006 0 ECDH ECDSA None SHA1
ECDHE-RSA-NULL-SHA c010 0 ECDH RSA None SHA1
AECDH-NULL-SHA c015 0 ECDH None None SHA1
RSA-PSK-AES256-GCM-SHA384 00ad 2 RSAPSK RSA AESGCM(256) AEAD f
DHE-PSK-AES256-GCM-SHA384 00ab 2 DHEPSK PSK AESGCM(256) AEAD f
RSA-PSK-CHACHA20-POLY1305 ccae 2 RSAPSK RSA CHACHA20/POLY1305(256) AEAD
DHE-PSK-CHACHA20-POLY1305 ccad 2 DHEPSK PSK CHACHA20/POLY1305(256) AEAD
ECDHE-PSK-CHACHA20-POLY1305 ccac 2 ECDHEPSK PSK CHACHA20/POLY1305(256) AEAD
DHE-PSK-AES256-CCM8 c0ab 2 DHEPSK PSK AESCCM8(256) AEAD d
DHE-PSK-AES256-CCM c0a7 2 DHEPSK PSK AESCCM(256) AEAD d
RSA-PSK-ARIA256-GCM-SHA384 c06f 2 RSAPSK RSA ARIAGCM(256) AEAD d
DHE-PSK-ARIA256-GCM-SHA384 c06d 2 DHEPSK PSK ARIAGCM(256) AEAD d
AES256-GCM-SHA384 009d 2 RSA RSA AESGCM(256) AEAD f
AES256-CCM8 c0a1 2 RSA RSA AESCCM8(256) AEAD d
AES256-CCM c09d 2 RSA RSA AESCCM(256) AEAD d
ARIA256-GCM-SHA384 c051 2 RSA RSA ARIAGCM(256) AEAD d
PSK-AES256-GCM-SHA384 00a9 2 PSK PSK AESGCM(256) AEAD f
PSK-CHACHA20-POLY1305 ccab 2 PSK PSK CHACHA20/POLY1305(256) AEAD
PSK-AES256-CCM8 c0a9 2 PSK PSK AESCCM8(256) AEAD d
PSK-AES256-CCM c0a5 2 PSK PSK AESCCM(256) AEAD d
PSK-ARIA256-GCM-SHA384 c06b 2 PSK PSK ARIAGCM(256) AEAD d
RSA-PSK-AES128-GCM-SHA256 00ac 2 RSAPSK RSA AESGCM(128) AEAD f
DHE-PSK-AES128-GCM-SHA256 00aa 2 DHEPSK PSK AESGCM(128) AEAD f
DHE-PSK-AES128-CCM8 c0aa 2 DHEPSK PSK AESCCM8(128) AEAD d
DHE-PSK-AES128-CCM c0a6 2 DHEPSK PSK AESCCM(128) AEAD d
RSA-PSK-ARIA128-GCM-SHA256 c06e 2 RSAPSK RSA ARIAGCM(128) AEAD d
DHE-PSK-ARIA128-GCM-SHA256 c06c 2 DHEPSK PSK ARIAGCM(128) AEAD d
AES128-GCM-SHA256 009c 2 RSA RSA AESGCM(128) AEAD f
AES128-CCM8 c0a0 2 RSA RSA AESCCM8(128) AEAD d
AES128-CCM c09c 2 RSA RSA AESCCM(128) AEAD d
ARIA128-GCM-SHA256 c050 2 RSA RSA ARIAGCM(128) AEAD d
PSK-AES128-GCM-SHA256 00a8 2 PSK PSK AESGCM(128) AEAD f
PSK-AES128-CCM8 c0a8 2 PSK PSK AESCCM8(128) AEAD d
PSK-AES128-CCM c0a4 2 PSK PSK AESCCM(128) AEAD d
PSK-ARIA128-GCM-SHA256 c06a 2 PSK PSK ARIAGCM(128) AEAD d
AES256-SHA256 003d 2 RSA RSA AES(256) SHA256 f
CAMELLIA256-SHA256 00c0 2 RSA RSA Camellia(256) SHA256 d
AES128-SHA256 003c 2 RSA RSA AES(128) SHA256 f
CAMELLIA128-SHA256 00ba 2 RSA RSA Camellia(128) SHA256 d
NULL-SHA256 003b 2 RSA RSA None SHA256
ECDHE-PSK-AES256-CBC-SHA384 c038 0 ECDHEPSK PSK AES(256) SHA384 f
ECDHE-PSK-AES256-CBC-SHA c036 0 ECDHEPSK PSK AES(256) SHA1 f
SRP-DSS-AES-256-CBC-SHA c022 3 SRP DSS AES(256) SHA1 d
SRP-RSA-AES-256-CBC-SHA c021 3 SRP RSA AES(256) SHA1
SRP-AES-256-CBC-SHA c020 3 SRP SRP AES(256) SHA1
RSA-PSK-AES256-CBC-SHA384 00b7 0 RSAPSK RSA AES(256) SHA384 f
DHE-PSK-AES256-CBC-SHA384 00b3 0 DHEPSK PSK AES(256) SHA384 f
RSA-PSK-AES256-CBC-SHA 0095 3 RSAPSK RSA AES(256) SHA1 f
DHE-PSK-AES256-CBC-SHA 0091 3 DHEPSK PSK AES(256) SHA1 f
ECDHE-PSK-CAMELLIA256-SHA384 c09b 0 ECDHEPSK PSK Camellia(256) SHA384 d
RSA-PSK-CAMELLIA256-SHA384 c099 0 RSAPSK RSA Camellia(256) SHA384 d
DHE-PSK-CAMELLIA256-SHA384 c097 0 DHEPSK PSK Camellia(256) SHA384 d
AES256-SHA 0035 3 RSA RSA AES(256) SHA1 f
CAMELLIA256-SHA 0084 3 RSA RSA Camellia(256) SHA1 d
PSK-AES256-CBC-SHA384 00af 0 PSK PSK AES(256) SHA384 f
PSK-AES256-CBC-SHA 008d 3 PSK PSK AES(256) SHA1 f
PSK-CAMELLIA256-SHA384 c095 0 PSK PSK Camellia(256) SHA384 d
ECDHE-PSK-AES128-CBC-SHA256 c037 0 ECDHEPSK PSK AES(128) SHA256 f
ECDHE-PSK-AES128-CBC-SHA c035 0 ECDHEPSK PSK AES(128) SHA1 f
SRP-DSS-AES-128-CBC-SHA c01f 3 SRP DSS AES(128) SHA1 d
SRP-RSA-AES-128-CBC-SHA c01e 3 SRP RSA AES(128) SHA1
SRP-AES-128-CBC-SHA c01d 3 SRP SRP AES(128) SHA1
RSA-PSK-AES128-CBC-SHA256 00b6 0 RSAPSK RSA AES(128) SHA256 f
DHE-PSK-AES128-CBC-SHA256 00b2 0 DHEPSK PSK AES(128) SHA256 f
RSA-PSK-AES128-CBC-SHA 0094 3 RSAPSK RSA AES(128) SHA1 f
DHE-PSK-AES128-CBC-SHA 0090 3 DHEPSK PSK AES(128) SHA1 f
ECDHE-PSK-CAMELLIA128-SHA256 c09a 0 ECDHEPSK PSK Camellia(128) SHA256 d
RSA-PSK-CAMELLIA128-SHA256 c098 0 RSAPSK RSA Camellia(128) SHA256 d
DHE-PSK-CAMELLIA128-SHA256 c096 0 DHEPSK PSK Camellia(128) SHA256 d
AES128-SHA 002f 3 RSA RSA AES(128) SHA1 f
CAMELLIA128-SHA 0041 3 RSA RSA Camellia(128) SHA1 d
PSK-AES128-CBC-SHA256 00ae 0 PSK PSK AES(128) SHA256 f
PSK-AES128-CBC-SHA 008c 3 PSK PSK AES(128) SHA1 f
PSK-CAMELLIA128-SHA256 c094 0 PSK PSK Camellia(128) SHA256 d
ECDHE-PSK-NULL-SHA384 c03b 0 ECDHEPSK PSK None SHA384
ECDHE-PSK-NULL-SHA256 c03a 0 ECDHEPSK PSK None SHA256
ECDHE-PSK-NULL-SHA c039 0 ECDHEPSK PSK None SHA1
RSA-PSK-NULL-SHA384 00b9 0 RSAPSK RSA None SHA384
RSA-PSK-NULL-SHA256 00b8 0 RSAPSK RSA None SHA256
DHE-PSK-NULL-SHA384 00b5 0 DHEPSK PSK None SHA384
DHE-PSK-NULL-SHA256 00b4 0 DHEPSK PSK None SHA256
RSA-PSK-NULL-SHA 002e 3 RSAPSK RSA None SHA1
DHE-PSK-NULL-SHA 002d 3 DHEPSK PSK None SHA1
NULL-SHA 0002 3 RSA RSA None SHA1
NULL-MD5 0001 3 RSA RSA None MD5
PSK-NULL-SHA384 00b1 0 PSK PSK None SHA384
PSK-NULL-SHA256 00b0 0 PSK PSK None SHA256
PSK-NULL-SHA 002c 3 PSK PSK None SHA1`;

/** TLS 1.3's suites, always enabled, in OpenSSL's default order. */
const TLS13: readonly (readonly [string, number, string, number])[] = [
  ["TLS_AES_256_GCM_SHA384", 0x1302, "AESGCM(256)", 256],
  ["TLS_CHACHA20_POLY1305_SHA256", 0x1303, "CHACHA20/POLY1305(256)", 256],
  ["TLS_AES_128_GCM_SHA256", 0x1301, "AESGCM(128)", 128],
];

// OpenSSL's bits for each part of a suite, and for its strength.
const KX: Record<string, number> = {
  RSA: 1,
  DH: 2,
  ECDH: 4,
  PSK: 8,
  RSAPSK: 16,
  ECDHEPSK: 32,
  DHEPSK: 64,
  SRP: 128,
};
const AU: Record<string, number> = { RSA: 1, DSS: 2, None: 4, ECDSA: 8, PSK: 16, SRP: 32 };
const ENC: Record<string, number> = {
  "AES(128)": 1,
  "AES(256)": 2,
  "AESGCM(128)": 4,
  "AESGCM(256)": 8,
  "AESCCM(128)": 16,
  "AESCCM(256)": 32,
  "AESCCM8(128)": 64,
  "AESCCM8(256)": 128,
  "Camellia(128)": 256,
  "Camellia(256)": 512,
  "CHACHA20/POLY1305(256)": 1024,
  "ARIAGCM(128)": 2048,
  "ARIAGCM(256)": 4096,
  None: 8192,
};
const MAC: Record<string, number> = { MD5: 1, SHA1: 2, SHA256: 4, SHA384: 8, AEAD: 16 };
const VERSION: Record<string, number> = { "3": 0x300, "0": 0x301, "2": 0x303 };
const STRONG_NONE = 0x01, HIGH = 0x08, FIPS = 0x10, NOT_DEFAULT = 0x20;
const STRONG_MASK = 0x1f, DEFAULT_MASK = 0x20;
const E_NULL = ENC.None, AES = 0xff, PSK = 8 | 16 | 32 | 64;

/** A suite as the cipher-string rules see it. */
interface Suite {
  readonly name: string;
  readonly id: number;
  readonly version: string;
  readonly kx: string;
  readonly au: string;
  readonly enc: string;
  readonly mac: string;
  readonly mkey: number;
  readonly auth: number;
  readonly cipher: number;
  readonly digest: number;
  readonly minTls: number;
  readonly strength: number;
  readonly bits: number;
}

let suites: readonly Suite[] | null = null;

const VERSION_NAME: Record<string, string> = { "3": "SSLv3", "0": "TLSv1.0", "2": "TLSv1.2" };

/** The suites, read from the table on first use. */
function allSuites(): readonly Suite[] {
  return suites ??= TABLE.split("\n").map((line) => {
    const [name, id, v, kx, au, enc, mac, flags = ""] = line.split(" ");
    return {
      name,
      id: parseInt(id, 16),
      version: VERSION_NAME[v],
      kx,
      au,
      enc,
      mac,
      mkey: KX[kx],
      auth: AU[au],
      cipher: ENC[enc],
      digest: MAC[mac],
      minTls: VERSION[v],
      strength: (enc === "None" ? STRONG_NONE : HIGH) | (flags.includes("f") ? FIPS : 0) |
        (flags.includes("d") ? NOT_DEFAULT : 0),
      bits: Number(/\((\d+)\)/.exec(enc)?.[1] ?? 0),
    };
  });
}

/** A rule's pattern: what a suite must have (0: anything), or one suite by id. */
interface Pattern {
  id: number;
  mkey: number;
  auth: number;
  cipher: number;
  digest: number;
  minTls: number;
  strength: number;
}

type Mask = Omit<Pattern, "id">;

/** OpenSSL's aliases (those that name a suite of OpenSSL 3.0's list; the rest match nothing). */
const ALIASES: Record<string, Partial<Mask>> = {
  ALL: { cipher: ~E_NULL },
  COMPLEMENTOFALL: { cipher: E_NULL },
  COMPLEMENTOFDEFAULT: { strength: NOT_DEFAULT },
  kRSA: { mkey: KX.RSA },
  kEDH: { mkey: KX.DH },
  kDHE: { mkey: KX.DH },
  DH: { mkey: KX.DH },
  kEECDH: { mkey: KX.ECDH },
  kECDHE: { mkey: KX.ECDH },
  ECDH: { mkey: KX.ECDH },
  kPSK: { mkey: KX.PSK },
  kRSAPSK: { mkey: KX.RSAPSK },
  kECDHEPSK: { mkey: KX.ECDHEPSK },
  kDHEPSK: { mkey: KX.DHEPSK },
  kSRP: { mkey: KX.SRP },
  aRSA: { auth: AU.RSA },
  aDSS: { auth: AU.DSS },
  DSS: { auth: AU.DSS },
  aNULL: { auth: AU.None },
  aECDSA: { auth: AU.ECDSA },
  ECDSA: { auth: AU.ECDSA },
  aPSK: { auth: AU.PSK },
  aSRP: { auth: AU.SRP },
  EDH: { mkey: KX.DH, auth: ~AU.None },
  DHE: { mkey: KX.DH, auth: ~AU.None },
  EECDH: { mkey: KX.ECDH, auth: ~AU.None },
  ECDHE: { mkey: KX.ECDH, auth: ~AU.None },
  NULL: { cipher: E_NULL },
  RSA: { mkey: KX.RSA, auth: AU.RSA },
  ADH: { mkey: KX.DH, auth: AU.None },
  AECDH: { mkey: KX.ECDH, auth: AU.None },
  PSK: { mkey: PSK },
  SRP: { mkey: KX.SRP },
  eNULL: { cipher: E_NULL },
  AES128: { cipher: 1 | 4 | 16 | 64 },
  AES256: { cipher: 2 | 8 | 32 | 128 },
  AES: { cipher: AES },
  AESGCM: { cipher: 4 | 8 },
  AESCCM: { cipher: 16 | 32 | 64 | 128 },
  AESCCM8: { cipher: 64 | 128 },
  CAMELLIA128: { cipher: 256 },
  CAMELLIA256: { cipher: 512 },
  CAMELLIA: { cipher: 256 | 512 },
  CHACHA20: { cipher: 1024 },
  ARIA128: { cipher: 2048 },
  ARIA256: { cipher: 4096 },
  ARIA: { cipher: 2048 | 4096 },
  ARIAGCM: { cipher: 2048 | 4096 },
  CBC: { cipher: 1 | 2 | 256 | 512 },
  MD5: { digest: MAC.MD5 },
  SHA1: { digest: MAC.SHA1 },
  SHA: { digest: MAC.SHA1 },
  SHA256: { digest: MAC.SHA256 },
  SHA384: { digest: MAC.SHA384 },
  SSLv3: { minTls: 0x300 },
  TLSv1: { minTls: 0x301 },
  "TLSv1.0": { minTls: 0x301 },
  "TLSv1.2": { minTls: 0x303 },
  LOW: { strength: 0x02 },
  MEDIUM: { strength: 0x04 },
  HIGH: { strength: HIGH },
  FIPS: { cipher: ~E_NULL, strength: FIPS },
};

/** OpenSSL's DEFAULT, as a rule string that starts with it expands it. */
const DEFAULT_RULES = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";

const SEPARATORS = ":;, ";

function matches(s: Suite, p: Pattern): boolean {
  if (p.id !== 0) return s.id === p.id;
  if (p.mkey && !(p.mkey & s.mkey)) return false;
  if (p.auth && !(p.auth & s.auth)) return false;
  if (p.cipher && !(p.cipher & s.cipher)) return false;
  if (p.digest && !(p.digest & s.digest)) return false;
  if (p.minTls && p.minTls !== s.minTls) return false;
  if (p.strength & STRONG_MASK && !(p.strength & STRONG_MASK & s.strength)) return false;
  if (p.strength & DEFAULT_MASK && !(p.strength & DEFAULT_MASK & s.strength)) return false;
  return true;
}

/** The suites' order and which are on, as OpenSSL's rules move them. */
class Order {
  list: { suite: Suite; active: boolean }[] = allSuites().map((suite) => ({
    suite,
    active: false,
  }));
  secLevel: number | null = null;

  add(p: Pattern): void {
    const moved: typeof this.list = [];
    this.list = this.list.filter((e) => {
      if (!e.active && matches(e.suite, p)) {
        e.active = true;
        moved.push(e);
        return false;
      }
      return true;
    });
    this.list.push(...moved);
  }

  order(p: Pattern): void {
    const moved: typeof this.list = [];
    this.list = this.list.filter((e) => {
      if (e.active && matches(e.suite, p)) {
        moved.push(e);
        return false;
      }
      return true;
    });
    this.list.push(...moved);
  }

  /** Deactivates, moving each to the front (most recently deleted first in line for a later add). */
  remove(p: Pattern): void {
    const moved: typeof this.list = [];
    this.list = this.list.filter((e) => {
      if (e.active && matches(e.suite, p)) {
        e.active = false;
        moved.push(e);
        return false;
      }
      return true;
    });
    this.list.unshift(...moved);
  }

  kill(p: Pattern): void {
    this.list = this.list.filter((e) => !matches(e.suite, p));
  }

  strengthSort(): void {
    const active = this.list.filter((e) => e.active);
    const levels = [...new Set(active.map((e) => e.suite.bits))].sort((a, b) => b - a);
    for (const bits of levels) {
      const moved = this.list.filter((e) => e.active && e.suite.bits === bits);
      this.list = this.list.filter((e) => !(e.active && e.suite.bits === bits));
      this.list.push(...moved);
    }
  }
}

/** Runs OpenSSL's rule string over `order`; `false` when it holds an invalid command. */
function process(rules: string, order: Order, byName: Map<string, Suite>): boolean {
  let ok = true;
  let l = 0;
  const word = /^[A-Za-z0-9.=-]*/;
  while (l < rules.length) {
    const ch = rules[l];
    let rule: "add" | "del" | "ord" | "kill" | "special" = "add";
    if (ch === "-") rule = "del";
    else if (ch === "+") rule = "ord";
    else if (ch === "!") rule = "kill";
    else if (ch === "@") rule = "special";
    if (rule !== "add") l++;
    if (SEPARATORS.includes(ch)) {
      l++;
      continue;
    }
    const p: Pattern = { id: 0, mkey: 0, auth: 0, cipher: 0, digest: 0, minTls: 0, strength: 0 };
    let found = false;
    let buf = "";
    for (;;) {
      buf = word.exec(rules.slice(l))![0];
      l += buf.length;
      if (buf.length === 0) { // not a command, a separator, nor a name: OpenSSL's error
        ok = false;
        found = false;
        l++;
        break;
      }
      if (rule === "special") break;
      const multi = rules[l] === "+";
      if (multi) l++;
      const suite = byName.get(buf);
      const alias: Partial<Pattern> | undefined = suite
        ? { ...suite, cipher: suite.cipher, digest: suite.digest }
        : ALIASES[buf];
      found = alias !== undefined;
      if (!found) break;
      for (const k of ["mkey", "auth", "cipher", "digest"] as const) {
        const v = alias![k] ?? 0;
        if (!v) continue;
        p[k] = p[k] ? p[k] & v : v;
        if (!p[k]) found = false;
      }
      const strength = alias!.strength ?? 0;
      for (const mask of [STRONG_MASK, DEFAULT_MASK]) {
        if (!(strength & mask)) continue;
        if (p.strength & mask) {
          p.strength &= (strength & mask) | ~mask;
          if (!(p.strength & mask)) found = false;
        } else p.strength |= strength & mask;
      }
      if (suite) p.id = suite.id;
      else if (alias!.minTls) {
        if (p.minTls && p.minTls !== alias!.minTls) found = false;
        else p.minTls = alias!.minTls;
      }
      if (!found || !multi) break;
    }
    if (rule === "special") {
      if (buf === "STRENGTH") order.strengthSort();
      else if (/^SECLEVEL=[0-5]$/.test(buf)) order.secLevel = Number(buf.slice(9));
      else ok = false;
      while (l < rules.length && !SEPARATORS.includes(rules[l])) l++;
    } else if (found) {
      if (rule === "add") order.add(p);
      else if (rule === "ord") order.order(p);
      else if (rule === "del") order.remove(p);
      else order.kill(p);
    } else {
      while (l < rules.length && !SEPARATORS.includes(rules[l])) l++;
    }
  }
  return ok;
}

/** A cipher list evaluated: the suites on, in order, and the security level it set (if any). */
export interface CipherList {
  /** OpenSSL's names of the TLS 1.2-and-below suites on, in order of preference. */
  readonly names: readonly string[];
  /** The `@SECLEVEL` the list set, or `null`. */
  readonly secLevel: number | null;
}

/**
 * Evaluates an OpenSSL cipher string as OpenSSL 3.0 does.
 *
 * @throws {SSLError} "No cipher can be selected." (Python's words) when it
 *   holds an invalid command or turns on no TLS 1.2-and-below suite.
 */
export function cipherList(rules: string): CipherList {
  const byName = new Map(allSuites().map((s) => [s.name, s]));
  const order = new Order();
  let rest = rules;
  let ok = true;
  if (rest.startsWith("DEFAULT")) {
    ok = process(DEFAULT_RULES, order, byName);
    rest = rest.slice(7);
    if (rest.startsWith(":")) rest = rest.slice(1);
  }
  if (ok && rest.length) ok = process(rest, order, byName);
  const names = order.list.filter((e) => e.active).map((e) => e.suite.name);
  if (!ok || names.length === 0) throw new SSLError(null, "No cipher can be selected.");
  return { names, secLevel: order.secLevel };
}

/** CPython's default cipher string (`_DEFAULT_CIPHERS`). */
export const DEFAULT_CIPHERS =
  "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM";

const SYMMETRIC: Record<string, string> = {
  AESGCM: "gcm",
  AESCCM: "ccm",
  AESCCM8: "ccm",
  AES: "cbc",
};

/** Python's dict of the suite named `name` (TLS 1.3's included), or `null` for a name OpenSSL lacks. */
export function cipherInfo(name: string): CipherInfo | null {
  const t13 = TLS13.find(([n]) => n === name);
  const s = t13
    ? {
      name,
      id: t13[1],
      version: "TLSv1.3",
      kx: "any",
      au: "any",
      enc: t13[2],
      mac: "AEAD",
      bits: t13[3],
    }
    : allSuites().find((x) => x.name === name);
  if (s === undefined) return null;
  const [, family, bits] = /^([^(]+)\((\d+)\)$/.exec(s.enc) ?? [];
  let symmetric: string | null = null;
  if (family === "CHACHA20/POLY1305") symmetric = "chacha20-poly1305";
  else if (family === "Camellia") symmetric = `camellia-${bits}-cbc`;
  else if (family === "ARIAGCM") symmetric = `aria-${bits}-gcm`;
  else if (family in SYMMETRIC) symmetric = `aes-${bits}-${SYMMETRIC[family]}`;
  const kea: Record<string, string> = {
    RSA: "rsa",
    DH: "dhe",
    ECDH: "ecdhe",
    PSK: "psk",
    RSAPSK: "rsa-psk",
    ECDHEPSK: "ecdhe-psk",
    DHEPSK: "dhe-psk",
    SRP: "srp",
    any: "any",
  };
  const auth: Record<string, string> = {
    RSA: "rsa",
    DSS: "dss",
    None: "null",
    ECDSA: "ecdsa",
    PSK: "psk",
    SRP: "srp",
    any: "any",
  };
  return {
    id: 0x03000000 | s.id,
    name: s.name,
    protocol: s.version,
    description: `${s.name.padEnd(30)} ${
      (s.version === "TLSv1.0" ? "TLSv1" : s.version).padEnd(7)
    } Kx=${s.kx.padEnd(8)} Au=${s.au.padEnd(5)} Enc=${s.enc.padEnd(22)} Mac=${s.mac.padEnd(4)}`,
    strength_bits: s.bits,
    alg_bits: s.bits,
    aead: s.mac === "AEAD",
    symmetric,
    digest: s.mac === "AEAD" ? null : s.mac.toLowerCase(),
    kea: `kx-${kea[s.kx]}`,
    auth: `auth-${auth[s.au]}`,
  };
}

/** TLS 1.3's suites' names, in OpenSSL's default order. */
export function tls13Names(): string[] {
  return TLS13.map(([n]) => n);
}

/** The OpenSSL name of the suite numbered `id` (IANA), or `null`. */
export function cipherName(id: number): string | null {
  return TLS13.find(([, i]) => i === id)?.[0] ?? allSuites().find((s) => s.id === id)?.name ?? null;
}
