/**
 * Writes a schema IR as a vendored TypeScript module: one `as const` literal,
 * a named interface for it (so hovers print `Qmp10_2`, not the literal), and
 * the value. Property keys carry generated JSDoc facts (since, deprecated,
 * unstable, conditions) that flow through the type compiler's homomorphic
 * mapped types into editors' hovers and completions.
 *
 * @module
 */

import type { Condition, Facts, Feature } from "../schema/literal.ts";
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

/**
 * The JSDoc comment of facts, or "" when there are none.
 *
 * @example
 * ```ts
 * import { factsComment } from "./emit.ts";
 * console.log(factsComment({ since: "6.2", features: ["deprecated"] }));
 * // "/** Since 6.2. @deprecated *\/"
 * ```
 */
export function factsComment(facts: Facts, doc?: string): string {
  const parts: string[] = [];
  if (doc) parts.push(doc.replaceAll("*/", "*\\/"));
  if (facts.since) parts.push(`Since ${facts.since}.`);
  if (facts.if !== undefined) parts.push(`Only if ${renderCondition(facts.if)}.`);
  const features = (facts.features ?? []).map(featureName);
  if (features.includes("unstable")) parts.push("Unstable.");
  const others = features.filter((f) => f !== "deprecated" && f !== "unstable");
  if (others.length) parts.push(`Features: ${others.join(", ")}.`);
  // @deprecated last: editors strike through on the tag wherever it stands.
  if (features.includes("deprecated")) parts.push("@deprecated");
  if (!parts.length) return "";
  const text = parts.join(" ");
  return text.includes("\n")
    ? `/**\n${text.split("\n").map((l) => ` * ${l}`.trimEnd()).join("\n")}\n */`
    : `/** ${text} */`;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name: string) => (identifier.test(name) ? name : JSON.stringify(name));

