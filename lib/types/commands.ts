/**
 * Commands: their names, argument objects and results.
 *
 * @module
 */

import type { AcceptAll, HasFeature, RejectedFeatures } from "./features.ts";
import type { JsonInput, JsonValue } from "./json.ts";
import type { DefinitionOf, MemberType, StructMembers } from "./members.ts";
import type { Policed } from "./objects.ts";
import type { ResolveIn, ResolveOut } from "./resolve.ts";
import type { SpanOf, UnionToIntersection } from "./span.ts";
import type { SpanArguments } from "./span_args.ts";
import type { Prettify } from "./prettify.ts";

/** The `commands` map of a schema. */
export type CommandsOf<schema> = schema extends { commands: infer commands } ? commands : never;

/**
 * The names of a schema's commands a policy accepts.
 *
 * `keyof` of a large map is recomputed on every evaluation even behind an
 * alias; inside a conditional type it is computed once per schema and cached.
 *
 * @example
 * ```ts
 * import type { CommandName } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const name: CommandName<Qmp10_2> = "query-status";
 * ```
 */
// The body is an intersection with `string` so that the resolved union keeps
// the alias: an error then says `not assignable to … 'CommandName<Qmp10_2>'`
// instead of printing 244 names.
export type CommandName<schema, policy = AcceptAll> = CommandNames<schema, policy> & string;

/**
 * The command names of `CommandName`, by schema or span.
 *
 * @internal
 */
type CommandNames<schema, policy> = schema extends SpanOf<infer schemas>
  // `keyof` of a union of maps is the keys common to all: the commands of every version.
  // Without a policy, no `Exclude` (a conditional per command name).
  ? ([RejectedFeatures<policy>] extends [never] ? keyof CommandsOf<schemas> & string
    : Exclude<keyof CommandsOf<schemas> & string, RejectedNames<schemas, policy>>)
  : SingleCommandName<schema, policy>;

/** The commands of one schema a policy accepts. */
type SingleCommandName<schema, policy> = schema extends unknown
  ? [RejectedFeatures<policy>] extends [never] ? keyof CommandsOf<schema> & string
  :
    & {
      [name in keyof CommandsOf<schema>]: HasFeature<
        CommandsOf<schema>[name],
        RejectedFeatures<policy>
      > extends true ? never
        : name;
    }[keyof CommandsOf<schema>]
    & string
  : never;

/** Commands a policy rejects in any of the schemas. */
type RejectedNames<schemas, policy> = schemas extends unknown
  ? Exclude<keyof CommandsOf<schemas> & string, SingleCommandName<schemas, policy>>
  : never;

/**
 * The definition of a command.
 *
 * @internal
 */
// Tested against the cached `CommandKeys`, not intersected with `keyof` (see
// `DefinitionOf`); not distributive (see `SingleArgs`). `unknown`, not
// `never`, for a name the schema lacks, as `DefinitionOf`: TypeScript
// measures the variance of `Arguments<schema, command>` by instantiating it
// with marker types, which are never command names; with `never` the body
// then came out the same for every marker, the alias was taken as
// independent of its parameters, and any command's arguments passed for any
// other's (`CommandArgs<S, "block-stream">` for `block_resize`).
type CommandDefinitionOf<schema, command> = [command] extends [CommandKeys<schema>]
  ? CommandsOf<schema>[command]
  : unknown;

/**
 * The keys of a schema's `commands` map (every command, whatever the policy),
 * computed once per schema: a conditional type is cached by its arguments,
 * where `keyof CommandsOf<schema>` written out is recomputed (244 names for
 * QMP 10.2) at every instantiation that contains it.
 *
 * @internal
 */
type CommandKeys<schema> = schema extends { commands: infer commands } ? keyof commands : never;

/**
 * The argument object of a command that takes none, and the result of a
 * command without `returns` (QEMU replies `{}`): an object with no members.
 * Nothing else is assignable to it, and every member read from it is `never`.
 *
 * @example
 * ```ts
 * import type { Empty } from "./commands.ts";
 * const nothing: Empty = {};
 * // `{ verbose: true }` is not an `Empty`: its member would have to be `never`.
 * ```
 */
export type Empty = Record<string, never>;

/**
 * The argument object of a command that takes none: `{}` only. A member is
 * an error that says why (`… not assignable to type 'TakesNoArguments'`).
 *
 * @example
 * ```ts
 * import type { NoArguments } from "./commands.ts";
 * const nothing: NoArguments = {};
 * ```
 */
export interface NoArguments {
  /** Any member: nothing can be given. */
  readonly [member: string]: TakesNoArguments;
}

