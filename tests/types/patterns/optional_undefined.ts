/**
 * Optional members given as `undefined` (`{ "node-name": name ?? undefined }`)
 * and built from user input: numbers from `Number(...)`, flags from strings,
 * optional objects left out with a conditional spread.
 */
import type { CommandArgs, Qmp10_2, QmpClient } from "../../../mod.ts";

interface Options {
  node?: string;
  device?: string;
  size: string;
  speed?: string;
  direct?: boolean;
}

export async function fromCli(qmp: QmpClient<Qmp10_2>, options: Options) {
  // an optional member given `undefined` explicitly: QEMU never sees it (JSON drops it)
  await qmp.execute("block_resize", {
    "node-name": options.node ?? undefined,
    device: options.device,
    size: Number(options.size),
  });
  const speed = options.speed === undefined ? undefined : Number(options.speed);
  await qmp.execute("block-stream", { device: options.node ?? "disk0", speed });
  const stream: CommandArgs<Qmp10_2, "block-stream"> = { device: "disk0", "job-id": undefined };
  await qmp.execute("block-stream", stream);
  await qmp.execute("blockdev-add", {
    driver: "file",
    "node-name": options.node,
    filename: "/tmp/x",
    ...(options.direct === undefined ? {} : { cache: { direct: options.direct } }),
  });
  const big = BigInt(options.size);
  await qmp.execute("block_resize", { "node-name": "n", size: big });
}

export async function mistakes(qmp: QmpClient<Qmp10_2>, options: Options) {
  // @ts-expect-error a required member may not be undefined
  await qmp.execute("block_resize", { "node-name": "n", size: undefined });
  // @ts-expect-error a size straight from the command line is a string
  await qmp.execute("block_resize", { "node-name": "n", size: options.size });
  // @ts-expect-error `null` is not `undefined`: the member is optional, not nullable
  await qmp.execute("block-stream", { device: "d", speed: null });
  await qmp.execute("blockdev-add", {
    driver: "file",
    "node-name": "n",
    filename: "f",
    // @ts-expect-error parseFloat gives a number, but `direct` is a boolean
    cache: { direct: parseFloat("1") },
  });
}
