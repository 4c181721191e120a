/**
 * Members maps: where a struct's, a union's or a command's members are found
 * in the literal, before any of them is resolved.
 *
 * Everything here works on the literal's own types (no mapping, no
 * resolution): a struct's members including its bases' are the intersection
 * of the raw maps along the base chain, and one homomorphic mapped type over
 * that intersection (see `objects.ts`) resolves them all at once. Resolving
 * each base separately and intersecting the results, as an earlier version
 * did, built two filtered mapped types per struct and made every
 * assignability check walk an intersection.
 *
 * @module
 */

/**
 * The `types` map of a schema.
 *
 * @example
 * ```ts
 * import type { TypesOf } from "./members.ts";
 * const types: keyof TypesOf<{ types: { A: { kind: "enum"; data: readonly ["x"] } } }> = "A";
 * ```
 */
export type TypesOf<schema> = schema extends { types: infer types } ? types : never;

/**
 * The definition of a named type.
 *
 * @example
 * ```ts
 * import type { DefinitionOf } from "./members.ts";
 * type Schema = { types: { A: { kind: "enum"; data: readonly ["x"] } } };
 * const kind: DefinitionOf<Schema, "A">["kind"] = "enum";
 * ```
 */
// Not `TypesOf<schema>[name & keyof TypesOf<schema>]`: the checker computes
// `keyof` of a map anew at every instantiation that contains it (711 names
// for QMP 10.2, hundreds of times a script) and intersects the name with each
// of them. A conditional on `TypeNames` (computed once per schema) tests the
// name against the cached union instead. Not distributive, so a type
// parameter's constraint is not expanded name by name. Anything but a type
// name (a builtin, `string`) has no definition: `unknown`, which matches no
// definition's shape (`never` would match every one, and `StructMembers`
// would then recurse on its inferred `base` forever).
export type DefinitionOf<schema, name> = [name] extends [TypeNames<schema>] ? TypesOf<schema>[name]
  : unknown;

/**
 * The names of a schema's types. A conditional type, so the checker caches it
 * per schema: a `keyof` written out is recomputed wherever it is
 * instantiated.
 *
 * @example
 * ```ts
 * import type { TypeNames } from "./members.ts";
 * const name: TypeNames<{ types: { A: { kind: "enum"; data: readonly ["x"] } } }> = "A";
 * ```
 *
 * @internal
 */
export type TypeNames<schema> = schema extends { types: infer types } ? keyof types : never;

/**
 * A member's type reference, whether the member is written bare or as an
 * object (an optional member's `undefined` maps to `undefined`, which
 * resolves to nothing).
 *
 * @example
 * ```ts
 * import type { MemberType } from "./members.ts";
 * const ref: MemberType<{ type: "str"; optional: true }> = "str";
 * ```
 *
 * @internal
 */
export type MemberType<member> = member extends { type: infer ref } ? ref : member;

/**
 * A struct's members with its bases' (the raw maps, intersected).
 *
 * @example
 * ```ts
 * import type { StructMembers } from "./members.ts";
 * type Schema = {
 *   types: {
 *     Base: { kind: "struct"; data: { id: "str" } };
 *     S: { kind: "struct"; base: "Base"; data: { size: "int" } };
 *   };
 * };
 * const members: keyof StructMembers<Schema, "S"> = "id";
 * ```
 *
 * @internal
 */
export type StructMembers<schema, name> = DefinitionOf<schema, name> extends
  { data: infer data; base: infer base } ? data & StructMembers<schema, base>
  : DefinitionOf<schema, name> extends { data: infer data } ? data
  : unknown;

/**
 * A union's base members: a named struct's (with its bases'), or the inline
 * map.
 *
 * @example
 * ```ts
 * import type { UnionBaseMembers } from "./members.ts";
 * type Schema = {
 *   types: {
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: {} };
 *   };
 * };
 * const member: keyof UnionBaseMembers<Schema, "U"> = "driver";
 * ```
 */
export type UnionBaseMembers<schema, union> = DefinitionOf<schema, union> extends
  { base: infer base } ? (base extends string ? StructMembers<schema, base> : base)
  : unknown;

/**
 * A union branch's members: the branch struct's (with its bases'), or none
 * for a discriminator value without a branch or a branch that is a union
 * (`BranchUnion`).
 *
 * @example
 * ```ts
 * import type { BranchMembers } from "./members.ts";
 * type Schema = {
 *   types: {
 *     F: { kind: "struct"; data: { filename: "str" } };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: { file: "F" } };
 *   };
 * };
 * const member: keyof BranchMembers<Schema, "U", "file"> = "filename";
 * ```
 */
export type BranchMembers<schema, union, value> = DefinitionOf<schema, union> extends
  { data: infer branches }
  ? value extends keyof branches
    ? (DefinitionOf<schema, MemberType<branches[value]>> extends { kind: "struct" }
      ? StructMembers<schema, MemberType<branches[value]>>
      : unknown)
  : unknown
  : unknown;

