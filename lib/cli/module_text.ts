/**
 * Reads the value of a module written by `qapi-ts vendor` from its text,
 * without running it: `export const NAME = VALUE;`, where VALUE is made of
 * objects, arrays, strings, numbers, `true`, `false` and `null`, with
 * comments anywhere between them (what the vendor writes, and nothing more).
 *
 * @module
 */

/**
 * The text is not a module as the vendor writes it; the message says where
 * (`line 3, column 7: expected ':'`).
 *
 * @example
 * ```ts
 * import { ModuleTextError } from "./module_text.ts";
 * console.log(new ModuleTextError("line 1, column 1: expected 'export'").message);
 * ```
 */
export class ModuleTextError extends Error {
  /** `ModuleTextError`. */
  override name = "ModuleTextError";
}

/** Nesting beyond this is refused (the vendor writes about 8 levels). */
const maxDepth = 128;

const identifierStart = /[A-Za-z_$]/;
const identifierPart = /[A-Za-z0-9_$]/;
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses `export const NAME = VALUE;` (comments aside) and returns the name
 * and the value. Throws `ModuleTextError` for anything else.
 *
 * @example
 * ```ts
 * import { parseModuleValue } from "./module_text.ts";
 * const text = '// a comment\nexport const qga9_1 = { protocol: "qga", "version": "9.1", list: [1, true], };\n';
 * console.log(parseModuleValue(text)); // { name: "qga9_1", value: { protocol: "qga", version: "9.1", list: [1, true] } }
 * ```
 */
export function parseModuleValue(text: string): { name: string; value: unknown } {
  let at = 0;

  const where = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
  };
  const fail = (expected: string): never => {
    const found = at >= text.length
      ? "the end"
      : `'${String.fromCodePoint(text.codePointAt(at)!)}'`;
    throw new ModuleTextError(`${where(at)}: expected ${expected}, found ${found}`);
  };

  /** Skips white space and comments. */
  const skip = () => {
    for (;;) {
      while (at < text.length && /\s/.test(text.charAt(at))) at++;
      if (text.startsWith("//", at)) {
        const end = text.indexOf("\n", at);
        at = end < 0 ? text.length : end + 1;
      } else if (text.startsWith("/*", at)) {
        const end = text.indexOf("*/", at + 2);
        if (end < 0) fail("the end of the comment");
        at = end + 2;
      } else return;
    }
  };

  const identifier = (): string | undefined => {
    if (at >= text.length || !identifierStart.test(text.charAt(at))) return undefined;
    const start = at;
    while (at < text.length && identifierPart.test(text.charAt(at))) at++;
    return text.slice(start, at);
  };

  const expectWord = (word: string) => {
    skip();
    const start = at;
    if (identifier() !== word) {
      at = start;
      fail(`'${word}'`);
    }
  };

  const expectChar = (char: string) => {
    skip();
    if (text[at] !== char) fail(`'${char}'`);
    at++;
  };

  const string = (): string => {
    const start = at++;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === "\n") break;
      at += text[at] === "\\" ? 2 : 1;
    }
    if (text[at] !== '"') {
      at = start;
      fail("a string that ends on its line");
    }
    at++;
    try {
      return JSON.parse(text.slice(start, at));
    } catch {
      at = start;
      return fail("a string in JSON's syntax");
    }
  };

  const value = (depth: number): unknown => {
    if (depth > maxDepth) fail(`nesting at most ${maxDepth} deep`);
    skip();
    const char = text[at];
    if (char === '"') return string();
    if (char === "{") {
      at++;
      const object: Record<string, unknown> = {};
      for (;;) {
        skip();
        if (text[at] === "}") break;
        const key = text[at] === '"' ? string() : identifier() ?? fail("a key or '}'");
        expectChar(":");
        // Defined, not assigned: a key named __proto__ is a key like any other.
        Object.defineProperty(object, key, {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skip();
        if (text[at] === ",") at++;
        else if (text[at] !== "}") fail("',' or '}'");
      }
      at++;
      return object;
    }
    if (char === "[") {
      at++;
      const array: unknown[] = [];
      for (;;) {
        skip();
        if (text[at] === "]") break;
        array.push(value(depth + 1));
        skip();
        if (text[at] === ",") at++;
        else if (text[at] !== "]") fail("',' or ']'");
      }
      at++;
      return array;
    }
    numberPattern.lastIndex = at;
    const number = numberPattern.exec(text);
    if (number) {
      at += number[0].length;
      return Number(number[0]);
    }
    const start = at;
    const word = identifier();
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "null") return null;
    at = start;
    return fail("a value");
  };

  expectWord("export");
  expectWord("const");
  skip();
  const name = identifier() ?? fail("a name");
  expectChar("=");
  const result = value(0);
  skip();
  if (text[at] === ";") at++;
  skip();
  if (at < text.length) fail("the end (one export)");
  return { name, value: result };
}
