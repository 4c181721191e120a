/**
 * The generic wrapper called where the result type is expected: an
 * annotated variable, a function's declared return type, a typed property.
 */
import type { CommandArgs, CommandName, CommandReturn } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

declare function run<C extends CommandName<Qmp10_2>>(
  command: C,
  args: CommandArgs<Qmp10_2, C>,
): Promise<CommandReturn<Qmp10_2, C>>;

export async function valid() {
  const status: CommandReturn<Qmp10_2, "query-status"> = await run("query-status", {});
  const running: boolean = status.running;
  const promise: Promise<CommandReturn<Qmp10_2, "query-block">> = run("query-block", {});
  const state: { running: boolean } = await run("query-status", {});
  return { running, promise, state };
}

export function blocks(): Promise<CommandReturn<Qmp10_2, "query-block">> {
  return run("query-block", {});
}

export const table: { status: Promise<CommandReturn<Qmp10_2, "query-status">> } = {
  status: run("query-status", {}),
};

export async function invalid() {
  // @ts-expect-error the result of another command
  const status: CommandReturn<Qmp10_2, "query-block"> = await run("query-status", {});
  // @ts-expect-error ill-typed use of a result member
  const running: string = (await run("query-status", {})).running;
  // @ts-expect-error excess member, in a typed context
  const blocks: CommandReturn<Qmp10_2, "query-block"> = await run("query-block", { flat: true });
  // @ts-expect-error unknown command, in a typed context
  const other: CommandReturn<Qmp10_2, "query-status"> = await run("query-stat", {});
  return { status, running, blocks, other };
}
