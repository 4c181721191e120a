/**
 * From a type reference to a TypeScript type: builtins, enums, structs,
 * flat unions, alternates and arrays, in either direction.
 *
 * The `In` aliases are what a client sends: closed (exact enums, exact
 * members). The `Out` aliases are what a server returns: open (enums also
 * accept values a newer QEMU may add, while keeping completions for the known
 * ones; unknown members are tolerated by structural typing anyway).
 *
 * Every lookup is an index access on a name-keyed map, never a search through
 * a union. Each named type resolves through an alias keyed by (schema, name,
 * and for inputs the rejected features), so TypeScript caches it once per
 * name, and
 * the objects are aliases whose arguments are names (`Input<Qmp10_2,
 * "BlockdevOptionsFile">`): that is what errors and hovers print.
 *
 * @module
 */

import type { Builtins, BuiltinsIn } from "./builtins.ts";
import type {
  BranchUnion,
  DefinitionOf,
  DiscriminatorOf,
  DiscriminatorValues,
  EnumValues,
  HasUnionBranch,
  MemberType,
  StructMembers,
  UnionBaseMembers,
} from "./members.ts";
import type { Input, InputVariant, Output, OutputVariant, Restricted } from "./objects.ts";
import type { RestrictedVariant } from "./objects.ts";
import type { HasFeature } from "./features.ts";
import type { Empty } from "./commands.ts";

/**
 * The TypeScript type of a type reference (`"str"`, `"BlockInfo"`,
 * `["BlockInfo"]`) as a client sends it. `rejected` names the features
 * (`"deprecated"`, `"unstable"`) whose members an input refuses.
 *
 * @example
 * ```ts
 * import type { ResolveIn } from "./resolve.ts";
 * type Schema = { types: { Mode: { kind: "enum"; data: readonly ["a", "b"] } } };
 * const modes: ResolveIn<Schema, readonly ["Mode"], never> = ["a", "b"];
 * ```
 *
 * @internal
 */
// One family of aliases per direction, not one with a `direction` parameter:
// when a program relates two different results (a union of event data
// reduced to its subtypes, `[status, blocks]`), the checker measures the
// variance of `Output` once, by relating its body instantiated with marker
// types, and that walks every alias the body can reach. With a shared
// family it walked the input side too (`Input`, `Restricted`, the policy's
// aliases), with each of four parameters marked in turn: 25,000
// instantiations. The output family alone costs a third of that.
export type ResolveIn<schema, ref, rejected> = ref extends string
  ? (ref extends keyof BuiltinsIn ? BuiltinsIn[ref] : ResolveNamedIn<schema, ref, rejected>)
  // Readonly arrays accept mutable ones too.
  : ref extends readonly [infer element] ? readonly ResolveIn<schema, element, rejected>[]
  : never;

/**
 * The TypeScript type of a type reference as a server returns it (open
 * enums).
 *
 * @example
 * ```ts
 * import type { ResolveOut } from "./resolve.ts";
 * type Schema = { types: { Mode: { kind: "enum"; data: readonly ["a", "b"] } } };
 * const modes: ResolveOut<Schema, readonly ["Mode"]> = ["a", "c"];
 * ```
 *
 * @internal
 */
// Arrays mutable: a reply's arrays are its own and fresh (`blocks.sort()`).
export type ResolveOut<schema, ref> = ref extends string
  ? (ref extends keyof Builtins ? Builtins[ref] : ResolveNamedOut<schema, ref>)
  : ref extends readonly [infer element] ? ResolveOut<schema, element>[]
  : never;

/**
 * The TypeScript type of a named type of the schema, as a client sends it.
 *
 * @example
 * ```ts
 * import type { ResolveNamedIn } from "./resolve.ts";
 * type Schema = { types: { S: { kind: "struct"; data: { x?: { type: "int"; optional: true } } } } };
 * const value: ResolveNamedIn<Schema, "S", never> = {};
 * ```
 *
 * @internal
 */
export type ResolveNamedIn<schema, name, rejected> = DefinitionOf<schema, name> extends
  { kind: infer kind } ? (
    kind extends "enum" ? ([rejected] extends [never] ? InputEnum<schema, name>
        : RestrictedEnum<schema, name, rejected>)
      : kind extends "struct" ? (
          [keyof StructMembers<schema, name>] extends [never] ? NoMembers<schema, name>
            : [rejected] extends [never] ? Input<schema, name>
            : Restricted<schema, name, rejected>
        )
      : kind extends "union" ? ([rejected] extends [never] ? InputUnion<schema, name>
          : RestrictedUnion<schema, name, rejected>)
      : kind extends "alternate" ? AlternateIn<schema, name, rejected>
      : never
  )
  : never;