/**
 * The type of any member given to a command that takes no arguments:
 * nothing is assignable to it.
 *
 * @example
 * ```ts
 * import type { TakesNoArguments } from "./commands.ts";
 * type Why = keyof TakesNoArguments; // "this command takes no arguments"
 * ```
 */
export interface TakesNoArguments {
  /** The reason, as the error shows it. */
  readonly "this command takes no arguments": never;
}

/**
 * The members a `gen: false` command takes besides those its schema lists
 * (`device_add`'s device properties): any JSON value under any name.
 *
 * @example
 * ```ts
 * import type { UnlistedMembers } from "./commands.ts";
 * const properties: UnlistedMembers = { mac: "52:54:00:12:34:56", vectors: 4 };
 * ```
 */
export interface UnlistedMembers {
  /** A member the schema does not list: any JSON value. */
  readonly [member: string]: JsonInput | undefined;
}

/**
 * A command's argument object (what the client sends: exact).
 *
 * `NoInfer` makes the alias safe in a user's generic code: in
 * `function run<C extends CommandName<S>>(c: C, args: CommandArgs<S, C>)`,
 * TypeScript would otherwise try to infer `C` from the argument object,
 * which means relating it to the arguments of every command at once (it ran
 * the checker out of memory). `C` is inferred from the name alone.
 *
 * @example
 * ```ts
 * import type { CommandArgs } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const args: CommandArgs<Qmp10_2, "block_resize"> = { "node-name": "disk0", size: 1 << 30 };
 * ```
 */
// Not flattened for hovers (unlike results): flattening a flat union's
// branches (blockdev-add's) cost 40% more check time in bench:types.
export type CommandArgs<schema, command, policy = AcceptAll> = ArgumentsOf<
  schema,
  NoInfer<command>,
  policy
>;

/**
 * `CommandArgs` without the `NoInfer` guard, for the library's own
 * signatures (which infer the command from its name first).
 *
 * @example
 * ```ts
 * import type { ArgumentsOf } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const args: ArgumentsOf<Qmp10_2, "stop", {}> = {};
 * ```
 */
export type ArgumentsOf<schema, command, policy> = schema extends SpanOf<unknown>
  ? ([RejectedFeatures<policy>] extends [never] ? SpanCommandArguments<schema, command>
    : SpanCommandArgumentsUnderPolicy<schema, command, policy>)
  : SingleArgs<schema, command, RejectedFeatures<policy>>;

/**
 * A command's argument object across a span, as errors and hovers name it:
 * `'channels' does not exist in type 'SpanCommandArguments<Span<"7.2" |
 * "10.2">, "migrate">'`. The object is computed from each version's view of
 * the definitions (`span_args.ts`), whose aliases would otherwise be what
 * errors print, schemas and members maps written out, in an order that
 * differs from one checker to another. A homomorphic mapped type keeps
 * every member's modifiers (and maps each variant of a union).
 *
 * @example
 * ```ts
 * import type { SpanCommandArguments } from "./commands.ts";
 * import type { Span } from "./qmp_span.ts";
 * const args: SpanCommandArguments<Span<"7.2" | "10.2">, "block_resize"> = {
 *   "node-name": "disk0",
 *   size: 1 << 30,
 * };
 * ```
 */
export type SpanCommandArguments<span, command> =
  SpanArgs<SchemasOfSpan<span>, command, AcceptAll> extends infer args
    ? (args extends unknown ? { [key in keyof args]: args[key] } : never)
    : never;

/**
 * `SpanCommandArguments` under a compat policy.
 *
 * @example
 * ```ts
 * import type { SpanCommandArgumentsUnderPolicy } from "./commands.ts";
 * import type { Span } from "./qmp_span.ts";
 * const args: SpanCommandArgumentsUnderPolicy<
 *   Span<"7.2" | "10.2">,
 *   "block_resize",
 *   { deprecated: "reject" }
 * > = { "node-name": "disk0", size: 1 << 30 };
 * ```
 */
export type SpanCommandArgumentsUnderPolicy<span, command, policy> =
  SpanArgs<SchemasOfSpan<span>, command, policy> extends infer args
    ? (args extends unknown ? { [key in keyof args]: args[key] } : never)
    : never;

/**
 * The schemas of a span.
 *
 * @internal
 */
type SchemasOfSpan<span> = span extends SpanOf<infer schemas> ? schemas : never;

