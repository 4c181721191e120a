/**
 * Shape checks of single expressions (QEMU's rules for keys, names, `if`
 * conditions, features and flags), and their normalisation to the vendored
 * literal's shapes. Checks that need the whole schema live in `check.ts`.
 *
 * @module
 */

import type {
  Branch,
  CommandDefinition,
  Condition,
  EventDefinition,
  Feature,
  Member,
  Members,
  TypeDefinition,
  TypeRef,
} from "../types/literal.ts";
import { QapiError, type SourcePosition } from "./errors.ts";
import { isQapiObject, type QapiObject, type QapiValue } from "./parse.ts";

/**
 * The pragma settings that checks consult. As in QEMU, they are in force
 * for the whole schema, wherever the `pragma` directive stands, and a
 * directive naming a list replaces that list.
 *
 * @example
 * ```ts
 * import type { Pragma } from "./expressions.ts";
 * const pragma: Pragma = {
 *   docRequired: true,
 *   commandNameExceptions: new Set(["query_foo"]),
 *   commandReturnsExceptions: new Set(),
 *   documentationExceptions: new Set(),
 *   memberNameExceptions: new Set(),
 * };
 * ```
 */
export interface Pragma {
  docRequired: boolean;
  commandNameExceptions: Set<string>;
  commandReturnsExceptions: Set<string>;
  documentationExceptions: Set<string>;
  memberNameExceptions: Set<string>;
  /**
   * Accept member and enum value names that use `_` or upper case anywhere:
   * QEMU enforced its naming rules only from 6.0 on.
   */
  relaxedNames?: boolean;
}

/**
 * The definition kinds, in the order QAPI names them in messages.
 *
 * @example
 * ```ts
 * import { definitionKinds } from "./expressions.ts";
 * console.log(definitionKinds.includes("union")); // true
 * ```
 */
export const definitionKinds = [
  "enum",
  "struct",
  "union",
  "alternate",
  "command",
  "event",
] as const;

/**
 * A definition kind.
 *
 * @example
 * ```ts
 * import type { DefinitionKind } from "./expressions.ts";
 * const kind: DefinitionKind = "command";
 * ```
 */
export type DefinitionKind = (typeof definitionKinds)[number];

type RawObject = QapiObject;
const isObject = isQapiObject;
const has = (object: RawObject, key: string): boolean => Object.hasOwn(object, key);

/**
 * Checks one definition's expression as QEMU's `expr.py` does; returns its
 * kind and name. `afterName` runs once the kind and name are known and
 * checked (QEMU checks the doc comment there). Throws `QapiError`.
 *
 * @example
 * ```ts
 * import { checkExpression } from "./expressions.ts";
 * import { SourcePosition } from "./errors.ts";
 * const pragma = {
 *   docRequired: false,
 *   commandNameExceptions: new Set<string>(),
 *   commandReturnsExceptions: new Set<string>(),
 *   documentationExceptions: new Set<string>(),
 *   memberNameExceptions: new Set<string>(),
 * };
 * const checked = checkExpression({ command: "stop" }, new SourcePosition("a.json", 1), pragma);
 * console.log(checked); // { kind: "command", name: "stop" }
 * ```
 */
