/**
 * Type tests that `deno check` runs: calls that must compile, and calls that
 * must not (`@ts-expect-error` fails the check if the line compiles).
 */
import type {
  CommandReturn,
  EventData,
  Execute,
  JsonValue,
  QmpEvent,
  TypeOf,
} from "../../lib/types/mod.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import type { Qmp10_0 } from "../../schemas/qmp/10.0.js";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
import type { Qga10_2 } from "../../schemas/qga/10.2.js";

declare const execute: Execute<Qmp10_2>;
declare const strict: Execute<Qmp10_2, { deprecated: "reject"; unstable: "reject" }>;
declare const guest: Execute<Qga10_2>;

/** Exact type equality, as a compile-time assertion. */
type Equal<left, right> = (<value>() => value extends left ? 1 : 2) extends
  (<value>() => value extends right ? 1 : 2) ? true : false;
function assertType<_ extends true>() {}
/** True when the type is TypeScript's `any`. */
type IsAny<value> = 0 extends 1 & value ? true : false;

export async function calls() {
  // Commands without arguments, with optional and with required arguments.
  const status = await execute("query-status");
  assertType<Equal<typeof status.running, boolean>>();
  await execute("stop");
  await execute("query-named-block-nodes", { flat: true });
  await execute("query-named-block-nodes");
  await execute("block_resize", { "node-name": "disk0", size: 1 << 30 });

  // @ts-expect-error unknown command
  await execute("no-such-command");
  // @ts-expect-error missing required argument object
  await execute("block_resize");
  // @ts-expect-error missing required member
  await execute("block_resize", { "node-name": "disk0" });
  // @ts-expect-error unknown member
  await execute("block_resize", { "node-name": "disk0", size: 1, bogus: true });
  // @ts-expect-error wrong member type
  await execute("block_resize", { "node-name": "disk0", size: "1G" });
  // @ts-expect-error arguments to a command that takes none
  await execute("query-status", { verbose: true });

  // Flat unions (boxed), nested unions, alternates and recursion.
  await execute("blockdev-add", { driver: "null-co", "node-name": "n0", size: 1 << 20 });
  await execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "disk0",
    file: { driver: "file", filename: "/tmp/disk.qcow2", "aio-max-batch": 4 },
  });
  await execute("blockdev-add", { driver: "qcow2", "node-name": "d1", file: "file0" });
  // @ts-expect-error wrong enum value for the discriminator
  await execute("blockdev-add", { driver: "no-such-driver", "node-name": "x" });
  // @ts-expect-error a branch member under the wrong discriminator value
  await execute("blockdev-add", { driver: "null-co", "node-name": "x", filename: "/tmp/x" });
  // @ts-expect-error a required branch member missing
  await execute("blockdev-add", { driver: "file", "node-name": "x" });
  await execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "d2",
    // @ts-expect-error nested: unknown member in an alternate's object branch
    file: { driver: "file", filename: "/x", nonsense: 1 },
  });

  // A union branch that is itself a union: `MigrationAddress` under `socket`
  // is the base's members and one of `SocketAddress`'s variants.
  const main = "main" as const;
  await execute("migrate", {
    channels: [{ "channel-type": main, addr: { transport: "socket", type: "unix", path: "/m" } }],
  });
  await execute("migrate", {
    channels: [{
      "channel-type": main,
      addr: { transport: "socket", type: "inet", host: "h", port: "4444" },
    }],
  });
  await execute("migrate", {
    channels: [{ "channel-type": main, addr: { transport: "exec", args: ["nc", "h", "4444"] } }],
  });
  await execute("migrate", {
    // @ts-expect-error a member of another variant of the branch union
    channels: [{ "channel-type": main, addr: { transport: "socket", type: "unix", host: "h" } }],
  });
  await execute("migrate", {
    // @ts-expect-error the branch union's discriminator missing
    channels: [{ "channel-type": main, addr: { transport: "socket", path: "/m" } }],
  });

  // A call in a typed context: the command is still inferred from its name
  // alone (inferring it from the expected result ran out of memory).
  const typed: { running: boolean } = await execute("query-status");
  void typed;

  // Results navigable with full precision.
  const blocks = await execute("query-block");
  const format = blocks[0].inserted?.image.format;
  assertType<Equal<typeof format, string | undefined>>();
  const nodes = await execute("query-named-block-nodes");
  assertType<Equal<IsAny<typeof nodes[0]["node-name"]>, false>>();

  // Outputs open: a result enum accepts values a newer QEMU may add.
  const state: TypeOf<Qmp10_2, "RunState"> = "some-future-state";
  void state;
  // Inputs closed: the same enum in arguments does not.
  // @ts-expect-error unknown enum value in arguments
  await execute("blockdev-add", { driver: "null-co", "node-name": "n", "detect-zeroes": "maybe" });

  // QAPI `any` is a JSON value, never TypeScript's any.
  const property = await execute("qom-get", { path: "/machine", property: "type" });
  assertType<Equal<IsAny<typeof property>, false>>();

  // exec-oob only where the schema allows it.
  await execute("migrate-pause", undefined, { oob: true });
  // @ts-expect-error oob on a command that does not allow it
  await execute("query-status", undefined, { oob: true });

  // gen: false: device properties the schema does not list, listed members checked.
  await execute("device_add", {
    driver: "e1000",
    id: "net1",
    bus: "pci.0",
    mac: "52:54:00:12:34:56",
  });
  await execute("device_add", { driver: "virtio-net-pci", vectors: 4, "disable-legacy": "on" });
  // @ts-expect-error a listed member of the wrong type
  await execute("device_add", { driver: 5, mac: "52:54:00:12:34:56" });
  // @ts-expect-error the required listed member missing
  await execute("device_add", { id: "net1", mac: "52:54:00:12:34:56" });

  // Commands without a result and events without data: objects with no members.
  const stopped = await execute("stop");
  assertType<Equal<typeof stopped, Record<string, never>>>();

  // 64-bit integers admit what the run time delivers beyond 2^53.
  const [node] = await execute("query-named-block-nodes");
  assertType<Equal<typeof node.image["virtual-size"], number | bigint>>();
  // QAPI's any holds bigints too (query-cpu-model-expansion's props).
  const expansion = await execute("query-cpu-model-expansion", {
    type: "full",
    model: { name: "max" },
  });
  type Props = NonNullable<typeof expansion.model.props>;
  assertType<Equal<bigint extends Props ? true : false, true>>();

  // Compat policy: deprecated and unstable commands and members rejected.
  await execute("block-commit", { device: "d", top: "t" });
  await strict("block-commit", { device: "d", "top-node": "t" });
  // @ts-expect-error a deprecated member under { deprecated: "reject" }
  await strict("block-commit", { device: "d", top: "t" });
  // @ts-expect-error an unstable command under { unstable: "reject" }
  await strict("x-exit-preconfig");

  // The guest agent's schema.
  const info = await guest("guest-info");
  assertType<Equal<typeof info.version, string>>();
  await guest("guest-exec", { path: "/bin/true", "capture-output": true });
  // @ts-expect-error a QMP command is not a guest agent command
  await guest("query-status");
}

