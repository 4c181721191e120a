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
