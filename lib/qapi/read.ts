/**
 * Reads a QAPI schema as QEMU's generator does: follows `include`s, applies
 * `pragma`s, checks every expression and the whole, and returns the IR.
 *
 * @module
 */

import type { Protocol } from "../schema/literal.ts";
import { type DefinitionDoc, parseDoc, sinceOf } from "./doc.ts";
import { QapiError, type SourcePosition } from "./errors.ts";
import { type CheckedDefinition, checkSchema, qtypeValues } from "./check.ts";
import { checkExpression, normalizeDefinition, type Pragma } from "./expressions.ts";
import type { SchemaIR } from "./ir.ts";
import { flattenSimpleUnion, modernizeConditions } from "./legacy.ts";
import { parseSource, type QapiValue } from "./parse.ts";

/**
 * Options of `readSchema`.
 *
 * @example
 * ```ts
 * import type { ReadOptions } from "./read.ts";
 * const options: ReadOptions = { protocol: "qmp", version: "10.2", qemu: "10.2.2" };
 * ```
 */
export interface ReadOptions {
  /** Which protocol the schema describes (recorded in the IR). Default `qmp`. */
  readonly protocol?: Protocol;
  /** `MAJOR.MINOR` recorded in the IR. Default: from a `VERSION` file found above the schema. */
  readonly version?: string;
  /** The exact QEMU version recorded in the IR. Default: as `version`. */
  readonly qemu?: string;
  /** Keep documentation text in the IR (`doc`). Default false. */
  readonly docs?: boolean;
  /**
   * Apply current QEMU's rules (doc comment layout: line length, sentence
   * spacing, indentation, no `Note:`/`Example:` sections, `Returns:` only
   * where something is returned; naming rules of members and enum values;
   * current pragma names). Default true. Schemas of QEMU releases before
   * 10.2 need false: they predate some of these rules.
   */
  readonly strictDocs?: boolean;
  /** Reads a file; default `Deno.readTextFile`. */
  readonly readFile?: (path: string) => Promise<string>;
}

/** Joins an include path the way QEMU does: textually, relative to the includer's folder. */
function joinInclude(includer: string, include: string): string {
  const slash = includer.lastIndexOf("/");
  return slash < 0 ? include : includer.slice(0, slash + 1) + include;
}