/** One schema's argument object of a command. */
// Not distributive over `command` on purpose: the checker computes the
// constraint of a distributive conditional by evaluating it for every name the
// type parameter may hold, and `execute`'s rest parameter made it do so for
// all 244 commands (26k instantiations on the first call). A union of names
// (`Parameters` of the generic `execute`) gets any argument object instead;
// a name the schema lacks, nothing (`never`).
/** @internal */
type SingleArgs<schema, command, rejected> = [command] extends [CommandKeys<schema>]
  ? (CommandDefinitionOf<schema, command> extends { data: infer data }
    // `gen: false` takes unlisted members whether `data` is inline or a
    // named type (the generator marshals neither).
    ? CommandDefinitionOf<schema, command> extends { gen: false }
      ? DataArguments<schema, command, data, rejected, unknown> & UnlistedMembers
    : DataArguments<schema, command, data, rejected, NoArguments>
    // One command without `data`; several commands (some of which take
    // arguments) get any argument object. (Not a test of the definitions:
    // with the command still a type parameter, the checker would compute it
    // for every definition of the schema.)
    : [command] extends [UnionToIntersection<command>] ? NoArguments
    : SomeArguments)
  : never;

/**
 * The arguments a command's `data` gives: a named type's, or the inline
 * members'; `empty` for inline `data: {}`. Without `gen: false` that takes no
 * member at all (`NoArguments`): the empty mapped type would be `{}`, which
 * TypeScript lets take anything (a string, a misspelled member), as no
 * excess property check applies to it.
 *
 * @internal
 */
type DataArguments<schema, command, data, rejected, empty> = data extends string
  ? ResolveIn<schema, data, rejected>
  : [keyof data] extends [never] ? empty
  : ArgumentsUnder<schema, command, rejected>;

/**
 * The arguments of one of several commands (`Parameters` of the generic
 * `execute`, where the command is any of them): any JSON object.
 *
 * @example
 * ```ts
 * import type { SomeArguments } from "./commands.ts";
 * const args: SomeArguments = { "node-name": "disk0", size: 1 };
 * ```
 */
export interface SomeArguments {
  /** Any member, any JSON value. */
  readonly [member: string]: JsonInput | undefined;
}

/** The inline arguments, by the alias of the policy (what errors name).
 *
 * @internal
 */
type ArgumentsUnder<schema, command, rejected> = [rejected] extends [never]
  ? Arguments<schema, command>
  : ArgumentsUnderPolicy<schema, command, rejected>;

/**
 * A command's inline `data` map.
 *
 * @internal
 */
type InlineData<schema, command> = CommandDefinitionOf<schema, command> extends { data: infer data }
  ? data
  : never;

/**
 * The arguments of a command whose members are written inline (most of
 * them): one homomorphic mapped type over the members, named by the
 * command, so an error reads `… in type 'Arguments<Qmp10_2, "block_resize">'`.
 *
 * @example
 * ```ts
 * import type { Arguments } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const args: Arguments<Qmp10_2, "block_resize"> = { "node-name": "disk0", size: 1 << 30 };
 * ```
 */
export type Arguments<schema, command> = {
  -readonly [member in keyof InlineData<schema, command>]: ResolveIn<
    schema,
    MemberType<InlineData<schema, command>[member]>,
    never
  >;
};

/**
 * Inline arguments under a compat policy that rejects `rejected` features.
 *
 * @example
 * ```ts
 * import type { ArgumentsUnderPolicy } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const args: ArgumentsUnderPolicy<Qmp10_2, "block_resize", "deprecated"> = {
 *   "node-name": "disk0",
 *   size: 1 << 30,
 * };
 * ```
 */
export type ArgumentsUnderPolicy<schema, command, rejected> = {
  -readonly [member in keyof InlineData<schema, command>]: Policed<
    schema,
    InlineData<schema, command>[member],
    rejected
  >;
};

/** Each version's argument object, as a union. */
type PerVersionArgs<schemas, command, policy> = schemas extends unknown
  ? SingleArgs<schemas, command, RejectedFeatures<policy>>
  : never;

/**
 * The argument object every version of a span accepts (`span_args.ts`),
 * member by member at every depth. Under a compat policy that rejects
 * features, each version's own arguments under the policy are intersected
 * with it, so a member the policy rejects in any version is refused.
 *
 * @internal
 */
type SpanArgs<schemas, command, policy> = [RejectedFeatures<policy>] extends [never]
  ? SpanArguments<schemas, command>
  : SpanArguments<schemas, command> & UnionToIntersection<PerVersionArgs<schemas, command, policy>>;

/**
 * No argument object suits every version of the span: `member` is required
 * in one and unknown in another. Unsatisfiable, and says why in errors.
 *
 * @example
 * ```ts
 * import type { NoObjectSuitsEveryVersion } from "./commands.ts";
 * type Impossible = NoObjectSuitsEveryVersion<"uri">;
 * ```
 */
export interface NoObjectSuitsEveryVersion<member> {
  /** The reason, as the error shows it. */
  readonly "no argument object suits every version of the span: narrow it": never;
  /** The members that make it so. */
  readonly "required in one version, unknown in another": member;
}

