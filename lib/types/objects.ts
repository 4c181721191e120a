/**
 * Object types: structs, union variants and inline members maps, each one
 * homomorphic mapped type over the literal's raw members.
 *
 * Why these shapes:
 * - One mapped type per object, over `keyof` of the raw members (a struct's
 *   with its bases', a variant's base and branch): homomorphic, so each
 *   member keeps its optionality (`name?:` in the declared literal) and its
 *   declaration, and with it the JSDoc an editor shows (`@deprecated`,
 *   `Since 6.2.`), with no `as` clause or per-member conditional to
 *   evaluate for every key.
 * - The aliases are keyed by names, not by definitions: an error reads
 *   `… does not exist in type 'Input<Qmp10_2, "BlockdevOptionsFile">'` and
 *   every use of a named type shares one cached instantiation.
 * - Direction and policy pick the alias (`Input`, `Output`, `Restricted`)
 *   instead of being tested per member.
 *
 * @module
 */

import type { HasFeature } from "./features.ts";
import type { DiscriminatorOf, MemberType, StructMembers, VariantMembers } from "./members.ts";
import type { ResolveIn, ResolveOut } from "./resolve.ts";

/**
 * A struct as a client sends it.
 *
 * @example
 * ```ts
 * import type { Input } from "./objects.ts";
 * type Schema = { types: { S: { kind: "struct"; data: { id: "str"; force?: { type: "bool"; optional: true } } } } };
 * const value: Input<Schema, "S"> = { id: "disk0" };
 * ```
 */
export type Input<schema, name> = {
  -readonly [member in keyof StructMembers<schema, name>]: ResolveIn<
    schema,
    MemberType<StructMembers<schema, name>[member]>,
    never
  >;
};

/**
 * A struct as a server returns it (open enums).
 *
 * @example
 * ```ts
 * import type { Output } from "./objects.ts";
 * type Schema = { types: { S: { kind: "struct"; data: { id: "str" } } } };
 * const value: Output<Schema, "S"> = { id: "disk0" };
 * ```
 */
// Variance measured, not stated: an `in out` annotation would make two
// versions' outputs unrelated (compared by their schemas, which differ at
// `version`), so a 10.0 result could not be passed where a 10.2 one of the
// same shape is expected. The measurement walks the output aliases only
// (`ResolveOut`), once per program that relates two different results.
export type Output<schema, name> = {
  -readonly [member in keyof StructMembers<schema, name>]: ResolveOut<
    schema,
    MemberType<StructMembers<schema, name>[member]>
  >;
};

/**
 * A struct as a client sends it under a compat policy that rejects
 * `rejected` features: such members take `RejectedByPolicy` (no value
 * fits), so using one is an error that says why.
 *
 * @example
 * ```ts
 * import type { Restricted } from "./objects.ts";
 * type Schema = {
 *   types: { S: { kind: "struct"; data: { id: "str"; old?: { type: "str"; optional: true; features: readonly ["deprecated"] } } } };
 * };
 * const value: Restricted<Schema, "S", "deprecated"> = { id: "disk0" };
 * ```
 */
export type Restricted<schema, name, rejected> = {
  -readonly [member in keyof StructMembers<schema, name>]: Policed<
    schema,
    StructMembers<schema, name>[member],
    rejected
  >;
};

/**
 * A member under a policy: its type, or `RejectedByPolicy` when it carries a
 * rejected feature.
 *
 * @example
 * ```ts
 * import type { Policed } from "./objects.ts";
 * const size: Policed<{ types: {} }, { type: "int"; features: readonly ["unstable"] }, never> = 1;
 * ```
 */
// An optional member's type includes `undefined`, which carries no features.
/** @internal */
export type Policed<schema, member, rejected> =
  HasFeature<Exclude<member, undefined>, rejected> extends true
    ? RejectedByPolicy<Extract<FeatureNames<Exclude<member, undefined>>, rejected>>
    : ResolveIn<schema, MemberType<member>, rejected>;

type FeatureNames<member> = member extends { features: readonly (infer feature)[] }
  ? (feature extends { name: infer name } ? name : feature)
  : never;

/**
 * The type of a member the client's compat policy rejects: nothing is
 * assignable to it, and an error names the feature.
 *
 * @example
 * ```ts
 * import type { RejectedByPolicy } from "./objects.ts";
 * type Message = RejectedByPolicy<"deprecated">["feature"]; // "deprecated"
 * ```
 */
export interface RejectedByPolicy<feature> {
  /** The reason, as the error shows it. */
  readonly "rejected by the client's compat policy": never;
  /** The feature the policy rejects (`deprecated`, `unstable`). */
  readonly feature: feature;
}

/**
 * One variant of a flat union as a client sends it: the base's and the
 * branch's members, the discriminator narrowed to `value`.
 *
 * @example
 * ```ts
 * import type { InputVariant } from "./objects.ts";
 * type Schema = {
 *   types: {
 *     D: { kind: "enum"; data: readonly ["file", "null-co"] };
 *     F: { kind: "struct"; data: { filename: "str" } };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: { file: "F" } };
 *   };
 * };
 * const value: InputVariant<Schema, "U", "file"> = { driver: "file", filename: "/x" };
 * ```
 */
export type InputVariant<schema, union, value> = {
  -readonly [member in keyof VariantMembers<schema, union, value>]: member extends
    DiscriminatorOf<schema, union> ? value
    : ResolveIn<schema, MemberType<VariantMembers<schema, union, value>[member]>, never>;
};

/**
 * One variant of a flat union as a server returns it.
 *
 * @example
 * ```ts
 * import type { OutputVariant } from "./objects.ts";
 * type Schema = {
 *   types: {
 *     D: { kind: "enum"; data: readonly ["file", "null-co"] };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: {} };
 *   };
 * };
 * const value: OutputVariant<Schema, "U", "null-co"> = { driver: "null-co" };
 * ```
 */
export type OutputVariant<schema, union, value> = {
  -readonly [member in keyof VariantMembers<schema, union, value>]: member extends
    DiscriminatorOf<schema, union> ? value
    : ResolveOut<schema, MemberType<VariantMembers<schema, union, value>[member]>>;
};

/**
 * One variant of a flat union as a client sends it under a compat policy.
 *
 * @example
 * ```ts
 * import type { RestrictedVariant } from "./objects.ts";
 * type Schema = {
 *   types: {
 *     D: { kind: "enum"; data: readonly ["null-co"] };
 *     U: { kind: "union"; base: { driver: "D" }; discriminator: "driver"; data: {} };
 *   };
 * };
 * const value: RestrictedVariant<Schema, "U", "null-co", "deprecated"> = { driver: "null-co" };
 * ```
 */
export type RestrictedVariant<schema, union, value, rejected> = {
  -readonly [member in keyof VariantMembers<schema, union, value>]: member extends
    DiscriminatorOf<schema, union> ? value
    : Policed<schema, VariantMembers<schema, union, value>[member], rejected>;
};
