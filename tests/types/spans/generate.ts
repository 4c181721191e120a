/**
 * Span tests from the schema history: for a span of vendored QMP versions,
 * every difference between its versions that a command's arguments can reach
 * becomes an argument object that must not compile against the span, with a
 * matching object of common members only that must compile.
 *
 * The differences are found by walking each command's arguments in every
 * version of the span at once, position by position (a member, a union
 * variant, an alternate's object branch, an array's element): what one
 * version accepts at a position and another does not is a case. Walking by
 * position, rather than by type name, also finds the differences a rename
 * hides (5.2's implicit `q_obj_…-wrapper` types, `QCryptoHashAlgorithm`
 * becoming `QCryptoHashAlgo`). Each case carries the paths `diffSchemas`
 * reports for the same difference (`type BlockdevOptionsQcow2 member
 * discard-no-unref`), and `checkAgainstDiff` verifies that every difference
 * the diff reports at a walked position has its case.
 *
 * Kinds of case:
 * - `member`: a member (at any depth) some versions of the span do not know;
 * - `branch`: a union variant (discriminator value) some versions lack;
 * - `value`: an enum value of an input some versions lack;
 * - `optionality`: a member some versions require, omitted;
 * - `type`: a kind of JSON value (null, a number, any string, an object,
 *   an array) some versions accept at a position and others do not.
 *
 * Every object is built from the literals: a required member (required in
 * any version) gets a value every version accepts (a string, 0, false, the
 * first common enum value, a union variant every version has, an
 * alternate's scalar branch when one is common, an empty array). When a
 * member one version requires is unknown to another, no object suits the
 * span at that position: its cases are skipped and counted. Every object is
 * also checked at run time against each version's literal (`accepts`): a
 * good object must suit every version of the span, a bad one at least one
 * version and not all.
 *
 * Each distinct combination of per-version object types is expanded once
 * per command, at its shallowest position (`BlockdevOptions` inside
 * `blockdev-add`'s `file` is the same check as at the top, and recursive
 * types end there); enum values and kinds of value are checked at every
 * position.
 *
 * Run as a program, it writes the cases to `.cache/spans/` (one file per
 * span, and one for the issue's calls) and checks them with `deno check`,
 * TypeScript 5.9 and TypeScript 7 (see `check.ts`), then prints the cases
 * per span and how each compiler fared. `deno task test:spans` checks every
 * case; options:
 * - `--sample N --seed S`: N cases per span, drawn with seed S;
 * - `--span 7.2,10.2`: that span only;
 * - `--compilers 7,deno`: those compilers only;
 * - `--show N`: print the first N failures (40);
 * - `--list`: print the cases and skipped cases, check nothing.
 *
 * @module
 */

import { diffSchemas, type SchemaChange } from "../../../diff.ts";
import type { Member, Members, SchemaLiteral, TypeDefinition, TypeRef } from "../../../mod.ts";
import { qmp } from "../../../schemas/qmp/mod.ts";
import { checkCases, type Compiler, compilers, type Run, type WrittenFile } from "./check.ts";
// The same seed, the same sample: the fuzzers' small seeded generator.
import { random } from "../../protocol/fuzz_lib.ts";

/** A JSON value as the cases write it. */
export type Value =
  | string
  | number
  | boolean
  | null
  | readonly Value[]
  | { readonly [key: string]: Value };

/** What kind of difference a case exercises. */
export type CaseKind = "member" | "branch" | "value" | "optionality" | "type";

/** One generated case: an object that must not compile and its matching one that must. */
export interface Case {
  /** Stable identity: span, command, position and what differs. */
  readonly id: string;
  /** The versions of the span, oldest first. */
  readonly span: readonly string[];
  readonly command: string;
  readonly kind: CaseKind;
  /** The position, e.g. `driver=qcow2 › discard-no-unref`. */
  readonly where: string;
  /** The versions of the span that accept the bad object. */
  readonly acceptedBy: readonly string[];
  /** The versions of the span that refuse it. */
  readonly refusedBy: readonly string[];
  /** The same difference as `diffSchemas` names it (none when a rename hides it). */
  readonly diffPaths: readonly string[];
  /** The argument object that must not compile against the span. */
  readonly bad: Value;
  /** The matching object, common members only, that must compile. */
  readonly good: Value;
  /** Written as a call (`qmp.execute(command, object)`) instead of a `CommandArgs` declaration. */
  readonly call?: true;
}

/** A difference for which no object suits every version of the span. */
export interface Skipped {
  readonly id: string;
  readonly span: readonly string[];
  readonly command: string;
  readonly kind: CaseKind;
  readonly where: string;
  readonly diffPaths: readonly string[];
  /** Why no valid object exists, e.g. `uri: required in 5.2, unknown in 10.2`. */
  readonly reason: string;
}

/** The cases of one span. */
export interface Generated {
  readonly span: readonly string[];
  /** The commands present in every version of the span. */
  readonly commands: readonly string[];
  readonly cases: Case[];
  readonly skipped: Skipped[];
  /**
   * The diff paths of every container walked: `command X`, `type T`,
   * `type U base`, by version, with the discriminator of variants walked
   * (`type U branch v`) and the enums and alternates seen at a position.
   */
  readonly walked: Map<string, Set<string>>;
}

/** Schema literals by version. */
export type Schemas = Readonly<Record<string, SchemaLiteral>>;

// ---------------------------------------------------------------------------
// The literals.

/** A member of an object at some position, as one version declares it. */
interface MemberInfo {
  readonly ref: TypeRef;
  readonly optional: boolean;
  /** Its diff path: `type S member m`, `type U base member m`, `command C member m`. */
  readonly path: string;
  /** For a variant's branch member: the branch's diff path `type U branch v`. */
  readonly branchPath?: string;
}

type MemberMap = Map<string, MemberInfo>;

/** An object a version accepts at a position. */
type ObjectShape =
  | {
    readonly kind: "struct";
    /** The type's name, or `command C` for inline arguments. */
    readonly name: string;
    readonly members: MemberMap;
    /** A `gen: false` command: any other member is accepted too (as any JSON value). */
    readonly open: boolean;
  }
  | {
    readonly kind: "union";
    readonly name: string;
    readonly discriminator: string;
    /** The discriminator's enum and its values. */
    readonly enumName: string;
    readonly values: readonly string[];
  };

/** Everything one version accepts at a position. */
interface Accept {
  /** The type at the position (for expanding each combination once). */
  readonly key: string;
  /** `any`: every JSON value. */
  readonly any: boolean;
  /** Every string (`str`). */
  readonly anyString: boolean;
  /** The enum values accepted, in order. */
  readonly values: string[];
  /** An enum value's diff path, `type E value v`. */
  readonly valuePaths: Map<string, string>;
  readonly number: boolean;
  readonly bool: boolean;
  readonly null: boolean;
  readonly object?: ObjectShape;
  readonly array?: TypeRef;
  /** The alternate branches, as diff paths, that admit a kind of JSON value. */
  readonly kindPaths: Map<JsonKind, string[]>;
  /** The enums and alternates met, as diff containers (`type E`). */
  readonly containers: string[];
}

type JsonKind = "string" | "number" | "bool" | "null" | "object" | "array";

const integerBuiltins = new Set([
  "int",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "size",
]);

