/**
 * Doc comment blocks: their structure (the symbol line, member and feature
 * descriptions, tagged sections such as `Since:`), QEMU's layout rules, and
 * the facts the vendored literal keeps (the `since` versions).
 *
 * Two rule sets: `strict` applies the layout rules of current QEMU (line
 * length, two spaces between sentences, indentation, no `Note:`/`Example:`
 * sections); older QEMU releases predate them, so reading their schemas uses
 * the lenient set, which checks only what every release agreed on.
 *
 * @module
 */

import { QapiError, type SourcePosition } from "./errors.ts";
import type { DocBlock, DocLine } from "./parse.ts";

/**
 * A description of one member, enum value or feature.
 *
 * @example
 * ```ts
 * import type { DocDescription } from "./doc.ts";
 * const d: DocDescription = { name: "size", text: "new size (since 5.2)", line: 12 };
 * ```
 */
export interface DocDescription {
  readonly name: string;
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
  readonly symbol?: string;
  readonly position: SourcePosition;
  /** Untagged body text. */
  text: string;
  readonly members: Map<string, DocDescription>;
  readonly features: Map<string, DocDescription>;
  /** Tagged sections by tag (`Since`, `Returns`, `Errors`, `TODO`, …). */
  readonly sections: Map<string, DocDescription>;
}

/** `@name:` at the start of a line, and the text after it. */
const atNameColon = /^@([^:]*): */;
const taggedSection = /^(Returns|Errors|Since|Notes?|Examples?|TODO)(?!::): */;
const sentenceSpacing = /(\be\.g\.|^ *\d\.|([.!?])) [A-Z0-9(]/g;

/**
 * Parses a doc block.
 *
 * @example
 * ```ts
 * import { parseDoc } from "./doc.ts";
 * import { SourcePosition } from "./errors.ts";
 * const doc = parseDoc({
 *   position: new SourcePosition("a.json", 1),
 *   lines: [{ line: 2, text: " @stop:" }, { line: 3, text: " Since: 0.14" }],
 * }, { strict: true });
 * console.log(doc.sections.get("Since")?.text); // "0.14"
 * ```
 */
export function parseDoc(block: DocBlock, options: { strict: boolean }): DefinitionDoc {
  const lines = block.lines;
  const fail = (at: DocLine, message: string, column = 1): never => {
    throw QapiError.at(block.position.at(at.line), message, column);
  };
  // Each line without its "# " prefix and trailing spaces, as QAPI reads it.
  const texts = lines.map((l) => l.text.slice(1).trimEnd());
  if (options.strict) {
    lines.forEach((l, i) => checkLayout(l, texts[i], fail));
  }

  const doc: DefinitionDoc = {
    position: block.position,
    text: "",
    members: new Map(),
    features: new Map(),
    sections: new Map(),
  };
  let i = 0;
  const first = texts[0];
  if (first === undefined || !first.startsWith("@")) {
    for (; i < texts.length; i++) {
      const match = atNameColon.exec(texts[i]);
      if (match) fail(lines[i], `'@${match[1]}:' not allowed in free-form documentation`);
      doc.text += texts[i] + "\n";
    }
    return doc;
  }
  if (!first.endsWith(":")) fail(lines[0], "line should end with ':'");
  const symbol = first.slice(1, -1);
  if (!symbol) fail(lines[0], "name required after '@'");
  const result: DefinitionDoc = { ...doc, symbol };
  i = 1;

  /** Appends the indented continuation of a description; returns the next index. */
  const indented = (into: DocDescription, from: number): number => {
    let j = from;
    while (j < texts.length && texts[j] === "") j++;
    if (j >= texts.length) return j;
    const indent = /^\s*/.exec(texts[j])![0].length;
    if (indent === 0) return j;
    let previousBlank = false;
    for (; j < texts.length; j++) {
      const text = texts[j];
      if (text === "") {
        previousBlank = true;
        into.text += "\n";
        continue;
      }
      if (/^\s*/.exec(text)![0].length < indent) {
        if (previousBlank || !options.strict) return j;
        fail(lines[j], `unexpected de-indent (expected at least ${indent} spaces)`);
      }
      previousBlank = false;
      into.text += (into.text ? "\n" : "") + text.trim();
    }
    return j;
  };
  /** Reads consecutive `@name: text` descriptions into `map`. */
  const descriptions = (map: Map<string, DocDescription>, kind: string): void => {
    for (let match; i < texts.length && (match = atNameColon.exec(texts[i]));) {
      let name = match[1];
      // Older releases wrote "@name :"; the lenient rules accept that.
      if (!options.strict) name = name.trim();
      if (!name || /\s/.test(name)) {
        throw QapiError.at(block.position.at(lines[i].line), `invalid ${kind} name`);
      }
      if (map.has(name)) {
        throw QapiError.at(block.position.at(lines[i].line), `'${name}' ${kind} name duplicated`);
      }
      const description = { name, text: texts[i].slice(match[0].length), line: lines[i].line };
      map.set(name, description);
      i = indented(description, i + 1);
    }
  };

  let noMoreMembers = false;
  while (i < texts.length) {
    if (texts[i] === "") {
      i++;
      continue;
    }
    const text = texts[i];
    let match;
    if (text === "Features:") {
      if (result.features.size) fail(lines[i], "duplicated 'Features:' line");
      i++;
      while (i < texts.length && texts[i] === "") i++;
      descriptions(result.features, "feature");
      if (!result.features.size) {
        fail(lines[Math.min(i, lines.length - 1)], "feature descriptions expected");
      }
      noMoreMembers = true;
    } else if ((match = atNameColon.exec(text))) {
      if (noMoreMembers) fail(lines[i], `description of '@${match[1]}:' follows a section`);
      descriptions(result.members, "parameter");
      noMoreMembers = true;
    } else if ((match = taggedSection.exec(text))) {
      const tag = match[1];
      if (options.strict && /^(Notes?|Examples?)$/.test(tag)) {
        fail(lines[i], `the '${tag}' section is no longer supported`);
      }
      const key = tag.replace(/^(Note|Example)s$/, "$1");
      if (result.sections.has(key) && !/^(Note|Example)$/.test(key)) {
        throw QapiError.at(block.position.at(lines[i].line), `duplicated '${tag}' section`);
      }
      const section = { name: tag, text: text.slice(match[0].length), line: lines[i].line };
      result.sections.set(key, section);
      i = indented(section, i + 1);
      noMoreMembers = true;
    } else if (text.startsWith("=") && options.strict) {
      fail(lines[i], "unexpected '=' markup in definition documentation");
    } else {
      // A plain paragraph runs to the next blank line.
      for (; i < texts.length && texts[i] !== ""; i++) result.text += texts[i] + "\n";
      result.text += "\n";
    }
  }
  return result;
}

/** Current QEMU's layout rules for one line. */
function checkLayout(
  line: DocLine,
  text: string,
  fail: (at: DocLine, message: string, column?: number) => never,
): void {
  // Long URLs can't be broken, and indented literal blocks (examples) are verbatim.
  if (text.length + 2 > 70 && !/^ *(https?|ftp):\/\/[^ ]*$/.test(text) && !/^ {4}/.test(text)) {
    fail(line, "documentation line longer than 70 characters");
  }
  for (const match of text.matchAll(sentenceSpacing)) {
    if (match[2] === undefined) continue;
    // Column of the offending space, counting the "# " prefix.
    fail(line, "Use two spaces between sentences", 2 + match.index! + (match[1].length - 1) + 2);
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
