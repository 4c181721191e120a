/**
 * The type of QAPI's `any`: any JSON value. Never TypeScript's `any`, which
 * would accept every wrong call.
 *
 * @module
 */

/**
 * A JSON value, as QEMU sends or accepts it.
 *
 * @example
 * ```ts
 * import type { JsonValue } from "./json.ts";
 * const value: JsonValue = { size: 1, flags: [true, null, "x"] };
 * ```
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };
