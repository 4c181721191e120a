/**
 * The shape of a vendored schema literal: the contract between the QAPI
 * reader/vendor (which writes `schemas/*.ts`) and the type-level compiler
 * (which reads them).
 *
 * The literal keeps QAPI's own vocabulary (`struct`, `union`, `alternate`,
 * `enum`, `['T']` for arrays, `features`, `if`), normalised into three
 * name-keyed maps so that every lookup the type
 * compiler makes is an index access, never a search through a union.
 *
 * Facts only: names, types, optionality, features, conditions and the version
 * a definition or member first appeared in (`since`). No documentation prose.
 *
 * One departure from QAPI's spelling: an optional member is keyed by its bare
 * name and marked `optional: true` (QAPI writes `'*name'`). TypeScript keeps
 * a property's declaration, and so its JSDoc (`@deprecated`, `Since 6.2.`),
 * through a mapped type only when the key is kept as is; renaming `*name` to
 * `name` would lose exactly the facts an editor should show.
 *
 * Builtin types are not in `types`: `str`, `number`, `int`, `int8`, `int16`,
 * `int32`, `int64`, `uint8`, `uint16`, `uint32`, `uint64`, `size`, `bool`,
 * `null` and `any`. The builtin enum `QType` is emitted into `types` as an
 * ordinary enum because schemas may name it.
 *
 * @example A tiny schema in the vendored shape
 * ```ts
 * import type { SchemaLiteral } from "./literal.ts";
 *
 * const tiny = {
 *   protocol: "qmp",
 *   version: "10.2",
 *   qemu: "10.2.2",
 *   types: {
 *     RunState: { kind: "enum", data: ["running", "paused"] },
 *     StatusInfo: { kind: "struct", data: { running: "bool", status: "RunState" } },
 *   },
 *   commands: { "query-status": { returns: "StatusInfo", "allow-preconfig": true } },
 *   events: { STOP: {} },
 * } as const satisfies SchemaLiteral;
 * ```
 *
 * @module
 */

/**
 * A QAPI `if` condition: a configuration symbol, or `all`/`any`/`not` of
 * conditions, exactly as QAPI spells it.
 *
 * @example
 * ```ts
 * import type { Condition } from "./literal.ts";
 * const spice: Condition = { all: ["CONFIG_SPICE", { not: "CONFIG_WIN32" }] };
 * ```
 */
export type Condition =
  | string
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };

/**
 * A feature: its name (`"deprecated"`, `"unstable"`, or a schema-specific
 * one), or `{ name, if }` when the feature itself is conditional.
 *
 * @example
 * ```ts
 * import type { Feature } from "./literal.ts";
 * const features: readonly Feature[] = ["deprecated", { name: "fdset", if: "CONFIG_BLKIO" }];
 * ```
 */
export type Feature = string | { readonly name: string; readonly if: Condition };

/**
 * Facts every definition, member, branch and enum value may carry.
 *
 * @example
 * ```ts
 * import type { Facts } from "./literal.ts";
 * const facts: Facts = { features: ["unstable"], since: "6.2" };
 * ```
 */
export interface Facts {
  /** The QAPI condition under which the thing exists. */
  readonly if?: Condition;
  /** Its features. Omitted when empty. */
  readonly features?: readonly Feature[];
  /** The QEMU version it first appeared in, from the schema's `Since:` facts. */
  readonly since?: string;
}

/**
 * A reference to a type: its name, or `[name]` for an array of it.
 *
 * @example
 * ```ts
 * import type { TypeRef } from "./literal.ts";
 * const list: TypeRef = ["BlockInfo"];
 * ```
 */
export type TypeRef = string | readonly [string];

/**
 * A member of a struct, union base, or command/event `data`: a bare type
 * reference when it is required and carries no facts, otherwise
 * `{ type, optional?, ...facts }`.
 *
 * @example
 * ```ts
 * import type { Member } from "./literal.ts";
 * const plain: Member = "str";
 * const rich: Member = { type: "int", optional: true, features: ["unstable"], since: "6.2" };
 * ```
 */