/**
 * The TypeScript type of a named type of the schema, as a server returns it.
 *
 * @example
 * ```ts
 * import type { ResolveNamedOut } from "./resolve.ts";
 * type Schema = { types: { S: { kind: "struct"; data: { x?: { type: "int"; optional: true } } } } };
 * const value: ResolveNamedOut<Schema, "S"> = {};
 * ```
 *
 * @internal
 */
export type ResolveNamedOut<schema, name> = DefinitionOf<schema, name> extends { kind: infer kind }
  ? (
    // An enum from the server: its values, and values a newer QEMU may add.
    // Written out, not through an alias: hovers then list the values.
    kind extends "enum" ? EnumValues<schema, name> | (string & Record<never, never>)
      // A struct without members: `{}` exactly, as a command without `returns`.
      : kind extends "struct"
        ? ([keyof StructMembers<schema, name>] extends [never] ? Empty : Output<schema, name>)
      : kind extends "union" ? OutputUnion<schema, name>
      : kind extends "alternate" ? AlternateOut<schema, name>
      : never
  )
  : never;

/**
 * A struct without members (`Abort`, a `transaction` action's data) as a
 * client sends it: `{}` and nothing else. The mapped type of `Input` would
 * be the empty object type, which TypeScript lets take any value but
 * `null` and `undefined`, with no excess member check; a type whose only
 * member is optional is checked as a weak type instead, so a member is an
 * error that names it (`'x' does not exist in type 'NoMembers<Qmp10_2,
 * "Abort">'`) and so is a string or a number.
 *
 * @example
 * ```ts
 * import type { NoMembers } from "./resolve.ts";
 * const abort: NoMembers<{ types: { Abort: { kind: "struct"; data: {} } } }, "Abort"> = {};
 * ```
 */
// `name` appears in the member's type (where it changes nothing) so that each
// struct gets its own instantiation, and errors name the right one.
export type NoMembers<schema, name> = { readonly "(no members)"?: never & [schema, name] };

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

/**
 * An enum's values as a client sends them under a compat policy: without
 * the values that carry a rejected feature (QEMU's `-compat
 * deprecated-input=reject` refuses a deprecated value as it refuses a
 * deprecated member).
 *
 * @example
 * ```ts
 * import type { RestrictedEnum } from "./resolve.ts";
 * type Schema = {
 *   types: {
 *     Mode: { kind: "enum"; data: readonly ["a", "old"]; values: { old: { features: readonly ["deprecated"] } } };
 *   };
 * };
 * const mode: RestrictedEnum<Schema, "Mode", "deprecated"> = "a";
 * ```
 */
export type RestrictedEnum<schema, name, rejected> =
  & Exclude<EnumValues<schema, name>, RejectedValues<schema, name, rejected>>
  & string;

/**
 * The values of an enum that carry one of the `rejected` features.
 *
 * @example
 * ```ts
 * import type { RejectedValues } from "./resolve.ts";
 * type Schema = {
 *   types: {
 *     Mode: { kind: "enum"; data: readonly ["a", "old"]; values: { old: { features: readonly ["deprecated"] } } };
 *   };
 * };
 * const old: RejectedValues<Schema, "Mode", "deprecated"> = "old";
 * ```
 *
 * @internal
 */
export type RejectedValues<schema, name, rejected> = DefinitionOf<schema, name> extends
  { values: infer values } ? {
    [value in keyof values]: HasFeature<values[value], rejected> extends true ? value : never;
  }[keyof values]
  : never;

