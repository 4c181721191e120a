/**
 * A live schema (`query-qmp-schema`) as a vendored schema: the reverse of
 * `from_literal.ts`. What a running QEMU says about itself becomes the
 * schema IR the vendor writes as a module (`.js` value, `.d.ts` literal
 * type), so a client can be typed by the exact binary it talks to, a
 * distribution's build with its own commands (`__com.redhat_…`) or a release
 * newer than the vendored ones.
 *
 * What introspection carries, and how it maps:
 *
 * | introspection                                    | literal                                   |
 * | ------------------------------------------------ | ----------------------------------------- |
 * | `enum` `values` (and 10.0's `members` features)  | `enum` `data`, `values` with `features`   |
 * | `object` `members` (base members included)       | `struct` `data` (no `base`)               |
 * | `object` with `tag` and `variants`               | `union`: inline `base`, `discriminator`, a branch per case |
 * | `alternate` `members` (types only)               | `alternate`, branches named               |
 * | `array` `[T]`                                    | `["T"]`                                   |
 * | `default: null` on a member                      | `optional: true`                          |
 * | `features` (types, members, commands, events)    | `features`                                |
 * | command `arg-type`, `ret-type`, `allow-oob`      | `data` (inline, or a name with `boxed` for a union), `returns`, `"allow-oob"` |
 * | event `arg-type`                                 | `data`                                    |
 *
 * What it does not carry, and so the result lacks: `since`, `if` (a build
 * has what its configuration gave it, and only that), documentation, the
 * integer widths (`int8` … `uint64` and `size` all read `int`), a struct's
 * base (its members are listed flat), names of alternate branches, and the
 * flags `boxed` (except where a union requires it), `allow-preconfig`,
 * `coroutine`, `success-response` and `gen`. Union cases QEMU lists with an
 * empty branch are left out, as the vendored literal leaves them. `device_add`
 * and `object-add`, which take members beyond those listed
 * (`unlistedMembersAccepted`), keep `gen: false`.
 *
 * Names: QEMU hides type names (`"58"` rather than `BlockdevOptions`). Given
 * a reference schema (the nearest vendored version), each type is named as
 * the reference names the type found at the same place (the same command's
 * arguments, the same member of a matched type, the same union case, …), so
 * a binary of a vendored release gets the vendored names back. Every other
 * type is named after the first place it is used, in QEMU's order:
 * `q_CMD-ret`, `q_CMD-arg-MEMBER`, `q_TYPE-MEMBER`, `q_UNION-CASE`,
 * `q_ALTERNATE-KIND` (the `q_` prefix is reserved to QAPI, so these never
 * clash with a real name), with `-2`, `-3`, … on a clash. A command's or
 * event's arguments are written inline, as QAPI spells them, unless the
 * reference names them or they are shared, a union, or have features.
 *
 * @module
 */

import type { SchemaIR } from "../qapi/ir.ts";
import type {
  Branch,
  Member,
  Members,
  Protocol,
  SchemaLiteral,
  TypeDefinition,
  TypeRef,
} from "../types/literal.ts";
import { indexSchemaInfo, type SchemaInfo } from "./schema_info.ts";
import { unlistedMembersAccepted } from "./validate.ts";

/**
 * Options of `literalFromSchemaInfo`.
 *
 * @example
 * ```ts
 * import type { LiteralOptions } from "./to_literal.ts";
 * const options: LiteralOptions = { version: "10.0", qemu: "10.0.2" };
 * ```
 */
export interface LiteralOptions {
  /** The protocol: `qmp` (the system emulator) or `qsd` (the storage daemon). Default `qmp`. */
  readonly protocol?: Extract<Protocol, "qmp" | "qsd">;
  /** QEMU's `MAJOR.MINOR`. */
  readonly version: string;
  /** The exact version (`10.0.2`). */
  readonly qemu: string;
  /** A schema whose names are given to the types found at the same places. */
  readonly reference?: SchemaLiteral | undefined;
}

/** An enum member as QEMU 8.0 and later list it (with its features). */
interface EnumMemberInfo {
  readonly name: string;
  readonly features?: readonly string[];
}