export function checkExpression(
  expression: RawObject,
  position: SourcePosition,
  pragma: Pragma,
  afterName?: (kind: DefinitionKind, name: string) => void,
): { kind: DefinitionKind; name: string } {
  // Typed on its name, so that a call narrows like a `throw`.
  const fail: (message: string) => never = (message) => {
    throw QapiError.at(position, message);
  };
  const kinds = definitionKinds.filter((k) => has(expression, k));
  const [kind] = kinds;
  if (kind === undefined || kinds.length !== 1) {
    fail(
      "expression must have exactly one key 'enum', 'struct', 'union', 'alternate', 'command', 'event'",
    );
  }
  const name = expression[kind];
  if (typeof name !== "string") fail(`'${kind}' requires a string name`);
  const definitionName = name as string;
  position.inDefinition(kind, definitionName);
  checkDefinitionName(definitionName, kind, pragma, fail);
  afterName?.(kind, definitionName);

  const keys: Record<DefinitionKind, [string[], string[]]> = {
    enum: [["enum", "data"], ["if", "features", "prefix"]],
    union: [["union", "base", "discriminator", "data"], ["if", "features"]],
    alternate: [["alternate", "data"], ["if", "features"]],
    struct: [["struct", "data"], ["base", "if", "features"]],
    command: [["command"], [
      "data",
      "returns",
      "boxed",
      "if",
      "features",
      "gen",
      "success-response",
      "allow-oob",
      "allow-preconfig",
      "coroutine",
    ]],
    event: [["event"], ["data", "boxed", "if", "features"]],
  };
  checkKeys(expression, kind, ...keys[kind], fail);

  const checks: Record<DefinitionKind, () => void> = {
    enum: () => checkEnum(expression, definitionName, pragma, fail),
    union: () => {
      checkTypeNameOrImplicit(expression["base"], "'base'", definitionName, pragma, fail);
      if (typeof expression["discriminator"] !== "string") {
        fail("'discriminator' requires a string name");
      }
      const data = expression["data"];
      if (!isObject(data)) fail("'data' must be an object");
      for (const [key, value] of Object.entries(data as RawObject)) {
        const source = `'data' member '${key}'`;
        const branch = normalizeMember(value);
        checkKeys(branch, source, ["type"], ["if"], fail);
        checkCondition(branch["if"], source, fail);
        checkTypeName(branch["type"], source, fail);
      }
    },
    alternate: () => {
      const data = expression["data"];
      const empty = data === "" || data === false ||
        (typeof data === "object" && Object.keys(data).length === 0);
      if (empty) fail("'data' must not be empty");
      if (!isObject(data)) fail("'data' must be an object");
      for (const [key, value] of Object.entries(data as RawObject)) {
        const source = `'data' member '${key}'`;
        checkNameLower(key, source, false, false, fail);
        const branch = normalizeMember(value);
        checkKeys(branch, source, ["type"], ["if"], fail);
        checkCondition(branch["if"], source, fail);
        checkTypeNameOrArray(branch["type"], source, fail);
      }
    },
    struct: () => {
      checkTypeImplicit(expression["data"], "'data'", definitionName, pragma, fail);
      checkTypeName(expression["base"], "'base'", fail);
    },
    command: () => {
      checkArguments(expression, pragma, fail);
      checkTypeNameOrArray(expression["returns"], "'returns'", fail);
    },
    event: () => checkArguments(expression, pragma, fail),
  };
  checks[kind]();
  checkCondition(expression["if"], kind, fail);
  checkFeatures(expression["features"], fail);
  checkFlags(expression, fail);
  return { kind, name: definitionName };
}

function checkArguments(
  expression: RawObject,
  pragma: Pragma,
  fail: (message: string) => never,
): void {
  if (expression["boxed"]) {
    if (!has(expression, "data")) fail("'boxed': true requires 'data'");
    checkTypeName(expression["data"], "'data'", fail);
  } else {
    checkTypeNameOrImplicit(expression["data"], "'data'", undefined, pragma, fail);
  }
}

function checkDefinitionName(
  name: string,
  kind: DefinitionKind,
  pragma: Pragma,
  fail: (message: string) => never,
): void {
  if (kind === "event") {
    const stem = checkNameString(name, kind, fail);
    if (/[a-z-]/.test(stem)) fail(`name of ${kind} must not use lowercase or '-'`);
  } else if (kind === "command") {
    const exception = pragma.relaxedNames === true || pragma.commandNameExceptions.has(name);
    checkNameLower(name, kind, false, exception, fail);
  } else {
    const stem = checkNameString(name, kind, fail);
    // An upper-case letter, letters and digits, a lower-case letter after the
    // first (QEMU's pattern, written so it cannot backtrack).
    if (!/^[A-Z][A-Za-z0-9]*$/.test(stem) || !/[a-z]/.test(stem.slice(1))) {
      fail(`name of ${kind} must use CamelCase`);
    }
    if (name.endsWith("List")) fail(`${kind} name should not end in 'List'`);
  }
}

/**
 * The C name QAPI would derive, enough to spot reserved and clashing names.
 *
 * @example
 * ```ts
 * import { cName } from "./expressions.ts";
 * console.log(cName("__org.qemu_x-y")); // "__org_qemu_x_y"
 * ```
 */
export function cName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

