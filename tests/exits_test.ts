// Copyright 2026 the pysocket authors. MIT license.
// A finished program exits (DESIGN §21): each cell of tests/exits/cells.ts
// runs as a program on Deno and must exit with status 0 within 5 s of
// printing "done" (a counter-cell must still run while it awaits, and exit
// once its call completes); each example that serves until SIGINT must exit
// 0 within 5 s of it, with an idle client connected. The programs run a few
// at a time (tests/exits/_harness.ts); one step per cell says which fail.
// tests/runtimes/exits.test.ts runs the same cells on Node and Bun.

import assert from "node:assert/strict";
import { CELLS } from "./exits/cells.ts";
import {
  type Case,
  childEnv,
  makeCerts,
  runAll,
  runCell,
  runSigint,
  SIGINT_EXAMPLES,
} from "./exits/_harness.ts";

/** Runs `cases` together, then reports each as a step. */
async function steps(t: Deno.TestContext, cases: Case[]): Promise<void> {
  const verdicts = runAll(cases);
  const settled = await Promise.all(cases.map((c) => verdicts.get(c.name)!));
  for (const [i, c] of cases.entries()) {
    await t.step(c.name, () => assert.ok(settled[i].ok, settled[i].detail));
  }
}

const certs = await makeCerts();
/** On the FFI backend (tests/exits_ffi_test.ts) Deno's limits are gone: those cells must exit too. */
const ffi = childEnv.PYSOCKET_BACKEND === "ffi";
const cells = Object.entries(CELLS)
  .filter(([, c]) => !c.runtimes || c.runtimes.includes("deno"))
  .map(([name, c]): [string, typeof c] => [name, ffi ? { ...c, limit: undefined } : c]);

Deno.test("a program exits once its work is done, whatever it left open or timed out", async (t) => {
  await steps(
    t,
    cells.filter(([, c]) => !c.trigger && c.limit === undefined).map(([name, cell]) => ({
      name,
      run: () => runCell(name, cell, certs),
    })),
  );
});

Deno.test("a call the program awaits keeps it alive until it completes", async (t) => {
  await steps(
    t,
    cells.filter(([, c]) => c.trigger).map(([name, cell]) => ({
      name,
      run: () => runCell(name, cell, certs),
    })),
  );
});

Deno.test("where Deno gives no way to let a pending call go, the documented limit shows", async (t) => {
  await steps(
    t,
    cells.filter(([, c]) => c.limit !== undefined).map(([name, cell]) => ({
      name: `${name} (${cell.limit})`,
      run: () => runCell(name, cell, certs),
    })),
  );
});

Deno.test("the examples that serve until SIGINT exit 0 on SIGINT, with no exit() call", async (t) => {
  try {
    await steps(
      t,
      SIGINT_EXAMPLES.map(({ name, tls, idle }) => ({
        name: `examples/${name}.ts, ${idle ? "a client connected and idle" : "a client gone"}`,
        run: () => runSigint(name, tls, idle, certs),
      })),
    );
  } finally {
    certs.remove();
  }
});
