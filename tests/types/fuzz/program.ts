/**
 * Writes the TypeScript program that checks a generated schema's derived
 * types: for every command and event, calls that must compile (a valid
 * argument object synthesized from the model; the result and the event
 * data each related both ways to the type the model says it is: exact, not
 * merely compatible) and calls that must not (`@ts-expect-error`: a
 * misspelled member, a wrong primitive, a missing required member, a wrong
 * enum value, a member of another union branch, arguments to a command that
 * takes none, `oob` where the schema does not allow it, what a compat
 * policy rejects). Each case is preceded by a `// case:` line, which the
 * checker quotes when the case fails.
 *
 * The expected types are written from the model alone (never from the
 * library's aliases), except where a type recurs: there the library's own
 * `TypeOf` of the named type stands in, one level down.
 *
 * @module
 */

import { Random } from "../../qapi/fuzz_lib.ts";
import { objectMembers } from "./generate.ts";
import {
  type AlternateModel,
  isBuiltin,
  Lookup,
  type MemberModel,
  refName,
  type SchemaModel,
  type TypeRef,
  type UnionModel,
} from "./model.ts";

/** The written program and the aliases the `any` walker resolves. */
export interface Program {
  readonly text: string;
  /** Names of exported aliases whose types must contain no `any`. */
  readonly aliases: readonly string[];
}

const builtinTypes: Record<string, string> = {
  str: "string",
  number: "number",
  int: "number | bigint",
  int8: "number",
  int16: "number",
  int32: "number",
  int64: "number | bigint",
  uint8: "number",
  uint16: "number",
  uint32: "number",
  uint64: "number | bigint",
  size: "number | bigint",
  bool: "boolean",
  null: "null",
  any: "JsonValue",
};

/** A property key in an object literal: `__proto__` computed, so it stays an own property. */
const valueKey = (name: string) => (name === "__proto__" ? `["__proto__"]` : JSON.stringify(name));
const typeKey = (name: string) => JSON.stringify(name);

/** Members of a declared object are optional when QAPI says so or when conditional. */
const isOptional = (m: MemberModel) => m.optional || m.if !== undefined;

/** One entry of a synthesized object value. */
interface Entry {
  readonly name: string;
  readonly text: string;
  readonly member?: MemberModel;
}

const objectText = (entries: readonly Entry[]) =>
  `{ ${entries.map((e) => `${valueKey(e.name)}: ${e.text}`).join(", ")} }`;

type Direction = "in" | "out";

class Writer {
  readonly lookup: Lookup;
  readonly lines: string[] = [];
  readonly aliases: string[] = [];
  #count = 0;
  constructor(
    readonly schema: SchemaModel,
    readonly random: Random,
    readonly knownLimitations: boolean,
  ) {
    this.lookup = new Lookup(schema);
  }

