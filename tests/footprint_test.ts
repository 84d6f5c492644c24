// Copyright 2026 the pysocket authors. MIT license.
// A program pays for what it uses: importing the package loads no node:
// built-in, and a program on Deno's own API never touches `process` (whose
// first touch alone costs a Deno process memory, and loads Deno's node
// compatibility layer). A socket that needs node:net loads it then, and
// works (node_backend_test runs the behaviour suites over that backend).

import assert from "node:assert/strict";
import { ROOT } from "./_helpers.ts";

const ENTRY_POINTS = ["mod.ts", "socketserver.ts", "select.ts", "selectors.ts", "ssl.ts"];

interface InfoModule {
  specifier: string;
  dependencies?: { specifier: string; code?: { specifier: string }; isDynamic?: boolean }[];
}

/**
 * The modules an import of `entry` evaluates: its static graph, type-only
 * and dynamic imports (`await import()`, run on first use) left out.
 */
async function evaluated(entry: string): Promise<Set<string>> {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(code, 0);
  const { modules, roots } = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: InfoModule[];
    roots: string[];
  };
  const bySpecifier = new Map(modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dep.code && !dep.isDynamic) visit(dep.code.specifier);
    }
  };
  roots.forEach(visit);
  return seen;
}

for (const entry of ENTRY_POINTS) {
  Deno.test(`import of ${entry} evaluates no node: built-in`, async () => {
    const graph = await evaluated(entry);
    assert.ok(graph.size > 1, `${entry}'s graph was read`);
    assert.deepEqual([...graph].filter((s) => s.startsWith("node:")), []);
  });
}

Deno.test("import of ssl.ts evaluates neither the libssl engine nor its declarations (wrap_bio() loads them)", async () => {
  const graph = [...await evaluated("ssl.ts")];
  for (const file of ["_transport/openssl.ts", "_transport/_ffi/libssl.ts", "_transport/ffi.ts"]) {
    assert.ok(!graph.some((s) => s.endsWith(file)), `${file} is in ssl.ts's static graph`);
  }
});

/**
 * Runs `body` after mod.ts is imported, in a program that records any touch
 * of `process` (and the node: built-ins loaded through it); prints them.
 */
async function touches(body: string, ...flags: string[]): Promise<string[]> {
  const program = `
    const touched = [];
    const own = Object.getOwnPropertyDescriptor(globalThis, "process");
    Object.defineProperty(globalThis, "process", {
      configurable: true,
      get() {
        touched.push("process");
        Object.defineProperty(globalThis, "process", own);
        return globalThis.process;
      },
    });
    const socket = await import(${JSON.stringify(new URL("../mod.ts", import.meta.url).href)});
    ${body}
    console.log(JSON.stringify(touched));
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...flags, "--ext=js", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    cwd: ROOT,
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(program));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").at(-1)!);
}

Deno.test("a program binding TCP and UDP on Deno's own API never touches process", async () => {
  const touched = await touches(
    `
    const tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    tcp.bind(["127.0.0.1", 0]);
    tcp.listen();
    const udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    udp.bind(["127.0.0.1", 0]);
    const conn = await socket.create_connection(tcp.getsockname());
    const [peer] = await tcp.accept();
    await conn.sendall(new Uint8Array([1, 2, 3]));
    if ((await peer.recv(3)).length !== 3) throw new Error("lost bytes");
    await udp.sendto(new Uint8Array([4]), udp.getsockname());
    if ((await udp.recvfrom(1))[0][0] !== 4) throw new Error("lost datagram");
    socket.gethostname();
    for (const s of [conn, peer, tcp, udp]) s.close();
    `,
    "--unstable-net",
  );
  assert.deepEqual(touched, []);
});

Deno.test("a socket that needs node:dgram (UDP without --unstable-net) loads it on first use", async () => {
  // --no-config: without deno.json's "unstable": ["net"], Deno has no datagram API.
  const touched = await touches(
    `
    const udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    udp.bind(["127.0.0.1", 0]);
    await udp.sendto(new Uint8Array([7]), udp.getsockname());
    if ((await udp.recvfrom(1))[0][0] !== 7) throw new Error("lost datagram");
    udp.close();
  `,
    "--no-config",
  );
  assert.ok(touched.includes("process"), JSON.stringify(touched));
});
