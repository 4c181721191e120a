/**
 * Doc comment blocks: their structure (the symbol line, member and feature
 * descriptions, tagged sections such as `Since:`), QEMU's layout rules, and
 * the facts the vendored literal keeps (the `since` versions).
 *
 * A block is read line by line as QEMU reads it, and each error is reported
 * where QEMU reports it. Two rule sets: `strict` applies current QEMU's rules
 * (line length and sentence spacing outside literal blocks, indentation,
 * no `Note:`/`Example:` sections, no empty sections); older QEMU releases
 * predate them, so reading their schemas uses the lenient set, which checks
 * only what every release agreed on.
 *
 * @module
 */

import { QapiError, type SourcePosition } from "./errors.ts";
import { columnOf, type DocBlock, type DocLine, isSpace } from "./parse.ts";

/**
 * A description of one member, enum value or feature, or a tagged section.
 *
 * @example
 * ```ts
 * import type { DocDescription } from "./doc.ts";
 * const d: DocDescription = { name: "size", text: "new size (since 5.2)", line: 12 };
 * ```
 */
export interface DocDescription {
  readonly name: string;
  /** The text, each line trimmed, lines joined with `\n`. */
  text: string;
  readonly line: number;
}

/**
 * A parsed doc comment block.
 *
 * @example
 * ```ts
 * import type { DefinitionDoc } from "./doc.ts";
 * const d: Pick<DefinitionDoc, "symbol"> = { symbol: "block_resize" };
 * ```
 */
export interface DefinitionDoc {
  /** The documented definition's name; absent for free-form blocks. */
  readonly symbol?: string | undefined;
  readonly position: SourcePosition;
  /** Untagged text (paragraphs), each line trimmed at its end. */
  text: string;
  /** Member (and enum value, branch) descriptions, by name, in order. */
  readonly members: Map<string, DocDescription>;
  readonly features: Map<string, DocDescription>;
  /** Tagged sections by tag (`Since`, `Returns`, `Errors`, `TODO`, …). */
  readonly sections: Map<string, DocDescription>;
}

/** `@name:` at the start of a line, and the text after it. */
const atNameColon = /^@([^:]*): */;
const taggedSection = /^(Returns|Errors|Since|Notes?|Examples?|TODO)(?!::): */;
/** A line that starts a literal block (`::` alone, or a `qmp-example` directive). */
const literalStart = /^(\.\. +qmp-example)? *::$/;
/**
 * A sentence end followed by one space and what starts a sentence. "e.g."
 * and numbered list items match the first alternatives, which are allowed.
 */
