/**
 * Commands: their names, argument objects and results.
 *
 * @module
 */

import type { AcceptAll, HasFeature, RejectedFeatures } from "./features.ts";
import type { Members } from "./members.ts";
import type { Resolve, ResolveRef } from "./resolve.ts";
import type { SpanOf, UnionToIntersection } from "./span.ts";
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
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.ts";
 * const name: CommandName<Qmp10_2> = "query-status";
 * ```
 */
export type CommandName<schema, policy = AcceptAll> = schema extends SpanOf<infer schemas>
  // `keyof` of a union of maps is the keys common to all: the commands of every version.
  ? Exclude<keyof CommandsOf<schemas> & string, RejectedNames<schemas, policy>>
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

/** The definition of a command. */
type CommandDefinitionOf<schema, command> = CommandsOf<schema>[command & keyof CommandsOf<schema>];

/**
 * The argument object of a command that takes none: `{}` and nothing else
 * (every member would have to be `never`).
 *
 * @example
 * ```ts
 * import type { Empty } from "./commands.ts";
 * const nothing: Empty = {};
 * ```
 */
export type Empty = Record<string, never>;

/**
 * What a command without `returns` gives back (QEMU replies `{}`), and an
 * event without data carries: an object with no known members, so reading
 * any member is an error.
 *
 * @example
 * ```ts
 * import type { NoMembers } from "./commands.ts";
 * const reply: NoMembers = {};
 * ```
 */
export type NoMembers = Record<never, never>;

/**
 * A command's argument object (what the client sends: exact).
 *
 * @example
 * ```ts
 * import type { CommandArgs } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.ts";
 * const args: CommandArgs<Qmp10_2, "block_resize"> = { "node-name": "disk0", size: 1 << 30 };
 * ```
 */
// Not flattened for hovers (unlike results): flattening a flat union's
// branches (blockdev-add's) cost 40% more check time in bench:types.
export type CommandArgs<schema, command, policy = AcceptAll> = schema extends SpanOf<infer schemas>
  ? SpanArgs<schemas, command, policy>
  : SingleArgs<schema, command, policy>;

/** One schema's argument object of a command. */
type SingleArgs<schema, command, policy> = CommandDefinitionOf<schema, command> extends
  { data: infer data } ? data extends string ? Resolve<schema, data, "in", RejectedFeatures<policy>>
  : Members<schema, data, "in", RejectedFeatures<policy>>
  : Empty;

/** Each version's argument object, as a union. */
type PerVersionArgs<schemas, command, policy> = schemas extends unknown
  ? SingleArgs<schemas, command, policy>
  : never;

/** The keys a type requires. */
type RequiredKeys<value> = value extends unknown ? {
    [key in keyof value]-?: Record<never, never> extends Pick<value, key> ? never : key;
  }[keyof value]
  : never;

/**
 * The argument object every version of a span accepts:
 * 1. members known to every version (`keyof` of the union of the versions'
 *    objects is their common keys);
 * 2. required where any version requires it, of a type every version
 *    accepts (`Pick` of the intersection keeps both);
 * 3. when a member one version requires is unknown to another, no object
 *    suits both: the type says so, and the call does not compile until the
 *    client is narrowed (`isAtLeast`).
 * Arguments that are unions (boxed flat unions) are intersected per branch:
 * required where any version requires, but a member known to only one
 * version is accepted.
 */
type SpanArgs<schemas, command, policy> =
  IsUnion<SingleArgs<FirstOf<schemas>, command, policy>> extends true
    // Each version's union, intersected: `[A] & [B]` indexed at 0 is `A & B`.
    ? (UnionToIntersection<
      schemas extends unknown ? [SingleArgs<schemas, command, policy>] : never
    > extends [infer all] ? all : never)
    : PerVersionArgs<schemas, command, policy> extends infer each
      ? [Exclude<RequiredKeys<each>, keyof each>] extends [never]
        ? Pick<UnionToIntersection<each>, keyof each & keyof UnionToIntersection<each>>
      : NoObjectSuitsEveryVersion<Exclude<RequiredKeys<each>, keyof each>>
    : never;

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
  readonly "no argument object suits every version of the span: narrow it": never;
  readonly "required in one version, unknown in another": member;
}

type IsUnion<type> = [type] extends [UnionToIntersection<type>] ? false : true;
type FirstOf<union> = UnionToIntersection<union extends unknown ? () => union : never> extends
  () => infer last ? last : never;

/**
 * A command's result (what the server returns: open to additions).
 *
 * @example
 * ```ts
 * import type { CommandReturn } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.ts";
 * declare const status: CommandReturn<Qmp10_2, "query-status">;
 * const running: boolean = status.running;
 * ```
 */
export type CommandReturn<schema, command> = Prettify<
  schema extends SpanOf<infer schemas>
    // A span returns what any of its versions returns.
    ? (schemas extends unknown ? SingleReturn<schemas, command> : never)
    : SingleReturn<schema, command>
>;

type SingleReturn<schema, command> = CommandDefinitionOf<schema, command> extends
  { returns: infer returns } ? ResolveRef<schema, returns, "out", never>
  : NoMembers;

/**
 * True when the command's schema allows out-of-band execution.
 *
 * @example
 * ```ts
 * import type { AllowsOob } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.ts";
 * const oob: AllowsOob<Qmp10_2, "migrate-pause"> = true;
 * ```
 */
export type AllowsOob<schema, command> = schema extends SpanOf<infer schemas>
  // Out-of-band only if every version allows it.
  ? (false extends (schemas extends unknown ? AllowsOob<schemas, command> : never) ? false : true)
  : CommandDefinitionOf<schema, command> extends { "allow-oob": true } ? true
  : false;

/**
 * How a command takes arguments: `"none"`, `"optional"` (every member
 * optional) or `"required"`.
 *
 * @example
 * ```ts
 * import type { ArgumentsKind } from "./commands.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.ts";
 * const kind: ArgumentsKind<Qmp10_2, "query-status"> = "none";
 * ```
 */
export type ArgumentsKind<schema, command, policy = AcceptAll> =
  TakesArguments<schema, command> extends false ? "none"
    : Record<string, never> extends CommandArgs<schema, command, policy> ? "optional"
    : "required";

/** Whether a command has `data` (in any version of a span). */
type TakesArguments<schema, command> = schema extends SpanOf<infer schemas>
  ? (true extends (schemas extends unknown ? TakesArguments<schemas, command> : never) ? true
    : false)
  : CommandDefinitionOf<schema, command> extends { data: unknown } ? true
  : false;
