/**
 * A small library for a mixed fleet: every helper takes a client of the
 * span, guest agents of several releases are typed by a QGA span, and a
 * version-specific path is taken after narrowing inside the helper.
 */
import { connect, type QmpClient } from "../../../mod.ts";
import type { CommandArgs, CommandReturn, EventName } from "../../../mod.ts";
import { connectGuestAgent, type GuestAgent, guestExec } from "../../../guest.ts";
import type { QgaSpan, Span } from "../../../versions.ts";

type Fleet = Span<"7.2" | "10.0" | "10.2">;
type Agents = QgaSpan<"7.2" | "10.2">;

/** Names of the events every QEMU of the fleet sends. */
const watched = ["SHUTDOWN", "RESET", "BLOCK_JOB_COMPLETED"] as const satisfies readonly EventName<
  Fleet
>[];

export async function drives(qmp: QmpClient<Fleet>): Promise<Map<string, string>> {
  const nodes: CommandReturn<Fleet, "query-named-block-nodes"> = await qmp.execute(
    "query-named-block-nodes",
  );
  // node-name is optional in 7.2's and 10.0's result, required in 10.2's
  return new Map(nodes.map((node) => [node["node-name"] ?? node.file, node.drv]));
}

export async function backup(qmp: QmpClient<Fleet>, device: string, target: string) {
  const args: CommandArgs<Fleet, "blockdev-backup"> = {
    device,
    target,
    sync: "full",
    "job-id": "b0",
  };
  await qmp.execute("blockdev-backup", args);
  const done = await qmp.waitFor("BLOCK_JOB_COMPLETED", { where: (e) => e.data.device === "b0" });
  if (qmp.isAtLeast("10.0")) {
    await qmp.execute("job-dismiss", { id: "b0" });
  }
  return done.data.error ?? "ok";
}

export async function watch(qmp: QmpClient<Fleet>) {
  using events = qmp.listen(watched);
  for await (const event of events) {
    if (event.event === "SHUTDOWN") return event.data.reason;
  }
  return undefined;
}

export async function guestUptime(agent: GuestAgent<Agents>): Promise<number> {
  const { stdout } = await guestExec(agent, "/bin/cat", ["/proc/uptime"]);
  const info = await agent.execute("guest-info");
  console.log(info.version);
  return Number(stdout.split(" ")[0]);
}

export async function main(path: string, agentPath: string) {
  await using qmp = await connect<Fleet>(path);
  await using agent = await connectGuestAgent<Agents>(agentPath);
  return { drives: await drives(qmp), uptime: await guestUptime(agent) };
}

export async function mistakes(qmp: QmpClient<Fleet>, agent: GuestAgent<Agents>) {
  // @ts-expect-error GUEST_PVSHUTDOWN is newer than 7.2
  qmp.listen(["SHUTDOWN", "GUEST_PVSHUTDOWN"]);
  // @ts-expect-error capture-output's modes are not in the 7.2 agent
  await agent.execute("guest-exec", { path: "/bin/ls", "capture-output": "merged" });
  const args: CommandArgs<Fleet, "blockdev-backup"> = {
    device: "d",
    target: "t",
    sync: "full",
    // @ts-expect-error a member of the blockdev-backup arguments misspelled
    jobid: "b",
  };
  return args;
}