/** A member of an object as introspection lists it. */
type MemberInfo = NonNullable<SchemaInfo["members"]>[number];

/**
 * The entry `name` of a name-keyed map, never one inherited from
 * `Object.prototype` (a live schema may name a command, member or branch
 * `constructor`, or anything else).
 */
const own = <value>(map: { readonly [name: string]: value }, name: string): value | undefined =>
  Object.hasOwn(map, name) ? map[name] : undefined;

const builtinKinds: Record<string, string> = {
  str: "string",
  int: "number",
  number: "number",
  bool: "boolean",
  null: "null",
  any: "value",
};

/** The JSON kind of a vendored type reference, for pairing alternate branches. */
function referenceKind(reference: SchemaLiteral, ref: TypeRef): string {
  if (Array.isArray(ref)) return "array";
  const name = ref as string;
  if (/^u?int(8|16|32|64)?$|^size$|^number$/.test(name)) return "number";
  if (Object.hasOwn(builtinKinds, name)) return builtinKinds[name]!; // Its own, so present.
  const definition = own(reference.types, name);
  if (!definition) return "unknown";
  return definition.kind === "enum"
    ? "string"
    : definition.kind === "alternate"
    ? "alternate"
    : "object";
}

const branchType = (branch: Branch | Member): TypeRef =>
  typeof branch === "object" && !Array.isArray(branch)
    ? (branch as { type: TypeRef }).type
    : branch as TypeRef;

/** A vendored struct's or union's members by name, base members first. */
function referenceMembers(
  reference: SchemaLiteral,
  definition: TypeDefinition | undefined,
  seen = new Set<TypeDefinition>(),
): Members {
  if (!definition || seen.has(definition)) return {};
  seen.add(definition);
  if (definition.kind === "struct") {
    const base = definition.base
      ? referenceMembers(reference, reference.types[definition.base], seen)
      : {};
    return { ...base, ...definition.data };
  }
  if (definition.kind === "union") {
    return typeof definition.base === "string"
      ? referenceMembers(reference, reference.types[definition.base], seen)
      : definition.base;
  }
  return {};
}

/**
 * A type's shape, to tell a type by what it lists: its kind, the names it
 * lists (members with `?` when optional, each member's type when a builtin
 * or an array of one; enum values; union tag and cases with a branch), and
 * how many names that is.
 */
interface Shape {
  readonly text: string;
  readonly names: number;
}

const builtinNames = new Set(["str", "int", "number", "bool", "null", "any"]);
/** A member type in a shape: builtins (integers as `int`) and arrays of them, `*` otherwise. */
const shapeType = (ref: TypeRef): string => {
  if (Array.isArray(ref)) return `[${shapeType(ref[0])}]`;
  const name = /^(u?int(8|16|32|64)?|size)$/.test(ref as string) ? "int" : ref as string;
  return builtinNames.has(name) ? name : "*";
};

/** A live type's shape (undefined for builtins, arrays and alternates). */
function liveShape(
  entry: SchemaInfo,
  isEmpty: (name: string) => boolean,
  byName: ReadonlyMap<string, SchemaInfo>,
): Shape | undefined {
  const liveRef = (name: string): TypeRef => {
    const found = byName.get(name);
    // One level: QAPI has no arrays of arrays, and a peer's may go round in a circle.
    return found?.["meta-type"] === "array" ? [found["element-type"]!] : name;
  };
  const members = (entry.members ?? []).map((m) =>
    `${m.name}${m.default === undefined ? "" : "?"}:${shapeType(liveRef(m.type))}`
  ).sort();
  if (entry["meta-type"] === "enum") {
    return { text: `enum ${(entry.values ?? []).join(",")}`, names: entry.values?.length ?? 0 };
  }
  if (entry["meta-type"] !== "object") return undefined;
  if (entry.tag === undefined) return { text: `struct ${members}`, names: members.length };
  const cases = (entry.variants ?? []).filter((v) => !isEmpty(v.type)).map((v) => v.case);
  return { text: `union ${entry.tag} ${members} ${cases}`, names: members.length + cases.length };
}

