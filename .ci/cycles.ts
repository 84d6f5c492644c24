// Copyright 2026 the pysocket authors. MIT license.
// Fails when the package's own modules import each other in a cycle (type
// imports included), reading the module graph `deno info --json` gives for
// each entry point; when a module imports one of a layer above its own
// (DESIGN §13's order, LAYERS below); and when a file above `_transport/`
// names a Deno network call: the transport seam is the only door to the network.
//
//   deno run --allow-run --allow-read .ci/cycles.ts mod.ts socketserver.ts ...

const root = new URL("..", import.meta.url);
const entries = Deno.args.length ? Deno.args : ["mod.ts"];
const edges = new Map<string, Set<string>>();

for (const entry of entries) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(entry, root).pathname],
    stdout: "piped",
  }).output();
  if (!out.success) throw new Error(`deno info ${entry} failed`);
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
    }[];
  };
  for (const m of graph.modules) {
    if (!m.specifier.startsWith(root.href)) continue;
    const to = edges.get(m.specifier) ?? new Set<string>();
    edges.set(m.specifier, to);
    for (const d of m.dependencies ?? []) {
      for (const s of [d.code?.specifier, d.type?.specifier]) {
        if (s?.startsWith(root.href)) to.add(s);
      }
    }
  }
}

const name = (s: string) => s.slice(root.href.length);
const cycles: string[][] = [];
const state = new Map<string, "open" | "done">();
const stack: string[] = [];
function visit(node: string): void {
  state.set(node, "open");
  stack.push(node);
  for (const next of edges.get(node) ?? []) {
    if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, "done");
}
for (const node of edges.keys()) if (!state.has(node)) visit(node);

// The transport seam: only _transport/ names Deno's network calls or loads
// node's network modules (imports them, or asks _common/node_builtins.ts for
// them); a type-only import loads nothing.
const NETWORK =
  /\bDeno\.(connect|listen|listenDatagram|startTls|listenTls|connectTls)\s*\(|^(?!\s*import type\b).*from "node:(net|dgram|tls)"|nodeBuiltin\("node:(net|dgram|tls)"\)/;
const leaks: string[] = [];
for (const file of edges.keys()) {
  const path = name(file);
  if (path.startsWith("_transport/")) continue;
  const code = (await Deno.readTextFile(new URL(path, root)))
    .split("\n")
    .filter((line) => !/^\s*(\*|\/\/)/.test(line)); // documentation examples aside
  const at = code.findIndex((line) => NETWORK.test(line));
  if (at >= 0) leaks.push(`${path}: ${code[at].trim()}`);
}

// DESIGN §13's layers, from the leaves up: a module imports only modules of
// its own layer or of the layers below it. The first pattern that matches a
// path gives its layer; a path no pattern names is an error, so a new file is
// placed on purpose.
const LAYERS: [RegExp, number][] = [
  [/^(constants|errors|address)\.ts$|^_common\//, 0], // the leaves, and _common/ on them alone
  [/^_transport\//, 1],
  [/^_stream\/|^_datagram\//, 2],
  [/^_socket\/|^options\.ts$/, 3],
  [/^makefile\.ts$/, 4],
  [/^(tcp|udp|packet)\.ts$/, 5],
  [/^ssl\.ts$|^_ssl\//, 6],
  [/^(socket|messages|netdb|select|selectors)\.ts$/, 7],
  [/^socketserver\.ts$|^_server\//, 8],
  [/^mod\.ts$/, 9],
];
const layerOf = (path: string) => LAYERS.find(([re]) => re.test(path))?.[1];
const upward: string[] = [];
for (const [from, tos] of edges) {
  const a = layerOf(name(from));
  if (a === undefined) {
    upward.push(`${name(from)} is in no layer (add it to LAYERS in .ci/cycles.ts)`);
  }
  for (const to of tos) {
    const b = layerOf(name(to));
    if (a !== undefined && b !== undefined && b > a) {
      upward.push(`${name(from)} (layer ${a}) imports ${name(to)} (layer ${b})`);
    }
  }
}

// No type assertion in _server/ (DESIGN §12: its generics are typed so that
// none is needed): a non-comment line may not hold `x as T` (but `as const`)
// or `<T>x`. Documentation examples, comments, strings and import/export
// renames aside.
const ASSERTION =
  /\bas\s+(?!const\b)[\w$({[]|(?:[=(,:?]|\breturn|\bawait)\s*<[\w$][^<>]*>\s*[\w$(]/;
const assertions: string[] = [];
for await (const entry of Deno.readDir(new URL("_server/", root))) {
  if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
  const path = `_server/${entry.name}`;
  const lines = (await Deno.readTextFile(new URL(path, root))).split("\n");
  let inImport = false; // inside a multi-line `import { … } from`
  lines.forEach((line, i) => {
    if (/^\s*(\*|\/\/|\/\*)/.test(line)) return; // comments and documentation examples
    if (inImport || /^\s*(import|export)\b/.test(line) && /\bas\b/.test(line)) {
      inImport = !/\bfrom\b|;/.test(line); // `import * as C from …`: a rename, no assertion
      return;
    }
    if (/^\s*(import|export)\s.*\{\s*$/.test(line)) inImport = true;
    const code = line
      .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""')
      .replace(/\/\*.*?\*\/|\/\/.*$/g, "");
    if (ASSERTION.test(code)) assertions.push(`${path}:${i + 1}: ${line.trim()}`);
  });
}

for (const a of assertions) console.error(`type assertion in _server/: ${a}`);
for (const u of upward) console.error(`import against the layers: ${u}`);
for (const c of cycles) console.error(`import cycle: ${c.map(name).join(" -> ")}`);
for (const l of leaks) console.error(`network call outside _transport/: ${l}`);
if (cycles.length || leaks.length || upward.length || assertions.length) Deno.exit(1);
console.log(
  `no import cycle, no import against the layers, no network call above _transport/ and no type assertion in _server/ in ${edges.size} modules`,
);
