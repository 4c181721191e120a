/**
 * What every version of a span accepts, member by member and at every depth:
 * the argument object of a command across versions.
 *
 * A span's argument is not the intersection of each version's argument
 * type: intersecting two discriminated unions pairs their variants and lets
 * through a member that only one version's variant knows (a 10.2-only
 * `discard-no-unref` under `driver: "qcow2"`), and how much of that a checker
 * catches depends on the checker. Instead the span walks the versions'
 * definitions side by side, as a union of views (`{ schema, ref }`, one per
 * version), and builds one type:
 * 1. a member is accepted only where every version has it (`keyof` of a
 *    union of members maps is their common keys), at any depth, in any
 *    branch or base;
 * 2. it is required where any version requires it (the intersection of the
 *    maps carries that modifier), and of a type every version accepts;
 * 3. an enum value, a union branch, an alternate branch: only where every
 *    version has it;
 * 4. a member one version requires and another does not know makes the
 *    object impossible: the type says so (`NoObjectSuitsEveryVersion`);
 * 5. where the versions' definitions are of different kinds, each version's
 *    type, intersected.
 *
 * @module
 */

import type { BuiltinsIn } from "./builtins.ts";
import type { NoArguments, NoObjectSuitsEveryVersion } from "./commands.ts";
import type {
  BranchUnion,
  DefinitionOf,
  DiscriminatorOf,
  DiscriminatorValues,
  EnumValues,
  HasUnionBranch,
  MemberType,
  StructMembers,
  VariantMembers,
} from "./members.ts";
import type { ResolveIn } from "./resolve.ts";
import type { UnionToIntersection } from "./span.ts";

/**
 * One version's view of a type reference.
 *
 * @example
 * ```ts
 * import type { View } from "./span_args.ts";
 * const view: View<{ types: {} }, "str">["ref"] = "str";
 * ```
 */
export interface View<schema, ref> {
  readonly schema: schema;
  readonly ref: ref;
}

/** One version's view of a members map. */
interface MembersView<schema, members> {
  readonly schema: schema;
  readonly members: members;
}

/**
 * The type every version accepts for a type reference, given one view per
 * version (a union of `View`s).
 *
 * @example
 * ```ts
 * import type { SpanInput, View } from "./span_args.ts";
 * type Old = { types: { Mode: { kind: "enum"; data: readonly ["a", "b"] } } };
 * type New = { types: { Mode: { kind: "enum"; data: readonly ["a", "c"] } } };
 * const common: SpanInput<View<Old, "Mode"> | View<New, "Mode">> = "a";
 * ```
 */
export type SpanInput<views> = [Exclude<views, { ref: "any" }>] extends [never] ? SpanOfViews<views>
  // A version that takes QAPI's `any` there (a `gen: false` command's
  // unlisted member) accepts whatever the others do: it constrains nothing.
  : SpanOfViews<Exclude<views, { ref: "any" }>>;

/** `SpanInput` once the views that accept anything are set aside. */
type SpanOfViews<views> = [views] extends [{ ref: readonly [unknown] }]
  // Arrays in every version: an array of what every version accepts as an element.
  ? readonly SpanInput<ElementViews<views>>[]
  : [views] extends [{ ref: keyof BuiltinsIn }] ? IntersectionOf<BuiltinTuples<views>>
  : [views] extends [{ ref: string }] ? SpanNamed<views, KindOf<views>>
  : EachVersion<views>;

// The per-view steps below are aliases of their own, each distributive over
// `views`: written inline in the branches above, TypeScript did not
// distribute them and merged the versions' schemas into one view.

/** Each version's view of an array's element. */
type ElementViews<views> = views extends View<infer schema, readonly [infer element]>
  ? View<schema, element>
  : never;

/** Each version's builtin, in a box (so `IntersectionOf` keeps its unions whole). */
type BuiltinTuples<views> = views extends { ref: infer ref extends keyof BuiltinsIn }
  ? Box<BuiltinsIn[ref]>
  : never;

/** The kinds of the viewed definitions, as a union. */
type KindOf<views> = views extends View<infer schema, infer ref>
  ? (DefinitionOf<schema, ref> extends { kind: infer kind } ? kind : "builtin")
  : never;

/** A named type in every version, by kind (the same kind everywhere, or each version's type). */
type SpanNamed<views, kind> = [kind] extends ["enum"] ? CommonKeys<EnumRecords<views>>
  : [kind] extends ["struct"] ? SpanObject<StructViews<views>, unknown>
  : [kind] extends ["union"] ? SpanUnion<views>
  : [kind] extends ["alternate"] ? SpanAlternate<views>
  : EachVersion<views>;

