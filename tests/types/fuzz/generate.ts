/**
 * Generates random valid QAPI schemas (as `model.ts` describes them), by
 * QEMU's rules: names that don't clash, base chains, flat unions whose
 * discriminator is a required enum member of the base, alternates whose
 * branches have distinct JSON types, forward references, recursion through
 * optional members and arrays only (a required member always refers to a
 * type defined before, so every type has a finite value).
 *
 * @module
 */

import { Random } from "../../qapi/fuzz_lib.ts";
import {
  type AlternateModel,
  builtins,
  type CommandModel,
  type Cond,
  type EnumModel,
  type EventModel,
  type Facts,
  Lookup,
  type MemberModel,
  type SchemaModel,
  type StructModel,
  type TypeModel,
  type TypeRef,
  type UnionModel,
} from "./model.ts";

/** Names that are keys of `Object.prototype` (or otherwise odd), for members and values. */
const oddMemberNames = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"];
const oddValueNames = [...oddMemberNames, "0", "1x", "9-a", "a-b", "prototype"];
const oddTypeNames = ["Object", "Array", "Record", "String", "Partial", "Promise"];
const oddCommandNames = ["constructor", "to-string", "__proto__", "has-own-property"];
const numeric = builtins.filter((b) => /int|size|number/.test(b));

/**
 * Names of `Object.prototype`'s members: an optional member so named cannot
 * be left out in TypeScript (an object's own `toString` method is checked
 * against the member's type), a limit of TypeScript the library does not
 * work around; and a required one left out may be found in `Object.prototype`
 * (if its type takes a function). Unless `knownLimitations`, such members are
 * required and never left out.
 */
export const objectMembers: ReadonlySet<string> = new Set([
  "constructor",
  "toString",
  "valueOf",
  "hasOwnProperty",
]);

/** Options of a generated schema's size and content. */
export interface GenerateOptions {
  /** Also generate what the library is known not to type exactly (see `objectMembers`). */
  readonly knownLimitations?: boolean;
  /** The longest chain of struct bases made on purpose (default 6). */
  readonly maxChain?: number;
}

/** Generates one schema from a seed. */
export function generateSchema(seed: number, options: GenerateOptions = {}): SchemaModel {
  return new Generator(new Random(seed), options).schema();
}

class Generator {
  #counter = 0;
  readonly #types: TypeModel[] = [];
  readonly #lookup = () => new Lookup({ types: this.#types, commands: [], events: [] });
  readonly #usedTypeNames = new Set<string>();
  constructor(readonly random: Random, readonly options: GenerateOptions) {}

