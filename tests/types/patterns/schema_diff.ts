/**
 * A release-notes script: the vendored schemas diffed, changes grouped by
 * kind with Map.groupBy, counted, filtered to removals, and printed.
 */
import { countChanges, diffSchemas, formatChanges, type SchemaChange } from "../../../diff.ts";
import { qmp, type QmpVersion } from "../../../versions.ts";

export function removals(from: QmpVersion, to: QmpVersion): string[] {
  return diffSchemas(qmp[from], qmp[to])
    .filter((change) => change.change === "removed")
    .map((change) => change.path);
}

export function summary(from: QmpVersion, to: QmpVersion) {
  const changes: SchemaChange[] = diffSchemas(qmp[from], qmp[to]);
  const byKind = Map.groupBy(changes, (change) => change.kind);
  const lines = [...byKind].map(([kind, list]) => `${kind}: ${list.length}`);
  const counts = countChanges(changes);
  const optionality = changes.filter((c) => c.kind === "optionality").map((c) =>
    `${c.path} ${c.detail ?? ""}`
  );
  return { lines, counts, optionality, text: formatChanges(changes) };
}

export function history(): string[] {
  const versions = Object.keys(qmp) as QmpVersion[];
  return versions.slice(1).map((to, i) =>
    `${versions[i]} -> ${to}: ${diffSchemas(qmp[versions[i]!], qmp[to]).length}`
  );
}

export function mistakes(changes: SchemaChange[]) {
  // @ts-expect-error the kinds are "added", "removed" and "changed"
  changes.filter((c) => c.change === "deleted");
  // @ts-expect-error a version that is not vendored
  diffSchemas(qmp["7.2"], qmp["11.0"]);
  // @ts-expect-error a change is read-only
  changes[0]!.path = "x";
}
