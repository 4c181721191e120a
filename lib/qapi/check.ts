/**
 * Whole-schema checks: every referenced type exists and is of a kind the
 * reference allows, no two definitions or members clash, unions and
 * alternates are well formed. Messages and positions follow QEMU's.
 *
 * @module
 */

import type { Condition, Member, Members, TypeRef } from "../schema/literal.ts";
import { QapiError, type SourcePosition } from "./errors.ts";
import { cName, type Pragma } from "./expressions.ts";

/** The builtin scalar types QAPI predefines. */
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

/** The builtin enum `QType`'s values. */
export const qtypeValues: readonly string[] = [
  "none",
  "qnull",
  "qnum",
  "qstring",
  "qdict",
  "qlist",
  "qbool",
];

/** A definition as the checker sees it: normalised shape, kind, position. */
export interface CheckedDefinition {
  readonly kind: "enum" | "struct" | "union" | "alternate" | "command" | "event";
  readonly name: string;
  readonly position: SourcePosition;
  readonly definition: LooseDefinition;
}

/** The normalised definition of any kind, read by key. */
interface LooseDefinition {
  readonly base?: string | Members;
  // Members for structs and arguments, branches for unions and alternates, values for enums.
  readonly data?: string | Members | readonly string[];
  readonly discriminator?: string;
  readonly boxed?: true;
  readonly returns?: TypeRef;
  readonly features?: readonly (string | { readonly name: string })[];
}

interface MemberInfo {
  readonly name: string;
  readonly optional: boolean;
  readonly type: TypeRef;
  readonly if?: Condition;
  /** The type that defines it, for messages ("of type 'Base'"). */
  readonly definedIn: string;
  readonly role: string;
}

const isMemberObject = (m: Member): m is Exclude<Member, TypeRef> =>
  typeof m === "object" && !Array.isArray(m);
const typeOf = (m: Member): TypeRef => (isMemberObject(m) ? m.type : m);
const conditionOf = (m: Member): Condition | undefined => (isMemberObject(m) ? m.if : undefined);

/**
 * Checks a whole schema's definitions, in definition order. Throws `QapiError`
 * at the first problem.
 *
 * @example
 * ```ts
 * import { checkSchema } from "./check.ts";
 * checkSchema([], { docRequired: false, commandNameExceptions: new Set(),
 *   commandReturnsExceptions: new Set(), documentationExceptions: new Set(),
 *   memberNameExceptions: new Set() });
 * ```
 */
