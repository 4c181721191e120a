/**
 * Spans of the vendored QMP versions by name. A module of its own because it
 * imports every vendored QMP schema: importing the type-level compiler alone
 * (`lib/types/mod.ts`) then costs nothing for versions a program never names.
 *
 * @module
 */

import type { Qmp } from "../../schemas/qmp/mod.ts";
import type { SpanOf } from "./span.ts";

/**
 * A span of vendored QMP versions: `Span<"7.2" | "10.2">`.
 *
 * @example
 * ```ts
 * import type { Span } from "./qmp_span.ts";
 * import type { CommandName } from "./commands.ts";
 * const everywhere: CommandName<Span<"5.2" | "10.2">> = "query-status";
 * ```
 */
export type Span<versions extends keyof Qmp> = SpanOf<Qmp[versions]>;
