/**
 * QAPI's builtin types and what each is in TypeScript.
 *
 * @module
 */

import type { JsonInput, JsonValue } from "./json.ts";

/**
 * QAPI's builtin types by name, as a server sends them (`any` is a
 * `JsonValue`, its arrays and objects mutable).
 *
 * The 64-bit integer types (`int`, `int64`, `uint64`, `size`) are
 * `number | bigint`: the client delivers a value beyond 2^53 as a `bigint`
 * (never rounded), so a type of `number` alone would be a lie for them, and
 * a `bigint` argument is sent exactly. The narrower integers always fit a
 * `number`.
 *
 * @example
 * ```ts
 * import type { Builtins } from "./builtins.ts";
 * const size: Builtins["size"] = 1 << 30;
 * const huge: Builtins["uint64"] = 2n ** 64n - 1n;
 * const small: Builtins["uint8"] = 255;
 * ```
 */
export interface Builtins {
  str: string;
  number: number;
  int: number | bigint;
  int8: number;
  int16: number;
  int32: number;
  int64: number | bigint;
  uint8: number;
  uint16: number;
  uint32: number;
  uint64: number | bigint;
  size: number | bigint;
  bool: boolean;
  null: null;
  any: JsonValue;
}

/**
 * QAPI's builtin types by name, as a client sends them: as `Builtins`, but
 * `any` takes readonly arrays and objects too (`JsonInput`). Two maps, so
 * that resolving a builtin stays one index access in either direction.
 *
 * @example
 * ```ts
 * import type { BuiltinsIn } from "./builtins.ts";
 * const value: BuiltinsIn["any"] = { devices: ["a", "b"] } as const;
 * ```
 */
export interface BuiltinsIn extends Omit<Builtins, "any"> {
  any: JsonInput;
}