export function checkSchema(definitions: readonly CheckedDefinition[], pragma: Pragma): void {
  const entities = new Map<string, CheckedDefinition | "builtin">();
  for (const name of builtinTypes) entities.set(name, "builtin");
  entities.set("QType", "builtin");
  for (const def of definitions) {
    const previous = entities.get(def.name);
    if (previous === "builtin") {
      const kind = def.name === "QType" ? "enum type" : "built-in type";
      throw QapiError.at(def.position, `${kind} '${def.name}' is already defined`);
    }
    if (previous) {
      throw new QapiError([
        ...QapiError.at(def.position, `'${def.name}' is already defined`).diagnostics,
        ...QapiError.at(previous.position.at(previous.position.line), "previous definition")
          .diagnostics,
      ]);
    }
    entities.set(def.name, def);
  }

  const describe = (name: string): string => {
    const entity = entities.get(name);
    if (entity === "builtin") {
      return name === "QType" ? `enum type 'QType'` : `built-in type '${name}'`;
    }
    if (!entity) return `type '${name}'`;
    return `${entity.kind} type '${name}'`;
  };
  const describeRef = (ref: TypeRef): string =>
    Array.isArray(ref) ? `array type ['${ref[0]}']` : describe(ref as string);

  /** The definition a reference names, or a failure naming the reference's role. */
  const resolve = (ref: TypeRef, position: SourcePosition, what: string): void => {
    const name = Array.isArray(ref) ? ref[0] : ref as string;
    if (!entities.has(name)) throw QapiError.at(position, `${what} uses unknown type '${name}'`);
    const entity = entities.get(name);
    if (entity !== "builtin" && (entity!.kind === "command" || entity!.kind === "event")) {
      throw QapiError.at(position, `${what} uses unknown type '${name}'`);
    }
  };
  const kindOf = (name: string) => {
    const entity = entities.get(name);
    return entity === "builtin" ? (name === "QType" ? "enum" : "builtin") : entity?.kind;
  };

  const describeMember = (member: MemberInfo, inDefinition: string): string =>
    member.definedIn === inDefinition
      ? `${member.role} '${member.name}'`
      : `${member.role} '${member.name}' of type '${member.definedIn}'`;
  const checkClash = (
    members: readonly MemberInfo[],
    seen: Map<string, MemberInfo>,
    position: SourcePosition,
    inDefinition: string,
  ): void => {
    for (const member of members) {
      const key = cName(member.name);
      const other = seen.get(key);
      if (other) {
        throw QapiError.at(
          position,
          `${describeMember(member, inDefinition)} collides with ${
            describeMember(other, inDefinition)
          }`,
        );
      }
      seen.set(key, member);
    }
  };

  const membersOf = (members: Members, definedIn: string, role: string): MemberInfo[] =>
    Object.entries(members).map(([name, member]) => ({
      name,
      optional: isMemberObject(member) && member.optional === true,
      type: typeOf(member),
      if: conditionOf(member),
      definedIn,
      role,
    }));

  /** All members of a struct, base first; detects base cycles. */
  const structMembers = (name: string, visiting: Set<string>): MemberInfo[] => {
    const def = entities.get(name) as CheckedDefinition;
    if (visiting.has(name)) throw QapiError.at(def.position, `object ${name} contains itself`);
    visiting.add(name);
    const base = def.definition.base as string | undefined; // a struct's base is a name
    const inherited = base && kindOf(base) === "struct" ? structMembers(base, visiting) : [];
    visiting.delete(name);
    return [...inherited, ...membersOf(def.definition.data as Members, name, "member")];
  };

  /** The members every value of a union has: its base's. */
  const unionBaseMembers = (name: string): MemberInfo[] => {
    const def = entities.get(name) as CheckedDefinition;
    const base = def.definition.base as string | Members;
    return typeof base === "string"
      ? (kindOf(base) === "struct" ? structMembers(base, new Set()) : [])
      : membersOf(base, name, "base member");
  };

  const checkMemberTypes = (
    members: readonly MemberInfo[],
    position: SourcePosition,
    own: string,
  ) => {
    for (const member of members) {
      if (member.definedIn !== own) continue;
      resolve(member.type, position, describeMember(member, own));
    }
  };

  const checkStruct = (def: CheckedDefinition) => {
    const base = def.definition.base as string | undefined; // a struct's base is a name
    if (base !== undefined) {
      resolve(base, def.position, "'base'");
      if (kindOf(base) !== "struct") {
        throw QapiError.at(def.position, `'base' requires a struct type, ${describe(base)} isn't`);
      }
    }
    const members = structMembers(def.name, new Set());
    checkMemberTypes(members, def.position, def.name);
    checkClash(members, new Map(), def.position, def.name);
    return members;
  };

  const checkUnion = (def: CheckedDefinition) => {
    const position = def.position;
    const rawBase = def.definition.base as string | Members;
    let baseMembers: MemberInfo[];
    let baseDescription = "'base'";
    if (typeof rawBase === "string") {
      resolve(rawBase, position, "'base'");
      if (kindOf(rawBase) !== "struct") {
        throw QapiError.at(position, `'base' requires a struct type, ${describe(rawBase)} isn't`);
      }
      baseMembers = structMembers(rawBase, new Set());
    } else {
      baseMembers = membersOf(rawBase, def.name, "base member");
      checkMemberTypes(baseMembers, position, def.name);
    }
    const seen = new Map<string, MemberInfo>();
    checkClash(baseMembers, seen, position, def.name);
    const discriminator = def.definition.discriminator!;
    const tag = seen.get(cName(discriminator));
    if (!tag || tag.name !== discriminator) {
      throw QapiError.at(position, `discriminator '${discriminator}' is not a member of 'base'`);
    }
    if (tag.definedIn !== def.name) baseDescription = `base type '${tag.definedIn}'`;
    const tagType = typeof tag.type === "string" ? tag.type : undefined;
    if (!tagType || kindOf(tagType) !== "enum") {
      throw QapiError.at(
        position,
        `discriminator member '${discriminator}' of ${baseDescription} must be of enum type`,
      );
    }
    if (tag.optional) {
      throw QapiError.at(
        position,
        `discriminator member '${discriminator}' of ${baseDescription} must not be optional`,
      );
    }
    if (tag.if !== undefined) {
      throw QapiError.at(
        position,
        `discriminator member '${discriminator}' of ${baseDescription} must not be conditional`,
      );
    }
    const enumValues: readonly string[] = tagType === "QType"
      ? [...qtypeValues]
      : (entities.get(tagType) as CheckedDefinition).definition.data as readonly string[];
    const branches = Object.entries(def.definition.data as Record<string, Member>);
    if (branches.length === 0 && enumValues.length === 0) {
      throw QapiError.at(position, "union has no branches");
    }
    for (const [value, branch] of branches) {
      const type = typeOf(branch);
      resolve(type, position, `branch '${value}'`);
      if (!enumValues.includes(value)) {
        throw QapiError.at(position, `branch '${value}' is not a value of ${describe(tagType)}`);
      }
      // A branch is a struct, or (QEMU 9+) a nested union whose base members
      // then join this union's.
      const branchKind = Array.isArray(type) ? "array" : kindOf(type as string);
      if (branchKind !== "struct" && branchKind !== "union") {
        throw QapiError.at(position, `branch '${value}' cannot use ${describeRef(type)}`);
      }
      const members = branchKind === "struct"
        ? structMembers(type as string, new Set())
        : unionBaseMembers(type as string);
      checkClash(members, new Map(seen), position, def.name);
    }
    return baseMembers;
  };

  const checkAlternate = (def: CheckedDefinition) => {
    const seenTypes = new Map<string, string>();
    for (const [name, branch] of Object.entries(def.definition.data as Record<string, Member>)) {
      const type = typeOf(branch);
      resolve(type, def.position, `branch '${name}'`);
      const jsonType = alternateJsonType(type);
      if (!jsonType) {
        throw QapiError.at(def.position, `branch '${name}' cannot use ${describeRef(type)}`);
      }
      const conflicting = new Set([jsonType]);
      if (jsonType === "string") {
        const entity = entities.get(type as string);
        if (entity && entity !== "builtin" && entity.kind === "enum") {
          for (const value of entity.definition.data as string[]) {
            if (value === "on" || value === "off") conflicting.add("boolean");
            if (/^[-+0-9.]/.test(value)) conflicting.add("number");
          }
        } else {
          // A string may arrive from the command line as a number or boolean.
          conflicting.add("number");
          conflicting.add("boolean");
        }
      }
      for (const jsonKind of conflicting) {
        const other = seenTypes.get(jsonKind);
        if (other) {
          throw QapiError.at(
            def.position,
            `branch '${name}' can't be distinguished from '${other}'`,
          );
        }
        seenTypes.set(jsonKind, name);
      }
    }
  };
  /** The JSON type an alternate branch arrives as, or undefined if not allowed. */
  const alternateJsonType = (type: TypeRef): string | undefined => {
    if (Array.isArray(type)) return "array";
    const kind = kindOf(type as string);
    if (kind === "enum") return "string";
    if (kind === "struct" || kind === "union") return "object";
    if (kind !== "builtin") return undefined;
    if (type === "str") return "string";
    if (type === "bool") return "boolean";
    if (type === "null") return "null";
    if (type === "any") return undefined;
    return "number";
  };

  const checkArguments = (def: CheckedDefinition, what: string) => {
    const data = def.definition.data as string | Members | undefined;
    if (data === undefined) return;
    const boxed = def.definition.boxed === true;
    if (typeof data === "string") {
      resolve(data, def.position, `${what}'s 'data'`);
      const kind = kindOf(data);
      if (kind !== "struct" && kind !== "union") {
        throw QapiError.at(def.position, `${what}'s 'data' cannot take ${describe(data)}`);
      }
      if (kind === "union" && !boxed) {
        throw QapiError.at(
          def.position,
          `${what}'s 'data' can take ${describe(data)} only with 'boxed': true`,
        );
      }
      if (kind === "struct" && !boxed) {
        const members = structMembers(data, new Set());
        if (members.some((m) => m.if !== undefined)) conditionalUnboxed(def, what);
      }
      return;
    }
    const members = membersOf(data, def.name, "parameter");
    for (const member of members) {
      resolve(member.type, def.position, `parameter '${member.name}'`);
    }
    checkClash(members, new Map(), def.position, def.name);
    if (members.some((m) => m.if !== undefined) && !boxed) conditionalUnboxed(def, what);
  };
  const conditionalUnboxed = (def: CheckedDefinition, what: string): never => {
    throw QapiError.at(
      def.position,
      what === "command"
        ? "conditional command arguments require 'boxed': true"
        : "event's 'data' members may have 'if' conditions only with 'boxed': true",
    );
  };

  const checkFeatures = (def: CheckedDefinition) => {
    const features = (def.definition.features ?? []) as (string | { name: string })[];
    const seen = new Set<string>();
    for (const feature of features) {
      const name = typeof feature === "string" ? feature : feature.name;
      if (seen.has(cName(name))) {
        throw QapiError.at(def.position, `feature '${name}' collides with feature '${name}'`);
      }
      seen.add(cName(name));
      if (
        (name === "deprecated" || name === "unstable") &&
        def.kind !== "command" && def.kind !== "event"
      ) {
        throw QapiError.at(def.position, `feature '${name}' is not supported for types`);
      }
    }
  };

  for (const def of definitions) {
    checkFeatures(def);
    switch (def.kind) {
      case "enum": {
        const seen = new Map<string, string>();
        for (const value of def.definition.data as string[]) {
          const key = cName(value).toLowerCase();
          if (seen.has(key)) {
            throw QapiError.at(
              def.position,
              `value '${value}' collides with value '${seen.get(key)}'`,
            );
          }
          seen.set(key, value);
        }
        break;
      }
      case "struct":
        checkStruct(def);
        break;
      case "union":
        checkUnion(def);
        break;
      case "alternate":
        checkAlternate(def);
        break;
      case "command": {
        checkArguments(def, "command");
        const returns = def.definition.returns as TypeRef | undefined;
        if (returns !== undefined) {
          resolve(returns, def.position, "command's 'returns'");
          if (!pragma.commandReturnsExceptions.has(def.name)) {
            const element = Array.isArray(returns) ? returns[0] : returns as string;
            const kind = kindOf(element);
            if (kind !== "struct" && kind !== "union") {
              throw QapiError.at(
                def.position,
                `command's 'returns' cannot take ${describeRef(returns)}`,
              );
            }
          }
        }
        break;
      }
      case "event":
        checkArguments(def, "event");
        break;
    }
  }
}
