/**
 * Any named type of a schema, as the server returns it.
 *
 * @module
 */

import type { ResolveNamedIn, ResolveNamedOut } from "./resolve.ts";

/**
 * The TypeScript type of a named QAPI type (`"BlockInfo"`, `"RunState"`), in
 * the form results and events carry (open enums). With `"in"` as the
 * direction, the form arguments take (exact).
 *
 * @example
 * ```ts
 * import type { TypeOf } from "./type_of.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const state: TypeOf<Qmp10_2, "RunState"> = "running";
 * ```
 */
export type TypeOf<schema, name extends string, direction extends "in" | "out" = "out"> =
  direction extends "in" ? ResolveNamedIn<schema, name, never> : ResolveNamedOut<schema, name>;
