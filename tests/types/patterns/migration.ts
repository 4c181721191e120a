/**
 * Live migration: capabilities and parameters set first, the migration
 * started, its progress polled from query-migrate and its end awaited from
 * MIGRATION events, with a listener created before the command.
 */
import { connect, TimeoutError } from "../../../mod.ts";
import type { CommandArgs, CommandReturn, EventData, Qmp10_2, QmpClient } from "../../../mod.ts";

type Capability = CommandArgs<Qmp10_2, "migrate-set-capabilities">["capabilities"][number];
type MigrationInfo = CommandReturn<Qmp10_2, "query-migrate">;

const defaultParameters = {
  "max-bandwidth": 1 << 30,
  "downtime-limit": 300,
  "multifd-channels": 4,
} satisfies CommandArgs<Qmp10_2, "migrate-set-parameters">;

function progress(info: MigrationInfo): string {
  const ram = info.ram;
  if (!ram) return info.status ?? "unknown";
  const done = Number(ram.transferred);
  const total = Number(ram.total) || 1;
  return `${info.status}: ${((done / total) * 100).toFixed(1)}% (${ram["dirty-sync-count"]} syncs)`;
}

export async function migrate(qmp: QmpClient<Qmp10_2>, uri: string, bandwidth?: number) {
  const capabilities: Capability[] = [
    { capability: "multifd", state: true },
    { capability: "events", state: true },
  ];
  if (bandwidth === undefined) capabilities.push({ capability: "auto-converge", state: true });
  await qmp.execute("migrate-set-capabilities", { capabilities });
  await qmp.execute("migrate-set-parameters", {
    ...defaultParameters,
    ...(bandwidth ? { "max-bandwidth": bandwidth } : {}),
  });
  using states = qmp.listen("MIGRATION");
  await qmp.execute("migrate", { uri });
  const timer = setInterval(async () => {
    console.log(progress(await qmp.execute("query-migrate")));
  }, 1000);
  try {
    for await (const { data } of states) {
      if (data.status === "completed") return true;
      if (data.status === "failed" || data.status === "cancelled") return false;
    }
    return false;
  } finally {
    clearInterval(timer);
  }
}

export async function incoming(path: string): Promise<EventData<Qmp10_2, "MIGRATION">> {
  await using qmp = await connect<Qmp10_2>(path);
  await qmp.execute("migrate-incoming", {
    channels: [{
      "channel-type": "main",
      addr: { transport: "socket", type: "inet", host: "0.0.0.0", port: "4444" },
    }],
  });
  try {
    const { data } = await qmp.waitFor("MIGRATION", {
      where: ({ data }) => data.status === "completed",
      timeout: 60_000,
    });
    return data;
  } catch (error) {
    if (error instanceof TimeoutError) console.log(`no migration after ${error.milliseconds} ms`);
    throw error;
  }
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  await qmp.execute("migrate-set-capabilities", {
    // @ts-expect-error a capability that does not exist
    capabilities: [{ capability: "multi-fd", state: true }],
  });
  // @ts-expect-error a parameter given as a string
  await qmp.execute("migrate-set-parameters", { "downtime-limit": "300ms" });
  // @ts-expect-error capabilities as a record, not a list
  await qmp.execute("migrate-set-capabilities", { capabilities: { multifd: true } });
  const info = await qmp.execute("query-migrate");
  // @ts-expect-error ram is optional
  console.log(info.ram.transferred);
  // @ts-expect-error migrate takes `uri`, not `url`
  await qmp.execute("migrate", { url: "tcp:host:4444" });
  qmp.on("MIGRATION", (event) => {
    // @ts-expect-error the event's data has no `progress`
    console.log(event.data.progress);
  });
}
