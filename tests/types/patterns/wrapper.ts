/**
 * A generic wrapper over the public aliases, declared as a user would: the
 * command inferred from its name, the argument object and the result derived
 * from it.
 */
import type { CommandArgs, CommandName, CommandReturn } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

declare function run<C extends CommandName<Qmp10_2>>(
  command: C,
  args: CommandArgs<Qmp10_2, C>,
): Promise<CommandReturn<Qmp10_2, C>>;

export async function valid() {
  await run("block_resize", { "node-name": "disk0", size: 1 << 30 });
  await run("query-status", {});
  const blocks = await run("query-block", {});
  const args = { "node-name": "disk0", size: 1 << 30 };
  await run("block_resize", args);
  return blocks.map((block) => block.device);
}

export async function invalid() {
  // @ts-expect-error missing member
  await run("block_resize", { "node-name": "disk0" });
  // @ts-expect-error ill-typed member
  await run("block_resize", { "node-name": "disk0", size: "1G" });
  // @ts-expect-error excess member
  await run("block_resize", { "node-name": "disk0", size: 1, bogus: true });
  // @ts-expect-error unknown command
  await run("no-such-command", {});
  // @ts-expect-error member of another union branch
  await run("blockdev-add", { driver: "null-co", "node-name": "n", filename: "/tmp/x" });
  // @ts-expect-error wrong discriminator value
  await run("blockdev-add", { driver: "no-such-driver", "node-name": "n" });
  const args = { "node-name": "disk0", size: "1G" };
  // @ts-expect-error ill-typed member, through a variable
  await run("block_resize", args);
  const blocks = await run("query-block", {});
  // @ts-expect-error unknown member of a result
  return blocks[0].no_such_member;
}
