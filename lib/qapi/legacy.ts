/**
 * QEMU before 6.0 wrote `if` conditions as C preprocessor text
 * (`'defined(CONFIG_SPICE)'`, `'defined(A) || defined(B)'`) or lists of such
 * strings meaning "all of". The lenient reader rewrites them into today's
 * form (`'CONFIG_SPICE'`, `{ any: [...] }`, `{ all: [...] }`), so the vendored
 * literals of every release share one vocabulary.
 *
 * @module
 */

import type { QapiValue } from "./parse.ts";

/**
 * Rewrites one legacy condition; today's conditions pass through. (The `!`s
 * read a list's only item, and regular expression groups that are not optional.)
 */
function modernCondition(condition: QapiValue): QapiValue {
  if (Array.isArray(condition)) {
    const all = condition.map(modernCondition);
    return all.length === 1 ? all[0]! : { all };
  }
  if (typeof condition !== "string" || !condition.includes("defined(")) return condition;
  const term = (text: string): QapiValue => {
    // Written so it cannot backtrack over long runs of spaces.
    const match = /^\s*(?:(!)\s*)?defined\((\w+)\)\s*$/.exec(text);
    if (!match) return text.trim();
    return match[1] ? { not: match[2]! } : match[2]!;
  };
  const any = condition.split("||").map((part) => {
    const all = part.split("&&").map(term);
    return all.length === 1 ? all[0]! : { all };
  });
  return any.length === 1 ? any[0]! : { any };
}

/**
 * Rewrites every `if` in an expression in place.
 *
 * @example
 * ```ts
 * import { modernizeConditions } from "./legacy.ts";
 * const expression = { struct: "A", data: {}, if: "defined(CONFIG_VNC) || defined(CONFIG_SPICE)" };
 * modernizeConditions(expression);
 * console.log(expression.if); // { any: ["CONFIG_VNC", "CONFIG_SPICE"] }
 * ```
 */
export function modernizeConditions(value: QapiValue): void {
  if (Array.isArray(value)) {
    value.forEach(modernizeConditions);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === "if") value[key] = modernCondition(item);
      else modernizeConditions(item);
    }
  }
}

/**
 * QEMU before 6.2 also had "simple" unions: no base, no discriminator; on the
 * wire `{ "type": BRANCH, "data": VALUE }`. QEMU itself treated one as a flat
 * union over an implicit enum `NAMEKind` whose branches are implicit wrapper
 * structs `q_obj_TYPE-wrapper` holding one member `data`. This rewrites the
 * union in place into that flat form and returns the implicit definitions.
 *
 * @example
 * ```ts
 * import { flattenSimpleUnion } from "./legacy.ts";
 * const union = { union: "Addr", data: { inet: "InetAddr" } };
 * const implicit = flattenSimpleUnion(union);
 * console.log(union, implicit.map((d) => d.name)); // … ["AddrKind", "q_obj_InetAddr-wrapper"]
 * ```
 */
export function flattenSimpleUnion(
  expression: { [key: string]: QapiValue },
): { name: string; kind: "enum" | "struct"; expression: { [key: string]: QapiValue } }[] {
  const name = expression["union"] as string;
  const branches = expression["data"] as { [key: string]: QapiValue };
  const enumName = `${name}Kind`;
  const implicit: ReturnType<typeof flattenSimpleUnion> = [];
  const values: QapiValue[] = [];
  const wrapped: { [key: string]: QapiValue } = Object.create(null);
  const wrappers = new Set<string>();
  for (const [value, branch] of Object.entries(branches)) {
    const object = typeof branch === "object" && !Array.isArray(branch) ? branch : { type: branch };
    const type = object["type"] as string;
    const wrapper = `q_obj_${type}-wrapper`;
    values.push(object["if"] === undefined ? value : { name: value, if: object["if"] });
    wrapped[value] = object["if"] === undefined ? wrapper : { type: wrapper, if: object["if"] };
    if (!wrappers.has(wrapper)) {
      wrappers.add(wrapper);
      implicit.push({
        name: wrapper,
        kind: "struct",
        expression: { struct: wrapper, data: { data: type } },
      });
    }
  }
  implicit.unshift({ name: enumName, kind: "enum", expression: { enum: enumName, data: values } });
  expression["base"] = { type: enumName };
  expression["discriminator"] = "type";
  expression["data"] = wrapped;
  return implicit;
}
