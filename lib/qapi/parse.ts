/**
 * The QAPI source parser: splits a schema file into top-level expressions
 * and doc comment blocks, in source order.
 *
 * QAPI's expression syntax is a small subset of JSON5: objects, arrays,
 * single-quoted strings of printable ASCII with `\\` as the only escape,
 * `true` and `false`, and `#` comments. The tokenizer and the recursive
 * descent below follow QEMU's parser, with its messages and its positions
 * (lines count `\n`; columns count characters, and tabs as QEMU counts
 * them), and build the values directly: objects without a prototype, so a key
 * such as `__proto__` or `toString` is an ordinary key. Nesting deeper than
 * the limit is refused, so the recursion is bounded.
 *
 * Parsing is lazy: the reader acts on each item (a doc block, an `include`)
 * before the rest of the file is parsed, so errors come in QEMU's order.
 *
 * @module
 */

import { QapiError, SourcePosition } from "./errors.ts";
import { defaultLimits } from "./limits.ts";

/**
 * A JSON value as QAPI allows it: objects, arrays, strings and booleans.
 *
 * @example
 * ```ts
 * import type { QapiValue } from "./parse.ts";
 * const value: QapiValue = { command: "stop", "allow-oob": true };
 * ```
 */
export type QapiValue = string | boolean | QapiValue[] | QapiObject;

/**
 * A QAPI object. Those the parser makes have no prototype.
 *
 * @example
 * ```ts
 * import type { QapiObject } from "./parse.ts";
 * const object: QapiObject = { struct: "Point", data: { x: "int" } };
 * ```
 */
export interface QapiObject {
  [key: string]: QapiValue;
}

/**
 * Whether a value is a QAPI object (not an array).
 *
 * @example
 * ```ts
 * import { isQapiObject } from "./parse.ts";
 * console.log(isQapiObject({}), isQapiObject([])); // true false
 * ```
 */
export function isQapiObject(value: unknown): value is QapiObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The value of an own key, never one inherited from `Object.prototype`.
 *
 * @example
 * ```ts
 * import { own } from "./parse.ts";
 * console.log(own({ data: "x" }, "data"), own({}, "toString")); // "x" undefined
 * ```
 */
export function own(object: QapiObject, key: string): QapiValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * One line of a doc comment block: its text after the `#`, and where it is.
 *
 * @example
 * ```ts
 * import type { DocLine } from "./parse.ts";
 * const line: DocLine = { line: 12, column: 1, text: " @size: new size", raw: "# @size: new size" };
 * ```
 */
export interface DocLine {
  readonly line: number;
  /** The column of the `#` (1-based, counted as `columnOf` counts). */
  readonly column: number;
  /** The text after the `#`. */
  readonly text: string;
  /** The source line up to the end of the comment. */
  readonly raw: string;
}

/**
 * A `##` … `##` block's lines (the opening and closing `##` excluded).
 *
 * QEMU reads a block line by line as it interprets it, so a malformed line
 * (or a missing end) is reported only once the lines before it are
 * interpreted without error: `error` holds that deferred error, and the
 * lines are those before it. Lines are made on request (a block may have
 * millions); `docBlock` makes a block of given lines.
 *
 * @example
 * ```ts
 * import { type DocBlock, docBlock } from "./parse.ts";
 * import { SourcePosition } from "./errors.ts";
 * const block: DocBlock = docBlock(new SourcePosition("a.json", 1), [], { line: 2, column: 1 });
 * console.log(block.length); // 0
 * ```
 */
export interface DocBlock {
  readonly position: SourcePosition;
  /** How many lines. */
  readonly length: number;
  /** Line `index` (0-based). */
  line(index: number): DocLine;
  /** Where the closing `##` is, when the block is well formed. */
  readonly end?: { readonly line: number; readonly column: number } | undefined;
  /**
   * The error QEMU would report on reading past the lines (without `end`),
   * or on reading the token after the closing `##` (with `end`).
   */
  readonly error?: QapiError | undefined;
}

/**
 * A doc block of the given lines.
 *
 * @example
 * ```ts
 * import { docBlock } from "./parse.ts";
 * import { SourcePosition } from "./errors.ts";
 * const block = docBlock(
 *   new SourcePosition("a.json", 1),
 *   [{ line: 2, column: 1, text: " @stop:", raw: "# @stop:" }],
 *   { line: 3, column: 1 },
 * );
 * console.log(block.line(0).text); // " @stop:"
 * ```
 */
export function docBlock(
  position: SourcePosition,
  lines: readonly DocLine[],
  end?: { readonly line: number; readonly column: number },
  error?: QapiError,
): DocBlock {
  // `!`: a block's lines are read at indices below its length.
  return { position, length: lines.length, line: (index) => lines[index]!, end, error };
}

/** A block's lines as offsets into the source: four numbers a line. */
class SourceDocBlock implements DocBlock {
  end?: { readonly line: number; readonly column: number };
  error?: QapiError;
  length = 0;
  /** Per line: line number, offset where the line starts, of the `#`, of the comment's end. */
  #offsets = new Int32Array(16);

  constructor(readonly position: SourcePosition, readonly source: string) {}

  add(line: number, lineStart: number, pos: number, end: number): void {
    if ((this.length + 1) * 4 > this.#offsets.length) {
      const grown = new Int32Array(this.#offsets.length * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    this.#offsets.set([line, lineStart, pos, end], this.length * 4);
    this.length++;
  }

  line(index: number): DocLine {
    // Four offsets for each index below `length`: the defaults never apply.
    const [line = 0, lineStart = 0, pos = 0, end = 0] = this.#offsets.subarray(
      index * 4,
      index * 4 + 4,
    );
    return {
      line,
      column: columnOf(this.source.slice(lineStart, pos)),
      text: this.source.slice(pos + 1, end),
      raw: this.source.slice(lineStart, end),
    };
  }
}

/**
 * What the parser yields, in source order: a top-level expression (with
 * the line it starts on) or a doc comment block.
 *
 * @example
 * ```ts
 * import type { SourceItem } from "./parse.ts";
 * import { SourcePosition } from "./errors.ts";
 * const item: SourceItem = {
 *   kind: "expression",
 *   expression: { command: "stop" },
 *   position: new SourcePosition("a.json", 3),
 * };
 * ```
 */
export type SourceItem =
  | { readonly kind: "expression"; readonly expression: QapiObject; position: SourcePosition }
  | { readonly kind: "doc"; readonly block: DocBlock };

/** Parsing options. */
interface ParseOptions {
  /** The include that brought this file in. */
  readonly parent?: SourcePosition | undefined;
  /** The deepest nesting of `{` and `[` allowed; default 256. */
  readonly maxNesting?: number;
}

/**
 * The column after `text` (the start of a line up to some point), 1-based,
 * counting characters (not UTF-16 units), and tabs as QEMU counts them
 * (`(column + 7) % 8 + 1`).
 *
 * @example
 * ```ts
 * import { columnOf } from "./parse.ts";
 * console.log(columnOf("\u{1F600}x"), columnOf("  \tx")); // 3 4
 * ```
 */
export function columnOf(text: string): number {
  let column = 1;
  for (const ch of text) column = ch === "\t" ? ((column + 7) % 8) + 1 : column + 1;
  return column;
}

/**
 * Python's `str.isspace()`, which QEMU's tokenizer uses.
 *
 * @example
 * ```ts
 * import { isSpace } from "./parse.ts";
 * console.log(isSpace(0x20), isSpace(0x1c), isSpace(0xfeff)); // true true false
 * ```
 */
export function isSpace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x20) || code === 0x85 ||
    code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 ||
    code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

const structural = new Set(["{", "}", "[", "]", ":", ","]);

/** Token kinds: a structural character, `'` (string), `t`/`f` (booleans), `#` (comment), or end. */
type TokenKind = "{" | "}" | "[" | "]" | ":" | "," | "'" | "t" | "f" | "#" | "end";

/** QEMU's tokenizer: the current token, its value, and where it starts. */
class Tokenizer {
  kind: TokenKind = "end";
  /** The string's text, the comment's text (with its `#`s). */
  text = "";
  /** Offset of the current token. */
  pos = 0;
  /** Line of the current token, and the offset where that line starts. */
  line = 1;
  lineStart = 0;
  #cursor = 0;

  constructor(
    readonly source: string,
    readonly file: string,
    readonly parent: SourcePosition | undefined,
  ) {}

  /** A position at the current token's line. */
  position(line = this.line): SourcePosition {
    return new SourcePosition(this.file, line, this.parent);
  }

  /** A syntax error at the current token, with its column. */
  error(message: string, pos = this.pos): QapiError {
    return QapiError.at(this.position(), message, this.column(pos));
  }

  /** The column of an offset on the current line. */
  column(pos = this.pos): number {
    return columnOf(this.source.slice(this.lineStart, pos));
  }

  /** Reads the next token; comments are skipped unless `comments` or they start with `##`. */
  next(comments = false): void {
    const source = this.source;
    for (;;) {
      const pos = this.#cursor;
      this.pos = pos;
      if (pos >= source.length) {
        this.kind = "end";
        return;
      }
      const code = source.charCodeAt(pos);
      this.#cursor = pos + 1;
      switch (code) {
        case 0x23: { // '#'
          let end = source.indexOf("\n", pos);
          if (end < 0) end = source.length;
          this.#cursor = end;
          if (comments || source.charCodeAt(pos + 1) === 0x23) {
            this.kind = "#";
            this.text = source.slice(pos, end);
            return;
          }
          continue;
        }
        case 0x7b: // {
        case 0x7d: // }
        case 0x5b: // [
        case 0x5d: // ]
        case 0x3a: // :
        case 0x2c: // ,
          this.kind = source[pos] as TokenKind;
          return;
        case 0x27: // '
          this.kind = "'";
          this.text = this.#string();
          return;
        case 0x0a: // \n
          // The final newline ends the input on its own line, as QEMU reports it.
          if (this.#cursor === source.length) {
            this.kind = "end";
            return;
          }
          this.line++;
          this.lineStart = this.#cursor;
          continue;
      }
      if (source.startsWith("true", pos)) {
        this.kind = "t";
        this.#cursor = pos + 4;
        return;
      }
      if (source.startsWith("false", pos)) {
        this.kind = "f";
        this.#cursor = pos + 5;
        return;
      }
      if (isSpace(code)) continue;
      throw this.error(`stray '${this.#strayText(pos)}'`);
    }
  }

  /** The rest of a string after its opening quote. */
  #string(): string {
    const source = this.source;
    let text = "";
    let from = this.#cursor;
    for (let i = from;; i++) {
      const code = source.charCodeAt(i);
      if (Number.isNaN(code) || code === 0x0a) throw this.error(`missing terminating "'"`);
      if (code === 0x5c) { // backslash: QAPI knows only \\, having no use for other escapes
        const escaped = source.codePointAt(i + 1);
        if (escaped === 0x0a || escaped === undefined) {
          throw this.error(`missing terminating "'"`);
        }
        if (escaped !== 0x5c) throw this.error(`unknown escape \\${String.fromCodePoint(escaped)}`);
        text += source.slice(from, i + 1);
        i++;
        from = i + 1;
      } else if (code === 0x27) {
        this.#cursor = i + 1;
        return text + source.slice(from, i);
      } else if (code < 32 || code >= 127) {
        throw this.error("funny character in string");
      }
    }
  }

  /** The text of a stray token: up to the next structural, space or quote character. */
  #strayText(pos: number): string {
    let text = "";
    let count = 0;
    for (const ch of this.source.slice(pos, pos + 400)) {
      if (structural.has(ch) || ch === "'" || isSpace(ch.codePointAt(0)!)) break;
      if (++count > 60) return text + "…";
      text += ch;
    }
    return text;
  }
}

/**
 * Parses one file's text lazily into expressions and doc blocks. `include`
 * and `pragma` expressions are yielded like any other; the reader acts on
 * them. Throws `QapiError` for a syntax error.
 *
 * @example
 * ```ts
 * import { parseSource } from "./parse.ts";
 * for (const item of parseSource("{ 'command': 'stop' }\n", "a.json")) {
 *   if (item.kind === "expression") console.log(item.expression.command); // "stop"
 * }
 * ```
 */
export function* parseSource(
  source: string,
  file: string,
  options: ParseOptions = {},
): Generator<SourceItem, void, undefined> {
  const tokens = new Tokenizer(source, file, options.parent);
  const maxNesting = options.maxNesting ?? defaultLimits.maxNesting;
  let depth = 0;

  const enter = () => {
    if (++depth > maxNesting) {
      throw tokens.error(`nesting too deep (more than ${maxNesting} levels)`);
    }
  };
  const value = (): QapiValue => {
    switch (tokens.kind) {
      case "{":
        enter();
        tokens.next();
        return members();
      case "[":
        enter();
        tokens.next();
        return values();
      case "'": {
        const text = tokens.text;
        tokens.next();
        return text;
      }
      case "t":
      case "f": {
        const boolean = tokens.kind === "t";
        tokens.next();
        return boolean;
      }
      default:
        throw tokens.error("expected '{', '[', string, or boolean");
    }
  };
  const members = (): QapiObject => {
    const object: QapiObject = Object.create(null);
    if ((tokens.kind as TokenKind) === "}") {
      tokens.next();
      depth--;
      return object;
    }
    if (tokens.kind !== "'") throw tokens.error("expected string or '}'");
    for (;;) {
      const key = tokens.text;
      tokens.next();
      if ((tokens.kind as TokenKind) !== ":") throw tokens.error("expected ':'");
      tokens.next();
      if (Object.hasOwn(object, key)) throw tokens.error(`duplicate key '${key}'`);
      object[key] = value();
      if ((tokens.kind as TokenKind) === "}") {
        tokens.next();
        depth--;
        return object;
      }
      if ((tokens.kind as TokenKind) !== ",") throw tokens.error("expected ',' or '}'");
      tokens.next();
      if ((tokens.kind as TokenKind) !== "'") throw tokens.error("expected string");
    }
  };
  const values = (): QapiValue[] => {
    const array: QapiValue[] = [];
    if ((tokens.kind as TokenKind) === "]") {
      tokens.next();
      depth--;
      return array;
    }
    if (!["{", "[", "'", "t", "f"].includes(tokens.kind)) {
      throw tokens.error("expected '{', '[', ']', string, or boolean");
    }
    for (;;) {
      array.push(value());
      if ((tokens.kind as TokenKind) === "]") {
        tokens.next();
        depth--;
        return array;
      }
      if ((tokens.kind as TokenKind) !== ",") throw tokens.error("expected ',' or ']'");
      tokens.next();
    }
  };

  tokens.next();
  while (tokens.kind !== "end") {
    if (tokens.kind === "#") {
      const block = readDocBlock(tokens);
      yield { kind: "doc", block };
      // The reader interprets the block first, and throws this error on reaching it.
      if (block.error) throw block.error;
      continue;
    }
    const position = tokens.position();
    const expression = value();
    if (!isQapiObject(expression)) {
      throw QapiError.at(position, "top-level expression must be an object");
    }
    yield { kind: "expression", expression, position };
  }
}

/** Reads a `##` block's lines, starting at its opening comment; leaves the next token read. */
function readDocBlock(tokens: Tokenizer): DocBlock {
  if (tokens.text !== "##") {
    throw tokens.error("junk after '##' at start of documentation comment");
  }
  const block = new SourceDocBlock(tokens.position(), tokens.source);
  for (;;) {
    try {
      tokens.next(true);
    } catch (error) {
      // A stray character after the block: also reported on reaching it.
      if (!(error instanceof QapiError)) throw error;
      block.error = error;
      return block;
    }
    if (tokens.kind !== "#") {
      block.error = tokens.error("documentation comment must end with '##'");
      return block;
    }
    const text: string = tokens.text;
    if (text.startsWith("##")) {
      if (text !== "##") {
        block.error = tokens.error("junk after '##' at end of documentation comment");
        return block;
      }
      block.end = { line: tokens.line, column: tokens.column() };
      try {
        tokens.next();
      } catch (error) {
        // A stray character after the block: QEMU reports it once the lines are read.
        if (!(error instanceof QapiError)) throw error;
        block.error = error;
      }
      return block;
    }
    if (text !== "#" && text[1] !== " ") {
      block.error = tokens.error("missing space after #");
      return block;
    }
    block.add(tokens.line, tokens.lineStart, tokens.pos, tokens.pos + text.length);
  }
}
