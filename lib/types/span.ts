/**
 * Version spans: one schema type that stands for several QEMU releases at
 * once. A command or event is in the span only if it is in every release;
 * an argument object is what every release accepts; a result or event
 * payload is the union of what the releases return.
 *
 * @module
 */

/**
 * A span over a union of schema literals (`Qmp["7.2"] | Qmp["10.2"]`).
 *
 * @example
 * ```ts
 * import type { SpanOf } from "./span.ts";
 * import type { Qga7_2, Qga10_2 } from "../../schemas/qga/mod.ts";
 * type Agents = SpanOf<Qga7_2 | Qga10_2>;
 * ```
 */
export interface SpanOf<schemas> {
  /** The schemas of the span (a type-level marker, never present at run time). */
  readonly span: schemas;
}

/**
 * The vendored versions, oldest first: the order `AtLeast` and friends use.
 *
 * @example
 * ```ts
 * import type { VendoredVersions } from "./span.ts";
 * const newest: VendoredVersions[3] = "10.2";
 * ```
 */
export type VendoredVersions = ["5.2", "7.2", "10.0", "10.2"];

/**
 * The versions from `from` on, walking the ordered list.
 *
 * @internal
 */
type From<from, list extends readonly string[], started = false> = list extends
  readonly [infer head extends string, ...infer rest extends string[]]
  ? (started extends true ? head | From<from, rest, true>
    : head extends from ? head | From<from, rest, true>
    : From<from, rest, false>)
  : never;

/**
 * The vendored versions at or after `version`.
 *
 * @example
 * ```ts
 * import type { AtLeast } from "./span.ts";
 * const version: AtLeast<"10.0"> = "10.2";
 * ```
 */
export type AtLeast<version extends VendoredVersions[number]> = From<version, VendoredVersions>;

/**
 * The vendored versions at or before `version`.
 *
 * @example
 * ```ts
 * import type { AtMost } from "./span.ts";
 * const version: AtMost<"7.2"> = "5.2";
 * ```
 */
export type AtMost<version extends VendoredVersions[number]> =
  | Exclude<
    VendoredVersions[number],
    From<version, VendoredVersions>
  >
  | version;

/**
 * The vendored versions from `first` to `last`, both included.
 *
 * @example
 * ```ts
 * import type { Between } from "./span.ts";
 * const version: Between<"7.2", "10.0"> = "10.0";
 * ```
 */
export type Between<
  first extends VendoredVersions[number],
  last extends VendoredVersions[number],
> = AtLeast<first> & AtMost<last>;

/**
 * The schemas of a span, or the schema itself when it is not a span.
 *
 * @example
 * ```ts
 * import type { SchemasOf, SpanOf } from "./span.ts";
 * const version: SchemasOf<SpanOf<{ version: "1.0" }>>["version"] = "1.0";
 * ```
 */
export type SchemasOf<schema> = schema extends SpanOf<infer schemas> ? schemas : schema;

/**
 * A span (or single schema) narrowed to the versions a predicate admits: what
 * `isAtLeast("10.0")` leaves of `Span<"7.2" | "10.2">`.
 *
 * @example
 * ```ts
 * import type { NarrowSpan } from "./span.ts";
 * import type { Span } from "./qmp_span.ts";
 * type Recent = NarrowSpan<Span<"7.2" | "10.2">, "10.0" | "10.2">;
 * ```
 */
export type NarrowSpan<schema, versions> = schema extends SpanOf<infer schemas>
  ? SpanOf<Extract<schemas, { version: versions }>>
  : schema;

/** A union turned into the intersection of its members. */
export type UnionToIntersection<union> = (
  union extends unknown ? (value: union) => void : never
) extends (value: infer intersection) => void ? intersection : never;
