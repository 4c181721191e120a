/**
 * Flattening for hovers.
 *
 * @module
 */

/**
 * The same object type, written out as one object literal: what hovers show
 * at the API surface instead of the mapped types and intersections it is
 * computed with. Homomorphic, so each member keeps its JSDoc; unions are
 * flattened member by member, arrays element by element. Only the surface
 * is flattened (members' own types stay named), which keeps the cost to one
 * mapping per result.
 *
 * @example
 * ```ts
 * import type { Prettify } from "./prettify.ts";
 * type Flat = Prettify<{ a: 1 } & { b?: 2 }>; // { a: 1; b?: 2 }
 * const value: Flat = { a: 1 };
 * ```
 *
 * @internal
 */
export type Prettify<value> = value extends object
  ? value extends readonly (infer element)[] ? readonly Prettify<element>[]
  : { [key in keyof value]: value[key] }
  : value;
