/**
 * The type of QAPI's `any`: any JSON value. Never TypeScript's `any`, which
 * would accept every wrong call.
 *
 * @module
 */

/**
 * A JSON value, as QEMU sends it (QAPI `any` in results and event data).
 * Integers beyond 2^53 arrive as `bigint` (the client parses them exactly):
 * so `bigint` is part of the type, or it would lie about what a reply can
 * hold (`query-cpu-model-expansion` returns `18446744073709551552` inside
 * its `any` properties). Arrays and objects are the reply's own, fresh and
 * mutable (and `Array.isArray` narrows them, which it does not do for
 * readonly arrays).
 *
 * @example
 * ```ts
 * import type { JsonValue } from "./json.ts";
 * const value: JsonValue = { size: 1, flags: [true, null, "x"], mask: 2n ** 64n - 64n };
 * if (Array.isArray(value)) value.push(null);
 * ```
 */
export type JsonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * A JSON value as a client sends it (QAPI `any` in arguments): as
 * `JsonValue`, readonly arrays and objects included (`as const` data). A
 * `bigint` is sent as an exact JSON integer.
 *
 * @example
 * ```ts
 * import type { JsonInput } from "./json.ts";
 * const value: JsonInput = { flags: [true, null, "x"], mask: 2n ** 64n - 64n } as const;
 * ```
 */
export type JsonInput =
  | string
  | number
  | bigint
  | boolean
  | null
  | readonly JsonInput[]
  | { readonly [key: string]: JsonInput };
