/**
 * A vendored schema literal as `query-qmp-schema` would describe it, so the
 * same validator serves peers that cannot describe themselves (the guest
 * agent has no `query-qmp-schema`).
 *
 * @module
 */

import type { Member, Members, SchemaLiteral, TypeRef } from "../types/literal.ts";
import { indexSchemaInfo, type SchemaInfo, type SchemaInfoIndex } from "./schema_info.ts";

const jsonTypes: Record<string, string> = {
  str: "string",
  number: "number",
  bool: "boolean",
  null: "null",
  any: "value",
};
const builtins = [
  "str",
  "number",
  "int",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "size",
  "bool",
  "null",
  "any",
];

const memberObject = (m: Member) =>
  typeof m === "object" && !Array.isArray(m)
    ? m as { type: TypeRef; optional?: true; features?: readonly (string | { name: string })[] }
    : { type: m as TypeRef };

/**
 * Indexes a vendored literal as live schema information.
 *
 * @example
 * ```ts
 * import { indexLiteral } from "./from_literal.ts";
 * import { qga10_2 } from "../../schemas/qga/10.2.js";
 * const index = indexLiteral(qga10_2);
 * console.log(index.commands.has("guest-info")); // true
 * ```
 */
export function indexLiteral(literal: SchemaLiteral): SchemaInfoIndex {
  const entries: SchemaInfo[] = builtins.map((name) => ({
    name,
    "meta-type": "builtin",
    "json-type": jsonTypes[name] ?? "int",
  }));
  const arrays = new Set<string>();
  const ref = (type: TypeRef): string => {
    if (!Array.isArray(type)) return type as string;
    const element = ref(type[0]);
    const name = `[${element}]`;
    if (!arrays.has(name)) {
      arrays.add(name);
      entries.push({ name, "meta-type": "array", "element-type": element });
    }
    return name;
  };
  const members = (data: Members) =>
    Object.entries(data).map(([name, member]) => {
      const facts = memberObject(member);
      return {
        name,
        type: ref(facts.type),
        ...(facts.optional ? { default: null } : {}),
        ...(facts.features
          ? { features: facts.features.map((f) => (typeof f === "string" ? f : f.name)) }
          : {}),
      };
    });
  const objectMembers = (name: string): ReturnType<typeof members> => {
    const definition = literal.types[name];
    if (definition?.kind === "struct") {
      return [
        ...(definition.base ? objectMembers(definition.base) : []),
        ...members(definition.data),
      ];
    }
    if (definition?.kind === "union") {
      return typeof definition.base === "string"
        ? objectMembers(definition.base)
        : members(definition.base);
    }
    return [];
  };
  for (const [name, definition] of Object.entries(literal.types)) {
    if (definition.kind === "enum") {
      entries.push({ name, "meta-type": "enum", values: definition.data });
    } else if (definition.kind === "struct") {
      entries.push({ name, "meta-type": "object", members: objectMembers(name) });
    } else if (definition.kind === "union") {
      entries.push({
        name,
        "meta-type": "object",
        members: objectMembers(name),
        tag: definition.discriminator,
        variants: Object.entries(definition.data).map(([value, branch]) => ({
          case: value,
          type: ref(memberObject(branch).type),
        })),
      });
    } else {
      entries.push({
        name,
        "meta-type": "alternate",
        members: Object.values(definition.data).map((branch) => ({
          type: ref(memberObject(branch).type),
        })),
      });
    }
  }
  entries.push({ name: "{}", "meta-type": "object", members: [] });
  const argumentType = (owner: string, data: string | Members | undefined) => {
    if (data === undefined) return "{}";
    if (typeof data === "string") return data;
    const name = `${owner}-arg`;
    entries.push({ name, "meta-type": "object", members: members(data) });
    return name;
  };
  for (const [name, command] of Object.entries(literal.commands)) {
    entries.push({
      name,
      "meta-type": "command",
      "arg-type": argumentType(name, command.data),
      "ret-type": command.returns === undefined ? "{}" : ref(command.returns),
      ...(command.features
        ? { features: command.features.map((f) => (typeof f === "string" ? f : f.name)) }
        : {}),
    });
  }
  for (const [name, event] of Object.entries(literal.events)) {
    entries.push({ name, "meta-type": "event", "arg-type": argumentType(name, event.data) });
  }
  return indexSchemaInfo(entries);
}