/** A vendored type's shape, comparable with `liveShape` (conditional parts included). */
function referenceShape(reference: SchemaLiteral, definition: TypeDefinition): Shape | undefined {
  if (definition.kind === "enum") {
    return { text: `enum ${definition.data.join(",")}`, names: definition.data.length };
  }
  if (definition.kind === "alternate") return undefined;
  const members = Object.entries(referenceMembers(reference, definition)).map(([name, member]) => {
    const optional = typeof member === "object" && !Array.isArray(member) &&
      (member as { optional?: true }).optional;
    return `${name}${optional ? "?" : ""}:${shapeType(branchType(member))}`;
  }).sort();
  if (definition.kind === "struct") return { text: `struct ${members}`, names: members.length };
  const cases = Object.keys(definition.data);
  return {
    text: `union ${definition.discriminator} ${members} ${cases}`,
    names: members.length + cases.length,
  };
}

/**
 * Builds the schema IR of a live schema: `query-qmp-schema`'s reply as the
 * vendored literal's definitions, named as the module's documentation says.
 * Write it with `emitModule` (`vendorLive` does both).
 *
 * @example
 * ```ts
 * import { literalFromSchemaInfo } from "./to_literal.ts";
 * const ir = literalFromSchemaInfo([
 *   { name: "query-status", "meta-type": "command", "arg-type": "0", "ret-type": "1" },
 *   { name: "0", "meta-type": "object", members: [] },
 *   { name: "1", "meta-type": "object", members: [{ name: "running", type: "bool" }] },
 *   { name: "bool", "meta-type": "builtin", "json-type": "boolean" },
 * ], { version: "10.0", qemu: "10.0.2" });
 * console.log(ir.commands["query-status"].returns); // "q_query-status-ret"
 * ```
 */
export function literalFromSchemaInfo(
  entries: readonly SchemaInfo[],
  options: LiteralOptions,
): SchemaIR {
  try {
    return literalOf(entries, options);
  } catch (error) {
    // The types are walked recursively, as deep as the peer nests them: a
    // schema nested beyond the stack is refused with a message, not a RangeError.
    if (!(error instanceof RangeError)) throw error;
    throw new Error("the live schema nests its types too deeply to be read");
  }
}

