/**
 * What changed between two schemas: definitions, members, enum values and
 * branches added or removed; members that became optional or required;
 * features gained or lost (newly deprecated or unstable); type changes
 * (a member's type, or a definition's kind, as when a struct becomes a union).
 *
 * @module
 */

import type {
  Feature,
  Member,
  Members,
  SchemaLiteral,
  TypeDefinition,
  TypeRef,
} from "../types/literal.ts";

/**
 * One change. `path` names the thing: `command blockdev-add`,
 * `type BlockdevOptionsFile member aio-max-batch`, `type RunState value colo`.
 *
 * @example
 * ```ts
 * import type { SchemaChange } from "./diff.ts";
 * const change: SchemaChange = { change: "added", kind: "command", path: "blockdev-reopen" };
 * ```
 */
export interface SchemaChange {
  /** Whether the thing was added, removed or changed. */
  readonly change: "added" | "removed" | "changed";
  /** What kind of thing changed. */
  readonly kind:
    | "command"
    | "event"
    | "type"
    | "member"
    | "value"
    | "branch"
    | "optionality"
    | "feature"
    | "member type"
    | "definition kind";
  /** Which thing: `command blockdev-add`, `type RunState value colo`. */
  readonly path: string;
  /** For `changed`: what it was and what it is (`optional -> required`, `str -> StrOrNull`). */
  readonly detail?: string;
}

const refText = (ref: TypeRef) => (Array.isArray(ref) ? `[${ref[0]}]` : ref as string);
const memberObject = (m: Member) =>
  typeof m === "object" && !Array.isArray(m)
    ? m as { type: TypeRef; optional?: true; features?: readonly Feature[] }
    : { type: m as TypeRef };
const featureNames = (features: readonly Feature[] | undefined) =>
  new Set((features ?? []).map((f) => (typeof f === "string" ? f : f.name)));
/**
 * The entry `name` of a name-keyed map, never one inherited from
 * `Object.prototype`: a command, member, value or branch may be called
 * `constructor` or (with QAPI's `member-name-exceptions`) `toString`.
 */
const own = <value>(map: { readonly [name: string]: value } | undefined, name: string) =>
  map !== undefined && Object.hasOwn(map, name) ? map[name] : undefined;

/**
 * Compares two schemas (older first).
 *
 * @example
 * ```ts
 * import { diffSchemas } from "./diff.ts";
 * import { qmp7_2 } from "../../schemas/qmp/7.2.js";
 * import { qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const changes = diffSchemas(qmp7_2, qmp10_2);
 * console.log(changes.some((c) => c.kind === "command" && c.path === "blockdev-reopen"));
 * ```
 */
