// Copyright 2026 the pysocket authors. MIT license.
// One door to a C library for the runtimes that have FFI: Deno's
// `Deno.dlopen` and Bun's `bun:ffi` (`dlopen`, loaded synchronously through
// `process.getBuiltinModule`). Symbols are declared once, in Deno's form;
// on Bun they are translated. Pointers a call returns are opaque values
// (Deno's pointer objects, Bun's numbers) handed back to other calls as they
// are; `view()`, `cString()`, `address()` and `pointerAt()` read and make
// them the same way on both. Nothing is opened at import: a caller opens its
// library on first use, where the `ffi` permission is already granted (never
// prompted for).

/** A symbol's declaration, as `Deno.dlopen` takes it. */
export interface Symbol {
  readonly name?: string;
  readonly parameters: readonly NativeType[];
  readonly result: NativeType;
  readonly nonblocking?: boolean;
}

/** The C types the package's declarations use. */
export type NativeType =
  | "i32"
  | "u32"
  | "i64"
  | "u64"
  | "usize"
  | "pointer"
  | "buffer"
  | "function"
  | "void";

/** An opaque C pointer as a call returned it (`null` for NULL). */
export type Pointer = unknown;

/** A callback C code may call, synchronously, from the calling thread. */
export interface Callback {
  /** The function pointer to hand to C. */
  readonly pointer: Pointer;
  /** The runtime's callback object, kept alive as long as this is. */
  readonly owner: unknown;
}

/** Reading and making pointers the same way on every runtime. */
export interface Memory {
  /** Whether `p` is NULL. */
  isNull(p: Pointer): boolean;
  /** `len` bytes at `p`, as a view of C memory (copy it to keep it). */
  view(p: Pointer, len: number): Uint8Array<ArrayBuffer>;
  /** The NUL-terminated string at `p` (`""` for NULL). */
  cString(p: Pointer): string;
  /** The address of `p`, as a bigint. */
  address(p: Pointer): bigint;
  /** The pointer stored at `buf[offset..offset+8]`. */
  pointerAt(buf: Uint8Array, offset?: number): Pointer;
  /** The address of a buffer's first byte (valid while the buffer lives). */
  of(buf: Uint8Array): bigint;
  /** A callback C may call with `parameters`, returning `result`. */
  callback(
    parameters: readonly NativeType[],
    result: NativeType,
    fn: (...args: never[]) => unknown,
  ): Callback;
}

/** An opened library: its calls, typed loosely, and the memory helpers. */
export interface Opened<S extends Record<string, Symbol>> {
  /** The calls, by the declaration's key. */
  readonly symbols: { [K in keyof S]: (...args: unknown[]) => unknown };
  /** Pointers and memory. */
  readonly memory: Memory;
}

interface BunFfi {
  dlopen(
    path: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, (...args: unknown[]) => unknown> };
  toArrayBuffer(p: number, offset: number, len: number): ArrayBuffer;
  CString: new (p: number) => { toString(): string };
  ptr(buf: Uint8Array): number;
  JSCallback: new (
    fn: (...args: never[]) => unknown,
    def: { args: string[]; returns: string },
  ) => { ptr: number };
}

/** The runtime's FFI: `"deno"`, `"bun"`, or `null` where there is none (Node). */
export function ffiRuntime(): "deno" | "bun" | null {
  const g = globalThis as { Deno?: typeof Deno; Bun?: unknown };
  if (typeof g.Deno?.dlopen === "function") return "deno";
  if (g.Bun !== undefined) return "bun";
  return null;
}

/**
 * Why a C library cannot be opened here, or `null` where it can: no FFI
 * (Node), or Deno without the `ffi` permission (never prompted for).
 *
 * @param what What needs it, for the reason ("the descriptor backend").
 */
export function ffiRefusal(what: string): string | null {
  const runtime = ffiRuntime();
  if (runtime === null) {
    return `${what} needs a foreign function interface (Deno's Deno.dlopen or Bun's bun:ffi); Node has none`;
  }
  if (runtime === "deno" && Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return `${what} needs the ffi permission (--allow-ffi); it is never prompted for`;
  }
  return null;
}

const BUN_TYPES: Record<NativeType, string> = {
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  usize: "usize",
  pointer: "ptr",
  buffer: "ptr",
  function: "function",
  void: "void",
};

/**
 * Opens the C library `path` with the declared symbols, on Deno or Bun.
 * The caller checks {@linkcode ffiRefusal} first.
 *
 * @param path The library's file name (`"libssl.so.3"`).
 * @param symbols The declarations, in Deno's form.
 * @returns The calls and the memory helpers.
 */
export function openLibrary<S extends Record<string, Symbol>>(path: string, symbols: S): Opened<S> {
  if (ffiRuntime() === "deno") {
    const lib = Deno.dlopen(path, symbols as unknown as Deno.ForeignLibraryInterface);
    return { symbols: lib.symbols as unknown as Opened<S>["symbols"], memory: denoMemory };
  }
  const ffi = (globalThis as { process?: { getBuiltinModule(n: string): unknown } }).process!
    .getBuiltinModule("bun:ffi") as BunFfi;
  const declared: Record<string, { args: string[]; returns: string }> = {};
  const names: Record<string, string> = {};
  for (const [key, s] of Object.entries(symbols)) {
    const name = s.name ?? key;
    names[key] = name;
    declared[name] = { args: s.parameters.map((t) => BUN_TYPES[t]), returns: BUN_TYPES[s.result] };
  }
  const lib = ffi.dlopen(path, declared);
  const bound: Record<string, (...args: unknown[]) => unknown> = {};
  for (const key of Object.keys(symbols)) bound[key] = lib.symbols[names[key]];
  return { symbols: bound as Opened<S>["symbols"], memory: bunMemory(ffi) };
}

const denoMemory: Memory = {
  isNull: (p) => p === null,
  view: (p, len) =>
    new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p as Deno.PointerObject, len)),
  cString: (p) => p === null ? "" : Deno.UnsafePointerView.getCString(p as Deno.PointerObject),
  address: (p) => BigInt(Deno.UnsafePointer.value(p as Deno.PointerValue)),
  pointerAt: (buf, offset = 0) =>
    Deno.UnsafePointer.create(
      new DataView(buf.buffer, buf.byteOffset + offset, 8).getBigUint64(0, true),
    ),
  of: (buf) => BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf as BufferSource))),
  callback(parameters, result, fn) {
    const cb = new Deno.UnsafeCallback(
      { parameters, result } as Deno.UnsafeCallbackDefinition,
      fn as unknown as Deno.UnsafeCallbackFunction,
    );
    cb.unref();
    return { pointer: cb.pointer, owner: cb };
  },
};

function bunMemory(ffi: BunFfi): Memory {
  return {
    isNull: (p) => p === null || p === 0,
    view: (p, len) => new Uint8Array(ffi.toArrayBuffer(p as number, 0, len)),
    cString: (p) => (p === null || p === 0 ? "" : new ffi.CString(p as number).toString()),
    address: (p) => BigInt((p as number) ?? 0),
    pointerAt: (buf, offset = 0) => {
      const v = Number(new DataView(buf.buffer, buf.byteOffset + offset, 8).getBigUint64(0, true));
      return v === 0 ? null : v;
    },
    of: (buf) => BigInt(ffi.ptr(buf)),
    callback(parameters, result, fn) {
      const cb = new ffi.JSCallback(fn, {
        args: parameters.map((t) => BUN_TYPES[t]),
        returns: BUN_TYPES[result],
      });
      return { pointer: cb.ptr, owner: cb };
    },
  };
}