const refText = (ref: TypeRef): string => (typeof ref === "string" ? ref : `[${ref[0]}]`);

function memberRef(member: Member): TypeRef {
  return typeof member === "object" && !Array.isArray(member)
    ? (member as { type: TypeRef }).type
    : member as TypeRef;
}

function memberOptional(member: Member): boolean {
  return typeof member === "object" && !Array.isArray(member) &&
    (member as { optional?: true }).optional === true;
}

function definition(schema: SchemaLiteral, name: string): TypeDefinition | undefined {
  return Object.hasOwn(schema.types, name) ? schema.types[name] : undefined;
}

/** Inline members as a map, each with its diff path under `prefix`. */
function inlineMembers(members: Members, prefix: string): MemberMap {
  const map: MemberMap = new Map();
  for (const [name, member] of Object.entries(members)) {
    map.set(name, {
      ref: memberRef(member),
      optional: memberOptional(member),
      path: `${prefix} member ${name}`,
    });
  }
  return map;
}

/** A struct's members, its bases' first. */
function structMembers(schema: SchemaLiteral, name: string, seen = new Set<string>()): MemberMap {
  const type = definition(schema, name);
  if (!type || type.kind !== "struct" || seen.has(name)) return new Map();
  seen.add(name);
  const map = type.base ? structMembers(schema, type.base, seen) : new Map();
  for (const [member, info] of inlineMembers(type.data, `type ${name}`)) map.set(member, info);
  return map;
}

/** A union's base members. */
function unionBase(schema: SchemaLiteral, name: string): MemberMap {
  const type = definition(schema, name);
  if (!type || type.kind !== "union") return new Map();
  return typeof type.base === "string"
    ? structMembers(schema, type.base)
    : inlineMembers(type.base, `type ${name} base`);
}

/** The members of one variant of a union: base, then branch (if any). */
function variantMembers(schema: SchemaLiteral, name: string, value: string): MemberMap {
  const type = definition(schema, name);
  const map = unionBase(schema, name);
  if (!type || type.kind !== "union" || !Object.hasOwn(type.data, value)) return map;
  const branchPath = `type ${name} branch ${value}`;
  const branchRef = memberRef(type.data[value] as Member);
  if (typeof branchRef !== "string") return map;
  for (const [member, info] of structMembers(schema, branchRef)) {
    map.set(member, { ...info, branchPath });
  }
  return map;
}

/** The enum a union's discriminator takes, and its values. */
function unionShape(schema: SchemaLiteral, name: string): ObjectShape | undefined {
  const type = definition(schema, name);
  if (!type || type.kind !== "union") return undefined;
  const discriminator = unionBase(schema, name).get(type.discriminator);
  const enumName = discriminator && typeof discriminator.ref === "string" ? discriminator.ref : "";
  const enumType = definition(schema, enumName);
  return {
    kind: "union",
    name,
    discriminator: type.discriminator,
    enumName,
    values: enumType?.kind === "enum" ? [...enumType.data] : [],
  };
}

function emptyAccept(key: string): Accept {
  return {
    key,
    any: false,
    anyString: false,
    values: [],
    valuePaths: new Map(),
    number: false,
    bool: false,
    null: false,
    kindPaths: new Map(),
    containers: [],
  };
}

/** What one version accepts for a type reference. */
function describe(schema: SchemaLiteral, ref: TypeRef): Accept {
  if (typeof ref !== "string") return { ...emptyAccept(refText(ref)), array: ref[0] };
  const accept = emptyAccept(ref);
  switch (ref) {
    case "any":
      return { ...accept, any: true };
    case "str":
      return { ...accept, anyString: true };
    case "number":
      return { ...accept, number: true };
    case "bool":
      return { ...accept, bool: true };
    case "null":
      return { ...accept, null: true };
  }
  if (integerBuiltins.has(ref)) return { ...accept, number: true };
  const type = definition(schema, ref);
  if (!type) throw new Error(`QMP ${schema.version}: unknown type ${ref}`);
  switch (type.kind) {
    case "enum":
      return {
        ...accept,
        values: [...type.data],
        valuePaths: new Map(type.data.map((value) => [value, `type ${ref} value ${value}`])),
        containers: [`type ${ref}`],
      };
    case "struct":
      return {
        ...accept,
        object: { kind: "struct", name: ref, members: structMembers(schema, ref), open: false },
      };
    case "union":
      return { ...accept, object: unionShape(schema, ref) };
    case "alternate": {
      const merged = { ...accept, containers: [`type ${ref}`] };
      for (const [branch, member] of Object.entries(type.data)) {
        const part = describe(schema, memberRef(member as Member));
        const path = `type ${ref} branch ${branch}`;
        for (const kind of kindsOf(part)) {
          merged.kindPaths.set(kind, [...merged.kindPaths.get(kind) ?? [], path]);
        }
        merged.any ||= part.any;
        merged.anyString ||= part.anyString;
        merged.values.push(...part.values.filter((value) => !merged.values.includes(value)));
        for (const [value, valuePath] of part.valuePaths) merged.valuePaths.set(value, valuePath);
        merged.number ||= part.number;
        merged.bool ||= part.bool;
        merged.null ||= part.null;
        merged.containers.push(...part.containers);
        // QAPI allows one object branch and one array branch at most.
        if (part.object) Object.assign(merged, { object: part.object });
        if (part.array) Object.assign(merged, { array: part.array });
      }
      return merged;
    }
  }
}

/** The kinds of JSON value an `Accept` admits. */
function kindsOf(accept: Accept): JsonKind[] {
  if (accept.any) return ["string", "number", "bool", "null", "object", "array"];
  const kinds: JsonKind[] = [];
  if (accept.anyString || accept.values.length > 0) kinds.push("string");
  if (accept.number) kinds.push("number");
  if (accept.bool) kinds.push("bool");
  if (accept.null) kinds.push("null");
  if (accept.object) kinds.push("object");
  if (accept.array !== undefined) kinds.push("array");
  return kinds;
}

/** What one version accepts as a command's arguments. */
function commandAccept(schema: SchemaLiteral, command: string): Accept {
  const definition = schema.commands[command];
  const open = definition.gen === false;
  const name = `command ${command}`;
  if (typeof definition.data === "string") {
    const accept = describe(schema, definition.data);
    return accept.object?.kind === "struct" && open
      ? { ...accept, object: { ...accept.object, open } }
      : accept;
  }
  const members = definition.data ? inlineMembers(definition.data, name) : new Map();
  return { ...emptyAccept(name), object: { kind: "struct", name, members, open } };
}

// ---------------------------------------------------------------------------
// Run-time acceptance: the reference the generated objects are checked with.

/** Whether one version's schema accepts `value` for a type reference. */
export function accepts(schema: SchemaLiteral, ref: TypeRef, value: Value): boolean {
  return acceptsShape(schema, describe(schema, ref), value);
}

/** Whether one version's schema accepts `value` as a command's arguments. */
export function acceptsArguments(schema: SchemaLiteral, command: string, value: Value): boolean {
  if (!Object.hasOwn(schema.commands, command)) return false;
  return acceptsShape(schema, commandAccept(schema, command), value);
}

