import assert from "node:assert/strict";
import { launchStorageDaemon } from "../../lib/storage/daemon.ts";
import type { Qsd7_2 } from "../../schemas/qsd/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `qemu-storage-daemon ${version}: a node added and queried`,
    ignore: skipped,
    fn: async () => {
      await using qsd = await launchStorageDaemon<Qsd7_2>({
        binary: binaries![version].storageDaemon,
      });
      assert.equal(`${qsd.version.major}.${qsd.version.minor}`, version);
      await qsd.execute("blockdev-add", { driver: "null-co", "node-name": "n0", size: 1 << 30 });
      const nodes = await qsd.execute("query-named-block-nodes");
      assert.deepEqual(nodes.map((n) => [n["node-name"], n.drv, n.image["virtual-size"]]), [
        ["n0", "null-co", 1 << 30],
      ]);
      // QSD has no guest: a system-emulator command does not exist there.
      await assert.rejects(
        qsd.connection.call("query-status"),
        (error: Error) => error.name === "QmpError" && /CommandNotFound/.test(error.message),
      );
    },
  });
}