/** Each version's own type, intersected: the fallback where definitions differ in kind. */
type EachVersion<views> = IntersectionOf<ResolvedTuples<views>>;

/** Each version's enum values, as the keys of a record (`keyof` a union of them: the common ones). */
type EnumRecords<views> = views extends View<infer schema, infer ref>
  ? Record<EnumValues<schema, ref>, 0>
  : never;

/** Each version's struct members. */
type StructViews<views> = views extends View<infer schema, infer ref>
  ? MembersView<schema, StructMembers<schema, ref>>
  : never;

/** Each version's own type, in a box tagged with the version. */
type ResolvedTuples<views> = views extends View<infer schema, infer ref>
  ? VersionBox<VersionOf<schema>, ResolveIn<schema, ref, never>>
  : never;

/** `Box<A> | Box<B>` to `A & B` (the boxes keep unions inside them whole). */
type IntersectionOf<boxes> = UnionToIntersection<boxes>["value" & keyof UnionToIntersection<boxes>];

/**
 * A type in a box: `Box<A> | Box<B>` turns into `Box<A> & Box<B>`, whose
 * `value` is `A & B`, read by an indexed access. (Inferring from an
 * intersection of tuples instead picked one side, differently on each
 * checker.)
 */
interface Box<type> {
  readonly value: type;
}

/**
 * A `Box` tagged with its version, the tag first. `UnionToIntersection`
 * relates the boxes to one another; a checker computing a contextual type's
 * constraint does so while `ref` is still generic, and relating two
 * versions' `ResolveIn<…>` there made it measure `ResolveIn`'s variance
 * (about 24,000 instantiations, at a span's first call with a member of a
 * kind that differs between versions). Type arguments are compared in
 * order: the tags (`"7.2"`, `"10.2"`) differ, and the relation stops there.
 * Optional, so that intersecting two tags does not reduce the boxes to
 * `never`.
 */
interface VersionBox<tag, type> {
  readonly tag?: tag;
  readonly value: type;
}

/** A schema's version (`unknown` for a literal without one: no tag). */
type VersionOf<schema> = schema extends { version: infer version } ? version : unknown;

/** The keys every object of a union has: `keyof` of a union. */
type CommonKeys<objects> = keyof objects;

/** Every version's members map, as a union. */
// An indexed access of the union of views (it reads each view's `members`),
// not a conditional distributed over them with an `infer` (7,000
// instantiations fewer over the realistic span script).
type MapsOf<views> = views["members" & keyof views];

/**
 * An object every version accepts, from each version's members map (a union
 * of `MembersView`s). `narrowed` maps members to fixed types (a union
 * variant's discriminator to its value).
 */
type SpanObject<views, narrowed> = SpanObjectWith<
  views,
  narrowed,
  MapsOf<views>,
  CommonKeys<MapsOf<views>>
>;

/**
 * `SpanObject`, given the versions' maps (`maps`, a union) and their common
 * keys. Where the maps are the same in every version (usual for a variant
 * QEMU did not change), the combination below is not needed: each map is
 * assignable to every other (`A | B` to `A & B`, one relation of the two
 * literals, no instantiation), so no version requires a member another
 * lacks (`MissingSomewhere` is empty) and the maps' intersection carries the
 * same modifiers as their shapes' (`SpanMembers`). Maps that differ in a
 * member's type intersect to `never`, which nothing but `never` extends.
 */
type SpanObjectWith<views, narrowed, maps, common> = [maps] extends [UnionToIntersection<maps>]
  ? ([common] extends [never] ? NoArguments
    : SpanMembersOf<
      views,
      narrowed,
      UnionToIntersection<maps>,
      common & keyof UnionToIntersection<maps>
    >)
  : SpanObjectOf<views, narrowed, common>;

/**
 * `SpanObject`, given the keys every version has. A type argument, computed
 * once per object: `keyof` written where it is used is recomputed at every
 * instantiation, and the filters below use it once per key and per version.
 */
type SpanObjectOf<views, narrowed, common> = MissingSomewhere<views, common> extends infer missing
  ? [missing] extends [never]
    // No member in common (a version takes none): `{}` only, not an empty
    // object type, which TypeScript would not check for excess members.
    ? ([common] extends [never] ? NoArguments : SpanMembers<views, narrowed, common>)
  : NoObjectSuitsEveryVersion<missing>
  : never;

