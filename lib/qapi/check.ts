/**
 * Whole-schema checks, as QEMU's `schema.py` makes them: every referenced
 * type exists and is of a kind the reference allows, no two definitions,
 * members, values, branches or features clash, unions and alternates are
 * well formed, no object contains itself, every member and feature of a
 * documented definition is documented and everything documented exists,
 * and the schema names at most 64 features. Messages and positions follow
 * QEMU's.
 *
 * The checks never recurse on the JavaScript stack (chains of bases and
 * branches may be as long as a schema is), and count their steps against a
 * bound, so no schema can make them run long.
 *
 * @module
 */

import type { DefinitionDoc } from "./doc.ts";
import { QapiError, type SourcePosition } from "./errors.ts";
import { cName, type DefinitionKind, type Pragma } from "./expressions.ts";
import { defaultLimits } from "./limits.ts";
import { isQapiObject, type QapiObject, type QapiValue } from "./parse.ts";

/**
 * The builtin scalar types QAPI predefines.
 *
 * @example
 * ```ts
 * import { builtinTypes } from "./check.ts";
 * console.log(builtinTypes.includes("size")); // true
 * ```
 */
export const builtinTypes: readonly string[] = [
  "str",
  "number",
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
  "bool",
  "null",
  "any",
];

/**
 * The builtin enum `QType`'s values.
 *
 * @example
 * ```ts
 * import { qtypeValues } from "./check.ts";
 * console.log(qtypeValues[0]); // "none"
 * ```
 */
export const qtypeValues: readonly string[] = [
  "none",
  "qnull",
  "qnum",
  "qstring",
  "qdict",
  "qlist",
  "qbool",
];

/** The features every schema knows. */
const specialFeatures = ["deprecated", "unstable"];
/** The most distinct feature names a schema may use, the special ones included. */
const maxFeatures = 64;

/**
 * A definition as the checker sees it: kind, name, position, the expression
 * as the expression checks accepted it, and its doc comment.
 *
 * @example
 * ```ts
 * import type { CheckedDefinition } from "./check.ts";
 * import { SourcePosition } from "./errors.ts";
 * const d: CheckedDefinition = {
 *   kind: "command",
 *   name: "stop",
 *   position: new SourcePosition("a.json", 1),
 *   expression: { command: "stop" },
 * };
 * ```
 */
export interface CheckedDefinition {
  readonly kind: DefinitionKind;
  readonly name: string;
  readonly position: SourcePosition;
  readonly expression: QapiObject;
  readonly doc?: DefinitionDoc | undefined;
}

/**
 * Options of `checkSchema`.
 *
 * @example
 * ```ts
 * import type { SchemaCheckOptions } from "./check.ts";
 * const options: SchemaCheckOptions = { strict: true, docs: [] };
 * ```
 */
export interface SchemaCheckOptions {
  /** Apply current QEMU's documentation rules (see `ReadOptions.strictDocs`). */
  readonly strict: boolean;
  /** Every doc comment block of the schema, in source order. */
  readonly docs: readonly DefinitionDoc[];
  /** The most steps the checks may take; default `defaultLimits.maxCheckSteps`. */
  readonly maxSteps?: number;
}

// ---------------------------------------------------------------------------
// The model: QEMU's entities, with the implicit ones (argument and base
// objects, array types) it derives from definitions.

interface Feature {
  readonly name: string;
  /** The C name, by which names clash. */
  readonly key: string;
  readonly if?: QapiValue | undefined;
  readonly position: SourcePosition;
  /** The definition, member or value the feature belongs to. */
  readonly definedIn: string;
}

interface Member {
  readonly role: "member" | "branch" | "value";
  readonly name: string;
  /** The C name, by which names clash. */
  readonly key: string;
  readonly optional: boolean;
  /** The referenced type's name (`XList` for `['X']`); none for enum values. */
  readonly typeName?: string;
  type?: TypeEntity;
  readonly if?: QapiValue | undefined;
  readonly features: readonly Feature[];
  readonly definedIn: string;
  readonly position: SourcePosition;
}

interface Base {
  readonly name: string;
  readonly position?: SourcePosition | undefined;
  readonly features: readonly Feature[];
  readonly doc?: DefinitionDoc | undefined;
}
interface Builtin extends Base {
  readonly meta: "built-in";
  readonly jsonType: string;
}
interface EnumType extends Base {
  readonly meta: "enum";
  readonly values: readonly Member[];
  valueNames?: Set<string>;
  /** For alternates: whether a value reads as a boolean or a number. */
  looksLike?: { boolean: boolean; number: boolean };
}
interface ArrayType extends Base {
  readonly meta: "array";
  readonly elementName: string;
  /** The meta-type of the definition that used the array first. */
  readonly userMeta: string;
}
interface ObjectType extends Base {
  readonly meta: "struct" | "union";
  readonly implicit: boolean;
  readonly baseName?: string | undefined;
  readonly local: readonly Member[];
  readonly branches?: { readonly tagName: string; readonly variants: readonly Member[] };
  state: "unchecked" | "checking" | "checked";
  /** All members (the base's first), once checked. */
  members: readonly Member[];
}
interface AlternateType extends Base {
  readonly meta: "alternate";
  readonly variants: readonly Member[];
}
interface Command extends Base {
  readonly meta: "command" | "event";
  readonly argName?: string | undefined;
  readonly returnName?: string | undefined;
  readonly boxed: boolean;
}
type TypeEntity = Builtin | EnumType | ArrayType | ObjectType | AlternateType;
type Entity = TypeEntity | Command;

const isType = (entity: Entity | undefined): entity is TypeEntity =>
  entity !== undefined && entity.meta !== "command" && entity.meta !== "event";

/** QEMU's `describe()` of a type. */
function describeType(type: TypeEntity): string {
  return type.meta === "array"
    ? `array type ['${type.elementName}']`
    : `${type.meta} type '${type.name}'`;
}

/** QEMU's `describe()` of a member, as seen from the definition at `at`. */
function describeMember(member: Member | Feature, at: SourcePosition): string {
  let role: string = "role" in member ? member.role : "feature";
  let meta = "type";
  let owner = member.definedIn;
  if (owner.startsWith("q_obj_")) {
    owner = owner.slice(6);
    if (owner.endsWith("-arg")) {
      role = "parameter";
      meta = "command";
      owner = owner.slice(0, -4);
    } else if (owner.endsWith("-base")) {
      role = `base ${role}`;
      owner = owner.slice(0, -5);
    }
  }
  return owner !== at.definitionName
    ? `${role} '${member.name}' of ${meta} '${owner}'`
    : `${role} '${member.name}'`;
}

/** A member's value in QAPI's object form (`'T'` is `{ type: 'T' }`). */
function memberObject(value: QapiValue): QapiObject {
  return isQapiObject(value) ? value : { type: value };
}

/**
 * Checks a whole schema's definitions, in definition order, as QEMU does.
 * Throws `QapiError` at the first problem.
 *
 * @example
 * ```ts
 * import { checkSchema } from "./check.ts";
 * import { SourcePosition } from "./errors.ts";
 * const pragma = {
 *   docRequired: false,
 *   commandNameExceptions: new Set<string>(),
 *   commandReturnsExceptions: new Set<string>(),
 *   documentationExceptions: new Set<string>(),
 *   memberNameExceptions: new Set<string>(),
 * };
 * const position = new SourcePosition("a.json", 1).inDefinition("command", "stop");
 * checkSchema(
 *   [{ kind: "command", name: "stop", position, expression: { command: "stop" } }],
 *   pragma,
 *   { strict: true, docs: [] },
 * );
 * ```
 */
