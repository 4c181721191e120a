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
  readonly name: string;
  readonly "meta-type": "builtin" | "enum" | "array" | "object" | "alternate" | "command" | "event";
  readonly features?: readonly string[];
  readonly "json-type"?: string;
  readonly values?: readonly string[];
  readonly members?: readonly {
    readonly name?: string;
    readonly type: string;
    readonly default?: null;
    readonly features?: readonly string[];
  }[];
  readonly "element-type"?: string;
  readonly tag?: string;
  readonly variants?: readonly { readonly case: string; readonly type: string }[];
  readonly "arg-type"?: string;
  readonly "ret-type"?: string;
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
  readonly byName: ReadonlyMap<string, SchemaInfo>;
  readonly commands: ReadonlyMap<string, SchemaInfo>;
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
