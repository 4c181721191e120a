/**
 * Where things are in QAPI sources, and the errors that point there.
 *
 * Messages are formatted as QEMU's generator formats them (include chain,
 * then `FILE: In KIND 'NAME':`, then `FILE:LINE[:COL]: message`), so that a
 * schema author sees the same text from both tools.
 *
 * @module
 */

/**
 * A position in a schema file, with the chain of files that included it and
 * the definition it belongs to (once known).
 *
 * @example
 * ```ts
 * import { SourcePosition } from "./errors.ts";
 * const where = new SourcePosition("qapi/block.json", 10);
 * console.log(where.toString()); // "qapi/block.json:10"
 * ```
 */
export class SourcePosition {
  /** The meta-type (`struct`, `command`, …) of the definition, once known. */
  definitionKind?: string;
  /** The name of the definition, once known. */
  definitionName?: string;

  /**
   * A position at a line of a file.
   *
   * @param file The file as named on the command line or by `include`.
   * @param line The 1-based line.
   * @param parent The position of the `include` that brought this file in.
   */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly parent?: SourcePosition,
  ) {}

  /** A copy at another line of the same file. */
  at(line: number): SourcePosition {
    return new SourcePosition(this.file, line, this.parent);
  }

  /** Records the definition this position belongs to, for error context. */
  inDefinition(kind: string, name: string): this {
    this.definitionKind = kind;
    this.definitionName = name;
    return this;
  }

  /** `In file included from …` lines, outermost first. */
  includePath(): string {
    let text = "";
    for (let parent = this.parent; parent; parent = parent.parent) {
      text = `In file included from ${parent.file}:${parent.line}:\n` + text;
    }
    return text;
  }

  /** `FILE:LINE`. */
  toString(): string {
    return `${this.file}:${this.line}`;
  }
}

/**
 * One problem found in a schema.
 *
 * @example
 * ```ts
 * import type { Diagnostic } from "./errors.ts";
 * const d: Diagnostic = {
 *   file: "a.json",
 *   line: 3,
 *   message: "union misses key 'base'",
 *   text: "a.json:3: union misses key 'base'",
 * };
 * ```
 */
export interface Diagnostic {
  /** The file, as named on the command line or by `include`. */
  readonly file: string;
  /** The 1-based line. */
  readonly line: number;
  /** 1-based column, for syntax errors. */
  readonly column?: number | undefined;
  /** The message alone, without location. */
  readonly message: string;
  /** The full text as QEMU would print it (include chain, definition, location). */
  readonly text: string;
}

/**
 * Builds a diagnostic at a position, formatted like QEMU's.
 *
 * @example
 * ```ts
 * import { diagnosticAt, SourcePosition } from "./errors.ts";
 * const d = diagnosticAt(new SourcePosition("a.json", 2).inDefinition("struct", "Foo"), "bad");
 * console.log(d.text); // "a.json: In struct 'Foo':\na.json:2: bad"
 * ```
 */
export function diagnosticAt(
  position: SourcePosition,
  message: string,
  column?: number,
): Diagnostic {
  const context = position.definitionName
    ? `${position.file}: In ${position.definitionKind} '${position.definitionName}':\n`
    : "";
  const location = column === undefined ? `${position}` : `${position}:${column}`;
  return {
    file: position.file,
    line: position.line,
    column,
    message: printable(message),
    text: printable(`${position.includePath()}${context}${location}: ${message}`),
  };
}

/**
 * Escapes control and invisible characters (a schema's comments may hold
 * any), so that printing a message cannot drive the terminal; line breaks
 * between a message's lines stay.
 *
 * @example
 * ```ts
 * import { printable } from "./errors.ts";
 * console.log(printable("stray '\x1b[2J'")); // "stray '\\x1b[2J'"
 * ```
 */
export function printable(text: string): string {
  return text.replace(/(?!\n)[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu, (ch) => {
    const code = ch.codePointAt(0)!;
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : code < 0x10000
      ? `\\u${code.toString(16).padStart(4, "0")}`
      : `\\u{${code.toString(16)}}`;
  });
}

/**
 * A schema that cannot be accepted. `message` is the diagnostics' text, one
 * after the other.
 *
 * @example
 * ```ts
 * import { QapiError, SourcePosition } from "./errors.ts";
 * try {
 *   throw QapiError.at(new SourcePosition("a.json", 1), "top-level expression must be an object");
 * } catch (error) {
 *   if (error instanceof QapiError) console.log(error.diagnostics[0].line); // 1
 * }
 * ```
 */
export class QapiError extends Error {
  /** `QapiError`. */
  override name = "QapiError";

  /** An error of these diagnostics (the first is the error; more add context). */
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.text).join("\n"));
  }

  /** An error with one diagnostic at `position`. */
  static at(position: SourcePosition, message: string, column?: number): QapiError {
    return new QapiError([diagnosticAt(position, message, column)]);
  }
}

/**
 * The schema file named to the reader cannot be read: it does not exist,
 * is not a regular file, is too large, or the system refuses. Problems with
 * files it includes are `QapiError`s at the `include`.
 *
 * @example
 * ```ts
 * import { SchemaReadError } from "./errors.ts";
 * const error = new SchemaReadError("a.json", "No such file or directory");
 * console.log(error.message); // "can't read schema file 'a.json': No such file or directory"
 * ```
 */
export class SchemaReadError extends Error {
  /** `SchemaReadError`. */
  override name = "SchemaReadError";

  /** The file as named to the reader, and why it can't be read. */
  constructor(readonly path: string, readonly reason: string) {
    super(printable(`can't read schema file '${path}': ${reason}`));
  }
}