export function checkSchema(
  definitions: readonly CheckedDefinition[],
  pragma: Pragma,
  options: SchemaCheckOptions,
): void {
  const maxSteps = options.maxSteps ?? defaultLimits.maxCheckSteps;
  let steps = 0;
  /** Counts `n` steps of work done for the definition at `position`. */
  const work = (n: number, position: SourcePosition | undefined) => {
    steps += n;
    if (steps > maxSteps) {
      throw QapiError.at(
        position!,
        `checking this schema takes more than ${maxSteps} steps (the reader's limit)`,
      );
    }
  };

  const entities = new Map<string, Entity>();
  const order: Entity[] = [];
  /** Distinct feature names in order of first use, with where they were first used. */
  const featureNames = new Map<string, SourcePosition | undefined>(
    specialFeatures.map((name) => [name, undefined]),
  );

  const define = (entity: Entity) => {
    order.push(entity);
    const other = entities.get(entity.name);
    if (other) {
      if (other.position) {
        throw new QapiError([
          ...QapiError.at(entity.position!, `'${entity.name}' is already defined`).diagnostics,
          ...QapiError.at(other.position, "previous definition").diagnostics,
        ]);
      }
      const what = other.meta === "enum" ? "enum type" : "built-in type";
      throw QapiError.at(entity.position!, `${what} '${entity.name}' is already defined`);
    }
    entities.set(entity.name, entity);
  };
  const makeArray = (element: string, position: SourcePosition | undefined, meta: string) => {
    const name = `${element}List`;
    if (!isType(entities.get(name))) {
      define({ meta: "array", name, elementName: element, userMeta: meta, position, features: [] });
    }
    return name;
  };
  const makeFeatures = (raw: QapiValue | undefined, definedIn: string, position: SourcePosition) =>
    (Array.isArray(raw) ? raw : []).map((value) => {
      const feature = isQapiObject(value) ? value : { name: value };
      const name = feature["name"] as string;
      if (!featureNames.has(name)) featureNames.set(name, position);
      return { name, key: cName(name), if: feature["if"], position, definedIn };
    });
  const makeMembers = (
    data: QapiValue | undefined,
    definedIn: string,
    position: SourcePosition,
    meta: string,
  ): Member[] =>
    Object.entries(isQapiObject(data) ? data : {}).map(([key, value]) => {
      const member = memberObject(value);
      const optional = key.startsWith("*");
      const name = optional ? key.slice(1) : key;
      const type = member["type"] as string | [string]; // An array type names one element type.
      return {
        role: "member",
        name,
        key: cName(name),
        optional,
        typeName: Array.isArray(type) ? makeArray(type[0], position, meta) : type,
        if: member["if"],
        features: makeFeatures(member["features"], name, position),
        definedIn,
        position,
      };
    });
  const makeVariants = (
    data: QapiValue | undefined,
    definedIn: string,
    position: SourcePosition,
    meta: string,
  ) =>
    Object.entries(isQapiObject(data) ? data : {}).map(([name, value]): Member => {
      const variant = memberObject(value);
      const type = variant["type"] as string | [string];
      return {
        role: "branch",
        name,
        key: cName(name),
        optional: false,
        typeName: Array.isArray(type) ? makeArray(type[0], position, meta) : type,
        if: variant["if"],
        features: [],
        definedIn,
        position,
      };
    });
  const makeObject = (
    fields: Omit<ObjectType, "state" | "members" | "implicit" | "features"> & {
      features?: readonly Feature[];
    },
  ): ObjectType => ({
    ...fields,
    features: fields.features ?? [],
    implicit: fields.name.startsWith("q_"),
    state: "unchecked",
    members: [],
  });
  const makeImplicitObject = (
    owner: string,
    role: "arg" | "base",
    members: Member[],
    position: SourcePosition,
  ): string | undefined => {
    if (!members.length) return undefined;
    const name = `q_obj_${owner}-${role}`;
    if (!entities.has(name)) {
      define(makeObject({
        meta: "struct",
        name,
        position,
        local: members.map((m) => ({ ...m, definedIn: name })),
      }));
    }
    return name;
  };

  // The predefined entities.
  for (const name of builtinTypes) {
    const jsonType = name === "str"
      ? "string"
      : name === "number"
      ? "number"
      : name === "bool"
      ? "boolean"
      : name === "null"
      ? "null"
      : name === "any"
      ? "value"
      : "int";
    define({ meta: "built-in", name, jsonType, features: [] });
    makeArray(name, undefined, "built-in");
  }
  define(makeObject({ meta: "struct", name: "q_empty", local: [] }));
  define({
    meta: "enum",
    name: "QType",
    features: [],
    values: qtypeValues.map((name) => ({
      role: "value",
      name,
      key: name,
      optional: false,
      features: [],
      definedIn: "QType",
      position: undefined as unknown as SourcePosition,
    })),
  });

  // Definitions, and the implicit types they imply, in QEMU's order.
  for (const { kind, name, position, expression, doc } of definitions) {
    const features = makeFeatures(expression["features"], name, position);
    switch (kind) {
      case "enum":
        define({
          meta: "enum",
          name,
          position,
          doc,
          features,
          values: (expression["data"] as QapiValue[]).map((raw) => {
            const value = isQapiObject(raw) ? raw : { name: raw };
            const valueName = value["name"] as string;
            return {
              role: "value",
              name: valueName,
              key: cName(valueName),
              optional: false,
              if: value["if"],
              features: makeFeatures(value["features"], valueName, position),
              definedIn: name,
              position,
            };
          }),
        });
        break;
      case "struct":
        define(makeObject({
          meta: "struct",
          name,
          position,
          doc,
          features,
          baseName: expression["base"] as string | undefined,
          local: makeMembers(expression["data"], name, position, kind),
        }));
        break;
      case "union": {
        const base = isQapiObject(expression["base"])
          ? makeImplicitObject(
            name,
            "base",
            makeMembers(expression["base"], name, position, kind),
            position,
          )
          : expression["base"] as string;
        define(makeObject({
          meta: "union",
          name,
          position,
          doc,
          features,
          baseName: base,
          local: [],
          branches: {
            tagName: expression["discriminator"] as string,
            variants: makeVariants(expression["data"], name, position, kind),
          },
        }));
        break;
      }
      case "alternate":
        define({
          meta: "alternate",
          name,
          position,
          doc,
          features,
          variants: makeVariants(expression["data"], name, position, kind),
        });
        break;
      case "command":
      case "event": {
        const data = expression["data"];
        const argName = isQapiObject(data)
          ? makeImplicitObject(name, "arg", makeMembers(data, name, position, kind), position)
          : data as string | undefined;
        const returns = expression["returns"] as string | [string] | undefined;
        const returnName = Array.isArray(returns) ? makeArray(returns[0], position, kind) : returns;
        define({
          meta: kind,
          name,
          position,
          doc,
          features,
          argName,
          returnName,
          boxed: expression["boxed"] === true,
        });
        break;
      }
    }
  }

  // ---------------------------------------------------------------------------
  // Checks.

  const resolve = (name: string, position: SourcePosition, what: string): TypeEntity => {
    const type = entities.get(name);
    if (!isType(type)) throw QapiError.at(position, `${what} uses unknown type '${name}'`);
    return type;
  };
  const resolveMember = (member: Member): TypeEntity =>
    member.type = resolve(
      member.typeName!,
      member.position,
      describeMember(member, member.position),
    );

  /** Adds members to `seen` (keyed by C name); a second one with a C name fails at `at`. */
  const clash = (
    members: readonly (Member | Feature)[],
    seen: Map<string, Member | Feature>,
    at: SourcePosition,
  ) => {
    work(members.length, at);
    for (const member of members) {
      const key = member.key;
      const other = seen.get(key);
      if (other) {
        throw QapiError.at(
          at,
          `${describeMember(member, at)} collides with ${describeMember(other, at)}`,
        );
      }
      seen.set(key, member);
    }
  };

  /** QEMU's checks common to definitions, and to types. */
  const checkDefinition = (entity: Entity) => {
    if (!entity.position) return;
    clash(entity.features, new Map(), entity.position);
    if (isType(entity)) {
      for (const feature of entity.features) {
        if (specialFeatures.includes(feature.name)) {
          throw QapiError.at(
            entity.position,
            `feature '${feature.name}' is not supported for types`,
          );
        }
      }
    }
  };

  const valueNames = (type: EnumType) =>
    type.valueNames ??= new Set(type.values.map((v) => v.name));

  /**
   * Checks one object type. Yields each object type whose check must come
   * first (a base, a branch's type): the driver checks it, or finds that
   * it is being checked, which means an object contains itself.
   */
  function* checkObjectSteps(type: ObjectType): Generator<ObjectType, void, undefined> {
    type.state = "checking";
    checkDefinition(type);
    const at = type.position!;
    const seen = new Map<string, Member | Feature>();
    if (type.baseName !== undefined) {
      const base = resolve(type.baseName, at, "'base'");
      if (base.meta !== "struct" && base.meta !== "union" || base.branches) {
        throw QapiError.at(at, `'base' requires a struct type, ${describeType(base)} isn't`);
      }
      yield base;
      clash(base.members, seen, at);
    }
    for (const member of type.local) {
      resolveMember(member);
      clash(member.features, new Map(), member.position);
      clash([member], seen, at);
    }
    type.members = [...seen.values()] as Member[];
    const branches = type.branches;
    if (!branches) {
      type.state = "checked";
      return;
    }

    const tag = seen.get(cName(branches.tagName)) as Member | undefined;
    if (!tag || tag.name !== branches.tagName) {
      throw QapiError.at(at, `discriminator '${branches.tagName}' is not a member of 'base'`);
    }
    const owner = entities.get(tag.definedIn) as ObjectType;
    const baseText = owner.implicit ? "'base'" : `base type '${tag.definedIn}'`;
    const tagType = tag.type;
    if (tagType?.meta !== "enum") {
      throw QapiError.at(
        at,
        `discriminator member '${branches.tagName}' of ${baseText} must be of enum type`,
      );
    }
    if (tag.optional) {
      throw QapiError.at(
        at,
        `discriminator member '${branches.tagName}' of ${baseText} must not be optional`,
      );
    }
    if (tag.if !== undefined) {
      throw QapiError.at(
        at,
        `discriminator member '${branches.tagName}' of ${baseText} must not be conditional`,
      );
    }
    const values = valueNames(tagType);
    work(values.size + branches.variants.length, at);
    // Values without a branch get an empty one.
    const covered = new Set(branches.variants.map((v) => v.name));
    let implicit = 0;
    for (const value of values) if (!covered.has(value)) implicit++;
    if (branches.variants.length + implicit === 0) throw QapiError.at(at, "union has no branches");
    for (const variant of branches.variants) {
      const variantType = resolveMember(variant);
      if (!values.has(variant.name)) {
        throw QapiError.at(
          at,
          `branch '${variant.name}' is not a value of ${describeType(tagType)}`,
        );
      }
      if (variantType.meta !== "struct" && variantType.meta !== "union") {
        throw QapiError.at(
          at,
          `${describeMember(variant, at)} cannot use ${describeType(variantType)}`,
        );
      }
      yield variantType;
    }
    // No branch's members (a nested union's branches included) may clash
    // with the base's; each branch starts from the base's alone.
    const pending: [ObjectType, Map<string, Member | Feature>][] = [];
    const pushBranches = (of: ObjectType, base: Map<string, Member | Feature>) => {
      for (const variant of [...of.branches!.variants].reverse()) {
        pending.push([variant.type as ObjectType, base]);
      }
    };
    pushBranches(type, seen);
    while (pending.length) {
      const [branchType, base] = pending.pop()!;
      work(base.size, at);
      const branchSeen = new Map(base);
      clash(branchType.members, branchSeen, at);
      if (branchType.branches) pushBranches(branchType, branchSeen);
    }
    type.state = "checked";
  }

  /** Checks an object type and, first, those it depends on, without recursion. */
  const checkObject = (root: ObjectType) => {
    const contains = (type: ObjectType) =>
      QapiError.at(type.position!, `object ${type.name} contains itself`);
    if (root.state === "checked") return;
    if (root.state === "checking") throw contains(root);
    const stack = [checkObjectSteps(root)];
    while (stack.length) {
      const step = stack[stack.length - 1]!.next(); // The stack is not empty.
      if (step.done) {
        stack.pop();
        continue;
      }
      const next = step.value;
      if (next.state === "checked") continue;
      if (next.state === "checking") throw contains(next);
      stack.push(checkObjectSteps(next));
    }
  };

  const checkEnum = (type: EnumType) => {
    checkDefinition(type);
    clash(type.values, new Map(), type.position!);
  };

  const checkAlternate = (type: AlternateType) => {
    checkDefinition(type);
    const at = type.position!;
    for (const variant of type.variants) resolveMember(variant);
    const seen = new Map<string, Member | Feature>();
    const jsonSeen = new Map<string, string>();
    for (const variant of type.variants) {
      clash([variant], seen, at);
      const variantType = variant.type!;
      const json = jsonTypeOf(variantType);
      if (!json) {
        throw QapiError.at(
          at,
          `${describeMember(variant, at)} cannot use ${describeType(variantType)}`,
        );
      }
      const conflicting = new Set([json]);
      if (json === "string") {
        if (variantType.meta === "enum") {
          const looks = variantType.looksLike ??= looksLike(variantType, at);
          if (looks.boolean) conflicting.add("boolean");
          if (looks.number) conflicting.add("number");
        } else {
          conflicting.add("number");
          conflicting.add("boolean");
        }
      }
      for (const json of conflicting) {
        const other = jsonSeen.get(json);
        if (other !== undefined) {
          throw QapiError.at(
            at,
            `${describeMember(variant, at)} can't be distinguished from '${other}'`,
          );
        }
        jsonSeen.set(json, variant.name);
      }
    }
  };
  /** The JSON type of an alternate's branch (QEMU's `alternate_qtype`); none for `any` and alternates. */
  const jsonTypeOf = (type: TypeEntity): string | undefined => {
    switch (type.meta) {
      case "built-in":
        return type.jsonType === "value"
          ? undefined
          : type.jsonType === "int"
          ? "number"
          : type.jsonType;
      case "enum":
        return "string";
      case "array":
        return "array";
      case "struct":
      case "union":
        return "object";
      case "alternate":
        return undefined;
    }
  };
  const looksLike = (type: EnumType, at: SourcePosition) => {
    work(type.values.length, at);
    return {
      boolean: type.values.some((v) => v.name === "on" || v.name === "off"),
      number: type.values.some((v) => /^[-+0-9.]/.test(v.name)),
    };
  };

  const checkCommand = (command: Command) => {
    checkDefinition(command);
    const at = command.position!;
    const what = command.meta;
    if (command.argName !== undefined) {
      const arg = resolve(command.argName, at, `${what}'s 'data'`);
      if (arg.meta !== "struct" && arg.meta !== "union") {
        throw QapiError.at(at, `${what}'s 'data' cannot take ${describeType(arg)}`);
      }
      if (arg.branches && !command.boxed) {
        throw QapiError.at(
          at,
          `${what}'s 'data' can take ${describeType(arg)} only with 'boxed': true`,
        );
      }
      checkObject(arg);
      work(arg.members.length, at);
      if (!command.boxed && arg.members.some((m) => m.if !== undefined)) {
        throw QapiError.at(at, `conditional ${what} arguments require 'boxed': true`);
      }
    }
    if (command.returnName !== undefined) {
      const returns = resolve(command.returnName, at, "command's 'returns'");
      if (!pragma.commandReturnsExceptions.has(command.name)) {
        const element = returns.meta === "array"
          ? entities.get(returns.elementName) as TypeEntity
          : returns;
        if (element.meta !== "struct" && element.meta !== "union") {
          throw QapiError.at(at, `command's 'returns' cannot take ${describeType(returns)}`);
        }
      }
    }
  };

  // Documentation: every member and feature of a documented definition is
  // documented (members unless the definition is a documentation exception).
  const connected = new Set<object>();
  const connectMember = (doc: DefinitionDoc, member: Member) => {
    const description = doc.members.get(member.name);
    if (description) connected.add(description);
    else if (options.strict && !pragma.documentationExceptions.has(doc.symbol!)) {
      throw QapiError.at(member.position, `${member.role} '${member.name}' lacks documentation`);
    }
    for (const feature of member.features) connectFeature(doc, feature);
  };
  const connectFeature = (doc: DefinitionDoc, feature: Feature) => {
    const description = doc.features.get(feature.name);
    if (!description) {
      throw QapiError.at(feature.position, `feature '${feature.name}' lacks documentation`);
    }
    connected.add(description);
  };
  const connectDoc = (entity: Entity) => {
    const doc = entity.doc;
    if (!doc) return;
    for (const feature of entity.features) connectFeature(doc, feature);
    switch (entity.meta) {
      case "enum":
        for (const value of entity.values) connectMember(doc, value);
        break;
      case "struct":
      case "union": {
        const base = entity.baseName === undefined ? undefined : entities.get(entity.baseName);
        if (base?.meta === "struct" && base.implicit) {
          for (const member of base.local) connectMember(doc, member);
        }
        for (const member of entity.local) connectMember(doc, member);
        break;
      }
      case "alternate":
        for (const variant of entity.variants) connectMember(doc, variant);
        break;
      case "command":
      case "event": {
        const arg = entity.argName === undefined ? undefined : entities.get(entity.argName);
        if (arg?.meta === "struct" && arg.implicit) {
          for (const member of arg.local) connectMember(doc, member);
        }
        break;
      }
    }
  };

  for (const entity of order) {
    switch (entity.meta) {
      case "built-in":
        break;
      case "array":
        resolve(entity.elementName, entity.position!, entity.userMeta);
        break;
      case "enum":
        if (entity.position) checkEnum(entity);
        break;
      case "struct":
      case "union":
        checkObject(entity);
        break;
      case "alternate":
        checkAlternate(entity);
        break;
      case "command":
      case "event":
        checkCommand(entity);
        break;
    }
    connectDoc(entity);
  }

  // Everything documented must exist.
  for (const doc of options.docs) {
    for (const [map, what] of [[doc.members, "member"], [doc.features, "feature"]] as const) {
      const bogus = [...map.values()].filter((d) => !connected.has(d));
      const [first] = bogus;
      if (first === undefined) continue;
      throw QapiError.at(
        doc.position.at(first.line),
        `documented ${what}${bogus.length > 1 ? "s" : ""} '${
          bogus.map((d) => d.name).join("', '")
        }' ${bogus.length > 1 ? "do" : "does"} not exist`,
      );
    }
  }

  if (featureNames.size > maxFeatures) {
    throw QapiError.at(
      [...featureNames.values()][maxFeatures]!,
      `Maximum of ${maxFeatures} schema features is permitted`,
    );
  }
}
