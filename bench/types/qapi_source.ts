/**
 * A minimal reader of QEMU's QAPI schema sources (`qapi/qapi-schema.json`
 * and the files it includes), for the benchmark's generated baseline. It is
 * deliberately independent of the library: the baseline is what a code
 * generator would write from QEMU's own schema, whatever the library does.
 *
 * It reads expressions and keeps what a typed client needs: names, member
 * types, optionality, `if` conditions (as a flag), `gen: false`, `boxed`,
 * `returns` and `allow-oob`. It trusts the sources (QEMU's generator has
 * checked them) and checks nothing.
 *
 * @module
 */

/** A reference to a type: its name, or `[name]` for an array of it. */
export type Ref = string | readonly [string];

/** A member of a struct, union base, or command/event `data`. */
export interface SourceMember {
  /** The wire name (without QAPI's `*`). */
  readonly name: string;
  /** The member's type. */
  readonly type: Ref;
  /** Whether QAPI marks it optional (`*name`). */
  readonly optional: boolean;
  /** Whether it carries an `if` condition (absent from some builds). */
  readonly conditional: boolean;
}

/** A named type of the schema. */
export type SourceType =
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | {
    readonly kind: "struct";
    readonly base?: string;
    readonly members: readonly SourceMember[];
  }
  | {
    readonly kind: "union";
    readonly base: string | readonly SourceMember[];
    readonly discriminator: string;
    readonly branches: { readonly [value: string]: string };
  }
  | { readonly kind: "alternate"; readonly branches: readonly Ref[] };

/** A command of the schema. */
export interface SourceCommand {
  /** Inline members, a named type, or nothing. */
  readonly data?: string | readonly SourceMember[];
  /** The result type; absent: an empty object. */
  readonly returns?: Ref;
  /** `gen: false`: arguments beyond the listed ones are accepted. */
  readonly open: boolean;
  /** `allow-oob: true`. */
  readonly oob: boolean;
}

/** An event of the schema. */
export interface SourceEvent {
  /** Inline members, a named type, or nothing. */
  readonly data?: string | readonly SourceMember[];
}

/** A whole schema as read from its sources. */
export interface SourceSchema {
  /** Named types, in source order (the builtin enum `QType` included). */
  readonly types: ReadonlyMap<string, SourceType>;
  /** Commands, in source order. */
  readonly commands: ReadonlyMap<string, SourceCommand>;
  /** Events, in source order. */
  readonly events: ReadonlyMap<string, SourceEvent>;
}

type Value = string | boolean | Value[] | { [key: string]: Value };

/** Parses the expressions of one QAPI source file (Python-like literals, `#` comments). */
function parseExpressions(text: string, file: string): { [key: string]: Value }[] {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`${file}:${text.slice(0, at).split("\n").length}: ${what}`);
  };
  const skip = () => {
    for (;;) {
      while (at < text.length && /\s/.test(text[at])) at++;
      if (text[at] !== "#") return;
      while (at < text.length && text[at] !== "\n") at++;
    }
  };
  const value = (): Value => {
    skip();
    const c = text[at];
    if (c === "'") {
      const end = text.indexOf("'", at + 1);
      if (end < 0) fail("unterminated string");
      const s = text.slice(at + 1, end);
      at = end + 1;
      return s;
    }
    if (c === "{") {
      at++;
      const object: { [key: string]: Value } = {};
      skip();
      if (text[at] === "}") return at++, object;
      for (;;) {
        const key = value();
        if (typeof key !== "string") fail("key is not a string");
        skip();
        if (text[at++] !== ":") fail("':' expected");
        object[key as string] = value();
        skip();
        const next = text[at++];
        if (next === "}") return object;
        if (next !== ",") fail("',' or '}' expected");
      }
    }
    if (c === "[") {
      at++;
      const list: Value[] = [];
      skip();
      if (text[at] === "]") return at++, list;
      for (;;) {
        list.push(value());
        skip();
        const next = text[at++];
        if (next === "]") return list;
        if (next !== ",") fail("',' or ']' expected");
      }
    }
    if (text.startsWith("true", at)) return at += 4, true;
    if (text.startsWith("false", at)) return at += 5, false;
    return fail(`unexpected ${JSON.stringify(c)}`);
  };
  const expressions: { [key: string]: Value }[] = [];
  for (skip(); at < text.length; skip()) {
    const expression = value();
    if (typeof expression !== "object" || Array.isArray(expression)) fail("object expected");
    expressions.push(expression as { [key: string]: Value });
  }
  return expressions;
}

function ref(value: Value): Ref {
  if (Array.isArray(value)) return [value[0] as string];
  return value as string;
}

/** A member written as `'T'`, `['T']` or `{ 'type': …, 'if': … }`. */
function typeOf(value: Value): { type: Ref; conditional: boolean } {
  if (typeof value === "object" && !Array.isArray(value)) {
    return { type: ref(value.type), conditional: value.if !== undefined };
  }
  return { type: ref(value), conditional: false };
}

function members(data: Value): SourceMember[] {
  return Object.entries(data as { [key: string]: Value }).map(([key, value]) => ({
    name: key.startsWith("*") ? key.slice(1) : key,
    optional: key.startsWith("*"),
    ...typeOf(value),
  }));
}

function data(value: Value | undefined): string | SourceMember[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : members(value);
}

/**
 * Reads a schema from its entry point (e.g. `…/qapi/qapi-schema.json`),
 * following `include` directives.
 */
export async function readQapiSources(entry: string): Promise<SourceSchema> {
  const types = new Map<string, SourceType>([
    ["QType", {
      kind: "enum",
      values: ["none", "qnull", "qnum", "qstring", "qdict", "qlist", "qbool"],
    }],
  ]);
  const commands = new Map<string, SourceCommand>();
  const events = new Map<string, SourceEvent>();
  const seen = new Set<string>();
  const read = async (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const folder = file.slice(0, file.lastIndexOf("/") + 1);
    for (const e of parseExpressions(await Deno.readTextFile(file), file)) {
      if (typeof e.include === "string") await read(folder + e.include);
      else if (typeof e.enum === "string") {
        types.set(e.enum, {
          kind: "enum",
          values: (e.data as Value[]).map((v) =>
            typeof v === "string" ? v : (v as { name: string }).name
          ),
        });
      } else if (typeof e.struct === "string") {
        types.set(e.struct, {
          kind: "struct",
          base: e.base as string | undefined,
          members: members(e.data ?? {}),
        });
      } else if (typeof e.union === "string") {
        types.set(e.union, {
          kind: "union",
          base: typeof e.base === "string" ? e.base : members(e.base),
          discriminator: e.discriminator as string,
          branches: Object.fromEntries(
            Object.entries(e.data as { [key: string]: Value }).map((
              [value, branch],
            ) => [value, typeOf(branch).type as string]),
          ),
        });
      } else if (typeof e.alternate === "string") {
        types.set(e.alternate, {
          kind: "alternate",
          branches: Object.values(e.data as { [key: string]: Value }).map((b) => typeOf(b).type),
        });
      } else if (typeof e.command === "string") {
        commands.set(e.command, {
          data: data(e.data),
          returns: e.returns === undefined ? undefined : ref(e.returns),
          open: e.gen === false,
          oob: e["allow-oob"] === true,
        });
      } else if (typeof e.event === "string") {
        events.set(e.event, { data: data(e.data) });
      }
    }
  };
  await read(entry);
  return { types, commands, events };
}
