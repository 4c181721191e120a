/**
 * The QAPI source reader: reads QEMU's schema language (`qapi/*.json`),
 * checks it as QEMU's generator does, and returns the IR the vendor writes
 * `schemas/` from.
 *
 * Any input ends in the IR or a `QapiError` (`FILE:LINE: message`), within
 * bounds (`defaultLimits`): regular files only, 4 MiB each and 16 MiB in
 * all, nesting 256 deep, includes 32 deep and 1,024 files, 5 million steps
 * of whole-schema checks. A main file that can't be read is a
 * `SchemaReadError`.
 *
 * @example
 * ```ts
 * import { QapiError, readSchema } from "./mod.ts";
 * try {
 *   const schema = await readSchema("qga/qapi-schema.json", { protocol: "qga" });
 *   console.log(Object.keys(schema.commands));
 * } catch (error) {
 *   if (error instanceof QapiError) console.error(error.message); // FILE:LINE: message
 *   else throw error;
 * }
 * ```
 *
 * @module
 */

export { type ReadOptions, readSchema } from "./read.ts";
export { type Diagnostic, QapiError, SchemaReadError, SourcePosition } from "./errors.ts";
export { defaultLimits, type ReaderLimits } from "./limits.ts";
export type { Documentation, Provenance, SchemaIR, SourceInfo } from "./ir.ts";
export type {
  CommandDefinition,
  EventDefinition,
  Protocol,
  TypeDefinition,
} from "../types/literal.ts";
