/**
 * External snapshots of several disks at once with `transaction`: the
 * action list built with `map`, pushed to step by step, and given
 * `completion-mode`; the snapshot overlays added with blockdev-add first.
 */
import { connect, QmpError } from "../../../mod.ts";
import type { CommandArgs, Qmp10_2, QmpClient } from "../../../mod.ts";

type Actions = CommandArgs<Qmp10_2, "transaction">["actions"];
type Action = Actions[number];

export async function snapshotAll(qmp: QmpClient<Qmp10_2>, disks: string[], tag: string) {
  for (const disk of disks) {
    await qmp.execute("blockdev-create", {
      "job-id": `create-${disk}`,
      options: { driver: "file", filename: `/var/lib/vm/${disk}-${tag}.qcow2`, size: 0 },
    });
    await qmp.execute("blockdev-add", {
      driver: "qcow2",
      "node-name": `${disk}-${tag}`,
      file: { driver: "file", filename: `/var/lib/vm/${disk}-${tag}.qcow2` },
      backing: null,
    });
  }
  const actions: Action[] = disks.map((disk) => ({
    type: "blockdev-snapshot",
    data: { node: disk, overlay: `${disk}-${tag}` },
  }));
  actions.push({ type: "block-dirty-bitmap-add", data: { node: disks[0]!, name: `since-${tag}` } });
  await qmp.execute("transaction", { actions, properties: { "completion-mode": "grouped" } });
}

export async function internalSnapshots(path: string) {
  await using qmp = await connect<Qmp10_2>(path);
  const names = ["disk0", "disk1"] as const;
  try {
    await qmp.execute("transaction", {
      actions: names.map((device) => ({
        type: "blockdev-snapshot-internal-sync" as const,
        data: { device, name: "nightly" },
      })),
    });
  } catch (error) {
    if (error instanceof QmpError && error.errorClass === "GenericError") {
      console.error(`snapshot failed: ${error.desc}`);
      return false;
    }
    throw error;
  }
  const blocks = await qmp.execute("query-block");
  return blocks.flatMap((block) => block.inserted?.image.snapshots ?? []).map((s) => s.name);
}

export function actionWithLiteralDiscriminator(disk: string): Action {
  // Written inline in a return: the discriminator stays a literal.
  return { type: "blockdev-snapshot-sync", data: { device: disk, "snapshot-file": "/tmp/s" } };
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  await qmp.execute("transaction", {
    // @ts-expect-error a snapshot action's data of the wrong branch
    actions: [{ type: "blockdev-snapshot", data: { device: "disk0", name: "x" } }],
  });
  await qmp.execute("transaction", {
    // @ts-expect-error an action that does not exist
    actions: [{ type: "blockdev-snapshot-async", data: { node: "a", overlay: "b" } }],
  });
  await qmp.execute("transaction", {
    actions: [],
    // @ts-expect-error completion-mode is an enum
    properties: { "completion-mode": "all" },
  });
  // @ts-expect-error an action's data given flat, without `data`
  await qmp.execute("transaction", { actions: [{ type: "abort", node: "x" }] });
  const wide = { type: "blockdev-snapshot", data: { node: "a", overlay: "b" } };
  // @ts-expect-error a discriminator widened to string by a plain `const` object
  await qmp.execute("transaction", { actions: [wide] });
}
