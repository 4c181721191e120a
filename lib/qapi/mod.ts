/**
 * The QAPI source reader: reads QEMU's schema language (`qapi/*.json`),
 * checks it as QEMU's generator does, and returns the IR the vendor writes
 * `schemas/` from.
 *
 * @example
 * ```ts ignore
 * import { readSchema } from "./mod.ts";
 * const schema = await readSchema("qga/qapi-schema.json", { protocol: "qga" });
 * console.log(Object.keys(schema.commands));
 * ```
 *
 * @module
 */

export { type ReadOptions, readSchema } from "./read.ts";
export { type Diagnostic, QapiError, SourcePosition } from "./errors.ts";
export type { Documentation, Provenance, SchemaIR, SourceInfo } from "./ir.ts";
