/**
 * A qemu-storage-daemon exporting an image over NBD: blockdev-add of a
 * qcow2 over a file, block-export-add with NBD, query-block-exports read,
 * and the export deleted on BLOCK_EXPORT_DELETED.
 */
import { launchStorageDaemon, type Qsd10_2 } from "../../../storage.ts";
import type { CommandArgs, EventData, QmpClient } from "../../../mod.ts";

type Export = CommandArgs<Qsd10_2, "block-export-add">;

export async function serve(image: string, socket: string) {
  await using qsd = await launchStorageDaemon({
    args: ["--nbd-server", `addr.type=unix,addr.path=${socket}`],
  });
  await qsd.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "img",
    file: { driver: "file", filename: image, "aio": "threads" },
    "discard": "unmap",
  });
  const nbd: Export = {
    type: "nbd",
    id: "export0",
    "node-name": "img",
    writable: true,
    name: "disk",
  };
  await qsd.execute("block-export-add", nbd);
  const exports = await qsd.execute("query-block-exports");
  const byId = new Map(exports.map((e) => [e.id, e] as const));
  console.log(byId.get("export0")?.["shutting-down"]);
  const deleted = qsd.waitFor("BLOCK_EXPORT_DELETED", {
    where: (e) => e.data.id === "export0",
    history: false,
  });
  await qsd.execute("block-export-del", { id: "export0", mode: "hard" });
  const data: EventData<Qsd10_2, "BLOCK_EXPORT_DELETED"> = (await deleted).data;
  return data.id;
}

export async function fuse(qsd: QmpClient<Qsd10_2>, mountpoint: string) {
  await qsd.execute("block-export-add", {
    type: "fuse",
    id: "fuse0",
    "node-name": "img",
    mountpoint,
    growable: false,
  });
  await qsd.execute("nbd-server-start", {
    // nbd-server-start keeps the legacy address: its members under `data`
    addr: { type: "inet", data: { host: "127.0.0.1", port: "10809" } },
  });
}

export async function mistakes(qsd: QmpClient<Qsd10_2>) {
  // @ts-expect-error the storage daemon has no VM: no query-status
  await qsd.execute("query-status");
  // @ts-expect-error an export type that does not exist
  await qsd.execute("block-export-add", { type: "iscsi", id: "e", "node-name": "n" });
  await qsd.execute("block-export-add", {
    type: "nbd",
    id: "e",
    "node-name": "n",
    // @ts-expect-error `mountpoint` belongs to the fuse branch, not nbd
    mountpoint: "/m",
  });
  // @ts-expect-error block-export-del's mode is "safe" or "hard"
  await qsd.execute("block-export-del", { id: "e", mode: "force" });
}

export async function moreMistakes(qsd: QmpClient<Qsd10_2>) {
  await qsd.execute("nbd-server-start", {
    // @ts-expect-error the legacy address wants its members under `data`
    addr: { type: "inet", host: "127.0.0.1", port: "10809" },
  });
}
