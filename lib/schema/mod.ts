/**
 * PLACEHOLDER until the type-level compiler lands: the names the rest of the
 * library imports, loosely typed. Replaced wholesale by lib/schema's owner.
 *
 * @module
 */

import type { CallOptions } from "../protocol/options.ts";

/** Placeholder. @example ```ts\nimport type { CommandName } from "./mod.ts";\nconst c: CommandName<object> = "query-status";\n``` */
export type CommandName<_schema> = string;
/** Placeholder. @example ```ts\nimport type { CommandArgs } from "./mod.ts";\nconst a: CommandArgs<object, "x"> = {};\n``` */
export type CommandArgs<_schema, _command> = Record<string, unknown>;
/** Placeholder. @example ```ts\nimport type { CommandReturn } from "./mod.ts";\nconst r: CommandReturn<object, "x"> = {};\n``` */
export type CommandReturn<_schema, _command> = unknown;
/** Placeholder. @example ```ts\nimport type { EventName } from "./mod.ts";\nconst e: EventName<object> = "STOP";\n``` */
export type EventName<_schema> = string;
/** Placeholder. @example ```ts\nimport type { EventData } from "./mod.ts";\nconst d: EventData<object, "STOP"> = {};\n``` */
export type EventData<_schema, _event> = unknown;
/** Placeholder. @example ```ts\nimport type { QmpEvent } from "./mod.ts";\nconst e: QmpEvent<object> = { event: "STOP", data: {}, timestamp: { seconds: 0, microseconds: 0 } };\n``` */
export type QmpEvent<_schema> = {
  event: string;
  data: unknown;
  timestamp: { seconds: number; microseconds: number };
};
/** Placeholder. @example ```ts\nimport type { ExecuteArguments } from "./mod.ts";\nconst a: ExecuteArguments<object, "x"> = [{}];\n``` */
export type ExecuteArguments<_schema, _command, _policy = unknown> = [
  args?: Record<string, unknown>,
  options?: CallOptions,
];
/** Placeholder. @example ```ts\nimport type { CompatPolicy } from "./mod.ts";\nconst p: CompatPolicy = {};\n``` */
export type CompatPolicy = { deprecated?: "accept" | "reject"; unstable?: "accept" | "reject" };