function acceptsShape(schema: SchemaLiteral, accept: Accept, value: Value): boolean {
  if (accept.any) return true;
  if (typeof value === "string") return accept.anyString || accept.values.includes(value);
  if (typeof value === "number") return accept.number;
  if (typeof value === "boolean") return accept.bool;
  if (value === null) return accept.null;
  if (Array.isArray(value)) {
    const element = accept.array;
    return element !== undefined &&
      value.every((item) => acceptsShape(schema, describe(schema, element), item));
  }
  const object = value as { readonly [key: string]: Value };
  const shape = accept.object;
  if (!shape) return false;
  let members: MemberMap;
  let open = false;
  if (shape.kind === "struct") {
    members = shape.members;
    open = shape.open;
  } else {
    const discriminator = object[shape.discriminator];
    if (typeof discriminator !== "string" || !shape.values.includes(discriminator)) return false;
    members = variantMembers(schema, shape.name, discriminator);
  }
  for (const [name, info] of members) {
    if (!Object.hasOwn(object, name)) {
      if (!info.optional) return false;
    } else if (!acceptsShape(schema, describe(schema, info.ref), object[name])) return false;
  }
  return open || Object.keys(object).every((name) => members.has(name));
}

// ---------------------------------------------------------------------------
// Minimal values.

/** Per-version facts at one position. */
type PerVersion<type> = Map<string, type>;

/** Whether every version of `accepts` accepts a kind (a version accepting `any` does). */
function every(accepts: PerVersion<Accept>, test: (accept: Accept) => boolean): boolean {
  return [...accepts.values()].every((accept) => accept.any || test(accept));
}

/** A string no enum of the span has. */
function unknownString(accepts: PerVersion<Accept>): string {
  const known = new Set([...accepts.values()].flatMap((accept) => accept.values));
  let text = "x";
  while (known.has(text)) text += "x";
  return text;
}

/**
 * A value every version accepts, or undefined when there is none: a string
 * (any, or the first common enum value), 0, false, null, an empty array, or
 * the smallest object.
 */
function minimalValue(
  schemas: Schemas,
  accepts: PerVersion<Accept>,
  stack: readonly string[] = [],
): Value | undefined {
  const versions = [...accepts.keys()];
  const key = versions.map((version) => accepts.get(version)!.key).join("|");
  if (stack.includes(key) || stack.length > 24) return undefined;
  const inner = [...stack, key];
  const real = [...accepts.values()].filter((accept) => !accept.any);
  if (real.length === 0) return "x";
  if (every(accepts, (accept) => accept.anyString)) return unknownString(accepts);
  if (every(accepts, (accept) => accept.anyString || accept.values.length > 0)) {
    const candidates = real.find((accept) => accept.values.length > 0)!.values;
    const common = candidates.find((value) =>
      every(accepts, (accept) => accept.anyString || accept.values.includes(value))
    );
    if (common !== undefined) return common;
  }
  if (every(accepts, (accept) => accept.number)) return 0;
  if (every(accepts, (accept) => accept.bool)) return false;
  if (every(accepts, (accept) => accept.null)) return null;
  if (every(accepts, (accept) => accept.array !== undefined)) return [];
  if (every(accepts, (accept) => accept.object !== undefined)) {
    return minimalObject(schemas, objectsOf(accepts), inner);
  }
  return undefined;
}

/** A version that accepts any JSON value accepts any object: one open and without members. */
const anyObject: ObjectShape = { kind: "struct", name: "any", members: new Map(), open: true };

/** The object shape of each version (of those that accept objects). */
function objectsOf(accepts: PerVersion<Accept>): PerVersion<ObjectShape> {
  const objects: PerVersion<ObjectShape> = new Map();
  for (const [version, accept] of accepts) {
    if (accept.any) objects.set(version, anyObject);
    else if (accept.object) objects.set(version, accept.object);
  }
  return objects;
}

/** The member maps of a struct (or struct-like) position, by version. */
interface ObjectContext {
  readonly members: PerVersion<MemberMap>;
  /** Versions where any other member is accepted. */
  readonly open: ReadonlySet<string>;
  /** A union's discriminator, fixed for the variant. */
  readonly fixed?: { readonly name: string; readonly value: string };
  /** Whether some version of the variant has no branch for the value (its base alone). */
  readonly branchless?: boolean;
}

/**
 * The discriminator of the unions among `objects`, or undefined when they
 * disagree (or there is no union). Structs take part in a union's view
 * through a member of the discriminator's name.
 */
function discriminatorOf(objects: PerVersion<ObjectShape>): string | undefined {
  const names = new Set(
    [...objects.values()].flatMap((shape) => shape.kind === "union" ? [shape.discriminator] : []),
  );
  return names.size === 1 ? [...names][0] : undefined;
}

/** Whether a version's object at this position has a variant for a discriminator value. */
function hasVariant(
  schema: SchemaLiteral,
  shape: ObjectShape,
  discriminator: string,
  value: string,
): boolean {
  if (shape.kind === "union") return shape.values.includes(value);
  const member = shape.members.get(discriminator);
  if (!member) return shape.open;
  return acceptsShape(schema, describe(schema, member.ref), value);
}

/** The members of a version's object for a discriminator value. */
function variantOf(
  schema: SchemaLiteral,
  shape: ObjectShape,
  value: string,
): MemberMap {
  return shape.kind === "union" ? variantMembers(schema, shape.name, value) : shape.members;
}

/** The context of one variant across versions. */
function variantContext(
  schemas: Schemas,
  objects: PerVersion<ObjectShape>,
  discriminator: string,
  value: string,
): ObjectContext {
  const members: PerVersion<MemberMap> = new Map();
  const open = new Set<string>();
  let branchless = false;
  for (const [version, shape] of objects) {
    members.set(version, variantOf(schemas[version], shape, value));
    if (shape.kind === "struct" && shape.open) open.add(version);
    const union = definition(schemas[version], shape.name);
    if (union?.kind !== "union" || !Object.hasOwn(union.data, value)) branchless = true;
  }
  return { members, open, fixed: { name: discriminator, value }, branchless };
}

/** The discriminator values of the versions' objects, in first-seen order. */
function discriminatorValues(objects: PerVersion<ObjectShape>): string[] {
  const values: string[] = [];
  for (const shape of objects.values()) {
    if (shape.kind !== "union") continue;
    for (const value of shape.values) if (!values.includes(value)) values.push(value);
  }
  return values;
}

/** The smallest object every version accepts, or undefined. */
function minimalObject(
  schemas: Schemas,
  objects: PerVersion<ObjectShape>,
  stack: readonly string[],
): Value | undefined {
  if ([...objects.values()].every((shape) => shape.kind === "struct")) {
    const members: PerVersion<MemberMap> = new Map();
    const open = new Set<string>();
    for (const [version, shape] of objects) {
      if (shape.kind !== "struct") continue;
      members.set(version, shape.members);
      if (shape.open) open.add(version);
    }
    const built = minimalMembers(schemas, { members, open }, stack);
    return typeof built === "string" ? undefined : built;
  }
  const discriminator = discriminatorOf(objects);
  if (discriminator === undefined) return undefined;
  for (const value of discriminatorValues(objects)) {
    const everywhere = [...objects].every(([version, shape]) =>
      hasVariant(schemas[version], shape, discriminator, value)
    );
    if (!everywhere) continue;
    const built = minimalMembers(
      schemas,
      variantContext(schemas, objects, discriminator, value),
      stack,
    );
    if (typeof built !== "string") return built;
  }
  return undefined;
}

