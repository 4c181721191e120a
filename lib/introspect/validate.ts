/**
 * Run-time validation of a call's arguments (or any value) against the live
 * schema of the server (`query-qmp-schema`), before anything is sent.
 *
 * @module
 */

import type { CompatPolicy } from "../types/features.ts";
import type { SchemaInfo, SchemaInfoIndex } from "./schema_info.ts";
import { stringifyJson } from "../protocol/json.ts";

/**
 * A value the live schema does not accept. The message names the command,
 * the member path, what was expected, what was given and the server's version.
 *
 * @example
 * ```ts
 * import { ValidationError } from "./validate.ts";
 * const error = new ValidationError("block_resize", "size", "an integer", '"1G"', "7.2");
 * console.log(error.message);
 * ```
 */
export class ValidationError extends Error {
  /** `"ValidationError"`. */
  override name = "ValidationError";
  /**
   * A refusal: what `command`'s arguments (or a result or an event) hold at
   * `path`, against what the server's schema expects.
   */
  constructor(
    /** The command (or event) whose value was refused. */
    readonly command: string,
    /** Where in the value: a member path such as `file/filename`, empty for the whole value. */
    readonly path: string,
    /** What the schema expects there. */
    readonly expected: string,
    /** What the value had there, described. */
    readonly got: string,
    /** The server's QEMU version, whose schema refused it. */
    readonly serverVersion: string,
  ) {
    super(
      `${command}${path ? `: ${path}` : ""}: expected ${expected}, got ${got} ` +
        `(QEMU ${serverVersion}'s schema)`,
    );
  }
}

