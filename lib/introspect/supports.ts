/**
 * Capability queries in libvirt's query-string syntax, answered from the live
 * schema: "does this QEMU support X".
 *
 * A query is a path of `/`-separated steps. The first names a command, an
 * event or a type; then:
 *
 * | step        | meaning                                                       |
 * | ----------- | ------------------------------------------------------------- |
 * | `arg-type`  | a command's or event's argument type                          |
 * | `ret-type`  | a command's result type                                       |
 * | `NAME`      | the member `NAME` of an object (arrays are stepped through)    |
 * | `+CASE`     | the union branch for discriminator value `CASE`               |
 * | `^VALUE`    | the enum has the value `VALUE` (last step)                    |
 * | `$FEATURE`  | the command, event, type or member has `FEATURE` (last step)   |
 * | `*`         | any member: the next step may match a member of any branch    |
 *
 * Examples: `blockdev-add/arg-type/+file/aio-max-batch`,
 * `query-status/ret-type/status/^suspended`, `blockdev-add/arg-type/+qcow2/$…`,
 * `migrate-set-parameters/arg-type/max-bandwidth`, `SHUTDOWN/arg-type/reason`.
 *
 * @module
 */

import type { SchemaInfo, SchemaInfoIndex } from "./schema_info.ts";

/**
 * Answers a capability query against a live schema.
 *
 * @example
 * ```ts
 * import { supports } from "./supports.ts";
 * import { indexSchemaInfo } from "./schema_info.ts";
 * const index = indexSchemaInfo([
 *   { name: "query-status", "meta-type": "command", "arg-type": "0", "ret-type": "1" },
 *   { name: "0", "meta-type": "object", members: [] },
 *   { name: "1", "meta-type": "object", members: [{ name: "running", type: "bool" }] },
 *   { name: "bool", "meta-type": "builtin", "json-type": "boolean" },
 * ]);
 * console.log(supports(index, "query-status/ret-type/running")); // true
 * console.log(supports(index, "query-status/ret-type/singlestep")); // false
 * ```
 */
export function supports(index: SchemaInfoIndex, query: string): boolean {
  const [first = "", ...steps] = query.split("/"); // There is a first part, if empty.
  let current: SchemaInfo | undefined = index.commands.get(first) ?? index.events.get(first) ??
    index.byName.get(first);
  let features: readonly string[] | undefined = current?.features;
  let anyMember = false;
  for (const step of steps) {
    if (!current) return false;
    // Arrays are stepped through to their element type; a peer's schema may
    // make arrays of each other in a circle, which has no element to step to.
    const arrays = new Set<SchemaInfo>();
    while (current?.["meta-type"] === "array" && !arrays.has(current)) {
      arrays.add(current);
      current = index.byName.get(current["element-type"]!);
    }
    if (!current || current["meta-type"] === "array") return false;
    if (step === "arg-type" || step === "ret-type") {
      const name = current[step];
      if (name === undefined) return false;
      current = index.byName.get(name);
      features = current?.features;
    } else if (step.startsWith("+")) {
      const variant = current.variants?.find((v) => v.case === step.slice(1));
      if (!variant) return false;
      current = index.byName.get(variant.type);
      features = current?.features;
    } else if (step.startsWith("^")) {
      return current["meta-type"] === "enum" && (current.values ?? []).includes(step.slice(1));
    } else if (step.startsWith("$")) {
      return (features ?? []).includes(step.slice(1));
    } else if (step === "*") {
      anyMember = true;
    } else {
      let candidates: SchemaInfo[] = [current];
      if (current["meta-type"] === "alternate") {
        candidates = (current.members ?? []).map((m) => index.byName.get(m.type)!).filter(Boolean);
      }
      if (anyMember) {
        // Members of every branch count.
        for (const candidate of [...candidates]) {
          for (const variant of candidate.variants ?? []) {
            const branch = index.byName.get(variant.type);
            if (branch) candidates.push(branch);
          }
        }
        anyMember = false;
      }
      const member = candidates.flatMap((c) => c.members ?? []).find((m) => m.name === step);
      if (!member) return false;
      features = member.features;
      current = index.byName.get(member.type);
    }
  }
  return current !== undefined;
}
