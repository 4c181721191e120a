/**
 * Agreement with reality: the live `query-qmp-schema` of the real QEMU 7.2
 * and 10.0 binaries (system emulator and storage daemon) against the
 * vendored literals of those versions.
 */
import assert from "node:assert/strict";
import { launch } from "../../lib/launch/launch.ts";
import { launchStorageDaemon } from "../../lib/storage/daemon.ts";
import { indexSchemaInfo, type SchemaInfo } from "../../lib/introspect/schema_info.ts";
import type { SchemaLiteral } from "../../lib/types/literal.ts";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import { compareWithLiveSchema } from "./agreement.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

for (const version of ["7.2", "10.0"] as const) {
  for (const protocol of ["qmp", "qsd"] as const) {
    Deno.test({
      name: `${protocol} ${version}: the live schema agrees with the vendored literal`,
      ignore: skipped,
      fn: async () => {
        const bins = binaries![version];
        await using client = protocol === "qmp"
          ? await launch({ binary: bins.system, extraArgs: bins.dataArgs })
          : await launchStorageDaemon({ binary: bins.storageDaemon });
        const entries = await client.connection.call("query-qmp-schema") as SchemaInfo[];
        const module = await import(`../../schemas/${protocol}/${version}.js`);
        const literal = module[`${protocol}${version.replace(".", "_")}`] as SchemaLiteral;
        const result = compareWithLiveSchema(
          literal,
          indexSchemaInfo(entries),
          `${client.version.major}.${client.version.minor}`,
        );
        console.log(
          `${protocol} ${version}: ${result.compared} types compared, ` +
            `${result.explainedByIf.length} differences explained by 'if', ` +
            `${result.explainedBySince.length} by a newer 'since' (${
              result.explainedBySince.join("; ")
            }), ` +
            `${result.disagreements.length} disagreements`,
        );
        assert.ok(result.compared > 300);
        assert.deepEqual(result.disagreements, []);
      },
    });
  }
}
