/**
 * Compares a live `query-qmp-schema` with a vendored literal, recursively
 * through every command's arguments and result and every event's data.
 * Differences are allowed only where the literal carries an `if` condition
 * (a build option of that binary), or a `since` newer than the binary (the
 * vendored sources are a later stable release, 10.0.13, than the binary,
 * 10.0.2, and stable releases sometimes backport a member).
 *
 * @module
 */

import type { SchemaInfoIndex } from "../../lib/introspect/schema_info.ts";
import type { Member, Members, SchemaLiteral, TypeRef } from "../../lib/types/literal.ts";

/** The outcome of a comparison. */
export interface Agreement {
  compared: number;
  explainedByIf: string[];
  explainedBySince: string[];
  disagreements: string[];
}

const jsonTypes: Record<string, string> = {
  str: "string",
  number: "number",
  bool: "boolean",
  null: "null",
  any: "value",
};
const jsonTypeOf = (builtin: string) => jsonTypes[builtin] ?? "int";

type MemberFacts = {
  name: string;
  optional: boolean;
  type: TypeRef;
  conditional: boolean;
  since?: string;
};
const facts = (member: Member) =>
  typeof member === "object" && !Array.isArray(member)
    ? member as { type: TypeRef; if?: unknown; since?: string }
    : { type: member as TypeRef, since: undefined };
/** True when version `a` (`MAJOR.MINOR`) is newer than `b`. */
const newer = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  return x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]);
};

