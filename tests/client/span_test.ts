/**
 * One script typed by the span of QEMU 7.2 and 10.0 runs against both real
 * binaries, taking a version-specific branch where the schemas differ.
 */
import assert from "node:assert/strict";
import { launch } from "../../lib/launch/launch.ts";
import type { Span } from "../../lib/types/qmp_span.ts";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `QEMU ${version}: a script typed by Span<"7.2" | "10.0"> runs, narrowing by version`,
    ignore: skipped,
    fn: async () => {
      await using qmp = await launch<Span<"7.2" | "10.0">>({
        binary: binaries![version].system,
        extraArgs: binaries![version].dataArgs,
      });
      // Valid in every version of the span.
      assert.equal((await qmp.execute("query-status")).running, true);
      await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "n0", size: 1 << 20 });
      let branch: string;
      if (qmp.isAtLeast("10.0")) {
        // query-audiodevs exists from 8.0 on: only the narrowed client may call it.
        const audio = await qmp.execute("query-audiodevs");
        assert.ok(Array.isArray(audio));
        branch = "10.0";
      } else {
        // @ts-expect-error not in 7.2: the span client without narrowing refuses it
        await assert.rejects(qmp.execute("query-audiodevs"), /CommandNotFound/);
        branch = "7.2";
      }
      assert.equal(branch, version);
    },
  });
}
