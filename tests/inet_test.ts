// Copyright 2026 the pysocket authors. MIT license.
// inet_aton/inet_ntoa/inet_pton/inet_ntop and hton*/ntoh*, compared with
// CPython's socket module run as a subprocess.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";

/** Runs a Python snippet that prints JSON and returns the parsed value. */
async function python(code: string, input: unknown): Promise<unknown> {
  const cmd = new Deno.Command("python3", {
    args: ["-c", `import json, socket, sys\ncases = json.load(sys.stdin)\n${code}`],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(input)));
  await w.close();
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const ATON_CASES = [
  "127.0.0.1",
  "127.1",
  "10.1.2",
  "0x7f.1",
  "0177.0.0.1",
  "0x",
  "4294967295",
  "4294967296",
  "1.2.65535",
  "1.2.65536",
  "1.2.3.4.5",
  "",
  " 1.2.3.4",
  "1.2.3.4\tjunk",
  "1.2.3.4 junk",
  "1..2",
  "256.1.1.1",
  "1.256.1.1",
  "08.1.1.1",
  "1.2.3.-4",
  "a.b.c.d",
  "255.255.255.255",
];

Deno.test("inet_aton accepts and refuses exactly what CPython does", async () => {
  const expected = await python(
    `out = []
for c in cases:
    try: out.append(list(socket.inet_aton(c)))
    except OSError as e: out.append(str(e))
print(json.dumps(out))`,
    ATON_CASES,
  ) as (number[] | string)[];
  const actual = ATON_CASES.map((c) => {
    try {
      return Array.from(socket.inet_aton(c));
    } catch (e) {
      assert.ok(e instanceof socket.OSError, `${c}: ${e}`);
      assert.equal(e.errno, null);
      return e.message;
    }
  });
  assert.deepEqual(actual, expected);
});

Deno.test("inet_aton rejects a non-string with TypeError", () => {
  assert.throws(
    () => socket.inet_aton(2130706433 as unknown as string),
    { name: "TypeError", message: "inet_aton() argument 1 must be str, not number" },
  );
});

Deno.test("inet_ntoa formats 4 bytes and refuses other lengths and strings", () => {
  assert.equal(socket.inet_ntoa(new Uint8Array([192, 168, 0, 1])), "192.168.0.1");
  assert.equal(socket.inet_ntoa(new Uint8Array([255, 0, 0, 7]).buffer), "255.0.0.7");
  assert.throws(() => socket.inet_ntoa(new Uint8Array(3)), {
    name: "OSError",
    message: "packed IP wrong length for inet_ntoa",
  });
  assert.throws(() => socket.inet_ntoa("1.2.3.4" as unknown as Uint8Array), {
    name: "TypeError",
    message: "a bytes-like object is required, not 'str'",
  });
});

const PTON_CASES = [
  "1.2.3.4",
  "01.2.3.4",
  "1.2.3",
  "255.255.255.256",
  "::",
  "::1",
  "1::",
  "::ffff:1.2.3.4",
  "::1.2.3.4",
  "64:ff9b::192.0.2.33",
  "2001:db8::1",
  "2001:DB8:0:0:8:800:200C:417A",
  "1:2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7::",
  "1:2:3:4:5:6:7:8:9",
  "1::2::3",
  ":::",
  "1:2:3:4:5:6:1.2.3.4",
  "fe80::1%1",
  "12345::",
  "g::1",
];

Deno.test("inet_pton parses both families like CPython", async () => {
  const expected = await python(
    `out = []
for c in cases:
    row = []
    for fam in (socket.AF_INET, socket.AF_INET6):
        try: row.append(list(socket.inet_pton(fam, c)))
        except OSError as e: row.append(str(e))
    out.append(row)
print(json.dumps(out))`,
    PTON_CASES,
  );
  const actual = PTON_CASES.map((c) =>
    [socket.AF_INET, socket.AF_INET6].map((fam) => {
      try {
        return Array.from(socket.inet_pton(fam, c));
      } catch (e) {
        assert.ok(e instanceof socket.OSError);
        return e.message;
      }
    })
  );
  assert.deepEqual(actual, expected);
});

Deno.test("inet_ntop formats IPv6 like CPython, including compressed and v4 forms", async () => {
  const samples: number[][] = [
    new Array(16).fill(0),
    [...new Array(15).fill(0), 1],
    [...new Array(15).fill(0), 2],
    [...new Array(10).fill(0), 0xff, 0xff, 1, 2, 3, 4],
    [...new Array(12).fill(0), 1, 2, 3, 4],
    [0x20, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],
    [0, 1, ...new Array(14).fill(0)],
    [0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34],
    [0xfe, 0x80, ...new Array(12).fill(0), 0xab, 0xcd],
  ];
  // A deterministic spread of patterns with zero runs in different places.
  let seed = 7;
  for (let i = 0; i < 200; i++) {
    const b: number[] = [];
    for (let j = 0; j < 8; j++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const w = seed % 3 === 0 ? 0 : seed % 5 === 0 ? 1 : seed & 0xffff;
      b.push(w >> 8, w & 0xff);
    }
    samples.push(b);
  }
  const expected = await python(
    "print(json.dumps([socket.inet_ntop(socket.AF_INET6, bytes(c)) for c in cases]))",
    samples,
  );
  assert.deepEqual(
    samples.map((b) => socket.inet_ntop(socket.AF_INET6, new Uint8Array(b))),
    expected,
  );
  // And back again.
  for (const b of samples) {
    const text = socket.inet_ntop(socket.AF_INET6, new Uint8Array(b));
    assert.deepEqual(Array.from(socket.inet_pton(socket.AF_INET6, text)), b);
  }
});

Deno.test("inet_ntop and inet_pton refuse bad lengths and unknown families", () => {
  assert.equal(socket.inet_ntop(socket.AF_INET, new Uint8Array([1, 2, 3, 4])), "1.2.3.4");
  assert.throws(() => socket.inet_ntop(socket.AF_INET, new Uint8Array(3)), {
    name: "RangeError",
    message: "invalid length of packed IP address string",
  });
  assert.throws(() => socket.inet_ntop(socket.AF_INET6, new Uint8Array(4)), RangeError);
  assert.throws(() => socket.inet_ntop(socket.AF_UNIX, new Uint8Array(4)), (e) => {
    assert.ok(e instanceof socket.OSError);
    assert.equal(e.errno, socket.errno.EAFNOSUPPORT);
    return true;
  });
  assert.throws(() => socket.inet_pton(99, "1.2.3.4"), (e) => {
    assert.ok(e instanceof socket.OSError);
    assert.equal(e.errno, socket.errno.EAFNOSUPPORT);
    return true;
  });
  assert.throws(() => socket.inet_pton(socket.AF_INET, 1 as unknown as string), TypeError);
});

Deno.test("htons/ntohs/htonl/ntohl swap bytes like CPython", async () => {
  const shorts = [0, 1, 0x1234, 0xff00, 65535, 8080];
  const longs = [0, 1, 0x12345678, 0xdeadbeef, 4294967295, 2130706433];
  const expected = await python(
    `s, l = cases
print(json.dumps([[socket.htons(x) for x in s], [socket.ntohs(x) for x in s],
                  [socket.htonl(x) for x in l], [socket.ntohl(x) for x in l]]))`,
    [shorts, longs],
  );
  assert.deepEqual([
    shorts.map(socket.htons),
    shorts.map(socket.ntohs),
    longs.map(socket.htonl),
    longs.map(socket.ntohl),
  ], expected);
});

Deno.test("hton* refuse out-of-range and non-integer values", () => {
  assert.throws(() => socket.htons(70000), {
    name: "RangeError",
    message: "Cannot htons: x must be 0-65535: current value is 70000",
  });
  assert.throws(() => socket.ntohs(-1), RangeError);
  assert.throws(() => socket.htonl(2 ** 32), {
    name: "RangeError",
    message: "Cannot htonl: x must be 0-4294967295: current value is 4294967296",
  });
  assert.throws(() => socket.ntohl(1.5), TypeError);
  assert.throws(() => socket.htons("1" as unknown as number), {
    name: "TypeError",
    message: "Cannot htons: x must be an integer, not 'string'",
  });
});