/** A normalised absolute form, to detect cycles and repeated includes. */
function canonical(path: string): string {
  const parts: string[] = [];
  const absolute = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  for (const part of absolute.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/**
 * Reads, checks and returns a schema. Throws `QapiError` (with `FILE:LINE`
 * diagnostics) for a bad schema, and the file system's error when the main
 * file can't be read.
 *
 * @example
 * ```ts ignore
 * import { readSchema } from "./read.ts";
 * const schema = await readSchema("../shared/qapi/10.2/qga/qapi-schema.json", { protocol: "qga" });
 * console.log(Object.keys(schema.commands).length);
 * ```
 */
export async function readSchema(path: string, options: ReadOptions = {}): Promise<SchemaIR> {
  const read = options.readFile ?? Deno.readTextFile;
  const strictDocs = options.strictDocs ?? true;
  const pragma: Pragma = {
    docRequired: false,
    commandNameExceptions: new Set(),
    commandReturnsExceptions: new Set(),
    documentationExceptions: new Set(),
    memberNameExceptions: new Set(),
    relaxedNames: !strictDocs,
  };
  const included = new Set<string>();
  const definitions: (CheckedDefinition & { doc?: DefinitionDoc })[] = [];

  const readFile = async (file: string, parent?: SourcePosition) => {
    included.add(canonical(file));
    const source = await read(file);
    for (const item of parseSource(source, file, parent)) {
      if ("strayDoc" in item) {
        rejectDoc(parseDoc(item.strayDoc, { strict: strictDocs }));
        continue;
      }
      const { expression, position } = item;
      if (!strictDocs) modernizeConditions(expression);
      const doc = item.doc && parseDoc(item.doc, { strict: strictDocs });
      if ("include" in expression) {
        rejectDoc(doc);
        if (Object.keys(expression).length !== 1) {
          throw QapiError.at(position, "invalid 'include' directive");
        }
        const include = expression.include;
        if (typeof include !== "string") {
          throw QapiError.at(position, "value of 'include' must be a string");
        }
        const target = joinInclude(file, include);
        for (let at: SourcePosition | undefined = position; at; at = at.parent) {
          if (canonical(target) === canonical(at.file)) {
            throw QapiError.at(position, `inclusion loop for ${include}`);
          }
        }
        if (included.has(canonical(target))) continue;
        try {
          await readFile(target, position);
        } catch (error) {
          if (error instanceof Deno.errors.NotFound) {
            throw QapiError.at(
              position,
              `can't read include file '${target}': No such file or directory`,
            );
          }
          throw error;
        }
      } else if ("pragma" in expression) {
        rejectDoc(doc);
        if (Object.keys(expression).length !== 1) {
          throw QapiError.at(position, "invalid 'pragma' directive");
        }
        applyPragma(expression.pragma, position, pragma, strictDocs);
      } else {
        if (doc && !doc.symbol) {
          throw QapiError.at(doc.position, "definition documentation required");
        }
        const implicit = !strictDocs && "union" in expression && !("base" in expression) &&
            !("discriminator" in expression)
          ? flattenSimpleUnion(expression)
          : [];
        const { kind, name } = checkExpression(expression, position, pragma);
        for (const extra of implicit) {
          // Implicit names (q_obj_…) are reserved to QEMU, so they skip the name checks.
          const definition = normalizeDefinition(
            extra.kind,
            extra.expression,
            undefined,
            () => undefined,
          );
          definitions.push({ kind: extra.kind, name: extra.name, position, definition });
        }
        if (doc && doc.symbol !== name) {
          throw QapiError.at(
            position,
            `definition of '${name}' follows documentation for '${doc.symbol}'`,
          );
        }
        if (!doc && pragma.docRequired) {
          throw QapiError.at(position, "documentation comment required");
        }
        if (doc) checkDocAgainst(doc, kind, expression, position, strictDocs);
        const since = sinceOf(doc?.sections.get("Since")?.text, true);
        const definition = normalizeDefinition(
          kind,
          expression,
          since,
          (member) => sinceOf(doc?.members.get(member)?.text),
        );
        definitions.push({ kind, name, position, definition, doc });
      }
    }
  };

  await readFile(path);
  checkSchema(definitions, pragma);

  const version = options.version ?? await versionNear(path, read);
  const ir = {
    protocol: options.protocol ?? "qmp",
    version: version ?? "0.0",
    qemu: options.qemu ?? version ?? "0.0",
    types: {} as Record<string, unknown>,
    commands: {} as Record<string, unknown>,
    events: {} as Record<string, unknown>,
    pragma: {
      "doc-required": pragma.docRequired,
      "command-name-exceptions": [...pragma.commandNameExceptions],
      "command-returns-exceptions": [...pragma.commandReturnsExceptions],
      "documentation-exceptions": [...pragma.documentationExceptions],
      "member-name-exceptions": [...pragma.memberNameExceptions],
    },
  };
  ir.types.QType = { kind: "enum", data: [...qtypeValues], info: { file: "", line: 0 } };
  for (const { kind, name, position, definition, doc } of definitions) {
    const map = kind === "command" ? ir.commands : kind === "event" ? ir.events : ir.types;
    const provenance: Record<string, unknown> = {
      info: { file: position.file, line: position.line },
    };
    if (options.docs && doc) {
      const members: Record<string, string> = {};
      for (const [member, description] of doc.members) members[member] = description.text;
      provenance.doc = { text: doc.text.trim(), members };
    }
    map[name] = { ...definition, ...provenance };
  }
  return ir as unknown as SchemaIR;
}

/** `MAJOR.MINOR` from a `VERSION` file in the schema's folder or up to three above it. */
async function versionNear(
  path: string,
  read: (path: string) => Promise<string>,
): Promise<string | undefined> {
  let folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  for (let depth = 0; depth < 4; depth++) {
    try {
      const text = await read(`${folder}/VERSION`);
      const match = /^(\d+)\.(\d+)/.exec(text.trim());
      if (match) return `${match[1]}.${match[2]}`;
    } catch {
      // No VERSION here; look further up.
    }
    folder = `${folder}/..`;
  }
  return undefined;
}

function rejectDoc(doc: DefinitionDoc | undefined): void {
  if (doc?.symbol) {
    throw QapiError.at(
      doc.position,
      `documentation for '${doc.symbol}' is not followed by the definition`,
    );
  }
}

function applyPragma(
  value: QapiValue,
  position: SourcePosition,
  pragma: Pragma,
  strict: boolean,
): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw QapiError.at(position, "value of 'pragma' must be an object");
  }
  const lists: Record<string, Set<string>> = {
    "command-name-exceptions": pragma.commandNameExceptions,
    "command-returns-exceptions": pragma.commandReturnsExceptions,
    "documentation-exceptions": pragma.documentationExceptions,
    "member-name-exceptions": pragma.memberNameExceptions,
  };
  if (!strict) {
    // The names these pragmas had before QEMU 6.0.
    lists["returns-whitelist"] = pragma.commandReturnsExceptions;
    lists["name-case-whitelist"] = pragma.memberNameExceptions;
  }
  for (const [name, setting] of Object.entries(value)) {
    if (name === "doc-required") {
      if (typeof setting !== "boolean") {
        throw QapiError.at(position, "pragma 'doc-required' must be boolean");
      }
      pragma.docRequired = setting;
    } else if (name in lists) {
      if (!Array.isArray(setting) || setting.some((s) => typeof s !== "string")) {
        throw QapiError.at(position, `pragma ${name} must be a list of strings`);
      }
      for (const item of setting as string[]) lists[name].add(item);
    } else {
      throw QapiError.at(position, `unknown pragma '${name}'`);
    }
  }
}

