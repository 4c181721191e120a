/**
 * Reads a QAPI schema as QEMU's generator does, in its three passes: parse
 * every file (following `include`s, applying `pragma`s, reading doc
 * comments), check each definition's expression, then check the schema as a
 * whole; and returns the IR.
 *
 * Any input ends in the IR or a `QapiError` (`FILE:LINE: message`), within
 * the bounds of `ReaderLimits`: only regular files are read, each with a
 * size cap, and so are the total size, the nesting of expressions, the
 * depth and number of includes, and the work of the checks.
 *
 * @module
 */

import process from "node:process";
import type { Protocol } from "../types/literal.ts";
import { type CheckedDefinition, checkSchema, qtypeValues } from "./check.ts";
import { type DefinitionDoc, parseDoc, sinceOf } from "./doc.ts";
import { QapiError, SchemaReadError, SourcePosition } from "./errors.ts";
import {
  checkExpression,
  type DefinitionKind,
  normalizeDefinition,
  type Pragma,
} from "./expressions.ts";
import { decodeUtf8, failureReason, ReadFailure, readRegularFile } from "./files.ts";
import type { SchemaIR } from "./ir.ts";
import { flattenSimpleUnion, modernizeConditions } from "./legacy.ts";
import { defaultLimits, formatBytes, type ReaderLimits } from "./limits.ts";
import { isQapiObject, own, parseSource, type QapiObject, type QapiValue } from "./parse.ts";

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
  readonly docs?: boolean | undefined;
  /**
   * Apply current QEMU's rules (doc comment layout: line length, sentence
   * spacing, indentation, no `Note:`/`Example:` sections, no empty sections,
   * `Returns:` only where something is returned, every member documented;
   * naming rules of members and enum values; current pragma names). Default
   * true. Schemas of QEMU releases before 10.2 need false: they predate some
   * of these rules.
   */
  readonly strictDocs?: boolean;
  /**
   * Reads a file; by default, regular files only, with `limits.maxFileBytes`
   * as the cap, decoded as strict UTF-8. A reader given here is trusted to
   * return promptly; its text is held to the cap in UTF-16 units.
   */
  readonly readFile?: (path: string) => Promise<string>;
  /** Bounds other than the defaults (`defaultLimits`). */
  readonly limits?: Partial<ReaderLimits>;
}

/**
 * Joins an include path the way QEMU does (`os.path.join` of the includer's
 * folder and the include): textually, and an absolute include as it is.
 */
function joinInclude(includer: string, include: string): string {
  if (include.startsWith("/")) return include;
  const slash = includer.lastIndexOf("/");
  if (slash < 0) return include;
  const folder = includer.slice(0, slash + 1);
  return /^\/+$/.test(folder) ? folder + include : folder.replace(/\/+$/, "/") + include;
}

/** The working folder, for `canonical` (`/` if it is gone). */
function workingFolder(): string {
  try {
    return process.cwd();
  } catch {
    return "/";
  }
}

