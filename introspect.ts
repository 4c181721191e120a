/**
 * The live schema: QEMU's `query-qmp-schema` indexed, capability queries in
 * libvirt's syntax, validation of arguments and values against it, and
 * vendoring it as a typed module (`vendorLive`, `vendorBinary`): types for the
 * exact binary at hand.
 *
 * @example
 * ```ts
 * import { indexLiteral, supports } from "./introspect.ts";
 * import { qmp10_2 } from "./schemas/qmp/10.2.js";
 * console.log(supports(indexLiteral(qmp10_2), "blockdev-add/arg-type/+file/filename"));
 * ```
 *
 * @module
 */

export {
  indexSchemaInfo,
  type SchemaInfo,
  type SchemaInfoIndex,
} from "./lib/introspect/schema_info.ts";
export { indexLiteral } from "./lib/introspect/from_literal.ts";
export { supports } from "./lib/introspect/supports.ts";
export { validateArguments, validateValue, ValidationError } from "./lib/introspect/validate.ts";
export { literalFromSchemaInfo, type LiteralOptions } from "./lib/introspect/to_literal.ts";
export {
  type LiveModule,
  type LiveSchemaSource,
  type LiveVendorOptions,
  nearestVendored,
  vendorBinary,
  vendorLive,
} from "./lib/emit/live.ts";
export type { VendoredModule } from "./lib/emit/emit.ts";
export type { SchemaIR } from "./lib/qapi/ir.ts";
export type { Protocol, SchemaLiteral } from "./lib/types/literal.ts";
