/**
 * Arguments passing through variables of other types: a wider declared type
 * (`object`, `Record<string, unknown>`, a union of two commands' arguments),
 * a function's parameter, an array of argument objects sent in a loop, and
 * the same object reused for two commands.
 */
import type { CommandArgs, Qmp10_2, QmpClient } from "../../../mod.ts";
import type { Qmp7_2 } from "../../../versions.ts";

type Resize = CommandArgs<Qmp10_2, "block_resize">;
type Stream = CommandArgs<Qmp10_2, "block-stream">;

export async function loop(qmp: QmpClient<Qmp10_2>, sizes: Map<string, number>) {
  const all: Resize[] = [...sizes].map(([node, size]) => ({ "node-name": node, size }));
  for (const args of all) await qmp.execute("block_resize", args);
  await Promise.all(all.map((args) => qmp.execute("block_resize", args)));
  const both: { "node-name": string; size: number; device?: string } = {
    "node-name": "a",
    size: 1,
  };
  await qmp.execute("block_resize", both);
  const job = { device: "disk0", "job-id": "j0", speed: 0 };
  await qmp.execute("block-stream", job);
  await qmp.execute("job-cancel", { id: job["job-id"] });
}

export async function fromSubtype(qmp: QmpClient<Qmp10_2>) {
  // a variable of a narrower type than the arguments (literal types) is fine
  const exact: { readonly "node-name": "disk0"; readonly size: 1073741824 } = {
    "node-name": "disk0",
    size: 1073741824,
  };
  await qmp.execute("block_resize", exact);
}

export async function mistakes(
  qmp: QmpClient<Qmp10_2>,
  loose: Record<string, unknown>,
  either: Resize | Stream,
  streamArgs: CommandArgs<Qmp10_2, "block-stream">,
) {
  // @ts-expect-error a Record<string, unknown> may hold anything
  await qmp.execute("block_resize", loose);
  const opaque: object = { "node-name": "a", size: 1 };
  // @ts-expect-error `object` says nothing about the members
  await qmp.execute("block_resize", opaque);
  // A union of two commands' arguments: only what both accept.
  if ("size" in either) await qmp.execute("block_resize", either);
  const extra = { "node-name": "a", size: 1, speed: 5 };
  // Through a variable, an extra member is not an excess-property error...
  await qmp.execute("block_resize", extra);
  const wrong = { "node-name": "a", size: "1G" };
  // @ts-expect-error ...but a wrong type still is
  await qmp.execute("block_resize", wrong);
  // @ts-expect-error another command's arguments (no size)
  await qmp.execute("block_resize", streamArgs);
  // @ts-expect-error another command's arguments, in another version's schema
  const resize7: CommandArgs<Qmp7_2, "block_resize"> = streamArgs;
  void resize7;
  const streams: { device: string; speed?: number }[] = [];
  // @ts-expect-error arguments of another command in a loop
  for (const args of streams) await qmp.execute("block_resize", args);
}
