// Typical mistakes, one per line group; `errors_test.ts` checks the
// first line of each error `deno check` reports against `mistakes.snapshot`.
import type { CommandArgs, Qmp10_2, QmpClient, QmpEvent } from "../../../mod.ts";
import type { Span } from "../../../versions.ts";
import type { Qmp7_2 } from "../../../schemas/qmp/7.2.js";

declare const qmp: QmpClient<Qmp10_2>;
declare const strict: QmpClient<Qmp10_2, { deprecated: "reject" }>;
declare const old: QmpClient<Qmp7_2>;
declare const fleet: QmpClient<Span<"7.2" | "10.2">>;
declare const stream: CommandArgs<Qmp10_2, "block-stream">;

export async function mistakes() {
  // 1. a misspelled command
  await qmp.execute("query-statuss");
  // 2. a misspelled member
  await qmp.execute("block_resize", { "node-nam": "disk0", size: 1 << 30 });
  // 3. a member of the wrong type
  await qmp.execute("block_resize", { "node-name": "disk0", size: "1G" });
  // 4. a missing member
  await qmp.execute("block_resize", { "node-name": "disk0" });
  // 5. a wrong enum value
  await qmp.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "d",
    file: "f",
    discard: "trim",
  });
  // 6. a member of another union branch
  await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "n", filename: "/tmp/x" });
  // 7. a deprecated member under the reject policy
  await strict.execute("block-commit", { device: "d", top: "t" });
  // 8. a command of a newer version
  await old.execute("blockdev-set-active", { active: true });
  // 9. arguments to a command that takes none
  await qmp.execute("query-status", { verbose: true });
  // 10. a wrong event name
  await qmp.waitFor("SHUTDOWNN");
  // 11. a member only some versions of a span know
  await fleet.execute("migrate", { channels: [] });
  // 12. another command's arguments
  await qmp.execute("block_resize", stream);
}

export function hovers(event: QmpEvent<Qmp10_2>) {
  return event;
}

// Hovers: the test asks the language service for quick info on each name.
declare const status: Awaited<ReturnType<typeof qmp.execute<"query-status">>>;
declare const blocks: Awaited<ReturnType<typeof qmp.execute<"query-block">>>;
export const hoverStatus = status;
export const hoverBlock = blocks[0];
