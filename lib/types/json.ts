/**
 * The type of QAPI's `any`: any JSON value. Never TypeScript's `any`, which
 * would accept every wrong call.
 *
 * @module
 */

/**
 * A JSON value, as QEMU sends or accepts it. Integers beyond 2^53 arrive as
 * `bigint` (the client parses them exactly), and a `bigint` is sent as an
 * exact JSON integer: so `bigint` is part of the type, or it would lie about
 * what a reply can hold (`query-cpu-model-expansion` returns
 * `18446744073709551552` inside its `any` properties).
 *
 * @example
 * ```ts
 * import type { JsonValue } from "./json.ts";
 * const value: JsonValue = { size: 1, flags: [true, null, "x"], mask: 2n ** 64n - 64n };
 * ```
 */
export type JsonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };
