/**
 * The QAPI source parser: splits a schema file into top-level expressions,
 * doc comment blocks, `include` and `pragma` directives.
 *
 * QAPI's expression syntax is a strict subset of JSON5 (single-quoted strings,
 * only `\\` as an escape, no numbers, no null, no trailing commas). A
 * tokenizer walks the source to enforce that subset with QEMU's messages and
 * positions, and blanks out comments; each expression's text is then parsed
 * by `json5`, which is fast and whose result has the same shape.
 *
 * @module
 */

import JSON5 from "json5";
import { QapiError, SourcePosition } from "./errors.ts";

/** A JSON value as QAPI allows it: objects, arrays, strings and booleans. */
export type QapiValue = string | boolean | QapiValue[] | { [key: string]: QapiValue };

/**
 * One line of a doc comment block, without its leading `#`.
 *
 * @example
 * ```ts
 * import type { DocLine } from "./parse.ts";
 * const line: DocLine = { line: 12, text: " @size: new size" };
 * ```
 */
export interface DocLine {
  readonly line: number;
  readonly text: string;
}

/**
 * A `##` … `##` block, as raw lines (the opening and closing `##` excluded).
 *
 * @example
 * ```ts
 * import type { DocBlock } from "./parse.ts";
 * import { SourcePosition } from "./errors.ts";
 * const block: DocBlock = { position: new SourcePosition("a.json", 1), lines: [] };
 * ```
 */
export interface DocBlock {
  readonly position: SourcePosition;
  readonly lines: readonly DocLine[];
}

/**
 * A top-level expression with where it starts and the doc block before it.
 *
 * @example
 * ```ts
 * import type { ParsedExpression } from "./parse.ts";
 * import { SourcePosition } from "./errors.ts";
 * const e: ParsedExpression = {
 *   expression: { command: "stop" },
 *   position: new SourcePosition("a.json", 3),
 * };
 * ```
 */
export interface ParsedExpression {
  readonly expression: { [key: string]: QapiValue };
  readonly position: SourcePosition;
  readonly doc?: DocBlock;
}

/**
 * A token: a structural character, a string, a boolean, or a comment.
 */
interface Token {
  readonly kind: "{" | "}" | "[" | "]" | ":" | "," | "string" | "boolean" | "comment" | "end";
  readonly start: number;
  readonly line: number;
  readonly lineStart: number;
  readonly text?: string;
}

/**
 * Tokenizes one file. Comments become `comment` tokens only when they may
 * be doc comments (the caller asks); otherwise they are skipped.
 */
class Tokenizer {
  #cursor = 0;
  #line = 1;
  #lineStart = 0;
  /** The source with every comment replaced by spaces, for json5. */
  readonly blanked: string[];

  constructor(readonly source: string, readonly file: string, readonly parent?: SourcePosition) {
    this.blanked = [...source];
  }

  error(token: { start: number; line: number; lineStart: number }, message: string): QapiError {
    let column = 1;
    for (const ch of this.source.slice(token.lineStart, token.start)) {
      column = ch === "\t" ? ((column + 7) % 8) + 1 : column + 1;
    }
    return QapiError.at(new SourcePosition(this.file, token.line, this.parent), message, column);
  }

  /** The next token; `##` comments are always returned, others only when `comments`. */
  next(comments: boolean): Token {
    const source = this.source;
    while (this.#cursor < source.length) {
      const start = this.#cursor;
      const ch = source[this.#cursor++];
      const here = { start, line: this.#line, lineStart: this.#lineStart };
      if (ch === "#") {
        let end = source.indexOf("\n", start);
        if (end < 0) end = source.length;
        for (let i = start; i < end; i++) this.blanked[i] = " ";
        this.#cursor = end;
        if (comments || source[start + 1] === "#") {
          return { kind: "comment", ...here, text: source.slice(start, end) };
        }
      } else if ("{}[]:,".includes(ch)) {
        return { kind: ch as Token["kind"], ...here };
      } else if (ch === "'") {
        let text = "";
        let escaped = false;
        for (;;) {
          const c = source[this.#cursor++];
          if (c === undefined || c === "\n") {
            throw this.error(here, `missing terminating "'"`);
          }
          if (escaped) {
            // QAPI recognises only \\: nothing in a schema needs other escapes.
            if (c !== "\\") throw this.error(here, `unknown escape \\${c}`);
            escaped = false;
          } else if (c === "\\") {
            escaped = true;
            continue;
          } else if (c === "'") {
            return { kind: "string", ...here, text };
          }
          const code = c.charCodeAt(0);
          if (code < 32 || code >= 127) throw this.error(here, "funny character in string");
          text += c;
        }
      } else if (source.startsWith("true", start) || source.startsWith("false", start)) {
        this.#cursor = start + (ch === "t" ? 4 : 5);
        return { kind: "boolean", ...here, text: ch === "t" ? "true" : "false" };
      } else if (ch === "\n") {
        // The final newline ends the input on its own line, as QEMU reports it.
        if (this.#cursor === source.length) {
          return { kind: "end", ...here };
        }
        this.#line++;
        this.#lineStart = this.#cursor;
      } else if (!/\s/.test(ch)) {
        const stray = /^[^[\]{}:,\s']+/.exec(source.slice(start))![0];
        throw this.error(here, `stray '${stray}'`);
      }
    }
    return { kind: "end", start: source.length, line: this.#line, lineStart: this.#lineStart };
  }
}

/**
 * Parses one file's text into expressions and doc blocks. `include` and
 * `pragma` expressions are returned like any other; the reader acts on them.
 *
 * @example
 * ```ts
 * import { parseSource } from "./parse.ts";
 * const [first] = parseSource("{ 'command': 'stop' }\n", "a.json");
 * if ("expression" in first) console.log(first.expression); // { command: "stop" }
 * ```
 */
export function parseSource(
  source: string,
  file: string,
  parent?: SourcePosition,
): (ParsedExpression | { readonly strayDoc: DocBlock })[] {
  const tokens = new Tokenizer(source, file, parent);
  const results: (ParsedExpression | { readonly strayDoc: DocBlock })[] = [];
  let token = tokens.next(false);
  let doc: DocBlock | undefined;

  const advance = () => (token = tokens.next(false));

  // A function, not `token.kind`, so the checker does not narrow across advance().
  const kind = (): Token["kind"] => token.kind;
  const value = (): void => {
    if (kind() === "{") {
      advance();
      members();
    } else if (kind() === "[") {
      advance();
      values();
    } else if (kind() === "string" || kind() === "boolean") {
      advance();
    } else {
      throw tokens.error(token, "expected '{', '[', string, or boolean");
    }
  };
  const members = (): void => {
    if (kind() === "}") return void advance();
    if (kind() !== "string") throw tokens.error(token, "expected string or '}'");
    const seen = new Set<string>();
    for (;;) {
      const key = token.text!;
      advance();
      if (kind() !== ":") throw tokens.error(token, "expected ':'");
      advance();
      if (seen.has(key)) throw tokens.error(token, `duplicate key '${key}'`);
      seen.add(key);
      value();
      if (kind() === "}") return void advance();
      if (kind() !== ",") throw tokens.error(token, "expected ',' or '}'");
      advance();
      if (kind() !== "string") throw tokens.error(token, "expected string");
    }
  };
  const values = (): void => {
    if (kind() === "]") return void advance();
    if (!["{", "[", "string", "boolean"].includes(kind())) {
      throw tokens.error(token, "expected '{', '[', ']', string, or boolean");
    }
    for (;;) {
      value();
      if (kind() === "]") return void advance();
      if (kind() !== ",") throw tokens.error(token, "expected ',' or ']'");
      advance();
    }
  };

  while (token.kind !== "end") {
    if (token.kind === "comment") {
      if (doc) results.push({ strayDoc: doc });
      doc = readDocBlock(tokens, token);
      token = tokens.next(false);
      continue;
    }
    const start = token;
    const position = new SourcePosition(file, start.line, parent);
    if (start.kind !== "{") {
      value();
      throw QapiError.at(position, "top-level expression must be an object");
    }
    value();
    const text = tokens.blanked.slice(start.start, token.start).join("");
    const expression = JSON5.parse(text) as { [key: string]: QapiValue };
    results.push({ expression, position, doc });
    doc = undefined;
  }
  if (doc) results.push({ strayDoc: doc });
  return results;
}

/** Reads a `##` block's lines, starting at its opening comment token. */
function readDocBlock(
  tokens: Tokenizer,
  opening: { start: number; line: number; lineStart: number; text?: string },
): DocBlock {
  if (opening.text !== "##") {
    throw tokens.error(opening, "junk after '##' at start of documentation comment");
  }
  const lines: DocLine[] = [];
  for (;;) {
    const token = tokens.next(true);
    if (token.kind !== "comment") {
      throw tokens.error(token, "documentation comment must end with '##'");
    }
    const text = token.text!;
    if (text.startsWith("##")) {
      if (text !== "##") {
        throw tokens.error(token, "junk after '##' at end of documentation comment");
      }
      return { position: new SourcePosition(tokens.file, opening.line, tokens.parent), lines };
    }
    if (text !== "#" && !text.startsWith("# ")) {
      throw tokens.error(token, "missing space after #");
    }
    lines.push({ line: token.line, text: text.slice(1) });
  }
}
