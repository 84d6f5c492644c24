// Copyright 2026 the pysocket authors. MIT license.
// A finished program exits (DESIGN §21), on Node and Bun: the cells of
// tests/exits/cells.ts and the examples that serve until SIGINT, each run
// as a program (their JavaScript build), a few at a time
// (tests/exits/_harness.ts); one test per case. On Deno,
// tests/exits_test.ts runs them.

import assert from "node:assert/strict";
import { test } from "node:test";
import { CELLS } from "../exits/cells.ts";
import {
  type Case,
  makeCerts,
  runAll,
  runCell,
  runSigint,
  SIGINT_EXAMPLES,
  type Verdict,
} from "../exits/_harness.ts";
import { RUNTIME } from "./_program.ts";

/** Every case's verdict, run together the first time one is asked for. */
let verdicts: Map<string, Promise<Verdict>> | null = null;
const certs = RUNTIME === "deno" ? null : makeCerts();

const cases: Case[] = [
  ...Object.entries(CELLS)
    .filter(([, c]) => !c.runtimes || c.runtimes.includes(RUNTIME))
    .map(([name, cell]) => ({ name, run: async () => runCell(name, cell, await certs!) })),
  ...SIGINT_EXAMPLES.map(({ name, tls, idle }) => ({
    name: `examples/${name}.ts exits 0 on SIGINT, ${
      idle ? "a client connected and idle" : "a client gone"
    }`,
    run: async () => runSigint(name, tls, idle, await certs!),
  })),
];

function verdict(name: string): Promise<Verdict> {
  if (verdicts === null) {
    verdicts = runAll(cases);
    void Promise.all(verdicts.values()).then(async () => (await certs!).remove());
  }
  return verdicts.get(name)!;
}

if (RUNTIME !== "deno") {
  for (const c of cases) {
    test(`${c.name} on ${RUNTIME}`, async () => {
      const v = await verdict(c.name);
      assert.ok(v.ok, v.detail);
    });
  }
}
