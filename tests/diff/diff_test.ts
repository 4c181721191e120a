import assert from "node:assert/strict";
import { countChanges, diffSchemas, formatChanges } from "../../lib/diff/diff.ts";
import { qmp5_2 } from "../../schemas/qmp/5.2.js";
import { qmp7_2 } from "../../schemas/qmp/7.2.js";
import { qmp10_0 } from "../../schemas/qmp/10.0.js";
import { qmp10_2 } from "../../schemas/qmp/10.2.js";

const has = (
  changes: ReturnType<typeof diffSchemas>,
  change: string,
  kind: string,
  path: string,
  detail?: string,
) =>
  changes.some((c) =>
    c.change === change && c.kind === kind && c.path === path &&
    (detail === undefined || c.detail === detail)
  );

Deno.test("5.2 -> 7.2: query-cpus and x-blockdev-reopen removed, blockdev-reopen added", () => {
  const changes = diffSchemas(qmp5_2, qmp7_2);
  assert.ok(has(changes, "removed", "command", "query-cpus"));
  assert.ok(has(changes, "removed", "command", "x-blockdev-reopen"));
  assert.ok(has(changes, "added", "command", "blockdev-reopen"));
  assert.ok(has(changes, "removed", "command", "migrate_set_speed"));
  assert.ok(!has(changes, "removed", "command", "query-cpus-fast"));
});

Deno.test("7.2 -> 10.2: newly deprecated, struct -> union, removed members", () => {
  const changes = diffSchemas(qmp7_2, qmp10_2);
  assert.ok(has(changes, "added", "feature", "command migrate member detach $deprecated"));
  assert.ok(has(changes, "changed", "definition kind", "type BlockJobInfo", "struct -> union"));
  assert.ok(has(changes, "changed", "definition kind", "type SevInfo", "struct -> union"));
  // block-commit's top and base were deprecated before 7.2: no change to report.
  assert.ok(!changes.some((c) => c.path.startsWith("command block-commit member top")));
  assert.deepEqual(qmp7_2.commands["block-commit"].data.top?.features, ["deprecated"]);
});

Deno.test("optional <-> required and type changes are reported", () => {
  const changes = diffSchemas(qmp7_2, qmp10_0);
  const counts = countChanges(changes);
  assert.ok(counts["changed optionality"] >= 1);
  assert.ok(counts["changed member type"] >= 1);
  assert.match(formatChanges(changes), /^added command \(\d+\):\n {2}\S/m);
});

Deno.test("a schema compared with itself has no changes", () => {
  assert.deepEqual(diffSchemas(qmp10_2, qmp10_2), []);
});

// QAPI allows `constructor` as a command, member, enum value and branch
// name, and `toString`, `valueOf`, … as members under its
// `member-name-exceptions` pragma: each is an ordinary name, neither found
// in a schema that lacks it nor hidden from removal by Object.prototype.
Deno.test("names that are keys of Object.prototype are compared as any other name", () => {
  const names = ["constructor", "toString", "valueOf", "hasOwnProperty"];
  const without = {
    protocol: "qmp",
    version: "9.0",
    qemu: "9.0.0",
    types: {
      Ee: { kind: "enum", data: ["a"] },
      Bb: { kind: "struct", data: {} },
      Ss: { kind: "struct", data: { a: "int" } },
      Uu: { kind: "union", base: { kind: "Ee" }, discriminator: "kind", data: {} },
    },
    commands: { other: {} },
    events: {},
  } as const;
  const withNames = {
    ...without,
    version: "9.1",
    types: {
      Ee: { kind: "enum", data: ["a", ...names], values: { constructor: { features: ["f"] } } },
      Bb: { kind: "struct", data: {} },
      Ss: {
        kind: "struct",
        data: { a: "int", ...Object.fromEntries(names.map((n) => [n, "str"])) },
      },
      Uu: {
        kind: "union",
        base: { kind: "Ee" },
        discriminator: "kind",
        data: Object.fromEntries(names.map((n) => [n, "Bb"])),
      },
    },
    commands: { other: {}, ...Object.fromEntries(names.map((n) => [n, {}])) },
  } as const;
  const added = diffSchemas(without as never, withNames as never);
  const removed = diffSchemas(withNames as never, without as never);
  for (const name of names) {
    for (const [changes, change] of [[added, "added"], [removed, "removed"]] as const) {
      assert.ok(has(changes, change, "command", name), `${change} command ${name}`);
      assert.ok(has(changes, change, "member", `type Ss member ${name}`), `${change} member`);
      assert.ok(has(changes, change, "value", `type Ee value ${name}`), `${change} value`);
      assert.ok(has(changes, change, "branch", `type Uu branch ${name}`), `${change} branch`);
    }
  }
  // Only additions one way and removals the other: nothing reads as changed.
  assert.deepEqual(added.filter((c) => c.change !== "added"), []);
  assert.deepEqual(removed.filter((c) => c.change !== "removed"), []);
  assert.equal(added.length, names.length * 4);
  assert.deepEqual(diffSchemas(withNames as never, withNames as never), []);
});
