/**
 * A generic retry helper: the command and its arguments typed as for
 * `execute`, retried on failure.
 */
import {
  type CommandArgs,
  type CommandName,
  type CommandReturn,
  type QmpClient,
  QmpError,
} from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

export async function retry<C extends CommandName<Qmp10_2>>(
  qmp: QmpClient<Qmp10_2>,
  command: C,
  args: CommandArgs<Qmp10_2, C>,
  attempts = 3,
): Promise<CommandReturn<Qmp10_2, C>> {
  for (let attempt = 1;; attempt++) {
    try {
      return await qmp.connection.call(command, args) as CommandReturn<Qmp10_2, C>;
    } catch (error) {
      if (!(error instanceof QmpError) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** The same shape over a thunk: the command inferred inside. */
export async function retrying<T>(action: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

export async function valid(qmp: QmpClient<Qmp10_2>) {
  await retry(qmp, "job-dismiss", { id: "job0" });
  await retry(qmp, "block_resize", { "node-name": "disk0", size: 1 << 30 }, 5);
  const jobs = await retry(qmp, "query-jobs", {});
  const status = await retrying(() => qmp.execute("query-status"));
  const typed: CommandReturn<Qmp10_2, "query-jobs"> = await retry(qmp, "query-jobs", {});
  return jobs.length + typed.length + (status.running ? 1 : 0);
}

export async function invalid(qmp: QmpClient<Qmp10_2>) {
  // @ts-expect-error missing member
  await retry(qmp, "job-dismiss", {});
  // @ts-expect-error ill-typed member
  await retry(qmp, "job-dismiss", { id: 0 });
  // @ts-expect-error excess member
  await retry(qmp, "job-dismiss", { id: "job0", force: true });
  // @ts-expect-error unknown command
  await retry(qmp, "no-such-command", {});
  // @ts-expect-error ill-typed attempts
  await retry(qmp, "query-jobs", {}, "3");
  // @ts-expect-error unknown member of a result
  return (await retrying(() => qmp.execute("query-status"))).paused;
}