export type Member = TypeRef | ({ readonly type: TypeRef; readonly optional?: true } & Facts);

/**
 * Members keyed by name (QAPI's `'*force'` is `force: { type: "bool",
 * optional: true }`).
 *
 * @example
 * ```ts
 * import type { Members } from "./literal.ts";
 * const members: Members = { device: "str", force: { type: "bool", optional: true } };
 * ```
 */
export interface Members {
  /** A member by its name (without QAPI's `*` for optional). */
  readonly [name: string]: Member;
}

/**
 * A union branch or alternate branch: a bare type reference, or
 * `{ type, ...facts }` when it carries facts.
 *
 * @example
 * ```ts
 * import type { Branch } from "./literal.ts";
 * const branch: Branch = { type: "BlockdevOptionsFile", if: "CONFIG_POSIX" };
 * ```
 */
export type Branch = TypeRef | ({ readonly type: TypeRef } & Facts);

/**
 * An enum. `data` lists every value in order (conditional values included);
 * `values` holds facts only for the values that have any.
 *
 * @example
 * ```ts
 * import type { EnumDefinition } from "./literal.ts";
 * const aio: EnumDefinition = {
 *   kind: "enum",
 *   data: ["threads", "native", "io_uring"],
 *   values: { io_uring: { if: "CONFIG_LINUX_IO_URING", since: "5.0" } },
 * };
 * ```
 */
export interface EnumDefinition extends Facts {
  /** `"enum"`. */
  readonly kind: "enum";
  /** Every value, in order. */
  readonly data: readonly string[];
  /** The facts of the values that have any (`if`, features, `since`). */
  readonly values?: { readonly [value: string]: Facts };
}

/**
 * A struct, with an optional named base whose members come first.
 *
 * @example
 * ```ts
 * import type { StructDefinition } from "./literal.ts";
 * const info: StructDefinition = { kind: "struct", data: { running: "bool" } };
 * ```
 */
export interface StructDefinition extends Facts {
  /** `"struct"`. */
  readonly kind: "struct";
  /** The struct whose members come first. */
  readonly base?: string;
  /** The struct's own members. */
  readonly data: Members;
}

/**
 * A flat union: a base (a struct's name, or inline members), the name of the
 * base member that discriminates, and a branch for some or all values of that
 * enum member. Values without a branch get the base alone.
 *
 * @example
 * ```ts
 * import type { UnionDefinition } from "./literal.ts";
 * const options: UnionDefinition = {
 *   kind: "union",
 *   base: { driver: "BlockdevDriver", "node-name": { type: "str", optional: true } },
 *   discriminator: "driver",
 *   data: { file: "BlockdevOptionsFile" },
 * };
 * ```
 */
export interface UnionDefinition extends Facts {
  /** `"union"`. */
  readonly kind: "union";
  /** The members common to every branch: a struct's name or inline members. */
  readonly base: string | Members;
  /** The base member (of an enum type) whose value selects the branch. */
  readonly discriminator: string;
  /** The branch of each discriminator value that has one. */
  readonly data: { readonly [value: string]: Branch };
  /**
   * Every discriminator value's members: the base's map, then the branch
   * struct's with its bases' (the base's alone for a value without a
   * branch). A restatement of `base` and `data`: only the vendored schemas'
   * declarations (`.d.ts`) carry it, as an intersection of the maps they
   * already state (`Qmp10_2["types"]["BlockdevOptionsFile"]["data"]`), not
   * their values, and only where every branch is a struct. Why: the
   * type-level compiler reads a variant's members with one indexed access,
   * instead of walking the base's and the branch's definitions through
   * conditional types for every variant of every union a program checks.
   * Hand-written literals may leave it out.
   */
  readonly variants?: { readonly [value: string]: Members };
}

/**
 * An alternate: a value of any one of the branch types, told apart on the
 * wire by JSON type.
 *
 * @example
 * ```ts
 * import type { AlternateDefinition } from "./literal.ts";
 * const ref: AlternateDefinition = {
 *   kind: "alternate",
 *   data: { definition: "BlockdevOptions", reference: "str" },
 * };
 * ```
 */
