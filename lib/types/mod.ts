/**
 * The type-level compiler: derives, from a vendored schema literal, every
 * command's arguments and result, every event's data and every named type,
 * inside the TypeScript checker.
 *
 * @example
 * ```ts
 * import type { CommandArgs, CommandReturn } from "./mod.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const args: CommandArgs<Qmp10_2, "block_resize"> = { "node-name": "disk0", size: 1 << 30 };
 * declare const blocks: CommandReturn<Qmp10_2, "query-block">;
 * const format: string | undefined = blocks[0].inserted?.image.format;
 * ```
 *
 * @module
 */

export type {
  AllowsOob,
  Arguments,
  ArgumentsKind,
  ArgumentsOf,
  ArgumentsUnderPolicy,
  CommandArgs,
  CommandName,
  CommandReturn,
  Empty,
  NoArguments,
  ReturnOf,
  SomeArguments,
  SpanCommandArguments,
  SpanCommandArgumentsUnderPolicy,
  TakesNoArguments,
  UnlistedMembers,
} from "./commands.ts";
export type {
  EventData,
  EventDataOf,
  EventMembers,
  EventName,
  EventTimestamp,
  QmpEvent,
  SentEventName,
} from "./events.ts";
export type {
  Input,
  InputVariant,
  Output,
  OutputVariant,
  RejectedByPolicy,
  Restricted,
  RestrictedVariant,
} from "./objects.ts";
export type { Execute, ExecuteArguments } from "./execute.ts";
export type { AcceptAll, CompatPolicy } from "./features.ts";
export type { JsonInput, JsonValue } from "./json.ts";
export type { TypeOf } from "./type_of.ts";
export type {
  InputEnum,
  InputUnion,
  NoMembers,
  OutputUnion,
  RestrictedEnum,
  RestrictedUnion,
} from "./resolve.ts";
export type {
  AtLeast,
  AtMost,
  Between,
  NarrowSpan,
  SchemasOf,
  SpanOf,
  VendoredVersions,
} from "./span.ts";
export type { NoObjectSuitsEveryVersion } from "./commands.ts";
export type { Schema, SchemaShape } from "./schema.ts";
export type * from "./literal.ts";
