// Copyright 2026 the pysocket authors. MIT license.
// Runs the cross-runtime suite (tests/runtimes/) on Node and on Bun, over
// the package's JavaScript: `deno bundle` transpiles each suite file and
// each example, with the package inside, to plain JavaScript that imports
// nothing but node: built-ins — as a Node or Bun user gets it. `deno test`
// runs the same suite directly. Bun is the npm package
// @oven/bun-linux-x64-baseline (the binary inside), installed into a cache
// directory the first time.

import assert from "node:assert/strict";
import { ROOT } from "./_helpers.ts";

/** The Bun release the suite runs on. */
const BUN_VERSION = "1.4.5";

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

/** Bun: `$BUN`, else the cached npm package's binary, installed there if missing. */
async function bun(): Promise<string> {
  const given = Deno.env.get("BUN");
  if (given) return given;
  const cache = `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/pysocket`;
  const dir = `${cache}/bun-${BUN_VERSION}`;
  const binary = `${dir}/package/bin/bun`;
  try {
    await Deno.stat(binary);
    return binary;
  } catch {
    // Not installed yet.
  }
  await Deno.mkdir(dir, { recursive: true });
  const sh = (script: string) =>
    new Deno.Command("sh", { args: ["-c", script], cwd: dir, stdout: "piped", stderr: "piped" })
      .output();
  const got = await sh(
    `npm pack --silent @oven/bun-linux-x64-baseline@${BUN_VERSION} > name && tar xzf "$(cat name)" && rm -f "$(cat name)" name`,
  );
  assert.equal(got.code, 0, `installing Bun: ${new TextDecoder().decode(got.stderr)}`);
  return binary;
}

/** Runs `cmd args…` on the built suite; its exit code and combined output. */
async function runSuite(cmd: string, args: string[], out: string): Promise<[number, string]> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: out,
    env: { PYSOCKET_ROOT: ROOT, PYSOCKET_EXAMPLES: `${out}/examples`, NO_COLOR: "1" },
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

/** The built suite files, as paths relative to the build directory. */
function suiteFiles(out: string): string[] {
  const files = [...Deno.readDirSync(`${out}/tests/runtimes`)]
    .filter((e) => e.name.endsWith(".test.js"))
    .map((e) => `./tests/runtimes/${e.name}`);
  assert.ok(files.length > 0);
  return files;
}

Deno.test("the cross-runtime suite passes on Node and on Bun over the package's JavaScript", async (t) => {
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
    for (const [name, cmd] of [["node", "node"], ["bun", await bun()]]) {
      await t.step(`every entry point imports on ${name} with no Deno global`, async () => {
        const [code, text] = await runSuite(
          cmd,
          name === "node"
            ? ["--input-type=module", "-e", imports(entryFiles)]
            : ["-e", imports(entryFiles)],
          out,
        );
        assert.equal(code, 0, text);
        assert.match(text, /^undefined \.\/mod\.js:\d+ \.\/socketserver\.js:\d+ /);
      });
    }
    await t.step("node --test", async () => {
      const [code, text] = await runSuite(
        "node",
        ["--test", "--test-reporter=tap", ...suiteFiles(out)],
        out,
      );
      assert.equal(Number(/^# fail (\d+)$/m.exec(text)?.[1]), 0, text);
      assert.equal(code, 0, text);
      passed.node = Number(/^# pass (\d+)$/m.exec(text)?.[1]);
      assert.match(text, /^ok \d+ - .* on node$/m);
    });
    await t.step("bun test", async () => {
      const [code, text] = await runSuite(await bun(), ["test", ...suiteFiles(out)], out);
      assert.equal(Number(/^\s*(\d+) fail$/m.exec(text)?.[1]), 0, text);
      assert.equal(code, 0, text);
      passed.bun = Number(/^\s*(\d+) pass$/m.exec(text)?.[1]);
      assert.match(text, /^\(pass\) .* on bun/m);
    });
    // Every test of the suite ran on both, and passed.
    // At least one test per test() in the sources (loops register more).
    const declared = [...Deno.readDirSync(`${ROOT}tests/runtimes`)]
      .filter((e) => e.name.endsWith(".test.ts"))
      .reduce(
        (n, e) =>
          n + Deno.readTextFileSync(`${ROOT}tests/runtimes/${e.name}`).split(/^\s*test\(/m).length -
          1,
        0,
      );
    assert.ok(passed.node >= declared, `${passed.node} passed on Node, ${declared} declared`);
    assert.equal(passed.bun, passed.node);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
