/**
 * The benchmark's baseline: what a good code generator would emit for a QAPI
 * schema, with the semantics the type-level compiler gives the same schema.
 *
 * - One `interface` per struct and per union branch (interfaces are named and
 *   cached by the checker), unions and alternates as unions of them.
 * - Each type in the direction it is used: inputs (command arguments) under
 *   their QAPI name, outputs (results, event data) as `NameOut`. Enums are
 *   closed in inputs and open in outputs (`Known | (string & {})`), arrays are
 *   `readonly T[]` in inputs.
 * - 64-bit integers (`int`, `int64`, `uint64`, `size`) are `number | bigint`
 *   both ways (the client sends a bigint exactly and yields one beyond 2^53);
 *   QAPI `any` is a JSON value that includes `bigint`.
 * - Members under an `if` condition are optional: absent from some builds.
 * - Flat unions are discriminated unions over every value of the
 *   discriminator (values without a branch get the base alone); alternates
 *   are unions of their branches.
 * - `gen: false` commands (`device_add`) accept members besides the listed
 *   ones; commands without `returns` return `Record<string, never>`, and so
 *   does the data of events without data.
 * - The client's `execute` is one generic signature over a command map
 *   (`Commands[C]["args"]`, a rest tuple, and `Commands[C]["result"]`), as
 *   typed RPC generators do: overloads would make the checker try up to 244
 *   signatures per call and report a mismatch against the last one.
 *
 * @module
 */

import type { Ref, SourceMember, SourceSchema, SourceType } from "./qapi_source.ts";

type Direction = "in" | "out";

const wide = new Set(["int", "int64", "uint64", "size"]);
const narrow = new Set(["int8", "int16", "int32", "uint8", "uint16", "uint32", "number"]);
/** Global names the generated module uses, which a QAPI type must not shadow. */
const reserved = new Set([
  "Record",
  "Promise",
  "AbortSignal",
  "JsonValue",
  "Timestamp",
  "CallOptions",
  "OobCallOptions",
  "Commands",
  "Events",
  "QmpEvent",
  "QmpClient",
]);

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/**
 * The generated module's text for a schema: named types, `Commands`,
 * `Events`, `QmpEvent` and a `QmpClient` class declaration.
 */
