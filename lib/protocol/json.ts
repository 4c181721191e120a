/**
 * JSON with lossless integers. QEMU sends 64-bit integers; `JSON.parse`
 * rounds those above 2^53 silently. Here an integer literal outside the safe
 * range (|n| > 2^53 − 1) becomes a `bigint`; every other value is exactly what
 * `JSON.parse` gives (a string is always a string, whatever it holds), and
 * `bigint` arguments are sent as exact JSON integers.
 *
 * The fast path stays `JSON.parse`: the exact parser runs only when a text
 * holds a run of 16 or more digits, the shortest that can exceed 2^53.
 *
 * @module
 */

const longDigits = /\d{16,}/;

/**
 * Parses a JSON text; integer literals beyond `Number.MAX_SAFE_INTEGER` in
 * magnitude come back as `bigint`, everything else as `JSON.parse` gives it.
 * Throws `SyntaxError` on a text that `JSON.parse` refuses.
 *
 * @example
 * ```ts
 * import { parseJson } from "./json.ts";
 * const value = parseJson('{"size": 9223372036854775807, "small": 1}') as Record<string, unknown>;
 * console.log(value.size === 9223372036854775807n, value.small === 1); // true true
 * ```
 */
export function parseJson(text: string): unknown {
  return longDigits.test(text) ? parseExact(text) : JSON.parse(text);
}

/**
 * The exact path: a JSON parser of its own (iterative, so nesting depth costs
 * heap, not stack), as strict as `JSON.parse`. Strings with escapes are
 * decoded by `JSON.parse` itself.
 */