/** What a version accepts for a member of a context (any JSON value when open and unlisted). */
function memberAccepts(
  schemas: Schemas,
  context: ObjectContext,
  name: string,
  versions: readonly string[] = [...context.members.keys()],
): PerVersion<Accept> {
  const accepts: PerVersion<Accept> = new Map();
  for (const version of versions) {
    const info = context.members.get(version)!.get(name);
    accepts.set(
      version,
      info ? describe(schemas[version], info.ref) : { ...emptyAccept("any"), any: true },
    );
  }
  return accepts;
}

/** Whether a version accepts a member of this name. */
function knows(context: ObjectContext, version: string, name: string): boolean {
  return context.members.get(version)!.has(name) || context.open.has(version);
}

/** Every member name of a context, in first-seen order. */
function memberNames(context: ObjectContext): string[] {
  const names: string[] = [];
  for (const members of context.members.values()) {
    for (const name of members.keys()) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The smallest object of a context every version accepts: the fixed
 * discriminator and every member any version requires. A string says why
 * there is none.
 */
function minimalMembers(
  schemas: Schemas,
  context: ObjectContext,
  stack: readonly string[],
): { [key: string]: Value } | string {
  const object: { [key: string]: Value } = {};
  if (context.fixed) object[context.fixed.name] = context.fixed.value;
  for (const name of memberNames(context)) {
    if (name === context.fixed?.name) continue;
    const requiredIn = [...context.members].filter(([, members]) =>
      members.get(name)?.optional === false
    ).map(([version]) => version);
    if (requiredIn.length === 0) continue;
    const unknownIn = [...context.members.keys()].filter((version) =>
      !knows(context, version, name)
    );
    if (unknownIn.length > 0) {
      return `${name}: required in ${requiredIn.join(", ")}, unknown in ${unknownIn.join(", ")}`;
    }
    const value = minimalValue(schemas, memberAccepts(schemas, context, name), stack);
    if (value === undefined) return `${name}: no value suits every version`;
    object[name] = value;
  }
  return object;
}

// ---------------------------------------------------------------------------
// The walk.

/** Puts a value at the walked position of a command's argument object; or why it cannot. */
type Place = ((value: Value) => Value) | { readonly impossible: string };

/** A position still to walk. */
interface Task {
  readonly accepts: PerVersion<Accept>;
  readonly place: Place;
  readonly where: string;
  /** The diff paths of the member this position is the value of. */
  readonly memberPaths: readonly string[];
}

/** A case's two objects, or why there are none. */
type Made = { readonly bad: Value; readonly good: Value } | string;

const join = (where: string, part: string) => (where ? `${where} › ${part}` : part);

/** Orders versions as `order` does. */
export function sortVersions(versions: Iterable<string>, order: readonly string[]): string[] {
  return [...new Set(versions)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** The diff containers of a struct: `type S` and its bases'. */
function structContainers(schema: SchemaLiteral, name: string): string[] {
  const containers: string[] = [];
  for (let type = definition(schema, name); type?.kind === "struct";) {
    containers.push(`type ${name}`);
    if (!type.base || containers.includes(`type ${type.base}`)) break;
    name = type.base;
    type = definition(schema, name);
  }
  return containers;
}

/** The diff containers of a union: `type U`, its base's, its discriminator's enum. */
function unionContainers(schema: SchemaLiteral, shape: ObjectShape & { kind: "union" }): string[] {
  const union = definition(schema, shape.name);
  if (union?.kind !== "union") return [];
  return [
    `type ${shape.name}`,
    `type ${shape.enumName}`,
    ...(typeof union.base === "string"
      ? structContainers(schema, union.base)
      : [`type ${shape.name} base`]),
  ];
}

/**
 * The cases of one span over the commands every version of it has.
 *
 * @param schemas the schema literals by version
 * @param span the versions of the span, oldest first
 */
export function generate(schemas: Schemas, span: readonly string[]): Generated {
  const cases: Case[] = [];
  const skipped: Skipped[] = [];
  const walked = new Map<string, Set<string>>(span.map((version) => [version, new Set()]));
  const see = (version: string, containers: Iterable<string>) => {
    for (const container of containers) walked.get(version)!.add(container);
  };
  const commands = Object.keys(schemas[span[0]].commands).filter((command) =>
    span.every((version) => Object.hasOwn(schemas[version].commands, command))
  ).sort();
  const spanText = span.join("|");

  for (const command of commands) {
    const ids = new Set<string>();
    /** The per-version object type combinations already expanded. */
    const expanded = new Set<string>();
    /** The type combinations a version that accepts anything widens, already recorded. */
    const widened = new Set<string>();
    const possible: Task[] = [];
    const impossible: Task[] = [];

    const record = (
      kind: CaseKind,
      where: string,
      detail: string,
      acceptedBy: readonly string[],
      diffPaths: readonly string[],
      made: Made,
    ) => {
      const id = `${spanText} ${command} ${kind} ${where}${detail ? ` ${detail}` : ""}`;
      if (ids.has(id)) throw new Error(`two cases named ${id}`);
      ids.add(id);
      const paths = [...new Set(diffPaths)].sort();
      if (typeof made === "string") {
        skipped.push({ id, span, command, kind, where, diffPaths: paths, reason: made });
        return;
      }
      const by = sortVersions(acceptedBy, span);
      cases.push({
        id,
        span,
        command,
        kind,
        where,
        acceptedBy: by,
        refusedBy: span.filter((version) => !by.includes(version)),
        diffPaths: paths,
        bad: made.bad,
        good: made.good,
      });
    };

    const enqueue = (task: Task) =>
      (typeof task.place === "function" ? possible : impossible).push(task);

    const visit = ({ accepts, place, where, memberPaths }: Task) => {
      for (const [version, accept] of accepts) see(version, accept.containers);
      const versions = [...accepts.keys()];
      const position = where || "(arguments)";
      const good = typeof place === "function" ? minimalValue(schemas, accepts) : undefined;
      const at = (value: Value | undefined): Made =>
        typeof place !== "function"
          ? place.impossible
          : value === undefined
          ? "no value the versions that have it accept"
          : good === undefined
          ? "no value every version accepts at this position"
          : { bad: place(value), good: place(good) };
      const acceptedBy = (test: (accept: Accept) => boolean) =>
        versions.filter((version) => {
          const accept = accepts.get(version)!;
          return accept.any || test(accept);
        });

      // Enum values some versions lack.
      const values: string[] = [];
      for (const accept of accepts.values()) {
        for (const value of accept.values) if (!values.includes(value)) values.push(value);
      }
      for (const value of values) {
        const by = acceptedBy((accept) => accept.anyString || accept.values.includes(value));
        if (by.length === versions.length) continue;
        const paths = [...accepts.values()].flatMap((accept) =>
          accept.valuePaths.has(value) ? [accept.valuePaths.get(value)!] : []
        );
        record("value", position, JSON.stringify(value), by, [...paths, ...memberPaths], at(value));
      }

      // Kinds of JSON value some versions lack.
      const samples: [JsonKind, string, (accept: Accept) => boolean, () => Value | undefined][] = [
        ["string", "any string", (accept) => accept.anyString, () => unknownString(accepts)],
        ["number", "number", (accept) => accept.number, () => 0],
        ["bool", "boolean", (accept) => accept.bool, () => false],
        ["null", "null", (accept) => accept.null, () => null],
        ["array", "array", (accept) => accept.array !== undefined, () => []],
        ["object", "object", (accept) => accept.object !== undefined, () => {
          const objects = objectsOf(accepts);
          return minimalObject(schemas, objects, []) ??
            [...objects].map(([version, shape]) =>
              minimalObject(schemas, new Map([[version, shape]]), [])
            ).find((value) => value !== undefined);
        }],
      ];
      let widenedByAny = false;
      for (const [kind, detail, test, sample] of samples) {
        const by = acceptedBy(test);
        if (by.length === 0 || by.length === versions.length) continue;
        // Where only versions that accept any JSON value accept a kind (5.2's
        // `object-add` takes any member as any value), one case per
        // combination of types says it.
        if (by.every((version) => accepts.get(version)!.any)) {
          const key = span.map((version) => accepts.get(version)?.key).join("|");
          if (widenedByAny || widened.has(key)) continue;
          widenedByAny = true;
          widened.add(key);
        }
        const paths = [...accepts.values()].flatMap((accept) => accept.kindPaths.get(kind) ?? []);
        record("type", position, detail, by, [...paths, ...memberPaths], at(sample()));
      }

      const real = new Map([...accepts].filter(([, accept]) => !accept.any));
      if (real.size === 0) return;

      // Into arrays.
      if ([...real.values()].every((accept) => accept.array !== undefined)) {
        const elements: PerVersion<Accept> = new Map();
        for (const [version, accept] of accepts) {
          elements.set(
            version,
            accept.any ? accept : describe(schemas[version], accept.array!),
          );
        }
        enqueue({
          accepts: elements,
          place: typeof place === "function" ? (value) => place([value]) : place,
          where: join(where, "[]"),
          memberPaths: [],
        });
      }

      // Into objects.
      if (![...real.values()].every((accept) => accept.object)) return;
      const objects = objectsOf(accepts);
      const key = span.map((version) => objects.get(version)?.name).join("|");
      if (expanded.has(key)) return;
      expanded.add(key);
      for (const [version, shape] of objects) {
        see(
          version,
          shape.kind === "struct"
            ? (shape.name.startsWith("command ")
              ? [shape.name]
              : structContainers(schemas[version], shape.name))
            : unionContainers(schemas[version], shape),
        );
      }
      if ([...objects.values()].every((shape) => shape.kind === "struct")) {
        const members: PerVersion<MemberMap> = new Map();
        const open = new Set<string>();
        for (const [version, shape] of objects) {
          if (shape.kind !== "struct") continue;
          members.set(version, shape.members);
          if (shape.open) open.add(version);
        }
        walkMembers({ members, open }, place, where);
        return;
      }
      const discriminator = discriminatorOf(objects);
      if (discriminator === undefined) {
        throw new Error(`${command} ${position}: unions with different discriminators`);
      }
      const whole = typeof place === "function" ? minimalObject(schemas, objects, []) : undefined;
      const variant = (versions: PerVersion<ObjectShape>, value: string) => {
        const built = minimalMembers(
          schemas,
          variantContext(schemas, versions, discriminator, value),
          [],
        );
        return typeof built === "string" ? undefined : built;
      };
      const made = (bad: Value | undefined): Made =>
        typeof place !== "function"
          ? place.impossible
          : bad === undefined
          ? "no object of this variant suits the versions that have it"
          : whole === undefined
          ? "no object suits every version at this position"
          : { bad: place(bad), good: place(whole) };
      // A struct whose discriminator member takes any string (5.2's
      // `set_password`) accepts values no union of the span has.
      const unknown = unknownString(
        new Map(
          [...objects].map((
            [version],
          ) => [version, { ...emptyAccept(""), values: discriminatorValues(objects) }]),
        ),
      );
      const anyValue = [...objects].filter(([version, shape]) =>
        hasVariant(schemas[version], shape, discriminator, unknown)
      );
      if (anyValue.length > 0) {
        const paths = anyValue.flatMap(([, shape]) =>
          shape.kind === "struct" ? [shape.members.get(discriminator)?.path ?? []].flat() : []
        );
        record(
          "type",
          join(where, discriminator),
          "any string",
          anyValue.map(([version]) => version),
          paths,
          made(variant(new Map(anyValue), unknown)),
        );
      }
      for (const value of discriminatorValues(objects)) {
        const having = [...objects].filter(([version, shape]) =>
          hasVariant(schemas[version], shape, discriminator, value)
        ).map(([version]) => version);
        const variantWhere = join(where, `${discriminator}=${value}`);
        if (having.length === objects.size) {
          for (const [version, shape] of objects) {
            if (shape.kind !== "union") continue;
            const union = definition(schemas[version], shape.name);
            if (union?.kind !== "union" || !Object.hasOwn(union.data, value)) continue;
            const branch = memberRef(union.data[value] as Member);
            if (typeof branch === "string") {
              see(version, structContainers(schemas[version], branch));
            }
          }
          walkMembers(variantContext(schemas, objects, discriminator, value), place, variantWhere);
          continue;
        }
        const paths = [...objects].flatMap(([version, shape]) => {
          if (shape.kind !== "union" || !shape.values.includes(value)) return [];
          const union = definition(schemas[version], shape.name);
          return [
            `type ${shape.enumName} value ${value}`,
            ...(union?.kind === "union" && Object.hasOwn(union.data, value)
              ? [`type ${shape.name} branch ${value}`]
              : []),
          ];
        });
        const only = new Map([...objects].filter(([version]) => having.includes(version)));
        const bad = variant(only, value) ??
          having.map((version) => variant(new Map([[version, only.get(version)!]]), value))
            .find((built) => built !== undefined);
        record("branch", variantWhere, "", having, paths, made(bad));
      }
    };

    const walkMembers = (context: ObjectContext, place: Place, where: string) => {
      const versions = [...context.members.keys()];
      const built = typeof place === "function"
        ? minimalMembers(schemas, context, [])
        : place.impossible;
      const here: Place = typeof built === "string" ? { impossible: built } : place;
      const put = (extra: Record<string, Value>, without?: string): Value => {
        const next: Record<string, Value> = { ...built as Record<string, Value>, ...extra };
        if (without !== undefined) delete next[without];
        return (here as (value: Value) => Value)(next);
      };
      const made = (bad: () => Value): Made =>
        typeof here === "function" ? { bad: bad(), good: put({}) } : here.impossible;
      for (const name of memberNames(context)) {
        if (name === context.fixed?.name) continue;
        const memberWhere = join(where, name);
        const infos = versions.flatMap((version) => {
          const info = context.members.get(version)!.get(name);
          return info ? [info] : [];
        });
        const paths = infos.flatMap((
          info,
        ) => [info.path, ...info.branchPath && context.branchless ? [info.branchPath] : []]);
        const having = versions.filter((version) => knows(context, version, name));
        if (having.length < versions.length) {
          const accepts = memberAccepts(schemas, context, name, having);
          const value = minimalValue(schemas, accepts) ??
            [...accepts].map(([version, accept]) =>
              minimalValue(schemas, new Map([[version, accept]]))
            ).find((value) => value !== undefined);
          record(
            "member",
            memberWhere,
            "",
            having,
            paths,
            value === undefined
              ? (typeof here === "function"
                ? "no value the versions that have it accept"
                : here.impossible)
              : made(() => put({ [name]: value })),
          );
          continue;
        }
        // Listed in some versions as optional and in others as required (a
        // version that accepts any member without listing it has no say).
        const listed = (optional: boolean) =>
          versions.filter((version) =>
            context.members.get(version)!.get(name)?.optional === optional
          );
        if (listed(true).length > 0 && listed(false).length > 0) {
          const by = versions.filter((version) => !listed(false).includes(version));
          record("optionality", memberWhere, "", by, paths, made(() => put({}, name)));
        }
        enqueue({
          accepts: memberAccepts(schemas, context, name),
          place: typeof here === "function" ? (value) => put({ [name]: value }) : here,
          where: memberWhere,
          memberPaths: paths,
        });
      }
    };

    const top: PerVersion<Accept> = new Map(
      span.map((version) => [version, commandAccept(schemas[version], command)]),
    );
    enqueue({ accepts: top, place: (value) => value, where: "", memberPaths: [] });
    while (possible.length > 0 || impossible.length > 0) {
      visit(possible.length > 0 ? possible.shift()! : impossible.shift()!);
    }
  }
  return { span, commands, cases, skipped, walked };
}

// ---------------------------------------------------------------------------
// Checks of the generator itself.

/**
 * Problems with generated objects, checked at run time against each
 * version's literal: a good object every version of the span must accept;
 * a bad one exactly the versions the case says.
 */
export function verify(schemas: Schemas, cases: readonly Case[]): string[] {
  const problems: string[] = [];
  for (const item of cases) {
    const good = item.span.filter((version) =>
      !acceptsArguments(schemas[version], item.command, item.good)
    );
    if (good.length > 0) problems.push(`${item.id}: the good object is refused by ${good}`);
    const bad = item.span.filter((version) =>
      acceptsArguments(schemas[version], item.command, item.bad)
    );
    if (bad.join() !== item.acceptedBy.join()) {
      problems.push(
        `${item.id}: the bad object is accepted by [${bad}], not [${item.acceptedBy}]`,
      );
    }
    if (bad.length === 0 || bad.length === item.span.length) {
      problems.push(`${item.id}: the bad object is accepted by [${bad}] of [${item.span}]`);
    }
  }
  return problems;
}

/** The kinds of change a case stands for. */
const caseChangeKinds = new Set(["member", "value", "branch", "optionality"]);

/** The container a diff path names a part of: `type S` for `type S member m`. */
export function containerOf(path: string): string | undefined {
  return /^(.*) (?:member|value|branch) [^ ]+$/.exec(path)?.[1];
}

/** The outcome of checking the cases against `diffSchemas`. */
export interface DiffCoverage {
  /** Changes between consecutive versions of the span at a walked container. */
  readonly located: number;
  /** Of those, the ones a case or a skipped case stands for. */
  readonly covered: number;
  /** Of those, members that moved between a type and its base (no difference at any position). */
  readonly moved: number;
  /** Located changes no case stands for. */
  readonly uncovered: { readonly change: SchemaChange; readonly versions: string }[];
  /**
   * Changes in a type every version of the span reaches from its commands
   * (by name, through members, bases, branches and elements) whose
   * container the walk never reached in both versions of the change: each
   * is a position the walk missed.
   */
  readonly unwalked: { readonly change: SchemaChange; readonly versions: string }[];
  /** Cases whose difference the diff names (others come from renamed types). */
  readonly traced: number;
}

/** The types a schema reaches from the arguments of `commands`, by name. */
function reachable(schema: SchemaLiteral, commands: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const add = (ref: TypeRef) => {
    const name = typeof ref === "string" ? ref : ref[0];
    const type = definition(schema, name);
    if (!type || seen.has(name)) return;
    seen.add(name);
    if (type.kind === "struct") {
      if (type.base) add(type.base);
      for (const member of Object.values(type.data)) add(memberRef(member));
    } else if (type.kind === "union") {
      if (typeof type.base === "string") add(type.base);
      else for (const member of Object.values(type.base)) add(memberRef(member));
      for (const branch of Object.values(type.data)) add(memberRef(branch as Member));
    } else if (type.kind === "alternate") {
      for (const branch of Object.values(type.data)) add(memberRef(branch as Member));
    }
  };
  for (const command of commands) {
    const data = schema.commands[command].data;
    if (typeof data === "string") add(data);
    else if (data) { for (const member of Object.values(data)) add(memberRef(member)); }
  }
  return seen;
}

/**
 * Every change `diffSchemas` reports between consecutive versions of the
 * span (members and branches added or removed, enum values, optionality),
 * in a container walked in both versions, must be what some case (or
 * skipped case) stands for: the walk missed nothing the diff knows.
 */
export function checkAgainstDiff(schemas: Schemas, generated: Generated): DiffCoverage {
  const named = new Set(
    [...generated.cases, ...generated.skipped].flatMap((item) => item.diffPaths),
  );
  let located = 0;
  let covered = 0;
  let moved = 0;
  /** The members of a container with its bases', in one version. */
  const flattened = (schema: SchemaLiteral, container: string): MemberMap => {
    const command = /^command (\S+)$/.exec(container)?.[1];
    if (command !== undefined) {
      const data = schema.commands[command]?.data;
      return typeof data === "object" ? inlineMembers(data, container) : new Map();
    }
    const base = /^type (\S+) base$/.exec(container)?.[1];
    if (base !== undefined) return unionBase(schema, base);
    return structMembers(schema, container.replace(/^type /, ""));
  };
  const uncovered: { change: SchemaChange; versions: string }[] = [];
  const unwalked: { change: SchemaChange; versions: string }[] = [];
  const span = generated.span;
  // Reached in every version of the span: a type some version lacks sits
  // under a member or variant that is itself a case.
  const reached = span.map((version) => reachable(schemas[version], generated.commands));
  for (let i = 0; i + 1 < span.length; i++) {
    const [older, newer] = [span[i], span[i + 1]];
    for (const change of diffSchemas(schemas[older], schemas[newer])) {
      if (!caseChangeKinds.has(change.kind)) continue;
      const container = containerOf(change.path);
      if (!container) continue;
      if (
        !generated.walked.get(older)!.has(container) ||
        !generated.walked.get(newer)!.has(container)
      ) {
        const type = /^type (\S+)/.exec(container)?.[1];
        if (type !== undefined && reached.every((names) => names.has(type))) {
          unwalked.push({ change, versions: `${older} -> ${newer}` });
        }
        continue;
      }
      located++;
      const member = / member ([^ ]+)$/.exec(change.path)?.[1];
      if (named.has(change.path)) covered++;
      else if (
        change.kind === "member" && member !== undefined &&
        flattened(schemas[older], container).has(member) &&
        flattened(schemas[newer], container).has(member)
      ) moved++;
      else uncovered.push({ change, versions: `${older} -> ${newer}` });
    }
  }
  const traced = generated.cases.filter((item) => item.diffPaths.length > 0).length;
  return { located, covered, moved, uncovered, unwalked, traced };
}

// ---------------------------------------------------------------------------
// The calls of the issue, as a user writes them.

/**
 * The two calls that started it: both refused by a real QEMU 7.2, as
 * `CommandArgs` declarations and as `execute` calls on a client typed with
 * the span.
 */
export function issueCases(): Case[] {
  const span = ["7.2", "10.2"];
  const calls: [string, Value, Value, string][] = [
    [
      "driver=qcow2 › discard-no-unref",
      { driver: "qcow2", "node-name": "d", file: "f", "discard-no-unref": true },
      { driver: "qcow2", "node-name": "d", file: "f" },
      "type BlockdevOptionsQcow2 member discard-no-unref",
    ],
    [
      "driver=null-co › active",
      { driver: "null-co", "node-name": "n", active: true },
      { driver: "null-co", "node-name": "n" },
      "type BlockdevOptions base member active",
    ],
  ];
  return calls.flatMap(([where, bad, good, path]) =>
    [false, true].map((call) => ({
      id: `issue 12: 7.2|10.2 blockdev-add member ${where}${call ? " (execute)" : ""}`,
      span,
      command: "blockdev-add",
      kind: "member" as const,
      where,
      acceptedBy: ["10.2"],
      refusedBy: ["7.2"],
      diffPaths: [path],
      bad,
      good,
      ...(call ? { call: true as const } : {}),
    }))
  );
}

// ---------------------------------------------------------------------------
// Writing the cases as TypeScript.

/** What a line of a generated file is. */
export interface LineRole {
  /** `expect`: the `@ts-expect-error` line before a bad object; `good`: a matching object. */
  readonly role: "expect" | "good";
  /** The cases (indices into the rendered list) it belongs to. */
  readonly cases: number[];
}

/** A generated file: its text and what each of its lines is. */
export interface Rendered {
  readonly text: string;
  /** By 1-based line number. */
  readonly lines: Map<number, LineRole>;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A value as a TypeScript expression on one line. */
export function renderValue(value: Value): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(renderValue).join(", ")}]`;
  const entries = Object.entries(value as Record<string, Value>);
  if (entries.length === 0) return "{}";
  return `{ ${
    entries.map(([key, item]) =>
      `${identifier.test(key) ? key : JSON.stringify(key)}: ${renderValue(item)}`
    ).join(", ")
  } }`;
}

const spanType = (span: readonly string[]) =>
  `Span<${span.map((version) => JSON.stringify(version)).join(" | ")}>`;
const clientName = (span: readonly string[]) => `qmp_${span.join("__").replaceAll(".", "_")}`;

/**
 * The cases as one module. Each case is its matching object on a line of
 * its own (cases with the same matching object share the first one's line),
 * then its bad object as a declaration on one line (so an error anywhere in
 * it is on that line) under `@ts-expect-error`.
 *
 * @param cases the cases, in order
 * @param root the path from the file's folder to the project's root (`../../../`)
 */
export function render(cases: readonly Case[], root: string): Rendered {
  const out: string[] = [
    "// Generated by tests/types/spans/generate.ts from the vendored schemas. Do not edit.",
    `import type { CommandArgs, QmpClient } from "${root}mod.ts";`,
    `import type { Span } from "${root}versions.ts";`,
    "",
  ];
  const lines = new Map<number, LineRole>();
  const spans = [...new Set(cases.filter((item) => item.call).map((item) => item.span.join("|")))];
  for (const span of spans) {
    out.push(
      `declare const ${clientName(span.split("|"))}: QmpClient<${spanType(span.split("|"))}>;`,
    );
  }
  const goods = new Map<string, number>();
  const statement = (item: Case, name: string, value: Value) =>
    item.call
      ? `void ${clientName(item.span)}.execute(${JSON.stringify(item.command)}, ${
        renderValue(value)
      });`
      : `const ${name}: CommandArgs<${spanType(item.span)}, ${JSON.stringify(item.command)}> = ${
        renderValue(value)
      };`;
  cases.forEach((item, index) => {
    out.push("");
    out.push(
      `// [${index}] ${item.id}: accepted by ${item.acceptedBy.join(", ")}, refused by ${
        item.refusedBy.join(", ")
      }${item.diffPaths.length > 0 ? ` (${item.diffPaths.join("; ")})` : ""}`,
    );
    // The matching object first: a type that fails to resolve (too deep, say)
    // reports it where the first use is, and a bad line's errors are hidden
    // by its directive.
    const good = statement(item, "good", item.good);
    const shared = goods.get(good);
    if (shared !== undefined) {
      lines.get(shared)!.cases.push(index);
    } else {
      out.push(statement(item, `good${index}`, item.good));
      goods.set(good, out.length);
      lines.set(out.length, { role: "good", cases: [index] });
    }
    out.push(`// @ts-expect-error [${index}] refused by ${item.refusedBy.join(", ")}`);
    lines.set(out.length, { role: "expect", cases: [index] });
    out.push(statement(item, `bad${index}`, item.bad));
  });
  out.push("");
  return { text: out.join("\n"), lines };
}

