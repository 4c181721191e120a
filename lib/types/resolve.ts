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
 * a union. Each named type resolves through an alias keyed by (schema, name,
 * direction, rejected features), so TypeScript caches it once per name, and
 * the objects are aliases whose arguments are names (`Input<Qmp10_2,
 * "BlockdevOptionsFile">`): that is what errors and hovers print.
 *
 * @module
 */

import type { Builtins } from "./builtins.ts";
import type {
  BranchUnion,
  DefinitionOf,
  DiscriminatorValues,
  EnumValues,
  HasUnionBranch,
  MemberType,
} from "./members.ts";
import type { Input, InputVariant, Output, OutputVariant, Restricted } from "./objects.ts";
import type { RestrictedVariant } from "./objects.ts";

/**
 * The TypeScript type of a type reference (`"str"`, `"BlockInfo"`,
 * `["BlockInfo"]`). `rejected` names the features (`"deprecated"`,
 * `"unstable"`) whose members an input refuses.
 *
 * @example
 * ```ts
 * import type { ResolveRef } from "./resolve.ts";
 * type Schema = { types: { Mode: { kind: "enum"; data: readonly ["a", "b"] } } };
 * const modes: ResolveRef<Schema, readonly ["Mode"], "in", never> = ["a", "b"];
 * ```
 *
 * @internal
 */
export type ResolveRef<schema, ref, direction, rejected> = ref extends string
  ? (ref extends keyof Builtins ? Builtins[ref] : Resolve<schema, ref, direction, rejected>)
  // Readonly arrays accept mutable ones too, so one array type serves both directions.
  : ref extends readonly [infer element]
    ? readonly ResolveRef<schema, element, direction, rejected>[]
  : never;

/**
 * The TypeScript type of a named type of the schema.
 *
 * @example
 * ```ts
 * import type { Resolve } from "./resolve.ts";
 * type Schema = { types: { S: { kind: "struct"; data: { x?: { type: "int"; optional: true } } } } };
 * const value: Resolve<Schema, "S", "out", never> = {};
 * ```
 *
 * @internal
 */
export type Resolve<schema, name, direction, rejected> = DefinitionOf<schema, name> extends
  { kind: infer kind } ? (
    kind extends "enum" ? EnumType<schema, name, direction>
      : kind extends "struct" ? StructType<schema, name, direction, rejected>
      : kind extends "union" ? UnionType<schema, name, direction, rejected>
      : kind extends "alternate" ? AlternateType<schema, name, direction, rejected>
      : never
  )
  : never;

/** An enum: its values; from the server, also values a newer QEMU may add. */
type EnumType<schema, name, direction> = direction extends "out"
  ? EnumValues<schema, name> | (string & Record<never, never>)
  : InputEnum<schema, name>;

/**
 * An enum's values, as a client sends them. An intersection with `string`
 * (which changes nothing) keeps the alias on the resolved union, so an error
 * reads `… not assignable to type 'InputEnum<Qmp10_2, "BlockdevDiscardOptions">'`.
 *
 * @example
 * ```ts
 * import type { InputEnum } from "./resolve.ts";
 * type Schema = { types: { Mode: { kind: "enum"; data: readonly ["a", "b"] } } };
 * const mode: InputEnum<Schema, "Mode"> = "b";
 * ```
 */
export type InputEnum<schema, name> = EnumValues<schema, name> & string;

/** A struct, through the alias of its direction (what errors and hovers name). */
type StructType<schema, name, direction, rejected> = direction extends "out" ? Output<schema, name>
  : [rejected] extends [never] ? Input<schema, name>
  : Restricted<schema, name, rejected>;

/**
 * A flat union, as a discriminated union over every value of the
 * discriminator's enum (values without a branch get the base alone). Each
 * variant is one object (`objects.ts`), not an intersection of the base,
 * the narrowed discriminator and the branch. One alias per direction, so
 * errors print `InputUnion<Qmp10_2, "BlockdevOptions">`.
 */
type UnionType<schema, name, direction, rejected> = direction extends "out"
  ? OutputUnion<schema, name>
  : [rejected] extends [never] ? InputUnion<schema, name>
  : RestrictedUnion<schema, name, rejected>;

