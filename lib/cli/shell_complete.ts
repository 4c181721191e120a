/**
 * Tab completion for `qapi-ts shell`, from the server's own schema
 * (`query-qmp-schema`, indexed): command names, member names (nested:
 * `file.driver`, `items.0.name`) and enum values, each candidate with what
 * the schema says of it (optional, deprecated, since).
 *
 * @module
 */

import type { SchemaInfo, SchemaInfoIndex } from "../introspect/schema_info.ts";
import { parseLine, splitWords } from "./shell_input.ts";

/**
 * One candidate: the text it completes to (`insert` replaces the word being
 * typed) and how a list shows it.
 *
 * @example
 * ```ts
 * import type { Candidate } from "./shell_complete.ts";
 * const candidate: Candidate = { insert: "query-status ", label: "query-status", facts: "since 0.14" };
 * ```
 */
export interface Candidate {
  /** What replaces the word being typed, with what follows it (` `, `=`, `.`). */
  readonly insert: string;
  /** The name as a list shows it. */
  readonly label: string;
  /** What the schema says of it (`optional`, `deprecated`, `since 2.9`), or empty. */
  readonly facts: string;
}

/**
 * What completes the word before the cursor: where it starts in `before`
 * and the candidates.
 *
 * @example
 * ```ts
 * import type { Completion } from "./shell_complete.ts";
 * const completion: Completion = { start: 0, candidates: [] };
 * ```
 */
export interface Completion {
  /** The offset in `before` where the word being completed starts. */
  readonly start: number;
  /** The candidates, sorted by label. */
  readonly candidates: readonly Candidate[];
}

/**
 * What completion knows: the live schema, and optionally facts from the
 * vendored schema (a command's `since`), and extra command words (`hmp`).
 *
 * @example
 * ```ts
 * import type { CompletionSource } from "./shell_complete.ts";
 * import { indexSchemaInfo } from "../introspect/schema_info.ts";
 * const source: CompletionSource = { index: indexSchemaInfo([]), extraCommands: ["hmp"] };
 * ```
 */
export interface CompletionSource {
  /** The server's schema, indexed. */
  readonly index: SchemaInfoIndex;
  /** A command's facts beyond the live schema (`since 2.9`), by name. */
  readonly commandFacts?: (command: string) => string | undefined;
  /** Words the shell takes as commands besides the schema's (`hmp`). */
  readonly extraCommands?: readonly string[];
}

interface Member {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly features: readonly string[];
}

const facts = (...parts: (string | false | undefined)[]) => parts.filter(Boolean).join(", ");

const featureFacts = (features: readonly string[] | undefined) =>
  (features ?? []).filter((f) => f === "deprecated" || f === "unstable").join(", ");

/** An object type's members, with its variants' (the one `value`'s tag picks, or all). */
function membersOf(
  index: SchemaInfoIndex,
  typeName: string,
  value: unknown,
  seen = new Set<string>(),
): Member[] {
  if (seen.has(typeName)) return [];
  seen.add(typeName);
  const info = index.byName.get(typeName);
  if (!info) return [];
  if (info["meta-type"] === "alternate") {
    return (info.members ?? []).flatMap((m) => membersOf(index, m.type, value, seen));
  }
  if (info["meta-type"] !== "object") return [];
  const members: Member[] = (info.members ?? []).flatMap((m) =>
    m.name === undefined ? [] : [{
      name: m.name,
      type: m.type,
      optional: "default" in m,
      features: m.features ?? [],
    }]
  );
  if (info.tag && info.variants) {
    const tag = typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)[info.tag]
      : undefined;
    const variants = typeof tag === "string"
      ? info.variants.filter((v) => v.case === tag)
      : info.variants;
    for (const variant of variants) members.push(...membersOf(index, variant.type, value, seen));
  }
  const unique = new Map<string, Member>();
  for (const member of members) if (!unique.has(member.name)) unique.set(member.name, member);
  return [...unique.values()];
}

/** The types a member path leads to (several through alternates and untagged unions). */
function typesAt(
  index: SchemaInfoIndex,
  typeName: string,
  path: readonly string[],
  value: unknown,
): string[] {
  const [part, ...rest] = path;
  if (part === undefined) return [typeName];
  const info = index.byName.get(typeName);
  if (!info) return [];
  const child = typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[part]
    : undefined;
  if (info["meta-type"] === "alternate") {
    return (info.members ?? []).flatMap((m) => typesAt(index, m.type, path, value));
  }
  if (info["meta-type"] === "array") {
    return /^[0-9]+$/.test(part) ? typesAt(index, info["element-type"]!, rest, child) : [];
  }
  return membersOf(index, typeName, value)
    .filter((m) => m.name === part)
    .flatMap((m) => typesAt(index, m.type, rest, child));
}

/** The values a type takes that can be listed: enum values, `true`/`false`. */
function valuesOf(index: SchemaInfoIndex, typeName: string, seen = new Set<string>()): string[] {
  if (seen.has(typeName)) return [];
  seen.add(typeName);
  const info = index.byName.get(typeName);
  if (!info) return [];
  if (info["meta-type"] === "enum") return [...(info.values ?? [])];
  if (info["meta-type"] === "builtin" && info["json-type"] === "boolean") return ["true", "false"];
  if (info["meta-type"] === "alternate") {
    return (info.members ?? []).flatMap((m) => valuesOf(index, m.type, seen));
  }
  return [];
}

