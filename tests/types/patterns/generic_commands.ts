/**
 * Helpers generic over the command name: a logged call, a batch of
 * [name, args] pairs, a memoized query, and a retrying call, each inferring
 * the command from its name and typing the result by it.
 */
import type {
  CommandArgs,
  CommandName,
  CommandReturn,
  Execute,
  ExecuteArguments,
  Qmp10_2,
  QmpClient,
} from "../../../mod.ts";

type Name = CommandName<Qmp10_2>;

/** Forwards `execute`'s own parameters: the arguments (optional where the command's are) and options. */
export async function logged<C extends Name>(
  qmp: QmpClient<Qmp10_2>,
  command: C,
  ...rest: ExecuteArguments<Qmp10_2, C>
): Promise<CommandReturn<Qmp10_2, C>> {
  const started = performance.now();
  try {
    return await qmp.execute(command, ...rest);
  } finally {
    console.log(
      `${command} ${JSON.stringify(rest[0])} ${(performance.now() - started).toFixed(1)} ms`,
    );
  }
}

/**
 * The arguments as one object: for a generic command, TypeScript cannot
 * relate `[CommandArgs]` to `execute`'s parameters (a conditional type it
 * defers), not even with a single `as`.
 */
export function call<C extends Name>(
  qmp: QmpClient<Qmp10_2>,
  command: C,
  args: CommandArgs<Qmp10_2, C>,
) {
  const rest = [args] as unknown as ExecuteArguments<Qmp10_2, C>;
  return qmp.execute(command, ...rest);
}

const cache = new Map<string, Promise<unknown>>();

export function memo<C extends "query-version" | "query-target" | "query-machines">(
  qmp: QmpClient<Qmp10_2>,
  command: C,
  ...rest: ExecuteArguments<Qmp10_2, C>
): Promise<CommandReturn<Qmp10_2, C>> {
  let entry = cache.get(command);
  if (!entry) cache.set(command, entry = qmp.execute(command, ...rest));
  return entry as Promise<CommandReturn<Qmp10_2, C>>;
}

export async function retry<T>(call: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1;; i++) {
    try {
      return await call();
    } catch (error) {
      if (i >= attempts) throw error;
    }
  }
}

export async function valid(qmp: QmpClient<Qmp10_2>) {
  const resized = await logged(qmp, "block_resize", { "node-name": "disk0", size: 1 << 30 });
  const status = await logged(qmp, "query-status");
  const jobs = await call(qmp, "query-jobs", {});
  const version = await memo(qmp, "query-version");
  const target = await memo(qmp, "query-target");
  const names = await retry(() => qmp.execute("query-named-block-nodes", { flat: true }));
  const run: Execute<Qmp10_2> = qmp.execute;
  const machines = await run("query-machines");
  return {
    resized,
    jobs,
    running: status.running,
    major: version.qemu.major,
    arch: target.arch,
    names,
    machines,
  };
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  // @ts-expect-error the arguments of another command
  await logged(qmp, "block_resize", { id: "x" });
  // @ts-expect-error a command outside the memoized ones
  await memo(qmp, "query-status");
  const version = await memo(qmp, "query-version");
  // @ts-expect-error a required argument object left out
  await logged(qmp, "block_resize");
  // @ts-expect-error through `call`: ill-typed member
  await call(qmp, "block_resize", { size: "1G" });
  // @ts-expect-error the result is typed by the command: no `arch` in query-version
  console.log(version.arch);
  // @ts-expect-error the retried call's result keeps its type
  const names: string[] = await retry(() => qmp.execute("query-named-block-nodes"));
  return names;
}
