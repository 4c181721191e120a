/**
 * Wrappers over `blockdev-add`'s argument, a flat union discriminated by
 * `driver`: the whole union, one branch picked by driver, and a helper
 * generic over the driver.
 */
import type { CommandArgs, QmpClient } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

type BlockdevOptions = CommandArgs<Qmp10_2, "blockdev-add">;
type Driver = BlockdevOptions["driver"];
type Options<D extends Driver> = Extract<BlockdevOptions, { driver: D }>;

declare const qmp: QmpClient<Qmp10_2>;

export function add(options: BlockdevOptions) {
  return qmp.execute("blockdev-add", options);
}

export function addQcow2(options: Omit<Options<"qcow2">, "driver">) {
  return add({ driver: "qcow2", ...options });
}

export function addDriver<D extends Driver>(driver: D, options: Omit<Options<D>, "driver">) {
  return qmp.connection.call("blockdev-add", { driver, ...options });
}

export async function valid() {
  await add({ driver: "null-co", "node-name": "null0", size: 1 << 20 });
  await add({
    driver: "qcow2",
    "node-name": "disk0",
    file: { driver: "file", filename: "/tmp/disk.qcow2", "aio-max-batch": 4 },
  });
  await addQcow2({ "node-name": "disk1", file: "file1" });
  await addDriver("file", { "node-name": "file0", filename: "/tmp/disk.img" });
  await addDriver("null-co", { "node-name": "null1" });
  const driver: Driver = "throttle";
  const file: Options<"file"> = { driver: "file", filename: "/tmp/x" };
  return { driver, file };
}

export async function invalid() {
  // @ts-expect-error member of another union branch
  await add({ driver: "null-co", "node-name": "n", filename: "/tmp/x" });
  // @ts-expect-error wrong discriminator value
  await add({ driver: "no-such-driver", "node-name": "n" });
  // @ts-expect-error missing member of the branch
  await add({ driver: "file", "node-name": "n" });
  // @ts-expect-error ill-typed member
  await add({ driver: "null-co", "node-name": "n", size: "1M" });
  // @ts-expect-error missing member of the branch
  await addQcow2({ "node-name": "disk1" });
  // @ts-expect-error wrong discriminator value
  await addDriver("no-such-driver", {});
  // @ts-expect-error missing member of the branch
  await addDriver("file", { "node-name": "file0" });
  // @ts-expect-error member of another union branch
  await addDriver("null-co", { "node-name": "n", filename: "/tmp/x" });
  // @ts-expect-error wrong discriminator value
  const driver: Driver = "no-such-driver";
  return driver;
}