const sentenceSpacing = /((?<![\p{L}\p{N}_])e\.g\.|^ *\p{Nd}\.|([.!?])) [A-Z0-9(]/gu;
const urlLine = /^ *(https?|ftp):\/\/[^ ]*$/;

/** Python's `str.rstrip()`. */
function rstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

/** Python's `re.match(r'\s*', text).end()`. */
function indentOf(text: string): number {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Python's `text.strip("\n")` (a regular expression would be quadratic on long runs). */
function stripNewlines(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 0x0a) start++;
  while (end > start && text.charCodeAt(end - 1) === 0x0a) end--;
  return text.slice(start, end);
}

/** Length in characters (code points), as Python counts. */
function characters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

type SectionKind =
  | "Member"
  | "Feature"
  | "Returns"
  | "Errors"
  | "Since"
  | "Todo"
  | "Note"
  | "Example"
  | "Plain";

/** A section of a block, its text gathered as QEMU's `append_line` gathers it. */
class Section {
  #parts: string[] = [];
  /** Newlines not yet added (a block may hold millions of blank lines). */
  #newlines = 0;

  constructor(readonly kind: SectionKind, readonly name: string, readonly line: number) {}

  /** Appends a line and a newline. */
  append(line: string): void {
    if (line === "") {
      this.#newlines++;
      return;
    }
    if (this.#newlines) this.#parts.push("\n".repeat(this.#newlines));
    this.#newlines = 0;
    this.#parts.push(line + "\n");
  }

  /** The text without newlines at either end (as QEMU's `end()` leaves it). */
  text(): string {
    return stripNewlines(this.#parts.join(""));
  }
}

/**
 * Parses a doc block.
 *
 * @example
 * ```ts
 * import { parseDoc } from "./doc.ts";
 * import { SourcePosition } from "./errors.ts";
 * import { docBlock } from "./parse.ts";
 * const block = docBlock(new SourcePosition("a.json", 1), [
 *   { line: 2, column: 1, text: " @stop:", raw: "# @stop:" },
 *   { line: 3, column: 1, text: " Since: 0.14", raw: "# Since: 0.14" },
 * ], { line: 4, column: 1 });
 * const doc = parseDoc(block, { strict: true });
 * console.log(doc.sections.get("Since")?.text); // "0.14"
 * ```
 */
export function parseDoc(block: DocBlock, options: { strict: boolean }): DefinitionDoc {
  const strict = options.strict;
  let index = 0;
  /** The line last read; undefined once the block's end is read. */
  let current: DocLine | undefined;
  let literal = false;
  let literalIndent = 0;

  const here = (): SourcePosition => block.position.at(current?.line ?? block.end!.line);
  /** An error at the line last read, with the column of its `#`, as QEMU's parse errors. */
  const parseError = (message: string, column = current?.column ?? block.end!.column): never => {
    throw QapiError.at(here(), message, column);
  };
  /** An error at a line, without a column, as QEMU's semantic errors. */
  const semanticError = (line: number, message: string): never => {
    throw QapiError.at(block.position.at(line), message);
  };

  /** The next line's text after `# `, right-trimmed; null at the block's end. */
  const next = (): string | null => {
    if (index >= block.length) {
      if (block.error && !block.end) throw block.error;
      current = undefined;
      literal = false;
      return null;
    }
    current = block.line(index++);
    if (current.text === "") return "";
    const line = rstrip(current.text.slice(1));
    if (literalStart.test(line)) {
      literal = true;
      literalIndent = 0;
    } else if (literal && line) {
      const indent = indentOf(line);
      if (literalIndent === 0) literalIndent = indent;
      else if (indent < literalIndent) literal = false;
    }
    if (strict && !literal) checkLayout(block.position, current, line);
    return line;
  };

  const sections: Section[] = [];
  const body = new Section("Plain", "", block.position.line);
  sections.push(body);
  /** The section being written: the last (`!`: there is always the body). */
  const lastSection = () => sections[sections.length - 1]!;
  const append = (text: string) => lastSection().append(text);
  const members = new Map<string, Section>();
  const features = new Map<string, Section>();
  const tagged = new Map<string, Section>();

  const describe = (map: Map<string, Section>, kind: "Member" | "Feature", match: string[]) => {
    let name = match[1]!; // The group of `atNameColon`, not optional.
    // Older releases wrote "@name :"; the lenient rules accept that.
    if (!strict) name = name.trim();
    if (!name) semanticError(current!.line, "invalid parameter name");
    if (map.has(name)) semanticError(current!.line, `'${name}' parameter name duplicated`);
    const section = new Section(kind, name, current!.line);
    map.set(name, section);
    sections.push(section);
  };

  /** The rest of a section whose continuation lines are indented. */
  const indented = (): string | null => {
    let line = next();
    while (line === "") {
      append(line);
      line = next();
    }
    if (line === null) return null;
    const indent = indentOf(line);
    if (!indent) return line;
    append(line);
    let previousBlank = false;
    for (;;) {
      line = next();
      if (line === null || atNameColon.test(line)) return line;
      if (line !== "" && indentOf(line) < indent) {
        if (previousBlank || !strict) return line;
        parseError(`unexpected de-indent (expected at least ${indent} spaces)`);
      }
      append(line);
      // As in QEMU: only the line right after the first indented one may not de-indent.
      previousBlank = true;
    }
  };

  let line = next();
  let symbol: string | undefined;
  if (line !== null && line.startsWith("@")) {
    if (!line.endsWith(":")) parseError("line should end with ':'");
    symbol = line.slice(1, -1);
    if (!symbol) parseError("name required after '@'");
    line = next();
    let noMoreMembers = false;
    while (line !== null) {
      while (line === "") line = next();
      if (line === null) break;
      let match: RegExpExecArray | null;
      if (line === "Features:") {
        if (features.size) parseError("duplicated 'Features:' line");
        line = next();
        while (line === "") line = next();
        while (line !== null && (match = atNameColon.exec(line))) {
          describe(features, "Feature", match);
          const text = line.slice(match[0].length);
          if (text) append(text);
          line = indented();
        }
        if (!features.size) parseError("feature descriptions expected");
        noMoreMembers = true;
      } else if ((match = atNameColon.exec(line))) {
        if (noMoreMembers) parseError(`description of '@${match[1]}:' follows a section`);
        while (line !== null && (match = atNameColon.exec(line))) {
          describe(members, "Member", match);
          const text = line.slice(match[0].length);
          if (text) append(text);
          line = indented();
        }
        noMoreMembers = true;
      } else if ((match = taggedSection.exec(line))) {
        const tag = match[1]!; // The group of `taggedSection`, not optional.
        if (strict && tag.startsWith("Note")) {
          parseError(
            `The '${tag}' section is no longer supported. Please use rST's '.. note::' or ` +
              "'.. admonition:: notes' directives, or another suitable admonition instead.",
          );
        }
        if (strict && tag.startsWith("Example")) {
          parseError(
            `The '${tag}' section is no longer supported. Please use the '.. qmp-example::' ` +
              "directive, or other suitable markup instead.",
          );
        }
        // Notes and Examples (older releases only) and TODO may repeat.
        const key = tag === "Notes" ? "Note" : tag === "Examples" ? "Example" : tag;
        const kind = (key === "TODO" ? "Todo" : key) as SectionKind;
        if ((kind === "Returns" || kind === "Errors" || kind === "Since") && tagged.has(key)) {
          semanticError(current!.line, `duplicated '${kind}' section`);
        }
        const section = new Section(kind, tag, current!.line);
        if (!tagged.has(key)) tagged.set(key, section);
        sections.push(section);
        const text = line.slice(match[0].length);
        if (text) append(text);
        line = indented();
        noMoreMembers = true;
      } else {
        // A plain paragraph, up to a blank line.
        const last = lastSection();
        if (last.kind !== "Plain") {
          sections.push(new Section("Plain", "", current!.line));
        } else last.append("");
        append(line);
        for (line = next(); line !== null && line !== ""; line = next()) append(line);
      }
    }
  } else {
    // Free-form documentation.
    while (line !== null) {
      const match = atNameColon.exec(line);
      if (match) parseError(`'@${match[1]}:' not allowed in free-form documentation`);
      append(line);
      line = next();
    }
  }

  // The token after the block is read before the sections are checked.
  if (block.error) throw block.error;
  const texts = new Map<Section, string>();
  for (const section of sections) {
    const text = section.text();
    if (strict && section.kind !== "Plain" && text === "") {
      semanticError(section.line, `text required after '${section.kind}:'`);
    }
    texts.set(section, text);
  }
  const description = (section: Section): DocDescription => ({
    name: section.name,
    text: texts.get(section)!.split("\n").map((l) => l.trim()).join("\n"),
    line: section.line,
  });
  const text = sections.filter((s) => s.kind === "Plain" && texts.get(s) !== "").map((s) =>
    texts.get(s)!.split("\n").map(rstrip).join("\n") + "\n\n"
  ).join("");
  const mapOf = (from: Map<string, Section>) =>
    new Map([...from].map(([name, section]) => [name, description(section)]));
  return {
    symbol,
    position: block.position,
    text,
    members: mapOf(members),
    features: mapOf(features),
    sections: mapOf(tagged),
  };
}

/** Current QEMU's layout rules for one line (outside literal blocks). */
function checkLayout(position: SourcePosition, line: DocLine, text: string): void {
  // "# " and the text; long URLs can't be broken.
  if (characters(text) + 2 > 70 && !urlLine.test(text)) {
    throw QapiError.at(
      position.at(line.line),
      "documentation line longer than 70 characters",
      line.column,
    );
  }
  for (const match of text.matchAll(sentenceSpacing)) {
    if (match[2] === undefined) continue;
    // QEMU points at the space after the sentence's end, counting from the
    // line's start as if the comment started in column 1.
    const end = 2 + characters(text.slice(0, match.index)) + 1;
    throw QapiError.at(
      position.at(line.line),
      "Use two spaces between sentences\nIf this not the end of a sentence, please report a bug.",
      columnOf([...line.raw].slice(0, end).join("")),
    );
  }
}

/**
 * The version in a `(since X.Y)` note of a description, or of a `Since:`
 * section's text.
 *
 * @example
 * ```ts
 * import { sinceOf } from "./doc.ts";
 * console.log(sinceOf("aio-max-batch (since 6.2)")); // "6.2"
 * console.log(sinceOf("image (default false; since 9.0)")); // "9.0"
 * console.log(sinceOf("2.0", true)); // "2.0"
 * ```
 */
export function sinceOf(text: string | undefined, wholeSection = false): string | undefined {
  if (!text) return undefined;
  const match = wholeSection
    ? /^\s*(?:QEMU\s+)?v?(\d+\.\d+(?:\.\d+)?)/i.exec(text)
    : /[(;,]\s*since:?\s*(?:QEMU\s+)?v?(\d+\.\d+(?:\.\d+)?)\s*\)/i.exec(text);
  return match?.[1];
}
