// Copyright 2026 the pysocket authors. MIT license.
// getaddrinfo and the other name/number helpers, compared with CPython's
// answers on this machine (same resolver, same /etc/hosts and /etc/services).

import assert from "node:assert/strict";
import * as socket from "../mod.ts";

/** Runs a Python snippet that reads JSON `cases` and prints JSON. */
async function python(code: string, input: unknown = null): Promise<unknown> {
  const child = new Deno.Command("python3", {
    args: ["-c", `import json, socket, sys\ncases = json.load(sys.stdin)\n${code}`],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(input)));
  await w.close();
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

type GaiCase = [string | null, number | string | null, number, number, number, number];

const GAI_CASES: GaiCase[] = [
  ["127.0.0.1", 80, 0, 0, 0, 0],
  ["127.0.0.1", "80", 0, 0, 0, 0],
  ["127.0.0.1", "http", 0, 0, 0, 0],
  ["127.0.0.1", "domain", 0, 0, 0, 0],
  ["127.1", 8080, 0, 0, 0, 0],
  ["localhost", null, 0, 0, 0, 0],
  ["localhost", 80, socket.AF_INET, socket.SOCK_STREAM, 0, 0],
  ["localhost", 80, 0, 0, 0, socket.AI_CANONNAME],
  ["::1", 443, 0, socket.SOCK_DGRAM, 0, 0],
  ["::1", 443, socket.AF_INET, 0, 0, 0],
  [null, 80, 0, 0, 0, socket.AI_PASSIVE],
  [null, 80, 0, socket.SOCK_STREAM, 0, 0],
  [null, 80, socket.AF_INET6, socket.SOCK_STREAM, 0, socket.AI_PASSIVE],
  ["", 80, 0, 0, 0, 0],
  ["nonexistent.invalid", 80, 0, 0, 0, 0],
  ["127.0.0.1", "nosuchservice", 0, 0, 0, 0],
  ["localhost", "http", 0, 0, 0, socket.AI_NUMERICSERV],
  ["localhost", 80, 0, 0, 0, socket.AI_NUMERICHOST],
  ["127.0.0.1", 80, socket.AF_UNIX, 0, 0, 0],
  ["127.0.0.1", 80, 0, 99, 0, 0],
  ["127.0.0.1", 80, 0, socket.SOCK_STREAM, socket.IPPROTO_UDP, 0],
  ["127.0.0.1", 80, 0, 0, socket.IPPROTO_UDP, 0],
  ["127.0.0.1", 80, 0, socket.SOCK_RAW, 0, 0],
];

Deno.test("getaddrinfo gives CPython's 5-tuples and gaierror codes", async () => {
  const expected = await python(
    `out = []
for c in cases:
    try:
        out.append([[int(f), int(t), p, cn, list(sa)] for f, t, p, cn, sa in socket.getaddrinfo(*c)])
    except socket.gaierror as e:
        out.append(e.errno)
print(json.dumps(out))`,
    GAI_CASES,
  ) as unknown[];
  for (const [i, c] of GAI_CASES.entries()) {
    let actual: unknown;
    try {
      actual = await socket.getaddrinfo(...c);
    } catch (e) {
      assert.ok(e instanceof socket.gaierror, `${JSON.stringify(c)}: ${e}`);
      actual = e.errno;
    }
    assert.deepEqual(actual, expected[i], JSON.stringify(c));
  }
});

Deno.test("getaddrinfo failure is a gaierror with Python's message", async () => {
  await assert.rejects(socket.getaddrinfo("nonexistent.invalid", 80), (e) => {
    assert.ok(e instanceof socket.gaierror);
    assert.equal(e.errno, socket.EAI.EAI_NONAME);
    assert.match(e.message, /^\[Errno -2\] Name or service not known/);
    return true;
  });
});

Deno.test("getaddrinfo refuses bad argument types and ports", async () => {
  await assert.rejects(socket.getaddrinfo("127.0.0.1", 70000), {
    name: "RangeError",
    message: "Cannot getaddrinfo: port must be 0-65535: current value is 70000",
  });
  await assert.rejects(
    socket.getaddrinfo("127.0.0.1", [80] as unknown as number),
    TypeError,
  );
  await assert.rejects(socket.getaddrinfo(1 as unknown as string, 80), TypeError);
});

Deno.test("getaddrinfo results connect: a server found through localhost", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1] as number;
  const [[family, type, proto, , sockaddr]] = await socket.getaddrinfo(
    "localhost",
    port,
    socket.AF_INET,
    socket.SOCK_STREAM,
  );
  using cli = socket.socket(family, type, proto);
  await cli.connect(sockaddr);
  const [conn] = await srv.accept();
  conn.close();
  assert.deepEqual(cli.getpeername(), ["127.0.0.1", port]);
});