export function generateInterfaces(schema: SourceSchema): string {
  const names = new Map<string, string>();
  const taken = new Set<string>(reserved);
  const unique = (wanted: string) => {
    let name = wanted.replace(/[^\w$]/g, "_");
    if (taken.has(name) || /^\d/.test(name)) name = `Qapi${name}`;
    while (taken.has(name)) name += "_";
    taken.add(name);
    return name;
  };
  const nameOf = (type: string, direction: Direction) => {
    const id = `${direction}:${type}`;
    let name = names.get(id);
    if (name === undefined) {
      name = unique(direction === "in" ? type : `${type}Out`);
      names.set(id, name);
    }
    return name;
  };
  for (const type of schema.types.keys()) nameOf(type, "in");
  for (const type of schema.types.keys()) nameOf(type, "out");

  const emitted = new Set<string>();
  const queue: [string, Direction][] = [];
  const typeRef = (r: Ref, direction: Direction): string => {
    if (Array.isArray(r)) {
      const element = typeRef(r[0], direction);
      const wrapped = element.includes(" ") ? `(${element})` : element;
      return direction === "in" ? `readonly ${wrapped}[]` : `${wrapped}[]`;
    }
    const name = r as string;
    if (name === "str") return "string";
    if (name === "bool") return "boolean";
    if (name === "null") return "null";
    if (name === "any") return "JsonValue";
    if (wide.has(name)) return "number | bigint";
    if (narrow.has(name)) return "number";
    if (!schema.types.has(name)) throw new Error(`unknown type ${name}`);
    const id = `${direction}:${name}`;
    if (!emitted.has(id)) {
      emitted.add(id);
      queue.push([name, direction]);
    }
    return nameOf(name, direction);
  };
  const member = (m: SourceMember, direction: Direction) =>
    `${key(m.name)}${m.optional || m.conditional ? "?" : ""}: ${typeRef(m.type, direction)};`;
  const body = (members: readonly SourceMember[], direction: Direction, extra = "") =>
    `{ ${members.map((m) => member(m, direction)).concat(extra ? [extra] : []).join(" ")} }`;
  /** Every member of a struct, its base chain's first. */
  const flatten = (struct: string): SourceMember[] => {
    const type = schema.types.get(struct) as Extract<SourceType, { kind: "struct" }>;
    return [...(type.base ? flatten(type.base) : []), ...type.members];
  };

  const declarations: string[] = [];
  const declare = (name: string, direction: Direction) => {
    const type = schema.types.get(name)!;
    const id = nameOf(name, direction);
    switch (type.kind) {
      case "enum": {
        const values = type.values.map((v) => JSON.stringify(v)).join(" | ") || "never";
        declarations.push(
          direction === "in"
            ? `export type ${id} = ${values};`
            : `export type ${id} = ${values} | (string & {});`,
        );
        break;
      }
      case "struct":
        declarations.push(
          `export interface ${id}${type.base ? ` extends ${typeRef(type.base, direction)}` : ""} ${
            body(type.members, direction)
          }`,
        );
        break;
      case "union": {
        const base = typeof type.base === "string" ? flatten(type.base) : type.base;
        const tag = base.find((m) => m.name === type.discriminator)!;
        const tagType = schema.types.get(tag.type as string) as Extract<
          SourceType,
          { kind: "enum" }
        >;
        const baseId = unique(`${id}Base`);
        declarations.push(
          `export interface ${baseId} ${body(base.filter((m) => m !== tag), direction)}`,
        );
        const variants = tagType.values.map((value) => {
          const variant = unique(`${id}_${value}`);
          const branch = type.branches[value];
          const discriminator = `${key(type.discriminator)}: ${JSON.stringify(value)};`;
          if (branch !== undefined && schema.types.get(branch)?.kind !== "struct") {
            declarations.push(
              `export type ${variant} = ${baseId} & { ${discriminator} } & ${
                typeRef(branch, direction)
              };`,
            );
          } else {
            const bases = [baseId, ...(branch ? [typeRef(branch, direction)] : [])];
            declarations.push(
              `export interface ${variant} extends ${bases.join(", ")} { ${discriminator} }`,
            );
          }
          return variant;
        });
        declarations.push(`export type ${id} = ${variants.join(" | ") || "never"};`);
        break;
      }
      case "alternate":
        declarations.push(
          `export type ${id} = ${
            type.branches.map((b) => typeRef(b, direction)).join(" | ") || "never"
          };`,
        );
        break;
    }
  };

  const commands: string[] = [];
  for (const [name, command] of schema.commands) {
    const options = command.oob ? "OobCallOptions" : "CallOptions";
    let args: string | undefined;
    let optional = true;
    if (typeof command.data === "string") {
      args = typeRef(command.data, "in");
      const type = schema.types.get(command.data)!;
      optional = type.kind === "struct" &&
        flatten(command.data).every((m) => m.optional || m.conditional);
    } else if (command.data !== undefined) {
      const id = unique(`${name.replace(/(^|[-_])(\w)/g, (_, __, c) => c.toUpperCase())}Arguments`);
      declarations.push(
        `export interface ${id} ${
          body(command.data, "in", command.open ? "[member: string]: unknown;" : "")
        }`,
      );
      args = id;
      optional = command.data.every((m) => m.optional || m.conditional);
    }
    const rest = args === undefined
      ? `[args?: Record<string, never>, options?: ${options}]`
      : `[args${optional ? "?" : ""}: ${args}, options?: ${options}]`;
    const result = command.returns === undefined
      ? "Record<string, never>"
      : typeRef(command.returns, "out");
    commands.push(`  ${JSON.stringify(name)}: { args: ${rest}; result: ${result} };`);
  }
  const events: string[] = [];
  const eventUnion: string[] = [];
  for (const [name, event] of schema.events) {
    let data = "Record<string, never>";
    if (typeof event.data === "string") data = typeRef(event.data, "out");
    else if (event.data !== undefined) {
      data = unique(
        `${name.toLowerCase().replace(/(^|_)(\w)/g, (_, __, c) => c.toUpperCase())}Data`,
      );
      declarations.push(`export interface ${data} ${body(event.data, "out")}`);
    }
    const id = unique(
      `${name.toLowerCase().replace(/(^|_)(\w)/g, (_, __, c) => c.toUpperCase())}Event`,
    );
    declarations.push(
      `export interface ${id} { event: ${
        JSON.stringify(name)
      }; data: ${data}; timestamp: Timestamp }`,
    );
    events.push(`  ${JSON.stringify(name)}: ${data};`);
    eventUnion.push(id);
  }
  while (queue.length) declare(...queue.shift()!);

  return [
    "// Generated from QEMU's QAPI schema by bench/types/generate_interfaces.ts.",
    "export type JsonValue = string | number | bigint | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };",
    "export interface Timestamp { seconds: number; microseconds: number }",
    "export interface CallOptions { signal?: AbortSignal; timeout?: number }",
    "export interface OobCallOptions extends CallOptions { oob?: boolean }",
    ...declarations,
    "export interface Commands {",
    ...commands,
    "}",
    "export interface Events {",
    ...events,
    "}",
    `export type QmpEvent = ${eventUnion.join(" | ")};`,
    "export declare class QmpClient {",
    '  execute<C extends keyof Commands>(command: C, ...rest: Commands[C]["args"]): Promise<Commands[C]["result"]>;',
    "  on<E extends keyof Events>(event: E, listener: (data: Events[E], timestamp: Timestamp) => void): () => void;",
    "}",
    "",
  ].join("\n");
}
