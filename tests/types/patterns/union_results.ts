/**
 * Results that are unions: query-block-jobs' jobs narrowed by `type`,
 * query-memory-devices by `type`, ImageInfo's format-specific data by
 * `type`, and a helper that switches over a result union.
 */
import type { CommandReturn, Qmp10_2, QmpClient } from "../../../mod.ts";

type MemoryDevice = CommandReturn<Qmp10_2, "query-memory-devices">[number];

function size(device: MemoryDevice): number | bigint {
  switch (device.type) {
    case "dimm":
    case "nvdimm":
      return device.data.size;
    case "virtio-mem":
      return device.data.size;
    case "virtio-pmem":
      return device.data.size;
    case "sgx-epc":
      return device.data.size;
    case "hv-balloon":
      return device.data["max-size"];
    default:
      return 0;
  }
}

export async function jobs(qmp: QmpClient<Qmp10_2>) {
  const list = await qmp.execute("query-block-jobs");
  const mirrors = list.filter((job) => job.type === "mirror");
  const synced = list.map((job) => (job.type === "mirror" ? job["actively-synced"] : undefined));
  const devices = await qmp.execute("query-memory-devices");
  const total = devices.reduce((sum, d) => sum + BigInt(size(d)), 0n);
  const [block] = await qmp.execute("query-block");
  const specific = block?.inserted?.image["format-specific"];
  const compat = specific?.type === "qcow2" ? specific.data.compat : undefined;
  const luks = specific?.type === "luks" ? specific.data["cipher-alg"] : undefined;
  return { mirrors: mirrors.length, synced, total, compat, luks };
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  const [job] = await qmp.execute("query-block-jobs");
  // @ts-expect-error only mirror jobs have actively-synced: narrow first
  console.log(job?.["actively-synced"]);
  const [device] = await qmp.execute("query-memory-devices");
  // @ts-expect-error the branch's members are under `data`
  if (device?.type === "dimm") console.log(device.size);
  const [block] = await qmp.execute("query-block");
  const specific = block?.inserted?.image["format-specific"];
  // @ts-expect-error qcow2's data read under the luks branch
  if (specific?.type === "luks") console.log(specific.data.compat);
}