Deno.test("gethostbyname, gethostbyname_ex, gethostbyaddr, getfqdn match CPython", async () => {
  const names = ["localhost", "127.1", "", "<broadcast>", socket.gethostname()];
  const expected = await python(
    `print(json.dumps([[socket.gethostbyname(n) for n in cases],
                  [list(socket.gethostbyname_ex(n)) for n in cases[:2] + cases[4:]],
                  list(socket.gethostbyaddr("127.0.0.1")),
                  socket.getfqdn(), socket.getfqdn("127.0.0.1"), socket.gethostname()]))`,
    names,
  );
  const actual = [
    await Promise.all(names.map(socket.gethostbyname)),
    await Promise.all([...names.slice(0, 2), ...names.slice(4)].map(socket.gethostbyname_ex)),
    await socket.gethostbyaddr("127.0.0.1"),
    await socket.getfqdn(),
    await socket.getfqdn("127.0.0.1"),
    socket.gethostname(),
  ];
  assert.deepEqual(actual, expected);
});

Deno.test("gethostbyname and gethostbyaddr failures", async () => {
  await assert.rejects(socket.gethostbyname("nonexistent.invalid"), (e) => {
    assert.ok(e instanceof socket.gaierror);
    assert.equal(e.errno, socket.EAI.EAI_NONAME);
    return true;
  });
  await assert.rejects(socket.gethostbyname("::1"), socket.gaierror);
  for (const name of ["", "<broadcast>"]) {
    await assert.rejects(socket.gethostbyname_ex(name), (e) => {
      assert.ok(e instanceof socket.herror);
      assert.match(e.message, /^\[Errno 3\] Unknown server error/);
      return true;
    });
  }
  // CPython here: herror(1, 'Unknown host') for an address with no name.
  const py = await python(`try:
    socket.gethostbyaddr("::1"); print(json.dumps(None))
except socket.herror as e:
    print(json.dumps([e.errno, e.strerror]))`);
  await assert.rejects(socket.gethostbyaddr("::1"), (e) => {
    assert.ok(e instanceof socket.herror);
    assert.deepEqual([e.errno, e.strerror], py);
    return true;
  });
  await assert.rejects(socket.gethostbyaddr(5 as unknown as string), TypeError);
  assert.equal(await socket.getfqdn("no-such-host.invalid"), "no-such-host.invalid");
});

Deno.test("getnameinfo gives names or numbers like CPython", async () => {
  const cases: [[string, number], number][] = [
    [["127.0.0.1", 80], 0],
    [["127.0.0.1", 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV],
    [["127.0.0.1", 53], socket.NI_DGRAM],
    [["127.0.0.1", 65000], 0],
  ];
  const expected = await python(
    "print(json.dumps([list(socket.getnameinfo(tuple(a), f)) for a, f in cases]))",
    cases,
  );
  const actual = await Promise.all(cases.map(([a, f]) => socket.getnameinfo(a, f)));
  assert.deepEqual(actual, expected);
});

Deno.test("getservbyname and getservbyport read /etc/services like CPython", async () => {
  const expected = await python(`print(json.dumps([
    socket.getservbyname("http"), socket.getservbyname("domain", "udp"), socket.getservbyname("www", "tcp"),
    socket.getservbyport(22), socket.getservbyport(53, "udp"), socket.getservbyport(443, "tcp")]))`);
  assert.deepEqual([
    socket.getservbyname("http"),
    socket.getservbyname("domain", "udp"),
    socket.getservbyname("www", "tcp"),
    socket.getservbyport(22),
    socket.getservbyport(53, "udp"),
    socket.getservbyport(443, "tcp"),
  ], expected);
  assert.throws(() => socket.getservbyname("no-such-service"), {
    name: "OSError",
    message: "service/proto not found",
  });
  assert.throws(() => socket.getservbyport(65000), {
    name: "OSError",
    message: "port/proto not found",
  });
  assert.throws(() => socket.getservbyport(70000), {
    name: "RangeError",
    message: "Cannot getservbyport: port must be 0-65535: current value is 70000",
  });
});

Deno.test("has_ipv6 is true and has_dualstack_ipv6 tells whether [::] takes IPv4", async () => {
  assert.equal(socket.has_ipv6, true);
  const dual = socket.has_dualstack_ipv6();
  assert.equal(typeof dual, "boolean");
  if (!dual) return;
  using srv = socket.create_server(["::", 0], { family: socket.AF_INET6, dualstack_ipv6: true });
  using cli = await socket.create_connection(["127.0.0.1", srv.getsockname()[1] as number]);
  const [conn, addr] = await srv.accept();
  conn.close();
  assert.deepEqual(addr.slice(0, 2), ["::ffff:127.0.0.1", cli.getsockname()[1]]);
});