// ---------------------------------------------------------------------------
// Choosing cases.

/** The spans the tests cover: every pair of vendored versions, and all of them. */
export function spansOf(versions: readonly string[]): string[][] {
  const spans: string[][] = [];
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) spans.push([versions[i], versions[j]]);
  }
  if (versions.length > 2) spans.push([...versions]);
  return spans;
}

/** `count` cases drawn without replacement by a seeded generator, in their original order. */
export function sample<item>(items: readonly item[], count: number, seed: number): item[] {
  const next = random(seed);
  const indices = items.map((_, index) => index);
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices.slice(0, count).sort((a, b) => a - b).map((index) => items[index]);
}

// ---------------------------------------------------------------------------
// Generating, writing and checking.

/** What to run. */
export interface Options {
  /** Cases per span drawn with `seed`; every case when absent. */
  readonly sample?: number;
  readonly seed?: number;
  /** Only these spans (`["7.2", "10.2"]`); every pair and all versions when absent. */
  readonly spans?: readonly (readonly string[])[];
  /** The compilers to run (all three when absent). */
  readonly compilers?: readonly Compiler[];
  /** Where the files go (`.cache/spans/full` or `.cache/spans/sample`). */
  readonly folder?: string;
  /** A compiler still running after this is killed (s). */
  readonly seconds?: number;
  /** Compilers run at once. */
  readonly concurrency?: number;
}

