// Copyright 2026 the pysocket authors. MIT license.
// Fails when the API reference `deno doc` makes of the entry points has a
// page or entry without text, reading the doc nodes `deno doc --json` gives:
//
// - every public function, class, interface, type, constant, class
//   constructor, method, getter, setter and property, interface method and
//   property, and every overload signature must have a description (a setter
//   too: `deno doc --html` gives it the accessor's page);
// - an overloaded method's implementation signature too: `deno doc --html`
//   shows it, alone, on the method's own page (each overload is written to
//   the same page, the last one wins);
// - a subclass of a class in LISTS_INHERITED must name every member it
//   inherits and does not redeclare (`{@linkcode Socket.prototype.settimeout}`)
//   in its description: `deno doc` lists only a class's own members;
// - no rendered signature may show a name users cannot import: a parameter
//   default or a type that names a module alias (`C.AF_INET`) or an
//   unexported constant (`DEFAULT_BACKLOG`), or that `deno doc` cannot
//   render (`[UNSUPPORTED]`).
//
// Each offender is printed as `file:line symbol.member: what is missing`.
//
//   deno run --allow-run --allow-read .ci/doc_check.ts mod.ts socketserver.ts ...

/** Base classes whose subclasses' pages must list what they inherit. */
const LISTS_INHERITED = new Set(["Socket"]);
/** Qualifiers a rendered type or default may start with besides the public names. */
const GLOBAL_QUALIFIERS = new Set(["Deno", "Symbol", "globalThis", "Number", "Math"]);

// The parts of `deno doc --json`'s output this script reads.
interface JsDoc {
  doc?: string;
}
interface Location {
  filename: string;
  line: number;
}
interface Member {
  name: string;
  jsDoc?: JsDoc;
  location: Location;
  accessibility?: "public" | "protected" | "private";
  isStatic?: boolean;
  hasBody?: boolean;
}
interface ClassDef {
  extends?: string;
  constructors?: Member[];
  methods?: Member[];
  properties?: Member[];
}
interface InterfaceDef {
  methods?: Member[];
  properties?: Member[];
  callSignatures?: Member[];
  constructors?: Member[];
}
interface Declaration {
  location: Location;
  jsDoc?: JsDoc;
  kind: string;
  def: ClassDef & InterfaceDef & { hasBody?: boolean; elements?: DocSymbol[] };
}
interface DocSymbol {
  name: string;
  declarations: Declaration[];
}

const root = new URL("..", import.meta.url);
const entries = Deno.args.length ? Deno.args : ["mod.ts"];
const out = await new Deno.Command(Deno.execPath(), {
  args: ["doc", "--json", ...entries.map((e) => new URL(e, root).pathname)],
  stdout: "piped",
}).output();
if (!out.success) throw new Error(`deno doc --json ${entries.join(" ")} failed`);
const { nodes } = JSON.parse(new TextDecoder().decode(out.stdout)) as {
  nodes: Record<string, { symbols: DocSymbol[] }>;
};

const offenders = new Set<string>();
const where = (loc: Location) => `${loc.filename.replace(root.href, "")}:${loc.line}`;
const report = (loc: Location, name: string, what: string) =>
  offenders.add(`${where(loc)} ${name}: ${what}`);
const described = (doc?: JsDoc) => (doc?.doc ?? "").trim().length > 0;
const requireDoc = (loc: Location, name: string, doc?: JsDoc) => {
  if (!described(doc)) report(loc, name, "no description");
};

// Every symbol of the entry points, namespaces included (their elements are
// references to symbols an entry point has itself).
const symbols: DocSymbol[] = [];
const collect = (list: DocSymbol[]) => {
  for (const s of list) {
    symbols.push(s);
    for (const d of s.declarations) if (d.kind === "namespace") collect(d.def.elements ?? []);
  }
};
for (const module of Object.values(nodes)) collect(module.symbols);
const publicNames = new Set(symbols.map((s) => s.name));
const classes = new Map<string, ClassDef>();
for (const s of symbols) {
  for (const d of s.declarations) if (d.kind === "class") classes.set(s.name, d.def);
}

function checkClass(name: string, decl: Declaration): void {
  const def = decl.def;
  const ctors = def.constructors ?? [];
  for (const c of ctors) {
    if (c.accessibility === "private") continue;
    if (c.hasBody && ctors.length > 1) continue; // not rendered: the overloads are
    requireDoc(c.location, `${name}.constructor`, c.jsDoc);
  }
  for (const m of [...(def.methods ?? []), ...(def.properties ?? [])]) {
    if (m.accessibility === "private") continue;
    requireDoc(m.location, `${name}.${m.name}`, m.jsDoc);
  }
  if (def.extends && LISTS_INHERITED.has(def.extends)) checkInherited(name, decl);
}