function literalOf(entries: readonly SchemaInfo[], options: LiteralOptions): SchemaIR {
  // Only entries of SchemaInfo's shape: a reference to another one reads as
  // a reference to a type the schema does not define.
  const byName = indexSchemaInfo(entries).byName;
  entries = [...byName.values()];
  const info = (name: string): SchemaInfo => {
    const found = byName.get(name);
    if (!found) throw new Error(`the live schema names the type ${name} but does not define it`);
    return found;
  };
  const commands = entries.filter((entry) => entry["meta-type"] === "command");
  const events = entries.filter((entry) => entry["meta-type"] === "event");
  const isEmpty = (name: string) => {
    const entry = info(name);
    return entry["meta-type"] === "object" && !entry.members?.length && entry.tag === undefined;
  };
  const isUnion = (name: string) => info(name).tag !== undefined;
  /** An array's element type, which is not an array of itself (directly or through others). */
  const elementOf = (array: string) => {
    const seen = new Set([array]);
    let element = info(array)["element-type"]!;
    for (let entry = info(element); entry["meta-type"] === "array"; entry = info(element)) {
      if (seen.has(element)) {
        throw new Error(`the live schema's array type ${array} is an array of itself`);
      }
      seen.add(element);
      element = entry["element-type"]!;
    }
    return info(array)["element-type"]!;
  };

  // How often each type is named anywhere: a command's arguments used once are written inline.
  const uses = new Map<string, number>();
  const use = (name: string | undefined) => {
    if (name !== undefined) uses.set(name, (uses.get(name) ?? 0) + 1);
  };
  for (const entry of entries) {
    use(entry["arg-type"]);
    use(entry["ret-type"]);
    use(entry["element-type"]);
    for (const member of entry["meta-type"] === "enum" ? [] : entry.members ?? []) {
      use(member.type);
    }
    for (const variant of entry.variants ?? []) use(variant.type);
  }

  const names = new Map<string, string>();
  const taken = new Set<string>();
  const inline = new Set<string>();
  const branchNames = new Map<string, string[]>();
  const reference = options.reference;

  // 1. Names from the reference, matched place by place.
  if (reference) {
    const visited = new Set<string>();
    const matchMembers = (live: string, members: Members) => {
      for (const member of info(live).members ?? []) {
        const counterpart = member.name === undefined ? undefined : own(members, member.name);
        if (counterpart !== undefined) matchRef(member.type, branchType(counterpart));
      }
    };
    const matchRef = (live: string, ref: TypeRef | undefined): void => {
      if (ref === undefined) return;
      const entry = info(live);
      if (Array.isArray(ref)) {
        if (entry["meta-type"] === "array") matchRef(entry["element-type"]!, ref[0]);
        return;
      }
      if (entry["meta-type"] === "builtin" || entry["meta-type"] === "array") return;
      const key = `${live} ${ref}`;
      if (visited.has(key)) return;
      visited.add(key);
      const definition = own(reference.types, ref as string);
      if (!definition) return;
      const kind = entry["meta-type"] === "object"
        ? (entry.tag === undefined ? "struct" : "union")
        : entry["meta-type"];
      if (definition.kind !== kind) return;
      if (!names.has(live) && !taken.has(ref as string)) {
        names.set(live, ref as string);
        taken.add(ref as string);
      }
      if (names.get(live) !== ref) return;
      if (definition.kind === "struct") matchMembers(live, referenceMembers(reference, definition));
      else if (definition.kind === "union") {
        matchMembers(live, referenceMembers(reference, definition));
        for (const variant of entry.variants ?? []) {
          const branch = own(definition.data, variant.case);
          if (branch !== undefined) matchRef(variant.type, branchType(branch));
        }
      } else if (definition.kind === "alternate") {
        const branches = Object.entries(definition.data);
        const used = new Set<number>();
        const named: string[] = [];
        for (const member of entry.members ?? []) {
          const kind = liveKind(member.type);
          const index = branches.findIndex(([, branch], i) =>
            !used.has(i) && referenceKind(reference, branchType(branch)) === kind
          );
          if (index < 0) {
            named.push("");
            continue;
          }
          used.add(index);
          const [branchName, branch] = branches[index]!; // Found just above.
          named.push(branchName);
          matchRef(member.type, branchType(branch));
        }
        branchNames.set(live, named);
      }
    };
    const matchData = (live: string | undefined, data: string | Members | undefined) => {
      if (live === undefined || data === undefined || isEmpty(live)) return;
      if (typeof data === "string") matchRef(live, data);
      else if (!isUnion(live)) {
        inline.add(live);
        matchMembers(live, data);
      }
    };
    for (const command of commands) {
      const counterpart = own(reference.commands, command.name);
      if (!counterpart) continue;
      matchData(command["arg-type"], counterpart.data);
      matchRef(command["ret-type"]!, counterpart.returns);
    }
    for (const event of events) {
      const counterpart = own(reference.events, event.name);
      if (counterpart) matchData(event["arg-type"], counterpart.data);
    }
    // Types the reference has at no place the binary uses them (a command the
    // reference lacks, a type QEMU lists though nothing uses it): named when
    // exactly one live type not yet named and exactly one reference type not
    // yet given have the same shape, and that shape lists two names or more
    // (one name, `{ id: str }`, says too little), or the live type is one no
    // command or event uses (then there is no place to name it after).
    const reachable = new Set<string>();
    const reach = (name: string | undefined) => {
      if (name === undefined || reachable.has(name)) return;
      reachable.add(name);
      const entry = info(name);
      reach(entry["element-type"]);
      for (const member of entry["meta-type"] === "enum" ? [] : entry.members ?? []) {
        reach(member.type);
      }
      for (const variant of entry.variants ?? []) reach(variant.type);
    };
    for (const entry of [...commands, ...events]) {
      reach(entry["arg-type"]);
      reach(entry["ret-type"]);
    }
    const unclaimed = new Map<string, string[]>();
    for (const [name, definition] of Object.entries(reference.types)) {
      const shape = taken.has(name) ? undefined : referenceShape(reference, definition);
      if (shape) unclaimed.set(shape.text, [...unclaimed.get(shape.text) ?? [], name]);
    }
    const unnamed = new Map<string, string[]>();
    for (const entry of entries) {
      if (names.has(entry.name) || inline.has(entry.name) || isEmpty(entry.name)) continue;
      const shape = liveShape(entry, isEmpty, byName);
      if (shape && (shape.names >= 2 || !reachable.has(entry.name))) {
        unnamed.set(shape.text, [...unnamed.get(shape.text) ?? [], entry.name]);
      }
    }
    for (const [shape, [live, ...others]] of unnamed) {
      const candidates = unclaimed.get(shape);
      // `!`s: each list holds at least the entry it was made for; one candidate.
      if (!others.length && candidates?.length === 1 && !names.has(live!)) {
        matchRef(live!, candidates[0]!);
      }
    }
  }

  function liveKind(name: string): string {
    const entry = info(name);
    switch (entry["meta-type"]) {
      case "builtin":
        return own(builtinKinds, entry.name) ??
          (entry["json-type"] === "int" ? "number" : "value");
      case "enum":
        return "string";
      case "array":
        return "array";
      case "object":
        return "object";
      default:
        return entry["meta-type"];
    }
  }

  // 2. Arguments written inline: used once, not a union, without features of
  // their own (QAPI's implicit argument types have none), not named by the reference.
  const argumentTypes = [...commands, ...events].map((entry) => entry["arg-type"]!);
  for (const live of argumentTypes) {
    if (
      !names.has(live) && !isEmpty(live) && !isUnion(live) && uses.get(live) === 1 &&
      !info(live).features?.length
    ) {
      inline.add(live);
    }
  }

  // 3. Every other type named after the first place it is used.
  const unique = (wanted: string) => {
    let name = wanted;
    for (let n = 2; taken.has(name); n++) name = `${wanted}-${n}`;
    taken.add(name);
    return name;
  };
  const walked = new Set<string>();
  const walk = (live: string, path: string): void => {
    const entry = info(live);
    if (entry["meta-type"] === "builtin") return;
    if (entry["meta-type"] === "array") return walk(elementOf(live), path);
    if (!inline.has(live) && !names.has(live)) names.set(live, unique(`q_${path}`));
    if (walked.has(live)) return;
    walked.add(live);
    const base = names.get(live)?.replace(/^q_/, "") ?? path;
    if (entry["meta-type"] === "object") {
      for (const member of entry.members ?? []) walk(member.type, `${base}-${member.name}`);
      for (const variant of entry.variants ?? []) {
        if (!isEmpty(variant.type)) walk(variant.type, `${base}-${variant.case}`);
      }
    } else if (entry["meta-type"] === "alternate") {
      for (const member of entry.members ?? []) {
        walk(member.type, `${base}-${liveKind(member.type)}`);
      }
    }
  };
  for (const command of commands) {
    if (!isEmpty(command["arg-type"]!)) walk(command["arg-type"]!, `${command.name}-arg`);
    if (!isEmpty(command["ret-type"]!)) walk(command["ret-type"]!, `${command.name}-ret`);
  }
  for (const event of events) {
    if (!isEmpty(event["arg-type"]!)) walk(event["arg-type"]!, `${event.name}-arg`);
  }
  for (const entry of entries) {
    const kind = entry["meta-type"];
    if (!["builtin", "array", "command", "event"].includes(kind) && !isEmpty(entry.name)) {
      walk(entry.name, `type-${entry.name}`);
    }
  }

  // 4. The definitions.
  const ref = (live: string): TypeRef => {
    const entry = info(live);
    if (entry["meta-type"] === "builtin") return entry.name;
    if (entry["meta-type"] === "array") {
      const element = ref(elementOf(live));
      if (Array.isArray(element)) {
        throw new Error(`an array of arrays (${live}) has no literal form`);
      }
      return [element as string];
    }
    const name = names.get(live);
    if (name === undefined) throw new Error(`the type ${live} is used by name but has none`);
    return name;
  };
  const features = (list: readonly string[] | undefined) =>
    list?.length ? { features: [...list] } : {};
  const members = (list: readonly MemberInfo[]): Members =>
    Object.fromEntries(list.map((member): [string, Member] => {
      const type = ref(member.type);
      const optional = member.default !== undefined;
      return [
        member.name!,
        !optional && !member.features?.length ? type : {
          type,
          ...(optional ? { optional: true as const } : {}),
          ...features(member.features),
        },
      ];
    }));
  const provenance = { info: { file: "query-qmp-schema", line: 0 } };
  const types: Record<string, TypeDefinition & typeof provenance> = {};
  for (const entry of entries) {
    const name = names.get(entry.name);
    if (name === undefined) continue;
    const facts = { ...features(entry.features), ...provenance };
    if (entry["meta-type"] === "enum") {
      const valueFacts = Object.fromEntries(
        ((entry.members ?? []) as unknown as EnumMemberInfo[])
          .filter((member) => member.features?.length)
          .map((member) => [member.name, { features: [...member.features!] }]),
      );
      types[name] = {
        kind: "enum",
        data: [...entry.values ?? []],
        ...(Object.keys(valueFacts).length ? { values: valueFacts } : {}),
        ...facts,
      };
    } else if (entry["meta-type"] === "alternate") {
      const recovered = branchNames.get(entry.name) ?? [];
      const used = new Set(recovered.filter(Boolean));
      const data: Record<string, TypeRef> = {};
      (entry.members ?? []).forEach((member, i) => {
        let branch = recovered[i] || liveKind(member.type);
        for (let n = 2; used.has(branch) && !recovered[i]; n++) {
          branch = `${liveKind(member.type)}${n}`;
        }
        used.add(branch);
        data[branch] = ref(member.type);
      });
      types[name] = { kind: "alternate", data, ...facts };
    } else if (entry["meta-type"] === "object" && entry.tag !== undefined) {
      // Defined, not assigned: a case called `__proto__` is a branch too.
      const branches: Record<string, TypeRef> = {};
      for (const variant of entry.variants ?? []) {
        if (isEmpty(variant.type)) continue;
        Object.defineProperty(branches, variant.case, {
          value: ref(variant.type),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      types[name] = {
        kind: "union",
        base: members(entry.members ?? []),
        discriminator: entry.tag,
        data: branches,
        ...facts,
      };
    } else if (entry["meta-type"] === "object") {
      types[name] = { kind: "struct", data: members(entry.members ?? []), ...facts };
    }
  }
  const data = (live: string) => {
    if (isEmpty(live)) return {};
    if (inline.has(live)) return { data: members(info(live).members ?? []) };
    return { data: ref(live) as string, ...(isUnion(live) ? { boxed: true as const } : {}) };
  };
  const commandMap: SchemaIR["commands"] = Object.fromEntries(commands.map((command) => [
    command.name,
    {
      ...data(command["arg-type"]!),
      ...(isEmpty(command["ret-type"]!) ? {} : { returns: ref(command["ret-type"]!) }),
      ...(unlistedMembersAccepted.has(command.name) ? { gen: false as const } : {}),
      ...(command["allow-oob"] ? { "allow-oob": true as const } : {}),
      ...features(command.features),
      ...provenance,
    },
  ]));
  const eventMap: SchemaIR["events"] = Object.fromEntries(events.map((event) => [
    event.name,
    { ...data(event["arg-type"]!), ...features(event.features), ...provenance },
  ]));
  return {
    protocol: options.protocol ?? "qmp",
    version: options.version,
    qemu: options.qemu,
    types,
    commands: commandMap,
    events: eventMap,
    pragma: {},
  };
}