const describe = (value: unknown): string => {
  if (value === undefined) return "nothing";
  if (typeof value === "bigint") return `${value}n`;
  let text: string | undefined;
  try {
    // Exact for bigints anywhere inside (JSON.stringify throws on them).
    text = stringifyJson(value);
  } catch {
    text = undefined;
  }
  return text === undefined ? typeof value : text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const rejectedFeature = (features: readonly string[] | undefined, policy: CompatPolicy) =>
  (policy.deprecated === "reject" && features?.includes("deprecated"))
    ? "deprecated"
    : (policy.unstable === "reject" && features?.includes("unstable"))
    ? "unstable"
    : undefined;

/**
 * The value's own member `name`, never one inherited from `Object.prototype`
 * (a member may be called `constructor`, or `toString` under QAPI's
 * `member-name-exceptions`).
 */
const ownMember = (record: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(record, name) ? record[name] : undefined;

/**
 * What a value must be, as text, for messages. `described` holds the
 * alternates already described: the schema is the peer's, and an alternate
 * may list itself among its branches, or list other alternates that list
 * each other; each is described once.
 */
function expectation(
  info: SchemaInfo | undefined,
  index: SchemaInfoIndex,
  described = new Set<SchemaInfo>(),
): string {
  if (info === undefined) return "a value of a type the schema does not define";
  switch (info["meta-type"]) {
    case "builtin":
      return {
        string: "a string",
        int: "an integer",
        number: "a number",
        boolean: "a boolean",
        null: "null",
      }[
        info["json-type"] ?? ""
      ] ?? "a JSON value";
    case "enum":
      return `one of ${(info.values ?? []).map((v) => JSON.stringify(v)).join(", ")}`;
    case "array":
      return "an array";
    case "object":
      return "an object";
    case "alternate": {
      if (described.has(info)) return "";
      described.add(info);
      const branches = (info.members ?? [])
        .map((m) => expectation(index.byName.get(m.type), index, described))
        .filter(Boolean);
      return [...new Set(branches)].join(" or ") || "a value no branch of the alternate takes";
    }
    default:
      return info["meta-type"];
  }
}

/**
 * Checks a value against a live type; returns the first problem as
 * `[path, expected, got]`, or undefined when the value is accepted.
 * `tried` holds the alternates this same value has been checked against:
 * the schema is the peer's, and an alternate may list itself among its
 * branches, or alternates that list each other. Checking the value against
 * one again would end as it did (or, on the current path, go round in a
 * circle), so it fails at once, and checking takes time linear in the
 * schema whatever the peer sends.
 */
function check(
  index: SchemaInfoIndex,
  typeName: string,
  value: unknown,
  path: string,
  policy: CompatPolicy,
  open = false,
  unlisted = false,
  tried = new Set<SchemaInfo>(),
): [string, string, string] | undefined {
  const info = index.byName.get(typeName);
  if (!info) return [path, `a value of the unknown type ${typeName}`, describe(value)];
  const fail = (): [string, string, string] => [path, expectation(info, index), describe(value)];
  switch (info["meta-type"]) {
    case "builtin": {
      const json = info["json-type"];
      const ok = json === "value" ||
        (json === "string" && typeof value === "string") ||
        (json === "boolean" && typeof value === "boolean") ||
        (json === "null" && value === null) ||
        (json === "int" && (typeof value === "bigint" || Number.isInteger(value))) ||
        (json === "number" && (typeof value === "number" || typeof value === "bigint"));
      return ok ? undefined : fail();
    }
    case "enum": {
      // Open (a reply): a newer peer may send values this schema does not list.
      if (typeof value !== "string") return fail();
      if (open) return undefined;
      if (!(info.values ?? []).includes(value)) return fail();
      // A value the policy rejects (`blockdev-add`'s deprecated `driver:
      // "gluster"`), as QEMU's -compat refuses it. QEMU lists the values'
      // features from 8.0 on; before, nothing says which are deprecated.
      const feature = rejectedFeature(
        info.members?.find((member) => member.name === value)?.features,
        policy,
      );
      return feature ? [path, `no ${feature} value (policy: reject)`, describe(value)] : undefined;
    }
    case "array":
      if (!Array.isArray(value)) return fail();
      for (let i = 0; i < value.length; i++) {
        const problem = check(
          index,
          info["element-type"]!,
          value[i],
          `${path}[${i}]`,
          policy,
          open,
        );
        if (problem) return problem;
      }
      return undefined;
    case "alternate": {
      if (tried.has(info)) return fail();
      tried.add(info);
      // Open in a reply as the branch itself would be: a newer peer's object
      // or enum value still fits the branch it was meant for.
      return (info.members ?? []).some((m) =>
          !check(index, m.type, value, path, policy, open, false, tried)
        )
        ? undefined
        : fail();
    }
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return fail();
      const record = value as Record<string, unknown>;
      const members = [...(info.members ?? [])];
      if (info.tag !== undefined) {
        const tag = ownMember(record, info.tag);
        const variant = info.variants?.find((v) => v.case === tag);
        const variantInfo = variant && index.byName.get(variant.type);
        // One at a time: a peer's branch may list more members than a call takes arguments.
        for (const member of variantInfo?.members ?? []) members.push(member);
      }
      const known = new Set(members.map((m) => m.name!));
      for (const key of Object.keys(record)) {
        if (!open && !unlisted && !known.has(key) && record[key] !== undefined) {
          return [join(path, key), "no such member", describe(record[key])];
        }
      }
      for (const member of members) {
        const name = member.name!;
        const memberPath = join(path, name);
        const memberValue = ownMember(record, name);
        if (memberValue === undefined) {
          if (member.default === undefined) {
            return [
              memberPath,
              expectation(index.byName.get(member.type), index),
              "nothing (required)",
            ];
          }
          continue;
        }
        const feature = rejectedFeature(member.features, policy);
        if (feature) {
          return [memberPath, `no ${feature} member (policy: reject)`, describe(memberValue)];
        }
        const problem = check(index, member.type, memberValue, memberPath, policy, open);
        if (problem) return problem;
      }
      return undefined;
    }
    default:
      return fail();
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Validates a command's arguments against the live schema; throws
 * `ValidationError`, and with `{ deprecated: "reject" }` or
 * `{ unstable: "reject" }` refuses such commands and members too.
 *
 * @example
 * ```ts
 * import { validateArguments } from "./validate.ts";
 * import { indexSchemaInfo } from "./schema_info.ts";
 * const index = indexSchemaInfo([
 *   { name: "stop", "meta-type": "command", "arg-type": "0", "ret-type": "0" },
 *   { name: "0", "meta-type": "object", members: [] },
 * ]);
 * validateArguments(index, "stop", {}, { serverVersion: "10.2" });
 * ```
 */
export function validateArguments(
  index: SchemaInfoIndex,
  command: string,
  args: object | undefined,
  options: { serverVersion: string; policy?: CompatPolicy },
): void {
  const policy = options.policy ?? {};
  const info = index.commands.get(command);
  if (!info) {
    throw new ValidationError(
      command,
      "",
      "a command this server knows",
      "an unknown command",
      options.serverVersion,
    );
  }
  const feature = rejectedFeature(info.features, policy);
  if (feature) {
    throw new ValidationError(
      command,
      "",
      `no ${feature} command (policy: reject)`,
      command,
      options.serverVersion,
    );
  }
  const problem = check(
    index,
    info["arg-type"]!,
    args ?? {},
    "",
    policy,
    false,
    unlistedMembersAccepted.has(command),
  );
  if (problem) throw new ValidationError(command, ...problem, options.serverVersion);
}

/**
 * The commands whose schema says `gen: false` and which take members beyond
 * those it lists (QEMU marshals them by hand): `device_add` takes any device
 * property (`mac`, `vectors`, …), and `object-add` took any object property
 * before it became a boxed union in QEMU 6.0. `query-qmp-schema` lists no
 * unlisted arguments. The live schema does not say `gen: false`, so the
 * validator knows them by name; a test checks that this list matches every
 * vendored schema. Their listed members are still checked.
 *
 * @example
 * ```ts
 * import { unlistedMembersAccepted } from "./validate.ts";
 * console.log(unlistedMembersAccepted.has("device_add")); // true
 * ```
 */
export const unlistedMembersAccepted: ReadonlySet<string> = new Set(["device_add", "object-add"]);

/**
 * Validates a value the peer sent (a result, an event's data) against a type
 * (`ret-type` or `arg-type`). Open, as replies are: members and enum values
 * the schema does not know are accepted; missing members and wrong JSON
 * types are not. Returns the problem, or undefined.
 *
 * @example
 * ```ts
 * import { validateValue } from "./validate.ts";
 * import { indexSchemaInfo } from "./schema_info.ts";
 * const index = indexSchemaInfo([{ name: "int", "meta-type": "builtin", "json-type": "int" }]);
 * console.log(validateValue(index, "int", 3)); // undefined: accepted
 * ```
 */
export function validateValue(
  index: SchemaInfoIndex,
  typeName: string,
  value: unknown,
): string | undefined {
  const problem = check(index, typeName, value, "", {}, true);
  return problem && `${problem[0] || "value"}: expected ${problem[1]}, got ${problem[2]}`;
}
