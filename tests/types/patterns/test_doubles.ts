/**
 * Unit tests without QEMU: code written against `Pick<QmpClient, "execute">`,
 * a fake whose `execute` answers from a table, and a recording wrapper; the
 * production code takes either.
 */
import type { CommandName, CommandReturn, Execute, Qmp10_2, QmpClient } from "../../../mod.ts";

type Executor = Pick<QmpClient<Qmp10_2>, "execute">;

/** Production code: only needs `execute`. */
export async function isRunning(qmp: Executor): Promise<boolean> {
  return (await qmp.execute("query-status")).running;
}

export async function diskNames(qmp: Executor): Promise<string[]> {
  const blocks = await qmp.execute("query-block");
  return blocks.map((block) => block.device);
}

type Answers = { [C in CommandName<Qmp10_2>]?: CommandReturn<Qmp10_2, C> };

export function fake(answers: Answers): Executor {
  const execute = ((command: CommandName<Qmp10_2>) => {
    if (!(command in answers)) return Promise.reject(new Error(`${command}: no answer`));
    return Promise.resolve(answers[command]);
  }) as Execute<Qmp10_2>;
  return { execute };
}

export function recording(inner: Executor, log: string[]): Executor {
  const execute = ((command: string, args?: object, options?: object) => {
    log.push(command);
    return (inner.execute as (c: string, a?: object, o?: object) => Promise<unknown>)(
      command,
      args,
      options,
    );
  }) as Execute<Qmp10_2>;
  return { execute };
}

export async function tests() {
  const qmp = fake({
    "query-status": { running: true, status: "running" },
    "query-block": [{ device: "ide0-hd0", type: "unknown", removable: false, locked: false }],
  });
  const log: string[] = [];
  const running = await isRunning(recording(qmp, log));
  const disks = await diskNames(qmp);
  return { running, disks, log };
}

export function mistakes() {
  // @ts-expect-error an answer of the wrong shape
  fake({ "query-status": { running: "yes" } });
  // @ts-expect-error an answer for a command that does not exist
  fake({ "query-statz": [] });
  // @ts-expect-error an executor needs execute
  return isRunning({});
}
