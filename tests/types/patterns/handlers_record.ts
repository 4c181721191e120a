/**
 * A command table: handlers keyed by command name in a record typed with a
 * mapped type, a dispatcher that forwards a name and its arguments, and a
 * `Partial` of arguments merged with defaults at the call.
 */
import type { CommandArgs, CommandName, CommandReturn, Qmp10_2, QmpClient } from "../../../mod.ts";

type Name = CommandName<Qmp10_2>;
type Handlers = {
  [C in Name]?: (args: CommandArgs<Qmp10_2, C>) => CommandReturn<Qmp10_2, C>;
};

/** A fake QEMU for unit tests: the commands a test needs, answered locally. */
export const fake: Handlers = {
  "query-status": () => ({ running: true, singlestep: false, status: "running" }),
  "query-name": () => ({ name: "vm0" }),
  "block_resize": ({ size }) => {
    if (Number(size) <= 0) throw new Error("size must be positive");
    return {};
  },
  "query-version": () => ({ qemu: { major: 10, minor: 2, micro: 0 }, package: "" }),
};

export function answer<C extends Name>(name: C, args: CommandArgs<Qmp10_2, C>) {
  const handler = fake[name] as
    | ((args: CommandArgs<Qmp10_2, C>) => CommandReturn<Qmp10_2, C>)
    | undefined;
  if (!handler) throw new Error(`${name}: not faked`);
  return handler(args);
}

const resizeDefaults: Partial<CommandArgs<Qmp10_2, "block_resize">> = { "node-name": "disk0" };

export async function grow(qmp: QmpClient<Qmp10_2>, size: number) {
  await qmp.execute("block_resize", { ...resizeDefaults, size });
  const local = answer("query-status", {});
  return local.status;
}

// One mistake per object: TypeScript reports one failing member of an object literal.
export const wrongResult: Handlers = {
  // @ts-expect-error the result of another command
  "query-name": () => ({ running: true }),
};
export const misspelled: Handlers = {
  // @ts-expect-error a command that does not exist
  "query-nmae": () => ({}),
};
export const wrongArgs: Handlers = {
  // @ts-expect-error a member the command does not take
  "block_resize": ({ nodeName }) => ({ nodeName }),
};

export function moreMistakes() {
  // @ts-expect-error arguments of the wrong command
  answer("block_resize", { device: "d", bogus: 1 });
  // @ts-expect-error a partial is not enough: size is required
  return answer("block_resize", resizeDefaults);
}