/**
 * A flat union as a client sends it.
 *
 * @example
 * ```ts
 * import type { InputUnion } from "./resolve.ts";
 * type Schema = {
 *   types: {
 *     D: { kind: "enum"; data: readonly ["file", "null-co"] };
 *     F: { kind: "struct"; data: { filename: "str" } };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: { file: "F" } };
 *   };
 * };
 * const value: InputUnion<Schema, "U"> = { driver: "null-co" };
 * ```
 */
export type InputUnion<schema, name> = HasUnionBranch<schema, name> extends false ? {
    [value in DiscriminatorValues<schema, name>]: InputVariant<schema, name, value>;
  }[DiscriminatorValues<schema, name>]
  : {
    [value in DiscriminatorValues<schema, name>]:
      & InputVariant<schema, name, value>
      & NestedUnion<schema, name, value, "in", never>;
  }[DiscriminatorValues<schema, name>];

/**
 * A flat union as a server returns it.
 *
 * @example
 * ```ts
 * import type { OutputUnion } from "./resolve.ts";
 * type Schema = {
 *   types: {
 *     D: { kind: "enum"; data: readonly ["file", "null-co"] };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: {} };
 *   };
 * };
 * const value: OutputUnion<Schema, "U"> = { driver: "file" };
 * ```
 */
export type OutputUnion<schema, name> = HasUnionBranch<schema, name> extends false ? {
    [value in DiscriminatorValues<schema, name>]: OutputVariant<schema, name, value>;
  }[DiscriminatorValues<schema, name>]
  : {
    [value in DiscriminatorValues<schema, name>]:
      & OutputVariant<schema, name, value>
      & NestedUnion<schema, name, value, "out", never>;
  }[DiscriminatorValues<schema, name>];

/**
 * A flat union as a client sends it under a compat policy.
 *
 * @example
 * ```ts
 * import type { RestrictedUnion } from "./resolve.ts";
 * type Schema = {
 *   types: {
 *     D: { kind: "enum"; data: readonly ["null-co"] };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: {} };
 *   };
 * };
 * const value: RestrictedUnion<Schema, "U", "deprecated"> = { driver: "null-co" };
 * ```
 */
export type RestrictedUnion<schema, name, rejected> = HasUnionBranch<schema, name> extends false ? {
    [value in DiscriminatorValues<schema, name>]: RestrictedVariant<schema, name, value, rejected>;
  }[DiscriminatorValues<schema, name>]
  : {
    [value in DiscriminatorValues<schema, name>]:
      & RestrictedVariant<schema, name, value, rejected>
      & NestedUnion<schema, name, value, "in", rejected>;
  }[DiscriminatorValues<schema, name>];

/**
 * A variant's branch that is itself a union (`BranchUnion`), resolved: what
 * the variant's own members (the base's, the discriminator narrowed) are
 * intersected with, as a generated client would write `Base & SocketAddress`.
 * Any other branch adds nothing. Only unions with such a branch
 * (`HasUnionBranch`) pay for this test, once per variant.
 *
 * @example
 * ```ts
 * import type { NestedUnion } from "./resolve.ts";
 * type Schema = {
 *   types: {
 *     T: { kind: "enum"; data: readonly ["unix"] };
 *     P: { kind: "struct"; data: { path: "str" } };
 *     S: { kind: "union"; base: { type: "T" }; discriminator: "type"; data: { unix: "P" } };
 *     D: { kind: "enum"; data: readonly ["socket"] };
 *     U: { kind: "union"; base: { transport: "D" }; discriminator: "transport"; data: { socket: "S" } };
 *   };
 * };
 * const socket: NestedUnion<Schema, "U", "socket", "in", never> = { type: "unix", path: "/s" };
 * ```
 *
 * @internal
 */
export type NestedUnion<schema, union, value, direction, rejected> = [
  BranchUnion<schema, union, value>,
] extends [never] ? unknown
  : UnionType<schema, BranchUnion<schema, union, value>, direction, rejected>;

/** An alternate: any one of its branches (QMP tells them apart by JSON type). */
type AlternateType<schema, name, direction, rejected> = DefinitionOf<schema, name> extends
  { data: infer branches } ? {
    [branch in keyof branches]: ResolveRef<
      schema,
      MemberType<branches[branch]>,
      direction,
      rejected
    >;
  }[keyof branches]
  : never;