/** Per span: its cases, the checked ones, the generator's own checks. */
export interface SpanReport {
  readonly span: readonly string[];
  readonly generated: Generated;
  readonly coverage: DiffCoverage;
  /** Indices, into `Report.cases`, of this span's checked cases. */
  readonly checked: number[];
}

/** Everything a run found. */
export interface Report {
  readonly spans: SpanReport[];
  /** The checked cases (the issue's calls first), as numbered in the files. */
  readonly cases: Case[];
  /** Problems of the generator: objects that do not do what their case says, diff changes without a case. */
  readonly generatorProblems: string[];
  readonly runs: Run[];
  readonly files: WrittenFile[];
}

const root = new URL("../../../", import.meta.url).pathname;

/** The vendored QMP schemas by version, oldest first. */
export const vendored: Schemas = Object.fromEntries(Object.entries(qmp));

/** Generates the cases, checks them against the schemas and the diff, writes and compiles them. */
export async function runSpans(options: Options = {}): Promise<Report> {
  const versions = Object.keys(vendored);
  const spans = options.spans ?? spansOf(versions);
  const folder = options.folder ?? `${root}.cache/spans/${options.sample ? "sample" : "full"}`;
  const reports: SpanReport[] = [];
  const generatorProblems: string[] = [];
  const issue = issueCases();
  const cases: Case[] = [...issue];
  const groups: Case[][] = [issue];
  for (const span of spans) {
    const generated = generate(vendored, span);
    const coverage = checkAgainstDiff(vendored, generated);
    generatorProblems.push(...verify(vendored, generated.cases));
    for (const { change, versions } of [...coverage.uncovered, ...coverage.unwalked]) {
      generatorProblems.push(
        `${span.join("|")}: ${versions} ${change.change} ${change.path} has no case`,
      );
    }
    const chosen = options.sample === undefined
      ? generated.cases
      : sample(generated.cases, options.sample, (options.seed ?? 1) + reports.length);
    reports.push({
      span,
      generated,
      coverage,
      checked: chosen.map((_, index) => cases.length + index),
    });
    cases.push(...chosen);
    groups.push(chosen);
  }
  generatorProblems.push(...verify(vendored, issue));

  await Deno.mkdir(folder, { recursive: true });
  for (const entry of Deno.readDirSync(folder)) {
    if (entry.isFile && entry.name.endsWith(".ts")) await Deno.remove(`${folder}/${entry.name}`);
  }
  const files: WrittenFile[] = [];
  const relative = "../".repeat(folder.slice(root.length).split("/").filter(Boolean).length);
  let offset = 0;
  for (const [index, group] of groups.entries()) {
    if (group.length === 0) continue;
    const name = index === 0
      ? "issue_12"
      : `span_${spans[index - 1].join("_").replaceAll(".", "_")}`;
    const path = `${folder}/${name}.ts`;
    const rendered = render(group, relative);
    await Deno.writeTextFile(path, rendered.text);
    files.push({ path, rendered, offset });
    offset += group.length;
  }
  const runs = await checkCases(cases, files, folder, {
    only: options.compilers,
    seconds: options.seconds,
    concurrency: options.concurrency,
  });
  return { spans: reports, cases, generatorProblems, runs, files };
}

