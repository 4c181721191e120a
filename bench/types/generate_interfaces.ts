/**
 * The benchmark's baseline: what a code generator would emit for a schema —
 * one plain `interface` or `type` per QAPI type, a `Commands` map with each
 * command's argument tuple and result, and an event union. It lives only in
 * the benchmark, and is written from the same vendored literal.
 *
 * @module
 */

import type { Member, Members, SchemaLiteral, TypeRef } from "../../lib/schema/literal.ts";

const builtins: Record<string, string> = {
  str: "string",
  number: "number",
  bool: "boolean",
  null: "null",
  any: "JsonValue",
};
const ident = (name: string) => `T_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));
const memberType = (
  m: Member,
): TypeRef => (typeof m === "object" && !Array.isArray(m)
  ? (m as { type: TypeRef }).type
  : m as TypeRef);
const isOptional = (m: Member) =>
  typeof m === "object" && !Array.isArray(m) && (m as { optional?: true }).optional === true;

function ref(r: TypeRef): string {
  if (Array.isArray(r)) return `readonly ${ref(r[0])}[]`;
  const name = r as string;
  if (name in builtins) return builtins[name];
  if (/^u?int(8|16|32|64)?$|^size$/.test(name)) return "number";
  return ident(name);
}

function members(data: Members): string {
  return `{ ${
    Object.entries(data).map(([n, m]) =>
      `${key(n)}${isOptional(m) ? "?" : ""}: ${ref(memberType(m))};`
    ).join(" ")
  } }`;
}

/** The generated module's text for a schema. */
export function generateInterfaces(schema: SchemaLiteral): string {
  const out: string[] = [
    `export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };`,
    `export interface CallOptions { signal?: AbortSignal; timeout?: number }`,
    `export interface OobCallOptions extends CallOptions { oob?: boolean }`,
  ];
  for (const [name, definition] of Object.entries(schema.types)) {
    switch (definition.kind) {
      case "enum":
        out.push(
          `export type ${ident(name)} = ${
            definition.data.map((v) => JSON.stringify(v)).join(" | ") || "never"
          };`,
        );
        break;
      case "struct":
        out.push(
          `export interface ${ident(name)}${
            definition.base ? ` extends ${ident(definition.base)}` : ""
          } ${members(definition.data)}`,
        );
        break;
      case "union": {
        const base = typeof definition.base === "string"
          ? ident(definition.base)
          : members(definition.base);
        const discriminatorRef = typeof definition.base === "string"
          ? undefined
          : memberType(definition.base[definition.discriminator]);
        const values = discriminatorRef && schema.types[discriminatorRef as string]?.kind === "enum"
          ? (schema.types[discriminatorRef as string] as { data: readonly string[] }).data
          : Object.keys(definition.data);
        const branches = values.map((value) => {
          const branch = definition.data[value];
          return `(Omit<${base}, ${JSON.stringify(definition.discriminator)}> & { ${
            key(definition.discriminator)
          }: ${JSON.stringify(value)} }${branch ? ` & ${ref(memberType(branch))}` : ""})`;
        });
        out.push(`export type ${ident(name)} = ${branches.join(" | ") || "never"};`);
        break;
      }
      case "alternate":
        out.push(
          `export type ${ident(name)} = ${
            Object.values(definition.data).map((b) => ref(memberType(b))).join(" | ")
          };`,
        );
        break;
    }
  }
  out.push("export interface Commands {");
  for (const [name, command] of Object.entries(schema.commands)) {
    const args = command.data === undefined
      ? undefined
      : typeof command.data === "string"
      ? ident(command.data)
      : members(command.data);
    const options = command["allow-oob"] ? "OobCallOptions" : "CallOptions";
    const allOptional = typeof command.data === "object" &&
      Object.values(command.data).every(isOptional);
    const rest = args === undefined
      ? `[args?: Record<string, never>, options?: ${options}]`
      : `[args${allOptional ? "?" : ""}: ${args}, options?: ${options}]`;
    const ret = command.returns === undefined ? "Record<never, never>" : ref(command.returns);
    out.push(`  ${JSON.stringify(name)}: { rest: ${rest}; ret: ${ret} };`);
  }
  out.push("}");
  const events = Object.entries(schema.events).map(([name, event]) => {
    const data = event.data === undefined
      ? "Record<never, never>"
      : typeof event.data === "string"
      ? ident(event.data)
      : members(event.data);
    return `{ event: ${
      JSON.stringify(name)
    }; data: ${data}; timestamp: { seconds: number; microseconds: number } }`;
  });
  out.push(`export type Event = ${events.join(" | ")};`);
  out.push(
    `export declare const qmp: { execute<C extends keyof Commands>(command: C, ...rest: Commands[C]["rest"]): Promise<Commands[C]["ret"]> };`,
  );
  return out.join("\n") + "\n";
}
