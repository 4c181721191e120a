/**
 * Overloads: specific signatures for common commands first, a generic one
 * for the rest, and an implementation over the untyped call.
 */
import type { CommandArgs, CommandName, CommandReturn, QmpClient } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

declare const qmp: QmpClient<Qmp10_2>;

function call(command: "query-status"): Promise<CommandReturn<Qmp10_2, "query-status">>;
function call(
  command: "block_resize",
  args: CommandArgs<Qmp10_2, "block_resize">,
): Promise<CommandReturn<Qmp10_2, "block_resize">>;
function call<C extends CommandName<Qmp10_2>>(
  command: C,
  args: CommandArgs<Qmp10_2, C>,
): Promise<CommandReturn<Qmp10_2, C>>;
function call(command: string, args?: object): Promise<unknown> {
  return qmp.connection.call(command, args);
}

/** Overloads on the argument type rather than the command. */
function size(node: string): Promise<number>;
function size(node: string, bytes: number): Promise<void>;
async function size(node: string, bytes?: number): Promise<number | void> {
  if (bytes !== undefined) {
    await call("block_resize", { "node-name": node, size: bytes });
    return;
  }
  const nodes = await call("query-named-block-nodes", { flat: true });
  return Number(nodes.find((info) => info["node-name"] === node)?.image["virtual-size"] ?? 0);
}

export async function valid() {
  const status = await call("query-status");
  await call("block_resize", { "node-name": "disk0", size: 1 << 30 });
  const blocks = await call("query-block", {});
  await call("blockdev-add", { driver: "null-co", "node-name": "null0" });
  const bytes: number = await size("disk0");
  await size("disk0", bytes * 2);
  return status.running && blocks.length > 0;
}

export async function invalid() {
  // @ts-expect-error missing member
  await call("block_resize", { "node-name": "disk0" });
  // @ts-expect-error ill-typed member
  await call("block_resize", { "node-name": "disk0", size: "1G" });
  // @ts-expect-error excess member
  await call("block_resize", { "node-name": "disk0", size: 1, bogus: true });
  // @ts-expect-error unknown command
  await call("no-such-command", {});
  // @ts-expect-error member of another union branch
  await call("blockdev-add", { driver: "null-co", "node-name": "n", filename: "/tmp/x" });
  // @ts-expect-error wrong discriminator value
  await call("blockdev-add", { driver: "no-such-driver", "node-name": "n" });
  // @ts-expect-error the overload returning a number takes no size
  const bytes: number = await size("disk0", 1);
  return bytes;
}
