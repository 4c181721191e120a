/**
 * Commands: their names, argument objects and results.
 *
 * @module
 */

import type { AcceptAll, HasFeature, RejectedFeatures } from "./features.ts";
import type { Members } from "./members.ts";
import type { Resolve, ResolveRef } from "./resolve.ts";

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
export type CommandName<schema, policy = AcceptAll> = schema extends unknown
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
export type CommandArgs<schema, command, policy = AcceptAll> = CommandDefinitionOf<
  schema,
  command
> extends { data: infer data }
  ? data extends string ? Resolve<schema, data, "in", RejectedFeatures<policy>>
  : Members<schema, data, "in", RejectedFeatures<policy>>
  : Empty;

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
export type CommandReturn<schema, command> = CommandDefinitionOf<schema, command> extends
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
export type AllowsOob<schema, command> = CommandDefinitionOf<schema, command> extends
  { "allow-oob": true } ? true : false;

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
  CommandDefinitionOf<schema, command> extends { data: unknown }
    ? (Record<string, never> extends CommandArgs<schema, command, policy> ? "optional" : "required")
    : "none";