/**
 * A command's result (what the server returns: open to additions), as one
 * flat object for hovers. `NoInfer` for the same reason as `CommandArgs`: a
 * call in a typed context must not infer the command from the expected
 * result.
 *
 * @example
 * ```ts
 * import type { CommandReturn } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * declare const status: CommandReturn<Qmp10_2, "query-status">;
 * const running: boolean = status.running;
 * ```
 */
export type CommandReturn<schema, command> = ReturnOf<schema, NoInfer<command>>;

/**
 * `CommandReturn` without the `NoInfer` guard.
 *
 * @example
 * ```ts
 * import type { ReturnOf } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * declare const status: ReturnOf<Qmp10_2, "query-status">;
 * const running: boolean = status.running;
 * ```
 */
export type ReturnOf<schema, command> = schema extends SpanOf<infer schemas>
  // A span returns what any of its versions returns.
  ? (schemas extends unknown ? SingleReturn<schemas, command> : never)
  : SingleReturn<schema, command>;

// Not distributive (see `SingleArgs`): for a union of names, the union of
// their results. Flattened for hovers, except QAPI's `any` (`qom-get`):
// `JsonValue` as it is, where `Prettify` would rebuild the recursive union
// level by level and errors would print it five levels deep.
/** @internal */
type SingleReturn<schema, command> = CommandDefinitionOf<schema, command> extends
  { returns: infer returns }
  ? (returns extends "any" ? JsonValue : Prettify<ResolveOut<schema, returns>>)
  // One command without `returns`: `{}`. Several, some without: one of their
  // results, unknown. (Not resolving the others' results: with the command
  // still a type parameter, the checker would resolve every result type.)
  : [command] extends [UnionToIntersection<command>] ? Empty
  : unknown;

/**
 * True when the command's schema allows out-of-band execution.
 *
 * @example
 * ```ts
 * import type { AllowsOob } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const oob: AllowsOob<Qmp10_2, "migrate-pause"> = true;
 * ```
 */
export type AllowsOob<schema, command> = schema extends SpanOf<infer schemas>
  // Out-of-band only if every version allows it.
  ? (false extends (schemas extends unknown ? AllowsOob<schemas, command> : never) ? false : true)
  // A union of names (a union of definitions) allows it only if every one does.
  : CommandDefinitionOf<schema, command> extends { "allow-oob": true } ? true
  : false;

/**
 * How a command takes arguments: `"none"`, `"optional"` (every member
 * optional) or `"required"`. Read from the literal's own members maps (is
 * `{}` one of them?), not from the resolved argument object, so deciding
 * the shape of a call resolves nothing.
 *
 * @example
 * ```ts
 * import type { ArgumentsKind } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const kind: ArgumentsKind<Qmp10_2, "query-status"> = "none";
 * const resize: ArgumentsKind<Qmp10_2, "block_resize"> = "required";
 * ```
 */
export type ArgumentsKind<schema, command, policy = AcceptAll> = schema extends
  SpanOf<infer schemas>
  ? (true extends (schemas extends unknown ? TakesArguments<schemas, command> : never)
    ? (Record<string, never> extends ArgumentsOf<schema, command, policy> ? "optional"
      : "required")
    : "none")
  : SingleKind<schema, command>;

/**
 * One schema's `ArgumentsKind`, read from the schema's map of kinds.
 *
 * @internal
 */
type SingleKind<schema, command> = [command] extends [CommandKeys<schema>]
  ? KindsOf<schema>[command]
  : never;

/**
 * Every command's `ArgumentsKind`, as one map per schema. Why a map: the
 * kind of a command whose arguments are a named struct depends on that
 * struct's members, and a conditional on them, evaluated while the command
 * is still a type parameter (as `execute`'s signature is resolved), made the
 * checker relate every definition of the schema. Indexing a mapped type
 * with a type parameter defers; each entry is computed for a known command
 * only, once per schema.
 *
 * @internal
 */
type KindsOf<schema> = {
  [command in keyof CommandsOf<schema>]: CommandsOf<schema>[command] extends { data: infer data }
    ? (data extends string ? NamedArgumentsKind<schema, data>
      : Record<never, never> extends data ? "optional"
      : "required")
    : "none";
};

/** The kind of arguments given by a named type: a struct's, or a union's (always required).
 *
 * @internal
 */
type NamedArgumentsKind<schema, name> = DefinitionOf<schema, name> extends { kind: "struct" }
  ? (Record<never, never> extends StructMembers<schema, name> ? "optional" : "required")
  // A union or alternate always requires something (its discriminator).
  : "required";

/**
 * Whether a command has `data`.
 *
 * @internal
 */
type TakesArguments<schema, command> = CommandDefinitionOf<schema, command> extends
  { data: unknown } ? true
  : false;
