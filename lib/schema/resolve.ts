/**
 * From a type reference to a TypeScript type: builtins, enums, structs,
 * flat unions, alternates and arrays, in either direction.
 *
 * Direction `"in"` is what a client sends: closed (exact enums, exact
 * members). Direction `"out"` is what a server returns: open (enums also
 * accept values a newer QEMU may add, while keeping completions for the known
 * ones; unknown members are tolerated by structural typing anyway).
 *
 * Every lookup is an index access on a name-keyed map, never a search through
 * a union: `TypesOf<schema>[name]` is O(1) where `Extract<…, { name }>` would
 * be O(n) per lookup. Each named type is an instantiation of `Resolve` keyed
 * by (schema, name, direction, rejected features), so TypeScript caches it
 * once per name.
 *
 * @module
 */

import type { Builtins } from "./builtins.ts";
import type { FindMember, Members, MemberType, TypesOf } from "./members.ts";

/**
 * The TypeScript type of a type reference (`"str"`, `"BlockInfo"`,
 * `["BlockInfo"]`).
 *
 * @example
 * ```ts
 * import type { ResolveRef } from "./resolve.ts";
 * type Schema = { types: { Mode: { kind: "enum"; data: readonly ["a", "b"] } } };
 * const modes: ResolveRef<Schema, readonly ["Mode"], "in", never> = ["a", "b"];
 * ```
 */
export type ResolveRef<schema, ref, direction, rejected> = ref extends readonly [infer element]
  // Readonly arrays accept mutable ones too, so one array type serves both directions.
  ? readonly ResolveRef<schema, element, direction, rejected>[]
  // 64-bit integers may be sent as bigint, so values beyond 2^53 go out exactly.
  : ref extends WideIntegers ? (direction extends "in" ? number | bigint : number)
  : ref extends keyof Builtins ? Builtins[ref]
  : ref extends string ? Resolve<schema, ref, direction, rejected>
  : never;

/** The integer types whose values can exceed 2^53. */
type WideIntegers = "int" | "int64" | "uint64" | "size";

/**
 * The TypeScript type of a named type of the schema.
 *
 * @example
 * ```ts
 * import type { Resolve } from "./resolve.ts";
 * type Schema = { types: { S: { kind: "struct"; data: { x: { type: "int"; optional: true } } } } };
 * const value: Resolve<Schema, "S", "out", never> = {};
 * ```
 */
export type Resolve<schema, name extends string, direction, rejected> = Definition<
  schema,
  TypesOf<schema>[name & keyof TypesOf<schema>],
  direction,
  rejected
>;

/** Dispatches on the definition's kind. */
type Definition<schema, definition, direction, rejected> = definition extends
  { kind: "enum"; data: readonly (infer value)[] }
  ? (direction extends "out" ? value | (string & Record<never, never>) : value)
  : definition extends { kind: "struct" } ? Struct<schema, definition, direction, rejected>
  : definition extends { kind: "union" } ? Union<schema, definition, direction, rejected>
  : definition extends { kind: "alternate"; data: infer branches } ? {
      [branch in keyof branches]: ResolveRef<
        schema,
        MemberType<branches[branch]>,
        direction,
        rejected
      >;
    }[
      keyof branches
    ]
  : never;

/** A struct: its base's members (recursively), then its own. */
type Struct<schema, definition, direction, rejected> = definition extends
  { data: infer data; base: infer base extends string }
  ? Members<schema, data, direction, rejected> & Resolve<schema, base, direction, rejected>
  : definition extends { data: infer data } ? Members<schema, data, direction, rejected>
  : never;

/** A union's base members: a named struct's, or the inline members'. */
type UnionBase<schema, base, direction, rejected> = base extends string
  ? Resolve<schema, base, direction, rejected>
  : Members<schema, base, direction, rejected>;

/**
 * A flat union, as a discriminated union over every value of the
 * discriminator's enum:
 * 1. the discriminator's enum values, found through the base (and its bases);
 * 2. for each value, the base without the discriminator, the discriminator
 *    narrowed to that value, and the branch's members (none for values
 *    without a branch);
 * 3. indexed by all values, giving the union.
 */
type Union<schema, definition, direction, rejected> = definition extends {
  base: infer base;
  discriminator: infer discriminator extends string;
  data: infer branches;
} ? {
    [value in EnumValues<schema, FindMember<schema, base, discriminator>>]:
      & { -readonly [key in discriminator]: value }
      & Omit<UnionBase<schema, base, direction, rejected>, discriminator>
      & (value extends keyof branches
        ? ResolveRef<schema, MemberType<branches[value]>, direction, rejected>
        : unknown);
  }[EnumValues<schema, FindMember<schema, base, discriminator>>]
  : never;

/** The values of an enum type, by name (`QType` included). */
type EnumValues<schema, name> = name extends string
  ? TypesOf<schema>[name & keyof TypesOf<schema>] extends
    { data: readonly (infer value extends string)[] } ? value
  : never
  : never;