/** Members one version requires that not every version knows (`common`). */
// The keys outside `common` first (usually none: one relation of two unions
// of keys says so), then which of them are required: testing every key for
// requiredness, as a map of required keys, cost one conditional per member,
// per version and per object.
type MissingSomewhere<view, common> = view extends MembersView<unknown, infer members>
  ? ([keyof members] extends [common] ? never
    : RequiredAmong<members, Exclude<keyof members, common>>)
  : never;

/** Those of `keys` that a members map requires. */
// (`undefined extends` the member, not `{} extends Pick<…>`: no object per key.
// A member's entry is a type reference or an object, never undefined, unless
// the member is optional. An index signature's keys require nothing.)
type RequiredAmong<members, keys> = keys extends string ? (string extends keys ? never
    : keys extends keyof members ? (undefined extends members[keys] ? never : keys)
    : never)
  : never;

/**
 * The common members: mapped over the intersection of the maps' shapes,
 * whose modifiers say required where any version requires; filtered to the
 * keys every version has. Shapes (every member `unknown`), not the maps
 * themselves: two maps whose member names a different type in each version
 * (`"SocketAddressLegacyKind"` and `"SocketAddressType"`) would intersect to
 * `never`.
 */
type SpanMembers<views, narrowed, common> = SpanMembersOf<
  views,
  narrowed,
  UnionToIntersection<ShapesOf<views>>,
  common & keyof UnionToIntersection<ShapesOf<views>>
>;

/**
 * `SpanMembers` as a mapped type over the common keys, not over every key
 * filtered by an `as` clause (evaluated key by key): `keys` is constrained to
 * `keyof shape`, which makes `shape` give each member its modifiers.
 */
type SpanMembersOf<views, narrowed, shape, keys extends keyof shape> = {
  -readonly [key in keys]: key extends keyof narrowed ? narrowed[key]
    : SpanInput<MemberViews<views, key>>;
};

/** Each version's members map with every member `unknown`: keys and modifiers only. */
type ShapesOf<views> = views extends MembersView<unknown, infer members>
  ? { [key in keyof members]: unknown }
  : never;

/** Each version's view of one member's type. */
// The view's own properties read in the true branch, not `infer`red: this
// conditional runs per member, per object and per version (8,400
// instantiations fewer over the realistic span script, TS 5.9). The same
// change to `VariantViews` cost more than it saved.
type MemberViews<views, key> = views extends MembersView<unknown, unknown> ? View<
    views["schema"],
    MemberType<Exclude<views["members"][key & keyof views["members"]], undefined>>
  >
  : never;

/**
 * A flat union in every version: the discriminator values all have, each
 * variant spanned. A branch that is itself a union (`BranchUnion`) in some
 * version is spanned too, and intersected with the variant's own members;
 * only unions with such a branch pay for that test.
 */
type SpanUnion<views> = SpanVariants<
  views,
  CommonKeys<UnionValues<views>>,
  Discriminators<views>,
  [UnionBranchViews<views>] extends [never] ? false : true
>;

/**
 * `SpanUnion`, given the discriminator values every version has, the
 * discriminator's name and whether some version has a branch that is a
 * union: type arguments, computed once per union rather than once per
 * variant.
 */
type SpanVariants<views, values extends PropertyKey, discriminator extends PropertyKey, nested> =
  [nested] extends [false] ? {
      [value in values]: SpanObject<VariantViews<views, value>, { [key in discriminator]: value }>;
    }[values]
    : {
      [value in values]:
        & SpanObject<VariantViews<views, value>, { [key in discriminator]: value }>
        & SpanNested<NestedViews<views, value>>;
    }[values];

/** The views of a union with a branch that is a union. */
type UnionBranchViews<views> = views extends View<infer schema, infer ref>
  ? (HasUnionBranch<schema, ref> extends true ? views : never)
  : never;

/** Each version's view of the union a variant's branch is, where it is one. */
type NestedViews<views, value> = views extends View<infer schema, infer ref>
  ? ([BranchUnion<schema, ref, value>] extends [never] ? never
    : View<schema, BranchUnion<schema, ref, value>>)
  : never;

/** The span of the branch unions, or nothing to add where no version has one. */
type SpanNested<views> = [views] extends [never] ? unknown : SpanInput<views>;

/** Each version's members of one variant. */
type VariantViews<views, value> = views extends View<infer schema, infer ref>
  ? MembersView<schema, VariantMembers<schema, ref, value>>
  : never;

type UnionValues<views> = views extends View<infer schema, infer ref>
  ? Record<DiscriminatorValues<schema, ref>, 0>
  : never;