function checkNameString(name: string, source: string, fail: (message: string) => never): string {
  // A downstream extension prefix (__com.example_) and the unstable prefix
  // x- may precede the name; the rules for case apply to the rest.
  const match = /^(__[a-z0-9.-]+_)?(x-)?([a-z][a-z0-9_-]*)$/i.exec(name);
  if (!match || cName(name).startsWith("q_")) fail(`${source} has an invalid name`);
  return match[3]!; // The last group is not optional.
}

function checkNameLower(
  name: string,
  source: string,
  permitUpper: boolean,
  permitUnderscore: boolean,
  fail: (message: string) => never,
): void {
  const stem = checkNameString(name, source, fail);
  if ((!permitUpper && /[A-Z]/.test(stem)) || (!permitUnderscore && stem.includes("_"))) {
    fail(`name of ${source} must not use uppercase or '_'`);
  }
}

function checkKeys(
  value: RawObject,
  source: string,
  required: string[],
  optional: string[],
  fail: (message: string) => never,
): void {
  const list = (keys: string[]) => keys.sort().map((k) => `'${k}'`).join(", ");
  const missing = required.filter((k) => !has(value, k));
  if (missing.length) {
    fail(`${source} misses key${missing.length > 1 ? "s" : ""} ${list(missing)}`);
  }
  const allowed = new Set([...required, ...optional]);
  const unknown = Object.keys(value).filter((k) => !allowed.has(k));
  if (unknown.length) {
    fail(
      `${source} has unknown key${unknown.length > 1 ? "s" : ""} ${list(unknown)}\n` +
        `Valid keys are ${list([...allowed])}.`,
    );
  }
}

function checkCondition(
  condition: QapiValue | undefined,
  source: string,
  fail: (message: string) => never,
): void {
  if (condition === undefined) return;
  const check = (cond: QapiValue): void => {
    if (typeof cond === "string") {
      if (!/^[A-Z][A-Z0-9_]*$/.test(cond)) {
        fail(`'if' condition '${cond}' of ${source} is not a valid identifier`);
      }
      return;
    }
    if (!isObject(cond)) fail(`'if' condition of ${source} must be a string or an object`);
    const object = cond as RawObject;
    checkKeys(object, `'if' condition of ${source}`, [], ["all", "any", "not"], fail);
    const keys = Object.keys(object);
    const [operator] = keys;
    if (operator === undefined || keys.length !== 1) {
      fail(`'if' condition of ${source} has conflicting keys`);
    }
    if (has(object, "not")) return check(object["not"]!); // Its own key, so it has a value.
    const operands = object[operator];
    if (!Array.isArray(operands)) fail(`'${operator}' condition of ${source} must be an array`);
    if ((operands as QapiValue[]).length === 0) {
      fail(`'if' condition [] of ${source} is useless`);
    }
    (operands as QapiValue[]).forEach(check);
  };
  check(condition);
}

function checkFeatures(features: QapiValue | undefined, fail: (message: string) => never): void {
  if (features === undefined) return;
  if (!Array.isArray(features)) fail("'features' must be an array");
  for (const raw of features as QapiValue[]) {
    const feature = isObject(raw) ? raw : { name: raw };
    const source = "'features' member";
    checkKeys(feature, source, ["name"], ["if"], fail);
    if (typeof feature["name"] !== "string") fail(`${source} requires a string name`);
    const named = `${source} '${feature["name"]}'`;
    checkNameLower(feature["name"] as string, named, false, false, fail);
    checkCondition(feature["if"], named, fail);
  }
}

function checkFlags(expression: RawObject, fail: (message: string) => never): void {
  for (const key of ["gen", "success-response"]) {
    if (has(expression, key) && expression[key] !== false) {
      fail(`flag '${key}' may only use false value`);
    }
  }
  for (const key of ["boxed", "allow-oob", "allow-preconfig", "coroutine"]) {
    if (has(expression, key) && expression[key] !== true) {
      fail(`flag '${key}' may only use true value`);
    }
  }
  if (has(expression, "allow-oob") && has(expression, "coroutine")) {
    fail("flags 'allow-oob' and 'coroutine' are incompatible");
  }
}