function parseExact(text: string): unknown {
  const length = text.length;
  /** Containers being filled, outermost first, and the key each waits to set. */
  const containers: (unknown[] | Record<string, unknown>)[] = [];
  const keys: string[] = [];
  let container: unknown[] | Record<string, unknown> | undefined;
  let inArray = false;
  let key = "";
  let position = 0;

  const fail = (what = "unexpected character"): never => {
    throw new SyntaxError(
      position >= length
        ? "Unexpected end of JSON input"
        : `${what} at position ${position} in JSON`,
    );
  };
  const skipSpace = () => {
    for (;;) {
      const c = text.charCodeAt(position);
      if (c === 32 || c === 10 || c === 13 || c === 9) position++;
      else return;
    }
  };
  /** Reads the string at `position` (its opening quote). */
  const readString = (): string => {
    const start = position;
    let escaped = false;
    let end = start + 1;
    for (;;) {
      const c = text.charCodeAt(end);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        end += 2;
      } else if (c < 32 || c !== c) {
        position = end;
        return fail("bad character in string");
      } else end++;
    }
    position = end + 1;
    return escaped ? JSON.parse(text.slice(start, end + 1)) : text.slice(start + 1, end);
  };
  /** Reads `"key":` at `position`, after skipping space. */
  const readKey = () => {
    skipSpace();
    if (text.charCodeAt(position) !== 34) fail("expected a property name");
    key = readString();
    skipSpace();
    if (text.charCodeAt(position) !== 58) fail("expected ':'");
    position++;
  };
  const isDigit = (c: number) => c >= 48 && c <= 57;

  for (;;) {
    // A value starts at `position`.
    skipSpace();
    let value: unknown;
    const c = text.charCodeAt(position);
    if (c === 123 /* { */) {
      position++;
      skipSpace();
      if (text.charCodeAt(position) === 125) {
        position++;
        value = {};
      } else {
        if (container) {
          containers.push(container);
          keys.push(key);
        }
        container = {};
        inArray = false;
        readKey();
        continue;
      }
    } else if (c === 91 /* [ */) {
      position++;
      skipSpace();
      if (text.charCodeAt(position) === 93) {
        position++;
        value = [];
      } else {
        if (container) {
          containers.push(container);
          keys.push(key);
        }
        container = [];
        inArray = true;
        continue;
      }
    } else if (c === 34 /* " */) {
      value = readString();
    } else if (c === 45 /* - */ || isDigit(c)) {
      const start = position;
      if (c === 45) position++;
      if (text.charCodeAt(position) === 48) position++;
      else if (isDigit(text.charCodeAt(position))) {
        while (isDigit(text.charCodeAt(position))) position++;
      } else fail("no number after minus sign");
      let integer = true;
      if (text.charCodeAt(position) === 46 /* . */) {
        integer = false;
        position++;
        if (!isDigit(text.charCodeAt(position))) fail("unterminated fractional number");
        while (isDigit(text.charCodeAt(position))) position++;
      }
      const e = text.charCodeAt(position);
      if (e === 101 || e === 69 /* e E */) {
        integer = false;
        position++;
        const sign = text.charCodeAt(position);
        if (sign === 43 || sign === 45) position++;
        if (!isDigit(text.charCodeAt(position))) fail("exponent part is missing a number");
        while (isDigit(text.charCodeAt(position))) position++;
      }
      const literal = text.slice(start, position);
      value = Number(literal);
      if (integer && literal.length >= 16 && !Number.isSafeInteger(value)) {
        value = BigInt(literal);
      }
    } else if (c === 116 && text.startsWith("true", position)) {
      position += 4;
      value = true;
    } else if (c === 102 && text.startsWith("false", position)) {
      position += 5;
      value = false;
    } else if (c === 110 && text.startsWith("null", position)) {
      position += 4;
      value = null;
    } else {
      fail();
    }

    // Store the value, then close every container that ends here.
    for (;;) {
      if (container === undefined) {
        skipSpace();
        if (position < length) fail();
        return value;
      }
      if (inArray) (container as unknown[]).push(value);
      else if (key === "__proto__") {
        // A plain data member, as JSON.parse makes it: never the prototype.
        Object.defineProperty(container, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else (container as Record<string, unknown>)[key] = value;
      skipSpace();
      const next = text.charCodeAt(position);
      if (next === 44 /* , */) {
        position++;
        if (!inArray) readKey();
        break;
      }
      if (next !== (inArray ? 93 : 125)) fail();
      position++;
      value = container;
      container = containers.pop();
      inArray = Array.isArray(container);
      key = keys.pop() ?? "";
    }
  }
}

/**
 * Serialises a value to JSON like `JSON.stringify`, except that `bigint`s
 * are written as exact integers (strings stay strings, whatever they hold).
 *
 * @example
 * ```ts
 * import { stringifyJson } from "./json.ts";
 * console.log(stringifyJson({ size: 2n ** 63n - 1n })); // {"size":9223372036854775807}
 * ```
 */
export function stringifyJson(value: unknown): string {
  // Fast path: bigints are rare, and JSON.stringify throws a TypeError on the
  // first one it meets.
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  return serialize("", value, new Set()) as string;
}

/** `JSON.stringify`'s algorithm (no replacer, no indentation), bigints included. */
function serialize(key: string, value: unknown, ancestors: Set<object>): string | undefined {
  if ((typeof value === "object" && value !== null) || typeof value === "bigint") {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") value = toJSON.call(value, key);
  }
  if (typeof value === "object" && value !== null) {
    // Boxed primitives serialise as their primitive.
    if (value instanceof Number) value = Number(value);
    else if (value instanceof String) value = String(value);
    else if (value instanceof Boolean || value instanceof BigInt) value = value.valueOf();
  }
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      if (ancestors.has(value)) throw new TypeError("Converting circular structure to JSON");
      ancestors.add(value);
      try {
        const parts: string[] = [];
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            parts.push(serialize(String(i), value[i], ancestors) ?? "null");
          }
          return `[${parts.join(",")}]`;
        }
        for (const name of Object.keys(value)) {
          const item = serialize(name, (value as Record<string, unknown>)[name], ancestors);
          if (item !== undefined) parts.push(`${JSON.stringify(name)}:${item}`);
        }
        return `{${parts.join(",")}}`;
      } finally {
        ancestors.delete(value);
      }
    }
    default:
      return undefined; // undefined, functions and symbols are left out
  }
}
