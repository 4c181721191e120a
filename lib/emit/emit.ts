/**
 * Writes a schema IR as a vendored module: a JavaScript value and the literal
 * type that declares it, named (so hovers print `Qmp10_2`, not the literal).
 * Property keys carry generated JSDoc facts (since, deprecated,
 * unstable, conditions) that flow through the type compiler's homomorphic
 * mapped types into editors' hovers and completions.
 *
 * @module
 */

import type { Condition, Facts, Feature } from "../types/literal.ts";
import type { SchemaIR } from "../qapi/ir.ts";

/** The protocol's name in identifiers (`Qmp10_2`, `qga7_2`). */
const prefixes = { qmp: "Qmp", qga: "Qga", qsd: "Qsd" } as const;
const titles = { qmp: "QMP", qga: "guest agent (QGA)", qsd: "qemu-storage-daemon (QSD)" } as const;

/**
 * The identifiers of a vendored module: `{ type: "Qmp10_2", value: "qmp10_2" }`.
 *
 * @example
 * ```ts
 * import { moduleNames } from "./emit.ts";
 * console.log(moduleNames("qga", "7.2")); // { type: "Qga7_2", value: "qga7_2" }
 * ```
 */
export function moduleNames(
  protocol: SchemaIR["protocol"],
  version: string,
): { type: string; value: string } {
  const suffix = version.replace(".", "_");
  return { type: `${prefixes[protocol]}${suffix}`, value: `${protocol}${suffix}` };
}

/**
 * Renders a condition readably: `CONFIG_SPICE and not CONFIG_WIN32`.
 *
 * @example
 * ```ts
 * import { renderCondition } from "./emit.ts";
 * console.log(renderCondition({ any: ["A", { not: "B" }] })); // "(A or not B)"
 * ```
 */
export function renderCondition(condition: Condition): string {
  if (typeof condition === "string") return condition;
  if ("not" in condition) return `not ${renderCondition(condition.not)}`;
  const [operator, operands] = "all" in condition ? ["and", condition.all] : ["or", condition.any];
  return `(${operands.map(renderCondition).join(` ${operator} `)})`;
}

const featureName = (feature: Feature) => (typeof feature === "string" ? feature : feature.name);

/** Whether documentation already says since when (`(Since 2.9)`, `Since: 10.1`). */
const mentionsSince = (doc: string, since: string) =>
  new RegExp(`\\bSince:?\\s+${since.replaceAll(".", "\\.")}(?![0-9])`, "i").test(doc);

/**
 * The JSDoc comment of facts, or "" when there are none. With documentation
 * (`doc`), the facts follow it as a paragraph of their own (so they do not
 * run on from an example's last line), and a since the documentation
 * already states is not repeated.
 *
 * @example
 * ```ts
 * import { factsComment } from "./emit.ts";
 * console.log(factsComment({ since: "6.2", features: ["deprecated"] }));
 * // "/** Since 6.2. @deprecated *\/"
 * console.log(factsComment({ since: "2.9", if: "CONFIG_X" }, "Numeric ports. (Since 2.9)"));
 * // "/**\n * Numeric ports. (Since 2.9)\n *\n * Only if CONFIG_X.\n *\/"
 * ```
 */
export function factsComment(facts: Facts, doc?: string): string {
  const text = doc?.replaceAll("*/", "*\\/").trimEnd();
  const parts: string[] = [];
  if (facts.since && !(text && mentionsSince(text, facts.since))) {
    parts.push(`Since ${facts.since}.`);
  }
  if (facts.if !== undefined) parts.push(`Only if ${renderCondition(facts.if)}.`);
  const features = (facts.features ?? []).map(featureName);
  if (features.includes("unstable")) parts.push("Unstable.");
  const others = features.filter((f) => f !== "deprecated" && f !== "unstable");
  if (others.length) parts.push(`Features: ${others.join(", ")}.`);
  // @deprecated last: editors strike through on the tag wherever it stands.
  if (features.includes("deprecated")) parts.push("@deprecated");
  const factsText = parts.join(" ");
  const body = text && factsText ? `${text}\n\n${factsText}` : text || factsText;
  if (!body) return "";
  return body.includes("\n")
    ? `/**\n${body.split("\n").map((l) => ` * ${l}`.trimEnd()).join("\n")}\n */`
    : `/** ${body} */`;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name: string) => (identifier.test(name) ? name : JSON.stringify(name));
/**
 * A property key in a JavaScript object literal: `__proto__` (which a live
 * schema may use as a name) written plainly would set the object's
 * prototype instead, so it is computed. (In a type literal it is an
 * ordinary key.)
 */
const valueKey = (name: string) => (name === "__proto__" ? `["__proto__"]` : key(name));