/**
 * A flat union as a client sends it: a discriminated union over every value
 * of the discriminator's enum (values without a branch get the base alone).
 * Each variant is one object (`objects.ts`), not an intersection of the base,
 * the narrowed discriminator and the branch. One alias per direction, so
 * errors print `InputUnion<Qmp10_2, "BlockdevOptions">`.
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
      & NestedUnionIn<schema, name, value, never>;
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
      & NestedUnionOut<schema, name, value>;
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
// Over the discriminator's values the policy accepts: a deprecated value
// (`blockdev-add`'s `driver: "gluster"` in 10.0) is refused as QEMU's
// `-compat deprecated-input=reject` refuses it.
export type RestrictedUnion<schema, name, rejected> = HasUnionBranch<schema, name> extends false ? {
    [value in AcceptedValues<schema, name, rejected>]: RestrictedVariant<
      schema,
      name,
      value,
      rejected
    >;
  }[AcceptedValues<schema, name, rejected>]
  : {
    [value in AcceptedValues<schema, name, rejected>]:
      & RestrictedVariant<schema, name, value, rejected>
      & NestedUnionIn<schema, name, value, rejected>;
  }[AcceptedValues<schema, name, rejected>];

/**
 * A union's discriminator values a policy accepts: those of the
 * discriminator's enum that carry none of the `rejected` features.
 *
 * @example
 * ```ts
 * import type { AcceptedValues } from "./resolve.ts";
 * type Schema = {
 *   types: {
 *     D: { kind: "enum"; data: readonly ["file", "old"]; values: { old: { features: readonly ["deprecated"] } } };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: {} };
 *   };
 * };
 * const driver: AcceptedValues<Schema, "U", "deprecated"> = "file";
 * ```
 *
 * @internal
 */
export type AcceptedValues<schema, union, rejected> = Exclude<
  DiscriminatorValues<schema, union>,
  RejectedValues<
    schema,
    MemberType<
      UnionBaseMembers<schema, union>[
        DiscriminatorOf<schema, union> & keyof UnionBaseMembers<schema, union>
      ]
    >,
    rejected
  >
>;

/**
 * A variant's branch that is itself a union (`BranchUnion`), resolved: what
 * the variant's own members (the base's, the discriminator narrowed) are
 * intersected with, as a generated client would write `Base & SocketAddress`.
 * Any other branch adds nothing. Only unions with such a branch
 * (`HasUnionBranch`) pay for this test, once per variant.
 *
 * @example
 * ```ts
 * import type { NestedUnionIn } from "./resolve.ts";
 * type Schema = {
 *   types: {
 *     T: { kind: "enum"; data: readonly ["unix"] };
 *     P: { kind: "struct"; data: { path: "str" } };
 *     S: { kind: "union"; base: { type: "T" }; discriminator: "type"; data: { unix: "P" } };
 *     D: { kind: "enum"; data: readonly ["socket"] };
 *     U: { kind: "union"; base: { transport: "D" }; discriminator: "transport"; data: { socket: "S" } };
 *   };
 * };
 * const socket: NestedUnionIn<Schema, "U", "socket", never> = { type: "unix", path: "/s" };
 * ```
 *
 * @internal
 */
export type NestedUnionIn<schema, union, value, rejected> = [
  BranchUnion<schema, union, value>,
] extends [never] ? unknown
  : ResolveNamedIn<schema, BranchUnion<schema, union, value>, rejected>;

/**
 * `NestedUnionIn`, as a server returns it.
 *
 * @example
 * ```ts
 * import type { NestedUnionOut } from "./resolve.ts";
 * type Schema = {
 *   types: {
 *     T: { kind: "enum"; data: readonly ["unix"] };
 *     P: { kind: "struct"; data: { path: "str" } };
 *     S: { kind: "union"; base: { type: "T" }; discriminator: "type"; data: { unix: "P" } };
 *     D: { kind: "enum"; data: readonly ["socket"] };
 *     U: { kind: "union"; base: { transport: "D" }; discriminator: "transport"; data: { socket: "S" } };
 *   };
 * };
 * const socket: NestedUnionOut<Schema, "U", "socket"> = { type: "unix", path: "/s" };
 * ```
 *
 * @internal
 */
export type NestedUnionOut<schema, union, value> = [
  BranchUnion<schema, union, value>,
] extends [never] ? unknown
  : ResolveNamedOut<schema, BranchUnion<schema, union, value>>;

/** An alternate as a client sends it: any one of its branches (QMP tells them apart by JSON type). */
type AlternateIn<schema, name, rejected> = DefinitionOf<schema, name> extends
  { data: infer branches }
  ? { [branch in keyof branches]: ResolveIn<schema, MemberType<branches[branch]>, rejected> }[
    keyof branches
  ]
  : never;

/** An alternate as a server returns it. */
type AlternateOut<schema, name> = DefinitionOf<schema, name> extends { data: infer branches }
  ? { [branch in keyof branches]: ResolveOut<schema, MemberType<branches[branch]>> }[keyof branches]
  : never;
