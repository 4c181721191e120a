/**
 * The fuzzer's model of a generated QAPI schema: what the generator makes,
 * what the QAPI text is written from, and what the program writer reads to
 * know which values and types each command and event must have.
 *
 * Names are the final ones (`__proto__` included, which a QAPI file cannot
 * spell but a live schema can: see `qapi_text.ts`).
 *
 * @module
 */

import { builtinTypes } from "../../../lib/qapi/check.ts";

/** A QAPI `if` condition. */
export type Cond = string | { all: Cond[] } | { any: Cond[] } | { not: Cond };

/** What definitions, members and enum values may carry. */
export interface Facts {
  if?: Cond;
  features?: string[];
}

/** A type reference: a name, or `[name]` for an array of it. */
export type TypeRef = string | [string];

/** A member of a struct, union base or command/event `data`. */
export interface MemberModel extends Facts {
  name: string;
  type: TypeRef;
  optional: boolean;
}

/** An enum. */
export interface EnumModel extends Facts {
  kind: "enum";
  name: string;
  values: ({ name: string } & Facts)[];
}

/** A struct, with an optional base. */
export interface StructModel extends Facts {
  kind: "struct";
  name: string;
  base?: string;
  members: MemberModel[];
}

/** A flat union: a base (named or inline), its discriminator and some branches. */
export interface UnionModel extends Facts {
  kind: "union";
  name: string;
  base: string | MemberModel[];
  discriminator: string;
  branches: { value: string; type: string; if?: Cond }[];
}

/** An alternate: branches of distinct JSON types. */
export interface AlternateModel extends Facts {
  kind: "alternate";
  name: string;
  branches: { name: string; type: TypeRef; if?: Cond }[];
}

/** Any named type. */
export type TypeModel = EnumModel | StructModel | UnionModel | AlternateModel;

/** A command. */
export interface CommandModel extends Facts {
  name: string;
  data?: string | MemberModel[];
  boxed?: true;
  returns?: TypeRef;
  allowOob?: true;
  gen?: false;
}

/** An event. */
export interface EventModel extends Facts {
  name: string;
  data?: string | MemberModel[];
  boxed?: true;
}

/** A whole generated schema. */
export interface SchemaModel {
  /** Named types in definition order. */
  types: TypeModel[];
  commands: CommandModel[];
  events: EventModel[];
}

/** QAPI's builtin types: the QAPI reader's own list. */
export const builtins: readonly string[] = builtinTypes;

/** Whether a type name is a builtin. */
export const isBuiltin = (name: string): boolean => builtins.includes(name);

/** The name a type reference refers to (the element's for an array). */
export const refName = (ref: TypeRef): string => typeof ref === "string" ? ref : ref[0];

/** Lookups over a model. */
export class Lookup {
  readonly #types = new Map<string, TypeModel>();
  constructor(readonly schema: SchemaModel) {
    for (const type of schema.types) this.#types.set(type.name, type);
  }
  /** The named type's definition, undefined for a builtin. */
  type(name: string): TypeModel | undefined {
    return this.#types.get(name);
  }
  /** A struct's members with its bases', bases first. */
  structMembers(name: string): MemberModel[] {
    const struct = this.type(name) as StructModel;
    return [...(struct.base ? this.structMembers(struct.base) : []), ...struct.members];
  }
  /** A union's base members. */
  unionBase(union: UnionModel): MemberModel[] {
    return typeof union.base === "string" ? this.structMembers(union.base) : union.base;
  }
  /** A union's discriminator enum. */
  discriminatorEnum(union: UnionModel): EnumModel {
    const tag = this.unionBase(union).find((m) => m.name === union.discriminator)!;
    return this.type(refName(tag.type)) as EnumModel;
  }
  /**
   * Every member name an object of this type may hold (a union's base and
   * all its branches', nested unions included): what must not clash.
   */
  allMemberNames(name: string): Set<string> {
    const type = this.type(name);
    if (type?.kind === "struct") return new Set(this.structMembers(name).map((m) => m.name));
    if (type?.kind !== "union") return new Set();
    const names = new Set(this.unionBase(type).map((m) => m.name));
    for (const branch of type.branches) {
      for (const member of this.allMemberNames(branch.type)) names.add(member);
    }
    return names;
  }
}