/**
 * The two forms a schema is written in: the run-time value (JavaScript) and
 * its declared type (a `.d.ts` beside it).
 */
type Form = "value" | "type";

/** Per-entry comment and optionality, for maps whose entries carry facts. */
interface EntryStyle {
  comment(key: string, value: unknown): string;
  optional?(value: unknown): boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Renders a JSON-like value as JavaScript (`form: "value"`) or as the literal
 * type that describes it (`form: "type"`), nested objects indented.
 */
function render(value: unknown, indent: string, form: Form, style?: EntryStyle): string {
  if (!isRecord(value) && !Array.isArray(value)) return JSON.stringify(value);
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    const open = form === "type" ? "readonly [" : "[";
    const flat = `${open}${value.map((v) => render(v, inner, form)).join(", ")}]`;
    if (flat.length + indent.length <= 100 && !flat.includes("\n")) return flat;
    return `${open}\n${value.map((v) => inner + render(v, inner, form)).join(",\n")},\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (!entries.length) return "{}";
  const separator = form === "type" ? ";" : ",";
  const entry = ([k, v]: [string, unknown], at: string) =>
    `${form === "type" ? key(k) : valueKey(k)}${
      form === "type" && style?.optional?.(v) ? "?" : ""
    }: ${render(v, at, form)}`;
  const lines = entries.map(([k, v]) => {
    const comment = style?.comment(k, v) ?? "";
    const commentLines = comment
      ? comment.split("\n").map((line) => `${inner}${line}`).join("\n") + "\n"
      : "";
    return `${commentLines}${inner}${entry([k, v], inner)}`;
  });
  const flat = `{ ${entries.map((e) => entry(e, inner)).join(`${separator} `)} }`;
  if (
    !lines.some((l) => l.includes("/**")) && flat.length + indent.length <= 100 &&
    !flat.includes("\n")
  ) {
    return flat;
  }
  return `{\n${lines.join(`${separator}\n`)}${separator}\n${indent}}`;
}

/**
 * In the declared type, a member is optional (`name?:`) when QAPI marks it
 * optional, and also when it exists only under an `if` condition: a build
 * without the condition neither sends nor accepts it (QMP 10.0's
 * `CpuModelExpansionInfo.deprecated-props` is s390x-only). Declaring a
 * present key optional describes the value truthfully (it is a supertype),
 * and it lets one homomorphic mapped type carry each member's optionality
 * and JSDoc into derived types, with no per-member conditional.
 */
const memberIsOptional = (member: unknown) =>
  isRecord(member) && (member["optional"] === true || member["if"] !== undefined);

/** Members maps carry comments on each member with facts. */
const memberStyle = (doc?: { members?: Record<string, string> }): EntryStyle => ({
  comment: (name, member) => {
    // An own description only: an undocumented member may be called `constructor`.
    const members = doc?.members;
    const memberDoc = members && Object.hasOwn(members, name) ? members[name] : undefined;
    const facts = isRecord(member) ? member as Facts : {};
    return memberDoc ? factsComment(facts, memberDoc) : isRecord(member) ? factsComment(facts) : "";
  },
  optional: memberIsOptional,
});

/**
 * A schema's `types`. Names looked up in it below are its own definitions'
 * or their references, which a read schema resolves: hence the `!`s.
 */
type Definitions = Readonly<Record<string, Record<string, unknown>>>;

const typeName = (ref: unknown) =>
  typeof ref === "string"
    ? ref
    : isRecord(ref) && typeof ref["type"] === "string"
    ? ref["type"]
    : "";

/** A struct and its bases, bases first (as QAPI orders their members). */
function structChain(types: Definitions, name: string): string[] {
  const base = types[name]!["base"];
  return [...(typeof base === "string" ? structChain(types, base) : []), name];
}

/**
 * The declared type of a flat union's `variants`: per discriminator value,
 * every value of its enum, the maps holding the variant's members,
 * intersected: the base's (the union's inline map, or the base struct's and
 * its bases' `data`), then the branch struct's and its bases' (none for a
 * value without a branch). Each map is named by where the declaration
 * already states it (`Qmp10_2["types"]["BlockdevOptionsFile"]["data"]`), so
 * no member is written twice and each keeps its documentation. Undefined
 * when a variant is not one members map: when a branch is itself a union
 * (QMP 10.0's `MigrationAddress` under `socket`), or the discriminator's enum
 * is not among `types`.
 */
function renderVariants(
  types: Definitions,
  schemaType: string,
  name: string,
  indent: string,
): string | undefined {
  const union = types[name]!;
  const at = (type: string, member: string) =>
    `${schemaType}["types"][${JSON.stringify(type)}][${JSON.stringify(member)}]`;
  const structs = (struct: string) => structChain(types, struct).map((n) => at(n, "data"));
  const bases = typeof union["base"] === "string" ? structs(union["base"]) : [at(name, "base")];
  const baseMembers = typeof union["base"] === "string"
    ? structChain(types, union["base"]).flatMap((n) => Object.entries(types[n]!["data"] as object))
    : Object.entries(union["base"] as object);
  const tag = baseMembers.find(([member]) => member === union["discriminator"])?.[1];
  const discriminator = types[typeName(tag)];
  const branches = union["data"] as Record<string, unknown>;
  if (discriminator?.["kind"] !== "enum") return undefined;
  if (Object.values(branches).some((b) => types[typeName(b)]?.["kind"] !== "struct")) {
    return undefined;
  }
  const inner = indent + "  ";
  const entries = (discriminator["data"] as string[]).map((value) => {
    const maps = Object.hasOwn(branches, value)
      ? [...bases, ...structs(typeName(branches[value]))]
      : bases;
    return `${inner}${key(value)}: ${maps.join(" & ")}`;
  });
  return `{\n${entries.join(";\n")};\n${indent}}`;
}

/** Renders one definition, with JSDoc on its members and values. */
function renderDefinition(
  name: string,
  definition: Record<string, unknown>,
  indent: string,
  form: Form,
  docs: boolean,
  context: { types: Definitions; schemaType: string },
): string {
  const { types, schemaType } = context;
  const inner = indent + "  ";
  const doc = docs
    ? (definition["doc"] as { members?: Record<string, string> } | undefined)
    : undefined;
  const isUnion = definition["kind"] === "union" || definition["kind"] === "alternate";
  const lines: string[] = [];
  for (const [k, v] of Object.entries(definition)) {
    if (k === "info" || k === "doc") continue;
    let text: string;
    if (k === "data" && isRecord(v) && !isUnion) {
      text = render(v, inner, form, memberStyle(doc));
    } else if (k === "data" && isRecord(v)) {
      text = render(v, inner, form, { comment: (_name, branch) => memberFacts(branch) });
    } else if (k === "base" && isRecord(v)) {
      text = render(v, inner, form, memberStyle());
    } else if (k === "values" && isRecord(v)) {
      text = render(v, inner, form, { comment: (_name, facts) => factsComment(facts as Facts) });
    } else {
      text = render(v, inner, form);
    }
    lines.push(`${inner}${key(k)}: ${text}`);
    // The declared type of a flat union also states each variant's members
    // (see `UnionDefinition.variants`); the value does not repeat them.
    const variants = k === "data" && definition["kind"] === "union" && form === "type"
      ? renderVariants(types, schemaType, name, inner)
      : undefined;
    if (variants) lines.push(`${inner}variants?: ${variants}`);
  }
  const separator = form === "type" ? ";" : ",";
  const flat = `{ ${lines.map((l) => l.trim()).join(`${separator} `)} }`;
  if (!flat.includes("\n") && !flat.includes("/**") && flat.length + indent.length <= 100) {
    return flat;
  }
  return `{\n${lines.join(`${separator}\n`)}${separator}\n${indent}}`;
}

const memberFacts = (member: unknown) => isRecord(member) ? factsComment(member as Facts) : "";

/** Renders a name-keyed map of definitions, each with its facts comment. */
function renderMap(
  map: Record<string, Record<string, unknown>>,
  indent: string,
  form: Form,
  docs: boolean,
  context: { types: Definitions; schemaType: string },
): string {
  const inner = indent + "  ";
  const separator = form === "type" ? ";" : ",";
  const entries = Object.entries(map).map(([name, definition]) => {
    const docText = docs ? (definition["doc"] as { text?: string } | undefined)?.text : undefined;
    // The value needs no comments: editors read them from the declaration.
    const comment = form === "type" ? factsComment(definition as Facts, docText || undefined) : "";
    const commentLines = comment ? comment.split("\n").map((l) => inner + l).join("\n") + "\n" : "";
    return `${commentLines}${inner}${form === "type" ? key(name) : valueKey(name)}: ${
      renderDefinition(name, definition, inner, form, docs, context)
    }`;
  });
  return entries.length ? `{\n${entries.join(`${separator}\n`)}${separator}\n${indent}}` : "{}";
}

/** The schema's top-level members, rendered in either form. */
function renderSchema(schema: SchemaIR, form: Form, docs: boolean): string {
  const separator = form === "type" ? ";" : ",";
  const context = {
    types: schema.types as unknown as Definitions,
    schemaType: moduleNames(schema.protocol, schema.version).type,
  };
  const map = (entries: unknown) => renderMap(entries as never, "  ", form, docs, context);
  const members: [name: string, text: string, about: string][] = [
    [
      "protocol",
      JSON.stringify(schema.protocol),
      "The protocol: `qmp` (the emulator's monitor), `qga` (the guest agent) or `qsd` (the storage daemon).",
    ],
    ["version", JSON.stringify(schema.version), "The QEMU release, `MAJOR.MINOR`."],
    [
      "qemu",
      JSON.stringify(schema.qemu),
      "The exact QEMU version whose QAPI sources the schema was read from.",
    ],
    [
      "types",
      map(schema.types),
      "Every named type (enum, struct, union, alternate) by name: members, branches, features, conditions.",
    ],
    [
      "commands",
      map(schema.commands),
      "Every command by name: its arguments, result, features and flags.",
    ],
    ["events", map(schema.events), "Every event by name: its data and features."],
  ];
  // The declaration documents its members (editors and `deno doc` read them there).
  const lines = members.map(([name, text, about]) =>
    `${form === "type" ? `  /** ${about} */\n` : ""}  ${name}: ${text}${separator}\n`
  );
  return `{\n${lines.join("")}}`;
}

/**
 * A vendored schema module: its run-time value (`.js`) and, beside it, the
 * declaration of its type (`.d.ts`).
 *
 * @example
 * ```ts
 * import type { VendoredModule } from "./emit.ts";
 * const module: VendoredModule = { declaration: "export interface X {}", value: "export {};" };
 * ```
 */
export interface VendoredModule {
  /** The `.d.ts`: the schema as a named literal type, and the value's declaration. */
  readonly declaration: string;
  /** The `.js`: the schema as a plain object, typed by the declaration beside it. */
  readonly value: string;
}

/**
 * The vendored module of a schema IR, in two files.
 *
 * Why a declaration beside a JavaScript value rather than one `as const`
 * literal in a `.ts` file: a checker re-infers a `.ts` literal's type from the
 * expression on every check (0.1–0.2 s for one QMP schema, on every program
 * and after every edit), while a declared literal type is resolved on demand,
 * only where a program looks. Both files are written from the same IR by the
 * same renderer, and the test suite checks that the value satisfies the type.
 *
 * @example
 * ```ts
 * import { emitModule } from "./emit.ts";
 * const { declaration, value } = emitModule({
 *   protocol: "qga", version: "7.2", qemu: "7.2.0", pragma: {},
 *   types: {}, events: {},
 *   commands: { "guest-ping": { info: { file: "qga/qapi-schema.json", line: 1 } } },
 * });
 * console.log(declaration.includes("export interface Qga7_2")); // true
 * console.log(value.includes('@ts-self-types="./7.2.d.ts"')); // true
 * ```
 */
export function emitModule(
  schema: SchemaIR,
  options: { docs?: boolean | undefined } = {},
): VendoredModule {
  const docs = options.docs ?? false;
  const { type, value } = moduleNames(schema.protocol, schema.version);
  const title = titles[schema.protocol];
  const from = docs
    ? "from the QAPI schema of QEMU " + schema.qemu + ", with its documentation"
    : "from the QAPI schema of QEMU " + schema.qemu;
  const header = `// SPDX-License-Identifier: GPL-2.0-or-later
// Generated by \`deno task vendor\` ${from}. Do not edit.`;
  const counts = `${Object.keys(schema.commands).length} commands, ${
    Object.keys(schema.events).length
  } events, ${Object.keys(schema.types).length} types`;
  const declaration = `${header}
/**
 * QEMU ${schema.version}'s ${title} schema: the facts of every command, event
 * and type (${counts}), as a literal type and as a value.
 *
 * @example
 * \`\`\`ts
 * import type { ${type} } from "./${schema.version}.js";
 * type Commands = keyof ${type}["commands"];
 * \`\`\`
 *
 * @module
 */

/**
 * QEMU ${schema.version}'s ${title} schema, as a type.
 *
 * @example
 * \`\`\`ts
 * import type { ${type} } from "./${schema.version}.js";
 * const version: ${type}["version"] = "${schema.version}";
 * \`\`\`
 */
export interface ${type} ${renderSchema(schema, "type", docs)}

/**
 * QEMU ${schema.version}'s ${title} schema, as a value (for run-time use).
 *
 * @example
 * \`\`\`ts
 * import { ${value} } from "./${schema.version}.js";
 * console.log(Object.keys(${value}.commands).length);
 * \`\`\`
 */
export declare const ${value}: ${type};
`;
  const valueText = `${header}
// @ts-self-types="./${schema.version}.d.ts"

export const ${value} = ${renderSchema(schema, "value", false)};
`;
  return { declaration, value: valueText };
}
