/**
 * Every vendored QEMU version, and spans over them: the schemas by version
 * (`Qmp["7.2"]`), `Span<"7.2" | "10.2">` and the version helpers. Importing
 * this module loads every vendored QMP, QGA and QSD schema.
 *
 * @example A client typed for QEMU 7.2 up to 10.2
 * ```ts
 * import type { CommandName } from "./mod.ts";
 * import type { Qmp, Span } from "./versions.ts";
 * const everywhere: CommandName<Span<"7.2" | "10.2">> = "query-status";
 * const newest: Qmp["10.2"]["version"] = "10.2";
 * ```
 *
 * @module
 */

export type { Span } from "./lib/types/qmp_span.ts";
export type { QgaSpan, QsdSpan } from "./lib/types/other_spans.ts";
export type {
  AtLeast,
  AtMost,
  Between,
  NarrowSpan,
  SchemasOf,
  SpanOf,
  VendoredVersions,
} from "./lib/types/span.ts";
export * from "./schemas/mod.ts";
