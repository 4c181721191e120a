/**
 * An everyday script: calls awaited together, results gathered into arrays
 * and unions, events read in a loop and a switch, version checks, and
 * results handed to plain functions.
 */
import { type CommandName, connect, type QmpEvent } from "../../../mod.ts";
import type { CommandReturn, EventData, Qmp10_2 } from "../../../mod.ts";

function report(line: string): void {
  console.log(line);
}

function bytes(value: number | bigint): string {
  return typeof value === "bigint" ? `${value} B` : `${value.toFixed(0)} B`;
}

export async function inventory(path: string) {
  await using qmp = await connect<Qmp10_2>(path);
  const [status, blocks, version] = await Promise.all([
    qmp.execute("query-status"),
    qmp.execute("query-block"),
    qmp.execute("query-version"),
  ]);
  report(`${status.status} on QEMU ${version.qemu.major}.${version.qemu.minor}`);
  for (const block of blocks) {
    const image = block.inserted?.image;
    if (image) report(`${block.device}: ${image.filename} ${bytes(image["virtual-size"])}`);
    let node = image;
    while (node) {
      report(node.format);
      node = node["backing-image"];
    }
  }
  // Results of different commands gathered together: a union the checker reduces.
  const everything = [status, blocks[0], version, blocks[0]?.inserted];
  const jobs = (await qmp.execute("query-jobs")).map((job) => ({ id: job.id, status: job.status }));
  return {
    everything,
    jobs,
    json: JSON.stringify(version, (_, v) => typeof v === "bigint" ? `${v}` : v),
  };
}

/** Every event's data, whatever the event: a function returning a union of them all. */
export function dataOf(event: QmpEvent<Qmp10_2>) {
  switch (event.event) {
    case "SHUTDOWN":
      return event.data;
    case "BLOCK_JOB_COMPLETED":
      return event.data;
    case "JOB_STATUS_CHANGE":
      return event.data;
    case "DEVICE_DELETED":
      return event.data;
    case "BLOCK_IO_ERROR":
      return event.data;
    case "MIGRATION":
      return event.data;
    default:
      return undefined;
  }
}

export async function watch(path: string, signal: AbortSignal) {
  await using qmp = await connect<Qmp10_2>(path);
  using events = qmp.listen(["STOP", "RESUME", "BLOCK_JOB_COMPLETED"]);
  const seen: EventData<Qmp10_2, "BLOCK_JOB_COMPLETED">[] = [];
  for await (const event of events) {
    if (signal.aborted) break;
    if (event.event === "BLOCK_JOB_COMPLETED") seen.push(event.data);
    else report(event.event);
  }
  const done = await qmp.waitFor("JOB_STATUS_CHANGE", {
    where: (event) => event.data.status === "concluded",
    timeout: 1000,
  });
  return [seen, done.data.id, dataOf(done)];
}

export async function byName(path: string, names: CommandName<Qmp10_2>[]) {
  await using qmp = await connect<Qmp10_2>(path);
  const stops: CommandName<Qmp10_2>[] = names.filter((name) => name.startsWith("query-"));
  const status: CommandReturn<Qmp10_2, "query-status"> = await qmp.execute("query-status");
  const running = status.running ? "running" : status.status;
  if (qmp.isAtLeast("10.0")) report(`new enough: ${running}`);
  return stops;
}

export async function mistakes(path: string) {
  await using qmp = await connect<Qmp10_2>(path);
  const [status, blocks] = await Promise.all([
    qmp.execute("query-status"),
    qmp.execute("query-block"),
  ]);
  // @ts-expect-error a result member that does not exist
  report(status.state);
  // @ts-expect-error a 64-bit integer may be a bigint: not a number
  const size: number = blocks[0]!.inserted!.image["virtual-size"];
  // @ts-expect-error an optional member read without a check
  report(blocks[0]!.inserted.file);
  // @ts-expect-error an event name that does not exist, in a listener
  qmp.listen(["STOP", "STOPP"]);
  // @ts-expect-error the data of another event
  const reason: EventData<Qmp10_2, "SHUTDOWN"> = { device: "x" };
  // @ts-expect-error a command name built at run time is not a command name
  await qmp.execute(`query-${"status" as string}`);
  return [size, reason];
}