type Discriminators<views> = views extends View<infer schema, infer ref>
  ? DiscriminatorOf<schema, ref>
  : never;

/** An alternate in every version: the branches every version has, each spanned. */
type SpanAlternate<views> = {
  [branch in CommonKeys<AlternateBranches<views>>]: SpanInput<BranchViews<views, branch>>;
}[CommonKeys<AlternateBranches<views>>];

/** Each version's view of one alternate branch's type. */
type BranchViews<views, branch> = views extends View<infer schema, infer ref> ? View<
    schema,
    MemberType<
      AlternateBranches<View<schema, ref>>[branch & keyof AlternateBranches<View<schema, ref>>]
    >
  >
  : never;

type AlternateBranches<views> = views extends View<infer schema, infer ref>
  ? (DefinitionOf<schema, ref> extends { data: infer branches } ? branches : never)
  : never;

/**
 * A command's arguments across the versions of a span: inline members maps
 * or named types, side by side; a version without `data` takes `{}` only.
 *
 * @example
 * ```ts
 * import type { SpanArguments } from "./span_args.ts";
 * import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const args: SpanArguments<Qmp7_2 | Qmp10_2, "block_resize"> = { "node-name": "d", size: 1 };
 * ```
 */
export type SpanArguments<schemas, command> = [DataOf<schemas, command>] extends [string]
  ? SpanInput<CommandViews<schemas, command>>
  : [ObjectArguments<schemas, command>] extends [true]
    ? SpanObject<CommandMembersViews<schemas, command>, unknown>
  // Members in some versions, a flat union in others (`object-add`,
  // `set_password` after 5.2): each union variant, spanned with the other
  // versions' members.
  : SpanMixed<UnionCommandViews<schemas, command>, MembersCommandViews<schemas, command>>;

/**
 * Arguments that are a flat union in some versions (`unions`, views of the
 * union) and members in others (`others`, members views): per discriminator
 * value every union version has, that variant's members side by side with
 * the other versions' members, the discriminator narrowed.
 */
type SpanMixed<unions, others> = {
  [value in CommonKeys<UnionValues<unions>>]: SpanObject<
    VariantViews<unions, value> | others,
    { [discriminator in Discriminators<unions>]: value }
  >;
}[CommonKeys<UnionValues<unions>>];

/** The versions whose arguments are a named union, as views. */
type UnionCommandViews<schemas, command> = schemas extends unknown
  ? (ObjectArguments<schemas, command> extends true ? never
    : View<schemas, DataOf<schemas, command>>)
  : never;

/** The versions whose arguments are members, as members views. */
type MembersCommandViews<schemas, command> = schemas extends unknown
  ? (ObjectArguments<schemas, command> extends true
    ? MembersView<schemas, InlineMembers<schemas, command>>
    : never)
  : never;

/** Each version's view of a command's named arguments type. */
type CommandViews<schemas, command> = schemas extends unknown
  ? View<schemas, DataOf<schemas, command>>
  : never;

/** Each version's arguments as a members map. */
type CommandMembersViews<schemas, command> = schemas extends unknown
  ? MembersView<schemas, InlineMembers<schemas, command>>
  : never;

/** True for a version whose arguments are members (inline, a struct, or none). */
type ObjectArguments<schemas, command> = schemas extends unknown
  ? (DataOf<schemas, command> extends string
    ? (DefinitionOf<schemas, DataOf<schemas, command>> extends { kind: "struct" } ? true : false)
    : true)
  : never;

/** A command's `data` in one schema: a members map, a type's name, or `{}` when absent. */
type DataOf<schema, command> = CommandOf<schema, command> extends { data: infer data } ? data
  // deno-lint-ignore ban-types -- no members: the command takes `{}` only
  : {};

/**
 * A command's arguments as a members map (a named struct's, with its
 * bases'), open to unlisted members for a `gen: false` command.
 */
type InlineMembers<schema, command> = DataOf<schema, command> extends infer data
  ? (data extends string ? StructMembers<schema, data> : data) & UnlistedOf<schema, command>
  : never;

/**
 * A `gen: false` command takes members its schema does not list, of any
 * JSON type: an index signature of QAPI's `any`. `keyof` of a union that
 * includes it is the other versions' keys, so such a version restricts
 * nothing, and accepts whatever type the others require.
 */
type UnlistedOf<schema, command> = CommandOf<schema, command> extends { gen: false }
  ? { readonly [member: string]: "any" }
  : unknown;

type CommandOf<schema, command> = schema extends { commands: infer commands }
  ? commands[command & keyof commands]
  : never;