/**
 * The name of a union branch's type when it is itself a union (QMP 10.0's
 * `MigrationAddress` takes a `SocketAddress` under `socket`: the variant is
 * the base's members and one of `SocketAddress`'s variants), otherwise
 * `never`.
 *
 * @example
 * ```ts
 * import type { BranchUnion } from "./members.ts";
 * type Schema = {
 *   types: {
 *     S: { kind: "union"; base: { type: "T" }; discriminator: "type"; data: {} };
 *     U: { kind: "union"; base: { transport: "D" }; discriminator: "transport"; data: { socket: "S" } };
 *   };
 * };
 * const name: BranchUnion<Schema, "U", "socket"> = "S";
 * ```
 *
 * @internal
 */
export type BranchUnion<schema, union, value> = DefinitionOf<schema, union> extends
  { data: infer branches }
  ? value extends keyof branches
    ? (DefinitionOf<schema, MemberType<branches[value]>> extends { kind: "union" }
      ? MemberType<branches[value]>
      : never)
  : never
  : never;

/**
 * Whether some branch of a union is itself a union. Computed once per union;
 * `false` at once for a union whose literal declares `variants` (the
 * vendored schemas declare them only where every branch is a struct).
 *
 * @example
 * ```ts
 * import type { HasUnionBranch } from "./members.ts";
 * type Schema = {
 *   types: {
 *     S: { kind: "union"; base: { type: "T" }; discriminator: "type"; data: {} };
 *     U: { kind: "union"; base: { transport: "D" }; discriminator: "transport"; data: { socket: "S" } };
 *   };
 * };
 * const nested: HasUnionBranch<Schema, "U"> = true;
 * ```
 *
 * @internal
 */
export type HasUnionBranch<schema, union> = DefinitionOf<schema, union> extends
  { variants?: infer _ extends object } ? false
  : DefinitionOf<schema, union> extends { data: infer branches } ? (
      true extends {
        [value in keyof branches]: DefinitionOf<schema, MemberType<branches[value]>> extends
          { kind: "union" } ? true
          : false;
      }[keyof branches] ? true
        : false
    )
  : false;

/**
 * All members of one variant of a union: the base's and the branch's. Read
 * from the union's `variants` where the literal declares it (vendored
 * schemas do): one indexed access per variant. A literal without it gets the
 * base's and the branch's maps found through their definitions (the union's
 * base chain, the branch's kind and its base chain), conditional types the
 * checker evaluates for every variant anew.
 *
 * @example
 * ```ts
 * import type { VariantMembers } from "./members.ts";
 * type Schema = {
 *   types: {
 *     F: { kind: "struct"; data: { filename: "str" } };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: { file: "F" } };
 *   };
 * };
 * const member: keyof VariantMembers<Schema, "U", "file"> = "driver";
 * ```
 *
 * @internal
 */
export type VariantMembers<schema, union, value> = DefinitionOf<schema, union> extends
  { variants?: infer variants extends object } ? variants[value & keyof variants]
  : UnionBaseMembers<schema, union> & BranchMembers<schema, union, value>;

/**
 * The discriminator's name of a union.
 *
 * @example
 * ```ts
 * import type { DiscriminatorOf } from "./members.ts";
 * type Schema = {
 *   types: { U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: {} } };
 * };
 * const name: DiscriminatorOf<Schema, "U"> = "driver";
 * ```
 *
 * @internal
 */
export type DiscriminatorOf<schema, union> = DefinitionOf<schema, union> extends
  { discriminator: infer discriminator extends string } ? discriminator : never;

/**
 * Every value of a union's discriminator: the values of the enum its base
 * declares for the discriminator member (values without a branch included).
 *
 * @example
 * ```ts
 * import type { DiscriminatorValues } from "./members.ts";
 * type Schema = {
 *   types: {
 *     D: { kind: "enum"; data: readonly ["file", "null-co"] };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: {} };
 *   };
 * };
 * const value: DiscriminatorValues<Schema, "U"> = "null-co";
 * ```
 *
 * @internal
 */
// The keys of `variants` where the literal declares it: no lookup of the
// base's discriminator member and its enum.
export type DiscriminatorValues<schema, union> = DefinitionOf<schema, union> extends
  { variants?: infer variants extends object } ? keyof variants
  : EnumValues<
    schema,
    MemberType<
      UnionBaseMembers<schema, union>[
        DiscriminatorOf<schema, union> & keyof UnionBaseMembers<schema, union>
      ]
    >
  >;

/**
 * The values of an enum, by the enum's name.
 *
 * @example
 * ```ts
 * import type { EnumValues } from "./members.ts";
 * type Schema = { types: { D: { kind: "enum"; data: readonly ["a", "b"] } } };
 * const value: EnumValues<Schema, "D"> = "b";
 * ```
 *
 * @internal
 */
export type EnumValues<schema, name> = DefinitionOf<schema, name> extends
  { data: readonly (infer value extends string)[] } ? value : never;
