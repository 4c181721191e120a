/**
 * The README's examples, as a reader pastes them: the first call, "Using
 * it", the event consumers, integers, and across versions.
 */
import { launch, QmpError } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";
import type { Span } from "../../../versions.ts";

export async function intro() {
  await using qmp = await launch();
  await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "disk0", size: 1 << 30 });
  await qmp.execute("block_resize", { "node-name": "disk0", size: 2 << 30 });
  const status = await qmp.execute("query-status");
  console.log(`QEMU ${qmp.version.major}.${qmp.version.minor}: ${status.status}`);
}

export async function usingIt() {
  await using qmp = await launch<Qmp10_2>({ binary: "qemu-system-x86_64" });
  await qmp.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "disk0",
    file: { driver: "file", filename: "/var/lib/disk.qcow2" },
  });
  const [block] = await qmp.execute("query-block");
  const format: string | undefined = block?.inserted?.image.format;
  qmp.on("JOB_STATUS_CHANGE", ({ data }) => console.log(data.id, data.status));
  const done = await qmp.waitFor("BLOCK_JOB_COMPLETED", { where: (e) => e.data.device === "job0" });
  for await (const event of qmp.events(AbortSignal.timeout(1000))) console.log(event.event);
  try {
    await qmp.execute("block_resize", { "node-name": "nope", size: 1 << 30 }, { timeout: 5000 });
  } catch (error) {
    if (error instanceof QmpError) console.log(error.errorClass, error.desc);
  }
  return { format, done };
}

export async function events() {
  await using qmp = await launch<Qmp10_2>();
  using stops = qmp.listen("STOP");
  await qmp.execute("stop");
  const stop = await stops.wait({ timeout: 5000 });
  const resumed = qmp.waitFor("RESUME", { history: false, timeout: 5000 });
  await qmp.execute("cont");
  await resumed;
  await qmp.execute("stop");
  await qmp.waitFor("STOP", { timeout: 5000 });
  const jobs = qmp.listen(["JOB_STATUS_CHANGE", "BLOCK_JOB_COMPLETED"], {
    where: (e) => e.event === "BLOCK_JOB_COMPLETED" || e.data.id === "job0",
    queueSize: 100,
  });
  for await (const e of jobs) if (e.event === "BLOCK_JOB_COMPLETED") break;
  console.log(jobs.dropped);
  using _ = qmp.on("SHUTDOWN", (e) => console.log(e.data.reason));
  for await (const e of qmp.events(AbortSignal.timeout(1000))) console.log(e.event);
  return stop;
}

export async function integers() {
  await using qmp = await launch<Qmp10_2>();
  const [info] = await qmp.execute("query-named-block-nodes");
  const size = Number(info!.image["virtual-size"]);
  const exact = typeof info!.image["virtual-size"] === "bigint";
  return { size, exact };
}

export async function acrossVersions() {
  await using qmp = await launch<Span<"7.2" | "10.0">>({ strict: true });
  await qmp.execute("query-status");
  if (qmp.isAtLeast("10.0")) {
    await qmp.execute("query-audiodevs");
  }
  await qmp.supports("blockdev-add/arg-type/+file/aio-max-batch");
}

export async function mistakes() {
  await using qmp = await launch<Qmp10_2>();
  // @ts-expect-error the README's misspelled member
  await qmp.execute("block_resize", { "node-nam": "disk0", size: 1 });
  // @ts-expect-error null-co's `size` under the qcow2 driver
  await qmp.execute("blockdev-add", { driver: "qcow2", "node-name": "d", file: "f", size: 1 });
  // @ts-expect-error the README's unknown command
  await qmp.execute("block-resize", { "node-name": "disk0", size: 1 });
}