export interface AlternateDefinition extends Facts {
  /** `"alternate"`. */
  readonly kind: "alternate";
  /** The branches by name; each has a distinct JSON type. */
  readonly data: { readonly [branch: string]: Branch };
}

/**
 * Any named type of the `types` map.
 *
 * @example
 * ```ts
 * import type { TypeDefinition } from "./literal.ts";
 * const empty: TypeDefinition = { kind: "struct", data: {} };
 * ```
 */
export type TypeDefinition =
  | EnumDefinition
  | StructDefinition
  | UnionDefinition
  | AlternateDefinition;

/**
 * A command. `data` is inline members or a type's name (with `boxed`, the
 * named type, possibly a union, is the whole argument object). Absent keys take
 * QAPI's defaults: no arguments, no `returns` (an empty object), a success
 * response sent, code generated, no out-of-band execution.
 *
 * @example
 * ```ts
 * import type { CommandDefinition } from "./literal.ts";
 * const resize: CommandDefinition = {
 *   data: {
 *     device: { type: "str", optional: true },
 *     "node-name": { type: "str", optional: true },
 *     size: "int",
 *   },
 *   coroutine: true,
 *   since: "0.14",
 * };
 * ```
 */
export interface CommandDefinition extends Facts {
  /** The arguments: inline members, or the name of a struct (or, with `boxed`, a union). */
  readonly data?: string | Members;
  /** The named `data` type is the whole argument object. */
  readonly boxed?: true;
  /** The result's type; absent: an empty object. */
  readonly returns?: TypeRef;
  /** No reply is sent (only `guest-shutdown` and the like). */
  readonly "success-response"?: false;
  /** QEMU's generator does not marshal the arguments (`device_add`): further members are taken. */
  readonly gen?: false;
  /** The command may run out of band. */
  readonly "allow-oob"?: true;
  /** The command may run in the preconfig state. */
  readonly "allow-preconfig"?: true;
  /** The command runs in a coroutine. */
  readonly coroutine?: true;
}

/**
 * An event. `data` is inline members or a type's name (`boxed` as for
 * commands).
 *
 * @example
 * ```ts
 * import type { EventDefinition } from "./literal.ts";
 * const shutdown: EventDefinition = { data: { guest: "bool", reason: "ShutdownCause" } };
 * ```
 */
export interface EventDefinition extends Facts {
  /** The data: inline members, or the name of a struct (or, with `boxed`, a union). */
  readonly data?: string | Members;
  /** The named `data` type is the whole data object. */
  readonly boxed?: true;
}

/**
 * The protocols QEMU speaks with a QAPI schema: QMP (the system emulator's
 * monitor), QGA (the guest agent) and QSD (qemu-storage-daemon's monitor).
 *
 * @example
 * ```ts
 * import type { Protocol } from "./literal.ts";
 * const protocol: Protocol = "qga";
 * ```
 */
export type Protocol = "qmp" | "qga" | "qsd";

/**
 * A whole vendored schema.
 *
 * @example
 * ```ts
 * import type { SchemaLiteral } from "./literal.ts";
 * const empty: SchemaLiteral = {
 *   protocol: "qga",
 *   version: "7.2",
 *   qemu: "7.2.0",
 *   types: {},
 *   commands: {},
 *   events: {},
 * };
 * ```
 */
export interface SchemaLiteral {
  /** The protocol the schema describes. */
  readonly protocol: Protocol;
  /** The QEMU release as `MAJOR.MINOR` (`"10.2"`), the key used everywhere. */
  readonly version: string;
  /** The exact QEMU version the schema was read from (`"10.2.2"`). */
  readonly qemu: string;
  /** Every named type by name. */
  readonly types: { readonly [name: string]: TypeDefinition };
  /** Every command by name. */
  readonly commands: { readonly [name: string]: CommandDefinition };
  /** Every event by name. */
  readonly events: { readonly [name: string]: EventDefinition };
}
