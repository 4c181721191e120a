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

const isList = (value: unknown, item: (value: unknown) => boolean): boolean =>
  Array.isArray(value) && value.every(item);
const isString = (value: unknown): value is string => typeof value === "string";
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const optional = (value: unknown, check: (value: unknown) => boolean) =>
  value === undefined || check(value);
const strings = (value: unknown) => isList(value, isString);

/**
 * Whether an entry has `SchemaInfo`'s shape, with the parts its meta-type
 * needs (an enum's values, an array's element type, a command's argument and
 * result types, a member's type). The reply comes from the peer: an entry
 * that does not fit is left out of the index, so a reference to it reads as
 * a reference to an unknown type, and nothing that reads the index meets a
 * missing list or a number where a name belongs.
 */
function wellFormed(entry: unknown): entry is SchemaInfo {
  if (!isRecord(entry) || !isString(entry["name"]) || !optional(entry["features"], strings)) {
    return false;
  }
  const member = (named: boolean, typed: boolean) => (value: unknown) =>
    isRecord(value) && (named ? isString(value["name"]) : optional(value["name"], isString)) &&
    (typed ? isString(value["type"]) : optional(value["type"], isString)) &&
    optional(value["features"], strings);
  switch (entry["meta-type"]) {
    case "builtin":
      return isString(entry["json-type"]);
    case "enum":
      // QEMU 8.0 and later also list the values as members, with their features.
      return strings(entry["values"]) &&
        optional(entry["members"], (m) => isList(m, member(true, false)));
    case "array":
      return isString(entry["element-type"]);
    case "object":
      return optional(entry["members"], (m) => isList(m, member(true, true))) &&
        optional(entry["tag"], isString) &&
        optional(
          entry["variants"],
          (variants) =>
            isList(variants, (v) => isRecord(v) && isString(v["case"]) && isString(v["type"])),
        );
    case "alternate":
      return optional(entry["members"], (m) => isList(m, member(false, true)));
    case "command":
      return isString(entry["arg-type"]) && isString(entry["ret-type"]);
    case "event":
      return isString(entry["arg-type"]);
    default:
      return false;
  }
}

/**
 * Indexes a `query-qmp-schema` reply. Entries without `SchemaInfo`'s shape
 * are left out (and all of them when the reply is not a list): the reply
 * is the peer's, so the index holds only what its readers can rely on.
 *
 * @example
 * ```ts
 * import { indexSchemaInfo } from "./schema_info.ts";
 * const index = indexSchemaInfo([
 *   { name: "str", "meta-type": "builtin", "json-type": "string" },
 *   { name: "0", "meta-type": "enum" } as never, // no values: left out
 * ]);
 * console.log(index.byName.size); // 1
 * ```
 */
export function indexSchemaInfo(entries: readonly SchemaInfo[]): SchemaInfoIndex {
  const byName = new Map<string, SchemaInfo>();
  const commands = new Map<string, SchemaInfo>();
  const events = new Map<string, SchemaInfo>();
  for (const entry of Array.isArray(entries) ? entries : []) {
    if (!wellFormed(entry)) continue;
    byName.set(entry.name, entry);
    if (entry["meta-type"] === "command") commands.set(entry.name, entry);
    else if (entry["meta-type"] === "event") events.set(entry.name, entry);
  }
  return { byName, commands, events };
}