/** The failures of a report, one line each (empty when every case passed on every compiler). */
export function failures(report: Report): string[] {
  const found = [...report.generatorProblems];
  for (const run of report.runs) {
    if (run.failure) found.push(`${run.compiler}: ${run.failure}`);
    for (const diagnostic of run.stray) {
      found.push(
        `${run.compiler}: ${
          diagnostic.file.slice(root.length)
        }:${diagnostic.line}: TS${diagnostic.code} ${diagnostic.message}`,
      );
    }
  }
  report.cases.forEach((item, index) => {
    const verdicts = report.runs.map((run) => `${run.compiler}: ${run.verdicts[index]}`);
    if (report.runs.every((run) => run.verdicts[index] === "ok")) return;
    const agree = new Set(report.runs.map((run) => run.verdicts[index])).size === 1;
    const reason = report.runs.map((run) => run.reasons[index]).find((text) => text);
    found.push(
      `${item.id} [${verdicts.join(", ")}]${agree ? "" : " (the compilers disagree)"}${
        reason ? `\n    ${reason.split("\n")[0]}` : ""
      }`,
    );
  });
  return found;
}

/** The per-span table: cases generated and how each compiler fared on those checked. */
export function table(report: Report): string {
  const kinds: CaseKind[] = ["member", "branch", "value", "optionality", "type"];
  const names = report.runs.map((run) => run.compiler);
  const rows = [
    `| span | commands | cases (${kinds.join("/")}) | skipped | checked | ${
      names.map((name) => `${name}: bad refused, good ok`).join(" | ")
    } | all agree |`,
    `| --- | --- | --- | --- | --- | ${names.map(() => "---").join(" | ")} | --- |`,
  ];
  const row = (
    label: string,
    commands: string,
    generated: string,
    skipped: string,
    checked: number[],
  ) => {
    const cells = report.runs.map((run) => {
      const bad = checked.filter((index) => run.verdicts[index] !== "bad compiles").length;
      const good = checked.filter((index) => run.verdicts[index] !== "good refused").length;
      return `${bad}/${checked.length}, ${good}/${checked.length}`;
    });
    const agree =
      checked.filter((index) => new Set(report.runs.map((run) => run.verdicts[index])).size === 1)
        .length;
    rows.push(
      `| ${label} | ${commands} | ${generated} | ${skipped} | ${checked.length} | ${
        cells.join(" | ")
      } | ${agree}/${checked.length} |`,
    );
  };
  const issue = report.cases.flatMap((item, index) => item.id.startsWith("issue") ? [index] : []);
  row("issue 12 (7.2, 10.2)", "1", String(issue.length), "0", issue);
  for (const span of report.spans) {
    const count = (kind: CaseKind) =>
      span.generated.cases.filter((item) => item.kind === kind).length;
    row(
      span.span.join(", "),
      String(span.generated.commands.length),
      `${span.generated.cases.length} (${kinds.map(count).join("/")})`,
      String(span.generated.skipped.length),
      span.checked,
    );
  }
  return rows.join("\n");
}

