/**
 * `deno task demo`: launches a real QEMU (no guest, nothing to configure) and
 * shows what qapi-ts is for: typed calls, a block job with progress, events,
 * a deliberate error, and a clean shutdown.
 *
 * @module
 */

import { launch, QmpError } from "../mod.ts";
import type { Qmp7_2 } from "../schemas/qmp/7.2.js";
import { provision } from "../tests/provision/qemu.ts";

const bold = (text: string) => (Deno.stdout.isTerminal() ? `\x1b[1m${text}\x1b[0m` : text);
const step = (text: string) => console.log(`\n${bold(`▸ ${text}`)}`);

let binary: string;
let dataArgs: readonly string[] = [];
try {
  const { "10.0": recent } = await provision();
  binary = recent.system;
  dataArgs = recent.dataArgs;
} catch (error) {
  console.error(`Could not find or install QEMU.\n${(error as Error).message}`);
  Deno.exit(1);
}

step("Launching QEMU with a private QMP socket");
// Typed by the QMP 7.2 schema: every call below exists in 7.2 and later.
await using qmp = await launch<Qmp7_2>({ binary, extraArgs: dataArgs });
const { major, minor, micro } = qmp.version;
console.log(
  `  QEMU ${major}.${minor}.${micro} (pid ${qmp.pid}), capabilities: ${
    qmp.capabilities.join(", ")
  }`,
);

qmp.on("STOP", () => console.log("  event: STOP"));
qmp.on("RESUME", () => console.log("  event: RESUME"));
qmp.on("JOB_STATUS_CHANGE", ({ data }) => console.log(`  event: job ${data.id} is ${data.status}`));

step("Typed calls");
const status = await qmp.execute("query-status");
console.log(`  query-status → running: ${status.running}, status: ${status.status}`);
await qmp.execute("stop");
await qmp.waitFor("STOP", { timeout: 5_000 });
await qmp.execute("cont");
await qmp.waitFor("RESUME", { timeout: 5_000 });

step("Block nodes");
const size = 256 << 20;
await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "source", size });
await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "target", size });
for (const node of await qmp.execute("query-named-block-nodes")) {
  console.log(`  ${node["node-name"]}: ${node.drv}, ${node.image["virtual-size"]} bytes`);
}

step("A block job with progress");
await qmp.execute("blockdev-backup", {
  "job-id": "backup0",
  device: "source",
  target: "target",
  sync: "full",
  speed: 512 << 20, // throttled so that progress is visible
});
const done = qmp.waitFor("BLOCK_JOB_COMPLETED", {
  where: (event) => event.data.device === "backup0",
  timeout: 30_000,
});
let finished = false;
done.finally(() => (finished = true));
while (!finished) {
  const [job] = await qmp.execute("query-jobs");
  if (job && job["total-progress"] > 0) {
    const percent = Math.round(
      (100 * Number(job["current-progress"])) / Number(job["total-progress"]),
    );
    console.log(`  backup0: ${percent}% (${job.status})`);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const completed = await done;
console.log(`  BLOCK_JOB_COMPLETED: ${completed.data.offset}/${completed.data.len} bytes`);

step("A deliberate error");
try {
  await qmp.execute("block_resize", { "node-name": "no-such-node", size: 1 << 20 });
} catch (error) {
  if (!(error instanceof QmpError)) throw error;
  console.log(`  QmpError from ${error.command}: class ${error.errorClass}: ${error.desc}`);
}

step("Shutting down");
const shutdown = qmp.waitFor("SHUTDOWN", { timeout: 5_000 });
await qmp.execute("quit");
const { data } = await shutdown;
console.log(`  event: SHUTDOWN (reason: ${data.reason}); QEMU exited with ${await qmp.exited}`);