export function events(message: QmpEvent<Qmp10_2>) {
  switch (message.event) {
    case "SHUTDOWN": {
      assertType<Equal<typeof message.data.guest, boolean>>();
      return message.data.reason;
    }
    case "BLOCK_JOB_COMPLETED":
      return message.data.device;
    case "STOP":
      // STOP has no data: an object with no members, every read `never`.
      assertType<Equal<typeof message.data, Record<string, never>>>();
      return message.data.reason;
  }
}

/**
 * Results and event data of the same shape in two versions are assignable
 * to each other (outputs are compared by their members, never by which
 * schema they come from); a result whose members differ is not.
 */
export function acrossVersions(
  status: CommandReturn<Qmp10_2, "query-status">,
  blocks: CommandReturn<Qmp10_2, "query-block">,
  blocks10_0: CommandReturn<Qmp10_0, "query-block">,
  jobs: CommandReturn<Qmp7_2, "query-jobs">,
  change: EventData<Qmp10_0, "JOB_STATUS_CHANGE">,
) {
  const sameStatus: CommandReturn<Qmp10_0, "query-status"> = status;
  const sameBlocks: CommandReturn<Qmp10_0, "query-block"> = blocks;
  const sameJobs: CommandReturn<Qmp10_2, "query-jobs"> = jobs;
  const sameChange: EventData<Qmp10_2, "JOB_STATUS_CHANGE"> = change;
  // @ts-expect-error 7.2's block device info lacks what 10.0's has
  const olderBlocks: CommandReturn<Qmp7_2, "query-block"> = blocks10_0;
  return [sameStatus, sameBlocks, sameJobs, sameChange, olderBlocks];
}

/**
 * A struct without members (`Abort`, the data of a `transaction` action
 * that aborts it) takes `{}` and nothing else: not a member, not a string.
 */
export async function actionWithoutMembers() {
  await execute("transaction", { actions: [{ type: "abort", data: {} }] });
  // @ts-expect-error Abort has no members
  await execute("transaction", { actions: [{ type: "abort", data: { now: true } }] });
  // @ts-expect-error Abort's data is an object
  await execute("transaction", { actions: [{ type: "abort", data: "now" }] });
}

/**
 * Under `{ deprecated: "reject" }`, a union's deprecated discriminator value
 * is refused as a deprecated member is (`gluster` is deprecated in 10.2).
 */
export async function deprecatedBranch() {
  const gluster = {
    driver: "gluster",
    "node-name": "g0",
    volume: "v",
    path: "p",
    server: [{ type: "inet", host: "h", port: "24007" }],
  } as const;
  await execute("blockdev-add", gluster);
  await strict("blockdev-add", { driver: "null-co", "node-name": "n0" });
  // @ts-expect-error the gluster driver is deprecated
  await strict("blockdev-add", gluster);
}

/**
 * Results are the reply's own, fresh values: their arrays are mutable, and
 * `Array.isArray` narrows a QAPI `any` (`JsonValue`). Arguments still take
 * readonly data (`as const`), an `any` member too (`JsonInput`).
 */
export async function resultsAreMutable() {
  const blocks = await execute("query-block");
  blocks.sort((a, b) => a.device.localeCompare(b.device));
  blocks.push(blocks[0]);
  const value = await execute("qom-get", { path: "/machine", property: "type" });
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const inner: JsonValue = value["x"];
    void inner;
  }
  const devices = ["a", "b"] as const;
  await execute("qom-set", { path: "/machine", property: "x", value: { devices } });
  await execute("blockdev-add", {
    driver: "quorum",
    "node-name": "q0",
    "vote-threshold": 1,
    children: devices,
  });
}