/** Checks a definition's doc against the definition: documented things must exist. */
function checkDocAgainst(
  doc: DefinitionDoc,
  kind: string,
  expression: { [key: string]: QapiValue },
  position: SourcePosition,
  strict: boolean,
): void {
  const returns = doc.sections.get("Returns");
  // Older releases documented "Returns: nothing" on commands without returns.
  if (returns && strict) {
    if (kind !== "command") {
      throw QapiError.at(position.at(returns.line), "'Returns' section is only valid for commands");
    }
    if (!("returns" in expression)) {
      throw QapiError.at(
        position.at(returns.line),
        "'Returns' section, but command doesn't return anything",
      );
    }
  }
  const errors = doc.sections.get("Errors");
  if (errors && kind !== "command" && strict) {
    throw QapiError.at(position.at(errors.line), "'Errors' section is only valid for commands");
  }
  const names = new Set<string>();
  const data = expression.data;
  const addMembers = (value: QapiValue | undefined) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const key of Object.keys(value)) names.add(key.replace(/^\*/, ""));
    }
  };
  if (kind === "enum" && Array.isArray(data)) {
    for (const v of data) {
      names.add(typeof v === "string" ? v : String((v as { name: string }).name));
    }
  } else if (typeof data === "string" && (kind === "command" || kind === "event")) {
    return; // Members are documented with the named type.
  } else {
    addMembers(data);
    if (kind === "union") addMembers(expression.base);
  }
  for (const [name, description] of doc.members) {
    if (!names.has(name)) {
      throw QapiError.at(
        position.at(description.line),
        `documented member '${name}' does not exist`,
      );
    }
  }
  const features = new Set<string>();
  const collect = (raw: QapiValue | undefined) => {
    if (!Array.isArray(raw)) return;
    for (const f of raw) {
      features.add(typeof f === "string" ? f : String((f as { name: string }).name));
    }
  };
  collect(expression.features);
  if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    for (const member of Object.values(data)) {
      if (typeof member === "object" && member !== null && !Array.isArray(member)) {
        collect(member.features);
      }
    }
  }
  for (const feature of features) {
    if (!doc.features.has(feature)) {
      throw QapiError.at(position, `feature '${feature}' lacks documentation`);
    }
  }
}
