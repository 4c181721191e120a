/**
 * The benchmark's scripts beside the hand-written realistic one: the
 * exhaustive script (every command called once with valid minimal
 * arguments, every event's data read), and the span variant of a script
 * (statements calling a command one of the versions lacks dropped).
 *
 * Scripts start with `import { type Event, qmp } from "./client.ts";`, which
 * the benchmark replaces with the client under test.
 *
 * @module
 */

import ts from "typescript";
import type { Ref, SourceMember, SourceSchema, SourceType } from "./qapi_source.ts";

/** The import line every script starts with, replaced by the client under test. */
export const clientImport = `import { type Event, qmp } from "./client.ts";`;

const scalars: Record<string, string> = {
  str: `""`,
  bool: "false",
  null: "null",
  any: "null",
  number: "0",
};

/** A minimal valid input value of a type, as source text. */
function sample(schema: SourceSchema, r: Ref, stack: string[]): string {
  if (Array.isArray(r)) return "[]";
  const name = r as string;
  if (name in scalars) return scalars[name];
  if (/^u?int(8|16|32|64)?$|^size$/.test(name)) return "0";
  if (stack.includes(name)) throw new Error(`no finite value of ${stack.join(" > ")} > ${name}`);
  const type = schema.types.get(name);
  if (type === undefined) throw new Error(`unknown type ${name}`);
  const inner = [...stack, name];
  switch (type.kind) {
    case "enum":
      return JSON.stringify(type.values[0]);
    case "struct":
      return object(schema, flatten(schema, name), inner);
    case "union": {
      const base = typeof type.base === "string" ? flatten(schema, type.base) : type.base;
      const tag = base.find((m) => m.name === type.discriminator)!;
      const values = (schema.types.get(tag.type as string) as { values: readonly string[] }).values;
      const value = values.find((v) => type.branches[v] === undefined) ?? values[0];
      const branch = type.branches[value];
      const members = base.filter((m) => m !== tag).concat(
        branch === undefined ? [] : flatten(schema, branch),
      );
      return object(
        schema,
        members,
        inner,
        `${JSON.stringify(type.discriminator)}: ${JSON.stringify(value)}`,
      );
    }
    case "alternate": {
      const rank = (b: Ref) =>
        Array.isArray(b)
          ? 2
          : (b as string) in scalars || !schema.types.has(b as string)
          ? 0
          : schema.types.get(b as string)!.kind === "enum"
          ? 1
          : 3;
      const best = [...type.branches].sort((a, b) => rank(a) - rank(b))[0];
      return sample(schema, best, inner);
    }
  }
}

function object(
  schema: SourceSchema,
  members: readonly SourceMember[],
  stack: string[],
  first?: string,
) {
  const parts = first === undefined ? [] : [first];
  for (const m of members) {
    if (!m.optional) parts.push(`${JSON.stringify(m.name)}: ${sample(schema, m.type, stack)}`);
  }
  return `{ ${parts.join(", ")} }`;
}

function flatten(schema: SourceSchema, struct: string): SourceMember[] {
  const type = schema.types.get(struct) as Extract<SourceType, { kind: "struct" }>;
  return [...(type.base ? flatten(schema, type.base) : []), ...type.members];
}

/**
 * Every command of `schema` called once (arguments only when some member is
 * required), each result exported; every event's data returned from a switch.
 */
export function exhaustiveScript(schema: SourceSchema): string {
  const lines = [
    "// Every command called once with minimal valid arguments, every event's data read.",
    clientImport,
  ];
  let i = 0;
  for (const [name, command] of schema.commands) {
    let args = "";
    if (command.data !== undefined) {
      const members = typeof command.data === "string"
        ? (schema.types.get(command.data)!.kind === "struct" ? flatten(schema, command.data) : null)
        : command.data;
      const required = members === null || members.some((m) => !m.optional);
      if (required) {
        args = `, ${
          typeof command.data === "string"
            ? sample(schema, command.data, [])
            : object(schema, command.data, [])
        }`;
      }
    }
    lines.push(`export const r${i++} = await qmp.execute(${JSON.stringify(name)}${args});`);
  }
  lines.push("export function data(event: Event) {", "  switch (event.event) {");
  for (const name of schema.events.keys()) {
    lines.push(`    case ${JSON.stringify(name)}:`, "      return event.data;");
  }
  lines.push("  }", "}", "");
  return lines.join("\n");
}

/**
 * `script` without the statements that call a command missing from any of
 * `schemas`; returns the script and the dropped commands.
 */
export function spanScript(
  script: string,
  schemas: readonly SourceSchema[],
): { text: string; dropped: string[] } {
  const source = ts.createSourceFile("script.ts", script, ts.ScriptTarget.ESNext, true);
  const cuts: [number, number][] = [];
  const dropped: string[] = [];
  const missing = (node: ts.Node): string | undefined => {
    if (
      ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === "execute" && node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0]) &&
      schemas.some((s) => !s.commands.has((node.arguments[0] as ts.StringLiteral).text))
    ) {
      return node.arguments[0].text;
    }
    return ts.forEachChild(node, missing);
  };
  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node) || ts.isVariableStatement(node)) {
      const command = missing(node);
      if (command !== undefined) {
        cuts.push([node.getFullStart(), node.getEnd()]);
        dropped.push(command);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let text = script;
  for (const [start, end] of cuts.reverse()) text = text.slice(0, start) + text.slice(end);
  return { text, dropped: dropped.reverse() };
}
