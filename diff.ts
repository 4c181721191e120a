/**
 * What changed between two schemas: commands, events, members and enum
 * values added or removed, optionality, deprecation, type changes.
 *
 * @example
 * ```ts
 * import { countChanges, diffSchemas } from "./diff.ts";
 * import { qmp7_2 } from "./schemas/qmp/7.2.js";
 * import { qmp10_2 } from "./schemas/qmp/10.2.js";
 * console.log(countChanges(diffSchemas(qmp7_2, qmp10_2)));
 * ```
 *
 * @module
 */

export { countChanges, diffSchemas, formatChanges, type SchemaChange } from "./lib/diff/diff.ts";