  #fresh(prefix: string): string {
    return `${prefix}${this.#counter++}`;
  }
  #chance(p: number): boolean {
    return this.random.next() < p;
  }

  #typeName(prefix: string): string {
    const odd = this.random.pick(oddTypeNames);
    if (this.#chance(0.1) && !this.#usedTypeNames.has(odd)) {
      this.#usedTypeNames.add(odd);
      return odd;
    }
    return this.#fresh(prefix);
  }

  #cond(depth = 0): Cond {
    const roll = depth > 1 ? 0 : this.random.int(4);
    if (roll === 0) return this.random.pick(["CONFIG_A", "CONFIG_B", "CONFIG_LINUX"]);
    if (roll === 1) return { all: [this.#cond(depth + 1), this.#cond(depth + 1)] };
    if (roll === 2) return { any: [this.#cond(depth + 1)] };
    return { not: this.#cond(depth + 1) };
  }

  /** `if` and features, each with some chance; special features only where QAPI takes them. */
  #facts(special: boolean, conditional = true): Facts {
    const facts: Facts = {};
    if (conditional && this.#chance(0.15)) facts.if = this.#cond();
    if (this.#chance(0.2)) {
      const names = special ? ["deprecated", "unstable", "feat-x"] : ["feat-x", "feat-y"];
      facts.features = names.filter(() => this.#chance(0.5));
      if (!facts.features.length) delete facts.features;
    }
    return facts;
  }

  /** A member name not in `taken` (an odd one sometimes). */
  #memberName(taken: Set<string>): string {
    const odd = this.random.pick(oddMemberNames);
    const name = this.#chance(0.15) && !taken.has(odd)
      ? odd
      : this.#chance(0.2)
      ? `${this.#fresh("m")}-x`
      : this.#fresh("m");
    taken.add(name);
    return name;
  }

  /** A type reference for a member: a builtin or an earlier type, maybe an array. */
  #ref(allowAny = true): TypeRef {
    const earlier = this.#types.map((t) => t.name);
    const pool = allowAny ? builtins : builtins.filter((b) => b !== "any");
    const name = earlier.length && this.#chance(0.5)
      ? this.random.pick(earlier)
      : this.random.pick(pool);
    return this.#chance(0.2) ? [name] : name;
  }

  #members(count: number, taken: Set<string>): MemberModel[] {
    const members: MemberModel[] = [];
    for (let i = 0; i < count; i++) {
      const name = this.#memberName(taken);
      const member: MemberModel = {
        name,
        type: this.#ref(),
        optional: this.#chance(0.35),
        ...this.#facts(true),
      };
      if (objectMembers.has(name) && !this.options.knownLimitations) {
        member.optional = false;
        delete member.if;
      }
      members.push(member);
    }
    return members;
  }

  #enum(name = this.#typeName("Enum")): EnumModel {
    const taken = new Set<string>();
    const values: EnumModel["values"] = [];
    const count = 1 + this.random.int(6);
    for (let i = 0; i < count; i++) {
      const odd = this.random.pick(oddValueNames);
      const value = this.#chance(0.3) && !taken.has(odd) ? odd : this.#fresh("v");
      taken.add(value);
      values.push({ name: value, ...this.#facts(true) });
    }
    const definition: EnumModel = { kind: "enum", name, values, ...this.#facts(false) };
    this.#types.push(definition);
    return definition;
  }

  #struct(base?: string, extra: MemberModel[] = []): StructModel {
    const lookup = this.#lookup();
    const taken = new Set([
      ...(base ? lookup.allMemberNames(base) : []),
      ...extra.map((m) => m.name),
    ]);
    const members = [...extra, ...this.#members(this.random.int(5), taken)];
    const definition: StructModel = {
      kind: "struct",
      name: this.#typeName("Struct"),
      ...(base ? { base } : {}),
      members,
      ...this.#facts(false),
    };
    this.#types.push(definition);
    return definition;
  }

  /** A chain of structs, each the base of the next; returns the last. */
  #chain(length: number): StructModel {
    let last: StructModel | undefined;
    for (let i = 0; i < length; i++) last = this.#struct(last?.name);
    return last!;
  }

  #union(): UnionModel {
    const lookup = this.#lookup();
    const enums = this.#types.filter((t): t is EnumModel => t.kind === "enum");
    const tagEnum = enums.length && this.#chance(0.6) ? this.random.pick(enums) : this.#enum();
    const tag: MemberModel = {
      name: this.#memberName(new Set()),
      type: tagEnum.name,
      optional: false,
    };
    let base: string | MemberModel[];
    if (this.#chance(0.5)) {
      base = [tag, ...this.#members(this.random.int(3), new Set([tag.name]))];
    } else {
      const structs = this.#types.filter((t) => t.kind === "struct");
      const parent = structs.length && this.#chance(0.4)
        ? this.random.pick(structs).name
        : undefined;
      // The discriminator must not clash with the parent's members.
      if (parent && lookup.allMemberNames(parent).has(tag.name)) tag.name = this.#fresh("m");
      base = this.#struct(parent, [tag]).name;
    }
    const union: UnionModel = {
      kind: "union",
      name: this.#typeName("Union"),
      base,
      discriminator: tag.name,
      branches: [],
      ...this.#facts(false),
    };
    const baseNames = new Set(this.#lookup().unionBase(union).map((m) => m.name));
    const candidates = this.#types.filter((t) => t.kind === "struct" || t.kind === "union");
    for (const value of tagEnum.values) {
      if (!candidates.length || this.#chance(0.3)) continue; // a value without a branch
      const branch = this.random.pick(candidates);
      const names = this.#lookup().allMemberNames(branch.name);
      if ([...names].some((n) => baseNames.has(n))) continue;
      union.branches.push({
        value: value.name,
        type: branch.name,
        ...(this.#chance(0.15) ? { if: this.#cond() } : {}),
      });
    }
    this.#types.push(union);
    return union;
  }

  #alternate(): AlternateModel {
    const branches: AlternateModel["branches"] = [];
    const add = (type: TypeRef) =>
      branches.push({
        name: this.#fresh("b"),
        type,
        ...(this.#chance(0.1) ? { if: this.#cond() } : {}),
      });
    const hasNumber = this.#chance(0.5);
    if (hasNumber) add(this.random.pick(numeric));
    if (this.#chance(0.5)) add("bool");
    if (this.#chance(0.3)) add("null");
    if (this.#chance(0.6)) {
      // A string branch: `str` reads as anything on the command line, so it
      // excludes number and bool branches; an enum excludes only a number
      // branch, and only when one of its values looks like a number.
      const enums = this.#types.filter((t): t is EnumModel =>
        t.kind === "enum" && !(hasNumber && t.values.some((v) => /^[-+0-9.]/.test(v.name)))
      );
      const plain = !branches.length;
      if (enums.length && (!plain || this.#chance(0.5))) add(this.random.pick(enums).name);
      else if (plain) add("str");
    }
    const objects = this.#types.filter((t) => t.kind === "struct" || t.kind === "union");
    if (objects.length && this.#chance(0.6)) add(this.random.pick(objects).name);
    // An array branch reads as a JSON array, whatever its element.
    if (this.#chance(0.3)) {
      const names = [...builtins, ...this.#types.map((t) => t.name)];
      add([this.random.pick(names)]);
    }
    if (!branches.length) add("str");
    const definition: AlternateModel = {
      kind: "alternate",
      name: this.#typeName("Alt"),
      branches,
      ...this.#facts(false),
    };
    this.#types.push(definition);
    return definition;
  }

  /** Optional and array members pointing anywhere, self included: recursion. */
  #backReferences(): void {
    const structs = this.#types.filter((t): t is StructModel => t.kind === "struct");
    const targets = this.#types.filter((t) => t.kind === "struct" || t.kind === "union");
    const count = structs.length ? this.random.int(4) : 0;
    for (let i = 0; i < count; i++) {
      const from = this.random.pick(structs);
      const to = this.random.pick(targets).name;
      const array = this.#chance(0.5);
      from.members.push({
        name: this.#fresh("r"),
        type: array ? [to] : to,
        optional: !array || this.#chance(0.5),
        ...this.#facts(true),
      });
      // A struct both in a union's base and in one of its branches would now clash.
      if (this.#unionsClash()) from.members.pop();
    }
  }

  /** Whether some union's base members clash with a branch's. */
  #unionsClash(): boolean {
    const lookup = this.#lookup();
    return this.#types.some((union) => {
      if (union.kind !== "union") return false;
      const base = new Set(lookup.unionBase(union).map((m) => m.name));
      return union.branches.some((b) =>
        [...lookup.allMemberNames(b.type)].some((n) => base.has(n))
      );
    });
  }

  #data(command: boolean): Pick<CommandModel, "data" | "boxed"> {
    const roll = this.random.next();
    const structs = this.#types.filter((t) => t.kind === "struct");
    const unions = this.#types.filter((t) => t.kind === "union");
    if (roll < 0.25) return {};
    if (roll < 0.65 || !structs.length) {
      // Conditional members of inline arguments need `boxed` (QEMU's rule): none here.
      const members = this.#members(this.random.int(command ? 5 : 4), new Set());
      for (const member of members) delete member.if;
      return { data: members };
    }
    if (roll < 0.8) {
      const struct = this.random.pick(structs).name;
      const conditional = this.#lookup().structMembers(struct).some((m) => m.if !== undefined);
      return conditional ? { data: struct, boxed: true } : { data: struct };
    }
    const boxed: TypeModel[] = unions.length && this.#chance(0.7) ? unions : structs;
    return { data: this.random.pick(boxed).name, boxed: true };
  }

  schema(): SchemaModel {
    for (let i = 1 + this.random.int(3); i > 0; i--) this.#enum();
    for (let i = 1 + this.random.int(4); i > 0; i--) {
      const structs = this.#types.filter((t) => t.kind === "struct");
      this.#struct(
        structs.length && this.#chance(0.4) ? this.random.pick(structs).name : undefined,
      );
    }
    const maxChain = this.options.maxChain ?? 6;
    if (this.#chance(0.2)) this.#chain(2 + this.random.int(maxChain - 1));
    for (let i = this.random.int(3); i > 0; i--) this.#union();
    for (let i = this.random.int(3); i > 0; i--) this.#alternate();
    if (this.#chance(0.5)) this.#struct(undefined, this.#members(2, new Set()));
    this.#backReferences();

    const commands: CommandModel[] = [];
    const commandNames = new Set<string>();
    for (let i = 2 + this.random.int(6); i > 0; i--) {
      const odd = this.random.pick(oddCommandNames);
      const name = this.#chance(0.15) && !commandNames.has(odd) ? odd : this.#fresh("cmd-");
      commandNames.add(name);
      const roll = this.random.next();
      const types = this.#types.map((t) => t.name);
      const returns: TypeRef | undefined = roll < 0.3
        ? undefined
        : roll < 0.85 && types.length
        ? this.random.pick(types)
        : this.random.pick(builtins);
      commands.push({
        name,
        ...this.#data(true),
        ...(returns !== undefined
          ? { returns: this.#chance(0.25) ? [returns as string] : returns }
          : {}),
        ...(this.#chance(0.2) ? { allowOob: true } : {}),
        ...(this.#chance(0.1) ? { gen: false } : {}),
        ...this.#facts(true),
      } as CommandModel);
    }
    const events: EventModel[] = [];
    for (let i = 1 + this.random.int(4); i > 0; i--) {
      events.push({ name: this.#fresh("EV_"), ...this.#data(false), ...this.#facts(true) });
    }
    return { types: this.#types, commands, events };
  }
}
