/**
 * QEMU's own examples, read from its QAPI sources at test time: every
 * request (`-> {`), reply and event (`<- {`) in the doc comments, paired
 * (a request with the reply that follows it), and a TypeScript module per
 * schema version in which each one is a statement typed by the vendored
 * schema of that version: a request is an `execute` call, a reply's
 * `return` is assigned to `CommandReturn`, an event's `data` to `EventData`.
 *
 * Nothing of QEMU's text is kept in the repository: the sources are read
 * from `../shared/qapi/<version>/` and the modules are written to `.cache/`.
 *
 * @module
 */

import ts from "typescript";
import { parseJson } from "../../lib/protocol/json.ts";
import { projectOptions } from "./project_options.ts";

/** Where QEMU's QAPI sources are, one folder per release. */
export const sharedQapi = new URL("../../../shared/qapi/", import.meta.url).pathname;

/** The folder the generated modules are written to. */
export const generatedDir = new URL("../../.cache/doc-examples/", import.meta.url).pathname;

/** The protocols whose sources hold examples: the emulator's monitor and the guest agent. */
export type Protocol = "qmp" | "qga";

/** What a message of an example is. */
export type Kind = "request" | "reply" | "error" | "event";

/** One message of an example, as written in a doc comment. */
export interface Message {
  readonly version: string;
  readonly protocol: Protocol;
  /** The source file, relative to the version's folder, and the line the message starts on. */
  readonly file: string;
  readonly line: number;
  /** The definition the doc comment documents. */
  readonly symbol: string;
  readonly kind: Kind;
  /**
   * `SYMBOL: KIND N`, N counting the messages of that kind in the comment
   * from 1; the same in every version where the comment did not change.
   */
  readonly id: string;
  /** The command (requests, replies) or event; undefined where the text does not say. */
  readonly name?: string;
  /** The message text, the comment's `#` and the block's indentation removed. */
  readonly text: string;
  /** The parsed message, or undefined when the text is not JSON. */
  readonly value?: Record<string, unknown>;
  /** Why the text is not JSON, as the parser says. */
  readonly syntaxError?: string;
  /**
   * True when the text stands for further array elements with `...` (`{…}, ...]`):
   * the elision is dropped and the elements written out are checked.
   */
  readonly elided?: boolean;
  /** For a reply, the request it answers, when the comment has one before it. */
  readonly request?: Message;
}

/** The `.json` files of one version's sources for a protocol. */
async function sourceFiles(version: string, protocol: Protocol): Promise<string[]> {
  if (protocol === "qga") return ["qga/qapi-schema.json"];
  const files: string[] = [];
  for await (const entry of Deno.readDir(`${sharedQapi}${version}/qapi`)) {
    if (entry.isFile && entry.name.endsWith(".json")) files.push(`qapi/${entry.name}`);
  }
  return files.sort();
}

/** Brace depth change of a line of JSON-ish text, strings skipped. */
function depthChange(text: string, inString: { value: boolean }): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString.value) {
      if (c === "\\") i++;
      else if (c === '"') inString.value = false;
    } else if (c === '"') inString.value = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
  }
  return depth;
}

