/**
 * Helpers that take the client as a parameter, as an application's own
 * modules do.
 */
import {
  type CommandArgs,
  type CommandName,
  type CommandReturn,
  connect,
  type QmpClient,
} from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

export async function resize(qmp: QmpClient<Qmp10_2>, node: string, bytes: number) {
  await qmp.execute("block_resize", { "node-name": node, size: bytes });
}

export async function isRunning(qmp: QmpClient<Qmp10_2>): Promise<boolean> {
  const status = await qmp.execute("query-status");
  return status.running;
}

export async function nodeNames(qmp: QmpClient<Qmp10_2>): Promise<string[]> {
  const nodes = await qmp.execute("query-named-block-nodes", { flat: true });
  return nodes.map((node) => node["node-name"]);
}

export function addNullDisk(qmp: QmpClient<Qmp10_2>, name: string) {
  return qmp.execute("blockdev-add", { driver: "null-co", "node-name": name, size: 1 << 20 });
}

declare function runOn<C extends CommandName<Qmp10_2>>(
  qmp: QmpClient<Qmp10_2>,
  command: C,
  args: CommandArgs<Qmp10_2, C>,
): Promise<CommandReturn<Qmp10_2, C>>;

export async function valid() {
  const qmp = await connect<Qmp10_2>("/tmp/qmp.sock");
  await resize(qmp, "disk0", 1 << 30);
  const running = await isRunning(qmp);
  await addNullDisk(qmp, "null0");
  await runOn(qmp, "block_resize", { "node-name": "disk0", size: 1 << 30 });
  const status = await runOn(qmp, "query-status", {});
  return running && status.running && (await nodeNames(qmp)).length > 0;
}

export async function invalid(qmp: QmpClient<Qmp10_2>) {
  // @ts-expect-error missing member
  await qmp.execute("block_resize", { "node-name": "disk0" });
  // @ts-expect-error ill-typed member
  await runOn(qmp, "block_resize", { "node-name": "disk0", size: "1G" });
  // @ts-expect-error excess member
  await runOn(qmp, "block_resize", { "node-name": "disk0", size: 1, bogus: true });
  // @ts-expect-error unknown command
  await runOn(qmp, "no-such-command", {});
  // @ts-expect-error not a client
  await resize({}, "disk0", 1);
  // @ts-expect-error ill-typed argument of the helper
  await resize(qmp, "disk0", "1G");
}
