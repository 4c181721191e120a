/**
 * Mapped types over every command name: a result table indexed by name,
 * and a table of handlers keyed by command.
 */
import type { CommandArgs, CommandName, CommandReturn } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

type Results = { [C in CommandName<Qmp10_2>]: CommandReturn<Qmp10_2, C> };
type Arguments = { [C in CommandName<Qmp10_2>]: CommandArgs<Qmp10_2, C> };
type Handlers = { [C in CommandName<Qmp10_2>]?: (args: CommandArgs<Qmp10_2, C>) => void };

/** A fake server's replies, keyed by command. */
export const replies: Partial<Results> = {
  "query-status": { running: true, status: "running" },
  "query-block": [],
};

export const handlers: Handlers = {
  block_resize: (args) => console.log(args.size),
  "blockdev-add": (args) => console.log(args.driver),
};

export function valid(results: Results, args: Arguments) {
  const running: boolean = results["query-status"].running;
  const devices: string[] = results["query-block"].map((block) => block.device);
  const size = args.block_resize.size;
  const driver: string = args["blockdev-add"].driver;
  const name: keyof Results = "query-status";
  const any: Results[CommandName<Qmp10_2>] = results["query-status"];
  return { running, devices, size, driver, name, any };
}

export function invalid(results: Results) {
  // @ts-expect-error unknown command
  const missing = results["no-such-command"];
  // @ts-expect-error ill-typed result member
  const running: string = results["query-status"].running;
  const table: Partial<Results> = {
    // @ts-expect-error ill-typed reply
    "query-status": { running: "yes", status: "running" },
  };
  const typo: Handlers = {
    // @ts-expect-error unknown command
    "block-resize": () => {},
  };
  const unknownMember: Handlers = {
    // @ts-expect-error unknown member read in a handler
    block_resize: (args) => console.log(args.bytes),
  };
  // @ts-expect-error not the result of any command
  const any: Results[CommandName<Qmp10_2>] = Symbol("not JSON");
  return { missing, running, table, typo, unknownMember, any };
}
