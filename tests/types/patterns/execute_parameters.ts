/**
 * `Parameters` and `ReturnType` of `execute`: of the generic signature (every
 * command at once), and of one command through an instantiation expression.
 */
import type { CommandName, Execute, QmpClient } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

type ExecuteParameters = Parameters<QmpClient<Qmp10_2>["execute"]>;
type ExecuteResult = Awaited<ReturnType<QmpClient<Qmp10_2>["execute"]>>;

declare const qmp: QmpClient<Qmp10_2>;
type ResizeParameters = Parameters<typeof qmp.execute<"block_resize">>;
type StatusResult = Awaited<ReturnType<typeof qmp.execute<"query-status">>>;

/** Logs calls before making them: forwards its parameters unchanged. */
export function logged(...call: ExecuteParameters): Promise<ExecuteResult> {
  console.log(call[0]);
  return qmp.execute(...call);
}

/** The same through `Execute`, the type of `execute`. */
export function withExecute(execute: Execute<Qmp10_2>) {
  return execute("query-status");
}

export async function valid() {
  const command: ExecuteParameters[0] = "block_resize";
  const name: CommandName<Qmp10_2> = command;
  await logged("block_resize", { "node-name": "disk0", size: 1 << 30 });
  await logged("query-status");
  const resize: ResizeParameters = ["block_resize", { "node-name": "disk0", size: 1 << 30 }];
  await qmp.execute(...resize);
  const status: StatusResult = await qmp.execute("query-status");
  const running: boolean = status.running;
  const result: ExecuteResult = status;
  const direct = await withExecute(qmp.execute);
  return { name, running, result, direct };
}

export async function invalid() {
  // @ts-expect-error unknown command
  const command: ExecuteParameters[0] = "no-such-command";
  // @ts-expect-error unknown command
  await logged("no-such-command");
  // @ts-expect-error ill-typed argument object
  await logged("block_resize", 42);
  // @ts-expect-error ill-typed call option
  await logged("query-status", {}, { timeout: "soon" });
  // @ts-expect-error missing member
  const resize: ResizeParameters = ["block_resize", { "node-name": "disk0" }];
  // @ts-expect-error ill-typed member
  const other: ResizeParameters = ["block_resize", { "node-name": "disk0", size: "1G" }];
  // @ts-expect-error excess member
  const excess: ResizeParameters = ["block_resize", { size: 1, bogus: true }];
  // @ts-expect-error another command's result
  const status: StatusResult = await qmp.execute("query-block");
  return { command, resize, other, excess, status };
}
