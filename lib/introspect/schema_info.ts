/**
 * QEMU's own description of its schema (`query-qmp-schema`): the
 * `SchemaInfo` entries, indexed by name for constant-time lookups.
 *
 * @module
 */

/**
 * One `SchemaInfo` entry (the parts qapi-ts reads). Type names other than
 * commands' and events' are masked by QEMU as numbers (`"123"`).
 *
 * @example
 * ```ts
 * import type { SchemaInfo } from "./schema_info.ts";
 * const info: SchemaInfo = { name: "int", "meta-type": "builtin", "json-type": "int" };
 * ```
 */
export interface SchemaInfo {
  /** The entity's name; QEMU masks the names of types (`"0"`, `"123"`), not of commands and events. */
  readonly name: string;
  /** What the entity is. */
  readonly "meta-type": "builtin" | "enum" | "array" | "object" | "alternate" | "command" | "event";
  /** Its features (`deprecated`, `unstable`, …). */
  readonly features?: readonly string[];
  /** For a builtin: its JSON type (`int`, `string`, `value`, …). */
  readonly "json-type"?: string;
  /** For an enum: its values. */
  readonly values?: readonly string[];
  /** For an object: its members (an optional one has `default: null`); for an alternate: its branches' types. */
  readonly members?: readonly {
    readonly name?: string;
    readonly type: string;
    readonly default?: null;
    readonly features?: readonly string[];
  }[];
  /** For an array: the element type. */
  readonly "element-type"?: string;
  /** For a union: the discriminator member. */
  readonly tag?: string;
  /** For a union: each discriminator value's branch type. */
  readonly variants?: readonly { readonly case: string; readonly type: string }[];
  /** For a command or an event: the arguments' (data's) object type. */
  readonly "arg-type"?: string;
  /** For a command: the result's type. */
  readonly "ret-type"?: string;
  /** For a command: whether it may run out of band. */
  readonly "allow-oob"?: boolean;
}

/**
 * A `query-qmp-schema` reply indexed by name.
 *
 * @example
 * ```ts
 * import { indexSchemaInfo } from "./schema_info.ts";
 * const index = indexSchemaInfo([{ name: "stop", "meta-type": "command", "arg-type": "0", "ret-type": "0" }]);
 * console.log(index.commands.has("stop")); // true
 * ```
 */
export interface SchemaInfoIndex {
  /** Every entity by name (types under their masked names). */
  readonly byName: ReadonlyMap<string, SchemaInfo>;
  /** The commands by name. */
  readonly commands: ReadonlyMap<string, SchemaInfo>;
  /** The events by name. */
  readonly events: ReadonlyMap<string, SchemaInfo>;
}

/**
 * Indexes a `query-qmp-schema` reply.
 *
 * @example
 * ```ts
 * import { indexSchemaInfo } from "./schema_info.ts";
 * const index = indexSchemaInfo([]);
 * console.log(index.byName.size); // 0
 * ```
 */
export function indexSchemaInfo(entries: readonly SchemaInfo[]): SchemaInfoIndex {
  const byName = new Map<string, SchemaInfo>();
  const commands = new Map<string, SchemaInfo>();
  const events = new Map<string, SchemaInfo>();
  for (const entry of entries) {
    byName.set(entry.name, entry);
    if (entry["meta-type"] === "command") commands.set(entry.name, entry);
    else if (entry["meta-type"] === "event") events.set(entry.name, entry);
  }
  return { byName, commands, events };
}