/** The diff's view: changes located, covered, moved within a type's bases; cases it names. */
export function coverageTable(report: Report): string {
  const rows = [
    "| span | diff changes at walked positions | with a case | moved into a base | cases the diff names |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const span of report.spans) {
    const { located, covered, moved, traced } = span.coverage;
    rows.push(
      `| ${
        span.span.join(", ")
      } | ${located} | ${covered} | ${moved} | ${traced}/${span.generated.cases.length} |`,
    );
  }
  return rows.join("\n");
}

if (import.meta.main) {
  const args = [...Deno.args];
  const value = (flag: string) => {
    const index = args.indexOf(flag);
    return index < 0 ? undefined : args[index + 1];
  };
  const sampleSize = value("--sample");
  const spanArg = value("--span");
  const compilerArg = value("--compilers");
  if (args.includes("--list")) {
    for (const span of spanArg ? [spanArg.split(",")] : spansOf(Object.keys(vendored))) {
      const generated = generate(vendored, span);
      for (const item of generated.cases) {
        console.log(
          `${item.id}\n  bad:  ${renderValue(item.bad)}\n  good: ${renderValue(item.good)}`,
        );
      }
      for (const item of generated.skipped) console.log(`${item.id}\n  skipped: ${item.reason}`);
    }
    Deno.exit(0);
  }
  const report = await runSpans({
    sample: sampleSize === undefined ? undefined : Number(sampleSize),
    seed: value("--seed") === undefined ? undefined : Number(value("--seed")),
    spans: spanArg ? [spanArg.split(",")] : undefined,
    compilers: compilerArg
      ? compilers.filter((name) => compilerArg.split(",").some((part) => name.includes(part)))
      : undefined,
  });
  console.log(table(report));
  console.log();
  console.log(coverageTable(report));
  console.log();
  for (const run of report.runs) console.log(`${run.compiler}: ${run.seconds.toFixed(1)} s`);
  const found = failures(report);
  const limit = Number(value("--show") ?? 40);
  if (found.length > 0) {
    console.log(`\n${found.length} failures${found.length > limit ? ` (first ${limit})` : ""}:`);
    for (const line of found.slice(0, limit)) console.log(`  ${line}`);
  }
  console.log(`\nfiles: ${report.files.map((file) => file.path.slice(root.length)).join(", ")}`);
  Deno.exit(found.length === 0 ? 0 : 1);
}
