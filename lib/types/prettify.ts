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
// Arrays are told apart by `extends readonly unknown[]` and their element read
// as `value[number]`: inferring the element (`readonly (infer element)[]`)
// from every object result walked the object's members against the array's
// (a sixth of the instantiations of bench:types' realistic script).
// An open enum's `string & Record<never, never>` passes `extends object`:
// mapped, it became an object of `String`'s methods (a command returning an
// enum, or an array or alternate of one), so strings are kept as they are,
// tested before `object` (inside that branch the value is already narrowed
// to `object`, where a string is `never`).
export type Prettify<value> = value extends readonly unknown[] ? Prettify<value[number]>[]
  : value extends string ? value
  : value extends object ? { [key in keyof value]: value[key] }
  : value;
