/**
 * What a line typed into `qapi-ts shell` asks for: a call written as
 * qmp-shell writes it (`command key=value key.sub=value …`), a raw QMP
 * command (`{"execute": …, "arguments": …}`), or `hmp COMMAND LINE`.
 *
 * @module
 */

import { parseJson } from "../protocol/json.ts";

/**
 * A parsed line: a call with its arguments, an HMP command line, or nothing
 * (an empty line or a `#` comment).
 *
 * @example
 * ```ts
 * import type { ShellInput } from "./shell_input.ts";
 * const input: ShellInput = { kind: "call", command: "stop", args: {} };
 * ```
 */
export type ShellInput =
  | { readonly kind: "call"; readonly command: string; readonly args: Record<string, unknown> }
  | { readonly kind: "hmp"; readonly commandLine: string }
  | { readonly kind: "empty" };

/**
 * A line that is not a call: what is wrong with it.
 *
 * @example
 * ```ts
 * import { InputError } from "./shell_input.ts";
 * console.log(new InputError("'size' is given twice").message);
 * ```
 */
export class InputError extends Error {
  /** `InputError`. */
  override name = "InputError";
}

/**
 * Splits a line at blanks outside quotes and outside JSON brackets, so that
 * `a={"x": 1} b='two words'` is two words. An unclosed quote or bracket
 * runs to the end of the line.
 *
 * @example
 * ```ts
 * import { splitWords } from "./shell_input.ts";
 * console.log(splitWords(`cmd a={"x": 1} b='two words'`)); // ["cmd", "a={\"x\": 1}", "b='two words'"]
 * ```
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote = "";
  let depth = 0;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quote) {
      word += ch;
      if (ch === "\\" && quote === '"' && i + 1 < line.length) word += line.charAt(++i);
      else if (ch === quote) quote = "";
      continue;
    }
    if (/\s/.test(ch) && depth === 0) {
      if (started) words.push(word);
      word = "";
      started = false;
      continue;
    }
    started = true;
    word += ch;
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "{" || ch === "[") depth++;
    else if ((ch === "}" || ch === "]") && depth > 0) depth--;
  }
  if (started) words.push(word);
  return words;
}

/**
 * A value as typed after `key=`: `'text'` is the text as is; anything that
 * parses as JSON is that JSON value (`3`, `true`, `null`, `"x"`, `{…}`,
 * `[…]`; integers beyond 2^53 exactly, as `bigint`); anything else is a
 * string (`on`, `/tmp/disk.qcow2`).
 *
 * @example
 * ```ts
 * import { parseValue } from "./shell_input.ts";
 * console.log(parseValue("42"), parseValue("qcow2"), parseValue("'42'")); // 42 "qcow2" "42"
 * ```
 */
export function parseValue(text: string): unknown {
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1);
  try {
    return parseJson(text);
  } catch {
    return text;
  }
}

const isIndex = (part: string) => /^(0|[1-9][0-9]{0,8})$/.test(part);

/**
 * Sets `key` as an own property. An assignment would not: where
 * `Object.prototype.__proto__` is a setter (Node), `__proto__=…` would set
 * the prototype, and the argument would be dropped without a word instead
 * of refused by the schema.
 */
function own(container: object, key: string, value: unknown): void {
  Object.defineProperty(container, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/**
 * Sets `value` at a dotted key (`file.driver`) in `args`, building the
 * objects on the way; a part that is a number (`keys.0`) indexes an array.
 * Throws `InputError` when the key was given already or crosses a value.
 *
 * @example
 * ```ts
 * import { setPath } from "./shell_input.ts";
 * const args = {};
 * setPath(args, "file.driver", "file");
 * setPath(args, "file.filename", "/tmp/a");
 * console.log(args); // { file: { driver: "file", filename: "/tmp/a" } }
 * ```
 */
export function setPath(args: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  if (parts.some((part) => part === "")) throw new InputError(`'${key}' is not a key`);
  let node: Record<string, unknown> | unknown[] = args;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const here = parts.slice(0, i + 1).join(".");
    if (Array.isArray(node) && !isIndex(part)) {
      throw new InputError(`'${parts.slice(0, i).join(".")}' is a list: '${here}' needs a number`);
    }
    const container = node as Record<string, unknown>;
    const present = Object.hasOwn(container, part) ? container[part] : undefined;
    if (last) {
      if (present !== undefined) throw new InputError(`'${here}' is given twice`);
      if (Array.isArray(node) && Number(part) > node.length) {
        throw new InputError(`'${here}': list items go in order from 0 (next is ${node.length})`);
      }
      own(container, part, value);
      return;
    }
    if (present === undefined) {
      if (Array.isArray(node) && Number(part) > node.length) {
        throw new InputError(`'${here}': list items go in order from 0 (next is ${node.length})`);
      }
      own(container, part, isIndex(parts[i + 1]!) ? [] : {}); // Not the last part.
    } else if (typeof present !== "object" || present === null) {
      throw new InputError(`'${here}' is given a value already, so '${key}' can't be set`);
    }
    node = container[part] as Record<string, unknown> | unknown[];
  }
}

/**
 * Parses one line. `{…}` is a raw command (`execute` and optional
 * `arguments`); `hmp …` (with `hmp`) passes the rest of the line to the
 * human monitor; otherwise the first word is the command and each further
 * word is `key=value` (see `parseValue` and `setPath`). Throws `InputError`.
 *
 * @example
 * ```ts
 * import { parseLine } from "./shell_input.ts";
 * console.log(parseLine("blockdev-add driver=null-co node-name=n0 size=1048576", true));
 * // { kind: "call", command: "blockdev-add", args: { driver: "null-co", "node-name": "n0", size: 1048576 } }
 * ```
 */
export function parseLine(line: string, hmp: boolean): ShellInput {
  const text = line.trim();
  if (text === "" || text.startsWith("#")) return { kind: "empty" };
  if (text.startsWith("{")) {
    let value: unknown;
    try {
      value = parseJson(text);
    } catch (error) {
      throw new InputError(`not JSON: ${(error as Error).message}`);
    }
    const raw = value as Record<string, unknown>;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new InputError('a raw command is an object: {"execute": NAME, "arguments": {...}}');
    }
    const extra = Object.keys(raw).filter((key) => key !== "execute" && key !== "arguments");
    if (typeof raw["execute"] !== "string" || extra.length > 0) {
      throw new InputError(
        `a raw command is {"execute": NAME, "arguments": {...}}${
          extra.length ? ` (not '${extra[0]}')` : ""
        }`,
      );
    }
    const args = raw["arguments"] ?? {};
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
      throw new InputError("'arguments' is an object");
    }
    return { kind: "call", command: raw["execute"], args: args as Record<string, unknown> };
  }
  const [command, ...words] = splitWords(text);
  if (command === undefined) return { kind: "empty" }; // Not reached: the text has a word.
  if (hmp && command === "hmp") {
    const commandLine = text.slice(3).trim();
    if (!commandLine) throw new InputError("hmp needs a command line (hmp info status)");
    return { kind: "hmp", commandLine };
  }
  const args: Record<string, unknown> = {};
  for (const word of words) {
    const equals = word.indexOf("=");
    if (equals <= 0) throw new InputError(`'${word}' is not key=value`);
    setPath(args, word.slice(0, equals), parseValue(word.slice(equals + 1)));
  }
  return { kind: "call", command, args };
}
