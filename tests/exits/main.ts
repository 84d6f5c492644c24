// Copyright 2026 the pysocket authors. MIT license.
// Runs one exit cell (tests/exits/cells.ts) and prints "done" when its work
// is done; the process must then exit by itself, with status 0.
//
//   deno run -A tests/exits/main.ts <cell name> <peers as JSON>

import { args } from "../../examples/_py.ts";
import { CELLS } from "./cells.ts";

const [name, peers] = args;
const cell = CELLS[name];
if (cell === undefined) throw new Error(`no cell named ${JSON.stringify(name)}`);
await cell.run(JSON.parse(peers));
console.log("done");
