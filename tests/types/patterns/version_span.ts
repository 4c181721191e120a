/**
 * Code for a fleet of QEMU 7.2 and 10.2 hosts: a client typed by
 * `Span<"7.2" | "10.2">`, narrowed with `isAtLeast`/`isAtMost` before a
 * command only one version has, and helpers taking a client of the span.
 */
import { connect, type QmpClient } from "../../../mod.ts";
import type { CommandReturn, EventData } from "../../../mod.ts";
import type { Qmp, Span } from "../../../versions.ts";

type Fleet = Span<"7.2" | "10.2">;

export async function status(qmp: QmpClient<Fleet>): Promise<string> {
  const { status, running } = await qmp.execute("query-status");
  return running ? "running" : status;
}

export async function audio(qmp: QmpClient<Fleet>): Promise<string[]> {
  if (qmp.isAtLeast("10.2")) {
    const devices = await qmp.execute("query-audiodevs");
    return devices.map((device) => `${device.id} (${device.driver})`);
  }
  return [];
}

export async function resize(qmp: QmpClient<Fleet>, node: string, bytes: number) {
  // in both versions, with the same members
  await qmp.execute("block_resize", { "node-name": node, size: bytes });
  const stream: Parameters<QmpClient<Fleet>["execute"]>[0] = "block-stream";
  return stream;
}

export async function migrateTo(qmp: QmpClient<Fleet>, uri: string) {
  if (qmp.isAtLeast("10.2")) {
    // channels exist from 8.2 on: only after narrowing
    await qmp.execute("migrate", {
      channels: [{
        "channel-type": "main",
        addr: { transport: "socket", type: "unix", path: uri },
      }],
    });
  } else {
    await qmp.execute("migrate", { uri: `unix:${uri}` });
  }
  const data: EventData<Fleet, "MIGRATION"> = (await qmp.waitFor("MIGRATION")).data;
  return data.status;
}

export async function jobs(qmp: QmpClient<Fleet>) {
  // a result in either version's shape: the union of both
  const jobs: CommandReturn<Fleet, "query-block-jobs"> = await qmp.execute("query-block-jobs");
  return jobs.map((job) => ({ device: job.device, type: job.type, busy: job.busy }));
}

export async function connectAny(path: string) {
  const qmp = await connect<Fleet>(path);
  const old: QmpClient<Qmp["7.2"]> | undefined = qmp.isAtMost("7.2") ? qmp : undefined;
  return { qmp, old };
}

export async function mistakes(qmp: QmpClient<Fleet>, newest: QmpClient<Qmp["10.2"]>) {
  // @ts-expect-error query-audiodevs is not in 7.2: narrow first
  await qmp.execute("query-audiodevs");
  // @ts-expect-error migrate's channels are not in 7.2
  await qmp.execute("migrate", { channels: [] });
  if (qmp.isAtMost("7.2")) {
    // @ts-expect-error still not there after narrowing to 7.2
    await qmp.execute("query-audiodevs");
  }
  // @ts-expect-error a version nobody vendored
  qmp.isAtLeast("9.9");
  // @ts-expect-error a version string is not a schema
  await connect<"10.2">("/tmp/qmp.sock");
  // @ts-expect-error a 10.2 client is not a 7.2 one
  const old: QmpClient<Qmp["7.2"]> = newest;
  return old;
}