  #id(prefix: string): string {
    return `${prefix}${this.#count++}`;
  }

  // ---- Expected types, from the model ----

  expected(ref: TypeRef, direction: Direction, stack: readonly string[] = []): string {
    if (Array.isArray(ref)) {
      // Arrays from the server are the reply's own (mutable); a client may send readonly ones.
      const element = this.expected(ref[0], direction, stack);
      return direction === "out" ? `(${element})[]` : `readonly (${element})[]`;
    }
    const name = ref as string;
    if (name === "any" && direction === "in") return "JsonInput";
    if (isBuiltin(name)) return builtinTypes[name];
    const type = this.lookup.type(name)!;
    if (type.kind === "enum") {
      return direction === "out"
        ? "string"
        : type.values.map((v) => JSON.stringify(v.name)).join(" | ");
    }
    if (type.kind === "alternate") {
      return type.branches.map((b) => `(${this.expected(b.type, direction, stack)})`).join(" | ");
    }
    // Objects that recur (or nest deep) are the library's own named type one level down.
    if (stack.includes(name) || stack.length > 3) {
      return `TypeOf<S, ${JSON.stringify(name)}${direction === "in" ? `, "in"` : ""}>`;
    }
    const inner = [...stack, name];
    if (type.kind === "struct") {
      const members = this.lookup.structMembers(name);
      // A struct without members, from the server: `{}` exactly, every member read `never`.
      if (members.length === 0 && direction === "out") return "Record<string, never>";
      return this.#objectType(members, direction, inner);
    }
    return this.#unionType(type, direction, inner);
  }

  #objectType(
    members: readonly MemberModel[],
    direction: Direction,
    stack: readonly string[],
    fixed: Record<string, string> = {},
  ): string {
    const entries = members.map((m) =>
      `${typeKey(m.name)}${isOptional(m) ? "?" : ""}: ${
        Object.hasOwn(fixed, m.name) ? fixed[m.name] : this.expected(m.type, direction, stack)
      }`
    );
    return `{ ${entries.join("; ")} }`;
  }

  #unionType(union: UnionModel, direction: Direction, stack: readonly string[]): string {
    const base = this.lookup.unionBase(union);
    const variants = this.lookup.discriminatorEnum(union).values.map((value) => {
      const branch = union.branches.find((b) => b.value === value.name);
      const branchType = branch ? this.lookup.type(branch.type)! : undefined;
      const own = branchType?.kind === "struct" ? this.lookup.structMembers(branchType.name) : [];
      const object = this.#objectType([...base, ...own], direction, stack, {
        [union.discriminator]: JSON.stringify(value.name),
      });
      return branchType?.kind === "union"
        ? `(${object} & (${this.expected(branchType.name, direction, stack)}))`
        : object;
    });
    return variants.join(" | ");
  }

  // ---- Values, from the model ----

  value(ref: TypeRef, depth: number): string {
    if (Array.isArray(ref)) {
      return depth > 2 || this.random.next() < 0.3 ? "[]" : `[${this.value(ref[0], depth + 1)}]`;
    }
    const name = ref as string;
    if (isBuiltin(name)) {
      switch (name) {
        case "str":
          return `"s"`;
        case "number":
          return "1.5";
        case "int":
        case "int64":
        case "uint64":
        case "size":
          return this.random.next() < 0.3 ? "2n" : "1";
        case "bool":
          return "true";
        case "null":
          return "null";
        case "any":
          return `{ "k": [1, "x", null] }`;
        default:
          return "7";
      }
    }
    const type = this.lookup.type(name)!;
    switch (type.kind) {
      case "enum":
        return JSON.stringify(this.random.pick(type.values).name);
      case "alternate":
        return this.value(this.random.pick(type.branches).type, depth + 1);
      case "struct":
        return objectText(this.structEntries(name, depth));
      case "union":
        return objectText(this.unionEntries(type, this.#pickValue(type), depth));
    }
  }

  #pickValue(union: UnionModel): string {
    return this.random.pick(this.lookup.discriminatorEnum(union).values).name;
  }

  /** Entries for members: every required one, some optional ones (fewer deeper down). */
  entries(members: readonly MemberModel[], depth: number, include?: string): Entry[] {
    return members
      .filter((m) =>
        !isOptional(m) || m.name === include || (depth < 2 && this.random.next() < 0.5)
      )
      .map((m) => ({ name: m.name, text: this.value(m.type, depth + 1), member: m }));
  }

  structEntries(name: string, depth: number, include?: string): Entry[] {
    return this.entries(this.lookup.structMembers(name), depth, include);
  }

  unionEntries(union: UnionModel, value: string, depth: number): Entry[] {
    const base = this.lookup.unionBase(union);
    const entries = this.entries(base, depth).map((e) =>
      e.name === union.discriminator ? { ...e, text: JSON.stringify(value) } : e
    );
    const branch = union.branches.find((b) => b.value === value);
    const branchType = branch ? this.lookup.type(branch.type)! : undefined;
    if (branchType?.kind === "struct") entries.push(...this.structEntries(branchType.name, depth));
    if (branchType?.kind === "union") {
      entries.push(...this.unionEntries(branchType, this.#pickValue(branchType), depth));
    }
    return entries;
  }

  /** A value of the wrong JSON type for `ref`, or undefined when every JSON value fits. */
  wrongValue(ref: TypeRef): string | undefined {
    if (Array.isArray(ref)) return `"not-an-array"`;
    const name = ref as string;
    if (name === "any") return undefined;
    if (isBuiltin(name)) {
      return name === "str" ? "123" : name === "bool" ? `"yes"` : name === "null" ? "0" : `"1"`;
    }
    const type = this.lookup.type(name)!;
    if (type.kind === "enum") return `"zz-not-a-value"`;
    if (type.kind !== "alternate") return `"not-an-object"`;
    return this.#wrongForAlternate(type);
  }

  #wrongForAlternate(alternate: AlternateModel): string | undefined {
    const kinds: string[] = alternate.branches.map((b) => {
      const name = refName(b.type);
      if (Array.isArray(b.type)) return "array";
      if (name === "bool") return "bool";
      if (name === "null") return "null";
      if (name === "str") return "str";
      if (isBuiltin(name)) return "number";
      return this.lookup.type(name)!.kind === "enum" ? "enum" : "object";
    });
    const candidates: [string, string][] = [["bool", "true"], ["number", "1"], ["null", "null"]];
    if (!kinds.includes("str")) candidates.push(["str", `"zz-not-a-value"`]);
    const free = candidates.filter(([kind]) => !kinds.includes(kind));
    return free.length ? free[0][1] : undefined;
  }

  // ---- Cases ----

  case(description: string, lines: string[]): void {
    this.lines.push(`// case: ${description}`, ...lines);
  }

  expectError(description: string, line: string): void {
    this.case(description, ["// @ts-expect-error", line]);
  }

  /** Both directions of assignability between the derived alias and the expected type. */
  exact(alias: string, expected: string, description: string): void {
    const x = this.#id("X");
    this.case(`${description}: exact`, [
      `type ${x} = ${expected};`,
      `export function ${x}_to(value: ${x}): ${alias} { return value; }`,
      `export function ${x}_from(value: ${alias}): ${x} { return value; }`,
    ]);
  }
}

/** The members a command or event takes as an object, with what kind of object. */
function argumentShape(
  lookup: Lookup,
  data: string | MemberModel[] | undefined,
): { members?: MemberModel[]; union?: UnionModel } {
  if (data === undefined) return {};
  if (typeof data !== "string") return { members: data };
  const type = lookup.type(data)!;
  return type.kind === "union" ? { union: type } : { members: lookup.structMembers(data) };
}

/** Writes the program for a model whose module exports the type `typeName` from `module`. */
export function writeProgram(
  schema: SchemaModel,
  options: {
    seed: number;
    typeName: string;
    module: string;
    library: string;
    /** Also write the cases the library is known not to meet. */
    knownLimitations?: boolean;
  },
): Program {
  const known = options.knownLimitations ?? false;
  const w = new Writer(schema, new Random(options.seed ^ 0x5eed), known);
  const { lookup } = w;
  w.lines.push(
    `import type { CommandArgs, CommandName, CommandReturn, EventData, EventName, Execute, JsonInput, JsonValue, TypeOf } from ${
      JSON.stringify(options.library)
    };`,
    `import type { ${options.typeName} as S } from ${JSON.stringify(options.module)};`,
    `declare const execute: Execute<S>;`,
    `type Reject = { deprecated: "reject"; unstable: "reject" };`,
  );
  const alias = (prefix: string, expression: string) => {
    const name = `${prefix}${w.aliases.length}`;
    w.aliases.push(name);
    w.lines.push(`export type ${name} = ${expression};`);
    return name;
  };

  for (const command of schema.commands) {
    const c = JSON.stringify(command.name);
    const about = `command ${command.name}`;
    w.case(`${about}: a name`, [`export const name${w.aliases.length}: CommandName<S> = ${c};`]);
    if (command.features?.some((f) => f === "deprecated" || f === "unstable")) {
      w.expectError(
        `${about}: rejected by policy`,
        `export const rejected${w.aliases.length}: CommandName<S, Reject> = ${c};`,
      );
    }
    const args = alias("A", `CommandArgs<S, ${c}>`);
    const { members, union } = argumentShape(lookup, command.data);
    const unlisted = command.gen === false;
    const oob = command.allowOob ? "" : "// @ts-expect-error\n";
    if (!members && !union) {
      // No arguments: `{}` or none, nothing else.
      w.case(`${about}: empty arguments`, [`export const args${w.aliases.length}: ${args} = {};`]);
      w.case(`${about}: called without arguments`, [`void execute(${c});`]);
      w.expectError(`${about}: arguments to a command without`, `void execute(${c}, { zzz: 1 });`);
      w.case(`${about}: oob ${command.allowOob ? "allowed" : "refused"}`, [
        `${oob}void execute(${c}, undefined, { oob: true });`,
      ]);
    } else {
      const expected = union
        ? w.expected(union.name, "in")
        : `{ ${
          members!.map((m) =>
            `${typeKey(m.name)}${isOptional(m) ? "?" : ""}: ${w.expected(m.type, "in")}`
          ).join("; ")
        } }`;
      if (!unlisted) w.exact(args, expected, `${about}: arguments`);
      const value = union ? undefined : members!;
      const unionValue = union ? w.random.pick(lookup.discriminatorEnum(union).values).name : "";
      const entries = union ? w.unionEntries(union, unionValue, 0) : w.entries(value!, 0);
      const text = objectText(entries);
      const optional = !union && members!.every(isOptional);
      w.case(`${about}: valid arguments`, [
        `export const args${w.aliases.length}: ${args} = ${text};`,
        `void execute(${c}, ${text});`,
      ]);
      w.case(`${about}: oob ${command.allowOob ? "allowed" : "refused"}`, [
        `${oob}void execute(${c}, ${text}, { oob: true });`,
      ]);
      if (optional) w.case(`${about}: all optional`, [`void execute(${c});`]);
      else w.expectError(`${about}: arguments required`, `void execute(${c});`);
      if (unlisted) {
        w.case(`${about}: gen false takes more`, [
          `void execute(${c}, ${objectText([...entries, { name: "zzz-unlisted", text: "1" }])});`,
        ]);
      } else {
        w.expectError(
          `${about}: misspelled member`,
          `void execute(${c}, ${objectText([...entries, { name: "zzz-typo", text: "1" }])});`,
        );
      }
      for (const entry of entries) {
        if (!entry.member || (union && entry.name === union.discriminator)) continue;
        const wrong = w.wrongValue(entry.member.type);
        if (wrong === undefined) continue;
        const kind = lookup.type(refName(entry.member.type))?.kind === "enum" &&
            !Array.isArray(entry.member.type)
          ? "wrong enum value"
          : "wrong type";
        w.expectError(
          `${about}: ${kind} for ${entry.name}`,
          `void execute(${c}, ${
            objectText(entries.map((e) => e === entry ? { ...e, text: wrong } : e))
          });`,
        );
      }
      for (const entry of entries) {
        if (!entry.member || isOptional(entry.member)) continue;
        if (objectMembers.has(entry.name) && !known) continue; // see `objectMembers`
        w.expectError(
          `${about}: missing ${entry.name}`,
          `void execute(${c}, ${objectText(entries.filter((e) => e !== entry))});`,
        );
      }
      if (union) {
        // A member only another branch has.
        const own = new Set(lookup.unionBase(union).map((m) => m.name));
        for (const b of union.branches.filter((b) => b.value === unionValue)) {
          for (const n of lookup.allMemberNames(b.type)) own.add(n);
        }
        const stranger = union.branches.filter((b) => b.value !== unionValue)
          .flatMap((b) => [...lookup.allMemberNames(b.type)])
          .find((n) => !own.has(n));
        if (stranger !== undefined && !unlisted) {
          w.expectError(
            `${about}: member ${stranger} of another branch`,
            `void execute(${c}, ${objectText([...entries, { name: stranger, text: "null" }])});`,
          );
        }
      }
      // An enum value the policy rejects (QEMU's `-compat deprecated-input=reject`
      // refuses deprecated values too), given.
      for (const member of members ?? []) {
        const type = Array.isArray(member.type) ? undefined : lookup.type(member.type);
        const value = type?.kind === "enum"
          ? type.values.find((v) => v.features?.some((f) => f === "deprecated" || f === "unstable"))
          : undefined;
        if (!value) continue;
        const withIt = w.entries(members!, 0, member.name).map((e) =>
          e.name === member.name ? { ...e, text: JSON.stringify(value.name) } : e
        );
        w.expectError(
          `${about}: value ${value.name} of ${member.name} rejected by policy`,
          `export const policedValue${w.aliases.length}: CommandArgs<S, ${c}, Reject> = ${
            objectText(withIt)
          };`,
        );
        break;
      }
      // A member the policy rejects, given.
      const policed = (members ?? []).find((m) =>
        m.features?.some((f) => f === "deprecated" || f === "unstable")
      );
      if (policed) {
        const withIt = w.entries(members!, 0, policed.name);
        w.expectError(
          `${about}: member ${policed.name} rejected by policy`,
          `export const policed${w.aliases.length}: CommandArgs<S, ${c}, Reject> = ${
            objectText(withIt)
          };`,
        );
      }
    }
    const result = alias("R", `CommandReturn<S, ${c}>`);
    const expectedResult = command.returns === undefined
      ? "Record<string, never>"
      : w.expected(command.returns, "out");
    w.exact(result, expectedResult, `${about}: result`);
    const resultType = command.returns !== undefined && !Array.isArray(command.returns)
      ? lookup.type(command.returns)?.kind
      : undefined;
    // (A struct without members is `{}` exactly: any member read from it is `never`.)
    const emptyResult = resultType === "struct" &&
      lookup.structMembers(command.returns as string).length === 0;
    if (command.returns === undefined || emptyResult) {
      // No result, or a struct without members: `{}` exactly, not any object.
      w.expectError(
        `${about}: a member of a result without any`,
        `export const result${w.aliases.length}: ${result} = { zzz: 1 };`,
      );
    }
    if ((resultType === "struct" && !emptyResult) || resultType === "union") {
      w.lines.push(`declare const result${w.aliases.length}: ${result};`);
      w.expectError(`${about}: no such result member`, `result${w.aliases.length}.zzz;`);
    }
  }

  for (const event of schema.events) {
    const e = JSON.stringify(event.name);
    const about = `event ${event.name}`;
    w.case(`${about}: a name`, [`export const event${w.aliases.length}: EventName<S> = ${e};`]);
    const data = alias("E", `EventData<S, ${e}>`);
    const { members, union } = argumentShape(lookup, event.data);
    const expected = !members && !union
      ? "Record<string, never>"
      : union
      ? w.expected(union.name, "out")
      : `{ ${
        members!.map((m) =>
          `${typeKey(m.name)}${isOptional(m) ? "?" : ""}: ${w.expected(m.type, "out")}`
        ).join("; ")
      } }`;
    w.exact(data, expected, `${about}: data`);
    if (expected === "Record<string, never>" || members?.length === 0) {
      // No data, or data without members: `{}` exactly, not any object.
      w.expectError(
        `${about}: a member of data without any`,
        `export const data${w.aliases.length}: ${data} = { zzz: 1 };`,
      );
    }
  }

  for (const type of schema.types) {
    const n = JSON.stringify(type.name);
    const out = alias("T", `TypeOf<S, ${n}>`);
    w.exact(out, w.expected(type.name, "out", []), `type ${type.name}: out`);
    const input = alias("I", `TypeOf<S, ${n}, "in">`);
    w.exact(input, w.expected(type.name, "in", []), `type ${type.name}: in`);
  }
  return { text: w.lines.join("\n") + "\n", aliases: w.aliases };
}