/** Renders a JSON-like value as TypeScript source, nested objects indented. */
function render(
  value: unknown,
  indent: string,
  comments?: (key: string, value: unknown) => string,
): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    const flat = `[${value.map((v) => render(v, inner)).join(", ")}]`;
    if (flat.length + indent.length <= 100 && !flat.includes("\n")) return flat;
    return `[\n${value.map((v) => inner + render(v, inner)).join(",\n")},\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (!entries.length) return "{}";
  const lines = entries.map(([k, v]) => {
    const comment = comments?.(k, v) ?? "";
    return `${comment ? `${inner}${comment}\n` : ""}${inner}${key(k)}: ${
      render(v, inner, undefined)
    }`;
  });
  const flat = `{ ${entries.map(([k, v]) => `${key(k)}: ${render(v, inner)}`).join(", ")} }`;
  if (
    !lines.some((l) => l.includes("/**")) && flat.length + indent.length <= 100 &&
    !flat.includes("\n")
  ) {
    return flat;
  }
  return `{\n${lines.join(",\n")},\n${indent}}`;
}

/** Members maps carry comments on each member with facts. */
const memberFacts = (_key: string, member: unknown) =>
  typeof member === "object" && member !== null && !Array.isArray(member)
    ? factsComment(member as Facts)
    : "";

/** Renders one definition with JSDoc on its members. */
function renderDefinition(
  definition: Record<string, unknown>,
  indent: string,
  docs: boolean,
): string {
  const inner = indent + "  ";
  const doc = docs
    ? (definition.doc as { members?: Record<string, string> } | undefined)
    : undefined;
  const lines: string[] = [];
  for (const [k, v] of Object.entries(definition)) {
    if (k === "info" || k === "doc") continue;
    let text: string;
    if (k === "data" && typeof v === "object" && v !== null && !Array.isArray(v)) {
      text = render(v, inner, (name, member) => {
        const memberDoc = doc?.members?.[name];
        return memberDoc
          ? factsComment(
            typeof member === "object" && member !== null && !Array.isArray(member)
              ? member as Facts
              : {},
            memberDoc,
          )
          : memberFacts(name, member);
      });
    } else if (k === "base" && typeof v === "object" && v !== null) {
      text = render(v, inner, memberFacts);
    } else if (k === "values" && typeof v === "object" && v !== null) {
      text = render(v, inner, (_name, facts) => factsComment(facts as Facts));
    } else {
      text = render(v, inner);
    }
    lines.push(`${inner}${key(k)}: ${text}`);
  }
  const flat = `{ ${lines.map((l) => l.trim()).join(", ")} }`;
  if (!flat.includes("\n") && !flat.includes("/**") && flat.length + indent.length <= 100) {
    return flat;
  }
  return `{\n${lines.join(",\n")},\n${indent}}`;
}

/** Renders a name-keyed map of definitions, each with its facts comment. */
function renderMap(
  map: Record<string, Record<string, unknown>>,
  indent: string,
  docs: boolean,
): string {
  const inner = indent + "  ";
  const entries = Object.entries(map).map(([name, definition]) => {
    const docText = docs ? (definition.doc as { text?: string } | undefined)?.text : undefined;
    const comment = factsComment(definition as Facts, docText || undefined);
    const commentLines = comment ? comment.split("\n").map((l) => inner + l).join("\n") + "\n" : "";
    return `${commentLines}${inner}${key(name)}: ${renderDefinition(definition, inner, docs)}`;
  });
  return entries.length ? `{\n${entries.join(",\n")},\n${indent}}` : "{}";
}

/**
 * The vendored module's source text for a schema IR.
 *
 * @example
 * ```ts
 * import { emitModule } from "./emit.ts";
 * const source = emitModule({
 *   protocol: "qga", version: "7.2", qemu: "7.2.0", pragma: {},
 *   types: {}, events: {},
 *   commands: { "guest-ping": { info: { file: "qga/qapi-schema.json", line: 1 } } },
 * });
 * console.log(source.includes("export interface Qga7_2")); // true
 * ```
 */
export function emitModule(schema: SchemaIR, options: { docs?: boolean } = {}): string {
  const docs = options.docs ?? false;
  const { type, value } = moduleNames(schema.protocol, schema.version);
  const title = titles[schema.protocol];
  const from = docs
    ? "from the QAPI schema of QEMU " + schema.qemu + ", with its documentation"
    : "from the QAPI schema of QEMU " + schema.qemu;
  return `// SPDX-License-Identifier: GPL-2.0-or-later
// Generated by \`deno task vendor\` ${from}. Do not edit.
/**
 * QEMU ${schema.version}'s ${title} schema as an \`as const\` literal: the facts of every
 * command, event and type (${Object.keys(schema.commands).length} commands, ${
    Object.keys(schema.events).length
  } events, ${Object.keys(schema.types).length} types).
 *
 * @example
 * \`\`\`ts
 * import type { ${type} } from "./${schema.version}.ts";
 * type Commands = keyof ${type}["commands"];
 * \`\`\`
 *
 * @module
 */

const literal = {
  protocol: ${JSON.stringify(schema.protocol)},
  version: ${JSON.stringify(schema.version)},
  qemu: ${JSON.stringify(schema.qemu)},
  types: ${renderMap(schema.types as never, "  ", docs)},
  commands: ${renderMap(schema.commands as never, "  ", docs)},
  events: ${renderMap(schema.events as never, "  ", docs)},
} as const;

type Literal = typeof literal;

/**
 * QEMU ${schema.version}'s ${title} schema, as a type.
 *
 * @example
 * \`\`\`ts
 * import type { ${type} } from "./${schema.version}.ts";
 * const version: ${type}["version"] = "${schema.version}";
 * \`\`\`
 */
export interface ${type} extends Literal {}

/**
 * QEMU ${schema.version}'s ${title} schema, as a value (for run-time use).
 *
 * @example
 * \`\`\`ts
 * import { ${value} } from "./${schema.version}.ts";
 * console.log(Object.keys(${value}.commands).length);
 * \`\`\`
 */
export const ${value}: ${type} = literal;
`;
}