function checkEnum(
  expression: RawObject,
  name: string,
  pragma: Pragma,
  fail: (message: string) => never,
): void {
  const values = expression["data"];
  if (!Array.isArray(values)) fail("'data' must be an array");
  if (has(expression, "prefix") && typeof expression["prefix"] !== "string") {
    fail("'prefix' must be a string");
  }
  const permissive = pragma.relaxedNames === true || pragma.memberNameExceptions.has(name);
  for (const raw of values as QapiValue[]) {
    const value = isObject(raw) ? raw : { name: raw };
    checkKeys(value, "'data' member", ["name"], ["if", "features"], fail);
    if (typeof value["name"] !== "string") fail("'data' member requires a string name");
    const valueName = value["name"] as string;
    const source = `'data' member '${valueName}'`;
    // Enum values may start with a digit; check the rest as a name.
    const checked = /^\d/.test(valueName) ? "d" + valueName : valueName;
    checkNameLower(checked, source, permissive, permissive, fail);
    checkCondition(value["if"], source, fail);
    checkFeatures(value["features"], fail);
  }
}

function checkTypeName(value: QapiValue | undefined, source: string, fail: (m: string) => never) {
  if (value !== undefined && typeof value !== "string") fail(`${source} should be a type name`);
}

function checkTypeNameOrArray(
  value: QapiValue | undefined,
  source: string,
  fail: (message: string) => never,
): void {
  if (value === undefined || typeof value === "string") return;
  if (!Array.isArray(value)) fail(`${source} should be a type name or array`);
  const array = value as QapiValue[];
  if (array.length !== 1 || typeof array[0] !== "string") {
    fail(`${source}: array type must contain single type name`);
  }
}

function checkTypeImplicit(
  value: QapiValue | undefined,
  source: string,
  parent: string | undefined,
  pragma: Pragma,
  fail: (message: string) => never,
): void {
  if (!isObject(value)) fail(`${source} should be an object or type name`);
  const permissive = pragma.relaxedNames === true ||
    (parent !== undefined && pragma.memberNameExceptions.has(parent));
  for (const [key, raw] of Object.entries(value as RawObject)) {
    const memberSource = `${source} member '${key}'`;
    const name = key.startsWith("*") ? key.slice(1) : key;
    checkNameLower(name, memberSource, permissive, permissive, fail);
    if (cName(name) === "u" || cName(name).startsWith("has_")) {
      fail(`${memberSource} uses reserved name`);
    }
    const member = normalizeMember(raw);
    checkKeys(member, memberSource, ["type"], ["if", "features"], fail);
    checkCondition(member["if"], memberSource, fail);
    checkFeatures(member["features"], fail);
    checkTypeNameOrArray(member["type"], memberSource, fail);
  }
}

function checkTypeNameOrImplicit(
  value: QapiValue | undefined,
  source: string,
  parent: string | undefined,
  pragma: Pragma,
  fail: (message: string) => never,
): void {
  if (value === undefined || typeof value === "string") return;
  checkTypeImplicit(value, source, parent, pragma, fail);
}

/** `'T'` or `{type: 'T', ...}` as the object form. */
function normalizeMember(value: QapiValue): RawObject {
  return isObject(value) ? value : { type: value };
}

// ---------------------------------------------------------------------------
// Normalisation to the literal's shapes (after the checks above passed).

/** Sets an own, enumerable property whatever the key (`__proto__` included). */
function put<T>(record: Record<string, T>, key: string, value: T): void {
  // Only `__proto__` is an accessor on ordinary objects; any other key assigns.
  if (key === "__proto__") {
    Object.defineProperty(record, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else record[key] = value;
}

/**
 * A deep copy in ordinary objects and arrays: the IR's consumers expect
 * plain objects, the parser makes them without a prototype.
 */
function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as T;
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) put(copy, key, plain(item));
  return copy as T;
}

/** `value` as `compact` leaves it: the keys that may be `undefined` become optional. */
type Compacted<value> =
  & { [key in keyof value as undefined extends value[key] ? never : key]: value[key] }
  & {
    [key in keyof value as undefined extends value[key] ? key : never]?: Exclude<
      value[key],
      undefined
    >;
  };

/** Drops `undefined` keys so the literal carries only what is there. */
function compact<value extends Record<string, unknown>>(value: value): Compacted<value> {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value as Compacted<value>;
}

