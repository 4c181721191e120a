/**
 * The typed signature of `execute`.
 *
 * @module
 */

import type { CallOptions, OobCallOptions } from "../protocol/options.ts";
import type {
  AllowsOob,
  ArgumentsKind,
  ArgumentsOf,
  CommandName,
  NoArguments,
  ReturnOf,
} from "./commands.ts";
import type { AcceptAll } from "./features.ts";

/**
 * What follows the command name in a call: the argument object (required
 * when the command has a required member, optional when all are optional,
 * absent when it takes none), then the call options (with `oob` only for
 * commands whose schema allows out-of-band execution).
 *
 * @example
 * ```ts
 * import type { ExecuteArguments } from "./execute.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const rest: ExecuteArguments<Qmp10_2, "block_resize"> = [{ "node-name": "d", size: 1 }];
 * ```
 */
export type ExecuteArguments<schema, command, policy = AcceptAll> = ArgumentsKind<
  schema,
  command,
  policy
> extends infer kind
  ? [kind] extends ["none"] ? [args?: NoArguments, options?: OptionsOf<schema, command>]
  : [kind] extends ["optional"]
    ? [args?: ArgumentsOf<schema, command, policy>, options?: OptionsOf<schema, command>]
  : [kind] extends ["required"]
    ? [args: ArgumentsOf<schema, command, policy>, options?: OptionsOf<schema, command>]
    // Several commands at once (`Parameters` of the generic signature): one
    // tuple, so that a forwarded `...call` spreads.
  : [args?: ArgumentsOf<schema, command, policy>, options?: OptionsOf<schema, command>]
  : never;

/**
 * Call options, with `oob` where the schema allows it.
 *
 * @internal
 */
type OptionsOf<schema, command> = AllowsOob<schema, command> extends true ? OobCallOptions
  : CallOptions;

/**
 * The typed `execute` signature for a schema and policy.
 *
 * The command is inferred from the first argument alone: everywhere else it
 * appears as `NoInfer<command>`. Were the argument object an inference site,
 * TypeScript would compute the constraint of the rest type over every command
 * at once (the union of all argument objects): measured at over 60 s and 4 GB
 * on QMP 10.2 before running out of memory. (The older idiom
 * `[command][command extends unknown ? 0 : never]` no longer prevents that
 * inference.) The same holds for the result: a call in a typed context
 * (`const s: T = await execute(…)`, `return execute(…)`) would otherwise infer
 * the command from the expected result. `NoInfer` goes on the command, not
 * around the rest tuple or the result: a `NoInfer<…>` of an object type stays
 * in hovers and in `Parameters<typeof execute<"stop">>`, where a spread then
 * no longer sees a tuple.
 *
 * @example
 * ```ts
 * import type { Execute } from "./execute.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * declare const execute: Execute<Qmp10_2>;
 * const status = await execute("query-status");
 * console.log(status.running);
 * ```
 */
export type Execute<schema, policy = AcceptAll> = <command extends CommandName<schema, policy>>(
  command: command,
  ...rest: ExecuteArguments<schema, NoInfer<command>, policy>
) => Promise<ReturnOf<schema, NoInfer<command>>>;
