/**
 * Members maps (`{ name: "str", size: { type: "int", optional: true } }`) to
 * object types.
 *
 * @module
 */

import type { HasFeature } from "./features.ts";
import type { ResolveRef } from "./resolve.ts";

/** A member's type reference, whether the member is written bare or as an object. */
export type MemberType<member> = member extends { type: infer ref } ? ref : member;

/**
 * The object type of a members map.
 *
 * Two homomorphic mapped types, one for required and one for optional keys,
 * whose `as` clauses only filter (a key maps to itself or to `never`): only
 * then does TypeScript keep each property's declaration, so the generated
 * JSDoc on the literal (`@deprecated`, `Since 6.2.`) shows in hovers and
 * completions. (This is why the literal keys optional members by their bare
 * name rather than QAPI's `*name`.) Member types resolve lazily (a mapped
 * type's property types are computed on access), which is what lets
 * recursive schemas like `BlockdevRef` terminate.
 *
 * @example
 * ```ts
 * import type { Members } from "./members.ts";
 * type Tiny = { types: {} };
 * type Args = Members<Tiny, { device: "str"; force: { type: "bool"; optional: true } }, "in", never>;
 * const args: Args = { device: "ide0" };
 * ```
 */
export type Members<schema, members, direction, rejected> =
  & {
    -readonly [
      name in keyof members as members[name] extends { optional: true } ? never
        : HasFeature<members[name], rejected> extends true ? never
        : name
    ]: ResolveRef<schema, MemberType<members[name]>, direction, rejected>;
  }
  & {
    -readonly [
      name in keyof members as members[name] extends { optional: true }
        ? (HasFeature<members[name], rejected> extends true ? never : name)
        : never
    ]?: ResolveRef<schema, MemberType<members[name]>, direction, rejected>;
  };

/**
 * The type reference of a member, looked up by name through a struct and its
 * bases (a union's discriminator may live in a base's base).
 *
 * @example
 * ```ts
 * import type { FindMember } from "./members.ts";
 * type Schema = { types: { B: { kind: "struct"; data: { driver: "Driver" } } } };
 * const ref: FindMember<Schema, "B", "driver"> = "Driver";
 * ```
 */
export type FindMember<schema, base, name extends string> = base extends string
  ? FindMember<schema, TypesOf<schema>[base & keyof TypesOf<schema>], name>
  : base extends { kind: "struct"; data: infer data; base?: infer parent }
    ? (name extends keyof data ? MemberType<data[name]>
      : parent extends string
        ? FindMember<schema, TypesOf<schema>[parent & keyof TypesOf<schema>], name>
      : never)
  // An inline base is a members map itself.
  : name extends keyof base ? MemberType<base[name]>
  : never;

/** The `types` map of a schema. */
export type TypesOf<schema> = schema extends { types: infer types } ? types : never;