/** The kind and name of a message, from its parsed value or, failing that, its text. */
function classify(
  value: Record<string, unknown> | undefined,
  text: string,
): { kind: Kind; name?: string } | undefined {
  if (value) {
    const name = value.execute ?? value["exec-oob"];
    if (typeof name === "string") return { kind: "request", name };
    if (typeof value.event === "string") return { kind: "event", name: value.event };
    if ("return" in value) return { kind: "reply" };
    if ("error" in value) return { kind: "error" };
    return undefined;
  }
  // Not JSON: the same from the text, with either quote.
  const request = /["'](?:execute|exec-oob)["']\s*:\s*["']([^"']+)["']/.exec(text);
  if (request) return { kind: "request", name: request[1] };
  const event = /["']event["']\s*:\s*["']([^"']+)["']/.exec(text);
  if (event) return { kind: "event", name: event[1] };
  if (/["']return["']\s*:/.test(text)) return { kind: "reply" };
  if (/["']error["']\s*:/.test(text)) return { kind: "error" };
  return undefined;
}

/**
 * Every example message of one version's sources for a protocol, in source
 * order, replies paired with their requests.
 */
export async function readExamples(version: string, protocol: Protocol): Promise<Message[]> {
  const messages: Message[] = [];
  for (const file of await sourceFiles(version, protocol)) {
    const lines = (await Deno.readTextFile(`${sharedQapi}${version}/${file}`)).split("\n");
    let symbol: string | undefined;
    let inDoc = false;
    /** Messages of the current comment, for pairing and numbering. */
    let block: Message[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (/^##\s*$/.test(line)) {
        inDoc = !inDoc;
        if (inDoc) {
          symbol = /^#\s*@([^:\s]+):/.exec(lines[i + 1] ?? "")?.[1];
          block = [];
        }
        continue;
      }
      if (!inDoc || !line.startsWith("#")) continue;
      // A message after `->` or `<-`, or (in a few examples of 7.2) a bare
      // object that starts with one of the members that make a message.
      const start =
        /^#(\s*)(?:(->|<-)\s*(?=[{[])|(?=\{\s*"(?:execute|exec-oob|event|return|error)"))/
          .exec(line);
      if (!start) continue;
      // The message: from the arrow to where its brackets close, within the comment.
      const inString = { value: false };
      let depth = 0;
      const textLines: string[] = [];
      let j = i;
      for (; j < lines.length && lines[j].startsWith("#") && !/^##\s*$/.test(lines[j]); j++) {
        const content = j === i ? line.slice(start[0].length) : lines[j].slice(1);
        textLines.push(content);
        depth += depthChange(content, inString);
        if (depth <= 0) break;
      }
      const text = dedent(textLines);
      // `...` for further elements, as the last element of an array: dropped.
      const bare = text.replace(/,\s*\.\.\.\s*(?=\])/g, "");
      let value: Record<string, unknown> | undefined;
      let syntaxError: string | undefined;
      if (depth !== 0) syntaxError = "brackets do not close within the comment";
      else if (/^#\s+"[^"]+"\s*:/.test(lines[j + 1] ?? "")) {
        // A member on the line after the message closed: the text closes too early.
        syntaxError = "the object closes before the member on the next line";
      } else {
        try {
          const parsed = parseJson(bare);
          if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
            value = parsed as Record<string, unknown>;
          } else syntaxError = "not a JSON object";
        } catch (error) {
          syntaxError = (error as Error).message;
        }
      }
      const found = classify(value, text);
      const kind: Kind = found?.kind ??
        (start[2] === "->" ? "request" : start[2] === "<-" ? "reply" : "request");
      const ordinal = block.filter((m) => m.kind === kind).length + 1;
      let request: Message | undefined;
      if (kind === "reply" || kind === "error") {
        // The reply answers the nearest request before it that no reply answered yet.
        for (let k = block.length - 1; k >= 0; k--) {
          const earlier = block[k];
          if (earlier.kind === "reply" || earlier.kind === "error") break;
          if (earlier.kind === "request") {
            request = earlier;
            break;
          }
        }
      }
      const message: Message = {
        version,
        protocol,
        file,
        line: i + 1,
        symbol: symbol ?? "(untitled)",
        kind,
        id: `${symbol ?? "(untitled)"}: ${kind} ${ordinal}`,
        name: found?.name ?? request?.name,
        text,
        value,
        syntaxError,
        elided: bare !== text,
        request,
      };
      block.push(message);
      messages.push(message);
      i = j;
    }
  }
  return messages;
}

/** Lines with the indentation they share removed (the first line is already bare). */
function dedent(lines: string[]): string {
  const rest = lines.slice(1).filter((l) => l.trim());
  const indent = Math.min(...rest.map((l) => /^\s*/.exec(l)![0].length));
  return [lines[0], ...lines.slice(1).map((l) => l.slice(Number.isFinite(indent) ? indent : 0))]
    .join("\n").trimEnd();
}

/** A value as a TypeScript expression: JSON, with `bigint` literals where the run time gives one. */
export function expression(value: unknown, indent = ""): string {
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + expression(v, inner)).join(",\n")},\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${
    entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${expression(v, inner)}`).join(",\n")
  },\n${indent}}`;
}

/** A statement of a generated module: the lines it spans and what it checks. */
export interface Statement {
  readonly key: string;
  readonly first: number;
  readonly last: number;
}

/** One check to generate: a request, a reply's `return` or an event's `data`. */
export interface Check {
  /** Unique within its module; what errors are reported by. */
  readonly key: string;
  readonly kind: "request" | "reply" | "event";
  /** The command or event. */
  readonly name: string;
  /** Request: the arguments (or undefined); reply: the `return`; event: the `data`. */
  readonly value: unknown;
  /** Request only: sent out of band. */
  readonly oob?: boolean;
}

/** The names a generated module uses for a schema: its type and the module it comes from. */
export interface SchemaModule {
  readonly protocol: Protocol;
  readonly version: string;
}

/** Writes a module holding the checks; returns its path and where each check is. */
export async function writeModule(
  schema: SchemaModule,
  checks: readonly Check[],
  basename: string,
): Promise<{ path: string; statements: Statement[] }> {
  const type = `${schema.protocol === "qmp" ? "Qmp" : "Qga"}${schema.version.replace(".", "_")}`;
  const lines: string[] = [
    `import type { CommandReturn, EventData } from "../../lib/types/mod.ts";`,
    `import type { ${type} } from "../../schemas/${schema.protocol}/${schema.version}.js";`,
    schema.protocol === "qmp"
      ? `import type { QmpClient } from "../../lib/client/qmp.ts";`
      : `import type { GuestAgent } from "../../lib/guest/agent.ts";`,
    schema.protocol === "qmp"
      ? `declare const client: QmpClient<${type}>;`
      : `declare const client: GuestAgent<${type}>;`,
    "",
  ];
  const statements: Statement[] = [];
  checks.forEach((check, index) => {
    const first = lines.length;
    lines.push(`// ${check.key}`);
    const name = JSON.stringify(check.name);
    if (check.kind === "request") {
      const args = check.value === undefined ? "" : `, ${expression(check.value, "  ")}`;
      const options = check.oob ? `${args ? "" : ", undefined"}, { oob: true }` : "";
      lines.push(`export async function check${index}() {`);
      lines.push(`  await client.execute(${name}${args}${options});`);
      lines.push(`}`);
    } else {
      const target = check.kind === "reply"
        ? `CommandReturn<${type}, ${name}>`
        : `EventData<${type}, ${name}>`;
      lines.push(`export const check${index}: ${target} = ${expression(check.value)};`);
    }
    // Expressions span lines: count them as the file will.
    lines.splice(first, lines.length - first, ...lines.slice(first).join("\n").split("\n"));
    statements.push({ key: check.key, first, last: lines.length - 1 });
    lines.push("");
  });
  await Deno.mkdir(generatedDir, { recursive: true });
  const path = `${generatedDir}${basename}.ts`;
  await Deno.writeTextFile(path, lines.join("\n"));
  return { path, statements };
}

/**
 * A written module (`writeModule`) and the schema version whose types it checks.
 *
 * @example
 * ```ts
 * import type { WrittenModule } from "./doc_examples.ts";
 * const empty: WrittenModule = { path: "/tmp/empty.ts", version: "10.0", statements: [] };
 * ```
 */
export interface WrittenModule {
  readonly path: string;
  readonly version: string;
  readonly statements: readonly Statement[];
}

/**
 * Type-checks the modules in one program (the project's compiler options);
 * returns the errors of each failing check by `VERSION KEY`. An error outside
 * every check (an import, a declaration) is reported too, under a key no
 * check has.
 *
 * @example
 * ```ts ignore
 * import { typeCheckModules, writeModule } from "./doc_examples.ts";
 * const check = { key: "stop", kind: "event", name: "STOP", value: {} } as const;
 * const written = await writeModule({ protocol: "qmp", version: "10.0" }, [check], "stop");
 * console.log(typeCheckModules([{ ...written, version: "10.0" }])); // Map(0) {}
 * ```
 */
export function typeCheckModules(modules: readonly WrittenModule[]): Map<string, string> {
  const program = ts.createProgram(modules.map((m) => m.path), projectOptions());
  const failing = new Map<string, string>();
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const diagnostic of global) {
    failing.set(
      `(program) ${failing.size}`,
      ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
    );
  }
  for (const module of modules) {
    const source = program.getSourceFile(module.path)!;
    for (const diagnostic of ts.getPreEmitDiagnostics(program, source)) {
      const line = diagnostic.file === source && diagnostic.start !== undefined
        ? source.getLineAndCharacterOfPosition(diagnostic.start).line
        : -1;
      const statement = module.statements.find((s) => s.first <= line && line <= s.last);
      const key = `${module.version} ${statement?.key ?? `(outside any check, line ${line + 1})`}`;
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      failing.set(key, failing.has(key) ? `${failing.get(key)}\n${text}` : text);
    }
  }
  return failing;
}