/** Compares `literal` with the live index; returns counts and the differences found. */
export function compareWithLiveSchema(
  literal: SchemaLiteral,
  live: SchemaInfoIndex,
  liveVersion: string,
): Agreement {
  const result: Agreement = {
    compared: 0,
    explainedByIf: [],
    explainedBySince: [],
    disagreements: [],
  };
  const visited = new Set<string>();
  const types = literal.types;

  const membersOf = (members: Members): MemberFacts[] =>
    Object.entries(members).map(([name, member]) => ({
      name,
      optional: (facts(member) as { optional?: true }).optional === true,
      type: facts(member).type,
      conditional: facts(member).if !== undefined,
      since: facts(member).since,
    }));
  /** A struct's or union's members, bases first. */
  const objectMembers = (name: string): MemberFacts[] => {
    const definition = types[name];
    if (definition.kind === "struct") {
      return [
        ...(definition.base ? objectMembers(definition.base) : []),
        ...membersOf(definition.data),
      ];
    }
    if (definition.kind === "union") {
      return typeof definition.base === "string"
        ? objectMembers(definition.base)
        : membersOf(definition.base);
    }
    return [];
  };

  const compareObject = (
    liveName: string,
    members: MemberFacts[],
    path: string,
    union?: { discriminator: string; branches: Record<string, Member> },
  ) => {
    const info = live.byName.get(liveName);
    if (!info || info["meta-type"] !== "object") {
      result.disagreements.push(
        `${path}: live type is ${info?.["meta-type"]}, vendored is an object`,
      );
      return;
    }
    const liveMembers = new Map((info.members ?? []).map((m) => [m.name!, m]));
    for (const member of members) {
      const other = liveMembers.get(member.name);
      if (!other) {
        const list = member.conditional
          ? result.explainedByIf
          : member.since && newer(member.since, liveVersion)
          ? result.explainedBySince
          : result.disagreements;
        list.push(`${path}.${member.name}: vendored only (since ${member.since})`);
        continue;
      }
      liveMembers.delete(member.name);
      const liveOptional = other.default === null;
      if (liveOptional !== member.optional) {
        result.disagreements.push(
          `${path}.${member.name}: optional ${liveOptional} live, ${member.optional} vendored`,
        );
      }
      compareType(other.type, member.type, `${path}.${member.name}`);
    }
    for (const name of liveMembers.keys()) result.disagreements.push(`${path}.${name}: live only`);
    if (union) {
      if (info.tag !== union.discriminator) {
        result.disagreements.push(`${path}: tag ${info.tag} live, ${union.discriminator} vendored`);
      }
      const liveVariants = new Map((info.variants ?? []).map((v) => [v.case, v.type]));
      for (const [value, branch] of Object.entries(union.branches)) {
        const liveType = liveVariants.get(value);
        const branchFacts = facts(branch);
        if (liveType === undefined) {
          (branchFacts.if !== undefined ? result.explainedByIf : result.disagreements).push(
            `${path}+${value}: vendored only`,
          );
          continue;
        }
        liveVariants.delete(value);
        compareType(liveType, branchFacts.type, `${path}+${value}`);
      }
      // Live variants of enum values without a branch are empty objects.
      for (const [value, liveType] of liveVariants) {
        const info = live.byName.get(liveType);
        if (info?.members?.length) result.disagreements.push(`${path}+${value}: live only`);
      }
    }
  };

  const compareType = (liveName: string, ref: TypeRef, path: string): void => {
    const key = `${liveName}=${JSON.stringify(ref)}`;
    if (visited.has(key)) return;
    visited.add(key);
    result.compared++;
    const info = live.byName.get(liveName);
    if (!info) {
      result.disagreements.push(`${path}: live type ${liveName} missing`);
      return;
    }
    if (Array.isArray(ref)) {
      if (info["meta-type"] !== "array") {
        result.disagreements.push(`${path}: live ${info["meta-type"]}, vendored array`);
      } else compareType(info["element-type"]!, ref[0], `${path}[]`);
      return;
    }
    const name = ref as string;
    const definition = types[name];
    if (!definition) {
      if (info["meta-type"] !== "builtin" || info["json-type"] !== jsonTypeOf(name)) {
        result.disagreements.push(
          `${path}: live ${info["meta-type"]} ${info["json-type"] ?? ""}, vendored ${name}`,
        );
      }
      return;
    }
    switch (definition.kind) {
      case "enum": {
        const liveValues = new Set(info.values ?? []);
        for (const value of definition.data) {
          if (liveValues.delete(value)) continue;
          (definition.values?.[value]?.if !== undefined
            ? result.explainedByIf
            : result.disagreements).push(
              `${path}: enum value ${value} vendored only`,
            );
        }
        for (const value of liveValues) {
          result.disagreements.push(`${path}: enum value ${value} live only`);
        }
        return;
      }
      case "struct":
        return compareObject(liveName, objectMembers(name), path);
      case "union":
        return compareObject(liveName, objectMembers(name), path, {
          discriminator: definition.discriminator,
          branches: definition.data,
        });
      case "alternate": {
        const liveMembers = info.members ?? [];
        const branches = Object.values(definition.data).map(facts);
        const unconditional = branches.filter((b) => b.if === undefined);
        if (liveMembers.length < unconditional.length || liveMembers.length > branches.length) {
          result.disagreements.push(
            `${path}: ${liveMembers.length} live branches, ${branches.length} vendored`,
          );
        }
        return;
      }
    }
  };

  const compareDefinitionData = (
    liveArgType: string | undefined,
    data: string | Members | undefined,
    path: string,
  ) => {
    if (liveArgType === undefined) return;
    if (data === undefined) {
      const info = live.byName.get(liveArgType);
      if (info?.members?.length) {
        result.disagreements.push(`${path}: live has arguments, vendored none`);
      }
      return;
    }
    if (typeof data === "string") compareType(liveArgType, data, path);
    else compareObject(liveArgType, membersOf(data), path);
  };

  for (const [name, command] of Object.entries(literal.commands)) {
    const info = live.commands.get(name);
    if (!info) {
      (command.if !== undefined ? result.explainedByIf : result.disagreements).push(
        `command ${name}: vendored only`,
      );
      continue;
    }
    compareDefinitionData(info["arg-type"], command.data, `${name}(args)`);
    if (command.returns !== undefined) {
      compareType(info["ret-type"]!, command.returns, `${name}(returns)`);
    }
    if ((info["allow-oob"] ?? false) !== (command["allow-oob"] ?? false)) {
      result.disagreements.push(`${name}: allow-oob differs`);
    }
  }
  for (const name of live.commands.keys()) {
    if (!(name in literal.commands)) result.disagreements.push(`command ${name}: live only`);
  }
  for (const [name, event] of Object.entries(literal.events)) {
    const info = live.events.get(name);
    if (!info) {
      (event.if !== undefined ? result.explainedByIf : result.disagreements).push(
        `event ${name}: vendored only`,
      );
      continue;
    }
    compareDefinitionData(info["arg-type"], event.data, `${name}(data)`);
  }
  for (const name of live.events.keys()) {
    if (!(name in literal.events)) result.disagreements.push(`event ${name}: live only`);
  }
  return result;
}
