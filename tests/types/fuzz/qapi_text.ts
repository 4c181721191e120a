/**
 * From a generated model to a vendored schema module, the way a user gets
 * one: the model written as a QAPI file, read by the QAPI reader (which
 * must accept it: the model is valid by QEMU's rules), and emitted by the
 * vendor's emitter.
 *
 * `__proto__` cannot be written in a QAPI file (it is no valid name), but a
 * live schema (`query-qmp-schema`) may hold it: the file spells it with a
 * marker, and the read schema has the marker replaced by `__proto__`, as
 * an own key, as the live reader makes it.
 *
 * @module
 */

import { emitModule, type VendoredModule } from "../../../lib/emit/emit.ts";
import type { SchemaIR } from "../../../lib/qapi/ir.ts";
import { readSchema } from "../../../lib/qapi/read.ts";
import type { Facts, MemberModel, SchemaModel } from "./model.ts";

/** How `__proto__` is spelled in the QAPI file. */
const protoMarker = "x-proto-marker";

const spell = (name: string) => (name === "__proto__" ? protoMarker : name);
const quote = (value: unknown): string => JSON.stringify(value).replaceAll('"', "'");

function facts(facts: Facts): string {
  return [
    facts.if !== undefined ? `'if': ${quote(facts.if)}` : "",
    facts.features ? `'features': ${quote(facts.features)}` : "",
  ].filter(Boolean).join(", ");
}

function members(list: MemberModel[]): string {
  const entries = list.map((m) => {
    const key = (m.optional ? "*" : "") + spell(m.name);
    const rest = facts(m);
    return rest ? `'${key}': { 'type': ${quote(m.type)}, ${rest} }` : `'${key}': ${quote(m.type)}`;
  });
  return `{ ${entries.join(", ")} }`;
}

const withFacts = (head: string, f: Facts) => {
  const rest = facts(f);
  return rest ? `{ ${head}, ${rest} }` : `{ ${head} }`;
};

/** The model as a QAPI schema file. */
export function qapiText(schema: SchemaModel): string {
  const exceptions = schema.commands.filter((c) => c.returns !== undefined).map((c) =>
    spell(c.name)
  );
  const lines = [`{ 'pragma': { 'command-returns-exceptions': ${quote(exceptions)} } }`];
  for (const type of schema.types) {
    switch (type.kind) {
      case "enum": {
        const values = type.values.map((v) => {
          const rest = facts(v);
          return rest ? `{ 'name': '${spell(v.name)}', ${rest} }` : `'${spell(v.name)}'`;
        });
        lines.push(withFacts(`'enum': '${type.name}', 'data': [ ${values.join(", ")} ]`, type));
        break;
      }
      case "struct": {
        const base = type.base ? `, 'base': '${type.base}'` : "";
        lines.push(
          withFacts(`'struct': '${type.name}'${base}, 'data': ${members(type.members)}`, type),
        );
        break;
      }
      case "union": {
        const base = typeof type.base === "string" ? `'${type.base}'` : members(type.base);
        const branches = type.branches.map((b) =>
          b.if !== undefined
            ? `'${spell(b.value)}': { 'type': '${b.type}', 'if': ${quote(b.if)} }`
            : `'${spell(b.value)}': '${b.type}'`
        );
        lines.push(withFacts(
          `'union': '${type.name}', 'base': ${base}, 'discriminator': '${
            spell(type.discriminator)
          }', 'data': { ${branches.join(", ")} }`,
          type,
        ));
        break;
      }
      case "alternate": {
        const branches = type.branches.map((b) =>
          b.if !== undefined
            ? `'${b.name}': { 'type': ${quote(b.type)}, 'if': ${quote(b.if)} }`
            : `'${b.name}': ${quote(b.type)}`
        );
        lines.push(
          withFacts(`'alternate': '${type.name}', 'data': { ${branches.join(", ")} }`, type),
        );
        break;
      }
    }
  }
  for (const command of schema.commands) {
    const parts = [`'command': '${spell(command.name)}'`];
    if (command.data !== undefined) {
      parts.push(
        `'data': ${typeof command.data === "string" ? `'${command.data}'` : members(command.data)}`,
      );
    }
    if (command.boxed) parts.push(`'boxed': true`);
    if (command.returns !== undefined) parts.push(`'returns': ${quote(command.returns)}`);
    if (command.allowOob) parts.push(`'allow-oob': true`);
    if (command.gen === false) parts.push(`'gen': false`);
    lines.push(withFacts(parts.join(", "), command));
  }
  for (const event of schema.events) {
    const parts = [`'event': '${event.name}'`];
    if (event.data !== undefined) {
      parts.push(
        `'data': ${typeof event.data === "string" ? `'${event.data}'` : members(event.data)}`,
      );
    }
    if (event.boxed) parts.push(`'boxed': true`);
    lines.push(withFacts(parts.join(", "), event));
  }
  return lines.join("\n") + "\n";
}

/** Every string and key of a JSON-like value with the marker replaced, as own keys. */
function unmark(value: unknown): unknown {
  if (typeof value === "string") return value.replaceAll(protoMarker, "__proto__");
  if (Array.isArray(value)) return value.map(unmark);
  if (value === null || typeof value !== "object") return value;
  // `Object.fromEntries` defines own properties: `__proto__` stays a key.
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [unmark(k) as string, unmark(v)]),
  );
}

/** Reads the model's QAPI text with the QAPI reader; throws what the reader throws. */
export async function readModel(schema: SchemaModel, version: string): Promise<SchemaIR> {
  const dir = await Deno.makeTempDir({ prefix: "qapi-fuzz-types-" });
  try {
    await Deno.writeTextFile(`${dir}/schema.json`, qapiText(schema));
    const ir = await readSchema(`${dir}/schema.json`, { version, strictDocs: false });
    return unmark(ir) as SchemaIR;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The model's vendored module (`.d.ts` and `.js`), through the reader and the emitter. */
export async function vendorModel(schema: SchemaModel, version: string): Promise<VendoredModule> {
  return emitModule(await readModel(schema, version));
}