/** The public members of a class and its bases, by name, with the class that declares them. */
function inherited(base: string): Map<string, string> {
  const found = new Map<string, string>();
  for (let cls: string | undefined = base; cls && classes.has(cls);) {
    const def: ClassDef = classes.get(cls)!;
    for (const m of [...(def.methods ?? []), ...(def.properties ?? [])]) {
      if (m.accessibility === "private" || m.accessibility === "protected" || m.isStatic) continue;
      if (!found.has(m.name)) found.set(m.name, cls);
    }
    cls = def.extends;
  }
  return found;
}

function checkInherited(name: string, decl: Declaration): void {
  const own = new Set(
    [...(decl.def.methods ?? []), ...(decl.def.properties ?? [])].map((m) => m.name),
  );
  const doc = decl.jsDoc?.doc ?? "";
  for (const [member, from] of inherited(decl.def.extends!)) {
    if (own.has(member) || doc.includes(`${from}.prototype.${member}`)) continue;
    report(
      decl.location,
      `${name}.${member}`,
      `inherited from ${from} but not named in the class description ` +
        `({@linkcode ${from}.prototype.${member}})`,
    );
  }
}

function checkInterface(name: string, decl: Declaration): void {
  const def = decl.def;
  for (const m of [...(def.methods ?? []), ...(def.properties ?? [])]) {
    requireDoc(m.location, `${name}.${m.name}`, m.jsDoc);
  }
  for (const m of [...(def.callSignatures ?? []), ...(def.constructors ?? [])]) {
    requireDoc(m.location, `${name}()`, m.jsDoc);
  }
}

/** Names a rendered signature shows that users cannot import. */
function checkSignatures(name: string, decl: Declaration): void {
  const visit = (value: unknown, loc: Location, label: string) => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, loc, label);
      return;
    }
    if (value === null || typeof value !== "object") return;
    const obj = value as Record<string, unknown>;
    if (obj.location && typeof obj.name === "string" && obj !== decl.def) {
      loc = obj.location as Location;
      label = `${name}.${obj.name}`;
    }
    for (const [k, v] of Object.entries(obj)) {
      if (k === "jsDoc" || k === "location") continue;
      if (k === "elements") continue; // namespace members are checked as symbols of their own
      if (typeof v === "string") {
        const problem = k === "right" ? badDefault(v) : k === "repr" ? badType(v) : null;
        if (problem) report(loc, label, `signature shows ${problem}`);
      } else visit(v, loc, label);
    }
  };
  visit(decl.def, decl.location, name);
}

/**
 * `deno doc` gives a default as its source text, in brackets when it is not
 * a literal (`[C.AF_INET]`), but a string literal without its quotes (`r`
 * for `"r"`): a bare name is taken for a constant's only when it is spelled
 * as one (`DEFAULT_BACKLOG`).
 */
function badDefault(right: string): string | null {
  if (right === "[UNSUPPORTED]") return "a default `deno doc` cannot render ([UNSUPPORTED])";
  const bracketed = /^\[(.*)\]$/.exec(right);
  const head = bracketed
    ? /^([A-Za-z_$][\w$]*)\b/.exec(bracketed[1])
    : /^([A-Z][A-Z0-9_]*)$/.exec(right);
  if (!head || publicNames.has(head[1]) || GLOBAL_QUALIFIERS.has(head[1])) return null;
  return `the default \`${bracketed ? bracketed[1] : right}\`, a name users cannot import`;
}

function badType(repr: string): string | null {
  const head = /^([A-Za-z_$][\w$]*)\./.exec(repr);
  if (!head || publicNames.has(head[1]) || GLOBAL_QUALIFIERS.has(head[1])) return null;
  return `the type \`${repr}\`, through a name users cannot import (${head[1]})`;
}

for (const s of symbols) {
  for (const decl of s.declarations) {
    if (decl.kind === "reference" || decl.kind === "import") continue; // documented where declared
    const isImplementation = decl.kind === "function" && decl.def.hasBody &&
      s.declarations.length > 1; // not rendered: the overloads are
    if (!isImplementation) {
      requireDoc(decl.location, s.name, decl.jsDoc);
      checkSignatures(s.name, decl);
    }
    if (decl.kind === "class") checkClass(s.name, decl);
    if (decl.kind === "interface") checkInterface(s.name, decl);
  }
}

const sorted = [...offenders].sort((a, b) => {
  const [fa, la] = a.split(":");
  const [fb, lb] = b.split(":");
  return fa === fb ? parseInt(la) - parseInt(lb) : fa < fb ? -1 : 1;
});
for (const o of sorted) console.error(o);
if (sorted.length) {
  console.error(
    `${sorted.length} documentation problem(s) in the API reference of ${entries.join(" ")}`,
  );
  Deno.exit(1);
}
console.log(`every public symbol, member and overload of ${entries.join(" ")} is documented`);
