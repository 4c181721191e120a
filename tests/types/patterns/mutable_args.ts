/**
 * Argument objects built step by step: annotated then assigned member by
 * member, arrays pushed to, objects spread from defaults, and `as const`
 * objects (readonly arrays inside) passed as they are.
 */
import type { CommandArgs, Qmp10_2, QmpClient } from "../../../mod.ts";

type AddArgs = CommandArgs<Qmp10_2, "blockdev-add">;
type NetArgs = CommandArgs<Qmp10_2, "netdev_add">;

export async function build(qmp: QmpClient<Qmp10_2>, image: string, cache: boolean) {
  const file: CommandArgs<Qmp10_2, "blockdev-add"> = {
    driver: "file",
    "node-name": "f0",
    filename: image,
  };
  // members of an annotated argument object can be set later
  file["read-only"] = true;
  file.cache = { direct: !cache, "no-flush": false };
  if (file.driver === "file") file.aio = "native";
  await qmp.execute("blockdev-add", file);

  const bitmaps: CommandArgs<Qmp10_2, "block-dirty-bitmap-merge"> = {
    node: "f0",
    target: "b0",
    bitmaps: [],
  };
  bitmaps.bitmaps = [...bitmaps.bitmaps, "b1", { node: "f0", name: "b2" }];
  await qmp.execute("block-dirty-bitmap-merge", bitmaps);

  const argv = ["a", "b"];
  argv.push("c");
  const exec = { "command-line": `info ${argv.join(" ")}` };
  return qmp.execute("human-monitor-command", exec);
}

const defaults = { driver: "qcow2", "discard": "unmap", "detect-zeroes": "unmap" } as const;

export async function spread(qmp: QmpClient<Qmp10_2>, node: string, file: string) {
  await qmp.execute("blockdev-add", { ...defaults, "node-name": node, file });
  const constArgs = {
    driver: "quorum",
    "node-name": "q0",
    children: ["a", "b", "c"],
    "vote-threshold": 2,
  } as const;
  await qmp.execute("blockdev-add", constArgs);
  const sets = {
    capabilities: [{ capability: "xbzrle", state: true }, { capability: "events", state: false }],
  } as const;
  await qmp.execute("migrate-set-capabilities", sets);
}

export function netdev(kind: "user" | "tap", id: string): NetArgs {
  if (kind === "user") return { type: "user", id, hostfwd: [{ str: "tcp::2222-:22" }] };
  return { type: "tap", id, ifname: "tap0", script: "no", downscript: "no" };
}

export function mistakes(image: string) {
  const file: AddArgs = { driver: "file", "node-name": "f0", filename: image };
  // narrowed by the initializer to the file branch: its members can be set
  file.filename = "/tmp/other";
  const other: AddArgs = Math.random() > 0.5 ? file : { driver: "null-co", "node-name": "n" };
  // @ts-expect-error the union, not narrowed: `filename` is not a member of every branch
  other.filename = "/tmp/other";
  // @ts-expect-error aio is an enum
  if (file.driver === "file") file.aio = "io-uring";
  const args: CommandArgs<Qmp10_2, "block-dirty-bitmap-merge"> = {
    node: "n",
    target: "t",
    bitmaps: [],
  };
  // @ts-expect-error a bitmap is a name or { node, name }
  args.bitmaps = [{ name: "b" }];
  let driver = "qcow2";
  driver = "raw";
  // @ts-expect-error `let` widens the driver to string
  const widened: AddArgs = { driver, "node-name": "n", file: "f0" };
  return widened;
}