function toFeatures(raw: QapiValue | undefined): readonly Feature[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw.map((f) =>
    isObject(f)
      ? (f["if"] === undefined
        ? f["name"] as string
        : { name: f["name"] as string, if: f["if"] as Condition })
      : f as string
  );
}

function toMember(raw: QapiValue, since?: string, optional = false): Member {
  const object = normalizeMember(raw);
  const type = object["type"] as TypeRef;
  const features = toFeatures(object["features"]);
  if (object["if"] === undefined && !features && !since && !optional) return type;
  return compact({
    type,
    optional: optional ? true as const : undefined,
    if: object["if"] as Condition | undefined,
    features,
    since,
  });
}

/** QAPI's `'*name'` becomes `name` with `optional: true` (see `literal.ts` for why). */
function toMembers(raw: RawObject, sinceOf: (name: string) => string | undefined): Members {
  const members: Record<string, Member> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = key.replace(/^\*/, "");
    put(members, name, toMember(value, sinceOf(name), key.startsWith("*")));
  }
  return members;
}

/**
 * Normalises a checked definition to the literal's shape. `memberSince`
 * gives a member's or enum value's `since`, `since` the definition's.
 *
 * @example
 * ```ts
 * import { normalizeDefinition } from "./expressions.ts";
 * const struct = normalizeDefinition("struct", { struct: "P", data: { "*x": "int" } }, "9.0", () => undefined);
 * console.log(struct); // { kind: "struct", data: { x: { type: "int", optional: true } }, since: "9.0" }
 * ```
 */
export function normalizeDefinition(
  kind: DefinitionKind,
  expression: RawObject,
  since: string | undefined,
  memberSince: (name: string) => string | undefined,
): TypeDefinition | CommandDefinition | EventDefinition {
  return plain(normalized(kind, expression, since, memberSince));
}

function normalized(
  kind: DefinitionKind,
  expression: RawObject,
  since: string | undefined,
  memberSince: (name: string) => string | undefined,
): TypeDefinition | CommandDefinition | EventDefinition {
  const facts = {
    if: expression["if"] as Condition | undefined,
    features: toFeatures(expression["features"]),
    since,
  };
  const data = (value: QapiValue | undefined) =>
    value === undefined || typeof value === "string"
      ? value
      : toMembers(value as RawObject, memberSince);
  switch (kind) {
    case "enum": {
      const values: Record<
        string,
        { if?: Condition; features?: readonly Feature[]; since?: string }
      > = {};
      const names: string[] = [];
      for (const raw of expression["data"] as QapiValue[]) {
        const value = isObject(raw) ? raw : { name: raw };
        const name = value["name"] as string;
        names.push(name);
        const valueFacts = compact({
          if: value["if"] as Condition | undefined,
          features: toFeatures(value["features"]),
          since: memberSince(name),
        });
        if (Object.keys(valueFacts).length) put(values, name, valueFacts);
      }
      return compact({
        kind,
        data: names,
        values: Object.keys(values).length ? values : undefined,
        ...facts,
      });
    }
    case "struct":
      return compact({
        kind,
        base: expression["base"] as string | undefined,
        data: toMembers(expression["data"] as RawObject, memberSince),
        ...facts,
      });
    case "union":
    case "alternate": {
      const branches: Record<string, Branch> = {};
      for (const [key, value] of Object.entries(expression["data"] as RawObject)) {
        put(branches, key, toMember(value) as Branch);
      }
      if (kind === "alternate") return compact({ kind, data: branches, ...facts });
      return compact({
        kind,
        base: data(expression["base"]) as string | Members,
        discriminator: expression["discriminator"] as string,
        data: branches,
        ...facts,
      });
    }
    case "command":
      return compact({
        data: data(expression["data"]),
        boxed: expression["boxed"] as true | undefined,
        returns: expression["returns"] as TypeRef | undefined,
        "success-response": expression["success-response"] as false | undefined,
        gen: expression["gen"] as false | undefined,
        "allow-oob": expression["allow-oob"] as true | undefined,
        "allow-preconfig": expression["allow-preconfig"] as true | undefined,
        coroutine: expression["coroutine"] as true | undefined,
        ...facts,
      });
    case "event":
      return compact({
        data: data(expression["data"]),
        boxed: expression["boxed"] as true | undefined,
        ...facts,
      });
  }
}
