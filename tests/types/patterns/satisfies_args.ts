/**
 * Argument objects written ahead of the call and checked with `satisfies`
 * (or an annotation), then passed on.
 */
import type { CommandArgs, QmpClient } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

declare const qmp: QmpClient<Qmp10_2>;

const resize = { "node-name": "disk0", size: 1 << 30 } satisfies CommandArgs<
  Qmp10_2,
  "block_resize"
>;
const disk = {
  driver: "qcow2",
  "node-name": "disk0",
  file: { driver: "file", filename: "/tmp/disk.qcow2" },
} satisfies CommandArgs<Qmp10_2, "blockdev-add">;
const annotated: CommandArgs<Qmp10_2, "blockdev-add"> = {
  driver: "null-co",
  "node-name": "null0",
};

export async function valid() {
  await qmp.execute("block_resize", resize);
  await qmp.execute("blockdev-add", disk);
  await qmp.execute("blockdev-add", annotated);
  const driver: "qcow2" = disk.driver;
  return driver;
}

// @ts-expect-error missing member
export const missing = { "node-name": "disk0" } satisfies CommandArgs<Qmp10_2, "block_resize">;
// @ts-expect-error ill-typed member
export const illTyped = { size: "1G" } satisfies CommandArgs<Qmp10_2, "block_resize">;
export const excess = {
  size: 1,
  // @ts-expect-error excess member
  bogus: true,
} satisfies CommandArgs<Qmp10_2, "block_resize">;
export const wrongBranch = {
  driver: "null-co",
  "node-name": "n",
  // @ts-expect-error member of another union branch
  filename: "/tmp/x",
} satisfies CommandArgs<Qmp10_2, "blockdev-add">;
export const wrongDiscriminator = {
  // @ts-expect-error wrong discriminator value
  driver: "no-such-driver",
  "node-name": "n",
} satisfies CommandArgs<Qmp10_2, "blockdev-add">;
// @ts-expect-error unknown (misspelled) command
export const unknown = { size: 1 } satisfies CommandArgs<Qmp10_2, "block-resize">;
