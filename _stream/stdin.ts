// Copyright 2026 the pysocket authors. MIT license.
// Standard input as a file select() and selectors can watch (Python chat
// clients register sys.stdin beside their sockets): a read-only port over
// the process's stdin with its own reader, so that what select reports is
// what the next read returns, and no byte is lost.
//
// A finished program exits (DESIGN §21): a read of stdin that nobody awaits
// — the fill a timed-out select() or readline() left behind — must not keep
// the process alive, while a read a caller awaits must, as a Python thread
// blocked in sys.stdin.readline() does. Deno.stdin has no unref(), and a
// pending Deno.stdin.read() keeps Deno running; so in Deno stdin is read by
// a node:worker_threads Worker, one read at a time as the reader asks, and
// the Worker is ref'd only while a caller awaits a read (an unref'd Worker
// with a read pending lets the process exit). On Node and Bun,
// process.stdin is unref'd the same way.

import type { Worker } from "node:worker_threads";
import { errno, OSError } from "../errors.ts";
import { fromRuntimeError } from "../_common/runtime_errors.ts";
import type { Deadline } from "../_common/deadline.ts";
import { pick } from "../_transport/pick.ts";
import { Reader, type Skip, type Source, type Take, type Until } from "./reader.ts";
import type { StreamPort } from "./port.ts";

/** Standard input, read as the reader asks; it keeps the process alive only while ref'd. */
interface Stdin extends Source {
  /** A caller awaits a read: the process stays alive (counted; each `ref()` has its `unref()`). */
  ref(): void;
  /** The caller is done: reads still pending no longer keep the process alive. */
  unref(): void;
}

/** The Worker's code: reads Deno.stdin into a buffer of the size asked, one read at a time. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async (size) => {
  const buf = new Uint8Array(size);
  try {
    const n = await Deno.stdin.read(buf);
    parentPort.postMessage({ n, buf });
  } catch (e) {
    parentPort.postMessage({ error: { name: e?.name, message: String(e?.message ?? e) } });
  }
});`;

/** What the Worker answers a read with. */
type Answer = { n: number | null; buf: Uint8Array } | { error: { name: string; message: string } };

/** Deno's stdin, read by a Worker (started by the first read). */
class WorkerStdin implements Stdin {
  #worker: Promise<Worker> | null = null;
  #refs = 0;
  #pending: {
    p: Uint8Array;
    resolve: (n: number | null) => void;
    reject: (e: unknown) => void;
  } | null = null;

  read(p: Uint8Array): Promise<number | null> {
    if (p.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.#pending = { p, resolve, reject };
      (this.#worker ??= this.#start()).then((w) => w.postMessage(p.length), reject);
    });
  }

  /** Starts the Worker (node:worker_threads is loaded then, not by every importer of select). */
  async #start(): Promise<Worker> {
    const { Worker } = await import("node:worker_threads");
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#ref = (on) => on ? worker.ref() : worker.unref();
    if (this.#refs === 0) worker.unref();
    worker.on("message", (answer: Answer) => {
      const pending = this.#pending;
      this.#pending = null;
      if (pending === null) return;
      if ("error" in answer) {
        return pending.reject(Object.assign(new Error(answer.error.message), answer.error));
      }
      if (answer.n !== null) pending.p.set(answer.buf.subarray(0, answer.n));
      pending.resolve(answer.n);
    });
    worker.on("error", (e) => {
      const pending = this.#pending;
      this.#pending = null;
      pending?.reject(e);
    });
    return worker;
  }

  /** Refs or unrefs the Worker, once it has started. */
  #ref: (on: boolean) => void = () => {};

  ref(): void {
    if (this.#refs++ === 0) this.#ref(true);
  }

  unref(): void {
    if (--this.#refs === 0) this.#ref(false);
  }
}

/** What Node's and Bun's process.stdin offers for keeping the process alive. */
interface Refable {
  ref?(): void;
  unref?(): void;
}

/** Node's and Bun's stdin: the node backend's reader of process.stdin, unref'd when idle. */
class ProcessStdin implements Stdin {
  readonly #src = pick().stdin();
  readonly #stream = (globalThis as unknown as { process: { stdin: Refable } }).process.stdin;
  #refs = 0;

  constructor() {
    this.#stream.unref?.();
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#src.read(p);
  }

  ref(): void {
    if (this.#refs++ === 0) this.#stream.ref?.();
  }

  unref(): void {
    if (--this.#refs === 0) this.#stream.unref?.();
  }
}

/**
 * The reader of stdin: each verb a caller awaits keeps the process alive
 * until it returns; the fills it or select() leaves behind do not.
 */
class StdinReader extends Reader {
  readonly #stdin: Stdin;

  constructor(stdin: Stdin) {
    // Only reads reach the reader: stdin is held per awaited call (below), not
    // by the reader's hold on a transport — an idle ref'd Worker would keep
    // the process alive where an idle socket does not.
    super({ read: (p) => stdin.read(p).catch(mapped) });
    this.#stdin = stdin;
  }

  /** Runs `call` with the process kept alive. */
  async #awaited<T>(call: () => Promise<T>): Promise<T> {
    this.#stdin.ref();
    try {
      return await call();
    } finally {
      this.#stdin.unref();
    }
  }

  override read(p: Uint8Array, deadline: Deadline, op: string): Promise<number> {
    return this.#awaited(() => super.read(p, deadline, op));
  }

  override peek(p: Uint8Array, all: boolean, deadline: Deadline, op: string): Promise<number> {
    return this.#awaited(() => super.peek(p, all, deadline, op));
  }

  override readExactly(p: Uint8Array, deadline: Deadline, op: string): Promise<number> {
    return this.#awaited(() => super.readExactly(p, deadline, op));
  }

  override readBytes(
    size: number,
    deadline: Deadline,
    op: string,
  ): Promise<Uint8Array<ArrayBuffer>> {
    return this.#awaited(() => super.readBytes(size, deadline, op));
  }

  override readUntil<R>(
    until: Until,
    take: Take<R>,
    deadline: Deadline,
    op: string,
    want = 0,
    skip: Skip | null = null,
  ): Promise<R> {
    return this.#awaited(() => super.readUntil(until, take, deadline, op, want, skip));
  }
}

/** What a read of stdin threw, as Python's error (the Worker's and node's are the runtime's). */
function mapped(e: unknown): never {
  throw fromRuntimeError(e, "Cannot read standard input");
}

/** The one reader of the process's stdin, made by the first port. */
let reader: StdinReader | null = null;

/** A port for a file that reads the process's standard input (never written, never closed). */
export function stdinPort(): StreamPort {
  const inDeno = typeof (globalThis as { Deno?: { stdin?: unknown } }).Deno?.stdin === "object";
  const stdin = reader ??= new StdinReader(inDeno ? new WorkerStdin() : new ProcessStdin());
  const refuse = () =>
    Promise.reject(
      new OSError(errno.EBADF, undefined, { detail: "Cannot write: standard input is read-only" }),
    );
  return {
    reader: () => stdin,
    deadline: () => null,
    timeout: () => null,
    sendall: refuse,
    send: refuse,
    shutdownWrite: refuse,
    closed: () => false,
    fileno: 0,
    retain() {},
    release() {},
  };
}
