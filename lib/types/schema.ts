/**
 * What a client's type parameter may be: a vendored schema, or a span of
 * them.
 *
 * @module
 */

import type { SpanOf } from "./span.ts";

/**
 * The shape every vendored schema has. Loose on purpose (`object` maps):
 * checking a type argument against it costs nothing, where checking it
 * against the literal's full shape would walk every definition.
 *
 * @example
 * ```ts
 * import type { SchemaShape } from "./schema.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const version: SchemaShape["version"] = "10.2" satisfies Qmp10_2["version"];
 * ```
 */
export interface SchemaShape {
  /** `qmp`, `qga` or `qsd`. */
  readonly protocol: string;
  /** The QEMU release, `MAJOR.MINOR`. */
  readonly version: string;
  /** The named types. */
  readonly types: object;
  /** The commands. */
  readonly commands: object;
  /** The events. */
  readonly events: object;
}

/**
 * A schema or a span of schemas: what `connect<…>()`, `launch<…>()` and
 * `QmpClient<…>` accept. A version string is not one (`connect<"10.2">()`
 * does not compile): name the schema (`Qmp10_2`, `Qmp["10.2"]`) or a span
 * (`Span<"7.2" | "10.2">`).
 *
 * @example
 * ```ts
 * import type { Schema } from "./schema.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * type Accepted = Qmp10_2 extends Schema ? true : false; // true
 * const accepted: Accepted = true;
 * ```
 */
export type Schema = SchemaShape | SpanOf<SchemaShape>;