/** Whether a member's value is an object only (then `name.` is what follows). */
function isObjectOnly(index: SchemaInfoIndex, typeName: string): boolean {
  const info = index.byName.get(typeName);
  return info?.["meta-type"] === "object";
}

/** What follows a member's name: `.` for an object, `.0.` or `.0=` for a list, else `=`. */
function followingKey(index: SchemaInfoIndex, typeName: string): string {
  const info = index.byName.get(typeName);
  if (info?.["meta-type"] === "object") return ".";
  if (info?.["meta-type"] === "array") {
    return isObjectOnly(index, info["element-type"] ?? "") ? ".0." : ".0=";
  }
  return "=";
}

function sorted(candidates: Candidate[]): Candidate[] {
  const unique = new Map(candidates.map((c) => [c.label, c]));
  return [...unique.values()].sort((a, b) => a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

/**
 * The completions of the word before the cursor in `before` (the line up
 * to the cursor): a command name as the first word; then a member name
 * (`key`, `key.sub`) or, after `key=`, an enum value. Members already given
 * are not offered again, and a union's tag, once given, narrows its members
 * to the variant's.
 *
 * @example
 * ```ts
 * import { complete } from "./shell_complete.ts";
 * import { indexSchemaInfo } from "../introspect/schema_info.ts";
 * const index = indexSchemaInfo([
 *   { name: "cont", "meta-type": "command", "arg-type": "0", "ret-type": "0" },
 *   { name: "0", "meta-type": "object", members: [] },
 * ]);
 * console.log(complete({ index }, "co").candidates.map((c) => c.insert)); // ["cont "]
 * ```
 */
export function complete(source: CompletionSource, before: string): Completion {
  const { index } = source;
  const leading = before.length - before.trimStart().length;
  const text = before.slice(leading);
  if (text.startsWith("{")) return { start: before.length, candidates: [] };
  const words = splitWords(text);
  const endsWithBlank = text.length > 0 && /\s$/.test(text);
  if (words.length === 0 || (words.length === 1 && !endsWithBlank)) {
    const prefix = words[0] ?? "";
    const candidates: Candidate[] = [];
    for (const [name, info] of index.commands) {
      if (!name.startsWith(prefix)) continue;
      candidates.push({
        insert: `${name} `,
        label: name,
        facts: facts(featureFacts(info.features), source.commandFacts?.(name)),
      });
    }
    for (const name of source.extraCommands ?? []) {
      if (name.startsWith(prefix)) candidates.push({ insert: `${name} `, label: name, facts: "" });
    }
    return { start: before.length - prefix.length, candidates: sorted(candidates) };
  }
  const command = words[0] ?? ""; // There is a word: the case of none is handled above.
  const info: SchemaInfo | undefined = index.commands.get(command);
  const word = endsWithBlank ? "" : words.at(-1)!;
  const start = before.length - word.length;
  if (!info?.["arg-type"]) return { start, candidates: [] };
  const argType = info["arg-type"];
  // The other words, as far as they parse: they pick union variants and are not offered again.
  let given: Record<string, unknown> = {};
  try {
    const others = endsWithBlank ? words : words.slice(0, -1);
    const parsed = parseLine(others.join(" "), false);
    if (parsed.kind === "call") given = parsed.args;
  } catch {
    given = {};
  }
  const equals = word.indexOf("=");
  if (equals >= 0) {
    const key = word.slice(0, equals);
    const prefix = word.slice(equals + 1);
    const values = typesAt(index, argType, key.split("."), given)
      .flatMap((type) => valuesOf(index, type));
    const candidates = values.filter((v) => v.startsWith(prefix)).map((v) => ({
      insert: `${key}=${v} `,
      label: v,
      facts: "",
    }));
    return { start, candidates: sorted(candidates) };
  }
  const parts = word.split(".");
  const prefix = parts.pop()!;
  const path = parts;
  const candidates: Candidate[] = [];
  let container: unknown = given;
  for (const part of path) {
    container = typeof container === "object" && container !== null
      ? (container as Record<string, unknown>)[part]
      : undefined;
  }
  for (const type of typesAt(index, argType, path, given)) {
    for (const member of membersOf(index, type, container)) {
      if (!member.name.startsWith(prefix)) continue;
      if (
        typeof container === "object" && container !== null &&
        Object.hasOwn(container, member.name)
      ) continue;
      const head = [...path, member.name].join(".");
      candidates.push({
        insert: `${head}${followingKey(index, member.type)}`,
        label: member.name,
        facts: facts(member.optional && "optional", featureFacts(member.features)),
      });
    }
  }
  return { start, candidates: sorted(candidates) };
}

/**
 * The longest text every candidate's `insert` starts with.
 *
 * @example
 * ```ts
 * import { commonPrefix } from "./shell_complete.ts";
 * console.log(commonPrefix(["query-status ", "query-stats "])); // "query-stat"
 * ```
 */
export function commonPrefix(texts: readonly string[]): string {
  let prefix = texts[0] ?? ""; // No texts: no common prefix.
  for (const text of texts) {
    let i = 0;
    while (i < prefix.length && i < text.length && prefix[i] === text[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}
