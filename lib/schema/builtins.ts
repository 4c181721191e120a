/**
 * QAPI's builtin types and what each is in TypeScript.
 *
 * @module
 */

import type { JsonValue } from "./json.ts";

/**
 * QAPI's builtin types by name. Integers of every width are `number`; values
 * beyond 2^53 reach the user through the client's lossless integer mode.
 *
 * @example
 * ```ts
 * import type { Builtins } from "./builtins.ts";
 * const size: Builtins["size"] = 1 << 30;
 * ```
 */
export interface Builtins {
  str: string;
  number: number;
  int: number;
  int8: number;
  int16: number;
  int32: number;
  int64: number;
  uint8: number;
  uint16: number;
  uint32: number;
  uint64: number;
  size: number;
  bool: boolean;
  null: null;
  any: JsonValue;
}