export function diffSchemas(older: SchemaLiteral, newer: SchemaLiteral): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const push = (change: SchemaChange) => changes.push(change);

  const features = (
    path: string,
    before: readonly Feature[] | undefined,
    after: readonly Feature[] | undefined,
  ) => {
    const a = featureNames(before);
    const b = featureNames(after);
    for (const name of b) {
      if (!a.has(name)) push({ change: "added", kind: "feature", path: `${path} $${name}` });
    }
    for (const name of a) {
      if (!b.has(name)) push({ change: "removed", kind: "feature", path: `${path} $${name}` });
    }
  };
  const members = (
    path: string,
    before: Members | string | undefined,
    after: Members | string | undefined,
  ) => {
    if (
      typeof before === "string" || typeof after === "string" || before === undefined ||
      after === undefined
    ) {
      const a = typeof before === "string" ? before : before === undefined ? "(none)" : "(inline)";
      const b = typeof after === "string" ? after : after === undefined ? "(none)" : "(inline)";
      if (a !== b || (typeof before === "string") !== (typeof after === "string")) {
        if (a === "(inline)" && b === "(inline)") return;
        if (
          before !== undefined && after !== undefined && typeof before === "object" &&
          typeof after === "object"
        ) return;
        if (a !== b) {
          push({
            change: "changed",
            kind: "member type",
            path: `${path} data`,
            detail: `${a} -> ${b}`,
          });
        }
      }
      if (typeof before !== "object" || typeof after !== "object") return;
    }
    for (const [name, member] of Object.entries(after)) {
      const memberPath = `${path} member ${name}`;
      const previous = own(before, name);
      if (previous === undefined) {
        push({ change: "added", kind: "member", path: memberPath });
        continue;
      }
      const a = memberObject(previous);
      const b = memberObject(member);
      if ((a.optional ?? false) !== (b.optional ?? false)) {
        push({
          change: "changed",
          kind: "optionality",
          path: memberPath,
          detail: a.optional ? "optional -> required" : "required -> optional",
        });
      }
      if (refText(a.type) !== refText(b.type)) {
        push({
          change: "changed",
          kind: "member type",
          path: memberPath,
          detail: `${refText(a.type)} -> ${refText(b.type)}`,
        });
      }
      features(memberPath, a.features, b.features);
    }
    for (const name of Object.keys(before)) {
      if (!Object.hasOwn(after, name)) {
        push({ change: "removed", kind: "member", path: `${path} member ${name}` });
      }
    }
  };
  const type = (name: string, a: TypeDefinition, b: TypeDefinition) => {
    const path = `type ${name}`;
    features(path, a.features, b.features);
    if (a.kind !== b.kind) {
      push({ change: "changed", kind: "definition kind", path, detail: `${a.kind} -> ${b.kind}` });
      return;
    }
    if (a.kind === "enum" && b.kind === "enum") {
      const before = new Set(a.data);
      const after = new Set(b.data);
      for (const value of after) {
        if (!before.has(value)) {
          push({ change: "added", kind: "value", path: `${path} value ${value}` });
        }
      }
      for (const value of before) {
        if (!after.has(value)) {
          push({ change: "removed", kind: "value", path: `${path} value ${value}` });
        }
      }
      for (const value of after) {
        if (before.has(value)) {
          features(
            `${path} value ${value}`,
            own(a.values, value)?.features,
            own(b.values, value)?.features,
          );
        }
      }
    } else if (a.kind === "struct" && b.kind === "struct") {
      if (a.base !== b.base) {
        push({
          change: "changed",
          kind: "member type",
          path: `${path} base`,
          detail: `${a.base ?? "(none)"} -> ${b.base ?? "(none)"}`,
        });
      }
      members(path, a.data, b.data);
    } else if (
      (a.kind === "union" && b.kind === "union") ||
      (a.kind === "alternate" && b.kind === "alternate")
    ) {
      if (a.kind === "union" && b.kind === "union") members(`${path} base`, a.base, b.base);
      for (const [branch, value] of Object.entries(b.data)) {
        const previous = own(a.data, branch);
        if (previous === undefined) {
          push({ change: "added", kind: "branch", path: `${path} branch ${branch}` });
        } else if (refText(memberObject(previous).type) !== refText(memberObject(value).type)) {
          push({
            change: "changed",
            kind: "member type",
            path: `${path} branch ${branch}`,
            detail: `${refText(memberObject(previous).type)} -> ${
              refText(memberObject(value).type)
            }`,
          });
        }
      }
      for (const branch of Object.keys(a.data)) {
        if (!Object.hasOwn(b.data, branch)) {
          push({ change: "removed", kind: "branch", path: `${path} branch ${branch}` });
        }
      }
    }
  };

  for (const kind of ["command", "event"] as const) {
    const before =
      (kind === "command" ? older.commands : older.events) as SchemaLiteral["commands"];
    const after = (kind === "command" ? newer.commands : newer.events) as SchemaLiteral["commands"];
    for (const [name, definition] of Object.entries(after)) {
      const previous = own(before, name);
      if (!previous) {
        push({ change: "added", kind, path: name });
        continue;
      }
      features(`${kind} ${name}`, previous.features, definition.features);
      members(`${kind} ${name}`, previous.data, definition.data);
      if (
        kind === "command" &&
        JSON.stringify(previous.returns) !== JSON.stringify(definition.returns)
      ) {
        push({
          change: "changed",
          kind: "member type",
          path: `command ${name} returns`,
          detail: `${previous.returns ? refText(previous.returns) : "(none)"} -> ${
            definition.returns ? refText(definition.returns) : "(none)"
          }`,
        });
      }
    }
    for (const name of Object.keys(before)) {
      if (!Object.hasOwn(after, name)) push({ change: "removed", kind, path: name });
    }
  }
  for (const [name, definition] of Object.entries(newer.types)) {
    const previous = own(older.types, name);
    if (!previous) push({ change: "added", kind: "type", path: name });
    else type(name, previous, definition);
  }
  for (const name of Object.keys(older.types)) {
    if (!Object.hasOwn(newer.types, name)) push({ change: "removed", kind: "type", path: name });
  }
  return changes;
}

/**
 * Counts changes by `change` and `kind` (`"added command"`: 24, …).
 *
 * @example
 * ```ts
 * import { countChanges } from "./diff.ts";
 * console.log(countChanges([{ change: "added", kind: "command", path: "x" }])); // { "added command": 1 }
 * ```
 */
export function countChanges(changes: readonly SchemaChange[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of changes) {
    const key = `${change.change} ${change.kind}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * A human-readable report, grouped by what changed.
 *
 * @example
 * ```ts
 * import { formatChanges } from "./diff.ts";
 * console.log(formatChanges([{ change: "removed", kind: "command", path: "query-cpus" }]));
 * ```
 */
export function formatChanges(changes: readonly SchemaChange[]): string {
  const groups = new Map<string, SchemaChange[]>();
  for (const change of changes) {
    const key = `${change.change} ${change.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  const lines: string[] = [];
  for (const [key, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`${key} (${list.length}):`);
    for (const change of list) {
      lines.push(`  ${change.path}${change.detail ? `: ${change.detail}` : ""}`);
    }
  }
  return lines.join("\n");
}