/** A normalised absolute form, to detect cycles and repeated includes. */
function canonical(path: string, cwd: string): string {
  const parts: string[] = [];
  const absolute = path.startsWith("/") ? path : `${cwd}/${path}`;
  for (const part of absolute.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/** A definition's expression with where it is and its doc comment. */
interface Parsed {
  readonly expression: QapiObject;
  readonly position: SourcePosition;
  readonly doc?: DefinitionDoc | undefined;
}

/**
 * Reads, checks and returns a schema. Throws `QapiError` (with `FILE:LINE`
 * diagnostics) for a bad schema, including an `include` that can't be read,
 * and `SchemaReadError` when the file named here can't be read.
 *
 * @example
 * ```ts
 * import { readSchema } from "./read.ts";
 * const schema = await readSchema("../shared/qapi/10.2/qga/qapi-schema.json", { protocol: "qga" });
 * console.log(Object.keys(schema.commands).length);
 * ```
 */
export async function readSchema(path: string, options: ReadOptions = {}): Promise<SchemaIR> {
  const limits: ReaderLimits = { ...defaultLimits, ...options.limits };
  const strict = options.strictDocs ?? true;
  const pragma: Pragma = {
    docRequired: false,
    commandNameExceptions: new Set(),
    commandReturnsExceptions: new Set(),
    documentationExceptions: new Set(),
    memberNameExceptions: new Set(),
    relaxedNames: !strict,
  };

  // Pass 1: parse every file, in QEMU's order.
  const included = new Set<string>();
  const parsed: Parsed[] = [];
  const docs: DefinitionDoc[] = [];
  let totalBytes = 0;

  /** Reads a file's text; `at` is the include that names it (none for the main file). */
  const load = async (file: string, at?: SourcePosition): Promise<string> => {
    const fail = (reason: string): never => {
      if (!at) throw new SchemaReadError(file, reason);
      throw QapiError.at(at, `can't read include file '${file}': ${reason}`);
    };
    let text: string;
    let size: number;
    try {
      if (options.readFile) {
        text = await options.readFile(file);
        if (typeof text !== "string") throw new ReadFailure("the reader returned no text");
        size = text.length;
        if (size > limits.maxFileBytes) {
          throw new ReadFailure(`larger than ${formatBytes(limits.maxFileBytes)}`);
        }
      } else {
        const bytes = await readRegularFile(file, limits.maxFileBytes);
        size = bytes.length;
        const decoded = decodeUtf8(bytes);
        if (typeof decoded !== "string") {
          let line = 1;
          for (let i = 0; i < decoded.invalidAt; i++) if (bytes[i] === 0x0a) line++;
          throw QapiError.at(
            new SourcePosition(file, line, at),
            `invalid UTF-8 (byte 0x${bytes[decoded.invalidAt]!.toString(16)})`, // An offset in bytes.
          );
        }
        text = decoded;
      }
    } catch (error) {
      if (error instanceof QapiError) throw error;
      return fail(failureReason(error));
    }
    totalBytes += size;
    if (totalBytes > limits.maxTotalBytes) {
      fail(`the schema's files exceed ${formatBytes(limits.maxTotalBytes)} in all`);
    }
    return text;
  };

  const cwd = workingFolder();
  /** The canonical names of the files on the include chain being read. */
  const chain = new Set<string>();
  const readFile = async (file: string, at: SourcePosition | undefined, depth: number) => {
    const self = canonical(file, cwd);
    included.add(self);
    chain.add(self);
    const source = await load(file, at);
    let doc: DefinitionDoc | undefined;
    const rejectDoc = () => {
      if (doc?.symbol) {
        throw QapiError.at(
          doc.position,
          `documentation for '${doc.symbol}' is not followed by the definition`,
        );
      }
    };
    for (
      const item of parseSource(source, file, { parent: at, maxNesting: limits.maxNesting })
    ) {
      if (item.kind === "doc") {
        rejectDoc();
        doc = parseDoc(item.block, { strict });
        docs.push(doc);
        continue;
      }
      const { expression, position } = item;
      if (Object.hasOwn(expression, "include")) {
        rejectDoc();
        if (Object.keys(expression).length !== 1) {
          throw QapiError.at(position, "invalid 'include' directive");
        }
        const include = expression["include"];
        if (typeof include !== "string") {
          throw QapiError.at(position, "value of 'include' must be a string");
        }
        const target = joinInclude(file, include);
        const key = canonical(target, cwd);
        if (chain.has(key)) throw QapiError.at(position, `inclusion loop for ${include}`);
        if (!included.has(key)) {
          if (depth + 1 > limits.maxIncludeDepth) {
            throw QapiError.at(
              position,
              `includes nested more than ${limits.maxIncludeDepth} deep (the reader's limit)`,
            );
          }
          if (included.size >= limits.maxFiles) {
            throw QapiError.at(
              position,
              `more than ${limits.maxFiles} schema files (the reader's limit)`,
            );
          }
          await readFile(target, position, depth + 1);
        }
      } else if (Object.hasOwn(expression, "pragma")) {
        rejectDoc();
        if (Object.keys(expression).length !== 1) {
          throw QapiError.at(position, "invalid 'pragma' directive");
        }
        applyPragma(expression["pragma"]!, position, pragma, strict); // Its own key: a value.
      } else {
        if (doc && !doc.symbol) {
          throw QapiError.at(doc.position, "definition documentation required");
        }
        parsed.push({ expression, position, doc });
      }
      doc = undefined;
    }
    rejectDoc();
    chain.delete(self);
  };

  await readFile(path, undefined, 0);

  // Pass 2: each definition's expression.
  const definitions: (CheckedDefinition & { normalized: object })[] = [];
  const implicitNames = new Set<string>();
  for (const { expression, position, doc } of parsed) {
    if (!strict) modernizeConditions(expression);
    // QEMU before 6.2 also had simple unions: a flat union over an implicit
    // enum, with implicit wrapper structs as branches.
    const implicit = !strict && isSimpleUnion(expression) ? flattenSimpleUnion(expression) : [];
    const { kind, name } = checkExpression(expression, position, pragma, (kind, name) => {
      if (doc) {
        if (doc.symbol !== name) {
          throw QapiError.at(position, `documentation comment is for '${doc.symbol}'`);
        }
        checkDocSections(doc, kind, expression, strict);
      } else if (pragma.docRequired) {
        throw QapiError.at(position, "documentation comment required");
      }
    });
    for (const extra of implicit) {
      // Implicit names (q_obj_…) are reserved to QEMU, so they skip the name
      // checks; and, as in QEMU, one implicit type serves every union using it.
      if (implicitNames.has(extra.name)) continue;
      implicitNames.add(extra.name);
      definitions.push({
        kind: extra.kind,
        name: extra.name,
        position,
        expression: extra.expression,
        normalized: normalizeDefinition(extra.kind, extra.expression, undefined, () => undefined),
      });
    }
    const since = sinceOf(doc?.sections.get("Since")?.text, true);
    const normalized = normalizeDefinition(
      kind,
      expression,
      since,
      (member) => sinceOf(doc?.members.get(member)?.text),
    );
    definitions.push({ kind, name, position, expression, doc, normalized });
  }

  // Pass 3: the whole schema.
  checkSchema(definitions, pragma, { strict, docs, maxSteps: limits.maxCheckSteps });

  const version = options.version ?? await versionNear(path, options.readFile);
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
  ir.types["QType"] = { kind: "enum", data: [...qtypeValues], info: { file: "", line: 0 } };
  for (const { kind, name, position, normalized, doc } of definitions) {
    const map = kind === "command" ? ir.commands : kind === "event" ? ir.events : ir.types;
    const provenance: Record<string, unknown> = {
      info: { file: position.file, line: position.line },
    };
    if (options.docs && doc) {
      const members: Record<string, string> = {};
      for (const [member, description] of doc.members) {
        Object.defineProperty(members, member, {
          value: description.text,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      provenance["doc"] = { text: doc.text.trim(), members };
    }
    // Names are checked, but define the property rather than assign it all the same.
    Object.defineProperty(map, name, {
      value: { ...normalized, ...provenance },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return ir as unknown as SchemaIR;
}

/**
 * QEMU's old simple union: a union without base and discriminator, whose
 * branches name their types. (Anything else is left to the checks.)
 */
function isSimpleUnion(expression: QapiObject): boolean {
  if (typeof own(expression, "union") !== "string") return false;
  if (Object.hasOwn(expression, "base") || Object.hasOwn(expression, "discriminator")) return false;
  const data = own(expression, "data");
  return isQapiObject(data) && Object.values(data).every((branch) =>
    typeof branch === "string" ||
    (isQapiObject(branch) && typeof own(branch, "type") === "string")
  );
}

/** `MAJOR.MINOR` from a `VERSION` file in the schema's folder or up to three above it. */
async function versionNear(
  path: string,
  readFile: ((path: string) => Promise<string>) | undefined,
): Promise<string | undefined> {
  let folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  for (let depth = 0; depth < 4; depth++) {
    try {
      const file = `${folder}/VERSION`;
      const text = readFile
        ? await readFile(file)
        : new TextDecoder().decode(await readRegularFile(file, 4096));
      const match = /^(\d+)\.(\d+)/.exec(String(text).trim());
      if (match) return `${match[1]}.${match[2]}`;
    } catch {
      // No VERSION here (or not a small regular file); look further up.
    }
    folder = `${folder}/..`;
  }
  return undefined;
}

function applyPragma(
  value: QapiValue,
  position: SourcePosition,
  pragma: Pragma,
  strict: boolean,
): void {
  if (!isQapiObject(value)) {
    throw QapiError.at(position, "value of 'pragma' must be an object");
  }
  type List =
    | "commandNameExceptions"
    | "commandReturnsExceptions"
    | "documentationExceptions"
    | "memberNameExceptions";
  const lists = new Map<string, List>([
    ["command-name-exceptions", "commandNameExceptions"],
    ["command-returns-exceptions", "commandReturnsExceptions"],
    ["documentation-exceptions", "documentationExceptions"],
    ["member-name-exceptions", "memberNameExceptions"],
  ]);
  if (!strict) {
    // The names these pragmas had before QEMU 6.0.
    lists.set("returns-whitelist", "commandReturnsExceptions");
    lists.set("name-case-whitelist", "memberNameExceptions");
  }
  for (const [name, setting] of Object.entries(value)) {
    if (name === "doc-required") {
      if (typeof setting !== "boolean") {
        throw QapiError.at(position, "pragma 'doc-required' must be boolean");
      }
      pragma.docRequired = setting;
      continue;
    }
    const list = lists.get(name);
    if (list === undefined) throw QapiError.at(position, `unknown pragma '${name}'`);
    if (!Array.isArray(setting) || setting.some((s) => typeof s !== "string")) {
      throw QapiError.at(position, `pragma ${name} must be a list of strings`);
    }
    // As in QEMU, a pragma replaces the list it names.
    pragma[list] = new Set(setting as string[]);
  }
}

/** QEMU's checks of a definition's doc sections against the definition's kind. */
function checkDocSections(
  doc: DefinitionDoc,
  kind: DefinitionKind,
  expression: QapiObject,
  strict: boolean,
): void {
  const returns = doc.sections.get("Returns");
  const errors = doc.sections.get("Errors");
  if (kind === "command") {
    // Older releases documented "Returns: nothing" on commands without returns.
    if (returns && strict && !Object.hasOwn(expression, "returns")) {
      throw QapiError.at(
        doc.position.at(returns.line),
        "'Returns' section, but command doesn't return anything",
      );
    }
  } else if (strict) {
    if (returns) {
      throw QapiError.at(
        doc.position.at(returns.line),
        "'Returns' section is only valid for commands",
      );
    }
    if (errors) {
      throw QapiError.at(
        doc.position.at(errors.line),
        "'Errors' section is only valid for commands",
      );
    }
  }
}
