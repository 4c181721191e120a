/**
 * JSON with lossless integers. QEMU sends 64-bit integers; `JSON.parse`
 * rounds those above 2^53 silently. Here such integers become `bigint`
 * instead, and `bigint` arguments are sent as exact JSON numbers.
 *
 * The fast path stays `JSON.parse`: the lossless pass runs only when a line
 * holds a run of 16 or more digits, the shortest that can exceed 2^53.
 *
 * @module
 */

const longDigits = /\d{16,}/;
const marker = "\u0000bigint:";

/**
 * Parses a JSON text; integers beyond `Number.MAX_SAFE_INTEGER` come back as
 * `bigint`, every other number as `number`.
 *
 * @example
 * ```ts
 * import { parseJson } from "./json.ts";
 * const value = parseJson('{"size": 9223372036854775807, "small": 1}') as Record<string, unknown>;
 * console.log(value.size === 9223372036854775807n, value.small === 1); // true true
 * ```
 */
export function parseJson(text: string): unknown {
  if (!longDigits.test(text)) return JSON.parse(text);
  return JSON.parse(
    markLargeIntegers(text),
    (_key, value) =>
      typeof value === "string" && value.startsWith(marker)
        ? BigInt(value.slice(marker.length))
        : value,
  );
}

/** Quotes unsafe integer literals (outside strings) as marked strings. */
function markLargeIntegers(text: string): string {
  let result = "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      // Skip the string, honouring escapes.
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
        if (text.charCodeAt(i) === 92 /* \ */) i++;
      }
    } else if (ch === 45 /* - */ || (ch >= 48 && ch <= 57)) {
      let end = i + 1;
      while (end < text.length && /[0-9.eE+-]/.test(text[end])) end++;
      const literal = text.slice(i, end);
      if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        result += text.slice(last, i) + JSON.stringify(marker + literal);
        last = end;
      }
      i = end - 1;
    }
  }
  return result + text.slice(last);
}

/**
 * Serialises a value to JSON, writing `bigint`s as exact numbers.
 *
 * @example
 * ```ts
 * import { stringifyJson } from "./json.ts";
 * console.log(stringifyJson({ size: 2n ** 63n - 1n })); // {"size":9223372036854775807}
 * ```
 */
export function stringifyJson(value: unknown): string {
  // Fast path: a replacer function costs a call per value, and bigints are
  // rare; JSON.stringify throws a TypeError on the first one it meets.
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  let sawBigint = false;
  const text = JSON.stringify(value, (_key, item) => {
    if (typeof item !== "bigint") return item;
    sawBigint = true;
    return marker + item.toString();
  });
  if (!sawBigint) return text;
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, "$1");
}
