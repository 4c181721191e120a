/**
 * The live schema: QEMU's `query-qmp-schema` indexed, capability queries in
 * libvirt's syntax, and validation of arguments and values against it.
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
